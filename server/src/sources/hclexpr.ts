/**
 * Evaluates the HCL expressions people write record values and names with, where every input is
 * known statically: string templates, list and object literals, `[for x in LIST : …]`, indexing and
 * attributes (`local.records[count.index].value`), and Terraform's string and list functions
 * (`join`, `format`, `concat`, `lower`, `replace`, `toset`…). Every character of a result keeps the
 * document range it came from: a character written in this file maps to itself, one that comes from
 * a reference whose definition is elsewhere maps to the reference. What it cannot know (a variable
 * without a default, a resource attribute, an operator, a function it does not know) makes the whole
 * expression unknown: never a guess, never a throw.
 */
import type { Decoded } from './layers';
import { heredocParts, stringParts, tokenize, type Token } from './hcl';
import { SourceMap } from '../sourcemap';

/** One character of a value and the document range it came from. */
export interface Ch {
  c: string;
  from: number;
  to: number;
  /** Not written as this character (a reference's value, a count): never a literal run. */
  gen?: true;
}

export type HVal =
  | { k: 's'; chars: Ch[]; /** The value is exactly this string literal of the file, as written (fixes can edit it). */ tok?: Token }
  | { k: 'l'; items: HVal[] }
  | { k: 'o'; fields: Map<string, HVal> }
  | { k: 'n' };

export interface ExprEnv {
  /** A reference the caller knows as a string (`count.index`, `each.key`, a zone's name, a module input), by its text. */
  scalar(ref: string): string | undefined;
  /** The tokens `local.x` or `var.x` (a default) is defined with; `here` when they are this file's. */
  definition(ref: string): { tokens: readonly Token[]; here: boolean } | undefined;
  /** `file(path)`: the text of a file beside the module, when it can be read. */
  file?(path: string): string | undefined;
}

class Unknown extends Error {}
/** Why the last expression was not known: the first reference or function it could not read. */
let why: string | undefined;
const unknown = (reason?: string): never => {
  if (reason !== undefined && why === undefined) why = reason;
  throw new Unknown();
};

/** What made the last `evaluate` unknown (`var.list`, `jsonencode()`), when it was one thing. */
export function lastUnknown(): string | undefined {
  return why;
}

/** The value of an expression, or undefined when any part of it is not known statically; `vars` binds names (a dynamic block's iterator). */
export function evaluate(tokens: readonly Token[], env: ExprEnv, vars: ReadonlyMap<string, HVal> = new Map()): HVal | undefined {
  why = undefined;
  return run(tokens, env, vars, 0);
}

/** A collection's elements as `for` and `for_each` walk them: a list by index, an object by key in key order. */
export function elementsOf(v: HVal): [string, HVal][] | undefined {
  if (v.k === 'l') return v.items.map((x, i) => [String(i), x]);
  if (v.k === 'o') return [...v.fields].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  return undefined;
}

/** A string as a value whose characters stand at one place (an index or key that is not written as such). */
export function generated(s: string, from: number, to: number): HVal {
  return str(s, from, to);
}

function run(tokens: readonly Token[], env: ExprEnv, vars: ReadonlyMap<string, HVal>, depth: number): HVal | undefined {
  if (depth > 12) return undefined;
  const toks = tokens.filter((t) => t.kind !== 'newline');
  if (toks.length === 0) return undefined;
  try {
    const p = new Parser(toks, env, vars, depth);
    const v = p.expr();
    return p.i === toks.length ? v : undefined;
  } catch {
    // Unknown, or anything unforeseen in what was written: not known, never a crash.
    return undefined;
  }
}

/** The value as a decoded string with its source map; `coarse` unless it is one literal as written. */
export function decodedOf(v: HVal & { k: 's' }): Decoded {
  const map = new SourceMap();
  let value = '';
  for (const ch of v.chars) {
    map.addPiece(ch.c, ch.from, ch.to, ch.gen);
    value += ch.c;
  }
  return { value, map, coarse: true, pieces: true };
}

export function textOf(v: HVal): string | undefined {
  return v.k === 's' ? v.chars.map((c) => c.c).join('') : undefined;
}

const str = (s: string, from: number, to: number): HVal => ({ k: 's', chars: [...s].map((c) => ({ c, from, to, gen: true as const })) });
const text = (v: HVal): string => (v.k === 's' ? v.chars.map((c) => c.c).join('') : unknown());
const chars = (v: HVal): Ch[] => (v.k === 's' ? v.chars : unknown());
const list = (v: HVal): HVal[] => (v.k === 'l' ? v.items : unknown());
const index = (v: HVal): number => {
  const s = text(v);
  return /^\d+$/.test(s) ? Number(s) : unknown();
};
/** Every character of a value moved to one range (a reference whose definition is elsewhere). */
function moved(v: HVal, from: number, to: number): HVal {
  if (v.k === 's') return { k: 's', chars: v.chars.map((c) => ({ c: c.c, from, to, gen: true as const })) };
  if (v.k === 'l') return { k: 'l', items: v.items.map((x) => moved(x, from, to)) };
  if (v.k === 'o') return { k: 'o', fields: new Map([...v.fields].map(([k, x]) => [k, moved(x, from, to)])) };
  return v;
}
const plain = (v: HVal): HVal => (v.k === 's' && v.tok ? { k: 's', chars: v.chars } : v);

class Parser {
  i = 0;
  constructor(
    private readonly t: readonly Token[],
    private readonly env: ExprEnv,
    private readonly vars: ReadonlyMap<string, HVal>,
    private readonly depth: number,
  ) {}

  private peek(k = 0): Token | undefined {
    return this.t[this.i + k];
  }
  private take(text?: string): Token {
    const t = this.t[this.i];
    if (!t || (text !== undefined && t.text !== text)) unknown();
    this.i++;
    return t;
  }

  expr(): HVal {
    const v = this.postfix(this.primary());
    const n = this.peek();
    // Operators and conditionals are not read here (literal() handles the `a == b ? x : y` of names).
    if (n && n.kind === 'punct' && '?=!&|<>+-*/%'.includes(n.text)) unknown();
    return v;
  }

  private primary(): HVal {
    const t = this.take();
    if (t.kind === 'string') return this.template(t, stringParts(t));
    if (t.kind === 'heredoc') return this.template(t, heredocParts(t) ?? unknown(), true);
    if (t.kind === 'number') return { k: 's', chars: [...t.text].map((c, i) => ({ c, from: t.start + i, to: t.start + i + 1 })) };
    if (t.text === '(') {
      const v = this.expr();
      this.take(')');
      return v;
    }
    if (t.text === '[') return this.peek()?.text === 'for' ? this.forList() : this.listLiteral();
    if (t.text === '{') return this.objectLiteral();
    if (t.kind !== 'ident') return unknown();
    if (t.text === 'null') return { k: 'n' };
    if (t.text === 'true' || t.text === 'false') return str(t.text, t.start, t.end);
    if (this.peek()?.text === '(') return this.call(t);
    return this.reference(t);
  }

  /** A quoted string or heredoc: its characters, templates evaluated. */
  private template(t: Token, parts: ReturnType<typeof stringParts>, heredoc = false): HVal {
    const out: Ch[] = [];
    let literalOnly = true;
    for (const p of parts) {
      if (p.kind === 'text') {
        for (const c of p.text) out.push({ c, from: p.from, to: p.to });
        continue;
      }
      literalOnly = false;
      // `%{ if … }` / `%{ for … }` directives are not read.
      if (/^(if|for|else|endif|endfor)\b/.test(p.expr)) unknown();
      const inner = run(tokenize(p.expr), this.env, this.vars, this.depth + 1);
      if (!inner || inner.k !== 's') unknown();
      for (const ch of inner!.k === 's' ? inner!.chars : []) out.push({ c: ch.c, from: p.from, to: p.to, gen: true });
    }
    return { k: 's', chars: out, tok: literalOnly && !heredoc ? t : undefined };
  }

  private listLiteral(): HVal {
    const items: HVal[] = [];
    while (this.peek()?.text !== ']') {
      items.push(this.expr());
      if (this.peek()?.text === ',') this.take();
      else if (this.peek()?.text !== ']') unknown();
    }
    this.take(']');
    return { k: 'l', items };
  }

  private objectLiteral(): HVal {
    if (this.peek()?.text === 'for') unknown();
    const fields = new Map<string, HVal>();
    while (this.peek()?.text !== '}') {
      const k = this.take();
      const key = k.kind === 'ident' ? k.text : k.kind === 'string' && !k.text.includes('${') ? text(this.template(k, stringParts(k))) : unknown();
      const sep = this.take();
      if (sep.text !== '=' && sep.text !== ':') unknown();
      fields.set(key, this.expr());
      if (this.peek()?.text === ',') this.take();
    }
    this.take('}');
    return { k: 'o', fields };
  }

  /** `[for x in LIST : EXPR]`, `[for i, x in LIST : EXPR]` (objects: key and value); no `if`. */
  private forList(): HVal {
    const forTok = this.take('for');
    const a = this.take();
    let b: Token | undefined;
    if (this.peek()?.text === ',') {
      this.take();
      b = this.take();
    }
    if (a.kind !== 'ident' || (b && b.kind !== 'ident')) unknown();
    this.take('in');
    const coll = this.expr();
    this.take(':');
    const bodyStart = this.i;
    let depth = 0;
    for (; this.i < this.t.length; this.i++) {
      const x = this.t[this.i].text;
      if (depth === 0 && (x === ']' || x === 'if')) break;
      if (x === '(' || x === '[' || x === '{') depth++;
      if (x === ')' || x === ']' || x === '}') depth--;
    }
    if (this.peek()?.text !== ']') unknown();
    const body = this.t.slice(bodyStart, this.i);
    this.take(']');
    // A key or index has no characters of its own in the document: it maps to the `for`.
    const pairs: [HVal, HVal][] = (elementsOf(coll) ?? unknown()).map(([k, v]) => [str(k, forTok.start, forTok.end), v]);
    const items = pairs.map(([k, v]) => {
      const vars = new Map(this.vars);
      if (b) {
        vars.set(a.text, k);
        vars.set(b.text, v);
      } else vars.set(a.text, v);
      return run(body, this.env, vars, this.depth + 1) ?? unknown();
    });
    return { k: 'l', items };
  }

  /** `x[i]`, `x["k"]`, `x.attr`, `x.0` after a value. */
  private postfix(v: HVal): HVal {
    for (;;) {
      const n = this.peek();
      if (n?.text === '[') {
        this.take();
        const at = this.expr();
        this.take(']');
        v = v.k === 'l' ? (v.items[index(at)] ?? unknown()) : v.k === 'o' ? (v.fields.get(text(at)) ?? unknown()) : unknown();
      } else if (n?.text === '.' && (this.peek(1)?.kind === 'ident' || this.peek(1)?.kind === 'number')) {
        this.take();
        const f = this.take().text;
        v = v.k === 'o' ? (v.fields.get(f) ?? unknown()) : v.k === 'l' && /^\d+$/.test(f) ? (v.items[Number(f)] ?? unknown()) : unknown();
      } else return v;
    }
  }

  /** The rest of a reference's written chain (`.b[0].c` after `a`) as text, for what the caller knows by name. */
  private chainText(): { text: string; end: number } {
    let s = '';
    let end = this.t[this.i - 1].end;
    for (;;) {
      const n = this.peek();
      const m = this.peek(1);
      if (n?.text === '.' && m && (m.kind === 'ident' || m.kind === 'number' || m.text === '*')) {
        s += `.${m.text}`;
        end = m.end;
        this.i += 2;
      } else if (n?.text === '[') {
        let depth = 0;
        do {
          const x = this.take();
          if (x.text === '[') depth++;
          if (x.text === ']') depth--;
          s += x.text;
          end = x.end;
        } while (depth > 0);
      } else return { text: s, end };
    }
  }

  private reference(t: Token): HVal {
    const bound = this.vars.get(t.text);
    if (bound) return bound;
    if ((t.text === 'local' || t.text === 'var') && this.peek()?.text === '.' && this.peek(1)?.kind === 'ident') {
      const save = this.i;
      this.take();
      const name = this.take();
      const ref = `${t.text}.${name.text}`;
      const def = this.env.definition(ref);
      const v = def ? run(def.tokens, this.env, new Map(), this.depth + 1) : undefined;
      if (v) {
        const at = this.i;
        const out = this.postfix(v);
        // A definition in another file: its characters are the reference's here.
        return def!.here ? out : moved(plain(out), t.start, this.t[Math.max(at, this.i) - 1].end);
      }
      this.i = save;
    }
    const { text: rest, end } = this.chainText();
    const whole = t.text + rest;
    const s = this.env.scalar(whole);
    if (s === undefined) unknown(whole);
    return str(s!, t.start, end);
  }

  private call(fn: Token): HVal {
    this.take('(');
    const args: HVal[] = [];
    while (this.peek()?.text !== ')') {
      args.push(this.expr());
      if (this.peek()?.text === ',') this.take();
      else if (this.peek()?.text !== ')') unknown();
    }
    const close = this.take(')');
    if (fn.text === 'file') {
      // The whole text stands at the call: a finding inside it lands on `file(…)`.
      const content = args.length === 1 ? this.env.file?.(text(args[0])) : undefined;
      return content === undefined ? unknown() : str(content, fn.start, close.end);
    }
    if (fn.text === 'templatefile') {
      // The file's text with each `${…}` evaluated with the variables the call passes (its own names);
      // it all stands at the call, as file()'s does. A directive (`%{ for … }`) is not read.
      const content = args.length === 2 && args[1].k === 'o' ? this.env.file?.(text(args[0])) : undefined;
      if (content === undefined) return unknown(`templatefile(${args.length ? text(args[0]) : ''})`);
      const vars = new Map((args[1] as HVal & { k: 'o' }).fields);
      const name = text(args[0]).split('/').pop();
      let out = '';
      for (const p of stringParts({ kind: 'string', text: `"${content}"`, start: 0, end: content.length + 2 }, false)) {
        if (p.kind === 'text') out += p.text;
        else if (p.directive || p.unclosed) unknown(`the %{${p.expr}} of ${name}`);
        else {
          const v = run(tokenize(p.expr), this.env, vars, this.depth + 1);
          // Said as the template writes it, whatever inside stopped it.
          if (v === undefined) why = `the \${${p.expr}} of ${name}`;
          out += text(v ?? unknown());
        }
      }
      return str(out, fn.start, close.end);
    }
    return apply(fn.text, args.map(plain), fn.start, close.end);
  }
}

const byText = (a: HVal, b: HVal) => {
  const x = text(a);
  const y = text(b);
  return x < y ? -1 : x > y ? 1 : 0;
};
function distinct(items: HVal[]): HVal[] {
  const seen = new Set<string>();
  return items.filter((v) => {
    const k = text(v);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
function flat(items: HVal[]): HVal[] {
  return items.flatMap((v) => (v.k === 'l' ? flat(v.items) : [v]));
}

/** Terraform's functions that build strings and lists, on known values. */
function apply(fn: string, a: HVal[], from: number, to: number): HVal {
  const one = (n: number) => (a.length === n ? a : unknown());
  switch (fn) {
    case 'join': {
      if (a.length < 2) unknown();
      const sep = chars(a[0]);
      const parts = a.slice(1).flatMap(list);
      const out: Ch[] = [];
      parts.forEach((p, i) => {
        if (i) out.push(...sep);
        out.push(...chars(p));
      });
      return { k: 's', chars: out };
    }
    case 'format': {
      if (a.length < 1) unknown();
      const f = chars(a[0]);
      const out: Ch[] = [];
      let next = 1;
      for (let i = 0; i < f.length; i++) {
        if (f[i].c !== '%') {
          out.push(f[i]);
          continue;
        }
        const verb = f[i + 1]?.c;
        if (verb === '%') out.push(f[i]);
        else if (verb === 's' || verb === 'v' || verb === 'd') {
          const arg = a[next++] ?? unknown();
          if (verb === 'd' && !/^-?\d+$/.test(text(arg))) unknown();
          // Like a template's `${…}`, what the verb puts in is the verb's.
          for (const c of chars(arg)) out.push({ c: c.c, from: f[i].from, to: f[i + 1].to, gen: true });
        } else unknown();
        i++;
      }
      if (next !== a.length) unknown();
      return { k: 's', chars: out };
    }
    case 'concat':
      return { k: 'l', items: a.flatMap(list) };
    case 'tolist':
      return { k: 'l', items: list(one(1)[0]) };
    case 'toset':
      return { k: 'l', items: distinct([...list(one(1)[0])].sort(byText)) };
    case 'distinct':
      return { k: 'l', items: distinct(list(one(1)[0])) };
    case 'compact':
      return { k: 'l', items: list(one(1)[0]).filter((v) => v.k !== 'n' && text(v) !== '') };
    case 'flatten':
      return { k: 'l', items: flat(list(one(1)[0])) };
    case 'sort':
      return { k: 'l', items: [...list(one(1)[0])].sort(byText) };
    case 'reverse':
      return { k: 'l', items: [...list(one(1)[0])].reverse() };
    case 'element': {
      const l = list(one(2)[0]);
      return l.length ? l[index(a[1]) % l.length] : unknown();
    }
    case 'length': {
      const v = one(1)[0];
      return str(String(v.k === 'l' ? v.items.length : v.k === 'o' ? v.fields.size : [...text(v)].length), from, to);
    }
    case 'coalesce':
      return a.find((v) => v.k !== 'n' && text(v) !== '') ?? unknown();
    case 'tostring':
      return one(1)[0].k === 's' ? a[0] : unknown();
    case 'lower':
    case 'upper':
      return { k: 's', chars: chars(one(1)[0]).map((c) => ({ ...c, c: fn === 'lower' ? c.c.toLowerCase() : c.c.toUpperCase() })) };
    case 'trimspace':
    case 'chomp': {
      const c = chars(one(1)[0]);
      let s = 0;
      let e = c.length;
      const cut = fn === 'trimspace' ? /\s/ : /[\r\n]/;
      if (fn === 'trimspace') while (s < e && cut.test(c[s].c)) s++;
      while (e > s && cut.test(c[e - 1].c)) e--;
      return { k: 's', chars: c.slice(s, e) };
    }
    case 'trimprefix':
    case 'trimsuffix': {
      const c = chars(one(2)[0]);
      const s = text(a[0]);
      const x = text(a[1]);
      if (fn === 'trimprefix') return { k: 's', chars: x && s.startsWith(x) ? c.slice(x.length) : c };
      return { k: 's', chars: x && s.endsWith(x) ? c.slice(0, c.length - x.length) : c };
    }
    case 'replace': {
      const c = chars(one(3)[0]);
      const s = text(a[0]);
      const find = text(a[1]);
      // A `/regex/` is not read.
      if (!find || (find.length > 1 && find.startsWith('/') && find.endsWith('/'))) unknown();
      const rep = chars(a[2]);
      const out: Ch[] = [];
      for (let i = 0; i < s.length; ) {
        if (s.startsWith(find, i)) {
          out.push(...rep);
          i += find.length;
        } else out.push(c[i++]);
      }
      return { k: 's', chars: out };
    }
    case 'split': {
      const sep = text(one(2)[0]);
      const c = chars(a[1]);
      if (!sep) unknown();
      const s = text(a[1]);
      const items: HVal[] = [];
      let at = 0;
      for (let i = s.indexOf(sep); i >= 0; i = s.indexOf(sep, at)) {
        items.push({ k: 's', chars: c.slice(at, i) });
        at = i + sep.length;
      }
      items.push({ k: 's', chars: c.slice(at) });
      return { k: 'l', items };
    }
    case 'lookup': {
      if (a.length !== 2 && a.length !== 3) unknown();
      if (a[0].k !== 'o') unknown();
      return (a[0].k === 'o' ? a[0].fields.get(text(a[1])) : undefined) ?? a[2] ?? unknown();
    }
    case 'keys':
    case 'values': {
      const o = one(1)[0];
      if (o.k !== 'o') unknown();
      const entries = elementsOf(o) ?? [];
      return { k: 'l', items: entries.map(([k, v]) => (fn === 'keys' ? str(k, from, to) : v)) };
    }
    default:
      return unknown(`${fn}()`);
  }
}
