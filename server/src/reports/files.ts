/**
 * Reading the reports of a file or a folder (every `.xml`, `.gz`, `.zip`, `.eml`, `.mbox` under it, by
 * the report globs), keeping what was read by file: a reader asked again (the preview's filter bar, a
 * refresh) reads again only the files whose size or time changed, and forgets those gone.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { collectReportFiles, DEFAULT_REPORT_GLOBS, readFileBytes } from '../files';
import { readReports, type AggregateReport } from './aggregate';
import type { FailureReport } from './failure';

export interface ReportFiles {
  reports: AggregateReport[];
  failureReports: FailureReport[];
  /** What could not be read, by file (or the target itself): one line each. */
  failures: { origin: string; message: string }[];
}

export class ReportReader {
  private target: string | undefined;
  private files = new Map<string, { stamp: string; origin: string; read: ReturnType<typeof readReports> }>();

  /** The reports of `target` (a file, or a folder walked with `globs`); origins are relative to a folder, a file's own name otherwise. */
  read(target: string, globs: readonly string[] = DEFAULT_REPORT_GLOBS): ReportFiles {
    const out: ReportFiles = { reports: [], failureReports: [], failures: [] };
    let files: string[];
    try {
      files = fs.statSync(target).isDirectory() ? collectReportFiles(target, 5000, globs) : [target];
    } catch (e) {
      out.failures.push({ origin: target, message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
      return out;
    }
    // What was read of another target is not kept: one folder's reports at a time.
    if (this.target !== target) {
      this.target = target;
      this.files = new Map();
    }
    const seen = new Set<string>();
    for (const file of files) {
      try {
        const st = fs.statSync(file);
        const stamp = `${st.size} ${st.mtimeMs}`;
        const origin = files.length > 1 ? path.relative(target, file) : path.basename(file);
        const known = this.files.get(file);
        const r = known?.stamp === stamp && known.origin === origin ? known.read : readReports(readFileBytes(file), origin);
        this.files.set(file, { stamp, origin, read: r });
        seen.add(file);
        for (const x of r.reports) out.reports.push(x);
        for (const x of r.failureReports) out.failureReports.push(x);
        for (const x of r.failures) out.failures.push(x);
      } catch (e) {
        out.failures.push({ origin: file, message: `cannot read the file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
      }
    }
    for (const file of this.files.keys()) if (!seen.has(file)) this.files.delete(file);
    if (files.length === 0) out.failures.push({ origin: target, message: 'no .xml, .gz, .zip, .eml or .mbox files in this folder' });
    return out;
  }
}
