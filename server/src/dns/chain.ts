/**
 * The resolver chain (GUIDE §1): the workspace DNS model first (records defined in the workspace's
 * own files), then live DNS unless offline. Offline, a name the workspace does not define is an
 * error that says so, never a silent "no record".
 */
import type { WorkspaceIndex } from '../workspace';
import type { DnsAnswer, Resolver, RRType } from './types';
import { SnapshotResolver, type SpfSnapshot } from './snapshot';
import snapshotData from './spf-snapshot.json';
import { cnameChainEnd, cnameTarget, hostOf, MAX_CNAME_CHAIN, mxData } from '../records/cname';
import { isDynamic, wholeZone } from '../records/dynamic';
import { showNames, underStandIn } from '../util/zonenames';

/** Answers from the records the workspace files define; undefined when no file defines the name. */
export class WorkspaceResolver implements Resolver {
  constructor(private readonly workspace: WorkspaceIndex) {}

  lookup(name: string, type: RRType, via: string[] = []): DnsAnswer | undefined {
    const owner = name.toLowerCase().replace(/\.$/, '');
    let entries = this.workspace.at(owner);
    // Records a zone holds at or below its own delegation, or below a DNAME, are never served (zone/occluded-record).
    if (entries.length && entries.some((e) => this.workspace.occluded(e.uri, owner, e.record.zone))) entries = entries.filter((e) => !this.workspace.occluded(e.uri, owner, e.record.zone));
    let synthesized: string | undefined;
    if (entries.length === 0) {
      const known = this.authoritative(owner);
      if (!known || !('wildcard' in known)) return known && via.length && known.status !== 'error' ? { ...known, aliases: [...via.slice(1), owner] } : known;
      // RFC 4592: the zone's wildcard at the closest encloser answers for a name that does not exist.
      synthesized = known.wildcard;
      entries = this.workspace.at(synthesized);
    }
    // A CNAME: resolvers follow it and answer with the target's records (RFC 1034 §3.6.2). A target the
    // workspace does not define is not answered here (live DNS follows the CNAME itself).
    const cname = entries.find((e) => e.record.type === 'CNAME');
    if (cname) {
      const target = cnameTarget(cname.record);
      if (!target || via.length >= MAX_CNAME_CHAIN) return { status: 'error', message: `the CNAME chain from ${via[0] ?? owner} is longer than ${MAX_CNAME_CHAIN}`, source: `workspace file ${cname.uri}` };
      return this.lookup(target, type, [...via, owner]);
    }
    const records = entries.filter((e) => e.record.type === type).map((e) => (type === 'TXT' ? (e.site?.site.value ?? e.record.rdata.join('')) : type === 'MX' ? mxData(e.record) : e.record.rdata.join(' ')));
    const source = `workspace file ${entries[0].uri}${synthesized ? ` (${owner} from the wildcard ${synthesized})` : ''}${via.length ? ` (${[...via, owner].join(' → ')} by CNAME)` : ''}`;
    const aliases = via.length ? { aliases: [...via.slice(1), owner] } : undefined;
    return records.length ? { status: 'ok', records, source, ...aliases } : { status: 'nodata', source, ...aliases };
  }

  /**
   * A name no file defines, under a zone a workspace zone file holds whole (its apex SOA is there):
   * the authoritative answer, NXDOMAIN, or NODATA for a name that only has names below it (RFC 8020),
   * or the wildcard that answers for it (RFC 4592). Unknown (undefined) when a
   * delegation (NS) or DNAME between the name and the apex hands it to another server.
   */
  private authoritative(owner: string): DnsAnswer | { wildcard: string } | undefined {
    // `owner` has no records (the caller asked): the walk starts at it only to reach its wildcard and parents.
    const zone = wholeZone(owner, (n) => this.workspace.at(n), (e) => e.record, () => false);
    if (!zone) return undefined;
    const exists = this.workspace.exists(owner);
    // In a zone held whole, a wildcard answers for a name that does not exist.
    const wildcard = exists ? undefined : this.wildcardOf(owner);
    if (wildcard) return { wildcard };
    return { status: exists ? 'nodata' : 'nxdomain', source: `workspace file ${zone.soa.uri} (the zone ${zone.apex}, which has no ${owner})` };
  }

  /**
   * The wildcard that answers for `owner`, a name that does not exist (RFC 4592 §3.3.1): `*.` the
   * closest encloser (its nearest existing ancestor), when that wildcard has records.
   */
  private wildcardOf(owner: string): string | undefined {
    for (let n = owner; n.includes('.'); ) {
      n = n.slice(n.indexOf('.') + 1);
      if (!this.workspace.exists(n)) continue;
      const wild = `*.${n}`;
      return this.workspace.at(wild).length ? wild : undefined;
    }
    return undefined;
  }

  /**
   * The delegation `name` is at or below, when a zone file of the workspace holds the parent zone whole
   * and no file holds the child zone: the cut, the servers it names and the file. Resolvers ask those
   * servers, whatever the parent's file writes under the cut.
   */
  delegation(name: string): { cut: string; servers: string[]; uri: string } | undefined {
    for (let n = name.toLowerCase().replace(/\.$/, ''); ; ) {
      const here = this.workspace.at(n);
      if (here.some((e) => e.record.type === 'SOA')) return undefined;
      const ns = here.filter((e) => e.record.type === 'NS' && !e.record.superseded && !isDynamic(e.record));
      if (ns.length && this.workspace.occluded(ns[0].uri, n, ns[0].record.zone)) return { cut: n, servers: ns.filter((e) => e.uri === ns[0].uri).map((e) => hostOf(e.record)), uri: ns[0].uri };
      const dot = n.indexOf('.');
      if (dot < 0) return undefined;
      n = n.slice(dot + 1);
    }
  }

  /** Where a CNAME chain from `name` leaves the workspace: the first name of it no file defines, if any. */
  outside(name: string): string | undefined {
    const chain = cnameChainEnd(name.toLowerCase().replace(/\.$/, ''), (n) => this.workspace.at(n).find((e) => e.record.type === 'CNAME')?.record);
    return chain && chain.links > 0 && this.workspace.at(chain.end).length === 0 ? chain.end : undefined;
  }

  now(name: string, type: RRType): DnsAnswer {
    return this.lookup(name, type) ?? { status: 'nxdomain', source: 'workspace' };
  }

  async resolve(name: string, type: RRType): Promise<DnsAnswer> {
    return this.now(name, type);
  }
}

/**
 * Workspace first, then live DNS (unless offline), then the bundled snapshot of the big platforms'
 * SPF records: offline, or when live DNS gives a temporary error, a snapshot answer is used and says
 * the date it was taken.
 */
export class ChainResolver implements Resolver {
  constructor(
    private readonly workspace: WorkspaceResolver | undefined,
    private readonly live: Resolver | undefined,
    private readonly snapshot: SnapshotResolver | undefined = bundledSnapshot(),
  ) {}

  now(name: string, type: RRType): DnsAnswer | undefined {
    const w = this.workspace?.lookup(name, type);
    if (w) return w;
    if (underStandIn(name)) return deployTime(name);
    if (this.live) return this.live.now?.(name, type);
    return this.offline(name, type);
  }

  /** Offline: the snapshot, for the name or for where its CNAME chain leaves the workspace; else an error that says which. */
  private offline(name: string, type: RRType): DnsAnswer {
    const end = this.workspace?.outside(name);
    const asked = end ?? name;
    const cut = end ? undefined : this.workspace?.delegation(name);
    const why = end
      ? `offline, and ${name} is a CNAME to ${end}, which the workspace does not define`
      : cut
        ? `offline, and ${cut.cut === name ? `${name} is` : `${name} is under ${cut.cut}, which is`} delegated to ${cut.servers.join(', ')} in ${cut.uri}: resolvers ask those servers, whose zone is not in the workspace (what the file writes under the delegation is never served)`
        : 'offline, and not defined in the workspace';
    return this.snapshot?.lookup(asked, type) ?? { status: 'error', message: why, source: 'offline' };
  }

  async resolve(name: string, type: RRType): Promise<DnsAnswer> {
    const w = this.workspace?.lookup(name, type);
    if (w) return w;
    if (underStandIn(name)) return deployTime(name);
    if (this.live) {
      const a = await this.live.resolve(name, type);
      if (a.status !== 'error') return a;
      return this.snapshot?.lookup(this.workspace?.outside(name) ?? name, type) ?? a;
    }
    return this.offline(name, type);
  }
}

/** A name in a zone the files name by an expression (util/zonenames): no DNS server knows it by that name. */
function deployTime(name: string): DnsAnswer {
  return { status: 'error', message: `${showNames(name)} is in a zone whose domain is known only at deploy time, and the workspace does not define it`, source: 'workspace' };
}

let bundled: SnapshotResolver | undefined;

/** The snapshot bundled with the engine (empty until refreshed on a machine with DNS). */
export function bundledSnapshot(): SnapshotResolver | undefined {
  bundled ??= new SnapshotResolver(snapshotData as SpfSnapshot);
  return bundled.size ? bundled : undefined;
}

/**
 * One answer per name and type for the life of the object (one CLI run, where the files do not
 * change): thousands of records that include the same targets walk the same names.
 */
export class MemoResolver implements Resolver {
  private readonly answers = new Map<string, Promise<DnsAnswer>>();
  /** The answers received (or known at once), for `now`. */
  private readonly settled = new Map<string, DnsAnswer>();
  constructor(private readonly inner: Resolver) {}

  resolve(name: string, type: RRType): Promise<DnsAnswer> {
    const key = `${type} ${name.toLowerCase()}`;
    let a = this.answers.get(key);
    if (!a) {
      const known = this.settled.get(key);
      if (known) a = Promise.resolve(known);
      else a = this.inner.resolve(name, type).then((v) => (this.settled.set(key, v), v));
      this.answers.set(key, a);
    }
    return a;
  }

  now(name: string, type: RRType): DnsAnswer | undefined {
    const key = `${type} ${name.toLowerCase()}`;
    let v = this.settled.get(key);
    if (v === undefined && !this.answers.has(key)) {
      v = this.inner.now?.(name, type);
      if (v) this.settled.set(key, v);
    }
    return v;
  }
}
