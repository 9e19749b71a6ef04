/**
 * Every quick fix on every example file, through the language server over stdio: request the code
 * actions of each diagnostic, apply the edit, let the server re-validate, and check that the finding
 * is gone, no new error appears, and no byte outside the finding's record (or a line added after it)
 * changed. Then the DMARC policy is walked from p=none to p=reject with the ladder's quick fixes in
 * each format that has a DMARC record. Runs on a copy of examples/ (every supported format).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  CodeActionRequest,
  type Diagnostic,
  DiagnosticSeverity,
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  FileChangeType,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { ROOT } from '../helpers';
import { startServer, type TestClient } from './client';

type Pos = { line: number; character: number };
type Edit = { range: { start: Pos; end: Pos }; newText: string };
type Action = { title: string; kind?: string; isPreferred?: boolean; diagnostics?: Diagnostic[]; edit?: { changes?: Record<string, Edit[]> } };

const offsetOf = (text: string, p: Pos) => {
  let o = 0;
  for (let l = 0; l < p.line; l++) o = text.indexOf('\n', o) + 1;
  return o + p.character;
};

function applyEdits(text: string, edits: Edit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => offsetOf(text, b.range.start) - offsetOf(text, a.range.start))) out = out.slice(0, offsetOf(text, e.range.start)) + e.newText + out.slice(offsetOf(text, e.range.end));
  return out;
}

const FILES = ['northwind.example.zone', 'db.northwind-labs.example', 'terraform/main.tf', 'cloudformation/mail-records.yaml', 'dnscontrol/dnsconfig.js', 'octodns/northwind-shop.example.yaml'];
const LADDER = /^DMARC: (move|enforce|raise)/;
const LANG: Record<string, string> = { zone: 'dns-zone', example: 'dns-zone', tf: 'terraform', yaml: 'yaml', js: 'javascript' };

describe('language server: every quick fix on every example file', () => {
  let client: TestClient;
  let conn: ProtocolConnection;
  let dir: string;
  const versions = new Map<string, number>();
  const waitFor = (uri: string, pred: (p: PublishDiagnosticsParams) => boolean) => client.waitFor(uri, pred);
  const setText = async (uri: string, text: string) => {
    const v = (versions.get(uri) ?? 1) + 1;
    versions.set(uri, v);
    await conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: v }, contentChanges: [{ text }] });
    return waitFor(uri, (p) => p.version === v);
  };
  const actionsAt = async (uri: string, range: { start: Pos; end: Pos }, diagnostics: Diagnostic[] = []) =>
    (await conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context: { diagnostics } })) as Action[];
  const errors = (p: PublishDiagnosticsParams) => p.diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error).length;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-fix-'));
    fs.cpSync(path.join(ROOT, 'examples'), dir, { recursive: true });
    client = await startServer(dir, { dns: { mode: 'offline' } });
    conn = client.conn;
  });

  after(() => client.stop());

  for (const file of FILES) {
    it(`${file}: each fix removes its finding, adds no error and keeps every other byte`, async () => {
      const uri = pathToFileURL(path.join(dir, file)).href;
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      versions.set(uri, 1);
      await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: LANG[file.split('.').pop()!] ?? 'plaintext', version: 1, text } });
      const first = await waitFor(uri, (p) => p.version === 1 && p.diagnostics.length > 0);
      let applied = 0;
      for (const d of first.diagnostics) {
        const fixes = (await actionsAt(uri, d.range, [d])).filter((a) => a.kind === 'quickfix' && !a.title.startsWith('Suppress') && !LADDER.test(a.title) && a.diagnostics?.some((x) => x.message === d.message) && a.edit?.changes?.[uri]);
        for (const fix of fixes) {
          if (Object.keys(fix.edit!.changes!).some((u) => u !== uri)) continue;
          const edits = fix.edit!.changes![uri];
          const fixed = applyEdits(text, edits);
          // Bytes: only the lines of the finding, its related records, and lines inserted right after them change.
          const allowed = new Set<number>();
          const spans = [d.range, ...(d.relatedInformation ?? []).filter((r) => r.location.uri === uri).map((r) => r.location.range)];
          for (const r of spans) for (let l = r.start.line; l <= r.end.line + 1; l++) allowed.add(l);
          for (const e of edits) assert.ok(allowed.has(e.range.start.line) && allowed.has(e.range.end.line), `${file}: "${fix.title}" edits line ${e.range.start.line + 1}, outside ${d.code}'s record`);
          const p = await setText(uri, fixed);
          const startAfter = offsetOf(text, d.range.start) + edits.filter((e) => offsetOf(text, e.range.end) <= offsetOf(text, d.range.start)).reduce((n, e) => n + e.newText.length - (offsetOf(text, e.range.end) - offsetOf(text, e.range.start)), 0);
          const still = p.diagnostics.filter((x) => x.code === d.code && x.message === d.message && offsetOf(fixed, x.range.start) === startAfter);
          assert.deepEqual(still.map((x) => x.message), [], `${file}: "${fix.title}" left ${d.code}`);
          assert.ok(errors(p) <= errors(first), `${file}: "${fix.title}" added an error: ${p.diagnostics.filter((x) => x.severity === 1).map((x) => x.message).join(' | ')}`);
          applied++;
          await setText(uri, text);
        }
      }
      if (!/db\.northwind-labs|cloudformation|dnscontrol/.test(file)) assert.ok(applied > 0, `${file}: no quick fix was applied`);
    });
  }

  for (const file of ['northwind.example.zone', 'terraform/main.tf', 'cloudformation/mail-records.yaml']) {
    it(`${file}: walks the DMARC policy from p=none to p=reject with the ladder's quick fixes`, async () => {
      const uri = pathToFileURL(path.join(dir, file)).href;
      // Every example starts the walk at p=none (the CloudFormation one is already at reject).
      let text = fs.readFileSync(path.join(dir, file), 'utf8').replace(/(v=DMARC1; )p=(reject|quarantine)/, '$1p=none');
      if (!versions.has(uri)) {
        versions.set(uri, 1);
        await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: LANG[file.split('.').pop()!] ?? 'plaintext', version: 1, text } });
      }
      await setText(uri, text);
      const seen: string[] = [];
      for (let step = 0; step < 8; step++) {
        const line = text.split('\n').findIndex((l) => /v=DMARC1/.test(l) && !/^\s*(#|;|\/\/)/.test(l));
        assert.ok(line >= 0);
        const col = text.split('\n')[line].indexOf('v=DMARC1');
        const ladder = (await actionsAt(uri, { start: { line, character: col }, end: { line, character: col } })).filter((a) => LADDER.test(a.title));
        if (process.env.DEBUG_LADDER) console.log(step, text.split('\n')[line], ladder.map((a) => a.title));
        if (ladder.length === 0) break;
        const before = (await setText(uri, text)).diagnostics.filter((d) => d.severity === 1).length;
        const next = applyEdits(text, ladder[0].edit!.changes![uri]);
        const p = await setText(uri, next);
        assert.ok(p.diagnostics.filter((d) => d.severity === 1).length <= before, `${file}: ${ladder[0].title} added an error`);
        seen.push(ladder[0].title.replace(/ —.*$/, ''));
        text = next;
      }
      const record = text.split('\n').find((l) => /v=DMARC1/.test(l) && !/^\s*(#|;|\/\/)/.test(l))!;
      assert.match(record, /p=reject/);
      assert.doesNotMatch(record, /t=y/);
      assert.deepEqual(
        seen.map((t) => t.replace(/^DMARC: /, '')),
        ['move to p=quarantine in test mode (t=y)', 'enforce p=quarantine (drop t=y)', 'move to p=reject in test mode (t=y)', 'enforce p=reject (drop t=y)'],
      );
    });
  }

  it('fix all answers a file created on disk and opened at once, whatever the moment it is asked (as the editor test does)', async () => {
    // The file is written, announced by the watcher and opened; fix all is asked at once or a little later.
    const text = '$ORIGIN fixall.example.\n@ IN TXT \u201cv=spf1 mx mx \u2013all\u201d\n_dmarc IN TXT "v=DMARC1, p=none"\n';
    for (let i = 0; i < 40; i++) {
      const file = path.join(dir, `fixall${i}.example.zone`);
      fs.writeFileSync(file, text);
      const uri = pathToFileURL(file).href;
      void conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri, type: FileChangeType.Created }] });
      void conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'dns-zone', version: 1, text } });
      await new Promise((r) => setTimeout(r, [0, 5, 30, 120][i % 4]));
      const actions = (await conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [], only: ['source.fixAll'] } })) as Action[];
      assert.deepEqual(actions.map((a) => a.kind), ['source.fixAll.dmarc-lens'], `round ${i}`);
      void conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
    }
  });

  it('fix all (source.fixAll, as on save): the fixes check --fix applies, in one edit set, and only when asked for that kind', async () => {
    const uri = pathToFileURL(path.join(dir, 'fixall.example.zone')).href;
    const text = '$ORIGIN fixall.example.\n@ IN TXT \u201cv=spf1 mx mx \u2013all\u201d\nshop IN TXT "v=spf1 +all"\n_dmarc IN TXT "v=DMARC1, p=none"\n';
    await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'dns-zone', version: 1, text } });
    await waitFor(uri, (p) => p.diagnostics.some((d) => d.code === 'zone/typographic-quotes'));
    const whole = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    const ask = async (only?: string[]) => (await conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: whole, context: { diagnostics: [], only } })) as Action[];
    for (const only of [['source.fixAll'], ['source'], ['source.fixAll.dmarc-lens']]) {
      const actions = await ask(only);
      assert.equal(actions.length, 1, JSON.stringify(only));
      assert.equal(actions[0].kind, 'source.fixAll.dmarc-lens');
      assert.equal(actions[0].title, 'DMARC Lens: fix 4 findings (as `check --fix` does)');
      assert.equal(applyEdits(text, actions[0].edit!.changes![uri]), '$ORIGIN fixall.example.\n@ IN TXT "v=spf1 mx -all"\nshop IN TXT "v=spf1 +all"\n_dmarc IN TXT "v=DMARC1; p=none"\n');
    }
    // Not among the quick fixes, and not for another source kind.
    assert.ok(!(await ask()).some((a) => a.kind === 'source.fixAll.dmarc-lens'));
    assert.deepEqual(await ask(['source.organizeImports']), []);
  });
});

