/**
 * Live DNS through node's resolver (c-ares: UDP with TCP retry on truncation), with configurable
 * servers, a per-query timeout, a bound on concurrent queries, an answer cache, and de-duplication
 * of queries in flight (a name asked twice while the first query runs is asked once).
 */
import { Resolver as NodeResolver } from 'node:dns/promises';
import type { DnsAnswer, Resolver, RRType } from './types';

export interface LiveOptions {
  /** `HOST` or `HOST:PORT` (IPv6 as `[addr]:port`); default: the system's servers. */
  servers?: string[];
  timeoutMs?: number;
  tries?: number;
  maxConcurrent?: number;
  /** How long answers are kept (node's TXT/MX/PTR lookups do not return TTLs). */
  cacheMs?: number;
}

export class LiveResolver implements Resolver {
  private readonly resolver: NodeResolver;
  private readonly cache = new Map<string, { at: number; answer: DnsAnswer }>();
  private readonly inflight = new Map<string, Promise<DnsAnswer>>();
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  /** Queries sent to the network (not answered from the cache or joined to one in flight). */
  queries = 0;
  /** With the system's servers: whether DNS works at all here (checked once, on the first NXDOMAIN). */
  private health: Promise<string | undefined> | undefined;

  constructor(private readonly options: LiveOptions = {}) {
    this.resolver = new NodeResolver({ timeout: options.timeoutMs ?? 1500, tries: options.tries ?? 1 });
    if (options.servers?.length) this.resolver.setServers(options.servers);
  }

  resolve(name: string, type: RRType): Promise<DnsAnswer> {
    const key = `${type} ${name.toLowerCase().replace(/\.$/, '')}`;
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < (this.options.cacheMs ?? 300_000)) return Promise.resolve(hit.answer);
    let p = this.inflight.get(key);
    if (!p) {
      p = this.limited(() => this.query(name, type))
        .then((answer) => this.checkHealth(answer))
        .then((answer) => {
        this.inflight.delete(key);
        if (answer.status !== 'error') this.cache.set(key, { at: Date.now(), answer });
        return answer;
      });
      this.inflight.set(key, p);
    }
    return p;
  }

  /**
   * Some networks (sandboxes, captive portals) answer NXDOMAIN for every name. Before believing the
   * first NXDOMAIN from the system's servers, ask for the `com.` name servers once: if even that
   * fails, DNS is not usable here and every answer becomes an error that says so.
   */
  private async checkHealth(answer: DnsAnswer): Promise<DnsAnswer> {
    if (answer.status !== 'nxdomain' || this.options.servers?.length) return answer;
    this.health ??= this.resolver.resolveNs('com').then(
      (ns) => (ns.length ? undefined : 'the system resolver returns no name servers for com.'),
      (e: NodeJS.ErrnoException) => `the system resolver cannot resolve even com. (${e.code ?? e.message}); no network?`,
    );
    const problem = await this.health;
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

  private async query(name: string, type: RRType): Promise<DnsAnswer> {
    this.queries++;
    const source = `live DNS at ${new Date().toISOString()}`;
    try {
      let records: string[];
      switch (type) {
        case 'TXT':
          records = (await this.resolver.resolveTxt(name)).map((chunks) => chunks.join(''));
          break;
        case 'A':
          records = await this.resolver.resolve4(name);
          break;
        case 'AAAA':
          records = await this.resolver.resolve6(name);
          break;
        case 'MX':
          records = (await this.resolver.resolveMx(name)).map((m) => `${m.priority} ${m.exchange}`);
          break;
        case 'PTR':
          records = await this.resolver.resolvePtr(name);
          break;
      }
      return records.length ? { status: 'ok', records, source } : { status: 'nodata', source };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOTFOUND') return { status: 'nxdomain', source };
      if (code === 'ENODATA') return { status: 'nodata', source };
      return { status: 'error', message: code === 'ETIMEOUT' ? `no answer within ${this.options.timeoutMs ?? 1500} ms` : (code ?? String(e)), source };
    }
  }
}
