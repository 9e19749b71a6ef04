/**
 * Maps offsets in a record value (what DNS serves) back to offsets in the document it was written in,
 * through quotes, escapes and string splits. Each segment is either a literal run (value length ==
 * document length) or a single escaped character (`\"`, `\\`, `\DDD`: one value char, 2 or 4 doc chars).
 */
import type { OffsetRange } from './types';

export class SourceMap {
  /** Segments, four numbers each: value start, document start, value length, document length. */
  private seg: number[] = [];
  private length = 0;
  /**
   * Document offsets rise with value offsets (true of every value written in one place). A value
   * built from pieces written in several places (a Terraform join, a DNSControl concatenation) may
   * go back: then a document offset is looked up by scanning.
   */
  private rising = true;

  /** `len` value characters written literally from document offset `docStart`. */
  addLiteral(docStart: number, len: number): void {
    if (len <= 0) return;
    const s = this.seg;
    const n = s.length - 4;
    if (n >= 0 && s[n + 2] === s[n + 3] && s[n + 1] + s[n + 3] === docStart) {
      s[n + 2] += len;
      s[n + 3] += len;
    } else {
      if (n >= 0 && docStart < s[n + 1]) this.rising = false;
      s.push(this.length, docStart, len, len);
    }
    this.length += len;
  }

  /**
   * `text` (each of its UTF-16 units) written at document `from`..`to`: one character written as
   * itself is literal; an escape, or text that is not written as such (`generated`: a reference's
   * value, an interpolation), is an escape of that range.
   */
  addPiece(text: string, from: number, to: number, generated = false): void {
    if (!generated && text.length === 1 && to - from === 1) this.addLiteral(from, 1);
    else for (let k = 0; k < text.length; k++) this.addEscape(from, Math.max(1, to - from));
  }

  /** One value character written as an escape of `docLen` characters at `docStart`. */
  addEscape(docStart: number, docLen: number): void {
    const n = this.seg.length - 4;
    if (n >= 0 && docStart < this.seg[n + 1]) this.rising = false;
    this.seg.push(this.length, docStart, 1, docLen);
    this.length += 1;
  }

  /**
   * Done adding: the segments are kept in an array of exactly their size (a growing array keeps
   * room for 17 numbers, which over a workspace of 100 000 records is tens of megabytes).
   */
  seal(): this {
    this.seg = this.seg.slice();
    return this;
  }

  /** Moves the whole value by `d` document characters (an edit before it added or removed text). */
  shift(d: number): void {
    for (let i = 1; i < this.seg.length; i += 4) this.seg[i] += d;
  }

  get valueLength(): number {
    return this.length;
  }

  /** Index (in segments) of the segment holding value offset `v`. */
  private segmentOf(v: number): number {
    const s = this.seg;
    let lo = 0;
    let hi = (s.length >> 2) - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid << 2] <= v) lo = mid;
      else hi = mid - 1;
    }
    return lo << 2;
  }

  /** Document offset where the value character at `v` starts (end of the value maps past its last char). */
  toDocStart(v: number): number {
    const s = this.seg;
    if (s.length === 0) return 0;
    if (v >= this.length) return this.toDocEnd(this.length);
    const i = this.segmentOf(Math.max(0, v));
    if (s[i + 2] === s[i + 3]) return s[i + 1] + (v - s[i]);
    return s[i + 1];
  }

  /** Document offset just past the value character at `v - 1`. */
  toDocEnd(v: number): number {
    const s = this.seg;
    if (s.length === 0) return 0;
    if (v <= 0) return this.toDocStart(0);
    const c = Math.min(v, this.length) - 1;
    const i = this.segmentOf(c);
    if (s[i + 2] === s[i + 3]) return s[i + 1] + (c - s[i]) + 1;
    return s[i + 1] + s[i + 3];
  }

  /**
   * The value offset written at document offset `d`, or undefined when `d` is outside the value
   * (on a quote, between two strings). The end of the value maps to the value length.
   */
  toValueOffset(d: number): number | undefined {
    const s = this.seg;
    const n = s.length >> 2;
    if (n === 0) return undefined;
    if (!this.rising) {
      // The first piece written at `d`; else a cursor just past one.
      for (let i = 0; i < s.length; i += 4) if (d >= s[i + 1] && d < s[i + 1] + s[i + 3]) return s[i + 2] === s[i + 3] ? s[i] + (d - s[i + 1]) : s[i];
      for (let i = 0; i < s.length; i += 4) if (d === s[i + 1] + s[i + 3]) return s[i] + s[i + 2];
      return undefined;
    }
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[(mid << 2) + 1] <= d) lo = mid;
      else hi = mid - 1;
    }
    const i = lo << 2;
    const ds = s[i + 1];
    if (d < ds) return undefined;
    if (d < ds + s[i + 3]) return s[i + 2] === s[i + 3] ? s[i] + (d - ds) : s[i];
    // Just past the segment: the end of this run (a cursor after the last character typed).
    if (d === ds + s[i + 3]) return s[i] + s[i + 2];
    return undefined;
  }

  /**
   * Whether an edit of value range `r` edits exactly those characters: they lie in one literal run
   * (an insertion, between two characters of one run or at an end of the value beside one), and no
   * other part of the value is written by the same document characters (a join separator, a
   * for-expression's template: an edit there would change every place the value repeats it).
   */
  exact(r: OffsetRange): boolean {
    const s = this.seg;
    if (s.length === 0 || r.start < 0 || r.end > this.length || r.end < r.start) return false;
    const a = r.end > r.start ? r.start : r.start > 0 ? r.start - 1 : 0;
    const b = r.end > r.start ? r.end - 1 : r.start < this.length ? r.start : a;
    if (a >= this.length) return false;
    const i = this.segmentOf(a);
    if (s[i + 2] !== s[i + 3] || b >= s[i] + s[i + 2]) return false;
    const ds = s[i + 1];
    const de = ds + s[i + 3];
    for (let j = 0; j < s.length; j += 4) if (j !== i && s[j + 1] < de && ds < s[j + 1] + Math.max(1, s[j + 3])) return false;
    return true;
  }

  toDocRange(r: OffsetRange): OffsetRange {
    const start = this.toDocStart(r.start);
    if (r.end <= r.start) return { start, end: start };
    const end = this.toDocEnd(r.end);
    // Pieces written in several places, the last before the first: the first piece, not an empty range.
    if (end <= start && !this.rising && r.start < this.length) return { start, end: Math.max(start + 1, this.toDocEnd(Math.min(r.end, this.pieceEnd(r.start)))) };
    return { start, end: Math.max(start, end) };
  }

  /** The value offset just past the segment that holds value offset `v`. */
  private pieceEnd(v: number): number {
    const i = this.segmentOf(v);
    return this.seg[i] + this.seg[i + 2];
  }
}
