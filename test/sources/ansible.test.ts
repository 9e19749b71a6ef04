/**
 * Ansible playbooks: the DNS modules' tasks read as records, with owners from `record`/`zone`, values
 * through YAML and Route 53 quoting, Jinja expressions as holes, and fixes written back in place.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { analyzeZone, readSource } from '../../server/src/service';
import { HOLE } from '../../server/src/records/holes';
import { applyFix, covered } from '../helpers';

const PLAY = `- hosts: localhost
  gather_facts: false
  tasks:
    - name: SPF in Route 53
      amazon.aws.route53:
        state: present
        zone: example.com
        record: example.com
        type: TXT
        ttl: 300
        value:
          - '"v=spf1 include:_spf.google.com " "+all"'
    - name: DMARC on Cloudflare
      community.general.cloudflare_dns:
        zone: example.com
        record: _dmarc
        type: TXT
        value: v=DMARC1; p=none; rua=mailto:d@example.com; pct=50
    - name: MX
      community.general.cloudflare_dns:
        zone: example.org
        record: "@"
        type: MX
        value: mx.example.org
        priority: 10
    - block:
        - name: DKIM by nsupdate, a name that ends in a dot
          community.general.nsupdate:
            server: 192.0.2.53
            zone: example.net
            record: sel._domainkey.example.net.
            type: TXT
            value: '"v=DKIM1; k=ed25519; p=zn4MIEmBUJ8wG7mx1YQ+ODnW0mAzP+WDWfd1Xy0q3po="'
        - name: old record, deleted
          community.general.nsupdate:
            zone: example.net
            record: "@"
            type: TXT
            state: absent
            value: v=spf1 +all
    - name: Azure
      azure.azcollection.azure_rm_dnsrecordset:
        zone_name: example.io
        relative_name: "@"
        record_type: TXT
        records:
          - entry: v=spf1 ip4:192.0.2.1 ?all
    - name: Google
      google.cloud.gcp_dns_resource_record_set:
        name: _dmarc.example.io.
        type: TXT
        target:
          - '"v=DMARC1; p=reject; rua=mailto:d@example.io"'
`;

describe('Ansible playbooks', () => {
  it('reads the DNS modules\' tasks as records, owners from record and zone, and skips state: absent', () => {
    const z = readSource(PLAY, 'site.yml');
    assert.equal(z.format, 'ansible');
    assert.deepEqual(
      z.sites.map((s) => [s.owner, s.value]),
      [
        ['example.com', 'v=spf1 include:_spf.google.com +all'],
        ['_dmarc.example.com', 'v=DMARC1; p=none; rua=mailto:d@example.com; pct=50'],
        ['sel._domainkey.example.net', 'v=DKIM1; k=ed25519; p=zn4MIEmBUJ8wG7mx1YQ+ODnW0mAzP+WDWfd1Xy0q3po='],
        ['example.io', 'v=spf1 ip4:192.0.2.1 ?all'],
        ['_dmarc.example.io', 'v=DMARC1; p=reject; rua=mailto:d@example.io'],
      ],
    );
    assert.deepEqual(z.records.filter((r) => r.type === 'MX').map((r) => [r.owner, r.rdata]), [['example.org', ['10', 'mx.example.org']]]);
  });

  it('puts findings on the exact characters, also inside Route 53\'s split strings, and fixes only those bytes', () => {
    const a = analyzeZone(PLAY, 'site.yml', { rules: {} });
    const plus = a.findings.find((f) => f.rule === 'spf/plus-all')!;
    assert.equal(covered(PLAY, plus), '+all');
    const fixed = applyFix(PLAY, plus.fixes![0]);
    assert.equal(fixed, PLAY.replace('" "+all"', '" "-all"'));
    const pct = a.findings.find((f) => f.rule === 'dmarc/pct-removed')!;
    assert.equal(covered(PLAY, pct), 'pct=50');
    assert.ok(a.findings.some((f) => f.rule === 'spf/neutral-all' && covered(PLAY, f) === '?all'));
    // example.org receives mail (MX) and has no DMARC record; the others are covered.
    assert.deepEqual(a.findings.filter((f) => f.rule === 'dmarc/missing-record').map((f) => f.message.split(' ')[0]), ['`example.org`']);
    // A fix of the bare Cloudflare value stays a plain YAML string that reads back as the fixed record.
    const after = applyFix(PLAY, pct.fixes![0]);
    assert.equal(pct.fixes![0].title, 'Replace `pct=50` with `t=y` (test mode)');
    assert.equal(after, PLAY.replace('pct=50', 't=y'));
    assert.deepEqual(readSource(after, 'site.yml').sites[1].value, 'v=DMARC1; p=none; rua=mailto:d@example.com; t=y');
  });

  it('reads a Jinja expression in a value as a hole and checks around it; in a name, the owner is not known', () => {
    const text = `- hosts: all
  tasks:
    - community.general.cloudflare_dns:
        zone: "{{ domain }}"
        record: _dmarc
        type: TXT
        value: "v=DMARC1; p=reject; rua=mailto:{{ dmarc_mailbox }}; pct=100"
    - amazon.aws.route53:
        zone: example.com
        record: example.com
        type: TXT
        value: "{{ spf_record }}"
`;
    const z = readSource(text, 'play.yaml');
    assert.deepEqual(z.sites.map((s) => [s.owner, s.value.replaceAll(HOLE, '…')]), [[undefined, 'v=DMARC1; p=reject; rua=mailto:…; pct=100']]);
    assert.ok(z.problems.some((p) => p.code === 'source/not-static' && /record name is a Jinja expression/.test(p.message)));
    assert.ok(z.problems.some((p) => p.code === 'source/not-static' && /contains \{\{ dmarc_mailbox \}\}, which is not known statically/.test(p.message)));
    const a = analyzeZone(text, 'play.yaml', { rules: {} });
    // The hole is a report address: nothing about rua is said, but pct still is.
    assert.ok(!a.findings.some((f) => f.rule === 'dmarc/invalid-uri'));
    assert.ok(a.findings.some((f) => f.rule === 'dmarc/pct-removed'));
  });

  it('reads loops and vars written in the play: one record per loop entry, findings and fixes where the entry writes the value', () => {
    const text = `- name: Mail DNS
  hosts: localhost
  vars:
    domain: example.com
    records:
      - { name: "@", value: "v=spf1 include:_spf.google.com +all" }
      - { name: _dmarc, value: "v=DMARC1; p=none; rua=mailto:d@example.com; pct=50" }
  tasks:
    - name: records
      community.general.cloudflare_dns:
        zone: "{{ domain }}"
        record: "{{ item.name }}"
        type: TXT
        value: "{{ item.value }}"
      loop: "{{ records }}"
    - name: DKIM selectors, by their own loop variable, in a name with a written end
      community.general.cloudflare_dns:
        zone: "{{ domain }}"
        record: "{{ sel }}._domainkey"
        type: TXT
        value: "v=DKIM1; k=rsa; p="
      loop: [s1, s2]
      loop_control:
        loop_var: sel
    - name: one SPF record for several domains; with_items flattens a level of lists
      amazon.aws.route53:
        zone: "{{ item }}"
        record: "{{ item['x'] if false else item }}"
        type: TXT
        value: '"v=spf1 mx ?all"'
      with_items:
        - example.net
        - [example.org]
    - name: task vars come before the play's
      community.general.cloudflare_dns:
        zone: "{{ domain }}"
        record: "{{ label }}"
        type: TXT
        value: "{{ spf }}"
      vars:
        domain: example.io
        label: "@"
        spf: v=spf1 -all
`;
    const z = readSource(text, 'play.yml');
    assert.equal(z.format, 'ansible');
    assert.deepEqual(
      z.sites.map((s) => [s.owner, s.value]),
      [
        ['example.com', 'v=spf1 include:_spf.google.com +all'],
        ['_dmarc.example.com', 'v=DMARC1; p=none; rua=mailto:d@example.com; pct=50'],
        ['s1._domainkey.example.com', 'v=DKIM1; k=rsa; p='],
        ['s2._domainkey.example.com', 'v=DKIM1; k=rsa; p='],
        // A name with a filter or an operator is only known when the play runs.
        [undefined, 'v=spf1 mx ?all'],
        ['example.io', 'v=spf1 -all'],
      ],
    );
    const a = analyzeZone(text, 'play.yml', { rules: {} });
    const plus = a.findings.find((f) => f.rule === 'spf/plus-all')!;
    assert.equal(covered(text, plus), '+all');
    assert.equal(text.slice(0, plus.range.start).split('\n').length, 6, 'on the loop entry in the play\'s vars');
    const pct = a.findings.find((f) => f.rule === 'dmarc/pct-removed')!;
    assert.equal(covered(text, pct), 'pct=50');
    const after = applyFix(text, pct.fixes![0]);
    assert.equal(after, text.replace('pct=50', 't=y'));
    assert.equal(readSource(after, 'play.yml').sites[1].value, 'v=DMARC1; p=none; rua=mailto:d@example.com; t=y');
    // The selectors' shared value is one finding, not one per loop entry.
    assert.equal(a.findings.filter((f) => f.rule === 'dkim/revoked').length, 1);
    assert.ok(!a.findings.some((f) => f.rule === 'dmarc/missing-record' && /example\.com/.test(f.message)));
  });

  it('leaves a loop over what only the run knows as it was: the name is not known, the value a hole', () => {
    const text = `- hosts: all
  tasks:
    - community.general.cloudflare_dns:
        zone: example.com
        record: "{{ item.name }}"
        type: TXT
        value: "{{ item.value }}"
      loop: "{{ lookup('file', 'records.json') | from_json }}"
    - community.general.cloudflare_dns:
        zone: example.com
        record: _dmarc
        type: TXT
        value: "v=DMARC1; p=reject; rua=mailto:{{ mailbox | default('d@example.com') }}"
      vars:
        mailbox: d@example.com
`;
    const z = readSource(text, 'play.yml');
    assert.deepEqual(z.sites.map((s) => [s.owner, s.value.replaceAll(HOLE, '…')]), [['_dmarc.example.com', 'v=DMARC1; p=reject; rua=mailto:…']]);
    assert.ok(z.problems.some((p) => p.code === 'source/not-static' && /record name is a Jinja expression/.test(p.message)));
  });

  it('reads Gandi LiveDNS, DNSimple, Windows DNS and FreeIPA tasks, names relative to their zones', () => {
    const text = `- hosts: localhost
  tasks:
    - community.general.gandi_livedns:
        domain: example.com
        record: "@"
        type: TXT
        values:
          - '"v=spf1 include:_spf.google.com +all"'
        ttl: 300
    - community.general.dnsimple:
        domain: example.com
        record: _dmarc
        type: TXT
        value: v=DMARC1; p=none; pct=50
    - community.windows.win_dns_record:
        zone: corp.example.org
        name: mail.corp.example.org
        type: TXT
        value: v=spf1 mx -all
    - community.general.ipa_dnsrecord:
        zone_name: example.net
        record_name: _smtp._tls
        record_type: TXT
        record_value: v=TLSRPTv1; rua=tls@example.net
`;
    const z = readSource(text, 'dns.yml');
    assert.equal(z.format, 'ansible');
    assert.deepEqual(
      z.sites.map((s) => [s.owner, s.value]),
      [
        ['example.com', 'v=spf1 include:_spf.google.com +all'],
        ['_dmarc.example.com', 'v=DMARC1; p=none; pct=50'],
        ['mail.corp.example.org', 'v=spf1 mx -all'],
        ['_smtp._tls.example.net', 'v=TLSRPTv1; rua=tls@example.net'],
      ],
    );
    const a = analyzeZone(text, 'dns.yml', { rules: {} });
    assert.equal(covered(text, a.findings.find((f) => f.rule === 'spf/plus-all')!), '+all');
    const uri = a.findings.find((f) => f.rule === 'tlsrpt/invalid-uri')!;
    assert.equal(applyFix(text, uri.fixes![0]), text.replace('rua=tls@', 'rua=mailto:tls@'));
  });

  it('reads the vars files a run reads (vars_files, a role\'s defaults and vars, group_vars/all), findings and fixes where they write the value', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-ansible-'));
    const files: Record<string, string> = {
      'site.yml': [
        '- name: Mail DNS',
        '  hosts: localhost',
        '  vars_files:',
        '    - vars/mail.yml',
        '    - "vars/{{ env }}.yml"',
        '  vars:',
        '    spf: v=spf1 -all',
        '  tasks:',
        '    - name: records from the vars file',
        '      community.general.cloudflare_dns:',
        '        zone: "{{ zone }}"',
        '        record: "{{ item.name }}"',
        '        type: TXT',
        '        value: "{{ item.value }}"',
        '      loop: "{{ mail_records }}"',
        '    - name: vars_files come before the play\'s vars',
        '      community.general.cloudflare_dns:',
        '        zone: "{{ zone }}"',
        '        record: spf',
        '        type: TXT',
        '        value: "{{ spf }}"',
        '',
      ].join('\n'),
      'vars/mail.yml': ['spf: v=spf1 ~all', 'mail_records:', '  - name: "@"', '    value: "v=spf1 include:_spf.google.com +all"', ''].join('\n'),
      'group_vars/all.yml': 'zone: example.com\ndns_zone: example.org\n',
      'roles/dns/tasks/main.yml': [
        '- include_vars: dkim.yml',
        '- name: DKIM of the role, from the vars it includes',
        '  community.general.cloudflare_dns:',
        '    zone: "{{ dns_zone }}"',
        '    record: "{{ selector }}._domainkey"',
        '    type: TXT',
        '    value: "{{ dkim }}"',
        '- name: DMARC of the role',
        '  community.general.cloudflare_dns:',
        '    zone: "{{ dns_zone }}"',
        '    record: _dmarc',
        '    type: TXT',
        '    value: "{{ dmarc }}"',
        '',
      ].join('\n'),
      'roles/dns/defaults/main.yml': 'dns_zone: example.net\ndmarc: "v=DMARC1; p=none; rua=mailto:d@example.net; pct=50"\n',
      'roles/dns/vars/main.yml': 'dns_zone: example.io\n',
      // include_vars in a role looks in its vars/ folder; its vars come before every other layer.
      'roles/dns/vars/dkim.yml': 'selector: s1\ndns_zone: example.org\ndkim: "v=DKIM1; k=rsa; h=sha1; p="\n',
    };
    for (const [f, t] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.writeFileSync(path.join(dir, f), t);
    }
    const at = (f: string) => path.join(dir, f);
    const play = readSource(files['site.yml'], at('site.yml'));
    assert.equal(play.format, 'ansible');
    assert.deepEqual(
      play.sites.map((x) => [x.owner, x.value, path.relative(dir, x.uri)]),
      [
        ['example.com', 'v=spf1 include:_spf.google.com +all', 'vars/mail.yml'],
        ['spf.example.com', 'v=spf1 ~all', 'vars/mail.yml'],
      ],
    );
    // The files looked at, found or not (group_vars/all.yml is there, so all.yaml and all/ are not looked for).
    assert.deepEqual(play.reads?.map((f) => path.relative(dir, f)).sort(), ['group_vars/all.yml', 'vars/mail.yml']);
    const a = analyzeZone(files['site.yml'], at('site.yml'), { rules: {} });
    const plus = a.findings.find((f) => f.rule === 'spf/plus-all')!;
    assert.equal(plus.uri, at('vars/mail.yml'));
    assert.equal(covered(files['vars/mail.yml'], plus), '+all');
    assert.equal(applyFix(files['vars/mail.yml'], plus.fixes![0]), files['vars/mail.yml'].replace('+all', '-all'));
    // A role's task file: the role's vars before group_vars/all before the role's defaults.
    const role = readSource(files['roles/dns/tasks/main.yml'], at('roles/dns/tasks/main.yml'));
    assert.deepEqual(role.sites.map((x) => [x.owner, path.relative(dir, x.uri)]), [
      ['s1._domainkey.example.org', 'roles/dns/vars/dkim.yml'],
      ['_dmarc.example.org', 'roles/dns/defaults/main.yml'],
    ]);
    const pct = analyzeZone(files['roles/dns/tasks/main.yml'], at('roles/dns/tasks/main.yml'), { rules: {} }).findings.find((f) => f.rule === 'dmarc/pct-removed')!;
    assert.equal(pct.uri, at('roles/dns/defaults/main.yml'));
    assert.equal(covered(files['roles/dns/defaults/main.yml'], pct), 'pct=50');
    // The editor's text of an open vars file is the one read.
    const open = readSource(files['site.yml'], at('site.yml'), { openText: (f) => (f === at('vars/mail.yml') ? files['vars/mail.yml'].replace('+all', '-all') : undefined) });
    assert.equal(open.sites[0].value, 'v=spf1 include:_spf.google.com -all');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a delegation in the zone a task names hides the records below it; the apex NS does not', () => {
    const task = (record: string, type: string, value: string) => `    - amazon.aws.route53:\n        zone: example.org\n        record: ${record}\n        type: ${type}\n        value: ${value}\n`;
    const play = '- hosts: localhost\n  tasks:\n' + task('example.org', 'NS', '["ns-1.awsdns-01.org.", "ns-2.awsdns-02.com."]') + task('example.org', 'TXT', `'"v=spf1 -all"'`) + task('sub.example.org', 'NS', 'ns1.other.example.') + task('x.sub.example.org', 'TXT', `'"v=spf1 -all"'`);
    const a = analyzeZone(play, 'play.yml', { rules: {} });
    assert.ok(a.zone.records.every((r) => r.zone === 'example.org'));
    assert.deepEqual(a.findings.filter((f) => f.rule === 'zone/occluded-record').map((f) => play.slice(0, f.range.start).split('\n').length), [play.split('\n').findIndex((l) => l.includes('x.sub.example.org')) + 3]);
  });

  it('leaves YAML that is not a playbook with DNS tasks to the other readers', () => {
    assert.notEqual(readSource('- hosts: all\n  tasks:\n    - debug:\n        msg: "v=spf1 +all"\n', 'play.yml').format, 'ansible');
    assert.notEqual(readSource('route53:\n  enabled: true\n', 'values.yaml').format, 'ansible');
  });
});
