/**
 * Differential test of the RFC 9989 §4.10 tree walk against an independent implementation:
 * mailauth (postalsys, npm; its `getOrgDomain` and `discoverPolicy`, RFC 9989 since v6) asking a real
 * DNS server on loopback through node:dns, and DMARC Lens reading the same records from a zone file
 * into its workspace index. Random layouts of DMARC records (plain, psd=y, psd=n, psd=u, two at one
 * name, a TXT that is not DMARC, a `_dmarc` CNAME to the record) over a name tree deep enough for the eight-query cut; for every name
 * of the tree (and one that does not exist), the Organizational Domain and the name whose record
 * policy discovery applies must be the same. The zone is held whole (its SOA is in the file), so the
 * workspace knows every absence, as DNS does. The `dmarc` command's lookup (dmarcLookup.ts) asks the same
 * server through the product's own DNS client and must agree too. Skips when mailauth is not installed (`.ci/run`
 * installs it under /var/cache/dmarc-lens-oracles; DL_MAILAUTH points elsewhere).
 */
import assert from 'node:assert/strict';
import { promises as dnsp } from 'node:dns';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { workspaceDmarc } from '../server/src/senders/analyze';
import { lookupDmarc } from '../server/src/dmarcLookup';
import { ChainResolver } from '../server/src/dns/chain';
import { LiveResolver } from '../server/src/dns/live';
import { discoverPolicy, treeWalk } from '../server/src/senders/treewalk';
import { readZone } from '../server/src/service';
import { WorkspaceIndex } from '../server/src/workspace';
import { startDnsServer, type DnsServer, type ZoneRecord } from './dns-server';

const MAILAUTH = process.env.DL_MAILAUTH ?? '/var/cache/dmarc-lens-oracles/mailauth/node_modules/mailauth';
const SCENARIOS = Number(process.env.DL_TREEWALK_SCENARIOS ?? 150);

interface Oracle {
  createRecordLookup(resolver: (name: string, type: string) => Promise<string[][]>): unknown;
  getOrgDomain(domain: string, lookup: unknown): Promise<string>;
  discoverPolicy(domain: string, lookup: unknown): Promise<{ recordDomain: string | null; orgDomain: string }>;
}

/** The name tree under the scenario's top label `s<i>`: a chain of nine labels (the walk cuts it to seven), and two side branches. */
const CHAIN = 'k.j.i.h.g.f.news.example'.split('.');
const RELATIVE = [...CHAIN.map((_, i) => CHAIN.slice(i).join('.')), 'shop.example', 'other', 'mail.other'];

/** `cname:`: the `_dmarc` name is a CNAME to a name under `policies.` that holds the record (hosted or centralised DMARC). */
const KINDS = ['v=DMARC1; p=reject', 'v=DMARC1; p=none; psd=n', 'v=DMARC1; p=reject; psd=y', 'v=DMARC1; p=quarantine; psd=u', 'two', 'v=spf1 -all', 'v=DMARC1; p=none; psd=Y', 'cname:v=DMARC1; p=reject', 'cname:v=DMARC1; p=none; psd=n', 'cname:v=DMARC1; p=reject; psd=y'] as const;

/** The records that publish `values` at `_dmarc.<rel>` (relative to the top label), for the zone file and for the DNS server. */
function published(rel: string, values: string[], top: string, k: number): { owner: string; type: 'TXT' | 'CNAME'; data: string }[] {
  const at = `_dmarc${rel ? `.${rel}` : ''}`;
  if (values.length === 1 && values[0].startsWith('cname:')) {
    const target = `via${k}.policies`;
    return [
      { owner: at, type: 'CNAME', data: `${target}.${top}` },
      { owner: target, type: 'TXT', data: values[0].slice(6) },
    ];
  }
  return values.map((data) => ({ owner: at, type: 'TXT', data }));
}

/** A deterministic generator (mulberry32), so a failure names a seed that reproduces it. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One layout: TXT values at `_dmarc.<name>` (relative to the top label; '' is the top label itself). */
function layout(seed: number): Map<string, string[]> {
  const r = rng(seed);
  const out = new Map<string, string[]>();
  for (const name of ['', ...RELATIVE]) {
    if (r() > 0.4) continue;
    const kind = KINDS[Math.floor(r() * KINDS.length)];
    out.set(name, kind === 'two' ? ['v=DMARC1; p=none', 'v=DMARC1; p=reject'] : [kind]);
  }
  return out;
}

const abs = (rel: string, top: string) => (rel ? `${rel}.${top}` : top);

describe('tree walk against mailauth (RFC 9989 §4.10)', () => {
  let oracle: Oracle | undefined;
  let server: DnsServer | undefined;
  const layouts = Array.from({ length: SCENARIOS }, (_, i) => layout(i + 1));

  before(async () => {
    const file = path.join(MAILAUTH, 'lib', 'dmarc', 'get-dmarc-record.js');
    if (!fs.existsSync(file)) return;
    oracle = require(file) as Oracle;
    const zone: Record<string, ZoneRecord[]> = {};
    layouts.forEach((l, i) => {
      [...l].forEach(([rel, values], k) => {
        for (const r of published(rel, values, `s${i}`, k)) (zone[`${r.owner}.s${i}`] ??= []).push({ type: r.type, data: r.data });
      });
    });
    server = await startDnsServer(zone);
  });
  after(async () => server?.close());

  it('finds the same Organizational Domain and applies the same record for every name', async (t) => {
    if (!oracle || !server) return t.skip(`mailauth is not installed at ${MAILAUTH} (npm install --prefix /var/cache/dmarc-lens-oracles/mailauth mailauth@7.1.0)`);
    const resolver = new dnsp.Resolver({ timeout: 2000, tries: 2 });
    resolver.setServers([`127.0.0.1:${server.port}`]);
    const resolve = (name: string, type: string) => resolver.resolve(name, type as 'TXT') as Promise<string[][]>;
    const chain = new ChainResolver(undefined, new LiveResolver({ servers: [`127.0.0.1:${server.port}`], timeoutMs: 2000 }), undefined);
    let compared = 0;
    const psdDecided = { y: 0, n: 0 };
    let throughCname = 0;
    const kinds = new Map<string, number>();
    const wrong: string[] = [];
    for (const [i, l] of layouts.entries()) {
      const top = `s${i}`;
      // The same records as a zone file, held whole (SOA at the top label).
      const text =
        `$ORIGIN ${top}.\n@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n@ IN NS ns1\n` +
        [...l].flatMap(([rel, values], k) => published(rel, values, top, k).map((r) => `${r.owner} IN ${r.type} ${r.type === 'TXT' ? `"${r.data}"` : `${r.data}.`}`)).join('\n') +
        '\n';
      const ws = new WorkspaceIndex();
      const z = readZone(text, `${top}.zone`);
      ws.set(`${top}.zone`, z.zone.records, z.sites);
      const at = workspaceDmarc((n) => ws.at(n));
      const names = [...RELATIVE, 'zz.shop.example'].map((rel) => abs(rel, top));
      // One record lookup per name (mailauth memoises each `_dmarc` name in it, as for one message); the names of a layout at once.
      const answers = await Promise.all(
        names.map(async (name) => {
          const lookup = oracle!.createRecordLookup(resolve);
          return { org: await oracle!.getOrgDomain(name, lookup), applied: (await oracle!.discoverPolicy(name, lookup)).recordDomain ?? '-' };
        }),
      );
      // The `dmarc` command's lookup over the same server through the product's own DNS client.
      const live = await Promise.all(names.map((name) => lookupDmarc(name, chain)));
      for (const [k, name] of names.entries()) {
        const theirs = answers[k];
        const viaDns = { org: live[k].org, applied: live[k].applied?.name ?? '-' };
        if (viaDns.org !== theirs.org || viaDns.applied !== theirs.applied)
          wrong.push(`seed ${i + 1} ${name} over DNS: mailauth org=${theirs.org} applied=${theirs.applied}; lookupDmarc org=${viaDns.org} applied=${viaDns.applied} (${live[k].orgBy}, ${live[k].status})`);
        const walk = treeWalk(name, at);
        const d = discoverPolicy(name, at);
        const ours = { org: walk.org, applied: d.applied?.name ?? '-' };
        compared++;
        if (walk.by === 'psd=y' || walk.by === 'psd=n') psdDecided[walk.by === 'psd=y' ? 'y' : 'n']++;
        if (d.applied) kinds.set(d.applied.kind, (kinds.get(d.applied.kind) ?? 0) + 1);
        if (d.applied?.item.record.owner?.includes('.policies.')) throughCname++;
        if (ours.org !== theirs.org || ours.applied !== theirs.applied)
          wrong.push(`seed ${i + 1} ${name}: mailauth org=${theirs.org} applied=${theirs.applied}; we org=${ours.org} applied=${ours.applied} (${walk.by}); records ${JSON.stringify([...l])}`);
      }
    }
    t.diagnostic(`${compared} names in ${SCENARIOS} layouts; decided by psd=y ${psdDecided.y}, psd=n ${psdDecided.n}; record applied: ${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}; reached through a _dmarc CNAME ${throughCname}`);
    assert.deepEqual(wrong.slice(0, 10), []);
    // The layouts exercise every branch of the selection.
    assert.ok(psdDecided.y > 0 && psdDecided.n > 0 && (kinds.get('author') ?? 0) > 0 && (kinds.get('org') ?? 0) > 0 && (kinds.get('psd') ?? 0) > 0 && throughCname > 0);
  });
});
