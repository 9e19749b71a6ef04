/**
 * Record sites in Ansible playbooks and task files: the tasks of the DNS modules, whose arguments say
 * the zone, the name, the type and the values. Route 53 (`amazon.aws.route53`, a fully qualified
 * `record`, TXT values in their own `"…"` as in CloudFormation), Cloudflare
 * (`community.general.cloudflare_dns`, `record` relative to `zone`, `@` for the zone), nsupdate
 * (`community.general.nsupdate`, relative unless it ends in a dot), Azure
 * (`azure.azcollection.azure_rm_dnsrecordset`, `relative_name`, `records: [{entry: …}]`) and Google
 * Cloud DNS (`google.cloud.gcp_dns_resource_record_set`, a fully qualified `name`, quoted `target`).
 *
 * A Jinja expression (`{{ domain }}`) is what only a run knows: in a name, the record's owner is not
 * known; in a value, it is a hole the rest is checked around, as Terraform's `${…}` is (records/holes).
 */
import { isMap, isScalar, isSeq, type Document, type Node, type YAMLMap } from 'yaml';
import { checkedAround, HOLE, startsAsRecord } from '../records/holes';
import { markHoles } from '../util/zonenames';
import { charStrings, holesAt } from './layers';
import { decodeScalar, get, makeSite, scalarHost, str } from './yamlscalar';
import type { ZoneFile } from './zonefile';

interface ModuleSpec {
  zone?: string;
  name: string;
  type: string;
  /** The argument that holds the values, and its aliases. */
  values: string[];
  /** Each value is a map with the text under this key (Azure's `records: [{entry: …}]`). */
  entry?: string;
  /** How the name is written: the whole name, or relative to the zone (absolute when it ends in a dot). */
  names: 'absolute' | 'relative';
}

const ROUTE53: ModuleSpec = { zone: 'zone', name: 'record', type: 'type', values: ['value', 'values'], names: 'absolute' };
const CLOUDFLARE: ModuleSpec = { zone: 'zone', name: 'record', type: 'type', values: ['value', 'content'], names: 'relative' };
const NSUPDATE: ModuleSpec = { zone: 'zone', name: 'record', type: 'type', values: ['value'], names: 'relative' };
const AZURE: ModuleSpec = { zone: 'zone_name', name: 'relative_name', type: 'record_type', values: ['records'], entry: 'entry', names: 'relative' };
const GCP: ModuleSpec = { name: 'name', type: 'type', values: ['target'], names: 'absolute' };

const MODULES = new Map<string, ModuleSpec>([
  ['amazon.aws.route53', ROUTE53],
  ['community.aws.route53', ROUTE53],
  ['route53', ROUTE53],
  ['community.general.cloudflare_dns', CLOUDFLARE],
  ['cloudflare_dns', CLOUDFLARE],
  ['community.general.nsupdate', NSUPDATE],
  ['nsupdate', NSUPDATE],
  ['azure.azcollection.azure_rm_dnsrecordset', AZURE],
  ['azure_rm_dnsrecordset', AZURE],
  ['google.cloud.gcp_dns_resource_record_set', GCP],
  ['gcp_dns_resource_record_set', GCP],
]);

const JINJA = /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g;
const HAS_JINJA = /\{\{|\{%/;

/** The module calls of a document: every map with a DNS module's name as a key and its arguments as a map. */
function moduleCalls(doc: Document): { spec: ModuleSpec; args: YAMLMap }[] {
  const out: { spec: ModuleSpec; args: YAMLMap }[] = [];
  const visit = (n: unknown, depth: number): void => {
    if (depth > 40) return;
    if (isSeq(n)) for (const x of n.items) visit(x, depth + 1);
    else if (isMap(n))
      for (const p of n.items) {
        const spec = isScalar(p.key) ? MODULES.get(String(p.key.value)) : undefined;
        // A module call names a record: its type argument is there (a `route53:` settings block is not one).
        if (spec && isMap(p.value) && get(p.value, spec.type) !== undefined) out.push({ spec, args: p.value });
        // Blocks, handlers, roles' task lists, `loop`-free nesting: the calls inside them too.
        else visit(p.value, depth + 1);
      }
  };
  visit(doc.contents, 0);
  return out;
}

/** Whether a YAML document is an Ansible playbook or task file with DNS module tasks. */
export function looksLikeAnsible(text: string, doc: Document): boolean {
  if (!/(route53|cloudflare_dns|nsupdate|dnsrecordset|dns_resource_record_set)\s*:/.test(text)) return false;
  return moduleCalls(doc).length > 0;
}

/** The owner a module's arguments name, or undefined when a Jinja expression (or nothing) makes it. */
function ownerOf(spec: ModuleSpec, args: YAMLMap): string | undefined {
  const name = str(get(args, spec.name))?.trim().toLowerCase();
  const zone = spec.zone ? str(get(args, spec.zone))?.trim().toLowerCase().replace(/\.$/, '') : undefined;
  if ((name && HAS_JINJA.test(name)) || (zone && HAS_JINJA.test(zone))) return undefined;
  if (spec.names === 'absolute' || name?.endsWith('.')) return name ? name.replace(/\.$/, '') : undefined;
  if (!zone) return undefined;
  if (!name || name === '@' || name === zone || name.endsWith(`.${zone}`)) return name && name !== '@' ? name : zone;
  return `${name}.${zone}`;
}

export function readAnsible(text: string, uri: string, doc: Document): ZoneFile {
  const out: ZoneFile = { uri, origin: undefined, originExplicit: false, records: [], sites: [], problems: [], texts: new Map([[uri, text]]) };
  for (const { spec, args } of moduleCalls(doc)) {
    // `state: absent` deletes the record: it is not published.
    if (str(get(args, 'state'))?.toLowerCase() === 'absent') continue;
    const type = (str(get(args, spec.type)) ?? '').toUpperCase();
    const owner = ownerOf(spec, args);
    const nameNode = get(args, spec.name);
    const valuesNode = spec.values.map((k) => get(args, k)).find((n) => n !== undefined);
    const items = (isSeq(valuesNode) ? (valuesNode.items as Node[]) : valuesNode !== undefined ? [valuesNode] : []).map((n) => (spec.entry && isMap(n) ? get(n, spec.entry) : n));
    const argsRange = args.range ? { start: args.range[0], end: args.range[1] } : { start: 0, end: 0 };
    if (owner === undefined && nameNode?.range && (type === 'TXT' || type === 'SPF'))
      out.problems.push({ code: 'source/not-static', message: 'The record name is a Jinja expression (or missing), known only when the play runs, so checks that depend on the owner name are skipped.', uri, range: { start: nameNode.range[0], end: nameNode.range[1] } });
    if (type !== 'TXT' && type !== 'SPF') {
      // The other types, for the rules across records (SPF `a`/`mx`, names that receive mail, CNAMEs).
      if (owner === undefined) continue;
      for (const v of items) {
        const text0 = str(v)?.trim();
        if (text0 === undefined || HAS_JINJA.test(text0)) continue;
        const rdata = type === 'MX' && !/\s/.test(text0) ? [str(get(args, 'priority')) ?? '10', text0] : text0.split(/\s+/);
        out.records.push({ owner, type, ttl: undefined, rdata, uri, range: v?.range ? { start: v.range[0], end: v.range[1] } : argsRange });
      }
      continue;
    }
    for (const v of items) {
      if (!isScalar(v) || typeof v.value !== 'string') continue;
      const y = decodeScalar(text, v);
      if (!y) continue;
      // Route 53 and Google write each character-string in `"…"`; the others take the text as it is.
      const cs = charStrings(y);
      // Each Jinja expression a hole over where it is written.
      const decoded = HAS_JINJA.test(cs.decoded.value) ? holesAt(cs.decoded, JINJA, HOLE) : cs.decoded;
      decoded.coarse = y.coarse;
      const hole = decoded.value.indexOf(HOLE);
      if (hole >= 0 && !startsAsRecord(decoded.value.slice(0, hole))) {
        if (/v=(spf1|DMARC1|DKIM1)/i.test(decoded.value) && v.range) out.problems.push({ code: 'source/not-static', message: 'This TXT value is built by a Jinja expression where what record it is would show, so it is not checked.', uri, range: { start: v.range[0], end: v.range[1] } });
        continue;
      }
      if (hole >= 0 && v.range) out.problems.push({ code: 'source/not-static', message: checkedAround(new RegExp(JINJA.source).exec(y.value)?.[0] ?? 'a Jinja expression'), uri, range: { start: v.range[0], end: v.range[1] } });
      // A value in `"…"` strings gets new text escaped as they are (`\"`); a bare value takes it as it is.
      const syntax = { host: scalarHost(v), ...(y.value.trimStart().startsWith('"') ? { charStrings: true } : {}) };
      const site = makeSite(uri, owner, type, decoded, hole >= 0 ? undefined : cs.strings, syntax, v, nameNode, text);
      for (const p of cs.problems) out.problems.push({ code: 'zone/string-too-long', message: p.message, uri, range: { start: y.map.toDocStart(p.from), end: y.map.toDocEnd(p.to) } });
      out.sites.push(markHoles(site));
      out.records.push({ owner, type, ttl: undefined, rdata: [decoded.value], uri, range: site.range, site });
    }
  }
  return out;
}
