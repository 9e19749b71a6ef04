/**
 * The project configuration file `.dmarc-lens.json` (JSON with comments): rule severities, ignored
 * paths, DNS settings (and later rollout, reports and sender profiles). The nearest file upward from
 * each checked file applies; `--config FILE` overrides it. A broken file is reported at the exact
 * place, and everything else keeps working with the defaults.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyEdits, type Edit, modify, type Node, parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { minimatch } from 'minimatch';
import { rulesById } from './checks/registry';
import type { RuleSetting } from './service';
import { SEVERITIES, type Finding, type OffsetRange, type Severity } from './types';
import { cidrInside, validCidr } from './util/cidr';
import { errorRange } from './util/lines';
import { isUnder } from './util/text';
import { providers as catalogProviders, type Provider } from './senders/catalog';
import { readFileBytes } from './files';

export const CONFIG_NAME = '.dmarc-lens.json';

export interface ProjectConfig {
  /** Absolute path of the file, undefined for the defaults. */
  file?: string;
  rules: Record<string, RuleSetting>;
  ignore: string[];
  dns: { mode?: 'live' | 'offline'; servers?: string[]; timeoutMs?: number };
  /** Sections later features read, kept as written. */
  rollout?: unknown;
  /**
   * Where aggregate reports are looked for (globs relative to the config's folder), and the sources in
   * them the domain owner has checked and found not to be its own (addresses and CIDR ranges): their
   * failing mail does not hold back the next policy stage.
   */
  reports?: { paths?: string[]; notOurs?: string[]; /** Where each notOurs entry is written (the string, quotes included). */ notOursAt?: OffsetRange[] };
  /** Sender profiles (`domains.<domain>.senders`), with their places in the file. */
  senders: SenderProfile[];
  /** The domains `domains` declares, with the range of each key. */
  domains: { domain: string; range: OffsetRange }[];
  /** Catalog rows the project adds or overrides (by id). */
  providers: Provider[];
  /** Extra files to read, by format (globs relative to the config's folder): `{ "zone": ["dns/*.txt"] }`. */
  include: Partial<Record<SourceFormat, string[]>>;
}

export const SOURCE_FORMATS = ['zone', 'terraform', 'cloudformation', 'octodns', 'dnscontrol', 'ansible', 'externaldns'] as const;
export type SourceFormat = (typeof SOURCE_FORMATS)[number];

/** One service that sends mail as a domain (the sender issue's profile). */
export interface SenderProfile {
  /** The `domains` key it is declared under. */
  domain: string;
  /** A catalog id, or `custom`. */
  provider: string;
  name?: string;
  /** The RFC5322.From domain it uses (default: the declared domain). */
  from: string;
  /** The envelope (RFC5321.MailFrom) domain, when the platform uses one of the customer's. */
  returnPath?: string;
  dkimSelectors: string[];
  /** The d= domain it signs with (default: `from`). */
  dkimDomain?: string;
  /** Source addresses (custom senders): `192.0.2.0/28`, `2001:db8::1`. */
  ips: string[];
  /** Places in the config file: the sender object and its fields. */
  range: OffsetRange;
  ranges: { provider?: OffsetRange; from?: OffsetRange; returnPath?: OffsetRange; dkimDomain?: OffsetRange; ips?: OffsetRange; selectors: OffsetRange[] };
}

export const DEFAULT_CONFIG: ProjectConfig = { rules: {}, ignore: [], dns: {}, senders: [], domains: [], providers: [], include: {} };

const KNOWN_KEYS = new Set(['$schema', 'rules', 'ignore', 'include', 'dns', 'rollout', 'reports', 'domains', 'providers']);
const SENDER_KEYS = new Set(['provider', 'name', 'from', 'returnPath', 'dkimSelectors', 'dkimDomain', 'ips']);
const DOMAIN_RE = /^(?=.{1,253}$)([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)+[a-z0-9-]{1,63}$/i;

const rangeOf = (n: Node): OffsetRange => ({ start: n.offset, end: n.offset + n.length });
const child = (obj: Node, name: string): Node | undefined => obj.children?.find((p) => p.children?.[0].value === name)?.children?.[1];


type Problem = (node: { offset: number; length: number }, message: string, severity?: Severity) => void;

/** `reports`: `paths` (globs) and `notOurs` (addresses and CIDR ranges); the entries that are valid are kept. */
function parseReports(node: Node, problem: Problem): ProjectConfig['reports'] {
  if (node.type !== 'object') {
    problem(node, '`reports` wants { "paths": ["glob", …], "notOurs": ["192.0.2.0/24", …] } (globs relative to this file\'s folder).');
    return undefined;
  }
  const out: NonNullable<ProjectConfig['reports']> = {};
  for (const p of node.children ?? []) {
    const [k, v] = p.children ?? [];
    const name = String(k?.value);
    if (name !== 'paths' && name !== 'notOurs') {
      problem(k, `Unknown setting \`reports.${name}\`; \`reports\` knows paths (where the aggregate reports are) and notOurs (sources that are not yours).`, 'warning');
      continue;
    }
    if (!v) continue;
    if (name === 'paths') {
      if (v.type !== 'array' || (v.children ?? []).some((c) => c.type !== 'string')) problem(v, '`reports.paths` wants an array of globs, relative to this file\'s folder (["dmarc-reports/**"]).');
      else out.paths = (v.children ?? []).map((c) => String(c.value));
      continue;
    }
    if (v.type !== 'array') {
      problem(v, '`reports.notOurs` wants an array of addresses or CIDR ranges (["203.0.113.0/24", "2001:db8::7"]).');
      continue;
    }
    out.notOurs = [];
    out.notOursAt = [];
    for (const c of v.children ?? []) {
      if (c.type !== 'string' || !validCidr(String(c.value))) problem(c, 'Not an IPv4/IPv6 address or CIDR range (e.g. "203.0.113.0/24").');
      else {
        out.notOurs.push(String(c.value));
        out.notOursAt.push(rangeOf(c));
      }
    }
  }
  return out;
}

function parseProviders(node: Node, problem: Problem): Provider[] {
  if (node.type !== 'array') {
    problem(node, '`providers` must be an array of catalog rows ({ "id": …, "name": …, "spfIncludes": […], … }).');
    return [];
  }
  const out: Provider[] = [];
  for (const item of node.children ?? []) {
    const v = valueOf(item) as Partial<Provider>;
    if (item.type !== 'object' || typeof v.id !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(v.id)) {
      problem(item, 'A provider row needs an "id" (lower-case letters, digits and hyphens).');
      continue;
    }
    if (typeof v.name !== 'string' && !catalogProviders.some((p) => p.id === v.id)) {
      problem(item, `Provider "${v.id}" is new: it needs a "name".`);
      continue;
    }
    out.push({ confidence: 'unknown', ...v } as Provider);
  }
  return out;
}

function parseDomains(node: Node, config: ProjectConfig, problem: Problem): void {
  if (node.type !== 'object') {
    problem(node, '`domains` must be an object: { "example.com": { "senders": [ … ] } }.');
    return;
  }
  const known = new Set([...catalogProviders.map((p) => p.id), ...config.providers.map((p) => p.id), 'custom']);
  for (const prop of node.children ?? []) {
    const [k, v] = prop.children ?? [];
    const domain = String(k?.value).toLowerCase().replace(/\.$/, '');
    if (!DOMAIN_RE.test(domain)) {
      problem(k, `\`${k?.value}\` is not a domain name.`);
      continue;
    }
    config.domains.push({ domain, range: rangeOf(k) });
    if (!v) continue;
    if (v.type !== 'object') {
      problem(v, `\`domains.${domain}\` must be an object: { "senders": [ … ] }.`);
      continue;
    }
    for (const p of v.children ?? []) if (p.children?.[0].value !== 'senders') problem(p.children![0], `Unknown key \`${p.children?.[0].value}\` under a domain; it knows \`senders\`.`, 'warning');
    const list = child(v, 'senders');
    if (!list) continue;
    if (list.type !== 'array') {
      problem(list, '`senders` must be an array of sender objects.');
      continue;
    }
    for (const item of list.children ?? []) {
      if (item.type !== 'object') {
        problem(item, 'A sender is an object: { "provider": "hubspot", "from": "news.example.com", … }.');
        continue;
      }
      const str = (name: string): { value: string; node: Node } | undefined => {
        const n = child(item, name);
        if (!n) return undefined;
        if (n.type !== 'string' || String(n.value).trim() === '') {
          problem(n, `\`${name}\` must be a non-empty string.`);
          return undefined;
        }
        return { value: String(n.value), node: n };
      };
      for (const p of item.children ?? []) {
        const key = String(p.children?.[0].value);
        if (!SENDER_KEYS.has(key)) problem(p.children![0], `Unknown sender key \`${key}\`; a sender knows ${[...SENDER_KEYS].join(', ')}.`, 'warning');
      }
      const provider = str('provider');
      if (!provider) {
        if (!child(item, 'provider')) problem(item, `A sender needs a "provider": a catalog id (${[...known].slice(0, 6).join(', ')}, …) or "custom".`);
        continue;
      }
      if (!known.has(provider.value)) {
        problem(provider.node, `Unknown provider "${provider.value}"; the catalog has ${[...known].sort().join(', ')} (add your own under \`providers\`).`);
        continue;
      }
      const domainName = (f: { value: string; node: Node } | undefined): string | undefined => {
        if (!f) return undefined;
        const d = f.value.toLowerCase().replace(/\.$/, '');
        if (!DOMAIN_RE.test(d)) {
          problem(f.node, `\`${f.value}\` is not a domain name.`);
          return undefined;
        }
        return d;
      };
      const fromF = str('from');
      const from = domainName(fromF) ?? domain;
      if (fromF && !isUnder(from, domain)) problem(fromF.node, `"from" ${from} is not ${domain} or one of its subdomains; declare it under its own domain.`, 'warning');
      const rpF = str('returnPath');
      const ddF = str('dkimDomain');
      const sender: SenderProfile = {
        domain,
        provider: provider.value,
        name: str('name')?.value,
        from,
        returnPath: domainName(rpF),
        dkimDomain: domainName(ddF),
        dkimSelectors: [],
        ips: [],
        range: rangeOf(item),
        ranges: { provider: rangeOf(provider.node), from: fromF && rangeOf(fromF.node), returnPath: rpF && rangeOf(rpF.node), dkimDomain: ddF && rangeOf(ddF.node), selectors: [] },
      };
      const sels = child(item, 'dkimSelectors');
      if (sels) {
        if (sels.type !== 'array') problem(sels, '`dkimSelectors` must be an array of selector names.');
        else
          for (const s of sels.children ?? []) {
            if (s.type !== 'string' || !/^[a-z0-9_]([a-z0-9_.-]*[a-z0-9_])?$/i.test(String(s.value))) problem(s, 'A DKIM selector is a name such as "s1" or "hs1-123456" (RFC 6376 §3.1).');
            else {
              sender.dkimSelectors.push(String(s.value).toLowerCase());
              sender.ranges.selectors.push(rangeOf(s));
            }
          }
      }
      const ips = child(item, 'ips');
      if (ips) {
        sender.ranges.ips = rangeOf(ips);
        if (ips.type !== 'array') problem(ips, '`ips` must be an array of addresses or CIDR ranges.');
        else
          for (const s of ips.children ?? []) {
            if (s.type !== 'string' || !validCidr(String(s.value))) problem(s, 'Not an IPv4/IPv6 address or CIDR range (e.g. "192.0.2.0/28").');
            else sender.ips.push(String(s.value));
          }
      }
      if (provider.value === 'custom' && sender.ips.length === 0 && !sender.returnPath && sender.dkimSelectors.length === 0)
        problem(provider.node, 'A custom sender needs "ips", "returnPath" or "dkimSelectors" so it can be checked.', 'warning');
      config.senders.push(sender);
    }
  }
}

function valueOf(node: Node | undefined): unknown {
  if (!node) return undefined;
  switch (node.type) {
    case 'object':
      return Object.fromEntries((node.children ?? []).map((p) => [p.children![0].value, valueOf(p.children![1])]));
    case 'array':
      return (node.children ?? []).map(valueOf);
    default:
      return node.value;
  }
}

/** Parses and validates a config text; problems are findings in the config file itself. */
export function parseConfig(text: string, file: string): { config: ProjectConfig; problems: Finding[] } {
  const problems: Finding[] = [];
  const problem = (node: { offset: number; length: number }, message: string, severity: Severity = 'error') =>
    problems.push({ rule: 'meta/invalid-config', severity, message, uri: file, range: errorRange(node.offset, node.length, text.length) });
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  for (const e of errors) problem({ offset: e.offset, length: e.length }, `${CONFIG_NAME} is not valid JSON here: ${printParseErrorCode(e.error)}.`);
  const config: ProjectConfig = { file, rules: {}, ignore: [], dns: {}, senders: [], domains: [], providers: [], include: {} };
  if (!root || root.type !== 'object') {
    if (root) problem(root, `${CONFIG_NAME} must be a JSON object.`);
    return { config, problems };
  }
  // Providers first: sender profiles may name a row the project adds.
  const providersNode = child(root, 'providers');
  if (providersNode) config.providers = parseProviders(providersNode, problem);
  for (const prop of root.children ?? []) {
    const [keyNode, valueNode] = prop.children ?? [];
    const key = String(keyNode?.value);
    if (!KNOWN_KEYS.has(key)) {
      problem(keyNode, `Unknown setting \`${key}\`; ${CONFIG_NAME} knows ${[...KNOWN_KEYS].filter((k) => k !== '$schema').join(', ')}.`, 'warning');
      continue;
    }
    if (!valueNode) continue;
    if (key === 'rules') {
      if (valueNode.type !== 'object') {
        problem(valueNode, '`rules` must be an object of rule id → off, hint, information, warning or error.');
        continue;
      }
      for (const r of valueNode.children ?? []) {
        const [k, v] = r.children ?? [];
        const id = String(k?.value);
        if (!rulesById.has(id)) {
          problem(k, `Unknown rule id \`${id}\` (\`dmarc-lens rules\` lists them).`);
          continue;
        }
        if (v?.type !== 'string' || (v.value !== 'off' && !SEVERITIES.includes(v.value as Severity))) {
          if (v) problem(v, `\`${id}\` wants "off", "hint", "information", "warning" or "error".`);
          continue;
        }
        config.rules[id] = v.value as RuleSetting;
      }
    } else if (key === 'ignore') {
      if (valueNode.type !== 'array' || (valueNode.children ?? []).some((c) => c.type !== 'string')) problem(valueNode, '`ignore` must be an array of glob patterns (strings).');
      else config.ignore = (valueNode.children ?? []).map((c) => String(c.value));
    } else if (key === 'dns') {
      const dns = valueOf(valueNode) as Record<string, unknown>;
      if (valueNode.type !== 'object') {
        problem(valueNode, '`dns` must be an object: { "mode": "live" | "offline", "servers": [...], "timeoutMs": n }.');
        continue;
      }
      const child = (name: string) => valueNode.children?.find((p) => p.children?.[0].value === name)?.children?.[1];
      if (dns.mode !== undefined) {
        if (dns.mode === 'live' || dns.mode === 'offline') config.dns.mode = dns.mode;
        else problem(child('mode')!, '`dns.mode` wants "live" or "offline".');
      }
      if (dns.servers !== undefined) {
        if (Array.isArray(dns.servers) && dns.servers.every((s) => typeof s === 'string' && /^(\[[0-9a-f:]+\]|[^:\s]+)(:\d{1,5})?$/i.test(s))) config.dns.servers = dns.servers as string[];
        else problem(child('servers')!, '`dns.servers` wants an array of "HOST" or "HOST:PORT".');
      }
      if (dns.timeoutMs !== undefined) {
        if (Number.isInteger(dns.timeoutMs) && (dns.timeoutMs as number) > 0) config.dns.timeoutMs = dns.timeoutMs as number;
        else problem(child('timeoutMs')!, '`dns.timeoutMs` wants a positive number of milliseconds.');
      }
    } else if (key === 'domains') {
      parseDomains(valueNode, config, problem);
    } else if (key === 'include') {
      if (valueNode.type !== 'object') {
        problem(valueNode, `\`include\` wants extra globs per format: { ${SOURCE_FORMATS.map((f) => `"${f}": [...]`).join(', ')} }.`);
        continue;
      }
      for (const p of valueNode.children ?? []) {
        const [k, v] = p.children ?? [];
        const fmt = String(k?.value);
        if (!(SOURCE_FORMATS as readonly string[]).includes(fmt)) {
          problem(k, `Unknown format \`${fmt}\`; \`include\` knows ${SOURCE_FORMATS.join(', ')}.`);
          continue;
        }
        if (v?.type !== 'array' || (v.children ?? []).some((c) => c.type !== 'string')) {
          if (v) problem(v, `\`include.${fmt}\` must be an array of glob patterns (strings).`);
          continue;
        }
        config.include[fmt as SourceFormat] = (v.children ?? []).map((c) => String(c.value));
      }
    } else if (key === 'reports') {
      config.reports = parseReports(valueNode, problem);
    } else if (key === 'rollout') {
      (config as unknown as Record<string, unknown>)[key] = valueOf(valueNode);
    }
  }
  return { config, problems };
}

/** The text of a new `.dmarc-lens.json`, which the edits below start from when there is none. */
export const NEW_CONFIG = '{\n  "$schema": "https://raw.githubusercontent.com/dmarc-lens/dmarc-lens/main/schemas/dmarc-lens.schema.json"\n}\n';

/**
 * Edits that set `jsonPath` to `value` in a config text (comments and layout kept, its line ends), or
 * in a new file's text when there is none; and the text they make.
 */
export function configEdits(configText: string | undefined, jsonPath: (string | number)[], value: unknown): { edits: Edit[]; text: string } {
  const base = configText ?? NEW_CONFIG;
  const edits = modify(base, jsonPath, value, { formattingOptions: { insertSpaces: true, tabSize: 2, eol: base.includes('\r\n') ? '\r\n' : '\n' } });
  return { edits, text: applyEdits(base, edits) };
}

/**
 * Adds a source address or range to `reports.notOurs` (the owner has checked it is not theirs): the edits, or
 * the entry that already covers it, or why the file cannot take it (`reports` or `reports.notOurs`
 * written as something else, or not JSON at all).
 */
export function writeNotOurs(configText: string | undefined, ip: string): { edits: Edit[]; text: string } | { covered: string } | { error: string } {
  if (configText !== undefined) {
    const errors: ParseError[] = [];
    const root = parseTree(configText, errors, { allowTrailingComma: true, disallowComments: false });
    if (!root || root.type !== 'object' || errors.length) return { error: `${CONFIG_NAME} is not valid JSON: fix it first` };
    const reports = child(root, 'reports');
    const list = reports?.type === 'object' ? child(reports, 'notOurs') : undefined;
    if ((reports && reports.type !== 'object') || (list && list.type !== 'array')) return { error: `\`reports.notOurs\` in ${CONFIG_NAME} is not a list: fix it first` };
    const written = (list?.children ?? []).filter((c) => c.type === 'string').map((c) => String(c.value));
    const covered = written.find((w) => validCidr(w) && cidrInside(ip, w));
    if (covered) return { covered };
    // Into the list, or the `reports` object, as they are written (on one line, or one entry a line): nothing else moves.
    const edits = list ? appendTo(configText, list, JSON.stringify(ip)) : reports ? appendTo(configText, reports, `"notOurs": [${JSON.stringify(ip)}]`) : undefined;
    if (edits) return { edits, text: applyEdits(configText, edits) };
  }
  return configEdits(configText, ['reports', 'notOurs', -1], ip);
}

/**
 * The edit that removes the `index`-th entry of `reports.notOurs` as the list is laid out: on a line of
 * its own, the whole line (its comment goes with it), and the comma before it when it was the last; on
 * one line, the entry and one comma beside it. Undefined when there is no such entry.
 */
export function removeNotOurs(configText: string, index: number): Edit[] | undefined {
  const root = parseTree(configText, [], { allowTrailingComma: true, disallowComments: false });
  const reports = root && child(root, 'reports');
  const list = reports?.type === 'object' ? child(reports, 'notOurs') : undefined;
  const items = list?.type === 'array' ? (list.children ?? []) : [];
  const el = items[index];
  if (!el) return undefined;
  const prev = items[index - 1];
  const next = items[index + 1];
  const end = el.offset + el.length;
  const lineStart = configText.lastIndexOf('\n', el.offset - 1) + 1;
  const nl = configText.indexOf('\n', end);
  const ownLine = /^[ \t]*$/.test(configText.slice(lineStart, el.offset)) && nl >= 0 && list!.offset + list!.length - 1 > nl;
  if (ownLine) {
    const edits: Edit[] = [{ offset: lineStart, length: nl + 1 - lineStart, content: '' }];
    // The last entry without a comma of its own: the one before it loses its comma.
    const comma = prev && !next && !/^[ \t]*,/.test(configText.slice(end, end + 200)) ? /^[ \t]*,/.exec(configText.slice(prev.offset + prev.length, prev.offset + prev.length + 200)) : null;
    if (comma) edits.unshift({ offset: prev!.offset + prev!.length + comma[0].length - 1, length: 1, content: '' });
    return edits;
  }
  if (next) return [{ offset: el.offset, length: next.offset - el.offset, content: '' }];
  if (prev) return [{ offset: prev.offset + prev.length, length: end - (prev.offset + prev.length), content: '' }];
  return [{ offset: el.offset, length: el.length, content: '' }];
}

/**
 * Edits that add `item` at the end of a JSON array or object as it is laid out: after its last entry
 * on the same line (`["a", "b"]`), or on a line of its own with that entry's indent, after the comment
 * that ends the entry's line (which stays with it); a trailing comma stays a trailing comma. In an
 * empty one, between its brackets.
 */
function appendTo(text: string, node: Node, item: string): Edit[] {
  const last = node.children?.[node.children.length - 1];
  if (!last) return [{ offset: node.offset + 1, length: 0, content: node.type === 'object' ? ` ${item} ` : item }];
  const end = last.offset + last.length;
  const comma = /^[ \t]*,/.exec(text.slice(end, end + 200));
  const lineStart = text.lastIndexOf('\n', last.offset - 1) + 1;
  const indent = text.slice(lineStart, last.offset);
  if (!/^[ \t]*$/.test(indent)) return comma ? [{ offset: end + comma[0].length, length: 0, content: ` ${item},` }] : [{ offset: end, length: 0, content: `, ${item}` }];
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const nl = text.indexOf('\n', end);
  const lineEnd = nl < 0 ? text.length : text[nl - 1] === '\r' ? nl - 1 : nl;
  // The closing bracket on the entry's line: the new entry goes before it.
  if (node.offset + node.length - 1 < lineEnd) return comma ? [{ offset: end + comma[0].length, length: 0, content: `${eol}${indent}${item},` }] : [{ offset: end, length: 0, content: `,${eol}${indent}${item}` }];
  return [...(comma ? [] : [{ offset: end, length: 0, content: ',' }]), { offset: lineEnd, length: 0, content: `${eol}${indent}${item}${comma ? ',' : ''}` }];
}

/** The nearest `.dmarc-lens.json` from a file's folder upward, or undefined. */
export function findConfigFile(file: string): string | undefined {
  const abs = path.resolve(file);
  let isDir = false;
  try {
    isDir = fs.statSync(abs).isDirectory();
  } catch {
    // a file that is not on disk (an unsaved editor buffer): start at its folder
  }
  let dir = isDir ? abs : path.dirname(abs);
  for (;;) {
    const candidate = path.join(dir, CONFIG_NAME);
    if (fs.existsSync(candidate)) return candidate;
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** Reads configs once per file and modification time. */
export class ConfigCache {
  private readonly cache = new Map<string, { mtime: number; parsed: { config: ProjectConfig; problems: Finding[] } }>();

  load(file: string): { config: ProjectConfig; problems: Finding[] } {
    let mtime = -1;
    try {
      mtime = fs.statSync(file).mtimeMs;
    } catch {
      return { config: DEFAULT_CONFIG, problems: [] };
    }
    const hit = this.cache.get(file);
    if (hit && hit.mtime === mtime) return hit.parsed;
    let parsed: { config: ProjectConfig; problems: Finding[] };
    try {
      parsed = parseConfig(readFileBytes(file).toString('utf8'), file);
    } catch (e) {
      // A FIFO or a device named .dmarc-lens.json, or one too large: the defaults, and why.
      parsed = { config: DEFAULT_CONFIG, problems: [{ rule: 'meta/invalid-config', severity: 'error', message: `${CONFIG_NAME} cannot be read (${(e as Error).message}); the defaults apply.`, uri: file, range: { start: 0, end: 0 } }] };
    }
    this.cache.set(file, { mtime, parsed });
    return parsed;
  }

  /** The configuration that applies to a file: `override` if given, else the nearest file, else defaults. */
  forFile(file: string, override?: string): ProjectConfig {
    const cfg = override ?? findConfigFile(file);
    return cfg ? this.load(cfg).config : DEFAULT_CONFIG;
  }
}

/** The format a file is read as because the config's `include` names it (relative to the config's folder). */
export function includedFormat(config: ProjectConfig, file: string): SourceFormat | undefined {
  if (!config.file) return undefined;
  const rel = path.relative(path.dirname(config.file), path.resolve(file)).split(path.sep).join('/');
  if (rel.startsWith('..')) return undefined;
  for (const f of SOURCE_FORMATS) if (config.include[f]?.some((g) => minimatch(rel, g, { dot: true, matchBase: !g.includes('/') }))) return f;
  return undefined;
}

/** Whether a file is excluded by the config's `ignore` globs (relative to the config's folder). */
export function isIgnored(config: ProjectConfig, file: string): boolean {
  if (!config.file || config.ignore.length === 0) return false;
  const rel = path.relative(path.dirname(config.file), path.resolve(file)).split(path.sep).join('/');
  return config.ignore.some((g) => minimatch(rel, g, { dot: true, matchBase: !g.includes('/') }));
}
