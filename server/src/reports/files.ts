/**
 * Reading the reports of a file or a folder (every `.xml`, `.gz`, `.zip`, `.eml`, `.mbox` under it, by
 * the report globs), keeping what was read by file: a reader asked again (the preview's filter bar, a
 * refresh, a report added to the workspace) reads again only the files whose size or time changed, and
 * forgets those gone.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { collectReportFiles, DEFAULT_REPORT_GLOBS, readFileBytes } from '../files';
import { dedupeReports, readReports, readReportsAsync, type AggregateReport } from './aggregate';
import type { FailureReport } from './failure';

export interface ReportFiles {
  reports: AggregateReport[];
  failureReports: FailureReport[];
  /** What could not be read, by file (or the target itself): one line each. */
  failures: { origin: string; message: string }[];
}

/** The most report files read under one folder. */
const MAX_REPORT_FILES = 5000;

/** What was read of each report file, kept by its size and modification time. */
export class ReportFileCache {
  private files = new Map<string, { stamp: string; origin: string; read: ReturnType<typeof readReports> }>();
  private seen = new Set<string>();

  /**
   * The reports of `file`, named `origin` in them: what was read before when the file has not changed
   * since, else read now. Throws when the file cannot be read (gone, a folder, over `maxBytes`).
   */
  read(file: string, origin: string, maxBytes?: number): ReturnType<typeof readReports> {
    const { stamp, known } = this.lookup(file, origin);
    const r = known ?? readReports(readFileBytes(file, maxBytes), origin);
    this.files.set(file, { stamp, origin, read: r });
    return r;
  }

  /** Readings under way (readAsync), by file and stamp: two asking for one file wait for the same reading. */
  private reading = new Map<string, Promise<ReturnType<typeof readReports>>>();

  /** read(), pausing between slices of the XML (readReportsAsync): the event loop runs meanwhile. */
  async readAsync(file: string, origin: string, maxBytes?: number): Promise<ReturnType<typeof readReports>> {
    const { stamp, known } = this.lookup(file, origin);
    if (known) return known;
    const key = `${file}\0${stamp}\0${origin}`;
    let p = this.reading.get(key);
    if (!p) {
      p = readReportsAsync(readFileBytes(file, maxBytes), origin).finally(() => this.reading.delete(key));
      this.reading.set(key, p);
    }
    const r = await p;
    this.files.set(file, { stamp, origin, read: r });
    return r;
  }

  /** The file's stamp (size and time), and what was read of it when it has not changed since; marks it seen. */
  private lookup(file: string, origin: string): { stamp: string; known?: ReturnType<typeof readReports> } {
    const st = fs.statSync(file);
    const stamp = `${st.size} ${st.mtimeMs}`;
    const known = this.files.get(file);
    this.seen.add(file);
    return { stamp, known: known?.stamp === stamp && known.origin === origin ? known.read : undefined };
  }

  /** Forgets every file not read since the last sweep (removed, or no longer matched), and starts a new round. */
  sweep(): void {
    for (const file of this.files.keys()) if (!this.seen.has(file)) this.files.delete(file);
    this.seen = new Set();
  }

  clear(): void {
    this.files = new Map();
    this.seen = new Set();
  }
}

export class ReportReader {
  private target: string | undefined;
  private cache = new ReportFileCache();

  /**
   * The reports of `target` (a file, or a folder walked with `globs`); origins are relative to a folder,
   * a file's own name otherwise. Read a slice at a time (ReportFileCache.readAsync), so the language
   * server answers meanwhile.
   */
  async read(target: string, globs: readonly string[] = DEFAULT_REPORT_GLOBS): Promise<ReportFiles> {
    const out: ReportFiles = { reports: [], failureReports: [], failures: [] };
    let files: string[];
    try {
      files = fs.statSync(target).isDirectory() ? collectReportFiles(target, MAX_REPORT_FILES, globs) : [target];
    } catch (e) {
      out.failures.push({ origin: target, message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
      return out;
    }
    // What was read of another target is not kept: one folder's reports at a time.
    if (this.target !== target) {
      this.target = target;
      this.cache.clear();
    }
    for (const file of files) {
      try {
        const r = await this.cache.readAsync(file, files.length > 1 ? path.relative(target, file) : path.basename(file));
        for (const x of r.reports) out.reports.push(x);
        for (const x of r.failureReports) out.failureReports.push(x);
        for (const x of r.failures) out.failures.push(x);
      } catch (e) {
        out.failures.push({ origin: file, message: `cannot read the file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
      }
    }
    this.cache.sweep();
    if (files.length === 0) out.failures.push({ origin: target, message: 'no .xml, .gz, .zip, .eml or .mbox files in this folder' });
    return out;
  }
}

/**
 * The reports kept in a workspace's folders, each walked with its own report globs (`dmarcLens.reports.paths`,
 * `.dmarc-lens.json` `reports.paths`), named by their paths: the aggregate reports once each (a report kept
 * twice, the .xml beside its .zip or a reporter's resend, is evidence once) and the failure reports found
 * with them. A file that cannot be read is said to `warn` and left out. With a `cache`, a file read before
 * and unchanged since is not read again (the language server reads the folders again on every change).
 */
export function folderReports(
  folders: readonly string[],
  globsOf: (folder: string) => readonly string[] | undefined,
  warn: (file: string, message: string) => void,
  cache: ReportFileCache = new ReportFileCache(),
): { reports: AggregateReport[]; failureReports: FailureReport[] } {
  const steps = folderSteps(folders, globsOf, warn, cache);
  let next = steps.next();
  while (!next.done) {
    let r: ReturnType<typeof readReports> | Error;
    try {
      r = cache.read(next.value, next.value, MAX_FILE_BYTES);
    } catch (e) {
      r = e as Error;
    }
    next = steps.next(r);
  }
  return next.value;
}

/** folderReports, each file read a slice at a time (ReportFileCache.readAsync): the event loop runs meanwhile. */
export async function folderReportsAsync(
  folders: readonly string[],
  globsOf: (folder: string) => readonly string[] | undefined,
  warn: (file: string, message: string) => void,
  cache: ReportFileCache = new ReportFileCache(),
): Promise<{ reports: AggregateReport[]; failureReports: FailureReport[] }> {
  const steps = folderSteps(folders, globsOf, warn, cache);
  let next = steps.next();
  while (!next.done) {
    let r: ReturnType<typeof readReports> | Error;
    try {
      r = await cache.readAsync(next.value, next.value, MAX_FILE_BYTES);
    } catch (e) {
      r = e as Error;
    }
    next = steps.next(r);
  }
  return next.value;
}

/** The largest report file a workspace's folders are read with. */
const MAX_FILE_BYTES = 200 * 1024 * 1024;

/** The walk of folderReports: it yields each file to read and is given what was read of it (or why not). */
function* folderSteps(
  folders: readonly string[],
  globsOf: (folder: string) => readonly string[] | undefined,
  warn: (file: string, message: string) => void,
  cache: ReportFileCache,
): Generator<string, { reports: AggregateReport[]; failureReports: FailureReport[] }, ReturnType<typeof readReports> | Error> {
  const read: AggregateReport[] = [];
  const failureReports: FailureReport[] = [];
  for (const folder of folders)
    for (const file of collectReportFiles(folder, MAX_REPORT_FILES, globsOf(folder) ?? DEFAULT_REPORT_GLOBS)) {
      const r = yield file;
      if (r instanceof Error) {
        warn(file, r.message);
        continue;
      }
      for (const x of r.reports) read.push(x);
      for (const x of r.failureReports) failureReports.push(x);
    }
  cache.sweep();
  return { reports: dedupeReports(read).reports, failureReports };
}

/**
 * The aggregate and failure reports of a workspace, as the language server keeps them: read from its
 * folders by their report globs (only the files that changed since are parsed again), by the domain
 * their policy was published for (the rollout evidence of a DMARC record), and all together (the checks
 * that read them, the inventory, the report preview of the workspace).
 */
export class WorkspaceReports {
  private byDomain = new Map<string, AggregateReport[]>();
  private everything: AggregateReport[] = [];
  private failures: FailureReport[] = [];
  private files = new ReportFileCache();

  /** Which reading of the folders is the latest: an earlier one that ends after it is dropped. */
  private generation = 0;

  /**
   * Reads the reports of `folders` again, a slice at a time (the language server answers meanwhile);
   * a file that cannot be read is said to `warn`. Resolves false when a later reading began meanwhile
   * (this one's result is dropped), true when it is what the workspace now holds.
   */
  async index(folders: readonly string[], globsOf: (folder: string) => readonly string[] | undefined, warn: (file: string, message: string) => void): Promise<boolean> {
    const generation = ++this.generation;
    const { reports, failureReports } = await folderReportsAsync(folders, globsOf, warn, this.files);
    if (generation !== this.generation) return false;
    const byDomain = new Map<string, AggregateReport[]>();
    for (const r of reports) {
      const list = byDomain.get(r.policy.domain);
      if (list) list.push(r);
      else byDomain.set(r.policy.domain, [r]);
    }
    this.byDomain = byDomain;
    // Made once here, not on every check that reads them.
    this.everything = [...byDomain.values()].flat();
    this.failures = failureReports;
    return true;
  }

  /** Every aggregate report, each once (a copy kept beside it counts once), by domain. */
  all(): readonly AggregateReport[] {
    return this.everything;
  }

  /** The reports for the policy domain `domain`, as published (lower case, no trailing dot). */
  of(domain: string): readonly AggregateReport[] | undefined {
    return this.byDomain.get(domain);
  }

  /** The DMARC failure reports (RFC 9991) found with them. */
  failureReports(): readonly FailureReport[] {
    return this.failures;
  }
}
