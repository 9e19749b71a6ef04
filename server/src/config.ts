/**
 * The project configuration file `.dmarc-lens.json` (JSON with comments): rule severities, ignored
 * paths, DNS settings (and later rollout, reports and sender profiles). The nearest file upward from
 * each checked file applies; `--config FILE` overrides it. A broken file is reported at the exact
 * place, and everything else keeps working with the defaults.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Node, parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { minimatch } from 'minimatch';
import { rulesById } from './checks/registry';
import type { RuleSetting } from './service';
import { SEVERITIES, type Finding, type Severity } from './types';

export const CONFIG_NAME = '.dmarc-lens.json';

export interface ProjectConfig {
  /** Absolute path of the file, undefined for the defaults. */
  file?: string;
  rules: Record<string, RuleSetting>;
  ignore: string[];
  dns: { mode?: 'live' | 'offline'; servers?: string[]; timeoutMs?: number };
  /** Sections later features read, kept as written. */
  rollout?: unknown;
  reports?: unknown;
  domains?: unknown;
}

export const DEFAULT_CONFIG: ProjectConfig = { rules: {}, ignore: [], dns: {} };

const KNOWN_KEYS = new Set(['$schema', 'rules', 'ignore', 'include', 'dns', 'rollout', 'reports', 'domains']);

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
    problems.push({ rule: 'meta/invalid-config', severity, message, uri: file, range: { start: node.offset, end: node.offset + Math.max(1, node.length) } });
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  for (const e of errors) problem({ offset: e.offset, length: e.length }, `${CONFIG_NAME} is not valid JSON here: ${printParseErrorCode(e.error)}.`);
  const config: ProjectConfig = { file, rules: {}, ignore: [], dns: {} };
  if (!root || root.type !== 'object') {
    if (root) problem(root, `${CONFIG_NAME} must be a JSON object.`);
    return { config, problems };
  }
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
    } else if (key === 'rollout' || key === 'reports' || key === 'domains') {
      (config as unknown as Record<string, unknown>)[key] = valueOf(valueNode);
    }
  }
  return { config, problems };
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
    const parsed = parseConfig(fs.readFileSync(file, 'utf8'), file);
    this.cache.set(file, { mtime, parsed });
    return parsed;
  }

  /** The configuration that applies to a file: `override` if given, else the nearest file, else defaults. */
  forFile(file: string, override?: string): ProjectConfig {
    const cfg = override ?? findConfigFile(file);
    return cfg ? this.load(cfg).config : DEFAULT_CONFIG;
  }
}

/** Whether a file is excluded by the config's `ignore` globs (relative to the config's folder). */
export function isIgnored(config: ProjectConfig, file: string): boolean {
  if (!config.file || config.ignore.length === 0) return false;
  const rel = path.relative(path.dirname(config.file), path.resolve(file)).split(path.sep).join('/');
  return config.ignore.some((g) => minimatch(rel, g, { dot: true, matchBase: !g.includes('/') }));
}
