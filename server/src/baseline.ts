/**
 * Baselines: a file of the findings a repository already had when DMARC Lens was turned on, so CI
 * reports only new ones. Findings are fingerprinted by rule, file and what they are about (the
 * record's owner and value, or the text they cover), not by line, so edits elsewhere keep them.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Finding } from './types';
import { readFileBytes } from './files';

export interface BaselineEntry {
  fingerprint: string;
  rule: string;
  path: string;
  message: string;
}

export interface BaselineFile {
  version: 1;
  tool: 'dmarc-lens';
  findings: BaselineEntry[];
}

/** Fingerprints for one file's findings; identical ones are numbered in document order. */
export function fingerprints(findings: readonly Finding[], relPath: string, text: string | undefined): string[] {
  const seen = new Map<string, number>();
  return findings.map((f) => {
    const about = f.context ?? (text !== undefined ? text.slice(f.range.start, f.range.end) : '');
    const key = `${f.rule}\u0000${relPath}\u0000${about}\u0000${f.message}`;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    return createHash('sha256').update(`${key}\u0000${n}`).digest('hex').slice(0, 24);
  });
}

export function readBaseline(file: string): BaselineFile | undefined {
  if (!fs.existsSync(file)) return undefined;
  const json = JSON.parse(readFileBytes(file).toString('utf8')) as BaselineFile;
  if (json.version !== 1 || !Array.isArray(json.findings)) throw new Error(`${file} is not a DMARC Lens baseline (version 1)`);
  return json;
}

export function writeBaseline(file: string, entries: BaselineEntry[]): void {
  const body: BaselineFile = { version: 1, tool: 'dmarc-lens', findings: [...entries].sort((a, b) => a.path.localeCompare(b.path) || a.rule.localeCompare(b.rule) || a.fingerprint.localeCompare(b.fingerprint)) };
  fs.writeFileSync(file, JSON.stringify(body, null, 2) + '\n');
}

/** Path of a checked file as written in a baseline: relative to the baseline's folder, with `/`. */
export function baselinePath(baselineFile: string, file: string): string {
  return path.relative(path.dirname(path.resolve(baselineFile)), path.resolve(file)).split(path.sep).join('/');
}
