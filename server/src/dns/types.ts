/**
 * The resolver interface every DNS consumer uses (SPF evaluator, lookup-tree walker). Implementations:
 * the workspace model, live DNS (node:dns), a bundled offline snapshot, and a chain of them.
 */

export type RRType = 'TXT' | 'A' | 'AAAA' | 'MX' | 'PTR';

export type DnsAnswer =
  | { status: 'ok'; /** TXT: each record's character-strings joined; MX: `pref host`; others: the value. */ records: string[]; source: string; aliases?: string[] }
  /** The name does not exist (NXDOMAIN) or has no records of the type (NODATA): a void lookup. At the end of a CNAME chain, the last name's. */
  | { status: 'nxdomain' | 'nodata'; source: string; aliases?: string[] }
  /** Timeout, SERVFAIL, refused, no network: a temporary error. */
  | { status: 'error'; message: string; source: string };

/**
 * DnsAnswer.aliases: the names a CNAME chain led the question to, in order (the last is the name whose
 * records, or absence, the answer gives); absent when the name asked holds them itself.
 */

export interface Resolver {
  resolve(name: string, type: RRType): Promise<DnsAnswer>;
  /**
   * The answer right away when it needs no network (workspace files, the snapshot, offline, or an
   * answer already received), else undefined: walks over thousands of records then take no promise
   * per query.
   */
  now?(name: string, type: RRType): DnsAnswer | undefined;
}

/** MX answers as `preference host`; the host part. */
export function mxHost(record: string): string {
  const sp = record.indexOf(' ');
  return (sp >= 0 ? record.slice(sp + 1) : record).replace(/\.$/, '');
}
