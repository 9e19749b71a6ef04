/**
 * DKIM selectors delegated by CNAME to a name the workspace answers for, where no key is published:
 * verifiers follow the CNAME and find nothing, so every signature with the selector fails.
 */
import { cnameChainEnd } from '../records/cname';
import { isDynamic, wholeZone } from '../records/dynamic';
import type { ResourceRecord } from '../types';
import { hostRecords } from './hosts';
import { cnameIn } from './reached';
import type { DnsModel, ModelRule } from './rule';

const READ = new Set(['TXT', 'CNAME', 'A', 'AAAA', 'MX', 'SOA', 'NS', 'DNAME']);
/** A TXT value a verifier would take for a key record (RFC 6376 §3.6.1: `v=DKIM1` or a `p=` tag). */
const looksLikeKey = (r: ResourceRecord) => {
  const v = r.site?.value ?? r.rdata.join('');
  return /^\s*v\s*=\s*DKIM1/i.test(v) || /(^|;)\s*p\s*=/.test(v);
};

/** The selectors of a model that are CNAMEs, with where each chain ends. */
function selectorChains(model: DnsModel) {
  const out: { record: ResourceRecord; owner: string; chain: ReturnType<typeof cnameChainEnd> }[] = [];
  // The CNAME at a name, in this file or the workspace (the chain may cross files; one the provider flattens is not followed).
  const cnameAt = cnameIn(model);
  for (const [owner, record] of model.cnames()) if (owner.includes('._domainkey.') && !isDynamic(record)) out.push({ record, owner, chain: cnameChainEnd(owner, cnameAt) });
  return out;
}

export const dkimCnameTargetNoKey: ModelRule = {
  id: 'dkim/cname-target-no-key',
  kind: 'dkim',
  scope: 'model',
  severity: 'warning',
  summary: 'A DKIM selector is a CNAME to a name that publishes no key',
  fixable: false,
  docs: {
    what: 'Finds CNAME records at `<selector>._domainkey.<domain>` whose target (after any further CNAMEs) is defined in the workspace, or lies in a zone it holds whole, and has no TXT key record. Targets outside the workspace (a platform\'s DKIM host) are left alone: only DNS can tell.',
    why: 'RFC 6376 §3.6.2.2: verifiers query the selector\'s name, follow the CNAME as resolvers do (RFC 1034 §3.6.2), and with no key record at the end the signature fails (`PERMFAIL: no key for signature`). Rotating keys by pointing selectors at names of your own is common; a target renamed or not yet published breaks every message signed with that selector.',
    bad: '@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\ns1._domainkey IN CNAME s1-2026.keys\ns1-2025.keys IN TXT "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="',
    good: '@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\ns1._domainkey IN CNAME s1-2026.keys\ns1-2026.keys IN TXT "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="',
    fix: 'Publish the key at the CNAME\'s target, or point the CNAME at the name that holds it.',
  },
  check(model, ctx) {
    const chains = selectorChains(model);
    if (chains.length === 0) return;
    const at = hostRecords(model, chains.flatMap((c) => (c.chain ? [c.chain.end] : [])), READ);
    for (const { record, owner, chain } of chains) {
      // A loop or a chain too long: resolvers give up (nothing to say of a key here).
      if (!chain) continue;
      const recs = at(chain.end);
      if (recs.some((r) => r.type === 'TXT' && (looksLikeKey(r) || isDynamic(r)))) continue;
      let why: string;
      if (recs.length) why = `\`${chain.end}\` has no TXT key record`;
      else {
        // Only in a zone the workspace holds whole is "no record" an answer (a wildcard with TXT would answer).
        const zone = wholeZone(chain.end, at, (r) => r, (r) => r.type === 'TXT' || r.type === 'CNAME');
        if (!zone) continue;
        why = `\`${chain.end}\` does not exist in the zone ${zone.apex}`;
      }
      ctx.reportAt(record, `The DKIM selector \`${owner}\` is a CNAME to ${chain.links > 1 ? `a chain that ends at \`${chain.end}\`` : `\`${chain.end}\``}, and ${why}: verifiers find no key and every signature with this selector fails (RFC 6376 §3.6.2.2). Publish the key there, or point the CNAME at the name that holds it.`, { target: true });
    }
  },
};
