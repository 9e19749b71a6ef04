/**
 * The RFC 9989 §4.10 tree walk over a zone's DNS model and the rest of the workspace, shared by the
 * cross-record rules and their fixes; and what it says of report destinations (RFC 9990 §3), which
 * the rules and the editor's hover share.
 */
import { coverageFrom, orgDomain, workspaceDmarc, workspaceWalks, type Coverage, type Entry, type Lookup } from '../senders/analyze';
import { discoverPolicy, OPAQUE } from '../senders/treewalk';
import type { Walk } from '../senders/treewalk';
import type { RecordSite } from '../types';
import { cnameTarget, MAX_CNAME_CHAIN } from '../records/cname';
import type { AnalyzedSite, DnsModel } from './rule';

const NONE: Entry[] = [];

const walks = new WeakMap<DnsModel, (name: string) => Walk<Entry>>();
const lookups = new WeakMap<DnsModel, Lookup>();

/**
 * What the model and the rest of the workspace hold at a `_dmarc` name, for policy discovery (once
 * per model): the TXT, SPF and CNAME records there and at the names its CNAMEs lead to, and the zone
 * cuts (SOA, NS, DNAME) that tell "no record" from "not in these files". Only those are indexed.
 */
export function modelLookup(model: DnsModel): Lookup {
  let lookup = lookups.get(model);
  if (lookup) return lookup;
  // The names `_dmarc` CNAMEs of the model lead to (hosted or centralised DMARC), through chains: their TXT and CNAME records are read too.
  const cnames = model.cnames();
  const targets = new Set<string>();
  for (const [o, r] of cnames) if (o.startsWith('_dmarc.')) targets.add(cnameTarget(r));
  for (let i = 0, grew = targets.size > 0; grew && i < MAX_CNAME_CHAIN; i++) {
    grew = false;
    for (const t of [...targets]) {
      const next = cnames.get(t);
      if (next && !targets.has(cnameTarget(next))) targets.add(cnameTarget(next)), (grew = true);
    }
  }
  const read = (o: string) => (o.charCodeAt(0) === 95 && o.startsWith('_dmarc.')) || (targets.size > 0 && targets.has(o));
  const own = new Map<string, Entry[]>();
  const siteOf = new Map<RecordSite, AnalyzedSite>();
  for (const s of model.sites) if (s.site.owner !== undefined && read(s.site.owner)) siteOf.set(s.site, s);
  for (const r of model.records) {
    const o = r.owner;
    const t = r.type;
    // What a `_dmarc` name (or a name one leads to) can hold that the walk reads (TXT, SPF, a CNAME), and the zone's cuts; the type first, as most records are neither.
    if (o === undefined || !(t === 'SOA' || t === 'NS' || t === 'DNAME' || ((t === 'TXT' || t === 'CNAME' || t === 'SPF') && read(o)))) continue;
    const e: Entry = { uri: r.uri, record: r, site: r.site ? siteOf.get(r.site) : undefined };
    const list = own.get(o);
    if (list) list.push(e);
    else own.set(o, [e]);
  }
  lookup = (n) => {
    const mine = own.get(n) ?? NONE;
    const other = model.workspace?.at(n) ?? NONE;
    return other.length ? [...mine, ...other] : mine;
  };
  lookups.set(model, lookup);
  return lookup;
}

/** The RFC 9989 tree walk from a name (and so its Organizational Domain) over this file and the rest of the workspace (once per model). */
export function modelWalk(model: DnsModel): (name: string) => Walk<Entry> {
  let walk = walks.get(model);
  if (walk) return walk;
  walk = workspaceWalks(modelLookup(model));
  walks.set(model, walk);
  return walk;
}

const coverages = new WeakMap<DnsModel, (name: string) => Coverage | undefined | typeof OPAQUE>();

/**
 * The DMARC record and policy that apply to mail from a name that exists (RFC 9989 §4.10.1 policy
 * discovery over this file and the rest of the workspace: its own record's `p`, else its
 * Organizational Domain's `sp` or `p`), undefined when none does, OPAQUE when its own record's value
 * is not in the files (a CNAME to a hosted DMARC service, an expression). The `_dmarc` names are read once per
 * model for all the rules that ask.
 */
export function modelCoverage(model: DnsModel): (name: string) => Coverage | undefined | typeof OPAQUE {
  let cover = coverages.get(model);
  if (cover) return cover;
  const at = workspaceDmarc(modelLookup(model));
  cover = (name) => {
    const d = discoverPolicy(name, at);
    // The name's own `_dmarc` is a CNAME out of the workspace (hosted DMARC) or an expression: its policy is not known here.
    return d.opaque ? OPAQUE : coverageFrom(name, d, () => true);
  };
  coverages.set(model, cover);
  return cover;
}

/** Where receivers look for the authorisation of reports for `domain` sent to `host` (RFC 9990 §3). */
export const authorizationName = (domain: string, host: string) => `${domain}._report._dmarc.${host}`;

/**
 * Whether receivers count a report destination as another organization than the policy's domain
 * (RFC 9990 §3): by the public suffix list (as RFC 7489 receivers do), or else by the tree walk (RFC
 * 9989), whose walks are taken only then; undefined when neither.
 */
export function destinationApart(domain: string, host: string, walk: (name: string) => Walk<Entry>): { by: 'list' } | { by: 'walk'; ofDomain: Walk<Entry>; ofHost: Walk<Entry> } | undefined {
  if (host === domain) return undefined;
  if (orgDomain(host) !== orgDomain(domain)) return { by: 'list' };
  const ofDomain = walk(domain);
  const ofHost = walk(host);
  return ofDomain.org === ofHost.org ? undefined : { by: 'walk', ofDomain, ofHost };
}

/** A TXT value starting `v=DMARC1` at the authorisation name or at `*._report._dmarc.<host>`, among the values `valuesAt` gives. */
export function reportsAuthorised(domain: string, host: string, valuesAt: (name: string) => readonly string[]): boolean {
  return [authorizationName(domain, host), `*._report._dmarc.${host}`].some((n) => valuesAt(n).some((v) => /^v=DMARC1/.test(v)));
}
