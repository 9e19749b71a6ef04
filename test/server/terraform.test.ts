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
import { CodeActionRequest, DidChangeTextDocumentNotification, DidChangeWatchedFilesNotification, DidCloseTextDocumentNotification, DidOpenTextDocumentNotification, DocumentSymbolRequest, FileChangeType, HoverRequest, InlayHintRequest } from 'vscode-languageserver-protocol/node';
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

  it('follows terraform.tfvars when it changes on disk: its value wins over the default', async () => {
    const uri = pathToFileURL(path.join(dir, 'records.tf')).href;
    const tfvars = path.join(dir, 'terraform.tfvars');
    fs.writeFileSync(tfvars, 'domain = "given.example"\n');
    await client.conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(tfvars).href, type: FileChangeType.Created }] });
    const given = await client.waitFor(uri, (p) => p.diagnostics.some((d) => /^`given\.example` publishes SPF/.test(d.message)));
    assert.ok(!given.diagnostics.some((d) => /multi\.example/.test(d.message)));
  });
});

describe('language server: unsaved edits of the files a document reads', () => {
  let dir: string;
  let client: TestClient;
  // The zone is a resource of another file, named by a local of a third: the record is at mail.<zone>.
  const zones = 'resource "aws_route53_zone" "main" {\n  name = local.apex\n}\n';
  const locals = 'locals {\n  apex = "first.example"\n}\n';
  const records = 'resource "aws_route53_record" "spf" {\n  zone_id = aws_route53_zone.main.zone_id\n  name    = "mail"\n  type    = "TXT"\n  records = ["v=spf1 -all"]\n}\n';

  const moduleText = 'variable "domain" {}\nresource "cloudflare_record" "spf" {\n  zone_id = var.zone_id\n  name    = var.domain\n  type    = "TXT"\n  content = "v=spf1 -all"\n}\n';
  const callerText = 'module "spf" {\n  source  = "./modules/spf"\n  domain  = "a.calls.example.org"\n  zone_id = "023e105f4ecef8ad9ca31a8372d0c353"\n}\n';
  const valueModule = 'resource "cloudflare_record" "spf" {\n  zone_id = var.zone_id\n  name    = var.domain\n  type    = "TXT"\n  content = var.spf\n}\n';
  const valueCaller = 'module "m" {\n  source  = "./m"\n  domain  = "c3.example.org"\n  zone_id = "22222222222222222222222222222222"\n  spf     = "v=spf1 -all"\n}\n';
  const nestRoot = 'module "a" {\n  source = "./a"\n  domain = "first.nest.example"\n}\n';
  const nestLeaf = 'variable "domain" {}\nresource "aws_route53_record" "spf" {\n  zone_id = "Z1"\n  name    = "${var.domain}."\n  type    = "TXT"\n  records = ["v=spf1 -all"]\n}\n';
  const outputModule = 'variable "first" {}\nresource "aws_route53_zone" "one" {\n  name = var.first\n}\nresource "aws_route53_zone" "two" {\n  name = "out2.example"\n}\n';
  const outputsText = 'output "zone_id" {\n  value = aws_route53_zone.one.zone_id\n}\n';
  const outputCaller = 'module "dns" {\n  source = "./zone"\n  first  = "out1.example"\n}\nresource "aws_route53_record" "spf" {\n  zone_id = module.dns.zone_id\n  name    = "mail"\n  type    = "TXT"\n  records = ["v=spf1 -all"]\n}\n';
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
    // A module whose domain its caller passes; the DMARC record of a.calls.example.org is in a zone file.
    fs.mkdirSync(path.join(dir, 'calls', 'modules', 'spf'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'calls', 'modules', 'spf', 'main.tf'), moduleText);
    fs.writeFileSync(path.join(dir, 'calls', 'main.tf'), callerText);
    fs.writeFileSync(path.join(dir, 'calls', 'a.calls.example.org.zone'), '$ORIGIN a.calls.example.org.\n_dmarc IN TXT "v=DMARC1; p=reject"\n');
    // A module indexed before the file that calls it (a-… before z-…) publishes the DMARC record a zone file needs.
    fs.mkdirSync(path.join(dir, 'order', 'a-module'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'order', 'z-root'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'order', 'a-module', 'main.tf'), 'resource "cloudflare_record" "dmarc" {\n  zone_id = var.zone_id\n  name    = "_dmarc.${var.domain}"\n  type    = "TXT"\n  content = "v=DMARC1; p=reject"\n}\n');
    fs.writeFileSync(path.join(dir, 'order', 'z-root', 'main.tf'), 'module "dmarc" {\n  source  = "../a-module"\n  domain  = "idx.example.org"\n  zone_id = "11111111111111111111111111111111"\n}\n');
    fs.writeFileSync(path.join(dir, 'order', 'idx.example.org.zone'), '$ORIGIN idx.example.org.\n@ IN TXT "v=spf1 -all"\n');
    // A module whose record's value the call writes.
    fs.mkdirSync(path.join(dir, 'values', 'm'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'values', 'm', 'main.tf'), valueModule);
    fs.writeFileSync(path.join(dir, 'values', 'main.tf'), valueCaller);
    // A module called by a module called from the root: the leaf gets what the root passes.
    fs.mkdirSync(path.join(dir, 'nest', 'a', 'b'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'nest', 'main.tf'), nestRoot);
    fs.writeFileSync(path.join(dir, 'nest', 'a', 'main.tf'), 'variable "domain" {}\nmodule "b" {\n  source = "./b"\n  domain = "mail.${var.domain}"\n}\n');
    fs.writeFileSync(path.join(dir, 'nest', 'a', 'b', 'main.tf'), nestLeaf);
    // A record whose zone is a module's output.
    fs.mkdirSync(path.join(dir, 'outputs', 'zone'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'outputs', 'zone', 'main.tf'), outputModule);
    fs.writeFileSync(path.join(dir, 'outputs', 'zone', 'outputs.tf'), outputsText);
    fs.writeFileSync(path.join(dir, 'outputs', 'main.tf'), outputCaller);
    client = await startServer(dir, { dns: { mode: 'offline' } });
  });
  after(async () => {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('checks a module two calls down again when an unsaved edit of the root changes what it passes', async () => {
    const leaf = pathToFileURL(path.join(dir, 'nest', 'a', 'b', 'main.tf')).href;
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: leaf, languageId: 'terraform', version: 1, text: nestLeaf } });
    await client.waitFor(leaf, (p) => p.diagnostics.some((d) => /^`mail\.first\.nest\.example` publishes SPF/.test(d.message)));
    const root = pathToFileURL(path.join(dir, 'nest', 'main.tf')).href;
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: root, languageId: 'terraform', version: 1, text: nestRoot } });
    await client.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: root, version: 2 }, contentChanges: [{ text: nestRoot.replace('first.nest', 'second.nest') }] });
    await client.waitFor(leaf, (p) => p.diagnostics.some((d) => /^`mail\.second\.nest\.example` publishes SPF/.test(d.message)));
  });

  it("checks a record whose zone is a module's output again when an unsaved edit of the output changes it", async () => {
    const uri = pathToFileURL(path.join(dir, 'outputs', 'main.tf')).href;
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'terraform', version: 1, text: outputCaller } });
    await client.waitFor(uri, (p) => p.diagnostics.some((d) => /^`mail\.out1\.example` publishes SPF/.test(d.message)));
    const outputsUri = pathToFileURL(path.join(dir, 'outputs', 'zone', 'outputs.tf')).href;
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: outputsUri, languageId: 'terraform', version: 1, text: outputsText } });
    await client.waitFor(outputsUri, (p) => p.version === 1);
    await client.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: outputsUri, version: 2 }, contentChanges: [{ text: outputsText.replace('aws_route53_zone.one', 'aws_route53_zone.two') }] });
    await client.waitFor(uri, (p) => p.diagnostics.some((d) => /^`mail\.out2\.example` publishes SPF/.test(d.message)));
  });

  it('reads the other files of a Terraform module as the editor has them, and the disk again when they close unsaved', async () => {
    const uri = pathToFileURL(path.join(dir, 'tf', 'records.tf')).href;
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'terraform', version: 1, text: records } });
    // The zone's name comes from zones.tf and locals.tf on disk.
    const first = await client.waitFor(uri, (p) => p.diagnostics.some((d) => d.code === 'dmarc/missing-record'));
    assert.match(first.diagnostics.find((d) => d.code === 'dmarc/missing-record')!.message, /`mail\.first\.example` publishes SPF/);
    // On the record's name: the name it makes, what is published there, and that no DMARC policy covers it.
    const onName = { textDocument: { uri }, position: { line: 2, character: records.split('\n')[2].indexOf('mail') + 1 } };
    const named = (await client.conn.sendRequest(HoverRequest.type, onName)) as { contents: { value: string }; range: { start: { character: number }; end: { character: number } } } | null;
    assert.match(named!.contents.value, /^\*\*`mail\.first\.example`\*\*\n\n\*\*Published here\*\* in the workspace: TXT \(SPF\) \(records\.tf\)\.\n\n\*\*DMARC\*\*: no record covers `mail\.first\.example`/);
    assert.deepEqual([named!.range.start.character, named!.range.end.character], [2, 18]); // the `name` attribute
    // locals.tf is opened and edited, not saved: the record is now at mail.second.example.
    const localsUri = pathToFileURL(path.join(dir, 'tf', 'locals.tf')).href;
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: localsUri, languageId: 'terraform', version: 1, text: locals } });
    await client.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: localsUri, version: 2 }, contentChanges: [{ text: locals.replace('first', 'second') }] });
    const edited = await client.waitFor(uri, (p) => p.diagnostics.some((d) => /mail\.second\.example/.test(d.message)));
    assert.equal(edited.diagnostics.filter((d) => d.code === 'dmarc/missing-record').length, 1);
    assert.equal(fs.readFileSync(path.join(dir, 'tf', 'locals.tf'), 'utf8'), locals, 'nothing was written');
    // The local is deleted (still unsaved): the zone's domain is no longer known, so the record is
    // checked relative to the zone, shown by the expression that names it.
    await client.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: localsUri, version: 3 }, contentChanges: [{ text: '' }] });
    const gone = await client.waitFor(uri, (p) => p.diagnostics.some((d) => d.code === 'source/not-static'));
    assert.match(gone.diagnostics.find((d) => d.code === 'source/not-static')!.message, /zone of these records is not known statically \(aws_route53_zone\.main\.zone_id\)/);
    const relative = gone.diagnostics.filter((d) => d.code === 'dmarc/missing-record');
    assert.equal(relative.length, 1, JSON.stringify(gone.diagnostics));
    assert.match(relative[0].message, /^`mail\.<local\.apex>` publishes SPF/);
    assert.ok(!gone.diagnostics.some((d) => /\.invalid/.test(d.message)), 'the stand-in domain is never shown');
    // Nor in a hover: on the SPF version, which policy covers the name (none in the zone).
    const hover = await client.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 4, character: records.split('\n')[4].indexOf('v=spf1') + 2 } });
    const shown = JSON.stringify(hover);
    assert.match(shown, /mail\.<local\.apex>/);
    assert.ok(!/\.invalid/.test(shown), shown);
    // And on the name: shown by the expression that names the zone.
    const nameShown = JSON.stringify(await client.conn.sendRequest(HoverRequest.type, onName));
    assert.match(nameShown, /`mail\.<local\.apex>`/);
    assert.ok(!/\.invalid/.test(nameShown), nameShown);
    // Closed without saving: the module reads locals.tf from the disk again.
    await client.conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: localsUri } });
    await client.waitFor(uri, (p) => p.diagnostics.some((d) => /mail\.first\.example/.test(d.message)));
  });

  it('publishes a finding in text that several resources share (a for_each over domains) once, and edits keep it so', async () => {
    fs.mkdirSync(path.join(dir, 'each'));
    const file = path.join(dir, 'each', 'main.tf');
    const text = 'resource "cloudflare_record" "spf" {\n  for_each = toset(["a.example.com", "b.example.com"])\n  zone_id  = "023e105f4ecef8ad9ca31a8372d0c353"\n  name     = each.key\n  type     = "TXT"\n  content  = "v=spf1 +all"\n}\n';
    fs.writeFileSync(file, text);
    const uri = pathToFileURL(file).href;
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'terraform', version: 1, text } });
    const first = await client.waitFor(uri, (p) => p.version === 1);
    assert.equal(first.diagnostics.filter((d) => d.code === 'spf/plus-all').length, 1, JSON.stringify(first.diagnostics));
    // The hover names every name the one record is published at.
    const hover = await client.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 5, character: text.split('\n')[5].indexOf('v=spf1') + 1 } });
    assert.match(JSON.stringify(hover), /Published at 2 names.*`a\.example\.com`, `b\.example\.com`/);
    await client.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 2 }, contentChanges: [{ text: text.replace('"v=spf1', '"v=spf1 ptr') }] });
    const edited = await client.waitFor(uri, (p) => p.version === 2);
    assert.deepEqual(['spf/plus-all', 'spf/ptr'].map((r) => edited.diagnostics.filter((d) => d.code === r).length), [1, 1], JSON.stringify(edited.diagnostics));
  });

  it('checks the file that calls a module again when an unsaved edit of the module moves the record its value is for', async () => {
    const callerUri = pathToFileURL(path.join(dir, 'values', 'main.tf')).href;
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: callerUri, languageId: 'terraform', version: 1, text: valueCaller } });
    // The value is written here, for the name the module gives it.
    const first = await client.waitFor(callerUri, (p) => p.diagnostics.some((d) => d.code === 'dmarc/missing-record'));
    assert.match(first.diagnostics.find((d) => d.code === 'dmarc/missing-record')!.message, /^`c3\.example\.org` publishes SPF/);
    const moduleUri = pathToFileURL(path.join(dir, 'values', 'm', 'main.tf')).href;
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: moduleUri, languageId: 'terraform', version: 1, text: valueModule } });
    await client.waitFor(moduleUri, (p) => p.version === 1);
    await client.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: moduleUri, version: 2 }, contentChanges: [{ text: valueModule.replace('name    = var.domain', 'name    = "mail.${var.domain}"') }] });
    await client.waitFor(callerUri, (p) => p.diagnostics.some((d) => /^`mail\.c3\.example\.org` publishes SPF/.test(d.message)));
    // Closed without saving: the record is back at the domain.
    await client.conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: moduleUri } });
    await client.waitFor(callerUri, (p) => p.diagnostics.some((d) => /^`c3\.example\.org` publishes SPF/.test(d.message)));
  });

  it('indexes a module with the inputs of a call in a file indexed after it', async () => {
    const uri = pathToFileURL(path.join(dir, 'order', 'idx.example.org.zone')).href;
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'dns-zone', version: 1, text: fs.readFileSync(path.join(dir, 'order', 'idx.example.org.zone'), 'utf8') } });
    const first = await client.waitFor(uri, (p) => p.version === 1);
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(!client.latest.get(uri)!.diagnostics.some((d) => d.code === 'dmarc/missing-record'), JSON.stringify(first.diagnostics));
  });

  it('checks a module again when an unsaved edit of the file that calls it changes what it passes', async () => {
    const uri = pathToFileURL(path.join(dir, 'calls', 'modules', 'spf', 'main.tf')).href;
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'terraform', version: 1, text: moduleText } });
    // The call passes a.calls.example.org, whose DMARC record the zone file publishes.
    const first = await client.waitFor(uri, (p) => p.version === 1);
    assert.ok(!first.diagnostics.some((d) => d.code === 'dmarc/missing-record' || d.code === 'source/not-static'), JSON.stringify(first.diagnostics));
    const callerUri = pathToFileURL(path.join(dir, 'calls', 'main.tf')).href;
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: callerUri, languageId: 'terraform', version: 1, text: callerText } });
    await client.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: callerUri, version: 2 }, contentChanges: [{ text: callerText.replace('a.calls.example.org', 'b.calls.example.org') }] });
    const moved = await client.waitFor(uri, (p) => p.diagnostics.some((d) => d.code === 'dmarc/missing-record'));
    assert.match(moved.diagnostics.find((d) => d.code === 'dmarc/missing-record')!.message, /^`b\.calls\.example\.org` publishes SPF/);
    // Closed without saving: the call passes a.calls.example.org again.
    await client.conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: callerUri } });
    await client.waitFor(uri, (p) => !p.diagnostics.some((d) => d.code === 'dmarc/missing-record'));
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

/**
 * The editor's unsaved text of a module's other file must count exactly as that text would on disk:
 * random edits to the file that names the zone, the locals and the variables, left unsaved, give the
 * open records file the diagnostics it gets once the same text is on disk and the editor closed.
 */
describe('language server: random unsaved edits of a Terraform module file', () => {
  const RUNS = Number(process.env.DL_LSP_FUZZ_RUNS ?? 8);
  let dir: string;
  let client: TestClient;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-tfmod-fuzz-'));
    client = await startServer(dir, { dns: { mode: 'offline' } });
  });
  after(async () => {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const defs = 'resource "aws_route53_zone" "main" {\n  name = local.apex\n}\nlocals {\n  apex  = "mod.example"\n  dmarc = "v=DMARC1; p=reject; rua=mailto:d@mod.example"\n}\nvariable "sub" {\n  default = "mail"\n}\n';
  const records = 'resource "aws_route53_record" "spf" {\n  zone_id = aws_route53_zone.main.zone_id\n  name    = var.sub\n  type    = "TXT"\n  records = ["v=spf1 include:_spf.mod.example -all"]\n}\nresource "aws_route53_record" "dmarc" {\n  zone_id = aws_route53_zone.main.zone_id\n  name    = "_dmarc"\n  type    = "TXT"\n  records = [local.dmarc]\n}\n';
  const PIECES = ['"', '\n', ' ', '}', '{', 'x', '.', 'other.example', '${local.apex}', 'p=none', '#', 'locals {', 'variable "sub" {', 'default = "news"', '= '];

  it(`unsaved equals saved (${RUNS} sessions)`, async () => {
    const { default: fc } = await import('fast-check');
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ at: fc.nat(), del: fc.nat({ max: 12 }), ins: fc.constantFrom(...PIECES) }), { minLength: 1, maxLength: 4 }), async (edits) => {
        const folder = path.join(dir, String(++n));
        fs.mkdirSync(folder);
        const defsFile = path.join(folder, 'defs.tf');
        const recordsFile = path.join(folder, 'records.tf');
        fs.writeFileSync(defsFile, defs);
        fs.writeFileSync(recordsFile, records);
        const defsUri = pathToFileURL(defsFile).href;
        const recordsUri = pathToFileURL(recordsFile).href;
        let text = defs;
        for (const e of edits) {
          const at = e.at % (text.length + 1);
          text = text.slice(0, at) + e.ins + text.slice(at + e.del);
        }
        const { conn } = client;
        await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: recordsUri, languageId: 'terraform', version: 1, text: records } });
        await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: defsUri, languageId: 'terraform', version: 1, text: defs } });
        await conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: defsUri, version: 2 }, contentChanges: [{ text }] });
        // The records file is checked again after the edit: wait until its diagnostics settle.
        const settle = async () => {
          let last = JSON.stringify(client.latest.get(recordsUri)?.diagnostics);
          for (let quiet = 0; quiet < 8; ) {
            await new Promise((r) => setTimeout(r, 40));
            const now = JSON.stringify(client.latest.get(recordsUri)?.diagnostics);
            if (now === last) quiet++;
            else {
              last = now;
              quiet = 0;
            }
          }
          return last;
        };
        const unsaved = await settle();
        // The same text on disk, the editor's copy closed: the records file must say the same.
        fs.writeFileSync(defsFile, text);
        await conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: defsUri } });
        await conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: defsUri, type: FileChangeType.Changed }] });
        const saved = await settle();
        await conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: recordsUri } });
        assert.equal(unsaved, saved, JSON.stringify(text));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('language server: a DNSControl configuration split over files', () => {
  let dir: string;
  let client: TestClient;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-dnsc-lsp-'));
    fs.mkdirSync(path.join(dir, 'domains'));
    fs.writeFileSync(path.join(dir, 'dnsconfig.js'), 'require("./domains/split.example.js");\n');
    fs.writeFileSync(path.join(dir, 'domains', 'split.example.js'), 'D("split.example", R, DnsProvider(P),\n  TXT("_dmarc", "v=DMARC1; p=reject; rua=mailto:d@split.example"),\n  MX("@", 10, "mail"),\n  A("mail", "192.0.2.25"),\nEND);\n');
    fs.writeFileSync(path.join(dir, 'split.example.zone'), '$ORIGIN split.example.\n@ IN TXT "v=spf1 mx -all"\n');
    client = await startServer(dir, { dns: { mode: 'offline' } });
  });
  after(async () => {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('indexes the files dnsconfig.js loads, so their records count for other files', async () => {
    const uri = pathToFileURL(path.join(dir, 'split.example.zone')).href;
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'dns-zone', version: 1, text: fs.readFileSync(path.join(dir, 'split.example.zone'), 'utf8') } });
    const p = await client.waitFor(uri, (x) => x.version === 1);
    await new Promise((r) => setTimeout(r, 300));
    // The DMARC record is in domains/split.example.js, which only dnsconfig.js names.
    assert.ok(!client.latest.get(uri)!.diagnostics.some((d) => d.code === 'dmarc/missing-record'), JSON.stringify(p.diagnostics));
    // And the file itself is checked as DNSControl when opened.
    const js = pathToFileURL(path.join(dir, 'domains', 'split.example.js')).href;
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: js, languageId: 'javascript', version: 1, text: fs.readFileSync(path.join(dir, 'domains', 'split.example.js'), 'utf8').replace('p=reject', 'p=rejectt') } });
    const d = await client.waitFor(js, (x) => x.diagnostics.some((q) => q.code === 'dmarc/invalid-value'));
    assert.ok(!d.diagnostics.some((q) => String(q.code).startsWith('zone/')));
  });

  it("reads a global dnsconfig.js defines in the files it loads, and checks them again when it changes on disk", async () => {
    const shared = path.join(dir, 'domains', 'shared.example.js');
    const sharedText = 'D("shared.example", R,\n  TXT("@", SPF_BASE + " -all"),\nEND);\n';
    fs.writeFileSync(shared, sharedText);
    const config = path.join(dir, 'dnsconfig.js');
    fs.writeFileSync(config, 'var SPF_BASE = "v=spf1 include:_spf.google.com";\nrequire("./domains/split.example.js");\nrequire("./domains/shared.example.js");\n');
    const uri = pathToFileURL(shared).href;
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'javascript', version: 1, text: sharedText } });
    await client.waitFor(uri, (x) => x.diagnostics.some((q) => q.code === 'dmarc/missing-record'));
    fs.writeFileSync(config, 'var SPF_BASE = "v=spf1 +all";\nrequire("./domains/split.example.js");\nrequire("./domains/shared.example.js");\n');
    await client.conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(config).href, type: FileChangeType.Changed }] });
    // `+all -all`: the +all (from dnsconfig.js, at the reference here) and the terms after it.
    await client.waitFor(uri, (x) => x.diagnostics.some((q) => q.code === 'spf/plus-all'));
    // An unsaved edit of dnsconfig.js counts the same.
    const configUri = pathToFileURL(config).href;
    const configText = fs.readFileSync(config, 'utf8');
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: configUri, languageId: 'javascript', version: 1, text: configText } });
    await client.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: configUri, version: 2 }, contentChanges: [{ text: configText.replace('v=spf1 +all', 'v=spf1 mx') }] });
    await client.waitFor(uri, (x) => !x.diagnostics.some((q) => q.code === 'spf/plus-all'));
  });
});

describe('language server: a Terraform value with a part not known statically', () => {
  let dir: string;
  let client: TestClient;
  const text = 'resource "cloudflare_record" "dmarc" {\n  zone_id = var.zone_id\n  name    = "_dmarc"\n  type    = "TXT"\n  content = "v=DMARC1; p=none; pct=100; rua=mailto:dmarc@${var.domain}"\n}\n';

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-tfhole-lsp-'));
    fs.writeFileSync(path.join(dir, 'dmarc.tf'), text);
    client = await startServer(dir, { dns: { mode: 'offline' } });
  });
  after(async () => {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('checks the rest, fixes it in place, and shows the unknown part as … (records/holes)', async () => {
    const uri = pathToFileURL(path.join(dir, 'dmarc.tf')).href;
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'terraform', version: 1, text } });
    const p = await client.waitFor(uri, (x) => x.diagnostics.some((d) => d.code === 'dmarc/pct-removed'));
    const codes = p.diagnostics.map((d) => d.code).sort();
    assert.deepEqual(codes, ['dmarc/pct-removed', 'dmarc/policy-none', 'source/not-static', 'source/not-static']);
    const pct = p.diagnostics.find((d) => d.code === 'dmarc/pct-removed')!;
    const actions = (await client.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: pct.range, context: { diagnostics: [pct] } })) as { title: string; edit?: { changes?: Record<string, { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[]> } }[];
    const remove = actions.find((a) => /pct=100/.test(a.title) && a.edit?.changes?.[uri]);
    assert.ok(remove, actions.map((a) => a.title).join());
    // The unknown part is a report address: the policy ladder knows the rest, and is offered.
    assert.ok(actions.some((a) => /quarantine/.test(a.title)), actions.map((a) => a.title).join());
    const lines = text.split('\n');
    for (const e of [...remove!.edit!.changes![uri]].reverse()) {
      assert.equal(e.range.start.line, e.range.end.line);
      const l = lines[e.range.start.line];
      lines[e.range.start.line] = l.slice(0, e.range.start.character) + e.newText + l.slice(e.range.end.character);
    }
    assert.equal(lines.join('\n'), text.replace('pct=100; ', ''));
    // Hovering the unknown part shows no stand-in character.
    const at = text.split('\n')[4].indexOf('${var.domain}') + 3;
    const hover = (await client.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 4, character: at } })) as { contents: { value: string } } | null;
    if (hover) assert.ok(!hover.contents.value.includes('\uE000'), hover.contents.value);
    const symbols = (await client.conn.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })) as { children?: { detail?: string }[] }[];
    const details = symbols.flatMap((s) => s.children ?? []).map((c) => c.detail ?? '');
    assert.ok(details.some((d) => d.includes('dmarc@…')), details.join(' | '));
  });

  it('offers no policy step when the unknown part may be a tag the ladder reads or sets', async () => {
    const file = path.join(dir, 'policy.tf');
    const policy = text.replace('"dmarc"', '"policy"').replace('_dmarc"', '_dmarc.shop"').replace('p=none; pct=100;', 'p=none; ${var.extra_tags};');
    fs.writeFileSync(file, policy);
    const uri = pathToFileURL(file).href;
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'terraform', version: 1, text: policy } });
    const p = await client.waitFor(uri, (x) => x.diagnostics.some((d) => d.code === 'dmarc/policy-none'));
    const none = p.diagnostics.find((d) => d.code === 'dmarc/policy-none')!;
    const actions = (await client.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: none.range, context: { diagnostics: [none] } })) as { title: string }[];
    assert.ok(!actions.some((a) => /quarantine/.test(a.title)), actions.map((a) => a.title).join());
  });

  it('checks each value a conditional may choose, and fixes one without touching the other', async () => {
    const file = path.join(dir, 'cond.tf');
    const cond = 'variable "rua" {\n  default = ""\n}\nresource "cloudflare_record" "cond" {\n  zone_id = var.zone_id\n  name    = "_dmarc.cond"\n  type    = "TXT"\n  content = var.rua == "" ? "v=DMARC1; p=none; pct=100" : "v=DMARC1; p=none; pct=100; rua=mailto:${var.rua}"\n}\n';
    fs.writeFileSync(file, cond);
    const uri = pathToFileURL(file).href;
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'terraform', version: 1, text: cond } });
    const p = await client.waitFor(uri, (x) => x.diagnostics.some((d) => d.code === 'dmarc/no-rua'));
    const line = cond.split('\n')[7];
    // pct=100 in each value, once each; no "several DMARC records" for the two values of one record.
    const pcts = p.diagnostics.filter((d) => d.code === 'dmarc/pct-removed');
    assert.deepEqual(pcts.map((d) => d.range.start.character), [line.indexOf('pct=100'), line.lastIndexOf('pct=100')]);
    assert.ok(!p.diagnostics.some((d) => d.code === 'dmarc/multiple-records' || d.code === 'dmarc/invalid-uri'), p.diagnostics.map((d) => d.code).join());
    assert.ok(p.diagnostics.some((d) => d.code === 'source/not-static' && /one of 2 values chosen by `var\.rua == ""`/.test(d.message)));
    const second = pcts[1];
    const actions = (await client.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: second.range, context: { diagnostics: [second] } })) as { title: string; edit?: { changes?: Record<string, { range: { start: { character: number }; end: { character: number } }; newText: string }[]> } }[];
    const remove = actions.find((a) => /pct=100/.test(a.title) && a.edit?.changes?.[uri]);
    assert.ok(remove, actions.map((a) => a.title).join());
    let fixed = line;
    for (const e of [...remove!.edit!.changes![uri]].reverse()) fixed = fixed.slice(0, e.range.start.character) + e.newText + fixed.slice(e.range.end.character);
    assert.equal(fixed, line.replace('pct=100; rua', 'rua'));
    const hover = (await client.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 7, character: line.lastIndexOf('p=none') + 1 } })) as { contents: { value: string } } | null;
    assert.match(hover!.contents.value, /One of the values a condition chooses/);
  });

  it('gives the lookup count of an SPF record with an unknown part as a floor', async () => {
    const file = path.join(dir, 'spf.tf');
    const spf = 'resource "cloudflare_record" "spf" {\n  zone_id = var.zone_id\n  name    = "@"\n  type    = "TXT"\n  content = "v=spf1 mx ${var.more} -all"\n}\n';
    fs.writeFileSync(file, spf);
    const uri = pathToFileURL(file).href;
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'terraform', version: 1, text: spf } });
    await client.waitFor(uri, (x) => x.diagnostics.some((d) => d.code === 'source/not-static'));
    const hints = (await client.conn.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 6, character: 0 } } })) as { label: string }[];
    assert.ok(hints.some((h) => /^at least 1\/10 DNS lookups$/.test(h.label)), hints.map((h) => h.label).join());
  });
});

describe('language server: a file a Terraform value reads with file() or templatefile()', () => {
  let dir: string;
  let client: TestClient;
  const text = 'resource "aws_route53_record" "dmarc" {\n  zone_id = "Z1"\n  name    = "_dmarc.tpl.example"\n  type    = "TXT"\n  records = [trimspace(templatefile("${path.module}/dmarc.tpl", { policy = "none" }))]\n}\n';

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-tftpl-lsp-'));
    fs.writeFileSync(path.join(dir, 'main.tf'), text);
    fs.writeFileSync(path.join(dir, 'dmarc.tpl'), 'v=DMARC1; p=${policy}; rua=mailto:d@tpl.example\n');
    client = await startServer(dir, { dns: { mode: 'offline' } });
  });
  after(async () => {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('checks the value again when the template changes on disk', async () => {
    const uri = pathToFileURL(path.join(dir, 'main.tf')).href;
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'terraform', version: 1, text } });
    const first = await client.waitFor(uri, (p) => p.diagnostics.some((d) => d.code === 'dmarc/policy-none'));
    assert.ok(!first.diagnostics.some((d) => d.code === 'dmarc/pct-removed'));
    const tpl = path.join(dir, 'dmarc.tpl');
    fs.writeFileSync(tpl, 'v=DMARC1; p=${policy}; pct=100; rua=mailto:d@tpl.example\n');
    await client.conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(tpl).href, type: FileChangeType.Changed }] });
    const after = await client.waitFor(uri, (p) => p.diagnostics.some((d) => d.code === 'dmarc/pct-removed'));
    assert.match(after.diagnostics.find((d) => d.code === 'dmarc/pct-removed')!.message, /pct=100/);
  });
});

describe('language server: findings a reading places in another open file', () => {
  let dir: string;
  let client: TestClient;
  const lib = 'function dmarc(policy) {\n  return TXT("_dmarc", "v=DMARC1; p=" + policy + "; rua=mailto:d@gall.example");\n}\n';
  const zone = 'D("gall.example", REG_NONE,\n  dmarc("rejet"),\nEND);\n';

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-contrib-lsp-'));
    fs.writeFileSync(path.join(dir, 'dnsconfig.js'), 'require("./lib.js");\nrequire("./zone.js");\n');
    fs.writeFileSync(path.join(dir, 'lib.js'), lib);
    fs.writeFileSync(path.join(dir, 'zone.js'), zone);
    client = await startServer(dir, { dns: { mode: 'offline' } });
  });
  after(async () => {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('shows in a DNSControl helper file what the files that call it find there, while they are open', async () => {
    const libUri = pathToFileURL(path.join(dir, 'lib.js')).href;
    const zoneUri = pathToFileURL(path.join(dir, 'zone.js')).href;
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: libUri, languageId: 'javascript', version: 1, text: lib } });
    const alone = await client.waitFor(libUri, () => true);
    assert.ok(!alone.diagnostics.some((d) => d.code === 'dmarc/invalid-value'), JSON.stringify(alone.diagnostics));
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: zoneUri, languageId: 'javascript', version: 1, text: zone } });
    const shown = await client.waitFor(libUri, (p) => p.diagnostics.some((d) => d.code === 'dmarc/invalid-value'));
    const d = shown.diagnostics.find((x) => x.code === 'dmarc/invalid-value')!;
    assert.equal(lib.split('\n')[d.range.start.line].slice(d.range.start.character, d.range.end.character), 'policy');
    // Closed, the caller's findings leave the helper file.
    await client.conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: zoneUri } });
    await client.waitFor(libUri, (p) => !p.diagnostics.some((x) => x.code === 'dmarc/invalid-value'));
  });
});

describe('language server: findings a zone places in the file it $INCLUDEs', () => {
  let dir: string;
  let client: TestClient;
  const main = '$ORIGIN inc.example.\n@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n@ IN NS ns1\n$INCLUDE mail.inc\n';
  const inc = '@ IN TXT "v=spf1 mx -all"\n@ IN MX 10 mx\n';

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-contrib-inc-'));
    fs.writeFileSync(path.join(dir, 'inc.example.zone'), main);
    fs.writeFileSync(path.join(dir, 'mail.inc'), inc);
    client = await startServer(dir, { dns: { mode: 'offline' } });
  });
  after(async () => {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('shows in the included file what the zone finds there, with the zone’s names', async () => {
    const incUri = pathToFileURL(path.join(dir, 'mail.inc')).href;
    const mainUri = pathToFileURL(path.join(dir, 'inc.example.zone')).href;
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: incUri, languageId: 'dns-zone', version: 1, text: inc } });
    const alone = await client.waitFor(incUri, () => true);
    assert.ok(!alone.diagnostics.some((d) => /inc\.example/.test(d.message)), JSON.stringify(alone.diagnostics));
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: mainUri, languageId: 'dns-zone', version: 1, text: main } });
    const shown = await client.waitFor(incUri, (p) => p.diagnostics.some((d) => d.code === 'dmarc/missing-record' && /`inc\.example`/.test(d.message)));
    assert.equal(shown.diagnostics.find((d) => d.code === 'dmarc/missing-record')!.range.start.line, 0);
  });
});

describe('language server: an Ansible play and the vars file it reads', () => {
  let dir: string;
  let client: TestClient;
  const play = '- hosts: localhost\n  vars_files:\n    - vars/mail.yml\n  tasks:\n    - community.general.cloudflare_dns:\n        zone: example.com\n        record: "@"\n        type: TXT\n        value: "{{ spf }}"\n';
  // A plain scalar: the fallback reader (quoted literals only) does not read it on its own.
  const vars = 'spf: v=spf1 include:_spf.google.com +all\n';

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-ansible-lsp-'));
    fs.mkdirSync(path.join(dir, 'vars'));
    fs.writeFileSync(path.join(dir, 'site.yml'), play);
    fs.writeFileSync(path.join(dir, 'vars', 'mail.yml'), vars);
    client = await startServer(dir, { dns: { mode: 'offline' } });
  });
  after(async () => {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('shows in the vars file what the play finds there, with its fix, and checks the play again when the vars file is edited', async () => {
    const playUri = pathToFileURL(path.join(dir, 'site.yml')).href;
    const varsUri = pathToFileURL(path.join(dir, 'vars', 'mail.yml')).href;
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: varsUri, languageId: 'yaml', version: 1, text: vars } });
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: playUri, languageId: 'yaml', version: 1, text: play } });
    const shown = await client.waitFor(varsUri, (p) => p.diagnostics.some((d) => d.code === 'spf/plus-all'));
    const d = shown.diagnostics.filter((x) => x.code === 'spf/plus-all');
    assert.equal(d.length, 1, JSON.stringify(shown.diagnostics));
    assert.equal(vars.slice(d[0].range.start.character, d[0].range.end.character), '+all');
    const actions = (await client.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri: varsUri }, range: d[0].range, context: { diagnostics: d } })) ?? [];
    const fix = actions.find((a) => 'edit' in a && a.edit?.changes?.[varsUri]);
    assert.ok(fix && 'edit' in fix, JSON.stringify(actions.map((a) => a.title)));
    // The vars file edited unsaved: the play's reading sees the new value.
    await client.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: varsUri, version: 2 }, contentChanges: [{ text: vars.replace('+all', '-all') }] });
    await client.waitFor(varsUri, (p) => p.version === 2 && !p.diagnostics.some((x) => x.code === 'spf/plus-all'));
  });
});
