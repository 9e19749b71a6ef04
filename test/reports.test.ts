/** Aggregate report reading: every packaging, both schemas, tolerance, and clear failures. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { dedupeReports, readReports, readReportsAsync, summarize } from '../server/src/reports/aggregate';
import { reportStats, reportStatsSteps } from '../server/src/reports/stats';
import { workspaceSources } from '../server/src/reports/sources';
import { ChainResolver, WorkspaceResolver } from '../server/src/dns/chain';
import { WorkspaceIndex } from '../server/src/workspace';
import { readZone } from '../server/src/service';
import { previewModel, previewModelAsync } from '../server/src/reports/preview';
import { applyScope, describeScope, scopeFrom, whenOf } from '../server/src/reports/scope';
import { folderReports, ReportFileCache, ReportReader } from '../server/src/reports/files';
import type { AggregateReport } from '../server/src/reports/aggregate';
import type { FailureReport } from '../server/src/reports/failure';
import { CORPUS, ROOT } from './helpers';
import { spawnSync } from 'node:child_process';

const xml = (records: string, head = '<feedback>') => `  \n<?xml version="1.0"?>\n${head}<report_metadata><org_name> Example Receiver </org_name><report_id>r1</report_id><date_range><begin>1700000000</begin><end>1700086399</end></date_range></report_metadata><policy_published><domain>Example.com</domain><p>None</p></policy_published>${records}</feedback>`;
const rec = (ip: string, count: number, dkim: string, spf: string) =>
  `<record><row><source_ip>${ip}</source_ip><count>${count}</count><policy_evaluated><disposition>none</disposition><dkim>${dkim}</dkim><spf>${spf}</spf></policy_evaluated></row><identifiers><header_from>example.com</header_from></identifiers><auth_results><dkim><domain>example.com</domain><result>Pass</result></dkim><dkim><domain>esp.example</domain><result>pass</result></dkim><spf><domain>bounce.esp.example</domain><result>pass</result></spf></auth_results></record>`;

describe('aggregate reports', () => {
  it('reads XML tolerantly: padding, case, several auth results', () => {
    const r = readReports(Buffer.from(xml(rec('192.0.2.1', 5, 'Pass', 'fail') + rec('198.51.100.7', 3, 'fail', 'FAIL'))), 'a.xml');
    const rep = r.reports[0];
    assert.equal(rep.metadata.orgName, 'Example Receiver');
    assert.equal(rep.policy.domain, 'example.com');
    assert.equal(rep.policy.p, 'none');
    assert.equal(rep.records[0].dkim, 'pass');
    assert.equal(rep.records[0].dkimResults.length, 2);
    const s = summarize(r.reports);
    assert.deepEqual([s.messages, s.dmarcPass, s.failingSources[0].sourceIp], [8, 5, '198.51.100.7']);
  });

  it('unpacks gzip inside gzip, every zip member, and report e-mails; detects RFC 9990 by namespace', () => {
    const doc = Buffer.from(xml(rec('192.0.2.1', 1, 'pass', 'pass'), '<feedback xmlns="urn:ietf:params:xml:ns:dmarc-2.0">'));
    assert.equal(readReports(gzipSync(gzipSync(doc)), 'x.gz').reports[0].schema, 'rfc9990');
    const zip = zipSync({ 'a.xml': doc, 'b.xml': Buffer.from(xml(rec('192.0.2.2', 2, 'fail', 'fail'))) });
    assert.deepEqual(readReports(zip, 'r.zip').reports.map((r) => r.origin), ['r.zip!a.xml', 'r.zip!b.xml']);
    // Two members of one name (the archive format allows it): both are read, told apart in their origins.
    const twice = Buffer.from(zipSync({ 'a.xml': doc, 'b.xml': Buffer.from(xml(rec('192.0.2.2', 2, 'fail', 'fail'))) }));
    for (let i = twice.indexOf('b.xml'); i >= 0; i = twice.indexOf('b.xml', i)) twice.write('a.xml', i);
    const both = readReports(twice, 'r.zip');
    assert.deepEqual(both.reports.map((r) => [r.origin, r.records[0].sourceIp]), [
      ['r.zip!a.xml (member 1 of 2 with this name)', '192.0.2.1'],
      ['r.zip!a.xml (member 2 of 2 with this name)', '192.0.2.2'],
    ]);
    assert.deepEqual(both.failures, []);
    // A member stored with no name (seen in the corpus) is still named in the origin.
    assert.deepEqual(readReports(zipSync({ '': doc }), 'r.zip').reports.map((r) => r.origin), ['r.zip!(a member with no name)']);
    const eml = `From: dmarc@receiver.example\r\nSubject: Report\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="XX"\r\n\r\n--XX\r\nContent-Type: text/plain\r\n\r\nhello\r\n--XX\r\nContent-Type: application/zip; name="r.zip"\r\nContent-Transfer-Encoding: base64\r\n\r\n${Buffer.from(zip).toString('base64').replace(/.{76}/g, '$&\r\n')}\r\n--XX--\r\n`;
    assert.equal(readReports(Buffer.from(eml), 'r.eml').reports.length, 2);
  });

  it('says which date_range time is not a time, leaves it out, and still counts and previews the report', () => {
    const withRange = (begin: string, end: string) => Buffer.from(xml(rec('192.0.2.1', 2, 'pass', 'pass')).replace('<begin>1700000000</begin><end>1700086399</end>', `<begin>${begin}</begin><end>${end}</end>`));
    // Found by the property test: a begin past what a date can hold made the totals by day throw.
    const huge = readReports(withRange('999999999999999999991700000000', '1700086399'), 'h.xml').reports[0];
    assert.equal(huge.metadata.begin, undefined);
    assert.equal(huge.metadata.end, 1700086399);
    assert.deepEqual(huge.problems, ['date_range begin "999999999999999999991700000000" is not a time in seconds since 1970; it is left out of the report\'s dates']);
    assert.equal(reportStats([huge], { byIp: true }).messages, 2);
    // A time a date holds but whose year has more than four digits is no report's date either (its day would be "+255479-11").
    const far = readReports(withRange('1700000000', '8000000086399'), 'f.xml').reports[0];
    assert.deepEqual([far.metadata.begin, far.metadata.end, far.problems], [1700000000, undefined, ['date_range end "8000000086399" is not a time in seconds since 1970; it is left out of the report\'s dates']]);
    assert.equal(readReports(withRange('1700000000', '253402300799'), 'y.xml').reports[0].metadata.end, 253402300799);
    assert.equal(previewModel([huge], []).reports[0].begin, undefined);
    const words = readReports(withRange('yesterday', '-1'), 'w.xml').reports[0];
    assert.deepEqual([words.metadata.begin, words.metadata.end, words.problems.length], [undefined, undefined, 2]);
    // Padding and a fraction of a second, which some reporters write, are read; RFC 9990 says whole seconds.
    const loose = readReports(withRange(' 1700000000 ', '1700086399.75'), 'l.xml').reports[0];
    assert.deepEqual([loose.metadata.begin, loose.metadata.end, loose.problems], [1700000000, 1700086399, []]);
    // A time before DMARC existed (a reporter's placeholder: stalwart's legacy-reporter sample has 100 and 200) is said and left out too.
    const early = readReports(withRange('100', '1700086399'), 'early.xml').reports[0];
    assert.deepEqual([early.metadata.begin, early.metadata.end, early.problems], [undefined, 1700086399, ['date_range begin "100" (1970-01-01) is before DMARC existed (2012); it is left out of the report\'s dates']]);
  });

  it('skips a bad record, keeps the rest, and says precisely why a file is not a report', () => {
    const bad = xml(rec('192.0.2.1', 1, 'pass', 'pass') + '<record><row><count>4</count></row></record>');
    const r = readReports(Buffer.from(bad), 'b.xml').reports[0];
    assert.equal(r.records.length, 1);
    assert.match(r.problems[0], /record 2 skipped: no source_ip or header_from/);
    const cut = xml(rec('192.0.2.1', 1, 'pass', 'pass') + rec('192.0.2.2', 1, 'pass', 'pass'));
    const truncated = readReports(Buffer.from(cut.slice(0, cut.length - 200)), 't.xml').reports[0];
    assert.equal(truncated.records.length, 1);
    assert.match(truncated.problems[0], /breaks at line \d+, column \d+ \(truncated at byte \d+\).*1 records before it are kept/);
    assert.match(readReports(Buffer.alloc(0), 'e.xml').failures[0].message, /empty/);
    assert.match(readReports(Buffer.from('<?xml version="1.0"?><html></html>'), 'h.xml').failures[0].message, /root element is <html>/);
    assert.match(readReports(Buffer.from('hello world'), 'w.txt').failures[0].message, /not a DMARC report/);
  });

  it('says which parts every schema requires are missing, and reads a record nested 100 000 elements deep in linear time', () => {
    const none = readReports(Buffer.from('<?xml version="1.0"?><feedback><junk/></feedback>'), 'n.xml').reports[0];
    assert.deepEqual(none.problems, ['<feedback> has no <report_metadata>, <policy_published>, <record>: every aggregate report schema requires them; the reporter and the period are unknown; the policy applied is unknown; the report covers no mail']);
    const noRecords = readReports(Buffer.from(xml('')), 'r.xml').reports[0];
    assert.deepEqual(noRecords.problems, ['<feedback> has no <record>: every aggregate report schema requires it; the report covers no mail']);
    assert.deepEqual(readReports(Buffer.from(xml(rec('192.0.2.1', 1, 'pass', 'pass'))), 'ok.xml').reports[0].problems, []);
    // Unknown wrappers around a record's fields do not hide them (extensions nest that way), at any depth.
    const deep = xml(rec('192.0.2.1', 1, 'pass', 'pass').replace('<row>', `<row>${'<x>'.repeat(100000)}`).replace('</row>', `${'</x>'.repeat(100000)}</row>`));
    const r = readReports(Buffer.from(deep), 'd.xml').reports[0];
    assert.equal(r.records.length, 1);
    assert.equal(r.records[0].sourceIp, '192.0.2.1');
  });

  it('keeps a record whose source_ip is not an IP address, and says so', () => {
    const r = readReports(Buffer.from(xml(rec('192.0.2.1', 1, 'pass', 'pass') + rec('mail.example.net', 3, 'fail', 'fail') + rec('2001:db8::1', 1, 'pass', 'pass'))), 'ip.xml').reports[0];
    assert.equal(r.records.length, 3);
    assert.deepEqual(r.problems, ['record 2: source_ip "mail.example.net" is not an IP address; its 3 messages are counted, listed under that text']);
  });

  it('reads every report in the corpus, matching the record counts stalwart found', (t) => {
    const dir = path.join(CORPUS, 'dmarc-aggregate');
    if (!fs.existsSync(dir)) return t.skip(`corpus not present at ${dir}`);
    const files = fs.readdirSync(dir).filter((f) => !/\.(md|json)$/.test(f) && f !== 'schemas');
    let read = 0;
    for (const f of files) {
      const r = readReports(fs.readFileSync(path.join(dir, f)), f);
      t.diagnostic(`${f}: ${r.reports.map((x) => `${x.schema} ${x.records.length} records`).join(', ')}${r.failures.length ? ` FAILED: ${r.failures[0].message}` : ''}`);
      if (r.reports.length) read++;
      const expected = path.join(dir, f.replace(/\.(xml|eml)$/, '') + '.expected.json');
      if (fs.existsSync(expected)) {
        const e = JSON.parse(fs.readFileSync(expected, 'utf8'));
        assert.equal(r.reports[0].records.length, e.record.length, f);
        assert.equal(r.reports[0].metadata.reportId, String(e.report_metadata.report_id), f);
      }
    }
    assert.ok(read >= files.length - 1, `${read} of ${files.length} read`);
    const broken = readReports(fs.readFileSync(path.join(dir, 'parsedmarc_malformed_invalid-xml.xml')), 'bad');
    assert.ok(broken.failures.length + broken.reports.flatMap((x) => x.problems).length > 0);
  });
});

describe('report statistics', () => {
  const xml = (records: string, policy = '<p>none</p>', range = '<date_range><begin>1767225600</begin><end>1767484799</end></date_range>') =>
    `<feedback><report_metadata><org_name>rx</org_name><report_id>1</report_id>${range}</report_metadata><policy_published><domain>example.com</domain>${policy}</policy_published>${records}</feedback>`;
  const rec = (ip: string, n: number, dkim: string, spf: string, auth: string, from = 'example.com', disp = 'none', reason = '') =>
    `<record><row><source_ip>${ip}</source_ip><count>${n}</count><policy_evaluated><disposition>${disp}</disposition><dkim>${dkim}</dkim><spf>${spf}</spf>${reason}</policy_evaluated></row><identifiers><header_from>${from}</header_from></identifiers><auth_results>${auth}</auth_results></record>`;
  const dk = (d: string, r = 'pass') => `<dkim><domain>${d}</domain><result>${r}</result></dkim>`;
  const sp = (d: string, r = 'pass') => `<spf><domain>${d}</domain><result>${r}</result></spf>`;

  it('totals by day (a 3-day report spread exactly), service, IP and header-from, with SPF-only / DKIM-only / dispositions / overrides', async () => {
    const { reportStats } = await import('../server/src/reports/stats');
    const { reports } = readReports(
      Buffer.from(
        xml(
          rec('192.0.2.1', 100, 'pass', 'pass', dk('example.com') + sp('example.com')) +
            rec('198.2.129.12', 10, 'fail', 'fail', dk('mcsv.net') + sp('mail1.mcsv.net')) +
            rec('192.0.2.2', 5, 'pass', 'fail', dk('news.example.com') + sp('bounce.other.test'), 'news.example.com', 'none', '<reason><type>forwarded</type></reason>') +
            rec('203.0.113.9', 2, 'fail', 'fail', sp('spoof.test', 'fail'), 'example.com', 'quarantine'),
        ),
      ),
      'r.xml',
    );
    const s = reportStats(reports);
    assert.equal(s.messages, 117);
    assert.deepEqual([s.both, s.spfOnly, s.dkimOnly, s.neither], [100, 0, 5, 12]);
    assert.deepEqual(s.byDay.map((d) => [d.day, d.messages]), [['2026-01-01', 39], ['2026-01-02', 39], ['2026-01-03', 39]]);
    assert.equal(s.byDay.reduce((n, d) => n + d.pass, 0), 105);
    assert.deepEqual(s.byService.map((v) => [v.service, v.messages]), [['192.0.2.1', 100], ['Mailchimp', 10], ['192.0.2.2', 5], ['203.0.113.9', 2]]);
    assert.match(s.byService[1].publish!, /k2\._domainkey/);
    assert.deepEqual(s.byHeaderFrom.map((h) => [h.domain, h.messages]), [['example.com', 112], ['news.example.com', 5]]);
    assert.deepEqual(s.dispositions, { none: 115, quarantine: 2 });
    assert.deepEqual(s.overrides, { forwarded: 5 });
    assert.equal(s.disagreementCount, 0);
  });

  it('recomputes alignment under the published adkim/aspf and flags reporters that disagree', async () => {
    const { reportStats } = await import('../server/src/reports/stats');
    // Strict DKIM: d=news.example.com does not align with example.com, yet the reporter says pass.
    const { reports } = readReports(Buffer.from(xml(rec('192.0.2.5', 7, 'pass', 'fail', dk('news.example.com') + sp('example.com', 'fail')), '<adkim>s</adkim><p>none</p>')), 'r.xml');
    const s = reportStats(reports);
    assert.equal(s.disagreementCount, 1);
    assert.deepEqual(s.disagreements[0].computed, { dkim: 'fail', spf: 'fail' });
    assert.deepEqual(s.disagreements[0].reported, { dkim: 'pass', spf: 'fail' });
  });

  it('leaves to a tree-walk reporter (RFC 9990 discovery_method) the relaxed alignment of two names of one registrable domain', async () => {
    const { reportStats } = await import('../server/src/reports/stats');
    // From news.example.com, signed d=example.com: relaxed-aligned by the public suffix list, not if news.example.com publishes psd=n.
    const row = rec('192.0.2.5', 7, 'fail', 'fail', dk('example.com') + sp('example.com', 'fail'), 'news.example.com');
    const walk = reportStats(readReports(Buffer.from(xml(row, '<p>none</p><discovery_method>treewalk</discovery_method>')), 'r.xml').reports);
    assert.equal(walk.disagreementCount, 0);
    const psl = reportStats(readReports(Buffer.from(xml(row, '<p>none</p><discovery_method>psl</discovery_method>')), 'r.xml').reports);
    assert.equal(psl.disagreementCount, 1);
    assert.deepEqual(psl.disagreements[0].computed, { dkim: 'pass', spf: 'fail' });
    // A pair that is the same name, or of two registrable domains, is still judged.
    const other = rec('192.0.2.6', 3, 'pass', 'fail', dk('example.net') + sp('example.com', 'fail'), 'news.example.com');
    assert.equal(reportStats(readReports(Buffer.from(xml(other, '<p>none</p><discovery_method>treewalk</discovery_method>')), 'r.xml').reports).disagreementCount, 1);
  });

  it('counts a source the reporter aligned on its HELO name (a bounce: null MAIL FROM) as SPF-aligned, not as DMARC pass with no aligned identifier', async () => {
    const { reportStats } = await import('../server/src/reports/stats');
    const helo = (d: string, r = 'pass') => `<spf><domain>${d}</domain><scope>helo</scope><result>${r}</result></spf>`;
    const { reports } = readReports(
      Buffer.from(xml(rec('192.0.2.7', 4, 'fail', 'pass', helo('example.com')) + rec('192.0.2.8', 2, 'fail', 'fail', helo('example.com', 'none')) + rec('192.0.2.9', 3, 'fail', 'fail', sp('bounce.example.com') + helo('example.com')))),
      'r.xml',
    );
    const s = reportStats(reports);
    const by = new Map(s.byService.map((v) => [v.service, v]));
    assert.deepEqual([by.get('192.0.2.7')!.pass, by.get('192.0.2.7')!.spfAligned, by.get('192.0.2.7')!.dkimAligned], [4, 4, 0]);
    assert.deepEqual([by.get('192.0.2.8')!.pass, by.get('192.0.2.8')!.spfAligned], [0, 0]);
    // A MAIL FROM result is judged on its own: bounce.example.com aligns (relaxed), so the reporter's "fail" is a disagreement.
    assert.equal(by.get('192.0.2.9')!.spfAligned, 3);
    assert.equal(s.disagreementCount, 1);
  });

  it('the CLI gives the same numbers in JSON, with the statistics in the summary', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'report', path.join(ROOT, 'examples', 'reports'), '--format', 'json'], { encoding: 'utf8' });
    const j = JSON.parse(r.stdout);
    assert.equal(j.summary.messages, 2156);
    assert.deepEqual(j.summary.byService.map((v: { service: string; messages: number }) => [v.service, v.messages]), [['192.0.2.25', 1840], ['Mailchimp', 312], ['203.0.113.66', 4]]);
    assert.deepEqual(j.summary.byDay, [{ day: '2025-11-25', messages: 2156, pass: 1840 }]);
  });
});

describe('a report kept twice is counted once', () => {
  const doc = xml(rec('192.0.2.1', 5, 'pass', 'pass') + rec('198.51.100.7', 3, 'fail', 'fail'));
  it('by reporter, report ID, domain and range: the .xml beside its .gz and .zip, a resend; not a report of another ID, reporter or day, nor one without an ID', () => {
    const reports = [
      ...readReports(Buffer.from(doc), 'r.xml').reports,
      ...readReports(gzipSync(Buffer.from(doc)), 'r.xml.gz').reports,
      ...readReports(zipSync({ 'r.xml': Buffer.from(doc.replace('Example Receiver', 'EXAMPLE receiver')) }), 'r.zip').reports,
      ...readReports(Buffer.from(doc.replace('<report_id>r1<', '<report_id>r2<')), 'other-id.xml').reports,
      ...readReports(Buffer.from(doc.replace('Example Receiver', 'Other Receiver')), 'other-org.xml').reports,
      ...readReports(Buffer.from(doc.replace('<begin>1700000000</begin>', '<begin>1700000001</begin>')), 'other-range.xml').reports,
      ...readReports(Buffer.from(doc.replace('<report_id>r1</report_id>', '<report_id> </report_id>')), 'no-id-1.xml').reports,
      ...readReports(Buffer.from(doc.replace('<report_id>r1</report_id>', '')), 'no-id-2.xml').reports,
    ];
    const { reports: unique, duplicates } = dedupeReports(reports);
    assert.deepEqual(unique.map((r) => r.origin), ['r.xml', 'other-id.xml', 'other-org.xml', 'other-range.xml', 'no-id-1.xml', 'no-id-2.xml']);
    assert.deepEqual(duplicates, [
      { origin: 'r.xml.gz (gunzipped)', of: 'r.xml', orgName: 'Example Receiver', reportId: 'r1' },
      { origin: 'r.zip!r.xml', of: 'r.xml', orgName: 'EXAMPLE receiver', reportId: 'r1' },
    ]);
    assert.equal(summarize(unique).messages, 6 * 8);
    // The preview counts it once and says so among its notes.
    const m = previewModel(reports, []);
    assert.equal(m.summary.messages, 48);
    assert.equal(m.reports.length, 6);
    assert.deepEqual(m.duplicates?.map((d) => d.message), [
      'the same report as r.xml (Example Receiver, report ID r1): counted once',
      'the same report as r.xml (EXAMPLE receiver, report ID r1): counted once',
    ]);
  });

  it('keeps the whole copy when another was cut short by broken XML', () => {
    const cut = doc.slice(0, doc.indexOf('<record>', doc.indexOf('</record>')) + 20);
    const broken = readReports(Buffer.from(cut), 'cut.xml').reports;
    assert.equal(broken[0].records.length, 1);
    const { reports: unique, duplicates } = dedupeReports([...broken, ...readReports(Buffer.from(doc), 'whole.xml').reports]);
    assert.deepEqual([unique.map((r) => [r.origin, r.records.length]), duplicates.map((d) => [d.origin, d.of])], [[['whole.xml', 2]], [['cut.xml', 'whole.xml']]]);
  });

  it('the CLI says which file is a copy of which, in text and JSON, and counts it once', () => {
    const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'dl-dup-'));
    try {
      fs.writeFileSync(path.join(dir, 'a.xml'), doc);
      fs.writeFileSync(path.join(dir, 'a.xml.gz'), gzipSync(Buffer.from(doc)));
      const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'report', dir, ...args], { encoding: 'utf8' });
      const text = cli();
      assert.equal(text.status, 0, text.stderr);
      assert.match(text.stdout, /a\.xml\.gz \(gunzipped\): the same report as \S+a\.xml \(Example Receiver, report ID r1\): counted once\n/);
      assert.match(text.stdout, /^1 report from 1 reporter for example\.com: 8 messages, DMARC pass 62\.5%$/m);
      const j = JSON.parse(cli('--format', 'json').stdout);
      assert.deepEqual(j.reports.map((r: { file: string; duplicateOf?: string }) => [path.basename(r.file), r.duplicateOf && path.basename(r.duplicateOf)]), [['a.xml', undefined], ['a.xml.gz (gunzipped)', 'a.xml']]);
      assert.equal(j.summary.messages, 8);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('dmarc-lens report --domain, --since, --until', () => {
  it('keeps the reports for the domains asked whose dates overlap the span, and says how many it left out', () => {
    const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'dl-filter-'));
    try {
      // One day each: example.com on 2023-11-14 and 2023-11-20, example.net on 2023-11-14.
      const day = (domain: string, id: string, begin: number) =>
        xml(rec('192.0.2.1', 5, 'pass', 'pass')).replace('<report_id>r1<', `<report_id>${id}<`).replace('<begin>1700000000</begin><end>1700086399</end>', `<begin>${begin}</begin><end>${begin + 86399}</end>`).replace('<domain>Example.com</domain>', `<domain>${domain}</domain>`);
      fs.writeFileSync(path.join(dir, 'a.xml'), day('example.com', 'a', 1699920000));
      fs.writeFileSync(path.join(dir, 'b.xml'), day('example.com', 'b', 1700438400));
      fs.writeFileSync(path.join(dir, 'c.xml'), day('example.net', 'c', 1699920000));
      const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'report', dir, ...args], { encoding: 'utf8' });
      const json = (...args: string[]) => JSON.parse(cli(...args, '--format', 'json').stdout);
      const ids = (j: { reports: { reportId: string }[] }) => j.reports.map((r) => r.reportId).sort();
      assert.deepEqual(ids(json('--domain', 'EXAMPLE.com.')), ['a', 'b']);
      assert.deepEqual(ids(json('--since', '2023-11-15')), ['b']);
      assert.deepEqual(ids(json('--until', '2023-11-14')), ['a', 'c']);
      assert.deepEqual(ids(json('--domain', 'example.com,example.net', '--since', '2023-11-14', '--until', '2023-11-14')), ['a', 'c']);
      const j = json('--domain', 'example.net');
      assert.deepEqual([j.summary.reports, j.summary.messages, j.summary.leftOut], [1, 5, 2]);
      const text = cli('--domain', 'example.com', '--since', '2023-11-15');
      assert.equal(text.status, 0, text.stderr);
      assert.match(text.stdout, /^2 reports outside --domain example\.com --since 2023-11-15 left out$/m);
      assert.match(text.stdout, /^1 report from 1 reporter for example\.com: 5 messages/m);
      // Without the options, nothing is said of filtering.
      assert.doesNotMatch(cli().stdout, /left out/);
      for (const bad of ['2023-02-30', 'yesterday', '10'])
        assert.match(cli('--since', bad).stderr, new RegExp(`--since wants a date \\(YYYY-MM-DD, UTC\\) or a number of days back \\(30d\\), got "${bad}"`));
      assert.equal(cli('--since', '10').status, 2);
      // The saved HTML page carries what it was made of: every domain and the whole span, and the choice.
      const html = cli('--domain', 'example.net', '--format', 'html').stdout;
      const model = JSON.parse(/<script type="application\/json" id="model">(.*?)<\/script>/s.exec(html)![1]);
      assert.deepEqual(model.scope, { domains: ['example.com', 'example.net'], begin: 1699920000, end: 1700438400 + 86399, applied: { domains: ['example.net'] }, leftOut: 2 });
      assert.deepEqual(model.summary.domains, ['example.net']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a reader asked again reads only the files that changed, forgets those gone, and says what it cannot read', async () => {
    const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'dl-reader-'));
    try {
      fs.writeFileSync(path.join(dir, 'a.xml'), xml(rec('192.0.2.1', 5, 'pass', 'pass')));
      fs.writeFileSync(path.join(dir, 'b.xml'), xml(rec('192.0.2.2', 7, 'pass', 'pass')).replace('<report_id>r1<', '<report_id>r2<'));
      const reader = new ReportReader();
      const first = await reader.read(dir);
      assert.deepEqual(first.reports.map((r) => r.origin).sort(), ['a.xml', 'b.xml']);
      const again = await reader.read(dir);
      assert.ok(again.reports.every((r) => first.reports.includes(r)), 'unchanged files are not parsed again');
      fs.writeFileSync(path.join(dir, 'b.xml'), xml(rec('192.0.2.2', 9, 'pass', 'pass')).replace('<report_id>r1<', '<report_id>r2<') + '\n');
      fs.rmSync(path.join(dir, 'a.xml'));
      const changed = await reader.read(dir);
      assert.deepEqual(changed.reports.map((r) => [r.origin, r.records[0].count]), [['b.xml', 9]]);
      assert.deepEqual((await reader.read(path.join(dir, 'none'))).failures.map((f) => f.message), ['cannot read: ENOENT']);
      fs.rmSync(path.join(dir, 'b.xml'));
      assert.deepEqual((await reader.read(dir)).failures.map((f) => f.message), ['no .xml, .gz, .zip, .eml or .mbox files in this folder']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads a large report a slice at a time, pausing between slices, to the same result as at once', async () => {
    // 3 000 records, a source name with an astral character (a surrogate pair) and CRLF line ends, so slices fall everywhere.
    const records = Array.from({ length: 3000 }, (_, i) => rec(`192.0.${i >> 8}.${i & 255}`, i + 1, i % 3 ? 'pass' : 'fail', 'pass').replace('</source_ip>', '</source_ip>\r\n<!-- 😀 -->')).join('\r\n');
    const bytes = Buffer.from(xml(records));
    assert.ok(bytes.length > 3 * 256 * 1024, `${bytes.length} bytes: several slices`);
    const once = readReports(bytes, 'big.xml');
    let pauses = 0;
    const sliced = await readReportsAsync(bytes, 'big.xml', {}, async () => void pauses++);
    assert.ok(pauses >= 3, `${pauses} pauses`);
    assert.deepEqual(sliced, once);
    assert.equal(sliced.reports[0].records.length, 3000);
    // The event loop runs between slices: a timer set before the reading fires before it ends.
    let fired = false;
    setTimeout(() => (fired = true), 0);
    const reading = readReportsAsync(bytes, 'big.xml').then(() => fired);
    assert.equal(await reading, true);
    // A broken document says where it breaks, sliced or not.
    const cut = bytes.subarray(0, bytes.length - 300);
    assert.deepEqual((await readReportsAsync(cut, 'cut.xml')).reports[0].problems, readReports(cut, 'cut.xml').reports[0].problems);
  });

  it('sums up and builds the preview of many records a slice at a time, to the same model as at once', async () => {
    const records = Array.from({ length: 25000 }, (_, i) => rec(`198.51.${(i >> 8) & 255}.${i & 255}`, 1 + (i % 7), i % 5 ? 'pass' : 'fail', i % 3 ? 'pass' : 'fail')).join('');
    const { reports } = readReports(Buffer.from(xml(records)), 'many.xml');
    const steps = reportStatsSteps(reports);
    let yields = 0;
    let r = steps.next();
    for (; !r.done; r = steps.next()) yields++;
    assert.equal(yields, 2, '25 000 records: a pause after each 10 000');
    assert.deepEqual(r.value, reportStats(reports));
    let fired = false;
    setTimeout(() => (fired = true), 0);
    const model = await previewModelAsync(reports, []);
    assert.ok(fired, 'a timer set before ran while the model was built');
    assert.deepEqual(model, previewModel(reports, []));
    assert.equal(model.rows.length, 25000);
  });

  it('two readers of one unchanged file wait for the same reading', async () => {
    const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'dl-cache-'));
    try {
      const file = path.join(dir, 'a.xml');
      fs.writeFileSync(file, xml(rec('192.0.2.1', 5, 'pass', 'pass')));
      const cache = new ReportFileCache();
      const [a, b] = await Promise.all([cache.readAsync(file, 'a.xml'), cache.readAsync(file, 'a.xml')]);
      assert.equal(a, b);
      assert.equal(await cache.readAsync(file, 'a.xml'), a);
      assert.equal(cache.read(file, 'a.xml'), a);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the workspace’s report folders: each by its globs, a report kept twice counted once, and read again only where files changed', () => {
    const tmp = require('node:os').tmpdir();
    const one = fs.mkdtempSync(path.join(tmp, 'dl-folders-a-'));
    const two = fs.mkdtempSync(path.join(tmp, 'dl-folders-b-'));
    try {
      fs.mkdirSync(path.join(one, 'reports'));
      fs.writeFileSync(path.join(one, 'reports', 'a.xml'), xml(rec('192.0.2.1', 5, 'pass', 'pass')));
      // The same report again, zipped beside it: evidence once.
      fs.writeFileSync(path.join(one, 'reports', 'a.zip'), zipSync({ 'a.xml': Buffer.from(xml(rec('192.0.2.1', 5, 'pass', 'pass'))) }));
      fs.writeFileSync(path.join(one, 'elsewhere.xml'), xml(rec('192.0.2.9', 1, 'pass', 'pass')).replace('<report_id>r1<', '<report_id>r9<'));
      fs.writeFileSync(path.join(two, 'b.xml'), xml(rec('192.0.2.2', 7, 'pass', 'pass')).replace('<report_id>r1<', '<report_id>r2<'));
      fs.writeFileSync(path.join(two, 'broken.xml.gz'), 'not gzip');
      const warned: string[] = [];
      const cache = new ReportFileCache();
      // The first folder's globs keep only its reports/ folder.
      const globsOf = (folder: string) => (folder === one ? ['reports/**'] : undefined);
      const read = () => folderReports([one, two], globsOf, (file, message) => warned.push(`${path.basename(file)}: ${message}`), cache);
      const first = read();
      assert.deepEqual(first.reports.map((r) => [path.basename(r.origin), r.records[0].count]).sort(), [['a.xml', 5], ['b.xml', 7]]);
      const again = read();
      assert.ok(again.reports.every((r) => first.reports.includes(r)), 'unchanged files are not parsed again');
      fs.writeFileSync(path.join(two, 'b.xml'), xml(rec('192.0.2.2', 8, 'pass', 'pass')).replace('<report_id>r1<', '<report_id>r2<') + '\n');
      fs.rmSync(path.join(one, 'reports', 'a.zip'));
      const third = read();
      assert.deepEqual(third.reports.map((r) => [path.basename(r.origin), r.records[0].count]).sort(), [['a.xml', 5], ['b.xml', 8]]);
      assert.ok(third.reports.some((r) => first.reports.includes(r)) && !third.reports.every((r) => first.reports.includes(r)), 'only the changed file is read again');
      assert.deepEqual(warned, []);
    } finally {
      fs.rmSync(one, { recursive: true, force: true });
      fs.rmSync(two, { recursive: true, force: true });
    }
  });

  it('one scope for every front end: domains in any case, spans that overlap, undated reports, failure reports by arrival', () => {
    const agg = (domain: string, begin?: number, end?: number) => ({ policy: { domain }, metadata: { begin, end } }) as unknown as AggregateReport;
    const fail = (domains: string[], arrivalDate?: number) => ({ reportedDomain: domains, arrivalDate }) as unknown as FailureReport;
    const reports = [agg('Example.COM.', 100, 199), agg('example.net', 200, 299), agg('example.org'), agg('example.com', 300)];
    const failures = [fail(['shop.example.com'], 250), fail(['example.net'])];
    const all = applyScope(reports, failures, undefined);
    assert.deepEqual([all.reports.length, all.failureReports.length, all.leftOut, all.domains, all.begin, all.end], [4, 2, 0, ['example.com', 'example.net', 'example.org', 'shop.example.com'], 100, 300]);
    assert.deepEqual(applyScope(reports, failures, { domains: [] }).leftOut, 0, 'an empty list of domains asks for nothing');
    const com = applyScope(reports, failures, { domains: ['EXAMPLE.com'] });
    assert.deepEqual([com.reports.map((r) => r.metadata.begin), com.failureReports.length, com.leftOut], [[100, 300], 0, 4]);
    // A span keeps what overlaps it, and leaves out what cannot be placed (no dates).
    const span = applyScope(reports, failures, { since: 199, until: 250 });
    assert.deepEqual([span.reports.map((r) => r.policy.domain), span.failureReports.map((f) => f.reportedDomain[0]), span.leftOut], [['Example.COM.', 'example.net'], ['shop.example.com'], 3]);
    assert.deepEqual(applyScope(reports, failures, { since: 300 }).reports.map((r) => r.metadata.begin), [300], 'a report with a begin and no end is placed at its begin');
    assert.equal(describeScope({ domains: ['Example.com.'], since: 1699920000, until: 1699920000 + 86399 }), '--domain example.com --since 2023-11-14 --until 2023-11-14');
    assert.equal(whenOf('2026-11-01', false), Date.UTC(2026, 10, 1) / 1000);
    assert.equal(whenOf('2026-11-01', true), Date.UTC(2026, 10, 1) / 1000 + 86399);
    assert.equal(whenOf('30d', false, Date.UTC(2026, 10, 30)), Date.UTC(2026, 9, 31) / 1000);
    assert.deepEqual(['2026-02-29', '2026-13-01', 'now', '30'].map((v) => whenOf(v, false)), [undefined, undefined, undefined, undefined]);
    // A scope from a client's message keeps only what is well formed.
    assert.deepEqual(scopeFrom({ domains: ['a.example', 7, ' '], since: 5, until: 'x' }), { domains: ['a.example'], since: 5, until: undefined });
    assert.deepEqual([scopeFrom('all'), scopeFrom(null), scopeFrom({ since: Number.POSITIVE_INFINITY }), scopeFrom({ domains: [] })], [undefined, undefined, undefined, undefined]);
  });
});

describe('dmarc-lens report --format csv', () => {
  /** RFC 4180 read back: quoted cells with doubled quotes, commas and line breaks inside. */
  const parseCsv = (text: string): string[][] => {
    const rows: string[][] = [];
    let row: string[] = [];
    let cell = '';
    let quoted = false;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (quoted) {
        if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
        else if (c === '"') quoted = false;
        else cell += c;
      } else if (c === '"') quoted = true;
      else if (c === ',') row.push(cell), (cell = '');
      else if (c === '\r' && text[i + 1] === '\n') row.push(cell), rows.push(row), (row = []), (cell = ''), i++;
      else cell += c;
    }
    return rows;
  };

  it('writes one row per record, RFC 4180 quoting, and a would-be formula as text', () => {
    const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'dl-csv-'));
    try {
      const doc = xml(rec('192.0.2.1', 5, 'pass', 'fail') + rec('198.51.100.7', 3, 'fail', 'fail')).replace(' Example Receiver ', '=HYPERLINK("http://x.example","Receiver, \\"Inc\\"")');
      fs.writeFileSync(path.join(dir, 'a.xml'), doc);
      fs.writeFileSync(path.join(dir, 'a.xml.gz'), gzipSync(Buffer.from(doc)));
      const r = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'report', dir, '--format', 'csv'], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.ok(r.stdout.endsWith('\r\n'));
      const rows = parseCsv(r.stdout);
      assert.deepEqual(rows[0], ['file', 'reporter', 'report_id', 'begin', 'end', 'policy_domain', 'policy', 'source_ip', 'count', 'disposition', 'dkim', 'spf', 'dmarc', 'header_from', 'envelope_from', 'dkim_results', 'spf_results', 'service', 'reasons']);
      // The copy in the .gz is the same report: its records once.
      assert.equal(rows.length, 3);
      const row = Object.fromEntries(rows[0].map((k, i) => [k, rows[1][i]]));
      assert.equal(row.reporter, `'=HYPERLINK("http://x.example","Receiver, \\"Inc\\"")`);
      assert.deepEqual([row.report_id, row.begin, row.policy_domain, row.policy, row.source_ip, row.count, row.dkim, row.spf, row.dmarc], ['r1', '2023-11-14T22:13:20.000Z', 'example.com', 'p=none', '192.0.2.1', '5', 'pass', 'fail', 'pass']);
      assert.equal(row.dkim_results, 'example.com:pass; esp.example:pass');
      assert.equal(row.spf_results, 'bounce.esp.example:pass');
      assert.equal(rows[2][rows[0].indexOf('dmarc')], 'fail');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('report reader safety', () => {
  it('refuses DOCTYPE entity declarations (billion laughs, external entities) with the reason', () => {
    const laughs = '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n]>\n<feedback><report_metadata><org_name>&lol2;</org_name></report_metadata></feedback>';
    const xxe = '<?xml version="1.0"?>\n<!DOCTYPE feedback [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>\n<feedback><report_metadata><org_name>&xxe;</org_name></report_metadata></feedback>';
    for (const x of [laughs, xxe]) {
      const r = readReports(Buffer.from(x), 'evil.xml');
      assert.equal(r.reports.length, 0);
      assert.match(r.failures[0].message, /^refused: the document declares entities in its DOCTYPE \(line 2\)/);
    }
  });

  it('stops a gzip bomb while inflating and refuses zip members over the cap or the member count', () => {
    const big = gzipSync(Buffer.alloc(8 * 1024 * 1024));
    const r = readReports(big, 'bomb.xml.gz', { maxUnpackedBytes: 1024 * 1024 });
    assert.match(r.failures[0].message, /inflates to more than 1 MB; refused \(a gzip bomb\?\)/);
    const z = zipSync({ 'a.xml': Buffer.alloc(700 * 1024), 'b.xml': Buffer.alloc(700 * 1024) });
    const rz = readReports(Buffer.from(z), 'bomb.zip', { maxUnpackedBytes: 1024 * 1024 });
    assert.ok(rz.failures.some((f) => /the zip archive has members that inflate to more than 1 MB; the rest is refused/.test(f.message)), JSON.stringify(rz.failures));
    const many = zipSync(Object.fromEntries(Array.from({ length: 2001 }, (_, i) => [`r${i}.xml`, Buffer.from('<feedback/>')])));
    assert.ok(readReports(Buffer.from(many), 'many.zip').failures.some((f) => /more than 2000 members/.test(f.message)));
  });
});

describe('failure reports (RFC 9991, ARF)', () => {
  const arf = (feedback: string, original = 'From: =?utf-8?B?SsO8cmdlbg==?= <j@example.com>\nSubject: =?iso-8859-1?Q?Gr=FC=DFe?=\nDate: Tue, 5 Oct 2021 06:36:51 +0200\n\nbody\n') =>
    `From dmarc-noreply@receiver.example Tue Oct  5 06:40:00 2021\nFrom: DMARC <dmarc-noreply@receiver.example>\nDate: Tue, 5 Oct 2021 06:40:00 +0000\nSubject: failure report\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=feedback-report; boundary="b1"\n\n--b1\nContent-Type: text/plain\n\nA message failed.\n--b1\nContent-Type: message/feedback-report\n\n${feedback}\n--b1\nContent-Type: message/rfc822\n\n${original}\n--b1--\n`;

  it('reads the fields and the failed message, after an mbox From line, with encoded words decoded', () => {
    const r = readReports(Buffer.from(arf('Feedback-Type: auth-failure\nVersion: 1\nUser-Agent: Receiver/2.0\nAuth-Failure: dmarc\nArrival-Date: Tue, 5 Oct 2021 06:36:52 +0200 (CEST)\nSource-IP: 192.0.2.7 (mail.example.com)\nReported-Domain: Example.COM.\nAuthentication-Results: receiver.example;\n  dmarc=fail header.from=example.com\nIncidents: 3')), 'ruf.eml');
    assert.deepEqual(r.failures, []);
    assert.equal(r.reports.length, 0);
    const f = r.failureReports[0];
    assert.deepEqual(
      { type: f.feedbackType, failure: f.authFailure, ip: f.sourceIp, domains: f.reportedDomain, at: f.arrivalDate, incidents: f.incidents, results: f.authenticationResults, reporter: f.reporter, from: f.original.from, subject: f.original.subject, problems: f.problems },
      { type: 'auth-failure', failure: 'dmarc', ip: '192.0.2.7', domains: ['example.com'], at: 1633408612, incidents: 3, results: ['receiver.example; dmarc=fail header.from=example.com'], reporter: 'dmarc-noreply@receiver.example', from: 'Jürgen <j@example.com>', subject: 'Grüße', problems: [] },
    );
    // An arrival after 9999 or before 1970 is no date (a six-digit year would break every date shown).
    for (const when of ['Tue, 5 Oct 12021 06:36:52 +0000', 'Tue, 5 Oct 1021 06:36:52 +0000'])
      assert.equal(readReports(Buffer.from(arf(`Feedback-Type: auth-failure\nArrival-Date: ${when}\nSource-IP: 192.0.2.7`)), 'ruf.eml').failureReports[0].arrivalDate, undefined, when);
  });

  it('says what a report lacks, and that an abuse report is not a DMARC failure report', () => {
    const f = readReports(Buffer.from(arf('Feedback-Type: abuse\nUser-Agent: x/1')), 'abuse.eml').failureReports[0];
    assert.match(f.problems[0], /Feedback-Type is `abuse`: an ARF report, but not a DMARC failure report/);
    const g = readReports(Buffer.from(arf('Feedback-Type: auth-failure\nArrival-Date: yesterday')), 'thin.eml').failureReports[0];
    assert.deepEqual(g.problems, ['Arrival-Date `yesterday` is not a date', 'no Reported-Domain field: which domain failed is not said (RFC 6591 §3.1 requires it)', 'no Auth-Failure field (RFC 6591 §3.1 requires it)']);
  });

  it('reads an aggregate report e-mail saved from a mailbox (mbox From line first)', () => {
    const mail = `From noreply-dmarc-support@google.com Mon Jan  1 00:00:00 2024\nFrom: noreply-dmarc-support@google.com\nSubject: Report\nContent-Type: application/gzip; name=r.xml.gz\nContent-Transfer-Encoding: base64\n\n${gzipSync(xml(rec('192.0.2.1', 4, 'pass', 'pass'))).toString('base64')}\n`;
    const r = readReports(Buffer.from(mail), 'saved.eml');
    assert.deepEqual(r.failures, []);
    assert.equal(r.reports[0].records[0].count, 4);
  });

  it('reads every message of a mailbox file (mbox) on its own: aggregate reports, failure reports, and says which message is not a report', () => {
    const gz = (n: number) => gzipSync(xml(rec('192.0.2.1', n, 'pass', 'pass'))).toString('base64');
    // A single-part message (its body is the gzip) first: without splitting, the next messages would be read as its base64.
    const single = (n: number) => `From noreply-dmarc-support@google.com Mon Jan  1 00:00:00 2024\nFrom: noreply-dmarc-support@google.com\nSubject: Report ${n}\nContent-Type: application/gzip; name=r${n}.xml.gz\nContent-Transfer-Encoding: base64\n\n${gz(n)}\n`;
    const chat = 'From someone@example.com Tue Jan  2 00:00:00 2024\nFrom: someone@example.com\nSubject: hello\n\nhi\n>From the desk of someone\n';
    const mbox = [single(4), arf('Feedback-Type: auth-failure\nAuth-Failure: dmarc\nReported-Domain: example.com\nSource-IP: 192.0.2.9\nArrival-Date: Tue, 5 Oct 2021 06:36:52 +0200'), chat, single(7)].join('\n');
    const r = readReports(Buffer.from(mbox), 'Inbox.mbox');
    assert.deepEqual(r.reports.map((x) => x.records[0].count), [4, 7]);
    assert.deepEqual(r.failureReports.map((f) => [f.origin, f.sourceIp]), [['Inbox.mbox (message 2)', '192.0.2.9']]);
    assert.deepEqual(r.failures.map((f) => f.origin), ['Inbox.mbox (message 3)']);
    assert.match(r.failures[0].message, /no XML, gzip or zip attachment/);
  });

  it('reads every failure report in the corpus with the fields stalwart found', (t) => {
    const dir = path.join(CORPUS, 'dmarc-failure');
    if (!fs.existsSync(dir)) return t.skip(`corpus not present at ${dir}`);
    const norm = (s: string | null | undefined) => (s ?? undefined)?.replace(/\s+/g, ' ').trim();
    let compared = 0;
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.eml'))) {
      const r = readReports(fs.readFileSync(path.join(dir, f)), f);
      assert.deepEqual(r.failures, [], f);
      assert.equal(r.failureReports.length, 1, f);
      const got = r.failureReports[0];
      t.diagnostic(`${f}: ${got.feedbackType} ${got.authFailure} ${got.sourceIp} ${got.reportedDomain.join(',')} ${got.original.subject ?? ''}`);
      assert.ok(got.reportedDomain.length > 0 && got.sourceIp && got.original.from, f);
      const expected = path.join(dir, f.replace(/\.eml$/, '.expected.json'));
      if (!fs.existsSync(expected)) continue;
      const e = JSON.parse(fs.readFileSync(expected, 'utf8'));
      compared++;
      assert.deepEqual(
        [got.feedbackType, got.arrivalDate ?? null, got.authenticationResults.map(norm), got.incidents, got.originalEnvelopeId ?? null, got.originalMailFrom ?? null, got.originalRcptTo ?? null, got.reportedDomain, got.reportedUri, got.sourceIp, got.userAgent, got.authFailure, got.dkimDomain ?? null, got.dkimSelector ?? null, got.dkimIdentity ?? null],
        ['auth-failure', e.arrival_date, e.authentication_results.map(norm), e.incidents, e.original_envelope_id, e.original_mail_from, e.original_rcpt_to, e.reported_domain, e.reported_uri, e.source_ip, e.user_agent, e.auth_failure.toLowerCase(), e.dkim_domain, e.dkim_selector, e.dkim_identity],
        f,
      );
    }
    assert.equal(compared, 3);
  });

  it('a platform failing in the reports whose set-up the workspace publishes at every From domain it failed for is said to be set up, not told to publish it', () => {
    // Mailchimp mail (d=mcsv.net, bounce on mcsv.net) failing for two From domains; the workspace has its set-up for one of them.
    const mc = (from: string, n: number) =>
      `<record><row><source_ip>198.2.129.12</source_ip><count>${n}</count><policy_evaluated><disposition>none</disposition><dkim>fail</dkim><spf>fail</spf></policy_evaluated></row><identifiers><header_from>${from}</header_from></identifiers><auth_results><dkim><domain>mcsv.net</domain><result>pass</result></dkim><spf><domain>mail198.atl121.mcsv.net</domain><result>pass</result></spf></auth_results></record>`;
    const doc = (recs: string) => readReports(Buffer.from(xml(recs)), 'r.xml').reports;
    const setUp = (provider: string, domain: string) => (provider === 'mailchimp' && domain === 'example.com' ? 'DKIM: it signs with d=example.com (selectors k2, k3)' : undefined);
    const one = reportStats(doc(mc('example.com', 7)), { setUp }).byService.find((v) => v.provider === 'mailchimp')!;
    assert.deepEqual([one.publish, one.published], [undefined, 'DKIM: it signs with d=example.com (selectors k2, k3)']);
    const two = reportStats(doc(mc('example.com', 7) + mc('shop.example.com', 3)), { setUp }).byService.find((v) => v.provider === 'mailchimp')!;
    assert.equal(two.published, undefined);
    assert.match(two.publish!, /k2\._domainkey/);
    // Without a workspace, as before.
    assert.match(reportStats(doc(mc('example.com', 7))).byService.find((v) => v.provider === 'mailchimp')!.publish!, /k2\._domainkey/);
    // The CLI with --workspace, on the example reports and workspace.
    const r = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'report', 'examples/reports', '--workspace', 'examples'], { cwd: ROOT, encoding: 'utf8' });
    assert.match(r.stdout, /^ {2}service: Mailchimp: 312 messages from 1 source, DMARC pass 0\.0% \(DKIM aligned 0\.0%, SPF aligned 0\.0%\); the workspace now publishes its set-up \(DKIM: it signs with d=northwind\.example \(selectors k2, k3\)\): mail sent since then should align$/m);
    assert.match(r.stdout, /^ {2}service: 192\.0\.2\.25 \(authorised by the SPF record of northwind\.example\): 1840 messages/m);
  });

  it('says of a source no platform names whether the From domain\'s SPF record in the workspace authorises it; what the workspace cannot decide, it does not say', async () => {
    const ws = new WorkspaceIndex();
    const zone = '$ORIGIN example.com.\n@ IN TXT "v=spf1 ip4:192.0.2.0/28 -all"\nshop IN TXT "v=spf1 ip4:192.0.2.1 include:_spf.elsewhere.example -all"\n';
    const p = readZone(zone, 'example.com.zone');
    ws.set('example.com.zone', p.zone.records, p.sites);
    const row = (ip: string, from: string) => `<record><row><source_ip>${ip}</source_ip><count>1</count><policy_evaluated><disposition>none</disposition><dkim>fail</dkim><spf>fail</spf></policy_evaluated></row><identifiers><header_from>${from}</header_from></identifiers></record>`;
    const reports = readReports(Buffer.from(xml(row('192.0.2.5', 'example.com') + row('203.0.113.9', 'example.com') + row('192.0.2.1', 'shop.example.com') + row('198.51.100.7', 'shop.example.com'))), 'r.xml').reports;
    const sourceOf = await workspaceSources(reports, new ChainResolver(new WorkspaceResolver(ws), undefined));
    assert.deepEqual(
      ['192.0.2.5 example.com', '203.0.113.9 example.com', '192.0.2.1 shop.example.com', '198.51.100.7 shop.example.com'].map((k) => sourceOf(k.split(' ')[0], k.split(' ')[1]) ?? null),
      ['authorised by the SPF record of example.com', 'not authorised by the SPF record of example.com (fail)', 'authorised by the SPF record of shop.example.com', null],
    );
    const st = reportStats(reports, { sourceOf });
    assert.equal(st.byService.find((v) => v.service === '203.0.113.9')?.spf, 'not authorised by the SPF record of example.com (fail)');
    // A source sending for several From domains is judged by the one it sent most mail for.
    const rows = (ip: string, from: string, n: number) => row(ip, from).replace('<count>1</count>', `<count>${n}</count>`);
    const mixed = readReports(Buffer.from(xml(rows('192.0.2.9', 'shop.example.com', 2) + rows('192.0.2.9', 'example.com', 5) + rows('192.0.2.9', 'shop.example.com', 1))), 'm.xml').reports;
    const asked: string[] = [];
    reportStats(mixed, { sourceOf: (ip, from) => (asked.push(`${ip} ${from}`), undefined) });
    assert.deepEqual(asked, ['192.0.2.9 example.com']);
    const single: string[] = [];
    reportStats(readReports(Buffer.from(xml(rows('192.0.2.9', 'shop.example.com', 2))), 's.xml').reports, { sourceOf: (ip, from) => (single.push(`${ip} ${from}`), undefined) });
    assert.deepEqual(single, ['192.0.2.9 shop.example.com']);
  });

  it('the CLI lists them in text and JSON, and previews them', () => {
    const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'dl-ruf-'));
    fs.writeFileSync(path.join(dir, 'ruf.eml'), arf('Feedback-Type: auth-failure\nUser-Agent: Receiver/2.0\nAuth-Failure: dkim\nSource-IP: 192.0.2.7\nReported-Domain: example.com\nDKIM-Domain: example.com\nDKIM-Selector: s1'));
    const run = (...args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'report', dir, ...args], { encoding: 'utf8' });
    const text = run();
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /ruf\.eml: failure report \(dkim\) for example\.com from Receiver\/2\.0: 192\.0\.2\.7 at no arrival date, From: Jürgen <j@example\.com>, Subject: "Grüße"/);
    assert.match(text.stdout, /^1 failure report for example\.com from 1 source$/m);
    const json = JSON.parse(run('--format', 'json').stdout);
    assert.equal(json.summary.failureReports, 1);
    assert.deepEqual([json.failureReports[0].file, json.failureReports[0].dkimSelector, json.failureReports[0].arrivalDate], [path.join(dir, 'ruf.eml'), 's1', null]);
    const model = previewModel([], [], readReports(fs.readFileSync(path.join(dir, 'ruf.eml')), 'ruf.eml').failureReports);
    assert.deepEqual(model.failureReports[0].slice(1, 7), ['192.0.2.7', 'example.com', 'dkim', '', 'Jürgen <j@example.com>', 'Grüße']);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
