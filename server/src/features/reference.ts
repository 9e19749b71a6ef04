/**
 * What each SPF term, DMARC tag and DKIM tag means, with its RFC section: the text of hovers and
 * completion items. Data only.
 */

export interface TermDoc {
  summary: string;
  rfc: string;
  /** Completion snippet in LSP snippet syntax (the text after the name). */
  snippet?: string;
  /** Costs a DNS lookup towards the limit of 10 (RFC 7208 §4.6.4). */
  lookup?: boolean;
}

export const SPF_MECHANISMS: Record<string, TermDoc> = {
  all: { summary: 'Matches every sender. Ends the record: its qualifier decides what happens to everything not matched before it.', rfc: 'RFC 7208 §5.1' },
  include: { summary: "Evaluates another domain's SPF record; matches when that record passes for the sender.", rfc: 'RFC 7208 §5.2', snippet: ':${1:_spf.example.com}', lookup: true },
  a: { summary: "Matches when the sender's IP is an address (A/AAAA) of the domain (default: the current domain), optionally widened to a CIDR prefix.", rfc: 'RFC 7208 §5.3', lookup: true },
  mx: { summary: "Matches when the sender's IP is an address of one of the domain's MX hosts. Costs 1 lookup, and its MX host address lookups are limited to 10 separately.", rfc: 'RFC 7208 §5.4', lookup: true },
  ptr: { summary: "Matches when a validated reverse-DNS name of the sender's IP ends in the domain. Slow and unreliable: do not use.", rfc: 'RFC 7208 §5.5', lookup: true },
  ip4: { summary: "Matches when the sender's IPv4 address is in the given network.", rfc: 'RFC 7208 §5.6', snippet: ':${1:192.0.2.0/24}' },
  ip6: { summary: "Matches when the sender's IPv6 address is in the given network.", rfc: 'RFC 7208 §5.6', snippet: ':${1:2001:db8::/32}' },
  exists: { summary: 'Matches when the (usually macro-expanded) domain has an A record, whatever its address.', rfc: 'RFC 7208 §5.7', snippet: ':${1:%{i\\}._spf.example.com}', lookup: true },
};

export const SPF_MODIFIERS: Record<string, TermDoc> = {
  redirect: { summary: "Uses another domain's SPF record when no mechanism here matched (ignored when the record has `all`).", rfc: 'RFC 7208 §6.1', snippet: '=${1:_spf.example.com}', lookup: true },
  exp: { summary: 'Names a TXT record whose text explains a `fail` result to the sender.', rfc: 'RFC 7208 §6.2', snippet: '=${1:explain._spf.example.com}' },
};

export const QUALIFIERS: Record<string, string> = {
  '+': 'pass (the default when no qualifier is written)',
  '-': 'fail: receivers may reject the message',
  '~': 'softfail: accept but mark as suspicious',
  '?': 'neutral: no statement, treated like no policy',
};

export interface TagDoc extends TermDoc {
  values?: Record<string, string>;
  removed?: string;
}

export const DMARC_TAGS: Record<string, TagDoc> = {
  v: { summary: 'Version; must be `DMARC1` and the first tag.', rfc: 'RFC 9989 §4.7', values: { DMARC1: 'the only version' } },
  p: {
    summary: 'Requested handling of mail from this domain that fails DMARC.',
    rfc: 'RFC 9989 §4.7',
    values: { none: 'monitor only: deliver as usual and report', quarantine: 'treat as suspicious (for example the spam folder)', reject: 'refuse the message' },
  },
  sp: {
    summary: 'Requested handling for subdomains of this domain (defaults to `p`). Read only from the record of an Organizational Domain or a Public Suffix Domain: in a record below its Organizational Domain it applies to nothing (RFC 9989 §4.10.1).',
    rfc: 'RFC 9989 §4.7',
    values: { none: 'monitor only', quarantine: 'treat as suspicious', reject: 'refuse the message' },
  },
  np: {
    summary: 'Requested handling for subdomains that do not exist (defaults to `sp`, then `p`). Read only from the record of an Organizational Domain or a Public Suffix Domain, like `sp`.',
    rfc: 'RFC 9989 §4.7, RFC 9091',
    values: { none: 'monitor only', quarantine: 'treat as suspicious', reject: 'refuse the message (recommended: non-existent names never send mail)' },
  },
  t: { summary: 'Test mode: `y` asks receivers not to apply the policy in full while you test it (it replaces `pct=0`, under which receivers applied the next lesser policy).', rfc: 'RFC 9989 §4.7', values: { y: 'testing: the policy is not applied in full', n: 'apply the policy (default)' } },
  psd: {
    summary: 'Where an organization ends, for the DNS tree walk (RFC 9989 §4.10.2): the walk stops at a record with `psd=y` or `psd=n`.',
    rfc: 'RFC 9989 §4.7, §4.10.2',
    values: {
      y: 'a Public Suffix Domain (a registry): each name one label below it is an Organizational Domain of its own, so its subdomains no longer align with each other',
      n: 'an Organizational Domain: names under it align only with names under it, and its `sp`/`np` apply to them, even below a parent that publishes DMARC too',
      u: 'unspecified (default): the Organizational Domain is the name with the fewest labels that publishes a DMARC record',
    },
  },
  adkim: { summary: 'DKIM identifier alignment mode.', rfc: 'RFC 9989 §4.4', values: { r: 'relaxed (default): same Organizational Domain', s: 'strict: exactly the same domain' } },
  aspf: { summary: 'SPF identifier alignment mode.', rfc: 'RFC 9989 §4.4', values: { r: 'relaxed (default): same Organizational Domain', s: 'strict: exactly the same domain' } },
  fo: {
    summary: 'When to send failure reports (colon-separated options).',
    rfc: 'RFC 9989 §4.7, RFC 9991',
    values: { '0': 'when all mechanisms fail (default)', '1': 'when any mechanism fails', d: 'when the DKIM signature fails', s: 'when SPF fails' },
  },
  rua: { summary: 'Where to send daily aggregate reports: comma-separated `mailto:` URIs.', rfc: 'RFC 9989 §4.7, RFC 9990', snippet: '=mailto:${1:dmarc-reports@example.com}' },
  ruf: { summary: 'Where to send per-message failure reports: comma-separated `mailto:` URIs (few receivers send them).', rfc: 'RFC 9989 §4.7, RFC 9991', snippet: '=mailto:${1:dmarc-failures@example.com}' },
  pct: { summary: 'Percentage of failing mail the policy applies to.', rfc: 'RFC 7489 §6.3', removed: 'Removed in RFC 9989: use `t=y` to test a policy.' },
  rf: { summary: 'Failure report format.', rfc: 'RFC 7489 §6.3', removed: 'Removed in RFC 9989: failure reports have one format.' },
  ri: { summary: 'Aggregate report interval in seconds.', rfc: 'RFC 7489 §6.3', removed: 'Removed in RFC 9989: reports are daily.' },
};

/** SMTP TLS Reporting policy fields (RFC 8460 §3). */
export const TLSRPT_TAGS: Record<string, TagDoc> = {
  v: { summary: 'Version; exactly `TLSRPTv1`, and the first field.', rfc: 'RFC 8460 §3', values: { TLSRPTv1: 'the only version' } },
  rua: { summary: 'Where daily TLS reports go: `mailto:` or `https:` URIs, separated by commas.', rfc: 'RFC 8460 §3' },
};

/** MTA-STS TXT record fields (RFC 8461 §3.1). */
export const MTA_STS_TAGS: Record<string, TagDoc> = {
  v: { summary: 'Version; exactly `STSv1`, and the first field.', rfc: 'RFC 8461 §3.1', values: { STSv1: 'the only version' } },
  id: { summary: 'The policy\'s id: 1 to 32 letters and digits, changed whenever the policy file at `https://mta-sts.<domain>/.well-known/mta-sts.txt` changes, so senders fetch it again.', rfc: 'RFC 8461 §3.1' },
};

/** BIMI assertion record tags (draft-brand-indicators-for-message-identification-10 §4.3). */
export const BIMI_TAGS: Record<string, TagDoc> = {
  v: { summary: 'Version; exactly `BIMI1`, and the first tag.', rfc: 'BIMI §4.3', values: { BIMI1: 'the only version' } },
  l: { summary: 'Location of the logo: one HTTPS URI of an SVG Tiny PS file; empty to decline BIMI.', rfc: 'BIMI §4.3, §4.3.2' },
  a: { summary: 'Authority evidence: one HTTPS URI of the mark certificate (VMC or CMC, PEM); empty or absent when there is none.', rfc: 'BIMI §4.3' },
  lps: { summary: 'Local-part selectors: look up a selector made from the sender\'s local part (default `false`).', rfc: 'BIMI §4.3', values: { true: 'look up the local part\'s selector first', false: 'the default' } },
  avp: { summary: 'Avatar preference where providers also show personal avatars (default `brand`).', rfc: 'BIMI §4.3', values: { brand: 'show the BIMI logo', personal: 'show the sender\'s personal avatar when there is one' } },
};

export const DKIM_TAGS: Record<string, TagDoc> = {
  v: { summary: 'Version; `DKIM1`, and the first tag when present.', rfc: 'RFC 6376 §3.6.1', values: { DKIM1: 'the only version' } },
  k: { summary: 'Key type (default `rsa`).', rfc: 'RFC 6376 §3.6.1, RFC 8463', values: { rsa: 'RSA (at least 2048 bits recommended)', ed25519: 'Ed25519 (RFC 8463)' } },
  p: { summary: 'The public key, base64. Empty means the key is revoked.', rfc: 'RFC 6376 §3.6.1' },
  h: { summary: 'Hash algorithms the key may be used with (default: all).', rfc: 'RFC 6376 §3.6.1, RFC 8301', values: { sha256: 'SHA-256', sha1: 'SHA-1: must not be used (RFC 8301)' } },
  s: { summary: 'Service types the key applies to (default `*`).', rfc: 'RFC 6376 §3.6.1', values: { '*': 'all services', email: 'email' } },
  t: { summary: 'Flags, colon-separated.', rfc: 'RFC 6376 §3.6.1', values: { y: 'testing DKIM: verifiers treat signed mail like unsigned', s: 'the `i=` domain must equal `d=` (no subdomains)' } },
  n: { summary: 'Notes for humans; ignored by verifiers.', rfc: 'RFC 6376 §3.6.1' },
  g: { summary: 'Granularity (RFC 4871 only; removed in RFC 6376).', rfc: 'RFC 4871 §3.6.1', removed: 'Removed in RFC 6376; ignored.' },
};
