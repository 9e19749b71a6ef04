/**
 * SPF record parser (RFC 7208 §4.5, §4.6, §5, §6, §7). Pure, never throws; every term and every
 * problem carries its exact range in the record value.
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { OffsetRange } from '../types';

export type Qualifier = '+' | '-' | '~' | '?';
export const MECHANISMS = ['all', 'include', 'a', 'mx', 'ptr', 'ip4', 'ip6', 'exists'] as const;
export type MechanismName = (typeof MECHANISMS)[number];

export interface SpfTerm {
  kind: 'mechanism' | 'modifier';
  /** The whole term. */
  range: OffsetRange;
  text: string;
  /** Lower-cased mechanism or modifier name. */
  name: string;
  nameRange: OffsetRange;
  /** Mechanisms only: the qualifier, `+` when none is written. */
  qualifier: Qualifier;
  qualifierRange?: OffsetRange;
  /** Text after `:` (mechanism) or `=` (modifier), before any CIDR suffix. */
  arg?: string;
  argRange?: OffsetRange;
  cidr4?: number;
  cidr6?: number;
  cidrRange?: OffsetRange;
  /** True when this term has a syntax problem (it is then not evaluated by later rules). */
  invalid: boolean;
}

export type SpfProblemCode =
  | 'syntax'
  | 'unknown-mechanism'
  | 'invalid-ip'
  | 'invalid-cidr'
  | 'invalid-domain-spec'
  | 'invalid-macro'
  | 'separator'
  | 'version';

export interface SpfProblem {
  code: SpfProblemCode;
  range: OffsetRange;
  message: string;
}

export interface SpfRecord {
  value: string;
  /** Range of `v=spf1`, undefined when the record does not start with it. */
  version?: OffsetRange;
  terms: SpfTerm[];
  problems: SpfProblem[];
}

const VERSION_RE = /^v=spf1(?= |$)/i;

/** RFC 7208 §4.5: a record is an SPF record when it begins with `v=spf1` followed by a space or its end. */
export function isSpfRecord(value: string): boolean {
  return VERSION_RE.test(value);
}

/** Values that look like a broken attempt at SPF (so they are checked and explained, not ignored). */
export function looksLikeSpf(value: string): boolean {
  if (isSpfRecord(value)) return true;
  const v = value.trimStart().toLowerCase();
  if (/^v\s*=\s*spf/.test(v) || /^spf1?\b/.test(v)) return true;
  if (/^"?v=spf1/.test(v)) return true;
  return /\bv=spf1\b/.test(v) && /(?:^|\s)[-~?+]?(?:include:|ip4:|ip6:|all\b)/.test(v);
}

export function isSenderId(value: string): boolean {
  return /^spf2\.0\//i.test(value.trimStart()) || /^v=spf2/i.test(value.trimStart());
}

const MACRO_LETTERS = 'slodiphcrtv';
const EXP_ONLY_LETTERS = 'crt';
const DELIMS = '.-+,/_=';

/** A white-space or control character, named for a message (written raw it would break the message's line). */
function whiteSpaceName(c: string): string {
  const names: Record<string, string> = { '\t': 'tab', '\n': 'line break', '\r': 'carriage return', '\v': 'vertical tab', '\f': 'form feed', '\u00a0': 'no-break space', ' ': 'space' };
  const hex = `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  return names[c] ? `${names[c]} (${hex})` : `control character ${hex}`;
}

/**
 * Validates a macro-string (RFC 7208 §7.1); returns a problem for the first bad macro.
 * `exp` enables the letters only allowed in explanation strings.
 */
export function checkMacroString(s: string, offset: number, exp = false): SpfProblem | undefined {
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    const code = s.charCodeAt(i);
    if (c !== '%') {
      if (!exp && (code < 0x21 || code > 0x7e)) {
        // A character beyond the BMP is two UTF-16 units: named and ranged whole.
        const cp = s.codePointAt(i)!;
        const ch = String.fromCodePoint(cp);
        return { code: 'invalid-domain-spec', range: { start: offset + i, end: offset + i + ch.length }, message: `${code < 0x21 || code === 0x7f ? `A ${whiteSpaceName(c)}` : `Character \`${ch}\` (U+${cp.toString(16).toUpperCase().padStart(4, '0')}, not ASCII)`} is not allowed in a domain-spec (RFC 7208 §7.1).` };
      }
      continue;
    }
    const next = s[i + 1];
    if (next === '%' || next === '_' || next === '-') {
      i++;
      continue;
    }
    if (next !== '{') {
      return {
        code: 'invalid-macro',
        range: { start: offset + i, end: offset + Math.min(s.length, i + 2) },
        message: 'A `%` must start a macro `%{…}` or be written `%%`, `%_` or `%-` (RFC 7208 §7.1).',
      };
    }
    const close = s.indexOf('}', i + 2);
    if (close < 0) {
      return { code: 'invalid-macro', range: { start: offset + i, end: offset + s.length }, message: 'Macro `%{` is not closed with `}` (RFC 7208 §7.1).' };
    }
    const body = s.slice(i + 2, close);
    const m = /^([a-z])(\d*)(r?)([.\-+,/_=]*)$/i.exec(body);
    const range = { start: offset + i, end: offset + close + 1 };
    if (!m || !MACRO_LETTERS.includes(m[1].toLowerCase())) {
      return { code: 'invalid-macro', range, message: `\`%{${body}}\` is not a valid macro; letters are s l o d i p h v (and c r t in exp) with optional digits, \`r\` and delimiters \`${DELIMS}\` (RFC 7208 §7.1).` };
    }
    if (!exp && EXP_ONLY_LETTERS.includes(m[1].toLowerCase())) {
      return { code: 'invalid-macro', range, message: `Macro letter \`${m[1]}\` is only allowed in an \`exp\` explanation (RFC 7208 §7.2).` };
    }
    if (m[2] !== '' && Number(m[2]) === 0) {
      return { code: 'invalid-macro', range, message: 'Macro transformer digit 0 is not allowed (RFC 7208 §7.3).' };
    }
    i = close;
  }
  return undefined;
}

/**
 * Validates a domain-spec: a macro-string ending in a domain-end (a top label that is not all digits,
 * or a macro), RFC 7208 §7.1.
 */
export function checkDomainSpec(s: string, offset: number): SpfProblem | undefined {
  const whole = { start: offset, end: offset + s.length };
  if (s === '') return { code: 'invalid-domain-spec', range: whole, message: 'Empty domain-spec (RFC 7208 §7.1).' };
  const macro = checkMacroString(s, offset);
  if (macro) return macro;
  if (/%\{[^}]*\}$/.test(s)) return undefined;
  const trimmed = s.endsWith('.') ? s.slice(0, -1) : s;
  const labels = trimmed.split('.');
  if (labels.length < 2) {
    return { code: 'invalid-domain-spec', range: whole, message: `\`${s}\` is not a fully qualified domain name (RFC 7208 §7.1 domain-end).` };
  }
  if (labels.some((l) => l === '' && !/%/.test(l))) {
    return { code: 'invalid-domain-spec', range: whole, message: `\`${s}\` has an empty label (RFC 7208 §4.3).` };
  }
  const top = labels[labels.length - 1];
  if (!/^(?:[a-z0-9]*[a-z][a-z0-9]*|[a-z0-9]+-[a-z0-9-]*[a-z0-9])$/i.test(top)) {
    return { code: 'invalid-domain-spec', range: whole, message: `\`${s}\` does not end in a valid top label \`${top}\` (RFC 7208 §7.1 toplabel).` };
  }
  if (labels.some((l) => l.length > 63)) {
    return { code: 'invalid-domain-spec', range: whole, message: `\`${s}\` has a label longer than 63 octets (RFC 1035 §2.3.4).` };
  }
  return undefined;
}

const MODIFIER_NAME_RE = /^[a-z][a-z0-9\-_.]*$/i;

export function parseSpf(value: string): SpfRecord {
  const record: SpfRecord = { value, terms: [], problems: [] };
  const problems = record.problems;
  let pos = 0;
  const m = VERSION_RE.exec(value);
  if (m) {
    record.version = { start: 0, end: m[0].length };
    pos = m[0].length;
  } else {
    const glued = /^v=spf1/i.exec(value);
    const found = /v=spf1/i.exec(value);
    if (glued) {
      record.version = { start: 0, end: 6 };
      problems.push({ code: 'version', range: { start: 0, end: Math.min(value.length, nextSpace(value, 0)) }, message: '`v=spf1` must be followed by a space; here it runs into the next term, so receivers do not see an SPF record (RFC 7208 §4.5).' });
      pos = 6;
    } else if (found) {
      problems.push({ code: 'version', range: { start: found.index, end: found.index + 6 }, message: '`v=spf1` must be the very first thing in the record; receivers ignore a record that does not start with it (RFC 7208 §4.5).' });
      pos = 0;
    } else {
      const end = Math.max(1, nextSpace(value, 0));
      problems.push({ code: 'version', range: { start: 0, end: Math.min(end, value.length) }, message: 'The record does not start with `v=spf1`, so receivers do not treat it as SPF (RFC 7208 §4.5).' });
    }
  }

  const misplacedVersion = record.version === undefined ? value.toLowerCase().indexOf('v=spf1') : -1;
  while (pos < value.length) {
    const c = value.charCodeAt(pos);
    if (c === 32) {
      pos++;
      continue;
    }
    const start = pos;
    const end = nextSpace(value, pos);
    pos = end;
    const text = value.slice(start, end);
    // A misplaced `v=spf1` is reported above; it is not also a term.
    if (start === misplacedVersion) continue;
    // `;` or `,` between terms (as in DMARC records, or a list of addresses): one problem for each, and the terms meant read on their own.
    const split = text.indexOf(';') < 0 && text.indexOf(',') < 0 ? undefined : separatorSplit(text);
    if (split) {
      for (const at of split.separators)
        problems.push({
          code: 'separator',
          range: { start: start + at, end: start + at + 1 },
          message: `\`${text[at]}\` does not separate SPF terms, only spaces do (RFC 7208 §4.6.1): receivers read \`${text}\` as one term, and the whole record fails with a permerror for every message.`,
        });
      for (const part of split.parts) if (part.text !== '') parseTerm(part.text, start + part.at, record);
      continue;
    }
    parseTerm(text, start, record);
  }
  // RFC 7208 §4.5/§12: only SP separates terms; tabs and other white space are syntax errors.
  const ws = /[\t\r\n\v\f\u00a0]/.exec(value);
  if (ws) {
    // That character is not also a character a domain-spec cannot hold: one finding for it.
    const at = problems.findIndex((p) => p.code === 'invalid-domain-spec' && p.range.start === ws.index);
    if (at >= 0) problems.splice(at, 1);
    problems.push({ code: 'syntax', range: { start: ws.index, end: ws.index + 1 }, message: `Only spaces may separate SPF terms; this ${whiteSpaceName(ws[0])} makes the record invalid (RFC 7208 §4.6.1).` });
  }
  return record;
}

/** A piece of text that reads as an SPF term: a mechanism (with its qualifier) or `redirect=`/`exp=`. */
export const TERM_LIKE = /^(?:[-+~?]?all$|[-+~?]?(?:a|mx)(?:$|[/:])|[-+~?]?ptr(?:$|:)|[-+~?]?(?:include|exists|ip4|ip6):.|(?:redirect|exp)=.)/i;
const ADDRESS_LIKE = /^[0-9a-f:.]*[.:][0-9a-f:.]*(?:\/\d*)?$/i;

/**
 * A term that is several terms joined by `;` or `,` (`include:a.example;`, `mx,-all`,
 * `ip4:192.0.2.1,192.0.2.2`): the pieces, with their offsets in the term, and where each separator
 * is. Undefined when any separator is not between things that read as terms (or at the end): a `,` in
 * a macro's delimiters is not one.
 */
function separatorSplit(text: string): { parts: { text: string; at: number }[]; separators: number[] } | undefined {
  const list = /^[-+~?]?ip[46]:/i.test(text);
  const parts: { text: string; at: number }[] = [];
  const separators: number[] = [];
  let from = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = text[i];
    if (i < text.length && c !== ';' && c !== ',') continue;
    parts.push({ text: text.slice(from, i), at: from });
    if (i < text.length) separators.push(i);
    from = i + 1;
  }
  for (let k = 1; k < parts.length; k++) {
    const p = parts[k].text;
    const ok = p === '' ? k === parts.length - 1 : TERM_LIKE.test(p) || (list && ADDRESS_LIKE.test(p));
    if (!ok || parts[k - 1].text === '') return undefined;
  }
  // An address after a comma in an ip4/ip6 list is no term of its own (the fix makes it one).
  return { parts: parts.filter((p, k) => k === 0 || TERM_LIKE.test(p.text)), separators };
}

function nextSpace(s: string, from: number): number {
  const i = s.indexOf(' ', from);
  return i < 0 ? s.length : i;
}

function parseTerm(text: string, start: number, record: SpfRecord): void {
  const problems = record.problems;
  const range = { start, end: start + text.length };
  // A modifier is `name=value` where the name comes before any `:` or `/` (RFC 7208 §4.6.1, §6).
  const eq = text.indexOf('=');
  const colon = text.indexOf(':');
  const slash = text.indexOf('/');
  if (eq > 0 && (colon < 0 || eq < colon) && (slash < 0 || eq < slash) && MODIFIER_NAME_RE.test(text.slice(0, eq))) {
    const name = text.slice(0, eq).toLowerCase();
    const arg = text.slice(eq + 1);
    const term: SpfTerm = {
      kind: 'modifier',
      range,
      text,
      name,
      nameRange: { start, end: start + eq },
      qualifier: '+',
      arg,
      argRange: { start: start + eq + 1, end: range.end },
      invalid: false,
    };
    let p: SpfProblem | undefined;
    if (name === 'redirect') p = checkDomainSpec(arg, start + eq + 1);
    else if (name === 'exp') p = checkDomainSpec(arg, start + eq + 1);
    else p = checkMacroString(arg, start + eq + 1, true);
    if (p) {
      problems.push(p);
      term.invalid = true;
    }
    record.terms.push(term);
    return;
  }

  let q = 0;
  let qualifier: Qualifier = '+';
  let qualifierRange: OffsetRange | undefined;
  if ('+-~?'.includes(text[0])) {
    qualifier = text[0] as Qualifier;
    qualifierRange = { start, end: start + 1 };
    q = 1;
  }
  let nameEnd = q;
  while (nameEnd < text.length && /[a-z0-9]/i.test(text[nameEnd])) nameEnd++;
  const name = text.slice(q, nameEnd).toLowerCase();
  const term: SpfTerm = {
    kind: 'mechanism',
    range,
    text,
    name,
    nameRange: { start: start + q, end: start + nameEnd },
    qualifier,
    qualifierRange,
    invalid: false,
  };
  record.terms.push(term);
  const fail = (code: SpfProblemCode, message: string, r: OffsetRange = range) => {
    problems.push({ code, range: r, message });
    term.invalid = true;
  };
  if (!(MECHANISMS as readonly string[]).includes(name)) {
    if (eq > 0) fail('syntax', `\`${text}\` is neither a mechanism nor a valid modifier name (RFC 7208 §4.6.1).`);
    else if (name === '') fail('syntax', `\`${text}\` is not a valid SPF term (RFC 7208 §4.6.1).`);
    else fail('unknown-mechanism', `Unknown mechanism \`${name}\`; SPF knows all, include, a, mx, ptr, ip4, ip6 and exists (RFC 7208 §5).`, term.nameRange);
    return;
  }
  let rest = text.slice(nameEnd);
  let restStart = start + nameEnd;
  let arg: string | undefined;
  if (rest.startsWith(':')) {
    // The argument runs up to a CIDR suffix: for a/mx the last `/digits` groups; ip4/ip6 carry it after the address.
    const body = rest.slice(1);
    let argEnd = body.length;
    if (name === 'a' || name === 'mx' || name === 'ip4' || name === 'ip6') {
      const cm = /(\/\d*)?(\/\/?\d*)?$/.exec(body);
      if (name === 'ip6') {
        const sm = /\/\d*$/.exec(body);
        argEnd = sm ? sm.index : body.length;
      } else if (cm && cm[0] !== '') argEnd = cm.index;
    }
    arg = body.slice(0, argEnd);
    term.arg = arg;
    term.argRange = { start: restStart + 1, end: restStart + 1 + argEnd };
    rest = body.slice(argEnd);
    restStart = restStart + 1 + argEnd;
  }

  switch (name) {
    case 'all':
      if (text.length > nameEnd) fail('syntax', '`all` takes no argument (RFC 7208 §5.1).');
      return;
    case 'include':
    case 'exists':
      if (arg === undefined) return fail('syntax', `\`${name}\` needs a domain: \`${name}:example.com\` (RFC 7208 §5.2, §5.7).`);
      if (rest !== '') return fail('syntax', `\`${name}\` takes no CIDR length (RFC 7208 §5).`, { start: restStart, end: range.end });
      checkArgDomain(term, fail);
      return;
    case 'ptr':
      if (rest !== '') return fail('syntax', '`ptr` takes no CIDR length (RFC 7208 §5.5).', { start: restStart, end: range.end });
      if (arg !== undefined) checkArgDomain(term, fail);
      return;
    case 'a':
    case 'mx': {
      if (arg !== undefined) checkArgDomain(term, fail);
      if (term.invalid) return;
      if (rest === '') return;
      const cm = /^(?:\/(\d+))?(?:\/\/(\d+))?$/.exec(rest);
      const cr = { start: restStart, end: range.end };
      term.cidrRange = cr;
      if (!cm || rest === '/') return fail('invalid-cidr', `\`${rest}\` is not a valid CIDR length; write \`/24\`, \`//64\` or \`/24//64\` (RFC 7208 §5.6).`, cr);
      if (cm[1] !== undefined) term.cidr4 = Number(cm[1]);
      if (cm[2] !== undefined) term.cidr6 = Number(cm[2]);
      if (!validCidr(cm[1], 32)) return fail('invalid-cidr', `IPv4 CIDR length \`${cm[1]}\` must be 0-32 without leading zeros (RFC 7208 §5.6).`, cr);
      if (!validCidr(cm[2], 128)) return fail('invalid-cidr', `IPv6 CIDR length \`${cm[2]}\` must be 0-128 without leading zeros (RFC 7208 §5.6).`, cr);
      return;
    }
    case 'ip4':
    case 'ip6': {
      const max = name === 'ip4' ? 32 : 128;
      if (arg === undefined || arg === '') return fail('invalid-ip', `\`${name}\` needs an address: \`${name}:${name === 'ip4' ? '192.0.2.0/24' : '2001:db8::/32'}\` (RFC 7208 §5.6).`);
      const ok = name === 'ip4' ? isIPv4(arg) : isIPv6(arg) && !arg.includes('%');
      if (!ok) {
        const meant = addressMeant(name, arg);
        return fail('invalid-ip', meant ? `${meant.why} (RFC 7208 §5.6).` : `\`${arg}\` is not a valid ${name === 'ip4' ? 'IPv4' : 'IPv6'} address (RFC 7208 §5.6).`, term.argRange);
      }
      if (rest === '') return;
      const cr = { start: restStart, end: range.end };
      term.cidrRange = cr;
      const cm = /^\/(\d+)$/.exec(rest);
      if (!cm || !validCidr(cm[1], max)) return fail('invalid-cidr', `\`${rest}\` is not a valid ${name} CIDR length (0-${max}, RFC 7208 §5.6).`, cr);
      if (name === 'ip4') term.cidr4 = Number(cm[1]);
      else term.cidr6 = Number(cm[1]);
      return;
    }
  }
}

function validCidr(s: string | undefined, max: number): boolean {
  if (s === undefined) return true;
  if (s.length > 1 && s.startsWith('0')) return false;
  return Number(s) <= max;
}

function checkArgDomain(term: SpfTerm, fail: (code: SpfProblemCode, message: string, r?: OffsetRange) => void): void {
  const a = term.arg ?? '';
  // An address where a domain belongs (`a:192.0.2.1`, `include:192.0.2.1`): ip4/ip6 say that.
  if (term.argRange && (isIPv4(a) || isIPv6(a))) {
    const v = isIPv4(a) ? 'ip4' : 'ip6';
    const prefix = /^\/\d+$/.exec(term.text.slice(term.argRange.end - term.range.start))?.[0] ?? '';
    return fail('invalid-domain-spec', `\`${a}\` is an address, and \`${term.name}\` takes a domain name (RFC 7208 §7.1); for the address itself write \`${v}:${a}${prefix}\` (§5.6).`, term.argRange);
  }
  const p = checkDomainSpec(a, term.argRange?.start ?? term.range.start);
  if (p) fail(p.code, p.message, p.range);
}

const ip4Number = (a: string) => a.split('.').reduce((n, x) => n * 256 + Number(x), 0);
const ip4Text = (n: number) => [24, 16, 8, 0].map((k) => Math.floor(n / 2 ** k) % 256).join('.');

/** The most networks a range is written out as (message and fix): more make a record too long to publish. */
export const MAX_BLOCKS = 8;

/** The CIDR blocks that make up the range first..last exactly (both IPv4 numbers), fewest first to last. */
export function rangeBlocks(first: number, last: number): string[] {
  const out: string[] = [];
  for (let at = first; at <= last; ) {
    // The largest block that starts at `at` (aligned) and ends within the range.
    let size = 1;
    while (size < 2 ** 32 && at % (size * 2) === 0 && at + size * 2 - 1 <= last) size *= 2;
    out.push(`${ip4Text(at)}/${32 - Math.log2(size)}`);
    at += size;
  }
  return out;
}

/**
 * What an `ip4:`/`ip6:` argument that is not an address was meant to say, when it says it another way
 * than SPF does: a host name; for ip4 also a range `a-b`, a wildcard `192.0.2.*`, a netmask
 * `/255.255.255.0`, fewer than four parts. `why` explains; `blocks` are the CIDR networks that say the
 * same (the fix writes one term each; none where that is a guess), `host` the host name an `a:` term
 * would look up.
 */
export function addressMeant(name: 'ip4' | 'ip6', arg: string): { why: string; blocks: string[]; host?: string } | undefined {
  // A host name where an address belongs: `a:` looks its addresses up.
  if (/^(?=.*[a-z])[a-z0-9-]+(\.[a-z0-9-]+)+\.?$/i.test(arg)) return { why: `\`${arg}\` is a host name, and \`${name}:\` takes an address; for the addresses of a host write \`a:${arg}\` (§5.3)`, blocks: [], host: arg };
  return name === 'ip4' ? ip4Meant(arg) : undefined;
}

/** The IPv4 forms of addressMeant: a range, a wildcard, fewer than four parts, a netmask. */
function ip4Meant(arg: string): { why: string; blocks: string[] } | undefined {
  const range = /^([\d.]+)\s*-\s*([\d.]+)$/.exec(arg);
  if (range && isIPv4(range[1]) && isIPv4(range[2]) && ip4Number(range[1]) <= ip4Number(range[2])) {
    const blocks = rangeBlocks(ip4Number(range[1]), ip4Number(range[2]));
    const list = blocks.length === 1 ? `the network \`${blocks[0]}\`` : `${blocks.length} networks: ${blocks.slice(0, MAX_BLOCKS).map((b) => `\`${b}\``).join(', ')}${blocks.length > MAX_BLOCKS ? ', …' : ''}`;
    return { why: `\`${arg}\` is a range of addresses, and SPF takes an address or a CIDR network; the range is ${list}`, blocks };
  }
  const wild = /^(\d{1,3}(?:\.\d{1,3}){0,3}?)((?:\.\*){1,3})$/.exec(arg);
  if (wild) {
    const known = wild[1].split('.');
    const stars = wild[2].length / 2;
    if (known.length + stars === 4 && isIPv4([...known, ...Array(stars).fill('0')].join('.'))) {
      const block = `${[...known, ...Array(stars).fill('0')].join('.')}/${known.length * 8}`;
      return { why: `\`${arg}\` is a wildcard, and SPF takes a CIDR network: \`${block}\``, blocks: [block] };
    }
  }
  // Fewer than four parts (`192.0.2`): the network is a guess, so it is only said.
  const short = /^\d{1,3}(?:\.\d{1,3}){0,2}$/.exec(arg);
  if (short && isIPv4([...arg.split('.'), '0', '0', '0'].slice(0, 4).join('.'))) {
    const parts = arg.split('.').length;
    return { why: `\`${arg}\` has ${parts} of the 4 parts of an IPv4 address; for the network it starts, write \`${[...arg.split('.'), '0', '0', '0'].slice(0, 4).join('.')}/${parts * 8}\``, blocks: [] };
  }
  const mask = /^([\d.]+)\/([\d.]+)$/.exec(arg);
  if (mask && isIPv4(mask[1]) && isIPv4(mask[2])) {
    const m = ip4Number(mask[2]);
    const len = 32 - Math.log2(2 ** 32 - m);
    if (Number.isInteger(len) && len >= 0 && len <= 32) {
      return { why: `\`/${mask[2]}\` is a netmask, and SPF takes a prefix length: \`${mask[1]}/${len}\``, blocks: [`${mask[1]}/${len}`] };
    }
  }
  return undefined;
}

/** Mechanisms that cost a DNS lookup (RFC 7208 §4.6.4), plus the redirect modifier. */
export function countsLookup(term: SpfTerm): boolean {
  if (term.kind === 'modifier') return term.name === 'redirect';
  return ['include', 'a', 'mx', 'ptr', 'exists'].includes(term.name);
}
