/**
 * The RFC 9989 §4.10 tree walk over a zone's DNS model and the rest of the workspace, shared by the
 * cross-record rules and their fixes.
 */
import { workspaceWalks, type Entry, type Lookup } from '../senders/analyze';
import type { Walk } from '../senders/treewalk';
import type { RecordSite } from '../types';
import type { AnalyzedSite, DnsModel } from './rule';

const NONE: Entry[] = [];

const walks = new WeakMap<DnsModel, (name: string) => Walk<Entry>>();

/**
 * The RFC 9989 tree walk from a name (and so its Organizational Domain) over this file and the rest of the
 * workspace (once per model). The walk reads what is at `_dmarc` names and, to tell "no record" from
 * "not in these files", the SOA, NS and DNAME records above them; only those are indexed here.
 */
export function modelWalk(model: DnsModel): (name: string) => Walk<Entry> {
  let walk = walks.get(model);
  if (walk) return walk;
  const own = new Map<string, Entry[]>();
  const siteOf = new Map<RecordSite, AnalyzedSite>();
  for (const s of model.sites) if (s.site.owner?.startsWith('_dmarc.')) siteOf.set(s.site, s);
  for (const r of model.records) {
    const o = r.owner;
    const t = r.type;
    // What a `_dmarc` name can hold that the walk reads (TXT, SPF, a CNAME), and the zone's cuts; the type first, as most records are neither.
    if (o === undefined || !(t === 'SOA' || t === 'NS' || t === 'DNAME' || ((t === 'TXT' || t === 'CNAME' || t === 'SPF') && o.charCodeAt(0) === 95 && o.startsWith('_dmarc.')))) continue;
    const e: Entry = { uri: r.uri, record: r, site: r.site ? siteOf.get(r.site) : undefined };
    const list = own.get(o);
    if (list) list.push(e);
    else own.set(o, [e]);
  }
  const lookup: Lookup = (n) => {
    const mine = own.get(n) ?? NONE;
    const other = model.workspace?.at(n) ?? NONE;
    return other.length ? [...mine, ...other] : mine;
  };
  walk = workspaceWalks(lookup);
  walks.set(model, walk);
  return walk;
}
