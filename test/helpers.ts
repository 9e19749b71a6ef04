import type { AggregateReport } from '../server/src/reports/aggregate';
import * as path from 'node:path';
import { analyzeZone, type LintOptions } from '../server/src/service';
import type { Finding, Fix } from '../server/src/types';
import type { WorkspaceIndex } from '../server/src/workspace';

export const ROOT = path.resolve(__dirname, '..', '..');
export const CORPUS = path.resolve(ROOT, '..', 'shared', 'corpus');

/**
 * Lints zone lines under `$ORIGIN example.com.` (as the rule docs examples are written), or, with
 * `file`, a whole file of that name (octoDNS, CloudFormation examples).
 */
export function lint(lines: string, options: LintOptions & { origin?: string; workspace?: WorkspaceIndex; reports?: readonly AggregateReport[] } = {}, origin = 'example.com', file?: string) {
  const text = file ? lines : `$ORIGIN ${origin}.\n$TTL 300\n${lines}\n`;
  const analysis = analyzeZone(text, file ?? 'test.zone', options);
  return { text, ...analysis };
}

/** The document text a finding covers. */
export function covered(text: string, f: Finding): string {
  return text.slice(f.range.start, f.range.end);
}

/** Applies a fix's edits (non-overlapping) to the text. */
export function applyFix(text: string, fix: Fix): string {
  const edits = [...fix.edits].sort((a, b) => b.range.start - a.range.start);
  let out = text;
  for (const e of edits) out = out.slice(0, e.range.start) + e.newText + out.slice(e.range.end);
  return out;
}

export function rulesOf(findings: Finding[]): string[] {
  return findings.map((f) => f.rule);
}
