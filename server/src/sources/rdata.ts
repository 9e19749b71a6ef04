/**
 * The checks BIND makes on record data when it loads a zone (`dns_rdata_fromtext`), so that a record
 * named-checkzone refuses is flagged at the same line: the number of fields, numbers and their range,
 * mnemonics, addresses, domain names, escapes, hex and base64 data, RFC 3597 generic data.
 */
import { base64Fields, isDecimal, isDottedQuad, isIPv6Address, nameProblem, parseTtl, type RdataProblem } from './textforms';
import { naptrRegexpProblem } from './naptr';
import { hostTables } from './hosttables';
import { DIGEST_SIZES, SSHFP_SIZES, wireDataProblem } from './rdatawire';

/** The record types BIND knows, by mnemonic, with their numbers (IANA DNS parameters registry). */
const TYPE_CODES: Record<string, number> = {
  A: 1, NS: 2, MD: 3, MF: 4, CNAME: 5, SOA: 6, MB: 7, MG: 8, MR: 9, NULL: 10, WKS: 11, PTR: 12, HINFO: 13, MINFO: 14, MX: 15, TXT: 16, RP: 17, AFSDB: 18, X25: 19, ISDN: 20,
  RT: 21, NSAP: 22, 'NSAP-PTR': 23, SIG: 24, KEY: 25, PX: 26, GPOS: 27, AAAA: 28, LOC: 29, NXT: 30, EID: 31, NIMLOC: 32, SRV: 33, ATMA: 34, NAPTR: 35, KX: 36, CERT: 37, A6: 38,
  DNAME: 39, SINK: 40, OPT: 41, APL: 42, DS: 43, SSHFP: 44, IPSECKEY: 45, RRSIG: 46, NSEC: 47, DNSKEY: 48, DHCID: 49, NSEC3: 50, NSEC3PARAM: 51, TLSA: 52, SMIMEA: 53, HIP: 55,
  NINFO: 56, RKEY: 57, TALINK: 58, CDS: 59, CDNSKEY: 60, OPENPGPKEY: 61, CSYNC: 62, ZONEMD: 63, SVCB: 64, HTTPS: 65, DSYNC: 66, SPF: 99, UINFO: 100, UID: 101, GID: 102,
  UNSPEC: 103, NID: 104, L32: 105, L64: 106, LP: 107, EUI48: 108, EUI64: 109, TKEY: 249, TSIG: 250, URI: 256, CAA: 257, AVC: 258, DOA: 259, AMTRELAY: 260, RESINFO: 261,
  WALLET: 262, TA: 32768, DLV: 32769,
};
/** The record type mnemonics BIND knows, each mapped to itself (the reader keeps one string per type). */
export const KNOWN_TYPE_NAMES = new Map(Object.keys(TYPE_CODES).map((t) => [t, t]));
/** `TYPEnnn` of a known type is that type (RFC 3597 §5): the mnemonic by number. */
export const TYPE_BY_NUMBER = new Map(Object.entries(TYPE_CODES).map(([t, n]) => [n, t]));

/**
 * The rdata checks BIND makes when it loads a zone, for the types zone files about mail carry: the
 * number of fields ("extra input text", "unexpected end of input"), numbers and their range, addresses
 * and domain names. `written` has the fields as written (escapes and quotes in), `rdata` decoded.
 */
export function checkRdata(type: string, rdata: string[], written: string[], origin?: string): RdataProblem | undefined {
  // As BIND: the fields that are there, in order, then their number.
  switch (type) {
    case 'A':
      return (written.length > 0 && !isDottedQuad(written[0]) ? { message: `\`${written[0]}\` is not an IPv4 address (RFC 1035 §3.4.1).`, field: 0 } : undefined) ?? fieldCount(type, rdata, 1);
    case 'AAAA':
      return (written.length > 0 && !isIPv6Address(written[0]) ? { message: `\`${written[0]}\` is not an IPv6 address (RFC 3596 §2.2).`, field: 0 } : undefined) ?? fieldCount(type, rdata, 1);
    case 'MX':
      return numberAt(written, 0, 65535, 'MX preference', 'RFC 1035 §3.3.9') ?? nameAt(written, 1) ?? fieldCount(type, rdata, 2);
    case 'CNAME':
    case 'NS':
    case 'PTR':
    case 'DNAME':
      return nameAt(written, 0) ?? fieldCount(type, rdata, 1);
    case 'SOA': {
      const p = nameAt(written, 0) ?? nameAt(written, 1) ?? numberAt(written, 2, 4294967295, 'SOA serial', 'RFC 1035 §3.3.13');
      if (p) return p;
      // REFRESH, RETRY, EXPIRE and MINIMUM: seconds, or BIND's TTL units (1h, 2w).
      for (let k = 3; k < Math.min(7, written.length); k++) {
        const v = parseTtl(written[k]);
        if (v === undefined || v > 4294967295) return { message: `SOA ${['refresh', 'retry', 'expire', 'minimum'][k - 3]} \`${written[k]}\` must be seconds or a TTL such as \`1h\` (RFC 1035 §3.3.13).`, field: k };
      }
      return fieldCount(type, rdata, 7);
    }
    case 'SRV':
      return (
        numberAt(written, 0, 65535, 'SRV priority', 'RFC 2782') ??
        numberAt(written, 1, 65535, 'SRV weight', 'RFC 2782') ??
        numberAt(written, 2, 65535, 'SRV port', 'RFC 2782') ??
        nameAt(written, 3) ??
        fieldCount(type, rdata, 4)
      );
    case 'TLSA':
    case 'SMIMEA': {
      // DANE (RFC 6698 §2.2; RFC 7672 for SMTP): usage, selector, matching type, then the data in hex.
      const p = numberAt(written, 0, 255, `${type} usage`, 'RFC 6698 §2.1.1') ?? numberAt(written, 1, 255, `${type} selector`, 'RFC 6698 §2.1.2') ?? numberAt(written, 2, 255, `${type} matching type`, 'RFC 6698 §2.1.3');
      if (p) return p;
      if (rdata.length < 4) return fieldCount(type, rdata, 4);
      return hexOrProblem(hexFields(written, 3, `${type} data`, 'RFC 6698 §2.2'));
    }
    case 'CAA':
      return (
        numberAt(written, 0, 255, 'CAA flags', 'RFC 8659 §4.1') ??
        (written.length > 1 && !/^[A-Za-z0-9]+$/.test(written[1]) ? { message: `CAA tag \`${written[1]}\` may only have letters and digits (RFC 8659 §4.1).`, field: 1 } : undefined) ??
        fieldCount(type, rdata, 3)
      );
    case 'DS':
    case 'CDS':
    case 'TA':
    case 'DLV': {
      // RFC 4034 §5.3 (CDS: RFC 7344 §3.1; TA and DLV, RFC 4431, have the same form): key tag, algorithm, digest type, then the digest in hex, of
      // the digest's own size where the type is known.
      const p = numberAt(written, 0, 65535, `${type} key tag`, 'RFC 4034 §5.1.1') ?? mnemonicAt(written, 1, ALGORITHMS, ALGORITHM_EXAMPLES, `${type} algorithm`, 'RFC 4034 §A.1');
      if (p) return p;
      const digest = written.length > 2 ? mnemonicValue(written[2], DIGESTS) : undefined;
      if (written.length > 2 && digest === undefined) return { message: `${type} digest type \`${written[2]}\` must be a number 0-255 or SHA-1, SHA-256, GOST, SHA-384 (RFC 4034 §5.1.3).`, field: 2 };
      if (rdata.length < 4) return fieldCount(type, rdata, 4);
      return hexOrProblem(hexFields(written, 3, DIGEST_NAMES[digest!] ? `A ${DIGEST_NAMES[digest!]} digest` : `${type} digest`, 'RFC 4034 §5.1.4', DIGEST_SIZES[digest!]));
    }
    case 'DNSKEY':
    case 'CDNSKEY':
    case 'KEY': {
      // RFC 4034 §2.2 (KEY: RFC 2535 §7.1): flags, protocol, algorithm, then the key in base64.
      const flags = written.length > 0 ? keyFlags(written[0]) : 0;
      if (flags === undefined) return { message: `${type} flags \`${written[0]}\` must be a number 0-65535 or flag names such as \`ZONE|KSK\` (RFC 4034 §2.1.1).`, field: 0 };
      const p = mnemonicAt(written, 1, PROTOCOLS, '`DNSSEC`', `${type} protocol`, 'RFC 4034 §2.1.2') ?? mnemonicAt(written, 2, ALGORITHMS, ALGORITHM_EXAMPLES, `${type} algorithm`, 'RFC 4034 §A.1');
      if (p) return p;
      // A KEY whose flags say NOKEY (both top bits) carries no key (RFC 2535 §3.1.2).
      if (type === 'KEY' && (flags & 0xc000) === 0xc000)
        return rdata.length > 3 ? { message: 'A KEY record whose flags say NOKEY (0xC000) has no key data (RFC 2535 §3.1.2).', field: 3, extra: true } : fieldCount(type, rdata, 3);
      if (rdata.length < 4) return fieldCount(type, rdata, 4);
      return base64Fields(written, 3, `${type} key`, 'RFC 4034 §2.2');
    }
    case 'OPENPGPKEY':
      return rdata.length === 0 ? fieldCount(type, rdata, 1) : base64Fields(written, 0, 'OPENPGPKEY key', 'RFC 7929 §2.3');
    case 'SSHFP': {
      // RFC 4255 §3.2: algorithm, fingerprint type (numbers only), the fingerprint in hex, of the size
      // of SHA-1 (type 1) or SHA-256 (type 2, RFC 6594).
      const p = numberAt(written, 0, 255, 'SSHFP algorithm', 'RFC 4255 §3.1.1') ?? numberAt(written, 1, 255, 'SSHFP fingerprint type', 'RFC 4255 §3.1.2');
      if (p) return p;
      if (rdata.length < 3) return fieldCount(type, rdata, 3);
      const size = SSHFP_SIZES[Number(written[1])];
      return hexOrProblem(hexFields(written, 2, size ? `A ${size === 20 ? 'SHA-1' : 'SHA-256'} fingerprint` : 'SSHFP fingerprint', 'RFC 4255 §3.1.3, RFC 6594', size));
    }
    case 'HINFO':
      return fieldCount(type, rdata, 2);
    case 'RP':
      return nameAt(written, 0) ?? nameAt(written, 1) ?? fieldCount(type, rdata, 2);
    case 'AFSDB':
    case 'RT':
    case 'KX': {
      const rfc = type === 'KX' ? 'RFC 2230 §3.1' : 'RFC 1183';
      return numberAt(written, 0, 65535, `${type} ${type === 'AFSDB' ? 'subtype' : 'preference'}`, rfc) ?? nameAt(written, 1) ?? fieldCount(type, rdata, 2);
    }
    case 'URI':
      // RFC 7553 §4.4: priority, weight, and the target as one quoted string.
      return (
        numberAt(written, 0, 65535, 'URI priority', 'RFC 7553 §4.2') ??
        numberAt(written, 1, 65535, 'URI weight', 'RFC 7553 §4.3') ??
        (written.length > 2 && written[2].charCodeAt(0) !== 34 ? { message: `URI target \`${written[2]}\` must be in double quotes (RFC 7553 §4.4).`, field: 2 } : undefined) ??
        fieldCount(type, rdata, 3)
      );
    case 'RRSIG':
    case 'SIG': {
      // RFC 4034 §3.2 (SIG, RFC 2535 §4.2, has the same fields): type covered, algorithm, labels, original
      // TTL, expiration, inception, key tag, signer's name, then the signature in base64.
      if (written.length > 0 && !isTypeName(written[0])) return { message: `${type} type covered \`${written[0]}\` is not a record type (RFC 4034 §3.1.1).`, field: 0 };
      const p =
        mnemonicAt(written, 1, ALGORITHMS, ALGORITHM_EXAMPLES, `${type} algorithm`, 'RFC 4034 §A.1') ??
        numberAt(written, 2, 255, `${type} labels`, 'RFC 4034 §3.1.3') ??
        numberAt(written, 3, 4294967295, `${type} original TTL`, 'RFC 4034 §3.1.4') ??
        timeAt(written, 4, 'expiration', type) ??
        timeAt(written, 5, 'inception', type) ??
        numberAt(written, 6, 65535, `${type} key tag`, 'RFC 4034 §3.1.6') ??
        nameAt(written, 7);
      if (p) return p;
      // The signer is the owner or one of its ancestors: it has no more labels than the labels field (BIND checks it for RRSIG only).
      const signer = type === 'RRSIG' && written.length > 7 ? labelCount(written[7], origin) : undefined;
      if (signer !== undefined && signer > Number(written[2]))
        return { message: `RRSIG signer \`${written[7]}\` has ${signer} labels, more than the labels field (${Number(written[2])}); the signer is the zone that holds the owner (RFC 4034 §3.1.7).`, field: 7 };
      if (rdata.length < 9) return fieldCount(type, rdata, 9);
      return base64Fields(written, 8, `${type} signature`, 'RFC 4034 §3.2');
    }
    case 'NXT': {
      // RFC 2535 §5.2: the next name, then the types at this name; its bitmap only holds types 1-127.
      const p = nameAt(written, 0) ?? typeListAt(written, 1, 'RFC 2535 §5.2');
      if (p) return p;
      if (rdata.length === 0) return fieldCount(type, rdata, 1);
      for (let k = 1; k < written.length; k++)
        if (typeNumber(written[k]) > 127) return { message: `NXT can only list types 1-127; \`${written[k]}\` is not one of them (RFC 2535 §5.2).`, field: k };
      return undefined;
    }
    case 'NSEC': {
      // RFC 4034 §4.2: the next owner name, then the types at this name (at least one).
      const p = nameAt(written, 0) ?? typeListAt(written, 1, 'RFC 4034 §4.1.2');
      if (p) return p;
      return rdata.length < 2 ? { message: 'NSEC record needs the next owner name and at least one type (RFC 4034 §4.2).', field: rdata.length } : undefined;
    }
    case 'NSEC3':
    case 'NSEC3PARAM': {
      // RFC 5155 §3.3 and §4.3: hash algorithm, flags, iterations, salt (hex or `-`); NSEC3 then the
      // next hashed owner in base32hex and the types at this name.
      const hash = written.length > 0 ? (isDecimal(written[0], 255) ? Number(written[0]) : written[0].toUpperCase() === 'SHA-1' ? 1 : undefined) : 0;
      if (hash === undefined) return { message: `${type} hash algorithm \`${written[0]}\` must be a number 0-255 or SHA-1 (RFC 5155 §3.1.1).`, field: 0 };
      const p =
        numberAt(written, 1, 255, `${type} flags`, 'RFC 5155 §3.1.2') ??
        numberAt(written, 2, 65535, `${type} iterations`, 'RFC 5155 §3.1.3') ??
        (written.length > 3 && written[3] !== '-' ? saltProblem(type, written[3]) : undefined);
      if (p) return p;
      if (type === 'NSEC3PARAM') return fieldCount(type, rdata, 4);
      if (rdata.length < 5) return fieldCount(type, rdata, 5);
      const next = written[4];
      const bytes = base32HexBytes(next);
      if (bytes === undefined) return { message: `NSEC3 next hashed owner \`${next}\` is not base32hex without padding (digits and letters A-V; RFC 5155 §3.3, RFC 4648 §7).`, field: 4 };
      if ((hash === 1 && bytes !== 20) || bytes > 255) return { message: `NSEC3 next hashed owner is ${bytes} bytes; ${hash === 1 ? 'a SHA-1 hash is 20 (32 base32hex characters)' : 'at most 255'} (RFC 5155 §3.1.7).`, field: 4 };
      return typeListAt(written, 5, 'RFC 5155 §3.2.1');
    }
    case 'LOC':
      return locProblem(written);
    case 'MB':
    case 'MG':
    case 'MR':
      return nameAt(written, 0) ?? fieldCount(type, rdata, 1);
    case 'MINFO':
      return nameAt(written, 0) ?? nameAt(written, 1) ?? fieldCount(type, rdata, 2);
    case 'PX':
      return numberAt(written, 0, 65535, 'PX preference', 'RFC 2163 §4') ?? nameAt(written, 1) ?? nameAt(written, 2) ?? fieldCount(type, rdata, 3);
    case 'X25':
      // RFC 1183 §3.1: a PSDN address of at least four digits.
      return (rdata.length > 0 && !/^\d{4,}$/.test(rdata[0]) ? { message: `X25 address \`${written[0]}\` must be at least four digits (RFC 1183 §3.1).`, field: 0 } : undefined) ?? fieldCount(type, rdata, 1);
    case 'ISDN':
      return rdata.length === 1 ? undefined : fieldCount(type, rdata, rdata.length === 0 ? 1 : 2);
    case 'A6': {
      // RFC 2874 §3.1.1: prefix length, the address suffix unless it is 128, the prefix name unless it is 0.
      const p = numberAt(written, 0, 128, 'A6 prefix length', 'RFC 2874 §3.1.1');
      if (p || written.length === 0) return p ?? fieldCount(type, rdata, 2);
      const len = Number(written[0]);
      let k = 1;
      if (len < 128) {
        if (k < written.length && !isIPv6Address(written[k])) return { message: `\`${written[k]}\` is not an IPv6 address (RFC 2874 §3.1.1).`, field: k };
        k++;
      }
      if (len > 0) return nameAt(written, k) ?? fieldCount(type, rdata, k + 1);
      return fieldCount(type, rdata, k);
    }
    case 'CERT': {
      // RFC 4398 §2: type (number or mnemonic), key tag, algorithm (number or mnemonic), then the certificate in base64.
      const certType = written.length > 0 ? written[0] : '';
      if (written.length > 0 && !(isDecimal(certType, 65535) || CERT_TYPES.has(certType.toUpperCase()))) return { message: `CERT type \`${certType}\` must be a number 0-65535 or a name such as \`PKIX\`, \`PGP\` or \`URI\` (RFC 4398 §2.1).`, field: 0 };
      const p = numberAt(written, 1, 65535, 'CERT key tag', 'RFC 4398 §2') ?? mnemonicAt(written, 2, ALGORITHMS, ALGORITHM_EXAMPLES, 'CERT algorithm', 'RFC 4398 §2');
      if (p) return p;
      if (rdata.length < 4) return fieldCount(type, rdata, 4);
      return base64Fields(written, 3, 'CERT certificate', 'RFC 4398 §2');
    }
    case 'DHCID':
      // RFC 4701 §3.4: the identifier in base64.
      return rdata.length === 0 ? fieldCount(type, rdata, 1) : base64Fields(written, 0, 'DHCID data', 'RFC 4701 §3.4');
    case 'IPSECKEY': {
      // RFC 4025 §3: precedence, gateway type (0 none, 1 IPv4, 2 IPv6, 3 a name), algorithm, gateway, then the key in base64.
      const p = numberAt(written, 0, 255, 'IPSECKEY precedence', 'RFC 4025 §2.2') ?? numberAt(written, 1, 3, 'IPSECKEY gateway type', 'RFC 4025 §2.3') ?? numberAt(written, 2, 255, 'IPSECKEY algorithm', 'RFC 4025 §2.4');
      if (p) return p;
      const g = written.length > 3 ? gatewayProblem(written, 3, Number(written[1]), 'IPSECKEY gateway', 'RFC 4025 §2.5') : undefined;
      if (g) return g;
      if (rdata.length < 5) return fieldCount(type, rdata, 5);
      return base64Fields(written, 4, 'IPSECKEY public key', 'RFC 4025 §2.6');
    }
    case 'APL':
      // RFC 3123 §5: items `[!]afi:address/prefix`, afi 1 (IPv4) or 2 (IPv6).
      for (let k = 0; k < written.length; k++) {
        const m = /^(!?)(\d*):([^/]*)\/(\d+)$/.exec(written[k]);
        const bad = (why: string): RdataProblem => ({ message: `APL item \`${written[k]}\` ${why} (RFC 3123 §5).`, field: k });
        if (!m) return bad('must be written `[!]afi:address/prefix`, such as `1:192.0.2.0/24`');
        const afi = m[2] === '' ? 0 : isDecimal(m[2], 65535) ? Number(m[2]) : -1;
        if (afi !== 1 && afi !== 2) return bad('has an address family other than 1 (IPv4) or 2 (IPv6)');
        if (afi === 1 ? !isDottedQuad(m[3]) : !isIPv6Address(m[3])) return bad(`has an address that is not ${afi === 1 ? 'IPv4' : 'IPv6'}`);
        if (!isDecimal(m[4], afi === 1 ? 32 : 128)) return bad(`has a prefix over ${afi === 1 ? 32 : 128}`);
      }
      return undefined;
    case 'EUI48':
    case 'EUI64': {
      // RFC 7043 §3.2, §4.2: hex pairs joined by hyphens.
      const n = type === 'EUI48' ? 6 : 8;
      const ok = rdata.length > 0 && written[0].charCodeAt(0) !== 34 && new RegExp(`^(?:0[xX]|[0-9A-Fa-f]{1,2})(?:-(?:0[xX]|[0-9A-Fa-f]{1,2})){${n - 1}}`).test(written[0]);
      return (rdata.length > 0 && !ok ? { message: `${type} address \`${written[0]}\` must be ${n} hex pairs joined by \`-\`, such as \`${type === 'EUI48' ? '00-00-5e-00-53-2a' : '00-00-5e-ef-10-00-00-2a'}\` (RFC 7043).`, field: 0 } : undefined) ?? fieldCount(type, rdata, 1);
    }
    case 'ZONEMD': {
      // RFC 8976 §2.2: serial, scheme, hash algorithm, then the digest in hex: 48 bytes for SHA-384, 64 for SHA-512, at least 12 otherwise.
      const p = numberAt(written, 0, 4294967295, 'ZONEMD serial', 'RFC 8976 §2.2.1') ?? numberAt(written, 1, 255, 'ZONEMD scheme', 'RFC 8976 §2.2.2') ?? numberAt(written, 2, 255, 'ZONEMD hash algorithm', 'RFC 8976 §2.2.3');
      if (p) return p;
      if (rdata.length < 4) return fieldCount(type, rdata, 4);
      const hash = Number(written[2]);
      const size = hash === 1 ? 48 : hash === 2 ? 64 : undefined;
      const hex = hexFields(written, 3, 'ZONEMD digest', 'RFC 8976 §2.2.4', size);
      if (typeof hex !== 'number') return hex;
      return size === undefined && hex < 12 ? { message: `ZONEMD digest is ${hex} bytes; at least 12 (RFC 8976 §2.2.4).`, field: written.length - 1, here: true } : undefined;
    }
    case 'CSYNC':
      // RFC 7477 §2.1: SOA serial, flags, then the types to synchronise.
      return numberAt(written, 0, 4294967295, 'CSYNC serial', 'RFC 7477 §2.1.1') ?? numberAt(written, 1, 65535, 'CSYNC flags', 'RFC 7477 §2.1.2') ?? (rdata.length < 2 ? fieldCount(type, rdata, 2) : typeListAt(written, 2, 'RFC 7477 §2.1.3'));
    case 'NULL':
    case 'UINFO':
    case 'UID':
    case 'GID':
    case 'UNSPEC':
      // NULL (RFC 1035 §3.3.10) and the reserved UINFO, UID, GID, UNSPEC have no text form BIND reads.
      return { message: `A ${type} record has no text form; write its data as \`\\# length hex\` (RFC 3597 §5).`, field: 0 };
    case 'NAPTR': {
      // RFC 3403 §4.1: order, preference, flags, services, regexp (checked as BIND does), replacement.
      const p = numberAt(written, 0, 65535, 'NAPTR order', 'RFC 3403 §4.1') ?? numberAt(written, 1, 65535, 'NAPTR preference', 'RFC 3403 §4.1');
      if (p) return p;
      const re = rdata.length > 4 ? naptrRegexpProblem(rdata[4]) : undefined;
      if (re) return { message: `NAPTR regexp ${written[4]} ${re} (RFC 3403 §4.1).`, field: 4 };
      return nameAt(written, 5) ?? fieldCount(type, rdata, 6);
    }
    case 'NSAP':
      // RFC 1706 §5: `0x` and hex digits in whole bytes, dots anywhere for readability.
      return (rdata.length > 0 && !/^0[xX][0-9A-Fa-f.]*$/.test(written[0]) ? { message: `NSAP address \`${written[0]}\` must be \`0x\` and hex digits (RFC 1706 §5).`, field: 0 } : undefined) ??
        (rdata.length > 0 && (written[0].slice(2).replace(/\./g, '').length % 2 !== 0 || written[0].slice(2).replace(/\./g, '') === '') ? { message: `NSAP address \`${written[0]}\` needs hex digits in whole bytes (RFC 1706 §5).`, field: 0 } : undefined) ??
        fieldCount(type, rdata, 1);
    case 'DSYNC':
      // RFC 9859 §2.1: the type to notify about, the scheme (a number or NOTIFY), port, target.
      return (
        (written.length > 0 && !isTypeName(written[0]) ? { message: `DSYNC type \`${written[0]}\` is not a record type (RFC 9859 §2.1).`, field: 0 } : undefined) ??
        (written.length > 1 && !isDecimal(written[1], 255) && written[1].toUpperCase() !== 'NOTIFY' ? { message: `DSYNC scheme \`${written[1]}\` must be a number 0-255 or \`NOTIFY\` (RFC 9859 §2.1).`, field: 1 } : undefined) ??
        numberAt(written, 2, 65535, 'DSYNC port', 'RFC 9859 §2.1') ??
        nameAt(written, 3) ??
        fieldCount(type, rdata, 4)
      );
    case 'WKS': {
      // RFC 1035 §3.4.2: address, protocol, then the services, each a number or a name, which BIND looks
      // up in the host's tables (getprotobyname, getservbyname): so do we, where they exist.
      if (written.length > 0 && !isDottedQuad(written[0])) return { message: `\`${written[0]}\` is not an IPv4 address (RFC 1035 §3.4.2).`, field: 0 };
      if (rdata.length < 2) return fieldCount(type, rdata, 2);
      const tables = hostTables();
      const p = written[1];
      let proto: number | undefined;
      // strtol: a sign is read, so `-1` is a number (out of range), not a name.
      const signed = (w: string) => /^[+-]?\d+$/.test(w);
      const inRange = (w: string, max: number) => isDecimal(w.replace(/^\+/, ''), max);
      if (signed(p)) {
        if (!inRange(p, 255)) return { message: `WKS protocol \`${p}\` must be a number 0-255 or a name such as \`tcp\` (RFC 1035 §3.4.2).`, field: 1 };
        proto = Number(p);
      } else if (tables) {
        proto = tables.protocols.get(p);
        if (proto === undefined) return { message: `WKS protocol \`${p}\` is not in this system's protocol table (/etc/protocols; names are matched as written, \`tcp\` or \`udp\`), so BIND refuses it; write its number (RFC 1035 §3.4.2).`, field: 1 };
      }
      // Services of TCP and UDP are looked up for that protocol; of any other, for any.
      const ps = proto === 6 ? 'tcp' : proto === 17 ? 'udp' : undefined;
      for (let k = 2; k < written.length; k++) {
        const w = written[k];
        if (signed(w)) {
          if (!inRange(w, 65535)) return { message: `WKS port \`${w}\` must be 0-65535 (RFC 1035 §3.4.2).`, field: k };
          continue;
        }
        const protos = tables?.services.get(w.toLowerCase());
        if (tables && (!protos || (ps !== undefined && !protos.has(ps))))
          return { message: `WKS service \`${w}\` is not in this system's service table${ps ? ` for ${ps}` : ''} (/etc/services), so BIND refuses it; write the port number (RFC 1035 §3.4.2).`, field: k };
      }
      return undefined;
    }
    case 'HIP': {
      // RFC 8005 §5: public key algorithm, the HIT in hex, the public key in base64 (one field each), then rendezvous servers.
      const p = numberAt(written, 0, 255, 'HIP public key algorithm', 'RFC 8005 §5');
      if (p) return p;
      if (written.length > 1) {
        const hit = written[1];
        if (!isHexBytes(hit) || hit.length > 510)
          return { message: `HIP HIT \`${hit}\` must be hex in whole bytes, at most 255 of them, written as one field (RFC 8005 §5).`, field: 1, here: true };
      }
      if (written.length > 2) {
        const key = base64Fields(written.slice(0, 3), 2, 'HIP public key', 'RFC 8005 §5');
        if (key) return key;
      }
      if (rdata.length < 3) return fieldCount(type, rdata, 3);
      for (let k = 3; k < written.length; k++) {
        const n = nameAt(written, k);
        if (n) return n;
      }
      return undefined;
    }
    case 'AMTRELAY': {
      // RFC 8777 §4.3: precedence, discovery optional (0 or 1), relay type, then the relay of that type.
      const p = numberAt(written, 0, 255, 'AMTRELAY precedence', 'RFC 8777 §4.2.1') ?? numberAt(written, 1, 1, 'AMTRELAY discovery optional bit', 'RFC 8777 §4.2.2') ?? numberAt(written, 2, 127, 'AMTRELAY relay type', 'RFC 8777 §4.2.3');
      if (p) return p;
      if (rdata.length < 4) return fieldCount(type, rdata, 4);
      const relayType = Number(written[2]);
      if (relayType > 3) return { message: `AMTRELAY relay type ${relayType} is not defined, so its relay has no text form; write the record as \`\\# length hex\` (RFC 8777 §4.2.3, RFC 3597 §5).`, field: 3 };
      return gatewayProblem(written, 3, relayType, 'AMTRELAY relay', 'RFC 8777 §4.3') ?? fieldCount(type, rdata, 4);
    }
    case 'DOA': {
      // draft-durand-doa-over-dns §3: enterprise, type, location, media type, then the data in base64 or `-` for none.
      const p =
        numberAt(written, 0, 4294967295, 'DOA enterprise', 'draft-durand-doa-over-dns §3.1') ??
        numberAt(written, 1, 4294967295, 'DOA type', 'draft-durand-doa-over-dns §3.2') ??
        numberAt(written, 2, 255, 'DOA location', 'draft-durand-doa-over-dns §3.3');
      if (p) return p;
      if (rdata.length < 5) return fieldCount(type, rdata, 5);
      return written[4] === '-' ? fieldCount(type, rdata, 5) : base64Fields(written, 4, 'DOA data', 'draft-durand-doa-over-dns §3.5');
    }
    case 'RESINFO':
    case 'WALLET':
    case 'AVC':
    case 'NINFO':
      // Character-strings as TXT has them (RFC 9606 §3, draft-ietf-dnsop-wallet, IANA): at least one.
      return rdata.length === 0 ? { message: `${type} record needs at least one character-string (RFC 1035 §3.3).`, field: 0 } : undefined;
    case 'GPOS':
      // RFC 1712 §3: longitude, latitude, altitude, as three strings.
      return fieldCount(type, rdata, 3);
    case 'EID':
    case 'NIMLOC':
      // Nimrod (IANA): the data in hex, in one field or several.
      if (rdata.length === 0) return fieldCount(type, rdata, 1);
      return hexOrProblem(hexFields(written, 0, `${type} data`, 'RFC 1035 §3.3'));
    case 'ATMA':
      return atmaProblem(written) ?? fieldCount(type, rdata, 1);
    case 'SINK': {
      // draft-eastlake-kitchen-sink §2: meaning, coding, subcoding, then data in base64 (optional).
      const p = numberAt(written, 0, 255, 'SINK meaning', 'draft-eastlake-kitchen-sink §2') ?? numberAt(written, 1, 255, 'SINK coding', 'draft-eastlake-kitchen-sink §2') ?? numberAt(written, 2, 255, 'SINK subcoding', 'draft-eastlake-kitchen-sink §2');
      if (p) return p;
      return rdata.length < 3 ? fieldCount(type, rdata, 3) : base64Fields(written, 3, 'SINK data', 'draft-eastlake-kitchen-sink §2');
    }
    case 'RKEY': {
      // draft-reid-dnsext-rkey: the DNSKEY fields; BIND requires the flags to be 0.
      const flags = written.length > 0 ? keyFlags(written[0]) : 0;
      if (flags !== 0) return { message: `RKEY flags \`${written[0]}\` must be 0 (draft-reid-dnsext-rkey §3).`, field: 0 };
      const p = mnemonicAt(written, 1, PROTOCOLS, '`DNSSEC`', 'RKEY protocol', 'RFC 4034 §2.1.2') ?? mnemonicAt(written, 2, ALGORITHMS, ALGORITHM_EXAMPLES, 'RKEY algorithm', 'RFC 4034 §A.1');
      if (p) return p;
      if (rdata.length < 4) return fieldCount(type, rdata, 4);
      return base64Fields(written, 3, 'RKEY key', 'RFC 4034 §2.2');
    }
    case 'TALINK':
      // IANA (draft-ietf-dnsop-trust-history): the previous and the next name in the trust anchor chain.
      return nameAt(written, 0) ?? nameAt(written, 1) ?? fieldCount(type, rdata, 2);
    case 'NSAP-PTR':
      return nameAt(written, 0) ?? fieldCount(type, rdata, 1);
    case 'L32':
      // RFC 6742 §2.2: preference, then a 32-bit locator written as an IPv4 address.
      return (
        numberAt(written, 0, 65535, 'L32 preference', 'RFC 6742 §2.2') ??
        (written.length > 1 && !isDottedQuad(written[1]) ? { message: `L32 locator \`${written[1]}\` must be written as an IPv4 address (RFC 6742 §2.2).`, field: 1 } : undefined) ??
        fieldCount(type, rdata, 2)
      );
    case 'L64':
    case 'NID':
      // RFC 6742 §2.1, §2.3: preference, then 64 bits as four groups of up to four hex digits joined by `:`.
      return (
        numberAt(written, 0, 65535, `${type} preference`, 'RFC 6742 §2') ??
        (written.length > 1 && !/^[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){3}$/.test(written[1])
          ? { message: `${type} ${type === 'NID' ? 'node identifier' : 'locator'} \`${written[1]}\` must be four groups of 1-4 hex digits joined by \`:\`, such as \`2001:0db8:1140:1000\` (RFC 6742 §2.3).`, field: 1 }
          : undefined) ??
        fieldCount(type, rdata, 2)
      );
    case 'LP':
      // RFC 6742 §2.4: preference, then the name of the locators.
      return numberAt(written, 0, 65535, 'LP preference', 'RFC 6742 §2.4') ?? nameAt(written, 1) ?? fieldCount(type, rdata, 2);
    default:
      return undefined;
  }
}

/**
 * A gateway (IPSECKEY, RFC 4025 §2.5) or relay (AMTRELAY, RFC 8777 §4.3) at field k, by its type:
 * 0 none (`.`), 1 an IPv4 address, 2 an IPv6 address, 3 a domain name; other types are not checked here.
 */
function gatewayProblem(written: string[], k: number, kind: number, what: string, rfc: string): RdataProblem | undefined {
  const g = written[k];
  const noun = what.split(' ')[1];
  const bad = kind === 0 ? g !== '.' && '`.`' : kind === 1 ? !isDottedQuad(g) && 'an IPv4 address' : kind === 2 ? !isIPv6Address(g) && 'an IPv6 address' : false;
  if (bad) return { message: `${what} \`${g}\`: with ${noun} type ${kind} the ${noun} is ${bad} (${rfc}).`, field: k };
  return kind === 3 ? nameAt(written, k) : undefined;
}

/** What hexFields found wrong, or undefined when it gave the number of bytes. */
function hexOrProblem(hex: number | RdataProblem): RdataProblem | undefined {
  return typeof hex === 'number' ? undefined : hex;
}

/**
 * An ATMA address (ATM Forum af-dans-0152.000) as BIND reads it: an AESA in hex, or `+` and E.164
 * digits; dots anywhere for readability but not at the start or end nor two in a row.
 */
function atmaProblem(written: string[]): RdataProblem | undefined {
  if (written.length === 0) return undefined;
  const w = written[0];
  const e164 = w.charCodeAt(0) === 43;
  let lastWasDot = true;
  let digits = 0;
  let bytes = 0;
  for (let i = e164 ? 1 : 0; i < w.length; i++) {
    const c = w.charCodeAt(i);
    if (c === 46) {
      if (lastWasDot) return { message: `ATMA address \`${w}\` has a dot at its start or two in a row (ATM Forum af-dans-0152.000).`, field: 0 };
      lastWasDot = true;
      continue;
    }
    lastWasDot = false;
    if (e164 ? c < 48 || c > 57 : !/[0-9A-Fa-f]/.test(w[i]))
      return { message: `ATMA address \`${w}\` must be hex digits (an AESA) or \`+\` and decimal digits (E.164) (ATM Forum af-dans-0152.000).`, field: 0 };
    if (++digits === 2) {
      digits = 0;
      bytes++;
    }
  }
  if (lastWasDot || (!e164 && (digits !== 0 || bytes === 0)))
    return { message: `ATMA address \`${w}\` ends too soon: ${e164 ? 'digits after `+`, with no dot at the end' : 'hex digits in whole bytes, with no dot at the end'} (ATM Forum af-dans-0152.000).`, field: 0 };
  return undefined;
}

/**
 * A LOC record (RFC 1876 §3) as BIND reads it: `d1 [m1 [s1]] N|S d2 [m2 [s2]] E|W alt[m] [siz[m] [hp[m]
 * [vp[m]]]]`. Degrees and minutes are whole numbers, seconds have up to three decimals, altitude and
 * sizes up to two (centimetres); the directions are upper case.
 */
function locProblem(written: string[]): RdataProblem | undefined {
  let k = 0;
  const rfc = 'RFC 1876 §3';
  const missing = (what: string): RdataProblem => ({ message: `LOC record ends before its ${what} (${rfc}).`, field: written.length });
  const quoted = (j: number) => written[j].charCodeAt(0) === 34;
  for (const [axis, max, dirs] of [['latitude', 90, 'NS'], ['longitude', 180, 'EW']] as const) {
    const dirText = `\`${dirs[0]}\` or \`${dirs[1]}\``;
    const isDir = (j: number) => written[j].length === 1 && dirs.includes(written[j]);
    let d = 0;
    let m = 0;
    let sec = 0;
    for (let part = 0; part < 4; part++) {
      if (k >= written.length) return missing(part === 0 ? `${axis}` : `${axis} direction (${dirText})`);
      const w = written[k];
      if (part > 0 && isDir(k)) break;
      if (part === 3) return { message: `LOC ${axis} direction \`${w}\` must be ${dirText}, in upper case (${rfc}).`, field: k };
      if (quoted(k)) return { message: `LOC ${axis} field ${w} may not be quoted (${rfc}).`, field: k };
      const what = ['degrees', 'minutes', 'seconds'][part];
      if (part < 2) {
        if (!/^\d+$/.test(w)) return { message: `LOC ${axis} ${what} \`${w}\` must be a whole number${part === 1 ? `, or the direction (${dirText}, in upper case)` : ''} (${rfc}).`, field: k };
        if (part === 0) d = Number(w);
        else m = Number(w);
      } else {
        const v = locDecimal(w, 59, 3, '');
        if (typeof v === 'string') return { message: v === 'range' ? `LOC ${axis} seconds \`${w}\` must be under 60 (${rfc}).` : `LOC ${axis} seconds \`${w}\` must be a number with at most three decimals (${rfc}).`, field: k };
        sec = v;
      }
      if (d > max || m > 59 || (d === max && (m !== 0 || sec !== 0))) return { message: `LOC ${axis} \`${w}\` is out of range: at most ${max} degrees, 59 minutes, 59.999 seconds (${rfc}).`, field: k };
      k++;
    }
    k++;
  }
  if (k >= written.length) return missing('altitude');
  const alt = written[k];
  const below = alt.charCodeAt(0) === 45;
  const v = quoted(k) ? 'syntax' : locDecimal(below ? alt.slice(1) : alt, below ? 100000 : 42849672, 2, 'm');
  if (typeof v === 'string' || (below ? v > 10000000 : v > 4284967295))
    return { message: `LOC altitude \`${alt}\` must be metres from -100000.00 to 42849672.95, with at most two decimals and an optional \`m\` (${rfc}).`, field: k };
  for (const what of ['size', 'horizontal precision', 'vertical precision']) {
    if (++k >= written.length) return undefined;
    const w = written[k];
    const p = quoted(k) ? 'syntax' : locDecimal(w, 90000000, 2, 'm');
    if (typeof p === 'string') return { message: `LOC ${what} \`${w}\` must be metres from 0 to 90000000.00, with at most two decimals and an optional \`m\` (${rfc}).`, field: k };
  }
  return ++k < written.length ? { message: `LOC record ends after its vertical precision; \`${written[k]}\` is extra (${rfc}).`, field: k, extra: true } : undefined;
}

/**
 * A LOC number as BIND reads it (strtoul, then up to `precision` decimals, then the unit): the value
 * in units of the last decimal, or 'syntax' / 'range' (the whole part over `max`).
 */
function locDecimal(s: string, max: number, precision: number, unit: string): number | 'syntax' | 'range' {
  const m = /^([+-]?)(\d*)/.exec(s)!;
  let i = m[0].length;
  let digits = m[2].length > 0;
  // strtoul: a sign alone reads nothing; a minus makes any value but zero huge.
  if (!digits) i = 0;
  const whole = digits ? (m[1] === '-' && /[1-9]/.test(m[2]) ? Infinity : Number(m[2])) : 0;
  const c = s[i];
  if (c !== undefined && c !== '.' && c !== unit) return 'syntax';
  if (whole > max) return 'range';
  let value = whole;
  let n = 0;
  if (c === '.') {
    i++;
    for (; n < precision && i < s.length && s[i] !== unit; n++, i++) {
      if (s[i] < '0' || s[i] > '9') return 'syntax';
      digits = true;
      value = value * 10 + Number(s[i]);
    }
  }
  for (; n < precision; n++) value *= 10;
  if (unit !== '' && s[i] === unit) i++;
  return digits && i === s.length ? value : 'syntax';
}

/** CERT type mnemonics (RFC 4398 §2.1). */
const CERT_TYPES = new Set(['PKIX', 'SPKI', 'PGP', 'IPKIX', 'ISPKI', 'IPGP', 'ACPKIX', 'IACPKIX', 'URI', 'OID']);
/** DNSSEC algorithm mnemonics BIND reads (RFC 4034 §A.1 and the IANA registry), upper case. */
const ALGORITHMS = new Map(
  Object.entries({ RSAMD5: 1, DH: 2, DSA: 3, RSASHA1: 5, NSEC3DSA: 6, NSEC3RSASHA1: 7, RSASHA256: 8, RSASHA512: 10, ECCGOST: 12, ECDSAP256SHA256: 13, ECDSAP384SHA384: 14, ED25519: 15, ED448: 16, INDIRECT: 252, PRIVATEDNS: 253, PRIVATEOID: 254 }),
);
const ALGORITHM_EXAMPLES = '`RSASHA256`, `ECDSAP256SHA256` or `ED25519`';
/** DS digest types (RFC 4034 §A.2, RFC 4509, RFC 5933, RFC 6605) and their sizes in bytes. */
const DIGESTS = new Map(Object.entries({ 'SHA-1': 1, SHA1: 1, 'SHA-256': 2, SHA256: 2, GOST: 3, 'SHA-384': 4, SHA384: 4 }));
const DIGEST_NAMES: Record<number, string> = { 1: 'SHA-1', 2: 'SHA-256', 3: 'GOST R 34.11-94', 4: 'SHA-384' };
/** KEY/DNSKEY protocol mnemonics (RFC 2535 §3.1.3). */
const PROTOCOLS = new Map(Object.entries({ NONE: 0, TLS: 1, EMAIL: 2, DNSSEC: 3, IPSEC: 4, ALL: 255 }));
/** KEY/DNSKEY flag names BIND reads, joined with `|`. */
const KEY_FLAGS = new Map(
  Object.entries({ NOCONF: 0x4000, NOAUTH: 0x8000, NOKEY: 0xc000, FLAG2: 0x2000, EXTEND: 0x1000, FLAG4: 0x800, FLAG5: 0x400, USER: 0, ZONE: 0x100, HOST: 0x200, NTYP3: 0x300, FLAG8: 0x80, FLAG9: 0x40, FLAG10: 0x20, FLAG11: 0x10, KSK: 1, ...Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`SIG${i}`, i])) }),
);

/** Labels in a domain name as written (root not counted), relative ones under `origin`; undefined when that is unknown. */
function labelCount(name: string, origin: string | undefined): number | undefined {
  if (name === '@') return origin === undefined ? undefined : origin === '' ? 0 : labelCount(`${origin}.`, undefined);
  if (name === '.') return 0;
  let labels = 1;
  let absolute = false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === 92) i += name.charCodeAt(i + 1) >= 48 && name.charCodeAt(i + 1) <= 57 ? 3 : 1;
    else if (c === 46) {
      if (i === name.length - 1) absolute = true;
      else labels++;
    }
  }
  if (absolute) return labels;
  const under = origin === undefined ? undefined : labelCount(`${origin}.`, undefined);
  return under === undefined ? undefined : labels + (origin === '' ? 0 : under);
}

/**
 * Bytes in base32hex text without padding (RFC 4648 §7, as NSEC3 hashes are written): digits and
 * letters A-V, a length that leaves fewer than five bits over, and those bits zero; else undefined.
 */
export function base32HexBytes(s: string): number | undefined {
  if (!/^[0-9A-Va-v]+$/.test(s)) return undefined;
  const over = (s.length * 5) % 8;
  if (over >= 5) return undefined;
  const c = s.charCodeAt(s.length - 1) | 32;
  const last = c <= 57 ? c - 48 : c - 87;
  return (last & ((1 << over) - 1)) === 0 ? Math.floor((s.length * 5) / 8) : undefined;
}

/** Meta types BIND also reads by name in type lists and RRSIG (RFC 6895 §3.1), with their numbers. */
const QUERY_TYPE_CODES: Record<string, number> = { IXFR: 251, AXFR: 252, MAILB: 253, MAILA: 254, ANY: 255 };

/** A record type by name (as the zone reader knows them, in any case) or as `TYPEnnn` up to 65535. */
function isTypeName(s: string): boolean {
  const u = s.toUpperCase();
  if (KNOWN_TYPE_NAMES.has(u) || u in QUERY_TYPE_CODES) return true;
  return /^TYPE\d+$/.test(u) && u.length <= 14 && Number(u.slice(4)) <= 65535;
}

/** The number of a type name `isTypeName` accepts. */
function typeNumber(s: string): number {
  const u = s.toUpperCase();
  return TYPE_CODES[u] ?? QUERY_TYPE_CODES[u] ?? Number(u.slice(4));
}

/** The type names from field `from` on (NSEC and NSEC3 type bitmaps). */
function typeListAt(written: string[], from: number, rfc: string): RdataProblem | undefined {
  for (let k = from; k < written.length; k++) if (!isTypeName(written[k])) return { message: `\`${written[k]}\` is not a record type (${rfc}).`, field: k };
  return undefined;
}

/** Hex digits in whole bytes, as one field. */
function isHexBytes(s: string): boolean {
  return s.length % 2 === 0 && /^[0-9A-Fa-f]+$/.test(s);
}

/** An NSEC3 salt: hex, whole bytes, at most 255 of them (RFC 5155 §3.3; `-` for none is checked before). */
function saltProblem(type: string, salt: string): RdataProblem | undefined {
  if (!isHexBytes(salt)) return { message: `${type} salt \`${salt}\` must be hex in whole bytes, or \`-\` for none (RFC 5155 §3.3).`, field: 3, here: true };
  return salt.length > 510 ? { message: `${type} salt is ${salt.length / 2} bytes; at most 255 (RFC 5155 §3.1.5).`, field: 3 } : undefined;
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * An RRSIG time (RFC 4034 §3.2): YYYYMMDDHHmmSS in UTC with a real date (seconds up to 60), or
 * seconds since 1970 up to 4294967295.
 */
function timeAt(written: string[], k: number, what: string, type: string): RdataProblem | undefined {
  if (k >= written.length) return undefined;
  const s = written[k];
  // RRSIG times may also be seconds since 1970 (RFC 4034 §3.2); SIG times are always YYYYMMDDHHmmSS (RFC 2535 §7.2).
  const rrsig = type === 'RRSIG';
  const bad = { message: `${type} ${what} \`${s}\` must be a time as YYYYMMDDHHmmSS (UTC)${rrsig ? ' or seconds since 1970 (RFC 4034 §3.2)' : ' (RFC 2535 §7.2)'}.`, field: k };
  if (!/^\d+$/.test(s)) return bad;
  if (s.length !== 14) return rrsig && isDecimal(s, 4294967295) ? undefined : bad;
  const [y, mo, d, h, mi, se] = [s.slice(0, 4), s.slice(4, 6), s.slice(6, 8), s.slice(8, 10), s.slice(10, 12), s.slice(12, 14)].map(Number);
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const ok = mo >= 1 && mo <= 12 && d >= 1 && d <= DAYS[mo - 1] + (mo === 2 && leap ? 1 : 0) && h <= 23 && mi <= 59 && se <= 60;
  return ok ? undefined : bad;
}

/** A number 0-255 or one of the names, case-insensitive: its value, or undefined. */
function mnemonicValue(s: string, names: Map<string, number>): number | undefined {
  return isDecimal(s, 255) ? Number(s) : names.get(s.toUpperCase());
}

/** Field k is a number 0-255 or one of `names` (the message gives `examples` of them). */
function mnemonicAt(written: string[], k: number, names: Map<string, number>, examples: string, what: string, rfc: string): RdataProblem | undefined {
  if (k >= written.length || mnemonicValue(written[k], names) !== undefined) return undefined;
  return { message: `${what} \`${written[k]}\` must be a number 0-255 or a name such as ${examples} (${rfc}).`, field: k };
}

/**
 * Key flags as BIND reads them: a number that starts with a digit (decimal when all digits, else hex,
 * `0x` allowed: `0x101`, `25a7`) up to 65535, or flag names (or their beginnings) joined with `|`. The value, or undefined
 * when BIND refuses it.
 */
function keyFlags(s: string): number | undefined {
  const c = s.charCodeAt(0);
  if (c >= 48 && c <= 57) {
    if (/^\d+$/.test(s)) return isDecimal(s, 65535) ? Number(s) : undefined;
    const hex = /^(?:0x)?([0-9a-f]+)$/i.exec(s);
    const v = hex && hex[1].length <= 8 ? parseInt(hex[1], 16) : Infinity;
    return v <= 0xffff ? v : undefined;
  }
  // Each name may be cut short: BIND takes the first flag it begins (`ZON` is ZONE, `N` NOCONF).
  let value = 0;
  for (const name of s.toUpperCase().split('|')) {
    let v: number | undefined;
    for (const [flag, bits] of KEY_FLAGS)
      if (flag.startsWith(name)) {
        v = bits;
        break;
      }
    if (v === undefined) return undefined;
    value |= v;
  }
  return value;
}

/**
 * RFC 3597 §5 generic data, `\\# <length> <hex>…`: the length a number 0-65535, the hex digits (in
 * as many groups as wanted) an even number of them, as many bytes as the length says.
 */
export function genericProblem(type: string, written: string[]): RdataProblem | undefined {
  if (written.length < 2) return { message: 'Generic data `\\#` needs a length and the data in hex (RFC 3597 §5).', field: written.length };
  if (!isDecimal(written[1], 65535)) return { message: `Generic data length \`${written[1]}\` must be a number 0-65535 (RFC 3597 §5).`, field: 1 };
  const length = Number(written[1]);
  const size = hexFields(written, 2, 'Generic data', 'RFC 3597 §5');
  if (typeof size !== 'number') return size;
  if (size !== length) return { message: `Generic data says ${length} byte${length === 1 ? '' : 's'} but has ${size} (RFC 3597 §5).`, field: size < length ? written.length : 2 };
  // BIND then reads the bytes as the type's wire format; a problem there it names at the end of the record.
  const wire = wireDataProblem(type, Buffer.from(written.slice(2).join(''), 'hex'));
  return wire ? { message: `The ${type} data in generic form ${wire} (RFC 3597 §5).`, field: written.length } : undefined;
}

/**
 * Fields `from` on as one run of hex digits, split anywhere, in whole bytes (TLSA data, RFC 3597
 * generic data): the number of bytes, or what is wrong. With `size` (a digest of known length), BIND
 * reads that many bytes and no more: a field after them is "extra input text".
 */
function hexFields(written: string[], from: number, what: string, rfc: string, size?: number): number | RdataProblem {
  let digits = 0;
  for (let k = from; k < written.length; k++) {
    if (size !== undefined && digits === size * 2) return { message: `${what} is ${size} bytes (${size * 2} hex digits); \`${written[k]}\` is extra (${rfc}).`, field: k, extra: true };
    if (!/^[0-9A-Fa-f]+$/.test(written[k])) return { message: `${what} \`${written[k]}\` is not hex (${rfc}).`, field: k, here: written[k].charCodeAt(0) !== 34 };
    digits += written[k].length;
    if (size !== undefined && digits > size * 2) return { message: `${what} is ${size} bytes (${size * 2} hex digits); this one has more (${rfc}).`, field: k, here: true };
  }
  // Known only at the end of the data: BIND names the line of its last field.
  if (size !== undefined && digits < size * 2) return { message: `${what} is ${size} bytes (${size * 2} hex digits); this one has ${digits} digit${digits === 1 ? '' : 's'} (${rfc}).`, field: written.length - 1, here: true };
  return digits % 2 === 0 ? digits / 2 : { message: `${what} has an odd number of hex digits (${digits}); each byte is two (${rfc}).`, field: written.length - 1, here: true };
}

/** BIND: "extra input text" past the fields a type has, "unexpected end of input" before. */
function fieldCount(type: string, rdata: string[], n: number): RdataProblem | undefined {
  if (rdata.length === n) return undefined;
  const message = `${type} record needs ${n} rdata field${n > 1 ? 's' : ''}, found ${rdata.length} (RFC 1035 §3.3).`;
  return rdata.length > n ? { message, field: n, extra: true } : { message, field: rdata.length };
}

/** Numbers as written: BIND reads them before any escape is decoded (`1\\0` is no number). */
function numberAt(written: string[], k: number, max: number, what: string, rfc: string): RdataProblem | undefined {
  return k >= written.length || isDecimal(written[k], max) ? undefined : { message: `${what} \`${written[k]}\` must be a number 0-${max} (${rfc}).`, field: k };
}

function nameAt(written: string[], k: number): RdataProblem | undefined {
  if (k < written.length && written[k].charCodeAt(0) === 34) {
    const inner = written[k].slice(1, -1);
    // Without the quotes it must read as the same one field: no blanks, `;`, parentheses or quotes in it.
    const fix = /^[^\s;()"]+$/.test(inner) && nameProblem(inner) === undefined ? { title: 'Remove the quotes', start: 0, end: written[k].length, text: inner } : undefined;
    return { message: `A domain name is not quoted: write ${written[k]} without the quotes (RFC 1035 §5.1).`, field: k, fix };
  }
  const bad = k < written.length ? nameProblem(written[k]) : undefined;
  return bad ? { message: bad, field: k } : undefined;
}

