/**
 * Record sites in Ansible playbooks and task files: the tasks of the DNS modules, whose arguments say
 * the zone, the name, the type and the values. Route 53 (`amazon.aws.route53`, a fully qualified
 * `record`, TXT values in their own `"…"` as in CloudFormation), Cloudflare
 * (`community.general.cloudflare_dns`, `record` relative to `zone`, `@` for the zone), nsupdate
 * (`community.general.nsupdate`, relative unless it ends in a dot), Azure
 * (`azure.azcollection.azure_rm_dnsrecordset`, `relative_name`, `records: [{entry: …}]`) and Google
 * Cloud DNS (`google.cloud.gcp_dns_resource_record_set`, a fully qualified `name`, quoted `target`),
 * Gandi LiveDNS (`community.general.gandi_livedns`), DNSimple (`community.general.dnsimple`), Windows
 * DNS Server (`community.windows.win_dns_record`) and FreeIPA (`community.general.ipa_dnsrecord`), their
 * names relative to the zone (`domain`, `zone`, `zone_name`).
 *
 * `{{ var }}` and `{{ item.key }}` are read where the play writes them (Scope, below): in the play and
 * the task, and in the files of variables a run reads for certain: a play's `vars_files`, a role's
 * `defaults/main.yml` and `vars/main.yml` (for the task files of the role), and `group_vars/all` beside
 * the playbook. A value written in one of those files is checked, and fixed, there. Any other Jinja
 * expression is what only a run knows: in a name, the record's owner is not
 * known; in a value, it is a hole the rest is checked around, as Terraform's `${…}` is (records/holes).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMap, isScalar, isSeq, parseDocument, visit as visitYaml, type Document, type Node, type YAMLMap } from 'yaml';
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
const GANDI: ModuleSpec = { zone: 'domain', name: 'record', type: 'type', values: ['values'], names: 'relative' };
const DNSIMPLE: ModuleSpec = { zone: 'domain', name: 'record', type: 'type', values: ['value'], names: 'relative' };
const WINDOWS: ModuleSpec = { zone: 'zone', name: 'name', type: 'type', values: ['value', 'values'], names: 'relative' };
const IPA: ModuleSpec = { zone: 'zone_name', name: 'record_name', type: 'record_type', values: ['record_value', 'record_values'], names: 'relative' };

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
  ['community.general.gandi_livedns', GANDI],
  ['gandi_livedns', GANDI],
  ['community.general.dnsimple', DNSIMPLE],
  ['dnsimple', DNSIMPLE],
  ['community.windows.win_dns_record', WINDOWS],
  ['win_dns_record', WINDOWS],
  ['community.general.ipa_dnsrecord', IPA],
  ['ipa_dnsrecord', IPA],
]);

const JINJA = /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g;
const HAS_JINJA = /\{\{|\{%/;

/**
 * What a task's Jinja expressions can name statically: its loop's item (an entry of a `loop:` or
 * `with_items:` list written in the file, or in a var that is one) and the `vars:` of the task, its
 * blocks and its play, then the play's `vars_files`, the role's vars, `group_vars/all` and the role's
 * defaults, innermost first (Ansible's precedence), with the vars of an `include_vars` task of a file
 * named as written before them all, for the tasks after it. Variables from inventories of hosts, a
 * conditional `include_vars` or facts are only known when the play runs.
 */
interface Scope {
  vars: YAMLMap[];
  /** `item`, or the loop's `loop_control.loop_var`; undefined when the task has no loop. */
  loopVar?: string;
  /** The loop's entry this call is made for; undefined when the loop's list is not known. */
  item?: Node;
}

/** One `{{ name.key['key'][0] }}`: a variable and a path into it, with no filters or operators. */
const PATH = String.raw`([A-Za-z_]\w*)((?:\s*(?:\.[A-Za-z_]\w*|\[\s*(?:'[^']*'|"[^"]*"|\d+)\s*\]))*)`;
const WHOLE_EXPR = new RegExp(String.raw`^\s*\{\{\s*${PATH}\s*\}\}\s*$`);
const ANY_EXPR = new RegExp(String.raw`\{\{\s*${PATH}\s*\}\}`, 'g');
const STEP = /\.([A-Za-z_]\w*)|\[\s*(?:'([^']*)'|"([^"]*)"|(\d+))\s*\]/g;

/** The node a variable and path name in a scope (followed through vars that are themselves one such expression). */
function lookup(root: string, path: string, scope: Scope, depth: number): Node | undefined {
  let n: Node | undefined;
  if (root === scope.loopVar) n = scope.item;
  else for (const v of scope.vars) if ((n = get(v, root)) !== undefined) break;
  for (const m of path.matchAll(STEP)) {
    n = resolve(n, scope, depth + 1);
    const key = m[1] ?? m[2] ?? m[3];
    n = key !== undefined ? (isMap(n) ? get(n, key) : undefined) : isSeq(n) ? ((n.items[Number(m[4])] as Node | undefined) ?? undefined) : undefined;
    if (n === undefined) return undefined;
  }
  return n === undefined ? undefined : resolve(n, scope, depth + 1);
}

/**
 * A node as the play reads it: a string that is one whole `{{ var.path }}` the scope knows is the node
 * that names (a loop entry's scalar, a var's list), so a finding and its fix land where the value is
 * written. Anything else is the node itself.
 */
function resolve(n: Node | undefined, scope: Scope, depth = 0): Node | undefined {
  if (depth > 8 || !isScalar(n) || typeof n.value !== 'string') return n;
  const m = WHOLE_EXPR.exec(n.value);
  return (m && lookup(m[1], m[2], scope, depth)) || n;
}

/** A scalar's text with each `{{ var.path }}` the scope knows as a string put in; others stay as written. */
function textOf(n: Node | undefined, scope: Scope): string | undefined {
  const s = str(resolve(n, scope));
  if (s === undefined || !HAS_JINJA.test(s)) return s;
  return s.replace(ANY_EXPR, (all, root: string, path: string) => {
    const v = str(lookup(root, path, scope, 1));
    return v !== undefined && !HAS_JINJA.test(v) ? v : all;
  });
}

const LOOPS = ['loop', 'with_items', 'with_list'];

/** A task's loop entries, when its list is written in the file; undefined when it has a loop whose list is not known. */
function loopItems(task: YAMLMap, scope: Scope): Node[] | undefined {
  const key = LOOPS.find((k) => get(task, k) !== undefined)!;
  const list = resolve(get(task, key), scope);
  if (!isSeq(list)) return undefined;
  const items = list.items as Node[];
  // `with_items` flattens one level of lists.
  return key === 'with_items' ? items.flatMap((x) => (isSeq(x) ? (x.items as Node[]) : [x])) : items;
}

const INCLUDE_VARS = ['include_vars', 'ansible.builtin.include_vars', 'ansible.legacy.include_vars'];

/** The file an `include_vars` task names as written (`include_vars: dns.yml`, or its `file:`), not one built by Jinja or read conditionally. */
function includeVarsFile(task: YAMLMap): string | undefined {
  const key = INCLUDE_VARS.find((k) => get(task, k) !== undefined);
  if (key === undefined || get(task, 'when') !== undefined || LOOPS.some((k) => get(task, k) !== undefined)) return undefined;
  const arg = get(task, key);
  const f = isMap(arg) ? str(get(arg, 'file')) : str(arg);
  return f !== undefined && !HAS_JINJA.test(f) && f.trim() !== '' ? f.trim() : undefined;
}

/** Reads the vars files a play or task names (varsReader). */
interface VarsLoader {
  playFiles: (play: YAMLMap) => YAMLMap[];
  includeVars: (file: string) => YAMLMap | undefined;
}

/** The module calls of a document: every map with a DNS module's name as a key and its arguments as a map, once per known loop entry. */
function moduleCalls(doc: Document, base: YAMLMap[] = [], loader?: VarsLoader): { spec: ModuleSpec; args: YAMLMap; scope: Scope }[] {
  const out: { spec: ModuleSpec; args: YAMLMap; scope: Scope }[] = [];
  /** `front`: the vars of the include_vars tasks run before, which take precedence over every other layer here. */
  const visit = (n: unknown, outer: YAMLMap[], depth: number, front: YAMLMap[] = []): void => {
    if (depth > 40) return;
    if (isSeq(n)) {
      let included = front;
      for (const x of n.items) {
        visit(x, outer, depth + 1, included);
        // A task that includes a vars file (a name written as it is): the tasks after it see its vars.
        const file = isMap(x) && loader ? includeVarsFile(x) : undefined;
        const map = file !== undefined ? loader!.includeVars(file) : undefined;
        if (map) included = [map, ...included];
      }
      return;
    }
    if (isMap(n)) {
      const own = get(n, 'vars');
      // A play's vars_files take precedence over its vars.
      const files = loader && get(n, 'vars_files') !== undefined ? loader.playFiles(n) : [];
      const vars = [...front, ...files, ...(isMap(own) ? [own] : []), ...outer];
      for (const p of n.items) {
        const spec = isScalar(p.key) ? MODULES.get(String(p.key.value)) : undefined;
        // A module call names a record: its type argument is there (a `route53:` settings block is not one).
        if (spec && isMap(p.value) && get(p.value, spec.type) !== undefined) {
          const args = p.value;
          if (!LOOPS.some((k) => get(n, k) !== undefined)) {
            out.push({ spec, args, scope: { vars } });
            continue;
          }
          const control = get(n, 'loop_control');
          const loopVar = (isMap(control) ? str(get(control, 'loop_var')) : undefined) ?? 'item';
          const items = loopItems(n, { vars });
          if (items === undefined) out.push({ spec, args, scope: { vars, loopVar } });
          else for (const item of items) out.push({ spec, args, scope: { vars, loopVar, item } });
        }
        // Blocks, handlers, roles' task lists: the calls inside them too, with the vars of each level.
        else if (p.key === null || !isScalar(p.key) || String(p.key.value) !== 'vars') visit(p.value, vars.slice(front.length), depth + 1, front);
      }
    }
  };
  visit(doc.contents, base, 0);
  return out;
}

/** A file of variables a run reads: its top-level map, and its text (for where its values are written). */
interface VarsFile {
  file: string;
  text: string;
  map: YAMLMap;
}

/** The largest vars file read (a bigger one is not variables a play's records come from). */
const MAX_VARS_BYTES = 4 * 1024 * 1024;

/**
 * Reads the files of variables `uri`'s plays and tasks see (see the head of this file), by path;
 * `openText` gives an editor's text of a file it has open. Each node of a file read is noted with the file.
 */
function varsReader(uri: string, openText: ((file: string) => string | undefined) | undefined) {
  const loaded = new Map<string, VarsFile | undefined>();
  const home = new WeakMap<object, VarsFile>();
  const read = (file: string): VarsFile | undefined => {
    if (loaded.has(file)) return loaded.get(file);
    let text = openText?.(file);
    if (text === undefined) {
      try {
        const st = fs.statSync(file);
        if (st.isFile() && st.size <= MAX_VARS_BYTES) text = fs.readFileSync(file, 'utf8');
      } catch {
        text = undefined;
      }
    }
    let vf: VarsFile | undefined;
    if (text !== undefined) {
      let doc: Document | undefined;
      try {
        doc = parseDocument(text, { keepSourceTokens: false, strict: false, uniqueKeys: false, logLevel: 'silent', prettyErrors: false });
      } catch {
        doc = undefined;
      }
      if (doc && isMap(doc.contents)) {
        vf = { file, text, map: doc.contents };
        const mine = vf;
        visitYaml(doc, (_key, node) => {
          if (node && typeof node === 'object') home.set(node, mine);
        });
      }
    }
    loaded.set(file, vf);
    return vf;
  };
  /** `group_vars/all` in a folder: the file (`all.yml`, `all.yaml`, `all`) or the files of the folder `all/`, later ones first. */
  const groupVarsAll = (dir: string): YAMLMap[] => {
    const g = path.join(dir, 'group_vars');
    for (const f of ['all.yml', 'all.yaml', 'all']) {
      const v = read(path.join(g, f));
      if (v) return [v.map];
    }
    let names: string[] = [];
    try {
      names = fs.readdirSync(path.join(g, 'all')).filter((f) => /\.ya?ml$/i.test(f)).sort();
    } catch {
      names = [];
    }
    return names.map((f) => read(path.join(g, 'all', f))?.map).filter((m): m is YAMLMap => m !== undefined).reverse();
  };
  const roleFile = (dir: string) => read(path.join(dir, 'main.yml')) ?? read(path.join(dir, 'main.yaml'));
  /** For a task file of a role (`<project>/roles/<role>/tasks/x.yml`): the role's folder and the project's. */
  const role = /^((.*)[\\/]roles[\\/][^\\/]+)[\\/](?:tasks|handlers)[\\/][^\\/]+$/.exec(uri);
  const roleDir = role?.[1];
  /** The layers below a file's own plays: for a role's task file, its vars, group_vars/all and its defaults; for a playbook, group_vars/all. */
  const base = (): YAMLMap[] => {
    if (!role || !roleDir) return groupVarsAll(path.dirname(uri));
    return [roleFile(path.join(roleDir, 'vars'))?.map, ...groupVarsAll(role[2]), roleFile(path.join(roleDir, 'defaults'))?.map].filter((m): m is YAMLMap => m !== undefined);
  };
  /** A play's `vars_files` (a name or a list; a path with a Jinja expression is not known), the last one first. */
  const playFiles = (play: YAMLMap): YAMLMap[] => {
    const list = get(play, 'vars_files');
    const names = (isSeq(list) ? (list.items as Node[]) : [list]).map((n) => str(n)).filter((f): f is string => f !== undefined && !HAS_JINJA.test(f));
    return names
      .map((f) => read(path.isAbsolute(f) ? f : path.join(path.dirname(uri), f))?.map)
      .filter((m): m is YAMLMap => m !== undefined)
      .reverse();
  };
  /** An include_vars file: in a role, under its `vars/`; in a playbook, under `vars/` beside it, then beside it (Ansible's search path). */
  const includeVars = (f: string): YAMLMap | undefined => {
    if (path.isAbsolute(f)) return read(f)?.map;
    const dirs = roleDir ? [path.join(roleDir, 'vars'), roleDir] : [path.join(path.dirname(uri), 'vars'), path.dirname(uri)];
    for (const d of dirs) {
      const v = read(path.join(d, f));
      if (v) return v.map;
    }
    return undefined;
  };
  // Every path looked at, found or not: an editor checks the play again when one of them appears or changes.
  return { base, loader: { playFiles, includeVars } as VarsLoader, home: (n: object | undefined) => (n ? home.get(n) : undefined), looked: () => [...loaded.keys()] };
}

/** Whether a YAML document is an Ansible playbook or task file with DNS module tasks. */
export function looksLikeAnsible(text: string, doc: Document): boolean {
  if (!/(route53|cloudflare_dns|nsupdate|dnsrecordset|dns_resource_record_set|gandi_livedns|dnsimple|win_dns_record|ipa_dnsrecord)\s*:/.test(text)) return false;
  return moduleCalls(doc).length > 0;
}

/** The owner a module's name and zone arguments name, or undefined when a Jinja expression (or nothing) makes it. */
function ownerOf(spec: ModuleSpec, written: string | undefined, zoneText: string | undefined): string | undefined {
  const name = written?.trim().toLowerCase();
  const zone = zoneText?.trim().toLowerCase().replace(/\.$/, '');
  if ((name && HAS_JINJA.test(name)) || (zone && HAS_JINJA.test(zone))) return undefined;
  if (spec.names === 'absolute' || name?.endsWith('.')) return name ? name.replace(/\.$/, '') : undefined;
  if (!zone) return undefined;
  if (!name || name === '@' || name === zone || name.endsWith(`.${zone}`)) return name && name !== '@' ? name : zone;
  return `${name}.${zone}`;
}

export function readAnsible(text: string, uri: string, doc: Document, openText?: (file: string) => string | undefined): ZoneFile {
  const out: ZoneFile = { uri, origin: undefined, originExplicit: false, records: [], sites: [], problems: [], texts: new Map([[uri, text]]) };
  const vars = varsReader(uri, openText);
  // Where a node is written: a vars file, or this one.
  const whereOf = (n: Node | undefined) => {
    const v = vars.home(n);
    return v ? { file: v.file, text: v.text } : { file: uri, text };
  };
  /** Problems and records said once: a var's value, or a loop's literal argument, serves several calls. */
  const said = new Set<string>();
  const problem = (p: ZoneFile['problems'][number]) => {
    const key = `${p.code} ${p.range.start} ${p.range.end} ${p.message}`;
    if (!said.has(key)) out.problems.push(p), said.add(key);
  };
  for (const { spec, args, scope } of moduleCalls(doc, vars.base(), vars.loader)) {
    // An argument as the play reads it: the loop entry's or var's node it names, or its text with the known parts put in.
    const arg = (k: string) => resolve(get(args, k), scope);
    const textArg = (k: string | undefined) => (k === undefined ? undefined : textOf(get(args, k), scope));
    // `state: absent` deletes the record: it is not published.
    if (textArg('state')?.toLowerCase() === 'absent') continue;
    const type = (textArg(spec.type) ?? '').toUpperCase();
    const owner = ownerOf(spec, textArg(spec.name), textArg(spec.zone));
    const nameNode = arg(spec.name);
    const valuesNode = spec.values.map(arg).find((n) => n !== undefined);
    const items = (isSeq(valuesNode) ? (valuesNode.items as Node[]) : valuesNode !== undefined ? [valuesNode] : []).map((n) => resolve(n, scope)).map((n) => (spec.entry && isMap(n) ? resolve(get(n, spec.entry), scope) : n));
    const argsRange = args.range ? { start: args.range[0], end: args.range[1] } : { start: 0, end: 0 };
    // The zone the task names (a static one): a delegation in it hides what is below (zone/occluded-record), and names written relative to it are renamed as written.
    const zoneText = textArg(spec.zone)?.trim().toLowerCase().replace(/\.$/, '');
    const zoned = zoneText && !HAS_JINJA.test(zoneText) ? { zone: zoneText } : undefined;
    // Where the name is written as one plain string, in the file of the record that carries it, for navigation and rename.
    const nameAt = (file: string) => (owner !== undefined && isScalar(nameNode) && nameNode.range && typeof nameNode.value === 'string' && !HAS_JINJA.test(nameNode.value) && whereOf(nameNode).file === file ? { ownerRange: { start: nameNode.range[0], end: nameNode.range[1] } } : undefined);
    if (owner === undefined && nameNode?.range && (type === 'TXT' || type === 'SPF'))
      problem({ code: 'source/not-static', message: 'The record name is a Jinja expression (or missing), known only when the play runs, so checks that depend on the owner name are skipped.', uri: whereOf(nameNode).file, range: { start: nameNode.range[0], end: nameNode.range[1] } });
    if (type !== 'TXT' && type !== 'SPF') {
      // The other types, for the rules across records (SPF `a`/`mx`, names that receive mail, CNAMEs);
      // one whose name is not known is kept for the name it points to (navigation, rename), as Terraform's are.
      for (const v of items) {
        const text0 = str(v)?.trim();
        if (text0 === undefined || HAS_JINJA.test(text0)) continue;
        const rdata = type === 'MX' && !/\s/.test(text0) ? [textArg('priority') ?? '10', text0] : text0.split(/\s+/);
        const at = v?.range ? whereOf(v) : { file: uri };
        // The name a CNAME, MX or NS record points to, where it is written.
        const dataAt = (type === 'CNAME' || type === 'MX' || type === 'NS' || type === 'SRV') && isScalar(v) && v.range ? { dataRange: { start: v.range[0], end: v.range[1] } } : undefined;
        out.records.push({ owner, type, ttl: undefined, rdata, uri: at.file, range: v?.range ? { start: v.range[0], end: v.range[1] } : argsRange, ...zoned, ...nameAt(at.file), ...dataAt });
      }
      continue;
    }
    for (const v of items) {
      if (!isScalar(v) || typeof v.value !== 'string') continue;
      const at = whereOf(v);
      // The same written value for the same name (a var used twice, a loop whose entries do not change it) is one record.
      const key = `${owner} ${type} ${at.file} ${v.range?.[0]}`;
      if (said.has(key)) continue;
      said.add(key);
      const y = decodeScalar(at.text, v);
      if (!y) continue;
      // Route 53 and Google write each character-string in `"…"`; the others take the text as it is.
      const cs = charStrings(y);
      // Each Jinja expression a hole over where it is written.
      const decoded = HAS_JINJA.test(cs.decoded.value) ? holesAt(cs.decoded, JINJA, HOLE) : cs.decoded;
      decoded.coarse = y.coarse;
      const hole = decoded.value.indexOf(HOLE);
      if (hole >= 0 && !startsAsRecord(decoded.value.slice(0, hole))) {
        if (/v=(spf1|DMARC1|DKIM1)/i.test(decoded.value) && v.range) problem({ code: 'source/not-static', message: 'This TXT value is built by a Jinja expression where what record it is would show, so it is not checked.', uri: at.file, range: { start: v.range[0], end: v.range[1] } });
        continue;
      }
      if (hole >= 0 && v.range) problem({ code: 'source/not-static', message: checkedAround(new RegExp(JINJA.source).exec(y.value)?.[0] ?? 'a Jinja expression'), uri: at.file, range: { start: v.range[0], end: v.range[1] } });
      // A value in `"…"` strings gets new text escaped as they are (`\"`); a bare value takes it as it is.
      const syntax = { host: scalarHost(v), ...(y.value.trimStart().startsWith('"') ? { charStrings: true } : {}) };
      // The owner's range where the name is written in the same file as the value (else the value's own).
      const site = makeSite(at.file, owner, type, decoded, hole >= 0 ? undefined : cs.strings, syntax, v, whereOf(nameNode).file === at.file ? nameNode : undefined, at.text);
      for (const p of cs.problems) problem({ code: 'zone/string-too-long', message: p.message, uri: at.file, range: { start: y.map.toDocStart(p.from), end: y.map.toDocEnd(p.to) } });
      out.sites.push(markHoles(site));
      out.records.push({ owner, type, ttl: undefined, rdata: [decoded.value], uri: at.file, range: site.range, site, ...zoned, ...nameAt(at.file) });
      if (at.file !== uri) out.texts.set(at.file, at.text);
    }
  }
  const looked = vars.looked();
  if (looked.length) out.reads = looked;
  return out;
}
