/**
 * Live DNS through a wire-format stub client (dns/wire.ts: UDP, TCP on truncation), with configurable
 * servers, a per-query timeout, a bound on concurrent queries, a cache that keeps answers for their
 * TTL, and de-duplication of queries in flight (a name asked twice while the first query runs is
 * asked once).
 */
import type { DnsAnswer, Resolver, RRType } from './types';
import { parseServer, systemServers, wireQuery, type Server } from './wire';

export interface LiveOptions {
  /** `HOST` or `HOST:PORT` (IPv6 as `[addr]:port`); default: the system's servers. */
  servers?: string[];
  timeoutMs?: number;
  tries?: number;
  maxConcurrent?: number;
  /** Upper bound on how long an answer is cached (its TTL decides below that). */
  maxCacheMs?: number;
  /**
   * How long a failed query (a timeout, SERVFAIL, no network) is remembered before the name is asked
   * again, default 30 s. RFC 9520 §3.2 has resolvers cache resolution failures for at least 1 second
   * and at most 5 minutes; here it keeps the SPF trees of a zone whose records include one unreachable
   * name from waiting out the timeout once per record.
   */
  errorCacheMs?: number;
  /**
   * Before believing the first NXDOMAIN, ask for the `com.` name servers (checkHealth); default: only
   * with the system's servers, which a sandbox or captive portal may have answer NXDOMAIN for all.
   */
  healthCheck?: boolean;
}

export class LiveResolver implements Resolver {
  private readonly servers: Server[];
  private readonly cache = new Map<string, { until: number; answer: DnsAnswer }>();
  private readonly inflight = new Map<string, Promise<DnsAnswer>>();
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  /** Queries sent to the network (not answered from the cache or joined to one in flight). */
  queries = 0;
  /** With the system's servers: whether DNS works at all here (checked once, on the first NXDOMAIN). */
  private health: Promise<string | undefined> | undefined;
  /** DNS found unusable here (checkHealth): until when every question is answered with this error at once, without a query. */
  private down: { why: string; until: number } | undefined;

  constructor(private readonly options: LiveOptions = {}) {
    this.servers = options.servers?.length ? options.servers.map(parseServer) : systemServers();
  }

  resolve(name: string, type: RRType): Promise<DnsAnswer> {
    if (this.down) {
      // A query would only be answered NXDOMAIN or time out: say why at once (a sandbox, no network).
      if (Date.now() < this.down.until) return Promise.resolve({ status: 'error', message: this.down.why, source: `live DNS at ${new Date().toISOString()}` });
      // Time to see whether the network came back: the next NXDOMAIN asks again.
      this.down = undefined;
      this.health = undefined;
    }
    const key = `${type} ${name.toLowerCase().replace(/\.$/, '')}`;
    const hit = this.cache.get(key);
    if (hit && Date.now() < hit.until) return Promise.resolve(hit.answer);
    let p = this.inflight.get(key);
    if (!p) {
      // The health check holds the query's turn: the questions waiting for one see its outcome before they are sent.
      p = this.limited(async () => {
        const { answer, ttl } = await this.query(name, type);
        return { answer: await this.checkHealth(answer), ttl };
      }).then(({ answer, ttl }) => {
        this.inflight.delete(key);
        const keep = answer.status === 'error' ? (this.options.errorCacheMs ?? 30_000) : Math.min(ttl * 1000, this.options.maxCacheMs ?? 3_600_000);
        if (keep > 0) this.cache.set(key, { until: Date.now() + keep, answer });
        return answer;
      });
      this.inflight.set(key, p);
    }
    return p;
  }

  /**
   * Some networks (sandboxes, captive portals) answer NXDOMAIN for every name, or nothing at all.
   * Before believing the first NXDOMAIN or timeout from the system's servers, ask for the `com.` name
   * servers once: if even that fails, DNS is not usable here, every answer becomes an error that says
   * so, and for errorCacheMs no question is sent (each would wait for a timeout or say the same).
   */
  private async checkHealth(answer: DnsAnswer): Promise<DnsAnswer> {
    // An NXDOMAIN, or no answer at all: whether DNS works here decides what it means.
    const doubtful = answer.status === 'nxdomain' || (answer.status === 'error' && answer.message.startsWith('no answer'));
    if (!doubtful || !(this.options.healthCheck ?? !this.options.servers?.length)) return answer;
    this.health ??= wireQuery(this.servers, 'com', 'NS' as never, this.options.timeoutMs ?? 1500).then(
      (a) => (a.rcode === 0 ? undefined : `the system resolver cannot resolve even com. (rcode ${a.rcode}); no network?`),
      (e: Error) => `the system resolver does not answer (${e.message}); no network?`,
    );
    const problem = await this.health;
    if (problem) this.down ??= { why: problem, until: Date.now() + (this.options.errorCacheMs ?? 30_000) };
    return problem ? { status: 'error', message: problem, source: answer.source } : answer;
  }

  private async limited<T>(fn: () => Promise<T>): Promise<T> {
    const max = this.options.maxConcurrent ?? 16;
    if (this.active >= max) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }

  private async query(name: string, type: RRType): Promise<{ answer: DnsAnswer; ttl: number }> {
    const source = `live DNS at ${new Date().toISOString()}`;
    // Found unusable while this question waited for its turn: not sent.
    if (this.down && Date.now() < this.down.until) return { answer: { status: 'error', message: this.down.why, source }, ttl: 0 };
    this.queries++;
    try {
      const a = await wireQuery(this.servers, name, type, this.options.timeoutMs ?? 1500);
      const aliases = a.aliases.length ? { aliases: a.aliases } : undefined;
      if (a.rcode === 3) return { answer: { status: 'nxdomain', source, ...aliases }, ttl: a.ttl };
      if (a.rcode !== 0) return { answer: { status: 'error', message: `server answered rcode ${a.rcode} (${['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'][a.rcode] ?? 'error'})`, source }, ttl: 0 };
      return { answer: a.records.length ? { status: 'ok', records: a.records, source, ...aliases } : { status: 'nodata', source, ...aliases }, ttl: a.ttl };
    } catch (e) {
      return { answer: { status: 'error', message: (e as Error).message, source }, ttl: 0 };
    }
  }
}
