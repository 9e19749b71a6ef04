/**
 * Property test of the DNS questions (`dmarc`, `dkim`, `drift`) on whatever DNS serves: random TXT
 * values (any characters, DMARC-, DKIM- and SPF-shaped or not, several at a name) served by a real
 * DNS server on loopback (test/dns-server.ts). Nothing throws, every finding's range lies inside the
 * record it is on, the text output is written, and drift finds the served values equal to themselves.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { formatDmarcLookup, lookupDmarc } from '../server/src/dmarcLookup';
import { formatDkimLookup, lookupDkim } from '../server/src/dkimLookup';
import { compareWithDns } from '../server/src/drift';
import { ChainResolver } from '../server/src/dns/chain';
import { LiveResolver } from '../server/src/dns/live';
import { readZone } from '../server/src/service';
import { encodeZoneString } from '../server/src/sources/zonefile';
import { startDnsServer, type DnsServer, type ZoneRecord } from './dns-server';

const RUNS = Number(process.env.DL_PROPERTY_RUNS ?? 300);
// Values as they come: printable and not, policy-shaped pieces among them.
const piece = fc.oneof(
  fc.constantFrom('v=DMARC1', 'v=DKIM1', 'v=spf1', ' v=DMARC1', 'v=dmarc1', '; ', ';', 'p=', 'p=reject', 'sp=none', 'np=', 'psd=y', 'psd=n', 't=y', 'rua=mailto:', 'a@b.test', ',', '!10m', 'k=ed25519', 'k=rsa', 'h=sha1', 'MIIBIjANBgkq', '=', ' ', 'include:x.test', '-all'),
  fc.string({ unit: 'binary-ascii', maxLength: 12 }),
);
// Half start as receivers select records (exactly `v=DMARC1`, `v=DKIM1`), so that records apply and keys are read.
const value = fc.tuple(fc.constantFrom('', '', 'v=DMARC1; ', 'v=DKIM1; '), fc.array(piece, { maxLength: 10 })).map(([start, a]) => (start + a.join('')).slice(0, 255));
const layout = fc.record({
  org: fc.array(value, { maxLength: 2 }),
  sub: fc.array(value, { maxLength: 2 }),
  top: fc.array(value, { maxLength: 1 }),
  key: fc.array(value, { maxLength: 2 }),
});

describe('DNS questions on random answers (loopback server)', () => {
  let n = 0;
  let server: DnsServer;
  const zone: Record<string, ZoneRecord[]> = {};
  const cases: { label: string; l: { org: string[]; sub: string[]; top: string[]; key: string[] } }[] = [];
  before(async () => {
    // All cases served by one server, each under its own top label.
    fc.assert(
      fc.property(layout, (l) => {
        const label = `c${n++}`;
        const txt = (data: string): ZoneRecord => ({ type: 'TXT', data });
        zone[`_dmarc.org.${label}`] = l.org.map(txt);
        zone[`_dmarc.sub.org.${label}`] = l.sub.map(txt);
        zone[`_dmarc.${label}`] = l.top.map(txt);
        zone[`google._domainkey.org.${label}`] = l.key.map(txt);
        zone[`sub.org.${label}`] = [{ type: 'A', data: '192.0.2.1' }];
        cases.push({ label, l });
      }),
      { numRuns: RUNS, seed: 7 },
    );
    for (const k of Object.keys(zone)) if (zone[k].length === 0) delete zone[k];
    server = await startDnsServer(zone);
  });
  after(async () => server?.close());

  it('never throws, keeps finding ranges inside their records, and writes its text', async () => {
    const resolver = new ChainResolver(undefined, new LiveResolver({ servers: [`127.0.0.1:${server.port}`], timeoutMs: 2000, maxConcurrent: 64 }), undefined);
    let policies = 0;
    let keys = 0;
    for (const { label } of cases) {
      for (const from of [`sub.org.${label}`, `x.sub.org.${label}`, `org.${label}`]) {
        const r = await lookupDmarc(from, resolver, { spf: [`org.${label}`], dkim: [`other.${label}`] });
        if (r.applied) {
          policies++;
          for (const f of r.findings) assert.ok(f.range.start >= 0 && f.range.end >= f.range.start && f.range.end <= r.applied.record.length, `${from}: ${f.rule} ${JSON.stringify(f.range)} outside ${JSON.stringify(r.applied.record)}`);
        }
        assert.ok(formatDmarcLookup(r).startsWith(`${from}: `));
      }
      const k = await lookupDkim(`org.${label}`, resolver, ['google']);
      keys += k.found.length;
      for (const f of k.found) for (const x of f.findings) assert.ok(x.range.end <= f.record!.length);
      assert.ok(formatDkimLookup(k).startsWith(`org.${label}: `));
    }
    // The generator reaches records that apply and keys that are read.
    assert.ok(policies > RUNS / 10 && keys > RUNS / 10, `${policies} policies, ${keys} keys`);
  });

  it('finds what DNS serves in sync with a zone file that writes the same values', async () => {
    const lines = ['$ORIGIN zz.', '@ IN SOA ns hostmaster 1 2 3 4 5'];
    const owners: string[] = [];
    for (const { label, l } of cases.slice(0, 60))
      for (const [rel, values] of [[`_dmarc.org.${label}`, l.org], [`google._domainkey.org.${label}`, l.key]] as const)
        for (const v of values) {
          // Written in a zone file as DNS serves it: one quoted character-string with escapes.
          lines.push(`${rel}. IN TXT "${encodeZoneString(v)}"`);
          owners.push(rel);
        }
    const text = lines.join('\n') + '\n';
    const z = readZone(text, 'zz.zone');
    const r = await compareWithDns(z.sites, new LiveResolver({ servers: [`127.0.0.1:${server.port}`], timeoutMs: 2000, maxConcurrent: 64 }));
    for (const e of r.entries) assert.ok(e.status === 'in-sync' || e.onlyInFiles.length === 0, `${e.owner}: ${e.status} ${JSON.stringify(e.onlyInFiles)} vs ${JSON.stringify(e.served)}`);
  });
});
