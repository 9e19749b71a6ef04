/**
 * DKIM key record parser (RFC 6376 §3.6.1, RFC 8301, RFC 8463). Decodes the public key for real with
 * node:crypto to learn its type and size.
 */
import { createPublicKey } from 'node:crypto';
import type { OffsetRange } from '../types';
import { parseTagRecord, type Tag, type TagRecord } from './taglist';

export interface DkimKeyInfo {
  /** 'rsa' or 'ed25519' as decoded, undefined when the data is not a key. */
  type?: 'rsa' | 'ed25519';
  bits?: number;
  /** How the key was encoded: SubjectPublicKeyInfo, PKCS#1 RSAPublicKey or raw 32-byte Ed25519 (RFC 8463 §4.2). */
  encoding?: 'spki' | 'pkcs1' | 'raw';
  /** Why the data is not a usable key. */
  error?: string;
  /** Offset (in the record value) of the first white space inside the key data. */
  whitespaceAt?: number;
  /** Key data with white space removed. */
  base64: string;
  /**
   * What was pasted into the key data with it, whose removal leaves a usable key: quotes (`…" "…`, a zone
   * file's split strings pasted into one value) or PEM armour (`-----BEGIN PUBLIC KEY-----`).
   */
  strays?: { what: 'quotes' | 'pem'; ranges: { start: number; end: number }[] };
}

export interface DkimRecord extends TagRecord {
  key?: DkimKeyInfo;
}

export function looksLikeDkim(value: string): boolean {
  return /^\s*v\s*=\s*DKIM1/i.test(value) || /(^|;)\s*p\s*=\s*[A-Za-z0-9+/]{16,}/.test(value) || /(^|;)\s*k\s*=\s*(rsa|ed25519)\s*(;|$)/i.test(value);
}

// SubjectPublicKeyInfo prefix for an Ed25519 key (RFC 8410 §4): wraps the raw 32 bytes of RFC 8463.
export const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/**
 * A DER header read before `limit`: tag, start and declared end of its contents, which may run past
 * `limit` (a key cut short); undefined when the header itself does not fit or is malformed.
 */
function headerAt(buf: Buffer, at: number, limit = buf.length): { tag: number; start: number; end: number } | undefined {
  if (at + 2 > limit) return undefined;
  let len = buf[at + 1];
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 3 || start + n > limit) return undefined;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[start + i];
    start += n;
  }
  return { tag: buf[at], start, end: start + len };
}

/** One DER element: tag, start of its contents, end of its contents; undefined when malformed or running past `end`. */
function derAt(buf: Buffer, at: number, end: number): { tag: number; start: number; end: number } | undefined {
  const h = headerAt(buf, at, end);
  return h && h.end <= end ? h : undefined;
}

const RSA_OID = Buffer.from('06092a864886f70d010101', 'hex');

/** RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } (RFC 8017 §A.1.1): modulus bits. */
function rsaPublicKeyBits(buf: Buffer, at: number, end: number): number | undefined {
  const seq = derAt(buf, at, end);
  if (!seq || seq.tag !== 0x30 || seq.end !== end) return undefined;
  const n = derAt(buf, seq.start, seq.end);
  if (!n || n.tag !== 0x02) return undefined;
  const e = derAt(buf, n.end, seq.end);
  if (!e || e.tag !== 0x02 || e.end !== seq.end || e.end === e.start) return undefined;
  let i = n.start;
  while (i < n.end && buf[i] === 0) i++;
  if (i === n.end || (buf[n.start] & 0x80) !== 0) return undefined;
  return (n.end - i - 1) * 8 + (32 - Math.clz32(buf[i]));
}

/**
 * Reads an RSA key's size straight from its DER (SubjectPublicKeyInfo with rsaEncryption, or PKCS#1)
 * without building a key object: thousands of keys per zone make node:crypto the bottleneck.
 * Anything else goes through createPublicKey.
 */
function fastRsa(der: Buffer): { bits: number; encoding: 'spki' | 'pkcs1' } | undefined {
  const outer = derAt(der, 0, der.length);
  if (!outer || outer.tag !== 0x30 || outer.end !== der.length) return undefined;
  const first = derAt(der, outer.start, outer.end);
  if (!first) return undefined;
  if (first.tag === 0x02) {
    const bits = rsaPublicKeyBits(der, 0, der.length);
    return bits ? { bits, encoding: 'pkcs1' } : undefined;
  }
  if (first.tag !== 0x30 || !der.subarray(first.start, first.start + RSA_OID.length).equals(RSA_OID)) return undefined;
  const bitString = derAt(der, first.end, outer.end);
  if (!bitString || bitString.tag !== 0x03 || bitString.end !== outer.end || der[bitString.start] !== 0) return undefined;
  const bits = rsaPublicKeyBits(der, bitString.start + 1, bitString.end);
  return bits ? { bits, encoding: 'spki' } : undefined;
}

/**
 * The bytes are not a DER/BER SEQUENCE, or its definite length runs past their end. An indefinite
 * length (BER) is left to node:crypto.
 */
export function cutShortOrNotSequence(der: Buffer): boolean {
  if (der.length < 2 || der[0] !== 0x30) return true;
  const first = der[1];
  if (first === 0x80) return false;
  if (first < 0x80) return 2 + first > der.length;
  // Long form, leading zero bytes allowed as BER decoders do.
  const n = first & 0x7f;
  if (2 + n > der.length) return true;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + der[2 + i];
  return 2 + n + len > der.length;
}

/**
 * Bytes that begin a key whose SEQUENCE runs past their end: how many bytes its DER declares and,
 * when the modulus header of an RSA key (SubjectPublicKeyInfo or PKCS#1) is among them, its size.
 */
export function cutShortKey(der: Buffer): { declared: number; bits?: number } | undefined {
  const outer = headerAt(der, 0);
  if (!outer || outer.tag !== 0x30 || outer.end <= der.length) return undefined;
  let modulus: { tag: number; start: number; end: number } | undefined;
  const first = headerAt(der, outer.start);
  if (first?.tag === 0x02) modulus = first;
  else if (first?.tag === 0x30 && first.start + RSA_OID.length <= der.length && der.subarray(first.start, first.start + RSA_OID.length).equals(RSA_OID)) {
    const bits = headerAt(der, first.end);
    const seq = bits?.tag === 0x03 && der[bits.start] === 0 ? headerAt(der, bits.start + 1) : undefined;
    const n = seq?.tag === 0x30 ? headerAt(der, seq.start) : undefined;
    if (n?.tag === 0x02) modulus = n;
  }
  let bits: number | undefined;
  if (modulus && modulus.start + 1 < der.length) {
    // The modulus is positive: a leading zero byte when its top bit is set.
    const lead = der[modulus.start] === 0 ? 1 : 0;
    const top = der[modulus.start + lead];
    if (top) bits = (modulus.end - modulus.start - lead - 1) * 8 + (32 - Math.clz32(top));
  }
  return { declared: outer.end, bits };
}

export function decodeKey(tag: Tag, declaredType: string): DkimKeyInfo {
  const ws = /\s/.exec(tag.value);
  const base64 = tag.value.replace(/\s+/g, '');
  const info: DkimKeyInfo = { base64 };
  if (ws) info.whitespaceAt = tag.valueRange.start + ws.index;
  if (base64 === '') return info;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.length % 4 === 1) {
    const bad = /[^A-Za-z0-9+/=\s]/.exec(tag.value);
    // `MIIB…W" "b2/…`: the quotes of a zone file's split strings, copied into a value that is published as it is
    // written; `-----BEGIN PUBLIC KEY-----MIIB…`: the PEM file's armour lines copied with the key.
    const pasted = bad?.[0] === '"' ? { what: 'quotes' as const, re: /"[\s"]*"|"/g } : bad?.[0] === '-' ? { what: 'pem' as const, re: /\s*-----(?:BEGIN|END) [A-Z0-9 ]+-----\s*/g } : undefined;
    if (pasted) {
      const runs = [...tag.value.matchAll(pasted.re)];
      const rest = runs.length ? decodeKey({ ...tag, value: tag.value.replace(pasted.re, '') }, declaredType) : undefined;
      if (rest && !rest.error && rest.type) {
        info.strays = { what: pasted.what, ranges: runs.map((m) => ({ start: tag.valueRange.start + m.index!, end: tag.valueRange.start + m.index! + m[0].length })) };
        const kind = rest.type === 'rsa' ? `${rest.bits}-bit RSA` : 'Ed25519';
        info.error =
          pasted.what === 'quotes'
            ? `it holds \`${runs[0][0]}\`, the quotes of a zone file's split strings copied into the value: they are published as part of the key, which is a usable ${kind} key without them`
            : `it holds the PEM armour \`${runs[0][0].trim()}\` of the key file: DKIM publishes only the base64 between those lines, a usable ${kind} key without them`;
        return info;
      }
    }
    info.error = bad ? `character \`${bad[0]}\` is not base64` : 'the data is not valid base64';
    return info;
  }
  // Padding as RFC 4648 §4 writes it: dkimpy and Mail::DKIM refuse data without it, Mail::DKIM data with too much.
  const body = base64.replace(/=+$/, '').length;
  const want = (4 - (body % 4)) % 4;
  const pad = base64.length - body;
  if (pad !== want && body % 4 !== 1) {
    info.error =
      pad < want
        ? `the base64 lacks its padding: ${body} characters need \`${'='.repeat(want)}\` after them (RFC 4648 §4); dkimpy and Mail::DKIM refuse it`
        : `the base64 ends in \`${'='.repeat(pad)}\` where ${want ? `\`${'='.repeat(want)}\`` : 'no padding'} belongs (RFC 4648 §4); Mail::DKIM refuses it`;
    return info;
  }
  const der = Buffer.from(base64, 'base64');
  if (declaredType === 'ed25519' && der.length === 32) {
    try {
      createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, der]), format: 'der', type: 'spki' });
      return { ...info, type: 'ed25519', bits: 256, encoding: 'raw' };
    } catch {
      info.error = 'the 32 bytes are not an Ed25519 public key';
      return info;
    }
  }
  const rsa = fastRsa(der);
  if (rsa) return { ...info, type: 'rsa', ...rsa };
  // Both encodings node:crypto is asked for start with a SEQUENCE; bytes that do not, or whose
  // SEQUENCE runs past their end (a key cut short when pasted), no decoder reads, so the two failing
  // createPublicKey calls (and their exceptions, about 20 µs per key) are skipped.
  for (const type of cutShortOrNotSequence(der) ? [] : (['spki', 'pkcs1'] as const)) {
    try {
      const key = createPublicKey({ key: der, format: 'der', type });
      const kt = key.asymmetricKeyType;
      if (kt === 'rsa') return { ...info, type: 'rsa', bits: key.asymmetricKeyDetails?.modulusLength, encoding: type };
      if (kt === 'ed25519') return { ...info, type: 'ed25519', bits: 256, encoding: type };
      info.error = `the key is of type ${kt ?? 'unknown'}, which DKIM does not use`;
      return info;
    } catch {
      // try the next encoding
    }
  }
  if (der.length === 32) {
    // A raw Ed25519 key published without k=ed25519.
    return { ...info, type: 'ed25519', bits: 256, encoding: 'raw' };
  }
  const cut = cutShortKey(der);
  if (cut) {
    // Most often the end of the key was lost when it was pasted: one string of a split record, or the text up to a line break.
    info.error = `the key is cut short: its DER says ${cut.declared} bytes${cut.bits ? ` (an RSA key of ${cut.bits} bits)` : ''} and ${der.length} are here (${base64.length} of the ${Math.ceil(cut.declared / 3) * 4} base64 characters it takes); publish the whole key, in strings of at most 255 bytes`;
    return info;
  }
  info.error = `the ${der.length} decoded bytes are not an RSA (SubjectPublicKeyInfo or PKCS#1) or Ed25519 public key`;
  return info;
}

export function parseDkim(value: string): DkimRecord {
  const record: DkimRecord = parseTagRecord(value);
  const p = record.byName.get('p');
  if (p) record.key = decodeKey(p, (record.byName.get('k')?.value ?? 'rsa').toLowerCase());
  return record;
}

export type { OffsetRange };
