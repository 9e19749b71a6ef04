/**
 * Values with parts not known statically (records/holes): a Terraform template such as
 * `"v=DMARC1; p=quarantine; pct=100; rua=mailto:dmarc@${var.domain}"` is checked around its
 * interpolation. Findings the unknown part could change are not kept: none on or beside the term that
 * holds it, none from a rule that judges the record as a whole (what it lacks, its length).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { analyzeZone } from '../../server/src/service';
import { HOLE, holeExtents } from '../../server/src/records/holes';
import { applyFix, covered, ROOT, rulesOf } from '../helpers';

const CLI = path.join(ROOT, 'dist', 'cli.js');
const runCli = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
import { spawnSync } from 'node:child_process';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-holes-'));
const file = path.join(dir, 'main.tf');

/** A Cloudflare record of `content` at `name` in a module whose zone is var.zone_id. */
const tf = (name: string, content: string) => `resource "cloudflare_record" "r" {\n  zone_id = var.zone_id\n  name    = "${name}"\n  type    = "TXT"\n  content = "${content}"\n}\n`;
const check = (text: string) => analyzeZone(text, file);

describe('record values with parts not known statically', () => {
  it('checks the DMARC tags around an unknown address, and fixes them where they are written', () => {
    const text = tf('_dmarc', 'v=DMARC1; p=none; pct=100; rua=mailto:dmarc@${var.domain}; fo=2');
    const a = check(text);
    assert.equal(a.sites.length, 1);
    assert.ok(a.sites[0].site.holes);
    assert.equal(a.sites[0].site.value, `v=DMARC1; p=none; pct=100; rua=mailto:dmarc@${HOLE}; fo=2`);
    const pct = a.findings.find((f) => f.rule === 'dmarc/pct-removed')!;
    assert.equal(covered(text, pct), 'pct=100');
    assert.equal(applyFix(text, pct.fixes![0]), text.replace('pct=100; ', ''));
    assert.equal(covered(text, a.findings.find((f) => f.rule === 'dmarc/policy-none')!), 'p=none');
    assert.equal(covered(text, a.findings.find((f) => f.rule === 'dmarc/invalid-value')!), '2');
    // The address is not judged (its domain is unknown), and neither is its `rua` tag.
    assert.ok(!a.findings.some((f) => f.rule === 'dmarc/invalid-uri' || f.rule === 'source/lookalike-character'), rulesOf(a.findings).join());
    const note = a.zone.problems.find((p) => p.code === 'source/not-static')!;
    assert.match(note.message, /contains \$\{var\.domain\}, which is not known statically; the rest of it is checked/);
    // Nothing shows the stand-in character.
    assert.ok(!a.findings.some((f) => f.message.includes(HOLE) || f.fixes?.some((x) => x.edits.some((e) => e.newText.includes(HOLE)))));
  });

  it('does not say what an unknown part could supply or change', () => {
    // It could end the record with `-all`, hold `rua`, be a valid policy, or a key.
    const spf = check(tf('@', 'v=spf1 include:_spf.google.com ${var.extra}'));
    assert.ok(!spf.findings.some((f) => f.rule === 'spf/no-all' || f.rule === 'spf/unknown-mechanism' || f.rule.startsWith('spf/syntax')), rulesOf(spf.findings).join());
    const policy = check(tf('_dmarc', 'v=DMARC1; p=${var.policy}'));
    assert.deepEqual(policy.findings.filter((f) => f.rule.startsWith('dmarc/')).map((f) => f.rule), []);
    const dkim = check(tf('sel._domainkey', 'v=DKIM1; k=rsa; p=${var.public_key}'));
    assert.deepEqual(dkim.findings.filter((f) => f.rule.startsWith('dkim/')).map((f) => f.rule), []);
    // It could be the `ruf` that `fo` needs.
    const fo = check(tf('_dmarc', 'v=DMARC1; p=reject; fo=1; rua=mailto:d@example.com; ${var.more_tags}'));
    assert.ok(!fo.findings.some((f) => f.rule === 'dmarc/fo-without-ruf'), rulesOf(fo.findings).join());
    // Glued to a known term, the term is not judged either: `-all${var.x}` may be `-all` or not.
    const glued = check(tf('@', 'v=spf1 +all${var.x}'));
    assert.ok(!glued.findings.some((f) => f.rule === 'spf/plus-all'));
  });

  it('still says what the known part settles', () => {
    const a = check(tf('@', 'v=spf1 ptr +all include:${var.provider}'));
    const text = tf('@', 'v=spf1 ptr +all include:${var.provider}');
    assert.equal(covered(text, a.findings.find((f) => f.rule === 'spf/plus-all')!), '+all');
    assert.equal(covered(text, a.findings.find((f) => f.rule === 'spf/ptr')!), 'ptr');
    // `include:${…}` after `all` is never reached, but it is the unknown term: not judged.
    assert.ok(!a.findings.some((f) => f.rule === 'spf/terms-after-all'));
    // The lookup tree and the include checks leave the unknown include alone.
    assert.ok(!a.findings.some((f) => f.rule.startsWith('spf/include')), rulesOf(a.findings).join());
  });

  it('leaves a value unchecked when what is written before the unknown part does not say what it is', () => {
    const a = check(tf('_dmarc', '${var.version}; p=none'));
    assert.equal(a.sites.length, 0);
    assert.match(a.zone.problems.find((p) => p.code === 'source/not-static')!.message, /contains \$\{var\.version\}, which is not known statically, so it is not checked/);
    // The `_dmarc` record exists all the same: the SPF beside it gets no dmarc/missing-record.
    const b = check(tf('_dmarc', '${var.version}; p=none') + tf('@', 'v=spf1 -all').replace('"r"', '"s"'));
    assert.ok(!b.findings.some((f) => f.rule === 'dmarc/missing-record'));
  });

  it('leaves a value with a `${` never closed unchecked, every range inside the file (found by the property test)', () => {
    const text = 'resource "aws_route53_record" "k" {\n  name = "sel._domainkey.example.com."\n  type = "TXT"\n  records = ["v=DKIM1; k=${{rsa; p=MIIB"]\n}\n';
    const a = check(text);
    assert.equal(a.sites.length, 0);
    // Terraform refuses it: said where the template opens.
    const e = a.zone.problems.find((p) => p.code === 'source/syntax-error')!;
    assert.equal(text.slice(e.range.start, e.range.end), '${');
    assert.match(e.message, /This `\$\{` is never closed with `\}`, so the string runs on past its line: Terraform refuses the file/);
    for (const f of a.findings) assert.ok(f.range.end <= text.length);
  });

  it('checks a CloudFormation !Sub or !Join around a part only a deployment knows', () => {
    const yaml = `Resources:
  Spf:
    Type: AWS::Route53::RecordSet
    Properties:
      HostedZoneName: example.com.
      Name: example.com.
      Type: TXT
      ResourceRecords:
        - !Join ['', ['"v=spf1 ptr include:', !GetAtt Mail.Domain, '"']]
        - !Join ['', ['"', !GetAtt Mail.Domain, ' -all"']]
  Dmarc:
    Type: AWS::Route53::RecordSet
    Properties:
      HostedZoneName: example.com.
      Name: _dmarc.example.com.
      Type: TXT
      ResourceRecords:
        - !Sub '"v=DMARC1; p=none; pct=100; rua=mailto:dmarc@\${AWS::URLSuffix}"'
`;
    const a = analyzeZone(yaml, path.join(dir, 'stack.yaml'));
    assert.deepEqual(a.sites.map((x) => [x.site.owner, x.site.value.replace(HOLE, '…'), x.site.holes]), [
      ['example.com', 'v=spf1 ptr include:…', true],
      ['_dmarc.example.com', 'v=DMARC1; p=none; pct=100; rua=mailto:dmarc@…', true],
    ]);
    assert.equal(covered(yaml, a.findings.find((f) => f.rule === 'spf/ptr')!), 'ptr');
    assert.equal(covered(yaml, a.findings.find((f) => f.rule === 'dmarc/pct-removed')!), 'pct=100');
    assert.ok(!a.findings.some((f) => f.rule === 'spf/no-all' || f.rule === 'dmarc/invalid-uri'), rulesOf(a.findings).join());
    // The second value starts with the unknown part: not checked, as before.
    const notes = a.zone.problems.filter((p) => p.code === 'source/not-static').map((p) => p.message);
    assert.ok(notes.some((m) => /computed \(!GetAtt\), so DMARC Lens cannot check it/.test(m)), notes.join('\n'));
    assert.ok(notes.some((m) => /contains \$\{AWS::URLSuffix\} \(known only at deploy time\), which is not known statically; the rest of it is checked/.test(m)), notes.join('\n'));
  });

  it('checks a template written in another file of the module (a local) around its unknown part, as a literal of unknown owner', () => {
    const mod = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-holes-local-'));
    const locals = 'locals {\n  dmarc = "v=DMARC1; p=none; pct=100; rua=mailto:d@${var.domain}"\n}\n';
    fs.writeFileSync(path.join(mod, 'locals.tf'), locals);
    const a = analyzeZone(locals, path.join(mod, 'locals.tf'));
    assert.equal(a.sites.length, 1);
    assert.ok(a.sites[0].site.holes);
    assert.ok(a.findings.some((f) => f.rule === 'dmarc/pct-removed'));
    // Before, the stand-in was read as part of the address: `d@` is not a valid e-mail address.
    assert.ok(!a.findings.some((f) => f.rule === 'dmarc/invalid-uri'), rulesOf(a.findings).join());
    fs.rmSync(mod, { recursive: true, force: true });
  });

  it('a sender profile does not take an unknown policy for an enforced one (sender/will-fail-dmarc stays a warning)', () => {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-holes-sender-'));
    const records = (policy: string) => `resource "aws_route53_record" "dmarc" {\n  zone_id = "Z1"\n  name    = "_dmarc.sndex.com"\n  type    = "TXT"\n  records = ["v=DMARC1; p=${policy}; rua=mailto:d@sndex.com"]\n}\n`;
    fs.writeFileSync(path.join(ws, '.dmarc-lens.json'), JSON.stringify({ domains: { 'sndex.com': { senders: [{ provider: 'sendgrid', from: 'sndex.com' }] } } }));
    const fail = (policy: string) => {
      fs.writeFileSync(path.join(ws, 'main.tf'), records(policy));
      const r = runCli(['check', ws, '--offline', '--format', 'json']);
      return JSON.parse(r.stdout).files.flatMap((f: { diagnostics: { rule: string; severity: string; message: string }[] }) => f.diagnostics).find((d: { rule: string }) => d.rule === 'sender/will-fail-dmarc');
    };
    assert.equal(fail('reject').severity, 'error');
    const unknown = fail('${var.policy}');
    assert.equal(unknown.severity, 'warning');
    assert.match(unknown.message, /whenever the policy at _dmarc\.sndex\.com enforces \(the record is not known statically: p=… at _dmarc\.sndex\.com\)/);
  });

  it('checks a value a Terraform function builds around arguments not known (format, join, concat, templatefile), fixes in place', () => {
    const r53 = (name: string, expr: string) => `resource "aws_route53_record" "r" {\n  zone_id = "Z1"\n  name    = "${name}"\n  type    = "TXT"\n  ttl     = 300\n  records = [${expr}]\n}\n`;
    const dmarc = r53('_dmarc.example.com', 'format("v=DMARC1; p=%s; pct=100; rua=mailto:dmarc@example.com; fo=2", var.policy)');
    const a = check(dmarc);
    assert.equal(a.sites[0].site.value, `v=DMARC1; p=${HOLE}; pct=100; rua=mailto:dmarc@example.com; fo=2`);
    assert.ok(a.sites[0].site.holes);
    const pct = a.findings.find((f) => f.rule === 'dmarc/pct-removed')!;
    assert.equal(covered(dmarc, pct), 'pct=100');
    assert.equal(applyFix(dmarc, pct.fixes![0]), dmarc.replace('pct=100; ', ''));
    assert.equal(covered(dmarc, a.findings.find((f) => f.rule === 'dmarc/invalid-value')!), '2');
    // The policy is not judged, nor is the record as a whole.
    assert.ok(!a.findings.some((f) => f.rule === 'dmarc/policy-none' || f.rule === 'dmarc/invalid-value' && covered(dmarc, f) !== '2' || f.rule === 'dmarc/missing-policy'), rulesOf(a.findings).join());
    assert.match(a.zone.problems.find((p) => p.code === 'source/not-static')!.message, /contains var\.policy, which is not known statically; the rest of it is checked/);

    const spf = r53('example.com', 'join(" ", concat(["v=spf1", "ptr"], [for i in var.includes : "include:${i}"], ["+all"]))');
    const b = check(spf);
    assert.equal(b.sites[0].site.value, `v=spf1 ptr ${HOLE} +all`);
    assert.equal(covered(spf, b.findings.find((f) => f.rule === 'spf/ptr')!), 'ptr');
    assert.equal(covered(spf, b.findings.find((f) => f.rule === 'spf/plus-all')!), '+all');
    assert.match(b.zone.problems.find((p) => p.code === 'source/not-static')!.message, /contains var\.includes/);

    // The same inside a template's interpolation: `"v=spf1 ${join(" ", concat([…], var.more, ["+all"]))}"`.
    const interp = tf('@', 'v=spf1 ${join(" ", concat(["ptr"], var.more, ["+all"]))}');
    const c = check(interp);
    assert.equal(c.sites[0]?.site.value, `v=spf1 ptr ${HOLE} +all`);
    assert.ok(rulesOf(c.findings).includes('spf/plus-all') && rulesOf(c.findings).includes('spf/ptr'), rulesOf(c.findings).join());
    assert.match(c.zone.problems.find((p) => p.code === 'source/not-static' && p.message.includes('var.more'))!.message, /contains var\.more, which is not known statically; the rest of it is checked/);

    // What is built before the first unknown part must say what record it is; otherwise nothing is checked, as before.
    const other = check(r53('example.com', 'format("%s include:x -all", var.version)'));
    assert.equal(other.sites.length, 0);
    assert.match(other.zone.problems.find((p) => p.code === 'source/not-static')!.message, /built from var\.version, which is not known statically, so it is not checked/);

    // templatefile(): a value the call passes that is not known is a hole; a name the call does not pass is not known at all.
    const tdir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-holes-tpl-'));
    fs.writeFileSync(path.join(tdir, 'dmarc.tpl'), 'v=DMARC1; p=rejet; rua=mailto:dmarc@${domain}');
    const tfile = path.join(tdir, 'main.tf');
    const passed = r53('_dmarc.example.com', 'templatefile("dmarc.tpl", { domain = var.domain })');
    fs.writeFileSync(tfile, passed);
    const t = analyzeZone(passed, tfile);
    assert.equal(t.sites[0]?.site.value, `v=DMARC1; p=rejet; rua=mailto:dmarc@${HOLE}`);
    assert.match(covered(passed, t.findings.find((f) => f.rule === 'dmarc/invalid-value')!), /^templatefile\(/);
    const missing = r53('_dmarc.example.com', 'templatefile("dmarc.tpl", { host = var.domain })');
    fs.writeFileSync(tfile, missing);
    assert.equal(analyzeZone(missing, tfile).sites.length, 0);
    fs.rmSync(tdir, { recursive: true, force: true });
  });

  it('checks each value a Terraform conditional may choose on its own, and counts one record of unknown value', () => {
    const text = `variable "report_email" {\n  default = ""\n}\nresource "aws_route53_record" "dmarc" {\n  zone_id = "Z1"\n  name    = "_dmarc.example.com"\n  type    = "TXT"\n  records = [\n    var.report_email == ""\n    ? "v=DMARC1; p=quarantine; pct=100"\n    : "v=DMARC1; p=quarantine; rua=mailto:\${var.report_email}"\n  ]\n}\nresource "aws_route53_record" "spf" {\n  zone_id = "Z1"\n  name    = "example.com"\n  type    = "TXT"\n  records = [var.enabled ? "v=spf1 ip4:192.0.2.1 +all" : var.strict ? "v=spf1 -all" : ""]\n}\n`;
    const a = check(text);
    assert.deepEqual(a.sites.map((x) => [x.site.owner, x.site.value, x.site.alternative]), [
      ['_dmarc.example.com', 'v=DMARC1; p=quarantine; pct=100', true],
      // The variable the condition tests is not read from its default ("" would make `rua=mailto:` wrong): a hole.
      ['_dmarc.example.com', `v=DMARC1; p=quarantine; rua=mailto:${HOLE}`, true],
      ['example.com', 'v=spf1 ip4:192.0.2.1 +all', true],
      ['example.com', 'v=spf1 -all', true],
    ]);
    const rules = rulesOf(a.findings);
    // Each value is checked: the first has no rua, its pct is fixed in place; the SPF value with +all is an error.
    assert.ok(rules.includes('dmarc/no-rua') && rules.includes('spf/plus-all'), rules.join());
    const pct = a.findings.find((f) => f.rule === 'dmarc/pct-removed')!;
    assert.equal(applyFix(text, pct.fixes![0]), text.replace('; pct=100', ''));
    assert.ok(!a.findings.some((f) => f.rule === 'dmarc/invalid-uri'), 'the tested variable is not its default');
    // One record at each name, its value not known: no "several records", and the domain has its DMARC record.
    assert.ok(!rules.some((r) => r.endsWith('/multiple-records') || r === 'dmarc/missing-record'), rules.join());
    const notes = a.zone.problems.filter((p) => p.code === 'source/not-static').map((p) => p.message);
    assert.ok(notes.some((m) => m.startsWith('This TXT value is one of 2 values chosen by `var.report_email == ""`')), notes.join('\n'));
    assert.ok(notes.some((m) => m.startsWith('This TXT value is one of 3 values chosen by `var.enabled`')), notes.join('\n'));
    // The inventory lists what the record may be, not each value as a record of its own.
    const idir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-holes-inv-'));
    fs.writeFileSync(path.join(idir, 'main.tf'), text);
    const inv = JSON.parse(runCli(['inventory', idir, '--format', 'json']).stdout).domains[0];
    assert.equal(inv.domain, 'example.com');
    assert.deepEqual(inv.dmarc.map((r: { value: string; policy?: string }) => [r.value, r.policy]), [['one of 2 values a condition chooses: v=DMARC1; p=quarantine; pct=100 | v=DMARC1; p=quarantine; rua=mailto:…', 'quarantine']]);
    assert.deepEqual(inv.spf.map((r: { value: string }) => r.value), ['one of 2 values a condition chooses: v=spf1 ip4:192.0.2.1 +all | v=spf1 -all']);
    fs.rmSync(idir, { recursive: true, force: true });
    // A long chain `c0 ? a : c1 ? b : … : z` is each of its values.
    let chain = '"v=spf1 -all"';
    for (let i = 0; i < 500; i++) chain = `var.c${i} ? "v=spf1 ip4:192.0.2.${i % 255} -all" : ${chain}`;
    const long = check(`resource "aws_route53_record" "r" {\n  zone_id = "Z"\n  name    = "example.com"\n  type    = "TXT"\n  records = [${chain}]\n}\n`);
    assert.equal(long.sites.length, 501);
    assert.ok(long.sites.every((x) => x.site.alternative));
    // A condition known statically chooses its value: the other is no record, nor a literal of its own.
    const each = `resource "aws_route53_record" "r" {\n  for_each = toset(["example.com", "example.org"])\n  zone_id  = "Z1"\n  name     = each.key\n  type     = "TXT"\n  records  = [each.key == "example.com" ? "v=spf1 -all" : "v=spf1 ?all"]\n}\n`;
    const e = check(each);
    assert.deepEqual(e.sites.map((x) => [x.site.owner, x.site.value, x.site.alternative]), [['example.com', 'v=spf1 -all', undefined], ['example.org', 'v=spf1 ?all', undefined]]);
    assert.ok(!e.zone.problems.some((p) => p.code === 'source/not-static'));
    // A local written true or false, or a module input a call passes, decides it too (not a variable's default).
    const local = check('locals {\n  enforce = false\n}\n' + `resource "aws_route53_record" "x" {\n  zone_id = "Z1"\n  name    = "_dmarc.example.org"\n  type    = "TXT"\n  records = [!local.enforce ? "v=DMARC1; p=none; rua=mailto:d@example.org" : "v=DMARC1; p=reject; rua=mailto:d@example.org"]\n}\n`);
    assert.deepEqual(local.sites.map((x) => [x.site.value, x.site.alternative]), [['v=DMARC1; p=none; rua=mailto:d@example.org', undefined]]);
    const mdir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-holes-mod-'));
    fs.mkdirSync(path.join(mdir, 'mail'));
    fs.writeFileSync(path.join(mdir, 'main.tf'), 'module "mail" {\n  source = "./mail"\n  strict = true\n}\n');
    fs.writeFileSync(path.join(mdir, 'mail', 'main.tf'), 'variable "strict" {\n  default = false\n}\nresource "aws_route53_record" "d" {\n  zone_id = "Z1"\n  name    = "_dmarc.example.net"\n  type    = "TXT"\n  records = [var.strict ? "v=DMARC1; p=rejet; rua=mailto:d@example.net" : "v=DMARC1; p=nnone; rua=mailto:d@example.net"]\n}\n');
    const called = JSON.parse(runCli(['check', mdir, '--offline', '--format', 'json']).stdout).files.flatMap((f: { diagnostics: { rule: string; message: string }[] }) => f.diagnostics.filter((d) => d.rule === 'dmarc/invalid-value').map((d) => d.message.split('`')[1]));
    assert.deepEqual(called, ['p=rejet'], 'the call passes strict = true: only that value is the record');
    const alone = JSON.parse(runCli(['check', path.join(mdir, 'mail'), '--offline', '--format', 'json']).stdout).files.flatMap((f: { diagnostics: { rule: string; message: string }[] }) => f.diagnostics.filter((d) => d.rule === 'dmarc/invalid-value').map((d) => d.message.split('`')[1]));
    assert.deepEqual(alone, ['p=rejet', 'p=nnone'], 'alone, the default does not decide: both values');
    fs.rmSync(mdir, { recursive: true, force: true });
    // Whatever the chosen value holds (here no mail record, or nothing), it is the record: nothing is said to be unknown.
    const other = check(each.replace('"v=spf1 -all"', '"google-site-verification=abc"').replace('"v=spf1 ?all"', '""'));
    assert.deepEqual(other.sites.map((x) => [x.site.owner, x.site.value]), [['example.com', 'google-site-verification=abc'], ['example.org', '']]);
    assert.ok(!other.zone.problems.some((p) => p.code === 'source/not-static'), other.zone.problems.map((p) => p.message).join('\n'));
  });

  it('checks each value a CloudFormation Fn::If may choose on its own, the parameters it tests not read from their defaults', () => {
    const yaml = `Parameters:
  ReportEmail:
    Type: String
    Default: ''
  Strict:
    Type: String
    Default: 'no'
Conditions:
  HasReportEmail: !Not [!Equals [!Ref ReportEmail, '']]
  IsStrict: !And [!Condition HasReportEmail, !Equals [!Ref Strict, 'yes']]
Resources:
  Dmarc:
    Type: AWS::Route53::RecordSet
    Properties:
      HostedZoneName: example.com.
      Name: _dmarc.example.com.
      Type: TXT
      ResourceRecords:
        - !If
          - IsStrict
          - !Sub '"v=DMARC1; p=reject; pct=100; rua=mailto:\${ReportEmail}"'
          - '"v=DMARC1; p=quarantine; pct=100"'
  Spf:
    Type: AWS::Route53::RecordSet
    Properties:
      HostedZoneName: example.com.
      Name: example.com.
      Type: TXT
      ResourceRecords:
        Fn::If: [HasReportEmail, ['"v=spf1 ptr -all"'], !Ref AWS::NoValue]
`;
    const a = analyzeZone(yaml, path.join(dir, 'template.yaml'));
    assert.deepEqual(a.sites.map((x) => [x.site.owner, x.site.value, x.site.alternative]), [
      ['_dmarc.example.com', `v=DMARC1; p=reject; pct=100; rua=mailto:${HOLE}`, true],
      ['_dmarc.example.com', 'v=DMARC1; p=quarantine; pct=100', true],
      ['example.com', 'v=spf1 ptr -all', true],
    ]);
    const rules = rulesOf(a.findings);
    assert.ok(rules.includes('spf/ptr') && rules.includes('dmarc/no-rua'), rules.join());
    assert.equal(a.findings.filter((f) => f.rule === 'dmarc/pct-removed').length, 2);
    assert.ok(!rules.some((r) => r === 'dmarc/invalid-uri' || r.endsWith('/multiple-records') || r === 'dmarc/missing-record'), rules.join());
    const notes = a.zone.problems.filter((p) => p.code === 'source/not-static').map((p) => p.message);
    assert.equal(notes.filter((m) => m.startsWith('This TXT value is chosen by a condition a deployment decides (Fn::If)')).length, 2, notes.join('\n'));
    assert.ok(notes.some((m) => m.includes('${ReportEmail} (a parameter the condition tests)')), notes.join('\n'));
  });

  it('marks the term around each hole, to the nearest space or semicolon', () => {
    assert.deepEqual(holeExtents(`v=spf1 a include:${HOLE} -all`), [{ start: 9, end: 18 }]);
    assert.deepEqual(holeExtents(`v=DMARC1; rua=mailto:a@${HOLE},mailto:b@${HOLE}; p=none`), [{ start: 10, end: 35 }]);
    assert.deepEqual(holeExtents('v=spf1 -all'), []);
  });

  it('does not call a record different from one whose value is partly unknown (zone/conflicting-definitions)', () => {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-holes-ws-'));
    fs.writeFileSync(path.join(ws, 'a.tf'), tf('_dmarc', 'v=DMARC1; p=reject; rua=mailto:dmarc@${var.domain}'));
    fs.writeFileSync(path.join(ws, 'b.tf'), tf('_dmarc', 'v=DMARC1; p=reject; rua=mailto:dmarc@example.com').replace('"r"', '"s"'));
    const r = runCli(['check', ws, '--offline', '--format', 'json']);
    const rules = JSON.parse(r.stdout).files.flatMap((f: { diagnostics: { rule: string }[] }) => f.diagnostics.map((d) => d.rule));
    assert.ok(!rules.includes('zone/conflicting-definitions'), rules.join());
    // With both values known and different, it is said.
    fs.writeFileSync(path.join(ws, 'a.tf'), tf('_dmarc', 'v=DMARC1; p=none; rua=mailto:dmarc@example.com'));
    const r2 = runCli(['check', ws, '--offline', '--format', 'json']);
    assert.ok(JSON.parse(r2.stdout).files.some((f: { diagnostics: { rule: string }[] }) => f.diagnostics.some((d) => d.rule === 'zone/conflicting-definitions')));
  });
});
