/**
 * Sender profiles in the language server, over stdio with a real client: `.dmarc-lens.json` gets a
 * diagnostic per sender that will fail DMARC (with the DMARC record as related information), the fix
 * publishes the records in the zone file, an edit to the zone re-checks the open config, and a domain
 * without a profile gets a code action that writes one.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  CodeActionRequest,
  ExecuteCommandRequest,
  HoverRequest,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { applyEdits, startServer, type TestClient } from './client';

type Edit = { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string };
type Action = { title: string; kind?: string; edit?: { changes?: Record<string, Edit[]>; documentChanges?: unknown[] } };

describe('language server: sender profiles', () => {
  let client: TestClient;
  let conn: ProtocolConnection;
  let dir: string;
  const waitFor = (uri: string, pred: (p: PublishDiagnosticsParams) => boolean) => client.waitFor(uri, pred);
  const zone = '$ORIGIN example.com.\n@ IN TXT "v=spf1 include:servers.mcsv.net -all"\n_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:d@example.com"\n';
  const config = '{\n  "domains": {\n    "example.com": { "senders": [ { "provider": "mailchimp" }, { "provider": "hubspot", "from": "news.example.com" } ] }\n  }\n}\n';
  let zoneUri: string;
  let configUri: string;
  let orgUri: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-snd-lsp-'));
    fs.writeFileSync(path.join(dir, 'example.com.zone'), zone);
    fs.writeFileSync(path.join(dir, '.dmarc-lens.json'), config);
    fs.writeFileSync(path.join(dir, 'example.org.zone'), '$ORIGIN example.org.\n@ IN TXT "v=spf1 include:mail.zendesk.com -all"\n_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:d@example.org"\nzendesk1._domainkey IN CNAME zendesk1._domainkey.zendesk.com.\n');
    zoneUri = pathToFileURL(path.join(dir, 'example.com.zone')).href;
    configUri = pathToFileURL(path.join(dir, '.dmarc-lens.json')).href;
    orgUri = pathToFileURL(path.join(dir, 'example.org.zone')).href;
    client = await startServer(dir, { dns: { mode: 'offline' } });
    conn = client.conn;
  });

  after(() => client.stop());

  it('shows which senders will fail DMARC in .dmarc-lens.json, with the DMARC record as related information', async () => {
    void conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: configUri, languageId: 'jsonc', version: 1, text: config } });
    const p = await waitFor(configUri, (x) => x.diagnostics.filter((d) => d.code === 'sender/will-fail-dmarc').length === 2);
    const [mc, hs] = p.diagnostics.filter((d) => d.code === 'sender/will-fail-dmarc');
    assert.match(mc.message, /^Mailchimp \(From: example\.com\) will fail DMARC once p=none/);
    assert.match(hs.message, /^HubSpot \(From: news\.example\.com\)/);
    assert.equal(mc.relatedInformation?.[0].location.uri, zoneUri);
    assert.equal(mc.relatedInformation?.[0].location.range.start.line, 2);
    assert.equal(mc.codeDescription?.href.endsWith('docs/rules/sender/will-fail-dmarc.md'), true);
  });

  it('fixes Mailchimp by publishing its CNAMEs in the zone file, and re-checks the config when the zone changes', async () => {
    const p = client.latest.get(configUri)!;
    const mc = p.diagnostics.find((d) => d.code === 'sender/will-fail-dmarc' && d.message.startsWith('Mailchimp'))!;
    const actions = (await conn.sendRequest(CodeActionRequest.type, { textDocument: { uri: configUri }, range: mc.range, context: { diagnostics: [mc] } })) as Action[];
    const fix = actions.find((a) => a.title.startsWith('Publish k2._domainkey.example.com CNAME'))!;
    assert.ok(fix, actions.map((a) => a.title).join('\n'));
    assert.deepEqual(Object.keys(fix.edit!.changes!), [zoneUri]);
    const fixed = applyEdits(zone, fix.edit!.changes![zoneUri]);
    assert.ok(fixed.startsWith(zone.trimEnd()));
    assert.match(fixed, /k3\._domainkey\.example\.com\.\tIN CNAME\tdkim3\.mcsv\.net\./);
    // The user applies it in the editor: the zone changes, and the open config is checked again.
    void conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: zoneUri, languageId: 'dns-zone', version: 1, text: zone } });
    void conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: zoneUri, version: 2 }, contentChanges: [{ text: fixed }] });
    const after = await waitFor(configUri, (x) => x.diagnostics.filter((d) => d.code === 'sender/will-fail-dmarc').length === 1);
    assert.match(after.diagnostics.find((d) => d.code === 'sender/will-fail-dmarc')!.message, /^HubSpot/);
  });

  it('explains a provider id on hover, with the catalog\'s sources and confidence', async () => {
    const line = config.split('\n').findIndex((l) => l.includes('"hubspot"'));
    const character = config.split('\n')[line].indexOf('"hubspot"') + 3;
    const h = (await conn.sendRequest(HoverRequest.type, { textDocument: { uri: configUri }, position: { line, character } })) as { contents: { value: string } } | null;
    assert.ok(h);
    assert.match(h.contents.value, /\*\*HubSpot\*\* \(marketing\)/);
    assert.match(h.contents.value, /Return-Path: always its own/);
    assert.match(h.contents.value, /Confidence: secondary-only/);
    assert.match(h.contents.value, /Sources \(checked 2026-11-26\): Domain-Connect\/Templates hubspot\.com/);
  });

  it('offers to declare the senders of a domain without a profile', async () => {
    void conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: orgUri, languageId: 'dns-zone', version: 1, text: fs.readFileSync(path.join(dir, 'example.org.zone'), 'utf8') } });
    await waitFor(orgUri, () => true);
    const actions = (await conn.sendRequest(CodeActionRequest.type, { textDocument: { uri: orgUri }, range: { start: { line: 1, character: 5 }, end: { line: 1, character: 5 } }, context: { diagnostics: [] } })) as Action[];
    const declare = actions.find((a) => a.title.startsWith('DMARC Lens: declare the senders of example.org'))!;
    assert.ok(declare, actions.map((a) => a.title).join('\n'));
    assert.equal(declare.kind, 'refactor.rewrite');
    const written = applyEdits(config, declare.edit!.changes![configUri]);
    const parsed = JSON.parse(written);
    assert.deepEqual(parsed.domains['example.org'], { senders: [{ provider: 'zendesk', from: 'example.org', dkimSelectors: ['zendesk1'] }] });
    assert.ok(parsed.domains['example.com'], 'the existing profile is kept');
    // example.com has a profile: no such action there.
    const none = (await conn.sendRequest(CodeActionRequest.type, { textDocument: { uri: zoneUri }, range: { start: { line: 1, character: 5 }, end: { line: 1, character: 5 } }, context: { diagnostics: [] } })) as Action[];
    assert.ok(!none.some((a) => a.title.startsWith('DMARC Lens: declare the senders')));
  });
});

describe('language server: sender profiles from the dmarcLens.senders.domains setting', () => {
  let client: TestClient;
  let dir: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-snd-set-'));
    fs.writeFileSync(path.join(dir, 'example.com.zone'), '$ORIGIN example.com.\n@ IN TXT "v=spf1 include:servers.mcsv.net -all"\n_dmarc IN TXT "v=DMARC1; p=reject; rua=mailto:d@example.com"\n');
    client = await startServer(dir, { dns: { mode: 'offline' }, senders: { domains: { 'example.com': { senders: [{ provider: 'mailchimp' }] } } } });
  });

  after(() => client.stop());

  it('reports a failing sender on the DMARC record that governs it, as an error under p=reject', async () => {
    const uri = pathToFileURL(path.join(dir, 'example.com.zone')).href;
    void client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'dns-zone', version: 1, text: fs.readFileSync(path.join(dir, 'example.com.zone'), 'utf8') } });
    const p = await client.waitFor(uri, (x) => x.diagnostics.some((d) => d.code === 'sender/will-fail-dmarc'));
    const d = p.diagnostics.find((x) => x.code === 'sender/will-fail-dmarc')!;
    assert.equal(d.range.start.line, 2);
    assert.equal(d.severity, 1);
    assert.match(d.message, /Mailchimp \(From: example\.com\) will fail DMARC now: p=reject at _dmarc\.example\.com.*\(sender declared in the dmarcLens\.senders\.domains setting: mailchimp for example\.com\)/);
  });
});

/**
 * VS Code writes every character of a file URI but letters, digits and `-._~/` as %XX; node's
 * pathToFileURL leaves `(`, `)`, `+`, `@` and `!` as they are. A folder named `dns (prod)+ops@x!` gets
 * two spellings of one URI, and the server must find an open document by its path, not by the URI it
 * would make: else it computes edits against the file on disk while the editor holds other text.
 */
describe('language server: documents open under URIs the editor encodes its own way', () => {
  let client: TestClient;
  let dir: string;
  const vscodeUri = (file: string) => 'file://' + file.split('/').map((s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)).join('/');
  const zone = '$ORIGIN example.com.\n@ IN TXT "v=spf1 include:servers.mcsv.net -all"\n_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:d@example.com"\n';
  const config = '{\n  "domains": {\n    "example.com": { "senders": [ { "provider": "mailchimp" } ] }\n  }\n}\n';
  const org = '$ORIGIN example.org.\n@ IN TXT "v=spf1 include:mail.zendesk.com +all"\n_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:d@example.org"\nzendesk1._domainkey IN CNAME zendesk1._domainkey.zendesk.com.\n';
  let sub: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-uri-'));
    sub = path.join(dir, 'dns (prod)+ops@x!');
    fs.mkdirSync(sub);
    fs.writeFileSync(path.join(sub, 'example.com.zone'), zone);
    fs.writeFileSync(path.join(sub, '.dmarc-lens.json'), config);
    fs.writeFileSync(path.join(sub, 'example.org.zone'), org);
    client = await startServer(dir, { dns: { mode: 'offline' } });
  });

  after(() => client.stop());

  it('computes a fix that edits another open file against the editor\'s text of it, not the file on disk', async () => {
    const zoneUri = vscodeUri(path.join(sub, 'example.com.zone'));
    const configUri = vscodeUri(path.join(sub, '.dmarc-lens.json'));
    assert.notEqual(zoneUri, pathToFileURL(path.join(sub, 'example.com.zone')).href);
    // Unsaved in the editor: three comment lines above the records.
    const edited = `; draft\n; not saved yet\n;\n${zone}`;
    void client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: zoneUri, languageId: 'dns-zone', version: 1, text: zone } });
    void client.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: zoneUri, version: 2 }, contentChanges: [{ text: edited }] });
    void client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: configUri, languageId: 'jsonc', version: 1, text: config } });
    const p = await client.waitFor(configUri, (x) => x.diagnostics.some((d) => d.code === 'sender/will-fail-dmarc'));
    const mc = p.diagnostics.find((d) => d.code === 'sender/will-fail-dmarc')!;
    const actions = (await client.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri: configUri }, range: mc.range, context: { diagnostics: [mc] } })) as Action[];
    const fix = actions.find((a) => a.title.startsWith('Publish k2._domainkey.example.com CNAME'))!;
    assert.ok(fix, actions.map((a) => a.title).join('\n'));
    // Keyed by the URI the editor opened the zone under, with positions in the editor's text.
    assert.deepEqual(Object.keys(fix.edit!.changes!), [zoneUri]);
    const fixed = applyEdits(edited, fix.edit!.changes![zoneUri]);
    assert.ok(fixed.startsWith(edited.trimEnd()), fixed);
    assert.match(fixed, /k2\._domainkey\.example\.com\.\tIN CNAME\tdkim2\.mcsv\.net\.\n/);
  });

  it('writes a sender profile into the open, unsaved .dmarc-lens.json, keeping what the user typed', async () => {
    const configUri = vscodeUri(path.join(sub, '.dmarc-lens.json'));
    const orgUri = vscodeUri(path.join(sub, 'example.org.zone'));
    const typed = config.replace('{\n', '{\n  // senders we use\n  "$comment": "typed, not saved",\n');
    void client.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: configUri, version: 2 }, contentChanges: [{ text: typed }] });
    void client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: orgUri, languageId: 'dns-zone', version: 1, text: org } });
    await client.waitFor(orgUri, () => true);
    const actions = (await client.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri: orgUri }, range: { start: { line: 1, character: 5 }, end: { line: 1, character: 5 } }, context: { diagnostics: [] } })) as Action[];
    const declare = actions.find((a) => a.title.startsWith('DMARC Lens: declare the senders of example.org'))!;
    assert.ok(declare, actions.map((a) => a.title).join('\n'));
    const [uri] = Object.keys(declare.edit!.changes!);
    assert.equal(decodeURIComponent(uri), decodeURIComponent(configUri));
    const written = applyEdits(typed, declare.edit!.changes![uri]);
    assert.ok(written.includes('  // senders we use\n  "$comment": "typed, not saved",\n'), written);
    const parsed = JSON.parse(written.replace('  // senders we use\n', ''));
    assert.equal(parsed.$comment, 'typed, not saved');
    assert.ok(parsed.domains['example.com'] && parsed.domains['example.org'], written);
  });

  it('points related information into another open file by the editor\'s URI for it, at its unsaved lines', async () => {
    const mainFile = path.join(sub, 'example.net.zone');
    const spfFile = path.join(sub, 'spf.example.net.zone');
    fs.writeFileSync(mainFile, '$ORIGIN example.net.\n@ IN TXT "v=spf1 include:_spf.example.net -all"\n');
    fs.writeFileSync(spfFile, '$ORIGIN example.net.\n_spf IN TXT "v=spf1 ip4:192.0.2.0/24 -all"\n');
    const mainUri = vscodeUri(mainFile);
    const spfUri = vscodeUri(spfFile);
    void client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: spfUri, languageId: 'dns-zone', version: 1, text: fs.readFileSync(spfFile, 'utf8') } });
    // Unsaved: two comment lines, and the record no longer SPF.
    void client.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: spfUri, version: 2 }, contentChanges: [{ text: '; one\n; two\n$ORIGIN example.net.\n_spf IN TXT "ip4:192.0.2.0/24 -all"\n' }] });
    void client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: mainUri, languageId: 'dns-zone', version: 1, text: fs.readFileSync(mainFile, 'utf8') } });
    const p = await client.waitFor(mainUri, (x) => x.diagnostics.some((d) => d.code === 'spf/include-has-no-spf'));
    const related = p.diagnostics.find((d) => d.code === 'spf/include-has-no-spf')!.relatedInformation?.[0];
    assert.equal(related?.location.uri, spfUri);
    assert.equal(related?.location.range.start.line, 3, 'the line in the editor\'s text');
  });

  it('counts the open documents\' editor text in "check workspace", not the files on disk', async () => {
    const orgUri = vscodeUri(path.join(sub, 'example.org.zone'));
    const count = () => client.conn.sendRequest(ExecuteCommandRequest.type, { command: 'dmarcLens.server.checkWorkspace', arguments: [] }) as Promise<{ error: number }>;
    const before = await count();
    // `+all` on disk is an error; the editor's text has `-all`.
    void client.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: orgUri, version: 2 }, contentChanges: [{ text: org.replace('+all', '-all') }] });
    await client.waitFor(orgUri, (x) => !x.diagnostics.some((d) => d.code === 'spf/plus-all'));
    const afterEdit = await count();
    assert.equal(afterEdit.error, before.error - 1, `${JSON.stringify(before)} → ${JSON.stringify(afterEdit)}`);
  });
});
