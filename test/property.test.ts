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
import { gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { readReports, summarize } from '../server/src/reports/aggregate';
import { reportStats } from '../server/src/reports/stats';
import { previewModel } from '../server/src/reports/preview';
import { ROOT } from './helpers';
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

  it('CloudFormation with random !Sub/!Join values never throws', () => {
    const cfn = built.map((b) => `Parameters:\n  x:\n    Default: a\nResources:\n  R:\n    Type: AWS::Route53::RecordSet\n    Properties:\n      Name: example.com.\n      Type: TXT\n      ResourceRecords:\n        - ${b}\n`);
    fc.assert(fc.property(cfn, (t) => check(t, 'stack.yaml')), { numRuns: RUNS });
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
  // octoDNS, DNSControl's JavaScript and the project config. Edits are pieces of their own syntax.
  const dir = path.join(ROOT, 'examples');
  const files = ['northwind.example.zone', 'db.northwind-labs.example', 'northwind.example.dkim.inc', 'terraform/main.tf', 'cloudformation/mail-records.yaml', 'octodns/northwind-shop.example.yaml', 'dnscontrol/dnsconfig.js', '.dmarc-lens.json'];
  const texts = files.map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')] as const);
  const piece = fc.constantFrom('"', "'", '`', '\\', '\n', ' ', ';', ',', ':', '=', '(', ')', '[', ']', '{', '}', '$', '${', '%{', '<<EOT\n', 'EOT\n', '- ', '!Sub ', '#', '//', '/*', '*/', 'v=spf1 ', 'include:', 'redirect=', '+all', 'v=DMARC1; ', 'p=', 'rua=mailto:', 'v=DKIM1; ', 'k=rsa; p=', 'MIIB', '@', '.', '_dmarc', 'IN TXT ', '\\u00e9', '\u00e9', '\ud800', '0', '65536');
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
        const sites = a.sites.filter((s) => s.site.uri === uri);
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
  const packed = fc.tuple(mutated, fc.constantFrom('xml', 'gz', 'zip', 'eml', 'cut')).map(([x, how]) => {
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
        assert.ok(r.reports.length > 0 || r.failures.length > 0, 'neither a report nor a reason');
        summarize(r.reports);
        reportStats(r.reports, { byIp: true });
        previewModel(r.reports, r.failures);
      }),
      { numRuns: RUNS },
    );
  });
});
