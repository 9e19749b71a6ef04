/**
 * The bundled offline snapshot of the big sending platforms' SPF records (server/src/dns/spf-snapshot.json),
 * the last link of the resolver chain: names the workspace does not define, answered without DNS when
 * offline or when live DNS fails, each answer saying the date the snapshot was taken.
 * `npm run snapshot` refreshes it on a machine with DNS (scripts/refresh-spf-snapshot.mjs, which calls
 * `takeSnapshot` below): every SPF include of the provider catalog, walked to the bottom of its tree.
 */
import { providers } from '../senders/catalog';
import { isSpfRecord, parseSpf } from '../records/spf';
import type { DnsAnswer, Resolver, RRType } from './types';

export interface SpfSnapshot {
  /** ISO 8601 time the records were read; null when the bundled file has never been filled. */
  taken: string | null;
  /** The DNS servers they were read from. */
  via?: string;
  /** TXT records by name (every TXT string of the name, SPF or not). */
  txt: Record<string, string[]>;
  /** Names that did not exist (NXDOMAIN) or had no TXT records when the snapshot was taken. */
  missing?: string[];
}

export class SnapshotResolver implements Resolver {
  private readonly source: string;
  constructor(private readonly snapshot: SpfSnapshot) {
    this.source = `offline snapshot of ${snapshot.taken?.slice(0, 10) ?? 'unknown date'}`;
  }

  get size(): number {
    return Object.keys(this.snapshot.txt).length;
  }

  lookup(name: string, type: RRType): DnsAnswer | undefined {
    const key = name.toLowerCase().replace(/\.$/, '');
    if (type !== 'TXT') return undefined;
    const records = this.snapshot.txt[key];
    if (records) return { status: 'ok', records, source: this.source };
    if (this.snapshot.missing?.includes(key)) return { status: 'nxdomain', source: this.source };
    return undefined;
  }

  now(name: string, type: RRType): DnsAnswer {
    return this.lookup(name, type) ?? { status: 'error', message: 'not in the offline snapshot', source: this.source };
  }

  async resolve(name: string, type: RRType): Promise<DnsAnswer> {
    return this.now(name, type);
  }
}

/** The include targets the catalog names (exact names only; account-specific suffixes cannot be listed). */
export function catalogIncludes(): string[] {
  return [...new Set(providers.flatMap((p) => p.spfIncludes ?? []))].sort();
}

/**
 * Reads every catalog include and everything its SPF record includes or redirects to, through a
 * resolver (live DNS when refreshing). Names that fail with a temporary error are left out.
 */
export async function takeSnapshot(resolver: Resolver, roots: string[] = catalogIncludes(), via?: string): Promise<SpfSnapshot & { errors: Record<string, string> }> {
  const txt: Record<string, string[]> = {};
  const missing: string[] = [];
  const errors: Record<string, string> = {};
  const queue = [...roots.map((r) => r.toLowerCase())];
  const seen = new Set<string>(queue);
  while (queue.length) {
    const batch = queue.splice(0, 16);
    await Promise.all(
      batch.map(async (name) => {
        const a = await resolver.resolve(name, 'TXT');
        if (a.status === 'ok') {
          txt[name] = a.records;
          for (const r of a.records.filter(isSpfRecord))
            for (const t of parseSpf(r).terms)
              if ((t.name === 'include' || t.name === 'redirect') && t.arg && !t.arg.includes('%')) {
                const next = t.arg.toLowerCase().replace(/\.$/, '');
                if (!seen.has(next)) {
                  seen.add(next);
                  queue.push(next);
                }
              }
        } else if (a.status === 'error') errors[name] = a.message;
        else missing.push(name);
      }),
    );
  }
  const sorted = Object.fromEntries(Object.keys(txt).sort().map((k) => [k, txt[k]]));
  return { taken: new Date().toISOString(), via, txt: sorted, missing: missing.sort(), errors };
}
