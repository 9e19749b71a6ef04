/**
 * A careful HCL (Terraform / OpenTofu native syntax) reader: a tokenizer for comments, strings with
 * escapes and `${…}`/`%{…}` templates, heredocs, and brackets, and a structural parser for blocks and
 * attributes. It keeps source ranges and never throws; what it cannot read statically it says so.
 */
import { hexCodePoint } from '../util/escapes';

export interface Token {
  kind: 'ident' | 'string' | 'heredoc' | 'number' | 'punct' | 'newline';
  text: string;
  start: number;
  end: number;
  /** A synthetic token for an expression: the tokens it spans (e.g. `trimspace(<<EOT … EOT)`). */
  parts?: Token[];
}

export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text[i];
    if (c === '\n') {
      out.push({ kind: 'newline', text: '\n', start: i, end: i + 1 });
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r') i++;
    else if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      while (i < n && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const e = text.indexOf('*/', i + 2);
      i = e < 0 ? n : e + 2;
    } else if (c === '"') {
      const start = i;
      i = stringEnd(text, i);
      out.push({ kind: 'string', text: text.slice(start, i), start, end: i });
    } else if (c === '<' && text[i + 1] === '<' && /[-A-Za-z_]/.test(text[i + 2] ?? '')) {
      const m = /^<<(-?)([A-Za-z_][A-Za-z0-9_]*)[^\n]*\n/.exec(text.slice(i));
      if (!m) {
        out.push({ kind: 'punct', text: '<', start: i, end: i + 1 });
        i++;
        continue;
      }
      const start = i;
      const re = new RegExp(`^[ \\t]*${m[2]}[ \\t]*$`, 'm');
      const body = text.slice(i + m[0].length);
      const endMatch = re.exec(body);
      i = endMatch ? i + m[0].length + endMatch.index + endMatch[0].length : n;
      out.push({ kind: 'heredoc', text: text.slice(start, i), start, end: i });
    } else if (/[A-Za-z_]/.test(c)) {
      const start = i;
      while (i < n && /[A-Za-z0-9_-]/.test(text[i])) i++;
      out.push({ kind: 'ident', text: text.slice(start, i), start, end: i });
    } else if (/[0-9]/.test(c)) {
      const start = i;
      while (i < n && /[0-9.eE]/.test(text[i])) i++;
      out.push({ kind: 'number', text: text.slice(start, i), start, end: i });
    } else {
      out.push({ kind: 'punct', text: c, start: i, end: i + 1 });
      i++;
    }
  }
  return out;
}

/** End (exclusive) of the string starting at `i`, skipping escapes and nested `${…}` templates. */
function stringEnd(text: string, i: number): number {
  let j = i + 1;
  while (j < text.length) {
    const c = text[j];
    if (c === '\\') j += 2;
    else if (c === '"') return j + 1;
    else if (c === '\n') return j;
    else if ((c === '$' || c === '%') && text[j + 1] === '{' && text[j - 1] !== c) {
      let depth = 0;
      for (j += 1; j < text.length; j++) {
        if (text[j] === '{') depth++;
        else if (text[j] === '}' && --depth === 0) break;
        else if (text[j] === '"') j = stringEnd(text, j) - 1;
      }
      j++;
    } else j++;
  }
  // An unclosed template or a backslash at the very end steps past the text: the string ends with it.
  return Math.min(j, text.length);
}

export interface Attribute {
  name: string;
  nameStart: number;
  /** The expression's tokens. */
  value: Token[];
  start: number;
  end: number;
}

export interface Block {
  type: string;
  labels: string[];
  attributes: Map<string, Attribute>;
  blocks: Block[];
  start: number;
  end: number;
}

/** Parses a body (top level, or inside braces) into attributes and nested blocks. */
export function parseBody(tokens: Token[], from = 0, until = tokens.length): { attributes: Map<string, Attribute>; blocks: Block[] } {
  const attributes = new Map<string, Attribute>();
  const blocks: Block[] = [];
  let i = from;
  while (i < until) {
    const t = tokens[i];
    if (t.kind !== 'ident') {
      i++;
      continue;
    }
    const next = tokens[i + 1];
    if (next?.kind === 'punct' && (next.text === '=' || next.text === ':') && tokens[i + 2]?.text !== '=') {
      // attribute: value runs to the end of the line at bracket depth 0
      let j = i + 2;
      let depth = 0;
      while (j < until) {
        const x = tokens[j];
        if (x.kind === 'punct' && '([{'.includes(x.text)) depth++;
        else if (x.kind === 'punct' && ')]}'.includes(x.text)) {
          if (depth === 0) break;
          depth--;
        } else if ((x.kind === 'newline' || (x.kind === 'punct' && x.text === ',')) && depth === 0) break;
        j++;
      }
      const value = tokens.slice(i + 2, j).filter((x) => x.kind !== 'newline');
      attributes.set(t.text, { name: t.text, nameStart: t.start, value, start: t.start, end: value.length ? value[value.length - 1].end : next.end });
      i = j + 1;
      continue;
    }
    // block: ident labels… {
    const labels: string[] = [];
    let j = i + 1;
    while (j < until && (tokens[j].kind === 'string' || tokens[j].kind === 'ident')) {
      labels.push(tokens[j].kind === 'string' ? tokens[j].text.slice(1, -1) : tokens[j].text);
      j++;
    }
    if (tokens[j]?.kind === 'punct' && tokens[j].text === '{') {
      let depth = 0;
      let k = j;
      for (; k < until; k++) {
        if (tokens[k].kind === 'punct' && tokens[k].text === '{') depth++;
        else if (tokens[k].kind === 'punct' && tokens[k].text === '}' && --depth === 0) break;
      }
      const inner = parseBody(tokens, j + 1, k);
      blocks.push({ type: t.text, labels, attributes: inner.attributes, blocks: inner.blocks, start: t.start, end: tokens[Math.min(k, until - 1)]?.end ?? t.end });
      i = k + 1;
    } else i = j + 1;
  }
  return { attributes, blocks };
}

/** A string literal's parts: literal text (with the document range of each character) and templates. */
export type StringPart = { kind: 'text'; text: string; from: number; to: number } | { kind: 'template'; expr: string; from: number; to: number; directive?: true; unclosed?: true };

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };

/** Decodes a quoted HCL string token into parts, one per character or template. */
/**
 * The parts of a heredoc (`<<EOT` or the indented `<<-EOT`): every line of the body with its newline,
 * as HCL keeps it (the line with the closing marker is not part of it); `<<-` removes the indentation
 * common to the lines. Interpolations and `$${` escapes as in quoted strings.
 */
export function heredocParts(tok: Token): StringPart[] | undefined {
  const t = tok.text;
  const m = /^<<(-?)([A-Za-z_][A-Za-z0-9_]*)[^\n]*\n/.exec(t);
  if (!m) return undefined;
  const bodyStart = m[0].length;
  const close = new RegExp(`^[ \\t]*${m[2]}[ \\t]*$`, 'm').exec(t.slice(bodyStart));
  if (!close) return undefined;
  const bodyEnd = bodyStart + close.index;
  const lines: [number, number][] = [];
  for (let i = bodyStart; i < bodyEnd; ) {
    const nl = t.indexOf('\n', i);
    const e = nl < 0 || nl >= bodyEnd ? bodyEnd : nl + 1;
    lines.push([i, e]);
    i = e;
  }
  let strip = 0;
  if (m[1] === '-') {
    const indents = lines.filter(([a, b]) => t.slice(a, b).trim() !== '').map(([a, b]) => /^[ \t]*/.exec(t.slice(a, b))![0].length);
    strip = indents.length ? Math.min(...indents) : 0;
  }
  const parts: StringPart[] = [];
  for (const [a, b] of lines) {
    const from = Math.min(a + strip, b - (t[b - 1] === '\n' ? 1 : 0));
    const inner: Token = { kind: 'string', text: `"${t.slice(from, b)}"`, start: tok.start + from - 1, end: tok.start + b + 1 };
    // Heredocs have no backslash escapes: only interpolation is read, text is taken as it is.
    for (const part of stringParts(inner, false)) parts.push(part);
  }
  return parts;
}

export function stringParts(tok: Token, escapes = true): StringPart[] {
  const t = tok.text;
  const parts: StringPart[] = [];
  const base = tok.start;
  const end = t.endsWith('"') && t.length > 1 ? t.length - 1 : t.length;
  for (let i = 1; i < end; ) {
    const c = t[i];
    if (c === '\\' && escapes && i + 1 < end) {
      const n = t[i + 1];
      const hex = n === 'u' ? 4 : n === 'U' ? 8 : 0;
      const code = hex ? hexCodePoint(t, i + 2, hex) : undefined;
      if (code !== undefined) {
        parts.push({ kind: 'text', text: String.fromCodePoint(code), from: base + i, to: base + i + 2 + hex });
        i += 2 + hex;
      } else {
        // A `\u`/`\U` without its hex digits (Terraform refuses it) is read as the letter, as other unknown escapes are.
        parts.push({ kind: 'text', text: ESCAPES[n] ?? n, from: base + i, to: base + i + 2 });
        i += 2;
      }
    } else if ((c === '$' || c === '%') && t[i + 1] === c && t[i + 2] === '{') {
      // `$${` and `%%{` are a literal `${` / `%{`
      parts.push({ kind: 'text', text: c, from: base + i, to: base + i + 2 });
      parts.push({ kind: 'text', text: '{', from: base + i + 2, to: base + i + 3 });
      i += 3;
    } else if ((c === '$' || c === '%') && t[i + 1] === '{') {
      let depth = 0;
      let j = i + 1;
      for (; j < end; j++) {
        if (t[j] === '{') depth++;
        else if (t[j] === '}' && --depth === 0) break;
      }
      // `%{ if … }`, `%{ for … }`: a directive, which repeats or leaves out the text around it.
      // A `${` that nothing closes runs to the end of the string (Terraform refuses it).
      const unclosed = j >= end ? { unclosed: true as const } : {};
      parts.push({ kind: 'template', expr: t.slice(i + 2, j).trim(), from: base + i, to: base + Math.min(j + 1, end), ...unclosed, ...(c === '%' ? { directive: true as const } : {}) });
      i = j + 1;
    } else {
      parts.push({ kind: 'text', text: c, from: base + i, to: base + i + 1 });
      i++;
    }
  }
  return parts;
}
