/**
 * BIND's `check-names`: the names some record types hold (an A record's owner, an MX record's mail
 * server, an NS record's host…) must be host names in the sense of RFC 952 and RFC 1123 §2.1: labels of
 * letters, digits and hyphens that start and end with a letter or digit. A primary BIND server refuses
 * a zone with such a name by default (`check-names primary fail`); named-checkzone warns. The types
 * and fields, and the name rules (dns_name_ishostname, dns_name_ismailbox), are BIND's, measured
 * against named-checkzone -k fail (test/sources/hostnames.test.ts).
 */
import { domainToASCII } from 'node:url';

/** What check-names looks at in a record of one type: its owner, and which fields of its data. */
export interface NameChecks {
  /** The owner must be a host name (a leading `*` label allowed). */
  owner: boolean;
  fields: readonly { field: number; kind: NameKind; role: string }[];
}

/** What a field of record data holds: a host name, or a mailbox (`local-part.host`: the first label any printable ASCII). */
export type NameKind = 'host' | 'mailbox';

const host = (field: number, role: string) => ({ field, kind: 'host' as const, role });
const mailbox = (field: number, role: string) => ({ field, kind: 'mailbox' as const, role });

/** The types BIND checks names of, and what it checks. */
export const NAME_CHECKS: ReadonlyMap<string, NameChecks> = new Map([
  ['A', { owner: true, fields: [] }],
  ['AAAA', { owner: true, fields: [] }],
  ['A6', { owner: true, fields: [] }],
  ['WKS', { owner: true, fields: [] }],
  ['MX', { owner: true, fields: [host(1, "an MX record's mail server")] }],
  ['NS', { owner: false, fields: [host(0, "an NS record's name server")] }],
  ['SRV', { owner: false, fields: [host(3, "an SRV record's target")] }],
  ['SOA', { owner: false, fields: [host(0, "the SOA record's primary name server (MNAME)"), mailbox(1, "the SOA record's mailbox (RNAME)")] }],
  ['AFSDB', { owner: false, fields: [host(1, "an AFSDB record's server")] }],
  ['RT', { owner: false, fields: [host(1, "an RT record's intermediate host")] }],
  ['SVCB', { owner: false, fields: [host(1, "a service-mode SVCB record's target")] }],
  ['HTTPS', { owner: false, fields: [host(1, "a service-mode HTTPS record's target")] }],
  ['PTR', { owner: false, fields: [host(0, "a reverse-zone PTR record's host")] }],
  ['RP', { owner: false, fields: [mailbox(0, "an RP record's mailbox")] }],
  ['MINFO', { owner: false, fields: [mailbox(0, "a MINFO record's responsible mailbox"), mailbox(1, "a MINFO record's error mailbox")] }],
]);

const NONE: NameChecks['fields'] = [];

/** The data fields of a record of `type` at `owner` (absolute, lower case) that BIND checks. */
export function checkedFields(names: NameChecks, type: string, owner: string, rdata: readonly string[]): NameChecks['fields'] {
  // SVCB and HTTPS in alias mode (priority 0) are not checked; PTR only in the reverse trees.
  if ((type === 'SVCB' || type === 'HTTPS') && rdata[0] === '0') return NONE;
  if (type === 'PTR' && !/(^|\.)(in-addr\.arpa|ip6\.arpa|ip6\.int)$/.test(owner)) return NONE;
  return names.fields;
}

/** Why a name is not a host name (or mailbox): the label and what is wrong with it; undefined when it is one. */
export interface HostNameProblem {
  label: string;
  reason: string;
}

const isAlnum = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** Added to a byte above 127 written as `\DDD`, beyond every code point. */
const ESCAPED_BYTE = 0x110000;

function showChar(c: number): string {
  const byte = (b: number) => `byte ${b} (\`\\${String(b).padStart(3, '0')}\`)`;
  if (c >= ESCAPED_BYTE) return byte(c - ESCAPED_BYTE);
  if (c > 0x20 && c < 0x7f && c !== 96) return `\`${String.fromCharCode(c)}\``;
  // A character beyond ASCII, as written (its UTF-8 bytes are what BIND sees).
  if (c > 0x7f) return `\`${String.fromCharCode(c)}\` (not ASCII)`;
  return byte(c);
}

function labelProblem(bytes: number[], asMailbox: boolean): string | undefined {
  if (asMailbox) {
    for (const c of bytes) if (c <= 0x20 || c >= 0x7f) return c > 0x7f && c < ESCAPED_BYTE ? `holds ${showChar(c)}` : `holds ${showChar(c)}, which is not printable ASCII`;
    return undefined;
  }
  const n = bytes.length;
  for (let k = 0; k < n; k++) {
    const c = bytes[k];
    if (isAlnum(c)) continue;
    if (c === 45 && k > 0 && k < n - 1) continue;
    if (c === 45) return `${k === 0 ? 'starts' : 'ends'} with a hyphen`;
    return `holds ${showChar(c)}`;
  }
  return undefined;
}

/**
 * Whether `written` is letters, digits, hyphens and dots only, no label empty or with a hyphen at either
 * end (a leading `*.` allowed with `wildcard`); false sends it to the full check, which tells why.
 */
function plainHost(written: string, wildcard: boolean): boolean {
  const n = written.length;
  let i = wildcard && n > 1 && written.charCodeAt(0) === 42 && written.charCodeAt(1) === 46 ? 2 : 0;
  let labelStart = i;
  for (; i < n; i++) {
    const c = written.charCodeAt(i);
    if (isAlnum(c)) continue;
    if (c === 45) {
      if (i === labelStart || i + 1 === n || written.charCodeAt(i + 1) === 46) return false;
    } else if (c === 46) {
      if (i === labelStart) return false;
      labelStart = i + 1;
    } else return false;
  }
  return n > 0;
}

let lastOrigin: string | undefined;
let lastOriginIsHost = true;

function originIsHost(origin: string): boolean {
  if (origin !== lastOrigin) {
    lastOrigin = origin;
    lastOriginIsHost = origin === '' || plainHost(origin, false);
  }
  return lastOriginIsHost;
}

/**
 * Checks a name as written in a zone file (escapes in; relative to `origin` unless it ends with an
 * unescaped dot; `@` is the origin) against BIND's host-name rule (`kind` host; `wildcard` allows a
 * leading `*` label, as owners may have) or mailbox rule. An empty label is another problem, not this one.
 */
export function hostNameProblem(written: string, origin: string | undefined, kind: NameKind, wildcard = false): HostNameProblem | undefined {
  // Most names are plain host names: told apart in one scan, with nothing allocated.
  if (kind === 'host' && plainHost(written, wildcard) && (written.charCodeAt(written.length - 1) === 46 || origin === undefined || originIsHost(origin))) return undefined;
  const labels: { bytes: number[]; text: string }[] = [];
  let bytes: number[] = [];
  let start = 0;
  let absolute = false;
  if (written !== '@') {
    for (let i = 0; i < written.length; i++) {
      const c = written.charCodeAt(i);
      if (c === 92 && i + 1 < written.length) {
        const d = written.slice(i + 1, i + 4);
        if (/^\d{3}$/.test(d)) {
          // A byte beyond ASCII written as `\DDD` is kept apart from a character written as itself (for the message).
          const b = Number(d);
          bytes.push(b > 0x7f ? ESCAPED_BYTE + b : b);
          i += 3;
        } else {
          bytes.push(written.charCodeAt(i + 1));
          i++;
        }
      } else if (c === 46) {
        labels.push({ bytes, text: written.slice(start, i) });
        bytes = [];
        start = i + 1;
        if (i === written.length - 1) absolute = true;
      } else bytes.push(c);
    }
    if (!absolute) labels.push({ bytes, text: written.slice(start) });
  }
  if (written === '@' || !absolute) {
    if (origin === undefined) {
      if (written === '@') return undefined;
    } else if (origin !== '') for (const l of origin.split('.')) labels.push({ bytes: [...l].map((ch) => ch.charCodeAt(0)), text: l });
  }
  // The root (`.`) is a host name and a mailbox; a name with an empty label is not read this far by BIND.
  if (labels.some((l) => l.bytes.length === 0)) return undefined;
  let k = 0;
  if (kind === 'host' && wildcard && labels.length > 0 && labels[0].bytes.length === 1 && labels[0].bytes[0] === 42) k = 1;
  for (; k < labels.length; k++) {
    let reason = labelProblem(labels[k].bytes, kind === 'mailbox' && k === 0);
    if (!reason) continue;
    // An internationalized label: DNS holds its ASCII (IDNA, `xn--`) form.
    const text = labels[k].text;
    const ascii = /[^\x00-\x7f]/.test(text) && !text.includes('\\') ? domainToASCII(text) : '';
    if (ascii && ascii !== text && /^[a-z0-9-]+$/.test(ascii)) reason += `: an internationalized name is written in its ASCII form, \`${ascii}\``;
    return { label: text, reason };
  }
  return undefined;
}

/** The name of `written`, absolute, for a message. */
export function shownName(written: string, origin: string | undefined): string {
  if (written === '@') return origin ?? '@';
  if (written.endsWith('.') && !written.endsWith('\\.')) return written.length > 1 ? written.slice(0, -1) : '.';
  return origin ? `${written}.${origin}` : written;
}

/** The message for a name that is not a host name (or mailbox), in the role it has in its record. */
export function hostNameMessage(role: string, name: string, kind: NameKind, p: HostNameProblem, owner: boolean): string {
  const what = kind === 'mailbox' ? 'a mailbox (a local part, then a host name)' : 'a host name';
  return (
    `\`${name}\` is not ${what}: its label \`${p.label}\` ${p.reason}, and host names are letters, digits and hyphens, each label starting and ending with a letter or digit (RFC 1123 §2.1). ` +
    `${role[0].toUpperCase()}${role.slice(1)} must be one: a primary BIND server refuses to load the zone by default (\`check-names primary fail\`; named-checkzone: "${owner ? 'bad owner name' : 'bad name'} (check-names)").`
  );
}
