/** Recognises sending services from SPF include targets and DKIM selectors (data in catalog.json). */
import catalog from './catalog.json';

export interface Provider {
  id: string;
  name: string;
  spfIncludes?: string[];
  spfIncludeSuffixes?: string[];
  dkimSelectors?: string[];
  dkimSelectorPrefixes?: string[];
  dkimSelectorSuffixes?: string[];
  confidence: string;
  returnPath?: 'provider' | 'custom' | 'customer';
  /** DKIM CNAME targets of this platform end in one of these. */
  dkimCnameSuffixes?: string[];
  /** What to publish so the platform signs with the customer's domain. */
  dkimSetup?: string;
  source?: string;
}

export const providers: readonly Provider[] = catalog.providers as Provider[];

export function providerForInclude(domain: string): Provider | undefined {
  const d = domain.toLowerCase().replace(/\.$/, '');
  return providers.find((p) => p.spfIncludes?.includes(d) || p.spfIncludeSuffixes?.some((s) => d.endsWith(s)));
}

export function providerForSelector(selector: string): Provider | undefined {
  const s = selector.toLowerCase();
  return providers.find(
    (p) => p.dkimSelectors?.includes(s) || p.dkimSelectorPrefixes?.some((x) => s.startsWith(x)) || p.dkimSelectorSuffixes?.some((x) => s.endsWith(x)),
  );
}
