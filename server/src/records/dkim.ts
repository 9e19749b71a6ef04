/**
 * DKIM key record parser (RFC 6376 §3.6.1, RFC 8301, RFC 8463). Decodes the public key for real with
 * node:crypto to learn its type and size.
 */
import { createPublicKey } from 'node:crypto';
import type { OffsetRange } from '../types';
import { parseTagList, type Tag, type TagList } from './taglist';

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
}

export interface DkimRecord extends TagList {
  value: string;
  byName: Map<string, Tag>;
  key?: DkimKeyInfo;
}

export function looksLikeDkim(value: string): boolean {
  return /^\s*v\s*=\s*DKIM1/i.test(value) || /(^|;)\s*p\s*=\s*[A-Za-z0-9+/]{16,}/.test(value) || /(^|;)\s*k\s*=\s*(rsa|ed25519)\s*(;|$)/i.test(value);
}

// SubjectPublicKeyInfo prefix for an Ed25519 key (RFC 8410 §4): wraps the raw 32 bytes of RFC 8463.
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function decodeKey(tag: Tag, declaredType: string): DkimKeyInfo {
  const ws = /\s/.exec(tag.value);
  const base64 = tag.value.replace(/\s+/g, '');
  const info: DkimKeyInfo = { base64 };
  if (ws) info.whitespaceAt = tag.valueRange.start + ws.index;
  if (base64 === '') return info;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.length % 4 === 1) {
    const bad = /[^A-Za-z0-9+/=\s]/.exec(tag.value);
    info.error = bad ? `character \`${bad[0]}\` is not base64` : 'the data is not valid base64';
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
  for (const type of ['spki', 'pkcs1'] as const) {
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
  info.error = `the ${der.length} decoded bytes are not an RSA (SubjectPublicKeyInfo or PKCS#1) or Ed25519 public key`;
  return info;
}

export function parseDkim(value: string): DkimRecord {
  const list = parseTagList(value);
  const byName = new Map<string, Tag>();
  for (const t of list.tags) if (!byName.has(t.name)) byName.set(t.name, t);
  const record: DkimRecord = { ...list, value, byName };
  const p = byName.get('p');
  if (p) record.key = decodeKey(p, (byName.get('k')?.value ?? 'rsa').toLowerCase());
  return record;
}

export type { OffsetRange };
