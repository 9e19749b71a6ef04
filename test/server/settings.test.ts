/**
 * Settings, project configuration and baselines in the language server: `dmarcLens.rules` applies,
 * the nearest `.dmarc-lens.json` wins over it, baselined findings are hidden, suppressions apply,
 * and a broken config file gets its own diagnostics.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  CodeActionRequest,
  HoverRequest,
  type MarkupContent,
  DidOpenTextDocumentNotification,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { ROOT } from '../helpers';
import { startServer, type TestClient } from './client';

describe('language server: settings, .dmarc-lens.json, baselines', () => {
  let client: TestClient;
  let conn: ProtocolConnection;
  let dir: string;
  const waitFor = (uri: string, pred: (p: PublishDiagnosticsParams) => boolean) => client.waitFor(uri, pred);
  const open = (file: string) => {
    const uri = pathToFileURL(path.join(dir, file)).href;
    void conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'dns-zone', version: 1, text: fs.readFileSync(path.join(dir, file), 'utf8') } });
    return uri;
  };

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-set-'));
    const zone = '$ORIGIN example.com.\n@ IN TXT "v=spf1 ptr +all"\n_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:d@example.com"\n';
    fs.writeFileSync(path.join(dir, 'example.com.zone'), zone);
    fs.mkdirSync(path.join(dir, 'team'));
    fs.writeFileSync(path.join(dir, 'team', '.dmarc-lens.json'), '{ "rules": { "spf/ptr": "error" } }');
    fs.writeFileSync(path.join(dir, 'team', 'example.org.zone'), zone.replace(/example\.com/g, 'example.org').replace('@ IN', '; dmarc-lens-disable-next-line spf/plus-all -- test zone\n@ IN'));
    fs.mkdirSync(path.join(dir, 'bad'));
    fs.writeFileSync(path.join(dir, 'bad', '.dmarc-lens.json'), '{ "rules": { "spf/nope": "off" } }');
    // A baseline of the example.com zone, written by the CLI.
    fs.mkdirSync(path.join(dir, 'legacy'));
    fs.writeFileSync(path.join(dir, 'legacy', 'example.net.zone'), zone.replace(/example\.com/g, 'example.net'));
    spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'check', 'legacy', '--offline', '--baseline', 'baseline.json'], { cwd: dir });

    client = await startServer(dir, { rules: { 'spf/ptr': 'off', 'dmarc/policy-none': 'hint' }, baseline: { file: 'baseline.json', mode: 'hide' }, dns: { mode: 'offline' }, rollout: { decisionLog: true } });
    conn = client.conn;
  });

  after(() => client.stop());

  it('applies dmarcLens.rules', async () => {
    const uri = open('example.com.zone');
    const p = await waitFor(uri, (x) => x.diagnostics.some((d) => d.code === 'spf/plus-all'));
    assert.ok(!p.diagnostics.some((d) => d.code === 'spf/ptr'), 'spf/ptr is off in the settings');
    assert.equal(p.diagnostics.find((d) => d.code === 'dmarc/policy-none')?.severity, 4);
  });

  it('lets the nearest .dmarc-lens.json win over the settings, and honours suppressions', async () => {
    const uri = open('team/example.org.zone');
    const p = await waitFor(uri, (x) => x.diagnostics.some((d) => d.code === 'spf/ptr'));
    assert.equal(p.diagnostics.find((d) => d.code === 'spf/ptr')?.severity, 1);
    assert.ok(!p.diagnostics.some((d) => d.code === 'spf/plus-all'), 'suppressed inline');
    const hover = await conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 2, character: 20 } });
    assert.match((hover?.contents as MarkupContent).value, /Suppressed on this line: `spf\/plus-all` — test zone/);
    const actions = (await conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: p.diagnostics.find((d) => d.code === 'spf/ptr')!.range, context: { diagnostics: [] } })) as { title: string }[];
    assert.ok(actions.some((a) => a.title === 'Suppress spf/ptr for this line'));
  });

  it('writes a dated decision-log comment with a policy step when the setting asks for it', async () => {
    const uri = pathToFileURL(path.join(dir, 'example.com.zone')).href;
    const actions = (await conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: { start: { line: 2, character: 18 }, end: { line: 2, character: 18 } }, context: { diagnostics: [] } })) as {
      title: string;
      edit: { changes: Record<string, { newText: string }[]> };
    }[];
    const step = actions.find((a) => a.title.startsWith('DMARC: move to p=quarantine'))!;
    const log = step.edit.changes[uri].find((e) => /^; \d{4}/.test(e.newText))!;
    assert.match(log.newText, /^; \d{4}-\d{2}-\d{2} p=none -> p=quarantine; t=y; np=reject \(no aggregate reports for this domain in the workspace\)\n$/);
  });

  it('hides findings recorded in the baseline', async () => {
    const uri = open('legacy/example.net.zone');
    const p = await waitFor(uri, () => true);
    assert.deepEqual(p.diagnostics.map((d) => d.code), []);
  });

  it('reports a broken config file in that file', async () => {
    const uri = pathToFileURL(path.join(dir, 'bad', '.dmarc-lens.json')).href;
    void conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'jsonc', version: 1, text: fs.readFileSync(path.join(dir, 'bad', '.dmarc-lens.json'), 'utf8') } });
    const p = await waitFor(uri, (x) => x.diagnostics.length > 0);
    assert.equal(p.diagnostics[0].code, 'meta/invalid-config');
    assert.deepEqual(p.diagnostics[0].range.start, { line: 0, character: 13 });
  });
});
