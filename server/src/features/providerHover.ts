/**
 * Hover on a provider id in `.dmarc-lens.json` (a sender's `"provider"`, or a row id under
 * `providers`): what the catalog knows about the platform, how sure it is, and where it comes from.
 */
import { getLocation, parseTree, findNodeAtOffset } from 'jsonc-parser';
import { providerById, type Provider } from '../senders/catalog';
import type { OffsetRange } from '../types';

export function describeProvider(p: Provider): string {
  const rp = { provider: 'always its own (SPF cannot align for your domain)', custom: 'its own by default; a custom Return-Path can be set up', customer: 'your domain (SPF can align)', unknown: 'unknown' }[p.returnPath ?? 'unknown'] ?? p.returnPath;
  const lines = [
    `**${p.name}**${p.category ? ` (${p.category})` : ''}`,
    '',
    `- SPF include: ${[...(p.spfIncludes ?? []).map((i) => `\`${i}\``), ...(p.spfIncludeSuffixes ?? []).map((i) => `\`*${i}\``)].join(', ') || 'none'}${p.spfLookups != null ? ` (usually ${p.spfLookups} lookups)` : ''}${p.spfNote ? ` — ${p.spfNote}` : ''}`,
    `- Return-Path: ${rp}${p.returnPathNote ? ` — ${p.returnPathNote}` : ''}`,
    `- DKIM: ${p.dkimSetup ?? 'unknown'}${p.dkimSharedKey ? ' (the key is shared between customers)' : ''}`,
    `- In reports: ${[...(p.dkimDomains ?? []), ...(p.envelopeDomains ?? [])].filter((x, i, a) => a.indexOf(x) === i).join(', ') || 'unknown'}`,
    `- Confidence: ${p.confidence}${p.confidenceNote ? ` — ${p.confidenceNote}` : ''}`,
  ];
  if (p.docs) lines.push(`- Documentation: ${p.docs}`);
  if (p.sources?.length) lines.push(`- Sources (checked ${p.checked ?? '?'}): ${p.sources.join('; ')}`);
  return lines.join('\n');
}

/** The hover for a config text at an offset, or undefined when the offset is not on a provider id. */
export function providerHover(text: string, offset: number): { markdown: string; range: OffsetRange } | undefined {
  const loc = getLocation(text, offset);
  const last = loc.path[loc.path.length - 1];
  const onSender = last === 'provider' && loc.path[0] === 'domains';
  const onRow = last === 'id' && loc.path[0] === 'providers';
  if (!onSender && !onRow) return undefined;
  const node = findNodeAtOffset(parseTree(text) ?? { type: 'null', offset: 0, length: 0 }, offset);
  if (!node || node.type !== 'string') return undefined;
  const p = providerById(String(node.value));
  const range = { start: node.offset, end: node.offset + node.length };
  if (!p) return String(node.value) === 'custom' ? { markdown: '**custom**: a sender the catalog does not know; declare its `ips`, `returnPath` or `dkimSelectors` so it can be checked.', range } : undefined;
  return { markdown: describeProvider(p), range };
}
