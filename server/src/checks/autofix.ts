import type { Finding } from '../types';
/**
 * The rules whose first fix `dmarc-lens check --fix` applies without asking. Each makes a record read
 * as it visibly reads: typography, encoding, case, white space and separators that DNS or receivers
 * read otherwise than a person does; or it removes a term receivers skip (the same mechanism again).
 * A fix that picks a policy, or writes what the file does not spell out (`+all` → `~all` or `-all`,
 * `-all` moved to the end, a `redirect` or an `all` dropped, `v=DMARC1` inserted, two SPF records
 * merged, a DMARC record added, `pct`/`rf`/`ri` taken out for RFC 7489 receivers) stays a quick fix
 * that a person chooses.
 */
export const AUTOFIX: ReadonlySet<string> = new Set([
  'zone/byte-order-mark',
  'zone/string-too-long',
  'zone/typographic-quotes',
  'source/lookalike-character',
  'octodns/unescaped-semicolon',
  'dmarc/leading-whitespace',
  'dmarc/comma-separator',
  'dmarc/missing-separator',
  'dmarc/whitespace-around-equals',
  'dkim/tag-case',
  'dkim/whitespace-in-key',
  'dkim/key-encoding',
  'spf/duplicate-mechanism',
  // Not meta/unused-suppression: the fix pass walks no SPF trees (no DNS), so it cannot tell that a
  // suppression of a lookup-tree finding is in use.
]);

/**
 * The edits `--fix` (and the editor's "fix all") make in one file, one pass: the first fix of each
 * finding of an AUTOFIX rule whose edits stay in the file and clear of the edits taken before (the
 * rest waits for the next pass). Edits in document offsets; `count` findings are fixed.
 */
export function autofixEdits(findings: readonly Finding[], uri: string): { edits: { start: number; end: number; newText: string }[]; count: number } {
  const edits: { start: number; end: number; newText: string }[] = [];
  let count = 0;
  for (const f of findings) {
    if (!AUTOFIX.has(f.rule) || f.uri !== uri) continue;
    const fix = f.fixes?.[0];
    if (!fix || fix.edits.some((e) => e.uri !== undefined && e.uri !== uri)) continue;
    // Touching edits wait too: two insertions at one place, or an edit that ends where another starts, are not ordered.
    const clear = fix.edits.every((e) => edits.every((t) => e.range.end < t.start || e.range.start > t.end));
    if (!clear) continue;
    for (const e of fix.edits) edits.push({ start: e.range.start, end: e.range.end, newText: e.newText });
    count++;
  }
  return { edits: edits.sort((a, b) => a.start - b.start), count };
}

/** A replacement of `start..end` of the original text. */
interface Region {
  start: number;
  end: number;
  newText: string;
}

/** The current text as pieces: slices of the original, and text the passes wrote. */
type Piece = { s: number; e: number } | { text: string };

/**
 * Every pass of "fix all" on a text, as edits of the original: `findings(text)` checks a text (the
 * caller's analysis, with suppressions applied). The edits are what changed between the original and
 * the last pass, each as small as the passes made it.
 */
export function fixAll(original: string, uri: string, findings: (text: string) => readonly Finding[], maxPasses = 10): { edits: Region[]; count: number; text: string } {
  let pieces: Piece[] = [{ s: 0, e: original.length }];
  let text = original;
  let count = 0;
  const len = (p: Piece) => ('text' in p ? p.text.length : p.e - p.s);
  const cut = (p: Piece, from: number, to: number): Piece => ('text' in p ? { text: p.text.slice(from, to) } : { s: p.s + from, e: p.s + to });
  for (let pass = 0; pass < maxPasses; pass++) {
    const step = autofixEdits(findings(text), uri);
    if (step.count === 0) break;
    count += step.count;
    // Right to left, so the offsets of the edits still to apply hold.
    for (const edit of [...step.edits].reverse()) {
      const next: Piece[] = [];
      let at = 0;
      for (const p of pieces) {
        const end = at + len(p);
        if (end <= edit.start || at >= edit.end) {
          // Wholly before or after the edit (an insertion goes before the piece that starts there).
          if (at >= edit.end && at === edit.start && edit.start === edit.end && !next.some((x) => x === INSERTED)) next.push(INSERTED);
          next.push(p);
        } else {
          if (edit.start > at) next.push(cut(p, 0, edit.start - at));
          if (!next.includes(INSERTED)) next.push(INSERTED);
          if (edit.end < end) next.push(cut(p, edit.end - at, len(p)));
        }
        at = end;
      }
      if (!next.includes(INSERTED)) next.push(INSERTED);
      pieces = next.map((p) => (p === INSERTED ? { text: edit.newText } : p));
      text = text.slice(0, edit.start) + edit.newText + text.slice(edit.end);
    }
  }
  // Runs of written text between original slices are the edits.
  const edits: Region[] = [];
  let cursor = 0;
  let written = '';
  const flush = (upTo: number) => {
    if ((upTo > cursor || written) && original.slice(cursor, upTo) !== written) edits.push({ start: cursor, end: upTo, newText: written });
    written = '';
  };
  for (const p of pieces) {
    if ('text' in p) written += p.text;
    else if (p.e > p.s) {
      if (p.s !== cursor || written) flush(p.s);
      cursor = p.e;
    }
  }
  flush(original.length);
  return { edits, count, text };
}

/** Where an edit's text goes among the pieces (a marker, replaced once placed). */
const INSERTED: Piece = { text: '' };
