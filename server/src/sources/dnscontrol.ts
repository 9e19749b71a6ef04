/**
 * Record sites in DNSControl configurations (`dnsconfig.js`), parsed as JavaScript with acorn:
 * `TXT(name, value | [strings])`, `SPF_BUILDER`, `DMARC_BUILDER` and `DKIM_BUILDER` inside
 * `D("domain", …)`, and the A, AAAA, MX, CNAME and NS records beside them (targets relative to the
 * domain unless they end in a dot, as DNSControl reads them). A builder is checked as the record it produces, with each part of that record
 * mapped to the option that produced it, so a finding points at e.g. `percent: 50`. Records may come
 * from a macro (`var MAIL = [MX(…), TXT(…)]`) or a helper function of the file called in the D()
 * (`mailAuth("example.com", "reject")`), read with what the call passes.
 */
import type { Node as AcornNode } from 'acorn';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { dnscontrolRequires } from '../files';
import { markDynamic } from '../records/dynamic';
import { checkedAround, HOLE, startsAsRecord } from '../records/holes';
import { closeStringAt } from '../util/text';
import { markHoles } from '../util/zonenames';
import { SourceMap } from '../sourcemap';
import type { CharString, RecordSite, ValueSyntax } from '../types';
import type { SourceProblem, ZoneFile } from './zonefile';

/** acorn, loaded on the first DNSControl file: a check of zone files never pays for its set-up. */
let acorn: typeof import('acorn') | undefined;
const parse: typeof import('acorn').parse = (input, options) => (acorn ??= require('acorn') as typeof import('acorn')).parse(input, options);

/* eslint-disable @typescript-eslint/no-explicit-any -- acorn's ESTree nodes are read structurally */
type N = AcornNode & Record<string, any>;

const ESC: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', v: '\v', '0': '\0' };

/** A JS string literal's characters with their document ranges. */
function literalParts(text: string, node: N): { text: string; from: number; to: number }[] | undefined {
  if (node.type === 'TemplateLiteral' && node.expressions.length === 0) {
    const q = node.quasis[0];
    return [...(q.value.cooked as string)].map((c, i) => ({ text: c, from: q.start + i, to: q.start + i + 1 }));
  }
  if (node.type !== 'Literal' || typeof node.value !== 'string') return undefined;
  const out: { text: string; from: number; to: number }[] = [];
  for (let i = node.start + 1; i < node.end - 1; ) {
    const c = text[i];
    if (c !== '\\') {
      out.push({ text: c, from: i, to: i + 1 });
      i++;
      continue;
    }
    const n = text[i + 1];
    if (n === 'x') {
      out.push({ text: String.fromCharCode(parseInt(text.slice(i + 2, i + 4), 16)), from: i, to: i + 4 });
      i += 4;
    } else if (n === 'u') {
      const m = /^u\{([0-9a-fA-F]+)\}|^u([0-9a-fA-F]{4})/.exec(text.slice(i + 1));
      const cp = parseInt(m?.[1] ?? m?.[2] ?? '0', 16);
      out.push({ text: String.fromCodePoint(cp), from: i, to: i + 1 + (m?.[0].length ?? 1) });
      i += 1 + (m?.[0].length ?? 1);
    } else if (n === '\n') i += 2;
    else {
      out.push({ text: ESC[n] ?? n, from: i, to: i + 2 });
      i += 2;
    }
  }
  return out;
}

/** Builds a value piece by piece: literal characters from the source, and generated text mapped to the source that caused it. */
class ValueBuilder {
  value = '';
  map = new SourceMap();
  strings: CharString[] = [];

  chars(parts: { text: string; from: number; to: number; gen?: true }[]): void {
    for (const p of parts) {
      this.map.addPiece(p.text, p.from, p.to, p.gen);
      this.value += p.text;
    }
  }

  generated(text: string, node: { start: number; end: number }): void {
    for (let k = 0; k < text.length; k++) this.map.addEscape(node.start, node.end - node.start);
    this.value += text;
  }

  endString(): void {
    const start = this.strings.length ? this.strings[this.strings.length - 1].end : 0;
    this.strings.push({ start, end: this.value.length, bytes: Buffer.byteLength(this.value.slice(start)) });
  }
}

/** A character and where it is written; `gen` when it is not written as itself (a constant's value at its reference). */
type Ch = { text: string; from: number; to: number; gen?: true };
/** A string, a list, or (`n`) what a helper's call passes that is not a string: records, a list of them, an object, as written. */
type JsValue = { k: 's'; chars: Ch[] } | { k: 'l'; items: JsValue[] } | { k: 'n'; node: N };
class NotStatic extends Error {}
const notStatic = (): never => {
  throw new NotStatic();
};

/**
 * Evaluates the JavaScript people build record values with in dnsconfig.js, where every part is a
 * constant: string concatenation with `+`, template literals, arrays and `.join()`, `.map(x => …)`,
 * `.concat()`, indexing, `.toLowerCase()`… Characters keep where they are written; what a constant
 * or a template's `${…}` puts in maps to that reference. Anything else is not static (a throw inside,
 * undefined outside).
 */
function jsEval(text: string, node: N | undefined, consts: ReadonlyMap<string, N>, scope: ReadonlyMap<string, JsValue> = new Map(), depth = 0, shared?: () => SharedConsts): JsValue {
  if (!node || depth > 24) return notStatic();
  const ev = (n: N | undefined, sc = scope) => jsEval(text, n, consts, sc, depth + 1, shared);
  const str = (v: JsValue): Ch[] => (v.k === 's' ? v.chars : notStatic());
  // A hole keeps where its unknown argument is written (records/holes).
  const moved = (v: JsValue, at: { start: number; end: number }): JsValue => relocated(v, at, true);
  const gen = (t: string, at: { start: number; end: number }): JsValue => ({ k: 's', chars: [...t].map((c) => ({ text: c, from: at.start, to: at.end, gen: true as const })) });
  /** A condition known statically: `true`/`false` (written or a constant), `!x`, and `==`/`===`/`!=`/`!==` of two values known as text. */
  const truth = (n: N | undefined): boolean | undefined => {
    if (!n) return undefined;
    if (n.type === 'Literal' && typeof n.value === 'boolean') return n.value;
    if (n.type === 'Identifier' && !scope.has(n.name)) {
      // A constant written `true` or `false` (`var STRICT = true;`).
      const init = consts.get(n.name);
      return init?.type === 'Literal' && typeof init.value === 'boolean' ? init.value : undefined;
    }
    if (n.type === 'UnaryExpression' && n.operator === '!') {
      const t = truth(n.argument);
      return t === undefined ? undefined : !t;
    }
    if (n.type === 'BinaryExpression' && ['==', '===', '!=', '!=='].includes(n.operator)) {
      let a: string | undefined;
      let b: string | undefined;
      try {
        a = str(ev(n.left)).map((c) => c.text).join('');
        b = str(ev(n.right)).map((c) => c.text).join('');
      } catch {
        return undefined;
      }
      if (a.includes(HOLE) || b.includes(HOLE)) return undefined;
      return n.operator.startsWith('=') ? a === b : a !== b;
    }
    return undefined;
  };
  switch (node.type) {
    case 'Literal': {
      if (typeof node.value === 'number') return gen(String(node.value), node);
      const parts = literalParts(text, node);
      return parts ? { k: 's', chars: parts } : notStatic();
    }
    case 'TemplateLiteral': {
      const out: Ch[] = [];
      node.quasis.forEach((q: N, i: number) => {
        const cooked = q.value.cooked as string | null;
        if (cooked === null) notStatic();
        const raw = q.value.raw as string;
        // Written as is: each character is its own; with escapes, the whole piece.
        for (let k = 0; k < cooked!.length; k++) out.push(raw === cooked ? { text: cooked![k], from: q.start + k, to: q.start + k + 1 } : { text: cooked![k], from: q.start, to: q.end, gen: true });
        if (i < node.expressions.length) out.push(...str(moved(ev(node.expressions[i]), node.expressions[i])));
      });
      return { k: 's', chars: out };
    }
    case 'Identifier': {
      const bound = scope.get(node.name);
      if (bound) return bound;
      const init = consts.get(node.name);
      if (init) return moved(jsEval(text, init, consts, new Map(), depth + 1, shared), node);
      // A global of another file of the configuration (dnsconfig.js and what it loads share one scope).
      const other = shared?.().get(node.name);
      return other ? moved(jsEval(other.text, other.node, other.consts, new Map(), depth + 1, shared), node) : notStatic();
    }
    case 'ConditionalExpression': {
      // `STRICT ? "reject" : "none"` with a test known statically: the value it chooses.
      const test = truth(node.test);
      return test === undefined ? notStatic() : ev(test ? node.consequent : node.alternate);
    }
    case 'BinaryExpression': {
      if (node.operator !== '+') return notStatic();
      return { k: 's', chars: [...str(ev(node.left)), ...str(ev(node.right))] };
    }
    case 'ArrayExpression': {
      const items: JsValue[] = [];
      for (const e of node.elements as (N | null)[]) {
        if (e?.type === 'SpreadElement') {
          const v = ev(e.argument);
          if (v.k !== 'l') notStatic();
          items.push(...(v.k === 'l' ? v.items : []));
        } else items.push(ev(e ?? undefined));
      }
      return { k: 'l', items };
    }
    case 'MemberExpression': {
      const obj = ev(node.object);
      if (obj.k === 'n') return notStatic();
      if (!node.computed && node.property?.name === 'length') return gen(String(obj.k === 'l' ? obj.items.length : obj.chars.length), node);
      const key = node.computed ? ev(node.property) : undefined;
      const i = key && key.k === 's' ? Number(key.chars.map((c) => c.text).join('')) : NaN;
      if (obj.k === 'l' && Number.isInteger(i) && i >= 0 && i < obj.items.length) return obj.items[i];
      return notStatic();
    }
    case 'CallExpression': {
      const callee = node.callee;
      if (callee?.type !== 'MemberExpression' || callee.computed) return notStatic();
      const method = callee.property?.name as string;
      const obj = ev(callee.object);
      const args: N[] = node.arguments ?? [];
      if (obj.k === 'l') {
        if (method === 'join') {
          const sep = args[0] ? str(ev(args[0])) : [{ text: ',', from: node.start, to: node.end }];
          const out: Ch[] = [];
          obj.items.forEach((v, k) => {
            if (k) out.push(...sep);
            out.push(...str(v));
          });
          return { k: 's', chars: out };
        }
        if (method === 'concat') return { k: 'l', items: [...obj.items, ...args.flatMap((a) => { const v = ev(a); return v.k === 'l' ? v.items : [v]; })] };
        if (method === 'map') {
          const fn = args[0];
          if (!fn || (fn.type !== 'FunctionExpression' && fn.type !== 'ArrowFunctionExpression') || fn.params.length < 1 || fn.params.some((p: N) => p.type !== 'Identifier')) return notStatic();
          const body = returnedExpression(fn);
          return {
            k: 'l',
            items: obj.items.map((v, k) => {
              const sc = new Map(scope);
              sc.set(fn.params[0].name, v);
              if (fn.params[1]) sc.set(fn.params[1].name, gen(String(k), fn.params[1]));
              return ev(body, sc);
            }),
          };
        }
        return notStatic();
      }
      if (obj.k === 'n') return notStatic();
      const chars = obj.chars;
      if (method === 'toLowerCase' || method === 'toUpperCase') return { k: 's', chars: chars.map((c) => ({ ...c, text: method === 'toLowerCase' ? c.text.toLowerCase() : c.text.toUpperCase() })) };
      if (method === 'trim') {
        let a = 0;
        let b = chars.length;
        while (a < b && /\s/.test(chars[a].text)) a++;
        while (b > a && /\s/.test(chars[b - 1].text)) b--;
        return { k: 's', chars: chars.slice(a, b) };
      }
      if (method === 'concat') return { k: 's', chars: [...chars, ...args.flatMap((a) => str(ev(a)))] };
      return notStatic();
    }
    default:
      return notStatic();
  }
}

/** A DNSControl file as JavaScript (a script: its globals are the configuration's). Throws on a syntax error. */
function parseScript(text: string): N {
  return parse(text, { ecmaVersion: 'latest', sourceType: 'script', allowReturnOutsideFunction: true }) as N;
}

/** The top-level `var`/`let`/`const` initialisers of a file, by name. */
function topConsts(program: N): Map<string, N> {
  const consts = new Map<string, N>();
  for (const n of program.body as N[]) if (n.type === 'VariableDeclaration') for (const d of n.declarations) if (d.id.type === 'Identifier' && d.init) consts.set(d.id.name, d.init);
  return consts;
}

/** A string value's text, when no part of it is a hole (records/holes). */
function knownText(v: JsValue): string | undefined {
  return v.k === 's' && !v.chars.some((c) => c.text === HOLE) ? v.chars.map((c) => c.text).join('') : undefined;
}

/**
 * A value with its characters standing at `at`: a constant's value at its reference (`keepHoles`: a
 * hole stays where its argument is written), or what a call passes, seen from the helper's own file.
 */
function relocated(v: JsValue, at: { start: number; end: number }, keepHoles = false): JsValue {
  if (v.k === 'n') return v;
  return v.k === 's' ? { k: 's', chars: v.chars.map((c) => (keepHoles && c.text === HOLE ? c : { text: c.text, from: at.start, to: at.end, gen: true as const })) } : { k: 'l', items: v.items.map((x) => relocated(x, at, keepHoles)) };
}

const isFunction = (n: N | undefined) => n?.type === 'FunctionDeclaration' || n?.type === 'FunctionExpression' || n?.type === 'ArrowFunctionExpression';

/** The top-level functions of a file (`function f(…) {…}`, `var f = function (…) {…}` or an arrow), by name. */
function topFunctions(program: N): Map<string, N> {
  const out = new Map<string, N>();
  for (const n of program.body as N[]) {
    if (n.type === 'FunctionDeclaration' && n.id) out.set(n.id.name, n);
    else if (n.type === 'VariableDeclaration') for (const d of n.declarations) if (d.id.type === 'Identifier' && isFunction(d.init)) out.set(d.id.name, d.init);
  }
  return out;
}

/** What a function returns when its body is one expression or one `return` (anything else may decide what it returns). */
function returnedExpression(fn: N): N | undefined {
  if (fn.body?.type !== 'BlockStatement') return fn.body;
  const only = fn.body.body.length === 1 ? (fn.body.body[0] as N) : undefined;
  return only?.type === 'ReturnStatement' ? (only.argument ?? undefined) : undefined;
}

/** A file of the configuration as the reader needs it: its text, and its top-level constants and functions. */
type ParsedFile = { text: string; consts: Map<string, N>; functions: Map<string, N> };
type SharedConsts = Map<string, ParsedFile & { node: N; file: string }> & { files?: string[] };
/** Parsed files of DNSControl configurations, by path, kept while their size and time stay the same. */
const parsedFiles = new Map<string, ParsedFile & { mtimeMs: number; size: number }>();

function parsedFile(text: string): ParsedFile {
  const program = parseScript(text);
  return { text, consts: topConsts(program), functions: topFunctions(program) };
}

function fileConsts(file: string, openText?: (file: string) => string | undefined): ParsedFile | undefined {
  try {
    // As the editor has it, saved or not.
    const open = openText?.(file);
    if (open !== undefined) return parsedFile(open);
    const st = fs.statSync(file);
    if (!st.isFile() || st.size > 5 * 1024 * 1024) return undefined;
    const known = parsedFiles.get(file);
    if (known && known.mtimeMs === st.mtimeMs && known.size === st.size) return known;
    const text = fs.readFileSync(file, 'utf8');
    const entry = { mtimeMs: st.mtimeMs, size: st.size, ...parsedFile(text) };
    parsedFiles.set(file, entry);
    return entry;
  } catch {
    return undefined;
  }
}

/**
 * The globals the other files of this file's DNSControl configuration define: the dnsconfig.js in
 * its folder or one above it (the entry DNSControl runs), the files that loads with require(), and
 * the files this one loads. They run in one global scope, so `var SPF = "…"` in one is seen by all.
 */
function sharedConsts(uri: string, text: string, openText?: (file: string) => string | undefined): SharedConsts {
  const out: SharedConsts = new Map();
  let self: string;
  try {
    self = path.resolve(uri);
  } catch {
    return out;
  }
  const files: string[] = [];
  for (let dir = path.dirname(self), k = 0; k < 4; k++) {
    const entry = path.join(dir, 'dnsconfig.js');
    if (fs.existsSync(entry)) {
      files.push(entry);
      break;
    }
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  // The other files named as this one is: relative to the working folder when it was given relative (as the CLI prints paths, and as a zone's $INCLUDE is named).
  const shown = (f: string) => (path.isAbsolute(uri) ? f : path.relative(process.cwd(), f) || f);
  const seen = new Set([self]);
  out.files = [];
  for (let i = 0; i < files.length && i < 64; i++) {
    const f = path.resolve(files[i]);
    if (seen.has(f) && i > 0) continue;
    seen.add(f);
    const parsed = f === self ? { text, consts: new Map<string, N>(), functions: new Map<string, N>() } : fileConsts(f, openText);
    if (f !== self) out.files.push(shown(f));
    if (!parsed) continue;
    for (const r of dnscontrolRequires(f, parsed.text)) if (!seen.has(path.resolve(r))) files.push(r);
    if (f !== self) addGlobals(out, parsed, shown(f));
  }
  for (const r of dnscontrolRequires(self, text)) {
    const f = path.resolve(r);
    const parsed = seen.has(f) ? undefined : fileConsts(f, openText);
    if (!seen.has(f)) out.files.push(shown(f));
    if (parsed) addGlobals(out, parsed, shown(f));
  }
  return out;
}

/** The constants and functions a file defines, as globals of the configuration (the first file to define a name wins). */
function addGlobals(out: SharedConsts, parsed: ParsedFile, file: string): void {
  for (const defs of [parsed.consts, parsed.functions]) for (const [name, node] of defs) if (!out.has(name)) out.set(name, { ...parsed, node, file });
}

function prop(obj: N, name: string): N | undefined {
  return obj.properties?.find((p: N) => p.type === 'Property' && ((p.key.type === 'Identifier' && p.key.name === name) || (p.key.type === 'Literal' && p.key.value === name)));
}

/** Records with a name and data DMARC Lens does not read (none gives a name an address). */
/** Where a string literal argument is written (a name or target, for navigation); undefined for any other expression. */
const literalAt = (n: { type?: string; start?: number; end?: number } | undefined) => (n && n.type === 'Literal' && typeof n.start === 'number' ? { start: n.start, end: n.end as number } : undefined);

const NAMED_ONLY = new Set(['CAA', 'SRV', 'TLSA', 'SSHFP', 'DS', 'PTR', 'NAPTR', 'LOC', 'HTTPS', 'SVCB', 'OPENPGPKEY', 'SMIMEA']);
/** Arguments of D() that add no record: the registrar, providers and settings. */
const SETTING_CALLS = new Set(['SOA', 'NewRegistrar', 'NewDnsProvider', 'DnsProvider', 'DefaultTTL', 'NAMESERVER_TTL', 'AUTODNSSEC_ON', 'AUTODNSSEC_OFF', 'AUTODNSSEC', 'CF_PROXY_DEFAULT_OFF', 'CF_PROXY_DEFAULT_ON']);

/**
 * A file DNSControl cannot run because it does not parse as JavaScript: a `source/syntax-error` at the
 * place the parser stopped. A string left open (`TXT("@", "v=spf1 -all),`) runs to the end of its line;
 * the fix closes it before the brackets and comma that end the line when the line opened them before
 * it, before a `;` that ends the statement, else at the end of the line.
 */
function syntaxError(text: string, uri: string, pos: number, message: string): SourceProblem {
  const reason = message.replace(/\s*\(\d+:\d+\)$/, '');
  const name = path.basename(uri);
  const lineEnd = (() => {
    const nl = text.indexOf('\n', pos);
    const e = nl < 0 ? text.length : nl;
    return text[e - 1] === '\r' ? e - 1 : e;
  })();
  const problem: SourceProblem = {
    code: 'source/syntax-error',
    message: `${name} does not parse as JavaScript here (${reason}), so DNSControl refuses it and pushes nothing; its records are not checked.`,
    uri,
    range: { start: Math.min(pos, text.length), end: Math.min(text.length, pos + 1) },
  };
  const quote = text[pos];
  if (reason !== 'Unterminated string constant' || (quote !== '"' && quote !== "'")) return problem;
  const { at, where } = closeStringAt(text, pos, lineEnd, /[[({]/g, /[\])}]/g, true);
  problem.range = { start: pos, end: Math.max(pos + 1, lineEnd - /\s*$/.exec(text.slice(pos, lineEnd))![0].length) };
  problem.message = `This string is not closed on its line, so ${name} does not parse as JavaScript: DNSControl refuses it and pushes nothing, and its records are not checked. Close it with \`${quote}\`${where}.`;
  problem.fixes = [{ title: `Close the string${where}`, edits: [{ range: { start: at, end: at }, newText: quote }] }];
  return problem;
}

export function readDnscontrol(text: string, uri: string, openText?: (file: string) => string | undefined): ZoneFile {
  const out: ZoneFile = { uri, format: 'dnscontrol', origin: undefined, originExplicit: false, records: [], sites: [], problems: [], texts: new Map([[uri, text]]) };
  let program: N;
  try {
    program = parseScript(text);
  } catch (e) {
    out.problems.push(syntaxError(text, uri, (e as { pos?: number }).pos ?? 0, (e as Error).message));
    return out;
  }
  /** A value built from constants, or undefined. */
  let shared: SharedConsts | undefined;
  const sharedOnce = () => (shared ??= sharedConsts(uri, text, openText));
  /** What a record call inside a helper function reads its parameters as (empty outside one). */
  type Scope = ReadonlyMap<string, JsValue>;
  const NONE: Scope = new Map();
  /**
   * The record reader of one file of the configuration: this one, or one that defines a macro or a
   * helper a D() here uses (its records are read, checked and fixed where that file writes them).
   */
  const readerOf = (text: string, uri: string, consts: Map<string, N>, functions: Map<string, N>) => {
    const resolve = (n: N | undefined, scope: Scope = NONE): N | undefined => {
      if (n?.type !== 'Identifier') return n;
      const bound = scope.get(n.name);
      // What a helper's call passes as written (records, a list of them): that node.
      if (bound) return bound.k === 'n' ? bound.node : n;
      return consts.has(n.name) ? consts.get(n.name) : n;
    };
    const note = (n: { start: number; end: number }, message: string) => out.problems.push({ code: 'source/not-static', message, uri, range: { start: n.start, end: n.end } });
    const evalJs = (n: N, scope: Scope = NONE): JsValue | undefined => {
      try {
        return jsEval(text, n, consts, scope, 0, sharedOnce);
      } catch {
        return undefined;
      }
    };

    /** Set while the values a conditional may choose are read: their sites are alternatives (RecordSite.alternative). */
    let choosing = false;
    const addSite = (owner: string | undefined, b: ValueBuilder, node: N, ownerNode: N | undefined, syntax: ValueSyntax, coarse: boolean, pieces?: boolean) => {
      if (b.strings.length === 0) b.endString();
      const site: RecordSite = {
        owner,
        type: 'TXT',
        value: b.value,
        strings: b.strings,
        map: b.map,
        syntax,
        uri,
        range: { start: node.start, end: node.end },
        ownerRange: ownerNode ? { start: ownerNode.start, end: ownerNode.end } : { start: node.start, end: node.start },
        coarse,
        ...(coarse && pieces ? { pieces: true } : {}),
        ...(choosing ? { alternative: true as const } : {}),
      };
      out.sites.push(markHoles(site));
      // One of the values a conditional chooses: the record (one, value not known) is the caller's.
      if (!choosing) out.records.push({ owner, type: 'TXT', ttl: undefined, rdata: [b.value], uri, range: site.range, site });
    };

    const ownerOf = (label: string, domain: string) => (label === '@' || label === '' ? domain : label.endsWith('.') ? label.slice(0, -1).toLowerCase() : `${label.toLowerCase()}.${domain}`);

    /** A literal string argument's text, or undefined when it is computed. */
    const literalText = (n: N | undefined, scope: Scope = NONE): string | undefined => {
      const bound = n?.type === 'Identifier' ? scope.get(n.name) : undefined;
      if (bound) return knownText(bound);
      const v = resolve(n);
      return v ? literalParts(text, v)?.map((p) => p.text).join('') : undefined;
    };
    /** A string argument's text: a literal, else what it evaluates to from constants (this file's or the configuration's globals). */
    const staticText = (n: N | undefined, scope: Scope = NONE): string | undefined => {
      const literal = literalText(n, scope);
      if (literal !== undefined || !n) return literal;
      const built = evalJs(n, scope);
      return built && knownText(built);
    };
    /**
     * Reads one record call of a D(). True when what it publishes is known statically (its names and
     * the data DMARC Lens reads); else false or undefined, and the D() is not known to be the whole zone.
     */
    const visitRecord = (call: N, domain: string, scope: Scope = NONE): boolean | undefined => {
      const fn = call.callee?.type === 'Identifier' ? call.callee.name : '';
      const args: N[] = call.arguments ?? [];
      const range = { start: call.start, end: call.end };
      // The records other than TXT that say where mail goes and what exists: `mx`, `a` and `exists`
      // terms, DMARC discovery and report addresses read them. A target is a name like a label.
      if (fn === 'A' || fn === 'AAAA' || fn === 'MX' || fn === 'CNAME' || fn === 'NS') {
        const label = staticText(args[0], scope);
        if (label === undefined) return false;
        const owner = ownerOf(label, domain);
        const value = staticText(args[fn === 'MX' ? 2 : 1], scope);
        if (value === undefined) return false;
        const pref = resolve(args[1], scope);
        const target = value === '.' ? '.' : `${ownerOf(value, domain)}.`;
        // Where the name and a CNAME's, MX's or NS's target are written (a literal in this call), for navigation.
        const ownerAt = literalAt(args[0]);
        const dataAt = fn === 'A' || fn === 'AAAA' ? undefined : literalAt(args[fn === 'MX' ? 2 : 1]);
        out.records.push({ owner, type: fn, ttl: undefined, rdata: fn === 'MX' ? [String(pref?.type === 'Literal' ? pref.value : '10'), target] : [fn === 'CNAME' || fn === 'NS' ? target : value], uri, range, ...(ownerAt ? { ownerRange: ownerAt } : {}), ...(dataAt ? { dataRange: dataAt } : {}) });
        return true;
      }
      // A record whose data DMARC Lens does not read: its name exists all the same.
      // SRV(name, priority, weight, port, target): the target is a host name the zone rules and navigation read.
      if (fn === 'SRV') {
        const label = staticText(args[0], scope);
        if (label === undefined) return false;
        const owner = ownerOf(label, domain);
        const fields = [1, 2, 3].map((i) => {
          const n = resolve(args[i], scope);
          return n?.type === 'Literal' && typeof n.value === 'number' ? String(n.value) : undefined;
        });
        const value = staticText(args[4], scope);
        const ownerAt = literalAt(args[0]);
        if (value === undefined || fields.some((f) => f === undefined)) out.records.push({ owner, type: fn, ttl: undefined, rdata: [], uri, range, ...(ownerAt ? { ownerRange: ownerAt } : {}) });
        else {
          const dataAt = literalAt(args[4]);
          out.records.push({ owner, type: fn, ttl: undefined, rdata: [...(fields as string[]), value === '.' ? '.' : `${ownerOf(value, domain)}.`], uri, range, ...(ownerAt ? { ownerRange: ownerAt } : {}), ...(dataAt ? { dataRange: dataAt } : {}) });
        }
        return true;
      }
      if (NAMED_ONLY.has(fn)) {
        const label = staticText(args[0], scope);
        if (label === undefined) return false;
        out.records.push({ owner: ownerOf(label, domain), type: fn, ttl: undefined, rdata: [], uri, range });
        return true;
      }
      if (fn === 'TXT' || fn === 'SPF') {
        let [labelNode, valueNode] = args;
        if (args.length === 1) [labelNode, valueNode] = [undefined as unknown as N, args[0]];
        const labelText = labelNode ? staticText(labelNode, scope) : '@';
        const value = resolve(valueNode, scope);
        if (labelText === undefined) note(labelNode, 'The record name is computed, so checks that depend on it are skipped.');
        const owner = labelText === undefined ? undefined : ownerOf(labelText, domain);
        // `TXT("@", UNKNOWN ? "v=spf1 -all" : "v=spf1 ~all")`, the test not known statically: each value it
        // may choose is checked on its own, as in Terraform; the record counts once, its value not known.
        if (value?.type === 'ConditionalExpression' && !choosing && evalJs(value, scope) === undefined) {
          const branches: N[] = [];
          for (let c: N = value; ; c = resolve(c.alternate, scope) ?? c.alternate) {
            branches.push(c.consequent);
            if (c.alternate?.type !== 'ConditionalExpression') {
              branches.push(c.alternate);
              break;
            }
          }
          note(value, `This TXT value is one of ${branches.length} values chosen by \`${text.slice(value.test.start, value.test.end).slice(0, 60)}\`, which is not known statically; each value written here is checked on its own.`);
          choosing = true;
          try {
            for (const br of branches) visitRecord({ ...call, arguments: args.length === 1 ? [br] : [labelNode, br, ...args.slice(2)] }, domain, scope);
          } finally {
            choosing = false;
          }
          if (owner !== undefined) out.records.push(markDynamic({ owner, type: 'TXT', ttl: undefined, rdata: [], uri, range: { start: value.start, end: value.end } }));
          // As for any value not known statically: the D() is not taken for the whole zone.
          return undefined;
        }
        const b = new ValueBuilder();
        // The strings of the value: literals as written, else what they evaluate to (`"v=spf1 " + L.join(" ")`).
        const elems: N[] = value?.type === 'ArrayExpression' ? value.elements.map((e: N) => resolve(e, scope)) : value ? [value] : [];
        let strings: Ch[][] | undefined = [];
        let built = false;
        for (const e of elems) {
          const parts = e ? literalParts(text, e) : undefined;
          if (parts) {
            strings.push(parts);
            continue;
          }
          const v = e ? evalJs(e, scope) : undefined;
          built = true;
          if (v?.k === 's') strings.push(v.chars);
          // A whole value that is a list (`TXT("@", PARTS.map(…))`): its strings.
          else if (v?.k === 'l' && elems.length === 1 && v.items.every((x) => x.k === 's')) strings.push(...v.items.map((x) => (x.k === 's' ? x.chars : [])));
          else {
            note(e ?? call, 'This TXT value is computed, so it is not checked.');
            strings = undefined;
            break;
          }
        }
        // A helper's parameter not known statically (records/holes): the rest is checked when what is
        // written before it says what record this is.
        const holeAt = strings?.flat().find((c) => c.text === HOLE);
        if (strings && holeAt) {
          const written = `\`${text.slice(holeAt.from, holeAt.to)}\` (line ${text.slice(0, holeAt.from).split('\n').length})`;
          const prefix = strings.flat().map((c) => c.text).join('');
          if (!startsAsRecord(prefix.slice(0, prefix.indexOf(HOLE)))) {
            note(value ?? call, `This TXT value is built from ${written}, which is not known statically, so it is not checked.`);
            strings = undefined;
          } else note(value ?? call, checkedAround(written));
        }
        if (!strings) {
          // The record exists all the same: a `_dmarc` record of unknown value still covers its domain.
          if (owner !== undefined) out.records.push(markDynamic({ owner, type: 'TXT', ttl: undefined, rdata: [], uri, range: { start: (value ?? call).start, end: (value ?? call).end } }));
          return;
        }
        for (const parts of strings) {
          b.chars(parts);
          b.endString();
        }
        if (strings.length) addSite(owner, b, value!, labelNode, { host: 'js' }, built || strings.length > 1, true);
        return owner !== undefined;
      }
      const opts = resolve(args[0]);
      if (!opts || opts.type !== 'ObjectExpression') return;
      const str = (name: string) => {
        const p = prop(opts, name);
        const v = p && resolve(p.value);
        return v ? { key: p!.key as N, node: v, parts: literalParts(text, v) } : undefined;
      };
      const labelOpt = str('label');
      const label = labelOpt?.parts?.map((x) => x.text).join('') ?? '@';
      const labelKnown = labelOpt === undefined || labelOpt.parts !== undefined;
      if (fn === 'SPF_BUILDER') {
        const parts = prop(opts, 'parts');
        const arr = parts && resolve(parts.value);
        if (arr?.type !== 'ArrayExpression') return;
        const b = new ValueBuilder();
        arr.elements.forEach((e: N, i: number) => {
          const ps = literalParts(text, resolve(e) ?? e);
          if (i > 0) b.generated(' ', { start: e.start, end: e.start });
          if (ps) b.chars(ps);
        });
        addSite(ownerOf(label, domain), b, arr, labelOpt?.node, { host: 'js' }, true);
        return labelKnown;
      } else if (fn === 'DMARC_BUILDER') {
        const b = new ValueBuilder();
        b.generated('v=DMARC1', call.callee);
        const tag = (tagName: string, option: string, map: (v: string) => string = (v) => v) => {
          const p = prop(opts, option);
          if (!p) return;
          const v = resolve(p.value, scope) as N;
          // failureOptions may be an object of booleans: DKIM -> d, SPF -> s (DNSControl's DMARC_BUILDER).
          if (v.type === 'ObjectExpression') {
            const on = (k: string) => prop(v, k)?.value?.value === true;
            const fo = [on('DKIM') ? 'd' : '', on('SPF') ? 's' : ''].filter(Boolean).join(':');
            if (fo) {
              b.generated('; ', p.key);
              b.generated(`${tagName}=`, p.key);
              b.generated(fo, v);
            }
            return;
          }
          const literalValue = v.type === 'ArrayExpression' ? v.elements.every((e: N) => literalParts(text, e)) : (v.type === 'Literal' && typeof v.value === 'number') || literalParts(text, v) !== undefined;
          if (!literalValue) {
            // Built from constants or a helper's parameters (`policy: policy`): what they make, a hole where a call passes what is not known.
            const built = evalJs(v, scope);
            const parts = built?.k === 's' ? [built.chars] : built?.k === 'l' && built.items.every((x) => x.k === 's') ? built.items.map((x) => (x as JsValue & { k: 's' }).chars) : undefined;
            if (!parts) {
              note(v, `\`${option}\` is computed, so the \`${tagName}\` it produces is not checked.`);
              return;
            }
            b.generated('; ', p.key);
            b.generated(`${tagName}=`, p.key);
            parts.forEach((chars, i) => {
              if (i > 0) b.generated(',', v);
              const raw = chars.map((c) => c.text).join('');
              if (map(raw) === raw) b.chars(chars);
              else b.generated(map(raw), v);
            });
            return;
          }
          b.generated('; ', p.key);
          b.generated(`${tagName}=`, p.key);
          if (v.type === 'ArrayExpression') {
            v.elements.forEach((e: N, i: number) => {
              if (i > 0) b.generated(',', e);
              const ps = literalParts(text, e);
              if (ps) b.chars(ps);
            });
          } else if (v.type === 'Literal' && typeof v.value === 'number') b.generated(String(v.value), v);
          else {
            const ps = literalParts(text, v);
            const raw = ps?.map((x) => x.text).join('') ?? '';
            const mapped = map(raw);
            if (ps && mapped === raw) b.chars(ps);
            else b.generated(mapped, v);
          }
        };
        const align = (v: string) => ({ strict: 's', relaxed: 'r' })[v.toLowerCase()] ?? v;
        tag('p', 'policy');
        tag('sp', 'subdomainPolicy');
        tag('adkim', 'alignmentDKIM', align);
        tag('aspf', 'alignmentSPF', align);
        // DNSControl's `percent` becomes `pct`, which RFC 9989 removed: the finding lands on the option.
        tag('pct', 'percent');
        tag('rua', 'rua');
        tag('ruf', 'ruf');
        tag('fo', 'failureOptions');
        tag('rf', 'failureFormat');
        tag('ri', 'reportInterval', (v) => String(({ s: 1, m: 60, h: 3600, d: 86400 } as Record<string, number>)[v.slice(-1)] * Number(v.slice(0, -1)) || v));
        addSite(ownerOf(label === '@' ? '_dmarc' : `_dmarc.${label}`, domain), b, call, labelOpt?.node, { host: 'js' }, true);
        return labelKnown;
      } else if (fn === 'DKIM_BUILDER') {
        const selector = str('selector')?.parts?.map((x) => x.text).join('');
        if (!selector) return;
        const b = new ValueBuilder();
        b.generated('v=', call.callee);
        const version = str('version');
        if (version?.parts) b.chars(version.parts);
        else b.generated('DKIM1', call.callee);
        const list = (tagName: string, option: string) => {
          const p = prop(opts, option);
          if (!p) return;
          const v = resolve(p.value) as N;
          b.generated(`; ${tagName}=`, p.key);
          const elems: N[] = v.type === 'ArrayExpression' ? v.elements : [v];
          elems.forEach((e, i) => {
            if (i > 0) b.generated(':', e);
            const ps = literalParts(text, e);
            if (ps) b.chars(ps);
          });
        };
        list('h', 'hashtypes');
        list('k', 'keytype');
        list('s', 'servicetypes');
        list('t', 'flags');
        list('n', 'note');
        list('p', 'pubkey');
        const owner = ownerOf(label === '@' ? `${selector}._domainkey` : `${selector}._domainkey.${label}`, domain);
        addSite(owner, b, call, str('selector')?.node, { host: 'js' }, true);
        return labelKnown;
      }
      return undefined;
    };
    return { consts, functions, resolve, note, evalJs, staticText, visitRecord };
  };
  type Reader = ReturnType<typeof readerOf>;
  // `var X = "…"` constants and helper functions, for records that reference them.
  const own = readerOf(text, uri, topConsts(program), topFunctions(program));
  const { resolve, note, staticText } = own;
  /** Readers of the other files of the configuration, by path. */
  const readers = new Map<string, Reader>([[uri, own]]);
  /** The reader of the file that defines a global, and its definition, when it is not this file's. */
  const global = (name: string): { reader: Reader; node: N } | undefined => {
    const g = own.consts.has(name) || own.functions.has(name) ? undefined : sharedOnce().get(name);
    if (!g) return undefined;
    let reader = readers.get(g.file);
    if (!reader) {
      readers.set(g.file, (reader = readerOf(g.text, g.file, g.consts, g.functions)));
      out.texts.set(g.file, g.text);
    }
    return { reader, node: g.node };
  };

  /** The strings of an array literal (written in place or as a `var`) of string literals only. */
  const stringList = (n: N | undefined): string[] | undefined => {
    const v = resolve(n);
    if (v?.type !== 'ArrayExpression') return undefined;
    const out: string[] = [];
    for (const e of v.elements as N[]) {
      const t = e ? literalParts(text, resolve(e) ?? e)?.map((p) => p.text).join('') : undefined;
      if (t === undefined) return undefined;
      out.push(t);
    }
    return out;
  };
  /** A loop's variable bound to each string of a list: `for (var d of L)`, `L.forEach(function (d) {…})`, `for (var i = 0; i < L.length; i++)` (then `L[i]`). */
  type Env = ReadonlyMap<string, string | { list: string[]; index: number }>;
  /** A D()'s domain: a string literal, a constant, or a loop's element. */
  const domainText = (n: N | undefined, env: Env, scope: Scope = NONE): string | undefined => {
    if (n?.type === 'Identifier' && env.has(n.name)) {
      const b = env.get(n.name)!;
      return typeof b === 'string' ? b : undefined;
    }
    if (n?.type === 'MemberExpression' && n.computed && n.property?.type === 'Identifier') {
      const b = env.get(n.property.name);
      const list = stringList(n.object);
      if (b && typeof b !== 'string' && list) return list[b.index];
    }
    // A literal, or built from constants, a loop's variable or a helper's parameters, or a global of another file of the configuration.
    return staticText(n, scope);
  };
  /** A property's key written as a name or a string (`a: …`, `"example.com": …`). */
  const keyOf = (p: N): string | undefined => (p.type === 'Property' && !p.computed ? (p.key?.type === 'Identifier' ? p.key.name : p.key?.type === 'Literal' && typeof p.key.value === 'string' ? p.key.value : undefined) : undefined);
  /** An object literal's keys (written in place or as a `var`), when every one is written so. */
  const objectKeys = (n: N | undefined): string[] | undefined => {
    const o = resolve(n);
    if (o?.type !== 'ObjectExpression') return undefined;
    const keys = (o.properties as N[]).map(keyOf);
    return keys.every((k) => k !== undefined) ? (keys as string[]) : undefined;
  };
  /** `DOMAINS[k]` (k a loop's key), `DOMAINS["a.example"]`, `DOMAINS.a`: the value an object literal writes for that key. */
  const memberNode = (n: N | undefined, env: Env, scope: Scope): N | undefined => {
    if (n?.type !== 'MemberExpression') return undefined;
    const obj = resolve(n.object, scope);
    if (obj?.type !== 'ObjectExpression') return undefined;
    const bound = n.computed && n.property?.type === 'Identifier' ? env.get(n.property.name) : undefined;
    const key = !n.computed ? n.property?.name : typeof bound === 'string' ? bound : staticText(n.property, scope);
    return typeof key === 'string' ? (obj.properties as N[]).find((p) => keyOf(p) === key)?.value : undefined;
  };
  /** Visits a loop's body once per element of a literal list of strings; false when the loop is not one. */
  const loop = (n: N, env: Env, scope: Scope): boolean => {
    const bodyOnce = (body: N | undefined, name: string, list: string[], byIndex: boolean, at: N = n) => {
      // The variable is also a value the body's expressions read (`d + ".example"`, `LIST[i]`), standing at its declaration.
      const value = (t: string): JsValue => ({ k: 's', chars: [...t].map((c) => ({ text: c, from: at.start, to: at.end, gen: true as const })) });
      list.forEach((v, index) => visit(body, new Map([...env, [name, byIndex ? { list, index } : v]]), new Map(scope).set(name, value(byIndex ? String(index) : v))));
      return true;
    };
    if (n.type === 'ForOfStatement' && n.left?.type === 'VariableDeclaration' && n.left.declarations[0]?.id.type === 'Identifier') {
      const list = stringList(n.right);
      return list ? bodyOnce(n.body, n.left.declarations[0].id.name, list, false, n.left.declarations[0].id) : false;
    }
    if (n.type === 'ForStatement' && n.init?.type === 'VariableDeclaration' && n.init.declarations.length === 1) {
      const d = n.init.declarations[0];
      const t = n.test;
      if (d.id.type !== 'Identifier' || d.init?.type !== 'Literal' || d.init.value !== 0) return false;
      if (t?.type !== 'BinaryExpression' || t.operator !== '<' || t.left?.type !== 'Identifier' || t.left.name !== d.id.name) return false;
      if (t.right?.type !== 'MemberExpression' || t.right.computed || t.right.property?.name !== 'length') return false;
      const u = n.update;
      const counts = (u?.type === 'UpdateExpression' && u.operator === '++' && u.argument?.name === d.id.name) || (u?.type === 'AssignmentExpression' && u.operator === '+=' && u.left?.name === d.id.name && u.right?.type === 'Literal' && u.right.value === 1);
      const list = counts ? stringList(t.right.object) : undefined;
      return list ? bodyOnce(n.body, d.id.name, list, true, d.id) : false;
    }
    // `for (var d in DOMAINS)` over an object literal's keys.
    if (n.type === 'ForInStatement' && n.left?.type === 'VariableDeclaration' && n.left.declarations[0]?.id.type === 'Identifier') {
      const keys = objectKeys(n.right);
      return keys ? bodyOnce(n.body, n.left.declarations[0].id.name, keys, false, n.left.declarations[0].id) : false;
    }
    // `LIST.forEach(function (d) {…})`, `.map(…)` too, and `Object.keys(DOMAINS).forEach(…)` over an object literal's keys.
    if (n.type === 'CallExpression' && n.callee?.type === 'MemberExpression' && !n.callee.computed && (n.callee.property?.name === 'forEach' || n.callee.property?.name === 'map')) {
      const fn = n.arguments[0];
      const of = n.callee.object;
      const keysOf = of?.type === 'CallExpression' && of.callee?.type === 'MemberExpression' && of.callee.object?.name === 'Object' && of.callee.property?.name === 'keys' && of.arguments.length === 1 ? objectKeys(of.arguments[0]) : undefined;
      const list = keysOf ?? stringList(of);
      if (!list || !fn || (fn.type !== 'FunctionExpression' && fn.type !== 'ArrowFunctionExpression') || fn.params[0]?.type !== 'Identifier') return false;
      return bodyOnce(fn.body, fn.params[0].name, list, false, fn.params[0]);
    }
    return false;
  };

  /**
   * The record calls an argument of D() stands for, each with the parameters it reads: a call, a list
   * of them (a macro: `var MAIL = [MX(…), TXT(…)]`), or a call of a helper function of this file
   * (`function mailAuth(domain, policy) { return [TXT("_dmarc", "v=DMARC1; p=" + policy), …]; }`), read
   * with what the call passes. A parameter whose argument is not known statically is a hole (records/holes).
   */
  const expand = (n: N | null | undefined, scope: Scope, env: Env, depth: number, r: Reader = own): { node: N | null | undefined; scope: Scope; reader: Reader }[] => {
    let v = n ? r.resolve(n, scope) : n;
    let reader = r;
    // A macro another file of the configuration defines: read where that file writes it.
    const g = v?.type === 'Identifier' && !scope.has(v.name) ? global(v.name) : undefined;
    if (g) [v, reader] = [g.node, g.reader];
    if (v?.type === 'ArrayExpression') return (v.elements as (N | null)[]).flatMap((e) => expand(e, scope, env, depth + 1, reader));
    const name = v?.type === 'CallExpression' && v.callee?.type === 'Identifier' && !scope.has(v.callee.name) ? (v.callee.name as string) : undefined;
    const there = name !== undefined && !reader.functions.has(name) ? global(name) : undefined;
    const fn = name === undefined ? undefined : (reader.functions.get(name) ?? (there && isFunction(there.node) ? there.node : undefined));
    const fnReader = reader.functions.has(name ?? '') ? reader : (there?.reader ?? reader);
    const body = fn && depth < 16 ? returnedExpression(fn) : undefined;
    if (!body) return [{ node: v, scope, reader }];
    return expand(body, bindParams(fn!, v!, scope, env, reader, fnReader), env, depth + 1, fnReader);
  };
  /**
   * What a call of a helper passes, by parameter: its value where it is known, a loop's element, or a
   * hole (records/holes). Written in the calling file: in the helper's file, it stands at the parameter.
   */
  const bindParams = (fn: N, call: N, scope: Scope, env: Env, reader: Reader, fnReader: Reader): Map<string, JsValue> => {
    const bound = new Map<string, JsValue>();
    (fn.params as N[]).forEach((p, i) => {
      if (p.type !== 'Identifier') return;
      const a: N | undefined = call.arguments[i];
      const known = a ? reader.evalJs(a, scope) : undefined;
      const loopValue = a?.type === 'Identifier' ? env.get(a.name) : undefined;
      const at = a ?? call;
      // Records or a list of them, as written in this file (`apply(k, DOMAINS[k])`, `mail([TXT(…), MX(…)])`): that node.
      const written = known || typeof loopValue === 'string' || fnReader !== reader || !a ? undefined : (memberNode(a, env, scope) ?? reader.resolve(a, scope));
      const node: JsValue | undefined = written?.type === 'ArrayExpression' || written?.type === 'ObjectExpression' ? { k: 'n', node: written } : undefined;
      const value: JsValue = known ?? node ?? (typeof loopValue === 'string' ? { k: 's', chars: [...loopValue].map((c) => ({ text: c, from: at.start, to: at.end, gen: true as const })) } : { k: 's', chars: [{ text: HOLE, from: at.start, to: at.end, gen: true }] });
      bound.set(p.name, fnReader === reader ? value : relocated(value, p));
    });
    return bound;
  };

  /** The functions a node calls by name (`D`, `mailDomain`…), anywhere inside it. */
  const callees = (root: N): Set<string> => {
    const out = new Set<string>();
    const walk = (n: N | null | undefined): void => {
      if (!n || typeof n !== 'object') return;
      if (n.type === 'CallExpression' && n.callee?.type === 'Identifier') out.add(n.callee.name);
      for (const key of Object.keys(n)) {
        if (key === 'start' || key === 'end' || key === 'type') continue;
        const v = n[key];
        if (Array.isArray(v)) v.forEach(walk);
        else if (v && typeof v === 'object' && typeof v.type === 'string') walk(v);
      }
    };
    walk(root);
    return out;
  };
  /**
   * The helper functions of this file that write a D() and that the file calls (`function mailDomain(name,
   * policy) { D(name, …) }` then `mailDomain("example.com", "reject")`): each call is read with what it
   * passes, and the function's own body is not read without it.
   */
  const domainHelpers = new Set<N>();
  if (own.functions.size) {
    const called = callees(program);
    for (const [name, fn] of own.functions) {
      if (!called.has(name) || fn.body?.type !== 'BlockStatement') continue;
      const inside = callees(fn.body);
      if (inside.has('D') || inside.has('D_EXTEND')) domainHelpers.add(fn);
    }
  }
  /** Helpers being read (a helper that calls itself is read once). */
  const active = new Set<N>();

  const visit = (n: N | null | undefined, env: Env = new Map(), scope: Scope = NONE): void => {
    if (!n || typeof n !== 'object') return;
    if ((n.type === 'ForOfStatement' || n.type === 'ForInStatement' || n.type === 'ForStatement' || n.type === 'CallExpression') && loop(n, env, scope)) return;
    // A helper that writes a D(): read at each call, with what the call passes; not on its own.
    if (domainHelpers.has(n)) return;
    if (n.type === 'CallExpression' && n.callee?.type === 'Identifier' && !scope.has(n.callee.name)) {
      const fn = own.functions.get(n.callee.name);
      if (fn && domainHelpers.has(fn) && !active.has(fn)) {
        const bound = bindParams(fn, n, scope, env, own, own);
        // A parameter a D() may name its domain with: known text, as a loop's element is.
        const named = new Map(env);
        for (const [k, v] of bound) {
          const t = knownText(v);
          if (t !== undefined) named.set(k, t);
          else named.delete(k);
        }
        // Its own `var x = …` strings, in order (`var dmarc = "v=DMARC1; p=" + policy`), as the records read them.
        for (const st of fn.body.body as N[])
          if (st.type === 'VariableDeclaration')
            for (const d of st.declarations as N[]) {
              if (d.id?.type !== 'Identifier') continue;
              const v = d.init ? own.evalJs(d.init, bound) : undefined;
              if (v) bound.set(d.id.name, v);
              else bound.delete(d.id.name);
            }
        active.add(fn);
        visit(fn.body, named, bound);
        active.delete(fn);
        return;
      }
    }
    // D_EXTEND adds records to a domain of a D() (or to a subdomain of one): its labels are relative to its own name.
    if (n.type === 'CallExpression' && n.callee?.type === 'Identifier' && (n.callee.name === 'D' || n.callee.name === 'D_EXTEND')) {
      const domainNode = n.arguments[0] ? (resolve(n.arguments[0]) ?? n.arguments[0]) : undefined;
      const domain = domainText(n.arguments[0], env, scope)?.toLowerCase().replace(/\.$/, '') || undefined;
      if (!domain) {
        note(n.arguments[0] ?? n, `The domain of this ${n.callee.name}() is computed, so its records are not checked.`);
        return;
      }
      // A D() with records DMARC Lens reads, and nothing that leaves records to someone else, is the whole
      // zone: DNSControl deletes what it does not list (unless NO_PURGE or IGNORE…), so a name it lacks
      // does not exist, as in a zone file with its SOA.
      let whole = n.callee.name === 'D';
      const mark = out.records.length;
      n.arguments.slice(1).forEach((a: N, k: number) => {
        const arg = memberNode(a, env, scope) ?? resolve(a, scope);
        // The registrar comes first, often a variable of another file (`REG_NONE`).
        if (k === 0 && arg?.type === 'Identifier') return;
        for (const { node: c, scope: sc, reader } of expand(arg, scope, env, 0)) {
          if (c?.type === 'CallExpression') {
            const fn = c.callee?.type === 'Identifier' ? c.callee.name : '';
            // A record call must be read whole; anything else must add no record.
            if (reader.visitRecord(c, domain, sc) !== true && !SETTING_CALLS.has(fn)) whole = false;
          } else if (!(c?.type === 'Identifier' && c.name === 'END')) whole = false;
        }
      });
      if (whole)
        // The zone's SOA, which its provider publishes: at the domain D() names.
        out.records.push({ owner: domain, type: 'SOA', ttl: undefined, rdata: [], uri, range: { start: domainNode!.start, end: domainNode!.end } });
      // D() names the zone of its records, whole or not (ResourceRecord.zone); D_EXTEND may name a subdomain of one.
      if (n.callee.name === 'D') for (let k = mark; k < out.records.length; k++) out.records[k].zone ??= domain;
      return;
    }
    for (const key of Object.keys(n)) {
      if (key === 'start' || key === 'end' || key === 'type') continue;
      const v = n[key];
      if (Array.isArray(v)) v.forEach((x) => visit(x, env, scope));
      else if (v && typeof v === 'object' && typeof v.type === 'string') visit(v, env, scope);
    }
  };
  visit(program);
  // What another file of the configuration defines was asked for: a change there changes this reading.
  if (shared?.files?.length) out.reads = shared.files;
  return out;
}
