/**
 * BIND's `check-names`: the names some record types hold (an A record's owner, an MX record's mail
 * server, an NS record's host…) must be host names in the sense of RFC 952 and RFC 1123 §2.1: labels of
 * letters, digits and hyphens that start and end with a letter or digit. A primary BIND server refuses
 * a zone with such a name by default (`check-names primary fail`); named-checkzone warns. The types
 * and fields, and the name rules (dns_name_ishostname, dns_name_ismailbox), are BIND's, measured
 * against named-checkzone -k fail (test/sources/hostnames.test.ts).
 */

/** Types whose owner must be a host name (a leading `*` label is allowed). */
export const HOST_OWNER_TYPES: ReadonlySet<string> = new Set(['A', 'AAAA', 'A6', 'MX', 'WKS']);

/** What a field of record data holds: a host name, or a mailbox (`local-part.host`: the first label any printable ASCII). */
export type NameKind = 'host' | 'mailbox';

/** The fields of a type's data that BIND checks, with what each holds and what to call it in a message. */
const FIELDS: Record<string, { field: number; kind: NameKind; role: string }[]> = {
  MX: [{ field: 1, kind: 'host', role: "an MX record's mail server" }],
  NS: [{ field: 0, kind: 'host', role: "an NS record's name server" }],
  SRV: [{ field: 3, kind: 'host', role: "an SRV record's target" }],
  SOA: [
    { field: 0, kind: 'host', role: "the SOA record's primary name server (MNAME)" },
    { field: 1, kind: 'mailbox', role: "the SOA record's mailbox (RNAME)" },
  ],
  AFSDB: [{ field: 1, kind: 'host', role: "an AFSDB record's server" }],
  RT: [{ field: 1, kind: 'host', role: "an RT record's intermediate host" }],
  SVCB: [{ field: 1, kind: 'host', role: "a service-mode SVCB record's target" }],
  HTTPS: [{ field: 1, kind: 'host', role: "a service-mode HTTPS record's target" }],
  PTR: [{ field: 0, kind: 'host', role: "a reverse-zone PTR record's host" }],
  RP: [{ field: 0, kind: 'mailbox', role: "an RP record's mailbox" }],
  MINFO: [
    { field: 0, kind: 'mailbox', role: "a MINFO record's responsible mailbox" },
    { field: 1, kind: 'mailbox', role: "a MINFO record's error mailbox" },
  ],
};

/** The data fields of a record of `type` at `owner` (absolute, lower case) that BIND checks, if any. */
export function checkedFields(type: string, owner: string | undefined, rdata: readonly string[]): { field: number; kind: NameKind; role: string }[] | undefined {
  const f = FIELDS[type];
  if (f === undefined) return undefined;
  // SVCB and HTTPS in alias mode (priority 0) are not checked; PTR only in the reverse trees.
  if ((type === 'SVCB' || type === 'HTTPS') && rdata[0] === '0') return undefined;
  if (type === 'PTR' && !(owner !== undefined && /(^|\.)(in-addr\.arpa|ip6\.arpa|ip6\.int)$/.test(owner))) return undefined;
  return f;
}

/** Why a name is not a host name (or mailbox): the label and what is wrong with it; undefined when it is one. */
export interface HostNameProblem {
  label: string;
  reason: string;
}

const isAlnum = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

function showChar(c: number): string {
  if (c > 0x20 && c < 0x7f && c !== 96) return `\`${String.fromCharCode(c)}\``;
  return `byte ${c} (\`\\${String(c).padStart(3, '0')}\`)`;
}

function labelProblem(bytes: number[], asMailbox: boolean): string | undefined {
  if (asMailbox) {
    for (const c of bytes) if (c <= 0x20 || c >= 0x7f) return `holds ${showChar(c)}, which is not printable ASCII`;
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
 * Checks a name as written in a zone file (escapes in; relative to `origin` unless it ends with an
 * unescaped dot; `@` is the origin) against BIND's host-name rule (`kind` host; `wildcard` allows a
 * leading `*` label, as owners may have) or mailbox rule. An empty label is another problem, not this one.
 */
export function hostNameProblem(written: string, origin: string | undefined, kind: NameKind, wildcard = false): HostNameProblem | undefined {
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
          bytes.push(Number(d));
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
      } else if (c > 0x7f) {
        // A character beyond ASCII is written as UTF-8; its first byte is enough to say it is not ASCII.
        bytes.push(c > 0xff ? 0x80 : c);
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
    const reason = labelProblem(labels[k].bytes, kind === 'mailbox' && k === 0);
    if (reason) return { label: labels[k].text, reason };
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
