/**
 * Terraform zones named by an expression (`zone_id = var.zone_id`, a zone resource whose name is a
 * variable, a zone defined in another module) and CloudFormation templates whose domain is a
 * parameter without a default: the records that share one are checked together, relative to it, and
 * shown with the expression, never with the stand-in domain (util/zonenames).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { analyzeZone, readSource } from '../../server/src/service';
import { forgetTerraformFolder } from '../../server/src/sources/terraform';
import { showNames, underStandIn } from '../../server/src/util/zonenames';
import { CORPUS, ROOT } from '../helpers';

const CLI = path.join(ROOT, 'dist', 'cli.js');

/** A Cloudflare module as people write them: the zone is an input, names are relative to it. */
function cloudflare(records: { name: string; type?: string; content: string; proxied?: boolean }[]): string {
  return records
    .map((r, i) => `resource "cloudflare_record" "r${i}" {\n  zone_id = var.zone_id\n  name    = "${r.name}"\n  type    = "${r.type ?? 'TXT'}"\n  content = "${r.content}"\n${r.proxied ? '  proxied = true\n' : ''}}\n`)
    .join('\n');
}

const noStandIn = (texts: string[]) => {
  for (const t of texts) assert.ok(!/\.invalid\b/.test(t), `the stand-in domain is shown: ${t}`);
};

describe('Terraform zones named by an expression', () => {
  it('checks the records of one zone together: a `_dmarc` record covers the apex, and its absence is reported', () => {
    const covered = analyzeZone(cloudflare([{ name: '@', content: 'v=spf1 include:spf.migadu.com -all' }, { name: '_dmarc', content: 'v=DMARC1; p=reject; rua=mailto:dmarc@example.com' }]), 'covered.tf');
    assert.deepEqual(covered.sites.map((s) => showNames(s.site.owner!)), ['<var.zone_id>', '_dmarc.<var.zone_id>']);
    assert.ok(covered.sites.every((s) => s.site.relative && underStandIn(s.site.owner!)));
    assert.ok(!covered.findings.some((f) => f.rule === 'dmarc/missing-record'), JSON.stringify(covered.findings.map((f) => f.message)));
    // The zone may be example.com itself: where reports go is not judged.
    assert.ok(!covered.findings.some((f) => f.rule === 'dmarc/external-reports-not-authorized'));
    // One note for the zone, on the expression that names it; none per record.
    const notes = covered.findings.filter((f) => f.rule === 'source/not-static');
    assert.equal(notes.length, 1);
    assert.match(notes[0].message, /^The zone of these records is not known statically \(var\.zone_id\), so their names are checked relative to it \(shown as <var\.zone_id>\)/);

    const missing = analyzeZone(cloudflare([{ name: '@', content: 'v=spf1 include:spf.migadu.com -all' }, { name: 'news', content: 'v=spf1 -all' }]), 'missing.tf');
    const m = missing.findings.filter((f) => f.rule === 'dmarc/missing-record');
    assert.equal(m.length, 1, JSON.stringify(missing.findings.map((f) => f.message)));
    assert.match(m[0].message, /^2 names under `<var\.zone_id>` publish SPF or MX with no DMARC record .*\(<var\.zone_id>, news\.<var\.zone_id>\)/);
    noStandIn(missing.findings.map((f) => f.message));
  });

  it('finds two SPF records at the apex of a zone it knows only by its resource (the corpus file "two-spf-records")', () => {
    const t = [
      'resource "aws_route53_record" "mainTXT" {',
      '  zone_id = "${aws_route53_zone.fs_maindomain.zone_id}"',
      '  name    = "${aws_route53_zone.fs_maindomain.name}"',
      '  type    = "TXT"',
      '  records = ["v=spf1 include:spf.mandrillapp.com ?all", "v=spf1 include:servers.mcsv.net ?all", "MS=ms97836067"]',
      '}',
      'resource "aws_route53_record" "dmarc" {',
      '  zone_id = aws_route53_zone.fs_maindomain.zone_id',
      '  name    = "_dmarc.${aws_route53_zone.fs_maindomain.name}"',
      '  type    = "TXT"',
      '  records = ["v=DMARC1; p=none; rua=mailto:d@example.com"]',
      '}',
      '',
    ].join('\n');
    const a = analyzeZone(t, 'two.tf');
    const multiple = a.findings.filter((f) => f.rule === 'spf/multiple-records');
    assert.equal(multiple.length, 2);
    assert.match(multiple[0].message, /^`<aws_route53_zone\.fs_maindomain>` has 2 SPF records/);
    // `.zone_id` in a template and bare, and `.name`: one zone, so the DMARC record covers the apex.
    assert.ok(!a.findings.some((f) => f.rule === 'dmarc/missing-record'));
    noStandIn(a.findings.flatMap((f) => [f.message, ...(f.related ?? []).map((r) => r.message), ...(f.fixes ?? []).map((x) => x.title)]));
  });

  it('a data source looked up by the zone id is that zone; a name ending in a top-level domain is the whole name', () => {
    const t = [
      'data "aws_route53_zone" "zone" {\n  zone_id = var.zone_id\n}',
      'resource "aws_route53_record" "txt" {\n  zone_id = var.zone_id\n  name    = data.aws_route53_zone.zone.name\n  type    = "TXT"\n  records = ["v=spf1 -all"]\n}',
      'resource "aws_route53_record" "dmarc" {\n  zone_id = var.zone_id\n  name    = "_dmarc.${data.aws_route53_zone.zone.name}"\n  type    = "TXT"\n  records = ["v=DMARC1; p=reject"]\n}',
      'resource "aws_route53_record" "full" {\n  zone_id = var.zone_id\n  name    = "_dmarc.example.com"\n  type    = "TXT"\n  records = ["v=DMARC1; p=none; rua=mailto:d@example.net"]\n}',
      '',
    ].join('\n');
    const z = readSource(t, 'data.tf');
    assert.deepEqual(z.sites.map((s) => [showNames(s.owner!), s.relative ?? false]), [
      ['<var.zone_id>', true],
      ['_dmarc.<var.zone_id>', true],
      ['_dmarc.example.com', false],
    ]);
    const a = analyzeZone(t, 'data.tf');
    assert.ok(!a.findings.some((f) => f.rule === 'dmarc/missing-record'));
  });

  it('a zone resource named by a variable: the variable stands for the zone\'s domain in names and values', () => {
    const t = fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'terraform-zone-named-by-variable.tf'), 'utf8');
    const a = analyzeZone(t, 'byvar.tf');
    assert.deepEqual(a.sites.map((x) => showNames(x.site.owner!)), ['<var.domain>', '_dmarc.<var.domain>']);
    assert.equal(showNames(a.sites[1].site.value), 'v=DMARC1; p=none; rua=mailto:dmarc@<var.domain>');
    assert.ok(!a.findings.some((f) => f.rule === 'dmarc/missing-record' || f.rule === 'dmarc/report-address-no-mail'), JSON.stringify(a.findings.map((f) => f.message)));
    assert.match(a.findings.find((f) => f.rule === 'spf/include-does-not-align')!.message, /SPF does not align with <var\.domain> under DMARC/);
    assert.equal(a.findings.filter((f) => f.rule === 'source/not-static').length, 1);
  });

  it('notes only what may be an SPF, DMARC or DKIM record', () => {
    const a = analyzeZone(
      [
        'resource "cloudflare_record" "verify" {\n  zone_id = var.zone_id\n  name    = "@"\n  type    = "TXT"\n  content = "hosted-email-verify=${var.token}"\n}',
        'resource "cloudflare_record" "keybase" {\n  zone_id = var.zone_id\n  name    = "@"\n  type    = "TXT"\n  content = "keybase-site-verification=abc"\n}',
        'resource "cloudflare_record" "dmarc" {\n  name    = "_dmarc"\n  type    = "TXT"\n  content = "v=DMARC1; p=${var.policy}"\n}',
        '',
      ].join('\n'),
      'notes.tf',
    );
    const notes = a.findings.filter((f) => f.rule === 'source/not-static').map((f) => f.message);
    // No zone note (no mail record in the zone), nothing on the verification tokens; the DMARC record without a zone is noted twice (name and value).
    assert.equal(notes.length, 2, JSON.stringify(notes));
    assert.match(notes[0], /record name or its zone is not known statically \("_dmarc"\)/);
    assert.match(notes[1], /contains \$\{var\.policy\}/);
  });

  it("Cloudflare's flattened CNAMEs (the apex, proxied records) may have data beside them; a plain CNAME may not", () => {
    const ok = analyzeZone(
      cloudflare([
        { name: '@', type: 'CNAME', content: 'example.pages.dev', proxied: true },
        { name: '@', content: 'v=spf1 -all' },
        { name: 'www', type: 'CNAME', content: 'example.pages.dev', proxied: true },
        { name: 'www', content: 'v=spf1 -all' },
        { name: '_dmarc', content: 'v=DMARC1; p=reject' },
      ]),
      'flat.tf',
    );
    assert.ok(!ok.findings.some((f) => f.rule === 'zone/cname-and-other-data'), JSON.stringify(ok.findings.map((f) => f.message)));
    const bad = analyzeZone(cloudflare([{ name: 'mail', type: 'CNAME', content: 'mail.example.net' }, { name: 'mail', content: 'v=spf1 -all' }, { name: '_dmarc', content: 'v=DMARC1; p=reject' }]), 'plain.tf');
    const f = bad.findings.find((x) => x.rule === 'zone/cname-and-other-data');
    assert.ok(f);
    assert.match(f.message, /^`mail\.<var\.zone_id>` has a CNAME/);
  });

  it('CLI: the modules of two folders are two zones, shown by their expressions in check and inventory', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-tfzones-'));
    try {
      for (const m of ['a', 'b']) fs.mkdirSync(path.join(dir, m));
      fs.writeFileSync(path.join(dir, 'a', 'main.tf'), cloudflare([{ name: '@', content: 'v=spf1 include:sendgrid.net -all' }, { name: '_dmarc', content: 'v=DMARC1; p=none; rua=mailto:d@example.com' }]));
      // Another module with the same variable name: another zone (its apex SPF is no conflict, and it has no DMARC record).
      fs.writeFileSync(path.join(dir, 'b', 'main.tf'), cloudflare([{ name: '@', content: 'v=spf1 -all' }]));
      fs.writeFileSync(path.join(dir, 'a', 'dkim.tf'), cloudflare([{ name: 's1._domainkey', type: 'CNAME', content: 's1.domainkey.u1.wl1.sendgrid.net' }, { name: 's2._domainkey', type: 'CNAME', content: 's2.domainkey.u1.wl1.sendgrid.net' }]));
      const r = spawnSync(process.execPath, [CLI, 'check', dir, '--offline', '--format', 'json'], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const files = JSON.parse(r.stdout).files as { path: string; diagnostics: { rule: string; message: string }[] }[];
      const rules = (p: string) => files.find((f) => f.path.endsWith(p))?.diagnostics.map((d) => d.rule) ?? [];
      assert.ok(!rules('a/main.tf').includes('zone/conflicting-definitions') && !rules('b/main.tf').includes('zone/conflicting-definitions'));
      assert.ok(!rules('a/main.tf').includes('dmarc/missing-record'));
      assert.ok(rules('b/main.tf').includes('dmarc/missing-record'));
      // SendGrid's DKIM CNAMEs in the other file of the module are the same zone's: SPF need not align.
      assert.ok(!rules('a/main.tf').includes('spf/include-does-not-align'), r.stdout);
      noStandIn(files.flatMap((f) => f.diagnostics.map((d) => d.message)));
      const inv = spawnSync(process.execPath, [CLI, 'inventory', path.join(dir, 'a')], { encoding: 'utf8' });
      assert.equal(inv.status, 0, inv.stderr);
      assert.match(inv.stdout, /^<var\.zone_id>$/m);
      assert.match(inv.stdout, /DMARC {2}v=DMARC1; p=none/);
      noStandIn([inv.stdout]);
      // A zone resource whose name is a variable: includes under it resolve from the module, and what
      // it does not define is never asked of DNS (a server that does not answer is not waited for).
      fs.mkdirSync(path.join(dir, 'c'));
      fs.writeFileSync(path.join(dir, 'c', 'main.tf'), fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'terraform-zone-by-variable.tf'), 'utf8'));
      const t0 = Date.now();
      const c = spawnSync(process.execPath, [CLI, 'check', path.join(dir, 'c'), '--dns', '127.0.0.1:9', '--format', 'json'], { encoding: 'utf8' });
      assert.ok(Date.now() - t0 < 5000, 'no DNS query was waited for');
      const diags = JSON.parse(c.stdout).files[0].diagnostics as { rule: string; message: string }[];
      const notFound = diags.filter((d) => d.rule === 'spf/include-not-found');
      assert.equal(notFound.length, 1, c.stdout);
      assert.match(notFound[0].message, /^Could not resolve _other\.<var\.domain> \(_other\.<var\.domain> is in a zone whose domain is known only at deploy time, and the workspace does not define it\)/);
      assert.ok(!diags.some((d) => d.rule === 'dmarc/missing-record' || d.rule === 'dmarc/external-reports-not-authorized'), c.stdout);
      noStandIn(diags.map((d) => d.message));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('CloudFormation: a parameter without a default that record names end with is their domain', () => {
    const t = [
      'Parameters:',
      '  DomainName:',
      '    Type: String',
      '  Prefix:',
      '    Type: String',
      'Resources:',
      '  Spf:',
      '    Type: AWS::Route53::RecordSet',
      '    Properties:',
      "      Name: !Sub '${DomainName}.'",
      '      Type: TXT',
      '      ResourceRecords: [\'"v=spf1 include:mailbox.org -all"\']',
      '  Dmarc:',
      '    Type: AWS::Route53::RecordSet',
      '    Properties:',
      "      Name: !Join ['', ['_dmarc.', !Ref DomainName, '.']]",
      '      Type: TXT',
      '      ResourceRecords:',
      '        - !Sub',
      '          - \'"v=DMARC1;p=none;ruf=mailto:postmaster@${Domain}"\'',
      '          - { Domain: !Ref DomainName }',
      '  Middle:',
      '    Type: AWS::Route53::RecordSet',
      '    Properties:',
      "      Name: !Sub '${Prefix}.example.com.'",
      '      Type: TXT',
      '      ResourceRecords: [\'"v=spf1 -all"\']',
      '',
    ].join('\n');
    const a = analyzeZone(t, 'template.yaml');
    assert.deepEqual(a.sites.map((x) => x.site.owner && showNames(x.site.owner)), ['<DomainName>', '_dmarc.<DomainName>', undefined]);
    assert.ok(a.sites[0].site.relative && a.sites[1].site.relative);
    // The DMARC record covers the apex, and its value, built from the parameter, is checked.
    assert.ok(!a.findings.some((f) => f.rule === 'dmarc/missing-record'), JSON.stringify(a.findings.map((f) => f.message)));
    assert.ok(a.findings.some((f) => f.rule === 'dmarc/no-rua'));
    assert.ok(!a.findings.some((f) => f.rule === 'dmarc/external-reports-not-authorized'));
    const notes = a.findings.filter((f) => f.rule === 'source/not-static').map((f) => f.message);
    // One note for the parameter; a parameter in the middle of a name leaves that name unknown.
    assert.equal(notes.length, 2, JSON.stringify(notes));
    assert.match(notes[0], /^The domain of these records is the parameter DomainName, which has no default, so their names are checked relative to it \(shown as <DomainName>\)/);
    assert.match(notes[1], /^The record name is computed/);
    noStandIn(a.findings.map((f) => f.message));
  });
});

describe('Terraform module calls', () => {
  /** A reusable module and two calls of it, from the root and from another folder. */
  function layout(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-tfcalls-'));
    fs.mkdirSync(path.join(dir, 'modules', 'mail'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'envs', 'prod'), { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'modules', 'mail', 'main.tf'),
      [
        'variable "domain" {}',
        'variable "zone_id" {}',
        'variable "rua" {\n  default = "mailto:dmarc@example.org"\n}',
        'variable "spf" {\n  default = "v=spf1 -all"\n}',
        'resource "aws_route53_record" "spf" {\n  zone_id = var.zone_id\n  name    = var.domain\n  type    = "TXT"\n  ttl     = 300\n  records = ["v=spf1 include:_spf.google.com +all"]\n}',
        'resource "aws_route53_record" "dmarc" {\n  zone_id = var.zone_id\n  name    = "_dmarc.${var.domain}"\n  type    = "TXT"\n  ttl     = 300\n  records = ["v=DMARC1; p=none; rua=${var.rua}"]\n}',
        'resource "aws_route53_record" "news" {\n  zone_id = var.zone_id\n  name    = "news.${var.domain}"\n  type    = "TXT"\n  ttl     = 300\n  records = [var.spf]\n}',
        '',
      ].join('\n'),
    );
    fs.writeFileSync(path.join(dir, 'main.tf'), 'resource "aws_route53_zone" "com" {\n  name = "example.com"\n}\nmodule "mail_com" {\n  source  = "./modules/mail"\n  domain  = "example.com"\n  zone_id = aws_route53_zone.com.zone_id\n}\n');
    fs.writeFileSync(path.join(dir, 'envs', 'prod', 'main.tf'), 'module "mail_net" {\n  source  = "../../modules/mail"\n  domain  = "example.net"\n  zone_id = "Z0123456789"\n  rua     = "mailto:dmarc@example.net"\n  spf     = "v=spf1 ptr -all"\n}\nmodule "counted" {\n  count   = 2\n  source  = "../../modules/mail"\n  domain  = "c${count.index}.example.com"\n  zone_id = "Z9"\n}\nmodule "each" {\n  for_each = toset(["e1.example.com", "e2.example.com"])\n  source   = "../../modules/mail"\n  domain   = each.key\n  zone_id  = "Z8"\n  spf      = "v=spf1 include:${each.key} -all"\n}\nmodule "unknown" {\n  count  = var.n\n  source = "../../modules/mail"\n  domain = "u${count.index}.example.com"\n}\n');
    return dir;
  }

  it('CLI: a module is read once per call with what the call passes; its own mistakes are said once', () => {
    const dir = layout();
    try {
      const r = spawnSync(process.execPath, [CLI, 'check', dir, '--offline', '--format', 'json'], { encoding: 'utf8' });
      const files = JSON.parse(r.stdout).files as { path: string; diagnostics: { rule: string; message: string }[] }[];
      const mod = files.find((f) => f.path.endsWith('modules/mail/main.tf'))!.diagnostics;
      assert.equal(mod.filter((d) => d.rule === 'spf/plus-all').length, 1, r.stdout);
      // Names are known: no note about them, and no missing DMARC record (each call publishes its own).
      assert.ok(!mod.some((d) => d.rule === 'source/not-static' || d.rule === 'dmarc/missing-record'), r.stdout);
      // A value the call passes whole is written, and checked, in the calling file (ptr there).
      const prod = files.find((f) => f.path.endsWith('envs/prod/main.tf'))!.diagnostics;
      assert.ok(prod.some((d) => d.rule === 'spf/ptr'), r.stdout);
      assert.ok(!mod.some((d) => d.rule === 'spf/ptr'));
      const inv = JSON.parse(spawnSync(process.execPath, [CLI, 'inventory', dir, '--format', 'json'], { encoding: 'utf8' }).stdout) as { domains: { domain: string; dmarc: { value: string }[] }[] };
      const dmarc = Object.fromEntries(inv.domains.map((d) => [d.domain, d.dmarc.map((x) => x.value)]));
      assert.deepEqual(dmarc['example.com'], ['v=DMARC1; p=none; rua=mailto:dmarc@example.org']);
      assert.deepEqual(dmarc['example.net'], ['v=DMARC1; p=none; rua=mailto:dmarc@example.net']);
      // The value a call passes whole is a record at the module's name for it, written (and fixed) in the calling file.
      const spf = Object.fromEntries(inv.domains.map((d) => [d.domain, (d as unknown as { spf: { value: string; path: string }[] }).spf.map((x) => [x.value, path.relative(dir, x.path)])]));
      assert.deepEqual(spf['news.example.net'], [['v=spf1 ptr -all', path.join('envs', 'prod', 'main.tf')]]);
      // A call that passes nothing for it gets the module's default, written in the module.
      assert.deepEqual(spf['news.example.com'], [['v=spf1 -all', path.join('modules', 'mail', 'main.tf')]]);
      // A counted call and a for_each call are one call per instance, with count.index and each.key known
      // (a value the call writes with them is one record per instance); a count not known here is not read.
      assert.deepEqual(['c0.example.com', 'c1.example.com', 'e1.example.com', 'e2.example.com'].map((d) => dmarc[d]), Array(4).fill(['v=DMARC1; p=none; rua=mailto:dmarc@example.org']));
      assert.deepEqual(spf['news.e2.example.com'], [['v=spf1 include:e2.example.com -all', path.join('envs', 'prod', 'main.tf')]]);
      assert.ok(!inv.domains.some((d) => d.domain.startsWith('u0.')));
      // The module alone: its names are unknown again.
      const alone = spawnSync(process.execPath, [CLI, 'check', path.join(dir, 'modules'), '--offline', '--format', 'json'], { encoding: 'utf8' });
      assert.ok(JSON.parse(alone.stdout).files[0].diagnostics.some((d: { rule: string; message: string }) => d.rule === 'source/not-static' && /\(var\.domain\)/.test(d.message)), alone.stdout);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a zone the call passes by its resource is the module data source it looks up, and its name', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-tfcalls-'));
    try {
      fs.mkdirSync(path.join(dir, 'modules', 'email'), { recursive: true });
      fs.writeFileSync(
        path.join(dir, 'modules', 'email', 'main.tf'),
        'data "aws_route53_zone" "zone" {\n  zone_id = var.zone_id\n}\nresource "aws_route53_record" "dmarc" {\n  zone_id = var.zone_id\n  name    = "_dmarc.${data.aws_route53_zone.zone.name}"\n  type    = "TXT"\n  ttl     = 300\n  records = ["v=DMARC1; p=${var.dmarc_policy}; rua=${var.dmarc_rua}"]\n}\nresource "aws_route53_record" "spf" {\n  zone_id = var.zone_id\n  name    = "mail.${data.aws_route53_zone.zone.name}"\n  type    = "TXT"\n  ttl     = 300\n  records = ["v=spf1 -all"]\n}\nresource "aws_route53_record" "txt" {\n  zone_id = var.zone_id\n  name    = data.aws_route53_zone.zone.name\n  type    = "TXT"\n  ttl     = 300\n  records = var.txt_records\n}\n',
      );
      fs.writeFileSync(path.join(dir, 'main.tf'), 'resource "aws_route53_zone" "gov" {\n  name = "agency.gov"\n}\nmodule "email" {\n  source       = "./modules/email"\n  zone_id      = aws_route53_zone.gov.zone_id\n  dmarc_policy = "reject"\n  dmarc_rua    = "mailto:dmarc@agency.gov"\n  txt_records  = ["v=spf1 include:_spf.google.com +all"]\n}\n');
      const inv = JSON.parse(spawnSync(process.execPath, [CLI, 'inventory', dir, '--format', 'json'], { encoding: 'utf8' }).stdout) as { domains: { domain: string; spf: { value: string }[]; dmarc: { value: string }[] }[] };
      assert.deepEqual(inv.domains.map((d) => [d.domain, d.spf.map((x) => x.value), d.dmarc.map((x) => x.value)]), [['agency.gov', ['v=spf1 include:_spf.google.com +all'], ['v=DMARC1; p=reject; rua=mailto:dmarc@agency.gov']], ['mail.agency.gov', ['v=spf1 -all'], []]]);
      const r = spawnSync(process.execPath, [CLI, 'check', dir, '--offline', '--format', 'json'], { encoding: 'utf8' });
      // The list the call passes is a record at the name the module gives it, checked where the call writes it; the module says nothing of it.
      const byFile = Object.fromEntries((JSON.parse(r.stdout).files as { path: string; diagnostics: { rule: string }[] }[]).map((f) => [path.relative(dir, f.path), f.diagnostics.map((d) => d.rule)]));
      assert.deepEqual(byFile, { 'main.tf': ['spf/plus-all'], [path.join('modules', 'email', 'main.tf')]: [] }, r.stdout);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('corpus: the WestJet DNS module and its call, laid out as in their repository, publish the call\'s SPF at westjet.com', (t) => {
    const iac = path.join(CORPUS, 'iac', 'terraform');
    if (!fs.existsSync(path.join(iac, 'westjet_azurerm_westjet_com.tf'))) return t.skip(`corpus not present at ${iac}`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-westjet-'));
    try {
      // The corpus keeps both files flat; the call's source is ./modules/dns_zone.
      fs.mkdirSync(path.join(dir, 'modules', 'dns_zone'), { recursive: true });
      fs.copyFileSync(path.join(iac, 'westjet_azurerm_westjet_com.tf'), path.join(dir, 'main.tf'));
      fs.copyFileSync(path.join(iac, 'westjet_azurerm_module_dns_zone_main.tf'), path.join(dir, 'modules', 'dns_zone', 'main.tf'));
      const r = spawnSync(process.execPath, [CLI, 'check', dir, '--offline', '--format', 'json'], { encoding: 'utf8' });
      const byFile = Object.fromEntries((JSON.parse(r.stdout).files as { path: string; diagnostics: { rule: string; message: string }[] }[]).map((f) => [path.relative(dir, f.path), f.diagnostics]));
      // The SPF record the call writes is westjet.com's, and westjet.com publishes no DMARC record in these files.
      // The MX records name their zone `module.westjet_com.zone_name`, an output the corpus does not hold: a zone of its own.
      assert.deepEqual(byFile['main.tf'].map((d) => [d.rule, d.message.split(' ')[0]]), [['dmarc/missing-record', '`westjet.com`'], ['dmarc/missing-record', '`<module.westjet_com.zone_name>`']]);
      // With the module's output (as its repository has it), that zone is westjet.com: one finding for the domain.
      fs.writeFileSync(path.join(dir, 'modules', 'dns_zone', 'outputs.tf'), 'output "zone_name" {\n  value = azurerm_dns_zone.this.name\n}\n');
      const again = spawnSync(process.execPath, [CLI, 'check', dir, '--offline', '--format', 'json'], { encoding: 'utf8' });
      const main = (JSON.parse(again.stdout).files as { path: string; diagnostics: { rule: string; message: string }[] }[]).find((f) => path.relative(dir, f.path) === 'main.tf')!;
      assert.deepEqual(main.diagnostics.map((d) => [d.rule, d.message.split(' ')[0]]), [['dmarc/missing-record', '`westjet.com`']]);
      // The module's name and value are known from the call: no notes about them.
      assert.deepEqual(byFile[path.join('modules', 'dns_zone', 'main.tf')], []);
      const inv = spawnSync(process.execPath, [CLI, 'inventory', dir], { encoding: 'utf8' }).stdout;
      // Its mail exchangers too, from the module's MX records (lowest preference first).
      assert.match(inv, /^westjet\.com\n {2}MX {5}10 mail\.westjet\.com, 20 backupmail\.westjet\.com {2}\(.*main\.tf:22\)\n {2}SPF {4}v=spf1 include:spf\.protection\.outlook\.com -all {2}\(.*main\.tf:5\)/m);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('module outputs: `zone_id = module.dns.zone_id` is the zone the module makes with what the call passes', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-tfout-'));
    try {
      fs.mkdirSync(path.join(dir, 'modules', 'zone'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'modules', 'zone', 'main.tf'), 'variable "domain" {}\nresource "aws_route53_zone" "z" {\n  name = var.domain\n}\n');
      fs.writeFileSync(path.join(dir, 'modules', 'zone', 'outputs.tf'), 'output "zone_id" {\n  value = aws_route53_zone.z.zone_id\n}\noutput "name" {\n  value = "${aws_route53_zone.z.name}"\n}\n');
      const main = 'module "dns" {\n  source = "./modules/zone"\n  domain = "out.example"\n}\nmodule "many" {\n  source = "./modules/zone"\n  count  = 2\n  domain = "n${count.index}.example"\n}\n' +
        'resource "aws_route53_record" "spf" {\n  zone_id = module.dns.zone_id\n  name    = module.dns.name\n  type    = "TXT"\n  ttl     = 300\n  records = ["v=spf1 -all"]\n}\n' +
        'resource "aws_route53_record" "dmarc" {\n  zone_id = module.dns.zone_id\n  name    = "_dmarc"\n  type    = "TXT"\n  ttl     = 300\n  records = ["v=DMARC1; p=reject; rua=mailto:d@out.example"]\n}\n' +
        'resource "aws_route53_record" "other" {\n  zone_id = module.many[0].zone_id\n  name    = "x"\n  type    = "TXT"\n  ttl     = 300\n  records = ["v=spf1 -all"]\n}\n';
      const file = path.join(dir, 'main.tf');
      fs.writeFileSync(file, main);
      const a = analyzeZone(main, file);
      assert.deepEqual(a.sites.map((x) => showNames(x.site.owner ?? '')), ['out.example', '_dmarc.out.example', 'x.<module.many[0].zone_id>']);
      const missing = a.findings.filter((f) => f.rule === 'dmarc/missing-record').map((f) => f.message.split(' ')[0]);
      assert.deepEqual(missing, ['`x.<module.many[0].zone_id>`'], 'the DMARC record covers the domain the output names; a counted call is not followed');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a root module's terraform.tfvars and *.auto.tfvars give its variables (later files win); a called module's do not", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-tfvars-'));
    try {
      const main =
        'variable "domain" {}\nvariable "spf" {}\nvariable "selectors" {\n  type = map(string)\n}\nresource "aws_route53_zone" "z" {\n  name = var.domain\n}\n' +
        'resource "aws_route53_record" "spf" {\n  zone_id = aws_route53_zone.z.zone_id\n  name    = ""\n  type    = "TXT"\n  ttl     = 300\n  records = [var.spf]\n}\n' +
        'resource "aws_route53_record" "dkim" {\n  for_each = var.selectors\n  zone_id  = aws_route53_zone.z.zone_id\n  name     = "${each.key}._domainkey"\n  type     = "CNAME"\n  ttl      = 300\n  records  = [each.value]\n}\n';
      const file = path.join(dir, 'main.tf');
      fs.writeFileSync(file, main);
      fs.writeFileSync(path.join(dir, 'terraform.tfvars'), 'domain = "first.example"\nspf    = "v=spf1 include:_spf.google.com +all"\nselectors = {\n  google = "google.domainkey.x.example.net"\n}\n');
      let a = analyzeZone(main, file);
      assert.deepEqual(a.sites.map((x) => [x.site.owner, x.site.value]), [['first.example', 'v=spf1 include:_spf.google.com +all']]);
      assert.ok(a.zone.records.some((r) => r.type === 'CNAME' && r.owner === 'google._domainkey.first.example'));
      // The finding is on the reference: the value is written in terraform.tfvars, which DMARC Lens does not edit.
      const plus = a.findings.find((f) => f.rule === 'spf/plus-all')!;
      assert.equal(main.slice(plus.range.start, plus.range.end), 'var.spf');
      assert.equal(plus.fixes, undefined);
      // An *.auto.tfvars file is read after terraform.tfvars and wins.
      fs.writeFileSync(path.join(dir, 'prod.auto.tfvars'), 'domain = "second.example"\n');
      forgetTerraformFolder(dir);
      a = analyzeZone(main, file);
      assert.deepEqual(a.sites.map((x) => x.site.owner), ['second.example']);
      // Called from another folder with inputs, the module is not a root module: its tfvars do not apply.
      fs.mkdirSync(path.join(dir, 'root'));
      fs.writeFileSync(path.join(dir, 'root', 'main.tf'), 'module "m" {\n  source    = "../"\n  domain    = "called.example"\n  spf       = "v=spf1 -all"\n  selectors = {}\n}\n');
      const r = spawnSync(process.execPath, [CLI, 'inventory', dir, '--offline'], { encoding: 'utf8' });
      assert.match(r.stdout, /^called\.example$/m);
      assert.doesNotMatch(r.stdout, /second\.example/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a module called by a module gets what its caller is passed (domain = var.domain all the way down)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-tfnest-'));
    try {
      fs.mkdirSync(path.join(dir, 'a', 'b'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'main.tf'), 'module "one" {\n  source = "./a"\n  domain = "one.example"\n}\nmodule "two" {\n  source = "./a"\n  domain = "two.example"\n}\n');
      fs.writeFileSync(path.join(dir, 'a', 'main.tf'), 'variable "domain" {}\nmodule "b" {\n  source = "./b"\n  domain = "mail.${var.domain}"\n}\n');
      fs.writeFileSync(path.join(dir, 'a', 'b', 'main.tf'), 'variable "domain" {}\nresource "aws_route53_record" "spf" {\n  zone_id = "Z1"\n  name    = "${var.domain}."\n  type    = "TXT"\n  records = ["v=spf1 +all"]\n}\n');
      const r = spawnSync(process.execPath, [CLI, 'check', dir, '--offline', '--format', 'json'], { encoding: 'utf8' });
      const diags = (JSON.parse(r.stdout).files as { diagnostics: { rule: string; message: string }[] }[]).flatMap((f) => f.diagnostics);
      // Said of both domains the module text writes, once.
      const missing = diags.filter((d) => d.rule === 'dmarc/missing-record');
      assert.equal(missing.length, 1, JSON.stringify(missing));
      assert.match(missing[0].message, /^`mail\.one\.example` .* The same holds for mail\.two\.example: this text writes their record too\.$/);
      assert.equal(diags.filter((d) => d.rule === 'spf/plus-all').length, 1, 'the module text is one place: said once');
      assert.ok(!diags.some((d) => d.rule === 'source/not-static'), JSON.stringify(diags));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
