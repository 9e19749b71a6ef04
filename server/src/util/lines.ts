/** Offsets to LSP positions: 0-based lines, UTF-16 characters (JS string offsets already are). */
export interface Position {
  line: number;
  character: number;
}

export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  positionAt(offset: number): Position {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - this.starts[lo] };
  }

  offsetAt(p: Position): number {
    return (this.starts[p.line] ?? this.starts[this.starts.length - 1]) + p.character;
  }
}

/**
 * The range of a parser error at `offset` (`length` characters, at least one) kept inside a text of
 * `size` characters: an error at the very end (a missing bracket) marks the last character.
 */
export function errorRange(offset: number, length: number, size: number): { start: number; end: number } {
  const end = Math.min(size, Math.max(0, offset) + Math.max(1, length));
  const start = Math.min(Math.max(0, offset), end === size ? Math.max(0, size - 1) : end);
  return { start, end };
}
