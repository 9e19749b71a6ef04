/**
 * Rules across records: several policies at one owner, records at the wrong owner, a mail domain
 * without DMARC, CNAME beside other data. They read the zone's DNS model, never a file format.
 */
import { underStandIn } from '../util/zonenames';
import { isSpfRecord } from '../records/spf';
import { includeDoesNotAlign } from './senders';
import { lookalikeCharacter } from './lookalike';
import { mergeSpfFix, monitoringRecordFix, organizationRecordFix, reportAuthorizationFix } from './recordfix';
import { parseReportUris } from '../records/dmarc';
import { orgDomain, type Entry } from '../senders/analyze';
import { organizationRecord, type Walk } from '../senders/treewalk';
import { authorizationName, destinationApart, modelWalk, reportsAuthorised } from './walk';
import type { Fix, OffsetRange, RecordSite, ResourceRecord } from '../types';
import { KIND_NAMES, type AnalyzedSite, type DnsModel, type ModelRule, type RelatedRef, type WorkspaceView } from './rule';
import { cnameChainEnd } from '../records/cname';
import { cnameIn, reachedFrom } from './reached';
import { anyDynamic, isDynamic, wholeZone } from '../records/dynamic';
import { hasCuts, occluderOf, type NameCut } from '../records/zonecut';
import { appendTag } from './dmarc';
import { removeTag } from './tagfix';
import { bimiMultipleRecords, bimiWithoutEnforcement, bimiWrongOwner } from './bimiModel';
import { smtpTlsModelRules } from './smtptls';
import { groupBy, others, reportSeveral } from './group';
import { isNullMx, nullMxRules, sendsNoMail, takesNoMail } from './nullmx';
import { hostRecords, hostRules } from './hosts';
import { rrsetTtlMismatch } from './rrset';
import { occludedRecord } from './occluded';
import { duplicateRecordSet } from './recordset';
import { dkimCnameTargetNoKey } from './dkimcname';
import { dkimEd25519Only } from './dkimkeys';

export { isNullMx };

function rule(r: Omit<ModelRule, 'scope'>): ModelRule {
  return { ...r, scope: 'model' };
}


export const spfMultipleRecords = rule({
  id: 'spf/multiple-records',
  kind: 'spf',
  severity: 'error',
  summary: 'More than one SPF record at one name',
  fixable: true,
  docs: {
    what: 'Finds owner names with two or more TXT records that start with `v=spf1`.',
    why: 'RFC 7208 §4.5: if more than one SPF record is found, `check_host()` returns `permerror`, so the domain\'s SPF fails for every message, legitimate ones included.',
    bad: '@ IN TXT "v=spf1 include:_spf.example.net -all"\n@ IN TXT "v=spf1 include:servers.mcsv.net -all"',
    good: '@ IN TXT "v=spf1 include:_spf.example.net include:servers.mcsv.net -all"',
    fix: 'Merge the records into one: all mechanisms from both, a single `all` at the end.',
  },
  check(model, ctx) {
    const spf = model.sites.filter((s) => s.site.type === 'TXT' && isSpfRecord(s.site.value));
    for (const [owner, list] of groupBy(spf, (s) => s.site.owner)) {
      if (list.length < 2) continue;
      const ordered = [...list].sort((a, b) => (a.site.uri < b.site.uri ? -1 : a.site.uri > b.site.uri ? 1 : a.site.range.start - b.site.range.start));
      for (const s of list)
        ctx.report(s.site, 'record', `\`${owner}\` has ${list.length} SPF records; receivers return permerror and SPF fails for all mail (RFC 7208 §4.5). Merge them into one.`, {
          related: others(list, s).map((o) => ({ site: o.site, message: 'another SPF record at this name' })),
          fixes: s === ordered[0] ? mergeSpfFix(ordered) : undefined,
        });
    }
  },
});

export const spfRrType = rule({
  id: 'spf/spf-rr-type',
  kind: 'spf',
  severity: 'warning',
  summary: 'Record type SPF (99) is obsolete',
  fixable: false,
  docs: {
    what: 'Finds records of type SPF (99). Alone at a name, they leave the domain without SPF.',
    why: 'RFC 7208 §3.1 and §14.1: SPF records must be published as TXT; type 99 is no longer used by receivers, and keeping both invites the two to drift apart.',
    bad: '@ IN SPF "v=spf1 mx -all"',
    good: '@ IN TXT "v=spf1 mx -all"',
    fix: 'Publish the policy as a TXT record and remove the SPF-type record.',
  },
  check(model, ctx) {
    for (const s of model.sites) {
      if (s.site.type !== 'SPF') continue;
      const txt = s.site.owner === undefined ? undefined : model.sites.find((o) => o.site.type === 'TXT' && o.site.owner === s.site.owner && isSpfRecord(o.site.value));
      if (txt && txt.site.value !== s.site.value)
        ctx.report(s.site, 'record', 'Type SPF (99) records are obsolete and receivers ignore them (RFC 7208 §3.1); this one differs from the TXT policy, so remove it.', {
          related: [{ site: txt.site, message: 'the TXT SPF record receivers use' }],
        });
      else if (txt) ctx.report(s.site, 'record', 'Type SPF (99) records are obsolete and receivers ignore them (RFC 7208 §3.1); the TXT record is enough, remove this one.');
      else
        ctx.report(s.site, 'record', 'Receivers only look up TXT records for SPF (RFC 7208 §3.1); with only type SPF (99) here, this name has no SPF policy. Publish it as TXT.', {
          severity: 'error',
        });
    }
  },
});

export const senderId = rule({
  id: 'spf/sender-id',
  kind: 'spf',
  severity: 'warning',
  summary: 'Sender ID (`spf2.0/`) record left over',
  fixable: false,
  docs: {
    what: 'Finds `spf2.0/pra` and similar Sender ID records.',
    why: 'Sender ID (RFC 4406) is historic and no receiver uses it; the record costs a DNS answer size and confuses tools that look for SPF. RFC 7208 §4.5 only uses `v=spf1`.',
    bad: '@ IN TXT "spf2.0/pra include:_spf.example.net ~all"',
    good: '@ IN TXT "v=spf1 include:_spf.example.net ~all"',
    fix: 'Remove the record; keep the `v=spf1` record.',
  },
  check(model, ctx) {
    for (const s of model.sites)
      if (s.kind === 'senderid')
        ctx.report(s.site, { start: 0, end: Math.min(s.site.value.length, (s.site.value + ' ').indexOf(' ')) }, 'Sender ID records (RFC 4406) are historic and ignored by receivers; remove it and keep the `v=spf1` record (RFC 7208 §4.5).');
  },
});

export const dkimObsoletePolicy = rule({
  id: 'dkim/obsolete-policy-record',
  kind: 'dkim',
  severity: 'information',
  summary: 'A DomainKeys (`_domainkey`) or ADSP (`_adsp._domainkey`) policy record left over',
  fixable: false,
  docs: {
    what: 'Finds the policy records of DKIM\'s predecessors: the DomainKeys policy at `_domainkey.<domain>` (`o=~`, `o=-`, with `t=`, `r=`, `n=`) that old control panels still write, and the ADSP record at `_adsp._domainkey.<domain>` (`dkim=all`, `dkim=discardable`).',
    why: 'DomainKeys (RFC 4870) and ADSP (RFC 5617) are Historic; no receiver reads their policy records, so `o=-` or `dkim=discardable` protects nothing while it looks as if it did. The policy receivers apply is the DMARC record at `_dmarc.<domain>` (RFC 9989); the DKIM keys under `<selector>._domainkey` are untouched by removing these.',
    bad: '_domainkey IN TXT "o=~; r=postmaster@example.com"\n_adsp._domainkey IN TXT "dkim=all"',
    good: '_dmarc IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@example.com"',
    fix: 'Remove the record, and publish the policy as a DMARC record at `_dmarc.<domain>` if there is none.',
  },
  check(model, ctx) {
    for (const s of model.sites) {
      if (s.kind !== undefined || s.site.owner === undefined) continue;
      const owner = s.site.owner;
      const value = s.site.value;
      const domainkeys = (owner === '_domainkey' || owner.startsWith('_domainkey.')) && /(^|;)\s*o\s*=\s*[~-]\s*(;|$)/.test(value);
      const adsp = (owner === '_adsp._domainkey' || owner.startsWith('_adsp._domainkey.')) && /(^|;)\s*dkim\s*=\s*(unknown|all|discardable)\s*(;|$)/i.test(value);
      if (!domainkeys && !adsp) continue;
      const domain = owner.replace(/^(_adsp\.)?_domainkey\.?/, '');
      const policy = `receivers take the policy${domain ? ` for ${domain}` : ''} from the DMARC record at \`${domain ? `_dmarc.${domain}` : '_dmarc'}\` (RFC 9989 §4.10)`;
      ctx.report(
        s.site,
        'record',
        domainkeys
          ? `\`${owner}\` holds a DomainKeys policy record (RFC 4870, Historic) that no receiver reads; ${policy}. Remove it; the DKIM keys under \`<selector>._domainkey\` do not depend on it.`
          : `\`${owner}\` holds an ADSP record (RFC 5617, Historic since 2013) that receivers ignore; ${policy}. Remove it.`,
      );
    }
  },
});

export const dmarcWrongOwner = rule({
  id: 'dmarc/wrong-owner',
  kind: 'dmarc',
  severity: 'error',
  summary: 'DMARC record not at a `_dmarc.` name',
  fixable: false,
  docs: {
    what: 'Finds DMARC records whose owner name does not start with `_dmarc.`, unless a `_dmarc` name in the workspace (this file or another) is a CNAME to it, directly or through a chain (a policy kept in one place for many domains is found through the CNAME).',
    why: 'RFC 9989 §4.10: receivers look for the policy at `_dmarc.<Author Domain>` (and up the tree); a record anywhere else is never found.',
    bad: '@ IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@example.com"',
    good: '_dmarc IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@example.com"',
    fix: 'Move the record to `_dmarc.<domain>`.',
  },
  check(model, ctx) {
    let reached: ((name: string) => boolean) | undefined;
    for (const s of model.sites) {
      if (s.kind !== 'dmarc' || s.site.owner === undefined || isDmarcOwner(s.site.owner)) continue;
      // Reached by a CNAME from a `_dmarc` name (a policy kept in one place for many domains): found through it.
      if ((reached ??= reachedFrom(model, isDmarcOwner))(s.site.owner)) continue;
      ctx.report(s.site, 'owner', `A DMARC record at \`${s.site.owner}\` is never found; receivers query \`_dmarc.${s.site.owner}\` (RFC 9989 §4.10), and no \`_dmarc\` name in the workspace is a CNAME to it.`);
    }
  },
});

export const dmarcMultipleRecords = rule({
  id: 'dmarc/multiple-records',
  kind: 'dmarc',
  severity: 'error',
  summary: 'More than one DMARC record at one name',
  fixable: false,
  docs: {
    what: 'Finds `_dmarc` names with two or more records starting with `v=DMARC1`.',
    why: 'RFC 9989 §4.10: when discovery finds more than one DMARC record, it is as if none were found; the domain loses its policy.',
    bad: '_dmarc IN TXT "v=DMARC1; p=none"\n_dmarc IN TXT "v=DMARC1; p=reject"',
    good: '_dmarc IN TXT "v=DMARC1; p=reject"',
    fix: 'Keep a single record.',
  },
  check(model, ctx) {
    const dmarc = model.sites.filter((s) => s.kind === 'dmarc' && /^\s*v\s*=\s*dmarc1/i.test(s.site.value));
    reportSeveral(ctx, dmarc, 'DMARC', (owner, n) => `\`${owner}\` has ${n} DMARC records; receivers then apply no policy at all (RFC 9989 §4.10). Keep one.`);
  },
});

const modelCuts = new WeakMap<DnsModel, Map<string | undefined, Map<string, NameCut<ResourceRecord>>>>();

/**
 * Whether this file's own records hide `owner` from its zone's servers (at or below a delegation or
 * below a DNAME of the zone `zone` names, or of the file's zone: records/zonecut). What each name holds
 * is read once per model and zone, so the walks up from many owners to one apex of many records do
 * not each read all of them.
 */
function occludedHere(model: DnsModel, owner: string, zone: string | undefined): boolean {
  if (!hasCuts(model.records)) return false;
  let byZone = modelCuts.get(model);
  if (!byZone) modelCuts.set(model, (byZone = new Map()));
  let names = byZone.get(zone);
  if (!names) byZone.set(zone, (names = new Map()));
  return occluderOf(owner, (n) => model.recordsAt(n), (r) => r, (r) => r.zone === zone, zone, names) !== undefined;
}

/**
 * Whether `_dmarc.<owner>` or `_dmarc.<parent>` is published here or elsewhere in the workspace;
 * memoised, since siblings share parents.
 */
function dmarcCoverage(dmarcOwners: Set<string>, workspace?: WorkspaceView): (owner: string) => boolean {
  const memo = new Map<string, boolean>();
  const covered = (name: string): boolean => {
    let v = memo.get(name);
    if (v === undefined) {
      const dot = name.indexOf('.');
      const at = `_dmarc.${name}`;
      v =
        dmarcOwners.has(at) ||
        (workspace?.at(at).some((e) => e.site?.kind === 'dmarc' || e.record.type === 'CNAME' || isDynamic(e.record)) ?? false) ||
        (dot >= 0 && name.indexOf('.', dot + 1) >= 0 && covered(name.slice(dot + 1)));
      memo.set(name, v);
    }
    return v;
  };
  return covered;
}

export const dmarcMissingRecord = rule({
  id: 'dmarc/missing-record',
  kind: 'dmarc',
  severity: 'warning',
  summary: 'A mail domain has no DMARC record',
  fixable: true,
  docs: {
    what: 'Finds names with an SPF record or MX records but no `_dmarc` record (or CNAME, as hosted DMARC services use) at the name or any parent in the workspace. Several such names of one Organizational Domain are reported once, on the first, with the one record at the zone apex that covers them all. A name whose SPF or MX records its zone never serves (at or below a delegation of the zone, or below a DNAME) is left out: those records are not published, and `zone/occluded-record` says so.',
    why: 'RFC 9989 §4.10: without a policy record, receivers apply no DMARC to mail from the domain, so nothing stops spoofing of it and no reports arrive.',
    bad: '@ IN MX 10 mail\n@ IN TXT "v=spf1 mx -all"',
    good: '@ IN MX 10 mail\n@ IN TXT "v=spf1 mx -all"\n_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@example.com"',
    fix: 'Publish `_dmarc.<domain> TXT "v=DMARC1; p=none; rua=mailto:…"` and tighten it as reports come in. The quick fix writes it: in a zone file after the record, in Terraform as a resource beside the record\'s own, the SPF record\'s or the MX record\'s (same kind, zone, provider and TTL, `name` the same name under `_dmarc.`). A domain that takes no mail (only a null MX, RFC 7505) or sends none (SPF `v=spf1 -all` and no DKIM selector in the workspace) loses nothing with `p=reject`: that fix is offered first there.',
  },
  check(model, ctx) {
    // A CNAME at `_dmarc` counts: hosted DMARC (the record is the vendor's, at the target) is common.
    const dmarcOwners = new Set(model.sites.filter((s) => s.kind === 'dmarc').map((s) => s.site.owner ?? ''));
    for (const owner of model.cnames().keys()) if (owner.startsWith('_dmarc.')) dmarcOwners.add(owner);
    // A `_dmarc` TXT record whose value the source does not give statically (a Terraform expression) may be the policy.
    if (anyDynamic()) for (const r of model.records) if (r.type === 'TXT' && r.owner?.startsWith('_dmarc.') && isDynamic(r)) dmarcOwners.add(r.owner);
    const covered = dmarcCoverage(dmarcOwners, model.workspace);
    // A file with a DMARC record whose name it does not give statically (a Terraform expression) may be
    // publishing the very record that is missing: its names are not reported.
    const unknownDmarc = new Set(model.sites.filter((s) => s.kind === 'dmarc' && s.site.owner === undefined && s.site.syntax.host === 'hcl').map((s) => s.site.uri));
    const reported = new Set<string>();
    // Names with underscore labels (`_spf`, `_domainkey`) are not mail domains; wildcards are left to their parent.
    const mailish = (owner: string | undefined) => owner !== undefined && owner[0] !== '_' && !owner.includes('._') && owner !== '*' && !owner.startsWith('*.') && !owner.includes('.*.') && !owner.endsWith('.*');
    type Hit = { owner: string; site?: AnalyzedSite; record: ResourceRecord | RecordSite; kind: 'SPF' | 'MX' };
    const hits: Hit[] = [];
    const findRecord = (site: RecordSite) => model.recordOf(site) ?? site;
    // A record its zone never serves (at or below a delegation of it, or below a DNAME) publishes nothing for the name: zone/occluded-record says so.
    const unserved = (owner: string, uri: string, zone: string | undefined) =>
      model.workspace?.occluded?.(uri, owner, zone) || occludedHere(model, owner, zone);
    // A name relative to a zone the source does not name is not a domain to report on.
    for (const s of model.sites) {
      const owner = s.site.owner;
      if (s.kind !== 'spf' || (s.site.relative && !underStandIn(owner ?? '')) || unknownDmarc.has(s.site.uri) || !mailish(owner) || reported.has(owner!) || covered(owner!)) continue;
      const record = findRecord(s.site);
      if (unserved(owner!, s.site.uri, 'rdata' in record ? record.zone : undefined)) continue;
      reported.add(owner!);
      hits.push({ owner: owner!, site: s, record, kind: 'SPF' });
    }
    for (const r of model.records) {
      if (r.type !== 'MX' || (r.relative && !underStandIn(r.owner ?? '')) || unknownDmarc.has(r.uri) || !mailish(r.owner) || reported.has(r.owner!) || covered(r.owner!)) continue;
      if (unserved(r.owner!, r.uri, r.zone)) continue;
      reported.add(r.owner!);
      hits.push({ owner: r.owner!, record: r, kind: 'MX' });
    }
    const report = (h: Hit, message: string, fix: () => Fix[], related?: RelatedRef[]) => {
      if (h.site) ctx.report(h.site.site, 'owner', message, { docFixes: fix, related });
      else ctx.reportAt(h.record as ResourceRecord, message, { docFixes: fix, related });
    };
    // Names of one Organizational Domain are reported together: one record at its apex covers them all.
    const groups = new Map<string, Hit[]>();
    for (const h of hits) {
      const org = orgDomain(h.owner);
      const list = groups.get(org);
      if (list) list.push(h);
      else groups.set(org, [h]);
    }
    const owners = model.owners();
    let signers: Set<string> | undefined;
    for (const [org, list] of groups) {
      if (list.length === 1) {
        const h = list[0];
        // A null MX says the name takes no mail, `v=spf1 -all` that it sends none: a parked domain, which loses nothing with p=reject at once.
        const noMx = h.kind === 'MX' ? isNullMx(h.record as ResourceRecord) : takesNoMail(model, h.owner);
        // SPF `-all` with no DKIM selector published for the name in the workspace: it signs no mail either (a DKIM-only sender would have one).
        const noSpf =
          h.kind === 'SPF' && h.site?.spf !== undefined && sendsNoMail(h.site.spf) && !(signers ??= keyDomains(owners)).has(h.owner) && !model.workspace?.under?.(`_domainkey.${h.owner}`).length;
        const parked = noMx || noSpf;
        const why = noMx && noSpf ? 'It takes no mail (null MX), and its SPF `-all` with no DKIM key says it sends none' : noMx ? 'It takes no mail (null MX)' : 'Its SPF `-all` with no DKIM key says it sends no mail';
        report(
          h,
          (h.kind === 'SPF'
            ? `\`${h.owner}\` publishes SPF but has no DMARC record at \`_dmarc.${h.owner}\` or a parent, so receivers apply no DMARC policy (RFC 9989 §4.10).`
            : noMx
              ? `\`${h.owner}\` takes no mail (null MX) but has no DMARC record at \`_dmarc.${h.owner}\` or a parent, so nothing stops mail forged in its name (RFC 9989 §4.10); a domain that sends no mail can publish \`p=reject\` at once.`
              : `\`${h.owner}\` receives mail (MX) but has no DMARC record at \`_dmarc.${h.owner}\` or a parent (RFC 9989 §4.10).`) +
            (h.kind === 'SPF' && parked ? ` ${why}: it loses nothing with \`p=reject\`, published at once.` : ''),
          () => (parked ? [...monitoringRecordFix(model, h.owner, h.record, 'reject'), ...monitoringRecordFix(model, h.owner, h.record)] : monitoringRecordFix(model, h.owner, h.record)),
        );
        continue;
      }
      // The record goes at the highest name of this zone under the Organizational Domain (its apex), so it stays in the zone.
      const anchor = list.find((h) => h.owner === org) ?? list[0];
      let apex: string | undefined;
      for (let d = anchor.owner; d.length >= org.length; d = d.slice(d.indexOf('.') + 1)) {
        if (owners.has(d) && list.every((h) => h.owner === d || h.owner.endsWith(`.${d}`))) apex = d;
        if (d === org || !d.includes('.')) break;
      }
      const examples = list.slice(0, 3).map((h) => h.owner).join(', ');
      report(
        anchor,
        `${list.length} names under \`${org}\` publish SPF or MX with no DMARC record at their own \`_dmarc\` or a parent's (${examples}${list.length > 3 ? ', …' : ''}), so receivers apply no DMARC policy to them (RFC 9989 §4.10). ${apex ? `One record at \`_dmarc.${apex}\` covers them all (subdomains through \`sp\`).` : 'A record at the Organizational Domain covers them all.'}`,
        () => (apex ? monitoringRecordFix(model, apex, model.records.find((r) => r.owner === apex && r.uri === anchor.record.uri) ?? anchor.record) : []),
        list.filter((h) => h !== anchor).slice(0, 5).map((h) => (h.site ? { site: h.site.site, message: `${h.owner}: no DMARC either` } : { uri: h.record.uri, range: (h.record as ResourceRecord).range, message: `${h.owner}: no DMARC either` })),
      );
    }
  },
});

export const dkimWrongOwner = rule({
  id: 'dkim/wrong-owner',
  kind: 'dkim',
  severity: 'warning',
  summary: 'DKIM key not under `<selector>._domainkey.`',
  fixable: false,
  docs: {
    what: 'Finds DKIM key records (`v=DKIM1` or `k=`/`p=` tags) whose owner is not `<selector>._domainkey.<domain>`, unless a selector in the workspace (this file or another) is a CNAME to it, directly or through a chain (keys rotated by CNAME are found through the selector).',
    why: 'RFC 6376 §3.6.2.1: verifiers query `<selector>._domainkey.<d=domain>`; a key anywhere else is never found and signatures fail.',
    bad: 'sel IN TXT "v=DKIM1; k=ed25519; p=zn4MIEmBUJ8wG7mx1YQ+ODnW0mAzP+WDWfd1Xy0q3po="',
    good: 'sel._domainkey IN TXT "v=DKIM1; k=ed25519; p=zn4MIEmBUJ8wG7mx1YQ+ODnW0mAzP+WDWfd1Xy0q3po="',
    fix: 'Publish the key at `<selector>._domainkey.<domain>`.',
  },
  check(model, ctx) {
    let reached: ((name: string) => boolean) | undefined;
    for (const s of model.sites) {
      if (s.kind !== 'dkim' || s.site.owner === undefined || isDkimOwner(s.site.owner)) continue;
      // A key at the end of a selector's CNAME, in this file or another, is found through it (key rotation by CNAME).
      if ((reached ??= reachedFrom(model, isDkimOwner))(s.site.owner)) continue;
      ctx.report(s.site, 'owner', `A DKIM key at \`${s.site.owner}\` is never found; verifiers query \`<selector>._domainkey.<domain>\` (RFC 6376 §3.6.2.1), and no selector in the workspace is a CNAME to it.`);
    }
  },
});

/** The domains that have a `<selector>._domainkey` name (a key or a CNAME to one) among `owners`. */
function keyDomains(owners: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (const o of owners) {
    const i = o.indexOf('._domainkey.');
    if (i > 0) out.add(o.slice(i + 12));
  }
  return out;
}

const isDmarcOwner = (owner: string) => owner === '_dmarc' || owner.startsWith('_dmarc.');

export function isDkimOwner(owner: string): boolean {
  const labels = owner.split('.');
  const i = labels.indexOf('_domainkey');
  return i >= 1;
}

const DNSSEC_TYPES = new Set(['RRSIG', 'NSEC', 'NSEC3', 'KEY', 'SIG', 'NXT']);

export const cnameAndOtherData = rule({
  id: 'zone/cname-and-other-data',
  kind: 'zone',
  severity: 'error',
  summary: 'A name has a CNAME and other records',
  fixable: false,
  docs: {
    what: 'Finds names that have a CNAME record and any other record (DNSSEC records excepted), for example a TXT policy beside a CNAME.',
    why: 'RFC 1034 §3.6.2 and RFC 2181 §10.1: a CNAME cannot coexist with other data; servers refuse the zone (BIND: "CNAME and other data") or serve only the CNAME, so the TXT policy is never seen.',
    bad: 'www IN CNAME @\nwww IN TXT "v=spf1 -all"',
    good: 'www IN A 192.0.2.1\nwww IN TXT "v=spf1 -all"',
    fix: 'Remove the CNAME or the other records; publish the TXT record at the CNAME target instead.',
  },
  check(model, ctx) {
    const cnames = model.cnames();
    if (cnames.size === 0) return;
    for (const r of model.records) {
      const owner = r.owner;
      const cname = owner === undefined ? undefined : cnames.get(owner);
      if (!cname) continue;
      {
        if (r === cname || DNSSEC_TYPES.has(r.type)) continue;
        ctx.reportAt(r, `\`${owner}\` has a CNAME, so this ${r.type} record beside it is invalid and is never served (RFC 1034 §3.6.2, RFC 2181 §10.1).`, {
          related: [{ uri: cname.uri, range: cname.range, message: 'the CNAME at this name' }],
          anchors: [cname],
        });
      }
    }
  },
});

export const includeHasNoSpf = rule({
  id: 'spf/include-has-no-spf',
  kind: 'spf',
  severity: 'error',
  summary: 'An `include` or `redirect` target in the workspace has no SPF record',
  fixable: false,
  docs: {
    what: 'Finds `include:` and `redirect=` targets that are defined in the workspace files (the name has records) but publish no SPF record.',
    why: 'RFC 7208 §5.2: an include whose target has no SPF record returns `permerror`; §6.1: so does a redirect. Every message then fails SPF, usually after someone renamed or removed the target record.',
    bad: '@ IN TXT "v=spf1 include:_spf.example.com -all"\n_spf IN TXT "spf1 ip4:192.0.2.0/24 -all"',
    good: '@ IN TXT "v=spf1 include:_spf.example.com -all"\n_spf IN TXT "v=spf1 ip4:192.0.2.0/24 -all"',
    fix: 'Publish a `v=spf1` record at the target, or point the include at the name that has it.',
  },
  check(model, ctx) {
    const localRecords = model.owners();
    // Many records include the same few targets: each target is looked up once.
    const verdicts = new Map<string, { missing: boolean; where?: { uri: string; record: ResourceRecord }; target?: string }>();
    const cnameAt = cnameIn(model);
    // Receivers follow a CNAME at the target: the SPF record is looked for at the end of the chain;
    // undefined for a chain that loops or runs too long (not this rule's to judge).
    const endOfChain = (name: string): string | undefined => cnameChainEnd(name, cnameAt)?.end;
    for (const s of model.sites) {
      for (const t of s.spf?.terms ?? []) {
        if ((t.name !== 'include' && t.name !== 'redirect') || t.invalid || !t.arg || t.arg.includes('%')) continue;
        const named = t.arg.toLowerCase().replace(/\.$/, '');
        let v = verdicts.get(named);
        if (!v) {
          const target = endOfChain(named);
          if (target === undefined) {
            verdicts.set(named, (v = { missing: false }));
            continue;
          }
          const elsewhere = model.workspace?.at(target) ?? [];
          const known = localRecords.has(target) || elsewhere.length > 0;
          const spf = known && [...model.sitesAt(target), ...elsewhere.map((e) => e.site).filter((x): x is AnalyzedSite => x !== undefined)].some((x) => x.site.type === 'TXT' && isSpfRecord(x.site.value));
          verdicts.set(named, (v = { missing: known && !spf, where: elsewhere[0], target }));
        }
        if (!v.missing) continue;
        const where = v.where;
        const via = v.target !== named ? ` (the end of the CNAME chain from \`${named}\`)` : '';
        ctx.report(s.site, t.argRange ?? t.range, `\`${v.target}\`${via} is defined in the workspace but has no SPF record, so this ${t.name} is a permerror (RFC 7208 ${t.name === 'include' ? '§5.2' : '§6.1'}).`, {
          related: where ? [{ uri: where.uri, range: where.record.range, message: `records at ${v.target}` }] : undefined,
        });
      }
    }
  },
});

export const conflictingDefinitions = rule({
  id: 'zone/conflicting-definitions',
  wholeRecord: true,
  kind: 'zone',
  severity: 'warning',
  summary: 'The same policy record is defined differently in two files',
  fixable: false,
  docs: {
    what: 'Finds an SPF, DMARC or DKIM record whose owner name also has a record of the same kind, with a different value, in another file of the workspace (a zone file and Terraform, two Terraform modules…).',
    why: 'Only one of them is what DNS serves, depending on which tool ran last; the other silently stops being true, and reviews of one file miss the other (RFC 7208 §4.5 and RFC 9989 §4.10 also make two records at one name an error when both get published).',
    bad: '@ IN TXT "v=spf1 include:_spf.example.net -all"',
    good: '@ IN TXT "v=spf1 include:_spf.example.net include:sendgrid.net -all"',
    fix: 'Keep the record in one place (the tool that owns the zone) and delete the other definition.',
    workspace: {
      file: 'dns.tf',
      text: 'resource "aws_route53_record" "spf" {\n  zone_id = aws_route53_zone.main.zone_id\n  name    = "example.com."\n  type    = "TXT"\n  records = ["v=spf1 include:_spf.example.net include:sendgrid.net -all"]\n}\n',
    },
  },
  check(model, ctx) {
    if (!model.workspace) return;
    for (const s of model.sites) {
      if (!s.kind || s.kind === 'senderid' || s.site.owner === undefined || !s.site.owner.includes('.')) continue;
      // Every file that defines it has this value (a record copied into several files): nothing to compare.
      if (!s.site.holes && model.workspace.agreesEverywhere?.(s.site.owner, s.kind, s.site.value)) continue;
      // A value with parts not known statically (records/holes) may be the same as this one.
      const other = model.workspace.at(s.site.owner).find((e) => e.site !== undefined && e.site.kind === s.kind && !e.site.site.holes && e.site.site.value !== s.site.value && e.uri !== s.site.uri);
      if (!other) continue;
      // A record beside a delegation of its own zone is never served: the child zone's is (zone/occluded-record says so).
      const zone = other.record.zone === undefined ? undefined : model.recordsAt(s.site.owner).find((r) => r.site === s.site)?.zone;
      if (model.workspace.occluded?.(other.uri, s.site.owner, other.record.zone) || occludedHere(model, s.site.owner, zone)) continue;
      ctx.report(s.site, 'owner', `\`${s.site.owner}\` has a different ${KIND_NAMES[s.kind]} record in ${other.uri}; only one of the two is what DNS serves.`, {
        related: [{ uri: other.uri, range: other.record.range, message: `the other ${KIND_NAMES[s.kind]} record for ${s.site.owner}` }],
        anchors: [other.record],
      });
    }
  },
});

/** The sites at a name in this model and in the rest of the workspace. */
function sitesNamed(model: DnsModel, name: string): AnalyzedSite[] {
  const out = [...model.sitesAt(name)];
  for (const e of model.workspace?.at(name) ?? []) if (e.site) out.push(e.site);
  return out;
}

type ReportAddress = { site: AnalyzedSite; domain: string; tag: 'rua' | 'ruf'; range: OffsetRange; address: string; host: string };
const reportAddressCache = new WeakMap<DnsModel, ReportAddress[]>();

/** Every `mailto:` address in the `rua` and `ruf` tags of the DMARC policies of a model, with its host (once per model: two rules read them). */
function reportAddresses(model: DnsModel): ReportAddress[] {
  let out = reportAddressCache.get(model);
  if (out) return out;
  out = [];
  for (const s of model.sites) {
    if (!s.dmarc) continue;
    const owner = s.site.owner;
    if (!owner?.startsWith('_dmarc.')) continue;
    for (const tagName of ['rua', 'ruf'] as const) {
      const tag = s.dmarc.byName.get(tagName);
      if (!tag) continue;
      for (const u of parseReportUris(tag)) {
        const address = u.address;
        const at = address?.lastIndexOf('@') ?? -1;
        if (u.scheme !== 'mailto' || at < 0) continue;
        const host = address!.slice(at + 1).toLowerCase().replace(/\.$/, '');
        if (host.includes('.')) out.push({ site: s, domain: owner.slice('_dmarc.'.length), tag: tagName, range: u.range, address: address!, host });
      }
    }
  }
  reportAddressCache.set(model, out);
  return out;
}

/** Two names of one registrable domain are apart only because it publishes no DMARC record (no psd tag decided either walk). */
function unpublished(a: Walk<Entry>, b: Walk<Entry>): boolean {
  const settled = (w: Walk<Entry>) => w.by === 'psd=n' || w.by === 'psd=y';
  return !settled(a) && !settled(b) && !a.found.some((f) => f.name === orgDomain(f.name)) && !b.found.some((f) => f.name === orgDomain(f.name));
}

export const externalReportsNotAuthorized = rule({
  id: 'dmarc/external-reports-not-authorized',
  kind: 'dmarc',
  severity: 'warning',
  summary: 'Reports go to another domain that does not authorise them',
  fixable: true,
  docs: {
    what: 'Finds `rua` and `ruf` addresses on another Organizational Domain than the policy\'s, when that domain is defined in the workspace but has no `<domain>._report._dmarc.<destination>` TXT record starting with `v=DMARC1` (nor a `*._report._dmarc` one). Another Organizational Domain by the public suffix list (as RFC 7489 receivers see it) or by the RFC 9989 §4.10.2 tree walk over the workspace: a subdomain with `psd=n`, or subdomains whose registrable domain publishes no DMARC record, are organizations of their own there. A destination the workspace does not hold (a report service\'s domain) is asked of DNS, as receivers ask it, when DNS is on (the editor, or `check` without `--offline`): a name that does not exist, or TXT records none of which starts `v=DMARC1`, is reported with where the answer came from; a query that times out says nothing.',
    why: 'RFC 7489 §7.1, kept by RFC 9990: before sending reports to a destination on another domain, receivers look up that authorisation, and without it they send nothing there. A company that collects the reports of all its domains at one of them must publish one such record per domain, and it is the one most often forgotten when a domain is added.',
    bad: '_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@example.net"',
    good: '_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@example.net"',
    workspace: { file: 'example.net.zone', text: '$ORIGIN example.net.\n@ IN MX 10 mail.example.net.\n' },
    goodWorkspace: { file: 'example.net.zone', text: '$ORIGIN example.net.\n@ IN MX 10 mail.example.net.\nexample.com._report._dmarc IN TXT "v=DMARC1"\n' },
    fix: 'Publish `<domain>._report._dmarc.<destination> TXT "v=DMARC1"` in the destination\'s zone (the quick fix adds it there), or send the reports to an address on the domain itself.',
  },
  check(model, ctx) {
    for (const { site, domain, tag, range, address, host } of reportAddresses(model)) {
      // A zone named by an expression may be the destination's own organization.
      if (site.site.relative) continue;
      // Another Organizational Domain by the public suffix list (RFC 7489 receivers) or by the tree walk (RFC 9989 receivers).
      const apart = destinationApart(domain, host, (n) => modelWalk(model)(n));
      if (!apart) continue;
      // Only a destination the workspace defines: elsewhere, whether it authorises is in DNS, not in these files.
      if (!model.owners().has(host) && (model.workspace?.at(host).length ?? 0) === 0) continue;
      if (reportsAuthorised(domain, host, (n) => sitesNamed(model, n).map((a) => a.site.value))) continue;
      const authName = authorizationName(domain, host);
      // Apart only because the registrable domain publishes no record: publishing one joins them.
      const joinable = apart.by === 'walk' && unpublished(apart.ofDomain, apart.ofHost);
      ctx.report(
        site.site,
        range,
        apart.by === 'list'
          ? `Reports for ${domain} go to ${address}, on another domain that does not authorise them: receivers look for a TXT record starting \`v=DMARC1\` at ${authName} and, without it, send no ${tag === 'rua' ? 'aggregate' : 'failure'} reports there (RFC 9990 §3). Publish it in the zone of ${host}.`
          : `Reports for ${domain} go to ${address}, which receivers that follow RFC 9989 count as another organization: by the DMARC records on the way up, the Organizational Domain of ${domain} is ${apart.ofDomain.org} and that of ${host} is ${apart.ofHost.org} (RFC 9989 §4.10.2)${joinable ? `, since ${orgDomain(domain)} publishes no DMARC record` : ''}. They look for a TXT record starting \`v=DMARC1\` at ${authName} and, without it, send no ${tag === 'rua' ? 'aggregate' : 'failure'} reports there. Publish it in the zone of ${host}${joinable ? `, or a DMARC record at _dmarc.${orgDomain(domain)}, which makes it the Organizational Domain of both` : ''}.`,
        // Where the apex publishing a record would join the two: that fix too (it protects the apex as well).
        { docFixes: () => [...reportAuthorizationFix(model, domain, host), ...(joinable ? organizationRecordFix(model, orgDomain(domain)) : [])] },
      );
    }
  },
});

export const ignoredSubdomainPolicy = rule({
  id: 'dmarc/ignored-subdomain-policy',
  wholeRecord: true,
  kind: 'dmarc',
  severity: 'warning',
  summary: '`sp` or `np` on a record below the Organizational Domain never applies',
  fixable: true,
  // "sp=none leaves the subdomains unprotected, set sp=quarantine": not where sp applies to nothing.
  supersedes: ['dmarc/weak-subdomain-policy'],
  docs: {
    what: 'Finds `sp` and `np` tags in the DMARC record of a name that is not its own Organizational Domain, by the RFC 9989 §4.10.2 tree walk over the workspace: `_dmarc.news.example.com` with `sp=reject` while `_dmarc.example.com` is published too and `news.example.com` has no `psd=n`. Records whose Organizational Domain\'s record is not in the workspace are left alone.',
    why: 'RFC 9989 §4.10.1: a message from `a.news.example.com` gets the record of its own name, else that of its Organizational Domain (`example.com`), else that of its Public Suffix Domain. A record in between is never consulted for it, so its `sp` and `np` have no effect: the subdomains of `news.example.com` get `example.com`\'s subdomain policy. RFC 7489 receivers read the Organizational Domain from the public suffix list and do the same. A team that meant to lock down the subdomains of its branch has not.',
    bad: '_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@example.com"\n_dmarc.news IN TXT "v=DMARC1; p=reject; sp=reject; rua=mailto:dmarc@example.com"',
    good: '_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@example.com"\n_dmarc.news IN TXT "v=DMARC1; p=reject; sp=reject; psd=n; rua=mailto:dmarc@example.com"',
    fix: 'Add `psd=n` to make the name its own Organizational Domain (RFC 9989 receivers then take `sp`/`np` from it; note that mail from its subdomains then aligns only with identifiers under it, not with the parent), or publish a `_dmarc` record at each subdomain that sends, or set the subdomain policy in the Organizational Domain\'s record. The quick fixes add `psd=n`, or remove the tag (which changes nothing receivers do).',
  },
  check(model, ctx) {
    let walk: ReturnType<typeof modelWalk> | undefined;
    for (const s of model.sites) {
      if (!s.dmarc || s.site.relative) continue;
      const owner = s.site.owner;
      if (!owner?.startsWith('_dmarc.')) continue;
      const tags = (['sp', 'np'] as const).map((t) => s.dmarc!.byName.get(t)).filter((t) => t !== undefined);
      if (tags.length === 0) continue;
      const domain = owner.slice('_dmarc.'.length);
      walk ??= modelWalk(model);
      const w = walk(domain);
      // Out of sight, the registrable domain is only assumed to publish: not enough to say a tag is dead.
      if (w.org === domain || w.by === 'public-suffix-list') continue;
      const applies = organizationRecord(w);
      const whose = applies ? `_dmarc.${applies.name}` : `the records above it`;
      const how = w.by === 'psd=y' ? `${w.org}, one label below the public suffix domain ${w.found[w.found.length - 1].name} (psd=y)` : w.by === 'psd=n' ? `${w.org} (psd=n there)` : `${w.org}, the name with the fewest labels that publishes a DMARC record`;
      const psdN = appendTag(s.dmarc, 'psd=n', `Add \`psd=n\`: ${domain} becomes its own Organizational Domain (its subdomains then align only with names under it)`);
      for (const t of tags)
        ctx.report(
          s.site,
          t.range,
          `\`${t.name}=${t.value.trim()}\` never applies: receivers take the policy for names under ${domain} from ${whose}, the record of their Organizational Domain ${how}, not from this one (RFC 9989 §4.10.1). Add \`psd=n\` to make ${domain} its own Organizational Domain, or publish records at the subdomains that send.`,
          {
            related: applies ? [{ uri: applies.item.record.uri, range: applies.item.record.range, message: `the record that applies to names under ${domain}` }] : undefined,
            anchors: applies ? [applies.item.record] : undefined,
            // Removing the tag changes nothing receivers do; psd=n changes what they do, as the author probably meant.
            fixes: [{ ...removeTag(s.dmarc.value, t), title: `Remove \`${t.name}=${t.value.trim()}\` (it applies to nothing)` }, ...(s.dmarc.byName.has('psd') ? [] : [psdN])],
          },
        );
    }
  },
});

/** The types that say where a name's mail goes, or whose zone it is. */
const MAIL_TYPES = new Set(['MX', 'A', 'AAAA', 'CNAME', 'SOA', 'NS', 'DNAME']);

/** A record that gives a name somewhere to deliver mail: an MX, an address (RFC 5321 §5.1), or a CNAME to follow. */
const takesMail = (r: ResourceRecord) => r.type === 'MX' || r.type === 'A' || r.type === 'AAAA' || r.type === 'CNAME';


export const reportAddressNoMail = rule({
  id: 'dmarc/report-address-no-mail',
  kind: 'dmarc',
  severity: 'warning',
  summary: 'A `rua`/`ruf` address is on a domain that receives no mail',
  fixable: false,
  docs: {
    what: 'Finds `rua` and `ruf` addresses on a domain the workspace publishes as receiving no mail: one with a null MX (`MX 0 .`, RFC 7505), or, in a zone file held whole (its SOA is there), one with no MX and no A or AAAA record.',
    why: 'Reports are sent by e-mail (RFC 9990). A domain with a null MX refuses all mail, and one with neither an MX nor an address has no server to take it (RFC 5321 §5.1): every report bounces and none arrives, so the rollout to quarantine and reject is planned blind. It happens when reports are sent to a parked or no-mail domain.',
    bad: '_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@example.com"\n@ IN MX 0 .',
    good: '_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@example.com"\n@ IN MX 10 mail.example.com.\nmail IN A 192.0.2.25',
    fix: 'Send the reports to an address on a domain that receives mail, or publish the MX of the server that takes them.',
  },
  check(model, ctx) {
    const wanted = reportAddresses(model);
    if (wanted.length === 0) return;
    const at = hostRecords(model, wanted.map((w) => w.host), MAIL_TYPES);
    // Many policies send to a few hosts: each host is judged once.
    const verdicts = new Map<string, { nullMx: true } | { zone: string } | undefined>();
    const verdict = (host: string) => {
      if (verdicts.has(host)) return verdicts.get(host);
      const recs = at(host);
      let v: { nullMx: true } | { zone: string } | undefined;
      if (recs.some(isNullMx)) v = { nullMx: true };
      else if (!recs.some(takesMail)) {
        // Only a wildcard that takes mail answers for the host here.
        const zone = wholeZone(host, at, (r) => r, takesMail);
        if (zone) v = { zone: zone.apex };
      }
      verdicts.set(host, v);
      return v;
    };
    for (const w of wanted) {
      const v = verdict(w.host);
      if (!v) continue;
      const reports = w.tag === 'rua' ? 'aggregate reports' : 'failure reports';
      if ('nullMx' in v) ctx.report(w.site.site, w.range, `${w.host} publishes a null MX (\`MX 0 .\`, RFC 7505): it refuses all mail, so the ${reports} sent to ${w.address} bounce and none arrives.`);
      else ctx.report(w.site.site, w.range, `${w.host} has no MX and no A or AAAA record in the zone ${v.zone}, so no server takes mail for it (RFC 5321 §5.1): the ${reports} sent to ${w.address} bounce and none arrives.`);
    }
  },
});

export const modelRules: ModelRule[] = [
  lookalikeCharacter,
  externalReportsNotAuthorized,
  ignoredSubdomainPolicy,
  reportAddressNoMail,
  includeDoesNotAlign,
  conflictingDefinitions,
  includeHasNoSpf,
  spfMultipleRecords,
  spfRrType,
  senderId,
  dkimObsoletePolicy,
  dmarcWrongOwner,
  dmarcMultipleRecords,
  dmarcMissingRecord,
  bimiWithoutEnforcement,
  bimiWrongOwner,
  bimiMultipleRecords,
  ...smtpTlsModelRules,
  dkimWrongOwner,
  cnameAndOtherData,
  rrsetTtlMismatch,
  occludedRecord,
  duplicateRecordSet,
  ...nullMxRules,
  ...hostRules,
  dkimCnameTargetNoKey,
  dkimEd25519Only,
];

const NO_SITES: readonly AnalyzedSite[] = [];
const NO_RECORDS: readonly ResourceRecord[] = [];

/** The DNS model the cross-record rules read, with indexes every rule shares, each built on first use. */
export function buildModel(records: ResourceRecord[], sites: AnalyzedSite[], workspace?: WorkspaceView, texts?: ReadonlyMap<string, string>): DnsModel {
  // The values a conditional may choose are checked each on its own, not as records of the zone (RecordSite.alternative).
  if (sites.some((s) => s.site.alternative)) sites = sites.filter((s) => !s.site.alternative);
  let owners: Set<string> | undefined;
  let scattered: Set<string> | undefined;
  let byOwner: Map<string, AnalyzedSite[]> | undefined;
  let records_: Map<RecordSite, ResourceRecord> | undefined;
  let recordsByOwner: Map<string, ResourceRecord[]> | undefined;
  let cnames: Map<string, ResourceRecord> | undefined;
  return {
    records,
    sites,
    workspace,
    owners() {
      if (!owners) {
        owners = new Set();
        scattered = new Set();
        // A zone lists the records of one name together: a name repeated from the record before is not hashed again.
        let last: string | undefined;
        let lastUri: string | undefined;
        for (const r of records) {
          if (r.owner !== last) {
            last = r.owner;
            if (last !== undefined) {
              const n = owners.size;
              // Seen before, with other names between.
              if (owners.add(last).size === n) scattered.add(last);
            }
          } else if (r.uri !== lastUri && last !== undefined) scattered.add(last); // on both sides of an `$INCLUDE` boundary
          lastUri = r.uri;
        }
      }
      return owners;
    },
    scattered() {
      this.owners();
      return scattered!;
    },
    text: (uri) => texts?.get(uri),
    sitesAt(owner) {
      byOwner ??= groupBy(sites, (s) => s.site.owner);
      return byOwner.get(owner) ?? NO_SITES;
    },
    recordsAt(owner) {
      recordsByOwner ??= groupBy(records, (r) => r.owner);
      return recordsByOwner.get(owner) ?? NO_RECORDS;
    },
    recordOf(site) {
      if (!records_) {
        records_ = new Map();
        for (const r of records) if (r.site) records_.set(r.site, r);
      }
      return records_.get(site);
    },
    cnames() {
      if (!cnames) {
        cnames = new Map();
        // A flattened CNAME (Cloudflare's apex, a proxied record) is served as addresses, not as a CNAME.
        for (const r of records) if (r.type === 'CNAME' && r.owner !== undefined && !r.flattened && !cnames.has(r.owner)) cnames.set(r.owner, r);
      }
      return cnames;
    },
  };
}
