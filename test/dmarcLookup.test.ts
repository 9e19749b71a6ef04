/**
 * `dmarc-lens dmarc DOMAIN`: DMARC policy discovery (RFC 9989 tree walk), p/sp/np, alignment and
 * the record's findings, asked of a real DNS server on loopback (test/dns-server.ts) through the
 * product's own wire client, of the workspace offline, and through the CLI process.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { asDomain, authorDomain, dmarcLookupJson, formatDmarcLookup, lookupDmarc } from '../server/src/dmarcLookup';
import { ChainResolver, WorkspaceResolver } from '../server/src/dns/chain';
import { LiveResolver } from '../server/src/dns/live';
import { readZone } from '../server/src/service';
import { WorkspaceIndex } from '../server/src/workspace';
import { startDnsServer, type DnsServer, type ZoneRecord } from './dns-server';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const txt = (data: string | string[]): ZoneRecord => ({ type: 'TXT', data });
const a = (ip = '192.0.2.1'): ZoneRecord => ({ type: 'A', data: ip });

const ZONE: Record<string, ZoneRecord[]> = {
  '_dmarc.corp.test': [txt('v=DMARC1; p=reject; sp=quarantine; np=reject; adkim=s; rua=mailto:d@corp.test,mailto:x@rep.test')],
  'corp.test': [a()],
  'www.corp.test': [a()],
  'mx-only.corp.test': [{ type: 'MX', data: '10 mail.corp.test' }],
  // Its own record: p applies, not the parent's sp.
  '_dmarc.shop.corp.test': [txt('v=DMARC1; p=none; t=y; pct=50')],
  'shop.corp.test': [a()],
  // A record split into character-strings, as DNS serves long ones.
  '_dmarc.split.test': [txt(['v=DMARC1; p=quarantine; ', 'rua=mailto:d@split.test'])],
  'split.test': [a()],
  // sp set, np not: a name that does not exist takes sp.
  '_dmarc.sponly.test': [txt('v=DMARC1; p=reject; sp=none')],
  // Two records: receivers use neither, and the walk goes on up.
  '_dmarc.two.corp.test': [txt('v=DMARC1; p=none'), txt('v=DMARC1; p=reject')],
  'two.corp.test': [a()],
  // A record receivers discard (leading space), and below it nothing.
  '_dmarc.spaced.test': [txt(' v=DMARC1; p=reject')],
  'spaced.test': [a()],
  // A Public Suffix Domain's record (psd=y) under a suffix: what applies to a registrant below without one.
  '_dmarc.psd': [txt('v=DMARC1; p=quarantine; psd=y')],
  'reg.psd': [a()],
  // Hosted DMARC: a CNAME to a vendor's record.
  '_dmarc.hosted.test': [{ type: 'CNAME', data: 'hosted.test.dmarc.vendor.test' }],
  'hosted.test.dmarc.vendor.test': [txt('v=DMARC1; p=reject; rua=mailto:agg@vendor.test')],
  // The vendor authorises the reports (RFC 9990 §3); rep.test, where corp.test sends a copy, does not.
  'hosted.test._report._dmarc.vendor.test': [txt('v=DMARC1')],
  // An error-severity finding on the record that applies.
  '_dmarc.bad.test': [txt('v=DMARC1; p=rejectt')],
  // Under a top label whose `_dmarc` name never answers.
  '_dmarc.own.flaky': [txt('v=DMARC1; p=reject; sp=rejectt')],
  '_dmarc.orgrec.flaky': [txt('v=DMARC1; p=quarantine')],
  // A long name: the walk jumps to its last seven labels after the first query.
  '_dmarc.c.d.e.f.g.h.deep.test': [txt('v=DMARC1; p=none; psd=n')],
};

describe('dmarc-lens dmarc: policy discovery over live DNS (loopback server)', () => {
  let server: DnsServer;
  let live: () => ChainResolver;
  before(async () => {
    server = await startDnsServer(ZONE, { silent: new Set(['_dmarc.slow.test', '_dmarc.flaky']) });
    live = () => new ChainResolver(undefined, new LiveResolver({ servers: [`127.0.0.1:${server.port}`], timeoutMs: 300, tries: 1 }), undefined);
  });
  after(async () => server?.close());

  it('applies the domain’s own record with p', async () => {
    const r = await lookupDmarc('corp.test', live());
    assert.equal(r.status, 'policy');
    assert.deepEqual(r.applied, { name: 'corp.test', record: ZONE['_dmarc.corp.test'][0].data, kind: 'author' });
    assert.equal(r.policy?.tag, 'p');
    assert.equal(r.policy?.value, 'reject');
    assert.equal(r.policy?.adkim, 's');
    assert.equal(r.policy?.aspf, 'r');
    assert.deepEqual(r.policy?.rua, ['mailto:d@corp.test', 'mailto:x@rep.test']);
    assert.equal(r.org, 'corp.test');
    assert.equal(r.exists, undefined, 'existence is asked only where sp or np could apply');
  });

  it('takes sp for a subdomain that exists and np for one that does not (RFC 8020 NXDOMAIN)', async () => {
    const resolver = live();
    const www = await lookupDmarc('www.corp.test', resolver);
    assert.deepEqual([www.applied?.name, www.applied?.kind, www.exists, www.policy?.tag, www.policy?.value], ['corp.test', 'org', true, 'sp', 'quarantine']);
    // Only an MX there: the name exists (NODATA for A, not NXDOMAIN).
    const mx = await lookupDmarc('mx-only.corp.test', resolver);
    assert.deepEqual([mx.exists, mx.policy?.tag, mx.policy?.value], [true, 'sp', 'quarantine']);
    const ghost = await lookupDmarc('ghost.corp.test', resolver);
    assert.deepEqual([ghost.exists, ghost.policy?.tag, ghost.policy?.decidedBy, ghost.policy?.value], [false, 'np', 'np', 'reject']);
    // No np: a name that does not exist takes sp.
    const sp = await lookupDmarc('nothing.sponly.test', resolver);
    assert.deepEqual([sp.exists, sp.policy?.tag, sp.policy?.decidedBy, sp.policy?.value], [false, 'np', 'sp', 'none']);
    assert.match(formatDmarcLookup(ghost), /ghost\.corp\.test does not exist \(NXDOMAIN\): np applies/);
  });

  it('prefers a subdomain’s own record, and reads its test mode and stage', async () => {
    const r = await lookupDmarc('shop.corp.test', live());
    assert.deepEqual([r.applied?.name, r.policy?.tag, r.policy?.value, r.policy?.testing], ['shop.corp.test', 'p', 'none', true]);
    assert.equal(r.org, 'corp.test', 'the fewest-labels record on the walk');
    assert.equal(r.orgBy, 'fewest-labels');
    assert.ok(r.findings.some((f) => f.rule === 'dmarc/pct-removed'));
  });

  it('joins the character-strings of a split record', async () => {
    const r = await lookupDmarc('split.test', live());
    assert.equal(r.applied?.record, 'v=DMARC1; p=quarantine; rua=mailto:d@split.test');
    assert.equal(r.policy?.value, 'quarantine');
  });

  it('uses neither of two records at one name and goes on up', async () => {
    const r = await lookupDmarc('two.corp.test', live());
    assert.deepEqual([r.applied?.name, r.policy?.tag], ['corp.test', 'sp']);
    const q = r.queries.find((x) => x.name === '_dmarc.two.corp.test')!;
    assert.equal(q.records.length, 2);
    assert.match(formatDmarcLookup(r), /_dmarc\.two\.corp\.test\s+2 DMARC records: receivers use none of them/);
  });

  it('says a record that does not start with exactly v=DMARC1 is discarded, and that no policy applies', async () => {
    const r = await lookupDmarc('spaced.test', live());
    assert.equal(r.status, 'none');
    assert.equal(r.applied, undefined);
    assert.deepEqual(r.queries.find((x) => x.name === '_dmarc.spaced.test')?.discarded, [' v=DMARC1; p=reject']);
    const text = formatDmarcLookup(r);
    assert.match(text, /^spaced\.test: no DMARC policy applies/);
    assert.match(text, /not a DMARC record to receivers \(it must start with exactly v=DMARC1\)/);
  });

  it('applies a Public Suffix Domain’s record (psd=y) below it', async () => {
    const r = await lookupDmarc('reg.psd', live());
    assert.deepEqual([r.applied?.name, r.applied?.kind, r.org, r.orgBy, r.policy?.tag, r.policy?.value], ['psd', 'psd', 'reg.psd', 'psd=y', 'sp', 'quarantine']);
  });

  it('follows a _dmarc CNAME to a hosted record', async () => {
    const r = await lookupDmarc('hosted.test', live());
    assert.deepEqual([r.status, r.applied?.name, r.policy?.value], ['policy', 'hosted.test', 'reject']);
    assert.deepEqual(r.policy?.rua, ['mailto:agg@vendor.test']);
    assert.deepEqual(r.destinations.map((d) => [d.uri, d.external, d.authorized]), [['mailto:agg@vendor.test', true, true]]);
    assert.match(formatDmarcLookup(r), /aggregate reports to: mailto:agg@vendor\.test \(another organization: authorised; hosted\.test\._report\._dmarc\.vendor\.test authorises them\)/);
    // Where the record came from: the vendor's name, from the CNAME in the answer.
    assert.match(formatDmarcLookup(r), /^ {4}_dmarc\.hosted\.test +v=DMARC1; p=reject;.* {2}\(by CNAME to hosted\.test\.dmarc\.vendor\.test\) {2}← applies$/m);
    assert.equal((dmarcLookupJson(r) as { queries: { name: string; cname: string | null }[] }).queries.find((q) => q.name === '_dmarc.hosted.test')?.cname, 'hosted.test.dmarc.vendor.test');
  });

  it('asks whether a report destination on another organization authorises the reports (RFC 9990 §3)', async () => {
    const r = await lookupDmarc('corp.test', live());
    assert.deepEqual(
      r.destinations.map((d) => [d.uri, d.external, d.authorized ?? '-']),
      [
        ['mailto:d@corp.test', false, '-'],
        ['mailto:x@rep.test', true, false],
      ],
    );
    const f = r.findings.find((x) => x.rule === 'dmarc/external-reports-not-authorized');
    assert.ok(f);
    assert.equal(r.applied!.record.slice(f.range.start, f.range.end), 'mailto:x@rep.test');
    assert.match(f.message, /corp\.test\._report\._dmarc\.rep\.test does not exist/);
    assert.match(formatDmarcLookup(r), /mailto:x@rep\.test \(another organization: NOT authorised, so receivers send it none; corp\.test\._report\._dmarc\.rep\.test does not exist\)/);
  });

  it('asks at most eight names, all at once', async () => {
    const resolver = live();
    const r = await lookupDmarc('a.b.c.d.e.f.g.h.deep.test', resolver);
    assert.deepEqual(
      r.queries.map((q) => q.name),
      ['_dmarc.a.b.c.d.e.f.g.h.deep.test', '_dmarc.d.e.f.g.h.deep.test', '_dmarc.e.f.g.h.deep.test', '_dmarc.f.g.h.deep.test', '_dmarc.g.h.deep.test', '_dmarc.h.deep.test', '_dmarc.deep.test', '_dmarc.test'],
    );
    // psd=n on a name the jump skips is never seen: nothing applies, the name itself is its Organizational Domain.
    assert.equal(r.status, 'none');
  });

  it('lists the names in the walk’s order whatever order the answers come in', async () => {
    const slow = await startDnsServer(ZONE, { delays: new Map([['_dmarc.www.corp.test', 150]]) });
    try {
      const r = await lookupDmarc('www.corp.test', new ChainResolver(undefined, new LiveResolver({ servers: [`127.0.0.1:${slow.port}`], timeoutMs: 1000 }), undefined));
      assert.deepEqual(
        r.queries.map((q) => q.name),
        ['_dmarc.www.corp.test', '_dmarc.corp.test', '_dmarc.test'],
      );
    } finally {
      await slow.close();
    }
  });

  it('tells alignment, relaxed and strict', async () => {
    const r = await lookupDmarc('www.corp.test', live(), { spf: ['bounce.corp.test', 'esp.test'], dkim: ['corp.test', 'www.corp.test'] });
    // aspf relaxed; adkim strict (the record says adkim=s).
    assert.deepEqual(
      r.alignment.map((x) => `${x.identifier} ${x.domain} ${x.mode} ${x.aligned}`),
      ['spf bounce.corp.test r true', 'spf esp.test r false', 'dkim corp.test s false', 'dkim www.corp.test s true'],
    );
    assert.match(formatDmarcLookup(r), /SPF esp\.test: NOT aligned \(relaxed: Organizational Domain esp\.test, not corp\.test\)/);
  });

  it('reports the record’s findings at their characters', async () => {
    const r = await lookupDmarc('bad.test', live());
    const f = r.findings.find((x) => x.severity === 'error');
    assert.ok(f, JSON.stringify(r.findings));
    assert.equal(r.applied!.record.slice(f.range.start, f.range.end).includes('rejectt'), true);
    assert.equal(r.policy?.value, 'none', 'a policy receivers do not know is none (RFC 9989 §4.7)');
  });

  it('is a temperror, not "no policy", when a query the walk needs times out', async () => {
    const t0 = Date.now();
    const r = await lookupDmarc('slow.test', live());
    assert.equal(r.status, 'temperror');
    assert.match(r.problems.join('\n'), /_dmarc\.slow\.test: no answer from 127\.0\.0\.1:\d+ within 300 ms/);
    assert.ok(Date.now() - t0 < 2000, 'one timeout, not one per name');
  });

  it('keeps the domain’s own policy when a name above fails (only the Organizational Domain is in doubt), and is a temperror when the record applied comes from above', async () => {
    const resolver = live();
    const [own, below] = await Promise.all([lookupDmarc('own.flaky', resolver), lookupDmarc('x.orgrec.flaky', resolver)]);
    assert.deepEqual([own.status, own.policy?.value, own.applied?.kind], ['policy', 'reject', 'author']);
    assert.match(own.problems.join('\n'), /^_dmarc\.flaky: no answer/);
    assert.match(formatDmarcLookup(own), /the Organizational Domain may be another \(it decides relaxed alignment\): a query above failed/);
    // A psd=y record at the top label would make x.orgrec.flaky's Organizational Domain another, and its policy with it.
    assert.equal(below.status, 'temperror');
    assert.match(formatDmarcLookup(below), /^x\.orgrec\.flaky: temperror \(the answer below may be wrong\)/);
  });

  it('takes an sp that is not a policy as absent', async () => {
    const r = await lookupDmarc('www.own.flaky', live());
    assert.deepEqual([r.applied?.name, r.policy?.tag, r.policy?.decidedBy, r.policy?.value], ['own.flaky', 'np', 'p', 'reject']);
  });

  it('takes international names as A-labels', () => {
    assert.equal(asDomain('Bücher.Example.'), 'xn--bcher-kva.example');
    assert.equal(asDomain('a b.example'), undefined);
    assert.equal(asDomain('x@example.com'), undefined);
    assert.equal(asDomain(''), undefined);
  });
});

describe('dmarc-lens dmarc: offline, over the workspace', () => {
  const index = new WorkspaceIndex();
  const text = fs.readFileSync(path.join(ROOT, 'examples', 'northwind.example.zone'), 'utf8');
  const z = readZone(text, 'northwind.example.zone', { readFile: (f) => fs.readFileSync(path.join(ROOT, 'examples', path.basename(f)), 'utf8') });
  index.set('northwind.example.zone', z.zone.records, z.sites);
  const offline = () => new ChainResolver(new WorkspaceResolver(index), undefined, undefined);

  it('reads the zone’s records, and knows absences inside a zone held whole', async () => {
    const r = await lookupDmarc('ghost.northwind.example', offline());
    assert.equal(r.status, 'policy');
    assert.deepEqual([r.applied?.name, r.exists, r.policy?.tag], ['northwind.example', false, 'np']);
    assert.equal(r.queries.find((q) => q.name === '_dmarc.ghost.northwind.example')?.answer.status, 'nxdomain');
    assert.deepEqual(r.unknown, ['_dmarc.example']);
  });

  it('says "not known offline" for a domain the workspace does not define, not "no policy"', async () => {
    const r = await lookupDmarc('elsewhere.test', offline());
    assert.equal(r.status, 'unknown');
    assert.match(formatDmarcLookup(r), /^elsewhere\.test: not known offline — the workspace does not define _dmarc\.elsewhere\.test/);
  });
});

describe('dmarc-lens dmarc: the command', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });

  it('answers from the example workspace offline, with exit 0 for a policy and 1 for none', () => {
    const r = run('dmarc', 'northwind.example', '--offline', '--workspace', 'examples', '--spf-domain', 'bounce.northwind.example', '--dkim-domain', 'sendgrid.net');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^northwind\.example: p=none, by p of the domain’s own record at _dmarc\.northwind\.example/);
    assert.match(r.stdout, /DKIM sendgrid\.net: NOT aligned/);
    const none = run('dmarc', 'nowhere.test', '--offline');
    assert.equal(none.status, 1);
  });

  it('takes an address or the policy record’s own name for the domain', () => {
    for (const given of ['someone@shop.northwind.example', '<x@Shop.Northwind.Example>', '_dmarc.shop.northwind.example.']) {
      const r = run('dmarc', given, '--offline', '--workspace', 'examples');
      assert.equal(r.status, 0, `${given}: ${r.stderr}`);
      assert.match(r.stdout, /^shop\.northwind\.example: p=quarantine/, given);
    }
    assert.equal(authorDomain('a@b@example.com'), 'example.com');
  });

  it('prints JSON for scripts', () => {
    const r = run('dmarc', 'shop.northwind.example', '--offline', '--workspace', 'examples', '--format', 'json');
    const j = JSON.parse(r.stdout);
    assert.equal(j.domain, 'shop.northwind.example');
    assert.equal(j.status, 'policy');
    assert.equal(j.policy.value, 'quarantine');
    assert.equal(j.applied.kind, 'author');
    assert.ok(Array.isArray(j.queries) && j.queries[0].name === '_dmarc.shop.northwind.example');
  });

  it('refuses what is not a domain, with exit 2 and one line', () => {
    for (const args of [['dmarc'], ['dmarc', 'a b'], ['dmarc', 'x.test', '--dkim-domain', 'not a domain'], ['dmarc', 'x.test', '--format', 'sarif']]) {
      const r = run(...args);
      assert.equal(r.status, 2, args.join(' '));
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
  });

  it('asks a server given with --dns', async () => {
    const server = await startDnsServer(ZONE);
    try {
      const out = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
        const p = spawn(process.execPath, [CLI, 'dmarc', 'www.corp.test', '--dns', `127.0.0.1:${server.port}`, '--format', 'json'], { cwd: ROOT });
        let s = '';
        p.stdout.on('data', (d) => (s += d));
        p.on('close', (code) => resolve({ code, stdout: s }));
      });
      assert.equal(out.code, 0);
      const j = JSON.parse(out.stdout);
      assert.deepEqual([j.policy.tag, j.policy.value, j.exists], ['sp', 'quarantine', true]);
      assert.match(j.queries[0].source, /^live DNS at /);
    } finally {
      await server.close();
    }
  });

});
