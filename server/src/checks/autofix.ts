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
  // Report destinations written as a list the wrong way (a space or `;` between URIs, an address in
  // angle brackets) or without the `mailto:` every destination needs: the address is written, only not as a URI.
  'dmarc/invalid-uri',
  // Its one fix joins a second report URI written after `rua=…;` to the list with `,`.
  'dmarc/syntax-error',
  // The same destination again: the URI removed is written before.
  'dmarc/duplicate-uri',
  'dkim/tag-case',
  'dkim/missing-separator',
  'dkim/whitespace-in-key',
  'dkim/key-encoding',
  'spf/duplicate-mechanism',
  'spf/wrong-separator',
  'spf/glued-strings',
  'spf/glued-all',
  // A space inside a term (`ip4: 192.0.2.1`, `~ all`), and `include=` / `redirect:`: the term as it visibly reads.
  'spf/split-term',
  'spf/wrong-delimiter',
  // Not meta/unused-suppression: the fix pass walks no SPF trees (no DNS), so it cannot tell that a
  // suppression of a lookup-tree finding is in use.
]);

/** A replacement of `start..end` of the original text. */
interface Region {
  start: number;
  end: number;
  newText: string;
}

/** Passes of `--fix` and "fix all": a fix can uncover another (a tag separated, then its value), so the check runs again. */
export const MAX_FIX_PASSES = 10;

/**
 * The edits `--fix` (and the editor's "fix all") make in one file, one pass: the first fix of each
 * finding of an AUTOFIX rule whose edits stay in the file and clear of the edits taken before (the
 * rest waits for the next pass). Edits in document offsets; `count` findings are fixed.
 */
export function autofixEdits(findings: readonly Finding[], uri: string): { edits: Region[]; count: number } {
  // Taken edits, sorted by start: a binary search finds where an edit goes and the neighbours it could touch.
  const edits: Region[] = [];
  /** The first taken edit that starts after `x`. */
  const after = (x: number) => {
    let lo = 0;
    let hi = edits.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (edits[mid].start <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  // The edits before it start at or before e: the last of them reaches furthest, as taken edits never overlap.
  const clearOf = (s: number, e: number) => {
    const i = after(e);
    return i === 0 || edits[i - 1].end < s;
  };
  let count = 0;
  for (const f of findings) {
    if (!AUTOFIX.has(f.rule) || f.uri !== uri) continue;
    const fix = f.fixes?.[0];
    if (!fix || fix.edits.some((e) => e.uri !== undefined && e.uri !== uri)) continue;
    // Touching edits wait too: two insertions at one place, or an edit that ends where another starts, are not ordered.
    if (!fix.edits.every((e) => clearOf(e.range.start, e.range.end))) continue;
    // The edits of one fix must not touch each other either.
    const own = [...fix.edits].sort((a, b) => a.range.start - b.range.start);
    if (own.some((e, i) => i > 0 && own[i - 1].range.end >= e.range.start)) continue;
    for (const e of own) edits.splice(after(e.range.start), 0, { start: e.range.start, end: e.range.end, newText: e.newText });
    count++;
  }
  return { edits, count };
}

/** Edits sorted by start and apart, applied in one pass over the text. */
export function applyEdits(text: string, edits: readonly Region[]): string {
  const parts: string[] = [];
  let last = 0;
  for (const e of edits) {
    parts.push(text.slice(last, e.start), e.newText);
    last = e.end;
  }
  parts.push(text.slice(last));
  return parts.join('');
}

/** The current text as pieces: slices of the original, and text the passes wrote. */
type Piece = { s: number; e: number } | { text: string };

/**
 * Every pass of "fix all" on a text, as edits of the original: `findings(text)` checks a text (the
 * caller's analysis, with suppressions applied). The edits are what changed between the original and
 * the last pass, each as small as the passes made it.
 */
export function fixAll(original: string, uri: string, findings: (text: string) => readonly Finding[], maxPasses = MAX_FIX_PASSES): { edits: Region[]; count: number; text: string } {
  let pieces: Piece[] = [{ s: 0, e: original.length }];
  let text = original;
  let count = 0;
  const len = (p: Piece) => ('text' in p ? p.text.length : p.e - p.s);
  const cut = (p: Piece, from: number, to: number): Piece => ('text' in p ? { text: p.text.slice(from, to) } : { s: p.s + from, e: p.s + to });
  for (let pass = 0; pass < maxPasses; pass++) {
    const step = autofixEdits(findings(text), uri);
    if (step.count === 0) break;
    count += step.count;
    // One sweep over the pieces and the pass's edits (sorted, apart), in the current text's offsets.
    const next: Piece[] = [];
    let k = 0;
    let at = 0;
    let skipUntil = 0;
    const edits = step.edits;
    for (const p of pieces) {
      const end = at + len(p);
      let pos = Math.min(Math.max(at, skipUntil), end);
      // An edit starting at the piece's end belongs to the next piece, unless it only inserts.
      while (k < edits.length && (edits[k].start < end || (edits[k].start === end && edits[k].end === end))) {
        const e = edits[k];
        if (e.start > pos) next.push(cut(p, pos - at, e.start - at));
        next.push({ text: e.newText });
        if (e.end <= end) pos = Math.max(pos, e.end);
        else {
          skipUntil = e.end;
          pos = end;
        }
        k++;
      }
      if (pos < end) next.push(cut(p, pos - at, end - at));
      at = end;
    }
    for (; k < edits.length; k++) next.push({ text: edits[k].newText });
    pieces = next;
    text = applyEdits(text, edits);
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
