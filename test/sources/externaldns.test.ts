/** Kubernetes manifests of ExternalDNS's DNSEndpoint: records from spec.endpoints, in multi-document files. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeZone, readSource } from '../../server/src/service';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyFix, covered, ROOT } from '../helpers';

const MANIFEST = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: mail
spec:
  replicas: 1
---
apiVersion: externaldns.k8s.io/v1alpha1
kind: DNSEndpoint
metadata:
  name: mail-records
spec:
  endpoints:
    - dnsName: example.com
      recordType: MX
      targets:
        - "10 mail.example.com"
    - dnsName: example.com
      recordType: TXT
      recordTTL: 3600
      targets:
        - "v=spf1 ip4:192.0.2.1 +all"
    - dnsName: _dmarc.example.com
      recordType: TXT
      targets:
        - v=DMARC1; p=reject; rua=mailto:postmaster@example.com; ri=3600
    - dnsName: news.example.com
      recordType: TXT
      targets:
        - "{{ .Values.spf }} v=spf1 -all"
`;

describe('ExternalDNS DNSEndpoint manifests', () => {
  it('reads the endpoints of every DNSEndpoint document as records, the other documents not', () => {
    const z = readSource(MANIFEST, 'dns.yaml');
    assert.equal(z.format, 'externaldns');
    assert.deepEqual(z.sites.map((s) => [s.owner, s.value]), [
      ['example.com', 'v=spf1 ip4:192.0.2.1 +all'],
      ['_dmarc.example.com', 'v=DMARC1; p=reject; rua=mailto:postmaster@example.com; ri=3600'],
    ]);
    assert.deepEqual(z.records.filter((r) => r.type === 'MX').map((r) => [r.owner, r.rdata]), [['example.com', ['10', 'mail.example.com']]]);
    // A Helm template left in the value: said once, not checked.
    assert.ok(z.problems.some((p) => p.code === 'source/not-static' && /template expression/.test(p.message)));
  });

  it('puts findings on the characters and fixes them in the YAML as written', () => {
    const a = analyzeZone(MANIFEST, 'dns.yaml', { rules: {} });
    const plus = a.findings.find((f) => f.rule === 'spf/plus-all')!;
    assert.equal(covered(MANIFEST, plus), '+all');
    assert.equal(applyFix(MANIFEST, plus.fixes![0]), MANIFEST.replace('+all"', '-all"'));
    const ri = a.findings.find((f) => f.rule === 'dmarc/ri-removed')!;
    assert.equal(covered(MANIFEST, ri), 'ri=3600');
    assert.ok(!a.findings.some((f) => f.rule === 'dmarc/missing-record'), 'example.com has its DMARC record');
  });

  it('a Helm chart\'s templated domain: its records are checked together under a stand-in, values around their templates', () => {
    const chart = [
      'apiVersion: externaldns.k8s.io/v1alpha1',
      'kind: DNSEndpoint',
      'metadata:',
      '  name: mail',
      'spec:',
      '  endpoints:',
      '    - dnsName: "{{ .Values.domain }}"',
      '      recordType: TXT',
      '      targets: ["v=spf1 include:_spf.google.com +all"]',
      '    - dnsName: "{{ .Values.domain }}"',
      '      recordType: MX',
      '      targets: ["10 mx.{{ .Values.domain }}"]',
      '    - dnsName: "_dmarc.{{ .Values.domain }}"',
      '      recordType: TXT',
      '      targets: ["v=DMARC1; p=none; rua=mailto:dmarc@{{ .Values.domain }}; ri=60"]',
      '    - dnsName: "{{ .Values.host }}.example.com"',
      '      recordType: TXT',
      '      targets: ["v=spf1 -all"]',
      '',
    ].join('\n');
    const a = analyzeZone(chart, '/charts/mail/templates/dns.yaml', { rules: {} });
    // The SPF record at the domain is covered by the DMARC record at _dmarc of the same (unknown) domain.
    assert.ok(!a.findings.some((f) => f.rule === 'dmarc/missing-record'), a.findings.map((f) => f.rule).join());
    const owners = a.zone.records.map((r) => [r.type, r.owner?.replace(/zone-[0-9a-f]{10}\.invalid/, '<domain>') ?? null, r.relative ?? false]);
    assert.deepEqual(owners, [
      ['TXT', '<domain>', true],
      ['MX', '<domain>', true],
      ['TXT', '_dmarc.<domain>', true],
    ]);
    assert.deepEqual(a.zone.records[1].rdata.map((x) => x.replace(/zone-[0-9a-f]{10}\.invalid/, '<domain>')), ['10', 'mx.<domain>']);
    // The rest of the values is checked: +all and ri= are reported; the rua address holding the template is not judged.
    assert.equal(covered(chart, a.findings.find((f) => f.rule === 'spf/plus-all')!), '+all');
    assert.equal(covered(chart, a.findings.find((f) => f.rule === 'dmarc/ri-removed')!), 'ri=60');
    // A name whose template is not its domain: said, and not checked.
    assert.ok(a.findings.some((f) => f.rule === 'source/not-static' && /record name holds a template/.test(f.message) && covered(chart, f) === '"{{ .Values.host }}.example.com"'));
    assert.ok(!a.zone.records.some((r) => r.owner?.includes('{{')));
  });

  it('a Helm chart\'s template: action lines and unquoted templates are noted, not YAML errors, and the records around them are read', () => {
    const fixture = fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'externaldns', 'mail-endpoints.yaml'), 'utf8');
    const chart = `{{- if .Values.mail.enabled }}\n${fixture}{{- end }}\n`;
    const a = analyzeZone(chart, '/charts/mail/templates/dns.yaml', { rules: {} });
    assert.equal(a.zone.format, 'externaldns');
    assert.deepEqual(a.findings.filter((f) => f.severity === 'error').map((f) => f.rule), []);
    // `name: {{ .Release.Name }}-mail`: YAML only once rendered; said once, on that line.
    const note = a.findings.find((f) => f.rule === 'source/not-static' && /YAML only once rendered/.test(f.message))!;
    assert.equal(covered(chart, note), 'name: {{ .Release.Name }}-mail');
    // Both documents' records are read: the templated domain's and status.example.com's.
    assert.deepEqual(a.sites.map((s) => s.site.owner!.replace(/zone-[0-9a-f]{10}\.invalid/, '<domain>')), ['<domain>', '_dmarc.<domain>', 'status.example.com', '_dmarc.status.example.com']);
    assert.equal(covered(chart, a.findings.find((f) => f.rule === 'dmarc/pct-removed')!), 'pct=50');
  });

  it('leaves other Kubernetes manifests alone', () => {
    assert.notEqual(readSource('apiVersion: v1\nkind: ConfigMap\ndata:\n  spf: "v=spf1 +all"\n', 'cm.yaml').format, 'externaldns');
  });
});
