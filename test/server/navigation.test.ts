/**
 * Go to definition, find references and document links, through the built server over stdio with a
 * real LSP client, on a workspace of zone files, an `$INCLUDE`d file and Terraform.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  DefinitionRequest,
  DidOpenTextDocumentNotification,
  DocumentHighlightKind,
  DocumentHighlightRequest,
  HoverRequest,
  PrepareRenameRequest,
  RenameRequest,
  DocumentLinkRequest,
  ReferencesRequest,
  WorkspaceSymbolRequest,
  type SymbolInformation,
  type Location,
  type LocationLink,
  type Position,
} from 'vscode-languageserver-protocol/node';
import { applyEdits, startServer, type TestClient } from './client';

const FILES: Record<string, string> = {
  'example.com.zone': [
    '$ORIGIN example.com.',
    '$TTL 3600',
    '@ IN TXT "v=spf1 include:_spf.example.com include:_rel.example.com a:mail.example.com -all"',
    '@ IN MX 10 mail.example.com.',
    'mail IN A 192.0.2.25',
    '_rel IN CNAME _spf.example.net.',
    '_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:agg@example.net,mailto:d@example.com"',
    '$INCLUDE "example.com.dkim.inc"',
    'www IN CNAME web.example.net.',
    '',
  ].join('\n'),
  'example.com.dkim.inc': 'sel._domainkey IN TXT "v=DKIM1; k=ed25519; p=zn4MIEmBUJ8wG7mx1YQ+ODnW0mAzP+WDWfd1Xy0q3po="\n',
  'spf.example.com.zone': '$ORIGIN example.com.\n_spf IN TXT "v=spf1 ip4:192.0.2.0/24 -all"\n',
  'example.net.zone': [
    '$ORIGIN example.net.',
    '_spf IN TXT "v=spf1 ip4:198.51.100.0/24 -all"',
    'example.com._report._dmarc IN TXT "v=DMARC1"',
    'web IN A 198.51.100.7',
    '@ IN TXT "v=spf1 include:_spf.example.com -all"',
    '',
  ].join('\n'),
  'main.tf': [
    'resource "aws_route53_zone" "org" {',
    '  name = "example.org"',
    '}',
    'resource "aws_route53_record" "spf" {',
    '  zone_id = aws_route53_zone.org.zone_id',
    '  name    = "example.org"',
    '  type    = "TXT"',
    '  ttl     = 3600',
    '  records = ["v=spf1 include:_spf.example.com -all"]',
    '}',
    '',
  ].join('\n'),
};

describe('go to definition and find references', () => {
  let dir: string;
  let client: TestClient;
  let links: TestClient;
  const uri = (f: string) => pathToFileURL(path.join(dir, f)).href;
  /** The position of the `nth` occurrence of `needle` in a file, plus `delta` characters. */
  const at = (file: string, needle: string, delta = 1, nth = 0): Position => {
    const lines = FILES[file].split('\n');
    let seen = 0;
    for (let line = 0; line < lines.length; line++) {
      let i = lines[line].indexOf(needle);
      while (i >= 0) {
        if (seen++ === nth) return { line, character: i + delta };
        i = lines[line].indexOf(needle, i + 1);
      }
    }
    throw new Error(`${needle} not in ${file}`);
  };
  const where = (l: Location) => `${path.basename(new URL(l.uri).pathname)}:${l.range.start.line}:${l.range.start.character}`;
  const definition = async (c: TestClient, file: string, position: Position) => (await c.conn.sendRequest(DefinitionRequest.type, { textDocument: { uri: uri(file) }, position })) as Location[] | LocationLink[] | null;
  const refs = async (file: string, position: Position, includeDeclaration = false) =>
    ((await client.conn.sendRequest(ReferencesRequest.type, { textDocument: { uri: uri(file) }, position, context: { includeDeclaration } })) ?? []).map(where);

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-nav-'));
    for (const [f, t] of Object.entries(FILES)) fs.writeFileSync(path.join(dir, f), t);
    client = await startServer(dir);
    links = await startServer(dir, {}, { textDocument: { definition: { linkSupport: true } } });
    for (const c of [client, links])
      for (const f of ['example.com.zone', 'main.tf']) await c.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: uri(f), languageId: f.endsWith('.tf') ? 'terraform' : 'dns-zone', version: 1, text: FILES[f] } });
  });

  after(async () => {
    await client.stop();
    await links.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('goes from an include to the SPF record that defines it, in a file that is not open', async () => {
    const d = (await definition(client, 'example.com.zone', at('example.com.zone', 'include:_spf', 10))) as Location[];
    assert.deepEqual(d.map(where), ['spf.example.com.zone:1:0']);
    assert.deepEqual(d[0].range.end, { line: 1, character: 42 });
  });

  it('follows a CNAME: the link first, then the SPF record it leads to', async () => {
    const d = (await definition(client, 'example.com.zone', at('example.com.zone', '_rel.example.com', 2))) as Location[];
    assert.deepEqual(d.map(where), ['example.com.zone:5:0', 'example.net.zone:1:0']);
  });

  it('goes from a:host to its address record, and from a CNAME to its target', async () => {
    assert.deepEqual(((await definition(client, 'example.com.zone', at('example.com.zone', 'a:mail', 4))) as Location[]).map(where), ['example.com.zone:4:0']);
    assert.deepEqual(((await definition(client, 'example.com.zone', at('example.com.zone', 'web.example.net', 3))) as Location[]).map(where), ['example.net.zone:3:0']);
    // On the CNAME's owner there is nothing to go to (it is the definition).
    assert.equal(await definition(client, 'example.com.zone', at('example.com.zone', 'www', 1)), null);
  });

  it('goes from a rua address on another domain to the record that authorises it, and nowhere for one on the domain itself', async () => {
    assert.deepEqual(((await definition(client, 'example.com.zone', at('example.com.zone', 'agg@', 2))) as Location[]).map(where), ['example.net.zone:2:0']);
    assert.equal(await definition(client, 'example.com.zone', at('example.com.zone', 'd@example.com', 2)), null);
  });

  it('opens the file of an $INCLUDE, by definition and as a document link', async () => {
    const d = (await definition(client, 'example.com.zone', at('example.com.zone', 'dkim.inc', 0))) as Location[];
    assert.deepEqual(d, [{ uri: uri('example.com.dkim.inc'), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }]);
    const l = await client.conn.sendRequest(DocumentLinkRequest.type, { textDocument: { uri: uri('example.com.zone') } });
    assert.equal(l?.length, 1);
    assert.equal(l![0].target, uri('example.com.dkim.inc'));
    assert.deepEqual(l![0].range, { start: { line: 7, character: 9 }, end: { line: 7, character: 31 } });
  });

  it('answers with location links, the origin being the name under the cursor, when the client supports them', async () => {
    const d = (await definition(links, 'example.com.zone', at('example.com.zone', 'include:_spf', 12))) as LocationLink[];
    assert.equal(d.length, 1);
    assert.equal(d[0].targetUri, uri('spf.example.com.zone'));
    assert.deepEqual(d[0].originSelectionRange, { start: { line: 2, character: 25 }, end: { line: 2, character: 41 } });
    // From Terraform too: the include inside an HCL string.
    const t = (await definition(links, 'main.tf', at('main.tf', '_spf', 1))) as LocationLink[];
    assert.equal(t[0].targetUri, uri('spf.example.com.zone'));
  });

  it('finds every include of a name across zone files and Terraform, from the record that defines it', async () => {
    // From the owner of the SPF record in a file that is not open.
    const expected = ['example.com.zone:2:25', 'example.net.zone:4:25', 'main.tf:8:29'];
    assert.deepEqual(await refs('example.com.zone', at('example.com.zone', 'include:_spf', 10)), expected);
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: uri('spf.example.com.zone'), languageId: 'dns-zone', version: 1, text: FILES['spf.example.com.zone'] } });
    assert.deepEqual(await refs('spf.example.com.zone', { line: 1, character: 1 }), expected);
    assert.deepEqual(await refs('spf.example.com.zone', { line: 1, character: 20 }, true), ['example.com.zone:2:25', 'example.net.zone:4:25', 'main.tf:8:29', 'spf.example.com.zone:1:0']);
  });

  it('finds the CNAMEs that point at a name', async () => {
    assert.deepEqual(await refs('example.com.zone', at('example.com.zone', '_spf.example.net', 2)), ['example.com.zone:5:0']);
  });

  it('finds records anywhere in the workspace by name (workspace symbols), policy records first', async () => {
    const find = async (query: string) => ((await client.conn.sendRequest(WorkspaceSymbolRequest.type, { query })) as SymbolInformation[]).map((x) => `${x.name} ${x.containerName} ${where(x.location)}`);
    assert.deepEqual(await find('_DMARC'), ['_dmarc.example.com TXT (DMARC) · example.com.zone example.com.zone:6:0', 'example.com._report._dmarc.example.net TXT · example.net.zone example.net.zone:2:0']);
    assert.deepEqual(await find('web'), ['web.example.net A · example.net.zone example.net.zone:3:0']);
    const all = await find('');
    assert.ok(all.length >= 6 && all.every((x) => /\((SPF|DMARC|DKIM)\)/.test(x)), all.join('\n'));
    assert.ok(all.includes('sel._domainkey.example.com TXT (DKIM) · example.com.dkim.inc example.com.dkim.inc:0:0'), all.join('\n'));
  });
});

describe('navigation on names written in infrastructure as code', () => {
  let dir: string;
  let client: TestClient;
  const tf = [
    'resource "aws_route53_zone" "org" {',
    '  name = "example.org"',
    '}',
    'resource "aws_route53_record" "mx" {',
    '  zone_id = aws_route53_zone.org.zone_id',
    '  name    = "example.org"',
    '  type    = "MX"',
    '  ttl     = 3600',
    '  records = ["10 mx1.example.org.", "20 mx2.example.org."]',
    '}',
    'resource "aws_route53_record" "mx1" {',
    '  zone_id = aws_route53_zone.org.zone_id',
    '  name    = "mx1"',
    '  type    = "A"',
    '  ttl     = 3600',
    '  records = ["192.0.2.25"]',
    '}',
    'resource "aws_route53_record" "www" {',
    '  zone_id = aws_route53_zone.org.zone_id',
    '  name    = "www"',
    '  type    = "CNAME"',
    '  ttl     = 3600',
    '  records = ["mx1.example.org"]',
    '}',
    'resource "aws_route53_record" "spf" {',
    '  zone_id = aws_route53_zone.org.zone_id',
    '  name    = "example.org"',
    '  type    = "TXT"',
    '  ttl     = 3600',
    '  records = ["v=spf1 a:mx1.example.org -all"]',
    '}',
    '',
  ].join('\n');
  const lines = tf.split('\n');
  const pos = (needle: string, delta = 1, nth = 0): Position => {
    let seen = 0;
    for (let line = 0; line < lines.length; line++) {
      const i = lines[line].indexOf(needle);
      if (i >= 0 && seen++ === nth) return { line, character: i + delta };
    }
    throw new Error(needle);
  };
  let uri: string;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-nav-iac-'));
    fs.writeFileSync(path.join(dir, 'dns.tf'), tf);
    uri = pathToFileURL(path.join(dir, 'dns.tf')).href;
    client = await startServer(dir);
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'terraform', version: 1, text: tf } });
    await client.waitFor(uri, (p) => p.version === 1);
  });
  after(async () => {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const span = (r: { start: Position; end: Position }) => `${r.start.line}:${r.start.character}-${r.end.character}`;

  it('goes from an MX value and a CNAME value to the address record of the name they point at', async () => {
    for (const p of [pos('10 mx1', 4), pos('"mx1.example.org"', 2)]) {
      const d = (await client.conn.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position: p })) as Location[];
      assert.deepEqual(d.map((l) => `${path.basename(new URL(l.uri).pathname)}:${l.range.start.line}`), ['dns.tf:10'], JSON.stringify(p));
    }
  });

  it('highlights a name where the file writes it: the record’s name, the MX and CNAME values, the SPF term', async () => {
    const h = (await client.conn.sendRequest(DocumentHighlightRequest.type, { textDocument: { uri }, position: pos('name    = "mx1"', 12) })) ?? [];
    assert.deepEqual(
      h.map((x) => `${span(x.range)} ${x.kind === DocumentHighlightKind.Write ? 'write' : 'read'}`),
      [`8:${lines[8].indexOf('"10 mx1')}-${lines[8].indexOf('", "20')+1} read`, `12:2-${lines[12].length} write`, `22:${lines[22].indexOf('"mx1.')}-${lines[22].indexOf('"]') + 1} read`, `29:${lines[29].indexOf('mx1.example.org -all')}-${lines[29].indexOf(' -all')} read`],
    );
  });

  it('renames a host named in Terraform: its name, the MX and CNAME values, the SPF term', async () => {
    const p = pos('name    = "mx1"', 12);
    const prep = (await client.conn.sendRequest(PrepareRenameRequest.type, { textDocument: { uri }, position: p })) as { range: { start: Position; end: Position }; placeholder: string } | null;
    assert.equal(prep?.placeholder, 'mx1');
    const edit = await client.conn.sendRequest(RenameRequest.type, { textDocument: { uri }, position: p, newName: 'mail1' });
    const changes = edit?.changes?.[uri] ?? [];
    const after = applyEdits(tf, changes);
    assert.equal(after, tf.replace('name    = "mx1"', 'name    = "mail1"').replace('"10 mx1.example.org."', '"10 mail1.example.org."').replace('["mx1.example.org"]', '["mail1.example.org"]').replace('a:mx1.example.org', 'a:mail1.example.org'));
  });

  it('finds the CNAME that points at a name at its value, and hovers on a record’s name', async () => {
    const r = ((await client.conn.sendRequest(ReferencesRequest.type, { textDocument: { uri }, position: pos('name    = "mx1"', 12), context: { includeDeclaration: false } })) ?? []).map((l) => span(l.range));
    assert.ok(r.includes(`22:${lines[22].indexOf('"mx1.')}-${lines[22].indexOf('"]') + 1}`), r.join(' '));
    const hover = await client.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: pos('name    = "mx1"', 12) });
    const md = hover && typeof hover.contents === 'object' && 'value' in hover.contents ? hover.contents.value : '';
    assert.match(md, /mx1\.example\.org/);
    assert.match(md, /\bA\b/);
  });
});

