/**
 * The text forms the zone reader and the record-data checks share, as BIND reads them: TTLs, IPv4 and
 * IPv6 addresses, base64 split over fields, domain names and `\\DDD` escapes.
 */
import { isIPv6 } from 'node:net';
import type { OffsetRange } from '../types';

const TTL_RE = /^(?:\d+|(?:\d+[smhdwSMHDW])+)$/;

/** TTL in seconds, or undefined when the token is not a valid TTL. */
export function parseTtl(s: string): number | undefined {
  if (!TTL_RE.test(s)) return undefined;
  if (/^\d+$/.test(s)) return Number(s);
  let total = 0;
  for (const m of s.matchAll(/(\d+)([smhdw])/gi)) {
    const unit = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 }[m[2].toLowerCase() as 's' | 'm' | 'h' | 'd' | 'w'];
    total += Number(m[1]) * unit;
  }
  return total;
}

/** Dotted-quad IPv4 as BIND accepts it (four decimal octets 0-255, no leading zeros), without a regular expression. */
export function isDottedQuad(s: string): boolean {
  let octets = 0;
  let value = -1;
  let digits = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 46;
    if (c === 46) {
      if (digits === 0 || value > 255) return false;
      octets++;
      value = -1;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits === 3 || value === 0) return false;
      value = (value < 0 ? 0 : value * 10) + (c - 48);
      digits++;
    } else {
      return false;
    }
  }
  return octets === 4;
}

/**
 * Hex groups and at most one `::` (the way AAAA records are written), checked without node's large
 * regular expression; anything else (an IPv4 tail) goes to isIPv6. Only says yes where isIPv6 does.
 */
export function isPlainIPv6(s: string): boolean {
  const n = s.length;
  if (n < 2 || n > 39) return false;
  let groups = 0;
  let digits = 0;
  let compressed = false;
  let i = 0;
  if (s.charCodeAt(0) === 58) {
    if (s.charCodeAt(1) !== 58) return false;
    compressed = true;
    i = 2;
    if (n === 2) return true;
  }
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 58) {
      if (digits === 0) return false;
      groups++;
      digits = 0;
      if (i + 1 < n && s.charCodeAt(i + 1) === 58) {
        if (compressed) return false;
        compressed = true;
        i++;
        if (i + 1 === n) return groups <= 7;
      } else if (i + 1 === n) return false;
    } else if ((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70)) {
      if (++digits > 4) return false;
    } else return false;
  }
  groups++;
  return compressed ? groups <= 7 : groups === 8;
}

/** Decimal digits only (no sign, no hex), at most `max`: what BIND's number parser takes. */
export function isDecimal(s: string, max: number): boolean {
  if (s.length === 0) return false;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
    // Leading zeros are fine (`02026112601`); what follows them must fit.
    if (c === 48 && start === i && i < s.length - 1) start++;
  }
  return s.length - start <= 10 && Number(s) <= max;
}

/** An IPv6 address as BIND reads one: the fast path for hex groups, else node's full check. */
export function isIPv6Address(s: string): boolean {
  return isPlainIPv6(s) || isIPv6(s);
}

/** What is wrong with a record's data: the message and the field (0-based) it is at; `extra` when the fields from there on are too many. */
export interface RdataProblem {
  message: string;
  field: number;
  extra?: boolean;
  /** BIND names the line of this field itself (a bad character in hex or base64 data), not the line where the field before it ended. */
  here?: boolean;
  /** A sure repair: replace characters [start, end) of the field as written (quotes included) with `text`. */
  fix?: { title: string; start: number; end: number; text: string };
}

const B64 = new Uint8Array(128).fill(255);
for (let i = 0; i < 64; i++) B64['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.charCodeAt(i)] = i;

/**
 * Fields `from` on as one base64 text split anywhere, decoded as BIND does (isc_base64_tobuffer): `=`
 * counts as a character and each group of four is checked when it is complete (padding only as its
 * last one or two, the bits it cuts off zero); after a padded group the data ends, so a further field
 * is "extra input text".
 */
export function base64Fields(written: string[], from: number, what: string, rfc: string): RdataProblem | undefined {
  const val = [0, 0, 0, 0];
  let digits = 0;
  let ended = false;
  for (let k = from; k < written.length; k++) {
    if (ended) return { message: `${what} ends at the \`=\` padding; \`${written[k]}\` is extra (${rfc}).`, field: k, extra: true };
    const w = written[k];
    // A quoted field BIND refuses as it reads it ("unexpected token"), at the line where the field before ended.
    const bad = (why: string): RdataProblem => ({ message: `${what} is not base64: ${why} (${rfc}).`, field: k, here: w.charCodeAt(0) !== 34 });
    for (let i = 0; i < w.length; i++) {
      const c = w.charCodeAt(i);
      if (ended) return bad('nothing may follow the `=` padding');
      const v = c === 61 ? 64 : c < 128 ? B64[c] : 255;
      if (v === 255) return bad(`\`${String.fromCharCode(c)}\` in \`${w}\` is not a base64 character`);
      val[digits++] = v;
      if (digits < 4) continue;
      digits = 0;
      if (val[0] === 64 || val[1] === 64 || (val[2] === 64 && val[3] !== 64)) return bad('`=` is padding, only as the last one or two characters of a group of four');
      // The bits the padding cuts off must be zero.
      if (val[2] === 64 ? val[1] & 15 : val[3] === 64 ? val[2] & 3 : 0) return bad(`the group before the \`=\` padding has bits set after its last whole byte`);
      ended = val[3] === 64;
    }
  }
  return digits === 0 ? undefined : { message: `${what} is not base64: its length is not a multiple of four characters (${rfc}).`, field: written.length - 1, here: true };
}

/**
 * A domain name as written in a zone file (RFC 1035 §5.1) that BIND refuses: an empty label (`a..b`,
 * `.a`), a label over 63 octets (RFC 1035 §2.3.4), a bad escape. `@` and `.` are fine.
 */
export function nameProblem(s: string): string | undefined {
  if (s === '@' || s === '.') return undefined;
  let label = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (label === 0) return `\`${s}\` has an empty label: two dots in a row, or a dot at the start (RFC 1035 §3.1).`;
      label = 0;
      continue;
    }
    if (c === 92) {
      const bad = escapeProblem(s, i, s.length, false);
      if (bad && bad.start === i) return badEscapeMessage(s.slice(bad.start, bad.end), s);
      i += s.charCodeAt(i + 1) >= 48 && s.charCodeAt(i + 1) <= 57 ? 3 : 1;
    }
    if (++label > 63) return `\`${s}\` has a label longer than 63 octets (RFC 1035 §2.3.4).`;
  }
  return undefined;
}

/**
 * The first bad escape in text[start, end) (a token, quotes included when `quoted`): a `\` followed by
 * a digit must be `\DDD` with a value up to 255, and an unquoted word may not end in a lone `\`.
 */
export function escapeProblem(text: string, start: number, end: number, quoted: boolean): OffsetRange | undefined {
  const last = quoted ? end - 1 : end;
  for (let i = quoted ? start + 1 : start; i < last; i++) {
    if (text.charCodeAt(i) !== 92) continue;
    if (i + 1 >= last) return quoted ? undefined : { start: i, end: i + 1 };
    const d = text.charCodeAt(i + 1);
    if (d < 48 || d > 57) {
      i++;
      continue;
    }
    let n = 0;
    let digits = 0;
    while (digits < 3 && i + 1 + digits < last) {
      const c = text.charCodeAt(i + 1 + digits);
      if (c < 48 || c > 57) break;
      n = n * 10 + (c - 48);
      digits++;
    }
    if (digits < 3 || n > 255) return { start: i, end: Math.min(last, i + 4) };
    i += 3;
  }
  return undefined;
}

/** What is wrong with a bad escape (in the name `within`, when it is in one). */
export function badEscapeMessage(escape: string, within?: string): string {
  return `\`${escape}\`${within === undefined ? '' : ` in \`${within}\``} is not a valid escape: write \`\\DDD\` with three decimal digits 000-255, or \`\\\` and one character (RFC 1035 §5.1).`;
}
