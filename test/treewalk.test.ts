/**
 * The RFC 9989 §4.10 DNS Tree Walk: the Organizational Domain (§4.10.2, with the RFC's own examples),
 * policy discovery (§4.10.1: the Author Domain's record, else the Organizational Domain's, else the
 * PSD's; records in between do not apply), what the workspace can and cannot tell (a zone held whole
 * vs a snippet), and what it changes in sender alignment.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseConfig } from '../server/src/config';
import { analyzeSenders, findCoverage, workspaceOrg } from '../server/src/senders/analyze';
import { discoverPolicy, organizationalDomain, treeWalk, type DmarcAt } from '../server/src/senders/treewalk';
import { readZone } from '../server/src/service';
import { WorkspaceIndex } from '../server/src/workspace';
import { applyFix, covered, lint, rulesOf } from './helpers';

/** Records by name (`psd` value or '' for none); names not listed hold nothing, or are unknown when `unknown` lists them. */
function dns(records: Record<string, string>, unknown: string[] = []): DmarcAt<string> {
  return (name) => (name in records ? { item: name, psd: records[name] || undefined } : unknown.includes(name) ? undefined : null);
}

const SOA = '@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n';

function workspace(files: Record<string, string>): WorkspaceIndex {
  const ws = new WorkspaceIndex();
  for (const [name, text] of Object.entries(files)) {
    const p = readZone(text, name);
    ws.set(name, p.zone.records, p.sites);
  }
  return ws;
}

describe('Organizational Domain by the tree walk (RFC 9989 §4.10.2)', () => {
  it('gives the RFC examples', () => {
    // Records at mail.example.com and example.com: the fewest labels wins.
    assert.equal(organizationalDomain('a.mail.example.com', dns({ 'mail.example.com': '', 'example.com': '' })), 'example.com');
    // psd=n at mail.example.com stops the walk there.
    assert.equal(organizationalDomain('a.mail.example.com', dns({ 'mail.example.com': 'n', 'example.com': '' })), 'mail.example.com');
    // Only _dmarc.com, with psd=y: one label below it.
    assert.equal(organizationalDomain('a.mail.example.com', dns({ com: 'y' })), 'example.com');
    // psd=y at the name the walk starts from does not count; the walk stops there and that name is the answer.
    assert.equal(organizationalDomain('example.com', dns({ 'example.com': 'y', com: 'y' })), 'example.com');
    // psd=u is no psd tag.
    assert.equal(organizationalDomain('a.mail.example.com', dns({ 'mail.example.com': 'u', 'example.com': 'u' })), 'example.com');
  });

  it('is the name itself when no record is found, and a private registry with psd=y splits its subdomains', () => {
    assert.equal(organizationalDomain('bounce.example.com', dns({})), 'bounce.example.com');
    const registry = dns({ 'example.com': 'y' });
    assert.equal(organizationalDomain('shop.example.com', registry), 'shop.example.com');
    assert.equal(organizationalDomain('mail.shop.example.com', registry), 'shop.example.com');
    assert.equal(organizationalDomain('blog.example.com', registry), 'blog.example.com');
  });

  it('falls back to the public suffix list when the registrable domain is out of sight', () => {
    const w = treeWalk('a.news.example.co.uk', dns({ 'news.example.co.uk': '' }, ['example.co.uk']));
    assert.equal(w.org, 'example.co.uk');
    assert.equal(w.by, 'public-suffix-list');
    // A psd=n below it still decides.
    assert.equal(organizationalDomain('a.news.example.co.uk', dns({ 'news.example.co.uk': 'n' }, ['example.co.uk'])), 'news.example.co.uk');
    // Names above it (public suffixes) that are unknown are taken to publish nothing.
    assert.equal(organizationalDomain('a.example.co.uk', dns({ 'example.co.uk': '' }, ['co.uk', 'uk'])), 'example.co.uk');
  });

  it('asks at most eight names, as the walk does', () => {
    const asked: string[] = [];
    treeWalk('a.b.c.d.e.f.g.h.example.com', (n) => (asked.push(n), null));
    assert.deepEqual(asked, ['a.b.c.d.e.f.g.h.example.com', 'd.e.f.g.h.example.com', 'e.f.g.h.example.com', 'f.g.h.example.com', 'g.h.example.com', 'h.example.com', 'example.com', 'com']);
  });
});

describe('policy discovery (RFC 9989 §4.10.1)', () => {
  it('applies the Author Domain record, else the Organizational Domain record, else the PSD record', () => {
    assert.equal(discoverPolicy('mail.example.com', dns({ 'mail.example.com': '', 'example.com': '' })).applied?.kind, 'author');
    // The record at mail.example.com is on the way but is not the Organizational Domain's: it does not apply.
    const d = discoverPolicy('a.mail.example.com', dns({ 'mail.example.com': '', 'example.com': '' }));
    assert.deepEqual([d.applied?.name, d.applied?.kind], ['example.com', 'org']);
    assert.deepEqual(discoverPolicy('a.mail.example.com', dns({ 'mail.example.com': 'n', 'example.com': '' })).applied?.name, 'mail.example.com');
    const psd = discoverPolicy('a.example.com', dns({ com: 'y' }));
    assert.deepEqual([psd.applied?.name, psd.applied?.kind], ['com', 'psd']);
    assert.equal(discoverPolicy('a.example.com', dns({})).applied, undefined);
  });

  it('over the workspace: the sp of the Organizational Domain applies, not that of a record in between', () => {
    const ws = workspace({
      'example.com.zone': `$ORIGIN example.com.\n${SOA}_dmarc IN TXT "v=DMARC1; p=reject; sp=quarantine"\n_dmarc.news IN TXT "v=DMARC1; p=none; sp=none"\nnews IN A 192.0.2.1\na.news IN A 192.0.2.2\n`,
    });
    const c = findCoverage('a.news.example.com', (n) => ws.at(n), (n) => ws.exists(n))!;
    assert.deepEqual([c.at, c.kind, c.via, c.policy], ['example.com', 'org', 'sp', 'quarantine']);
    assert.equal(findCoverage('news.example.com', (n) => ws.at(n), (n) => ws.exists(n))?.policy, 'none');
  });

  it('over the workspace: a zone held whole tells that a name has no record; a snippet does not', () => {
    const whole = workspace({ 'example.com.zone': `$ORIGIN example.com.\n${SOA}_dmarc.news IN TXT "v=DMARC1; p=reject"\nnews IN A 192.0.2.1\n` });
    const org = workspaceOrg((n) => whole.at(n));
    assert.equal(org('a.news.example.com'), 'news.example.com');
    assert.equal(org('bounce.example.com'), 'bounce.example.com');
    assert.equal(findCoverage('a.news.example.com', (n) => whole.at(n), (n) => whole.exists(n))?.at, 'news.example.com');
    const snippet = workspace({ 'news.zone': `$ORIGIN example.com.\n_dmarc.news IN TXT "v=DMARC1; p=reject"\nnews IN A 192.0.2.1\n` });
    assert.equal(workspaceOrg((n) => snippet.at(n))('a.news.example.com'), 'example.com');
    assert.equal(findCoverage('a.news.example.com', (n) => snippet.at(n), (n) => snippet.exists(n)), undefined);
  });
});

describe('sender alignment with the tree walk', () => {
  const verdicts = (zone: string, sender: object) => {
    const ws = workspace({ 'example.com.zone': `$ORIGIN example.com.\n${SOA}${zone}` });
    const { config } = parseConfig(JSON.stringify({ domains: { 'example.com': { senders: [sender] } } }), '/w/.dmarc-lens.json');
    return analyzeSenders(config.senders, (o) => ws.at(o), { exists: (n) => ws.exists(n), keysUnder: (d) => ws.under(`_domainkey.${d}`) });
  };
  const base = '_dmarc IN TXT "v=DMARC1; p=reject; rua=mailto:d@example.com"\nbounce IN TXT "v=spf1 ip4:192.0.2.0/24 -all"\nnews IN A 192.0.2.1\n';
  const sender = { provider: 'custom', name: 'newsletter', from: 'news.example.com', returnPath: 'bounce.example.com', ips: ['192.0.2.7'] };

  it('a Return-Path on the parent aligns with a subdomain From under relaxed alignment', () => {
    const [v] = verdicts(base, sender);
    assert.equal(v.spf.aligned, true, v.spf.why);
  });

  it('psd=n at the subdomain makes it its own Organizational Domain: the parent no longer aligns', () => {
    const [v] = verdicts(base + '_dmarc.news IN TXT "v=DMARC1; p=reject; psd=n; rua=mailto:d@example.com"\n', sender);
    assert.equal(v.spf.aligned, false);
    assert.match(v.spf.why, /Organizational Domains differ, example\.com and news\.example\.com, by the DMARC records on the way up \(RFC 9989 §4\.10\.2\)/);
    assert.ok(v.problems.some((p) => p.rule === 'sender/will-fail-dmarc'));
  });

  it('names a record on the way that does not apply when the Organizational Domain record is out of sight', () => {
    const ws = workspace({ 'news.zone': `$ORIGIN example.com.\n_dmarc.news IN TXT "v=DMARC1; p=reject"\nnews IN A 192.0.2.1\n` });
    const { config } = parseConfig(JSON.stringify({ domains: { 'example.com': { senders: [{ provider: 'mailchimp', from: 'a.news.example.com' }] } } }), '/w/.dmarc-lens.json');
    const [v] = analyzeSenders(config.senders, (o) => ws.at(o), { exists: (n) => ws.exists(n) });
    const p = v.problems.find((x) => x.rule === 'sender/no-dmarc-record')!;
    assert.equal(p.severity, 'information');
    assert.match(p.message, /_dmarc\.news\.example\.com does not apply to a\.news\.example\.com: .*Organizational Domain, example\.com, whose _dmarc record is not in the workspace/);
  });
});

describe('rules that read the tree walk', () => {
  const SOA_LINE = '@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n';

  it('dmarc/ignored-subdomain-policy: sp and np below the Organizational Domain, with the record that applies instead', () => {
    const { text, findings } = lint('_dmarc IN TXT "v=DMARC1; p=none; sp=none; rua=mailto:d@example.com"\n_dmarc.news IN TXT "v=DMARC1; p=reject; sp=reject; np=reject"');
    const f = findings.filter((x) => x.rule === 'dmarc/ignored-subdomain-policy');
    assert.deepEqual(f.map((x) => covered(text, x)), ['sp=reject', 'np=reject']);
    assert.match(f[0].message, /`sp=reject` never applies: receivers take the policy for names under news\.example\.com from _dmarc\.example\.com, the record of their Organizational Domain example\.com/);
    assert.equal(f[0].related?.[0].message, 'the record that applies to names under news.example.com');
    // Two fixes: remove the tag (nothing changes for receivers), or add psd=n (what the author likely meant).
    assert.deepEqual(f[0].fixes?.map((x) => x.title), ['Remove `sp=reject` (it applies to nothing)', 'Add `psd=n`: news.example.com becomes its own Organizational Domain (its subdomains then align only with names under it)']);
    const lines = (fix: number) => applyFix(text, f[0].fixes![fix]).split('\n')[3];
    assert.equal(lines(0), '_dmarc.news IN TXT "v=DMARC1; p=reject; np=reject"');
    assert.equal(lines(1), '_dmarc.news IN TXT "v=DMARC1; p=reject; sp=reject; np=reject; psd=n"');
    const after = lint(applyFix(text, f[0].fixes![1]).split('\n').slice(2).join('\n')).findings;
    assert.ok(!rulesOf(after).includes('dmarc/ignored-subdomain-policy'));
    // psd=n makes news.example.com its own Organizational Domain.
    assert.ok(!rulesOf(lint('_dmarc IN TXT "v=DMARC1; p=none"\n_dmarc.news IN TXT "v=DMARC1; p=reject; sp=reject; psd=n"').findings).includes('dmarc/ignored-subdomain-policy'));
    // The apex publishes nothing in a zone held whole: news.example.com is the Organizational Domain, its sp applies.
    assert.ok(!rulesOf(lint(`${SOA_LINE}_dmarc.news IN TXT "v=DMARC1; p=reject; sp=reject"`).findings).includes('dmarc/ignored-subdomain-policy'));
    // A snippet without the apex's record: not known, not reported.
    assert.ok(!rulesOf(lint('_dmarc.news IN TXT "v=DMARC1; p=reject; sp=reject"').findings).includes('dmarc/ignored-subdomain-policy'));
  });

  it('dmarc/ignored-subdomain-policy replaces dmarc/weak-subdomain-policy on the same tag (its advice would change nothing there)', () => {
    const dead = rulesOf(lint('_dmarc IN TXT "v=DMARC1; p=none"\n_dmarc.news IN TXT "v=DMARC1; p=reject; sp=none"').findings);
    assert.ok(dead.includes('dmarc/ignored-subdomain-policy'));
    assert.ok(!dead.includes('dmarc/weak-subdomain-policy'));
    // With psd=n the record is its own Organizational Domain's: sp=none applies, and is weak.
    const live = rulesOf(lint('_dmarc IN TXT "v=DMARC1; p=none"\n_dmarc.news IN TXT "v=DMARC1; p=reject; sp=none; psd=n"').findings);
    assert.ok(live.includes('dmarc/weak-subdomain-policy') && !live.includes('dmarc/ignored-subdomain-policy'));
  });

  it('dmarc/ignored-subdomain-policy: the Organizational Domain record may be in another file of the workspace', () => {
    const ws = workspace({ 'example.com.zone': `$ORIGIN example.com.\n${SOA}_dmarc IN TXT "v=DMARC1; p=reject"\n` });
    const { findings } = lint('_dmarc.eu.news IN TXT "v=DMARC1; p=reject; sp=quarantine"', { workspace: ws });
    const f = findings.find((x) => x.rule === 'dmarc/ignored-subdomain-policy')!;
    assert.match(f.message, /from _dmarc\.example\.com/);
    assert.equal(f.related?.[0].uri, 'example.com.zone');
  });

  it('dmarc/external-reports-not-authorized: the apex publishing no DMARC record makes reports from a subdomain to it external under RFC 9989', () => {
    const zone = `${SOA_LINE}@ IN MX 10 mx\n_dmarc.shop IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@example.com"`;
    const f = lint(zone).findings.find((x) => x.rule === 'dmarc/external-reports-not-authorized')!;
    assert.match(f.message, /Organizational Domain of shop\.example\.com is shop\.example\.com and that of example\.com is example\.com \(RFC 9989 §4\.10\.2\), since example\.com publishes no DMARC record/);
    assert.match(f.message, /or a DMARC record at _dmarc\.example\.com, which makes it the Organizational Domain of both/);
    // Two fixes: the authorisation, or a record at the apex (which joins the two organizations); each settles it.
    assert.deepEqual(f.fixes?.map((x) => x.title), ['DMARC: publish shop.example.com._report._dmarc.example.com TXT "v=DMARC1" (authorise reports for shop.example.com)', 'DMARC: publish _dmarc.example.com with p=none (monitoring), reports to dmarc@example.com']);
    const full = `$ORIGIN example.com.\n$TTL 300\n${zone}\n`;
    for (const fx of f.fixes!) {
      const fixed = applyFix(full, fx);
      assert.ok(!rulesOf(lint(fixed.split('\n').slice(2).join('\n')).findings).includes('dmarc/external-reports-not-authorized'), fx.title);
    }
    // Publishing the apex record, or the authorisation, settles it; so does the destination on the name itself.
    assert.ok(!rulesOf(lint(zone + '\n_dmarc IN TXT "v=DMARC1; p=none"').findings).includes('dmarc/external-reports-not-authorized'));
    assert.ok(!rulesOf(lint(zone + '\nshop.example.com._report._dmarc IN TXT "v=DMARC1"').findings).includes('dmarc/external-reports-not-authorized'));
    // psd=n at the subdomain: its own organization, whatever the apex publishes.
    const own = lint(`${SOA_LINE}@ IN MX 10 mx\n_dmarc IN TXT "v=DMARC1; p=none"\n_dmarc.shop IN TXT "v=DMARC1; p=none; psd=n; rua=mailto:dmarc@example.com"`).findings.find((x) => x.rule === 'dmarc/external-reports-not-authorized')!;
    assert.match(own.message, /Organizational Domain of shop\.example\.com is shop\.example\.com and that of example\.com is example\.com \(RFC 9989 §4\.10\.2\)\. They look/);
    // The stage-1 fix of dmarc/missing-record for a subdomain of such an apex authorises its reports there too, so applying it raises nothing new.
    const missing = lint(`${SOA_LINE}shop IN TXT "v=spf1 -all"`);
    const fix = missing.findings.find((x) => x.rule === 'dmarc/missing-record')!.fixes![0];
    const fixed = applyFix(missing.text, fix);
    assert.match(fixed, /\nshop\.example\.com\._report\._dmarc\.example\.com\.\tIN TXT\t"v=DMARC1"\n/);
    assert.deepEqual(rulesOf(lint(fixed.split('\n').slice(2).join('\n')).findings).filter((r) => r.startsWith('dmarc/') && r !== 'dmarc/policy-none' && r !== 'dmarc/report-address-no-mail'), []);
    // Without an SOA nothing is known of the apex: the public suffix list's answer stands (one organization).
    assert.ok(!rulesOf(lint('@ IN MX 10 mx\n_dmarc.shop IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@example.com"').findings).includes('dmarc/external-reports-not-authorized'));
  });
});

describe('dmarc/psd-on-organization', () => {
  it('flags psd=y on a name the public suffix list does not list, not on a suffix of either section', () => {
    const { text, findings } = lint('_dmarc IN TXT "v=DMARC1; p=reject; psd=y; rua=mailto:d@example.com"');
    const f = findings.find((x) => x.rule === 'dmarc/psd-on-organization')!;
    assert.equal(covered(text, f), 'psd=y');
    assert.match(f.message, /declares example\.com a Public Suffix Domain, which the public suffix list does not/);
    assert.equal(applyFix(text, f.fixes![0]).split('\n')[2], '_dmarc IN TXT "v=DMARC1; p=reject; rua=mailto:d@example.com"');
    for (const [origin, rec] of [['co.uk', 'psd=y'], ['github.io', 'psd=y'], ['example.com', 'psd=n'], ['example.com', 'psd=u']])
      assert.ok(!rulesOf(lint(`_dmarc IN TXT "v=DMARC1; p=reject; ${rec}"`, {}, origin).findings).includes('dmarc/psd-on-organization'), `${origin} ${rec}`);
  });
});

describe('spf/include-does-not-align and the Organizational Domain', () => {
  it('counts a platform DKIM set-up at a parent only up to the Organizational Domain', () => {
    const zone = '_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:d@example.com"\nk2._domainkey IN CNAME dkim2.mcsv.net.\nk3._domainkey IN CNAME dkim3.mcsv.net.\nnews IN TXT "v=spf1 include:servers.mcsv.net -all"';
    assert.ok(!rulesOf(lint(zone).findings).includes('spf/include-does-not-align'));
    // psd=n makes news.example.com an organization of its own: example.com's signature no longer aligns.
    const split = lint(zone + '\n_dmarc.news IN TXT "v=DMARC1; p=none; psd=n; rua=mailto:d@example.com"').findings;
    assert.ok(rulesOf(split).includes('spf/include-does-not-align'));
  });
});

describe('tree walk properties (fast-check)', () => {
  const RUNS = Number(process.env.DL_PROPERTY_RUNS ?? 300);
  // Names of a small tree, ten labels deep on one branch (past the eight-query cut).
  const NAMES = ['com', 'example.com', 'news.example.com', 'a.news.example.com', 'b.a.news.example.com', 'c.b.a.news.example.com', 'd.c.b.a.news.example.com', 'e.d.c.b.a.news.example.com', 'f.e.d.c.b.a.news.example.com', 'shop.example.com', 'co.uk', 'example.co.uk', 'mail.example.co.uk'];
  const state = fc.constantFrom<string | null | undefined>(null, null, undefined, '', 'n', 'y', 'u');
  const layouts = fc.array(state, { minLength: NAMES.length, maxLength: NAMES.length }).map((states) => {
    const records: Record<string, string> = {};
    const unknown: string[] = [];
    states.forEach((s, i) => (s === undefined ? unknown.push(NAMES[i]) : s !== null ? (records[NAMES[i]] = s) : undefined));
    return dns(records, unknown);
  });

  it('the Organizational Domain is the name or a parent, and is its own Organizational Domain', () => {
    fc.assert(
      fc.property(layouts, fc.constantFrom(...NAMES), (at, name) => {
        const org = organizationalDomain(name, at);
        assert.ok(name === org || name.endsWith(`.${org}`), `${org} for ${name}`);
        assert.equal(organizationalDomain(org, at), org, `org(${org}) for ${name}`);
      }),
      { numRuns: RUNS },
    );
  });

  it('policy discovery applies the Author Domain record, else the Organizational Domain record, else a psd=y record above it', () => {
    fc.assert(
      fc.property(layouts, fc.constantFrom(...NAMES), (at, name) => {
        const d = discoverPolicy(name, at);
        const own = at(name);
        if (own) return assert.equal(d.applied?.kind, 'author');
        if (!d.applied) return;
        if (d.applied.kind === 'org') assert.equal(d.applied.name, d.walk.org);
        else {
          assert.equal(d.applied.kind, 'psd');
          assert.equal(d.applied.psd, 'y');
          assert.ok(d.walk.org.endsWith(`.${d.applied.name}`));
        }
      }),
      { numRuns: RUNS },
    );
  });
});
