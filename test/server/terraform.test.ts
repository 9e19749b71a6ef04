/**
 * A Terraform module is a folder: through the language server over stdio, a record in one file gets
 * its name from a variable in another, and a change to that file on disk (the watcher's event)
 * re-checks the open file with the new value.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { DidChangeWatchedFilesNotification, DidOpenTextDocumentNotification, FileChangeType } from 'vscode-languageserver-protocol/node';
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
