/** Kubernetes manifests of ExternalDNS's DNSEndpoint: records from spec.endpoints, in multi-document files. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeZone, readSource } from '../../server/src/service';
import { applyFix, covered } from '../helpers';

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

  it('leaves other Kubernetes manifests alone', () => {
    assert.notEqual(readSource('apiVersion: v1\nkind: ConfigMap\ndata:\n  spf: "v=spf1 +all"\n', 'cm.yaml').format, 'externaldns');
  });
});
