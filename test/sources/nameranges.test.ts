/**
 * The infrastructure-as-code readers say where a record's name and the name it points to are written
 * (ResourceRecord.ownerRange, dataRange), for navigation, highlight and the owner hover: Terraform's
 * `name` attribute and value strings, octoDNS keys and values, DNSControl record arguments, Ansible
 * module arguments and ExternalDNS endpoints.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readZone } from '../../server/src/service';
import { highlights } from '../../server/src/features/navigation';
import { dataName } from '../../server/src/records/cname';

const written = (text: string, r: { start: number; end: number } | undefined) => (r ? text.slice(r.start, r.end) : undefined);

describe('where IaC readers write names', () => {
  it('octoDNS: the key, and an MX exchange or CNAME value', () => {
    const text = ['? \'\'', ': - type: MX', '    values:', '      - exchange: mx1.example.com.', '        preference: 10', 'www:', '  type: CNAME', '  value: mx1.example.com.', 'mx1:', '  type: A', '  value: 192.0.2.1', ''].join('\n');
    const z = readZone(text, '/w/example.com.yaml', { format: 'octodns' });
    const rows = z.zone.records.map((r) => [r.owner, r.type, written(text, r.ownerRange), written(text, r.dataRange), dataName(r) ?? null]);
    assert.deepEqual(rows, [
      ['example.com', 'MX', "''", 'mx1.example.com.', 'mx1.example.com'],
      ['www.example.com', 'CNAME', 'www', 'mx1.example.com.', 'mx1.example.com'],
      ['mx1.example.com', 'A', 'mx1', undefined, null],
    ]);
    // The name highlighted where the file writes it: its key (write) and the two values that point at it (read).
    const h = highlights('mx1.example.com', { records: z.zone.records, sites: z.sites }, '/w/example.com.yaml', text, false).map((x) => `${written(text, x.range)} ${x.owner ? 'write' : 'read'}`);
    assert.deepEqual(h, ['mx1.example.com. read', 'mx1.example.com. read', 'mx1 write']);
  });

  it('DNSControl: the first argument, and an MX or CNAME target', () => {
    const text = 'D("example.com", REG_NONE, DnsProvider(DNS),\n  MX("@", 10, "mx1"),\n  CNAME("www", "mx1.example.com."),\n  A("mx1", "192.0.2.1"),\nEND);\n';
    const z = readZone(text, '/w/dnsconfig.js');
    const rows = z.zone.records.filter((r) => r.type !== 'SOA').map((r) => [r.owner, r.type, written(text, r.ownerRange), written(text, r.dataRange), dataName(r) ?? null]);
    assert.deepEqual(rows, [
      ['example.com', 'MX', '"@"', '"mx1"', 'mx1.example.com'],
      ['www.example.com', 'CNAME', '"www"', '"mx1.example.com."', 'mx1.example.com'],
      ['mx1.example.com', 'A', '"mx1"', undefined, null],
    ]);
  });

  it('octoDNS and DNSControl SRV records: the target, in zone-file order, for navigation and the zone rules', () => {
    const yaml = ['_submission._tcp:', '  type: SRV', '  values:', '    - priority: 0', '      weight: 5', '      port: 587', '      target: mail.example.com.', '    - priority: 0', '      weight: 0', '      port: 0', '      target: .', 'mail:', '  type: CNAME', '  value: mx1.example.com.', ''].join('\n');
    const o = readZone(yaml, '/w/example.com.yaml', { format: 'octodns' });
    const srv = o.zone.records.filter((r) => r.type === 'SRV');
    assert.deepEqual(srv.map((r) => [r.owner, r.rdata.join(' '), written(yaml, r.dataRange), dataName(r) ?? null]), [
      ['_submission._tcp.example.com', '0 5 587 mail.example.com.', 'mail.example.com.', 'mail.example.com'],
      ['_submission._tcp.example.com', '0 0 0 .', '.', null],
    ]);
    const js = 'D("example.com", REG_NONE, DnsProvider(DNS),\n  SRV("_imaps._tcp", 0, 1, 993, "mail"),\n  SRV("_sip._tcp", 10, 60, PORT, "sip.example.com."),\n  CNAME("mail", "mx1.example.com."),\nEND);\n';
    const d = readZone(js, '/w/dnsconfig.js');
    assert.deepEqual(
      d.zone.records.filter((r) => r.type === 'SRV').map((r) => [r.owner, r.rdata.join(' '), written(js, r.ownerRange), written(js, r.dataRange) ?? null]),
      [
        ['_imaps._tcp.example.com', '0 1 993 mail.example.com.', '"_imaps._tcp"', '"mail"'],
        // A port not known statically: the record's name stands, its data is not read.
        ['_sip._tcp.example.com', '', '"_sip._tcp"', null],
      ],
    );
    // Their targets are aliases: the zone rule BIND's checks share says so, in either format.
    const { checkZone } = require('../../server/src/service');
    assert.deepEqual(checkZone(o).findings.filter((f: { rule: string }) => f.rule === 'zone/srv-target-is-cname').map((f: { range: { start: number; end: number } }) => yaml.slice(f.range.start, f.range.end)), ['mail.example.com.']);
    assert.deepEqual(checkZone(d).findings.filter((f: { rule: string }) => f.rule === 'zone/srv-target-is-cname').length, 1);
  });

  it('Terraform SRV records: Cloudflare data blocks (v4) and objects (v5), Route 53 strings; their targets read for the zone rules', () => {
    const tf = [
      'resource "cloudflare_zone" "z" {\n  zone = "example.com"\n}',
      'resource "cloudflare_record" "v4" {\n  zone_id = cloudflare_zone.z.id\n  name    = "_submission._tcp"\n  type    = "SRV"\n  data {\n    priority = 0\n    weight   = 1\n    port     = 587\n    target   = "smtp.example.com"\n  }\n}',
      'resource "cloudflare_dns_record" "v5" {\n  zone_id = cloudflare_zone.z.id\n  name    = "_imaps._tcp.example.com"\n  type    = "SRV"\n  ttl     = 1\n  data = {\n    priority = 0\n    weight   = 1\n    port     = 993\n    target   = "smtp.example.com"\n  }\n}',
      'resource "cloudflare_record" "unknown" {\n  zone_id = cloudflare_zone.z.id\n  name    = "_pop3s._tcp"\n  type    = "SRV"\n  data {\n    priority = 0\n    weight   = 1\n    port     = var.port\n    target   = "smtp.example.com"\n  }\n}',
      'resource "cloudflare_record" "smtp" {\n  zone_id = cloudflare_zone.z.id\n  name    = "smtp"\n  type    = "CNAME"\n  value   = "mail.provider.example"\n}',
      '',
    ].join('\n');
    const z = readZone(tf, '/w/main.tf');
    assert.deepEqual(
      z.zone.records.filter((r) => r.type === 'SRV').map((r) => [r.owner, r.rdata.join(' '), written(tf, r.dataRange) ?? null, dataName(r) ?? null]),
      [
        ['_submission._tcp.example.com', '0 1 587 smtp.example.com', '"smtp.example.com"', 'smtp.example.com'],
        ['_imaps._tcp.example.com', '0 1 993 smtp.example.com', '"smtp.example.com"', 'smtp.example.com'],
        // A port not known statically: the record's name stands, its data is not read.
        ['_pop3s._tcp.example.com', '', null, null],
      ],
    );
    const { checkZone } = require('../../server/src/service');
    const on = (text: string, z2: unknown) => checkZone(z2).findings.filter((f: { rule: string }) => f.rule === 'zone/srv-target-is-cname').map((f: { range: { start: number; end: number } }) => text.slice(f.range.start, f.range.end));
    assert.deepEqual(on(tf, z), ['"smtp.example.com"', '"smtp.example.com"']);
    // Route 53 writes the whole record as one string: its last word is the target.
    const r53 = 'resource "aws_route53_zone" "z" {\n  name = "example.com"\n}\nresource "aws_route53_record" "srv" {\n  zone_id = aws_route53_zone.z.zone_id\n  name    = "_submission._tcp"\n  type    = "SRV"\n  records = ["0 1 587 smtp.example.com"]\n}\nresource "aws_route53_record" "smtp" {\n  zone_id = aws_route53_zone.z.zone_id\n  name    = "smtp"\n  type    = "CNAME"\n  records = ["mail.provider.example"]\n}\n';
    assert.deepEqual(on(r53, readZone(r53, '/w/r53.tf')), ['"0 1 587 smtp.example.com"']);
  });

  it('a finding about the host a record names is where the file writes that name, not on the whole resource', () => {
    const tf = 'resource "aws_route53_zone" "z" {\n  name = "example.com"\n}\nresource "aws_route53_record" "mx" {\n  zone_id = aws_route53_zone.z.zone_id\n  name    = "example.com"\n  type    = "MX"\n  records = ["10 mail.example.com"]\n}\nresource "aws_route53_record" "mail" {\n  zone_id = aws_route53_zone.z.zone_id\n  name    = "mail"\n  type    = "CNAME"\n  records = ["mx.provider.example"]\n}\n';
    const { checkZone } = require('../../server/src/service');
    const f = checkZone(readZone(tf, '/w/main.tf')).findings.find((x: { rule: string }) => x.rule === 'zone/mx-target-is-cname');
    assert.equal(tf.slice(f.range.start, f.range.end), '"10 mail.example.com"');
  });

  it('CloudFormation: the Name, and a ResourceRecords entry of an MX or CNAME', () => {
    const text = [
      'Resources:',
      '  Mx:',
      '    Type: AWS::Route53::RecordSet',
      '    Properties:',
      '      HostedZoneName: example.com.',
      '      Name: example.com.',
      '      Type: MX',
      '      ResourceRecords: ["10 mx1.example.com."]',
      '  Www:',
      '    Type: AWS::Route53::RecordSet',
      '    Properties:',
      '      HostedZoneName: example.com.',
      '      Name: !Sub "www.${AWS::Region}.example.com."',
      '      Type: CNAME',
      '      ResourceRecords: [mx1.example.com.]',
      '',
    ].join('\n');
    const z = readZone(text, '/w/template.yaml');
    const rows = z.zone.records.map((r) => [r.type, written(text, r.ownerRange) ?? null, written(text, r.dataRange) ?? null, dataName(r) ?? null]);
    // The second record's name is built by !Sub: no place to point at.
    assert.deepEqual(rows, [
      ['MX', 'example.com.', '"10 mx1.example.com."', 'mx1.example.com'],
      ['CNAME', null, 'mx1.example.com.', 'mx1.example.com'],
    ]);
  });

  it('Ansible: the record argument and a CNAME or MX value, with the zone the task names', () => {
    const text = [
      '- hosts: localhost',
      '  vars:',
      '    host: "{{ inventory_hostname }}"',
      '  tasks:',
      '    - community.general.cloudflare_dns:',
      '        zone: example.com',
      '        record: www',
      '        type: CNAME',
      '        value: mx1.example.com',
      '    - amazon.aws.route53:',
      '        zone: example.com.',
      '        record: example.com',
      '        type: MX',
      '        value: "10 mx1.example.com."',
      '    - community.general.cloudflare_dns:',
      '        zone: example.com',
      '        record: "{{ host }}"',
      '        type: A',
      '        value: 192.0.2.1',
      '    - community.general.cloudflare_dns:',
      '        zone: example.com',
      '        record: _dmarc',
      '        type: TXT',
      '        value: "v=DMARC1; p=none"',
      '',
    ].join('\n');
    const z = readZone(text, '/w/play.yml');
    assert.equal(z.zone.format, 'ansible');
    const rows = z.zone.records.map((r) => [r.owner ?? null, r.type, r.zone ?? null, written(text, r.ownerRange) ?? null, written(text, r.dataRange) ?? null, dataName(r) ?? null]);
    // The A record's name is a Jinja expression: no owner, no place.
    assert.deepEqual(rows, [
      ['www.example.com', 'CNAME', 'example.com', 'www', 'mx1.example.com', 'mx1.example.com'],
      ['example.com', 'MX', 'example.com', 'example.com', '"10 mx1.example.com."', 'mx1.example.com'],
      [null, 'A', 'example.com', null, null, null],
      ['_dmarc.example.com', 'TXT', 'example.com', '_dmarc', null, null],
    ]);
  });

  it('ExternalDNS: dnsName, and a CNAME target; a name with a template in its labels is not known', () => {
    const text = [
      'apiVersion: externaldns.k8s.io/v1alpha1',
      'kind: DNSEndpoint',
      'metadata:',
      '  name: mail',
      'spec:',
      '  endpoints:',
      '    - dnsName: www.example.com',
      '      recordType: CNAME',
      '      targets: ["mx1.example.com"]',
      '    - dnsName: example.com',
      '      recordType: TXT',
      '      targets: ["v=spf1 -all"]',
      '    - dnsName: "{{ .Values.host }}.example.com"',
      '      recordType: A',
      '      targets: ["192.0.2.1"]',
      '',
    ].join('\n');
    const z = readZone(text, '/w/endpoints.yaml');
    assert.equal(z.zone.format, 'externaldns');
    const rows = z.zone.records.map((r) => [r.owner ?? null, r.type, written(text, r.ownerRange) ?? null, written(text, r.dataRange) ?? null]);
    assert.deepEqual(rows, [
      ['www.example.com', 'CNAME', 'www.example.com', '"mx1.example.com"'],
      ['example.com', 'TXT', 'example.com', null],
      [null, 'A', null, null],
    ]);
  });

  it('the null MX points at no name', () => {
    const text = 'D("example.com", REG_NONE, DnsProvider(DNS),\n  MX("@", 0, "."),\nEND);\n';
    const z = readZone(text, '/w/dnsconfig.js');
    assert.equal(dataName(z.zone.records.find((r) => r.type === 'MX')!), undefined);
  });
});
