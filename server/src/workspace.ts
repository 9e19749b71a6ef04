/**
 * The workspace DNS model: every record found in every file of the workspace, by owner name. Rules
 * resolve `include:` targets and `_dmarc` coverage against it before any DNS (GUIDE §1).
 *
 * The owner index is updated per file and lazily: a document being edited replaces its records on
 * every keystroke, but its own checks never read its own entries (they are excluded), so the index
 * is only brought up to date when another file's check asks for names.
 */
import type { AnalyzedSite } from './checks/rule';
import { cnameTarget } from './records/cname';
import { isNullMx } from './checks/nullmx';
import { isSetRecord, resourceId, setKey, type SetRecord } from './records/recordset';
import { occluderOf, type NameCut, type Occluder } from './records/zonecut';
import type { ResourceRecord } from './types';

interface FileEntry {
  records: readonly ResourceRecord[];
  sites: readonly AnalyzedSite[];
  /** The format the file was read as (ZoneFile.format), when the caller gave it. */
  format?: string;
}

export interface IndexEntry {
  uri: string;
  record: ResourceRecord;
  site?: AnalyzedSite;
}

/** How `ownersOf` names "a CNAME points to `target`" (no owner name holds a NUL). */
export const referrerKey = (target: string): string => `\0cname:${target}`;

/** How `ownersOf` names "a DKIM selector of `domain` is here". */
export const signerKey = (domain: string): string => `\0dkim:${domain}`;

/** The answer of every lookup that finds nothing (never written to). */
const NONE: IndexEntry[] = [];
const NONE_BELOW: IndexEntry[][] = [];
/** under() questions answered by a scan of every owner before it builds a map for them (ownersBelow). */
const UNDER_SCANS = 8;

/**
 * Facts files state, by group and value, and which files state each (with an item of theirs): kept per
 * file, so a file read again replaces only what it said.
 */
class Facts<T> {
  private readonly byGroup = new Map<string, Map<string, Map<string, T>>>();
  private readonly byFile = new Map<string, [string, string][]>();

  /** What a file states now, in place of what it stated before (the first item per group and value is kept). */
  replace(uri: string, facts: readonly (readonly [group: string, value: string, item: T])[]): void {
    for (const [group, value] of this.byFile.get(uri) ?? []) {
      const values = this.byGroup.get(group)!;
      const files = values.get(value)!;
      files.delete(uri);
      if (files.size === 0) values.delete(value);
      if (values.size === 0) this.byGroup.delete(group);
    }
    const mine: [string, string][] = [];
    for (const [group, value, item] of facts) {
      let values = this.byGroup.get(group);
      if (!values) this.byGroup.set(group, (values = new Map()));
      let files = values.get(value);
      if (!files) values.set(value, (files = new Map()));
      if (files.has(uri)) continue;
      files.set(uri, item);
      mine.push([group, value]);
    }
    if (mine.length) this.byFile.set(uri, mine);
    else this.byFile.delete(uri);
  }

  /** The values stated in a group, each with the files that state it. */
  group(group: string): ReadonlyMap<string, ReadonlyMap<string, T>> | undefined {
    return this.byGroup.get(group);
  }

  /** The item of the first file other than those in `except` that states `value` in `group`. */
  first(group: string, value: string, except?: ReadonlySet<string>): T | undefined {
    for (const [uri, item] of this.byGroup.get(group)?.get(value) ?? []) if (!except?.has(uri)) return item;
    return undefined;
  }
}

export class WorkspaceIndex {
  private readonly files = new Map<string, FileEntry>();
  /** What each file put into `byOwner`, to take it out again. */
  private readonly indexed = new Map<string, IndexEntry[]>();
  private readonly byOwner = new Map<string, IndexEntry[]>();
  private readonly pending = new Set<string>();
  /** Records whose owner is computed but whose end is written (ResourceRecord.ownerSuffix), per file. */
  private readonly computed = new Map<string, IndexEntry[]>();

  /** Replaces what a file (and the files it `$INCLUDE`s, under their own uris) contributes. */
  set(uri: string, records: readonly ResourceRecord[], sites: readonly AnalyzedSite[], format?: string): void {
    this.files.set(uri, { records, sites, format });
    this.pending.add(uri);
    this.cuts = undefined;
    this.staleFacts.add(uri);
  }

  delete(uri: string): void {
    this.files.delete(uri);
    this.pending.add(uri);
    this.cuts = undefined;
    this.staleFacts.add(uri);
  }

  /** Whether any file has NS records at a name other than its SOA's, or a DNAME: else nothing is occluded. */
  private cuts?: boolean;

  has(uri: string): boolean {
    return this.files.has(uri);
  }

  get size(): number {
    return this.files.size;
  }

  uris(): string[] {
    return [...this.files.keys()];
  }

  /** Each file as it was set: its records, its sites and the format it was read as. */
  sources(): { uri: string; format?: string; records: readonly ResourceRecord[]; sites: readonly AnalyzedSite[] }[] {
    return [...this.files].map(([uri, f]) => ({ uri, format: f.format, records: f.records, sites: f.sites }));
  }

  /**
   * Owner names a file defines, `referrerKey(target)` for each CNAME target it points to and
   * `signerKey(domain)` for each domain it has a `<selector>._domainkey` name of (to find the documents
   * that depend on it: one that holds a DKIM key a selector CNAME of this file reaches, one whose SPF
   * `-all` says its domain sends no mail unless a DKIM key says otherwise).
   */
  ownersOf(uri: string): Set<string> {
    const out = new Set<string>();
    for (const r of this.files.get(uri)?.records ?? []) {
      if (r.owner === undefined) continue;
      out.add(r.owner);
      if (r.type === 'CNAME' && !r.flattened) out.add(referrerKey(cnameTarget(r)));
      const k = r.owner.indexOf('._domainkey.');
      if (k > 0) out.add(signerKey(r.owner.slice(k + 12)));
    }
    return out;
  }

  /**
   * Whether the file `uri` holds `owner` at or below a delegation or below a DNAME of a zone it holds
   * whole, where its servers never serve what it writes (records/zonecut). For a record of
   * infrastructure as code, `zone` is the zone it names (ResourceRecord.zone): the delegations in that
   * zone count, in whichever file (a Terraform module's records are spread over its files).
   */
  occluded(uri: string, owner: string, zone?: string): boolean {
    if (this.cuts === undefined) {
      this.cuts = false;
      for (const f of this.files.values()) {
        const apexes = new Set<string>();
        for (const r of f.records) if (r.type === 'SOA' && r.owner !== undefined) apexes.add(r.owner);
        if (f.records.some((r) => (r.type === 'DNAME' && (apexes.size || r.zone !== undefined)) || (r.type === 'NS' && r.owner !== undefined && (r.zone !== undefined ? r.owner !== r.zone : apexes.size > 0 && !apexes.has(r.owner))))) {
          this.cuts = true;
          break;
        }
      }
    }
    return this.cuts && occluderOf(owner, (n) => this.at(n), (e) => e.record, this.mine(uri, zone), zone, this.namesCut(uri, zone)) !== undefined;
  }

  /** What each file says that the cross-file rules ask before reading every file's records at a name (see readFacts). */
  private readonly facts = { hiding: new Facts<true>(), nullMx: new Facts<true>(), policies: new Facts<true>(), sets: new Facts<ResourceRecord>() };
  /** Files whose facts are to be read again (set or deleted since). */
  private readonly staleFacts = new Set<string>();

  /**
   * Brings the facts up to date: those of each file set or deleted since are read again (a keystroke
   * in one document reads that document's records, not the workspace's), but for the files in `except`,
   * which every question leaves out (the file being checked supplies its own records).
   */
  private readFacts(except?: ReadonlySet<string>): typeof this.facts {
    for (const uri of this.staleFacts) {
      if (except?.has(uri)) continue;
      const f = this.files.get(uri);
      const hiding: [string, string, true][] = [];
      const nullMx: [string, string, true][] = [];
      const policies: [string, string, true][] = [];
      const sets: [string, string, ResourceRecord][] = [];
      for (const r of f?.records ?? []) {
        if (r.owner === undefined) continue;
        // An NS record below the zone infrastructure as code names, or a DNAME: it can hide names of that zone.
        if (r.zone !== undefined && (r.type === 'DNAME' || (r.type === 'NS' && r.owner !== r.zone))) hiding.push([r.zone, '', true]);
        else if (r.type === 'MX' && isNullMx(r)) nullMx.push([r.owner, '', true]);
        if (isSetRecord(r)) sets.push([setKey(r), resourceId(r), r]);
      }
      for (const site of f?.sites ?? []) if (site.site.owner !== undefined && site.kind && !site.site.holes) policies.push([`${site.site.owner}\u0000${site.kind}`, site.site.value, true]);
      this.facts.hiding.replace(uri, hiding);
      this.facts.nullMx.replace(uri, nullMx);
      this.facts.policies.replace(uri, policies);
      this.facts.sets.replace(uri, sets);
      this.staleFacts.delete(uri);
    }
    return this.facts;
  }

  /**
   * Whether a file other than those in `except` has a record that can hide names of the zone `zone`,
   * which infrastructure as code names (ResourceRecord.zone): an NS record below the zone's name, or a
   * DNAME. Without one, no walk up from an owner of that zone finds anything (records/zonecut).
   */
  hidesIn(zone: string, except?: ReadonlySet<string>): boolean {
    return this.readFacts(except).hiding.first(zone, '', except) !== undefined;
  }

  /** Whether a file other than those in `except` has a null MX (`MX 0 .`, RFC 7505) at `owner` (most workspaces have none). */
  hasNullMx(owner: string, except?: ReadonlySet<string>): boolean {
    return this.readFacts(except).nullMx.first(owner, '', except) !== undefined;
  }

  /** The resources of files other than those in `except` that write the record set `key` (records/recordset setKey), each by its first record. */
  recordSets(key: string, except?: ReadonlySet<string>): SetRecord[] {
    const sets = this.readFacts(except).sets;
    const out: SetRecord[] = [];
    for (const id of sets.group(key)?.keys() ?? []) {
      const record = sets.first(key, id, except);
      if (record) out.push(record as SetRecord);
    }
    return out;
  }

  /**
   * Whether every SPF, DMARC… record (`kind`) at `owner` in the files other than those in `except`
   * whose value is known whole (records/holes) has the value `value`: then none defines it differently.
   */
  agreesEverywhere(owner: string, kind: string, value: string, except?: ReadonlySet<string>): boolean {
    const policies = this.readFacts(except).policies;
    const group = `${owner}\u0000${kind}`;
    for (const v of policies.group(group)?.keys() ?? []) if (v !== value && policies.first(group, v, except) !== undefined) return false;
    return true;
  }

  /** What each name holds that can hide others, for the walks up of one file's (or one zone's) owners: read once per name until the next change. */
  private cutNames?: Map<string, Map<string, NameCut<IndexEntry>>>;
  private namesCut(uri: string, zone: string | undefined): Map<string, NameCut<IndexEntry>> {
    this.sync(); // drops stale ones
    this.cutNames ??= new Map();
    const key = zone === undefined ? `file ${uri}` : `zone ${zone}`;
    let names = this.cutNames.get(key);
    if (!names) this.cutNames.set(key, (names = new Map()));
    return names;
  }

  /** The entries of one file, or of one zone when it is named (infrastructure as code). */
  private mine(uri: string, zone: string | undefined): (e: IndexEntry) => boolean {
    return zone === undefined ? (e) => e.uri === uri && e.record.zone === undefined : (e) => e.record.zone === zone;
  }

  /** What makes the file `uri` hold `owner` where its zone never serves it: the delegation or DNAME above it. */
  occluder(uri: string, owner: string, zone?: string): Occluder<IndexEntry> | undefined {
    return this.occluded(uri, owner, zone) ? occluderOf(owner, (n) => this.at(n), (e) => e.record, this.mine(uri, zone), zone, this.namesCut(uri, zone)) : undefined;
  }

  private refresh(uri: string): void {
    this.names = undefined;
    this.referrers = undefined;
    this.below = undefined;
    this.underAsked = 0;
    this.cutNames = undefined;
    for (const e of this.indexed.get(uri) ?? []) {
      const list = this.byOwner.get(e.record.owner!);
      if (!list) continue;
      const i = list.indexOf(e);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) this.byOwner.delete(e.record.owner!);
    }
    this.indexed.delete(uri);
    this.computed.delete(uri);
    const f = this.files.get(uri);
    if (f) {
      const siteOf = new Map(f.sites.map((a) => [a.site, a]));
      const mine: IndexEntry[] = [];
      // A file lists the records of one name together: the list of the record before is reused without a lookup.
      let lastOwner: string | undefined;
      let lastList: IndexEntry[] | undefined;
      for (const r of f.records) {
        if (r.owner === undefined) {
          if (r.ownerSuffix !== undefined) {
            const list = this.computed.get(uri);
            const e = { uri, record: r, site: r.site ? siteOf.get(r.site) : undefined };
            if (list) list.push(e);
            else this.computed.set(uri, [e]);
          }
          continue;
        }
        const entry = { uri, record: r, site: r.site ? siteOf.get(r.site) : undefined };
        mine.push(entry);
        if (r.owner === lastOwner && lastList) {
          lastList.push(entry);
          continue;
        }
        let list = this.byOwner.get(r.owner);
        if (list) list.push(entry);
        else this.byOwner.set(r.owner, (list = [entry]));
        lastOwner = r.owner;
        lastList = list;
      }
      this.indexed.set(uri, mine);
    }
    this.pending.delete(uri);
  }

  /** Brings the owner index up to date, but for the files in `except` (the file being checked supplies its own). */
  private sync(except?: ReadonlySet<string>): void {
    // refresh() deletes the uri it is given from `pending`, which a Set's iteration allows (no copy per lookup).
    if (this.pending.size) for (const uri of this.pending) if (!except?.has(uri)) this.refresh(uri);
  }

  /**
   * Every record in the workspace, each once. A file that another `$INCLUDE`s is also indexed on its
   * own: its own entry is the one kept (it is the newer while the file is being edited).
   */
  *entries(): IterableIterator<IndexEntry> {
    this.sync();
    const seen = new Set<string>();
    for (const list of this.indexed.values())
      for (const e of list) {
        if (e.uri !== e.record.uri) {
          // A record of an `$INCLUDE`d file: once, and not at all when that file is indexed itself.
          if (this.files.has(e.record.uri)) continue;
          const key = `${e.record.uri}\0${e.record.range.start}`;
          if (seen.has(key)) continue;
          seen.add(key);
        }
        yield e;
      }
  }

  /** Every owner name and every name above one (empty non-terminals exist too), built when first asked. */
  private names?: Set<string>;

  /** Whether `name` exists in the workspace: some file defines it or a name under it (RFC 8020). */
  exists(name: string): boolean {
    this.sync(); // drops a stale name set too
    if (!this.names) {
      const names = new Set<string>();
      for (const owner of this.byOwner.keys())
        for (let n = owner; n && !names.has(n); n = n.includes('.') ? n.slice(n.indexOf('.') + 1) : '') names.add(n);
      this.names = names;
    }
    return this.names.has(name);
  }

  /** The CNAME records of the workspace by target name, built when first asked. */
  private referrers?: Map<string, IndexEntry[]>;

  /**
   * CNAME records whose target is `name` (lower case, no trailing dot), in files other than those in
   * `except`: the names a resolver reaches `name` from (a DKIM selector in one file delegating to a key
   * in another). Flattened CNAMEs (Cloudflare) are served as the target's data, not as an alias: left out.
   */
  cnamesTo(name: string, except?: ReadonlySet<string>): IndexEntry[] {
    this.sync(except); // drops a stale map too
    if (!this.referrers) {
      const map = new Map<string, IndexEntry[]>();
      for (const list of this.byOwner.values())
        for (const e of list) {
          if (e.record.type !== 'CNAME' || e.record.flattened) continue;
          const target = cnameTarget(e.record);
          const l = map.get(target);
          if (l) l.push(e);
          else map.set(target, [e]);
        }
      this.referrers = map;
    }
    const list = this.referrers.get(name);
    if (!list) return NONE;
    return except && list.some((e) => except.has(e.uri)) ? list.filter((e) => !except.has(e.uri)) : list;
  }

  /** The owner lists below each name (ownersBelow), once under() has been asked more than UNDER_SCANS times since the last change. */
  private below?: Map<string, IndexEntry[][]>;
  private underAsked = 0;

  /**
   * Records at names ending in `.suffix` (e.g. every `…._domainkey.example.com`), and records whose
   * computed owner is known to end so (`${token}._domainkey` in Terraform: `owner` undefined).
   */
  under(suffix: string): IndexEntry[] {
    this.sync(); // drops a stale map too
    const out: IndexEntry[] = [];
    const dotted = `.${suffix}`;
    // A few questions are answered by a scan of every owner; more between two changes (a check asks
    // for each domain of its file) from a map of each name to the owners below it, built once.
    if (!this.below && ++this.underAsked > UNDER_SCANS) this.below = this.ownersBelow();
    if (this.below) {
      for (const list of this.below.get(suffix) ?? NONE_BELOW) for (const e of list) out.push(e);
    } else {
      for (const [owner, list] of this.byOwner) if (owner.endsWith(dotted)) for (const e of list) out.push(e);
    }
    for (const list of this.computed.values()) for (const e of list) if (e.record.ownerSuffix === suffix || e.record.ownerSuffix!.endsWith(dotted)) out.push(e);
    return out;
  }

  /** The entries of each owner, by every name above the owner (in the order of `byOwner`). */
  private ownersBelow(): Map<string, IndexEntry[][]> {
    const below = new Map<string, IndexEntry[][]>();
    for (const [owner, list] of this.byOwner)
      for (let i = owner.indexOf('.'); i >= 0; i = owner.indexOf('.', i + 1)) {
        const above = owner.slice(i + 1);
        const lists = below.get(above);
        if (lists) lists.push(list);
        else below.set(above, [list]);
      }
    return below;
  }

  /** Records at a name in files other than those in `except` (the file being checked supplies its own). */
  at(owner: string, except?: ReadonlySet<string>): IndexEntry[] {
    this.sync(except);
    const list = this.byOwner.get(owner);
    if (!list) return NONE;
    // Most lookups find nothing outside the file being checked: no new array then.
    return except && list.some((e) => except.has(e.uri)) ? list.filter((e) => !except.has(e.uri)) : list;
  }
}
