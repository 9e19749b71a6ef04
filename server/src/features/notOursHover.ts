/**
 * Hover on an entry of `reports.notOurs` in `.dmarc-lens.json`: what the workspace's aggregate reports
 * show of the addresses it covers (their mail, how much of it fails DMARC, for which domains, when), so
 * the owner sees what listing it sets aside.
 */
import { findNodeAtOffset, getLocation, parseTree } from 'jsonc-parser';
import type { AggregateReport } from '../reports/aggregate';
import { listedMail } from '../reports/listed';
import type { OffsetRange } from '../types';
import { validCidr } from '../util/cidr';

const day = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);
const n = (x: number) => x.toLocaleString('en-US');

export function notOursHover(text: string, offset: number, reports: readonly AggregateReport[]): { markdown: string; range: OffsetRange } | undefined {
  const loc = getLocation(text, offset);
  if (loc.path[0] !== 'reports' || loc.path[1] !== 'notOurs' || typeof loc.path[2] !== 'number') return undefined;
  const node = findNodeAtOffset(parseTree(text) ?? { type: 'null', offset: 0, length: 0 }, offset);
  if (!node || node.type !== 'string' || !validCidr(String(node.value))) return undefined;
  const cidr = String(node.value);
  const range = { start: node.offset, end: node.offset + node.length };
  const { messages, failing, byIp, froms, first, last, spf } = listedMail(reports, [cidr])[0];
  const spfPass = spf.messages;
  const domains = [...froms].filter(Boolean);
  const head = `**${cidr}**, listed as not yours: its failing mail does not hold back the next DMARC policy stage (the reports still show it).`;
  if (messages === 0) return { markdown: `${head}\n\nThe workspace's aggregate reports (${n(reports.length)}) show no mail from ${cidr.includes('/') ? 'these addresses' : 'this address'}.`, range };
  const ips = [...byIp].sort((a, b) => b[1] - a[1]);
  const lines = [
    head,
    '',
    `- In the workspace's aggregate reports: ${n(messages)} message${messages === 1 ? '' : 's'} from ${ips.length === 1 ? ips[0][0] : `${n(ips.length)} addresses (${ips.slice(0, 5).map(([ip, c]) => `${ip}: ${n(c)}`).join(', ')}${ips.length > 5 ? ', …' : ''})`}${first !== undefined && last !== undefined ? `, ${day(first)} to ${day(last)}` : ''}`,
    `- Failing DMARC: ${n(failing)} (${((failing / messages) * 100).toFixed(1)}%)${spfPass ? `; ${n(spfPass)} passed through aligned SPF, so the SPF record authorises ${ips.length === 1 ? 'it' : 'some of them'}` : ''}`,
    `- As: ${domains.slice(0, 5).join(', ') || '?'}${domains.length > 5 ? ', …' : ''}`,
  ];
  return { markdown: lines.join('\n'), range };
}
