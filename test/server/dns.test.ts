/**
 * The language server against a real DNS server on loopback (test/dns-server.ts): the SPF trees of a
 * document whose records all include a name the server never answers wait out the timeout once, not
 * once per record, and every record still says what it could not resolve.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { DidOpenTextDocumentNotification } from 'vscode-languageserver-protocol/node';
import { startDnsServer, type DnsServer } from '../dns-server';
import { startServer, type TestClient } from './client';

describe('language server: live DNS', () => {
  let dns: DnsServer;
  let client: TestClient;
  let dir: string;
  before(async () => {
    dns = await startDnsServer({ 'ok.test': [{ type: 'TXT', data: 'v=spf1 ip4:192.0.2.1 -all' }], 'lsp.test._report._dmarc.vendor-ok.test': [{ type: 'TXT', data: 'v=DMARC1' }], '_dmarc.drift.test': [{ type: 'TXT', data: 'v=DMARC1; p=none' }], 'drift.test': [{ type: 'TXT', data: 'v=spf1 -all' }] }, { silent: new Set(['silent.test']) });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-dns-'));
    client = await startServer(dir, { dns: { servers: [`127.0.0.1:${dns.port}`] } });
  });
  after(async () => {
    await client.stop();
    dns.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('waits out a name that never answers once for all the records that include it', async () => {
    const n = 8;
    const lines = ['$ORIGIN many.test.'];
    for (let i = 0; i < n; i++) lines.push(`r${i} IN TXT "v=spf1 include:silent.test include:ok.test -all"`);
    const uri = pathToFileURL(path.join(dir, 'many.test.zone')).href;
    const t0 = Date.now();
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'dns-zone', version: 1, text: lines.join('\n') + '\n' } });
    const p = await client.waitFor(uri, (x) => x.diagnostics.filter((d) => d.code === 'spf/include-not-found').length === n);
    const ms = Date.now() - t0;
    // The server's timeout is 1.5 s: one per record would be 12 s.
    assert.ok(ms < 6000, `the trees took ${ms} ms`);
    assert.ok(p.diagnostics.filter((d) => d.code === 'spf/include-not-found').every((d) => /silent\.test/.test(d.message)));
    assert.ok((dns.queries.get('TXT ok.test') ?? 0) <= 2, `ok.test asked ${dns.queries.get('TXT ok.test')} times`);
  });

  it('compares the workspace with DNS (dmarcLens/drift), with paths relative to the folder', async () => {
    fs.writeFileSync(path.join(dir, 'drift.test.zone'), '$ORIGIN drift.test.\n@ IN TXT "v=spf1 -all"\n_dmarc IN TXT "v=DMARC1; p=reject"\n');
    // The server reads files on disk when asked to check the workspace (here: the new file).
    await client.conn.sendRequest('workspace/executeCommand', { command: 'dmarcLens.server.checkWorkspace', arguments: [] });
    const page = (await client.conn.sendRequest('dmarcLens/drift')) as { text: string; names: number; drifted: number };
    assert.match(page.text, new RegExp(`^\\d+ names compared with DNS at 127\\.0\\.0\\.1:${dns.port}: `));
    assert.match(page.text, /^drift\.test\.zone:3:1: _dmarc\.drift\.test DMARC: differs\n {4}files: v=DMARC1; p=reject\n {4}DNS: {3}v=DMARC1; p=none$/m);
    assert.doesNotMatch(page.text, /drift\.test SPF/, 'the SPF record is in sync');
    assert.ok(page.drifted >= 1);
  });

  it('asks DNS whether report destinations on other domains authorise the reports, and says where they do not', async () => {
    const uri = pathToFileURL(path.join(dir, 'lsp.test.zone')).href;
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'dns-zone', version: 1, text: '$ORIGIN lsp.test.\n_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:a@vendor-ok.test,mailto:b@vendor-none.test"\n' } });
    const p = await client.waitFor(uri, (x) => x.diagnostics.some((d) => d.code === 'dmarc/external-reports-not-authorized'));
    const found = p.diagnostics.filter((d) => d.code === 'dmarc/external-reports-not-authorized');
    assert.equal(found.length, 1);
    assert.match(found[0].message, /^Reports for lsp\.test go to b@vendor-none\.test, on another domain, and DNS holds no authorisation for them: lsp\.test\._report\._dmarc\.vendor-none\.test does not exist/);
    // On the URI itself: `mailto:b@vendor-none.test`.
    const line = '_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:a@vendor-ok.test,mailto:b@vendor-none.test"';
    const at = line.indexOf('mailto:b@');
    assert.deepEqual(found[0].range, { start: { line: 1, character: at }, end: { line: 1, character: at + 'mailto:b@vendor-none.test'.length } });
  });
});
