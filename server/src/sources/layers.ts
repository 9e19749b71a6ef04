/**
 * Values written inside other strings (a TXT value inside a YAML scalar inside a file) are decoded
 * layer by layer; each layer keeps a source map, and maps compose, so every value offset still lands
 * on its exact characters in the document.
 */
import { SourceMap } from '../sourcemap';

export interface Decoded {
  value: string;
  map: SourceMap;
  /** The map only knows the whole string, not each character (no fixes then). */
  coarse?: boolean;
  /** Built from pieces: fixes only inside one literal run (RecordSite.pieces). */
  pieces?: boolean;
}

/**
 * The value with each match of `slot` (a global pattern) made one hole (records/holes HOLE) over the
 * characters it was written with: the parts a program fills in when it runs (`%s`, `{}`, a Jinja
 * `{{ … }}`). The other characters keep their places in the document.
 */
export function holesAt<D extends { value: string; map: SourceMap }>(d: D, slot: RegExp, hole: string): D {
  const map = new SourceMap();
  let value = '';
  let last = 0;
  const copy = (to: number) => {
    for (let j = last; j < to; j++) {
      map.addPiece(d.value[j], d.map.toDocStart(j), d.map.toDocEnd(j + 1));
      value += d.value[j];
    }
  };
  slot.lastIndex = 0;
  for (let m = slot.exec(d.value); m; m = slot.exec(d.value)) {
    copy(m.index);
    const start = d.map.toDocStart(m.index);
    map.addEscape(start, d.map.toDocEnd(m.index + m[0].length) - start);
    value += hole;
    last = m.index + m[0].length;
    if (m[0].length === 0) slot.lastIndex++;
  }
  copy(d.value.length);
  return { ...d, value, map };
}

/**
 * Builds the next layer: `parts` are the output characters with the range of the previous layer's
 * value each one came from (one character, or an escape such as `\;` of two).
 */
export function compose(prev: SourceMap, parts: { text: string; from: number; to: number }[]): Decoded {
  const map = new SourceMap();
  let value = '';
  for (const p of parts) {
    const ds = prev.toDocStart(p.from);
    const de = prev.toDocEnd(p.to);
    for (let i = 0; i < p.text.length; i++) {
      if (p.text.length === 1 && p.to - p.from === 1 && de - ds === 1) map.addLiteral(ds, 1);
      else map.addEscape(ds, Math.max(1, de - ds));
    }
    value += p.text;
  }
  return { value, map };
}

/** The characters `from`..`to` of a decoded value, each still mapped to where it came from. */
export function sliceDecoded(d: Decoded, from: number, to: number): Decoded {
  const parts: { text: string; from: number; to: number }[] = [];
  for (let i = from; i < to; i++) parts.push({ text: d.value[i], from: i, to: i + 1 });
  return compose(d.map, parts);
}

/** A literal layer: the value is the document text from `start` to `end`. */
export function literal(text: string, start: number, end: number): Decoded {
  const map = new SourceMap();
  map.addLiteral(start, end - start);
  return { value: text.slice(start, end), map };
}

/** octoDNS writes `;` as `\;` in TXT values (it unescapes nothing else). */
export function octodnsUnescape(d: Decoded): { decoded: Decoded; unescaped: number[] } {
  const parts: { text: string; from: number; to: number }[] = [];
  const unescaped: number[] = [];
  const v = d.value;
  for (let i = 0; i < v.length; i++) {
    if (v[i] === '\\' && v[i + 1] === ';') {
      parts.push({ text: v[i + 1], from: i, to: i + 2 });
      i++;
    } else {
      if (v[i] === ';') unescaped.push(i);
      parts.push({ text: v[i], from: i, to: i + 1 });
    }
  }
  return { decoded: compose(d.map, parts), unescaped };
}

/**
 * Route 53 / CloudFormation TXT values: one or more `"…"` character-strings (with `\"` and `\\`),
 * joined as DNS joins them. Unquoted text is taken as it is. Strings over 255 bytes are reported.
 */
export function charStrings(d: Decoded): { decoded: Decoded; strings: { start: number; end: number; bytes: number }[]; problems: { message: string; from: number; to: number }[] } {
  const v = d.value;
  const parts: { text: string; from: number; to: number }[] = [];
  const strings: { start: number; end: number; bytes: number }[] = [];
  const problems: { message: string; from: number; to: number }[] = [];
  let out = 0;
  let i = 0;
  if (!v.trimStart().startsWith('"')) {
    for (let k = 0; k < v.length; k++) parts.push({ text: v[k], from: k, to: k + 1 });
    strings.push({ start: 0, end: v.length, bytes: Buffer.byteLength(v) });
    return { decoded: compose(d.map, parts), strings, problems };
  }
  while (i < v.length) {
    if (v[i] === ' ' || v[i] === '\t') {
      i++;
      continue;
    }
    if (v[i] !== '"') {
      problems.push({ message: 'Text outside the quoted strings of a TXT value; Route 53 expects each string in double quotes.', from: i, to: v.length });
      break;
    }
    const open = i++;
    const start = out;
    let bytes = 0;
    let closed = false;
    while (i < v.length) {
      if (v[i] === '\\' && i + 1 < v.length) {
        const m = /^\d{3}/.exec(v.slice(i + 1, i + 4));
        if (m) {
          parts.push({ text: String.fromCharCode(Number(m[0])), from: i, to: i + 4 });
          i += 4;
        } else {
          parts.push({ text: v[i + 1], from: i, to: i + 2 });
          i += 2;
        }
        out++;
        bytes++;
        continue;
      }
      if (v[i] === '"') {
        closed = true;
        i++;
        break;
      }
      parts.push({ text: v[i], from: i, to: i + 1 });
      bytes += Buffer.byteLength(v[i]);
      out++;
      i++;
    }
    if (!closed) problems.push({ message: 'A quoted string in the TXT value is not closed.', from: open, to: v.length });
    strings.push({ start, end: out, bytes });
    if (bytes > 255) problems.push({ message: `Character-string is ${bytes} bytes; one string holds at most 255 (RFC 1035 §3.3). Split it into several quoted strings.`, from: open, to: i });
  }
  return { decoded: compose(d.map, parts), strings, problems };
}
