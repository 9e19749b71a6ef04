/**
 * Domains with a null MX (RFC 7505): SPF that still lets hosts send, a null MX beside other MX
 * records, and a parked domain that does not say it sends none (SPF `-all`, DMARC `p=reject`), with
 * their fixes, across files of the workspace, and in the IaC formats that write MX records.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyFix, covered, lint } from '../helpers';
import { readZone } from '../../server/src/service';
import { WorkspaceIndex } from '../../server/src/workspace';
import type { Finding } from '../../server/src/types';

const of = (rule: string, findings: Finding[]) => findings.filter((f) => f.rule === rule);
const SENDER = 'spf/null-mx-sender';
const PARKED = 'dmarc/parked-domain';
const OTHER_MX = 'zone/null-mx-with-other-mx';

function workspace(file: string, text: string): WorkspaceIndex {
  const ws = new WorkspaceIndex();
  const p = readZone(text, file);
  ws.set(file, p.zone.records, p.sites);
  return ws;
}

describe('null MX', () => {
  it('an SPF record that lets hosts send at a null-MX name is a warning on its first such term, fixed to -all', () => {
    const { text, findings } = lint('@ IN MX 0 .\n@ IN TXT "v=spf1 ip4:192.0.2.0/24 include:_spf.google.com ~all"\n_dmarc IN TXT "v=DMARC1; p=reject; rua=mailto:d@example.net"');
    const [f] = of(SENDER, findings);
    assert.equal(covered(text, f), 'ip4:192.0.2.0/24');
    assert.match(f.message, /receivers may refuse mail whose MAIL FROM or From is on it \(RFC 7505 §4\.2\).*`ip4:192\.0\.2\.0\/24`, `include:_spf\.google\.com`/);
    assert.equal(f.related?.[0].message, 'the null MX');
    const fixed = applyFix(text, f.fixes![0]);
    assert.match(fixed, /@ IN TXT "v=spf1 -all"/);
    assert.deepEqual(lint(fixed, {}, undefined, 'test.zone').findings.filter((x) => x.rule === SENDER || x.rule === PARKED), []);
  });

  it('counts +all, a redirect without all, and not -all, ~all or ?all alone', () => {
    const sender = (spf: string) => of(SENDER, lint(`@ IN MX 0 .\n@ IN TXT "${spf}"\n_dmarc IN TXT "v=DMARC1; p=reject"`).findings).length;
    assert.equal(sender('v=spf1 +all'), 1);
    assert.equal(sender('v=spf1 redirect=_spf.example.net'), 1);
    assert.equal(sender('v=spf1 -ip4:192.0.2.1 -all'), 0);
    assert.equal(sender('v=spf1 -all'), 0);
    assert.equal(sender('v=spf1 ~all'), 0);
    assert.equal(sender('v=spf1 ?all'), 0);
    // A name that takes mail is not concerned, nor one without a null MX.
    assert.equal(of(SENDER, lint('@ IN MX 10 mail\n@ IN TXT "v=spf1 mx -all"').findings).length, 0);
  });

  it('reads the null MX from another file of the workspace', () => {
    const ws = workspace('mx.zone', '$ORIGIN example.com.\n@ IN MX 0 .\n');
    assert.equal(of(SENDER, lint('@ IN TXT "v=spf1 include:_spf.google.com -all"', { workspace: ws }).findings).length, 1);
    const real = workspace('mx.zone', '$ORIGIN example.com.\n@ IN MX 10 mail.example.com.\n');
    assert.equal(of(SENDER, lint('@ IN MX 0 .\n@ IN TXT "v=spf1 include:_spf.google.com -all"', { workspace: real }).findings).length, 0);
  });

  it('a null MX beside other MX records is a warning on the null MX, naming them', () => {
    const { text, findings } = lint('@ IN MX 0 .\n@ IN MX 10 mail.example.com.\n@ IN MX 20 backup.example.com.\nother IN MX 0 .');
    const found = of(OTHER_MX, findings);
    assert.equal(found.length, 1);
    assert.equal(covered(text, found[0]), '@ IN MX 0 .');
    assert.equal(found[0].severity, 'warning');
    assert.deepEqual(found[0].related?.map((r) => r.message), ['MX 10 mail.example.com.', 'MX 20 backup.example.com.']);
    // Then the name takes mail after all: not a parked domain, and its SPF is not judged as one.
    assert.deepEqual(of(PARKED, findings).map((f) => covered(text, f)), ['other IN MX 0 .']);
    assert.deepEqual(of(SENDER, lint('@ IN MX 0 .\n@ IN MX 10 mail\n@ IN TXT "v=spf1 mx -all"').findings), []);
  });

  it('a parked domain without SPF gets v=spf1 -all after its null MX, in the zone file', () => {
    const { text, findings } = lint('@ IN MX 0 . ; parked since 2024\n_dmarc IN TXT "v=DMARC1; p=reject; rua=mailto:d@example.net"');
    const [f] = of(PARKED, findings);
    assert.match(f.message, /takes no mail \(null MX\) but publishes no SPF record/);
    assert.equal(f.fixes?.length, 1);
    const fixed = applyFix(text, f.fixes![0]);
    assert.equal(fixed, text.replace('parked since 2024\n', 'parked since 2024\nexample.com.\tIN TXT\t"v=spf1 -all"\n'));
    assert.deepEqual(of(PARKED, lint(fixed, {}, undefined, 'test.zone').findings), []);
  });

  it('a parked domain whose SPF ends in ~all or ?all gets -all, on the all term', () => {
    for (const q of ['~', '?']) {
      const { text, findings } = lint(`@ IN MX 0 .\n@ IN TXT "v=spf1 ${q}all"\n_dmarc IN TXT "v=DMARC1; p=reject"`);
      const [f] = of(PARKED, findings);
      assert.equal(covered(text, f), `${q}all`);
      assert.match(f.message, q === '~' ? /a softfail instead of a fail/ : /a neutral result instead of a fail/);
      assert.deepEqual(of(PARKED, lint(applyFix(text, f.fixes![0]), {}, undefined, 'test.zone').findings), []);
    }
  });

  it('its own DMARC record short of p=reject is a warning on p, fixed to reject (t=y removed too), and policy-none says nothing there', () => {
    const { text, findings } = lint('@ IN MX 0 .\n@ IN TXT "v=spf1 -all"\n_dmarc IN TXT "v=DMARC1; p=quarantine; t=y; rua=mailto:d@example.net"');
    const [f] = of(PARKED, findings);
    assert.equal(covered(text, f), 'p=quarantine');
    assert.match(f.message, /its DMARC policy is `p=quarantine` with `t=y`/);
    const fixed = applyFix(text, f.fixes![0]);
    assert.match(fixed, /"v=DMARC1; p=reject; rua=mailto:d@example\.net"/);
    assert.deepEqual(of(PARKED, lint(fixed, {}, undefined, 'test.zone').findings), []);
    const none = lint('@ IN MX 0 .\n@ IN TXT "v=spf1 -all"\n_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:d@example.net"').findings;
    assert.equal(of(PARKED, none).length, 1);
    assert.deepEqual(of('dmarc/policy-none', none), []);
  });

  it('a parked subdomain gets the sp of its Organizational Domain by the tree walk, on its null MX', () => {
    const base = '@ IN MX 10 mail\n@ IN TXT "v=spf1 mx -all"\nold IN MX 0 .\nold IN TXT "v=spf1 -all"\n';
    const weak = lint(base + '_dmarc IN TXT "v=DMARC1; p=reject; sp=none; rua=mailto:d@example.net"');
    const [f] = of(PARKED, weak.findings);
    assert.equal(covered(weak.text, f), 'old IN MX 0 .');
    assert.match(f.message, /`sp=none` of _dmarc\.example\.com, its Organizational Domain's record.*Publish `_dmarc\.old\.example\.com` with `p=reject`/);
    assert.equal(f.related?.[0].message, 'the DMARC record that applies');
    assert.deepEqual(of(PARKED, lint(base + '_dmarc IN TXT "v=DMARC1; p=reject; rua=mailto:d@example.net"').findings), []);
    assert.deepEqual(of(PARKED, lint(base + '_dmarc IN TXT "v=DMARC1; p=none; sp=none"\n_dmarc.old IN TXT "v=DMARC1; p=reject"').findings), []);
  });

  it('no DMARC record at all is dmarc/missing-record, which says the name takes no mail and offers p=reject first', () => {
    const { findings } = lint('@ IN MX 0 .\n@ IN TXT "v=spf1 -all"');
    assert.deepEqual(of(PARKED, findings), []);
    const [f] = of('dmarc/missing-record', findings);
    assert.match(f.message, /publishes SPF but has no DMARC record.* It takes no mail \(null MX\), and its SPF `-all` with no DKIM key says it sends none: it loses nothing with `p=reject`, published at once\.$/);
    assert.match(f.fixes![0].title, /^DMARC: publish _dmarc\.example\.com with p=reject \(the domain sends no mail\)/);
    const mxOnly = lint('@ IN MX 0 .');
    const [m] = of('dmarc/missing-record', mxOnly.findings);
    assert.match(m.message, /takes no mail \(null MX\) but has no DMARC record.*can publish `p=reject` at once/);
    assert.deepEqual(m.fixes?.map((x) => x.title.split(',')[0]), ['DMARC: publish _dmarc.example.com with p=reject (the domain sends no mail)', 'DMARC: publish _dmarc.example.com with p=none (monitoring)']);
    assert.match(applyFix(mxOnly.text, m.fixes![0]), /_dmarc\.example\.com\.\tIN TXT\t"v=DMARC1; p=reject; rua=mailto:dmarc-reports@example\.com"/);
  });

  it('without a null MX, SPF `-all` alone and no DKIM key is a domain that sends no mail too: p=reject first', () => {
    const policyFirst = (lines: string) => {
      const [f] = of('dmarc/missing-record', lint(lines).findings);
      return [/sends no mail: it loses nothing with `p=reject`/.test(f.message), /with p=(\w+)/.exec(f.fixes![0].title)?.[1]];
    };
    assert.deepEqual(policyFirst('@ IN TXT "v=spf1 -all"'), [true, 'reject']);
    // A DKIM selector says it signs mail (sent through a platform, say): the monitoring stage first.
    assert.deepEqual(policyFirst('@ IN TXT "v=spf1 -all"\ns1._domainkey IN CNAME s1.dkim.platform.example.'), [false, 'none']);
    // So does one in another file of the workspace.
    const ws = workspace('keys.zone', '$ORIGIN example.com.\ns1._domainkey IN TXT "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="\n');
    assert.match(of('dmarc/missing-record', lint('@ IN TXT "v=spf1 -all"', { workspace: ws }).findings)[0].fixes![0].title, /with p=none/);
    // Any host allowed, a softer all, a redirect: it sends mail.
    for (const spf of ['v=spf1 ip4:192.0.2.1 -all', 'v=spf1 ~all', 'v=spf1 redirect=_spf.example.net']) assert.deepEqual(policyFirst(`@ IN TXT "${spf}"`), [false, 'none'], spf);
  });

  it('reads null MX records written in Terraform, octoDNS and DNSControl', () => {
    const tf = 'resource "aws_route53_record" "mx" {\n  zone_id = "Z1"\n  name    = "parked.example.com"\n  type    = "MX"\n  ttl     = 300\n  records = ["0 ."]\n}\nresource "aws_route53_record" "spf" {\n  zone_id = "Z1"\n  name    = "parked.example.com"\n  type    = "TXT"\n  ttl     = 300\n  records = ["v=spf1 include:_spf.google.com ~all"]\n}\n';
    assert.equal(of(SENDER, lint(tf, {}, undefined, 'main.tf').findings).length, 1);
    const octo = "'':\n  - type: MX\n    value:\n      exchange: .\n      preference: 0\n  - type: TXT\n    value: v=spf1 ~all\n";
    assert.deepEqual(of(PARKED, lint(octo, {}, undefined, 'parked.example.org.yaml').findings).map((f) => f.message.split(',')[0]), ['`parked.example.org` takes no mail (null MX) and its SPF record lets no host send']);
    const dc = 'D("parked.example.net", REG_NONE, DnsProvider(DNS_BIND),\n  MX("@", 0, "."),\n  TXT("_dmarc", "v=DMARC1; p=reject"),\nEND);\n';
    assert.match(of(PARKED, lint(dc, {}, undefined, 'dnsconfig.js').findings)[0].message, /publishes no SPF record/);
  });
});
