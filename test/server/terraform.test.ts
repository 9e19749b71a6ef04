/**
 * A Terraform module is a folder: through the language server over stdio, a record in one file gets
 * its name from a variable in another, and a change to that file on disk (the watcher's event)
 * re-checks the open file with the new value. An unsaved edit of the other file in the editor counts
 * the same, and closing it without saving goes back to the disk. A zone's `$INCLUDE`d file is read as
 * the editor has it too.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { DidChangeTextDocumentNotification, DidChangeWatchedFilesNotification, DidCloseTextDocumentNotification, DidOpenTextDocumentNotification, FileChangeType } from 'vscode-languageserver-protocol/node';
import { startServer, type TestClient } from './client';

describe('language server: a Terraform module across files', () => {
  let dir: string;
  let client: TestClient;
  const records = 'resource "aws_route53_record" "spf" {\n  zone_id = "Z123"\n  name    = "${var.domain}."\n  type    = "TXT"\n  records = ["v=spf1 -all"]\n}\n';

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-tfmod-lsp-'));
    fs.writeFileSync(path.join(dir, 'vars.tf'), 'variable "domain" {\n  type = string\n}\n');
    fs.writeFileSync(path.join(dir, 'records.tf'), records);
    client = await startServer(dir, { dns: { mode: 'offline' } });
  });
  after(async () => {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('names the record from the variable in another file, and follows that file when it changes on disk', async () => {
    const uri = pathToFileURL(path.join(dir, 'records.tf')).href;
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'terraform', version: 1, text: records } });
    // No default yet: the name is not known, so no owner rule speaks.
    const first = await client.waitFor(uri, (p) => p.diagnostics.some((d) => d.code === 'source/not-static'));
    assert.ok(!first.diagnostics.some((d) => d.code === 'dmarc/missing-record'));
    // The variable gets a default in vars.tf: the record is at multi.example, which has no DMARC record.
    const vars = path.join(dir, 'vars.tf');
    fs.writeFileSync(vars, 'variable "domain" {\n  type    = string\n  default = "multi.example"\n}\n');
    await client.conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(vars).href, type: FileChangeType.Changed }] });
    const after = await client.waitFor(uri, (p) => p.diagnostics.some((d) => d.code === 'dmarc/missing-record'));
    assert.match(after.diagnostics.find((d) => d.code === 'dmarc/missing-record')!.message, /`multi\.example` publishes SPF but has no DMARC record/);
    assert.ok(!after.diagnostics.some((d) => d.code === 'source/not-static'));
  });
});

describe('language server: unsaved edits of the files a document reads', () => {
  let dir: string;
  let client: TestClient;
  // The zone is a resource of another file, named by a local of a third: the record is at mail.<zone>.
  const zones = 'resource "aws_route53_zone" "main" {\n  name = local.apex\n}\n';
  const locals = 'locals {\n  apex = "first.example"\n}\n';
  const records = 'resource "aws_route53_record" "spf" {\n  zone_id = aws_route53_zone.main.zone_id\n  name    = "mail"\n  type    = "TXT"\n  records = ["v=spf1 -all"]\n}\n';

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-unsaved-lsp-'));
    fs.mkdirSync(path.join(dir, 'tf'));
    fs.writeFileSync(path.join(dir, 'tf', 'zones.tf'), zones);
    fs.writeFileSync(path.join(dir, 'tf', 'locals.tf'), locals);
    fs.writeFileSync(path.join(dir, 'tf', 'records.tf'), records);
    fs.writeFileSync(path.join(dir, 'example.com.zone'), '$ORIGIN example.com.\n@ IN SOA ns hostmaster 1 7200 3600 1209600 300\n@ IN NS ns\n@ IN TXT "v=spf1 -all"\n$INCLUDE policy.inc\n');
    fs.writeFileSync(path.join(dir, 'policy.inc'), '_dmarc IN TXT "v=DMARC1; p=reject; rua=mailto:d@example.com"\n');
    fs.writeFileSync(path.join(dir, 'a.example.net.zone'), '$ORIGIN a.example.net.\n@ IN TXT "v=spf1 -all"\n');
    fs.writeFileSync(path.join(dir, 'policies.zone'), '$ORIGIN example.net.\n_dmarc.a IN TXT "v=DMARC1; p=reject"\n');
    client = await startServer(dir, { dns: { mode: 'offline' } });
  });
  after(async () => {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads the other files of a Terraform module as the editor has them, and the disk again when they close unsaved', async () => {
    const uri = pathToFileURL(path.join(dir, 'tf', 'records.tf')).href;
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'terraform', version: 1, text: records } });
    // The zone's name comes from zones.tf and locals.tf on disk.
    const first = await client.waitFor(uri, (p) => p.diagnostics.some((d) => d.code === 'dmarc/missing-record'));
    assert.match(first.diagnostics.find((d) => d.code === 'dmarc/missing-record')!.message, /`mail\.first\.example` publishes SPF/);
    // locals.tf is opened and edited, not saved: the record is now at mail.second.example.
    const localsUri = pathToFileURL(path.join(dir, 'tf', 'locals.tf')).href;
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: localsUri, languageId: 'terraform', version: 1, text: locals } });
    await client.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: localsUri, version: 2 }, contentChanges: [{ text: locals.replace('first', 'second') }] });
    const edited = await client.waitFor(uri, (p) => p.diagnostics.some((d) => /mail\.second\.example/.test(d.message)));
    assert.equal(edited.diagnostics.filter((d) => d.code === 'dmarc/missing-record').length, 1);
    assert.equal(fs.readFileSync(path.join(dir, 'tf', 'locals.tf'), 'utf8'), locals, 'nothing was written');
    // The local is deleted (still unsaved): the zone is no longer known, so no owner rule speaks.
    await client.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: localsUri, version: 3 }, contentChanges: [{ text: '' }] });
    const gone = await client.waitFor(uri, (p) => p.diagnostics.some((d) => d.code === 'source/not-static'));
    assert.ok(!gone.diagnostics.some((d) => d.code === 'dmarc/missing-record'), JSON.stringify(gone.diagnostics));
    // Closed without saving: the module reads locals.tf from the disk again.
    await client.conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: localsUri } });
    await client.waitFor(uri, (p) => p.diagnostics.some((d) => /mail\.first\.example/.test(d.message)));
  });

  it("reads a zone's $INCLUDE as the editor has it, and checks the zone again when it changes", async () => {
    const uri = pathToFileURL(path.join(dir, 'example.com.zone')).href;
    const zoneText = fs.readFileSync(path.join(dir, 'example.com.zone'), 'utf8');
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'dns-zone', version: 1, text: zoneText } });
    // The included file holds the DMARC record: no missing-record.
    const first = await client.waitFor(uri, (p) => p.version === 1);
    assert.ok(!first.diagnostics.some((d) => d.code === 'dmarc/missing-record'), JSON.stringify(first.diagnostics));
    // The included file is opened and its record removed, unsaved: the zone has no DMARC record now.
    const incUri = pathToFileURL(path.join(dir, 'policy.inc')).href;
    const inc = fs.readFileSync(path.join(dir, 'policy.inc'), 'utf8');
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: incUri, languageId: 'dns-zone', version: 1, text: inc } });
    await client.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: incUri, version: 2 }, contentChanges: [{ text: '; moved elsewhere\n' }] });
    const edited = await client.waitFor(uri, (p) => p.diagnostics.some((d) => d.code === 'dmarc/missing-record'));
    assert.match(edited.diagnostics.find((d) => d.code === 'dmarc/missing-record')!.message, /`example\.com` publishes SPF/);
    await client.conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: incUri } });
    await client.waitFor(uri, (p) => !p.diagnostics.some((d) => d.code === 'dmarc/missing-record'));
  });

  it('checks a document again when another open file stops defining a name it leaned on', async () => {
    const uri = pathToFileURL(path.join(dir, 'a.example.net.zone')).href;
    const other = pathToFileURL(path.join(dir, 'policies.zone')).href;
    const otherText = fs.readFileSync(path.join(dir, 'policies.zone'), 'utf8');
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: other, languageId: 'dns-zone', version: 1, text: otherText } });
    await client.waitFor(other, (p) => p.version === 1);
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'dns-zone', version: 1, text: fs.readFileSync(path.join(dir, 'a.example.net.zone'), 'utf8') } });
    // Covered by the record in the other file.
    const first = await client.waitFor(uri, (p) => p.version === 1);
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(!client.latest.get(uri)!.diagnostics.some((d) => d.code === 'dmarc/missing-record'), JSON.stringify(first.diagnostics));
    // The other file's record is deleted in the editor: this one has no DMARC record now.
    await client.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: other, version: 2 }, contentChanges: [{ text: '$ORIGIN example.net.\n' }] });
    await client.waitFor(uri, (p) => p.diagnostics.some((d) => d.code === 'dmarc/missing-record'));
  });
});
