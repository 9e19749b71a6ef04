/**
 * Inline suppressions in each syntax's own comments:
 *   ; dmarc-lens-disable-next-line spf/ptr -- legacy relay, removal tracked in OPS-123   (zone files)
 *   # dmarc-lens-disable-next-line dmarc/pct-removed                                      (Terraform, YAML)
 *   // dmarc-lens-disable-file dkim/rsa-key-under-2048 -- rotating in Q3                 (dnsconfig.js, HCL)
 * Without rule ids the comment silences every rule. A suppression that silences nothing is itself a
 * hint with a fix that removes it; an unknown rule id in one is a warning.
 */
import { rulesById } from './checks/registry';
import type { Finding, Fix, OffsetRange } from './types';
import { LineIndex } from './util/lines';

export interface Suppression {
  kind: 'next-line' | 'file';
  rules: string[];
  reason?: string;
  /** The whole comment line (for the removal fix) and the directive itself (for findings). */
  line: OffsetRange;
  range: OffsetRange;
  /** 0-based line the suppression applies to (next-line). */
  target: number;
  used: boolean;
}

export interface Suppressed extends Finding {
  justification?: string;
}

/** Comment leaders a file format allows, by file name. */
export function commentPrefix(uri: string): string {
  if (/dnsconfig\.js$/i.test(uri)) return '//';
  if (/\.(tf|ya?ml)$/i.test(uri)) return '#';
  return ';';
}

const DIRECTIVE = /(;|#|\/\/)[ \t]*dmarc-lens-disable-(next-line|file)\b([^\n]*)/g;
/** The word every suppression comment contains: text without it has none. */
export const SUPPRESSION_WORD = 'dmarc-lens-disable';

/**
 * Whether an edit can have added a suppression comment to a text that had none: whether the word
 * overlaps the part of `text` between the `prefix` and `suffix` no edit touched (a word wholly in
 * either was in the old text too). An editor's keystroke in a 5 MB zone is then searched around the
 * keystroke, not through the whole text.
 */
export function editAddsSuppression(text: string, prefix: number, suffix: number): boolean {
  const from = Math.max(0, prefix - SUPPRESSION_WORD.length + 1);
  const to = Math.min(text.length, text.length - suffix + SUPPRESSION_WORD.length - 1);
  return from < to && text.slice(from, to).includes(SUPPRESSION_WORD);
}

export function findSuppressions(text: string): Suppression[] {
  const out: Suppression[] = [];
  // Most files have none: a plain substring search is far cheaper than the pattern over a big zone.
  if (!text.includes(SUPPRESSION_WORD)) return out;
  const index = new LineIndex(text);
  for (let m = DIRECTIVE.exec(text); m; m = DIRECTIVE.exec(text)) {
    const start = m.index;
    const pos = index.positionAt(start);
    const lineStart = start - pos.character;
    // Only a comment that is the whole line, or ends one: not text inside a string.
    const before = text.slice(lineStart, start);
    if (/["']/.test(before) && (before.split('"').length - 1) % 2 === 1) continue;
    const rest = m[3];
    const dash = rest.indexOf('--');
    const ids = (dash >= 0 ? rest.slice(0, dash) : rest).split(/[\s,]+/).filter(Boolean);
    const reason = dash >= 0 ? rest.slice(dash + 2).trim() || undefined : undefined;
    let lineEnd = text.indexOf('\n', start);
    if (lineEnd < 0) lineEnd = text.length;
    const wholeLine = /^[ \t]*$/.test(before);
    out.push({
      kind: m[2] === 'file' ? 'file' : 'next-line',
      rules: ids,
      reason,
      line: wholeLine ? { start: lineStart, end: Math.min(text.length, lineEnd + 1) } : { start: start - (before.length - before.trimEnd().length), end: lineEnd },
      range: { start, end: lineEnd },
      target: wholeLine ? pos.line + 1 : pos.line,
      used: false,
    });
  }
  return out;
}

/**
 * Splits a file's findings into the ones reported and the ones suppressed, and adds the findings
 * about the suppressions themselves (unused, unknown rule id).
 */
export function applySuppressions(text: string, uri: string, findings: Finding[]): { findings: Finding[]; suppressed: Suppressed[] } {
  const sups = findSuppressions(text);
  if (sups.length === 0) return { findings, suppressed: [] };
  const index = new LineIndex(text);
  const kept: Finding[] = [];
  const suppressed: Suppressed[] = [];
  for (const f of findings) {
    const line = f.uri === uri ? index.positionAt(f.range.start).line : -1;
    const s = f.uri === uri ? sups.find((x) => (x.kind === 'file' || x.target === line) && (x.rules.length === 0 || x.rules.includes(f.rule))) : undefined;
    if (s) {
      s.used = true;
      suppressed.push({ ...f, justification: s.reason });
    } else kept.push(f);
  }
  for (const s of sups) {
    for (const id of s.rules)
      if (!rulesById.has(id))
        kept.push({ rule: 'meta/unknown-rule', severity: 'warning', message: `\`${id}\` is not a DMARC Lens rule id, so this suppression silences nothing for it (see \`dmarc-lens rules\`).`, uri, range: s.range });
    if (!s.used && s.rules.every((id) => rulesById.has(id))) {
      const fix: Fix = { title: 'Remove the unused suppression', edits: [{ range: s.line, newText: '' }] };
      kept.push({ rule: 'meta/unused-suppression', severity: 'hint', message: `This suppression silences no finding${s.rules.length ? ` of ${s.rules.join(', ')}` : ''}; remove it.`, uri, range: s.range, fixes: [fix] });
    }
  }
  return { findings: kept, suppressed };
}

/** The edit that suppresses one finding: a comment line above the finding's line, indented like it. */
export function suppressionFix(text: string, uri: string, f: Finding): Fix {
  const index = new LineIndex(text);
  const pos = index.positionAt(f.range.start);
  const lineStart = f.range.start - pos.character;
  const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
  return {
    title: `Suppress ${f.rule} for this line`,
    edits: [{ range: { start: lineStart, end: lineStart }, newText: `${indent}${commentPrefix(uri)} dmarc-lens-disable-next-line ${f.rule} -- \n` }],
  };
}
