/**
 * Static SPF lookup analysis (RFC 7208 §4.6.4): walks a domain's whole include/redirect tree, not
 * for one IP, counting the DNS-querying terms in evaluation order with the limit checked right after
 * each increment, counting void lookups, finding loops from the recursion path, and going on past
 * the limit so the whole tree is shown. Siblings are resolved together, so the walk takes about one
 * round trip per level of the tree.
 *
 * The walk is written as generators that yield the queries each step needs and receive the answers:
 * one driver answers them from the network, or at once when the resolver knows them without it (the
 * workspace files, the snapshot, offline), so a check of thousands of records makes no promise per query.
 */
import { mxHost, type DnsAnswer, type Resolver, type RRType } from '../dns/types';
import { isSpfRecord, parseSpf, type SpfTerm } from '../records/spf';
import { parseIp, type Ip } from './evaluator';
import { PrefixTrie } from '../util/cidr';

export const LOOKUP_LIMIT = 10;
export const VOID_LIMIT = 2;
/**
 * How far the walk goes past the limit to show the whole tree: at most this many records in one tree,
 * and includes this deep. Receivers stop at the 10th lookup, so a tree cut here is a permerror anyway;
 * without a bound, records that include each other in a ring (or twice each) make a walk of millions
 * of nodes. Within the bound the walk is in evaluation order when answers come from the workspace;
 * with live DNS, which part of an oversized tree is cut off can depend on the order answers arrive.
 */
export const MAX_TREE_RECORDS = 500;
export const MAX_TREE_DEPTH = 50;

export interface TreeTerm {
  text: string;
  name: string;
  /** DNS-querying terms this term costs, its subtree included. */
  cost: number;
  /** Its own query found nothing (NXDOMAIN or no records). */
  void?: boolean;
  /** The names whose lookups found nothing: the term's target, or an `mx` term's hosts without an address. */
  voidNames?: string[];
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

/** A query the walk needs answered. */
interface Query {
  name: string;
  type: RRType;
}
/** Steps to run side by side (the terms of one record), each as far as it can go. */
interface Fork {
  steps: Step<unknown>[];
}
/** A step of the walk: yields queries (answered together, in order) or a fork (the results, in order), returns its result. */
type Step<T> = Generator<Query[] | Fork, T, unknown>;

function* ask(queries: Query[]): Step<DnsAnswer[]> {
  return (yield queries) as DnsAnswer[];
}

function* fork<T>(steps: Step<T>[]): Step<T[]> {
  return (yield { steps }) as T[];
}

/**
 * Runs a step: synchronously while the resolver answers at once, else from the network. Forked steps
 * each go at their own pace, so a slow answer holds up only the subtree that waits on it; answered at
 * once, they run one after the other, depth first, which is the order receivers evaluate them in (so a
 * duplicate include is the later one in evaluation order).
 */
function drive<T>(step: Step<T>, resolver: Resolver, input?: unknown): T | Promise<T> {
  let r = step.next(input);
  while (!r.done) {
    const y = r.value;
    let result: unknown;
    if (Array.isArray(y)) {
      const answers: DnsAnswer[] = [];
      for (const q of y) {
        const a = resolver.now?.(q.name, q.type);
        if (!a) return Promise.all(y.map((x) => resolver.resolve(x.name, x.type))).then((all) => drive(step, resolver, all));
        answers.push(a);
      }
      result = answers;
    } else {
      const results = y.steps.map((s) => drive(s, resolver));
      if (results.some((x) => x instanceof Promise)) return Promise.all(results).then((all) => drive(step, resolver, all));
      result = results;
    }
    r = step.next(result);
  }
  return r.value;
}

function* spfRecordOf(domain: string): Step<{ answer: DnsAnswer; records: string[] }> {
  const [answer] = yield* ask([{ name: domain, type: 'TXT' }]);
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
  /** Names that could not be resolved (offline, timeout), with why: reported once, at the root. */
  unresolved: Map<string, string>;
  /** Where the answers came from (filled in evaluation order after the walk). */
  sources: Set<string>;
  diagnostics: TreeDiagnostic[];
  voids: number;
  /** Networks authorised (pass) by ip4/ip6 terms across the tree, to find ones that repeat (in evaluation order). */
  nets: { ip: Ip; len: number; text: string; domain: string; path: string[] }[];
  /** The root's record as the caller parsed it. */
  known?: Known;
  /** Records walked so far (the root included), and why the walk stopped early if it did. */
  records: number;
  cut?: string;
}

/** The parse of a node's record: the caller's for the root, a given one, or a cached parse. */
function parseOf(record: string, root: boolean, w: Walk): ReturnType<typeof parseSpf> {
  return root && w.known?.record === record ? w.known.parsed : (w.known?.parses?.get(record) ?? parsed(record));
}

/**
 * What the caller already parsed: the root's record, and any records by text (e.g. every SPF record of
 * the workspace's files), so that include targets defined there are not parsed again.
 */
export interface Known {
  record: string;
  parsed: ReturnType<typeof parseSpf>;
  parses?: ReadonlyMap<string, ReturnType<typeof parseSpf>>;
}

const MAX_NETS = 2000;

/**
 * Networks authorised twice in different records of the tree: the second one adds nothing. Each
 * network is reported once, against the first (in evaluation order) of another record that covers
 * it; of two equal ones, the later is reported. The networks that cover one are found in a
 * PrefixTrie: a tree of a thousand networks is not a million comparisons.
 */
function duplicateNets(w: Walk): void {
  const nets = w.nets;
  const trie = new PrefixTrie();
  nets.forEach((n, i) => trie.add(n.ip, n.len, i));
  for (let i = 0; i < nets.length; i++) {
    const me = nets[i];
    let first = -1;
    trie.covering(
      me.ip,
      (entries, prefix) => {
        for (const j of entries) {
          if (first >= 0 && j >= first) break;
          // Equal networks (the same prefix): only the later one is reported.
          if (j === i || nets[j].domain === me.domain || (prefix === me.len && j > i)) continue;
          first = j;
          break;
        }
      },
      me.len,
    );
    if (first < 0) continue;
    const by = nets[first];
    w.diagnostics.push({
      rule: 'spf/duplicate-netblock',
      message: `${me.text} in ${me.domain} is already authorised by ${by.text} in ${by.domain}; it adds nothing to the policy.`,
      path: me.path,
      term: me.text,
    });
  }
}

function* isVoid(name: string, types: ('A' | 'AAAA' | 'MX')[]): Step<{ void: boolean; error?: string; records: string[] }> {
  const answers = yield* ask(types.map((type) => ({ name, type })));
  const err = answers.find((a) => a.status === 'error');
  if (err && err.status === 'error') return { void: false, error: err.message, records: [] };
  const records = answers.flatMap((a) => (a.status === 'ok' ? a.records : []));
  return { void: records.length === 0, records };
}

/** Whether an MX host has no address at all (a void lookup for any client); false when that is not known. */
function* hostVoid(host: string): Step<boolean> {
  const a = yield* isVoid(host, ['A']);
  if (a.error || !a.void) return false;
  const aaaa = yield* isVoid(host, ['AAAA']);
  return aaaa.void && !aaaa.error;
}

function* walkNode(domain: string, path: string[], w: Walk, root: boolean): Step<TreeNode> {
  const node: TreeNode = { domain, terms: [], lookups: 0 };
  const { answer, records } = yield* spfRecordOf(domain);
  node.source = answer.source;
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
  const rec = parseOf(records[0], root, w);
  const hasAll = rec.terms.some((t) => t.kind === 'mechanism' && t.name === 'all');
  const terms = rec.terms.filter((t) => (t.kind === 'mechanism' && COUNTED.has(t.name)) || (t.kind === 'modifier' && t.name === 'redirect' && !hasAll));
  // Resolve all terms of this record together: one round trip per level of the tree.
  const results = yield* fork(terms.map((t) => walkTerm(t, domain, path, w)));
  node.terms = results;
  node.lookups = results.reduce((n, t) => n + t.cost, 0);
  return node;
}

function* walkTerm(t: SpfTerm, domain: string, path: string[], w: Walk): Step<TreeTerm> {
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
    if (path.length > MAX_TREE_DEPTH || w.records >= MAX_TREE_RECORDS) {
      out.note = path.length > MAX_TREE_DEPTH ? `not walked: deeper than ${MAX_TREE_DEPTH} includes` : `not walked: the tree is cut at ${MAX_TREE_RECORDS} records`;
      w.cut ??= path.length > MAX_TREE_DEPTH ? `includes ${MAX_TREE_DEPTH} deep` : `${MAX_TREE_RECORDS} records`;
      return out;
    }
    w.records++;
    // Whether an earlier include already brought this name in is decided after the walk (inEvaluationOrder).
    out.child = yield* walkNode(target, [...path, target], w, false);
    out.cost += out.child.lookups;
    return out;
  }
  if (t.name === 'ptr') return out;
  if (t.name === 'mx') {
    const mx = yield* isVoid(target, ['MX']);
    if (mx.error) out.note = `could not resolve: ${mx.error}`;
    else if (mx.void) {
      out.void = true;
      out.voidNames = [target];
      w.voids++;
    } else if (mx.records.length > LOOKUP_LIMIT) {
      w.diagnostics.push({ rule: 'spf/mx-too-many-hosts', message: `${target} has ${mx.records.length} MX hosts; \`mx\` may look up at most ${LOOKUP_LIMIT} (RFC 7208 §4.6.4), so it is a permerror.`, path, term: t.text });
    } else {
      const hosts = mx.records.map(mxHost);
      out.note = `${hosts.length} MX host${hosts.length === 1 ? '' : 's'}: ${hosts.join(', ')}`;
      // A receiver then looks up each host's address; a host with none (neither A nor AAAA, so for
      // any client) is a void lookup (RFC 7208 §4.6.4), as pyspf and Mail::SPF count it.
      // AAAA only for a host without A: most have one, and are then asked one question.
      const addresses = yield* fork(hosts.map((h) => hostVoid(h)));
      const none = hosts.filter((_, i) => addresses[i]);
      if (none.length) {
        out.void = true;
        out.voidNames = none;
        w.voids += none.length;
        out.note += `; no address: ${none.join(', ')}`;
      }
    }
    return out;
  }
  const r = yield* isVoid(target, t.name === 'exists' ? ['A'] : ['A', 'AAAA']);
  if (r.error) out.note = `could not resolve: ${r.error}`;
  else if (r.void) {
    out.void = true;
    out.voidNames = [target];
    w.voids++;
  }
  return out;
}

/** The names of a tree's void lookups, in the order receivers evaluate it (depth first, terms as written). */
function voidNamesOf(node: TreeNode, out: string[] = []): string[] {
  for (const t of node.terms) {
    out.push(...(t.voidNames ?? []));
    if (t.child) voidNamesOf(t.child, out);
  }
  return out;
}

/**
 * What depends on the order receivers evaluate the tree in, worked out after the walk in that order
 * (depth first, terms as written) rather than in the order answers arrived: with live DNS each subtree
 * finishes at its own pace. The first include of a name is the one that counts and later ones are
 * duplicates; networks repeat in that order; the data sources and the names that could not be resolved
 * are listed in it; and the diagnostics found during the walk are put in it, so the same tree always
 * gives the same findings.
 */
function inEvaluationOrder(tree: TreeNode, d: string, w: Walk): void {
  const rank = new Map<string, number>();
  const seen = new Map<string, string[]>();
  const unresolved = new Map<string, string>();
  const visit = (node: TreeNode, path: string[], root: boolean): void => {
    const key = path.join(' ');
    if (!rank.has(key)) rank.set(key, rank.size);
    if (node.source) w.sources.add(node.source.replace(/ at \d{4}-.*$/, ''));
    const why = w.unresolved.get(node.domain);
    if (why !== undefined && node.error?.startsWith('could not resolve')) unresolved.set(node.domain, why);
    if (node.record)
      for (const n of netsOf(parseOf(node.record, root, w))) {
        if (w.nets.length >= MAX_NETS) break;
        w.nets.push({ ip: n.ip, len: n.len, text: n.text, domain: node.domain, path });
      }
    for (const t of node.terms) {
      if (!t.child) continue;
      const target = t.child.domain;
      const first = seen.get(target);
      // The same include twice in the record itself is spf/duplicate-mechanism's, on the second one.
      const repeatedHere = root && first?.length === 2;
      if (first && !repeatedHere) w.diagnostics.push({ rule: 'spf/duplicate-include', message: `${target} is included more than once in the tree (first via ${first.join(' → ')}); every copy costs lookups again.`, path, term: t.text });
      else seen.set(target, [...path, target]);
      visit(t.child, [...path, target], false);
    }
  };
  visit(tree, [d], true);
  w.unresolved = unresolved;
  // Stable: diagnostics about one record keep the order they were found in.
  const at = (x: TreeDiagnostic) => rank.get(x.path.join(' ')) ?? rank.size;
  w.diagnostics.sort((a, b) => at(a) - at(b));
}

/** Lookups in evaluation order, to find the term at which the limit is crossed. */
function* order(node: TreeNode, path: string[]): Generator<{ term: TreeTerm; path: string[] }> {
  for (const t of node.terms) {
    yield { term: t, path };
    if (t.child) yield* order(t.child, [...path, t.child.domain]);
  }
}

/**
 * The lookup tree of `domain`. `known` is the root's record already parsed by the caller (the record
 * the tree is shown for): used when the root's answer is that record, so it is not parsed again.
 */
export async function lookupTree(domain: string, resolver: Resolver, known?: Known): Promise<LookupTree> {
  const d = domain.toLowerCase().replace(/\.$/, '');
  const w: Walk = { diagnostics: [], voids: 0, unresolved: new Map(), sources: new Set(), nets: [], known, records: 1 };
  const tree = await drive(walkNode(d, [d], w, true), resolver);
  inEvaluationOrder(tree, d, w);
  duplicateNets(w);
  // The limit is checked right after each increment (RFC 7208 §4.6.4): the 11th lookup fails. order()
  // yields each counted term once, so there is an 11th only in a tree of more than 10 lookups.
  if (tree.lookups > LOOKUP_LIMIT) {
    let n = 0;
    for (const { term, path } of order(tree, [d])) {
      if (++n <= LOOKUP_LIMIT) continue;
      const heavy = [...tree.terms].sort((a, b) => b.cost - a.cost).slice(0, 3).map((t) => `${t.text} (${t.cost})`);
      w.diagnostics.unshift({
        rule: 'spf/too-many-lookups',
        message: `${d} needs ${w.cut ? 'more than ' : ''}${tree.lookups} DNS lookups${w.cut ? ` (the walk stopped at ${w.cut})` : ''}; receivers stop at ${LOOKUP_LIMIT} and return permerror at ${term.text}${path.length > 1 ? ` in ${path[path.length - 1]}` : ''} (RFC 7208 §4.6.4). Most costly: ${heavy.join(', ')}. Data: ${[...w.sources].join(', ')}.`,
        path,
        term: term.text,
      });
      break;
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
  if (w.voids > VOID_LIMIT) {
    const names = voidNamesOf(tree);
    w.diagnostics.push({ rule: 'spf/too-many-void-lookups', message: `${d}'s tree has ${w.voids} void lookups (${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}: no such name, or no record of the type asked); receivers return permerror after ${VOID_LIMIT} (RFC 7208 §4.6.4).`, path: [d] });
  }
  // The same name included twice in one record fails twice alike: said once (the repeat is spf/duplicate-mechanism's).
  const said = new Set<string>();
  w.diagnostics = w.diagnostics.filter((x) => {
    const key = `${x.rule}\0${x.path.join(' ')}\0${x.term ?? ''}\0${x.message}`;
    return !said.has(key) && !!said.add(key);
  });
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

/**
 * The tree as a plain-text page: the tree, the counts, and what is wrong with it, one line each (the
 * CLI's `spf` command, and the page the editor's code lens opens).
 */
export function treeLines(t: LookupTree, severity: (d: TreeDiagnostic) => string): string[] {
  return [...formatTree(t.tree), `${t.lookups}/${LOOKUP_LIMIT} DNS lookups, ${t.voidLookups} void lookup${t.voidLookups === 1 ? '' : 's'}`, ...t.diagnostics.map((d) => `${severity(d)} ${d.rule} ${d.message}`)];
}
