/**
 * SMTP TLS Reporting (RFC 8460) and MTA-STS (RFC 8461) records: the version each must start with,
 * the tag list, TLS-RPT's report URIs and MTA-STS's policy id; and, across records, where they are
 * published, how many there are at one name, and MTA-STS's policy host. Receivers and senders that
 * find a record they cannot read act as if the domain published none: no reports, no policy.
 */
import { policyDomainOf, TLSRPT_OWNER, MTA_STS_OWNER, type SmtpTlsRecord } from '../records/smtptls';
import { tagNamed } from '../records/taglist';
import { cnameChainEnd } from '../records/cname';
import { isDynamic } from '../records/dynamic';
import type { AnalyzedSite, DnsModel, ModelContext, ModelRule, RecordContext, SmtpTlsRule } from './rule';
import { reportSeveral } from './group';
import { cnameIn, reachedFrom } from './reached';
import { moveToFront } from './tagfix';

type Kind = 'tlsrpt' | 'mta-sts';

function rule(scope: Kind, r: Omit<SmtpTlsRule, 'kind' | 'scope'>): SmtpTlsRule {
  return { ...r, kind: scope, scope };
}

/** What each record kind is called, starts with, where it goes and which RFC section says so. */
const SPEC: Record<Kind, { name: string; version: string; owner: string; rfc: string; discard: string }> = {
  tlsrpt: { name: 'TLS-RPT', version: 'TLSRPTv1', owner: '_smtp._tls', rfc: 'RFC 8460 §3', discard: 'senders then assume the domain does not implement TLS reporting and send no reports' },
  'mta-sts': { name: 'MTA-STS', version: 'STSv1', owner: '_mta-sts', rfc: 'RFC 8461 §3.1', discard: 'senders then assume the domain has no MTA-STS policy and deliver without requiring TLS' },
};

const TLSRPT = 'v=TLSRPTv1; rua=mailto:tls-reports@example.com';
const STS = 'v=STSv1; id=20261128T1200';

/** The version tag: exactly `v=<version>`, first. */
function checkVersion(kind: Kind, record: SmtpTlsRecord, ctx: RecordContext): void {
  const s = SPEC[kind];
  const v = record.byName.get('v');
  if (!v) {
    ctx.report({ start: 0, end: record.value.length }, `The record does not start with \`v=${s.version}\`, so it is discarded (${s.rfc}); ${s.discard}.`, { fixes: [{ title: `Insert \`v=${s.version}; \``, edits: [{ range: { start: 0, end: 0 }, newText: `v=${s.version}; ` }] }] });
    return;
  }
  if (v.nameRaw !== 'v' || v.value !== s.version || v.spaceAroundEquals)
    ctx.report(v.range, `\`${record.value.slice(v.range.start, v.range.end)}\` must be written \`v=${s.version}\` exactly (${s.rfc}); otherwise the record is discarded and ${s.discard.replace(/^senders then /, 'senders ')}.`, { fixes: [{ title: `Write \`v=${s.version}\``, edits: [{ range: v.range, newText: `v=${s.version}` }] }] });
  if (record.tags[0] !== v) ctx.report(v.range, `\`v=${s.version}\` must be the first tag; a record that does not begin with it is discarded (${s.rfc}).`, { fixes: [moveToFront(record.value, v)] });
}

/** The tag list: `name=value` parts with no space around `=`, and the required tag. */
function checkSyntax(kind: Kind, record: SmtpTlsRecord, ctx: RecordContext, required: string): void {
  const s = SPEC[kind];
  for (const p of record.problems) ctx.report(p.range, `${p.message} ${s.name} records are \`name=value\` fields separated by \`;\` (${s.rfc}); a record that is not valid is treated as absent.`);
  for (const t of record.tags)
    if (t.spaceAroundEquals && t.name !== 'v')
      ctx.report(t.range, `No white space is allowed around \`=\` in \`${record.value.slice(t.range.start, t.range.end)}\` (${s.rfc}); the record is not valid and is treated as absent.`, {
        fixes: [{ title: `Write \`${t.nameRaw}=${t.value}\``, edits: [{ range: t.range, newText: `${t.nameRaw}=${t.value}` }] }],
      });
  if (!tagNamed(record, required)) ctx.report({ start: 0, end: record.value.length }, `The record has no \`${required}=\` field, which is required (${s.rfc}); ${s.discard}.`);
}

export const tlsrptInvalidVersion = rule('tlsrpt', {
  id: 'tlsrpt/invalid-version',
  severity: 'error',
  summary: 'A TLS-RPT record without `v=TLSRPTv1` as its first field',
  fixable: true,
  docs: {
    what: 'Finds records at `_smtp._tls.<domain>` (or starting `v=TLSRPTv1` in any case) whose first field is not exactly `v=TLSRPTv1`: missing, misspelt (`v=TSLRPTv1`), in another case, or later in the record.',
    why: 'RFC 8460 §3: the record begins with `v=TLSRPTv1` (case-sensitive); records that do not are discarded, and senders then assume the domain does not implement TLS reporting, so no report ever arrives.',
    bad: '_smtp._tls IN TXT "v=TSLRPTv1; rua=mailto:tls-reports@example.com"',
    good: `_smtp._tls IN TXT "${TLSRPT}"`,
    fix: 'Start the record with `v=TLSRPTv1;`.',
  },
  check: (record, ctx) => checkVersion('tlsrpt', record, ctx),
});

export const tlsrptSyntaxError = rule('tlsrpt', {
  id: 'tlsrpt/syntax-error',
  severity: 'error',
  summary: 'The TLS-RPT record is not a valid field list or lacks `rua=`',
  fixable: true,
  docs: {
    what: 'Finds parts of a TLS-RPT record that are not `name=value`, white space around `=`, and a record without the required `rua=` field.',
    why: 'RFC 8460 §3: the grammar allows no white space around `=` and requires `rua`; "if the resulting record is syntactically invalid, senders MUST assume the recipient domain does not implement TLSRPT".',
    bad: '_smtp._tls IN TXT "v=TLSRPTv1; rua = mailto:tls-reports@example.com"',
    good: `_smtp._tls IN TXT "${TLSRPT}"`,
    fix: 'Write `v=TLSRPTv1; rua=<URIs>` with `;` between fields and no spaces around `=`.',
  },
  check: (record, ctx) => checkSyntax('tlsrpt', record, ctx, 'rua'),
});

const ADDRESS = /^[^@\s:/]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;

/** What is wrong with one TLS-RPT report URI (undefined when nothing), and the edit that mends it where one is clear (offsets in the URI). */
function ruaProblem(uri: string): { why: string; fix?: { title: string; start: number; end: number; text: string } } | undefined {
  if (ADDRESS.test(uri)) return { why: 'lacks the `mailto:` scheme', fix: { title: `Write \`mailto:${uri}\``, start: 0, end: 0, text: 'mailto:' } };
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/s.exec(uri);
  if (!m) return { why: 'is not a URI (it needs `mailto:` or `https:`)' };
  const scheme = m[1].toLowerCase();
  const bang = m[2].indexOf('!');
  if (bang >= 0) {
    const at = m[1].length + 1 + bang;
    const rest = uri.slice(at);
    // DMARC's `!10m` size limit, copied over: removing it leaves the address.
    return { why: 'holds a `!`, which must be percent-encoded (DMARC\'s `!size` limit is not part of TLS-RPT)', ...(/^![0-9]+[kmgt]?$/i.test(rest) ? { fix: { title: `Remove \`${rest}\``, start: at, end: uri.length, text: '' } } : {}) };
  }
  if (scheme === 'mailto') return ADDRESS.test(m[2]) ? undefined : { why: 'is not a `mailto:` URI of one address' };
  if (scheme === 'https') {
    try {
      const u = new URL(uri);
      return u.hostname.includes('.') ? undefined : { why: `names the host \`${u.hostname}\`, not a domain name` };
    } catch {
      return { why: 'is not a valid `https:` URI' };
    }
  }
  if (scheme === 'http') return { why: 'uses `http:`; reports are POSTed only to `https:` URIs', fix: { title: 'Use `https:`', start: 0, end: 4, text: 'https' } };
  return { why: `uses \`${scheme}:\`; reports are sent only to \`mailto:\` and \`https:\` URIs` };
}

export const tlsrptInvalidUri = rule('tlsrpt', {
  id: 'tlsrpt/invalid-uri',
  severity: 'error',
  summary: 'A `rua` destination that is not a `mailto:` or `https:` URI',
  fixable: true,
  docs: {
    what: 'Finds `rua` destinations of a TLS-RPT record that senders cannot deliver to: a bare address without `mailto:`, `http:` or another scheme, a malformed address, or an unencoded `!` (a DMARC-style `!10m` size limit).',
    why: 'RFC 8460 §3: `rua` holds comma-separated URIs, `mailto:` (reports by e-mail) or `https:` (POSTed), with commas and `!` percent-encoded; a destination of any other form gets no reports.',
    bad: '_smtp._tls IN TXT "v=TLSRPTv1; rua=tls-reports@example.com"',
    good: `_smtp._tls IN TXT "${TLSRPT}"`,
    fix: 'Write each destination as `mailto:<address>` or `https://<host>/<path>`, separated by commas. The quick fixes add a missing `mailto:`, write `https:` for `http:` and remove a `!size` suffix.',
  },
  check(record, ctx) {
    const rua = tagNamed(record, 'rua');
    if (!rua) return;
    const value = record.value;
    let at = rua.valueRange.start;
    for (const part of value.slice(rua.valueRange.start, rua.valueRange.end).split(',')) {
      const lead = part.length - part.trimStart().length;
      const uri = part.trim();
      const start = at + lead;
      at += part.length + 1;
      if (!uri) continue;
      const p = ruaProblem(uri);
      if (!p) continue;
      const fix = p.fix;
      ctx.report({ start, end: start + uri.length }, `\`${uri}\` ${p.why} (RFC 8460 §3); no reports go there.`, {
        fixes: fix ? [{ title: fix.title, edits: [{ range: { start: start + fix.start, end: start + fix.end }, newText: fix.text }] }] : [],
      });
    }
  },
});

export const mtaStsInvalidVersion = rule('mta-sts', {
  id: 'mta-sts/invalid-version',
  severity: 'error',
  summary: 'An MTA-STS record without `v=STSv1` as its first field',
  fixable: true,
  docs: {
    what: 'Finds records at `_mta-sts.<domain>` (or starting `v=STSv1` in any case) whose first field is not exactly `v=STSv1`.',
    why: 'RFC 8461 §3.1: the record begins with `v=STSv1` (case-sensitive); records that do not are discarded, and senders then assume the domain has no MTA-STS policy: mail is delivered without the TLS it was meant to require.',
    bad: '_mta-sts IN TXT "v=STSV1; id=20261128T1200"',
    good: `_mta-sts IN TXT "${STS}"`,
    fix: 'Start the record with `v=STSv1;`.',
  },
  check: (record, ctx) => checkVersion('mta-sts', record, ctx),
});

export const mtaStsSyntaxError = rule('mta-sts', {
  id: 'mta-sts/syntax-error',
  severity: 'error',
  summary: 'The MTA-STS record is not a valid field list or lacks `id=`',
  fixable: true,
  docs: {
    what: 'Finds parts of an MTA-STS record that are not `name=value`, white space around `=`, and a record without the required `id=` field.',
    why: 'RFC 8461 §3.1: the grammar allows no white space around `=` and requires `id`; "if the resulting record is syntactically invalid, senders MUST assume the recipient domain does not have an available MTA-STS Policy".',
    bad: '_mta-sts IN TXT "v=STSv1; id = 20261128T1200"',
    good: `_mta-sts IN TXT "${STS}"`,
    fix: 'Write `v=STSv1; id=<policy id>`, changing the id whenever the policy file changes.',
  },
  check: (record, ctx) => checkSyntax('mta-sts', record, ctx, 'id'),
});

export const mtaStsInvalidId = rule('mta-sts', {
  id: 'mta-sts/invalid-id',
  severity: 'error',
  summary: 'The MTA-STS `id` is not 1 to 32 letters and digits',
  fixable: true,
  docs: {
    what: 'Finds an MTA-STS `id` that is empty, longer than 32 characters, or holds anything but ASCII letters and digits: the dashes, dots and colons of a date or time are the common case (`id=2026-11-28`).',
    why: 'RFC 8461 §3.1: `sts-id = 1*32(ALPHA / DIGIT)`; a record with another id is syntactically invalid, and senders then assume the domain has no MTA-STS policy.',
    bad: '_mta-sts IN TXT "v=STSv1; id=2026-11-28T12:00"',
    good: `_mta-sts IN TXT "${STS}"`,
    fix: 'Use only letters and digits (a timestamp such as `20261128T1200` works), at most 32, and change it whenever the policy changes.',
  },
  check(record, ctx) {
    const id = tagNamed(record, 'id');
    if (!id || /^[A-Za-z0-9]{1,32}$/.test(id.value)) return;
    const clean = id.value.replace(/[^A-Za-z0-9]/g, '').slice(0, 32);
    const why = id.value === '' ? 'is empty' : /[^A-Za-z0-9]/.test(id.value) ? `holds \`${[...new Set(id.value.replace(/[A-Za-z0-9]/g, ''))].join('')}\`` : `is ${id.value.length} characters long`;
    ctx.report(id.valueRange.end > id.valueRange.start ? id.valueRange : id.range, `The policy id ${why}; it must be 1 to 32 letters and digits, or the record is invalid and senders assume no MTA-STS policy (RFC 8461 §3.1).`, {
      fixes: clean ? [{ title: `Write \`id=${clean}\``, edits: [{ range: id.valueRange, newText: clean }] }] : [],
    });
  },
});

export const smtpTlsRules: SmtpTlsRule[] = [tlsrptInvalidVersion, tlsrptSyntaxError, tlsrptInvalidUri, mtaStsInvalidVersion, mtaStsSyntaxError, mtaStsInvalidId];

/** The records of one kind with a known owner that start with the version (the ones receivers keep). */
function kept(sites: readonly AnalyzedSite[], kind: Kind): AnalyzedSite[] {
  const start = new RegExp(`^v=${SPEC[kind].version};`);
  return sites.filter((s) => s.kind === kind && s.site.owner !== undefined && !s.site.alternative && start.test(`${s.site.value.trimEnd()};`));
}

function modelRule(kind: Kind, r: Omit<ModelRule, 'kind' | 'scope'>): ModelRule {
  return { ...r, kind, scope: 'model' };
}

const multiple = (kind: Kind) => (model: DnsModel, ctx: ModelContext) => {
  const s = SPEC[kind];
  reportSeveral(ctx, kept(model.sites, kind), s.name, (owner, n) => `\`${owner}\` has ${n} ${s.name} records; ${s.discard} (${s.rfc}). Keep one.`);
};

const wrongOwner = (kind: Kind) => (model: DnsModel, ctx: ModelContext) => {
  const s = SPEC[kind];
  const at = kind === 'tlsrpt' ? TLSRPT_OWNER : MTA_STS_OWNER;
  let reached: ((name: string) => boolean) | undefined;
  for (const a of model.sites) {
    const owner = a.site.owner;
    if (a.kind !== kind || owner === undefined || at.test(owner)) continue;
    // Reached by a CNAME from a name where senders look (hosted TLS reporting or MTA-STS): found through it.
    if ((reached ??= reachedFrom(model, (o) => at.test(o)))(owner)) continue;
    // The domain it was meant for: without the underscore labels written in front (`_tls.`), or the policy host's `mta-sts.`.
    const domain = owner.replace(/^(_[^.]*\.)+/, '').replace(kind === 'mta-sts' ? /^mta-sts\./ : /^\b$/, '') || owner;
    ctx.report(a.site, 'owner', `${s.name === 'MTA-STS' ? 'An' : 'A'} ${s.name} record at \`${owner}\` is never found: senders query \`${s.owner}.${domain}\` (${s.rfc}).`);
  }
};

export const tlsrptMultipleRecords = modelRule('tlsrpt', {
  id: 'tlsrpt/multiple-records',
  severity: 'error',
  summary: 'More than one TLS-RPT record at one name',
  fixable: false,
  docs: {
    what: 'Finds `_smtp._tls.<domain>` names with two or more records starting with `v=TLSRPTv1`.',
    why: 'RFC 8460 §3: if the number of records that begin with `v=TLSRPTv1;` is not one, senders MUST assume the domain does not implement TLS reporting.',
    bad: `_smtp._tls IN TXT "${TLSRPT}"\n_smtp._tls IN TXT "v=TLSRPTv1; rua=https://reports.example.net/tlsrpt"`,
    good: `_smtp._tls IN TXT "${TLSRPT},https://reports.example.net/tlsrpt"`,
    fix: 'Merge the destinations into one record: `rua` takes several URIs separated by commas.',
  },
  check: multiple('tlsrpt'),
});

export const tlsrptWrongOwner = modelRule('tlsrpt', {
  id: 'tlsrpt/wrong-owner',
  severity: 'error',
  summary: 'A TLS-RPT record not at `_smtp._tls.<domain>`',
  fixable: false,
  docs: {
    what: 'Finds records starting `v=TLSRPTv1` whose owner name is not `_smtp._tls.<domain>`: at the domain itself, at `_tls` or `_smtp` alone. A record that an `_smtp._tls` name of the workspace reaches by CNAME (hosted TLS reporting) is found through it, and not reported.',
    why: 'RFC 8460 §3: senders look up the policy at `_smtp._tls.<Policy Domain>` only.',
    bad: `_tls IN TXT "${TLSRPT}"`,
    good: `_smtp._tls IN TXT "${TLSRPT}"`,
    fix: 'Move the record to `_smtp._tls.<domain>`.',
  },
  check: wrongOwner('tlsrpt'),
});

export const mtaStsMultipleRecords = modelRule('mta-sts', {
  id: 'mta-sts/multiple-records',
  severity: 'error',
  summary: 'More than one MTA-STS record at one name',
  fixable: false,
  docs: {
    what: 'Finds `_mta-sts.<domain>` names with two or more records starting with `v=STSv1`, as happens when a new id is added beside the old record instead of replacing it.',
    why: 'RFC 8461 §3.1: if the number of records that begin with `v=STSv1;` is not one, senders MUST assume the domain has no MTA-STS policy.',
    bad: `_mta-sts IN TXT "v=STSv1; id=20260101T0000"\n_mta-sts IN TXT "${STS}"`,
    good: `_mta-sts IN TXT "${STS}"`,
    fix: 'Keep one record, with the id of the policy now served.',
  },
  check: multiple('mta-sts'),
});

export const mtaStsWrongOwner = modelRule('mta-sts', {
  id: 'mta-sts/wrong-owner',
  severity: 'error',
  summary: 'An MTA-STS record not at `_mta-sts.<domain>`',
  fixable: false,
  docs: {
    what: 'Finds records starting `v=STSv1` whose owner name is not `_mta-sts.<domain>`: often at `mta-sts.<domain>`, the host that serves the policy file. A record that an `_mta-sts` name of the workspace reaches by CNAME (hosted MTA-STS) is found through it, and not reported.',
    why: 'RFC 8461 §3.1: senders look up the record at `_mta-sts.<Policy Domain>` only; `mta-sts.<domain>` (no underscore) is the HTTPS host of the policy (§3.3).',
    bad: `mta-sts IN TXT "${STS}"\nmta-sts IN CNAME sts.example.net.`,
    good: `_mta-sts IN TXT "${STS}"\nmta-sts IN CNAME sts.example.net.`,
    fix: 'Move the record to `_mta-sts.<domain>`.',
  },
  check: wrongOwner('mta-sts'),
});

/** Records that make a host resolve: addresses, a CNAME, and the alias records of DNS providers (`ALIAS`, `ANAME`, octoDNS `Route53Provider/ALIAS`). */
const resolves = (type: string) => type === 'A' || type === 'AAAA' || type === 'CNAME' || type === 'ANAME' || /(^|\/)ALIAS$/.test(type);

export const mtaStsNoPolicyHost = modelRule('mta-sts', {
  id: 'mta-sts/no-policy-host',
  severity: 'warning',
  summary: 'An MTA-STS record, but no `mta-sts.<domain>` host to serve the policy',
  fixable: false,
  docs: {
    what: 'Finds `_mta-sts.<domain>` records in a zone that holds `<domain>` but no A, AAAA, CNAME or provider alias record (ALIAS, ANAME, octoDNS `Route53Provider/ALIAS`) for `mta-sts.<domain>`, in that file or anywhere in the workspace. The same for a `_mta-sts.<domain>` CNAME to an MTA-STS record kept elsewhere (a hosted policy): the policy host is still the domain\'s own.',
    why: 'RFC 8461 §3.3: senders fetch the policy from `https://mta-sts.<domain>/.well-known/mta-sts.txt`; when that host does not resolve, the fetch fails and there is no policy to apply (the TXT record alone does nothing).',
    bad: `@ IN MX 10 mail\n_mta-sts IN TXT "${STS}"`,
    good: `@ IN MX 10 mail\n_mta-sts IN TXT "${STS}"\nmta-sts IN CNAME sts.example.net.`,
    fix: 'Publish `mta-sts.<domain>` (an A/AAAA record of the web server, or a CNAME to the hosted MTA-STS service) and serve the policy file there over HTTPS.',
  },
  check(model, ctx) {
    const owners = model.owners();
    // The host itself, or a wildcard that covers it (RFC 4592), in the file or anywhere in the workspace.
    // The names of this file with such a record, found in one pass when first asked (not a pass per domain).
    let resolving: Set<string> | undefined;
    const missing = (domain: string) => {
      if (!resolving) {
        resolving = new Set();
        for (const r of model.records) if (r.owner !== undefined && resolves(r.type)) resolving.add(r.owner);
      }
      const names = [`mta-sts.${domain}`, `*.${domain}`];
      return !names.some((n) => resolving!.has(n) || model.workspace?.at(n).some((e) => resolves(e.record.type)));
    };
    const message = (host: string, via = '') => `No A, AAAA or CNAME record for \`${host}\` in the workspace${via}: senders fetch the policy from https://${host}/.well-known/mta-sts.txt, and without that host there is no policy to apply (RFC 8461 §3.3).`;
    for (const a of kept(model.sites, 'mta-sts')) {
      const domain = policyDomainOf('mta-sts', a.site.owner!);
      if (domain === undefined || a.site.relative) continue;
      // Only for a zone that holds the domain: records of other zones may be elsewhere.
      if (!owners.has(domain) || !missing(domain)) continue;
      ctx.report(a.site, 'owner', message(`mta-sts.${domain}`));
    }
    // A domain whose `_mta-sts` is a CNAME to an MTA-STS record kept elsewhere (a hosted policy) needs its own policy host all the same.
    const cnameAt = cnameIn(model);
    for (const [owner, cname] of model.cnames()) {
      if (!owner.startsWith('_mta-sts.') || isDynamic(cname)) continue;
      const domain = owner.slice('_mta-sts.'.length);
      if (!owners.has(domain)) continue;
      const end = cnameChainEnd(owner, cnameAt)?.end;
      if (end === undefined || end === owner) continue;
      // The record at the end of the chain: an MTA-STS record in the workspace, or one kept out of it (a `_mta-sts` name is looked up for nothing else).
      const there = model.workspace?.at(end) ?? [];
      const known = owners.has(end) || there.length > 0;
      const sts = [...model.sitesAt(end), ...there.flatMap((e) => (e.site ? [e.site] : []))].some((x) => x.kind === 'mta-sts');
      if ((known && !sts) || !missing(domain)) continue;
      ctx.reportAt(cname, message(`mta-sts.${domain}`, ` (this CNAME leads senders to ${known ? 'the MTA-STS record' : 'an MTA-STS record kept outside it'} at \`${end}\`)`));
    }
  },
});

export const smtpTlsModelRules: ModelRule[] = [tlsrptMultipleRecords, tlsrptWrongOwner, mtaStsMultipleRecords, mtaStsWrongOwner, mtaStsNoPolicyHost];
