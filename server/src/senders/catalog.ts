/**
 * The provider catalog (data in catalog.json, shape in schemas/provider-catalog.schema.json): what each
 * sending platform publishes and how its mail shows up in reports. Users extend or override rows by id
 * through `.dmarc-lens.json` `providers` or the `dmarcLens.senders.providers` setting.
 */
import catalog from './catalog.json';
import { getDomain, getPublicSuffix } from 'tldts';
import { editDistance } from '../util/text';

/** A record a platform asks for, relative to the sending domain; `<x>` is an account token, `{dom-dashed}` is computed. */
export interface CatalogRecord {
  name: string;
  type: 'CNAME' | 'TXT' | 'MX' | 'NS';
  value: string;
}

export type Confidence = 'confirmed-official' | 'confirmed-template' | 'secondary-only' | 'unknown';

export interface Provider {
  id: string;
  name: string;
  category?: 'mailbox' | 'marketing' | 'transactional' | 'crm' | 'helpdesk' | 'other';
  spfIncludes?: string[];
  spfIncludeSuffixes?: string[];
  /** DNS lookups the include usually costs (RFC 7208 §4.6.4), null when no source says. */
  spfLookups?: number | null;
  /** Where the platform's SPF belongs: at the From domain, on its Return-Path host, or nowhere (not needed). */
  spfWhere?: 'from' | 'return-path' | 'none';
  spfNote?: string;
  /**
   * provider: the platform sends with its own Return-Path (SPF cannot align); custom: its own by
   * default, a customer Return-Path can be set up; customer: the envelope is the customer domain.
   */
  returnPath?: 'provider' | 'custom' | 'customer' | 'unknown';
  returnPathNote?: string;
  returnPathRecords?: CatalogRecord[];
  /** CNAME targets of a delegated Return-Path host end in one of these. */
  returnPathTargetSuffixes?: string[];
  /** MX hosts of a custom MAIL FROM end in one of these. */
  returnPathMxSuffixes?: string[];
  dkimSelectors?: string[];
  dkimSelectorPrefixes?: string[];
  dkimSelectorSuffixes?: string[];
  /** DKIM CNAME targets of this platform end in one of these. */
  dkimCnameSuffixes?: string[];
  dkimRecords?: CatalogRecord[];
  /** What to publish so the platform signs with the customer's domain. */
  dkimSetup?: string;
  /** The published key is the same for every customer (proves nothing about the account). */
  dkimSharedKey?: boolean;
  /** Domains seen in reports when the customer has not set up DKIM / Return-Path: d=, envelope, reverse DNS. */
  dkimDomains?: string[];
  envelopeDomains?: string[];
  rdnsDomains?: string[];
  docs?: string;
  confidence: Confidence | string;
  confidenceNote?: string;
  sources?: string[];
  checked?: string;
}

const bundled: readonly Provider[] = catalog.providers as Provider[];
let active: readonly Provider[] = bundled;

/** The catalog in use: the bundled rows, with user rows replacing those of the same id or added. */
export let providers: readonly Provider[] = active;

let settingRows: readonly Provider[] = [];

/** Rows from the editor setting `dmarcLens.senders.providers` (under those of `.dmarc-lens.json`). */
export function setSettingProviders(rows: readonly Provider[]): void {
  settingRows = rows;
  useProviders([]);
}

/**
 * Installs user rows (from `.dmarc-lens.json` `providers`, over the editor setting's): a row replaces
 * the fields it names of the bundled row with the same id, or adds a platform.
 */
export function useProviders(extra: readonly Provider[]): void {
  if (extra.length === 0 && settingRows.length === 0) active = bundled;
  else {
    const byId = new Map(bundled.map((p) => [p.id, p]));
    for (const p of [...settingRows, ...extra]) byId.set(p.id, { ...byId.get(p.id), ...p });
    active = [...byId.values()];
  }
  providers = active;
}

export function providerById(id: string): Provider | undefined {
  return active.find((p) => p.id === id);
}

/** A domain name compared as DNS does: lower case, no trailing dot. */
export const bare = (d: string) => d.toLowerCase().replace(/\.$/, '');

export function providerForInclude(domain: string): Provider | undefined {
  const d = bare(domain);
  return active.find((p) => p.spfIncludes?.includes(d) || p.spfIncludeSuffixes?.some((s) => d.endsWith(s)));
}

/**
 * Names some guides print for a platform's include that the platform does not publish, with the one it
 * does (providers-confirmed.md, "conflicts resolved" 4 and 9).
 */
const MISPRINTED_INCLUDES: Record<string, string> = {
  '_spf.mandrillapp.com': 'spf.mandrillapp.com',
  'custo-spf.exacttarget.com': 'cust-spf.exacttarget.com',
};

export interface IncludeTypo {
  /** The platform's include the name is meant to be. */
  include: string;
  provider: Provider;
  /** A name guides print by mistake, not one a typo makes. */
  misprint: boolean;
}

/**
 * The platform include an SPF include or redirect target looks like a typo of: the same labels below
 * the registrable domain and the same public suffix, and a registrable label one edit away (two for
 * a label of 8 or more characters) from the platform's (`_spf.gooogle.com`, `sendgird.net`), or a
 * name guides misprint. Undefined for a platform's own include, for names of the same registrable
 * domain as one (regions, accounts), for a label that differs only in its digits, and for anything
 * further away.
 */
export function includeTypo(domain: string): IncludeTypo | undefined {
  const d = bare(domain);
  // Per catalog in use: its includes split once, and each name's answer once (a zone repeats its includes).
  if (typos?.of !== active) {
    const targets: TypoTarget[] = [];
    for (const provider of active)
      for (const include of provider.spfIncludes ?? []) {
        const parts = nameParts(include);
        if (parts) targets.push({ include, provider, parts });
      }
    typos = { of: active, targets, answers: new Map() };
  }
  const known = typos.answers.get(d);
  if (known !== undefined) return known ?? undefined;
  const answer = typoOf(d, typos.targets) ?? null;
  if (typos.answers.size < 10000) typos.answers.set(d, answer);
  return answer ?? undefined;
}

type NameParts = { suffix: string; label: string; sub: string; reg: string };
/** A name's public suffix, the label before it, what is below that, and the registrable domain. */
function nameParts(name: string): NameParts | undefined {
  const suffix = getPublicSuffix(name) ?? '';
  const reg = getDomain(name) ?? '';
  if (!suffix || !reg || reg.length <= suffix.length) return undefined;
  return { suffix, label: reg.slice(0, -suffix.length - 1), sub: name.slice(0, Math.max(0, name.length - reg.length - 1)), reg };
}
type TypoTarget = { include: string; provider: Provider; parts: NameParts };
let typos: { of: readonly Provider[]; targets: TypoTarget[]; answers: Map<string, IncludeTypo | null> } | undefined;

function typoOf(d: string, targets: readonly TypoTarget[]): IncludeTypo | undefined {
  if (providerForInclude(d)) return undefined;
  const fixed = MISPRINTED_INCLUDES[d];
  if (fixed) {
    const provider = providerForInclude(fixed);
    return provider && { include: fixed, provider, misprint: true };
  }
  const mine = nameParts(d);
  if (!mine) return undefined;
  let best: { include: string; provider: Provider; distance: number } | undefined;
  for (const { include, provider, parts: theirs } of targets) {
    if (theirs.reg === mine.reg || theirs.suffix !== mine.suffix || theirs.sub !== mine.sub) continue;
    // Numbered families (`emsd1`, `emsd2`) are other names of the same kind, not typos.
    if (mine.label.replace(/\d/g, '') === theirs.label.replace(/\d/g, '')) continue;
    const distance = editDistance(mine.label, theirs.label);
    const near = distance === 1 ? theirs.label.length >= 5 : distance === 2 && theirs.label.length >= 8;
    if (near && (!best || distance < best.distance)) best = { include, provider, distance };
  }
  return best && { include: best.include, provider: best.provider, misprint: false };
}

/**
 * Selector names that self-hosted signers and other tools use as often as the platform that lists
 * them (`s1`, `selector1`, `k1`…): alone, they do not say who signs. A CNAME target does.
 */
const GENERIC_SELECTORS = new Set(['s1', 's2', 'm1', 'k1', 'k2', 'k3', 'selector1', 'selector2', 'kl', 'kl2', 'fs2', 'fs3', 'default', 'dkim', 'mail', 'key1', 'key2']);

/**
 * The platform a DKIM selector name points to. A generic name (`s1`, `selector1`) only when asked
 * with `generic` (a sender profile that names the platform already).
 */
export function providerForSelector(selector: string, options: { generic?: boolean } = {}): Provider | undefined {
  const s = selector.toLowerCase();
  if (!options.generic && GENERIC_SELECTORS.has(s)) return undefined;
  return active.find(
    (p) => p.dkimSelectors?.includes(s) || p.dkimSelectorPrefixes?.some((x) => s.startsWith(x)) || p.dkimSelectorSuffixes?.some((x) => s.endsWith(x)),
  );
}

/** The platform a DKIM CNAME target belongs to. */
export function providerForDkimTarget(target: string): Provider | undefined {
  const t = bare(target);
  return active.find((p) => p.dkimCnameSuffixes?.some((s) => t.endsWith(s)));
}

/** Whether a domain seen in a report (d=, envelope or reverse DNS) is one of the platform's own. */
export function ownsDomain(p: Provider, domain: string): boolean {
  const d = bare(domain);
  const under = (x: string) => d === x || d.endsWith(`.${x}`);
  return [...(p.dkimDomains ?? []), ...(p.envelopeDomains ?? []), ...(p.rdnsDomains ?? [])].some(under);
}

/**
 * `example.com` → `example-com`. Platforms differ on hyphens already in the name (HubSpot doubles
 * them, others are not documented), so a name with a hyphen gives undefined rather than a guess.
 */
export function domDashed(domain: string): string | undefined {
  const d = bare(domain);
  return d.includes('-') ? undefined : d.replace(/\./g, '-');
}

/** Fills `{domain}`/`{dom-dashed}`; undefined while an account token `<x>` remains (only the platform knows it). */
export function fillTemplate(text: string, domain: string): string | undefined {
  if (text.includes('{dom-dashed}') && domDashed(domain) === undefined) return undefined;
  const out = text.replace(/\{domain\}/g, bare(domain)).replace(/\{dom-dashed\}/g, domDashed(domain) ?? '');
  return /<[^>]*>/.test(out) ? undefined : out;
}
