/**
 * The parts of an Internet message (RFC 5322) the report readers share: the header block and the body,
 * and the header fields with folded lines unfolded.
 */

/** The header block and the body, split at the first empty line. */
export function splitHead(raw: string): { head: string; body: string } {
  const sep = /\r?\n\r?\n/.exec(raw);
  return sep ? { head: raw.slice(0, sep.index), body: raw.slice(sep.index + sep[0].length) } : { head: raw, body: '' };
}

/** Header fields in order, unfolded; names lower case (only names RFC 5322 allows). */
export function headerFields(head: string): [string, string][] {
  const out: [string, string][] = [];
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const c = line.indexOf(':');
    if (c > 0 && /^[!-9;-~]+$/.test(line.slice(0, c).trim())) out.push([line.slice(0, c).trim().toLowerCase(), line.slice(c + 1).trim()]);
  }
  return out;
}
