/**
 * source/duplicate-record-set: two Terraform resources that write the record set of one name and
 * type in one zone (Route 53, Cloud DNS, Azure DNS), in one file or across the files of a module.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { analyzeZone, readZone } from '../../server/src/service';
import { WorkspaceIndex } from '../../server/src/workspace';
import { covered, ROOT } from '../helpers';

const RULE = 'source/duplicate-record-set';
const ZONE = 'resource "aws_route53_zone" "main" {\n  name = "example.com"\n}\n';
const r53 = (id: string, name: string, type: string, values: string, extra = '', zone = 'aws_route53_zone.main.zone_id') =>
  `resource "aws_route53_record" "${id}" {\n  zone_id = ${zone}\n  name    = "${name}"\n  type    = "${type}"\n  ttl     = 300\n${extra}  records = [${values}]\n}\n`;

/** The rule's findings in `file` of a folder holding `files` (all in one workspace). */
function found(files: Record<string, string>, file = Object.keys(files)[0]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-rrset-'));
  const ws = new WorkspaceIndex();
  for (const [f, t] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), t);
    const p = readZone(t, path.join(dir, f));
    ws.set(path.join(dir, f), p.zone.records, p.sites);
  }
  return analyzeZone(files[file], path.join(dir, file), { workspace: ws }).findings.filter((x) => x.rule === RULE);
}

describe('two resources that write one record set', () => {
  it('Route 53: an SPF record and a verification string in two TXT resources at one name, each resource flagged at its name, naming the other', () => {
    const text = ZONE + r53('spf', 'example.com', 'TXT', '"v=spf1 include:_spf.google.com -all"') + r53('verification', 'example.com', 'TXT', '"google-site-verification=abc123"');
    const f = found({ 'main.tf': text });
    assert.equal(f.length, 2);
    assert.deepEqual(f.map((x) => covered(text, x)), ['name    = "example.com"', 'name    = "example.com"']);
    assert.match(f[0].message, /^Route 53 keeps one record set per name and type in a hosted zone, and `aws_route53_record\.spf` writes the TXT record set at `example\.com` that `aws_route53_record\.verification` writes too: Terraform creates one and the other fails \("Tried to create resource record set … but it already exists"\), or, with `allow_overwrite = true`, each apply replaces the other's values/);
    assert.match(f[0].message, /One of them is the SPF record: receivers find it or not by which resource was applied last\. Write all the values in the `records` of one resource\.$/);
    assert.equal(f[0].related?.[0].message, '`aws_route53_record.verification`, the same TXT record set');
    assert.equal(covered(text, { ...f[0], range: f[0].related![0].range }), 'name    = "example.com"');
    assert.ok(f[0].related![0].range.start > f[0].range.start);
    // The values in one resource: nothing to say.
    assert.deepEqual(found({ 'main.tf': ZONE + r53('txt', 'example.com', 'TXT', '"v=spf1 include:_spf.google.com -all", "google-site-verification=abc123"') }), []);
  });

  it('across the files of one module, not across modules (folders)', () => {
    const spf = ZONE + r53('spf', 'example.com', 'TXT', '"v=spf1 -all"');
    const other = r53('verification', 'example.com', 'TXT', '"google-site-verification=abc123"');
    const f = found({ 'main.tf': spf, 'verify.tf': other });
    assert.equal(f.length, 1);
    assert.match(f[0].message, /that `aws_route53_record\.verification` \(in verify\.tf\) writes too/);
    assert.match(f[0].related![0].uri, /verify\.tf$/);
    assert.equal(found({ 'main.tf': spf, 'verify.tf': other }, 'verify.tf').length, 1);
    // Another root module (folder): its zone reference is its own, whatever it names.
    assert.deepEqual(found({ 'main.tf': spf, 'other/main.tf': ZONE + other }), []);
  });

  it('tells record sets apart as the services do: by type, by zone as written, by set_identifier', () => {
    assert.deepEqual(found({ 'main.tf': ZONE + r53('txt', 'example.com', 'TXT', '"v=spf1 -all"') + r53('mx', 'example.com', 'MX', '"10 mx.example.net."') }), []);
    // A private hosted zone of the same domain (split horizon) is another zone.
    const priv = 'resource "aws_route53_zone" "private" {\n  name = "example.com"\n  vpc {\n    vpc_id = "vpc-123"\n  }\n}\n';
    assert.deepEqual(found({ 'main.tf': ZONE + priv + r53('pub', 'example.com', 'TXT', '"v=spf1 -all"') + r53('priv', 'example.com', 'TXT', '"internal"', '', 'aws_route53_zone.private.zone_id') }), []);
    // Weighted (or latency, failover…) routing: one record set per set_identifier.
    const weighted = (id: string, set: string) => r53(id, 'www.example.com', 'A', '"192.0.2.1"', `  set_identifier = "${set}"\n`);
    assert.deepEqual(found({ 'main.tf': ZONE + weighted('blue', 'blue') + weighted('green', 'green') }), []);
    const same = found({ 'main.tf': ZONE + weighted('blue', 'blue') + weighted('green', 'blue') });
    assert.equal(same.length, 2);
    assert.match(same[0].message, /writes the A record set at `www\.example\.com` \(set_identifier "blue"\)/);
    // Names written relative to the zone and whole are one name.
    assert.equal(found({ 'main.tf': ZONE + r53('a', '_dmarc', 'TXT', '"v=DMARC1; p=none"') + r53('b', '_dmarc.example.com', 'TXT', '"v=DMARC1; p=reject"') }).length, 2);
  });

  it('instances of one resource (for_each) that land on one name count as two; a resource read once per module call does not', () => {
    const each = `${ZONE}resource "aws_route53_record" "txt" {\n  for_each = { a = "example.com", b = "example.com." }\n  zone_id  = aws_route53_zone.main.zone_id\n  name     = each.value\n  type     = "TXT"\n  ttl      = 300\n  records  = ["v=spf1 -all"]\n}\n`;
    const f = found({ 'main.tf': each });
    assert.equal(f.length, 2);
    assert.match(f[0].message, /`aws_route53_record\.txt\["a"\]` writes the TXT record set at `example\.com` that `aws_route53_record\.txt\["b"\]` writes too/);
    assert.deepEqual(found({ 'main.tf': each.replace('b = "example.com."', 'b = "mail.example.com"') }), []);
    // A module called twice: its one resource is read once per call, and is one resource (the CLI, which knows the calls).
    const module = `variable "zone_id" {}\nvariable "domain" {}\n${r53('spf', '${var.domain}', 'TXT', '"v=spf1 -all"', '', 'var.zone_id')}`;
    const root = 'module "a" {\n  source  = "./dns"\n  zone_id = "Z1"\n  domain  = "a.example"\n}\nmodule "b" {\n  source  = "./dns"\n  zone_id = "Z1"\n  domain  = "a.example"\n}\n';
    const cli = (dns: string) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-rrset-mod-'));
      fs.mkdirSync(path.join(dir, 'dns'));
      fs.writeFileSync(path.join(dir, 'dns', 'main.tf'), dns);
      fs.writeFileSync(path.join(dir, 'main.tf'), root);
      const out = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'check', dir, '--offline', '--format', 'json'], { encoding: 'utf8' });
      return (JSON.parse(out.stdout).files as { diagnostics: { rule: string; message: string }[] }[]).flatMap((x) => x.diagnostics).filter((d) => d.rule === RULE);
    };
    assert.deepEqual(cli(module), []);
    // Two resources of the module at that name are two, whatever the calls pass.
    const twice = cli(module + r53('site', '${var.domain}', 'TXT', '"site-verification=x"', '', 'var.zone_id'));
    assert.deepEqual(twice.map((x) => x.message.match(/`(aws_route53_record\.\w+)` writes the TXT record set at `a\.example\.<zone Z1>`/)?.[1]), ['aws_route53_record.spf', 'aws_route53_record.site']);
  });

  it('a block copied under the same address into another file of the module is one resource (Terraform refuses the copy itself); many instances at one name are named five at a time', () => {
    const spf = ZONE + r53('spf', 'example.com', 'TXT', '"v=spf1 -all"');
    assert.deepEqual(found({ 'main.tf': spf, 'copy.tf': spf }), []);
    const keys = Array.from({ length: 40 }, (_, i) => `k${i} = "example.com"`).join(', ');
    const each = `${ZONE}resource "aws_route53_record" "txt" {\n  for_each = { ${keys} }\n  zone_id  = aws_route53_zone.main.zone_id\n  name     = each.value\n  type     = "TXT"\n  ttl      = 300\n  records  = ["v=spf1 -all"]\n}\n`;
    const f = found({ 'main.tf': each });
    assert.equal(f.length, 40);
    assert.match(f[0].message, /that `aws_route53_record\.txt\["k1"\]`, `aws_route53_record\.txt\["k2"\]`, `aws_route53_record\.txt\["k3"\]`, `aws_route53_record\.txt\["k4"\]`, `aws_route53_record\.txt\["k5"\]` and 34 more write too: Terraform creates one and the others fail/);
    assert.equal(f[0].related?.length, 5);
  });

  it('CloudFormation: two record sets of one template, also in a RecordSetGroup, in YAML and JSON; not across templates', () => {
    const set = (id: string, v: string, extra = '') => `  ${id}:\n    Type: AWS::Route53::RecordSet\n    Properties:\n      HostedZoneName: example.com.\n      Name: example.com.\n      Type: TXT\n      TTL: '300'\n${extra}      ResourceRecords:\n        - '"${v}"'\n`;
    const yaml = (...sets: string[]) => `AWSTemplateFormatVersion: '2010-09-09'\nResources:\n${sets.join('')}`;
    const text = yaml(set('Spf', 'v=spf1 include:amazonses.com -all'), set('Verification', 'google-site-verification=abc'));
    const f = found({ 'dns.yaml': text });
    assert.equal(f.length, 2);
    assert.equal(covered(text, f[0]), 'example.com.');
    assert.match(f[0].message, /^Route 53 keeps one record set per name and type in a hosted zone, and `Spf` writes the TXT record set at `example\.com` that `Verification` writes too: CloudFormation creates one and the stack fails on the other \("Tried to create resource record set … but it already exists"\) and rolls back\. One of them is the SPF record: .* Write all the values in the `ResourceRecords` of one record set\.$/);
    assert.deepEqual(found({ 'dns.yaml': yaml(set('Spf', 'v=spf1 -all', "      SetIdentifier: a\n"), set('Verification', 'x', "      SetIdentifier: b\n")) }), []);
    assert.deepEqual(found({ 'a.yaml': yaml(set('Spf', 'v=spf1 -all')), 'b.yaml': yaml(set('Verification', 'x')) }), []);
    // A group's entry and a record set of its own.
    const group = `  Group:\n    Type: AWS::Route53::RecordSetGroup\n    Properties:\n      HostedZoneName: example.com.\n      RecordSets:\n        - Name: mail.example.com.\n          Type: MX\n          TTL: '300'\n          ResourceRecords:\n            - 10 mx.example.net.\n        - Name: example.com.\n          Type: TXT\n          TTL: '300'\n          ResourceRecords:\n            - '"v=spf1 -all"'\n`;
    const g = found({ 'dns.yaml': yaml(group, set('Verification', 'x')) });
    assert.deepEqual(g.map((x) => x.message.match(/and `([^`]+)` writes/)?.[1]), ['Group.RecordSets[1]', 'Verification']);
    const json = JSON.stringify({ AWSTemplateFormatVersion: '2010-09-09', Resources: Object.fromEntries(['A', 'B'].map((id) => [id, { Type: 'AWS::Route53::RecordSet', Properties: { HostedZoneId: 'Z123', Name: '_dmarc.example.com.', Type: 'TXT', TTL: '300', ResourceRecords: ['"v=DMARC1; p=none"'] } }])) }, null, 2);
    assert.equal(found({ 'dns.json': json }).length, 2);
  });

  it('Cloud DNS and Azure DNS the same; Cloudflare and the others, one record per resource, not', () => {
    const google = (id: string, v: string) => `resource "google_dns_record_set" "${id}" {\n  managed_zone = google_dns_managed_zone.main.name\n  name         = "example.com."\n  type         = "TXT"\n  ttl          = 300\n  rrdatas      = ["\\"${v}\\""]\n}\n`;
    const g = found({ 'main.tf': `resource "google_dns_managed_zone" "main" {\n  name     = "main"\n  dns_name = "example.com."\n}\n${google('spf', 'v=spf1 -all')}${google('site', 'google-site-verification=x')}` });
    assert.equal(g.length, 2);
    assert.match(g[0].message, /^Cloud DNS keeps one record set per name and type in a managed zone, .* \(409, the record set already exists\)\. One of them is the SPF record: .* Write all the values in the `rrdatas` of one resource\.$/);
    const azure = (id: string, v: string, rg = 'azurerm_resource_group.dns.name') => `resource "azurerm_dns_txt_record" "${id}" {\n  name                = "@"\n  zone_name           = azurerm_dns_zone.main.name\n  resource_group_name = ${rg}\n  ttl                 = 300\n  record {\n    value = "${v}"\n  }\n}\n`;
    const zone = 'resource "azurerm_dns_zone" "main" {\n  name                = "example.com"\n  resource_group_name = azurerm_resource_group.dns.name\n}\n';
    const a = found({ 'main.tf': zone + azure('spf', 'v=spf1 -all') + azure('site', 'MS=ms123') });
    assert.equal(a.length, 2);
    assert.match(a[0].message, /^Azure DNS keeps one record set per name and type in a zone, .* Write all the values in the `record` blocks of one resource\.$/);
    assert.deepEqual(found({ 'main.tf': zone + azure('spf', 'v=spf1 -all') + azure('site', 'MS=ms123', '"other-rg"') }), []);
    const cf = (id: string, v: string) => `resource "cloudflare_record" "${id}" {\n  zone_id = var.zone_id\n  name    = "@"\n  type    = "TXT"\n  content = "${v}"\n}\n`;
    assert.deepEqual(found({ 'main.tf': `variable "zone_id" {}\n${cf('spf', 'v=spf1 -all')}${cf('site', 'google-site-verification=x')}` }), []);
  });
});
