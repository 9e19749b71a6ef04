/**
 * Evaluates the HCL expressions people write record values and names with, where every input is
 * known statically: string templates, list and object literals, `[for x in LIST : …]`, indexing and
 * attributes (`local.records[count.index].value`), and Terraform's string and list functions
 * (`join`, `format`, `concat`, `lower`, `replace`, `toset`…). Every character of a result keeps the
 * document range it came from: a character written in this file maps to itself, one that comes from
 * a reference whose definition is elsewhere maps to the reference. What it cannot know (a variable
 * without a default, a resource attribute, an operator, a function it does not know) makes the whole
 * expression unknown: never a guess, never a throw.
 *
 * With `holes` (a record's value), what is not known where a string is built (a template's `${…}`, a
 * `format` argument, an element `join` puts in, a list `concat` splices in) is a hole instead
 * (records/holes): one HOLE character, standing for any text, that says what it was.
 */
import type { Decoded } from './layers';
import { heredocParts, stringParts, tokenize, type Token } from './hcl';
import { SourceMap } from '../sourcemap';
import { HOLE } from '../records/holes';

/** One character of a value and the document range it came from. */
export interface Ch {
  c: string;
  from: number;
  to: number;
  /** Not written as this character (a reference's value, a count): never a literal run. */
  gen?: true;
  /** A HOLE: what is not known statically there, as written (`var.policy`, `${var.domain}`). */
  hole?: string;
}

export type HVal =
  | { k: 's'; chars: Ch[]; /** The value is exactly this string literal of the file, as written (fixes can edit it). */ tok?: Token }
  | { k: 'l'; items: HVal[] }
  | { k: 'o'; fields: Map<string, HVal> }
  | { k: 'n' }
  /** Not known statically (only with holes): what it is, as written; `spread` when it stands for any number of list elements. */
  | { k: 'u'; why: string; from: number; to: number; spread?: true };

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

/**
 * The value of an expression, or undefined when any part of it is not known statically; `vars` binds
 * names (a dynamic block's iterator). With `holes`, a string result may hold holes where parts are not
 * known (each a HOLE character whose Ch says what it was); a result that is not known as a whole is
 * still undefined.
 */
export function evaluate(tokens: readonly Token[], env: ExprEnv, vars: ReadonlyMap<string, HVal> = new Map(), holes = false): HVal | undefined {
  why = undefined;
  const v = run(tokens, env, vars, 0, holes);
  if (v?.k === 'u') {
    why ??= v.why;
    return undefined;
  }
  if (holes && v && hasUnknown(v)) return undefined;
  return v;
}

/** Whether a value holds a part not known (a list element, an object field). */
function hasUnknown(v: HVal): boolean {
  return v.k === 'u' || (v.k === 'l' && v.items.some(hasUnknown)) || (v.k === 'o' && [...v.fields.values()].some(hasUnknown));
}
const firstUnknown = (vs: HVal[]): (HVal & { k: 'u' }) | undefined => {
  for (const v of vs) {
    if (v.k === 'u') return v;
    const inner = v.k === 'l' ? firstUnknown(v.items) : v.k === 'o' ? firstUnknown([...v.fields.values()]) : undefined;
    if (inner) return inner;
  }
  return undefined;
};
/** Tokens as written: a space where the source has one or more between two. */
const spanText = (ts: readonly Token[]): string => ts.map((t, k) => (k && t.start > ts[k - 1].end ? ' ' : '') + t.text).join('');
const U = (why: string, from: number, to: number, spread?: true): HVal => ({ k: 'u', why, from, to, ...(spread ? { spread } : {}) });
const holeCh = (why: string, from: number, to: number): Ch => ({ c: HOLE, from, to, gen: true, hole: why });

/** A collection's elements as `for` and `for_each` walk them: a list by index, an object by key in key order. */
export function elementsOf(v: HVal): [string, HVal][] | undefined {
  if (v.k === 'l' && v.items.some((x) => x.k === 'u' && x.spread)) return undefined;
  if (v.k === 'l') return v.items.map((x, i) => [String(i), x]);
  if (v.k === 'o') return [...v.fields].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  return undefined;
}

/** A string as a value whose characters stand at one place (an index or key that is not written as such). */
export function generated(s: string, from: number, to: number): HVal {
  return str(s, from, to);
}

function run(tokens: readonly Token[], env: ExprEnv, vars: ReadonlyMap<string, HVal>, depth: number, holes = false): HVal | undefined {
  if (depth > 12) return undefined;
  const toks = tokens.filter((t) => t.kind !== 'newline');
  if (toks.length === 0) return undefined;
  try {
    const p = new Parser(toks, env, vars, depth, holes);
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
  if (v.k === 's') return { k: 's', chars: v.chars.map((c) => ({ c: c.c, from, to, gen: true as const, ...(c.hole !== undefined ? { hole: c.hole } : {}) })) };
  if (v.k === 'u') return { ...v, from, to };
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
    private readonly holes: boolean,
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
    const start = this.i;
    const v = this.postfix(this.primary());
    const n = this.peek();
    // Operators and conditionals are not read here (literal() handles the `a == b ? x : y` of names).
    if (n && n.kind === 'punct' && '?=!&|<>+-*/%'.includes(n.text)) {
      if (!this.holes) unknown();
      // With holes: the whole operand, to the `,` or bracket that ends it, is not known.
      let depth = 0;
      for (; this.i < this.t.length; this.i++) {
        const x = this.t[this.i].text;
        if (depth === 0 && (x === ',' || x === ')' || x === ']' || x === '}')) break;
        if (x === '(' || x === '[' || x === '{') depth++;
        if (x === ')' || x === ']' || x === '}') depth--;
      }
      const first = this.t[start];
      const last = this.t[this.i - 1];
      return U(spanText(this.t.slice(start, this.i)), first.start, last.end);
    }
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
      const inner = run(tokenize(p.expr), this.env, this.vars, this.depth + 1, this.holes);
      if (this.holes && (!inner || inner.k === 'u')) {
        out.push(holeCh(`\${${p.expr}}`, p.from, p.to));
        continue;
      }
      if (!inner || inner.k !== 's') unknown();
      for (const ch of inner!.k === 's' ? inner!.chars : []) out.push({ c: ch.c, from: p.from, to: p.to, gen: true, ...(ch.hole !== undefined ? { hole: ch.hole } : {}) });
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
    if (coll.k === 'u' || (coll.k === 'l' && coll.items.some((x) => x.k === 'u' && x.spread))) {
      // With holes: a list of elements not known, in number and value.
      let depth = 0;
      for (; this.i < this.t.length; this.i++) {
        const x = this.t[this.i].text;
        if (depth === 0 && x === ']') break;
        if (x === '(' || x === '[' || x === '{') depth++;
        if (x === ')' || x === ']' || x === '}') depth--;
      }
      const close = this.take(']');
      const open = this.t[this.t.indexOf(forTok) - 1];
      return U(coll.k === 'u' ? coll.why : `[for … in …]`, open.start, close.end, true);
    }
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
      return run(body, this.env, vars, this.depth + 1, this.holes) ?? unknown();
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
        const close = this.take(']');
        if (v.k === 'u' || at.k === 'u' || (v.k === 'l' && v.items.some((x) => x.k === 'u' && x.spread))) {
          v = v.k === 'u' ? U(v.why, v.from, close.end) : at.k === 'u' ? at : U('an element of a list not known statically', close.start, close.end);
          continue;
        }
        v = v.k === 'l' ? (v.items[index(at)] ?? unknown()) : v.k === 'o' ? (v.fields.get(text(at)) ?? unknown()) : unknown();
      } else if (n?.text === '.' && (this.peek(1)?.kind === 'ident' || this.peek(1)?.kind === 'number')) {
        this.take();
        const ft = this.take();
        const f = ft.text;
        if (v.k === 'u') {
          v = { k: 'u', why: `${v.why}.${f}`, from: v.from, to: ft.end };
          continue;
        }
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
      const v = def ? run(def.tokens, this.env, new Map(), this.depth + 1, this.holes) : undefined;
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
    if (s === undefined && this.holes) return U(whole, t.start, end);
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
    const callText = () => spanText(this.t.slice(this.t.indexOf(fn), this.i));
    if ((fn.text === 'file' || fn.text === 'templatefile') && args[0]?.k === 'u') return U(callText(), fn.start, close.end);
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
      const out: Ch[] = [];
      const at = (c: string): Ch => ({ c, from: fn.start, to: close.end, gen: true });
      for (const p of stringParts({ kind: 'string', text: `"${content}"`, start: 0, end: content.length + 2 }, false)) {
        if (p.kind === 'text') for (const c of p.text) out.push(at(c));
        else if (p.directive || p.unclosed) unknown(`the %{${p.expr}} of ${name}`);
        else {
          // Read without holes: a name the call does not pass is an error of the call, not a part not
          // known; only a value the call passes that is not known (`{ domain = var.domain }`) is a hole.
          const v = run(tokenize(p.expr), this.env, vars, this.depth + 1);
          // Said as the template writes it, whatever inside stopped it.
          if (this.holes && v?.k === 'u') out.push(holeCh(`the \${${p.expr}} of ${name}`, fn.start, close.end));
          else {
            if (v === undefined) why = `the \${${p.expr}} of ${name}`;
            for (const c of chars(v ?? unknown())) out.push(c.hole !== undefined ? holeCh(c.hole, fn.start, close.end) : at(c.c));
          }
        }
      }
      return { k: 's', chars: out };
    }
    if (this.holes) {
      const h = withHoles(fn.text, args.map(plain), fn.start, close.end);
      if (h) return h;
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

/**
 * With holes, the functions that build a string or splice a list around what is not known: `join`
 * (an element or list not known is a hole), `format` (an argument not known is a hole where its verb
 * stands), `concat`/`flatten` (a list not known stands for any number of elements), `compact`,
 * `tolist`. Any other function given something not known is not known itself, and so is one DMARC
 * Lens does not know. Undefined: apply() reads it.
 */
function withHoles(fn: string, a: HVal[], from: number, to: number): HVal | undefined {
  const u = firstUnknown(a);
  const known: Record<string, true> = { join: true, format: true, formatlist: true, concat: true, flatten: true, compact: true, tolist: true };
  if (!known[fn]) {
    if (u) return U(u.why, from, to);
    return KNOWN_FUNCTIONS.has(fn) ? undefined : U(`${fn}()`, from, to);
  }
  if (!u) return undefined;
  // join and format put a hole where an element or argument is not known (apply()); the rest is theirs.
  if ((fn === 'join' || fn === 'format') && a[0]?.k === 'u') return U(a[0].why, from, to);
  switch (fn) {
    case 'formatlist':
      // A list not known: as many formatted elements, not known either.
      return a.slice(1).some((x) => x.k === 'u') ? U(u.why, from, to, true) : undefined;
    case 'concat':
    case 'flatten': {
      const spread = (x: HVal): HVal[] => (x.k === 'u' ? [U(x.why, x.from, x.to, true)] : x.k === 'l' ? (fn === 'flatten' ? x.items.flatMap(spread) : x.items) : fn === 'flatten' ? [x] : unknown());
      if (fn === 'flatten' && a.length !== 1) unknown();
      return { k: 'l', items: fn === 'flatten' ? spread(a[0]) : a.flatMap(spread) };
    }
    case 'compact':
      if (a.length !== 1) unknown();
      return a[0].k === 'u' ? U(a[0].why, from, to, true) : { k: 'l', items: list(a[0]).filter((v) => v.k === 'u' || (v.k !== 'n' && text(v) !== '')) };
    case 'tolist':
      if (a.length !== 1) unknown();
      return a[0].k === 'u' ? U(a[0].why, from, to, true) : { k: 'l', items: list(a[0]) };
  }
  return undefined;
}

const KNOWN_FUNCTIONS = new Set(['join', 'format', 'formatlist', 'concat', 'tolist', 'toset', 'distinct', 'compact', 'flatten', 'sort', 'reverse', 'element', 'length', 'coalesce', 'tostring', 'lower', 'upper', 'trimspace', 'chomp', 'trimprefix', 'trimsuffix', 'replace', 'split', 'lookup', 'keys', 'values']);

/** Terraform's functions that build strings and lists, on known values (and, for join and format, holes: withHoles()). */
function apply(fn: string, a: HVal[], from: number, to: number): HVal {
  const one = (n: number) => (a.length === n ? a : unknown());
  switch (fn) {
    case 'join': {
      if (a.length < 2) unknown();
      const sep = chars(a[0]);
      const parts = a.slice(1).flatMap((x) => (x.k === 'u' ? [x] : list(x)));
      const out: Ch[] = [];
      parts.forEach((p, i) => {
        if (i) out.push(...sep);
        if (p.k === 'u') out.push(holeCh(p.why, p.from, p.to));
        else out.push(...chars(p));
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
          if (arg.k === 'u') out.push(holeCh(arg.why, f[i].from, f[i + 1].to));
          else {
            if (verb === 'd' && !/^-?\d+$/.test(text(arg))) unknown();
            // Like a template's `${…}`, what the verb puts in is the verb's.
            for (const c of chars(arg)) out.push({ c: c.c, from: f[i].from, to: f[i + 1].to, gen: true, ...(c.hole !== undefined ? { hole: c.hole } : {}) });
          }
        } else unknown();
        i++;
      }
      if (next !== a.length) unknown();
      return { k: 's', chars: out };
    }
    case 'formatlist': {
      // format() once per element: lists of the same length, a string given for every element.
      if (a.length < 1) unknown();
      const lists = a.slice(1).map((x) => (x.k === 'l' ? x.items : undefined));
      const n = lists.find((l) => l !== undefined)?.length;
      if (n === undefined || lists.some((l) => l !== undefined && l.length !== n)) unknown();
      return { k: 'l', items: Array.from({ length: n! }, (_, i) => apply('format', [a[0], ...a.slice(1).map((x, j) => lists[j]?.[i] ?? x)], from, to)) };
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
