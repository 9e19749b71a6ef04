/**
 * Record resources of Terraform providers beyond Route 53, Cloudflare, Azure, Google, DigitalOcean and
 * DNSimple (test/fixtures/terraform-providers.tf): hashicorp/dns, Linode, OVH, NS1, Gandi, Hetzner
 * Cloud, PowerDNS. Each is read with its own argument names, zone and quoting.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { analyzeZone, readSource } from '../../server/src/service';
import { applyFix, covered, ROOT } from '../helpers';

const file = path.join(ROOT, 'test', 'fixtures', 'terraform-providers.tf');
const text = fs.readFileSync(file, 'utf8');

describe('Terraform record resources of other providers', () => {
  it('reads each with its own zone, name, type and value arguments', () => {
    const z = readSource(text, file);
    assert.deepEqual(
      z.sites.map((s) => [s.owner, s.value]),
      [
        ['linode.example', 'v=spf1 include:_spf.google.com +all'],
        ['_dmarc.rfc2136.example', 'v=DMARC1; p=none; pct=50'],
        ['ovh.example', 'v=spf1 include:mx.ovh.com ~all'],
        ['mail.ns1.example', 'v=spf1 -all'],
        ['sel._domainkey.gandi.example', 'v=DKIM1; k=rsa; t=y; p='],
        ['hcloud.example', 'v=spf1 ?all'],
        ['pdns.example', 'v=spf1 mx -all'],
      ],
    );
    // Records other than TXT: the names that take mail (for DMARC coverage and report addresses).
    assert.deepEqual(
      z.records.filter((r) => r.type === 'MX').map((r) => [r.owner, r.rdata.join(' ')]),
      [
        ['linode.example', '10 mx.linode.example'],
        ['rfc2136.example', '10 mx.rfc2136.example.'],
      ],
    );
  });

  it('puts findings on the characters inside each provider’s quoting, and fixes them in place', () => {
    const a = analyzeZone(text, file);
    const plus = a.findings.find((f) => f.rule === 'spf/plus-all')!;
    assert.equal(covered(text, plus), '+all');
    assert.equal(applyFix(text, plus.fixes![0]), text.replace('_spf.google.com +all', '_spf.google.com -all'));
    // Hetzner Cloud's value is a quoted character-string inside an HCL string, in a list of objects.
    const neutral = a.findings.find((f) => f.rule === 'spf/neutral-all')!;
    assert.equal(covered(text, neutral), '?all');
    assert.ok(neutral.fixes?.length, 'a fix for the value written in the object');
    assert.equal(covered(text, a.findings.find((f) => f.rule === 'dmarc/pct-removed')!), 'pct=50');
    assert.equal(covered(text, a.findings.find((f) => f.rule === 'dkim/testing-mode')!), 't=y');
    // Each SPF domain without DMARC is said so, on its own resource.
    assert.deepEqual(a.findings.filter((f) => f.rule === 'dmarc/missing-record').length, 5);
    assert.ok(!a.findings.some((f) => f.rule === 'source/not-static'));
  });

  it('reads dynamic blocks (azurerm_dns_txt_record / _mx_record) once per element of a known collection, iterator named or not', () => {
    const f = path.join(ROOT, 'test', 'fixtures', 'terraform-dynamic-blocks.tf');
    const t = fs.readFileSync(f, 'utf8');
    const a = analyzeZone(t, f);
    assert.deepEqual(a.sites.map((x) => [x.site.owner, x.site.value]), [
      ['dyn.example', 'v=spf1 include:spf.protection.outlook.com +all'],
      ['dyn.example', 'MS=ms12345'],
    ]);
    assert.deepEqual(a.zone.records.filter((r) => r.type === 'MX').map((r) => [r.owner, r.rdata.join(' ')]), [['dyn.example', '10 dyn-example.mail.protection.outlook.com']]);
    // The value is the literal in the locals list: found and fixed there.
    const plus = a.findings.find((x) => x.rule === 'spf/plus-all')!;
    assert.equal(applyFix(t, plus.fixes![0]), t.replace('outlook.com +all', 'outlook.com -all'));
    // A collection not known here: the record exists, its value is noted as not known.
    const unknown = t.replace('for_each = local.txt', 'for_each = var.txt');
    const b = analyzeZone(unknown, f);
    assert.ok(b.zone.problems.some((p) => p.code === 'source/not-static' && unknown.slice(p.range.start, p.range.end) === 'record.value'));
  });
});
