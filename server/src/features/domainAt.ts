/**
 * The domain the record under the cursor is about, for the editor's "Show DMARC Policy" and "Show
 * DKIM Keys" pages: `_dmarc.example.com` and `s1._domainkey.example.com` are about example.com, an SPF
 * or MX record about its own name. Any format whose reader says where records are written (zone files,
 * infrastructure as code): no text is scanned here.
 */
import type { OffsetRange, ResourceRecord } from '../types';

/** The domain a record's name is about: below `_dmarc` or `_domainkey`, else the name without its leading `_service` and `*` labels. */
export function domainOfOwner(owner: string): string | undefined {
  const labels = owner.toLowerCase().replace(/\.$/, '').split('.');
  const policy = Math.max(labels.lastIndexOf('_dmarc'), labels.lastIndexOf('_domainkey'));
  let rest = policy >= 0 ? labels.slice(policy + 1) : labels;
  while (rest.length > 1 && (rest[0].startsWith('_') || rest[0] === '*')) rest = rest.slice(1);
  const domain = rest.join('.');
  // A name the reader could not know whole (a stand-in for a zone named by an expression) is no domain to ask about.
  return domain.includes('.') && !domain.endsWith('.invalid') && /^[a-z0-9_.-]+$/.test(domain) ? domain : undefined;
}

/**
 * The record of `uri` written at `offset` (the narrowest of its range, its name's, its value's), with
 * the domain it is about and its name, or undefined.
 */
export function domainAt(records: readonly ResourceRecord[], uri: string, offset: number): { domain: string; owner: string } | undefined {
  let best: { r: ResourceRecord; span: number } | undefined;
  const within = (x: OffsetRange | undefined) => x !== undefined && x.start <= offset && offset <= x.end;
  for (const r of records) {
    if (r.uri !== uri || r.superseded || r.owner === undefined || r.relative) continue;
    for (const x of [r.range, r.ownerRange, r.site?.range, r.site?.ownerRange]) {
      if (!within(x)) continue;
      const span = x!.end - x!.start;
      if (!best || span < best.span) best = { r, span };
    }
  }
  if (!best) return undefined;
  const domain = domainOfOwner(best.r.owner!);
  return domain ? { domain, owner: best.r.owner! } : undefined;
}
