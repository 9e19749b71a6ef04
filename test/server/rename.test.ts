/**
 * Rename a name across the workspace: the engine on files read as the server reads them, then through
 * the built server over stdio with a real LSP client (prepareRename, rename, the errors an editor shows).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { CodeActionRequest, DidOpenTextDocumentNotification, PrepareRenameRequest, RenameRequest, type CodeAction, type Position, type TextEdit } from 'vscode-languageserver-protocol/node';
import fc from 'fast-check';
import { hostNameSuggestion, newNameOf, renameEdits, renameTargetAt, type RenameSource } from '../../server/src/features/rename';
import { dataNames } from '../../server/src/records/cname';
import { analyzeZone, readZone } from '../../server/src/service';
import { applyEdits, startServer, type TestClient } from './client';

const ZONE = [
  '$ORIGIN example.com.',
  '$TTL 3600',
  '@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300',
  '@ IN NS ns1',
  'ns1 IN A 192.0.2.1',
  '@ IN MX 10 mail_server ; primary',
  'mail_server IN A 192.0.2.25',
  '  IN AAAA 2001:db8::25',
  '_dmarc.Mail_Server IN TXT "v=DMARC1; p=none; rua=mailto:d@example.com"',
  '@ IN TXT "v=spf1 a:mail_server.example.com mx -all"',
  'smtp IN CNAME mail_server',
  '_submission._tcp IN SRV 0 5 587 mail_server.example.com.',
  'web IN A 192.0.2.80',
  '',
].join('\n');
const NET = ['$ORIGIN example.net.', '@ IN MX 10 mail_server.example.com.', '@ IN TXT "v=spf1 include:mail_server.example.com -all"', ''].join('\n');
const REV = ['$ORIGIN 2.0.192.in-addr.arpa.', '25 IN PTR mail_server.example.com.', '80 IN PTR web.example.com.', ''].join('\n');

function sourcesOf(files: Record<string, string>): { sources: RenameSource[]; textOf: (f: string) => string | undefined } {
  const sources = Object.entries(files).map(([file, text]) => {
    const p = readZone(text, file, {});
    return { uri: file, format: p.zone.format, records: p.zone.records, sites: p.sites };
  });
  return { sources, textOf: (f) => files[f] };
}

function rename(files: Record<string, string>, file: string, needle: string, typed: string): Record<string, string> | string {
  const { sources, textOf } = sourcesOf(files);
  const source = sources.find((s) => s.uri === file)!;
  const target = renameTargetAt(source, files[file].indexOf(needle) + 1, files[file]);
  if ('error' in target) return target.error;
  const name = newNameOf(target, typed);
  if (typeof name !== 'string') return name.error;
  const r = renameEdits(target, name, sources, textOf);
  if ('error' in r) return r.error;
  const out: Record<string, string> = { ...files };
  for (const f of Object.keys(files)) {
    const mine = r.edits.filter((e) => e.uri === f).sort((a, b) => b.range.start - a.range.start);
    for (const e of mine) out[f] = out[f].slice(0, e.range.start) + e.newText + out[f].slice(e.range.end);
  }
  return out;
}

describe('rename (engine)', () => {
  const files = { 'example.com.zone': ZONE, 'example.net.zone': NET, '2.0.192.in-addr.arpa.zone': REV };

  it('renames a host, the names under it, and every record that points at it, each written the way its file writes it', () => {
    const out = rename(files, 'example.com.zone', 'mail_server IN A', 'mail-server');
    assert.equal(typeof out, 'object');
    const o = out as Record<string, string>;
    assert.equal(
      o['example.com.zone'],
      ZONE.replace('10 mail_server ;', '10 mail-server ;')
        .replace('mail_server IN A', 'mail-server IN A')
        .replace('_dmarc.Mail_Server', '_dmarc.mail-server')
        .replace('a:mail_server.example.com', 'a:mail-server.example.com')
        .replace('CNAME mail_server', 'CNAME mail-server')
        .replace('587 mail_server.example.com.', '587 mail-server.example.com.'),
    );
    assert.equal(o['example.net.zone'], NET.replaceAll('mail_server.example.com', 'mail-server.example.com'));
    assert.equal(o['2.0.192.in-addr.arpa.zone'], REV.replace('mail_server', 'mail-server'));
    // The zone now loads in BIND: no check-names finding is left.
    assert.deepEqual(analyzeZone(o['example.com.zone'], 'example.com.zone').findings.filter((f) => f.rule === 'zone/invalid-hostname'), []);
  });

  it('starts from any place the name is written: an MX host, an SPF domain-spec, another zone', () => {
    const fromMx = rename(files, 'example.com.zone', 'mail_server ;', 'mail-server');
    const fromSpf = rename(files, 'example.com.zone', 'mail_server.example.com mx', 'mail-server.example.com');
    const fromNet = rename(files, 'example.net.zone', 'mail_server.example.com.', 'mail-server.example.com.');
    const fromOwner = rename(files, 'example.com.zone', 'mail_server IN A', 'mail-server');
    assert.deepEqual(fromMx, fromOwner);
    assert.deepEqual(fromSpf, fromOwner);
    assert.deepEqual(fromNet, fromOwner);
  });

  it('writes a name moved to another parent relative where it stays under the origin, absolute where it leaves it', () => {
    const o = rename(files, 'example.com.zone', 'mail_server IN A', 'mx.mail') as Record<string, string>;
    assert.match(o['example.com.zone'], /^mx\.mail IN A 192\.0\.2\.25$/m);
    assert.match(o['example.com.zone'], /^smtp IN CNAME mx\.mail$/m);
    assert.match(o['example.net.zone'], /MX 10 mx\.mail\.example\.com\.$/m);
    // An owner cannot leave the zone its file is: refused, naming the record.
    assert.match(rename(files, 'example.com.zone', 'mail_server IN A', 'mail.example.org.') as string, /outside the origin `example\.com`/);
  });

  it('refuses what it cannot do cleanly, and says why', () => {
    // The new name has records: two names would merge.
    assert.match(rename(files, 'example.com.zone', 'mail_server IN A', 'web') as string, /`web\.example\.com` already has records \(example\.com\.zone:13\)/);
    // The zone's own name.
    assert.match(rename(files, 'example.com.zone', 'ns1 IN A', 'example.com.') as string, /`example\.com` already has records/);
    assert.match(rename(files, 'example.com.zone', '@ IN MX', 'example.org.') as string, /is the origin of the names/);
    // Not a domain name.
    assert.match(rename(files, 'example.com.zone', 'mail_server IN A', 'mail server') as string, /not a domain name: its label `mail server` holds a character/);
    assert.match(rename(files, 'example.com.zone', 'mail_server IN A', 'a..b') as string, /empty label/);
    // A DNSControl record names it through an expression: nothing is changed, and the message says where.
    const js = 'var host = "mail_server";\nD("example.org", REG_NONE, DnsProvider(DNS),\n  MX("@", 10, host + ".example.com."),\nEND);\n';
    assert.match(rename({ ...files, 'dnsconfig.js': js }, 'example.com.zone', 'mail_server IN A', 'mail-server') as string, /also named in dnsconfig\.js:3 \(MX record\)/);
    // No name under the cursor.
    assert.match(rename(files, 'example.com.zone', 'IN AAAA', 'x') as string, /Put the cursor on a name/);
    // A macro.
    assert.match(rename({ 'm.zone': '$ORIGIN m.test.\n@ IN TXT "v=spf1 exists:%{i}.spf.m.test -all"\n' }, 'm.zone', '%{i}', 'x') as string, /macros/);
  });

  it('rewrites the other names records hold: SOA, SVCB, NAPTR, AFSDB, RP, a relative PTR, and a record in parentheses over lines', () => {
    const zone = [
      '$ORIGIN example.com.',
      '@ IN SOA ns1 hostmaster.ns1 ( 1 7200',
      '  3600 1209600 300 ) ; ns1 in a comment stays',
      '@ IN NS ns1',
      'ns1 IN A 192.0.2.1',
      '_svc IN SVCB 1 ns1 alpn=h2',
      'sip IN NAPTR 100 10 "S" "SIP+D2U" "" ns1.example.com.',
      'afs IN AFSDB 1 ns1',
      'who IN RP hostmaster.ns1 .',
      '$ORIGIN 2.0.192.in-addr.arpa.',
      '1 IN PTR ns1.example.com.',
      '',
    ].join('\n');
    const o = rename({ 'example.com.zone': zone }, 'example.com.zone', 'ns1 IN A', 'dns1') as Record<string, string>;
    assert.equal(typeof o, 'object', String(o));
    assert.equal(
      o['example.com.zone'],
      zone
        .replace('@ IN SOA ns1 hostmaster.ns1', '@ IN SOA dns1 hostmaster.dns1')
        .replace('NS ns1', 'NS dns1')
        .replace('ns1 IN A', 'dns1 IN A')
        .replace('SVCB 1 ns1', 'SVCB 1 dns1')
        .replace('"" ns1.example.com.', '"" dns1.example.com.')
        .replace('AFSDB 1 ns1', 'AFSDB 1 dns1')
        .replace('RP hostmaster.ns1', 'RP hostmaster.dns1')
        .replace('PTR ns1.example.com.', 'PTR dns1.example.com.'),
    );
    // A PTR written relative to its reverse zone's origin is the name it makes absolute, not the name.
    const rev = '$ORIGIN 0.192.in-addr.arpa.\n1.2 IN PTR host.2\n';
    const r = rename({ 'rev.zone': rev, 'h.zone': '$ORIGIN 2.0.192.in-addr.arpa.\nhost IN A 192.0.2.9\n' }, 'h.zone', 'host IN A', 'server') as Record<string, string>;
    assert.equal(r['rev.zone'], rev.replace('host.2', 'server.2'));
  });

  it('suggests a host name for one BIND refuses: `_` as `-`, no hyphen at a label\'s ends', () => {
    assert.equal(hostNameSuggestion('mail_server'), 'mail-server');
    assert.equal(hostNameSuggestion('_mx.Example.COM.'), 'mx.Example.COM.');
    assert.equal(hostNameSuggestion('*.web_1'), '*.web-1');
    assert.equal(hostNameSuggestion('-lead-'), 'lead');
    assert.equal(hostNameSuggestion('b\u00fccher_1.example.'), 'xn--bcher-1-n2a.example.');
    for (const w of ['mail', '_', 'a\\032b', '@', 'a..b']) assert.equal(hostNameSuggestion(w), undefined, w);
  });

  it('rewrites an SPF domain-spec inside a Terraform string, and the zone record that defines it', () => {
    const tf = 'resource "aws_route53_record" "spf" {\n  zone_id = "Z1"\n  name    = "example.org"\n  type    = "TXT"\n  ttl     = 300\n  records = ["v=spf1 include:_spf.example.com -all"]\n}\n';
    const spf = '$ORIGIN example.com.\n_spf IN TXT "v=spf1 ip4:192.0.2.0/24 -all"\n';
    const o = rename({ 'main.tf': tf, 'spf.zone': spf }, 'main.tf', '_spf.example.com', '_spf1.example.com') as Record<string, string>;
    assert.equal(o['main.tf'], tf.replace('include:_spf.example.com', 'include:_spf1.example.com'));
    assert.equal(o['spf.zone'], spf.replace('_spf IN', '_spf1 IN'));
  });
});

/** What a zone holds: each record's owner, type and the names in its data, as absolute names, and a TXT record's value. */
function served(text: string, file: string): string[] {
  return readZone(text, file, {})
    .zone.records.map((r) => `${r.owner} ${r.type} ${dataNames(r).map((n) => n.name).join(',')} ${r.type === 'TXT' ? r.site?.value : ''}`)
    .sort();
}

const swap = (n: string, from: string, to: string) => (n === from ? to : n.endsWith(`.${from}`) ? `${n.slice(0, n.length - from.length - 1)}.${to}` : n);

/**
 * Renames the name at `offset` of a zone file to `typed` and checks the result: the records are those
 * of before with the name (and the names under it) replaced, in owners, data and SPF domain-specs.
 * 'done', 'refused' (with a reason, nothing changed) or 'none' (no name there, or not a name typed).
 */
function checkRename(file: string, text: string, offset: number, typed: string): 'done' | 'refused' | 'none' {
  const { sources, textOf } = sourcesOf({ [file]: text });
  const target = renameTargetAt(sources[0], offset, text);
  if ('error' in target) return 'none';
  const to = newNameOf(target, typed);
  if (typeof to !== 'string') return 'none';
  const r = renameEdits(target, to, sources, textOf);
  if ('error' in r) return 'refused';
  let out = text;
  for (const e of [...r.edits].sort((a, b) => b.range.start - a.range.start)) out = out.slice(0, e.range.start) + e.newText + out.slice(e.range.end);
  const moved = (x: string) => {
    const [owner, type, names, ...value] = x.split(' ');
    // An SPF record names it in its domain-specs too.
    const v = value.join(' ').replace(/(include:|a:|mx:|ptr:|exists:|redirect=|exp=)([^\s"]+)/gi, (_, term: string, n: string) => `${term}${swap(n.toLowerCase().replace(/\.$/, ''), target.name, to)}`);
    return `${swap(owner, target.name, to)} ${type} ${names.split(',').map((n) => swap(n, target.name, to)).join(',')} ${v}`;
  };
  const norm = (x: string) => x.replace(/(include:|a:|mx:|ptr:|exists:|redirect=|exp=)([^\s"]+)/gi, (_, term: string, n: string) => `${term}${n.toLowerCase().replace(/\.$/, '')}`);
  assert.deepEqual(served(out, file).map(norm).sort(), served(text, file).map(moved).map(norm).sort(), `renaming ${target.name} to ${to} in ${file}\n${text}\n---\n${out}`);
  return 'done';
}

/**
 * Random zones (relative and absolute names, `@`, names under other names, blank owners, a second
 * `$ORIGIN`, parentheses and comments, records whose data names others): a rename that is done leaves
 * the zone as it was with the old name replaced by the new one, in owners and in data, and nothing
 * else changed; one that is refused changes nothing.
 */
describe('rename (property)', () => {
  const RUNS = Number(process.env.DL_PROPERTY_RUNS ?? 200);
  const LABELS = ['mail', 'mail_1', 'www', 'ns1', '_dmarc', 's1._domainkey', 'x.mail', 'Mail', 'web'];
  const name = fc.oneof(fc.constantFrom(...LABELS), fc.constantFrom(...LABELS).map((l) => `${l}.example.com.`), fc.constant('@'), fc.constantFrom('mail.other.test.', 'ns.other.test.'));
  const record = fc.oneof(
    fc.tuple(name, fc.constantFrom('A 192.0.2.1', 'AAAA 2001:db8::1', 'TXT "v=spf1 -all"')).map(([o, d]) => `${o} IN ${d}`),
    fc.tuple(name, name).map(([o, t]) => `${o} IN MX 10 ${t}`),
    fc.tuple(name, name).map(([o, t]) => `${o} 300 IN CNAME ${t} ; to ${t}`),
    fc.tuple(name, name).map(([o, t]) => `${o} IN SRV ( 0 5 25\n   ${t} )`),
    fc.tuple(name, name).map(([o, t]) => `${o} IN TXT "v=spf1 a:${t === '@' ? 'example.com' : t.replace(/\.$/, '').includes('.') ? t.replace(/\.$/, '') : `${t}.example.com`} -all"`),
    fc.constantFrom('  IN A 192.0.2.7', '$ORIGIN example.com.', '$ORIGIN sub.example.com.'),
  );
  it(`does what it says, or nothing (${RUNS} zones)`, (t) => {
    let done = 0;
    let refused = 0;
    fc.assert(
      fc.property(fc.array(record, { minLength: 3, maxLength: 14 }), fc.nat(), fc.constantFrom('renamed', 'mail-2', 'x.renamed', 'renamed.example.com.', 'host.other.test.'), (lines, pickAt, typed) => {
        const text = `$ORIGIN example.com.\n@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n${lines.join('\n')}\n`;
        // A name at a line start (an owner) to rename from.
        const starts = [...text.matchAll(/^(?![$\s@])\S+/gm)].map((m) => m.index!).filter((i) => i > 0 && !text.startsWith('$', i));
        if (starts.length === 0) return;
        const r = checkRename('example.com.zone', text, starts[pickAt % starts.length] + 1, typed);
        if (r === 'done') done++;
        if (r === 'refused') refused++;
      }),
      { numRuns: RUNS },
    );
    t.diagnostic(`${done} renames done and checked, ${refused} refused`);
    assert.ok(done > RUNS / 10, `only ${done} renames done (${refused} refused)`);
  });
});

describe('rename (infrastructure as code)', () => {
  it('renames names written in infrastructure as code: a Terraform name relative to its zone, an MX value, an octoDNS key and CNAME value', () => {
    const files = { 'example.com.zone': ZONE, 'example.net.zone': NET, '2.0.192.in-addr.arpa.zone': REV };
    const tf = [
      'resource "aws_route53_zone" "com" {',
      '  name = "example.com"',
      '}',
      'resource "aws_route53_record" "host" {',
      '  zone_id = aws_route53_zone.com.zone_id',
      '  name    = "mail_server"',
      '  type    = "A"',
      '  records = ["192.0.2.25"]',
      '}',
      'resource "aws_route53_record" "mx" {',
      '  zone_id = "Z1"',
      '  name    = "example.org"',
      '  type    = "MX"',
      '  records = ["10 mail_server.example.com.", "20 backup.example.com."]',
      '}',
      'resource "aws_route53_record" "submission" {',
      '  zone_id = "Z1"',
      '  name    = "_submission._tcp.example.org"',
      '  type    = "SRV"',
      '  records = ["0 5 587 mail_server.example.com."]',
      '}',
      '',
    ].join('\n');
    const yaml = ["'':", '  type: CNAME', '  value: mail_server.example.com.', ''].join('\n');
    const all = { ...files, 'main.tf': tf, 'example.info.yaml': yaml };
    const o = rename(all, 'example.com.zone', 'mail_server IN A', 'mail-server') as Record<string, string>;
    assert.equal(typeof o, 'object', String(o));
    assert.equal(o['main.tf'], tf.replace('name    = "mail_server"', 'name    = "mail-server"').replace('"10 mail_server.example.com."', '"10 mail-server.example.com."').replace('"0 5 587 mail_server.example.com."', '"0 5 587 mail-server.example.com."'));
    assert.equal(o['example.info.yaml'], yaml.replace('mail_server.example.com.', 'mail-server.example.com.'));
    assert.equal(o['example.com.zone'], (rename(files, 'example.com.zone', 'mail_server IN A', 'mail-server') as Record<string, string>)['example.com.zone']);
    // Started from the Terraform name attribute: the same edits; what is typed is relative to the zone, as the file writes it.
    const from = rename(all, 'main.tf', 'mail_server"', 'mail-server') as Record<string, string>;
    assert.deepEqual(from, o);
    // From an MX value: absolute, as written.
    const { sources, textOf } = sourcesOf(all);
    const target = renameTargetAt(sources.find((x) => x.uri === 'main.tf')!, tf.indexOf('mail_server.example.com.') + 2, tf);
    assert.ok(!('error' in target));
    assert.deepEqual([target.name, target.text, target.origin], ['mail_server.example.com', 'mail_server.example.com.', undefined]);
    assert.ok(!('error' in renameEdits(target, 'mail-server.example.com', sources, textOf)));
    // Out of the zone a relative name is written under: refused.
    assert.match(rename(all, 'main.tf', 'mail_server"', 'mail.example.net.') as string, /outside the zone|leave the zone/);
    // The zone apex written as the zone's own name in the record: rename the zone instead.
    const apex = 'resource "aws_route53_zone" "com" {\n  name = "example.net"\n}\nresource "aws_route53_record" "a" {\n  zone_id = aws_route53_zone.com.zone_id\n  name    = ""\n  type    = "A"\n  records = ["192.0.2.1"]\n}\n';
    assert.match(rename({ 'main.tf': apex }, 'main.tf', 'name    = ""', 'x') as string, /not one plain string|zone itself|Put the cursor|Rename works/);
  });

  it('renames names written in Ansible tasks (relative to the zone the task names) and ExternalDNS endpoints', () => {
    const play = [
      '- hosts: localhost',
      '  tasks:',
      '    - community.general.cloudflare_dns:',
      '        zone: example.com',
      '        record: mail_server',
      '        type: A',
      '        value: 192.0.2.26',
      '    - amazon.aws.route53:',
      '        zone: example.org',
      '        record: example.org',
      '        type: MX',
      '        value: "10 mail_server.example.com."',
      '    - community.general.cloudflare_dns:',
      '        zone: example.com',
      '        record: "{{ host }}"',
      '        type: CNAME',
      '        value: mail_server.example.com',
      '',
    ].join('\n');
    const endpoints = ['apiVersion: externaldns.k8s.io/v1alpha1', 'kind: DNSEndpoint', 'metadata:', '  name: m', 'spec:', '  endpoints:', '    - dnsName: mail_server.example.com', '      recordType: AAAA', '      targets: ["2001:db8::26"]', '    - dnsName: www.example.com', '      recordType: CNAME', '      targets: [mail_server.example.com]', ''].join('\n');
    const all = { 'example.com.zone': ZONE, 'play.yml': play, 'endpoints.yaml': endpoints };
    const o = rename(all, 'example.com.zone', 'mail_server IN A', 'mail-server') as Record<string, string>;
    assert.equal(typeof o, 'object', String(o));
    // Relative where the task writes it relative, whole where whole; the CNAME whose name is a Jinja expression still points there by its value.
    assert.equal(o['play.yml'], play.replace('record: mail_server', 'record: mail-server').replace('"10 mail_server.example.com."', '"10 mail-server.example.com."').replace('value: mail_server.example.com', 'value: mail-server.example.com'));
    assert.equal(o['endpoints.yaml'], endpoints.replace('dnsName: mail_server.example.com', 'dnsName: mail-server.example.com').replace('[mail_server.example.com]', '[mail-server.example.com]'));
    // Started from the Ansible task's name: the same edits, what is typed relative to the zone.
    assert.deepEqual(rename(all, 'play.yml', 'mail_server\n', 'mail-server'), o);
    // A relative name moved out of its zone: refused.
    assert.match(rename(all, 'play.yml', 'mail_server\n', 'mail.example.net.') as string, /outside the zone|leave the zone/);
  });
});

describe('rename on the real-world zones of ../shared/corpus', () => {
  const dir = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'corpus', 'zone-files');
  it('renames owners of every corpus zone file as it says, or refuses', (t) => {
    if (!fs.existsSync(dir)) return t.skip(`corpus not present at ${dir}`);
    let done = 0;
    let refused = 0;
    for (const f of fs.readdirSync(dir).filter((x) => x !== 'MANIFEST.md')) {
      const text = fs.readFileSync(path.join(dir, f), 'utf8');
      const file = path.join(dir, f);
      if (readZone(text, file, {}).zone.format !== 'zone') continue;
      // Up to 12 owners written at a line start, spread over the file; each renamed to a new label.
      const starts = [...text.matchAll(/^(?![$\s@;])[^\s;()]+/gm)].map((m) => m.index!);
      const step = Math.max(1, Math.floor(starts.length / 12));
      for (let k = 0; k < starts.length; k += step) {
        const r = checkRename(file, text, starts[k] + 1, `renamed-${k}`);
        if (r === 'done') done++;
        if (r === 'refused') refused++;
      }
    }
    t.diagnostic(`${done} renames done and checked on the corpus zones, ${refused} refused`);
    assert.ok(done > 30, `${done} done, ${refused} refused`);
  });
});

describe('rename (LSP)', () => {
  let dir: string;
  let client: TestClient;
  const FILES: Record<string, string> = { 'example.com.zone': ZONE, 'example.net.zone': NET };
  const uri = (f: string) => pathToFileURL(path.join(dir, f)).href;
  const at = (file: string, needle: string, delta = 1): Position => {
    const lines = FILES[file].split('\n');
    const line = lines.findIndex((l) => l.includes(needle));
    return { line, character: lines[line].indexOf(needle) + delta };
  };

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-rename-'));
    for (const [f, t] of Object.entries(FILES)) fs.writeFileSync(path.join(dir, f), t);
    client = await startServer(dir, {}, { textDocument: { rename: { prepareSupport: true } } });
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: uri('example.com.zone'), languageId: 'dns-zone', version: 1, text: ZONE } });
  });

  after(async () => {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('prepareRename gives the name as written; rename edits the open file and the one on disk', async () => {
    const prep = await client.conn.sendRequest(PrepareRenameRequest.type, { textDocument: { uri: uri('example.com.zone') }, position: at('example.com.zone', 'mail_server IN A') });
    assert.deepEqual(prep, { range: { start: { line: 6, character: 0 }, end: { line: 6, character: 11 } }, placeholder: 'mail_server' });
    const edit = await client.conn.sendRequest(RenameRequest.type, { textDocument: { uri: uri('example.com.zone') }, position: at('example.com.zone', 'mail_server IN A'), newName: 'mail-server' });
    const changes = edit?.changes as Record<string, TextEdit[]>;
    assert.deepEqual(Object.keys(changes).sort(), [uri('example.com.zone'), uri('example.net.zone')].sort());
    assert.equal(applyEdits(ZONE, changes[uri('example.com.zone')]).match(/mail_server/gi), null);
    assert.equal(applyEdits(NET, changes[uri('example.net.zone')]), NET.replaceAll('mail_server', 'mail-server'));
  });

  it('offers the rename as the quick fix of zone/invalid-hostname, on the owner and on the MX host', async () => {
    const text = ZONE.replace(/mail_server/gi, 'mail_host').replace(/example\.com/g, 'hosts.test');
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: uri('hosts.zone'), languageId: 'dns-zone', version: 1, text } });
    // The A record's owner, the AAAA record that inherits it (flagged at its first word), the MX host, the SRV target.
    const published = await client.waitFor(uri('hosts.zone'), (p) => p.diagnostics.filter((d) => d.code === 'zone/invalid-hostname').length === 4);
    const lines = text.split('\n');
    const onName = published.diagnostics.filter((x) => x.code === 'zone/invalid-hostname' && /mail_host/.test(lines[x.range.start.line].slice(x.range.start.character, x.range.end.character)));
    assert.deepEqual(onName.map((d) => d.range.start.line), [5, 6, 11]);
    for (const d of onName) {
      const actions = (await client.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri: uri('hosts.zone') }, range: d.range, context: { diagnostics: [d] } })) as CodeAction[];
      const rename = actions.find((a) => a.title.startsWith('Rename'));
      assert.ok(rename, `no rename on line ${d.range.start.line}: ${actions.map((a) => a.title)}`);
      assert.equal(rename.title, 'Rename mail_host.hosts.test to mail-host.hosts.test (6 places)');
      assert.deepEqual(rename.diagnostics, [d]);
      const fixed = applyEdits(text, rename.edit!.changes![uri('hosts.zone')]);
      assert.equal(fixed, text.replace(/mail_host/gi, 'mail-host'));
      assert.equal(lines.length, fixed.split('\n').length);
    }
  });

  it('answers an error the editor shows where there is nothing to rename, or the new name is taken', async () => {
    await assert.rejects(client.conn.sendRequest(PrepareRenameRequest.type, { textDocument: { uri: uri('example.com.zone') }, position: at('example.com.zone', 'IN AAAA') }), /Put the cursor on a name/);
    await assert.rejects(
      client.conn.sendRequest(RenameRequest.type, { textDocument: { uri: uri('example.com.zone') }, position: at('example.com.zone', 'mail_server IN A'), newName: 'web' }),
      /`web\.example\.com` already has records/,
    );
  });
});
