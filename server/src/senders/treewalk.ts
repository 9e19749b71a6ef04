/**
 * The RFC 9989 §4.10 DNS Tree Walk over what the workspace holds: which DMARC record applies to a
 * domain (§4.10.1 policy discovery) and where its organization ends (§4.10.2 Organizational Domain,
 * for relaxed alignment). RFC 7489 took both from a public suffix list; RFC 9989 reads them from the
 * `_dmarc` records on the way up and their `psd` tags.
 *
 * Offline, the workspace is all there is. A `_dmarc` name is known to hold nothing only inside a
 * zone a file holds whole (its SOA is there); elsewhere "not in the workspace" is not "not in DNS".
 * So when the record of the registrable domain (by the public suffix list) cannot be seen, the walk
 * assumes it is published, as it is for nearly every domain that sends mail, and the answer is the
 * public suffix list's, as under RFC 7489. Public suffixes themselves are taken to publish nothing
 * unless the workspace says otherwise.
 */
import { getDomain } from 'tldts';
import { bare } from './catalog';

const orgCache = new Map<string, string>();

/** The Organizational Domain by the public suffix list (tldts, ICANN section); the name itself when it is a suffix. */
export function orgDomain(domain: string): string {
  let o = orgCache.get(domain);
  if (o === undefined) {
    // A domain name, not a URL: tldts need not extract or validate a hostname (the same answer, faster).
    o = getDomain(bare(domain), { allowPrivateDomains: false, extractHostname: false, validateHostname: false }) ?? bare(domain);
    if (orgCache.size > 50000) orgCache.clear();
    orgCache.set(domain, o);
  }
  return o;
}

/**
 * The names a tree walk queries for `from` (RFC 9989 §4.10): `from` itself, then its parents one
 * label at a time up to the top-level domain, except that a name of eight or more labels jumps
 * straight to its last seven after the first query (so at most eight queries); `_dmarc.` goes in
 * front of each.
 */
export function discoveryNames(from: string): string[] {
  const labels = bare(from).split('.');
  const out = [labels.join('.')];
  for (let x = labels.length >= 8 ? 7 : labels.length - 1; x >= 1; x--) out.push(labels.slice(labels.length - x).join('.'));
  return out;
}

/** The DMARC record at `_dmarc.<name>`, with its `psd` value (lower case). */
export interface Found<T> {
  name: string;
  item: T;
  psd?: string;
}

/**
 * A `_dmarc` name where a record is published whose value the files do not give (a CNAME out of the
 * workspace to a hosted DMARC service, a Terraform expression): something applies there, not known what.
 */
export const OPAQUE = 'opaque' as const;

/**
 * What is at `_dmarc.<name>`: the one DMARC record there; `null` when there is none (or several,
 * which RFC 9989 discards); `undefined` when the workspace cannot tell; OPAQUE when a record is there
 * whose value is not known.
 */
export type DmarcAt<T> = (name: string) => { item: T; psd?: string } | null | undefined | typeof OPAQUE;

export interface Walk<T> {
  /** The DMARC records the walk found, longest name first; it stops at one with `psd=y` or `psd=n`. */
  found: Found<T>[];
  /** The Organizational Domain (RFC 9989 §4.10.2). */
  org: string;
  /** How: a `psd` tag decided; the fewest-labels record; nothing was found (the name itself); or the workspace could not see the registrable domain's record, so the public suffix list answered. */
  by: 'psd=n' | 'psd=y' | 'fewest-labels' | 'start' | 'public-suffix-list';
}

/** The tree walk from `start` and the Organizational Domain it gives (RFC 9989 §4.10, §4.10.2). */
export function treeWalk<T>(start: string, at: DmarcAt<T>): Walk<T> {
  const s = start.charCodeAt(start.length - 1) === 46 || /[A-Z]/.test(start) ? bare(start) : start;
  const registrable = orgDomain(s);
  const found: Found<T>[] = [];
  let unseen = false;
  // The names of discoveryNames(s), taken as suffixes of s without splitting it (a walk runs for
  // every DMARC record of a big zone): `from` is where the name starts, -1 once past the last label.
  for (let from = 0; from >= 0; ) {
    const name = from === 0 ? s : s.slice(from);
    from = from === 0 ? firstCut(s) : s.indexOf('.', from) + 1 || -1;
    const r = at(name);
    if (r === undefined || r === OPAQUE) {
      if (name === registrable) unseen = true;
      continue;
    }
    if (r === null) continue;
    found.push({ name, item: r.item, psd: r.psd });
    if (r.psd === 'n') return { found, org: name, by: 'psd=n' };
    if (r.psd === 'y') {
      // A PSD's record other than the starting name's: the Organizational Domain is one label below it.
      if (name !== s) return { found, org: s.split('.').slice(-(name.split('.').length + 1)).join('.'), by: 'psd=y' };
      break;
    }
  }
  const fewest = found.length ? found[found.length - 1].name : undefined;
  // The registrable domain's record is out of sight: it is taken to be there (it would be the fewest-labels record).
  if (unseen && (fewest === undefined || fewest.length > registrable.length)) return { found, org: registrable, by: 'public-suffix-list' };
  return fewest !== undefined ? { found, org: fewest, by: 'fewest-labels' } : { found, org: s, by: 'start' };
}

/** Where the name after `s` starts in it: its parent's first character, or its last seven labels' for a name of eight or more; -1 for a single label. */
function firstCut(s: string): number {
  let dots = 0;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 46) dots++;
  if (dots === 0) return -1;
  if (dots < 7) return s.indexOf('.') + 1;
  // Keep the last seven labels: skip dots - 6 of them.
  let i = -1;
  for (let n = dots - 6; n > 0; n--) i = s.indexOf('.', i + 1);
  return i + 1;
}

/** The Organizational Domain of `name` (RFC 9989 §4.10.2) over what `at` can see. */
export function organizationalDomain(name: string, at: DmarcAt<unknown>): string {
  return treeWalk(name, at).org;
}

export interface Discovery<T> {
  /** The record that applies, and where: the Author Domain's own, its Organizational Domain's, or its Public Suffix Domain's. */
  applied?: Found<T> & { kind: 'author' | 'org' | 'psd' };
  walk: Walk<T>;
  /** The Author Domain's own record is there but its value is not known (hosted DMARC, an expression): what applies is not known. */
  opaque?: boolean;
}

/**
 * DMARC policy discovery (RFC 9989 §4.10.1): the record at the Author Domain; else the record of its
 * Organizational Domain; else that of its Public Suffix Domain (`psd=y`). A record found on the way
 * at a name that is none of these (`_dmarc.mail.example.com` for `a.mail.example.com` when
 * example.com publishes too) does not apply.
 */
export function discoverPolicy<T>(from: string, at: DmarcAt<T>): Discovery<T> {
  const walk = treeWalk(from, at);
  const s = bare(from);
  const own = walk.found[0]?.name === s ? walk.found[0] : undefined;
  // The Author Domain publishes a record whose value is not known here: that one applies, not its Organizational Domain's.
  if (!own && at(s) === OPAQUE) return { walk, opaque: true };
  return { applied: own ? { ...own, kind: 'author' } : organizationRecord(walk), walk };
}

/**
 * The record that applies to the names under a walk's start that have none of their own (RFC 9989
 * §4.10.1): its Organizational Domain's, else that of a Public Suffix Domain (`psd=y`) above it.
 */
export function organizationRecord<T>(walk: Walk<T>): (Found<T> & { kind: 'org' | 'psd' }) | undefined {
  const org = walk.found.find((f) => f.name === walk.org);
  if (org) return { ...org, kind: 'org' };
  // The walk stops at a psd tag, so a psd=y record can only be the last one found.
  const last = walk.found[walk.found.length - 1];
  return last?.psd === 'y' ? { ...last, kind: 'psd' } : undefined;
}
