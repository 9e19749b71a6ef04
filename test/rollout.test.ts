/** The DMARC policy ladder in each style, applied through the source maps in zone, Terraform and CloudFormation files. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDmarc } from '../server/src/records/dmarc';
import { readReports, type ReportSummary } from '../server/src/reports/aggregate';
import { describe as evidenceText, evidenceOf, nextSteps, stageOf, verdict, type RolloutStyle } from '../server/src/rollout';
import { dmarcLenses, spfLensTitle } from '../server/src/features/lens';
import type { LookupTree } from '../server/src/spf/tree';
import { analyzeZone, mapFix, readZone } from '../server/src/service';
import { applyFix } from './helpers';
import { WorkspaceIndex } from '../server/src/workspace';

function walk(start: string, style: RolloutStyle, evidence?: ReportSummary): string[] {
  const seen = [start];
  let v = start;
  for (let i = 0; i < 10; i++) {
    const [step] = nextSteps(parseDmarc(v), evidence, style);
    if (!step) break;
    const edits = [...step.edits].sort((a, b) => b.range.start - a.range.start);
    for (const e of edits) v = v.slice(0, e.range.start) + e.newText + v.slice(e.range.end);
    seen.push(v);
  }
  return seen;
}

// Reports of the last 14 days, ending yesterday: recent evidence.
const RECENT = Math.floor(Date.now() / 1000) - 86400;
const good: ReportSummary = { reports: 12, messages: 30000, dmarcPass: 29800, passRate: 29800 / 30000, begin: RECENT - 14 * 86400, end: RECENT, reporters: ['google.com'], domains: ['example.com'], failingSources: [{ sourceIp: '192.0.2.9', messages: 200, headerFrom: 'example.com', dkimDomains: [], spfDomains: [] }] };

describe('the reports\' verdict', () => {
  const summary = (failing: number): ReportSummary => ({ reports: 1, messages: 100, dmarcPass: 100 - failing, passRate: (100 - failing) / 100, reporters: ['rx'], domains: ['example.com'], failingSources: failing ? [{ sourceIp: '198.51.100.9', messages: failing, headerFrom: 'example.com', dkimDomains: [], spfDomains: [] }] : [] });
  it('says whether the policy can move on, and at p=reject (enforced) that it is the last stage', () => {
    assert.match(verdict(summary(0), { p: 'none' }), /^Reports look clean \(100\.0% DMARC pass\): the domain can move to the next DMARC stage\.$/);
    assert.match(verdict(summary(10), { p: 'quarantine' }), /^Not yet: 1 source still fails DMARC .*before tightening the policy\.$/);
    assert.match(verdict(summary(0), { p: 'Reject' }), /^Reports look clean \(100\.0% DMARC pass\) at p=reject, the last stage: keep reading them/);
    assert.match(verdict(summary(10), { p: 'reject' }), /^At p=reject, 1 source fails DMARC with more than 2% of the messages \(198\.51\.100\.9\), and receivers reject that mail: authorise it if it is yours/);
    // p=reject on part of the mail, or in test mode, is not the last stage yet.
    for (const published of [{ p: 'reject', pct: 50 }, { p: 'reject', testing: 'y' }]) assert.match(verdict(summary(0), published), /can move to the next DMARC stage/, JSON.stringify(published));
    assert.match(verdict(summary(0)), /can move to the next DMARC stage/);
  });
});

describe('DMARC rollout ladder', () => {
  it('walks none -> quarantine (t=y) -> quarantine -> reject (t=y) -> reject in RFC 9989 style', () => {
    assert.deepEqual(walk('v=DMARC1; p=none; rua=mailto:d@example.com', 'rfc9989'), [
      'v=DMARC1; p=none; rua=mailto:d@example.com',
      'v=DMARC1; p=quarantine; t=y; np=reject; rua=mailto:d@example.com',
      'v=DMARC1; p=quarantine; np=reject; rua=mailto:d@example.com',
      'v=DMARC1; p=reject; t=y; np=reject; rua=mailto:d@example.com',
      'v=DMARC1; p=reject; np=reject; rua=mailto:d@example.com',
    ]);
  });

  it('adds pct=0 / pct=100 beside t in compatible style, and ramps pct in legacy style', () => {
    const c = walk('v=DMARC1; p=none; rua=mailto:d@example.com', 'compatible');
    assert.equal(c[1], 'v=DMARC1; p=quarantine; t=y; pct=0; np=reject; rua=mailto:d@example.com');
    assert.equal(c[2], 'v=DMARC1; p=quarantine; pct=100; np=reject; rua=mailto:d@example.com');
    const l = walk('v=DMARC1; p=none', 'legacy');
    assert.deepEqual(l.map((x) => /p=(\w+)(?:; pct=(\d+))?/.exec(x)!.slice(1).join(' ')), ['none ', 'quarantine 10', 'quarantine 25', 'quarantine 50', 'quarantine 100', 'reject 10', 'reject 25', 'reject 50', 'reject 100']);
  });

  it('in legacy style keeps t=y while pct ramps and drops it with pct=100, so the ladder ends enforced', () => {
    // Found by the property test: the pct ramp used to end at p=reject with RFC 9989's test mode still on.
    const l = walk('v=DMARC1; p=none; t=y', 'legacy');
    assert.deepEqual(l.slice(2, 5), ['v=DMARC1; p=quarantine; pct=25; t=y', 'v=DMARC1; p=quarantine; pct=50; t=y', 'v=DMARC1; p=quarantine; pct=100']);
    assert.equal(l[l.length - 1], 'v=DMARC1; p=reject; pct=100');
    assert.deepEqual(walk('v=DMARC1; p=reject; t=y', 'legacy'), ['v=DMARC1; p=reject; t=y', 'v=DMARC1; p=reject']);
    assert.deepEqual(walk('v=DMARC1; p=quarantine; t=y; pct=100', 'legacy').slice(0, 2), ['v=DMARC1; p=quarantine; t=y; pct=100', 'v=DMARC1; p=quarantine; pct=100']);
  });

  it('never gives overlapping edits: an insertion goes before a tag being removed where it starts', () => {
    const [step] = nextSteps(parseDmarc('v=DMARC1; p=reject; t=y'), undefined, 'compatible');
    assert.deepEqual(step.edits, [
      { range: { start: 18, end: 18 }, newText: '; pct=100' },
      { range: { start: 18, end: 23 }, newText: '' },
    ]);
    // No v= or p= to insert after: the new tags go before the pct tag being removed, not inside it.
    const [odd] = nextSteps(parseDmarc('pct=;'), undefined, 'rfc9989');
    assert.deepEqual(odd.edits.map((e) => [e.range.start, e.range.end]), [[0, 0], [0, 5]]);
  });

  it('shows the evidence, prefers the step only when reports are clean enough, and says when there are none', () => {
    const rec = parseDmarc('v=DMARC1; p=none');
    assert.match(nextSteps(rec, undefined)[0].title, /no aggregate reports for this domain/);
    assert.equal(nextSteps(rec, undefined)[0].preferred, false);
    const ok = nextSteps(rec, good)[0];
    assert.match(ok.title, /99\.3% DMARC pass over 30,000 messages in 14 days, 12 reports/);
    assert.equal(ok.preferred, true);
    const bad = nextSteps(rec, { ...good, failingSources: [{ ...good.failingSources[0], messages: 3000 }] })[0];
    assert.equal(bad.preferred, false);
    assert.match(bad.title, /still failing: 192\.0\.2\.9 \(10\.0%\)/);
  });

  for (const [name, file, text] of [
    ['zone file', 'example.com.zone', '$ORIGIN example.com.\n_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:d@example.com"\n'],
    ['Terraform', 'main.tf', 'resource "aws_route53_record" "d" {\n  name    = "_dmarc.example.com."\n  type    = "TXT"\n  records = ["v=DMARC1; p=none; rua=mailto:d@example.com"]\n}\n'],
    ['CloudFormation', 'template.yaml', 'Resources:\n  D:\n    Type: AWS::Route53::RecordSet\n    Properties:\n      Name: _dmarc.example.com.\n      Type: TXT\n      ResourceRecords: [\'"v=DMARC1; p=none; rua=mailto:d@example.com"\']\n'],
  ] as const)
    it(`walks every stage in a ${name}, each edit touching only its own bytes`, () => {
      let t: string = text;
      for (let i = 0; i < 4; i++) {
        const site = readZone(t, file).zone.sites.find((s) => s.value.startsWith('v=DMARC1'))!;
        const [step] = nextSteps(parseDmarc(site.value), good);
        const fixed = applyFix(t, mapFix(site, step));
        const lo = site.range.start;
        assert.equal(fixed.slice(0, lo), t.slice(0, lo));
        t = fixed;
        assert.ok(!analyzeZone(t, file).findings.some((f) => f.severity === 'error'), `no error after step ${i + 1}`);
      }
      assert.match(readZone(t, file).zone.sites[0].value, /^v=DMARC1; p=reject; np=reject; rua=/);
    });
});

describe('the evidence for a step', () => {
  const DAY = 86400;
  const newest = 1780000000;
  /** A one-day report ending `end`: `pass` messages pass DMARC, `fail` from 203.0.113.5 fail it. */
  const report = (id: string, end: number | undefined, pass: number, fail: number) => {
    const rec = (ip: string, n: number, r: string) => `<record><row><source_ip>${ip}</source_ip><count>${n}</count><policy_evaluated><disposition>none</disposition><dkim>${r}</dkim><spf>${r}</spf></policy_evaluated></row><identifiers><header_from>example.com</header_from></identifiers></record>`;
    const range = end === undefined ? '' : `<date_range><begin>${end - DAY + 1}</begin><end>${end}</end></date_range>`;
    return readReports(Buffer.from(`<feedback><report_metadata><org_name>rx</org_name><report_id>${id}</report_id>${range}</report_metadata><policy_published><domain>example.com</domain><p>none</p></policy_published>${rec('192.0.2.1', pass, 'pass')}${fail ? rec('203.0.113.5', fail, 'fail') : ''}</feedback>`), `${id}.xml`).reports[0];
  };

  it('reads the last 30 days of reports back from the newest: a sender fixed before them no longer holds the step back', () => {
    const reports = [report('old', newest - 45 * DAY, 100, 900), report('mid', newest - 29 * DAY, 1000, 0), report('new', newest, 1000, 0)];
    const s = evidenceOf(reports);
    assert.deepEqual([s.reports, s.messages, s.failingSources.length, s.leftOut], [2, 2000, 0, 1]);
    const said = evidenceText(s, newest + DAY);
    assert.deepEqual(said, { text: '100.0% DMARC pass over 2,000 messages in 30 days, 2 reports (the last 30 days; 1 older report left out)', blockers: 0 });
    assert.equal(nextSteps(parseDmarc('v=DMARC1; p=none'), s)[0].preferred, true);
    // Over all time, the old failures would have blocked it.
    assert.equal(nextSteps(parseDmarc('v=DMARC1; p=none'), evidenceOf([reports[0]]))[0].preferred, false);
  });

  it('a sender failing now is not diluted by months of clean mail before', () => {
    const reports = [...Array.from({ length: 6 }, (_, i) => report(`m${i}`, newest - (40 + 30 * i) * DAY, 100000, 0)), report('now', newest, 900, 100)];
    const s = evidenceOf(reports);
    assert.deepEqual([s.messages, s.leftOut, evidenceText(s, newest).blockers], [1000, 6, 1]);
  });

  it('counts reports without dates only when none has one', () => {
    assert.deepEqual([evidenceOf([report('a', undefined, 10, 0), report('b', undefined, 5, 5)]).messages, evidenceOf([report('a', undefined, 10, 0), report('b', newest, 5, 5)]).messages], [20, 10]);
  });

  it('says when the newest report is old, without holding the step back', () => {
    const s = evidenceOf([report('new', newest, 1000, 0)]);
    assert.equal(evidenceText(s, newest + 10 * DAY).text, '100.0% DMARC pass over 1,000 messages in 1 day, 1 report');
    assert.equal(evidenceText(s, newest + 50 * DAY).text, '100.0% DMARC pass over 1,000 messages in 1 day, 1 report; old: the newest report ended 50 days ago');
    assert.equal(evidenceText(s, newest + 50 * DAY).blockers, 0);
  });
});

describe('sources that are not yours, and forwarded mail', () => {
  const newest = 1780000000;
  /** One report: `records` as [source, count, DMARC result, policy override reasons]. */
  const report = (records: [string, number, 'pass' | 'fail', string[]?][]) =>
    readReports(
      Buffer.from(
        `<feedback><report_metadata><org_name>rx</org_name><report_id>1</report_id><date_range><begin>${newest - 86399}</begin><end>${newest}</end></date_range></report_metadata><policy_published><domain>example.com</domain><p>none</p></policy_published>${records
          .map(
            ([ip, n, r, reasons = []]) =>
              `<record><row><source_ip>${ip}</source_ip><count>${n}</count><policy_evaluated><disposition>none</disposition><dkim>${r}</dkim><spf>${r}</spf>${reasons.map((t) => `<reason><type>${t}</type></reason>`).join('')}</policy_evaluated></row><identifiers><header_from>example.com</header_from></identifiers></record>`,
          )
          .join('')}</feedback>`,
      ),
      'r.xml',
    ).reports[0];
  const spoofed = report([
    ['192.0.2.1', 900, 'pass'],
    ['203.0.113.66', 60, 'fail'],
    ['2001:db8:bad::7', 30, 'fail'],
    ['198.51.100.4', 10, 'fail'],
  ]);

  it('without reports.notOurs, a spoofing source holds the step back like any other', () => {
    const s = evidenceOf([spoofed]);
    const said = evidenceText(s, newest);
    assert.deepEqual(said, { text: '90.0% DMARC pass over 1,000 messages in 1 day, 1 report; still failing: 203.0.113.66 (6.0%), 2001:db8:bad::7 (3.0%)', blockers: 2 });
    assert.equal(nextSteps(parseDmarc('v=DMARC1; p=none'), s)[0].preferred, false);
  });

  it('sets aside the sources reports.notOurs lists (addresses and CIDR ranges, IPv4 and IPv6): shown, not counted', () => {
    const s = evidenceOf([spoofed], { notOurs: ['203.0.113.0/24', '2001:db8:bad::/48'] });
    assert.deepEqual(
      s.failingSources.map((f) => [f.sourceIp, f.aside]),
      [['203.0.113.66', 'not ours'], ['2001:db8:bad::7', 'not ours'], ['198.51.100.4', undefined]],
    );
    const said = evidenceText(s, newest);
    assert.deepEqual(said, { text: '90.0% DMARC pass over 1,000 messages in 1 day, 1 report; failing, not counted: 203.0.113.66 (6.0%, not ours by reports.notOurs), 2001:db8:bad::7 (3.0%, not ours by reports.notOurs)', blockers: 0 });
    const [step] = nextSteps(parseDmarc('v=DMARC1; p=none'), s);
    assert.equal(step.preferred, true);
    assert.match(verdict(s, { p: 'none' }), /^No source of yours fails DMARC with more than 2% of the messages \(90\.0% DMARC pass; failing, not counted: 203\.0\.113\.66 \(6\.0%, not ours by reports\.notOurs\), 2001:db8:bad::7 .*\): the domain can move to the next DMARC stage\.$/);
    // One listed, the other still holds it back.
    const one = evidenceOf([spoofed], { notOurs: ['203.0.113.66'] });
    assert.equal(evidenceText(one, newest).blockers, 1);
    assert.match(verdict(one, { p: 'none' }), /^Not yet: 1 source still fails DMARC .*\(2001:db8:bad::7\)/);
  });

  it('sets aside a source all of whose failing mail the receivers said was forwarded, not one with some', () => {
    const s = evidenceOf([
      report([
        ['192.0.2.1', 900, 'pass'],
        ['198.51.100.20', 50, 'fail', ['forwarded']],
        ['198.51.100.21', 20, 'fail', ['mailing_list']],
        ['198.51.100.21', 5, 'fail', ['trusted_forwarder', 'other']],
        ['198.51.100.22', 20, 'fail', ['forwarded']],
        ['198.51.100.22', 5, 'fail', ['local_policy']],
      ]),
    ]);
    // Gmail's ARC override (local_policy, comment arc=pass) is forwarding too; arc=fail is not.
    const arc = (comment: string) =>
      evidenceOf([
        readReports(
          Buffer.from(`<feedback><report_metadata><org_name>google.com</org_name><report_id>a</report_id></report_metadata><policy_published><domain>example.com</domain><p>none</p></policy_published><record><row><source_ip>209.85.220.41</source_ip><count>40</count><policy_evaluated><disposition>none</disposition><dkim>fail</dkim><spf>fail</spf><reason><type>local_policy</type><comment>${comment}</comment></reason></policy_evaluated></row><identifiers><header_from>example.com</header_from></identifiers></record></feedback>`),
          'arc.xml',
        ).reports[0],
      ]).failingSources[0].aside;
    assert.deepEqual([arc('arc=pass'), arc('arc=pass; as[2].d=lists.example.org'), arc('arc=fail'), arc('')], ['forwarded', 'forwarded', undefined, undefined]);
    assert.deepEqual(
      s.failingSources.map((f) => [f.sourceIp, f.messages, f.aside]),
      [['198.51.100.20', 50, 'forwarded'], ['198.51.100.21', 25, 'forwarded'], ['198.51.100.22', 25, undefined]],
    );
    assert.deepEqual(evidenceText(s, newest), {
      text: '90.0% DMARC pass over 1,000 messages in 1 day, 1 report; still failing: 198.51.100.22 (2.5%); failing, not counted: 198.51.100.20 (5.0%, forwarded, the receivers said), 198.51.100.21 (2.5%, forwarded, the receivers said)',
      blockers: 1,
    });
  });

  it('names no set-aside source among the legitimate-looking senders failing', () => {
    const text = `$ORIGIN example.com.\n_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:d@example.com"\n`;
    const rule = (notOurs?: string[]) => analyzeZone(text, 'example.com.zone', { reports: [spoofed], notOurs }).findings.filter((f) => f.rule === 'dmarc/reports-show-failing-senders');
    assert.match(rule()[0].message, /60 from 203\.0\.113\.66.*30 from 2001:db8:bad::7/);
    assert.deepEqual(rule(['203.0.113.0/24', '2001:db8::/32']), []);
  });
});

describe('code lens titles', () => {
  it('names the stage of each rung of the ladder, whatever style wrote it', () => {
    const stage = (v: string) => { const s = stageOf(parseDmarc(v)); return `${s.index} ${s.label}`; };
    assert.equal(stage('v=DMARC1; p=none'), '1 monitoring only (p=none)');
    // No p, or one receivers do not know: RFC 9989 receivers act as for none.
    assert.equal(stage('v=DMARC1; rua=mailto:d@example.com'), '1 monitoring only (p=none)');
    assert.equal(stage('v=DMARC1; p=block'), '1 monitoring only (p=none)');
    assert.equal(stage('v=DMARC1; p=Quarantine; t=y'), '2 p=quarantine in test mode (t=y)');
    assert.equal(stage('v=DMARC1; p=quarantine; pct=25'), '2 p=quarantine on pct=25 of failing mail at RFC 7489 receivers (RFC 9989 receivers ignore pct and enforce it all)');
    assert.equal(stage('v=DMARC1; p=quarantine; pct=100'), '3 p=quarantine, enforced');
    assert.equal(stage('v=DMARC1; p=reject; t=y; pct=0'), '4 p=reject in test mode (t=y)');
    assert.equal(stage('v=DMARC1; p=reject; pct=abc'), '5 p=reject, enforced');
  });

  it('says the next step and why it waits, or nothing at the last rung', () => {
    const lenses = (v: string, evidence: ReportSummary | undefined, style: RolloutStyle) => dmarcLenses(parseDmarc(v), evidence, nextSteps(parseDmarc(v), evidence, style)[0]);
    assert.equal(lenses('v=DMARC1; p=none', good, 'rfc9989').next?.title, 'Next: move to p=quarantine in test mode (t=y)');
    assert.equal(lenses('v=DMARC1; p=none', undefined, 'compatible').next?.title, 'Next: move to p=quarantine in test mode (t=y) with pct=0 for RFC 7489 receivers — no reports yet');
    const failing = { ...good, failingSources: [{ ...good.failingSources[0], messages: 3000 }, { ...good.failingSources[0], sourceIp: '192.0.2.10', messages: 1000 }] };
    assert.equal(lenses('v=DMARC1; p=reject; t=y', failing, 'rfc9989').next?.title, 'Next: enforce p=reject (drop t=y) — not yet: 2 sources still fail DMARC');
    const last = lenses('v=DMARC1; p=reject', good, 'rfc9989');
    assert.equal(last.status, 'DMARC stage 5/5: p=reject, enforced · 99.3% DMARC pass over 30,000 messages in 14 days, 12 reports');
    assert.equal(last.next, undefined);
  });

  it('counts lookups as a floor when parts are unknown or targets did not resolve, and flags the limit', () => {
    const tree = (lookups: number, voids: number, terms: LookupTree['tree']['terms']): LookupTree => ({ domain: 'example.com', lookups, voidLookups: voids, diagnostics: [], tree: { domain: 'example.com', record: 'v=spf1', terms, lookups } });
    assert.equal(spfLensTitle(tree(2, 0, []), false), 'SPF: 2/10 DNS lookups · show tree');
    assert.equal(spfLensTitle(tree(2, 0, []), true), 'SPF: at least 2/10 DNS lookups · show tree');
    assert.equal(spfLensTitle(tree(12, 3, []), false), 'SPF: 12/10 DNS lookups, 3 void (permerror) · show tree');
    const timedOut = { text: 'include:a.example', name: 'include', cost: 1, child: { domain: 'a.example', error: 'could not resolve: timeout', terms: [], lookups: 0 } };
    const missing = { text: 'include:b.example', name: 'include', cost: 1, void: true, child: { domain: 'b.example', error: 'the name does not exist', terms: [], lookups: 0 } };
    assert.equal(spfLensTitle(tree(2, 1, [timedOut, missing]), false), 'SPF: at least 2/10 DNS lookups, 1 void, 1 include not resolved · show tree');
  });
});

describe('stage 1 and the SPF merge', () => {
  const ws = () => new WorkspaceIndex();

  it('publishes a monitoring record with the zone\'s usual report address, and authorises it on the other domain in its own file', () => {
    const other = '$ORIGIN example.net.\n@ IN A 192.0.2.1\n';
    const index = ws();
    const p = readZone(other, 'example.net.zone');
    index.set('example.net.zone', p.zone.records, p.sites);
    const zone = '$ORIGIN example.org.\n@ IN TXT "v=spf1 mx -all" ; staff\n_dmarc.lab IN TXT "v=DMARC1; p=none; rua=mailto:reports@example.net"\n';
    const f = analyzeZone(zone, 'example.org.zone', { workspace: index }).findings.find((x) => x.rule === 'dmarc/missing-record')!;
    const [fix] = f.fixes!;
    assert.equal(fix.title, 'DMARC: publish _dmarc.example.org with p=none (monitoring), reports to reports@example.net and authorise it at example.org._report._dmarc.example.net');
    const here = fix.edits.filter((e) => e.uri === 'example.org.zone');
    const there = fix.edits.filter((e) => e.uri === 'example.net.zone');
    const fixed = applyFix(zone, { title: '', edits: here });
    assert.equal(fixed, zone.replace('; staff', '; staff\n_dmarc.example.org.\tIN TXT\t"v=DMARC1; p=none; rua=mailto:reports@example.net"'));
    assert.equal(applyFix(other, { title: '', edits: there }), other.replace('192.0.2.1', '192.0.2.1\nexample.org._report._dmarc.example.net.\tIN TXT\t"v=DMARC1"'));
    assert.deepEqual(analyzeZone(fixed, 'example.org.zone', { workspace: index }).findings.filter((x) => x.rule === 'dmarc/missing-record'), []);
  });

  it('uses an address on the domain itself when the zone has none (no authorisation needed)', () => {
    const zone = '$ORIGIN example.org.\n@ IN MX 10 mail\n';
    const f = analyzeZone(zone, 'example.org.zone').findings.find((x) => x.rule === 'dmarc/missing-record')!;
    assert.equal(applyFix(zone, f.fixes![0]), zone.replace('mail\n', 'mail\n_dmarc.example.org.\tIN TXT\t"v=DMARC1; p=none; rua=mailto:dmarc-reports@example.org"\n'));
  });

  it('reports the names of one Organizational Domain without DMARC once, with one record at the zone apex that covers them all', () => {
    const zone = '$ORIGIN example.org.\n@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\nshop IN TXT "v=spf1 mx -all"\nnews IN TXT "v=spf1 -all"\nmail IN MX 10 mx1\nmx1 IN A 192.0.2.25\n';
    const found = analyzeZone(zone, 'example.org.zone').findings.filter((x) => x.rule === 'dmarc/missing-record');
    assert.equal(found.length, 1);
    assert.match(found[0].message, /^3 names under `example\.org` publish SPF or MX with no DMARC record .*One record at `_dmarc\.example\.org` covers them all/);
    assert.equal(found[0].related?.length, 2);
    const fixed = applyFix(zone, found[0].fixes![0]);
    assert.match(fixed, /300\n_dmarc\.example\.org\.\tIN TXT\t"v=DMARC1; p=none; rua=mailto:dmarc-reports@example\.org"\nshop/);
    assert.deepEqual(analyzeZone(fixed, 'example.org.zone').findings.filter((x) => x.rule === 'dmarc/missing-record' || x.severity === 'error'), []);
  });

  it('merges two SPF records at one owner into the first, removing the second', () => {
    const zone = '$ORIGIN example.org.\nnews IN TXT "v=spf1 include:servers.mcsv.net ~all"\nnews IN TXT "v=spf1 include:sendgrid.net include:servers.mcsv.net -all"\nwww IN A 192.0.2.1\n';
    const f = analyzeZone(zone, 'example.org.zone').findings.find((x) => x.rule === 'spf/multiple-records' && x.fixes?.length)!;
    const fixed = applyFix(zone, f.fixes![0]);
    assert.equal(fixed, '$ORIGIN example.org.\nnews IN TXT "v=spf1 include:servers.mcsv.net include:sendgrid.net ~all"\n\nwww IN A 192.0.2.1\n');
    assert.deepEqual(analyzeZone(fixed, 'example.org.zone').findings.filter((x) => x.severity === 'error').map((x) => x.rule), []);
  });

  it('does not merge records in different files or formats', () => {
    const tf = 'resource "aws_route53_record" "a" {\n  zone_id = "Z"\n  name = "example.org"\n  type = "TXT"\n  records = ["v=spf1 -all", "v=spf1 mx -all"]\n}\n';
    const f = analyzeZone(tf, 'main.tf').findings.filter((x) => x.rule === 'spf/multiple-records');
    assert.ok(f.length >= 1);
    assert.ok(f.every((x) => !x.fixes?.length));
  });
});

describe('grouped sender alignment findings', () => {
  it('reports names of one Organizational Domain including the same platform once, with the others as related information', () => {
    const zone = '$ORIGIN example.org.\n@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:d@example.org"\na IN TXT "v=spf1 include:servers.mcsv.net -all"\nb IN TXT "v=spf1 include:servers.mcsv.net -all"\nc IN TXT "v=spf1 include:servers.mcsv.net -all"\n';
    const f = analyzeZone(zone, 'example.org.zone').findings.filter((x) => x.rule === 'spf/include-does-not-align');
    assert.equal(f.length, 1);
    assert.match(f[0].message, /^3 names under example\.org include Mailchimp \(a\.example\.org, b\.example\.org, c\.example\.org\) without its DKIM set-up/);
    assert.equal(f[0].related?.length, 2);
    const withDkim = zone + 'k2._domainkey IN CNAME dkim2.mcsv.net.\n';
    assert.deepEqual(analyzeZone(withDkim, 'example.org.zone').findings.filter((x) => x.rule === 'spf/include-does-not-align'), [], 'DKIM at the apex covers the subdomains (relaxed adkim)');
  });
});

describe('rollout edits on broken records', () => {
  it('removes two tags that share a separator in one edit, not two overlapping ones (pct=x;t=y;p=quarantine, found by the property test)', () => {
    const v = 'pct=x;t=y;p=quarantine';
    const [step] = nextSteps(parseDmarc(v), undefined, 'rfc9989');
    assert.match(step.title, /enforce p=quarantine \(drop t=y\)/);
    assert.deepEqual(step.edits, [{ range: { start: 0, end: 9 }, newText: '' }]);
  });
});
