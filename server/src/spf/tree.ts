/**
 * Static SPF lookup analysis (RFC 7208 §4.6.4): walks a domain's whole include/redirect tree, not
 * for one IP, counting the DNS-querying terms in evaluation order with the limit checked right after
 * each increment, counting void lookups, finding loops from the recursion path, and going on past
 * the limit so the whole tree is shown. Siblings are resolved together, so the walk takes about one
 * round trip per level of the tree.
 */
import { mxHost, type DnsAnswer, type Resolver } from '../dns/types';
import { isSpfRecord, parseSpf, type SpfTerm } from '../records/spf';
import { inNetwork, parseIp, type Ip } from './evaluator';

export const LOOKUP_LIMIT = 10;
export const VOID_LIMIT = 2;

export interface TreeTerm {
  text: string;
  name: string;
  /** DNS-querying terms this term costs, its subtree included. */
  cost: number;
  /** Its own query found nothing (NXDOMAIN or no records). */
  void?: boolean;
  child?: TreeNode;
  note?: string;
}

export interface TreeNode {
  domain: string;
  record?: string;
  /** Where the record came from (workspace file, live DNS at T, …). */
  source?: string;
  error?: string;
  terms: TreeTerm[];
  /** DNS-querying terms in this record's subtree. */
  lookups: number;
}

export interface TreeDiagnostic {
  rule: string;
  /** Set when it differs from the rule's default (an unresolvable name is information, not an error). */
  severity?: 'information';
  message: string;
  /** Domains from the root to the record the diagnostic is about. */
  path: string[];
  term?: string;
}

export interface LookupTree {
  domain: string;
  tree: TreeNode;
  lookups: number;
  voidLookups: number;
  diagnostics: TreeDiagnostic[];
}

const COUNTED = new Set(['include', 'a', 'mx', 'ptr', 'exists']);

function hasMacro(s: string | undefined): boolean {
  return s !== undefined && s.includes('%');
}

/**
 * Parsed records by text: the trees of thousands of records walk the same few include targets, and
 * a parse is only read here. Bounded, so a long-running server does not keep every record it saw.
 */
const parses = new Map<string, ReturnType<typeof parseSpf>>();
function parsed(record: string): ReturnType<typeof parseSpf> {
  let p = parses.get(record);
  if (!p) {
    if (parses.size >= 4096) parses.clear();
    parses.set(record, (p = parseSpf(record)));
  }
  return p;
}

/** The SPF records of each answer (a memoising resolver hands out the same answer to many walks). */
const spfOfAnswer = new WeakMap<DnsAnswer, string[]>();

async function spfRecordOf(resolver: Resolver, domain: string): Promise<{ answer: DnsAnswer; records: string[] }> {
  const answer = await resolver.resolve(domain, 'TXT');
  let records = spfOfAnswer.get(answer);
  if (!records) spfOfAnswer.set(answer, (records = answer.status === 'ok' ? answer.records.filter(isSpfRecord) : []));
  return { answer, records };
}

type Net = { ip: Ip; len: number; text: string };
/** The networks a record authorises (pass) with ip4/ip6 terms, once per parsed record. */
const netsOfRecord = new WeakMap<ReturnType<typeof parseSpf>, Net[]>();
function netsOf(rec: ReturnType<typeof parseSpf>): Net[] {
  let nets = netsOfRecord.get(rec);
  if (nets) return nets;
  nets = [];
  for (const t of rec.terms) {
    if ((t.name !== 'ip4' && t.name !== 'ip6') || t.qualifier !== '+' || !t.arg) continue;
    const ip = parseIp(t.arg);
    if (!ip || (t.name === 'ip4') !== (ip.v === 4)) continue;
    nets.push({ ip, len: (ip.v === 4 ? t.cidr4 : t.cidr6) ?? (ip.v === 4 ? 32 : 128), text: t.text });
  }
  netsOfRecord.set(rec, nets);
  return nets;
}

interface Walk {
  resolver: Resolver;
  /** Names that could not be resolved (offline, timeout), with why: reported once, at the root. */
  unresolved: Map<string, string>;
  /** Where the answers came from. */
  sources: Set<string>;
  diagnostics: TreeDiagnostic[];
  voids: number;
  /** Every include/redirect target seen, with the path where it was first seen. */
  seen: Map<string, string[]>;
  /** Networks authorised (pass) by ip4/ip6 terms across the tree, to find ones that repeat. */
  nets: { ip: Ip; len: number; text: string; domain: string; path: string[] }[];
}

const MAX_NETS = 2000;

/** `a` (an ip4/ip6 network) lies inside `b`. */
function inside(a: Walk['nets'][number], b: Walk['nets'][number]): boolean {
  return a.len >= b.len && inNetwork(a.ip, b.ip, b.len);
}

/** Networks authorised twice in different records of the tree: the second one adds nothing. */
function duplicateNets(w: Walk): void {
  const nets = w.nets;
  const reported = new Set<number>();
  for (let i = 0; i < nets.length; i++)
    for (let j = 0; j < nets.length; j++) {
      if (i === j || reported.has(i) || nets[i].domain === nets[j].domain || !inside(nets[i], nets[j])) continue;
      // Equal networks: report the later one only.
      if (inside(nets[j], nets[i]) && j > i) continue;
      reported.add(i);
      w.diagnostics.push({
        rule: 'spf/duplicate-netblock',
        message: `${nets[i].text} in ${nets[i].domain} is already authorised by ${nets[j].text} in ${nets[j].domain}; it adds nothing to the policy.`,
        path: nets[i].path,
        term: nets[i].text,
      });
    }
}

async function isVoid(resolver: Resolver, name: string, types: ('A' | 'AAAA' | 'MX')[]): Promise<{ void: boolean; error?: string; records: string[] }> {
  const answers = await Promise.all(types.map((t) => resolver.resolve(name, t)));
  const err = answers.find((a) => a.status === 'error');
  if (err && err.status === 'error') return { void: false, error: err.message, records: [] };
  const records = answers.flatMap((a) => (a.status === 'ok' ? a.records : []));
  return { void: records.length === 0, records };
}

async function walkNode(domain: string, path: string[], w: Walk, root: boolean): Promise<TreeNode> {
  const node: TreeNode = { domain, terms: [], lookups: 0 };
  const { answer, records } = await spfRecordOf(w.resolver, domain);
  node.source = answer.source;
  w.sources.add(answer.source.replace(/ at \d{4}-.*$/, ''));
  if (answer.status === 'error') {
    node.error = `could not resolve: ${answer.message}`;
    w.unresolved.set(domain, answer.message);
    return node;
  }
  if (answer.status === 'nxdomain' && !root) {
    node.error = 'the name does not exist';
    w.diagnostics.push({ rule: 'spf/include-not-found', message: `${domain} does not exist, so including it is a permerror (RFC 7208 §5.2).`, path });
    return node;
  }
  if (records.length === 0) {
    node.error = 'no SPF record';
    if (!root) w.diagnostics.push({ rule: 'spf/include-has-no-spf', message: `${domain} has no SPF record, so including it is a permerror (RFC 7208 §5.2).`, path });
    return node;
  }
  if (records.length > 1) {
    node.error = `${records.length} SPF records`;
    // At the root the zone's own check reports it (spf/multiple-records on each record).
    if (!root) w.diagnostics.push({ rule: 'spf/multiple-records', message: `${domain} has ${records.length} SPF records: permerror (RFC 7208 §4.5).`, path });
  }
  node.record = records[0];
  const rec = parsed(records[0]);
  for (const n of netsOf(rec)) {
    if (w.nets.length >= MAX_NETS) break;
    w.nets.push({ ip: n.ip, len: n.len, text: n.text, domain, path });
  }
  const hasAll = rec.terms.some((t) => t.kind === 'mechanism' && t.name === 'all');
  const terms = rec.terms.filter((t) => (t.kind === 'mechanism' && COUNTED.has(t.name)) || (t.kind === 'modifier' && t.name === 'redirect' && !hasAll));
  // Resolve all terms of this record together: one round trip per level of the tree.
  const results = await Promise.all(terms.map((t) => walkTerm(t, domain, path, w)));
  node.terms = results;
  node.lookups = results.reduce((n, t) => n + t.cost, 0);
  return node;
}

async function walkTerm(t: SpfTerm, domain: string, path: string[], w: Walk): Promise<TreeTerm> {
  const out: TreeTerm = { text: t.text, name: t.name, cost: 1 };
  const target = t.arg !== undefined ? t.arg.toLowerCase().replace(/\.$/, '') : domain;
  if (hasMacro(t.arg)) {
    out.note = 'macro: counted, not expanded';
    return out;
  }
  if (t.name === 'include' || t.name === 'redirect') {
    if (path.includes(target)) {
      out.note = `loop back to ${target}`;
      w.diagnostics.push({ rule: 'spf/include-loop', message: `${[...path, target].join(' → ')} loops: receivers return permerror (RFC 7208 §4.6.4).`, path, term: t.text });
      return out;
    }
    const first = w.seen.get(target);
    if (first) {
      w.diagnostics.push({ rule: 'spf/duplicate-include', message: `${target} is included more than once in the tree (first via ${first.join(' → ')}); every copy costs lookups again.`, path, term: t.text });
    } else w.seen.set(target, [...path, target]);
    out.child = await walkNode(target, [...path, target], w, false);
    out.cost += out.child.lookups;
    return out;
  }
  if (t.name === 'ptr') return out;
  if (t.name === 'mx') {
    const mx = await isVoid(w.resolver, target, ['MX']);
    if (mx.error) out.note = `could not resolve: ${mx.error}`;
    else if (mx.void) {
      out.void = true;
      w.voids++;
    } else if (mx.records.length > LOOKUP_LIMIT) {
      w.diagnostics.push({ rule: 'spf/mx-too-many-hosts', message: `${target} has ${mx.records.length} MX hosts; \`mx\` may look up at most ${LOOKUP_LIMIT} (RFC 7208 §4.6.4), so it is a permerror.`, path, term: t.text });
    } else out.note = `${mx.records.length} MX host${mx.records.length === 1 ? '' : 's'}: ${mx.records.map(mxHost).join(', ')}`;
    return out;
  }
  const r = await isVoid(w.resolver, target, t.name === 'exists' ? ['A'] : ['A', 'AAAA']);
  if (r.error) out.note = `could not resolve: ${r.error}`;
  else if (r.void) {
    out.void = true;
    w.voids++;
  }
  return out;
}

/** Lookups in evaluation order, to find the term at which the limit is crossed. */
function* order(node: TreeNode, path: string[]): Generator<{ term: TreeTerm; path: string[] }> {
  for (const t of node.terms) {
    yield { term: t, path };
    if (t.child) yield* order(t.child, [...path, t.child.domain]);
  }
}

export async function lookupTree(domain: string, resolver: Resolver): Promise<LookupTree> {
  const d = domain.toLowerCase().replace(/\.$/, '');
  const w: Walk = { resolver, diagnostics: [], voids: 0, seen: new Map(), unresolved: new Map(), sources: new Set(), nets: [] };
  const tree = await walkNode(d, [d], w, true);
  duplicateNets(w);
  let n = 0;
  for (const { term, path } of order(tree, [d])) {
    // The limit is checked right after each increment (RFC 7208 §4.6.4): the 11th lookup fails.
    if (++n === LOOKUP_LIMIT + 1) {
      const heavy = [...tree.terms].sort((a, b) => b.cost - a.cost).slice(0, 3).map((t) => `${t.text} (${t.cost})`);
      w.diagnostics.unshift({
        rule: 'spf/too-many-lookups',
        message: `${d} needs ${tree.lookups} DNS lookups; receivers stop at ${LOOKUP_LIMIT} and return permerror at ${term.text}${path.length > 1 ? ` in ${path[path.length - 1]}` : ''} (RFC 7208 §4.6.4). Most costly: ${heavy.join(', ')}. Data: ${[...w.sources].join(', ')}.`,
        path,
        term: term.text,
      });
    }
  }
  if (w.unresolved.size) {
    const names = [...w.unresolved.keys()];
    const why = [...new Set(w.unresolved.values())].join('; ');
    w.diagnostics.push({
      rule: 'spf/include-not-found',
      severity: 'information',
      message: names.includes(d)
        ? `${d}: could not resolve (${why}).`
        : `Could not resolve ${names.join(', ')} (${why}); the count of ${tree.lookups} DNS lookups leaves their subtrees out and is a lower bound.`,
      path: [d],
    });
  }
  if (w.voids > VOID_LIMIT)
    w.diagnostics.push({ rule: 'spf/too-many-void-lookups', message: `${d}'s tree has ${w.voids} void lookups; receivers return permerror after ${VOID_LIMIT} (RFC 7208 §4.6.4).`, path: [d] });
  // Every finding that depended on DNS says where the data came from (workspace file, live DNS at T).
  const data = `Data: ${[...w.sources].join(', ')}.`;
  for (const x of w.diagnostics) if (!x.message.includes('Data: ')) x.message = `${x.message} ${data}`;
  return { domain: d, tree, lookups: tree.lookups, voidLookups: w.voids, diagnostics: w.diagnostics };
}

/** The tree as indented text lines: `include:x (+4)`. */
export function formatTree(node: TreeNode, indent = ''): string[] {
  const lines = [`${indent}${node.domain}${node.record ? `  "${node.record}"` : ''}${node.error ? `  [${node.error}]` : ''}  (${node.lookups} lookups)`];
  for (const t of node.terms) {
    lines.push(`${indent}  ${t.text}  +${t.cost}${t.void ? '  [void]' : ''}${t.note ? `  [${t.note}]` : ''}`);
    if (t.child) lines.push(...formatTree(t.child, `${indent}    `));
  }
  return lines;
}
