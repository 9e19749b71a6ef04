/**
 * dmarcLens.maxProblemsPerFile: a file with more findings than the limit is sent the most severe
 * (errors, then warnings… and within one severity the first in the document, as VS Code's own limit
 * picks them) and one note saying how many are not shown; code actions still see every finding.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { CodeActionRequest, DidChangeConfigurationNotification, DidOpenTextDocumentNotification, type Diagnostic, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { DEFAULT_MAX_PROBLEMS, mostSevere } from '../../server/src/lsp/limit';
import type { Severity } from '../../server/src/types';
import { startServer, type TestClient } from './client';

/** The reference: a stable sort by severity, the first `max`, back in document order. */
function reference<T extends { severity?: number }>(all: readonly T[], max: number): T[] {
  const idx = all.map((_, i) => i).sort((a, b) => all[a].severity! - all[b].severity! || a - b);
  return idx.slice(0, max).sort((a, b) => a - b).map((i) => all[i]);
}

describe('mostSevere', () => {
  it('takes whole severities above the cut and the first of the one at the cut, in document order', () => {
    const sev: Severity[] = ['hint', 'warning', 'error', 'information', 'warning', 'error', 'hint', 'warning'];
    const rank = { error: 1, warning: 2, information: 3, hint: 4 };
    const fs_ = sev.map((severity, i) => ({ severity, i }));
    for (let max = 0; max <= sev.length + 1; max++)
      assert.deepEqual(mostSevere(fs_, max).map((f) => f.i), reference(fs_.map((f) => ({ ...f, severity: rank[f.severity] })), max).map((f) => f.i), `max ${max}`);
  });
});

describe('language server: dmarcLens.maxProblemsPerFile', () => {
  let client: TestClient;
  let dir: string;
  const settings: { dns: object; maxProblemsPerFile?: unknown } = { dns: { mode: 'offline' }, maxProblemsPerFile: 0 };
  const isNote = (d: Diagnostic) => d.code === undefined && /^DMARC Lens shows \d+ of the \d+ findings/.test(d.message);
  const key = (d: Diagnostic) => JSON.stringify([d.code, d.range, d.message]);
  let uri: string;
  let all: Diagnostic[];

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-limit-'));
    // 1 200 hosts, each with a record that has a warning (ptr) or an error (+all) or only information;
    // every fifth one an error, so errors and warnings interleave in the document.
    const lines = ['$ORIGIN lim.example.', '$TTL 300', '_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:d@lim.example"'];
    for (let i = 0; i < 1200; i++) lines.push(`h${i} IN TXT "${i % 5 === 0 ? 'v=spf1 +all' : i % 5 === 1 ? 'v=spf1 ptr -all' : 'v=spf1 mx -all'}"`, `_dmarc.h${i} IN TXT "v=DMARC1; p=none; rua=mailto:d@lim.example"`);
    fs.writeFileSync(path.join(dir, 'lim.example.zone'), `${lines.join('\n')}\n`);
    client = await startServer(dir, settings);
    uri = pathToFileURL(path.join(dir, 'lim.example.zone')).href;
    void client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'dns-zone', version: 1, text: fs.readFileSync(path.join(dir, 'lim.example.zone'), 'utf8') } });
    all = (await client.waitFor(uri, (p) => p.diagnostics.length >= 1681)).diagnostics;
  });

  after(() => client.stop());

  const reconfigure = async (value: unknown, pred: (p: PublishDiagnosticsParams) => boolean) => {
    settings.maxProblemsPerFile = value;
    client.latest.delete(uri);
    void client.conn.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    return (await client.waitFor(uri, pred)).diagnostics;
  };

  it('0 sends every finding, with no note', () => {
    assert.ok(!all.some(isNote));
    // 240 errors (+all), 240 warnings (ptr), 1 201 informations (p=none).
    assert.deepEqual([1, 2, 3, 4].map((s) => all.filter((d) => d.severity === s).length), [240, 240, 1201, 0]);
  });

  it('a limit sends the most severe first, as VS Code picks them, and says how many are left out', async () => {
    for (const max of [7, 240, 300]) {
      const got = await reconfigure(max, (p) => p.diagnostics.some(isNote) && p.diagnostics.length === max + 1);
      const note = got.find(isNote)!;
      assert.equal(note.message, `DMARC Lens shows ${max} of the ${all.length} findings in this file, the most severe first (setting dmarcLens.maxProblemsPerFile); \`dmarc-lens check\` on the file lists them all.`);
      assert.deepEqual(got.filter((d) => !isNote(d)).map(key), reference(all, max).map(key), `max ${max}`);
    }
  });

  it('code actions still offer the fix of a finding that is not sent', async () => {
    const got = await reconfigure(7, (p) => p.diagnostics.some(isNote));
    const sent = new Set(got.map(key));
    const hidden = all.find((d) => d.code === 'spf/plus-all' && !sent.has(key(d)))!;
    assert.ok(hidden);
    const actions = (await client.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: hidden.range, context: { diagnostics: [] } })) as { title: string }[];
    assert.ok(actions.some((a) => a.title === 'Use ~all'), JSON.stringify(actions.map((a) => a.title)));
  });

  it('the default is VS Code\'s own limit, and a setting that is not a whole number falls back to it', async () => {
    for (const value of [undefined, 'lots', -1, 2.5]) {
      const got = await reconfigure(value, (p) => p.diagnostics.some(isNote));
      assert.equal(got.length, DEFAULT_MAX_PROBLEMS + 1, String(value));
      assert.deepEqual(got.filter((d) => !isNote(d)).map(key), reference(all, DEFAULT_MAX_PROBLEMS).map(key));
    }
    // A limit above the count sends them all.
    const got = await reconfigure(100000, (p) => p.diagnostics.length === all.length);
    assert.ok(!got.some(isNote));
  });
});
