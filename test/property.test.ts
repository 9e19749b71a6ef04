/** Property tests: random and mutated input never throws, never hangs, and ranges stay inside the document. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseDkim } from '../server/src/records/dkim';
import { parseDmarc } from '../server/src/records/dmarc';
import { parseSpf } from '../server/src/records/spf';
import { analyzeZone, readZone } from '../server/src/service';
import { WorkspaceIndex } from '../server/src/workspace';
import { applyEdits } from 'jsonc-parser';
import { parseConfig, removeNotOurs, writeNotOurs } from '../server/src/config';
import { gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { readReports, summarize } from '../server/src/reports/aggregate';
import { reportStats } from '../server/src/reports/stats';
import { previewModel } from '../server/src/reports/preview';
import { ROOT } from './helpers';
import { HOLE } from '../server/src/records/holes';
import { nextSteps, type RolloutStyle } from '../server/src/rollout';
import type { ReportSummary } from '../server/src/reports/aggregate';
import { checkHost } from '../server/src/spf/evaluator';
import { lookupTree } from '../server/src/spf/tree';
import { fixAll } from '../server/src/checks/autofix';
import type { Finding } from '../server/src/types';
import { WorkspaceResolver } from '../server/src/dns/chain';
import { hoverAt, siteAt } from '../server/src/features/hover';
import { completeAt } from '../server/src/features/completion';
import { providerHover } from '../server/src/features/providerHover';
import { documentSymbols, foldingRanges, semanticTokens } from '../server/src/features/outline';

const RUNS = Number(process.env.DL_PROPERTY_RUNS ?? 300);
const zoneAlphabet = fc.constantFrom(...'ab.@$;()"\\ \t\n\r0123456789INTXSPFv=spf1-~+?all:/%{}_DMARC;p'.split(''));
const zoneText = fc.array(zoneAlphabet, { maxLength: 300 }).map((a) => a.join(''));
const anyText = fc.string({ unit: 'binary', maxLength: 300 });

function inside(text: string, ranges: { start: number; end: number }[]): void {
  for (const r of ranges) {
    assert.ok(r.start >= 0 && r.end >= r.start && r.end <= text.length, `range ${r.start}-${r.end} outside 0-${text.length}`);
  }
}

function checkZone(text: string): void {
  const a = analyzeZone(text, 'p.zone', { origin: 'example.com' });
  inside(text, a.findings.map((f) => f.range));
  inside(text, a.findings.flatMap((f) => f.fixes?.flatMap((x) => x.edits.map((e) => e.range)) ?? []));
}

describe('property: parsers and the zone reader are total', () => {
  it('SPF, DMARC and DKIM parsers never throw and keep ranges inside the value', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, zoneText, fc.constant('v=spf1 ').chain((p) => zoneText.map((s) => p + s))), (v) => {
        const spf = parseSpf(v);
        inside(v, [...spf.terms.map((t) => t.range), ...spf.problems.map((p) => p.range)]);
        const d = parseDmarc(v);
        inside(v, [...d.tags.map((t) => t.range), ...d.problems.map((p) => p.range)]);
        const k = parseDkim(v);
        inside(v, k.tags.map((t) => t.valueRange));
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it('random zone text never throws and every finding range lies inside the document', () => {
    fc.assert(fc.property(fc.oneof(zoneText, anyText), checkZone), { numRuns: RUNS });
  });

  it('mutations of the example zone never throw and keep ranges inside', () => {
    const base = fs.readFileSync(path.join(ROOT, 'examples', 'northwind.example.zone'), 'utf8');
    const mutation = fc.record({ at: fc.nat({ max: base.length }), del: fc.nat({ max: 8 }), ins: fc.array(zoneAlphabet, { maxLength: 6 }).map((a) => a.join('')) });
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 5 }), (ms) => {
        let text = base;
        for (const m of ms) text = text.slice(0, Math.min(m.at, text.length)) + m.ins + text.slice(Math.min(m.at, text.length) + m.del);
        checkZone(text);
      }),
      { numRuns: RUNS },
    );
  });

  it('records of every type, with random data, generic data and $GENERATE lines, never throw and keep ranges inside', () => {
    const types = fc.constantFrom('A', 'AAAA', 'MX', 'SOA', 'SRV', 'CAA', 'TLSA', 'DS', 'DNSKEY', 'KEY', 'RRSIG', 'NSEC', 'NSEC3', 'NSEC3PARAM', 'SSHFP', 'HINFO', 'URI', 'NAPTR', 'SVCB', 'HTTPS', 'LOC', 'CERT', 'IPSECKEY', 'APL', 'ZONEMD', 'CSYNC', 'DHCID', 'EUI48', 'EUI64', 'NSAP', 'DSYNC', 'WKS', 'X25', 'A6', 'NULL', 'MD', 'TYPE65', 'TYPE1000', 'HIP', 'AMTRELAY', 'DOA', 'SIG', 'NXT', 'RKEY', 'ATMA', 'SINK', 'EID', 'L32', 'L64', 'NID', 'LP', 'TALINK', 'NSAP-PTR', 'GPOS', 'WALLET', 'RESINFO', 'UID');
    const piece = fc.constantFrom('1', '0', '65535', '99999', '.', 'a.b.', '"', '\\', '\\#', '4', 'ab12', 'AwEA==', '=', ',', ':', '/', '-', '!', '(', ')', 'alpn=h2,h3', 'port=', 'mandatory=port', 'key65535=', 'dohpath=/q{?dns}', 'ech=', 'ipv4hint=192.0.2.1,', '{?dns', 'N', 'S', 'E', 'W', '52', '23.5', '-2.5m', '1:192.0.2.0/24', '!^(a)$!\\\\1!i', '"!a!b!"', 'PKIX', '0x47', '00-00-5e', 'ZONE', 'RSASHA256', '2001:db8::1', '+358.4', '2001:0db8:1140:1000', '200100107B1A74DF', ' ');
    const line = fc.oneof(
      fc.tuple(types, fc.array(piece, { maxLength: 8 })).map(([t, ps]) => `x IN ${t} ${ps.join(' ')}`),
      fc.tuple(fc.constantFrom('0-3', '1-2/0', '5-1', '1-4/2', 'x', '1-2$'), fc.array(piece, { maxLength: 4 }), types).map(([r, ps, t]) => `$GENERATE ${r} h$\${${ps.length}} ${t} ${ps.join('')}$`),
    );
    fc.assert(fc.property(fc.array(line, { minLength: 1, maxLength: 6 }), (lines) => checkZone(`$ORIGIN example.com.\n$TTL 300\n${lines.join('\n')}\n`)), { numRuns: RUNS * 2 });
  });

  it('pathological input finishes quickly: deep parentheses, huge strings, many escapes', () => {
    const cases = ['('.repeat(100_000), '"' + '\\'.repeat(200_001), `@ IN TXT "${'v=spf1 '.repeat(50_000)}"`, '@ IN TXT ' + '"a" '.repeat(50_000), ')'.repeat(10_000), '$GENERATE 0-2147483647 h$ A 192.0.2.1\n', '$GENERATE 1-2 h${0,999999999,d} A 192.0.2.${99999999999999999999999,120,n}\n', `x IN NAPTR 1 1 "" "" "!${'('.repeat(200)}a${')'.repeat(200)}!x!" .`];
    for (const text of cases) {
      const t0 = process.hrtime.bigint();
      checkZone(text);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      assert.ok(ms < 2000, `${text.slice(0, 20)}… took ${ms} ms`);
    }
  });

  // The readers added for other formats: the fallback for any text file, Terraform heredocs, CloudFormation joins and substitutions, .dmarc-lens.json sender profiles.
  const check = (text: string, file: string, format?: 'text') => {
    const a = analyzeZone(text, file, format ? { format } : {});
    inside(text, a.findings.map((f) => f.range));
    inside(text, a.findings.flatMap((f) => f.fixes?.flatMap((x) => x.edits.filter((e) => !e.uri || e.uri === file).map((e) => e.range)) ?? []));
  };
  const pieces = fc.constantFrom('"', "'", '`', '\\', 'v=spf1 ', 'v=DMARC1; ', 'v=DKIM1; p=', '+all', ' -all', '\n', '${x}', '<<EOT\n', '<<-EOT\n', 'EOT\n', 'trimspace(', ')', '[', ']', ',', '!Sub ', '!Join ', 'Fn::Join', '{', '}', ': ', '- ', 'ip4:192.0.2.0/24 ', 'pct=50; ', '\\u', '\\U0011FFFF', '\\x', ' ');
  const built = fc.array(pieces, { maxLength: 60 }).map((a) => a.join(''));

  it('the fallback reader never throws and keeps ranges inside any text', () => {
    fc.assert(fc.property(fc.oneof(built, anyText), (t) => check(t, 'x.py', 'text')), { numRuns: RUNS });
  });

  it('Terraform with random heredocs and wrappers never throws', () => {
    const tf = built.map((b) => `resource "aws_route53_record" "r" {\n  zone_id = "Z"\n  name = "example.com."\n  type = "TXT"\n  records = [${b}]\n}\n`);
    fc.assert(fc.property(fc.oneof(tf, built), (t) => check(t, 'main.tf')), { numRuns: RUNS });
  });

  /** Up to four random edits of a file (Terraform unless named), each inserting one of `piece`: checking it never throws, and `also` holds of it. */
  const mutateFile = (base: string, piece: fc.Arbitrary<string>, file = 'main.tf', also?: (text: string) => void) => {
    const edit = fc.record({ at: fc.nat(), del: fc.nat({ max: 5 }), ins: piece });
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => {
        let t = base;
        for (const e of edits) {
          const at = e.at % (t.length + 1);
          t = t.slice(0, at) + e.ins + t.slice(at + e.del);
        }
        check(t, file);
        also?.(t);
      }),
      { numRuns: RUNS },
    );
  };

  it('Terraform for_each maps, each.key/each.value and conditional names, mutated, never throw', () => {
    const base = 'locals {\n  m = { a = "v=spf1 -all", "b" : "v=DMARC1; p=none" }\n}\nresource "aws_route53_record" "fe" {\n  for_each = local.m\n  zone_id  = "Z"\n  name     = each.key == "a" ? "x.example." : "${each.key}.example."\n  type     = "TXT"\n  records  = [each.value]\n}\n';
    const piece = fc.constantFrom('for_each = ', '?', ':', '==', '!=', 'each.key', 'each.value', 'each.value.name', 'each.value.v', '{ name = "@", v = "v=spf1 +all" }', '{ for r in local.l : r.name => r }', 'for', ' in ', '=>', '["a"]', '{', '}', '[', ']', '"', '\n', 'toset(', ')', ',', '=', 'local.m', '${', 'x');
    mutateFile(base, piece);
  });

  it('Terraform count, count.index, list elements and computed names with a written end, mutated, never throw', () => {
    const base = 'locals {\n  names = ["a", "b"]\n}\nresource "aws_route53_record" "c" {\n  count    = length(local.names)\n  zone_id  = aws_route53_zone.z.zone_id\n  name     = "${element(local.names, count.index)}._domainkey"\n  type     = "CNAME"\n  records  = ["${local.names[count.index]}.dkim.example.net"]\n}\nresource "aws_route53_zone" "z" {\n  name = "example.com"\n}\n';
    const piece = fc.constantFrom('count = ', '256', '257', '0', 'length(', 'element(', 'count.index', 'local.names', '[', ']', '[9]', '"', '\n', ')', ',', '${', '}', '.', 'TXT', 'x');
    mutateFile(base, piece);
  });

  it('Terraform zones named by expressions (variables, zone resources, data sources), mutated, never throw, and their fixes stay in the file', () => {
    const base =
      'variable "domain" {}\nresource "aws_route53_zone" "z" {\n  name = var.domain\n}\ndata "aws_route53_zone" "d" {\n  zone_id = var.zone_id\n}\n' +
      'resource "aws_route53_record" "spf" {\n  zone_id = aws_route53_zone.z.zone_id\n  name    = var.domain\n  type    = "TXT"\n  ttl     = 300\n  records = ["v=spf1 include:_spf.${var.domain} -all"]\n}\n' +
      'resource "cloudflare_record" "c" {\n  zone_id = var.zone_id\n  name    = "@"\n  type    = "CNAME"\n  content = "x.example.net"\n  proxied = true\n}\n' +
      'resource "cloudflare_record" "t" {\n  zone_id = var.zone_id\n  name    = "mail.${data.aws_route53_zone.d.name}"\n  type    = "TXT"\n  content = "v=spf1 -all"\n}\n';
    const piece = fc.constantFrom('var.zone_id', 'var.domain', 'data.aws_route53_zone.d.name', 'aws_route53_zone.z.zone_id', '_dmarc.', '@', '"', '${', '}', '\n', 'proxied = true', 'CNAME', 'TXT', 'example.com', '.', 'count = 2', 'module "m" {\n  source = "./m"\n}\n', 'x');
    mutateFile(base, piece);
  });

  it('Terraform values and names written with functions, for-expressions and lists of objects, mutated, never throw', () => {
    const base =
      'locals {\n  inc = ["_spf.google.com", "sendgrid.net"]\n  records = [\n    { name = "", value = "v=spf1 +all" },\n    { name = "_dmarc", value = "v=DMARC1; p=none" },\n  ]\n}\n' +
      'resource "aws_route53_record" "c" {\n  count   = length(local.records)\n  zone_id = "Z"\n  name    = format("%s.example.com.", local.records[count.index].name)\n  type    = "TXT"\n  records = [local.records[count.index].value]\n}\n' +
      'resource "aws_route53_record" "j" {\n  zone_id = "Z"\n  name    = "mail.example.com."\n  type    = "TXT"\n  records = [join(" ", concat(["v=spf1"], [for i in local.inc : "include:${i}"], ["+all"]))]\n}\n';
    const piece = fc.constantFrom('join(', 'format(', 'concat(', 'toset(', 'lower(', 'replace(', 'split(', 'lookup(', 'length(', '[for i in local.inc : i]', 'for', ' in ', ':', '%s', '%d', '%%', '"', '${', '}', '[', ']', '{', '}', '(', ')', ',', '.', 'local.records', '[count.index]', '.value', '\n', 'x');
    mutateFile(base, piece);
  });

  it('Terraform record resources of other providers, dynamic blocks and module outputs, mutated, never throw', () => {
    const base = fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'terraform-providers.tf'), 'utf8') + fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'terraform-dynamic-blocks.tf'), 'utf8') + 'module "dns" {\n  source = "./zone"\n}\nresource "aws_route53_record" "o" {\n  zone_id = module.dns.zone_id\n  name    = "mail"\n  type    = "TXT"\n  records = ["v=spf1 -all"]\n}\n';
    const piece = fc.constantFrom('dynamic "record" {', 'content {', 'for_each = ["v=spf1 +all"]', 'for_each = { a = "x" }', 'iterator = r', 'value = record.value', 'r.key', 'answers {', 'record {', 'mx {', 'preference = 10', 'exchange = "mx.example."', 'records = [{ value = "\\"v=spf1 +all\\"" }]', 'module.dns.', 'module.', 'output "zone_id" { value = 1 }', '"\\"', '\\"', '"', '{', '}', '[', ']', '\n', 'TXT', 'MX', 'priority = 5', 'x');
    mutateFile(base, piece);
  });

  it('DNSControl values built from constants (+, templates, join, map, concat), mutated, never throw', () => {
    const base = 'var D0 = "example.com";\nvar L = ["_spf.google.com", "sendgrid.net"];\nvar DM = "v=DMARC1; p=none; rua=mailto:d@" + D0;\nD(D0, REG_NONE,\n  TXT("@", "v=spf1 " + L.map(function (i) { return "include:" + i; }).join(" ") + " +all"),\n  TXT("_dmarc", DM),\n  TXT("m", `v=spf1 include:${L[0]} -all`),\nEND);\n';
    const piece = fc.constantFrom('+', '"', '`', '${', '}', '(', ')', '[', ']', '.join(', '.map(', '.concat(', '.toLowerCase()', '.length', '...', 'L', 'D0', 'DM', 'function (x) { return x; }', '(x) => x', ',', '\n', '0', '99', 'x', ' ? ', ' : ', 'true', '===', '!');
    mutateFile(base, piece, 'dnsconfig.js');
  });

  it('Terraform values chosen by conditionals and built around unknown parts, mutated, never throw; a chosen value is no record of its own', () => {
    const base =
      'variable "email" {\n  default = ""\n}\nresource "aws_route53_record" "d" {\n  zone_id = "Z"\n  name    = "_dmarc.example.com"\n  type    = "TXT"\n  records = [var.email == "" ? "v=DMARC1; p=none" : var.strict ? "v=DMARC1; p=reject; rua=mailto:${var.email}" : format("v=DMARC1; p=%s; rua=mailto:%s", var.p, var.email)]\n}\n' +
      'resource "aws_route53_record" "s" {\n  zone_id = "Z"\n  name    = "example.com"\n  type    = "TXT"\n  records = [join(" ", concat(["v=spf1"], [for i in var.inc : "include:${i}"], ["+all"]))]\n}\n';
    const piece = fc.constantFrom('?', ':', '(', ')', '==', '!=', '&&', 'var.email', 'var.x', '"', '${', '}', '[', ']', ',', '"v=spf1 +all"', '""', 'format(', '%s', 'join(', 'concat(', 'lower(', '[for i in var.l : i]', '\n', 'x');
    mutateFile(base, piece, 'main.tf', (t) => {
      const z = analyzeZone(t, 'main.tf').zone;
      for (const s of z.sites) if (s.alternative) assert.ok(!z.records.some((r) => r.site === s), 'a value a conditional chooses is no record');
    });
  });

  it('CloudFormation Fn::If values and DNSControl D() helpers, mutated, never throw', () => {
    const cfn = "Parameters:\n  E:\n    Type: String\n    Default: ''\nConditions:\n  C: !Not [!Equals [!Ref E, '']]\nResources:\n  R:\n    Type: AWS::Route53::RecordSet\n    Properties:\n      Name: _dmarc.example.com.\n      Type: TXT\n      ResourceRecords:\n        - !If [C, !Sub '\"v=DMARC1; p=reject; rua=mailto:${E}\"', '\"v=DMARC1; p=none\"']\n";
    mutateFile(cfn, fc.constantFrom('!If', 'Fn::If', '[', ']', ',', '!Ref AWS::NoValue', '!Condition C', "'", '"', '${E}', '\n', '- ', ': ', 'x'), 'template.yaml');
    const js = 'function mail(name, policy) {\n  var d = "v=DMARC1; p=" + policy + "; rua=mailto:d@" + name;\n  D(name, REG, TXT("@", "v=spf1 -all"), TXT("_dmarc", d));\n}\nmail("example.com", "none");\n["a.example"].forEach(function (x) { mail(x, "reject"); });\n';
    mutateFile(js, fc.constantFrom('mail(', 'D(', '(', ')', '{', '}', '"', ',', 'name', 'policy', 'mail("b.example", "x");', 'function', 'return ', 'var d = 1;', '\n', 'x'), 'dnsconfig.js');
  });

  it('CloudFormation with random !Sub/!Join values never throws', () => {
    const cfn = built.map((b) => `Parameters:\n  x:\n    Default: a\nResources:\n  R:\n    Type: AWS::Route53::RecordSet\n    Properties:\n      Name: example.com.\n      Type: TXT\n      ResourceRecords:\n        - ${b}\n`);
    fc.assert(fc.property(cfn, (t) => check(t, 'stack.yaml')), { numRuns: RUNS });
    // Names and values built from a parameter without a default (a stand-in domain).
    const name = fc.array(fc.constantFrom('_dmarc.', '${D}', '${x}', '.', 'mail', '!Ref D', "'", '"', '!Sub ', ' '), { maxLength: 8 }).map((a) => a.join(''));
    const param = fc.tuple(name, built).map(([n, b]) => `Parameters:\n  D:\n    Type: String\n  x:\n    Type: String\n    Default: a\nResources:\n  R:\n    Type: AWS::Route53::RecordSet\n    Properties:\n      Name: ${n}\n      Type: TXT\n      ResourceRecords:\n        - !Sub '"v=DMARC1; p=none; rua=mailto:d@\${D}"'\n        - ${b}\n`);
    fc.assert(fc.property(param, (t) => check(t, 'stack.yaml')), { numRuns: RUNS });
  });

  it('.dmarc-lens.json with random sender profiles never throws', () => {
    const value = fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('hubspot', 'custom', 'example.com', 'news.example.com', '192.0.2.0/33', '2001:db8::/48'), fc.integer(), fc.constant(null));
    const sender = fc.dictionary(fc.constantFrom('provider', 'from', 'returnPath', 'dkimSelectors', 'dkimDomain', 'ips', 'name', 'x'), fc.oneof(value, fc.array(value, { maxLength: 3 })));
    const cfg = fc.record({ domains: fc.dictionary(fc.constantFrom('example.com', 'bad domain', 'news.example.com'), fc.record({ senders: fc.array(sender, { maxLength: 3 }) })) }).map((o) => JSON.stringify(o));
    const ws = new WorkspaceIndex();
    const p = readZone('$ORIGIN example.com.\n@ IN TXT "v=spf1 include:sendgrid.net -all"\n_dmarc IN TXT "v=DMARC1; p=none"\n', 'example.com.zone');
    ws.set('example.com.zone', p.zone.records, p.sites);
    fc.assert(
      fc.property(cfg, (t) => {
        const a = analyzeZone(t, '/w/.dmarc-lens.json', { workspace: ws });
        inside(t, a.findings.map((f) => f.range));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('property: every bundled example, mutated, and the editor features on it', () => {
  // All the formats the examples hold: zone files and an $INCLUDEd key file, Terraform, CloudFormation,
  // octoDNS, DNSControl's JavaScript, Ansible, the project config and (a test fixture) an ExternalDNS
  // manifest of a Helm chart. Edits are pieces of their own syntax.
  const dir = path.join(ROOT, 'examples');
  const files = ['northwind.example.zone', 'db.northwind-labs.example', 'northwind.example.dkim.inc', 'terraform/main.tf', 'cloudformation/mail-records.yaml', 'octodns/northwind-shop.example.yaml', 'dnscontrol/dnsconfig.js', 'ansible/support-dns.yml', '.dmarc-lens.json', '../test/fixtures/externaldns/mail-endpoints.yaml'];
  const texts = files.map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')] as const);
  const piece = fc.constantFrom('"', "'", '`', '\\', '\n', ' ', ';', ',', ':', '=', '(', ')', '[', ']', '{', '}', '$', '${', '%{', '<<EOT\n', 'EOT\n', '- ', '!Sub ', '#', '//', '/*', '*/', 'v=spf1 ', 'include:', 'redirect=', '+all', 'v=DMARC1; ', 'p=', 'rua=mailto:', 'v=DKIM1; ', 'k=rsa; p=', 'MIIB', 'v=BIMI1; ', 'l=https://', 'a=', '.svg', '_bimi', 'v=TLSRPTv1; ', 'v=STSv1; id=', '_mta-sts', '_smtp._tls', '@', '.', '_dmarc', 'IN TXT ', 'IN MX 0 .', 'IN MX 10 mx1', 'IN CNAME mx1', '\\u00e9', '\u00e9', '\ud800', '0', '65536');
  const mutation = fc.record({ at: fc.nat(), del: fc.nat({ max: 12 }), ins: fc.array(piece, { maxLength: 3 }).map((a) => a.join('')) });
  it('never throw, keep every finding, fix edit and feature range inside the document', () => {
    fc.assert(
      fc.property(fc.nat({ max: texts.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), (k, ms, offsets) => {
        const [file, base] = texts[k];
        let text = base;
        for (const m of ms) {
          const at = m.at % (text.length + 1);
          text = text.slice(0, at) + m.ins + text.slice(at + m.del);
        }
        const uri = path.join(dir, file);
        const a = analyzeZone(text, uri, { readFile: (f) => (f === uri ? text : fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : undefined) });
        const mine = (r: { uri?: string }) => !r.uri || r.uri === uri;
        inside(text, a.findings.filter(mine).map((f) => f.range));
        inside(text, a.findings.flatMap((f) => f.fixes?.flatMap((x) => x.edits.filter(mine).map((e) => e.range)) ?? []));
        // The edits of one fix never overlap (an editor refuses such a workspace edit), and the text a fix
        // makes is read again without throwing.
        for (const f of a.findings.slice(0, 8))
          for (const fix of f.fixes ?? []) {
            const given = fix.edits.filter(mine);
            // LSP: several edits may start at one place, the insertions before the one that removes.
            for (let i = 0; i < given.length; i++)
              for (let j = i + 1; j < given.length; j++)
                if (given[i].range.start === given[j].range.start && given[i].range.end > given[i].range.start && given[j].range.end === given[j].range.start) assert.fail(`${f.rule}: "${fix.title}" inserts after a removal at ${given[i].range.start}`);
            const edits = [...given].sort((x, y) => x.range.start - y.range.start || x.range.end - y.range.end);
            for (let i = 1; i < edits.length; i++) assert.ok(edits[i].range.start >= edits[i - 1].range.end, `${f.rule}: "${fix.title}" has overlapping edits`);
            let fixed = text;
            for (const e of [...edits].reverse()) fixed = fixed.slice(0, e.range.start) + e.newText + fixed.slice(e.range.end);
            analyzeZone(fixed, uri, { readFile: (x) => (x === uri ? fixed : undefined) });
          }
        const sites = a.sites.filter((s) => s.site.uri === uri);
        // A value with a part not known statically is always marked so (records/holes): no check reads the stand-in.
        for (const s of a.sites) if (s.site.value.includes(HOLE)) assert.ok(s.site.holes, `unmarked hole in ${JSON.stringify(s.site.value)}`);
        for (const o of offsets) {
          const offset = o % (text.length + 1);
          const s = siteAt(sites, uri, offset);
          if (s) {
            const h = hoverAt(s, offset);
            if (h) inside(text, [h.range]);
            inside(text, completeAt(s, offset).flatMap((c) => (c.range ? [c.range] : [])));
          }
          const p = providerHover(text, offset);
          if (p) inside(text, [p.range]);
        }
        const own = a.zone.records.filter((r) => r.uri === uri);
        const symbols = documentSymbols(own, sites, uri, a.zone.origin);
        inside(text, symbols.flatMap((x) => [x.range, x.selectionRange, ...x.records.map((r) => r.range)]));
        inside(text, semanticTokens(sites, uri));
        foldingRanges(own, uri, (x) => text.slice(0, x).split('\n').length - 1);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('property: the SPF evaluator is total', () => {
  // A small workspace of random records that include and redirect to each other, with macros, CIDRs
  // and broken terms: check_host() always gives one of the seven results, and quickly.
  const names = ['a.test', 'b.test', 'c.test', 'd.test'];
  const term = fc.oneof(
    fc.constantFrom('a', 'mx', 'ptr', '-all', '~all', '?all', '+all', 'ip4:192.0.2.0/24', 'ip6:2001:db8::/33', 'a:%{d}', 'exists:%{i}.%{l1r-}.%{d2}', 'exists:%{ir}.%{v}._spf.%{d}', 'a/24//64', 'mx:c.test/0', 'ip4:300.1.1.1', 'include:%{', 'redirect=%{x}', 'exp=%{d}', 'x-mod=1', 'foo', ':'),
    fc.constantFrom(...names).chain((n) => fc.constantFrom(`include:${n}`, `redirect=${n}`, `a:${n}`, `mx:${n}`, `exists:${n}`)),
  );
  const record = fc.array(term, { maxLength: 6 }).map((ts) => `v=spf1 ${ts.join(' ')}`);
  const zone = fc.tuple(...names.map(() => fc.array(fc.oneof(record, fc.constant('v=spf1 -all'), fc.constant('not spf')), { maxLength: 2 }))).map((rs) =>
    `$ORIGIN test.\n$TTL 300\n${rs.map((list, i) => [...list.map((r) => `${names[i].split('.')[0]} IN TXT "${r}"`), `${names[i].split('.')[0]} IN A 192.0.2.${i + 1}`, `${names[i].split('.')[0]} IN MX 10 ${names[(i + 1) % names.length]}.`].join('\n')).join('\n')}\n`,
  );
  it('check_host() on random linked records never throws and gives one of the RFC 7208 results', async () => {
    await fc.assert(
      fc.asyncProperty(zone, fc.constantFrom(...names), fc.constantFrom('192.0.2.1', '198.51.100.9', '2001:db8::1', '::ffff:192.0.2.2', 'x'), async (text, domain, ip) => {
        const ws = new WorkspaceIndex();
        const p = readZone(text, 'test.zone');
        ws.set('test.zone', p.zone.records, p.sites);
        const t0 = Date.now();
        const r = await checkHost({ ip, sender: `user@${domain}`, helo: domain, resolver: new WorkspaceResolver(ws) });
        assert.ok(['pass', 'fail', 'softfail', 'neutral', 'none', 'permerror', 'temperror'].includes(r.result), r.result);
        assert.ok(r.lookups <= 11, `${r.lookups} lookups`);
        assert.ok(Date.now() - t0 < 1000);
        const tree = await lookupTree(domain, new WorkspaceResolver(ws));
        assert.ok(tree.lookups >= 0);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('property: the DMARC rollout ladder', () => {
  const applyEdits = (v: string, edits: { range: { start: number; end: number }; newText: string }[]) => {
    // LSP: edits never overlap; several may start at one place, insertions first.
    const sorted = [...edits].sort((a, b) => a.range.start - b.range.start || a.range.end - b.range.end);
    for (let i = 1; i < sorted.length; i++) assert.ok(sorted[i].range.start >= sorted[i - 1].range.end, 'overlapping edits');
    inside(v, sorted.map((e) => e.range));
    for (const e of sorted.reverse()) v = v.slice(0, e.range.start) + e.newText + v.slice(e.range.end);
    return v;
  };
  const styles = fc.constantFrom<RolloutStyle>('rfc9989', 'compatible', 'legacy');
  it('any record, however broken: the steps never throw and their edits stay inside and apart', () => {
    const piece = fc.constantFrom('v=DMARC1', 'p=none', 'p=quarantine', 'p=reject', 'p=', 'sp=none', 'np=reject', 't=y', 't=n', 'pct=50', 'pct=', 'pct=x', 'rua=mailto:a@b.c', ';', '; ', ',', ' ', '=', 'P=NONE', 't=Y');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 10 }).map((a) => a.join('')), styles, fc.boolean(), (v, style, evidence) => {
        for (const step of nextSteps(parseDmarc(v), evidence ? { reports: 1, messages: 10, dmarcPass: 10, passRate: 1, failingSources: [] } as unknown as ReportSummary : undefined, style)) parseDmarc(applyEdits(v, step.edits));
      }),
      { numRuns: RUNS * 3 },
    );
  });
  it('from any well-formed record, following the first step reaches p=reject, enforced, in a few steps', () => {
    const record = fc.tuple(fc.constantFrom('none', 'quarantine', 'reject'), fc.constantFrom('', '; t=y', '; t=n'), fc.constantFrom('', '; pct=0', '; pct=10', '; pct=100'), fc.constantFrom('', '; sp=none', '; np=quarantine'), fc.constantFrom('', '; rua=mailto:d@example.com')).map(([p, t, pct, sp, rua]) => `v=DMARC1; p=${p}${t}${pct}${sp}${rua}`);
    fc.assert(
      fc.property(record, styles, (start, style) => {
        let v = start;
        let n = 0;
        for (let steps = nextSteps(parseDmarc(v), undefined, style); steps.length; steps = nextSteps(parseDmarc(v), undefined, style)) {
          const before = parseDmarc(v).byName.get('p')?.value;
          v = applyEdits(v, steps[0].edits);
          const d = parseDmarc(v);
          assert.deepEqual(d.problems, [], `${v}: ${JSON.stringify(d.problems)}`);
          // A step names the policy it moves to; the record then says it.
          const named = /p=(quarantine|reject)/.exec(steps[0].title)?.[1];
          if (named && steps[0].title.includes('move to')) assert.equal(d.byName.get('p')?.value, named, `${steps[0].title} → ${v}`);
          assert.ok(++n <= (style === 'legacy' ? 12 : 6), `${start} (${style}) takes more than ${n} steps: ${v}`);
          assert.ok(before !== undefined);
        }
        const end = parseDmarc(v);
        assert.equal(end.byName.get('p')?.value, 'reject', `${start} (${style}) ends at ${v}`);
        assert.notEqual(end.byName.get('t')?.value, 'y', `${start} (${style}) ends in test mode: ${v}`);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('property: aggregate report reading is total', () => {
  // A report with both schemas' parts: RFC 9990 namespace, np/testing, several auth results.
  const report = `<?xml version="1.0"?>\n<feedback xmlns="urn:ietf:params:xml:ns:dmarc-2.0"><version>1.0</version><report_metadata><org_name>Example</org_name><email>r@example.net</email><report_id>1</report_id><date_range><begin>1700000000</begin><end>1700086399</end></date_range></report_metadata><policy_published><domain>example.com</domain><adkim>r</adkim><aspf>s</aspf><p>quarantine</p><sp>none</sp><np>reject</np><testing>n</testing></policy_published><record><row><source_ip>192.0.2.1</source_ip><count>5</count><policy_evaluated><disposition>none</disposition><dkim>pass</dkim><spf>fail</spf><reason><type>forwarded</type></reason></policy_evaluated></row><identifiers><header_from>example.com</header_from><envelope_from>bounce.example.com</envelope_from></identifiers><auth_results><dkim><domain>example.com</domain><selector>s1</selector><result>pass</result></dkim><spf><domain>mail.example.net</domain><scope>mfrom</scope><result>softfail</result></spf></auth_results></record><record><row><source_ip>2001:db8::1</source_ip><count>3</count><policy_evaluated><disposition>quarantine</disposition><dkim>fail</dkim><spf>fail</spf></policy_evaluated></row><identifiers><header_from>news.example.com</header_from></identifiers><auth_results><spf><domain>example.org</domain><result>fail</result></spf></auth_results></record></feedback>\n`;
  const pieces = fc.constantFrom('<', '>', '/', '</record>', '<record>', '<count>', '-1', '99999999999999999999', '&amp;', '&#0;', '&#x110000;', '<!DOCTYPE x>', '<![CDATA[', ']]>', '"', "'", '\u0000', '\uFFFF', '\ud800', 'xmlns="x"', '<source_ip>', '999.1.1.1', ' ');
  const mutated = fc.array(fc.record({ at: fc.nat(report.length), del: fc.nat(12), ins: fc.array(pieces, { maxLength: 3 }).map((a) => a.join('')) }), { minLength: 1, maxLength: 4 }).map((ms) => {
    let text = report;
    for (const m of ms) text = text.slice(0, Math.min(m.at, text.length)) + m.ins + text.slice(Math.min(m.at, text.length) + m.del);
    return text;
  });
  // Every packaging the reader unpacks, around the mutated XML.
  // A failure report (ARF) whose feedback fields and original headers are cut from the mutated text.
  const ruf = (x: string) =>
    Buffer.from(`From x\nFrom: r@example.net\nContent-Type: multipart/report; report-type=feedback-report; boundary="b"\n\n--b\nContent-Type: message/feedback-report\n\nFeedback-Type: auth-failure\nArrival-Date: ${x.slice(0, 40)}\nSource-IP: ${x.slice(40, 60)}\nReported-Domain: ${x.slice(60, 90)}\n${x.slice(90, 300)}\n--b\nContent-Type: text/rfc822-headers\n\nSubject: =?utf-8?B?${x.slice(300, 340)}?=\nFrom: ${x.slice(340, 400)}\n--b--\n`);
  const packed = fc.tuple(mutated, fc.constantFrom('xml', 'gz', 'zip', 'eml', 'ruf', 'cut')).map(([x, how]) => {
    if (how === 'ruf') return ruf(x);
    const b = Buffer.from(x);
    if (how === 'gz') return gzipSync(b);
    if (how === 'zip') return Buffer.from(zipSync({ 'r.xml': b, 'nested.xml.gz': gzipSync(b) }));
    if (how === 'eml') return Buffer.from(`From: r@example.net\r\nSubject: Report\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: application/gzip\r\nContent-Transfer-Encoding: base64\r\n\r\n${gzipSync(b).toString('base64').replace(/.{76}/g, '$&\r\n')}\r\n--b--\r\n`);
    const z = gzipSync(b);
    return z.subarray(0, z.length >> 1);
  });

  it('mutated and packed reports never throw; what is read summarises, counts and previews', () => {
    fc.assert(
      fc.property(fc.oneof(packed, fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a))), (bytes) => {
        const r = readReports(bytes, 'r.bin');
        assert.ok(r.reports.length > 0 || r.failures.length > 0 || r.failureReports.length > 0, 'neither a report nor a reason');
        summarize(r.reports);
        reportStats(r.reports, { byIp: true });
        previewModel(r.reports, r.failures, r.failureReports);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('property: fix all composes its passes into edits of the original', () => {
  // Each pass "finds" random edits of the current text (as findings of an autofix rule); the edits
  // returned, applied to the original, must give the text the passes made, apart and in order.
  const edit = fc.record({ at: fc.nat(), del: fc.nat(6), ins: fc.string({ maxLength: 5 }) });
  it('applied to the original, the edits give the last pass\'s text; they are sorted and apart', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), fc.array(fc.array(edit, { maxLength: 4 }), { maxLength: 4 }), (original, passes) => {
        let pass = 0;
        const findings = (text: string): Finding[] => {
          const mine = passes[pass++] ?? [];
          return mine.map((e, i) => {
            const start = e.at % (text.length + 1);
            const end = Math.min(text.length, start + e.del);
            return { rule: 'dmarc/comma-separator', severity: 'error', message: `${i}`, uri: 'f', range: { start, end }, fixes: [{ title: 't', edits: [{ range: { start, end }, newText: e.ins }] }] };
          });
        };
        const r = fixAll(original, 'f', findings, passes.length);
        let out = original;
        for (const e of [...r.edits].reverse()) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
        assert.equal(out, r.text);
        for (let i = 1; i < r.edits.length; i++) assert.ok(r.edits[i - 1].end <= r.edits[i].start, JSON.stringify(r.edits));
        for (const e of r.edits) assert.ok(0 <= e.start && e.start <= e.end && e.end <= original.length && original.slice(e.start, e.end) !== e.newText);
      }),
      { numRuns: RUNS * 5 },
    );
  });
});

describe('property: "Not ours" edits of .dmarc-lens.json', () => {
  // A config written by hand: a reports section in any layout (one line or one entry a line, comments,
  // trailing commas, CRLF), with or without a notOurs list, beside other settings.
  const ws = fc.constantFrom(' ', '', '  ', '\t');
  const nl = fc.constantFrom('\n', '\r\n');
  const comment = fc.constantFrom('', ' // checked', ' /* spam */');
  const ipv4 = fc.tuple(fc.integer({ min: 1, max: 223 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 })).map((p) => p.join('.'));
  const config = fc
    .record({
      list: fc.option(fc.array(ipv4, { maxLength: 4 }), { nil: undefined }),
      multiline: fc.boolean(),
      trailing: fc.boolean(),
      paths: fc.boolean(),
      before: fc.boolean(),
      eol: nl,
      pad: ws,
      note: comment,
    })
    .map(({ list, multiline, trailing, paths, before, eol, pad, note }) => {
      const indent = (n: number) => ' '.repeat(n);
      const items = list ?? [];
      const listText = multiline && items.length ? `[${eol}${items.map((ip, i) => `${indent(6)}"${ip}"${i < items.length - 1 || trailing ? ',' : ''}${i === items.length - 1 ? note : ''}`).join(eol)}${eol}${indent(4)}]` : `[${pad}${items.map((ip) => `"${ip}"`).join(`,${pad}`)}${pad}]`;
      const members = [...(paths ? [`"paths": ["r/**"]`] : []), ...(list ? [`"notOurs": ${listText}`] : [])];
      const reports = multiline ? `{${eol}${members.map((m) => `${indent(4)}${m}`).join(`,${eol}`)}${eol}${indent(2)}}` : `{${pad}${members.join(`,${pad}`)}${pad}}`;
      const rest = `"rules": { "spf/ptr": "off" }`;
      return { text: `{${eol}  ${before ? `${rest},${eol}  ` : ''}"reports": ${reports}${before ? '' : `,${eol}  ${rest}`}${eol}}${eol}`, list: items };
    });

  it('only inserts, keeps every other byte, and the file reads back with the address added', () => {
    fc.assert(
      fc.property(config, ipv4, ({ text, list }, ip) => {
        const r = writeNotOurs(text, ip);
        if ('covered' in r) return assert.ok(list.includes(ip), `${ip} said covered by ${r.covered}`);
        assert.ok('edits' in r, JSON.stringify(r));
        // Insertions only: taking them out gives the text back.
        assert.ok(r.edits.every((e) => e.length === 0));
        let back = r.text;
        for (const e of [...r.edits].sort((a, b) => b.offset - a.offset)) {
          const at = e.offset + r.edits.filter((x) => x.offset < e.offset).reduce((n, x) => n + x.content.length, 0);
          back = back.slice(0, at) + back.slice(at + e.content.length);
        }
        assert.equal(back, text);
        const { config: read, problems } = parseConfig(r.text, '.dmarc-lens.json');
        assert.deepEqual(problems, []);
        assert.deepEqual(read.reports?.notOurs, [...list, ip]);
        assert.deepEqual(read.rules, { 'spf/ptr': 'off' });
        // The file's line ends are kept.
        if (!text.includes('\r\n')) assert.ok(!r.text.includes('\r'));
      }),
      { numRuns: 400 },
    );
  });

  it('removing an entry leaves a file that reads back with that entry alone gone, the rest as it was', () => {
    fc.assert(
      fc.property(
        config.filter(({ list }) => list.length > 0),
        fc.nat(),
        ({ text, list }, k) => {
          const i = k % list.length;
          const edits = removeNotOurs(text, i);
          assert.ok(edits, text);
          const out = applyEdits(text, edits);
          const { config: read, problems } = parseConfig(out, '.dmarc-lens.json');
          assert.deepEqual(problems, [], out);
          assert.deepEqual(read.reports?.notOurs, list.filter((_, j) => j !== i), out);
          assert.deepEqual(read.rules, { 'spf/ptr': 'off' });
          // Only removals, and none before the list.
          assert.ok(edits.every((e) => e.content === '' && e.offset > text.indexOf('"notOurs"')));
          if (!text.includes('\r\n')) assert.ok(!out.includes('\r'));
        },
      ),
      { numRuns: 400 },
    );
  });
});
