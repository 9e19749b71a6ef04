/**
 * Record sites in YAML infrastructure files, read with the `yaml` library (which keeps source ranges):
 * octoDNS zone configs (`name: {type: TXT, value|values}`, `;` escaped as `\;`) and CloudFormation /
 * SAM templates (`AWS::Route53::RecordSet` and `RecordSetGroup`, TXT values in their own `"…"`), and
 * Ansible playbooks with DNS module tasks (sources/ansible.ts) and Kubernetes manifests of ExternalDNS's
 * `DNSEndpoint` (sources/externaldns.ts).
 * JSON templates are YAML too, so the same reader serves them.
 */
import { markHoles, showNames, standInZone } from '../util/zonenames';
import { checkedAround, HOLE, startsAsRecord } from '../records/holes';
import { isUnder } from '../util/text';
import { markDynamic } from '../records/dynamic';
import { SourceMap } from '../sourcemap';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAlias, isMap, isNode, isScalar, isSeq, parseDocument, visit, type Document, type Node, type Scalar, type YAMLMap } from 'yaml';
import type { OffsetRange, RecordSite, ResourceRecord } from '../types';
import { charStrings, octodnsUnescape, type Decoded } from './layers';
import { decodeScalar, get, makeSite, scalarHost, str } from './yamlscalar';
import { leaveUnread, type SourceProblem, type ZoneFile } from './zonefile';
import { looksLikeAnsible, readAnsible } from './ansible';
import { looksLikeExternalDns, readExternalDns, withoutActionLines } from './externaldns';

const OCTODNS_TYPES = new Set(['A', 'AAAA', 'ALIAS', 'CAA', 'CNAME', 'DNAME', 'DS', 'LOC', 'MX', 'NAPTR', 'NS', 'PTR', 'SPF', 'SRV', 'SSHFP', 'TLSA', 'TXT', 'URLFWD', 'HTTPS', 'SVCB']);

function emptyFile(uri: string, text: string): ZoneFile {
  return { uri, origin: undefined, originExplicit: false, records: [], sites: [], problems: [], texts: new Map([[uri, text]]) };
}

function parse(text: string): Document | undefined {
  try {
    // CloudFormation short forms (!Ref, !Sub, …) are kept as tags on the nodes; unknown tags are not errors here.
    // prettyErrors off: the errors are not shown, and making each one's message scans its whole line (a line of
    // 40 000 stray quotes, one error each, took most of a second).
    return parseDocument(text, { keepSourceTokens: false, strict: false, uniqueKeys: false, logLevel: 'silent', prettyErrors: false });
  } catch {
    return undefined;
  }
}

export type YamlFormat = 'octodns' | 'cloudformation' | 'ansible' | 'externaldns';

/** Which YAML/JSON infrastructure format a document is, if any. */
export function detectYaml(text: string, doc?: Document): YamlFormat | undefined {
  if (/AWS::Route53::RecordSet/.test(text)) return 'cloudformation';
  if (looksLikeExternalDns(text)) return 'externaldns';
  const d = doc ?? parse(text);
  if (d && looksLikeAnsible(text, d)) return 'ansible';
  const root = d?.contents;
  if (!isMap(root) || root.items.length === 0) return undefined;
  const looksLikeRecord = (n: Node | undefined) => isMap(n) && OCTODNS_TYPES.has(String(str(get(n, 'type')) ?? '').toUpperCase()) && (get(n, 'value') !== undefined || get(n, 'values') !== undefined);
  const hits = root.items.filter((p) => looksLikeRecord(p.value as Node) || (isSeq(p.value) && p.value.items.some((x) => looksLikeRecord(x as Node))));
  return hits.length > 0 && hits.length >= root.items.length / 2 ? 'octodns' : undefined;
}

const ZONE_NAME = /^([a-z0-9_-]+\.)+[a-z0-9-]{2,63}$/i;

/** A path's last segment, decoded when the path is a URI (`%24example.com.yaml` is `$example.com.yaml`). */
function segment(p: string): string {
  const b = path.basename(p);
  if (!/^[a-z][a-z0-9+.-]*:/i.test(p) || !b.includes('%')) return b;
  try {
    return decodeURIComponent(b);
  } catch {
    return b;
  }
}

/**
 * The zone an octoDNS file describes, from where it is.
 * - One file per zone: its name (`example.com.yaml`, `example.com..yaml`).
 * - Split layout (YamlProvider with `split_extension`, the former SplitYamlProvider): a folder per
 *   zone named for it with the extension, `.` by default (`example.com./www.yaml`), holding one file
 *   per record name and the catch-all `$example.com.yaml` for the apex and `*`. The catch-all names
 *   the zone itself; a record file takes its folder's name, which wins over the file's own name
 *   (`example.com./mail.eu.yaml` is `mail.eu` in example.com). A folder named without the trailing
 *   dot (SplitYamlAltProvider) counts when the file's name is not a zone's.
 */
export function zoneFromYamlName(file: string): string | undefined {
  const stem = (p: string) => segment(p).replace(/\.(ya?ml|json)$/i, '');
  const base = stem(file);
  const asZone = (s: string) => (ZONE_NAME.test(s) ? s.toLowerCase() : undefined);
  if (base.startsWith('$')) return asZone(base.slice(1).replace(/\.$/, ''));
  const folder = segment(path.dirname(file));
  if (folder.endsWith('.') && asZone(folder.slice(0, -1))) return asZone(folder.slice(0, -1));
  return asZone(base.replace(/\.$/, '')) ?? asZone(folder);
}

export function readOctodns(text0: string, uri0: string, doc?: Document): ZoneFile {
  const out = emptyFile(uri0, text0);
  const d = doc ?? parse(text0);
  const root = d?.contents;
  if (!isMap(root)) return out;
  const zone = zoneFromYamlName(uri0);
  out.origin = zone;
  // `values: *spf` (a YAML alias of an anchor written elsewhere in the file): what the anchor holds, where it is written.
  const deref = <T>(n: T): T | Node | undefined => {
    if (!isAlias(n)) return n;
    try {
      return n.resolve(d!) as Node | undefined;
    } catch {
      return undefined;
    }
  };
  for (const pair0 of root.items) {
    const pair = { key: pair0.key, value: deref(pair0.value as Node) };
    const keyNode0 = pair.key as Node;
    const name = str(keyNode0) ?? '';
    const owner = name === '' ? zone : zone ? `${name.toLowerCase()}.${zone}` : name.toLowerCase() || undefined;
    // `name: !include file.yaml` (octoDNS's YAML loader): the records that file holds, read and checked there.
    // Also as an item of the list of records.
    const entries: { rec: unknown; text: string; uri: string; keyNode?: Node }[] = [];
    const inc = includedYaml(pair.value as Node, uri0, out);
    for (const item0 of inc ? [] : isSeq(pair.value) ? pair.value.items : [pair.value]) {
      const item = deref(item0 as Node);
      const one = includedYaml(item as Node, uri0, out);
      if (one) for (const r of one.recs) entries.push({ rec: r, text: one.text, uri: one.uri });
      else entries.push({ rec: item, text: text0, uri: uri0, keyNode: keyNode0 });
    }
    if (inc) for (const r of inc.recs) entries.push({ rec: r, text: inc.text, uri: inc.uri });
    for (const { rec, text, uri, keyNode } of entries) {
      if (!isMap(rec)) continue;
      const type = (str(get(rec, 'type')) ?? '').toUpperCase();
      const ttl = Number(str(get(rec, 'ttl')));
      // Aliases only in this file's text: an included file's are its own.
      const own = <T>(n: T) => (text === text0 ? deref(n) : n);
      const valueNode = own(get(rec, 'value'));
      const valuesNode = own(get(rec, 'values'));
      const values: Node[] = valueNode !== undefined ? [valueNode as Node] : isSeq(valuesNode) ? (valuesNode.items as Node[]).map((x) => own(x) as Node) : [];
      const recRange = rec.range ? { start: rec.range[0], end: rec.range[1] } : { start: 0, end: 0 };
      if (type !== 'TXT' && type !== 'SPF') {
        // One resource record per value, as DNS serves them; an MX value's fields in zone-file order.
        for (const v of values.length ? values : [undefined]) {
          let rdata: string[] = [];
          let target: Node | undefined = v;
          if (v !== undefined && isMap(v)) {
            const exchange = str(get(v, 'exchange'));
            target = (get(v, 'exchange') ?? get(v, 'value')) as Node | undefined;
            if (type === 'MX' && exchange !== undefined) rdata = [str(get(v, 'preference')) ?? str(get(v, 'priority')) ?? '10', exchange];
            else if (type === 'SRV' && get(v, 'target') !== undefined) {
              // octoDNS SRV values: {priority, weight, port, target}, in zone-file order.
              target = get(v, 'target') as Node;
              rdata = [str(get(v, 'priority')) ?? '0', str(get(v, 'weight')) ?? '0', str(get(v, 'port')) ?? '0', str(target) ?? ''];
            } else rdata = [String(exchange ?? str(get(v, 'value')) ?? '')];
          } else if (v !== undefined) rdata = [str(v) ?? ''];
          // Several values: each record is its value; one: the record is the whole entry, as before.
          const range = values.length > 1 && v?.range ? { start: v.range[0], end: v.range[1] } : recRange;
          // Where the name (the key, in this file) and a CNAME's or MX's target are written, for navigation.
          const ownerRange = keyNode?.range ? { ownerRange: { start: keyNode.range[0], end: keyNode.range[1] } } : {};
          const dataRange = (type === 'CNAME' || type === 'MX' || type === 'NS' || type === 'SRV') && target?.range && isScalar(target) ? { dataRange: { start: target.range[0], end: target.range[1] } } : {};
          out.records.push({ owner, type, ttl: Number.isFinite(ttl) ? ttl : undefined, rdata, uri, range, ...ownerRange, ...dataRange });
        }
        continue;
      }
      for (const v of values) {
        if (!isScalar(v) || typeof v.value !== 'string') {
          if (v) out.problems.push({ code: 'source/not-static', message: 'This TXT value is not a plain string, so DMARC Lens cannot check it.', uri, range: v.range ? { start: v.range[0], end: v.range[1] } : recRange });
          continue;
        }
        const y = decodeScalar(text, v);
        if (!y) continue;
        const { decoded, unescaped } = octodnsUnescape(y);
        decoded.coarse = y.coarse;
        const site = makeSite(uri, owner, type, decoded, undefined, { host: scalarHost(v), semicolons: true }, v, keyNode, text);
        for (const at of unescaped) {
          const doc0 = y.map.toDocStart(at);
          out.problems.push({
            code: 'octodns/unescaped-semicolon',
            message: 'octoDNS needs `;` in TXT values written as `\\;`; unescaped, it refuses the record (or splits it).',
            uri,
            range: { start: doc0, end: doc0 + 1 },
            fixes: y.coarse ? undefined : [{ title: 'Escape as \\;', edits: [{ range: { start: doc0, end: doc0 }, newText: v.type === 'QUOTE_DOUBLE' ? '\\\\' : '\\' }] }],
          });
        }
        out.sites.push(site);
        out.records.push({ owner, type, ttl: Number.isFinite(ttl) ? ttl : undefined, rdata: [decoded.value], uri, range: site.range, site });
      }
    }
  }
  // The zone the file is (ResourceRecord.zone): its delegations are read within it (zone/occluded-record).
  if (zone !== undefined) for (const r of out.records) r.zone = zone;
  return out;
}

/**
 * `!include other.yaml` (octoDNS's loader puts that file's content in its place): the record or list
 * of records it holds, with its text and path, which the reading then holds too. Undefined for anything else.
 */
function includedYaml(node: Node | undefined, uri: string, out: ZoneFile): { recs: unknown[]; text: string; uri: string } | undefined {
  if (!isScalar(node) || node.tag !== '!include' || typeof node.value !== 'string') return undefined;
  let file: string;
  try {
    // Relative to the including file, written as its path is (the CLI prints paths as given).
    file = path.join(path.dirname(uri.startsWith('file:') ? fileURLToPath(uri) : uri), node.value);
    const st = fs.statSync(file);
    if (!st.isFile() || st.size > 5 * 1024 * 1024) return undefined;
  } catch {
    return undefined;
  }
  const text = out.texts.get(file) ?? fs.readFileSync(file, 'utf8');
  const root = parse(text)?.contents;
  if (!isMap(root) && !isSeq(root)) return undefined;
  out.texts.set(file, text);
  return { recs: isSeq(root) ? root.items : [root], text, uri: file };
}

/** `!GetAtt R.Attr`, `!GetAtt [R, Attr]` or `Fn::GetAtt: [R, Attr]`: the resource and the attribute. */
function getAtt(node: Node | undefined): { resource: string; attribute: string } | undefined {
  if (isScalar(node) && node.tag === '!GetAtt' && typeof node.value === 'string') {
    const dot = node.value.indexOf('.');
    return dot > 0 ? { resource: node.value.slice(0, dot), attribute: node.value.slice(dot + 1) } : undefined;
  }
  const seq = isSeq(node) && node.tag === '!GetAtt' ? node : isMap(node) && node.items.length === 1 ? get(node, 'Fn::GetAtt') : undefined;
  if (!isSeq(seq) || seq.items.length !== 2) return undefined;
  const [r, a] = (seq.items as Node[]).map(str);
  return r && a ? { resource: r, attribute: a } : undefined;
}

function cfnName(node: Node | undefined): { owner?: string; dynamic: boolean } {
  if (!node) return { dynamic: false };
  if (isScalar(node) && !node.tag && typeof node.value === 'string') return { owner: node.value.toLowerCase().replace(/\.$/, ''), dynamic: false };
  if (isScalar(node) && node.tag === '!Sub' && typeof node.value === 'string' && !node.value.includes('${')) return { owner: node.value.toLowerCase().replace(/\.$/, ''), dynamic: false };
  return { dynamic: true };
}

/** A CloudFormation value built from parts: its text and, per character, the document range it came from. */
interface Built {
  value: string;
  /** Per output character: document start and end. */
  spans: [number, number][];
  /** A parameter default or a join put text in: fixes would have to edit more than one place. */
  composite: boolean;
  /** The first part not known statically, where the value holds a HOLE for it (records/holes). */
  holed?: string;
}

/** A part not known statically, as a hole (records/holes) over the document range that writes it. */
const hole = (why: string, span: [number, number]): Built => ({ value: HOLE, spans: [span], composite: true, holed: why });

const PSEUDO = /^AWS::/;

/**
 * Evaluates a CloudFormation value where it is still literal: plain scalars, `!Sub`/`Fn::Sub` with
 * `${Param}` from the template's parameter defaults (and `${!Literal}`), `!Join`/`Fn::Join` of such
 * parts, `!Ref Param` with a default. Anything else gives why it cannot be known.
 */
function cfnEval(text: string, node: Node | undefined, params: Map<string, { value: string; node: Node }>, depth = 0, standIns?: ReadonlyMap<string, string>): Built | { dynamic: string } {
  const b = cfnBuild(text, node, params, depth, standIns);
  return 'dynamic' in b || b.holed === undefined ? b : { dynamic: b.holed };
}

/** As cfnEval, but a part not known statically inside a `!Sub` or a join is a hole (records/holes): a record value is checked around it. */
function cfnBuild(text: string, node: Node | undefined, params: Map<string, { value: string; node: Node }>, depth = 0, standIns?: ReadonlyMap<string, string>): Built | { dynamic: string } {
  if (!node || depth > 8) return { dynamic: 'an expression' };
  const fromScalar = (n: Scalar): Built | undefined => {
    const y = decodeScalar(text, n);
    if (!y) return undefined;
    const spans: [number, number][] = [];
    for (let i = 0; i < y.value.length; i++) spans.push([y.map.toDocStart(i), y.map.toDocEnd(i + 1)]);
    return { value: y.value, spans, composite: !!y.coarse };
  };
  const sub = (n: Node, vars: Map<string, Built>): Built | { dynamic: string } => {
    if (!isScalar(n) || typeof n.value !== 'string') return { dynamic: 'Fn::Sub of an expression' };
    const base = fromScalar(n);
    if (!base) return { dynamic: 'Fn::Sub' };
    const out: Built = { value: '', spans: [], composite: base.composite };
    const v = base.value;
    for (let i = 0; i < v.length; i++) {
      if (v[i] === '$' && v[i + 1] === '{') {
        const close = v.indexOf('}', i);
        if (close < 0) return { dynamic: 'an unterminated ${…}' };
        const name = v.slice(i + 2, close);
        const span: [number, number] = [base.spans[i][0], base.spans[close][1]];
        let piece: string | undefined;
        if (name.startsWith('!')) piece = `\${${name.slice(1)}}`;
        else if (vars.has(name)) piece = vars.get(name)!.value;
        else if (params.has(name)) piece = params.get(name)!.value;
        else if (standIns?.has(name)) piece = standIns.get(name)!;
        if (piece === undefined) {
          piece = HOLE;
          out.holed ??= PSEUDO.test(name) ? `\${${name}} (known only at deploy time)` : testedBy.get(params)?.has(name) ? `\${${name}} (a parameter the condition tests)` : `\${${name}} (a parameter without a default, or a resource attribute)`;
        } else out.holed ??= vars.get(name)?.holed;
        for (let k = 0; k < piece.length; k++) out.spans.push(span);
        out.value += piece;
        out.composite = true;
        i = close;
        continue;
      }
      out.value += v[i];
      out.spans.push(base.spans[i]);
    }
    return out;
  };
  if (isScalar(node)) {
    if (!node.tag) {
      if (typeof node.value !== 'string') return { dynamic: 'a value that is not a string' };
      return fromScalar(node) ?? { dynamic: 'a scalar' };
    }
    if (node.tag === '!Sub') return sub(node, new Map());
    if (node.tag === '!Ref' && typeof node.value === 'string') {
      const p = params.get(node.value);
      const standIn = p ? undefined : standIns?.get(node.value);
      if (standIn !== undefined) return { value: standIn, spans: Array.from(standIn, () => [node.range?.[0] ?? 0, node.range?.[1] ?? 0] as [number, number]), composite: true };
      return p ? { ...(cfnBuild(text, p.node, params, depth + 1, standIns) as Built), composite: true } : { dynamic: `!Ref ${node.value}` };
    }
    return { dynamic: node.tag };
  }
  const join = (args: Node | undefined): Built | { dynamic: string } => {
    if (!isSeq(args) || args.items.length !== 2) return { dynamic: 'Fn::Join with unexpected arguments' };
    const [delimNode, listNode] = args.items as Node[];
    const delim = cfnBuild(text, delimNode, params, depth + 1, standIns);
    if ('dynamic' in delim) return delim;
    if (!isSeq(listNode)) return { dynamic: 'Fn::Join of a computed list' };
    const out: Built = { value: '', spans: [], composite: true };
    (listNode.items as Node[]).forEach((item, k) => {
      if ('dynamic' in out) return;
      if (k > 0) {
        out.value += delim.value;
        out.spans.push(...delim.spans);
      }
      const evaluated = cfnBuild(text, item, params, depth + 1, standIns);
      const part = 'dynamic' in evaluated ? hole(evaluated.dynamic, [item?.range?.[0] ?? 0, item?.range?.[1] ?? 0]) : evaluated;
      out.value += part.value;
      out.spans.push(...part.spans);
      out.holed ??= part.holed;
    });
    return 'dynamic' in out ? { dynamic: (out as unknown as { dynamic: string }).dynamic } : out;
  };
  if (isSeq(node) && node.tag === '!Join') return join(node);
  if (isSeq(node) && node.tag === '!Sub') {
    const [tpl, varsNode] = node.items as Node[];
    const vars = new Map<string, Built>();
    if (isMap(varsNode))
      for (const pair of varsNode.items) {
        const r = cfnBuild(text, pair.value as Node, params, depth + 1, standIns);
        const at = (pair.value as Node | null)?.range;
        vars.set(String((pair.key as Scalar)?.value ?? pair.key), 'dynamic' in r ? hole(r.dynamic, [at?.[0] ?? 0, at?.[1] ?? 0]) : r);
      }
    return sub(tpl, vars);
  }
  if (isMap(node) && node.items.length === 1) {
    const key = String((node.items[0].key as Scalar)?.value ?? node.items[0].key);
    const arg = node.items[0].value as Node;
    if (key === 'Fn::Join') return join(arg);
    if (key === 'Fn::Sub') return cfnBuild(text, isSeq(arg) ? Object.assign(arg, { tag: '!Sub' }) : Object.assign(arg as Scalar, { tag: '!Sub' }), params, depth + 1, standIns);
    if (key === 'Ref' && isScalar(arg)) return cfnBuild(text, Object.assign(arg, { tag: '!Ref' }), params, depth + 1, standIns);
    return { dynamic: key };
  }
  return { dynamic: 'an expression' };
}

/** Parameter defaults without those a condition tests (`Fn::If`): the values it chooses are read without them. */
const testedBy = new WeakMap<Map<string, { value: string; node: Node }>, ReadonlySet<string>>();
function untested(params: Map<string, { value: string; node: Node }>, tested: ReadonlySet<string>): Map<string, { value: string; node: Node }> {
  const out = new Map([...params].filter(([k]) => !tested.has(k)));
  testedBy.set(out, tested);
  return out;
}

function builtToDecoded(b: Built): Decoded {
  const map = new SourceMap();
  for (const [s, e] of b.spans) {
    if (e - s === 1 && !b.composite) map.addLiteral(s, 1);
    else map.addEscape(s, Math.max(1, e - s));
  }
  return { value: b.value, map };
}

export function readCloudFormation(text: string, uri: string, doc?: Document): ZoneFile {
  const out = emptyFile(uri, text);
  const d = doc ?? parse(text);
  const root = d?.contents;
  if (!isMap(root)) return out;
  // A template has `Resources:`; a snippet (as in the AWS docs) is just the resources map.
  const resources = get(root, 'Resources') ?? root;
  if (!isMap(resources)) return out;
  // Parameter defaults: what `${Param}` and `!Ref Param` stand for when the template is deployed as is.
  const params = new Map<string, { value: string; node: Node }>();
  const standIns = new Map<string, string>();
  const paramsNode = get(root, 'Parameters');
  if (isMap(paramsNode))
    for (const pair of paramsNode.items) {
      const def = isMap(pair.value) ? get(pair.value as YAMLMap, 'Default') : undefined;
      if (isScalar(def) && typeof def.value === 'string' && !def.tag) params.set(String((pair.key as Scalar)?.value ?? pair.key), { value: def.value, node: def });
      // A String parameter without a default that a record name ends with is the domain of the
      // template's records (`!Sub '_dmarc.${DomainName}.'`): a stand-in for it (util/zonenames).
      else if (!def && isMap(pair.value) && str(get(pair.value as YAMLMap, 'Type')) === 'String') {
        const name = String((pair.key as Scalar)?.value ?? pair.key);
        standIns.set(name, standInZone(uri, name));
      }
    }
  /** The first record name that ends with each parameter's stand-in: where the template is told it is one. */
  const standInAt = new Map<string, Node>();
  // SES identities of literal domains: their Easy DKIM records are named and valued by `!GetAtt`.
  const sesDomains = new Map<string, string>();
  for (const pair of resources.items) {
    const res = pair.value;
    if (!isMap(res) || str(get(res, 'Type')) !== 'AWS::SES::EmailIdentity') continue;
    const props = get(res, 'Properties');
    const domain = isMap(props) ? get(props, 'EmailIdentity') : undefined;
    if (isScalar(domain) && !domain.tag && typeof domain.value === 'string' && !domain.value.includes('@') && domain.value.includes('.')) sesDomains.set(String((pair.key as Scalar)?.value ?? pair.key), domain.value.toLowerCase().replace(/\.$/, ''));
  }
  /** The parameters a condition of the template tests (`!Equals [!Ref ReportEmail, '']`), through the conditions it names. */
  const conditions = get(root, 'Conditions');
  const conditionParams = (name: Node, seen = new Set<string>()): Set<string> => {
    const out = new Set<string>();
    const key = isScalar(name) ? String(name.value) : undefined;
    if (key === undefined || seen.has(key) || !isMap(conditions)) return out;
    seen.add(key);
    const walk = (n: unknown): void => {
      if (isScalar(n)) {
        if (n.tag === '!Ref' && typeof n.value === 'string') out.add(n.value);
        if (n.tag === '!Condition') for (const p of conditionParams(n, seen)) out.add(p);
      } else if (isMap(n)) {
        for (const pair of n.items) {
          const k = String((pair.key as Scalar)?.value ?? pair.key);
          if (k === 'Ref' && isScalar(pair.value)) out.add(String(pair.value.value));
          else if (k === 'Condition' && isScalar(pair.value)) for (const p of conditionParams(pair.value as Node, seen)) out.add(p);
          else walk(pair.value);
        }
      } else if (isSeq(n)) n.items.forEach(walk);
    };
    walk(get(conditions, key));
    return out;
  };
  /**
   * Reads records with the zone `HostedZoneName` names (on the record set, or its group) as theirs
   * (ResourceRecord.zone), and the record set of the resource (`resource`, its logical id) as the one
   * they are in (ResourceRecord.recordSet).
   */
  const inZone = (props: YAMLMap, group: YAMLMap | undefined, read: () => void, resource: string, at: number) => {
    const mark = out.records.length;
    read();
    const name = str(get(props, 'HostedZoneName')) ?? (group && str(get(group, 'HostedZoneName')));
    const zone = name?.trim().toLowerCase().replace(/\.$/, '');
    if (zone && zone.includes('.')) for (let k = mark; k < out.records.length; k++) out.records[k].zone = zone;
    // The record set it writes whole (records/recordset): the zone as written, by id or by name.
    const written = (n: unknown) => (isNode(n) && n.range ? text.slice(n.range[0], n.range[1]).trim() : undefined);
    const zoneRef = written(get(props, 'HostedZoneId')) ?? written(get(props, 'HostedZoneName')) ?? (group && (written(get(group, 'HostedZoneId')) ?? written(get(group, 'HostedZoneName'))));
    if (zoneRef === undefined) return;
    const routing = written(get(props, 'SetIdentifier'));
    const set = { resource, at, module: uri, tool: 'cloudformation' as const, zoneRef, ...(routing !== undefined ? { routing } : {}) };
    for (let k = mark; k < out.records.length; k++) out.records[k].recordSet = set;
  };
  const recordSet = (props: YAMLMap) => {
    const nameNode = get(props, 'Name');
    let { owner, dynamic } = cfnName(nameNode);
    /** The owner is under the stand-in of a parameter without a default. */
    let relative = false;
    // `!GetAtt Identity.DkimDNSTokenName1` of an AWS::SES::EmailIdentity: `<token>._domainkey.<its domain>`,
    // with the value `!GetAtt Identity.DkimDNSTokenValue1`, `<token>.dkim.amazonses.com` (Easy DKIM).
    const ses = getAtt(nameNode);
    const sesDomain = ses && /^DkimDNSTokenName[1-3]$/.test(ses.attribute) ? sesDomains.get(ses.resource) : undefined;
    if (dynamic) {
      // `!Sub '${Domain}.'`, `!Join ['', ['_dmarc.', !Ref Domain]]`: names built from parameter defaults.
      const b = cfnEval(text, nameNode, params);
      if (!('dynamic' in b) && b.value.trim() !== '') ({ owner, dynamic } = { owner: b.value.trim().toLowerCase().replace(/\.$/, ''), dynamic: false });
      else if (standIns.size) {
        // Built from a parameter without a default, at its end: relative to that domain.
        const r = cfnEval(text, nameNode, params, 0, standIns);
        const name = 'dynamic' in r ? undefined : r.value.trim().toLowerCase().replace(/\.$/, '');
        const param = name === undefined ? undefined : [...standIns].find(([, z]) => isUnder(name, z));
        if (param && !name!.slice(0, -param[1].length).includes('.invalid')) {
          ({ owner, dynamic } = { owner: name, dynamic: false });
          relative = true;
          if (!standInAt.has(param[0]) && nameNode) standInAt.set(param[0], nameNode);
        }
      }
    }
    const rel = relative ? { relative: true as const } : undefined;
    const type = (str(get(props, 'Type')) ?? '').toUpperCase();
    const rrs = get(props, 'ResourceRecords');
    const range = props.range ? { start: props.range[0], end: props.range[1] } : { start: 0, end: 0 };
    if (dynamic && nameNode?.range && (type === 'TXT' || type === 'SPF'))
      out.problems.push({ code: 'source/not-static', message: 'The record name is computed from what only a deployment knows (a parameter without a default, a resource attribute), so checks that depend on the owner name are skipped.', uri, range: { start: nameNode.range[0], end: nameNode.range[1] } });
    if (type !== 'TXT' && type !== 'SPF') {
      // One resource record per entry of ResourceRecords (each in zone-file form, `10 mx.example.com.`).
      const items = isSeq(rrs) ? (rrs.items as Node[]) : [];
      const suffix = sesDomain !== undefined && owner === undefined ? { ownerSuffix: `_domainkey.${sesDomain}` } : undefined;
      const valueOf = (x: Node) => {
        const v = getAtt(x);
        return suffix && v?.resource === ses!.resource && /^DkimDNSTokenValue[1-3]$/.test(v.attribute) ? `<token of ${v.resource}>.dkim.amazonses.com` : (str(x) ?? '');
      };
      // Where the name (a plain string) and a CNAME's, MX's or NS's target are written, for navigation.
      const ownerRange = !dynamic && isScalar(nameNode) && !nameNode.tag && nameNode.range ? { ownerRange: { start: nameNode.range[0], end: nameNode.range[1] } } : undefined;
      const dataRange = (x: Node) => ((type === 'CNAME' || type === 'MX' || type === 'NS' || type === 'SRV') && isScalar(x) && !x.tag && x.range ? { dataRange: { start: x.range[0], end: x.range[1] } } : undefined);
      if (items.length === 0) out.records.push({ owner, type, ttl: undefined, rdata: [], uri, range, ...suffix, ...rel, ...ownerRange });
      for (const x of items) out.records.push({ owner, type, ttl: undefined, rdata: [valueOf(x)], uri, range: items.length > 1 && x.range ? { start: x.range[0], end: x.range[1] } : range, ...suffix, ...rel, ...ownerRange, ...dataRange(x) });
      return;
    }
    /** The parameters the conditions test: not read from their defaults in the values they choose. */
    const tested = new Set<string>();
    // `!If [Cond, A, B]` (`Fn::If`), for the whole list or one value: a condition a deployment decides
    // (its parameters may be given any value). Each value it may choose is checked on its own, as in
    // Terraform (RecordSite.alternative); the record counts once, its value not known.
    const ifArgs = (n: Node | null | undefined): Node[] | undefined => {
      const args = isSeq(n) && n.tag === '!If' ? n : isMap(n) && n.items.length === 1 && String((n.items[0].key as Scalar)?.value) === 'Fn::If' ? (n.items[0].value as Node) : undefined;
      if (!isSeq(args) || args.items.length !== 3) return undefined;
      for (const p of conditionParams(args.items[0] as Node)) tested.add(p);
      return args.items.slice(1) as Node[];
    };
    const noValue = (n: Node) => (isScalar(n) && n.tag === '!Ref' && n.value === 'AWS::NoValue') || (isMap(n) && n.items.length === 1 && String((n.items[0].key as Scalar)?.value) === 'Ref' && (n.items[0].value as Scalar)?.value === 'AWS::NoValue');
    const chosen = (n: Node | null | undefined, list: boolean): Node[] => {
      const branches = ifArgs(n);
      if (!branches) return n ? (list ? (isSeq(n) ? (n.items as Node[]) : []) : [n]) : [];
      return branches.filter((b) => !noValue(b)).flatMap((b) => chosen(b, list));
    };
    const whole = ifArgs(rrs);
    type Item = { item: Node; alternative: boolean; at?: Node };
    const items: Item[] = whole ? chosen(rrs, true).map((item) => ({ item, alternative: true, at: rrs as Node })) : isSeq(rrs) ? (rrs.items as Node[]).flatMap((x): Item[] => (ifArgs(x) ? chosen(x, false).map((item) => ({ item, alternative: true, at: x })) : [{ item: x, alternative: false }])) : [];
    const dynamicAt = new Set<Node>();
    for (const { item, alternative, at } of items) {
      if (alternative && at && !dynamicAt.has(at)) {
        dynamicAt.add(at);
        const r = at.range ? { start: at.range[0], end: at.range[1] } : range;
        out.problems.push({ code: 'source/not-static', message: 'This TXT value is chosen by a condition a deployment decides (Fn::If): each value it may take is checked on its own.', uri, range: r });
        out.records.push(markDynamic({ owner, type, ttl: undefined, rdata: [], uri, range: r, ...rel }));
      }
      const simple = isScalar(item) && typeof item.value === 'string' && (!item.tag || (item.tag === '!Sub' && !item.value.includes('${')));
      if (!simple) {
        // Joins and substitutions of literal parts and parameter defaults are checked; findings land on the parts.
        const b = cfnBuild(text, item, alternative && tested.size ? untested(params, tested) : params, 0, standIns);
        const itemRange = item?.range ? { start: item.range[0], end: item.range[1] } : range;
        // Parts not known statically: the rest is checked when what is written before them says what record this is.
        const partly = 'dynamic' in b ? undefined : b.holed;
        if ('dynamic' in b || (partly !== undefined && !startsAsRecord(b.value.slice(0, b.value.indexOf(HOLE))))) {
          out.problems.push({ code: 'source/not-static', message: `This TXT value is computed (${'dynamic' in b ? b.dynamic : partly}), so DMARC Lens cannot check it.`, uri, range: itemRange });
          continue;
        }
        if (partly !== undefined) out.problems.push({ code: 'source/not-static', message: checkedAround(partly), uri, range: itemRange });
        const cs = charStrings(builtToDecoded(b));
        const r = item.range ? { start: item.range[0], end: item.range[1] } : range;
        const site: RecordSite = {
          owner,
          type: type as 'TXT' | 'SPF',
          value: cs.decoded.value,
          strings: cs.strings,
          map: cs.decoded.map,
          syntax: { host: 'yaml-double', charStrings: true },
          uri,
          range: r,
          ownerRange: nameNode?.range ? { start: nameNode.range[0], end: nameNode.range[1] } : { ...r },
          // Built from several places: findings land on them, but a fix would have to edit more than one.
          coarse: true,
          ...rel,
        };
        markHoles(site);
        if (alternative) site.alternative = true;
        out.sites.push(site);
        if (!alternative) out.records.push({ owner, type, ttl: undefined, rdata: [cs.decoded.value], uri, range: site.range, site, ...rel });
        continue;
      }
      const y = decodeScalar(text, item);
      if (!y) continue;
      const cs = charStrings(y);
      cs.decoded.coarse = y.coarse;
      const site = makeSite(uri, owner, type, cs.decoded, cs.strings, { host: scalarHost(item), charStrings: true }, item, nameNode, text);
      if (relative) site.relative = true;
      if (alternative) site.alternative = true;
      for (const p of cs.problems) out.problems.push({ code: 'zone/string-too-long', message: p.message, uri, range: { start: y.map.toDocStart(p.from), end: y.map.toDocEnd(p.to) } });
      out.sites.push(site);
      if (!alternative) out.records.push({ owner, type, ttl: undefined, rdata: [cs.decoded.value], uri, range: site.range, site, ...rel });
    }
  };
  for (const pair of resources.items) {
    const res = pair.value;
    if (!isMap(res)) continue;
    const type = str(get(res, 'Type'));
    const props = get(res, 'Properties');
    if (!isMap(props)) continue;
    const id = String((pair.key as Scalar)?.value ?? pair.key);
    const at = props.range?.[0] ?? 0;
    if (type === 'AWS::Route53::RecordSet') inZone(props, undefined, () => recordSet(props), id, at);
    else if (type === 'AWS::Route53::RecordSetGroup') {
      const sets = get(props, 'RecordSets');
      if (isSeq(sets)) sets.items.forEach((s, i) => isMap(s) && inZone(s, props, () => recordSet(s), `${id}.RecordSets[${i}]`, s.range?.[0] ?? at));
    }
  }
  // Once per parameter that record names end with, when an SPF, DMARC or DKIM record is among them.
  for (const [param, node] of standInAt) {
    const zone = standIns.get(param)!;
    if (!node.range || !out.sites.some((x) => x.owner !== undefined && isUnder(x.owner, zone))) continue;
    out.problems.push({ code: 'source/not-static', message: `The domain of these records is the parameter ${param}, which has no default, so their names are checked relative to it (shown as ${showNames(zone)}); checks that need the domain itself (its Organizational Domain, where reports may go) are skipped.`, uri, range: { start: node.range[0], end: node.range[1] } });
  }
  return out;
}

/** Reads a YAML/JSON file as whichever infrastructure format it is; undefined when it is neither. */
export function readYamlSource(text: string, uri: string, forced?: YamlFormat, openText?: (file: string) => string | undefined): ZoneFile | undefined {
  const doc = parse(text);
  const format = forced ?? detectYaml(text, doc);
  let out: ZoneFile | undefined;
  if (format === 'octodns') out = { ...readOctodns(text, uri, doc), format };
  else if (format === 'cloudformation') out = { ...readCloudFormation(text, uri, doc), format };
  else if (format === 'ansible') out = doc ? { ...readAnsible(text, uri, doc, openText), format } : undefined;
  else if (format === 'externaldns') out = { ...readExternalDns(text, uri), format };
  // A Helm template's action lines (`{{- if … }}`) are not YAML: its errors are those of what is left.
  const masked = format === 'externaldns' ? withoutActionLines(text) : text;
  const checked = masked !== text ? parse(masked) : doc;
  if (out && checked?.errors.length) withSyntaxErrors(out, checked, text, uri, format === 'externaldns');
  return out;
}

/** Errors of a YAML file said at most: the first shows where it goes wrong, the rest often follow from it. */
const MAX_YAML_ERRORS = 5;

/**
 * The file's YAML errors as `source/syntax-error` problems, each where it is and in the words of what
 * went wrong; the records and notes the errors run through are not checked (a string never closed
 * holds the rest of the file).
 */
function withSyntaxErrors(out: ZoneFile, doc: Document, text: string, uri: string, template = false): void {
  const spans: OffsetRange[] = [];
  /** Lines YAML reads only once a template is rendered (noted after the unread records are left out). */
  const templated: SourceProblem[] = [];
  /** The text of strings never closed. */
  const swallowed: OffsetRange[] = [];
  const scalars: { node: Scalar; range: OffsetRange }[] = [];
  const maps: OffsetRange[] = [];
  visit(doc, {
    Scalar(_, n) {
      if (n.range) scalars.push({ node: n, range: { start: n.range[0], end: n.range[1] } });
    },
    Map(_, n) {
      if (n.range) maps.push({ start: n.range[0], end: n.range[1] });
    },
  });
  const innermost = (pos: number, quoted = false) =>
    scalars.filter((x) => x.range.start <= pos && pos <= x.range.end && (!quoted || x.node.type === 'QUOTE_DOUBLE' || x.node.type === 'QUOTE_SINGLE')).sort((a, b) => b.range.start - a.range.start)[0];
  const unclosed = (e: (typeof doc.errors)[number]) => e.code === 'MISSING_CHAR' && /closing .*quote/i.test(e.message);
  // A string never closed first: the errors inside it follow from it, and are not said.
  const errors = [...doc.errors.filter(unclosed), ...doc.errors.filter((e) => !unclosed(e))];
  let said = 0;
  for (const e of errors) {
    const pos = e.pos[0];
    if (swallowed.some((x) => x.start < pos && pos < x.end) || said >= MAX_YAML_ERRORS) continue;
    let range: OffsetRange = { start: pos, end: Math.max(pos + 1, e.pos[1]) };
    let span: OffsetRange = innermost(pos)?.range ?? range;
    let message = `The ${/\.json$/i.test(uri) ? 'JSON' : 'YAML'} does not parse here: ${e.message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '').replace(/\.$/, '')}.`;
    let fixes: SourceProblem['fixes'];
    // A Kubernetes manifest from a Helm chart is a template: `name: {{ .Release.Name }}-mail` and
    // `{{- if … }}` lines are YAML only once rendered. Said as such, not as an error of the file.
    const lineStart = text.lastIndexOf('\n', pos - 1) + 1;
    const lineEnd = text.indexOf('\n', pos) < 0 ? text.length : text.indexOf('\n', pos);
    if (template && /\{\{|\{%/.test(text.slice(lineStart, lineEnd))) {
      spans.push(span);
      said++;
      templated.push({
        code: 'source/not-static',
        message: 'This line holds a template expression (`{{ … }}`, as Helm writes) where YAML does not take one unquoted: the manifest is YAML only once rendered, so what the line writes is not read here. Check the rendered output (`helm template …`) to check it whole.',
        uri,
        range: { start: lineStart + (text.slice(lineStart, lineEnd).length - text.slice(lineStart, lineEnd).trimStart().length), end: lineEnd },
      });
      continue;
    }
    if (unclosed(e)) {
      const open = innermost(pos, true);
      if (open && open.range.start < pos) {
        range = { start: open.range.start, end: open.range.start + 1 };
        span = { start: open.range.start, end: pos };
        swallowed.push(span);
        message = `This quoted string is never closed: YAML reads the rest of the file (${text.slice(open.range.start, pos).replace(/\n$/, '').split('\n').length} lines) as its text, and the tools that deploy the file refuse it. Close it with \`${text[open.range.start]}\`.`;
      }
    } else if (e.code === 'BLOCK_AS_IMPLICIT_KEY') {
      // `value: v=spf1 ip4: 192.0.2.1 -all`: a `: ` inside a plain value makes a mapping of it.
      const map = maps.find((x) => x.start === pos);
      const line = text.slice(pos, text.indexOf('\n', pos) < 0 ? text.length : text.indexOf('\n', pos)).replace(/\s+(#.*)?$/, '');
      const colon = line.search(/: /);
      if (map && colon > 0) {
        const end = pos + line.length;
        range = { start: pos, end };
        span = map;
        message = `YAML reads this value as a mapping (\`${line.slice(0, colon)}\` → \`${line.slice(colon + 2)}\`), not as text: an unquoted value cannot hold \`: \`, and the tools that deploy the file refuse it. Quote the value.`;
        if (!line.includes("'")) fixes = [{ title: 'Quote the value', edits: [{ range: { start: pos, end: pos }, newText: "'" }, { range: { start: end, end }, newText: "'" }] }];
      }
    } else if (e.code === 'BAD_DQ_ESCAPE' && text[pos] === '\\') {
      // `"v=DMARC1\; p=none"`: octoDNS's `\;` written inside double quotes, where YAML knows no such escape.
      const c = text[pos + 1] ?? '';
      range = { start: pos, end: pos + 2 };
      message = `\`\\${c}\` is not an escape of a double-quoted YAML string, and the tools that deploy the file refuse it (PyYAML, which octoDNS reads with, does).${c === ';' ? ' Inside double quotes, octoDNS\'s `\\;` is written `\\\\;`; or write the value without quotes, or in single quotes, with `\\;`.' : ''}`;
      if (c === ';') fixes = [{ title: 'Write `\\\\;`', edits: [{ range: { start: pos, end: pos }, newText: '\\' }] }];
    }
    spans.push(span);
    said++;
    // An error at the end of the file (a string or a list never closed) is said on its last character.
    const end = Math.min(range.end, text.length);
    range = { start: Math.max(0, Math.min(range.start, end === text.length && end > 0 ? end - 1 : end)), end };
    out.problems.push({ code: 'source/syntax-error', message, uri, range, fixes });
  }
  leaveUnread(out, uri, spans);
  out.problems.push(...templated);
}

export type { SourceProblem, ResourceRecord };
