/**
 * MTA-STS policy files (RFC 8461 §3.2): the `mta-sts.txt` a domain serves at
 * `https://mta-sts.<domain>/.well-known/mta-sts.txt`, kept in the same repository as the zone often
 * enough (a static site, a web server's configuration). Lines of `key: value`:
 *
 *     version: STSv1
 *     mode: enforce
 *     mx: mail.example.com
 *     mx: *.example.net
 *     max_age: 604800
 *
 * The file has no DNS records; what is wrong in it is reported as the reader's problems, with fixes
 * where the intent is plain (a trailing dot on an MX pattern, a mode's case).
 */
import type { Fix } from '../types';
import type { SourceProblem, ZoneFile } from './zonefile';

/** The longest max_age (RFC 8461 §3.2: 31557600 seconds, a year). */
export const MAX_AGE_LIMIT = 31557600;
/** Below a day, a cached policy protects little between fetches (RFC 8461 §3.2 expects "weeks or greater"). */
const SHORT_MAX_AGE = 86400;

const MODES = ['enforce', 'testing', 'none'];
/** `mail.example.com` or `*.example.net` (a wildcard in the leftmost label only). */
const MX_PATTERN = /^(\*\.)?([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9-]{2,63}$/;

export function readMtaStsPolicy(text: string, uri: string): ZoneFile {
  const problems: SourceProblem[] = [];
  const out: ZoneFile = { uri, format: 'mta-sts-policy', records: [], sites: [], problems, texts: new Map([[uri, text]]), origin: undefined, originExplicit: false };
  const syntax = (start: number, end: number, message: string, fixes?: Fix[]) => problems.push({ code: 'mta-sts/policy-syntax', message, uri, range: { start, end }, ...(fixes ? { fixes } : {}) });
  const replace = (title: string, start: number, end: number, newText: string): Fix[] => [{ title, edits: [{ range: { start, end }, newText }] }];
  const seen = new Map<string, { start: number; end: number; value: string; valueStart: number }>();
  const patterns: { pattern: string; range: { start: number; end: number } }[] = [];
  let at = 0;
  for (const raw of text.split('\n')) {
    const lineStart = at;
    at += raw.length + 1;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) {
      syntax(lineStart, lineStart + line.length, `\`${line.trim()}\` is not a \`key: value\` line; a policy that does not parse is not applied (RFC 8461 §3.2).`);
      continue;
    }
    const key = line.slice(0, colon);
    const lead = line.length - colon - 1 - line.slice(colon + 1).trimStart().length;
    const valueStart = lineStart + colon + 1 + lead;
    const value = line.slice(colon + 1).trim();
    const valueEnd = valueStart + value.length;
    if (key !== key.trim()) {
      syntax(lineStart, lineStart + colon, `\`${key.trim()}\` has white space ${key.trimStart() === key ? 'before the `:`' : 'before it'}; the grammar has none (RFC 8461 §3.2).`, replace(`Write \`${key.trim()}:\``, lineStart, lineStart + colon, key.trim()));
      continue;
    }
    if (key === 'mx') {
      patterns.push({ pattern: value.toLowerCase().replace(/\.$/, ''), range: { start: valueStart, end: valueEnd } });
      if (value.endsWith('.') && MX_PATTERN.test(value.slice(0, -1)))
        syntax(valueStart, valueEnd, `\`${value}\` ends with a dot, which the grammar does not allow (RFC 8461 §3.2 takes an RFC 5321 domain); a sender that does not strip it matches no MX host, and under \`mode: enforce\` delivers no mail (§4.1). Write \`${value.slice(0, -1)}\`.`, replace(`Write \`${value.slice(0, -1)}\``, valueStart, valueEnd, value.slice(0, -1)));
      else if (!MX_PATTERN.test(value)) syntax(valueStart, valueEnd, `\`${value}\` is not an MX host name or \`*.\` wildcard pattern (RFC 8461 §3.2, §4.1).`);
      continue;
    }
    if (seen.has(key)) {
      syntax(lineStart, lineStart + line.length, `\`${key}\` is given twice; give it once (RFC 8461 §3.2).`);
      continue;
    }
    seen.set(key, { start: lineStart, end: lineStart + line.length, value, valueStart });
    if (key === 'version' && value !== 'STSv1') syntax(valueStart, valueEnd, `\`version: ${value}\` must be \`STSv1\` (RFC 8461 §3.2).`, value.toLowerCase() === 'stsv1' ? replace('Write `STSv1`', valueStart, valueEnd, 'STSv1') : undefined);
    else if (key === 'mode' && !MODES.includes(value)) {
      const lower = value.toLowerCase();
      const meant = MODES.find((m) => lower === m || lower.startsWith(m));
      syntax(valueStart, valueEnd, `\`mode: ${value}\` is not \`enforce\`, \`testing\` or \`none\`; a policy with another mode is not applied (RFC 8461 §3.2).`, meant ? replace(`Write \`${meant}\``, valueStart, valueEnd, meant) : undefined);
    } else if (key === 'max_age') {
      if (!/^\d{1,10}$/.test(value)) syntax(valueStart, valueEnd, `\`max_age: ${value}\` must be a number of seconds, at most ${MAX_AGE_LIMIT} (RFC 8461 §3.2).`);
      else if (Number(value) > MAX_AGE_LIMIT) syntax(valueStart, valueEnd, `\`max_age: ${value}\` is over the ${MAX_AGE_LIMIT} seconds (a year) RFC 8461 §3.2 allows.`, replace(`Write ${MAX_AGE_LIMIT}`, valueStart, valueEnd, String(MAX_AGE_LIMIT)));
      else if (Number(value) < SHORT_MAX_AGE)
        problems.push({ code: 'mta-sts/policy-max-age', message: `\`max_age: ${value}\` is under a day: senders keep the policy only that long, so an attacker who blocks the next fetch gets mail sent without TLS; RFC 8461 §3.2 expects weeks or more (604800 is a week).`, uri, range: { start: valueStart, end: valueEnd } });
    }
  }
  const end = text.length;
  for (const required of ['version', 'mode', 'max_age'])
    if (!seen.has(required)) syntax(0, Math.min(end, text.indexOf('\n') >= 0 ? text.indexOf('\n') : end), `The policy has no \`${required}\` line, which is required; a policy without it is not applied (RFC 8461 §3.2).`);
  const mode = seen.get('mode');
  if (mode && mode.value !== 'none' && MODES.includes(mode.value) && patterns.length === 0) syntax(mode.start, mode.end, `A \`mode: ${mode.value}\` policy with no \`mx\` line matches no MX host: under \`enforce\`, senders deliver no mail (RFC 8461 §3.2, §4.1).`);
  if (mode && (mode.value === 'testing' || mode.value === 'none'))
    problems.push({
      code: 'mta-sts/policy-mode',
      message: mode.value === 'testing' ? '`mode: testing`: senders report TLS failures (with TLS-RPT) but still deliver without TLS; move to `enforce` once the reports are clean (RFC 8461 §5).' : '`mode: none`: the policy is being withdrawn, and senders apply none (RFC 8461 §5, §8.3).',
      uri,
      range: { start: mode.valueStart, end: mode.valueStart + mode.value.length },
    });
  out.mtaStsPolicy = { mode: mode?.value, mx: patterns };
  return out;
}

/** Whether an MX host matches a policy's `mx` pattern: the name itself, or `*.` and one more label (RFC 8461 §4.1). */
export function mxMatches(host: string, pattern: string): boolean {
  if (!pattern.startsWith('*.')) return host === pattern;
  const suffix = pattern.slice(1);
  return host.endsWith(suffix) && host.length > suffix.length && !host.slice(0, -suffix.length).includes('.');
}
