/**
 * Record data in wire form (RFC 3597 §5 generic data, `\# length hex`), checked the way BIND reads it
 * when it loads a zone: the bytes must be the type's own wire format (RFC 1035 §3.3 and each type's
 * RFC), with no compressed names and nothing left over. Types without a check here are taken as they are.
 */
import { svcbWireProblem } from './svcb';

/** What is wrong with `b` as the wire data of `type`, or undefined. */
export function wireDataProblem(type: string, b: Uint8Array): string | undefined {
  const r = new Reader(b);
  const why = read(type, r);
  if (why) return why;
  return r.at < b.length ? `has ${b.length - r.at} byte${b.length - r.at === 1 ? '' : 's'} after the end of the ${type} data` : undefined;
}

const SHORT = 'ends too soon';

class Reader {
  at = 0;
  constructor(readonly b: Uint8Array) {}
  get left(): number {
    return this.b.length - this.at;
  }
  u8(): number | undefined {
    return this.at < this.b.length ? this.b[this.at++] : undefined;
  }
  skip(n: number): boolean {
    if (this.left < n) return false;
    this.at += n;
    return true;
  }
  u16(): number | undefined {
    if (this.left < 2) return undefined;
    const v = this.b[this.at] * 256 + this.b[this.at + 1];
    this.at += 2;
    return v;
  }
  /** An uncompressed domain name: labels of 1-63 bytes, then the zero byte; at most 255 bytes. */
  name(): string | undefined {
    const start = this.at;
    for (;;) {
      const len = this.u8();
      if (len === undefined) return SHORT;
      if (len === 0) return this.at - start > 255 ? 'has a domain name longer than 255 bytes' : undefined;
      if (len >= 0xc0) return 'has a compressed domain name, which zone data may not use';
      if (len >= 0x40) return 'has a domain name with a label type other than a plain label';
      if (!this.skip(len)) return SHORT;
    }
  }
  /** A character-string: a length byte and that many bytes. */
  string(): string | undefined {
    const len = this.u8();
    return len === undefined || !this.skip(len) ? SHORT : undefined;
  }
  rest(): Uint8Array {
    const out = this.b.subarray(this.at);
    this.at = this.b.length;
    return out;
  }
}

/** NSEC and NSEC3 type bitmaps (RFC 4034 §4.1.2): windows in increasing order, 1-32 bytes each, the last byte not zero. */
function typeBitmap(r: Reader, allowEmpty: boolean): string | undefined {
  if (r.left === 0) return allowEmpty ? undefined : 'has an empty type bitmap';
  let last = -1;
  while (r.left > 0) {
    const window = r.u8()!;
    const len = r.u8();
    if (len === undefined || len === 0 || len > 32 || window <= last || r.left < len || r.b[r.at + len - 1] === 0) return 'has a malformed type bitmap';
    last = window;
    r.skip(len);
  }
  return undefined;
}

/** DS digest sizes in bytes by digest type (RFC 4034 §A.2, RFC 4509, RFC 5933, RFC 6605): text and wire checks share them. */
export const DIGEST_SIZES: Record<number, number> = { 1: 20, 2: 32, 3: 32, 4: 48 };
/** SSHFP fingerprint sizes by type (RFC 4255 §3.1.2, RFC 6594: SHA-1, SHA-256). */
export const SSHFP_SIZES: Record<number, number> = { 1: 20, 2: 32 };

function read(type: string, r: Reader): string | undefined {
  const fixed = (n: number) => (r.skip(n) ? undefined : SHORT);
  const some = () => (r.left > 0 ? (r.rest(), undefined) : SHORT);
  switch (type) {
    case 'A':
      return r.left === 4 ? (r.rest(), undefined) : 'is not 4 bytes, the size of an IPv4 address';
    case 'AAAA':
      return r.left === 16 ? (r.rest(), undefined) : 'is not 16 bytes, the size of an IPv6 address';
    case 'NS':
    case 'CNAME':
    case 'PTR':
    case 'DNAME':
      return r.name();
    case 'MX':
    case 'AFSDB':
    case 'RT':
    case 'KX':
      return fixed(2) ?? r.name();
    case 'SOA':
      return r.name() ?? r.name() ?? fixed(20);
    case 'SRV':
      return fixed(6) ?? r.name();
    case 'RP':
      return r.name() ?? r.name();
    case 'TXT':
    case 'SPF':
    case 'RESINFO':
    case 'WALLET':
    case 'AVC':
    case 'NINFO': {
      // TXT-like data: one or more character-strings (empty TXT data is named as such, the others as cut short).
      const bad = 'is not one or more character-strings (each a length byte, then that many bytes)';
      if (r.left === 0) return type === 'TXT' || type === 'SPF' ? bad : SHORT;
      while (r.left > 0) if (r.string()) return bad;
      return undefined;
    }
    case 'HINFO':
      return r.string() ?? r.string();
    case 'CAA': {
      if (fixed(1)) return SHORT;
      const len = r.u8();
      if (len === undefined || r.left < len) return SHORT;
      if (len === 0) return 'has an empty CAA tag';
      for (let i = 0; i < len; i++) {
        const c = r.b[r.at + i];
        if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122))) return 'has a CAA tag with characters other than letters and digits';
      }
      r.rest();
      return undefined;
    }
    case 'TLSA':
    case 'SMIMEA':
      return fixed(3) ?? some();
    case 'SSHFP': {
      if (fixed(1)) return SHORT;
      const fp = r.u8();
      if (fp === undefined) return SHORT;
      const size = SSHFP_SIZES[fp];
      if (size !== undefined && r.left !== size) return `has a fingerprint of ${r.left} bytes; SHA-${fp === 1 ? '1' : '256'} is ${size}`;
      r.rest();
      return undefined;
    }
    case 'DS':
    case 'CDS':
    case 'TA':
    case 'DLV': {
      if (fixed(3)) return SHORT;
      const size = DIGEST_SIZES[r.u8() ?? -1];
      if (r.left === 0 || (size !== undefined && r.left < size)) return SHORT;
      if (size !== undefined) r.skip(size);
      else r.rest();
      return undefined;
    }
    case 'DNSKEY':
    case 'CDNSKEY':
    case 'KEY': {
      const flags = r.u16();
      if (flags === undefined || fixed(2)) return SHORT;
      // A KEY whose flags say NOKEY has no key.
      if (type === 'KEY' && (flags & 0xc000) === 0xc000) return (r.rest(), undefined);
      return some();
    }
    case 'RRSIG':
    case 'SIG':
      return fixed(18) ?? r.name() ?? some();
    case 'RKEY': {
      const flags = r.u16();
      if (flags === undefined) return SHORT;
      return flags !== 0 ? 'has RKEY flags other than 0' : (fixed(2) ?? some());
    }
    case 'HIP': {
      // RFC 8005 §5: HIT length, algorithm, key length, the HIT, the key (neither empty), then rendezvous servers.
      const hit = r.u8();
      if (hit === undefined || fixed(1)) return SHORT;
      const key = r.u16();
      if (key === undefined) return SHORT;
      if (hit === 0 || key === 0) return `has an empty ${hit === 0 ? 'HIT' : 'public key'}`;
      if (!r.skip(hit) || !r.skip(key)) return SHORT;
      while (r.left > 0) {
        const why = r.name();
        if (why) return why;
      }
      return undefined;
    }
    case 'AMTRELAY': {
      // RFC 8777 §4.2: precedence, discovery bit and relay type, then the relay of that type.
      if (fixed(1)) return SHORT;
      const t = r.u8();
      if (t === undefined) return SHORT;
      const relay = t & 0x7f;
      return relay === 0 ? undefined : relay === 1 ? fixed(4) : relay === 2 ? fixed(16) : relay === 3 ? r.name() : (r.rest(), undefined);
    }
    case 'DOA':
      return fixed(9) ?? r.string() ?? (r.rest(), undefined);
    case 'GPOS':
      return r.string() ?? r.string() ?? r.string();
    case 'ATMA': {
      // Format 0 (AESA) is any bytes; format 1 (E.164) is ASCII digits.
      const format = r.u8();
      if (format === undefined || r.left === 0) return SHORT;
      const data = r.rest();
      return format === 1 && data.some((c) => c < 48 || c > 57) ? 'has an E.164 ATMA address with bytes other than digits' : undefined;
    }
    case 'L32':
      return fixed(6);
    case 'L64':
    case 'NID':
      return fixed(10);
    case 'LP':
      return fixed(2) ?? r.name();
    case 'TALINK':
      return r.name() ?? r.name();
    case 'SINK':
      return fixed(3) ?? (r.rest(), undefined);
    case 'NSEC':
      return r.name() ?? typeBitmap(r, false);
    case 'NSEC3': {
      if (fixed(4)) return SHORT;
      const salt = r.u8();
      if (salt === undefined || !r.skip(salt)) return SHORT;
      const hash = r.u8();
      if (hash === undefined || !r.skip(hash)) return SHORT;
      if (hash === 0) return 'has an empty next hashed owner name';
      return typeBitmap(r, true);
    }
    case 'NSEC3PARAM': {
      if (fixed(4)) return SHORT;
      const salt = r.u8();
      return salt === undefined || !r.skip(salt) ? SHORT : undefined;
    }
    case 'URI':
      return fixed(4) ?? (r.rest(), undefined);
    case 'NAPTR':
      return fixed(4) ?? r.string() ?? r.string() ?? r.string() ?? r.name();
    case 'OPENPGPKEY':
      return some();
    case 'SVCB':
    case 'HTTPS': {
      if (fixed(2)) return SHORT;
      return r.name() ?? svcbWireProblem(r.rest());
    }
    case 'LOC': {
      const version = r.u8();
      if (version === undefined) return SHORT;
      if (version !== 0) return (r.rest(), undefined);
      if (r.left < 15) return SHORT;
      for (let i = 0; i < 3; i++) {
        const c = r.u8()!;
        if (c !== 0 && ((c & 15) > 9 || c >> 4 > 9 || c >> 4 === 0)) return 'has a LOC size or precision out of range';
      }
      const lat = (r.u16()! * 65536 + r.u16()!) - 0x80000000;
      const long = (r.u16()! * 65536 + r.u16()!) - 0x80000000;
      if (Math.abs(lat) > 90 * 3600000 || Math.abs(long) > 180 * 3600000) return 'has a LOC latitude or longitude out of range';
      return fixed(4);
    }
  }
  // Any other type BIND knows has some data, except these (a type without a mnemonic, `TYPEnnn`, may be empty).
  if (r.left === 0 && !type.startsWith('TYPE') && !['NULL', 'APL', 'UINFO', 'UID', 'GID', 'UNSPEC'].includes(type)) return SHORT;
  r.rest();
  return undefined;
}
