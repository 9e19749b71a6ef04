/**
 * The workspace DNS model: every record found in every file of the workspace, by owner name. Rules
 * resolve `include:` targets and `_dmarc` coverage against it before any DNS (GUIDE §1).
 */
import type { AnalyzedSite } from './checks/rule';
import type { ResourceRecord } from './types';

interface FileEntry {
  records: readonly ResourceRecord[];
  sites: readonly AnalyzedSite[];
}

export class WorkspaceIndex {
  private readonly files = new Map<string, FileEntry>();
  private byOwner: Map<string, { uri: string; record: ResourceRecord; site?: AnalyzedSite }[]> | undefined;

  /** Replaces what a file (and the files it `$INCLUDE`s, under their own uris) contributes. */
  set(uri: string, records: readonly ResourceRecord[], sites: readonly AnalyzedSite[]): void {
    this.files.set(uri, { records, sites });
    this.byOwner = undefined;
  }

  delete(uri: string): void {
    if (this.files.delete(uri)) this.byOwner = undefined;
  }

  has(uri: string): boolean {
    return this.files.has(uri);
  }

  get size(): number {
    return this.files.size;
  }

  uris(): string[] {
    return [...this.files.keys()];
  }

  /** Owner names a file defines (to find the documents that depend on it). */
  ownersOf(uri: string): Set<string> {
    const out = new Set<string>();
    for (const r of this.files.get(uri)?.records ?? []) if (r.owner !== undefined) out.add(r.owner);
    return out;
  }

  private index() {
    if (!this.byOwner) {
      const m = new Map<string, { uri: string; record: ResourceRecord; site?: AnalyzedSite }[]>();
      for (const [uri, f] of this.files) {
        const siteOf = new Map(f.sites.map((a) => [a.site, a]));
        for (const r of f.records) {
          if (r.owner === undefined) continue;
          const entry = { uri, record: r, site: r.site ? siteOf.get(r.site) : undefined };
          const list = m.get(r.owner);
          if (list) list.push(entry);
          else m.set(r.owner, [entry]);
        }
      }
      this.byOwner = m;
    }
    return this.byOwner;
  }

  /** Records at a name in files other than `exceptUri` (the file being checked supplies its own). */
  at(owner: string, exceptUri?: string): { uri: string; record: ResourceRecord; site?: AnalyzedSite }[] {
    const list = this.index().get(owner) ?? [];
    return exceptUri === undefined ? list : list.filter((e) => e.uri !== exceptUri);
  }
}
