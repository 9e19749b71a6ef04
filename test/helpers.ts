import type { AggregateReport } from '../server/src/reports/aggregate';
import * as path from 'node:path';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { TagRecord } from '../server/src/records/taglist';
import type { RecordContext } from '../server/src/checks/rule';
import type { RecordSite } from '../server/src/types';
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

/**
 * Property: a tag-list record's parser and rules never throw on values made of `piece`s, and every
 * range they give (tags, problems, findings, fix edits) lies inside the value.
 */
export function assertRulesStayInValue(parse: (value: string) => TagRecord, rules: readonly { check(record: TagRecord, ctx: RecordContext): void }[], piece: fc.Arbitrary<string>): void {
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 12 }), (ps) => {
      const value = ps.join('');
      const r = parse(value);
      const ranges = [...r.tags.flatMap((t) => [t.range, t.nameRange, t.valueRange]), ...r.problems.map((p) => p.range)];
      for (const rule of rules)
        rule.check(r, {
          site: {} as RecordSite,
          report: (range, _m, o) => {
            ranges.push(range);
            for (const f of o?.fixes ?? []) ranges.push(...f.edits.map((e) => e.range));
          },
        });
      for (const x of ranges) assert.ok(0 <= x.start && x.start <= x.end && x.end <= value.length, `${JSON.stringify(x)} in ${JSON.stringify(value)}`);
    }),
    { numRuns: Number(process.env.DL_PROPERTY_RUNS ?? 300) },
  );
}
