/**
 * A YAML scalar's value with a source map to the document: plain, single-quoted and double-quoted
 * scalars (escapes and line folding), and block scalars. The decoded value is checked against the
 * `yaml` library's own; where they differ the map falls back to the whole scalar (coarse but never
 * wrong about which token).
 */
import { isScalar, type Node, type Scalar, type YAMLMap } from 'yaml';
import { SourceMap } from '../sourcemap';
import { hexCodePoint } from '../util/escapes';
import type { CharString, RecordSite, ValueSyntax } from '../types';
import type { Decoded } from './layers';

/** The value of `key` in a YAML map (the first, when a key repeats). */
export function get(map: YAMLMap, key: string): Node | undefined {
  const pair = map.items.find((p) => isScalar(p.key) && String((p.key as Scalar).value) === key);
  return (pair?.value as Node | null | undefined) ?? undefined;
}

/** A scalar's string or number as text; undefined for anything else. */
export function str(node: Node | undefined): string | undefined {
  return isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number') ? String(node.value) : undefined;
}

const DOUBLE_ESCAPES: Record<string, string> = { '0': '\0', a: '\x07', b: '\b', t: '\t', '\t': '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b', ' ': ' ', '"': '"', '/': '/', '\\': '\\', N: '\u0085', _: '\u00a0', L: '\u2028', P: '\u2029' };

export function scalarHost(node: Scalar): ValueSyntax['host'] {
  switch (node.type) {
    case 'QUOTE_DOUBLE':
      return 'yaml-double';
    case 'QUOTE_SINGLE':
      return 'yaml-single';
    case 'BLOCK_FOLDED':
    case 'BLOCK_LITERAL':
      return 'yaml-block';
    default:
      return 'yaml-plain';
  }
}

export function decodeScalar(text: string, node: Scalar): Decoded | undefined {
  if (!node.range || typeof node.value !== 'string') return undefined;
  const [start, end] = node.range;
  const map = new SourceMap();
  let value = '';
  const push = (s: string, docStart: number, docLen: number) => {
    if (s.length === 1 && docLen === 1) map.addLiteral(docStart, 1);
    else for (let k = 0; k < s.length; k++) map.addEscape(docStart, docLen);
    value += s;
  };
  /** Line folding inside flow scalars: a line break and the indentation around it read as one space. */
  const fold = (i: number, stop: number): number => {
    let j = i;
    let breaks = 0;
    while (j < stop && /[ \t\r\n]/.test(text[j])) {
      if (text[j] === '\n') breaks++;
      j++;
    }
    if (breaks === 0) {
      for (let k = i; k < j; k++) push(text[k], k, 1);
    } else if (breaks === 1) push(' ', i, j - i);
    else for (let k = 1; k < breaks; k++) push('\n', i, j - i);
    return j;
  };
  // Whether the blanks at `i` run into a line break (`/^[ \t]*\r?\n/` at i), answered once per run of
  // blanks: asked at each blank of a long run, the regex made a scalar of 40 000 spaces take a second.
  let runEnd = -1;
  let runBreaks = false;
  const blanksThenBreak = (i: number): boolean => {
    if (i < runEnd) return runBreaks;
    let j = i;
    while (j < end && (text[j] === ' ' || text[j] === '\t')) j++;
    runEnd = j;
    runBreaks = j < end && (text[j] === '\n' || (text[j] === '\r' && text[j + 1] === '\n'));
    return runBreaks;
  };
  // The next line break at or after `i` (for the blanks of a plain scalar), found once per line.
  let nl = -1;
  const breakAhead = (i: number): boolean => {
    if (nl < i) nl = text.indexOf('\n', i) >>> 0;
    return nl < end;
  };
  if (node.type === 'PLAIN') {
    for (let i = start; i < end; ) {
      if (/[ \t\r\n]/.test(text[i]) && breakAhead(i)) i = fold(i, end);
      else push(text[i], i, 1), i++;
    }
  } else if (node.type === 'QUOTE_SINGLE') {
    for (let i = start + 1; i < end - 1; ) {
      if (text[i] === "'" && text[i + 1] === "'") {
        push("'", i, 2);
        i += 2;
      } else if (/[\r\n]/.test(text[i]) || (/[ \t]/.test(text[i]) && blanksThenBreak(i))) i = fold(i, end - 1);
      else push(text[i], i, 1), i++;
    }
  } else if (node.type === 'QUOTE_DOUBLE') {
    for (let i = start + 1; i < end - 1; ) {
      const c = text[i];
      if (c === '\\') {
        const n = text[i + 1];
        if (n === '\n' || (n === '\r' && text[i + 2] === '\n')) {
          i += n === '\r' ? 3 : 2;
          while (i < end - 1 && /[ \t]/.test(text[i])) i++;
          continue;
        }
        const hex = n === 'x' ? 2 : n === 'u' ? 4 : n === 'U' ? 8 : 0;
        const code = hex ? hexCodePoint(text, i + 2, hex) : undefined;
        if (code !== undefined) {
          push(String.fromCodePoint(code), i, 2 + hex);
          i += 2 + hex;
        } else {
          // An escape without its hex digits, or past U+10FFFF (the YAML parser reports it), is read as the letter.
          push(DOUBLE_ESCAPES[n] ?? n, i, 2);
          i += 2;
        }
      } else if (/[\r\n]/.test(c) || (/[ \t]/.test(c) && blanksThenBreak(i))) i = fold(i, end - 1);
      else push(c, i, 1), i++;
    }
  } else {
    // Block scalars: header line, then content lines with their indentation removed.
    const header = text.indexOf('\n', start);
    const lines: { s: number; e: number }[] = [];
    for (let i = header + 1; i < end && i > 0; ) {
      const nl = text.indexOf('\n', i);
      const e = nl < 0 || nl > end ? end : nl;
      lines.push({ s: i, e });
      i = e + 1;
    }
    // Not Math.min(...lines): spreading a block of 200 000 lines overflows the call stack.
    let indent = Infinity;
    for (const l of lines) {
      if (text.slice(l.s, l.e).trim() === '') continue;
      let k = l.s;
      while (k < l.e && text[k] === ' ') k++;
      indent = Math.min(indent, k - l.s);
    }
    const folded = node.type === 'BLOCK_FOLDED';
    lines.forEach((l, k) => {
      const from = Math.min(l.s + (Number.isFinite(indent) ? indent : 0), l.e);
      for (let i = from; i < l.e; i++) if (text[i] !== '\r') push(text[i], i, 1);
      if (k < lines.length - 1) push(folded ? ' ' : '\n', l.e, 1);
    });
  }
  if (value === node.value) return { value, map };
  // Chomping, folding subtleties or anything unusual: keep the library's value, map it coarsely.
  const coarse = new SourceMap();
  for (let k = 0; k < node.value.length; k++) coarse.addEscape(start, end - start);
  return { value: node.value, map: coarse, coarse: true };
}

/** A record site for a TXT/SPF value decoded from a YAML scalar: its range the scalar's, its owner range the name's node. */
export function makeSite(uri: string, owner: string | undefined, type: 'TXT' | 'SPF', d: Decoded, strings: CharString[] | undefined, syntax: ValueSyntax, node: Scalar, ownerNode: Node | undefined, text: string): RecordSite {
  const [s, e] = node.range!;
  const range = { start: s, end: e };
  return {
    owner,
    type,
    value: d.value,
    strings: strings ?? [{ start: 0, end: d.value.length, bytes: Buffer.byteLength(d.value) }],
    map: d.map,
    syntax,
    uri,
    range,
    ownerRange: ownerNode?.range ? { start: ownerNode.range[0], end: ownerNode.range[1] } : { ...range },
    coarse: d.coarse,
    hostSource: node.type === 'PLAIN' ? text.slice(s, e) : undefined,
  };
}
