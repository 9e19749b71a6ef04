/**
 * Live DNS through node's resolver against a real DNS server on loopback (test/dns-server.ts):
 * check_host() and the lookup tree over the network, timeouts, split TXT strings, truncation.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LiveResolver } from '../../server/src/dns/live';
import { ChainResolver, MemoResolver, WorkspaceResolver } from '../../server/src/dns/chain';
import type { DnsAnswer, Resolver, RRType } from '../../server/src/dns/types';
import { readZone } from '../../server/src/service';
import { WorkspaceIndex } from '../../server/src/workspace';
import { checkHost } from '../../server/src/spf/evaluator';
import { lookupTree } from '../../server/src/spf/tree';
import { startDnsServer, type DnsServer, type ZoneRecord } from '../dns-server';

const txt = (data: string | string[]): ZoneRecord => ({ type: 'TXT', data });

function zone(): Record<string, ZoneRecord[]> {
  const z: Record<string, ZoneRecord[]> = {
    'ten.test': [txt('v=spf1 include:c2.test -all')],
    'eleven.test': [txt('v=spf1 include:c1.test -all')],
    'loop1.test': [txt('v=spf1 include:loop2.test -all')],
    'loop2.test': [txt('v=spf1 include:loop1.test -all')],
    'void3.test': [txt('v=spf1 a:nx1.test mx:exists.test a:nx2.test ip4:192.0.2.0/24 -all')],
    'exists.test': [{ type: 'A', data: '192.0.2.1' }],
    'redir.test': [txt('v=spf1 redirect=simple.test')],
    'simple.test': [txt('v=spf1 ip4:192.0.2.0/24 -all')],
    'split.test': [txt(['v=spf1 ip4:198.51.100.0/24 ', 'ip4:203.0.113.0/24 -all'])],
    'two.test': [txt('v=spf1 -all'), txt('v=spf1 +all')],
    'slow.test': [txt('v=spf1 include:silent.test -all')],
    'shared.test': [txt('v=spf1 include:s1.test include:s2.test include:s3.test -all')],
    's1.test': [txt('v=spf1 include:common.test -all')],
    's2.test': [txt('v=spf1 include:common.test -all')],
    's3.test': [txt('v=spf1 ip4:192.0.2.9 -all')],
    'common.test': [txt('v=spf1 ip4:192.0.2.10 -all')],
    // An IPv6 client and MX hosts with IPv4 addresses only; a macro that expands to one label.
    'mx6.test': [txt('v=spf1 mx mx:other6.test a:%{d1} ip6:2001:db8::/32 -all'), { type: 'MX', data: '10 m1.mx6.test' }],
    'm1.mx6.test': [{ type: 'A', data: '192.0.2.25' }],
    'other6.test': [{ type: 'MX', data: '10 m2.other6.test' }],
    'm2.other6.test': [{ type: 'A', data: '192.0.2.26' }],
  };
  for (let i = 1; i <= 11; i++) z[`c${i}.test`] = [txt(i < 11 ? `v=spf1 include:c${i + 1}.test -all` : 'v=spf1 ip4:198.51.100.1 -all')];
  return z;
}

describe('live DNS against a loopback server', () => {
  let server: DnsServer;
  let resolver: () => LiveResolver;
  before(async () => {
    server = await startDnsServer(zone(), { silent: new Set(['silent.test']) });
    resolver = () => new LiveResolver({ servers: [`127.0.0.1:${server.port}`], timeoutMs: 300 });
  });
  after(() => server.close());

  const check = (domain: string, ip: string) => checkHost({ ip, sender: `postmaster@${domain}`, helo: domain, resolver: resolver() });

  it('allows a chain of exactly 10 lookups and fails the 11th with permerror', async () => {
    const ten = await check('ten.test', '198.51.100.1');
    assert.deepEqual([ten.result, ten.lookups], ['pass', 10]);
    const eleven = await check('eleven.test', '198.51.100.1');
    assert.equal(eleven.result, 'permerror');
    const tree = await lookupTree('eleven.test', resolver());
    assert.equal(tree.lookups, 11);
    assert.equal(tree.diagnostics[0].rule, 'spf/too-many-lookups');
    assert.equal(tree.diagnostics[0].term, 'include:c11.test');
    assert.equal((await lookupTree('ten.test', resolver())).diagnostics.length, 0);
  });

  it('finds include loops from the recursion path', async () => {
    assert.equal((await check('loop1.test', '192.0.2.1')).result, 'permerror');
    const tree = await lookupTree('loop1.test', resolver());
    assert.ok(tree.diagnostics.some((d) => d.rule === 'spf/include-loop' && d.message.includes('loop1.test → loop2.test → loop1.test')));
  });

  it('counts void lookups (more than 2 is a permerror)', async () => {
    const r = await check('void3.test', '192.0.2.55');
    assert.deepEqual([r.result, r.voidLookups], ['permerror', 3]);
    const tree = await lookupTree('void3.test', resolver());
    assert.equal(tree.voidLookups, 3);
    assert.ok(tree.diagnostics.some((d) => d.rule === 'spf/too-many-void-lookups'));
  });

  it('counts void lookups as pyspf and Mail::SPF do: MX hosts without an address of the client\'s family, a single-label name', async () => {
    // Found by the random differential (bench/spf-differential.mjs): both count 3 void lookups here,
    // so the record is a permerror for an IPv6 client; for an IPv4 client the first MX host matches.
    const v6 = await check('mx6.test', '2001:db8::1');
    assert.deepEqual([v6.result, v6.voidLookups], ['permerror', 3]);
    assert.equal(server.queries.get('AAAA test'), 1, 'the one-label name `test` is asked for');
    const v4 = await check('mx6.test', '192.0.2.25');
    assert.deepEqual([v4.result, v4.voidLookups], ['pass', 0]);
  });

  it('follows redirect and joins split TXT strings', async () => {
    assert.equal((await check('redir.test', '192.0.2.7')).result, 'pass');
    assert.equal((await check('split.test', '203.0.113.9')).result, 'pass');
    assert.equal((await check('split.test', '192.0.2.9')).result, 'fail');
  });

  it('returns permerror for two SPF records', async () => {
    assert.equal((await check('two.test', '192.0.2.1')).result, 'permerror');
  });

  it('turns a server that never answers into temperror within the timeout', async () => {
    const t0 = Date.now();
    const r = await check('slow.test', '192.0.2.1');
    assert.equal(r.result, 'temperror');
    assert.ok(Date.now() - t0 < 2000, `took ${Date.now() - t0} ms`);
    const tree = await lookupTree('slow.test', resolver());
    const d = tree.diagnostics.find((x) => x.rule === 'spf/include-not-found')!;
    assert.equal(d.severity, 'information');
  });

  it('remembers a failure for a while: trees walked one after another wait out a silent name once, not once each', async () => {
    const live = resolver();
    const before = server.queries.get('TXT silent.test') ?? 0;
    const t0 = Date.now();
    await lookupTree('slow.test', live);
    const first = Date.now() - t0;
    assert.ok(first >= 250, `the first walk waits out the timeout (${first} ms)`);
    const t1 = Date.now();
    for (let i = 0; i < 5; i++) assert.ok((await lookupTree('slow.test', live)).diagnostics.some((d) => d.rule === 'spf/include-not-found'));
    assert.ok(Date.now() - t1 < 250, `five more walks took ${Date.now() - t1} ms`);
    const asked = (server.queries.get('TXT silent.test') ?? 0) - before;
    assert.ok(asked >= 1 && asked <= 3, `silent.test asked ${asked} times (the tries of one query)`);
    // Without the memory (errorCacheMs 0) every walk asks again.
    const forgetful = new LiveResolver({ servers: [`127.0.0.1:${server.port}`], timeoutMs: 100, errorCacheMs: 0 });
    const t2 = Date.now();
    for (let i = 0; i < 3; i++) await lookupTree('slow.test', forgetful);
    assert.ok(Date.now() - t2 >= 300, `three forgetful walks took ${Date.now() - t2} ms`);
  });

  it('a resolver that answers NXDOMAIN for every name (a sandbox, a captive portal) is found out once, and not asked again for a while', async () => {
    // The loopback server answers NXDOMAIN for com. too: as the system's resolver of such a network does.
    const live = new LiveResolver({ servers: [`127.0.0.1:${server.port}`], timeoutMs: 300, healthCheck: true, errorCacheMs: 400 });
    const first = await live.resolve('nothing-here.test', 'TXT');
    assert.equal(first.status, 'error');
    assert.match(first.status === 'error' ? first.message : '', /cannot resolve even com\. \(rcode 3\); no network\?/);
    const sent = live.queries;
    const t0 = Date.now();
    const rest = await Promise.all(Array.from({ length: 200 }, (_, i) => live.resolve(`n${i}.nowhere.test`, 'TXT')));
    assert.ok(rest.every((a) => a.status === 'error' && /no network\?/.test(a.message)));
    assert.equal(live.queries, sent, 'no query sent while DNS is known unusable');
    assert.ok(Date.now() - t0 < 100, `200 answers took ${Date.now() - t0} ms`);
    // A while later (errorCacheMs), it asks again: the network may be back.
    await new Promise((r) => setTimeout(r, 450));
    assert.equal((await live.resolve('simple.test', 'TXT')).status, 'ok');
    assert.equal(live.queries, sent + 1);
    // Without the check (another server given, the default), NXDOMAIN is believed.
    assert.equal((await resolver().resolve('nothing-here.test', 'TXT')).status, 'nxdomain');
  });

  it('a resolver that answers nothing (no network) is found out at the first timeout, and the questions waiting for their turn are not sent', async () => {
    const mute = await startDnsServer({}, { silent: new Set(['com', ...Array.from({ length: 40 }, (_, i) => `q${i}.test`)]) });
    try {
      const live = new LiveResolver({ servers: [`127.0.0.1:${mute.port}`], timeoutMs: 200, healthCheck: true, maxConcurrent: 4 });
      const t0 = Date.now();
      const all = await Promise.all(Array.from({ length: 40 }, (_, i) => live.resolve(`q${i}.test`, 'TXT')));
      const took = Date.now() - t0;
      assert.ok(all.every((a) => a.status === 'error' && /does not answer .*no network\?/.test(a.message)), JSON.stringify(all[0]));
      // The first four wait out their timeout and the check's; the other 36 are answered without a query.
      assert.equal(live.queries, 4);
      assert.ok(took < 1500, `40 questions took ${took} ms (one after another: ${(40 / 4) * 200} ms and more)`);
    } finally {
      await mute.close();
    }
  });

  it('asks each name once, and reports shared includes as duplicates, not loops', async () => {
    const before = new Map(server.queries);
    const tree = await lookupTree('shared.test', resolver());
    const asked = [...server.queries].filter(([k, v]) => k.startsWith('TXT ') && v - (before.get(k) ?? 0) > 1);
    assert.deepEqual(asked, []);
    assert.ok(tree.diagnostics.some((d) => d.rule === 'spf/duplicate-include'));
    assert.ok(!tree.diagnostics.some((d) => d.rule === 'spf/include-loop'));
    assert.equal(tree.lookups, 5);
  });

  it('answers what the workspace defines at once, and asks the network only for the rest', async () => {
    // The workspace defines mixed.test and ws.test; ws.test includes c9.test, which only the DNS server has.
    const text = '$ORIGIN test.\nmixed IN TXT "v=spf1 include:ws.test include:shared.test -all"\nws IN TXT "v=spf1 include:c9.test a -all"\nws IN A 192.0.2.7\n';
    const ws = new WorkspaceIndex();
    const parsed = readZone(text, 'w.zone', { origin: 'test' });
    ws.set('w.zone', parsed.zone.records, parsed.sites);
    const live = resolver();
    const asked: string[] = [];
    const counting: Resolver = { resolve: (name: string, type: RRType): Promise<DnsAnswer> => (asked.push(`${type} ${name}`), live.resolve(name, type)) };
    const before = new Map(server.queries);
    const tree = await lookupTree('mixed.test', new MemoResolver(new ChainResolver(new WorkspaceResolver(ws), counting, undefined)));
    // include:ws.test (1) + its include:c9.test (1 + c10, c11: 2) + a (1) + include:shared.test (1 + s1, common, s2, common, s3: 5) = 11.
    assert.equal(tree.lookups, 11);
    assert.ok(tree.diagnostics.some((d) => d.rule === 'spf/too-many-lookups'));
    assert.ok(!asked.some((q) => /^(TXT|A) (mixed|ws)\.test$/.test(q)), `workspace names went to the network: ${asked.join(', ')}`);
    assert.ok(asked.includes('TXT c9.test') && asked.includes('TXT shared.test'));
    assert.equal(server.queries.get('TXT mixed.test') ?? 0, before.get('TXT mixed.test') ?? 0);
    // Offline, with everything in the workspace, not one query is made through resolve().
    const all = new WorkspaceIndex();
    const p2 = readZone('$ORIGIN test.\nroot IN TXT "v=spf1 include:a.test mx -all"\na IN TXT "v=spf1 include:b.test -all"\nb IN TXT "v=spf1 ip4:192.0.2.1 -all"\n@ IN MX 10 mail\n', 'a.zone', { origin: 'test' });
    all.set('a.zone', p2.zone.records, p2.sites);
    const inner = new ChainResolver(new WorkspaceResolver(all), undefined, undefined);
    let resolves = 0;
    const spy: Resolver = { resolve: (n, t) => (resolves++, inner.resolve(n, t)), now: (n, t) => inner.now(n, t) };
    const offline = await lookupTree('root.test', new MemoResolver(spy));
    assert.equal(offline.lookups, 3);
    assert.equal(resolves, 0);
    // `mx` of root.test finds nothing (the MX is at test.): a void lookup, answered from the workspace too.
    assert.equal(offline.voidLookups, 1);
  });

  it('retries over TCP when the UDP answer is truncated', async () => {
    const tc = await startDnsServer(zone(), { truncateUdp: true });
    try {
      const r = await checkHost({ ip: '192.0.2.3', sender: 'x@simple.test', helo: 'simple.test', resolver: new LiveResolver({ servers: [`127.0.0.1:${tc.port}`], timeoutMs: 500 }) });
      assert.equal(r.result, 'pass');
      assert.ok([...tc.queries.keys()].some((k) => k === 'TXT simple.test'));
    } finally {
      await tc.close();
    }
  });
});

describe('lookup tree: the order receivers evaluate, whatever order answers arrive in', () => {
  // first.test is evaluated before second.test, but its answer comes last: what depends on order
  // (which include of shared.test is the duplicate, the order of the names that time out, which
  // network repeats) must follow evaluation, not arrival.
  let server: DnsServer;
  before(async () => {
    server = await startDnsServer(
      {
        'root.test': [txt('v=spf1 include:first.test include:second.test -all')],
        'first.test': [txt('v=spf1 ip4:192.0.2.0/24 include:shared.test include:gone-a.test -all')],
        'second.test': [txt('v=spf1 ip4:192.0.2.0/24 include:shared.test include:gone-b.test -all')],
        'shared.test': [txt('v=spf1 ip4:198.51.100.0/24 -all')],
      },
      { delays: new Map([['first.test', 120]]), silent: new Set(['gone-a.test', 'gone-b.test']) },
    );
  });
  after(() => server.close());

  it('finds the duplicate include, the unresolved names and the repeated network in evaluation order', async () => {
    const tree = await lookupTree('root.test', new LiveResolver({ servers: [`127.0.0.1:${server.port}`], timeoutMs: 400 }));
    const dup = tree.diagnostics.filter((d) => d.rule === 'spf/duplicate-include');
    assert.deepEqual(dup.map((d) => [d.path.join(' > '), d.term]), [['root.test > second.test', 'include:shared.test']]);
    assert.match(dup[0].message, /first via root\.test → first\.test → shared\.test/);
    const unresolved = tree.diagnostics.find((d) => d.rule === 'spf/include-not-found')!;
    assert.match(unresolved.message, /^Could not resolve gone-a\.test, gone-b\.test \(/);
    const nets = tree.diagnostics.filter((d) => d.rule === 'spf/duplicate-netblock');
    assert.deepEqual(nets.map((d) => d.path.join(' > ')), ['root.test > second.test']);
  });
});
