/**
 * Maps offsets in a record value (what DNS serves) back to offsets in the document it was written in,
 * through quotes, escapes and string splits. Each segment is either a literal run (value length ==
 * document length) or a single escaped character (`\"`, `\\`, `\DDD`: one value char, 2 or 4 doc chars).
 */
import type { OffsetRange } from './types';

export class SourceMap {
  private readonly vStart: number[] = [];
  private readonly dStart: number[] = [];
  private readonly vLen: number[] = [];
  private readonly dLen: number[] = [];
  private length = 0;

  /** `len` value characters written literally from document offset `docStart`. */
  addLiteral(docStart: number, len: number): void {
    if (len <= 0) return;
    const n = this.vStart.length - 1;
    if (n >= 0 && this.vLen[n] === this.dLen[n] && this.dStart[n] + this.dLen[n] === docStart) {
      this.vLen[n] += len;
      this.dLen[n] += len;
    } else {
      this.push(docStart, len, len);
    }
    this.length += len;
  }

  /** One value character written as an escape of `docLen` characters at `docStart`. */
  addEscape(docStart: number, docLen: number): void {
    this.push(docStart, 1, docLen);
    this.length += 1;
  }

  private push(d: number, vl: number, dl: number): void {
    this.vStart.push(this.length);
    this.dStart.push(d);
    this.vLen.push(vl);
    this.dLen.push(dl);
  }

  /** Moves the whole value by `d` document characters (an edit before it added or removed text). */
  shift(d: number): void {
    for (let i = 0; i < this.dStart.length; i++) this.dStart[i] += d;
  }

  get valueLength(): number {
    return this.length;
  }

  private segmentOf(v: number): number {
    let lo = 0;
    let hi = this.vStart.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.vStart[mid] <= v) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Document offset where the value character at `v` starts (end of the value maps past its last char). */
  toDocStart(v: number): number {
    if (this.vStart.length === 0) return 0;
    if (v >= this.length) return this.toDocEnd(this.length);
    const i = this.segmentOf(Math.max(0, v));
    if (this.vLen[i] === this.dLen[i]) return this.dStart[i] + (v - this.vStart[i]);
    return this.dStart[i];
  }

  /** Document offset just past the value character at `v - 1`. */
  toDocEnd(v: number): number {
    if (this.vStart.length === 0) return 0;
    if (v <= 0) return this.toDocStart(0);
    const c = Math.min(v, this.length) - 1;
    const i = this.segmentOf(c);
    if (this.vLen[i] === this.dLen[i]) return this.dStart[i] + (c - this.vStart[i]) + 1;
    return this.dStart[i] + this.dLen[i];
  }

  /**
   * The value offset written at document offset `d`, or undefined when `d` is outside the value
   * (on a quote, between two strings). The end of the value maps to the value length.
   */
  toValueOffset(d: number): number | undefined {
    const n = this.dStart.length;
    if (n === 0) return undefined;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.dStart[mid] <= d) lo = mid;
      else hi = mid - 1;
    }
    const ds = this.dStart[lo];
    if (d < ds) return undefined;
    if (d < ds + this.dLen[lo]) return this.vLen[lo] === this.dLen[lo] ? this.vStart[lo] + (d - ds) : this.vStart[lo];
    // Just past the segment: the end of this run (a cursor after the last character typed).
    if (d === ds + this.dLen[lo]) return this.vStart[lo] + this.vLen[lo];
    return undefined;
  }

  toDocRange(r: OffsetRange): OffsetRange {
    const start = this.toDocStart(r.start);
    if (r.end <= r.start) return { start, end: start };
    return { start, end: Math.max(start, this.toDocEnd(r.end)) };
  }
}
