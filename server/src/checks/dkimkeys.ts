/**
 * The DKIM keys of a domain taken together: a domain that publishes only Ed25519 keys (RFC 8463).
 */
import { parseDkim } from '../records/dkim';
import { isDynamic } from '../records/dynamic';
import type { AnalyzedSite, ModelRule } from './rule';
import type { ResourceRecord } from '../types';
import { EXAMPLE_KEYS } from './dkim';

const MARK = '._domainkey.';

/** What a record under `_domainkey.<domain>` says of the keys a verifier can use: 'rsa', 'ed25519', or unknown. */
function keyKind(r: ResourceRecord, site: AnalyzedSite | undefined): 'rsa' | 'ed25519' | 'none' | 'unknown' {
  // A selector delegated to a platform, or a value not known statically: its key could be RSA.
  if (r.type === 'CNAME' || isDynamic(r)) return 'unknown';
  if (r.type !== 'TXT') return 'none';
  const key = site?.dkim?.key ?? parseDkim(r.site?.value ?? r.rdata.join('')).key;
  if (!key || key.base64 === '' || key.error) return 'none';
  return key.type ?? 'none';
}

export const dkimEd25519Only: ModelRule = {
  id: 'dkim/ed25519-only',
  kind: 'dkim',
  scope: 'model',
  severity: 'information',
  summary: 'A domain publishes Ed25519 DKIM keys and no RSA key',
  fixable: false,
  docs: {
    what: 'Finds a domain whose DKIM selectors (`<selector>._domainkey.<domain>`, in this file and the rest of the workspace) hold Ed25519 keys (RFC 8463) and no RSA key. A selector that is a CNAME (a platform\'s key) or whose value is not known statically could be RSA, so a domain with one is left alone.',
    why: 'RFC 6376 §3.3: signers SHOULD sign with rsa-sha256, the algorithm every verifier implements. A verifier that has not added RFC 8463 cannot check an Ed25519 signature, and a signature it cannot check counts as none (RFC 6376 §6.1): mail signed only with Ed25519 then has no DKIM pass for DMARC there, and depends on SPF alone, which forwarding breaks.',
    bad: `ed._domainkey IN TXT "v=DKIM1; k=ed25519; p=${EXAMPLE_KEYS.ED25519}"`,
    good: `ed._domainkey IN TXT "v=DKIM1; k=ed25519; p=${EXAMPLE_KEYS.ED25519}"\nrsa._domainkey IN TXT "v=DKIM1; k=rsa; p=" "${EXAMPLE_KEYS.KEY.slice(0, 200)}" "${EXAMPLE_KEYS.KEY.slice(200)}"`,
    fix: 'Publish an RSA key of 2048 bits at a second selector and sign each message with both keys (OpenDKIM, rspamd, Stalwart and others can); verifiers use the signature they can check.',
  },
  check(model, ctx) {
    // The Ed25519 keys of each domain, in this file.
    let byDomain: Map<string, AnalyzedSite[]> | undefined;
    for (const s of model.sites) {
      const owner = s.site.owner;
      if (s.kind !== 'dkim' || s.dkim?.key?.type !== 'ed25519' || s.dkim.key.error || s.site.holes || !owner) continue;
      const at = owner.indexOf(MARK);
      if (at <= 0) continue;
      const domain = owner.slice(at + MARK.length);
      byDomain ??= new Map();
      const list = byDomain.get(domain);
      if (list) list.push(s);
      else byDomain.set(domain, [s]);
    }
    if (!byDomain) return;
    // Every record under `_domainkey.<domain>` of this file, found in one pass.
    const here = new Map<string, ResourceRecord[]>();
    for (const r of model.records) {
      const at = r.owner?.indexOf(MARK) ?? -1;
      if (at <= 0) continue;
      const domain = r.owner!.slice(at + MARK.length);
      if (!byDomain.has(domain)) continue;
      const list = here.get(domain);
      if (list) list.push(r);
      else here.set(domain, [r]);
    }
    for (const [domain, keys] of byDomain) {
      const records = [...(here.get(domain) ?? []), ...(model.workspace?.under?.(`_domainkey.${domain}`).map((e) => e.record) ?? [])];
      const kinds = new Set(records.map((r) => keyKind(r, r.site ? model.sitesAt(r.owner ?? '').find((s) => s.site === r.site) : undefined)));
      if (kinds.has('rsa') || kinds.has('unknown')) continue;
      const names = [...new Set(keys.map((k) => `\`${k.site.owner}\``))];
      ctx.report(keys[0].site, 'owner', `${domain} publishes DKIM keys of type Ed25519 only (${names.join(', ')}) and no RSA key: a verifier that has not added RFC 8463 cannot check an Ed25519 signature and counts it as none (RFC 6376 §6.1), so at such a receiver mail signed only with Ed25519 has no DKIM pass for DMARC. Publish an RSA key (2048 bits) at another selector and sign with both (RFC 6376 §3.3: signers SHOULD sign with rsa-sha256).`);
    }
  },
};
