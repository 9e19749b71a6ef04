/**
 * SPF record rules (RFC 7208). Each rule is one object: metadata, docs and a pure check.
 */
import { addressMeant, MAX_BLOCKS, MECHANISMS, parseSpf, TERM_LIKE, type SpfProblemCode, type SpfRecord, type SpfTerm } from '../records/spf';
import type { OffsetRange, RecordSite } from '../types';
import type { RecordContext, SpfRule, ValueFix } from './rule';
import { includeTypo as typoOf } from '../senders/catalog';
import { getDomain } from 'tldts';
import { isIPv4, isIPv6 } from 'node:net';
import { inNetwork, parseIp, type Ip } from '../spf/evaluator';
import { asciiOf } from './lookalike';

const joints = new WeakMap<RecordSite, number[]>();

/**
 * Where two character-strings of a record meet with no space though the second starts an SPF term
 * (`"… include:_spf.example.net" "include:…"`): DNS joins them as written (RFC 7208 §3.3), so the two
 * terms become one. Offsets in the value; none for `v=spf1` glued to the next string (invalid-version's).
 */
function gluedJoints(site: RecordSite): number[] {
  if (site.strings.length < 2) return [];
  let out = joints.get(site);
  if (out) return out;
  out = [];
  const v = site.value;
  for (let i = 1; i < site.strings.length; i++) {
    const b = site.strings[i].start;
    if (b <= 0 || b >= v.length || v[b - 1] === ' ' || v[b] === ' ' || /^v=spf1$/i.test(v.slice(0, b))) continue;
    const end = v.indexOf(' ', b);
    if (TERM_LIKE.test(v.slice(b, end < 0 ? v.length : end))) out.push(b);
  }
  joints.set(site, out);
  return out;
}

/**
 * For each joint of gluedJoints: the term the strings make one of (value range), and the two pieces
 * on either side of the joint (up to the joints before and after it in the same term).
 */
function gluedTerms(site: RecordSite): (OffsetRange & { joint: number; from: number; to: number })[] {
  const v = site.value;
  const js = gluedJoints(site);
  return js.map((b, i) => {
    const start = v.lastIndexOf(' ', b) + 1;
    const end = v.indexOf(' ', b) < 0 ? v.length : v.indexOf(' ', b);
    const before = js[i - 1];
    const after = js[i + 1];
    return { start, end, joint: b, from: before !== undefined && before >= start ? before : start, to: after !== undefined && after < end ? after : end };
  });
}

const gluedAlls = new WeakMap<SpfRecord, GluedAll | null>();

interface GluedAll {
  /** The term `all` runs into, as parsed (`include:_spf.example.net-all`). */
  term: SpfTerm;
  /** Offset of the qualifier of the `all` the record meant. */
  at: number;
}

/**
 * An `all` written with its qualifier but no space after the last term (`include:_spf.example.net-all`,
 * `mx~all`): receivers read the two as one term, so the record has no `all`, and the term is an include
 * of a name that does not exist (a permerror, RFC 7208 §5.2) or not valid at all. Only when the record
 * has no other `all`, the term is its last one, and with a space inserted both halves parse cleanly.
 */
function gluedAll(record: SpfRecord, site: RecordSite): GluedAll | undefined {
  let out = gluedAlls.get(record);
  if (out !== undefined) return out ?? undefined;
  out = null;
  const term = record.terms[record.terms.length - 1];
  const m = term && /[-+~?]all$/i.exec(term.text);
  if (term && m && m.index > 0 && !/[:=/]$/.test(term.text.slice(0, m.index)) && !record.terms.some((t) => t.kind === 'mechanism' && t.name === 'all')) {
    const at = term.range.start + m.index;
    const v = record.value;
    const split = parseSpf(`${v.slice(0, at)} ${v.slice(at)}`);
    const head = split.terms[split.terms.length - 2];
    const tail = split.terms[split.terms.length - 1];
    // `"… mx" "-all"` is spf/glued-strings' finding.
    const joint = site.strings.some((s) => s.start === at);
    if (!joint && head && tail && head.range.start === term.range.start && !head.invalid && tail.name === 'all' && !tail.invalid && !split.problems.some((p) => p.range.end > term.range.start)) out = { term, at };
  }
  gluedAlls.set(record, out);
  return out ?? undefined;
}

/** A term written in two pieces with spaces between (`ip4: 192.0.2.1`, `~ all`, `redirect= _spf.example.net`). */
interface SplitTerm {
  first: SpfTerm;
  second: SpfTerm;
  /** The term the two make without the spaces, which parses cleanly. */
  joined: string;
}

const splitTermsCache = new WeakMap<SpfRecord, SplitTerm[]>();

/** The text is one SPF term, valid as written. */
function oneValidTerm(text: string): boolean {
  const parsed = parseSpf(`v=spf1 ${text}`);
  return parsed.terms.length === 1 && !parsed.terms[0].invalid && parsed.problems.length === 0;
}
const LONE_PIECE = /^(?:[-+~?]?(?:include|exists|a|mx|ptr|ip4|ip6):|(?:redirect|exp)=|[-+~?])$/i;

/**
 * Terms a space cuts in two: a mechanism's `:` or a modifier's `=` with its argument after a space, or
 * a qualifier apart from its mechanism. Receivers read two terms, the first not valid (a permerror for
 * every message, RFC 7208 §4.6), where the file reads as one. Only when the first piece is one of those
 * and the two written together parse as one valid term.
 */
function splitTerms(record: SpfRecord): SplitTerm[] {
  let out = splitTermsCache.get(record);
  if (out) return out;
  out = [];
  const v = record.value;
  for (let i = 0; i + 1 < record.terms.length; i++) {
    const first = record.terms[i];
    const second = record.terms[i + 1];
    // Most terms end otherwise: the pattern is not tried on them (10 000 records a zone in the bench).
    const last = first.text.charCodeAt(first.text.length - 1);
    if ((last !== 58 && last !== 61 && first.text.length !== 1) || !LONE_PIECE.test(first.text) || v.slice(first.range.end, second.range.start).trim() !== '') continue;
    const joined = first.text + second.text;
    if (oneValidTerm(joined)) {
      out.push({ first, second, joined });
      i++;
    }
  }
  splitTermsCache.set(record, out);
  return out;
}

/**
 * A mechanism written with `=` (`include=_spf.example.net`: an unknown modifier, which receivers ignore)
 * or a modifier with `:` (`redirect:_spf.example.net`: an unknown mechanism, a permerror). The fix
 * writes the delimiter the term's name takes, where the term then parses cleanly.
 */
interface WrongDelimiter {
  term: SpfTerm;
  /** Offset of the `=` or `:`. */
  at: number;
  /** The delimiter the name takes. */
  meant: ':' | '=';
  /** The term written with it. */
  fixed: string;
  /** The term as meant parses cleanly. */
  clean: boolean;
}

const wrongDelimitersCache = new WeakMap<SpfRecord, WrongDelimiter[]>();

function wrongDelimiters(record: SpfRecord): WrongDelimiter[] {
  let out = wrongDelimitersCache.get(record);
  if (out) return out;
  out = [];
  for (const t of record.terms) {
    let meant: ':' | '=' | undefined;
    if (t.kind === 'modifier' && (MECHANISMS as readonly string[]).includes(t.name)) meant = ':';
    else if (t.kind === 'mechanism' && (t.name === 'redirect' || t.name === 'exp') && t.qualifier === '+' && !t.qualifierRange && record.value[t.nameRange.end] === ':') meant = '=';
    if (!meant) continue;
    const at = t.nameRange.end;
    const rel = at - t.range.start;
    const fixed = t.text.slice(0, rel) + meant + t.text.slice(rel + 1);
    out.push({ term: t, at, meant, fixed, clean: oneValidTerm(fixed) });
  }
  wrongDelimitersCache.set(record, out);
  return out;
}

/** Value ranges other rules report as a whole: the problems of the parser inside them are not reported again. */
function reportedWhole(record: SpfRecord, site: RecordSite): OffsetRange[] {
  const out: OffsetRange[] = gluedTerms(site);
  // A term with an `all` run into it is spf/glued-all's to report.
  const all = gluedAll(record, site)?.term.range;
  if (all) out.push(all);
  for (const x of splitTerms(record)) out.push({ start: x.first.range.start, end: x.second.range.end });
  for (const x of wrongDelimiters(record)) out.push(x.term.range);
  return out;
}

function problemRule(
  id: string,
  code: SpfProblemCode,
  summary: string,
  docs: SpfRule['docs'],
  fix?: (record: SpfRecord, range: OffsetRange) => ValueFix[] | undefined,
): SpfRule {
  return {
    id,
    kind: 'spf',
    scope: 'spf',
    severity: 'error',
    summary,
    fixable: fix !== undefined,
    docs,
    check(record, ctx) {
      // A term made of two by strings joined with no space is spf/glued-strings' to report.
      // Most records have no problem of this code: nothing more to look at.
      if (!record.problems.some((p) => p.code === code)) return;
      // A term made of two strings, with an `all` run into it, cut by a space, or with the wrong delimiter: another rule's.
      const whole = reportedWhole(record, ctx.site);
      // `spf1 mx -all`: the first word is spf/invalid-version's, not also an unknown mechanism.
      if (code !== 'version' && record.version === undefined) for (const p of record.problems) if (p.code === 'version') whole.push(p.range);
      for (const p of record.problems) if (p.code === code && !whole.some((t) => t.start <= p.range.start && p.range.end <= t.end)) ctx.report(p.range, p.message, { fixes: fix?.(record, p.range) });
    },
  };
}

/** The edit that removes a term together with the space before it. */
function removeTerm(record: SpfRecord, term: SpfTerm): ValueFix {
  let start = term.range.start;
  while (start > 0 && record.value[start - 1] === ' ') start--;
  return { title: `Remove \`${term.text}\``, edits: [{ range: { start, end: term.range.end }, newText: '' }] };
}

function setQualifier(term: SpfTerm, q: string): ValueFix {
  const range = term.qualifierRange ?? { start: term.nameRange.start, end: term.nameRange.start };
  return { title: `Use \`${q}${term.name}\``, edits: [{ range, newText: q }] };
}

const mechanisms = (r: SpfRecord) => r.terms.filter((t) => t.kind === 'mechanism');
const firstAll = (r: SpfRecord) => r.terms.find((t) => t.kind === 'mechanism' && t.name === 'all' && !t.invalid);

export const syntaxError = problemRule('spf/syntax-error', 'syntax', 'A term of the SPF record is not valid syntax', {
  what: 'Finds SPF terms that match neither the mechanism nor the modifier grammar, such as `include` without a domain, `all:` with an argument, or a tab between terms.',
  why: 'RFC 7208 §4.6 makes any syntax error in the record a `permerror`: the whole record fails, not just the term, and DMARC then sees no SPF pass at all.',
  bad: '@ IN TXT "v=spf1 include -all"',
  good: '@ IN TXT "v=spf1 include:_spf.example.net -all"',
  fix: 'Write the term in its documented form (`include:domain`, `a[:domain][/cidr]`, `ip4:network[/len]`…) and separate terms by single spaces.',
});

/**
 * The edit that makes a `;` or `,` between SPF terms a space: removed where a space or the end is
 * beside it already, and in a list of addresses (`ip4:a,b`) the mechanism written again before the next.
 */
function separatorFix(record: SpfRecord, range: OffsetRange): ValueFix[] {
  const v = record.value;
  const at = range.start;
  const termStart = v.lastIndexOf(' ', at) + 1;
  const mechanism = /^[-+~?]?ip[46]:/i.exec(v.slice(termStart, at))?.[0];
  const nextEnd = v.indexOf(' ', at + 1) < 0 ? v.length : v.indexOf(' ', at + 1);
  const next = v.slice(at + 1, nextEnd).split(/[;,]/)[0];
  let newText = ' ';
  if (mechanism && next !== '' && !/^[-+~?]?[a-z]/i.test(next)) newText = ` ${mechanism}`;
  else if (at + 1 === v.length || v[at + 1] === ' ' || v[at - 1] === ' ') newText = '';
  return [{ title: newText === '' ? `Remove \`${v[at]}\`` : `Separate the terms with a space${newText.length > 1 ? ` and \`${newText.trim()}\`` : ''}`, edits: [{ range, newText }] }];
}

export const wrongSeparator = problemRule(
  'spf/wrong-separator',
  'separator',
  'SPF terms separated by `;` or `,` instead of spaces',
  {
    what: 'Finds `;` and `,` used between SPF terms or after the last one (`include:_spf.example.net; -all`, `mx,-all`, `ip4:192.0.2.1,192.0.2.2`), as DMARC records separate their tags or as lists are written elsewhere.',
    why: 'RFC 7208 §4.6.1: only spaces separate the terms of an SPF record. Receivers read `include:_spf.example.net;` as one term, whose domain is not valid, and a record with a term that is not valid returns `permerror` for every message (§4.6): SPF then passes nothing, and DMARC has only DKIM to go on.',
    bad: '@ IN TXT "v=spf1 include:_spf.example.net; ip4:192.0.2.1,192.0.2.2 -all;"',
    good: '@ IN TXT "v=spf1 include:_spf.example.net ip4:192.0.2.1 ip4:192.0.2.2 -all"',
    fix: 'Separate the terms with single spaces, remove a `;` at the end, and write `ip4:` (or `ip6:`) before each address of a list. The quick fix does this for each separator.',
  },
  separatorFix,
);

export const gluedStrings: SpfRule = {
  id: 'spf/glued-strings',
  kind: 'spf',
  scope: 'spf',
  severity: 'error',
  summary: 'Two strings of the SPF record join with no space between two terms',
  fixable: true,
  docs: {
    what: 'Finds a record split into several character-strings (`"…" "…"`, as a long SPF record must be, 255 bytes a string) where one string ends and the next starts an SPF term with no space between them.',
    why: 'RFC 7208 §3.3: DNS serves the strings of a TXT record joined with nothing between them. `"v=spf1 include:_spf.example.net" "include:mail.example.org -all"` is the record `v=spf1 include:_spf.example.netinclude:mail.example.org -all`: one include of a name that does not exist, so the record fails with a permerror (§5.2), and `mx" "-all` reads `mx-all`, which is not valid. The split looks right in the file, so this is easy to miss.',
    bad: '@ IN TXT "v=spf1 include:_spf.example.net" "include:mail.example.org -all"',
    good: '@ IN TXT "v=spf1 include:_spf.example.net " "include:mail.example.org -all"',
    fix: 'Put a space at the end of the first string or at the start of the next. The quick fix puts it at the start of the next string.',
  },
  check(record, ctx) {
    const v = record.value;
    for (const { start, end, joint: b, from, to } of gluedTerms(ctx.site)) {
      ctx.report({ start: from, end: to }, `Two strings of the record join here with no space between them, and DNS serves them as one (RFC 7208 §3.3): \`${v.slice(from, b)}\` and \`${v.slice(b, to)}\` become part of the one term \`${v.slice(start, end)}\`, and the record fails (permerror).`, {
        fixes: [{ title: 'Put a space at the start of the next string', edits: [{ range: { start: b, end: b + 1 }, newText: ` ${v[b]}` }] }],
      });
    }
  },
};

export const gluedAllRule: SpfRule = {
  id: 'spf/glued-all',
  kind: 'spf',
  scope: 'spf',
  severity: 'error',
  summary: 'The closing `all` runs into the term before it with no space',
  fixable: true,
  docs: {
    what: 'Finds an SPF record whose closing `-all`, `~all`, `?all` or `+all` is written with no space after the term before it (`include:_spf.example.net-all`, `mx~all`, `ip4:192.0.2.1-all`), and no other `all`.',
    why: 'RFC 7208 §4.6.1: only spaces separate terms, so receivers read `include:_spf.example.net-all` as an include of the name `_spf.example.net-all`. That name does not exist, and an include of a name with no SPF record makes the whole record fail with a permerror (§5.2); `mx~all` and `ip4:192.0.2.1-all` are not valid terms, a permerror too (§4.6); `a:mail.example.com-all` matches nothing. Either way the record has no `all`, and the policy meant is not published.',
    bad: '@ IN TXT "v=spf1 include:_spf.example.net-all"',
    good: '@ IN TXT "v=spf1 include:_spf.example.net -all"',
    fix: 'Put a space before the qualifier of `all`. The quick fix (and `--fix`) does that.',
  },
  check(record, ctx) {
    const g = gluedAll(record, ctx.site);
    if (!g) return;
    const v = record.value;
    const head = v.slice(g.term.range.start, g.at);
    const all = v.slice(g.at, g.term.range.end);
    const t = g.term;
    const what = t.invalid
      ? 'which is not valid, so the record fails with a permerror (RFC 7208 §4.6)'
      : t.name === 'include' || t.name === 'redirect'
        ? `${t.name === 'include' ? 'an include of' : 'a redirect to'} \`${t.arg}\`, a name that does not exist, so the record fails with a permerror (RFC 7208 §${t.name === 'include' ? '5.2' : '6.1'})`
        : `\`${t.name}\` of \`${t.arg}\`, a name that does not exist, which matches nothing, and the record has no \`all\`, so unlisted senders get a neutral result (RFC 7208 §4.7)`;
    ctx.report({ start: t.range.start, end: t.range.end }, `\`${all}\` runs into \`${head}\` with no space between them (RFC 7208 §4.6.1): receivers read \`${t.text}\` as one term, ${what}. Put a space before \`${all}\`.`, {
      fixes: [{ title: `Put a space before \`${all}\``, edits: [{ range: { start: g.at, end: g.at }, newText: ' ' }] }],
    });
  },
};

export const unknownMechanism = problemRule('spf/unknown-mechanism', 'unknown-mechanism', 'The SPF record uses a mechanism that does not exist', {
  what: 'Finds mechanism names other than all, include, a, mx, ptr, ip4, ip6 and exists, for example `ip:` or `inlcude:`.',
  why: 'RFC 7208 §5 defines the eight mechanisms; an unknown one makes `check_host()` return `permerror` (§4.6.3), so the record authorises nothing.',
  bad: '@ IN TXT "v=spf1 ip:192.0.2.1 -all"',
  good: '@ IN TXT "v=spf1 ip4:192.0.2.1 -all"',
  fix: 'Correct the mechanism name (`ip4`/`ip6` for addresses, `include` for another domain\'s policy).',
});

/** The term a problem (in value offsets) lies in. */
const termAt = (record: SpfRecord, range: OffsetRange) => record.terms.find((t) => t.range.start <= range.start && range.end <= t.range.end);
const qualifierOf = (record: SpfRecord, t: SpfTerm) => (t.qualifierRange ? record.value.slice(t.qualifierRange.start, t.qualifierRange.end) : '');

export const invalidIp = problemRule(
  'spf/invalid-ip',
  'invalid-ip',
  'An ip4/ip6 mechanism holds something that is not an address',
  {
    what: 'Finds `ip4:` and `ip6:` mechanisms whose argument is not an IPv4 or IPv6 address, including host names written where an address belongs, and says what a range (`192.0.2.1-192.0.2.50`), a wildcard (`192.0.2.*`) or a netmask (`/255.255.255.0`) is in CIDR.',
    why: 'RFC 7208 §5.6 requires an address with an optional prefix length; receivers treat anything else as a syntax error and return `permerror` for every message.',
    bad: '@ IN TXT "v=spf1 ip4:192.0.2.* -all"',
    good: '@ IN TXT "v=spf1 ip4:192.0.2.0/24 -all"',
    fix: 'Write the address (and optional `/prefix`). A range becomes the CIDR networks that make it up, a wildcard or a netmask a prefix length: the quick fix writes them. For a host name use `a:host.example.com` instead.',
  },
  (record, range) => {
    const t = termAt(record, range);
    const meant = t && (t.name === 'ip4' || t.name === 'ip6') && t.arg ? addressMeant(t.name, t.arg) : undefined;
    const q = t ? qualifierOf(record, t) : '';
    // A host name: `a:` looks up its addresses (a lookup more, which the quick fix's title says).
    const host = meant?.host;
    if (t && host && record.value.slice(t.argRange!.end, t.range.end) === '') return [{ title: `Write \`${q}a:${host}\` (one DNS lookup more)`, edits: [{ range: t.range, newText: `${q}a:${host}` }] }];
    if (!t || !meant || meant.blocks.length === 0 || meant.blocks.length > MAX_BLOCKS) return undefined;
    const text = meant.blocks.map((b) => `${q}ip4:${b}`).join(' ');
    return [{ title: `Write \`${text}\``, edits: [{ range: t.range, newText: text }] }];
  },
);

export const invalidCidr = problemRule('spf/invalid-cidr', 'invalid-cidr', 'A CIDR prefix length is out of range or malformed', {
  what: 'Finds prefix lengths above 32 (IPv4) or 128 (IPv6), with leading zeros, or otherwise malformed, on ip4, ip6, a and mx.',
  why: 'RFC 7208 §5.6 bounds the lengths; a bad one is a syntax error and the record returns `permerror`.',
  bad: '@ IN TXT "v=spf1 ip4:192.0.2.0/33 -all"',
  good: '@ IN TXT "v=spf1 ip4:192.0.2.0/24 -all"',
  fix: 'Use a prefix length of 0-32 for IPv4 and 0-128 for IPv6; `a` and `mx` take `/len`, `//len6` or `/len//len6`.',
});

export const invalidDomainSpec = problemRule(
  'spf/invalid-domain-spec',
  'invalid-domain-spec',
  'A domain in the SPF record is not a valid domain-spec',
  {
    what: 'Finds include, exists, a, mx, ptr, redirect and exp targets that are not fully qualified domain names, end in a numeric label, or hold characters SPF does not allow; an address written where a domain belongs (`a:192.0.2.1`) is said as such.',
    why: 'RFC 7208 §7.1 requires a domain-spec that ends in a proper top label (or a macro); an IP address or a single label is a syntax error (`permerror`).',
    bad: '@ IN TXT "v=spf1 include:192.0.2.1 -all"',
    good: '@ IN TXT "v=spf1 ip4:192.0.2.1 -all"',
    fix: 'Write the full domain name (`include:_spf.provider.example`); use ip4/ip6 for addresses (the quick fix writes `ip4:`/`ip6:` for an address after `a:`, `mx:` or `include:`).',
  },
  (record, range) => {
    const t = termAt(record, range);
    const a = t?.arg;
    if (!t || t.kind !== 'mechanism' || !a || !(isIPv4(a) || isIPv6(a))) return undefined;
    // A prefix written after it (`a:192.0.2.0/24`) goes with it, for its own family only.
    const rest = record.value.slice(t.argRange!.end, t.range.end);
    if (rest !== '' && !/^\/\d+$/.test(rest)) return undefined;
    const text = `${qualifierOf(record, t)}${isIPv4(a) ? 'ip4' : 'ip6'}:${a}${rest}`;
    return [{ title: `Write \`${text}\``, edits: [{ range: t.range, newText: text }] }];
  },
);

export const invalidMacro = problemRule('spf/invalid-macro', 'invalid-macro', 'A macro in the SPF record is malformed', {
  what: 'Finds `%` sequences that are not `%{letter…}`, `%%`, `%_` or `%-`, unknown macro letters, and the exp-only letters c, r, t outside `exp`.',
  why: 'RFC 7208 §7.1 defines the macro syntax; a malformed macro is a syntax error and the record returns `permerror`.',
  bad: '@ IN TXT "v=spf1 exists:%{x}.spf.example.com -all"',
  good: '@ IN TXT "v=spf1 exists:%{i}.spf.example.com -all"',
  fix: 'Use one of the macro letters s, l, o, d, i, p, h, v (and c, r, t only in exp), or escape a literal percent sign as `%%`.',
});

export const invalidVersion = problemRule(
  'spf/invalid-version',
  'version',
  'The SPF record does not start with `v=spf1` followed by a space',
  {
    what: 'Finds SPF records whose version is missing, not first (leading spaces or text before it), or glued to the next term (`v=spf1include:…`).',
    why: 'RFC 7208 §4.5 selects records that begin with exactly `v=spf1` followed by a space or the end; any other record is ignored, so the domain has no SPF policy at all.',
    bad: '@ IN TXT "v=spf1include:_spf.example.net -all"',
    good: '@ IN TXT "v=spf1 include:_spf.example.net -all"',
    fix: 'Start the record with `v=spf1` and one space.',
  },
  (record, range) => {
    if (/^v=spf1[^ ]/i.test(record.value)) return [{ title: 'Insert a space after `v=spf1`', edits: [{ range: { start: 6, end: 6 }, newText: ' ' }] }];
    const lead = /^\s+(?=v=spf1)/i.exec(record.value);
    if (lead && range.start === lead[0].length) return [{ title: 'Remove the leading white space', edits: [{ range: { start: 0, end: lead[0].length }, newText: '' }] }];
    return undefined;
  },
);

export const splitTermRule: SpfRule = {
  id: 'spf/split-term',
  kind: 'spf',
  scope: 'spf',
  severity: 'error',
  summary: 'A space cuts an SPF term in two',
  fixable: true,
  docs: {
    what: 'Finds a term written with a space inside it: after a mechanism\'s `:` (`ip4: 192.0.2.1`, `include: _spf.example.net`), after a modifier\'s `=` (`redirect= _spf.example.net`), or between a qualifier and its mechanism (`~ all`), where the two pieces written together are one valid term.',
    why: 'RFC 7208 §4.6.1: spaces separate terms, so receivers read two: `ip4:` with no address, or `~` alone, is not valid, and a record with a term that is not valid fails with a permerror for every message (§4.6). A lone `all` after `~ ` is read as `+all`.',
    bad: '@ IN TXT "v=spf1 ip4: 192.0.2.1 include: _spf.example.net ~ all"',
    good: '@ IN TXT "v=spf1 ip4:192.0.2.1 include:_spf.example.net ~all"',
    fix: 'Remove the space (the quick fix does).',
  },
  check(record, ctx) {
    for (const { first, second, joined } of splitTerms(record)) {
      const range = { start: first.range.start, end: second.range.end };
      const lone = first.text.length === 1 ? `\`${first.text}\` alone` : `\`${first.text}\` with nothing after it`;
      const also = /^all$/i.test(second.text) ? `\`${second.text}\` as \`+all\`` : `\`${second.text}\` as a term of its own`;
      ctx.report(range, `A space cuts \`${joined}\` in two: receivers read ${lone}, which is not a valid term, and ${also}; the record fails with a permerror for every message (RFC 7208 §4.6.1).`, {
        fixes: [{ title: `Write \`${joined}\``, edits: [{ range: { start: first.range.end, end: second.range.start }, newText: '' }] }],
      });
    }
  },
};

export const wrongDelimiter: SpfRule = {
  id: 'spf/wrong-delimiter',
  kind: 'spf',
  scope: 'spf',
  severity: 'error',
  summary: 'A mechanism written with `=` or a modifier with `:`',
  fixable: true,
  docs: {
    what: 'Finds a mechanism written with `=` before its argument (`include=_spf.example.net`, `ip4=192.0.2.1`) and `redirect` or `exp` written with `:` (`redirect:_spf.example.net`).',
    why: 'RFC 7208 §4.6.1, §6: `name=value` is a modifier, and receivers ignore modifiers they do not know, so `include=_spf.example.net` includes nothing and the platform\'s mail fails SPF, with no error anywhere. `redirect:` is read as a mechanism no one knows, which is a permerror for every message (§5).',
    bad: '@ IN TXT "v=spf1 include=_spf.example.net redirect:_spf.example.org"',
    good: '@ IN TXT "v=spf1 include:_spf.example.net redirect=_spf.example.org"',
    fix: 'Write mechanisms with `:` and modifiers with `=` (the quick fix does).',
  },
  check(record, ctx) {
    for (const { term, at, meant, fixed, clean } of wrongDelimiters(record)) {
      ctx.report(
        term.range,
        meant === ':'
          ? `\`${term.name}\` is a mechanism, written \`${term.name}:\`; with \`=\`, receivers read \`${term.text}\` as an unknown modifier and ignore it (RFC 7208 §6), so ${term.name === 'include' ? 'nothing is included' : term.name === 'ip4' || term.name === 'ip6' ? 'the address is not authorised' : 'it matches nothing'}.`
          : `\`${term.name}\` is a modifier, written \`${term.name}=\`; with \`:\`, receivers read \`${term.text}\` as an unknown mechanism, and the record fails with a permerror for every message (RFC 7208 §5).`,
        { fixes: clean ? [{ title: `Write \`${fixed}\``, edits: [{ range: { start: at, end: at + 1 }, newText: meant }] }] : [] },
      );
    }
  },
};

export const plusAll: SpfRule = {
  id: 'spf/plus-all',
  kind: 'spf',
  scope: 'spf',
  severity: 'error',
  summary: '`+all` lets every host on the internet send as this domain',
  fixable: true,
  docs: {
    what: 'Finds an `all` mechanism with the `+` qualifier, written or implied (a bare `all`).',
    why: 'RFC 7208 §5.1: `all` always matches, so `+all` makes every IP address pass SPF for the domain; DMARC then passes on SPF for any spoofer using the domain as the RFC5321.MailFrom.',
    bad: '@ IN TXT "v=spf1 include:_spf.example.net all"',
    good: '@ IN TXT "v=spf1 include:_spf.example.net -all"',
    fix: 'Use `-all` (fail) or, while you are still finding senders, `~all` (softfail).',
  },
  check(record, ctx) {
    for (const t of mechanisms(record))
      if (t.name === 'all' && t.qualifier === '+' && !t.invalid && !splitTerms(record).some((x) => x.second === t))
        ctx.report(t.range, `\`${t.text}\` authorises every host on the internet to send as this domain (RFC 7208 §5.1); use \`-all\` or \`~all\`.`, {
          fixes: [setQualifier(t, '-'), setQualifier(t, '~')],
        });
  },
};

export const neutralAll: SpfRule = {
  id: 'spf/neutral-all',
  kind: 'spf',
  scope: 'spf',
  severity: 'warning',
  summary: '`?all` gives no protection: unlisted senders get a neutral result',
  fixable: true,
  docs: {
    what: 'Finds `?all`, which ends the record with a neutral result.',
    why: 'RFC 7208 §8.2: neutral must be treated like none; the record states no policy about unlisted hosts, and receivers cannot reject spoofed mail on SPF.',
    bad: '@ IN TXT "v=spf1 mx ?all"',
    good: '@ IN TXT "v=spf1 mx ~all"',
    fix: 'Use `~all` while you are still finding senders, then `-all`.',
  },
  check(record, ctx) {
    for (const t of mechanisms(record))
      if (t.name === 'all' && t.qualifier === '?' && !t.invalid)
        ctx.report(t.range, '`?all` is neutral: unlisted senders are treated as if there were no SPF record (RFC 7208 §8.2); use `~all` or `-all`.', {
          fixes: [setQualifier(t, '~'), setQualifier(t, '-')],
        });
  },
};

export const noAll: SpfRule = {
  id: 'spf/no-all',
  wholeRecord: true,
  kind: 'spf',
  scope: 'spf',
  severity: 'warning',
  summary: 'The SPF record ends without `all` or `redirect`',
  fixable: true,
  docs: {
    what: 'Finds SPF records that have neither an `all` mechanism nor a `redirect` modifier.',
    why: 'RFC 7208 §4.7: when no mechanism matches and there is no redirect, the result is neutral, so every unlisted sender is left undecided.',
    bad: '@ IN TXT "v=spf1 mx include:_spf.example.net"',
    good: '@ IN TXT "v=spf1 mx include:_spf.example.net ~all"',
    fix: 'End the record with `~all` or `-all`, or delegate with `redirect=`.',
  },
  check(record, ctx) {
    if (record.version === undefined || record.problems.some((p) => p.code === 'version')) return;
    const hasAll = record.terms.some((t) => t.kind === 'mechanism' && t.name === 'all');
    const hasRedirect = record.terms.some((t) => t.kind === 'modifier' && t.name === 'redirect');
    if (hasAll || hasRedirect) return;
    // `~ all`, `redirect:_spf.example.net`: written, in a form spf/split-term or spf/wrong-delimiter report.
    if (splitTerms(record).some((x) => /^[-+~?]?all$/i.test(x.joined)) || wrongDelimiters(record).some((x) => x.term.name === 'redirect')) return;
    // `mx-all`: the `all` is written, run into the term before it (spf/glued-all's); `"… mx" "-all"`:
    // in a string glued to the one before (spf/glued-strings').
    if (gluedAll(record, ctx.site) || gluedTerms(ctx.site).some((t) => /^[-+~?]?all$/i.test(record.value.slice(t.joint, t.to)))) return;
    // `include:_spf.example.net\n~all` (a heredoc's line break, a tab: spf/syntax-error's) or `–all` with an
    // en dash (a record copied from a web page: source/lookalike-character's): written, in a form another
    // rule reports; appending another `all` would not mend it. (No term here is a plain `all`.)
    if (asciiOf(record.value).split(/[ \t\r\n\v\f]+/).some((x) => /^[-+~?]?all$/i.test(x))) return;
    const end = record.value.replace(/ +$/, '').length;
    ctx.report({ start: 0, end: record.version.end }, 'The record has no `all` and no `redirect`, so unlisted senders get a neutral result (RFC 7208 §4.7); end it with `~all` or `-all`.', {
      fixes: [
        { title: 'Append `~all`', edits: [{ range: { start: end, end }, newText: ' ~all' }] },
        { title: 'Append `-all`', edits: [{ range: { start: end, end }, newText: ' -all' }] },
      ],
    });
  },
};

export const redirectWithAll: SpfRule = {
  id: 'spf/redirect-with-all',
  kind: 'spf',
  scope: 'spf',
  severity: 'warning',
  summary: '`redirect` is ignored because the record has an `all` mechanism',
  fixable: true,
  docs: {
    what: 'Finds a `redirect=` modifier in a record that also has an `all` mechanism.',
    why: 'RFC 7208 §6.1: redirect is only used when no mechanism matched, and `all` always matches, so the redirect target is never consulted.',
    bad: '@ IN TXT "v=spf1 redirect=_spf.example.net -all"',
    good: '@ IN TXT "v=spf1 redirect=_spf.example.net"',
    fix: 'Remove `all` if the redirect target should decide, or remove the redirect.',
  },
  check(record, ctx) {
    const all = firstAll(record);
    if (!all) return;
    for (const t of record.terms)
      if (t.kind === 'modifier' && t.name === 'redirect')
        ctx.report(t.range, `\`${t.text}\` is never used because \`${all.text}\` always matches first (RFC 7208 §6.1).`, {
          fixes: [removeTerm(record, all), removeTerm(record, t)],
        });
  },
};

export const termsAfterAll: SpfRule = {
  id: 'spf/terms-after-all',
  kind: 'spf',
  scope: 'spf',
  severity: 'warning',
  summary: 'Mechanisms after `all` are never evaluated',
  fixable: true,
  docs: {
    what: 'Finds mechanisms written after the `all` mechanism.',
    why: 'RFC 7208 §5.1: mechanisms after `all` will never be tested. A sender listed there is not authorised, although the record seems to say so.',
    bad: '@ IN TXT "v=spf1 -all include:_spf.example.net"',
    good: '@ IN TXT "v=spf1 include:_spf.example.net -all"',
    fix: 'Move `all` to the end of the record.',
  },
  check(record, ctx) {
    const all = firstAll(record);
    if (!all) return;
    const after = record.terms.filter((t) => t.kind === 'mechanism' && t.range.start > all.range.start && t.name !== 'all');
    if (after.length === 0) return;
    // The fix rewrites the terms with `all` moved after the last other mechanism; modifiers keep their places.
    const ordered = record.terms.filter((x) => x !== all);
    const lastMech = ordered.reduce((last, x, i) => (x.kind === 'mechanism' ? i : last), -1);
    ordered.splice(lastMech + 1, 0, all);
    const whole = { start: record.terms[0].range.start, end: record.terms[record.terms.length - 1].range.end };
    const fix = { title: `Move \`${all.text}\` to the end`, edits: [{ range: whole, newText: ordered.map((x) => x.text).join(' ') }] };
    for (const t of after)
      ctx.report(t.range, `\`${t.text}\` comes after \`${all.text}\` and is never evaluated (RFC 7208 §5.1).`, { fixes: [fix] });
  },
};

export const multipleAll: SpfRule = {
  id: 'spf/multiple-all',
  kind: 'spf',
  scope: 'spf',
  severity: 'warning',
  summary: 'The record has more than one `all` mechanism',
  fixable: true,
  docs: {
    what: 'Finds a second (or later) `all` mechanism.',
    why: 'RFC 7208 §5.1: the first `all` always matches, so any later `all` is dead and usually a sign of a merge mistake.',
    bad: '@ IN TXT "v=spf1 mx ~all -all"',
    good: '@ IN TXT "v=spf1 mx -all"',
    fix: 'Keep one `all`, at the end, with the qualifier you mean.',
  },
  check(record, ctx) {
    const alls = mechanisms(record).filter((t) => t.name === 'all');
    for (const t of alls.slice(1))
      ctx.report(t.range, `\`${t.text}\` is never reached: \`${alls[0].text}\` already matches every sender (RFC 7208 §5.1).`, { fixes: [removeTerm(record, t)] });
  },
};

export const ptr: SpfRule = {
  id: 'spf/ptr',
  kind: 'spf',
  scope: 'spf',
  severity: 'warning',
  summary: 'The `ptr` mechanism should not be used',
  fixable: true,
  docs: {
    what: 'Finds the `ptr` mechanism.',
    why: 'RFC 7208 §5.5: `ptr` is slow, unreliable and places load on the .arpa name servers; it SHOULD NOT be published, and some receivers skip it.',
    bad: '@ IN TXT "v=spf1 ptr -all"',
    good: '@ IN TXT "v=spf1 a mx -all"',
    fix: 'List the sending hosts with `a`, `mx`, `ip4` or `ip6` instead.',
  },
  check(record, ctx) {
    for (const t of mechanisms(record))
      if (t.name === 'ptr' && !t.invalid)
        ctx.report(t.range, '`ptr` is slow and unreliable and SHOULD NOT be used (RFC 7208 §5.5); list the hosts with `a`, `mx`, `ip4` or `ip6`.', { fixes: [removeTerm(record, t)] });
  },
};

export const includeTypo: SpfRule = {
  id: 'spf/include-typo',
  kind: 'spf',
  scope: 'spf',
  severity: 'warning',
  summary: 'An include names a domain a typo away from a sending platform\'s include',
  fixable: true,
  docs: {
    what: 'Finds `include:` and `redirect=` targets one letter away from a sending platform\'s SPF include in the provider catalog (two for long names: `_spf.gooogle.com`, `sendgird.net`, `spf.protection.outlok.com`), and names that guides misprint (`_spf.mandrillapp.com`, `custo-spf.exacttarget.com`). Names under a platform\'s own domain (regions, accounts) are not judged. Works offline: no DNS query is needed.',
    why: 'RFC 7208 §5.2: the include is evaluated as written. A name that does not exist is a void lookup and authorises nothing, so the platform\'s mail fails SPF; a name that someone else registered authorises whatever servers they list, so anyone can pass SPF as your domain.',
    bad: '@ IN TXT "v=spf1 include:_spf.gooogle.com -all"',
    good: '@ IN TXT "v=spf1 include:_spf.google.com -all"',
    fix: 'Write the platform\'s include as its documentation gives it (the quick fix does).',
  },
  check(record, ctx) {
    for (const t of record.terms) {
      if ((t.name !== 'include' && t.name !== 'redirect') || t.invalid || !t.arg || !t.argRange || t.arg.includes('%')) continue;
      const typo = typoOf(t.arg);
      if (!typo) continue;
      // A name of the record's own domain is the owner's to choose (a company called goggle.com).
      const own = ctx.site.owner === undefined ? null : getDomain(ctx.site.owner);
      if (own !== null && own === getDomain(t.arg.toLowerCase())) continue;
      const why = typo.misprint ? `is not ${typo.provider.name}'s include, though some guides print it` : `is a typo away from \`${typo.include}\`, ${typo.provider.name}'s SPF include`;
      ctx.report(t.argRange, `\`${t.arg}\` ${why}: a name that does not exist authorises nothing (its mail fails SPF), and one someone else holds authorises their servers (RFC 7208 §5.2). Did you mean \`${typo.include}\`?`, {
        fixes: [{ title: `Replace with \`${typo.include}\``, edits: [{ range: t.argRange, newText: typo.include }] }],
      });
    }
  },
};

export const duplicateModifier: SpfRule = {
  id: 'spf/duplicate-modifier',
  kind: 'spf',
  scope: 'spf',
  severity: 'error',
  summary: '`redirect` or `exp` appears more than once',
  fixable: true,
  docs: {
    what: 'Finds a second `redirect=` or `exp=` modifier in one record.',
    why: 'RFC 7208 §6: these modifiers MUST NOT appear more than once; if they do, `check_host()` returns `permerror`.',
    bad: '@ IN TXT "v=spf1 redirect=a.example.net redirect=b.example.net"',
    good: '@ IN TXT "v=spf1 redirect=a.example.net"',
    fix: 'Keep one of them.',
  },
  check(record, ctx) {
    const seen = new Map<string, SpfTerm>();
    for (const t of record.terms) {
      if (t.kind !== 'modifier' || (t.name !== 'redirect' && t.name !== 'exp')) continue;
      const first = seen.get(t.name);
      if (first) ctx.report(t.range, `\`${t.name}\` appears more than once, which makes the record a permerror (RFC 7208 §6).`, { fixes: [removeTerm(record, t)] });
      else seen.set(t.name, t);
    }
  },
};

function termKey(t: SpfTerm): string {
  return `${t.qualifier}${t.name}:${(t.arg ?? '').toLowerCase().replace(/\.$/, '')}/${t.cidr4 ?? ''}//${t.cidr6 ?? ''}`;
}

export const duplicateMechanism: SpfRule = {
  id: 'spf/duplicate-mechanism',
  kind: 'spf',
  scope: 'spf',
  severity: 'warning',
  summary: 'The same mechanism is listed twice',
  fixable: true,
  docs: {
    what: 'Finds a mechanism that repeats an earlier one exactly (same qualifier, name, domain and prefix lengths).',
    why: 'The second copy never changes the result (RFC 7208 §4.6.2 evaluates left to right), yet an `include`, `a` or `mx` still costs one of the ten DNS lookups (§4.6.4).',
    bad: '@ IN TXT "v=spf1 include:_spf.example.net include:_spf.example.net -all"',
    good: '@ IN TXT "v=spf1 include:_spf.example.net -all"',
    fix: 'Remove the repeated mechanism.',
  },
  check(record, ctx) {
    const seen = new Set<string>();
    for (const t of mechanisms(record)) {
      if (t.invalid || t.name === 'all') continue;
      const k = termKey(t);
      if (seen.has(k)) ctx.report(t.range, `\`${t.text}\` repeats an earlier mechanism and can be removed (RFC 7208 §4.6.2).`, { fixes: [removeTerm(record, t)] });
      seen.add(k);
    }
  },
};

export const unknownModifier: SpfRule = {
  id: 'spf/unknown-modifier',
  kind: 'spf',
  scope: 'spf',
  severity: 'information',
  summary: 'An unknown modifier is ignored by receivers',
  fixable: false,
  docs: {
    what: 'Finds modifiers other than `redirect` and `exp`, such as a misspelt `redirects=`.',
    why: 'RFC 7208 §6: unrecognised modifiers MUST be ignored, so a typo silently removes a redirect or explanation.',
    bad: '@ IN TXT "v=spf1 redirects=_spf.example.net"',
    good: '@ IN TXT "v=spf1 redirect=_spf.example.net"',
    fix: 'Correct the name, or remove the modifier if it is not needed.',
  },
  check(record, ctx) {
    for (const t of record.terms)
      if (t.kind === 'modifier' && t.name !== 'redirect' && t.name !== 'exp' && !t.invalid && !(MECHANISMS as readonly string[]).includes(t.name))
        ctx.report(t.nameRange, `Unknown modifier \`${t.name}\` is ignored by receivers (RFC 7208 §6); did you mean \`redirect\` or \`exp\`?`);
  },
};

function recordBytes(ctx: RecordContext): number {
  return ctx.site.strings.reduce((n, s) => n + s.bytes, 0);
}

export const recordTooLong: SpfRule = {
  id: 'spf/record-too-long',
  wholeRecord: true,
  kind: 'spf',
  scope: 'spf',
  severity: 'warning',
  summary: 'The SPF record is longer than 450 bytes',
  fixable: false,
  docs: {
    what: 'Finds SPF records between 451 and 512 bytes.',
    why: 'RFC 7208 §3.4: records should stay under 450 bytes so that the whole DNS answer, with the query, fits in a 512-byte UDP response; bigger answers need TCP or EDNS, which some resolvers on the path lack.',
    bad: `@ IN TXT "v=spf1 ${'ip4:192.0.2.1 '.repeat(17)}" "${'ip4:192.0.2.2 '.repeat(17)}-all"`,
    good: '@ IN TXT "v=spf1 ip4:192.0.2.0/24 -all"',
    fix: 'Merge addresses into CIDR ranges, or move part of the record behind an `include:` of a name you control.',
  },
  check(record, ctx) {
    const bytes = recordBytes(ctx);
    if (bytes > 450 && bytes <= 512)
      ctx.report({ start: 0, end: record.version?.end ?? Math.min(6, record.value.length) }, `The record is ${bytes} bytes; keep SPF records under 450 bytes so answers fit in one UDP packet (RFC 7208 §3.4).`);
  },
};

export const recordOver512: SpfRule = {
  id: 'spf/record-exceeds-512-bytes',
  wholeRecord: true,
  kind: 'spf',
  scope: 'spf',
  severity: 'error',
  summary: 'The SPF record is longer than 512 bytes',
  fixable: false,
  docs: {
    what: 'Finds SPF records longer than 512 bytes.',
    why: 'RFC 7208 §3.4: a record this long cannot be answered in a plain 512-byte UDP response; resolvers without TCP fallback get a truncated answer and receivers return `temperror`.',
    bad: `@ IN TXT "v=spf1 ${'ip4:192.0.2.1 '.repeat(17)}" "${'ip4:192.0.2.2 '.repeat(17)}" "${'ip4:192.0.2.3 '.repeat(6)}-all"`,
    good: '@ IN TXT "v=spf1 ip4:192.0.2.0/24 -all"',
    fix: 'Merge addresses into CIDR ranges, or split the policy behind `include:` of names you control.',
  },
  check(record, ctx) {
    const bytes = recordBytes(ctx);
    if (bytes > 512)
      ctx.report({ start: 0, end: record.version?.end ?? Math.min(6, record.value.length) }, `The record is ${bytes} bytes, more than fits in a 512-byte UDP answer (RFC 7208 §3.4); shorten it or split it behind an include.`);
  },
};

/** How many addresses a prefix of `bits` leaves, for the message: 16,777,216 or 2^112. */
function addresses(total: number, prefix: number): string {
  const bits = total - prefix;
  return bits <= 32 ? (2 ** bits).toLocaleString('en-US') : `2^${bits}`;
}

export const networkTooWide: SpfRule = {
  id: 'spf/network-too-wide',
  kind: 'spf',
  scope: 'spf',
  severity: 'warning',
  summary: 'An `ip4`/`ip6` network (or an `a`/`mx` prefix) that takes in a vast part of the internet',
  fixable: false,
  docs: {
    what: 'Finds `ip4:…/0` and `ip6:…/0`, and `a`/`mx` with a `/0` prefix, which match every address of that family (an error), and networks wider than an IPv4 /8 or an IPv6 /16 (a warning). The widest networks sending platforms publish are around an IPv4 /14 and an IPv6 /32.',
    why: 'RFC 7208 §5.6: the term matches every client inside the network. `/0` authorises the whole internet, as `+all` does, and a /8 sixteen million hosts of other people; such a prefix is almost always a typo (`/8` for `/28`) or a misunderstanding of CIDR.',
    bad: '@ IN TXT "v=spf1 ip4:203.0.113.0/8 -all"',
    good: '@ IN TXT "v=spf1 ip4:203.0.113.0/28 -all"',
    fix: 'Write the network your servers are in, with its real prefix length (a single host needs none).',
  },
  check(record, ctx) {
    for (const t of mechanisms(record)) {
      if (t.invalid || !['ip4', 'ip6', 'a', 'mx'].includes(t.name)) continue;
      const p4 = t.name === 'ip6' ? undefined : t.cidr4;
      const p6 = t.name === 'ip4' ? undefined : t.cidr6;
      const where = t.cidrRange ?? t.range;
      if (p4 === 0 || p6 === 0) {
        const family = p4 === 0 ? 'IPv4' : 'IPv6';
        const target = t.name === 'ip4' || t.name === 'ip6' ? '' : ` whenever ${t.arg ?? 'the domain'} has ${t.name === 'a' ? 'an address record' : 'an MX host with an address'}`;
        ctx.report(where, `\`${t.text}\` matches every ${family} address on the internet${target}, as \`+all\` does (RFC 7208 §5.6); write the real prefix length.`, { severity: 'error' });
      } else if (p4 !== undefined && p4 <= 8) {
        ctx.report(where, `\`${t.text}\` authorises ${addresses(32, p4)} IPv4 addresses, far more than any sending service uses (RFC 7208 §5.6); is the prefix length a typo?`);
      } else if (p6 !== undefined && p6 <= 16) {
        ctx.report(where, `\`${t.text}\` authorises ${addresses(128, p6)} IPv6 addresses, far more than any sending service uses (RFC 7208 §5.6); is the prefix length a typo?`);
      }
    }
  },
};

/** Networks from which no mail reaches a receiver over the internet. */
const NON_PUBLIC: { net: Ip; prefix: number; what: string }[] = [
  ['10.0.0.0', 8, 'a private range (RFC 1918)'],
  ['172.16.0.0', 12, 'a private range (RFC 1918)'],
  ['192.168.0.0', 16, 'a private range (RFC 1918)'],
  ['100.64.0.0', 10, 'the carrier-grade NAT range (RFC 6598)'],
  ['127.0.0.0', 8, 'the loopback range'],
  ['169.254.0.0', 16, 'the link-local range'],
  ['0.0.0.0', 8, '"this network" (RFC 6890)'],
  ['::1', 128, 'the loopback range'],
  ['fc00::', 7, 'the unique local range (RFC 4193)'],
  ['fe80::', 10, 'the link-local range'],
].map(([net, prefix, what]) => ({ net: parseIp(net as string)!, prefix: prefix as number, what: what as string }));

export const privateAddress: SpfRule = {
  id: 'spf/private-address',
  kind: 'spf',
  scope: 'spf',
  severity: 'warning',
  summary: 'An `ip4`/`ip6` term names a private, loopback or link-local network',
  fixable: true,
  docs: {
    what: 'Finds `ip4` and `ip6` terms whose whole network is private (RFC 1918 `10/8`, `172.16/12`, `192.168/16`), carrier-grade NAT (`100.64/10`), loopback, link-local, or IPv6 unique local (`fc00::/7`).',
    why: 'RFC 7208 §5.6 matches the address the receiver sees the mail come from, which is a public one: mail from a private address never reaches a receiver on the internet, so such a term authorises nothing. It is usually an internal relay written where its public (NAT) address belongs, so the real sender still fails SPF; it also tells the world about the internal network.',
    bad: '@ IN TXT "v=spf1 ip4:192.168.10.25 ip4:198.51.100.25 -all"',
    good: '@ IN TXT "v=spf1 ip4:198.51.100.25 -all"',
    fix: 'Write the public address the relay sends from (its NAT or outbound address), or remove the term.',
  },
  check(record, ctx) {
    for (const t of mechanisms(record)) {
      if (t.invalid || (t.name !== 'ip4' && t.name !== 'ip6') || !t.arg) continue;
      // Most addresses are public: the first octet (or the IPv6 start) rules them out without parsing.
      if (t.name === 'ip4' ? !/^(0|10|100|127|169|172|192)\./.test(t.arg) : !/^(f[c-e]|::1$|::ffff:)/i.test(t.arg)) continue;
      const ip = parseIp(t.arg);
      if (!ip) continue;
      const prefix = ip.v === 4 ? (t.cidr4 ?? 32) : (t.cidr6 ?? 128);
      // The whole network must lie inside the block: `ip4:0.0.0.0/1` holds public addresses too.
      const block = NON_PUBLIC.find((b) => b.net.v === ip.v && prefix >= b.prefix && inNetwork(ip, b.net, b.prefix));
      if (!block) continue;
      ctx.report(t.argRange ?? t.range, `\`${t.text}\` lies in ${block.what}: mail from it never reaches a receiver over the internet, so the term authorises nothing (RFC 7208 §5.6); write the public address the server sends from.`, {
        fixes: [removeTerm(record, t)],
      });
    }
  },
};

export const spfRules: SpfRule[] = [
  syntaxError,
  wrongSeparator,
  gluedStrings,
  gluedAllRule,
  splitTermRule,
  wrongDelimiter,
  networkTooWide,
  privateAddress,
  unknownMechanism,
  invalidIp,
  invalidCidr,
  invalidDomainSpec,
  invalidMacro,
  invalidVersion,
  plusAll,
  neutralAll,
  noAll,
  redirectWithAll,
  termsAfterAll,
  multipleAll,
  ptr,
  includeTypo,
  duplicateModifier,
  duplicateMechanism,
  unknownModifier,
  recordTooLong,
  recordOver512,
];
