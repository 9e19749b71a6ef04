/**
 * SVCB and HTTPS record data (RFC 9460) checked the way BIND reads it when it loads a zone
 * (lib/dns/rdata/in_1/svcb_64.c): priority, target name, then `key=value` parameters, each value
 * in its key's own syntax, and at the end the rules across parameters (no key twice, every key
 * `mandatory` names present, `no-default-alpn` only with `alpn`).
 */
import { base64Fields, isDecimal, isDottedQuad, isIPv6Address, nameProblem } from './textforms';

/** A problem with the data: the field it is at (the number of fields: at the end of the record). */
export interface SvcbProblem {
  message: string;
  field: number;
  fix?: { title: string; start: number; end: number; text: string };
}

/** The parameter keys with names (RFC 9460 §14.3.2 and RFC 9461 §5), by the names BIND reads. */
const KEYS = new Map(Object.entries({ mandatory: 0, alpn: 1, 'no-default-alpn': 2, port: 3, ipv4hint: 4, ech: 5, ipv6hint: 6, dohpath: 7 }));
const KEY_NAMES = [...KEYS.keys()];

const RFC = 'RFC 9460 §2.1';

/**
 * What BIND refuses in SVCB/HTTPS data. `written` has the fields as written (quotes and escapes in),
 * `decoded` with quotes and escapes resolved; `glued(k)` says field k starts right where field k-1
 * ended, as the quoted value does in `alpn="h2,h3"`.
 */
export function svcbProblem(type: string, decoded: string[], written: string[], glued: (k: number) => boolean): SvcbProblem | undefined {
  if (written.length === 0) return { message: `${type} record needs a priority and a target name (${RFC}).`, field: 0 };
  if (!isDecimal(written[0], 65535)) return { message: `${type} priority \`${written[0]}\` must be a number 0-65535, 0 for an alias (RFC 9460 §2.4.1).`, field: 0 };
  if (written.length === 1) return { message: `${type} record needs a target name after the priority, \`.\` for the owner itself (${RFC}).`, field: 1 };
  const target = written[1].charCodeAt(0) === 34 ? decoded[1] : written[1];
  const bad = nameProblem(target);
  if (bad) return { message: bad, field: 1 };
  const seen = new Map<number, string>();
  let mandatory: number[] | undefined;
  let twice: string | undefined;
  for (let k = 2; k < written.length; k++) {
    const field = k;
    let w = written[k];
    if (w.charCodeAt(0) === 34) return { message: `${type} parameter ${w} is quoted as a whole; only its value may be: \`key="value"\` (${RFC}).`, field };
    // `key="value"`: the quoted value is a field of its own, right after the `=`.
    if (w.endsWith('=') && k + 1 < written.length && glued(k + 1) && written[k + 1].charCodeAt(0) === 34) {
      const q = written[++k];
      w += q.slice(1, q.length - 1);
    }
    const eq = w.indexOf('=');
    const name = eq < 0 ? w : w.slice(0, eq);
    const value = eq < 0 ? '' : w.slice(eq + 1);
    const param = parseParam(type, name, value, eq >= 0);
    // `ohttp` is `key8` by number, which BIND 9.18 reads: a sure repair.
    if (typeof param === 'string') return { message: param, field, fix: name.toLowerCase() === 'ohttp' ? { title: 'Write `ohttp` as `key8`', start: 0, end: name.length, text: 'key8' } : undefined };
    // A key twice is found at the end of the record, after every parameter is read.
    if (seen.has(param.key)) twice ??= `${type} parameter \`${name}\` appears twice${seen.get(param.key) === name ? '' : ` (also as \`${seen.get(param.key)}\`)`}; each key may appear once (RFC 9460 §2.2).`;
    seen.set(param.key, name);
    if (param.key === 0 && param.list) mandatory = param.list;
  }
  // The rules across parameters, which BIND checks at the end of the record.
  const end = written.length;
  if (twice) return { message: twice, field: end };
  if (mandatory) {
    if (mandatory.includes(0)) return { message: `${type} \`mandatory\` may not list itself (RFC 9460 §8).`, field: end };
    if (seen.size === 1) return { message: `${type} \`mandatory\` lists keys the record does not have; it cannot be the only parameter (RFC 9460 §8).`, field: end };
    const missing = mandatory.filter((key) => !seen.has(key));
    if (missing.length) return { message: `${type} \`mandatory\` lists ${missing.map(keyName).join(', ')}, which the record does not have (RFC 9460 §8).`, field: end };
  }
  if (seen.has(2) && !seen.has(1)) return { message: `${type} \`no-default-alpn\` needs an \`alpn\` parameter too (RFC 9460 §7.1.1).`, field: end };
  return undefined;
}

function keyName(key: number): string {
  return KEY_NAMES[key] ?? `key${key}`;
}

/** One parameter: its key number (and, for `mandatory`, the keys it lists), or what is wrong. */
function parseParam(type: string, name: string, value: string, hasValue: boolean): { key: number; list?: number[] } | string {
  const param = `${type} parameter \`${name}${hasValue ? `=${value}` : ''}\``;
  const known = KEYS.get(name);
  if (known !== undefined) {
    const why = knownValueProblem(known, value);
    if (typeof why === 'string') return `${param}: ${why}`;
    return { key: known, list: why };
  }
  // Any other key: a name in other case (`ALPN`) or `keyNNNNN`, and its value as wire bytes.
  const key = keyNumber(name);
  if (typeof key === 'string') return `${param}: ${key}`;
  const bytes = hasValue && value !== '' ? textBytes(value) : [];
  if (bytes === undefined) return `${param}: the value has a bad escape; write \`\\DDD\` with three decimal digits 000-255, or \`\\\` and one character (RFC 1035 §5.1).`;
  const why = wireProblem(key, bytes);
  return why ? `${param}: ${why}` : { key, list: key === 0 ? pairs(bytes) : undefined };
}

/** `keyNNNNN` (no zero padding, up to 65535), or a known name in any case: its number, or what is wrong. */
function keyNumber(name: string): number | string {
  const lower = name.toLowerCase();
  if (KEYS.has(lower)) return KEYS.get(lower)!;
  const m = /^key(0|[1-9]\d*)$/.exec(name);
  // Registered after RFC 9460; BIND 9.18 does not know the name and refuses the zone.
  if (lower === 'ohttp') return '`ohttp` (RFC 9540 §4) is a name BIND 9.18 and older do not know, so they refuse the zone; write `key8`, the same parameter by number.';
  if (!m) return `\`${name}\` is not a parameter key; the keys are ${KEY_NAMES.join(', ')} (in lower case) or keyNNNNN (RFC 9460 §2.1, §14.3.2).`;
  const n = Number(m[1]);
  return m[1].length <= 5 && n <= 65535 ? n : `key number ${m[1]} is over 65535 (RFC 9460 §2.1).`;
}

/** A known key written by its name: what is wrong with its value, or the keys `mandatory` lists. */
function knownValueProblem(key: number, value: string): string | number[] | undefined {
  switch (key) {
    case 0: {
      if (value === '') return 'needs a comma-separated list of keys (RFC 9460 §8).';
      const keys: number[] = [];
      for (const part of value.split(',')) {
        if (part === '') return 'has an empty key in its list (RFC 9460 §8).';
        const n = keyNumber(part);
        if (typeof n === 'string') return n;
        if (keys.includes(n)) return `lists ${part} twice (RFC 9460 §8).`;
        keys.push(n);
      }
      return keys.sort((a, b) => a - b);
    }
    case 1:
      return alpnProblem(value);
    case 2:
      return value === '' ? undefined : 'takes no value (RFC 9460 §7.1.1).';
    case 3:
      if (!/^\d+$/.test(value)) return 'must be a port number 0-65535 (RFC 9460 §7.2).';
      return Number(value) <= 65535 ? undefined : 'is over 65535 (RFC 9460 §7.2).';
    case 4:
    case 6: {
      const v6 = key === 6;
      for (const a of value.split(',')) if (!(v6 ? isIPv6Address(a) : isDottedQuad(a))) return `\`${a}\` is not an ${v6 ? 'IPv6' : 'IPv4'} address; write a comma-separated list without spaces (RFC 9460 §7.3).`;
      return undefined;
    }
    case 5:
      // The same group-by-group reading as any base64 field (isc_base64_decodestring).
      return base64Fields([value], 0, 'ech', 'RFC 9460 §7.4') ? 'is not base64 (RFC 9460 §7.4; RFC 4648 §4).' : undefined;
    case 7: {
      const bytes = textBytes(value);
      if (bytes === undefined) return 'the value has a bad escape (RFC 1035 §5.1).';
      return wireProblem(7, bytes);
    }
  }
  return undefined;
}

/**
 * `alpn`: comma-separated protocol ids, none empty, each at most 255 bytes; `\,` does not escape a
 * comma (RFC 9460 §A.1: a comma inside an id is written `\\,`), `\DDD` is a byte.
 */
function alpnProblem(value: string): string | undefined {
  let id = 0;
  let escape = false;
  let commaEscape = false;
  let ids = 0;
  for (let i = 0; i < value.length; i++) {
    let c = value.charCodeAt(i);
    if (escape && c >= 48 && c <= 57) {
      const d = value.slice(i, i + 3);
      if (!/^\d{3}$/.test(d) || Number(d) > 255) return 'has a bad escape; write `\\DDD` with three decimal digits 000-255 (RFC 1035 §5.1).';
      c = Number(d);
      i += 2;
    } else if (!escape && c === 92) {
      escape = true;
      continue;
    }
    escape = false;
    if (!commaEscape && c === 44) {
      if (id === 0) return 'has an empty protocol id; write ids such as `h2,h3` with nothing between the commas but ids (RFC 9460 §7.1.1).';
      ids++;
      id = 0;
      if (i === value.length - 1) return 'ends in a comma (RFC 9460 §7.1.1).';
      continue;
    }
    if (!commaEscape && c === 92) {
      commaEscape = true;
      continue;
    }
    commaEscape = false;
    if (++id > 255) return 'has a protocol id over 255 bytes (RFC 9460 §7.1.1).';
  }
  if (escape || commaEscape) return 'ends in a lone `\\` (RFC 1035 §5.1).';
  if (id === 0 && ids === 0) return 'needs at least one protocol id, such as `h2` (RFC 9460 §7.1.1).';
  return undefined;
}

/** Text with `\DDD` and `\X` escapes as bytes (UTF-8 for other characters); undefined on a bad escape. */
function textBytes(value: string): number[] | undefined {
  const out: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c !== 92) {
      if (c < 128) out.push(c);
      else {
        const cp = value.codePointAt(i)!;
        if (cp > 0xffff) i++;
        out.push(...Buffer.from(String.fromCodePoint(cp), 'utf8'));
      }
      continue;
    }
    if (i + 1 >= value.length) return undefined;
    const d = value.charCodeAt(i + 1);
    if (d >= 48 && d <= 57) {
      const n = value.slice(i + 1, i + 4);
      if (!/^\d{3}$/.test(n) || Number(n) > 255) return undefined;
      out.push(Number(n));
      i += 3;
    } else {
      out.push(...Buffer.from(value[i + 1], 'utf8'));
      i++;
    }
  }
  return out;
}

function pairs(bytes: number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i + 1 < bytes.length; i += 2) out.push(bytes[i] * 256 + bytes[i + 1]);
  return out;
}

/** A value given as raw bytes (`key3=...`, or a name in other case) in the wire format of its key. */
function wireProblem(key: number, b: number[]): string | undefined {
  switch (key) {
    case 0: {
      if (b.length === 0 || b.length % 2 !== 0) return 'as wire data, `mandatory` is a list of two-byte key numbers (RFC 9460 §8).';
      const keys = pairs(b);
      for (let i = 1; i < keys.length; i++) if (keys[i] <= keys[i - 1]) return 'as wire data, the key numbers of `mandatory` must be in increasing order (RFC 9460 §8).';
      return undefined;
    }
    case 1: {
      if (b.length === 0) return 'as wire data, `alpn` is one or more protocol ids, each a length byte and that many bytes (RFC 9460 §7.1.1).';
      for (let i = 0; i < b.length; i += 1 + b[i]) if (b[i] === 0 || i + 1 + b[i] > b.length) return 'as wire data, `alpn` is one or more protocol ids, each a length byte and that many bytes (RFC 9460 §7.1.1).';
      return undefined;
    }
    case 2:
      return b.length === 0 ? undefined : 'takes no value (RFC 9460 §7.1.1).';
    case 3:
      return b.length === 2 ? undefined : 'as wire data, a port is 2 bytes; write `port=443` (RFC 9460 §7.2).';
    case 4:
      return b.length > 0 && b.length % 4 === 0 ? undefined : 'as wire data, IPv4 addresses are 4 bytes each; write `ipv4hint=192.0.2.1` (RFC 9460 §7.3).';
    case 6:
      return b.length > 0 && b.length % 16 === 0 ? undefined : 'as wire data, IPv6 addresses are 16 bytes each; write `ipv6hint=2001:db8::1` (RFC 9460 §7.3).';
    case 7: {
      const text = Buffer.from(b);
      if (b[0] !== 0x2f || !isUtf8(text) || !templateHasDns(text.toString('utf8'))) return 'must be a relative URI template (RFC 6570) that starts with `/` and has a `dns` variable, such as `/dns-query{?dns}` (RFC 9461 §5).';
      return undefined;
    }
  }
  return undefined;
}

/**
 * A URI template (RFC 6570 §2) as BIND checks a `dohpath`: `%` only as a hex escape, every `{` closed,
 * each expression an optional operator (`+ # . / ; ? &`) and variables (letters, digits, `_`, escapes;
 * BIND takes no dots in them) with an optional `:1`-`:9999` or `*`; one of the variables is `dns`.
 */
function templateHasDns(t: string): boolean {
  let dns = false;
  const pct = (i: number) => /^%[0-9A-Fa-f]{2}/.test(t.slice(i, i + 3));
  for (let i = 0; i < t.length; i++) {
    const c = t[i];
    if (c === '%') {
      if (!pct(i)) return false;
      i += 2;
      continue;
    }
    if (c !== '{') continue;
    i++;
    if ('+#./;?&'.includes(t[i])) i++;
    for (;;) {
      let name = '';
      for (;;) {
        const v = t[i];
        if (v === '%' && pct(i)) {
          name += t.slice(i, i + 3);
          i += 3;
        } else if (v !== undefined && /[A-Za-z0-9_]/.test(v)) {
          name += v;
          i++;
        } else break;
      }
      if (name === '') return false;
      if (name === 'dns') dns = true;
      if (t[i] === '*') i++;
      else if (t[i] === ':') {
        const m = /^:([1-9]\d{0,3})/.exec(t.slice(i));
        if (!m) return false;
        i += m[0].length;
      }
      if (t[i] === ',') {
        i++;
        continue;
      }
      if (t[i] !== '}') return false;
      break;
    }
  }
  return dns;
}

function isUtf8(b: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b);
    return true;
  } catch {
    return false;
  }
}

/**
 * SvcParams in wire form (RFC 9460 §2.2), after the priority and target of generic `\#` data: keys in
 * increasing order, each value in its key's wire format, and the same rules across them as in text.
 */
export function svcbWireProblem(b: Uint8Array): string | undefined {
  const keys: number[] = [];
  let mandatory: number[] | undefined;
  for (let i = 0; i < b.length; ) {
    if (b.length - i < 4) return 'ends too soon';
    const key = b[i] * 256 + b[i + 1];
    const len = b[i + 2] * 256 + b[i + 3];
    i += 4;
    if (b.length - i < len) return 'ends too soon';
    const value = [...b.subarray(i, i + len)];
    i += len;
    if (keys.length && key <= keys[keys.length - 1]) return 'has SvcParams keys out of increasing order (RFC 9460 §2.2)';
    const why = wireProblem(key, value);
    if (why) return `has a ${keyName(key)} value that ${why.replace(/^as wire data, /, 'is wrong: ')}`;
    keys.push(key);
    if (key === 0) mandatory = pairs(value);
  }
  if (mandatory && (mandatory.includes(0) || mandatory.some((k) => !keys.includes(k)))) return 'has a `mandatory` list naming itself or a key the record does not have (RFC 9460 §8)';
  if (keys.includes(2) && !keys.includes(1)) return 'has `no-default-alpn` without `alpn` (RFC 9460 §7.1.1)';
  return undefined;
}
