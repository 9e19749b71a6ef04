/**
 * check_host() (RFC 7208 §4-§7): evaluates a sender against a domain's SPF policy through any
 * Resolver, with the DNS lookup limit (§4.6.4), void lookups, macro expansion (§7) and `exp=`.
 */
import { isIP } from 'node:net';
import { mxHost, type Resolver, type RRType } from '../dns/types';
import { isSpfRecord, parseSpf, type SpfTerm } from '../records/spf';

export type SpfResult = 'pass' | 'fail' | 'softfail' | 'neutral' | 'none' | 'permerror' | 'temperror';

export interface CheckHostOptions {
  /** The SMTP client's IP address. */
  ip: string;
  /** RFC5321.MailFrom; empty for a null sender (then `postmaster@helo` is checked). */
  sender: string;
  helo: string;
  resolver: Resolver;
  /** The receiving host's domain, for `%{r}` (default `unknown`). */
  receiver?: string;
  /** Seconds since the epoch, for `%{t}`. */
  now?: number;
}

export interface CheckHostOutcome {
  result: SpfResult;
  /** The `exp=` explanation, when the result is fail and the domain publishes one. */
  explanation?: string;
  /** DNS-querying terms evaluated (RFC 7208 §4.6.4). */
  lookups: number;
  voidLookups: number;
  /** The term that decided the result, or why there was an error. */
  reason: string;
}

const MAX_LOOKUPS = 10;
const MAX_VOID = 2;
const MAX_MX_PTR = 10;

class Abort extends Error {
  constructor(
    readonly result: 'permerror' | 'temperror',
    message: string,
  ) {
    super(message);
  }
}

export type Ip = { v: 4 | 6; bytes: number[]; text: string };

/** Dotted-quad IPv4 as node:net's isIPv4 takes it (no leading zeros, each part at most 255), without its regular expression. */
function parseIpv4(text: string): number[] | undefined {
  const bytes = [0, 0, 0, 0];
  let part = 0;
  let digits = 0;
  let value = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 46;
    if (c === 46) {
      if (digits === 0 || part > 3) return undefined;
      bytes[part++] = value;
      digits = value = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && value === 0) return undefined; // a leading zero
      value = value * 10 + c - 48;
      if (++digits > 3 || value > 255) return undefined;
    } else return undefined;
  }
  return part === 4 ? bytes : undefined;
}

export function parseIp(text: string): Ip | undefined {
  const v4 = parseIpv4(text);
  if (v4) return { v: 4, bytes: v4, text };
  if (isIP(text) !== 6) return undefined;
  // IPv4-mapped IPv6 (::ffff:a.b.c.d) is treated as the IPv4 address (RFC 7208 §5, as receivers do).
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(text);
  if (mapped) return parseIp(mapped[1]);
  return { v: 6, bytes: ipv6Bytes(text), text };
}

/** The 16 bytes of an address node:net's isIPv6 accepts (a zone index, `%eth0`, left out). */
function ipv6Bytes(text: string): number[] {
  const zone = text.indexOf('%');
  const s = zone >= 0 ? text.slice(0, zone) : text;
  const bytes = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  const gap = s.indexOf('::');
  const head = ipv6Groups(gap < 0 ? s : s.slice(0, gap));
  const tail = gap < 0 ? [] : ipv6Groups(s.slice(gap + 2));
  // The head's groups from the first byte, the tail's ending at the last; `::` is the zeros between.
  const put = (groups: number[], at: number) => {
    for (let i = 0; i < groups.length; i++) {
      bytes[2 * (at + i)] = groups[i] >> 8;
      bytes[2 * (at + i) + 1] = groups[i] & 255;
    }
  };
  put(head, 0);
  put(tail, 8 - tail.length);
  return bytes;
}

/** The 16-bit groups of one side of `::` (a dotted IPv4 at its end is two groups). */
function ipv6Groups(part: string): number[] {
  const out: number[] = [];
  if (!part) return out;
  let value = 0;
  for (let i = 0; i < part.length; i++) {
    const c = part.charCodeAt(i);
    if (c === 58) {
      out.push(value);
      value = 0;
    } else if (c === 46) {
      const v4 = parseIpv4(part.slice(part.lastIndexOf(':') + 1)) ?? [0, 0, 0, 0];
      out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      return out;
    } else value = value * 16 + (c <= 57 ? c - 48 : (c | 32) - 87);
  }
  out.push(value);
  return out;
}

/** `ip` lies in `net`/`prefix` (same address family). */
export function inNetwork(ip: Ip, net: Ip, prefix: number): boolean {
  if (ip.v !== net.v) return false;
  for (let bit = 0; bit < prefix; bit += 8) {
    const n = Math.min(8, prefix - bit);
    const mask = (0xff << (8 - n)) & 0xff;
    if ((ip.bytes[bit >> 3] & mask) !== (net.bytes[bit >> 3] & mask)) return false;
  }
  return true;
}

/** RFC 7208 §4.3: a domain check_host() can evaluate: multi-label, labels 1-63 octets, at most 253. */
/**
 * A target a/mx/exists can look up: a valid domain, or a single label (a macro such as `%{d1}` makes
 * one). pyspf and Mail::SPF ask DNS for a single label too, and its void answer counts.
 */
function lookupName(d: string): boolean {
  const name = d.endsWith('.') ? d.slice(0, -1) : d;
  return validDomain(name) || (name.length > 0 && name.length <= 63 && !name.includes('.'));
}

export function validDomain(d: string): boolean {
  const name = d.endsWith('.') ? d.slice(0, -1) : d;
  if (name.length === 0 || name.length > 253) return false;
  const labels = name.split('.');
  if (labels.length < 2) return false;
  return labels.every((l) => l.length > 0 && l.length <= 63);
}

interface Env {
  opts: CheckHostOptions;
  ip: Ip;
  sender: string;
  local: string;
  senderDomain: string;
  lookups: number;
  voids: number;
}

/**
 * `%{i}`: dotted quad, or the 32 nibbles of an IPv6 address dot-separated in upper case as in the
 * RFC 7208 §7.4 examples; `%{c}` (readable): the address in its canonical text form (RFC 5952).
 */
function ipMacro(ip: Ip, readable: boolean): string {
  if (ip.v === 4) return ip.bytes.join('.');
  if (readable) return new URL(`http://[${ip.text}]/`).hostname.slice(1, -1);
  return ip.bytes.flatMap((b) => [(b >> 4).toString(16), (b & 15).toString(16)]).join('.').toUpperCase();
}

/** Expands a macro-string (RFC 7208 §7.3); `exp` allows c, r, t. Throws permerror on bad syntax. */
async function expand(s: string, env: Env, domain: string, exp: boolean): Promise<string> {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== '%') {
      out += c;
      continue;
    }
    const n = s[i + 1];
    if (n === '%') out += '%';
    else if (n === '_') out += ' ';
    else if (n === '-') out += '%20';
    else if (n === '{') {
      const close = s.indexOf('}', i + 2);
      if (close < 0) throw new Abort('permerror', 'unterminated macro');
      const m = /^([a-zA-Z])(\d*)(r?)([.\-+,/_=]*)$/.exec(s.slice(i + 2, close));
      if (!m) throw new Abort('permerror', `invalid macro %{${s.slice(i + 2, close)}}`);
      const letter = m[1].toLowerCase();
      if (!exp && 'crt'.includes(letter)) throw new Abort('permerror', `macro %{${m[1]}} outside exp`);
      let value: string;
      switch (letter) {
        case 's': value = env.sender; break;
        case 'l': value = env.local; break;
        case 'o': value = env.senderDomain; break;
        case 'd': value = domain; break;
        case 'i': value = ipMacro(env.ip, false); break;
        case 'p': value = await validatedName(env, domain); break;
        case 'v': value = env.ip.v === 4 ? 'in-addr' : 'ip6'; break;
        case 'h': value = env.opts.helo; break;
        case 'c': value = ipMacro(env.ip, true); break;
        case 'r': value = env.opts.receiver ?? 'unknown'; break;
        case 't': value = String(env.opts.now ?? Math.floor(Date.now() / 1000)); break;
        default: throw new Abort('permerror', `unknown macro letter ${m[1]}`);
      }
      const delims = m[4] || '.';
      let parts = value.split(new RegExp(`[${delims.replace(/[-\\\]^]/g, '\\$&')}]`));
      if (m[3]) parts = parts.reverse();
      if (m[2] !== '') {
        const keep = Number(m[2]);
        if (keep === 0) throw new Abort('permerror', 'macro digit 0');
        parts = parts.slice(Math.max(0, parts.length - keep));
      }
      value = parts.join('.');
      // An upper-case letter asks for URL escaping (RFC 7208 §7.3).
      if (m[1] !== letter) value = value.replace(/[^A-Za-z0-9\-._~]/g, (ch) => [...Buffer.from(ch)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''));
      out += value;
      i = close;
      continue;
    } else throw new Abort('permerror', 'invalid % escape');
    i++;
  }
  return out;
}

/** A domain-spec after expansion: over 253 octets, left-hand labels are dropped (RFC 7208 §7.3). */
async function expandDomain(spec: string, env: Env, domain: string): Promise<string> {
  let d = await expand(spec, env, domain, false);
  if (d.endsWith('.')) d = d.slice(0, -1);
  while (d.length > 253 && d.includes('.')) d = d.slice(d.indexOf('.') + 1);
  return d;
}

async function query(env: Env, name: string, type: RRType, countVoid: boolean): Promise<string[]> {
  const a = await env.opts.resolver.resolve(name, type);
  if (a.status === 'error') throw new Abort('temperror', `DNS error for ${name} ${type}: ${a.message}`);
  if (a.status === 'ok' && a.records.length > 0) return a.records;
  if (countVoid && ++env.voids > MAX_VOID) throw new Abort('permerror', `more than ${MAX_VOID} void lookups (RFC 7208 §4.6.4)`);
  return [];
}

function countLookup(env: Env, what: string): void {
  if (++env.lookups > MAX_LOOKUPS) throw new Abort('permerror', `more than ${MAX_LOOKUPS} DNS lookups at ${what} (RFC 7208 §4.6.4)`);
}

async function addresses(env: Env, name: string, countVoid: boolean): Promise<Ip[]> {
  const recs = await query(env, name, env.ip.v === 4 ? 'A' : 'AAAA', countVoid);
  return recs.map(parseIp).filter((x): x is Ip => x !== undefined);
}

/** The name a PTR query for an address asks (RFC 1035 §3.5, RFC 3596 §2.5). */
export function reverseName(ip: Ip): string {
  return ip.v === 4 ? `${[...ip.bytes].reverse().join('.')}.in-addr.arpa` : `${ipMacro(ip, false).split('.').reverse().join('.')}.ip6.arpa`;
}

/** Validated PTR names of the client IP (RFC 7208 §5.5), at most 10 looked up. */
async function validatedNames(env: Env): Promise<string[]> {
  let names: string[];
  try {
    names = await query(env, reverseName(env.ip), 'PTR', true);
  } catch (e) {
    if (e instanceof Abort && e.result === 'temperror') return [];
    throw e;
  }
  const out: string[] = [];
  for (const n of names.slice(0, MAX_MX_PTR)) {
    const name = n.replace(/\.$/, '').toLowerCase();
    try {
      const ips = await addresses(env, name, false);
      if (ips.some((x) => inNetwork(env.ip, x, env.ip.v === 4 ? 32 : 128))) out.push(name);
    } catch (e) {
      if (!(e instanceof Abort && e.result === 'temperror')) throw e;
    }
  }
  return out;
}

async function validatedName(env: Env, domain: string): Promise<string> {
  const names = await validatedNames(env);
  const d = domain.toLowerCase();
  return names.find((n) => n === d) ?? names.find((n) => n.endsWith(`.${d}`)) ?? names[0] ?? 'unknown';
}

async function mechanismMatches(t: SpfTerm, env: Env, domain: string): Promise<boolean> {
  const target = async () => (t.arg !== undefined ? expandDomain(t.arg, env, domain) : domain);
  switch (t.name) {
    case 'all':
      return true;
    case 'ip4':
    case 'ip6': {
      const net = parseIp(t.arg!);
      if (!net) throw new Abort('permerror', `bad address ${t.arg}`);
      const prefix = t.name === 'ip4' ? (t.cidr4 ?? 32) : (t.cidr6 ?? 128);
      return inNetwork(env.ip, net, prefix);
    }
    case 'a': {
      countLookup(env, t.text);
      const name = await target();
      if (!lookupName(name)) return false;
      const prefix = env.ip.v === 4 ? (t.cidr4 ?? 32) : (t.cidr6 ?? 128);
      return (await addresses(env, name, true)).some((x) => inNetwork(env.ip, x, prefix));
    }
    case 'mx': {
      countLookup(env, t.text);
      const name = await target();
      if (!lookupName(name)) return false;
      const hosts = (await query(env, name, 'MX', true)).map(mxHost);
      if (hosts.length > MAX_MX_PTR) throw new Abort('permerror', `${name} has ${hosts.length} MX hosts; at most ${MAX_MX_PTR} may be looked up (RFC 7208 §4.6.4)`);
      const prefix = env.ip.v === 4 ? (t.cidr4 ?? 32) : (t.cidr6 ?? 128);
      // A host with no address of the client's family is a void lookup, as pyspf and Mail::SPF count it.
      for (const h of hosts) if (h !== '' && (await addresses(env, h, true)).some((x) => inNetwork(env.ip, x, prefix))) return true;
      return false;
    }
    case 'ptr': {
      countLookup(env, t.text);
      const d = (await target()).toLowerCase();
      return (await validatedNames(env)).some((n) => n === d || n.endsWith(`.${d}`));
    }
    case 'exists': {
      countLookup(env, t.text);
      const name = await target();
      if (!lookupName(name)) return false;
      // exists always looks up A records, whatever the client's address family (RFC 7208 §5.7).
      return (await query(env, name, 'A', true)).length > 0;
    }
    case 'include': {
      countLookup(env, t.text);
      const name = await target();
      const r = await evaluate(name, env);
      if (r.result === 'pass') return true;
      if (r.result === 'fail' || r.result === 'softfail' || r.result === 'neutral') return false;
      if (r.result === 'temperror') throw new Abort('temperror', `include:${name}: ${r.reason}`);
      throw new Abort('permerror', `include:${name} gave ${r.result}: ${r.reason}`);
    }
    default:
      throw new Abort('permerror', `unknown mechanism ${t.name}`);
  }
}

const QUALIFIED: Record<string, SpfResult> = { '+': 'pass', '-': 'fail', '~': 'softfail', '?': 'neutral' };

interface Evaluation {
  result: SpfResult;
  reason: string;
  explanation?: string;
}

/** check_host(ip, domain, sender) with shared counters (RFC 7208 §4). */
async function evaluate(domain: string, env: Env): Promise<Evaluation> {
  if (!validDomain(domain)) return { result: 'none', reason: `${domain} is not a valid domain (RFC 7208 §4.3)` };
  const txt = await env.opts.resolver.resolve(domain, 'TXT');
  if (txt.status === 'error') return { result: 'temperror', reason: `DNS error for ${domain}: ${txt.message}` };
  const records = txt.status === 'ok' ? txt.records.filter(isSpfRecord) : [];
  if (records.length === 0) return { result: 'none', reason: `${domain} has no SPF record` };
  if (records.length > 1) return { result: 'permerror', reason: `${domain} has ${records.length} SPF records (RFC 7208 §4.5)` };
  const record = parseSpf(records[0]);
  if (record.problems.length) return { result: 'permerror', reason: record.problems[0].message };
  const mods = new Map<string, SpfTerm>();
  for (const t of record.terms) {
    if (t.kind !== 'modifier' || (t.name !== 'redirect' && t.name !== 'exp')) continue;
    if (mods.has(t.name)) return { result: 'permerror', reason: `${t.name} appears twice (RFC 7208 §6)` };
    mods.set(t.name, t);
  }
  for (const t of record.terms) {
    if (t.kind !== 'mechanism') continue;
    if (await mechanismMatches(t, env, domain)) {
      const result = QUALIFIED[t.qualifier];
      const ev: Evaluation = { result, reason: `matched ${t.text}` };
      if (result === 'fail' && mods.has('exp')) ev.explanation = await explain(mods.get('exp')!, env, domain);
      return ev;
    }
  }
  const redirect = mods.get('redirect');
  if (redirect) {
    countLookup(env, redirect.text);
    const target = await expandDomain(redirect.arg!, env, domain);
    const r = await evaluate(target, env);
    if (r.result === 'none') return { result: 'permerror', reason: `redirect=${target}: no SPF record there (RFC 7208 §6.1)` };
    return r;
  }
  return { result: 'neutral', reason: 'no mechanism matched and there is no redirect (RFC 7208 §4.7)' };
}

/** The `exp=` explanation (RFC 7208 §6.2); any error leaves no explanation. */
async function explain(exp: SpfTerm, env: Env, domain: string): Promise<string | undefined> {
  try {
    const name = await expandDomain(exp.arg!, env, domain);
    if (!validDomain(name)) return undefined;
    const a = await env.opts.resolver.resolve(name, 'TXT');
    if (a.status !== 'ok' || a.records.length !== 1) return undefined;
    const text = a.records[0];
    if (/[^\x20-\x7e]/.test(text)) return undefined;
    return await expand(text, env, domain, true);
  } catch {
    return undefined;
  }
}

/** check_host() for the RFC5321.MailFrom (or HELO when MailFrom is empty), RFC 7208 §2.3-§2.4, §4. */
export async function checkHost(opts: CheckHostOptions): Promise<CheckHostOutcome> {
  const ip = parseIp(opts.ip);
  if (!ip) return { result: 'permerror', lookups: 0, voidLookups: 0, reason: `${opts.ip} is not an IP address` };
  let sender = opts.sender;
  if (sender === '') sender = `postmaster@${opts.helo}`;
  const at = sender.lastIndexOf('@');
  let local = at >= 0 ? sender.slice(0, at) : 'postmaster';
  const senderDomain = (at >= 0 ? sender.slice(at + 1) : sender).replace(/\.$/, '');
  // RFC 7208 §4.3: a sender without local-part is checked as postmaster@domain.
  if (local === '') local = 'postmaster';
  sender = `${local}@${senderDomain}`;
  const env: Env = { opts, ip, sender, local, senderDomain, lookups: 0, voids: 0 };
  try {
    const r = await evaluate(senderDomain, env);
    return { result: r.result, explanation: r.explanation, lookups: env.lookups, voidLookups: env.voids, reason: r.reason };
  } catch (e) {
    if (e instanceof Abort) return { result: e.result, lookups: env.lookups, voidLookups: env.voids, reason: e.message };
    throw e;
  }
}
