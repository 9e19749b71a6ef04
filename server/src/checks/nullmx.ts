/**
 * Domains that say they take no mail (a null MX, RFC 7505): one that still authorises senders in SPF
 * (receivers may refuse its mail), one whose null MX sits beside other MX records, and one that takes
 * no mail but does not say it sends none either (a parked domain open to spoofing).
 */
import { isDynamic } from '../records/dynamic';
import type { SpfRecord, SpfTerm } from '../records/spf';
import { isZoneFileName } from '../files';
import type { Fix, ResourceRecord } from '../types';
import { insertAfter, zoneLine } from './recordfix';
import { removeTag } from './tagfix';
import type { AnalyzedSite, DnsModel, ModelRule } from './rule';
import { modelCoverage } from './walk';
import { OPAQUE } from '../senders/treewalk';
import { txtSibling } from '../records/sibling';
import { showNames } from '../util/zonenames';

/** `MX 0 .`: the domain accepts no mail (RFC 7505 §3). */
export function isNullMx(r: ResourceRecord): boolean {
  return r.type === 'MX' && /^0+\s+\.$/.test(r.rdata.join(' ').trim());
}

interface MxSet {
  nulls: ResourceRecord[];
  others: ResourceRecord[];
}

const cache = new WeakMap<DnsModel, Map<string, MxSet>>();

/** The MX records of each owner that has a null MX among the model's records (empty for most zones). */
function nullMxOwners(model: DnsModel): Map<string, MxSet> {
  let out = cache.get(model);
  if (out) return out;
  out = new Map();
  let any = false;
  for (const r of model.records) if (r.type === 'MX' && r.owner !== undefined && isNullMx(r)) any = true;
  if (any) {
    for (const r of model.records) {
      if (r.type !== 'MX' || r.owner === undefined || isDynamic(r)) continue;
      let set = out.get(r.owner);
      if (!set) out.set(r.owner, (set = { nulls: [], others: [] }));
      (isNullMx(r) ? set.nulls : set.others).push(r);
    }
    for (const [owner, set] of out) if (set.nulls.length === 0) out.delete(owner);
  }
  cache.set(model, out);
  return out;
}

/** The other MX records of `owner` in the rest of the workspace. */
function workspaceMx(model: DnsModel, owner: string): ResourceRecord[] {
  return (model.workspace?.at(owner) ?? []).filter((e) => e.record.type === 'MX' && !isDynamic(e.record)).map((e) => e.record);
}

/** Whether `owner` takes no mail: its MX records, in the model and the rest of the workspace, are all null MX (and there is one). */
export function takesNoMail(model: DnsModel, owner: string): boolean {
  const set = nullMxOwners(model).get(owner);
  const there = workspaceMx(model, owner);
  return set ? set.others.length === 0 && !there.some((r) => !isNullMx(r)) : there.length > 0 && there.every(isNullMx);
}

/** `v=spf1 -all` and nothing else that matters: an SPF record saying the domain sends no mail. */
export function sendsNoMail(spf: SpfRecord): boolean {
  let all = false;
  for (const t of spf.terms) {
    if (t.invalid) return false;
    if (t.kind === 'mechanism') {
      if (t.name !== 'all' || t.qualifier !== '-') return false;
      all = true;
    } else if (t.name === 'redirect') return false;
  }
  return all;
}

/** The terms of an SPF record that let some host pass: a mechanism other than `all` with `+`, `+all`, or `redirect` without `all`. */
function authorising(spf: SpfRecord): SpfTerm[] {
  const hasAll = spf.terms.some((t) => t.kind === 'mechanism' && t.name === 'all');
  return spf.terms.filter((t) => !t.invalid && (t.kind === 'mechanism' ? t.qualifier === '+' : t.name === 'redirect' && !hasAll));
}

const show = (t: SpfTerm) => `\`${t.text}\``;

export const nullMxSender: ModelRule = {
  id: 'spf/null-mx-sender',
  kind: 'spf',
  scope: 'model',
  severity: 'warning',
  summary: 'A domain with a null MX authorises senders in SPF',
  fixable: true,
  docs: {
    what: 'Finds SPF records that let hosts send (a mechanism other than `all` with the `+` qualifier, `+all`, or a `redirect` without `all`) at a name whose only MX is the null MX `MX 0 .` (RFC 7505), in the file or elsewhere in the workspace.',
    why: 'RFC 7505 §4.2: a domain that publishes a null MX takes no mail, so it should not be used as the MAIL FROM or From domain of mail, and receivers may refuse mail from it with `550 5.7.27` (Postfix\'s `reject_unknown_sender_domain` does). Either the domain sends mail and the null MX makes receivers refuse it and bounces vanish, or it sends none and its SPF record still lets those hosts send as it.',
    bad: '@ IN MX 0 .\n@ IN TXT "v=spf1 include:_spf.google.com ~all"',
    good: '@ IN MX 0 .\n@ IN TXT "v=spf1 -all"',
    fix: 'If the domain sends mail, replace the null MX by the MX of a server that takes its bounces and replies. If it sends none, make its SPF record `v=spf1 -all` (the quick fix; not applied by `check --fix`, since only you know which it is).',
  },
  check(model, ctx) {
    const local = nullMxOwners(model);
    if (local.size === 0 && !model.workspace) return;
    for (const s of model.sites) {
      const owner = s.site.owner;
      if (s.kind !== 'spf' || !s.spf || owner === undefined || s.site.type !== 'TXT') continue;
      const here = local.get(owner);
      const mx = here ? [...here.nulls, ...here.others] : [];
      if (!here) {
        // Most names have no null MX: the workspace is asked only for names with SPF, and its records only when some file has one there.
        if (model.workspace?.hasNullMx?.(owner) === false) continue;
        const elsewhere = workspaceMx(model, owner);
        if (!elsewhere.some(isNullMx)) continue;
        mx.push(...elsewhere);
      } else mx.push(...workspaceMx(model, owner));
      // Beside other MX records it is zone/null-mx-with-other-mx that speaks.
      if (mx.some((r) => !isNullMx(r))) continue;
      const terms = authorising(s.spf);
      if (terms.length === 0) continue;
      const nullMx = mx[0];
      ctx.report(
        s.site,
        terms[0].range,
        `\`${owner}\` publishes a null MX (\`MX 0 .\`): it takes no mail, and receivers may refuse mail whose MAIL FROM or From is on it (RFC 7505 §4.2), yet its SPF record lets hosts send as it (${terms.slice(0, 3).map(show).join(', ')}${terms.length > 3 ? ', …' : ''}). If it sends mail, publish the MX of a server that takes its bounces; if it sends none, make the record \`v=spf1 -all\`.`,
        {
          related: [{ uri: nullMx.uri, range: nullMx.range, message: 'the null MX' }],
          anchors: [nullMx],
          fixes: [{ title: 'Make the SPF record `v=spf1 -all` (the domain sends no mail)', edits: [{ range: { start: 0, end: s.site.value.length }, newText: 'v=spf1 -all' }] }],
        },
      );
    }
  },
};

export const nullMxWithOtherMx: ModelRule = {
  id: 'zone/null-mx-with-other-mx',
  kind: 'zone',
  scope: 'model',
  // BIND loads such a zone; zone errors are kept for what it refuses.
  severity: 'warning',
  summary: 'A null MX beside other MX records',
  fixable: false,
  docs: {
    what: 'Finds a null MX (`MX 0 .`) at a name that also has other MX records in the file.',
    why: 'RFC 7505 §3: a domain that advertises a null MX MUST NOT advertise any other MX record. Senders then disagree on what the name means: some treat it as taking no mail and bounce everything sent to it, others try the other hosts.',
    bad: '@ IN MX 0 .\n@ IN MX 10 mail.example.com.',
    good: '@ IN MX 10 mail.example.com.',
    fix: 'Remove the null MX if the domain takes mail (a leftover from when it was parked), or the other MX records if it takes none.',
  },
  check(model, ctx) {
    for (const set of nullMxOwners(model).values()) {
      if (set.others.length === 0) continue;
      for (const r of set.nulls)
        ctx.reportAt(r, `\`${r.owner}\` has a null MX (\`MX 0 .\`, "takes no mail") and ${set.others.length} other MX record${set.others.length === 1 ? '' : 's'}; a domain with a null MX MUST NOT publish any other (RFC 7505 §3), and senders differ in which one they follow. Remove the null MX if the domain takes mail.`, {
          related: set.others.slice(0, 10).map((o) => ({ uri: o.uri, range: o.range, message: `MX ${o.rdata.join(' ')}` })),
          anchors: set.others.slice(0, 10),
        });
    }
  },
};

export const parkedDomain: ModelRule = {
  id: 'dmarc/parked-domain',
  kind: 'dmarc',
  scope: 'model',
  severity: 'warning',
  summary: 'A domain that takes no mail (null MX) does not say it sends none',
  fixable: true,
  // "Plan the move to quarantine once reports are clean": not for a domain that sends nothing to report on.
  supersedes: ['dmarc/policy-none'],
  docs: {
    what: 'Finds names whose only MX is the null MX (`MX 0 .`, RFC 7505) and that do not also refuse all senders: no SPF record, or one that ends in `~all`/`?all` while letting no host pass (`v=spf1 ~all`), or a DMARC policy short of `reject` for them (`p` at the name, else the `sp` of its Organizational Domain\'s record by the RFC 9989 tree walk, or `t=y`). A name whose SPF record lets hosts send is `spf/null-mx-sender`\'s; one with no DMARC record at all is `dmarc/missing-record`\'s.',
    why: 'A parked domain is as easy to forge as any other: without `v=spf1 -all` and `p=reject`, receivers have nothing to refuse forged mail with, and a name nobody sends from is one nobody watches for abuse. The null MX says it takes no mail; the M3AAWG parked-domains practice and government guidance (CISA BOD 18-01, the UK NCSC) add the SPF and DMARC records that say it sends none (RFC 7208 §8.4, RFC 9989 §4.7).',
    bad: '@ IN MX 0 .\n_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@example.net"',
    good: '@ IN MX 0 .\n@ IN TXT "v=spf1 -all"\n_dmarc IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@example.net"',
    fix: 'Publish `v=spf1 -all` at the name (the quick fix adds it after the null MX in a zone file, as a resource beside the null MX\'s in Terraform, or turns `~all` into `-all`) and a DMARC policy of `p=reject` for it (on the name\'s own DMARC record the quick fix sets `p=reject` at once: with no mail to lose, there are no reports to wait for; for a subdomain covered by its Organizational Domain\'s record, publish its own record or set `sp=reject` there).',
  },
  check(model, ctx) {
    const local = nullMxOwners(model);
    if (local.size === 0) return;
    for (const [owner, set] of local) {
      if (set.others.length || owner.startsWith('_') || owner.includes('._') || owner.startsWith('*')) continue;
      const all = [...set.nulls, ...workspaceMx(model, owner)];
      if (all.some((r) => !isNullMx(r))) continue;
      const nullMx = set.nulls[0];
      const spfSites: AnalyzedSite[] = [...model.sitesAt(owner), ...(model.workspace?.at(owner) ?? []).flatMap((e) => (e.site ? [e.site] : []))].filter((s) => s.kind === 'spf' && s.spf && s.site.type === 'TXT');
      // A record with parts not known statically, or several (spf/multiple-records): left to those.
      if (spfSites.length > 1 || spfSites.some((s) => s.site.holes)) continue;
      const spf = spfSites[0];
      if (spf && authorising(spf.spf!).length) continue;
      if (!spf)
        ctx.reportAt(nullMx, `\`${owner}\` takes no mail (null MX) but publishes no SPF record, so receivers cannot tell mail forged in its name from real mail: publish \`v=spf1 -all\` to say it sends none (RFC 7208 §8.4).`, {
          docFixes: () => spfFix(owner, nullMx),
        });
      else {
        const allTerm = spf.spf!.terms.find((t) => t.kind === 'mechanism' && t.name === 'all' && !t.invalid);
        if (!allTerm || allTerm.qualifier !== '-')
          ctx.report(spf.site, allTerm ? allTerm.range : 'record', `\`${owner}\` takes no mail (null MX) and its SPF record lets no host send, but it ${allTerm ? `ends in ${show(allTerm)}` : 'has no `all`'}, so forged mail gets ${allTerm?.qualifier === '~' ? 'a softfail' : 'a neutral result'} instead of a fail: a domain that sends no mail publishes \`v=spf1 -all\` (RFC 7208 §8.4).`, {
            related: [{ uri: nullMx.uri, range: nullMx.range, message: 'the null MX' }],
            anchors: [nullMx],
            fixes: [allTerm ? { title: `Write \`-all\` for ${show(allTerm)}`, edits: [{ range: allTerm.range, newText: '-all' }] } : { title: 'Make the SPF record `v=spf1 -all`', edits: [{ range: { start: 0, end: spf.site.value.length }, newText: 'v=spf1 -all' }] }],
          });
      }
      // DMARC: the policy that applies to mail from the name (its own record's p, else its
      // Organizational Domain's sp or p); no record at all is dmarc/missing-record's finding.
      const c = modelCoverage(model)(owner);
      // None (dmarc/missing-record), one whose value is not in the files (hosted DMARC), or reject already.
      if (!c || c === OPAQUE || (c.policy === 'reject' && !c.testing)) continue;
      const policy = `\`${c.decidedBy}=${c.policy}\`${c.testing ? ' with `t=y`' : ''}`;
      const dmarc = c.entry.site?.dmarc;
      const p = dmarc?.byName.get('p');
      if (c.at === owner && c.entry.site && dmarc && p && !c.entry.site.site.holes) {
        // The name's own record: on its policy, with the fix (no reports to wait for: no mail is meant to pass).
        const t = c.testing ? dmarc.byName.get('t') : undefined;
        ctx.report(c.entry.site.site, p.range, `\`${owner}\` takes no mail (null MX), yet its DMARC policy is ${policy}: a domain that sends no mail loses nothing with \`p=reject\`, and forged mail in its name is then refused (RFC 9989 §4.7).`, {
          related: [{ uri: nullMx.uri, range: nullMx.range, message: 'the null MX' }],
          anchors: [nullMx],
          fixes: [{ title: `Set \`p=reject\`${t ? ' and remove `t=y`' : ''} (the domain sends no mail)`, edits: [{ range: p.valueRange, newText: 'reject' }, ...(t ? removeTag(dmarc.value, t).edits : [])] }],
        });
      } else
        ctx.reportAt(nullMx, `\`${owner}\` takes no mail (null MX), yet the DMARC policy that applies to it is ${policy} of _dmarc.${c.at}, its Organizational Domain's record: a domain that sends no mail loses nothing with \`p=reject\` (RFC 9989 §4.7). Publish \`_dmarc.${owner}\` with \`p=reject\`, or set \`sp=reject\` there.`, {
          related: c.entry.site ? [{ site: c.entry.site.site, message: 'the DMARC record that applies' }] : undefined,
          anchors: [c.entry.record],
        });
    }
  },
};

/**
 * `<owner> TXT "v=spf1 -all"` after the null MX in a zone file, or in Terraform a resource beside the
 * null MX's (records/sibling.ts); other formats: no fix.
 */
function spfFix(owner: string, nullMx: ResourceRecord): Fix[] {
  if (nullMx.generated) return [];
  if (isZoneFileName(nullMx.uri)) return [{ title: `SPF: publish ${owner} TXT "v=spf1 -all" (the domain sends no mail)`, edits: [insertAfter(nullMx, [zoneLine(owner, 'TXT', 'v=spf1 -all')])] }];
  const r = txtSibling(nullMx)?.({ label: 'spf', value: () => 'v=spf1 -all' });
  return r ? [{ title: showNames(`SPF: add resource ${r.resource} publishing ${owner} TXT "v=spf1 -all" (the domain sends no mail)`), edits: [r.edit] }] : [];
}

export const nullMxRules: ModelRule[] = [nullMxSender, nullMxWithOtherMx, parkedDomain];
