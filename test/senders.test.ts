/**
 * Sender profiles and the provider catalog: the catalog rows carry their sources and follow the
 * schema; profiles are read with exact places; each provider class (custom Return-Path or not, CNAME
 * or TXT DKIM), strict and relaxed alignment, subdomains under sp/np, missing selectors, custom
 * senders by address, lookups over 10, report evidence, the suggested profile, and the CLI.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parseConfig } from '../server/src/config';
import { readReports } from '../server/src/reports/aggregate';
import { aligns, analyzeSenders, discoveryNames, findCoverage, orgDomain } from '../server/src/senders/analyze';
import catalog from '../server/src/senders/catalog.json';
import { providers, useProviders, providerForInclude } from '../server/src/senders/catalog';
import { suggestSenders, writeProfile } from '../server/src/senders/suggest';
import { readZone, analyzeZone } from '../server/src/service';
import { WorkspaceIndex } from '../server/src/workspace';
import { applyFix, ROOT } from './helpers';

const SOA = '@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n';

function workspace(zone: string, origin = 'example.com'): WorkspaceIndex {
  const ws = new WorkspaceIndex();
  const p = readZone(`$ORIGIN ${origin}.\n${SOA}${zone}`, `${origin}.zone`);
  ws.set(`${origin}.zone`, p.zone.records, p.sites);
  return ws;
}

function verdicts(config: object, zone: string, reports?: string) {
  const { config: c, problems } = parseConfig(JSON.stringify(config), '/w/.dmarc-lens.json');
  assert.deepEqual(problems, []);
  const ws = workspace(zone);
  return analyzeSenders(c.senders, (o) => ws.at(o), {
    exists: (n) => ws.exists(n),
    keysUnder: (d) => ws.under(`_domainkey.${d}`),
    reports: reports ? readReports(Buffer.from(reports), 'r.xml').reports : undefined,
  });
}

const one = (sender: object) => ({ domains: { 'example.com': { senders: [sender] } } });
const DMARC = (tags = '') => `_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:d@example.com${tags}"\n`;
const rules = (v: ReturnType<typeof verdicts>[number]) => v.problems.map((p) => p.rule);

describe('provider catalog', () => {
  const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', 'provider-catalog.schema.json'), 'utf8'));
  const def = schema.definitions.provider;

  it('covers every platform the sender issue names', () => {
    const ids = new Set(providers.map((p) => p.id));
    for (const id of ['hubspot', 'salesforce-marketing-cloud', 'pardot', 'salesforce', 'mailchimp', 'mandrill', 'sendgrid', 'amazon-ses', 'mailgun', 'postmark', 'sparkpost', 'brevo', 'zoho-mail', 'zeptomail', 'klaviyo', 'constant-contact', 'marketo', 'activecampaign', 'zendesk', 'freshdesk', 'intercom', 'google-workspace', 'microsoft-365'])
      assert.ok(ids.has(id), id);
  });

  it('follows its JSON schema, and every row has sources, a check date and a documentation link', () => {
    for (const p of catalog.providers as Record<string, unknown>[]) {
      for (const k of def.required) assert.ok(k in p, `${p.id}: ${k}`);
      for (const k of Object.keys(p)) assert.ok(k in def.properties, `${p.id}: unknown field ${k}`);
      for (const [k, v] of Object.entries(p)) {
        const s = def.properties[k];
        if (s.enum) assert.ok(s.enum.includes(v), `${p.id}.${k} = ${v}`);
        if (s.type === 'array' || s.$ref === undefined && Array.isArray(v)) assert.ok(Array.isArray(v), `${p.id}.${k}`);
        if (s.pattern) assert.match(String(v), new RegExp(s.pattern), `${p.id}.${k}`);
      }
      assert.ok(Array.isArray(p.sources) && (p.sources as string[]).length > 0, `${p.id} has no sources`);
      assert.equal(p.checked, '2026-11-26');
    }
  });

  it('prefers unknown to a guess: lookup costs are given only where a source says', () => {
    const known = providers.filter((p) => typeof p.spfLookups === 'number').map((p) => p.id);
    assert.deepEqual(known, ['pardot']);
  });

  it('is extended and overridden by user rows', () => {
    useProviders([{ id: 'acme-mailer', name: 'Acme Mailer', spfIncludes: ['spf.acme-mailer.test'], confidence: 'unknown' }, { id: 'sendgrid', name: 'SendGrid EU', confidence: 'confirmed-official' }]);
    try {
      assert.equal(providerForInclude('spf.acme-mailer.test')?.name, 'Acme Mailer');
      assert.equal(providerForInclude('sendgrid.net')?.name, 'SendGrid EU');
      assert.deepEqual(providerForInclude('sendgrid.net')?.dkimSelectors, ['s1', 's2']);
    } finally {
      useProviders([]);
    }
    assert.equal(providerForInclude('spf.acme-mailer.test'), undefined);
  });
});

describe('sender profiles in .dmarc-lens.json', () => {
  it('are read with the place of each field', () => {
    const text = '{ "domains": { "example.com": { "senders": [ { "provider": "hubspot", "from": "news.example.com", "dkimSelectors": ["hs1", "hs2"] } ] } } }';
    const { config } = parseConfig(text, 'c.json');
    const s = config.senders[0];
    assert.equal(s.from, 'news.example.com');
    assert.equal(text.slice(s.ranges.from!.start, s.ranges.from!.end), '"news.example.com"');
    assert.equal(text.slice(s.ranges.selectors[1].start, s.ranges.selectors[1].end), '"hs2"');
  });

  it('report unknown providers, bad addresses and selectors, and unknown keys at the exact place', () => {
    const text = '{ "domains": { "example.com": { "senders": [ { "provider": "hubspt" }, { "provider": "custom", "ips": ["192.0.2.0/33"] }, { "provider": "sendgrid", "dkimSelectors": ["s 1"], "colour": 1 } ] }, "not a domain": {} } }';
    const { problems } = parseConfig(text, 'c.json');
    const at = problems.map((p) => `${p.severity} ${text.slice(p.range.start, p.range.end)}`);
    assert.ok(at.includes('error "hubspt"'), at.join('\n'));
    assert.ok(at.includes('error "192.0.2.0/33"'));
    assert.ok(at.includes('error "s 1"'));
    assert.ok(at.includes('warning "colour"'));
    assert.ok(at.includes('error "not a domain"'));
    assert.match(problems[0].message, /Unknown provider "hubspt"; the catalog has .*hubspot/);
  });

  it('accept a provider the project adds under `providers`', () => {
    const { config, problems } = parseConfig('{ "providers": [ { "id": "acme", "name": "Acme" } ], "domains": { "example.com": { "senders": [ { "provider": "acme" } ] } } }', 'c.json');
    assert.deepEqual(problems, []);
    assert.equal(config.senders[0].provider, 'acme');
    assert.equal(config.senders[0].from, 'example.com');
  });
});

describe('sender alignment', () => {
  it('organisational domains come from the public suffix list', () => {
    assert.equal(orgDomain('mail.example.co.uk'), 'example.co.uk');
    assert.equal(orgDomain('a.b.example.com'), 'example.com');
    assert.ok(aligns('em123.example.co.uk', 'example.co.uk', 'r'));
    assert.ok(!aligns('example.co.uk', 'other.co.uk', 'r'));
    assert.ok(!aligns('em123.example.com', 'example.com', 's'));
  });

  it('a platform that keeps its own Return-Path passes only with its DKIM CNAMEs (Mailchimp)', () => {
    const [bad] = verdicts(one({ provider: 'mailchimp' }), DMARC());
    assert.equal(bad.spf.aligned, false);
    assert.match(bad.spf.why, /own Return-Path/);
    assert.ok(rules(bad).includes('sender/will-fail-dmarc'));
    const fail = bad.problems.find((p) => p.rule === 'sender/will-fail-dmarc')!;
    assert.match(fail.message, /k2\._domainkey\.example\.com CNAME dkim2\.mcsv\.net/);
    assert.equal(fail.severity, 'warning');
    const [good] = verdicts(one({ provider: 'mailchimp' }), DMARC() + 'k2._domainkey IN CNAME dkim2.mcsv.net.\nk3._domainkey IN CNAME dkim3.mcsv.net.\n');
    assert.equal(good.dkim.aligned, true);
    assert.deepEqual(rules(good), []);
  });

  it('is an error while the policy is enforced, and says t=y defers it', () => {
    const [enforced] = verdicts(one({ provider: 'mailchimp' }), DMARC().replace('p=none', 'p=reject'));
    assert.equal(enforced.problems.find((p) => p.rule === 'sender/will-fail-dmarc')!.severity, 'error');
    const [testing] = verdicts(one({ provider: 'mailchimp' }), DMARC('; t=y').replace('p=none', 'p=quarantine'));
    const f = testing.problems.find((p) => p.rule === 'sender/will-fail-dmarc')!;
    assert.equal(f.severity, 'warning');
    assert.match(f.message, /as soon as t=y is removed/);
  });

  it('a custom Return-Path aligns SPF when it is delegated to the platform (SendGrid), and not when it points elsewhere', () => {
    const cfg = one({ provider: 'sendgrid', returnPath: 'em42.example.com' });
    const [ok] = verdicts(cfg, DMARC() + 'em42 IN CNAME u42.wl001.sendgrid.net.\n');
    assert.equal(ok.spf.aligned, true, ok.spf.why);
    const [wrong] = verdicts(cfg, DMARC() + 'em42 IN CNAME bounces.other.test.\n');
    assert.equal(wrong.spf.aligned, false);
    assert.ok(rules(wrong).includes('sender/return-path-not-set-up'));
    const [missing] = verdicts(cfg, DMARC());
    assert.ok(rules(missing).includes('sender/return-path-not-set-up'));
    assert.match(missing.problems.find((p) => p.rule === 'sender/return-path-not-set-up')!.message, /em42\.example\.com CNAME u<uid>\.wl<NNN>\.sendgrid\.net/);
  });

  it('a Return-Path with its own SPF record aligns when that record authorises the platform (SES custom MAIL FROM)', () => {
    const cfg = one({ provider: 'amazon-ses', returnPath: 'bounce.example.com' });
    const [ok] = verdicts(cfg, DMARC() + 'bounce IN MX 10 feedback-smtp.eu-west-1.amazonses.com.\nbounce IN TXT "v=spf1 include:amazonses.com ~all"\n');
    assert.equal(ok.spf.aligned, true, ok.spf.why);
    const [no] = verdicts(cfg, DMARC() + 'bounce IN TXT "v=spf1 include:_spf.google.com ~all"\n');
    assert.equal(no.spf.aligned, false);
    assert.match(no.spf.why, /does not authorise Amazon SES \(add include:amazonses\.com\)/);
  });

  it('strict SPF alignment never aligns a delegated bounce subdomain', () => {
    const [v] = verdicts(one({ provider: 'sendgrid', returnPath: 'em42.example.com' }), DMARC('; aspf=s') + 'em42 IN CNAME u42.wl001.sendgrid.net.\n');
    assert.equal(v.spf.aligned, false);
    assert.ok(rules(v).includes('sender/strict-alignment'));
  });

  it('strict DKIM alignment needs d= equal to the From domain', () => {
    const zone = DMARC('; adkim=s') + 'zendesk1._domainkey IN CNAME zendesk1._domainkey.zendesk.com.\n';
    const [v] = verdicts(one({ provider: 'zendesk', from: 'support.example.com', dkimDomain: 'example.com' }), zone);
    assert.equal(v.dkim.aligned, false);
    assert.match(v.dkim.why, /does not align .*strict/);
    const [r] = verdicts(one({ provider: 'zendesk', from: 'support.example.com', dkimDomain: 'example.com' }), zone.replace('; adkim=s', ''));
    assert.equal(r.dkim.aligned, true, r.dkim.why);
  });

  it('TXT DKIM keys count when they decode; a revoked key does not (Google Workspace)', () => {
    const key = 'MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDHU/ewNdafPJJ4gkoFVZiMV+ZOamrO+hDCQ5uyCiyXqEikMlBAsS+7jNK4Zew+pIC5mTbmfeRsFnM5k1h7Z/vgZ0eVDq3BVJBQmh0MgrLfMlEFXw2X8nRzc+NsRvr2mNYKiYENtIDDnqzl1JDqaSeUlrA0L5OnBEzvJYThYodUsQIDAQAB';
    const cfg = one({ provider: 'google-workspace', dkimSelectors: ['google'] });
    const spf = '@ IN TXT "v=spf1 include:_spf.google.com -all"\n';
    const [ok] = verdicts(cfg, DMARC() + spf + `google._domainkey IN TXT "v=DKIM1; k=rsa; p=${key}"\n`);
    assert.equal(ok.dkim.aligned, true, ok.dkim.why);
    assert.equal(ok.spf.aligned, true, ok.spf.why);
    const [revoked] = verdicts(cfg, DMARC() + 'google._domainkey IN TXT "v=DKIM1; p="\n');
    assert.equal(revoked.dkim.aligned, false);
    assert.match(revoked.problems.find((p) => p.rule === 'sender/dkim-selector-missing')!.message, /revoked/);
  });

  it('missing selector records are named one by one; CNAMEs into another platform are not accepted', () => {
    const [v] = verdicts(one({ provider: 'hubspot', dkimSelectors: ['hs1-77', 'hs2-77'] }), DMARC() + 'hs1-77._domainkey IN CNAME dkim2.mcsv.net.\n');
    const missing = v.problems.filter((p) => p.rule === 'sender/dkim-selector-missing').map((p) => p.message);
    assert.equal(missing.length, 2);
    assert.match(missing[0], /CNAME to dkim2\.mcsv\.net, not to HubSpot/);
    assert.match(missing[1], /No DKIM record at hs2-77\._domainkey\.example\.com/);
    // The declared selectors stand in for HubSpot's account token in what to publish.
    assert.match(v.problems.find((p) => p.rule === 'sender/will-fail-dmarc')!.message, /hs2-77\._domainkey\.example\.com CNAME example-com\.hs<NN>b\.dkim\.hubspotemail\.net/);
  });

  it('finds account-specific selectors without a declaration (any CNAME into the platform)', () => {
    const [v] = verdicts(one({ provider: 'hubspot' }), DMARC() + 'hs1-9911._domainkey IN CNAME example-com.hs05a.dkim.hubspotemail.net.\n');
    assert.equal(v.dkim.aligned, true, v.dkim.why);
  });

  it('subdomain senders are covered by sp for existing names and np for the rest', () => {
    const zone = '_dmarc IN TXT "v=DMARC1; p=reject; sp=quarantine; np=none; rua=mailto:d@example.com"\nnews IN A 192.0.2.1\n';
    const [existing, ghost] = verdicts({ domains: { 'example.com': { senders: [{ provider: 'mailchimp', from: 'news.example.com' }, { provider: 'mailchimp', from: 'promo.example.com' }] } } }, zone);
    assert.equal(existing.coverage?.via, 'sp');
    assert.equal(existing.coverage?.policy, 'quarantine');
    assert.equal(ghost.coverage?.via, 'np');
    assert.equal(ghost.coverage?.policy, 'none');
    assert.equal(existing.problems.find((p) => p.rule === 'sender/will-fail-dmarc')!.severity, 'error');
  });

  it('discovers the policy with RFC 9989 §4.10 tree walk: the From domain, then up to the TLD, a long name cut to 7 labels', () => {
    assert.deepEqual(discoveryNames('a.mail.example.co.uk'), ['a.mail.example.co.uk', 'mail.example.co.uk', 'example.co.uk', 'co.uk', 'uk']);
    // Ten labels: the name itself, then straight to its last seven, at most eight queries.
    const long = 'a.b.c.d.e.f.g.example.co.uk';
    assert.deepEqual(discoveryNames(long), [long, 'd.e.f.g.example.co.uk', 'e.f.g.example.co.uk', 'f.g.example.co.uk', 'g.example.co.uk', 'example.co.uk', 'co.uk', 'uk']);
    // Two DMARC records at a name are both discarded and the walk goes on to the parent's.
    const ws = workspace('_dmarc IN TXT "v=DMARC1; p=reject; sp=quarantine"\n_dmarc.news IN TXT "v=DMARC1; p=none"\n_dmarc.news IN TXT "v=DMARC1; p=reject"\nnews IN A 192.0.2.1\n');
    const lookup = (n: string) => ws.at(n);
    const c = findCoverage('news.example.com', lookup, (n) => ws.exists(n))!;
    assert.equal(c.at, 'example.com');
    assert.equal(c.policy, 'quarantine');
    assert.equal(findCoverage('example.com', lookup, (n) => ws.exists(n))?.policy, 'reject');
  });

  it('a DKIM CNAME whose selector Terraform computes (SES tokens with count) is the platform\'s key', () => {
    const tf = [
      'resource "aws_route53_zone" "main" {\n  name = "example.com"\n}',
      'resource "aws_route53_record" "dmarc" {\n  zone_id = aws_route53_zone.main.zone_id\n  name    = "_dmarc"\n  type    = "TXT"\n  records = ["v=DMARC1; p=reject; rua=mailto:d@example.com"]\n}',
      'resource "aws_route53_record" "dkim" {\n  count   = 3\n  zone_id = aws_route53_zone.main.zone_id\n  name    = "${aws_ses_domain_dkim.main.dkim_tokens[count.index]}._domainkey"\n  type    = "CNAME"\n  records = ["${aws_ses_domain_dkim.main.dkim_tokens[count.index]}.dkim.amazonses.com"]\n}',
    ].join('\n');
    const ws = new WorkspaceIndex();
    const p = readZone(tf, 'ses.tf');
    ws.set('ses.tf', p.zone.records, p.sites);
    const { config } = parseConfig(JSON.stringify(one({ provider: 'amazon-ses' })), '/w/.dmarc-lens.json');
    const [v] = analyzeSenders(config.senders, (o) => ws.at(o), { exists: (n) => ws.exists(n), keysUnder: (d) => ws.under(`_domainkey.${d}`) });
    assert.equal(v.dkim.aligned, true, v.dkim.why);
    assert.match(v.dkim.why, /selector computed at deploy time/);
    assert.ok(!rules(v).includes('sender/will-fail-dmarc'));
    // And the suggested profile names the platform from them (no selector to declare).
    const s = suggestSenders('example.com', [...ws.at('example.com'), ...ws.under('example.com')]);
    assert.deepEqual(s.map((x) => [x.provider, x.from, x.dkimSelectors]), [['amazon-ses', 'example.com', undefined]]);
    assert.match(s[0].evidence.join('; '), /DKIM CNAME <computed>\._domainkey\.example\.com → .*\.dkim\.amazonses\.com/);
  });

  it('a From domain without any DMARC record in reach is named', () => {
    const [v] = verdicts(one({ provider: 'zendesk' }), '@ IN TXT "v=spf1 include:mail.zendesk.com -all"\n');
    assert.ok(rules(v).includes('sender/no-dmarc-record'));
  });

  it('custom senders: their addresses must be in the SPF record of the envelope domain', () => {
    const cfg = one({ provider: 'custom', name: 'billing app', ips: ['192.0.2.0/28'] });
    const [ok] = verdicts(cfg, DMARC() + '@ IN TXT "v=spf1 ip4:192.0.2.0/24 -all"\n');
    assert.equal(ok.spf.aligned, true, ok.spf.why);
    const [no] = verdicts(cfg, DMARC() + '@ IN TXT "v=spf1 ip4:198.51.100.0/24 -all"\n');
    assert.equal(no.spf.aligned, false);
    assert.match(no.problems.find((p) => p.rule === 'sender/will-fail-dmarc')!.message, /billing app .*does not list 192\.0\.2\.0\/28/);
  });

  it('an SPF record over 10 lookups does not authorise anyone', () => {
    const includes = Array.from({ length: 6 }, (_, i) => `include:s${i}.example.com`).join(' ');
    const subs = Array.from({ length: 6 }, (_, i) => `s${i} IN TXT "v=spf1 a mx -all"\n`).join('');
    const [v] = verdicts(one({ provider: 'zendesk' }), DMARC() + `@ IN TXT "v=spf1 ${includes} include:mail.zendesk.com -all"\n` + subs);
    assert.equal(v.spf.aligned, false);
    assert.match(v.spf.why, /at least 19 DNS lookups|19 DNS lookups/);
  });

  it('names the volume the reports saw failing for a sender whose records now align', () => {
    const xml = `<feedback><report_metadata><org_name>r</org_name><report_id>1</report_id></report_metadata><policy_published><domain>example.com</domain><p>none</p></policy_published>
<record><row><source_ip>198.2.129.12</source_ip><count>312</count><policy_evaluated><disposition>none</disposition><dkim>fail</dkim><spf>fail</spf></policy_evaluated></row><identifiers><header_from>example.com</header_from></identifiers><auth_results><dkim><domain>mcsv.net</domain><result>pass</result></dkim><spf><domain>mail198.atl121.mcsv.net</domain><result>pass</result></spf></auth_results></record>
<record><row><source_ip>192.0.2.1</source_ip><count>50</count><policy_evaluated><disposition>none</disposition><dkim>pass</dkim><spf>pass</spf></policy_evaluated></row><identifiers><header_from>example.com</header_from></identifiers><auth_results><dkim><domain>example.com</domain><result>pass</result></dkim></auth_results></record></feedback>`;
    const [v] = verdicts(one({ provider: 'mailchimp' }), DMARC() + 'k2._domainkey IN CNAME dkim2.mcsv.net.\n', xml);
    assert.deepEqual(v.evidence, { messages: 312, failing: 312, reports: 1 });
    assert.match(v.problems.find((p) => p.rule === 'sender/failing-in-reports')!.message, /312 of 312 messages from Mailchimp/);
  });

  it('judges a sender on the reports of the last 30 days: mail failing before its set-up was fixed no longer counts', () => {
    const report = (id: string, end: number, rows: string) => `<feedback><report_metadata><org_name>r</org_name><report_id>${id}</report_id><date_range><begin>${end - 86399}</begin><end>${end}</end></date_range></report_metadata><policy_published><domain>example.com</domain><p>none</p></policy_published>${rows}</feedback>`;
    const row = (n: number, result: string) => `<record><row><source_ip>198.2.129.12</source_ip><count>${n}</count><policy_evaluated><disposition>none</disposition><dkim>${result}</dkim><spf>fail</spf></policy_evaluated></row><identifiers><header_from>example.com</header_from></identifiers><auth_results><dkim><domain>mcsv.net</domain><result>pass</result></dkim>${result === 'pass' ? '<dkim><domain>example.com</domain><selector>k2</selector><result>pass</result></dkim>' : ''}</auth_results></record>`;
    const newest = 1780000000;
    const { config: c } = parseConfig(JSON.stringify(one({ provider: 'mailchimp' })), '/w/.dmarc-lens.json');
    const ws = workspace(DMARC() + 'k2._domainkey IN CNAME dkim2.mcsv.net.\n');
    const judge = (...xml: string[]) => analyzeSenders(c.senders, (o) => ws.at(o), { exists: (n) => ws.exists(n), keysUnder: (d) => ws.under(`_domainkey.${d}`), reports: xml.flatMap((x, i) => readReports(Buffer.from(x), `${i}.xml`).reports) })[0];
    const old = report('old', newest - 60 * 86400, row(312, 'fail'));
    const now = report('now', newest, row(40, 'pass'));
    assert.deepEqual(judge(old, now).evidence, { messages: 40, failing: 0, reports: 1 });
    assert.equal(judge(old, now).problems.some((p) => p.rule === 'sender/failing-in-reports'), false);
    // With only the old report, it is what the reports show.
    assert.deepEqual(judge(old).evidence, { messages: 312, failing: 312, reports: 1 });
  });

  it('offers a fix that publishes literal records next to the DMARC record of the zone, and only those', () => {
    const ws = workspace(DMARC());
    const cfg = JSON.stringify(one({ provider: 'mailchimp' }));
    const a = analyzeZone(cfg, '/w/.dmarc-lens.json', { workspace: ws });
    const f = a.findings.find((x) => x.rule === 'sender/will-fail-dmarc')!;
    assert.equal(f.fixes?.length, 1);
    const zone = `$ORIGIN example.com.\n${SOA}${DMARC()}`;
    const fixed = applyFix(zone, f.fixes![0]);
    assert.ok(fixed.startsWith(zone.trimEnd()));
    assert.match(fixed, /\nk2\._domainkey\.example\.com\.\tIN CNAME\tdkim2\.mcsv\.net\.\nk3\._domainkey\.example\.com\.\tIN CNAME\tdkim3\.mcsv\.net\.\n$/);
    // HubSpot's values need the account's tokens: no fix.
    const h = analyzeZone(JSON.stringify(one({ provider: 'hubspot' })), '/w/.dmarc-lens.json', { workspace: ws }).findings.find((x) => x.rule === 'sender/will-fail-dmarc')!;
    assert.deepEqual(h.fixes ?? [], []);
  });
});

describe('suggested sender profiles', () => {
  it('come from SPF includes, DKIM records, Return-Path CNAMEs and reports', () => {
    const ws = workspace(
      DMARC() +
        '@ IN TXT "v=spf1 include:_spf.google.com include:sendgrid.net ~all"\nem77 IN CNAME u77.wl001.sendgrid.net.\ns1._domainkey IN CNAME s1.domainkey.u77.wl001.sendgrid.net.\nnews IN TXT "v=spf1 -all"\nk2._domainkey.news IN CNAME dkim2.mcsv.net.\n',
    );
    const s = suggestSenders('example.com', [...ws.at('example.com'), ...ws.under('example.com')]);
    const brief = s.map((x) => `${x.provider} ${x.from}${x.returnPath ? ` rp=${x.returnPath}` : ''}${x.dkimSelectors ? ` sel=${x.dkimSelectors.join(',')}` : ''}`);
    assert.deepEqual(brief, ['google-workspace example.com', 'sendgrid example.com rp=em77.example.com sel=s1', 'mailchimp news.example.com sel=k2']);
  });

  it('are written into .dmarc-lens.json keeping comments and other settings', () => {
    const text = '{\n  // ours\n  "rules": { "spf/ptr": "off" }\n}\n';
    const out = writeProfile(text, 'example.com', [{ provider: 'sendgrid', from: 'example.com', returnPath: 'em77.example.com', evidence: ['x'] }]).text;
    assert.match(out, /\/\/ ours/);
    const { config, problems } = parseConfig(out, 'c.json');
    assert.deepEqual(problems, []);
    assert.equal(config.rules['spf/ptr'], 'off');
    assert.deepEqual(config.senders.map((x) => [x.provider, x.returnPath]), [['sendgrid', 'em77.example.com']]);
    assert.doesNotMatch(out, /evidence/);
  });
});

describe('dmarc-lens senders and check on the example workspace', () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), ...args], { cwd: ROOT, encoding: 'utf8' });

  it('says which declared sender will fail DMARC and what to publish', () => {
    const r = cli('senders', 'examples');
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /SendGrid \(Twilio\) \(From: northwind\.example\): passes DMARC/);
    assert.match(r.stdout, /HubSpot \(From: news\.northwind\.example\): WILL FAIL DMARC/);
    assert.match(r.stdout, /publish hs1-4315870\._domainkey\.news\.northwind\.example CNAME news-northwind-example\.hs<NN>a\.dkim\.hubspotemail\.net/);
    assert.match(r.stdout, /Mailchimp .*\n(.*\n)*.*reports: 312 messages, 312 failing DMARC/);
    // The records align, the reports say otherwise: the verdict says both, and what to check.
    assert.match(r.stdout, /^ {2}Mailchimp \(From: northwind\.example\): passes DMARC by the records, but the reports show it FAILING \[p=none at _dmarc\.northwind\.example\]$/m);
    assert.match(r.stdout, /^ {4}check that Mailchimp signs with d=northwind\.example now \(reports of mail sent before that set-up show the same\)$/m);
    assert.match(r.stdout, /^ {2}SendGrid \(Twilio\) \(From: northwind\.example\): passes DMARC \[/m);
    const j = JSON.parse(cli('senders', 'examples', '--format', 'json').stdout);
    assert.deepEqual(
      j.senders.map((s: { provider: string; passesDmarc: boolean }) => `${s.provider} ${s.passesDmarc}`),
      ['google-workspace true', 'sendgrid true', 'mailchimp true', 'hubspot false'],
    );
    assert.ok(j.suggestions['northwind-shop.example'].senders.some((s: { provider: string }) => s.provider === 'sendgrid'));
  });

  it('check reports the same in the config file, with the DMARC record as related information', () => {
    const r = cli('check', 'examples', '--offline', '--format', 'json');
    const file = JSON.parse(r.stdout).files.find((f: { path: string }) => f.path.endsWith('.dmarc-lens.json'));
    const rulesSeen = file.diagnostics.map((d: { rule: string }) => d.rule);
    assert.deepEqual(rulesSeen, ['sender/failing-in-reports', 'sender/will-fail-dmarc', 'sender/dkim-selector-missing', 'sender/dkim-selector-missing']);
  });

  it('--suggest prints a profile for the domains without one', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-snd-'));
    fs.writeFileSync(path.join(dir, 'example.org.zone'), '$ORIGIN example.org.\n@ IN TXT "v=spf1 include:mail.zendesk.com -all"\nzendesk1._domainkey IN CNAME zendesk1._domainkey.zendesk.com.\n');
    const r = cli('senders', dir, '--suggest');
    assert.equal(r.status, 0, r.stderr);
    const json = JSON.parse(r.stdout.slice(r.stdout.indexOf('{')));
    assert.deepEqual(json.domains['example.org'].senders, [{ provider: 'zendesk', from: 'example.org', dkimSelectors: ['zendesk1'] }]);
  });
});

describe('report paths', () => {
  it('collect report files by glob relative to the folder, the bytes deciding what they are', async () => {
    const { collectReportFiles } = await import('../server/src/files');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-rp-'));
    fs.mkdirSync(path.join(dir, 'reports', '2026'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'other'));
    for (const f of ['reports/a.xml', 'reports/2026/b.xml.gz', 'reports/c.zip', 'other/d.xml', 'reports/notes.txt']) fs.writeFileSync(path.join(dir, f), '');
    const rel = (files: string[]) => files.map((f) => path.relative(dir, f).split(path.sep).join('/'));
    assert.deepEqual(rel(collectReportFiles(dir)), ['other/d.xml', 'reports/2026/b.xml.gz', 'reports/a.xml', 'reports/c.zip']);
    assert.deepEqual(rel(collectReportFiles(dir, 5000, ['reports/**'])), ['reports/2026/b.xml.gz', 'reports/a.xml', 'reports/c.zip']);
    assert.deepEqual(rel(collectReportFiles(dir, 5000, ['**/*.xml'])), ['other/d.xml', 'reports/a.xml']);
  });

  it('the CLI reads reports only from `reports.paths` of .dmarc-lens.json when it is set', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-rp2-'));
    fs.cpSync(path.join(ROOT, 'examples'), dir, { recursive: true });
    const cli = () => spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'check', dir, '--offline'], { encoding: 'utf8' }).stdout;
    assert.match(cli(), /sender\/failing-in-reports/);
    const cfg = fs.readFileSync(path.join(dir, '.dmarc-lens.json'), 'utf8').replace('"domains"', '"reports": { "paths": ["archive/**"] },\n  "domains"');
    fs.writeFileSync(path.join(dir, '.dmarc-lens.json'), cfg);
    assert.doesNotMatch(cli(), /sender\/failing-in-reports/);
  });
});

describe('senders under hosted DMARC', () => {
  it('says the policy is the vendor\'s when _dmarc is a CNAME, instead of "no DMARC record"', () => {
    const [v] = verdicts(one({ provider: 'mailchimp' }), '@ IN TXT "v=spf1 include:servers.mcsv.net -all"\n_dmarc IN CNAME example.com._dmarc.vendor.example.\n');
    const hosted = v.problems.find((p) => p.rule === 'sender/no-dmarc-record')!;
    assert.equal(hosted.severity, 'information');
    assert.match(hosted.message, /^DMARC for example\.com is hosted: _dmarc\.example\.com is a CNAME to example\.com\._dmarc\.vendor\.example, so its policy is not in the workspace/);
    const fail = v.problems.find((p) => p.rule === 'sender/will-fail-dmarc')!;
    assert.equal(fail.severity, 'warning');
    assert.match(fail.message, /will fail DMARC whenever the hosted policy at example\.com\._dmarc\.vendor\.example enforces/);
  });

  it('a subdomain whose _dmarc is a CNAME out of the workspace has that hosted policy, not its Organizational Domain\'s', () => {
    const zone = '@ IN TXT "v=spf1 -all"\n_dmarc IN TXT "v=DMARC1; p=reject; rua=mailto:d@example.com"\nnews IN TXT "v=spf1 include:servers.mcsv.net -all"\n_dmarc.news IN CNAME news.example.com._dmarc.vendor.example.\n';
    const [v] = verdicts({ domains: { 'example.com': { senders: [{ provider: 'mailchimp', from: 'news.example.com' }] } } }, zone);
    assert.match(v.problems.find((p) => p.rule === 'sender/no-dmarc-record')!.message, /^DMARC for news\.example\.com is hosted: _dmarc\.news\.example\.com is a CNAME/);
    // A CNAME to a record the workspace holds: that record's policy.
    const [w] = verdicts({ domains: { 'example.com': { senders: [{ provider: 'mailchimp', from: 'news.example.com' }] } } }, zone.replace('news.example.com._dmarc.vendor.example.', 'policy.example.com.') + 'policy IN TXT "v=DMARC1; p=quarantine"\n');
    assert.ok(!w.problems.some((p) => p.rule === 'sender/no-dmarc-record'), JSON.stringify(w.problems));
    assert.match(w.problems.find((p) => p.rule === 'sender/will-fail-dmarc')?.message ?? '', /quarantine/);
  });
});
