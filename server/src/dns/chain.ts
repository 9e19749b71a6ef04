/**
 * The resolver chain (GUIDE §1): the workspace DNS model first (records defined in the workspace's
 * own files), then live DNS unless offline. Offline, a name the workspace does not define is an
 * error that says so, never a silent "no record".
 */
import type { WorkspaceIndex } from '../workspace';
import type { DnsAnswer, Resolver, RRType } from './types';

/** Answers from the records the workspace files define; undefined when no file defines the name. */
export class WorkspaceResolver implements Resolver {
  constructor(private readonly workspace: WorkspaceIndex) {}

  lookup(name: string, type: RRType): DnsAnswer | undefined {
    const owner = name.toLowerCase().replace(/\.$/, '');
    const entries = this.workspace.at(owner);
    if (entries.length === 0) return undefined;
    const records = entries.filter((e) => e.record.type === type).map((e) => (type === 'TXT' ? (e.site?.site.value ?? e.record.rdata.join('')) : e.record.rdata.join(' ')));
    const source = `workspace file ${entries[0].uri}`;
    return records.length ? { status: 'ok', records, source } : { status: 'nodata', source };
  }

  async resolve(name: string, type: RRType): Promise<DnsAnswer> {
    return this.lookup(name, type) ?? { status: 'nxdomain', source: 'workspace' };
  }
}

export class ChainResolver implements Resolver {
  constructor(
    private readonly workspace: WorkspaceResolver | undefined,
    private readonly live: Resolver | undefined,
  ) {}

  async resolve(name: string, type: RRType): Promise<DnsAnswer> {
    const w = this.workspace?.lookup(name, type);
    if (w) return w;
    if (this.live) return this.live.resolve(name, type);
    return { status: 'error', message: 'offline, and not defined in the workspace', source: 'offline' };
  }
}
