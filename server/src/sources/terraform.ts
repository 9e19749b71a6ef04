/**
 * Record sites in Terraform / OpenTofu files: aws_route53_record (with Route 53's `\"\"` string
 * splitting), cloudflare_record / cloudflare_dns_record, azurerm_dns_txt_record, google_dns_record_set
 * (quoted rrdatas), digitalocean_record, dnsimple_zone_record. Owners come from `name` and the zone,
 * resolved through zone resources, data sources, literal locals and variable defaults of the module:
 * the file and the other `*.tf` files of its folder (a Terraform module is a folder).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { markDynamic } from '../records/dynamic';
import { setTxtSibling, type SiblingSpec, type TxtSibling } from '../records/sibling';
import { checkedAround, HOLE, startsAsRecord } from '../records/holes';
import { SourceMap } from '../sourcemap';
import type { CharString, OffsetRange, RecordSite, ResourceRecord, TextEdit, ValueSyntax } from '../types';
import { errorRange, LineIndex } from '../util/lines';
import { closeStringAt, isUnder } from '../util/text';
import { markHoles, showNames, standInZone, underStandIn } from '../util/zonenames';
import { parse as parseDomain } from 'tldts';
import { type Attribute, type Block, heredocParts, parseBody, type StringPart, stringParts, tokenize, type Token } from './hcl';
import { type Node as JsonNode, type ParseError, parseTree, printParseErrorCode } from 'jsonc-parser';
import { decodedOf, elementsOf, evaluate, type ExprEnv, generated, type HVal, lastUnknown, textOf } from './hclexpr';
import { charStrings, sliceDecoded, type Decoded } from './layers';
import { leaveUnread, splitStringText, type SourceProblem, type ZoneFile } from './zonefile';

/** One entry of a literal `for_each`: its key, its value as written, and for an object value its flat attributes (`each.value.name`). */
interface ForEachEntry {
  key: string;
  value: Token;
  foreign?: boolean;
  /** Flat attributes: one literal, or a list of string literals (`records = ["v=spf1 …"]`). */
  fields?: Map<string, Token | Token[]>;
}

interface Context {
  text: string;
  /** The module's folder: zones named by an expression are the same zone within it (util/zonenames). */
  scope: string;
  locals: Map<string, string>;
  vars: Map<string, string>;
  /** `aws_route53_zone.main` → `example.com`, `data.cloudflare_zone.x` → …, by reference prefix. */
  zones: Map<string, string>;
  /** The module (the folder's files): asked when the file itself does not define a name. */
  parent?: Context;
  /** One instance of a resource with a literal `for_each`: `each.key`, and `each.value` as written. */
  each?: ForEachEntry;
  /** The module's context only: the locals and variables blocks of its files (a for_each map may be in any). */
  blocks?: readonly Block[];
  /** Locals and variable defaults that are lists of literal strings (`["a", "b"]`), by `local.x` / `var.x`. */
  lists?: Map<string, string[]>;
  /** One instance of a resource with a `count` DMARC Lens can read: `count.index`. */
  count?: number;
  /** The file's own blocks: definitions there keep their places when an expression is evaluated (hclexpr). */
  own?: readonly Block[];
  /** What a module call passes: these variables are the call's values, not their defaults. */
  inputs?: ReadonlyMap<string, string>;
  /** The editor's text of open files (a called module's outputs are read as the editor has them). */
  openText?: (file: string) => string | undefined;
  /** A root module's variable values from `terraform.tfvars` and `*.auto.tfvars` (later files win), by name. */
  tfvars?: ReadonlyMap<string, Attribute>;
  /**
   * Variables a conditional tests (`var.email != "" ? "…rua=mailto:${var.email}" : "…"`), while the
   * values it may choose are read: not their defaults, which the test is there to tell apart.
   */
  tested?: ReadonlySet<string>;
}

/** The tfvars values that apply: a root module's (a module a call passes inputs to has none). */
function tfvarsOf(ctx: Context): ReadonlyMap<string, Attribute> | undefined {
  return ctx.inputs ?? ctx.parent?.inputs ? undefined : (ctx.tfvars ?? ctx.parent?.tfvars);
}

/** What the expression evaluator asks of a context: references by name, and where locals and variable defaults are written. */
function exprEnv(ctx: Context): ExprEnv {
  const folder = () => (ctx.scope && !ctx.scope.includes('://') ? ctx.scope : undefined);
  return {
    scalar: (ref) => (ref === 'path.module' ? folder() : resolveRef(ref, ctx)),
    // `file("${path.module}/dkim.txt")`: a small text file beside the module (Terraform reads a relative path from where it runs, the root module, which is the folder for a root module).
    // As the editor has it, saved or not; the file is named in the reading's `reads`, so an editor checks again when it changes.
    file: (name) => {
      const dir = folder();
      if (!dir) return undefined;
      try {
        const f = path.resolve(dir, name);
        fileReads?.add(f);
        const open = (ctx.openText ?? ctx.parent?.openText)?.(f);
        if (open !== undefined) return open.length <= 65536 ? open : undefined;
        const st = fs.statSync(f);
        return st.isFile() && st.size <= 65536 ? fs.readFileSync(f, 'utf8') : undefined;
      } catch {
        return undefined;
      }
    },
    definition: (ref) => {
      const name = ref.startsWith('var.') ? ref.slice(4) : undefined;
      if (name !== undefined && (ctx.inputs?.has(name) || ctx.parent?.inputs?.has(name) || ctx.tested?.has(name))) return undefined;
      const tfvars = tfvarsOf(ctx);
      const given = name !== undefined ? tfvars?.get(name) : undefined;
      if (given) return { tokens: given.value, here: false };
      const here = ctx.own ? definitions(ref, ctx.own)[0] : undefined;
      if (here) return { tokens: here.value, here: true };
      const there = definitions(ref, ctx.blocks ?? ctx.parent?.blocks ?? [])[0];
      return there ? { tokens: there.value, here: false } : undefined;
    },
  };
}

/** An expression's value when it is a string known statically (`join(…)`, `format(…)`, `local.records[count.index].value`). */
function evalString(tokens: readonly Token[], ctx: Context, holes = false): (HVal & { k: 's' }) | undefined {
  const v = evaluate(tokens, exprEnv(ctx), new Map(), holes);
  return v?.k === 's' ? v : undefined;
}

/** A local's value or a variable's default that is a constant: a string without templates, a number, true or false. */
function constant(a: Attribute | undefined): string | undefined {
  if (!a || a.value.length !== 1) return undefined;
  const t = a.value[0];
  if (t.kind === 'string' && !t.text.includes('${')) return t.text.slice(1, -1);
  if (t.kind === 'number' || (t.kind === 'ident' && (t.text === 'true' || t.text === 'false'))) return t.text;
  return undefined;
}

/** `["a", "b"]` of plain strings (no template, no escape): the strings. */
function constantList(a: Attribute | undefined): string[] | undefined {
  const toks = a?.value.filter((t) => t.kind !== 'newline');
  if (!toks || toks[0]?.text !== '[' || toks[toks.length - 1]?.text !== ']') return undefined;
  const out: string[] = [];
  for (let i = 1; i < toks.length - 1; i++) {
    const t = toks[i];
    if (t.text === ',') continue;
    if (t.kind !== 'string' || t.text.includes('${') || t.text.includes('\\')) return undefined;
    out.push(t.text.slice(1, -1));
  }
  return out;
}

/** A literal list of this file or its module: `local.x`, `var.x`. */
function listOf(ref: string, ctx: Context): string[] | undefined {
  return ctx.lists?.get(ref) ?? ctx.parent?.lists?.get(ref);
}

/** How many instances a `count` makes, when written as a number or `length(local.x)` of a literal list (at most 256). */
function countOf(attr: Attribute | undefined, ctx: Context): number | undefined {
  const e = attr?.value.filter((t) => t.kind !== 'newline').map((t) => t.text).join('');
  if (!e) return undefined;
  let n = /^\d+$/.test(e) ? Number(e) : /^length\(((?:local|var)\.[A-Za-z0-9_-]+)\)$/.exec(e) ? listOf(/^length\((.*)\)$/.exec(e)![1], ctx)?.length : undefined;
  // `length(local.records)` of a list of objects, `length(concat(…))`…
  if (n === undefined && e.startsWith('length(')) {
    const v = evalString(attr!.value, ctx);
    const t = v && textOf(v);
    n = t !== undefined && /^\d+$/.test(t) ? Number(t) : undefined;
  }
  return n !== undefined && n <= 256 ? n : undefined;
}

function literal(attr: Attribute | undefined, ctx: Context): string | undefined {
  if (!attr || attr.value.length === 0) return undefined;
  const cond = conditional(attr.value, ctx);
  if (cond !== undefined) return literal({ ...attr, value: cond }, ctx);
  if (attr.value.length === 1 && attr.value[0].kind === 'string') {
    const r = resolveTemplate(attr.value[0], ctx).value;
    if (r !== undefined || !attr.value[0].text.includes('${')) return r;
  } else {
    const r = resolveRef(attr.value.map((t) => t.text).join(''), ctx);
    if (r !== undefined) return r;
  }
  // What only the evaluator reads: `format("%s._domainkey", var.selector)`, `local.records[count.index].name`.
  const v = evalString(attr.value, ctx);
  return v && textOf(v);
}

/**
 * A string token with its templates resolved where they can be: the whole value when every part is
 * known, and always the written end after the last part that is not.
 */
function resolveTemplate(tok: Token, ctx: Context): { value?: string; tail: string } {
  let tail = '';
  let known = true;
  for (const p of stringParts(tok)) {
    const r = p.kind === 'text' ? p.text : resolveRef(p.expr, ctx);
    if (r === undefined) {
      known = false;
      tail = '';
    } else tail += r;
  }
  return known ? { value: tail, tail } : { tail };
}

/** The written end of a string with interpolations whose value is not known (`"${x}._domainkey"` → `._domainkey`): the text after the last interpolation. */
function literalTail(attr: Attribute | undefined, ctx: Context): string | undefined {
  if (!attr || attr.value.length !== 1 || attr.value[0].kind !== 'string') return undefined;
  return resolveTemplate(attr.value[0], ctx).tail || undefined;
}

/**
 * `a == b ? x : y` (or `!=`) whose two sides are known, or `c ? x : y` (`!c`) with `c` known as `true`
 * or `false`: the tokens of the branch it takes. The common `name = each.key == "@" ? "example.com" :
 * "${each.key}.example.com"`. Undefined for anything else.
 */
function conditional(tokens: readonly Token[], ctx: Context): Token[] | undefined {
  // Most expressions are one token: nothing to look at.
  if (tokens.length < 5 || !tokens.some((t) => t.text === '?')) return undefined;
  const toks = tokens.filter((t) => t.kind !== 'newline');
  const q = toks.findIndex((t) => t.text === '?');
  if (q < 0) return undefined;
  const c = toks.findIndex((t, i) => i > q && t.text === ':');
  if (c < 0 || toks.slice(q + 1).some((t, i) => i + q + 1 !== c && (t.text === '?' || t.text === ':'))) return undefined;
  const op = toks.findIndex((t, i) => i < q - 1 && (t.text === '=' || t.text === '!') && toks[i + 1].text === '=');
  const side = (ts: Token[]) => (ts.length ? literal({ name: '', nameStart: 0, value: ts, start: ts[0].start, end: ts[ts.length - 1].end }, ctx) : undefined);
  if (op <= 0) {
    // `local.strict ? a : b`, `!var.enabled ? a : b`: a value known as `true` or `false`.
    const negated = toks[0].text === '!';
    const v = side(toks.slice(negated ? 1 : 0, q));
    if (v !== 'true' && v !== 'false') return undefined;
    const branch = (v === 'true') !== negated ? toks.slice(q + 1, c) : toks.slice(c + 1);
    return branch.length ? branch : undefined;
  }
  const left = side(toks.slice(0, op));
  const right = side(toks.slice(op + 2, q));
  if (left === undefined || right === undefined) return undefined;
  const equal = left === right;
  const branch = (toks[op].text === '=' ? equal : !equal) ? toks.slice(q + 1, c) : toks.slice(c + 1);
  return branch.length ? branch : undefined;
}

/** `each.value.<name>` of a for_each entry that is an object: that attribute as written (a literal, or a list of strings). */
function eachField(expr: string, ctx: Context): Token | Token[] | undefined {
  const m = ctx.each?.fields ? /^each\.value\.([A-Za-z0-9_-]+)$/.exec(expr.trim()) : null;
  return m ? ctx.each!.fields!.get(m[1]) : undefined;
}

/** How deep module outputs are being followed (a module's output may be another module's). */
let outputDepth = 0;

/**
 * `module.NAME.OUTPUT`: the output's value as the module computes it with what this call passes
 * (`zone_id = module.dns.zone_id`, the module's `output "zone_id" { value = aws_route53_zone.z.zone_id }`).
 * Only a call with a relative source and no count or for_each; undefined when any of it is not known.
 */
function moduleOutput(name: string, output: string, ctx: Context): string | undefined {
  const blocks = [...(ctx.own ?? []), ...(ctx.blocks ?? ctx.parent?.blocks ?? [])];
  const call = blocks.find((b) => b.type === 'module' && b.labels[0] === name);
  if (!call || call.attributes.has('count') || call.attributes.has('for_each') || outputDepth > 4) return undefined;
  const dir = calledFolder(call, ctx.scope);
  if (!dir) return undefined;
  outputDepth++;
  try {
    const inputs = callInputs(call, ctx);
    const mctx = folderContext(dir, ctx.openText ?? ctx.parent?.openText, inputs.size ? inputs : undefined);
    const out = mctx?.blocks?.find((b) => b.type === 'output' && b.labels[0] === output);
    return out && mctx ? literal(out.attributes.get('value'), mctx) : undefined;
  } finally {
    outputDepth--;
  }
}

function resolveRef(expr: string, ctx: Context): string | undefined {
  const e = expr.trim();
  const mo = e.startsWith('module.') ? /^module\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(e) : null;
  if (mo) return moduleOutput(mo[1], mo[2], ctx);
  if (e === 'count.index') return ctx.count !== undefined ? String(ctx.count) : undefined;
  // An element of a literal list: `local.x[count.index]`, `var.x[0]`, `element(local.x, count.index)`.
  const m0 = /^((?:local|var)\.[A-Za-z0-9_-]+)\[\s*(count\.index|\d+)\s*\]$/.exec(e) ?? /^element\(\s*((?:local|var)\.[A-Za-z0-9_-]+)\s*,\s*(count\.index|\d+)\s*\)$/.exec(e);
  if (m0) {
    const list = listOf(m0[1], ctx);
    const i = m0[2] === 'count.index' ? ctx.count : Number(m0[2]);
    // element() wraps around; an index past the end of a list is an error in Terraform.
    return list && i !== undefined && list.length ? (e.startsWith('element(') ? list[i % list.length] : list[i]) : undefined;
  }
  if (e === 'each.key') return ctx.each?.key;
  const field = eachField(e, ctx);
  if (Array.isArray(field)) return undefined;
  if (field) return field.kind === 'string' && !field.text.includes('${') ? field.text.slice(1, -1) : field.kind === 'number' ? field.text : undefined;
  if (e === 'each.value') {
    const v = ctx.each?.value;
    return v && v.kind === 'string' && !v.text.includes('${') ? v.text.slice(1, -1) : v?.kind === 'number' ? v.text : undefined;
  }
  if (e.startsWith('local.')) return ctx.locals.get(e.slice(6)) ?? ctx.parent?.locals.get(e.slice(6));
  if (e.startsWith('var.')) return ctx.tested?.has(e.slice(4)) ? undefined : (ctx.vars.get(e.slice(4)) ?? ctx.parent?.vars.get(e.slice(4)));
  // A zone resource's attribute; one instance of a counted or for_each zone by its index or key.
  const m = /^(data\.)?([a-z0-9_]+)\.([A-Za-z0-9_-]+)(?:\[\s*(count\.index|each\.key|\d+|"[^"]*")\s*\])?\.(zone_id|id|name|zone|dns_name|domain)$/.exec(e);
  if (m) {
    const at = m[4] === undefined ? '' : m[4] === 'count.index' ? (ctx.count !== undefined ? `[${ctx.count}]` : undefined) : m[4] === 'each.key' ? (ctx.each ? `[${JSON.stringify(ctx.each.key)}]` : undefined) : `[${m[4]}]`;
    if (at === undefined) return undefined;
    const key = `${m[1] ?? ''}${m[2]}.${m[3]}${at}`;
    // A zone resource the module does not define here (another folder, a module input): a zone all the same, the same for every reference.
    return ctx.zones.get(key) ?? ctx.parent?.zones.get(key) ?? (ZONE_RESOURCES[m[2]] ? standInZone(ctx.scope, key) : undefined);
  }
  return undefined;
}

const ZONE_RESOURCES: Record<string, string[]> = {
  aws_route53_zone: ['name'],
  cloudflare_zone: ['zone', 'name'],
  azurerm_dns_zone: ['name'],
  google_dns_managed_zone: ['dns_name', 'name'],
  digitalocean_domain: ['name'],
  dnsimple_zone: ['name'],
  linode_domain: ['domain'],
  hetznerdns_zone: ['name'],
  hcloud_zone: ['name'],
  ns1_zone: ['zone'],
  netlify_dns_zone: ['name'],
  powerdns_zone: ['name'],
  vultr_dns_domain: ['domain'],
  exoscale_domain: ['name'],
  gandi_livedns_domain: ['name'],
  ovh_domain_zone: ['name'],
  aws_lightsail_domain: ['domain_name'],
  // Not a zone, but a domain records are named after (`"_dmarc.${aws_ses_domain_identity.main.id}"`): its `id` is the domain.
  aws_ses_domain_identity: ['domain'],
};

/**
 * Record resources of other providers, by what their arguments are called: the zone (a domain, or a
 * reference to a zone resource above), the name (relative to the zone, or whole), the type (or the
 * one type the resource has), where the values are, and whether a TXT value is written with its
 * own quotes (`"\"v=spf1 …\""`: read as quoted character-strings when it starts with one).
 */
interface RecordKind {
  zone: string[];
  name: string[];
  type: string | { fixed: string };
  /** An attribute (a string or a list of them), or an attribute of nested blocks, or a field of a list of objects. */
  values: { attr: string } | { block: string; attr: string } | { objects: string; field: string };
  quoted: boolean | 'when-quoted';
}
const RECORD_KINDS: Record<string, RecordKind> = {
  // hashicorp/dns (RFC 2136 updates): `zone = "example.com."`, `txt = [...]`.
  dns_txt_record_set: { zone: ['zone'], name: ['name'], type: { fixed: 'TXT' }, values: { attr: 'txt' }, quoted: false },
  dns_mx_record_set: { zone: ['zone'], name: ['name'], type: { fixed: 'MX' }, values: { block: 'mx', attr: 'exchange' }, quoted: false },
  dns_a_record_set: { zone: ['zone'], name: ['name'], type: { fixed: 'A' }, values: { attr: 'addresses' }, quoted: false },
  dns_aaaa_record_set: { zone: ['zone'], name: ['name'], type: { fixed: 'AAAA' }, values: { attr: 'addresses' }, quoted: false },
  dns_cname_record: { zone: ['zone'], name: ['name'], type: { fixed: 'CNAME' }, values: { attr: 'cname' }, quoted: false },
  azurerm_dns_mx_record: { zone: ['zone_name'], name: ['name'], type: { fixed: 'MX' }, values: { block: 'record', attr: 'exchange' }, quoted: false },
  azurerm_dns_a_record: { zone: ['zone_name'], name: ['name'], type: { fixed: 'A' }, values: { attr: 'records' }, quoted: false },
  azurerm_dns_aaaa_record: { zone: ['zone_name'], name: ['name'], type: { fixed: 'AAAA' }, values: { attr: 'records' }, quoted: false },
  azurerm_dns_cname_record: { zone: ['zone_name'], name: ['name'], type: { fixed: 'CNAME' }, values: { attr: 'record' }, quoted: false },
  linode_domain_record: { zone: ['domain_id'], name: ['name'], type: 'record_type', values: { attr: 'target' }, quoted: false },
  ovh_domain_zone_record: { zone: ['zone'], name: ['subdomain'], type: 'fieldtype', values: { attr: 'target' }, quoted: 'when-quoted' },
  hetznerdns_record: { zone: ['zone_id'], name: ['name'], type: 'type', values: { attr: 'value' }, quoted: 'when-quoted' },
  hcloud_zone_rrset: { zone: ['zone'], name: ['name'], type: 'type', values: { objects: 'records', field: 'value' }, quoted: 'when-quoted' },
  gandi_livedns_record: { zone: ['zone'], name: ['name'], type: 'type', values: { attr: 'values' }, quoted: 'when-quoted' },
  powerdns_record: { zone: ['zone'], name: ['name'], type: 'type', values: { attr: 'records' }, quoted: 'when-quoted' },
  ns1_record: { zone: ['zone'], name: ['domain'], type: 'type', values: { block: 'answers', attr: 'answer' }, quoted: false },
  vercel_dns_record: { zone: ['domain'], name: ['name'], type: 'type', values: { attr: 'value' }, quoted: false },
  netlify_dns_record: { zone: ['zone_id'], name: ['hostname'], type: 'type', values: { attr: 'value' }, quoted: false },
  vultr_dns_record: { zone: ['domain'], name: ['name'], type: 'type', values: { attr: 'data' }, quoted: 'when-quoted' },
  scaleway_domain_record: { zone: ['dns_zone'], name: ['name'], type: 'type', values: { attr: 'data' }, quoted: 'when-quoted' },
  exoscale_domain_record: { zone: ['domain'], name: ['name'], type: 'record_type', values: { attr: 'content' }, quoted: 'when-quoted' },
  inwx_nameserver_record: { zone: ['domain'], name: ['name'], type: 'type', values: { attr: 'content' }, quoted: false },
  porkbun_dns_record: { zone: ['domain'], name: ['name', 'subdomain'], type: 'type', values: { attr: 'content' }, quoted: false },
  dnsimple_record: { zone: ['domain'], name: ['name'], type: 'type', values: { attr: 'value' }, quoted: false },
  aws_lightsail_domain_entry: { zone: ['domain_name'], name: ['name'], type: 'type', values: { attr: 'target' }, quoted: false },
};

/** A zone given as text is a domain when it has a dot (`Z0123…`, a Cloudflare hex id or Google's `example-com` name the zone by an id). */
function isDomainText(zone: string): boolean {
  return zone.replace(/\.$/, '').includes('.');
}

function normalize(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/** Owner from a record's `name` and its zone: Route 53 appends the zone unless the name already ends in it. */
function ownerOf(name: string | undefined, zone: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const n = normalize(name);
  // Without a known zone, a relative name stays relative (`_dmarc`, `sel._domainkey`), so rules that
  // read the owner's labels still work; the apex is unknown.
  if (zone === undefined) return name.endsWith('.') ? n : n === '@' || n === '' ? undefined : n;
  const z = normalize(zone);
  if (n === '@' || n === '' || n === z) return z;
  if (n.endsWith(`.${z}`) || name.endsWith('.')) return n;
  return `${n}.${z}`;
}

interface Value {
  decoded: Decoded;
  strings?: CharString[];
  node: Token;
  syntax: ValueSyntax;
}

/** `${join(",", local.x)}` inside a string: its text, when known. */
function evalInterpolation(expr: string, ctx: Context, holes = false): string | undefined {
  return interpolated(expr, ctx, holes)?.text;
}

/** An interpolation's value; with `holes`, around what is not known, and what the first such part is (hclexpr). */
function interpolated(expr: string, ctx: Context, holes = false): { text: string; hole?: string } | undefined {
  // In Terraform JSON the expression is itself inside a JSON string: `${join(\" \", x)}`; read unescaped when it does not read as written.
  const v = evalString(tokenize(expr), ctx, holes) ?? (expr.includes('\\') ? evalString(tokenize(expr.replace(/\\(["\\])/g, '$1')), ctx, holes) : undefined);
  return v && { text: textOf(v)!, hole: v.chars.find((c) => c.hole !== undefined)?.hole };
}

/** A string token as a record value; templates resolved where literal, else undefined with why. */
/** `trimspace(…)` and `chomp(…)` around a string or heredoc: the function and the inner token. */
function trimmed(tok: Token): { fn: 'trimspace' | 'chomp'; inner: Token } | undefined {
  const p = tok.parts?.filter((t) => t.kind !== 'newline');
  if (!p || p.length !== 4 || p[0].kind !== 'ident' || (p[0].text !== 'trimspace' && p[0].text !== 'chomp') || p[1].text !== '(' || p[3].text !== ')') return undefined;
  if (p[2].kind !== 'string' && p[2].kind !== 'heredoc') return undefined;
  return { fn: p[0].text, inner: p[2] };
}

function stringValue(tok: Token, ctx: Context, route53: boolean): { value?: Value; dynamic?: string; unknown?: string; elsewhere?: string; heredocNewline?: number; holed?: string } {
  const wrap = trimmed(tok);
  if (wrap) {
    const r = stringValue(wrap.inner, ctx, route53);
    if (!r.value) return r;
    // Drop what the function removes, keeping the map of what stays.
    const d = r.value.decoded;
    let a = 0;
    let b = d.value.length;
    if (wrap.fn === 'trimspace') {
      while (a < b && /\s/.test(d.value[a])) a++;
      while (b > a && /\s/.test(d.value[b - 1])) b--;
    } else while (b > a && (d.value[b - 1] === '\n' || d.value[b - 1] === '\r')) b--;
    if (a === 0 && b === d.value.length) return { value: r.value, holed: r.holed };
    return { value: { ...r.value, decoded: { ...sliceDecoded(d, a, b), coarse: true } }, holed: r.holed };
  }
  const heredoc = tok.kind === 'heredoc' ? heredocParts(tok) : undefined;
  /** The first interpolation not known statically, when the value is checked around it. */
  let holed: string | undefined;
  let map = new SourceMap();
  let value = '';
  let coarse = false;
  if (tok.kind !== 'string' && !heredoc) {
    // An expression (`join(" ", […])`, `format(…)`, `local.records[count.index].value`): its value
    // where every part is known; one string literal of the file as written is read as that literal.
    // A bare `local.x` written in another file of the module stays unknown here: its literal is checked
    // where it is written, and a second check here would say each finding twice.
    // A variable given in tfvars is read here: the tfvars file is not a source of its own.
    const ref = tok.text.trim();
    const bare = /^(local|var)\.[A-Za-z0-9_-]+$/.test(ref) && !(ctx.own && definitions(ref, ctx.own).length) && !(ref.startsWith('var.') && tfvarsOf(ctx)?.has(ref.slice(4)));
    const v = tok.kind === 'heredoc' || bare ? undefined : evalString(tok.parts ?? [tok], ctx, true);
    // Parts not known are holes (records/holes) when what it builds before the first already says what record it is.
    const hole = v?.chars.findIndex((c) => c.hole !== undefined) ?? -1;
    if (v && hole >= 0) {
      const prefix = v.chars.slice(0, hole).map((c) => c.c).join('');
      if (!startsAsRecord(prefix)) {
        return { dynamic: 'an expression', unknown: v.chars[hole].hole };
      }
      holed = v.chars[hole].hole;
    }
    // What made it unknown, when the evaluator read it and one reference or function stopped it (not for a bare reference: that one is said as written).
    if (!v) {
      // A bare reference defined in another file of the module: checked where it is written.
      const elsewhere = bare && definitions(ref, ctx.blocks ?? ctx.parent?.blocks ?? []).length > 0;
      return { dynamic: tok.kind === 'heredoc' ? 'a heredoc' : 'an expression', unknown: tok.kind === 'heredoc' || elsewhere ? undefined : bare ? ref : lastUnknown(), elsewhere: elsewhere ? ref : undefined };
    }
    if (v.tok && v.tok !== tok) return stringValue(v.tok, ctx, route53);
    const d = decodedOf(v);
    map = d.map;
    value = d.value;
    coarse = true;
  } else
    for (const p of (heredoc ?? stringParts(tok)) as StringPart[]) {
      if (p.kind === 'text') {
        map.addPiece(p.text, p.from, p.to);
        value += p.text;
      } else {
        // A directive repeats or leaves out text: what it makes is not checked; nor is a `${` never closed.
        if (p.directive || p.unclosed) return { dynamic: `${p.directive ? '%' : '$'}{${p.expr}${p.unclosed ? '' : '}'}` };
        let r = resolveRef(p.expr, ctx) ?? (/[([]/.test(p.expr) ? evalInterpolation(p.expr, ctx) : undefined);
        if (r === undefined && /[([]/.test(p.expr)) {
          // A function around parts not known (`join(" ", concat(["include:x"], var.more, ["-all"]))`): its holes, when what comes before the first says what record this is.
          const h = interpolated(p.expr, ctx, true);
          if (h?.hole !== undefined && (holed !== undefined || startsAsRecord(value + h.text.slice(0, h.text.indexOf(HOLE))))) {
            holed ??= h.hole;
            r = h.text;
          }
        }
        if (r === undefined) {
          // Not known statically: a hole (records/holes), when what is written before it already says
          // what record this is; the rest is then checked. Otherwise nothing is.
          if (!holed && !startsAsRecord(value)) return { dynamic: `\${${p.expr}}` };
          holed ??= `\${${p.expr}}`;
          map.addEscape(p.from, p.to - p.from);
          value += HOLE;
        } else {
          for (let k = 0; k < r.length; k++) map.addEscape(p.from, p.to - p.from);
          value += r;
        }
        coarse = true;
      }
    }
  // Interpolated or evaluated, not a heredoc: fixes that stay inside one literal run are still exact.
  const piecewise = coarse && !heredoc ? { pieces: true } : undefined;
  let decoded: Decoded = { value, map, coarse: coarse || !!heredoc, ...piecewise };
  let heredocNewline: number | undefined;
  if (heredoc && value.endsWith('\n')) {
    // HCL keeps the newline before the closing marker: the record would end with it. Checked without it; reported.
    heredocNewline = map.toDocStart(value.length - 1);
    decoded = { ...sliceDecoded(decoded, 0, value.length - 1), coarse: true };
  }
  let strings: CharString[] | undefined;
  if (route53) {
    // Route 53 reads the value as the inside of quoted strings: `""` separates character-strings,
    // `\"` and `\\` are a literal quote and backslash.
    const pieces: { text: string; from: number; to: number }[] = [];
    const bounds: number[] = [0];
    for (let i = 0; i < value.length; i++) {
      if (value[i] === '"' && value[i + 1] === '"') {
        bounds.push(pieces.length);
        i++;
        continue;
      }
      if (value[i] === '\\' && i + 1 < value.length) {
        pieces.push({ text: value[i + 1], from: i, to: i + 2 });
        i++;
        continue;
      }
      pieces.push({ text: value[i], from: i, to: i + 1 });
    }
    bounds.push(pieces.length);
    const m2 = new SourceMap();
    let v2 = '';
    for (const p of pieces) {
      const ds = map.toDocStart(p.from);
      const de = map.toDocEnd(p.to);
      if (de - ds === 1 && p.to - p.from === 1) m2.addLiteral(ds, 1);
      else m2.addEscape(ds, de - ds);
      v2 += p.text;
    }
    strings = bounds.slice(0, -1).map((b, k) => ({ start: b, end: bounds[k + 1], bytes: Buffer.byteLength(v2.slice(b, bounds[k + 1])) }));
    decoded = { value: v2, map: m2, coarse, ...piecewise };
  }
  return { value: { decoded, strings, node: tok, syntax: { host: 'hcl', route53Split: route53 } }, heredocNewline, holed };
}

/**
 * Reads a Terraform file. `openText` gives the editor's text of the files it has open, so the other
 * files of the module (its folder) are read as the user sees them, saved or not.
 */
export function readTerraform(text: string, uri: string, openText?: (file: string) => string | undefined): ZoneFile {
  if (/\.tf\.json$/i.test(uri)) return readTerraformJson(text, uri, openText);
  // Tokenized once: the blocks and the fallback's string literals come from the same tokens.
  const tokens = tokenize(text);
  let body: { blocks: Block[] };
  try {
    body = parseBody(tokens);
  } catch {
    body = { blocks: [] };
  }
  const out = fromBlocks(text, uri, body.blocks, tokens, openText);
  // A string not closed on its line swallows the brackets after it: those are said once it is closed.
  if (!withUnclosedStrings(out, text, uri, tokens)) withUnbalancedBrackets(out, text, uri, tokens);
  return out;
}

const CLOSER: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const OPENER: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
/** Top-level HCL block types, which start a line of their own. */
const TOP_LEVEL = /^(?:resource|data|module|variable|locals|output|provider|terraform|moved|import|check|removed)\b/;

/**
 * Brackets that do not pair up, and a `/*` comment never closed, as `source/syntax-error` problems
 * (Terraform refuses the file). Read as a compiler would: a closer that meets another kind of opener
 * closes the nearest open one of its kind, and the openers it passes over are the ones never closed; a
 * closer with none of its kind open closes nothing. A list or call whose line plainly ends it (the next
 * line starts a new attribute, block or closes the block) gets the fix that closes it at the end of its
 * line; a last block left open at the end of the file, the fix that closes it there; a stray closer,
 * the fix that removes it. Records whose value holds an unclosed opener are not checked (their value as
 * read runs on past where the user meant it to end); the other records are.
 */
function withUnbalancedBrackets(out: ZoneFile, text: string, uri: string, tokens: readonly Token[]): void {
  const stack: Token[] = [];
  const found: { tok: Token; stray?: true; cut?: Token }[] = [];
  for (const t of tokens) {
    if (t.kind !== 'punct') continue;
    if (CLOSER[t.text]) stack.push(t);
    else if (OPENER[t.text]) {
      const k = stack.map((x) => x.text).lastIndexOf(OPENER[t.text]);
      if (k < 0) found.push({ tok: t, stray: true });
      else {
        for (const x of stack.splice(k + 1)) found.push({ tok: x, cut: t });
        stack.pop();
      }
    }
  }
  for (const x of stack) found.push({ tok: x });
  const comment = unclosedComment(text, tokens);
  if (found.length === 0 && comment === undefined) return;
  found.sort((a, b) => a.tok.start - b.tok.start);
  const unread: OffsetRange[] = [];
  for (const { tok, stray, cut } of found.slice(0, 5)) {
    if (stray) {
      out.problems.push({
        code: 'source/syntax-error',
        message: `This \`${tok.text}\` closes nothing that is open, so Terraform refuses the file and nothing in it is deployed.`,
        uri,
        range: { start: tok.start, end: tok.end },
        fixes: [{ title: `Remove the \`${tok.text}\``, edits: [{ range: { start: tok.start, end: tok.end }, newText: '' }] }],
      });
      continue;
    }
    const close = CLOSER[tok.text];
    const where = cut ? `: the \`${cut.text}\` on line ${new LineIndex(text).positionAt(cut.start).line + 1} closes what is around it first` : ' before the end of the file';
    const fix = closingFix(text, tokens, tok, close);
    out.problems.push({
      code: 'source/syntax-error',
      message: `This \`${tok.text}\` is never closed with \`${close}\`${where}, so Terraform refuses the file and nothing in it is deployed.`,
      uri,
      range: { start: tok.start, end: tok.end },
      ...(fix ? { fixes: [fix] } : {}),
    });
    // A block left open keeps its records as written; a list, call or object in a value does not.
    if (!isBlockOpener(tokens, tok)) unread.push({ start: tok.start, end: cut ? cut.start : text.length });
  }
  if (comment !== undefined)
    out.problems.push({
      code: 'source/syntax-error',
      message: 'This `/*` comment is never closed with `*/`, so it runs to the end of the file: Terraform refuses the file and nothing in it is deployed.',
      uri,
      range: { start: comment, end: comment + 2 },
    });
  leaveUnread(out, uri, unread);
}

/** Whether `{` opens a block (`resource "t" "n" {`, `lifecycle {`): after an identifier and labels that start its line. */
function isBlockOpener(tokens: readonly Token[], tok: Token): boolean {
  if (tok.text !== '{') return false;
  let i = tokens.indexOf(tok) - 1;
  while (i >= 0 && tokens[i].kind === 'string') i--;
  if (i < 0 || tokens[i].kind !== 'ident') return false;
  while (i > 0 && tokens[i - 1].kind === 'ident') i--;
  return i === 0 || tokens[i - 1].kind === 'newline';
}

/**
 * The fix for an opener never closed, when where it should close is plain: a list, call or object
 * whose line has more after it and whose next line starts anew (an attribute, a block, a closing
 * brace) closes at the end of its line, before a comment; a block left open at the end of the file,
 * when no block starts after it, closes there. None when other openers on its line are open too.
 */
function closingFix(text: string, tokens: readonly Token[], tok: Token, close: string): { title: string; edits: TextEdit[] } | undefined {
  const i = tokens.indexOf(tok);
  if (isBlockOpener(tokens, tok)) {
    const after = text.slice(tok.end);
    if (after.split('\n').some((line) => TOP_LEVEL.test(line))) return undefined;
    const end = text.length;
    const nl = text.endsWith('\n') ? '' : '\n';
    return { title: `Close the block with \`}\` at the end of the file`, edits: [{ range: { start: end, end }, newText: `${nl}}\n` }] };
  }
  let j = i + 1;
  for (; j < tokens.length && tokens[j].kind !== 'newline'; j++) if (tokens[j].kind === 'punct' && (CLOSER[tokens[j].text] || OPENER[tokens[j].text])) return undefined;
  const last = tokens[j - 1];
  if (last === tok) return undefined;
  let k = j;
  while (k < tokens.length && tokens[k].kind === 'newline') k++;
  const next = tokens[k];
  const starts = next === undefined || (next.kind === 'punct' && next.text === '}') || (next.kind === 'ident' && (tokens[k + 1]?.text === '=' || tokens[k + 1]?.text === '{' || tokens[k + 1]?.kind === 'string'));
  if (!starts) return undefined;
  // A trailing comma stays where it is, after the closer it follows.
  const at = last.kind === 'punct' && last.text === ',' ? last.start : last.end;
  return { title: `Close it with \`${close}\` at the end of its line`, edits: [{ range: { start: at, end: at }, newText: close }] };
}

/** The offset of a `/*` comment that nothing closes (it runs on from after the last token to the end), if any. */
function unclosedComment(text: string, tokens: readonly Token[]): number | undefined {
  let i = tokens.length ? tokens[tokens.length - 1].end : 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      const nl = text.indexOf('\n', i);
      if (nl < 0) return undefined;
      i = nl + 1;
    } else if (c === '/' && text[i + 1] === '*') {
      const e = text.indexOf('*/', i + 2);
      if (e < 0) return i;
      i = e + 2;
    } else i++;
  }
  return undefined;
}

/** A quoted string token that ends where its quote closes it (not at the end of its line, nor at an escaped `\"`). */
function closed(t: Token): boolean {
  if (t.text.length < 2 || !t.text.endsWith('"')) return false;
  let k = t.text.length - 2;
  while (k > 0 && t.text[k] === '\\') k--;
  return (t.text.length - 2 - k) % 2 === 0;
}

/**
 * Quoted strings not closed on their line (HCL ends a quoted string at its line; Terraform refuses the
 * file) as `source/syntax-error` problems; the records they are in are not checked, since their value
 * as read runs to the end of the line. The fix closes the string before the brackets that end the line
 * when the line opened them before it (`records = ["v=spf1 -all]`), else at the end of the line.
 */
function withUnclosedStrings(out: ZoneFile, text: string, uri: string, tokens: readonly Token[]): boolean {
  const open = tokens.filter((t) => (t.kind === 'string' && !closed(t)) || (t.kind === 'heredoc' && /^<</.test(t.text) && !heredocParts(t))).slice(0, 5);
  if (open.length === 0) return false;
  for (const t of open) {
    if (t.kind === 'heredoc') {
      // `<<EOT` with no line that is only `EOT` after it: the heredoc runs to the end of the file.
      const opener = /^<<-?([A-Za-z_][A-Za-z0-9_]*)/.exec(t.text)!;
      out.problems.push({
        code: 'source/syntax-error',
        message: `This heredoc has no closing line \`${opener[1]}\` (the marker alone on its line), so it runs to the end of the file: Terraform refuses the file and nothing in it is deployed.`,
        uri,
        range: { start: t.start, end: t.start + opener[0].length },
      });
      continue;
    }
    // A `${` or `%{` that nothing closes: the string runs on past its line to the end of the file.
    const tpl = stringParts(t).find((x) => x.kind === 'template' && x.unclosed);
    if (tpl) {
      out.problems.push({
        code: 'source/syntax-error',
        message: `This \`${text.slice(tpl.from, tpl.from + 2)}\` is never closed with \`}\`, so the string runs on past its line: Terraform refuses the file and nothing in it is deployed.`,
        uri,
        range: { start: tpl.from, end: tpl.from + 2 },
      });
      continue;
    }
    // Block braces do not count as opened by the line: a record's value sits in a list or a call.
    const { at, where } = closeStringAt(text, t.start, t.end, /[[(]/g, /[\])]/g);
    out.problems.push({
      code: 'source/syntax-error',
      message: `This string is not closed on its line: a quoted HCL string ends on the line it starts, so Terraform refuses the file and nothing in it is deployed. Close it with \`"\`${where}.`,
      uri,
      range: { start: t.start, end: Math.max(t.start + 1, t.end - (/\s*$/.exec(t.text)![0].length)) },
      fixes: [{ title: `Close the string${where}`, edits: [{ range: { start: at, end: at }, newText: '"' }] }],
    });
  }
  leaveUnread(out, uri, open);
  return true;
}

/**
 * Terraform's JSON syntax (`*.tf.json`): the same blocks written as nested objects. They become the
 * same Block structures, with each JSON string as a string token (JSON escapes are a subset of HCL's,
 * and JSON strings are templates too), so one extractor serves both.
 */
export function readTerraformJson(text: string, uri: string, openText?: (file: string) => string | undefined): ZoneFile {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true });
  const strings: Token[] = [];
  const tokenOf = (n: JsonNode): Token[] => {
    if (n.type === 'string') {
      const t: Token = { kind: 'string', text: text.slice(n.offset, n.offset + n.length), start: n.offset, end: n.offset + n.length };
      strings.push(t);
      return [t];
    }
    if (n.type === 'array') {
      const out: Token[] = [{ kind: 'punct', text: '[', start: n.offset, end: n.offset + 1 }];
      (n.children ?? []).forEach((c, i) => {
        if (i > 0) out.push({ kind: 'punct', text: ',', start: c.offset, end: c.offset });
        out.push(...tokenOf(c));
      });
      out.push({ kind: 'punct', text: ']', start: n.offset + n.length - 1, end: n.offset + n.length });
      return out;
    }
    return [{ kind: n.type === 'object' ? 'heredoc' : 'ident', text: text.slice(n.offset, n.offset + n.length), start: n.offset, end: n.offset + n.length }];
  };
  const props = (n: JsonNode | undefined) => (n?.type === 'object' ? (n.children ?? []).map((p) => [String(p.children![0].value), p.children![1], p.children![0]] as const) : []);
  const block = (type: string, labels: string[], n: JsonNode): Block => {
    const attributes = new Map<string, Attribute>();
    const blocks: Block[] = [];
    for (const [k, v, key] of props(n)) {
      // Nested blocks (azurerm `record`) are objects or arrays of objects.
      const objs = v.type === 'object' ? [v] : v.type === 'array' && (v.children ?? []).every((c) => c.type === 'object') && v.children?.length ? v.children! : [];
      if (objs.length && k === 'record') for (const o of objs) blocks.push(block(k, [], o));
      else attributes.set(k, { name: k, nameStart: key.offset, value: tokenOf(v), start: key.offset, end: v.offset + v.length });
    }
    return { type, labels, attributes, blocks, start: n.offset, end: n.offset + n.length };
  };
  const blocks: Block[] = [];
  const each = (n: JsonNode | undefined, f: (node: JsonNode) => void) => (n?.type === 'array' ? (n.children ?? []).forEach(f) : n ? f(n) : undefined);
  if (root?.type === 'object')
    for (const [top, v] of props(root)) {
      if (top === 'resource' || top === 'data') each(v, (o) => props(o).forEach(([rtype, byName]) => each(byName, (bn) => props(bn).forEach(([name, body]) => each(body, (b) => blocks.push(block(top, [rtype, name], b)))))));
      else if (top === 'locals') each(v, (o) => blocks.push(block('locals', [], o)));
      else if (top === 'variable') each(v, (o) => props(o).forEach(([name, body]) => blocks.push(block('variable', [name], body))));
    }
  const out = fromBlocks(text, uri, blocks, strings, openText);
  for (const e of errors.slice(0, 5))
    out.problems.push({ code: 'source/syntax-error', message: `This .tf.json file is not valid JSON here (${printParseErrorCode(e.error)}), so Terraform refuses it; what follows may not be checked.`, uri, range: errorRange(e.offset, e.length, text.length) });
  return out;
}

/** What a file gives its module: locals, variable defaults and zone resources (blocks of those kinds only). */
interface FileModuleInfo {
  mtimeMs: number;
  size: number;
  /** The editor's text the blocks came from, when they came from an open document rather than the disk. */
  text?: string;
  blocks: Block[];
}

const moduleFiles = new Map<string, FileModuleInfo>();
/** The module context of each folder, with when it was gathered and the folder's mtime then. */
const moduleFolders = new Map<string, { at: number; mtimeMs: number; context: Context }>();
let trustFolders = false;
/**
 * How long a folder's gathering holds without looking at the disk again. Indexing a folder of 2 000
 * files then reads it once, not once per file; an edit on disk shows within this time.
 */
const FOLDER_TTL_MS = 2000;

/**
 * The CLI reads each file once per run: a folder is then gathered once for all its files, whatever
 * the time. The language server leaves this off.
 */
export function terraformRunCache(on: boolean): void {
  trustFolders = on;
  moduleFolders.clear();
  callerCache = undefined;
}

/** A file of the folder changed (the language server's file watcher says so): gather the folder again when next asked. */
export function forgetTerraformFolder(dir: string): void {
  const d = path.resolve(dir);
  for (const key of moduleFolders.keys()) if (key === d || key.startsWith(`${d}\u0000`)) moduleFolders.delete(key);
  // A folder's module calls may be another's inputs.
  callerCache = undefined;
}

const MODULE_BLOCK = (b: Block) => b.type === 'locals' || b.type === 'variable' || b.type === 'output' || b.type === 'module' || ((b.type === 'resource' || b.type === 'data') && ZONE_RESOURCES[b.labels[0]] !== undefined);

/** ZoneFile.moduleKey of a Terraform file's text, without reading its records. */
export function terraformModuleKey(text: string): string {
  return moduleKeyOf(text, moduleBlocks(text));
}

function moduleKeyOf(text: string, blocks: readonly Block[]): string {
  return blocks.filter((b) => MODULE_BLOCK(b) || b.type === 'module').map((b) => text.slice(b.start, b.end)).join('\u0000');
}

/** The folders the `module` blocks of a Terraform file's text call (relative sources), for an editor to check again when they change. */
export function terraformModuleTargets(text: string, file: string): string[] {
  if (!/\bmodule\s*"/.test(text)) return [];
  try {
    const from = path.dirname(path.resolve(file));
    return parseBody(tokenize(text))
      .blocks.map((b) => calledFolder(b, from))
      .filter((x): x is string => x !== undefined);
  } catch {
    return [];
  }
}

/** The blocks a file gives its module, from its text. */
function moduleBlocks(text: string, file?: string): Block[] {
  try {
    // A variable definitions file: its attributes, as one block.
    if (file && TFVARS.test(path.basename(file))) {
      const body = parseBody(tokenize(text));
      return [{ type: 'tfvars', labels: [file], attributes: body.attributes, blocks: [], start: 0, end: text.length } as unknown as Block];
    }
    // Only files that could hold module names are parsed.
    if (!/locals|variable|zone|domain|module|output/.test(text)) return [];
    return parseBody(tokenize(text)).blocks.filter(MODULE_BLOCK);
  } catch {
    return [];
  }
}

/** The files Terraform reads variable values from in a root module, in the order it reads them (later wins). */
const TFVARS = /^(terraform\.tfvars|.+\.auto\.tfvars)$/i;

/**
 * The module blocks of the folder's `*.tf` files, in name order; each file parsed again only when it
 * changed. A file the editor has open (`openText`) gives its blocks from the editor's text.
 */
function gatherFolder(dir: string, openText?: (file: string) => string | undefined): Block[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => /\.tf$/i.test(n) || TFVARS.test(n));
  } catch {
    return [];
  }
  const all: Block[] = [];
  // terraform.tfvars first, then *.auto.tfvars in name order, after the .tf files.
  const rank = (n: string) => (/\.tf$/i.test(n) ? 0 : /^terraform\.tfvars$/i.test(n) ? 1 : 2);
  for (const n of names.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))) {
    const file = path.join(dir, n);
    try {
      const open = openText?.(file);
      let info = moduleFiles.get(file);
      if (open !== undefined) {
        if (info?.text !== open) moduleFiles.set(file, (info = { mtimeMs: -1, size: -1, text: open, blocks: moduleBlocks(open, file) }));
        all.push(...info.blocks);
        continue;
      }
      const st = fs.statSync(file);
      if (!st.isFile() || st.size > 5 * 1024 * 1024) continue;
      if (!info || info.text !== undefined || info.mtimeMs !== st.mtimeMs || info.size !== st.size) {
        info = { mtimeMs: st.mtimeMs, size: st.size, blocks: moduleBlocks(fs.readFileSync(file, 'utf8'), file) };
        moduleFiles.set(file, info);
      }
      all.push(...info.blocks);
    } catch {
      // unreadable: it gives nothing
    }
  }
  return all;
}

/** Locals and variable defaults, then zones resolved with them, from blocks in order (later ones win). */
function fillContext(ctx: Context, blocks: readonly Block[], inputs?: ReadonlyMap<string, string>): Context {
  const lists = (ctx.lists ??= new Map());
  // What a module call passes, declared here or in another file of the module.
  if (inputs) for (const [k, v] of inputs) ctx.vars.set(k, v);
  if (inputs?.size) ctx.inputs = inputs;
  // A root module's terraform.tfvars / *.auto.tfvars (gathered with its files).
  for (const b of blocks)
    if (b.type === 'tfvars') {
      const map = new Map(ctx.tfvars ?? []);
      for (const [k, a] of b.attributes) map.set(k, a);
      ctx.tfvars = map;
    }
  const tfvars = tfvarsOf(ctx);
  for (const b of blocks) {
    if (b.type === 'locals')
      for (const [k, a] of b.attributes) {
        const v = constant(a);
        if (v !== undefined) ctx.locals.set(k, v);
        const l = v === undefined ? constantList(a) : undefined;
        if (l) lists.set(`local.${k}`, l);
      }
    if (b.type === 'variable' && b.labels[0]) {
      // What a module call passes wins over the default, and so does a root module's tfvars value.
      const given = tfvars?.get(b.labels[0]);
      const d = inputs?.get(b.labels[0]) ?? (given ? constant(given) : constant(b.attributes.get('default')));
      if (d !== undefined) ctx.vars.set(b.labels[0], d);
      const l = d === undefined ? constantList(given ?? b.attributes.get('default')) : undefined;
      if (l) lists.set(`var.${b.labels[0]}`, l);
    }
  }
  for (const b of blocks) {
    const isData = b.type === 'data';
    if ((b.type === 'resource' || isData) && ZONE_RESOURCES[b.labels[0]]) {
      const ref = `${isData ? 'data.' : ''}${b.labels[0]}.${b.labels[1]}`;
      const nameOf = (c: Context) => {
        for (const attr of ZONE_RESOURCES[b.labels[0]]) {
          const v = literal(b.attributes.get(attr), c);
          if (v) return normalize(v);
        }
        return undefined;
      };
      // Several zones from one block: `count` (by index) or a literal `for_each` (by key), as records refer to them.
      const entries = forEachEntries(b.attributes.get('for_each'), blocks, tfvarsOf(ctx));
      const count = entries ? undefined : countOf(b.attributes.get('count'), ctx);
      if (entries)
        for (const e of entries) {
          const v = nameOf({ ...ctx, each: e });
          if (v) ctx.zones.set(`${ref}[${JSON.stringify(e.key)}]`, v);
        }
      else if (count !== undefined)
        for (let i = 0; i < count; i++) {
          const v = nameOf({ ...ctx, count: i });
          if (v) ctx.zones.set(`${ref}[${i}]`, v);
        }
      else {
        // A zone whose name is an expression: the stand-in of the zone it looks up (`zone_id = var.zone_id`), else its own.
        const byId = isData ? b.attributes.get('zone_id') : undefined;
        const named = nameOf(ctx);
        // Named by a variable or local (`name = var.domain`): the zone is shown so, and the variable
        // stands for the zone's domain wherever the module uses it (`"_dmarc.${var.domain}"`).
        const byVar = named === undefined ? variableName(b, ctx) : undefined;
        // A zone id that resolves to a domain is that domain (a zone resource's `.zone_id` is read as its name, also through a module input).
        const idText = byId ? literal(byId, ctx) : undefined;
        const byIdZone = byId ? (idText !== undefined && isDomainText(idText) ? normalize(idText) : zoneStandIn(byId, idText, ctx)) : undefined;
        const v = named ?? byIdZone ?? (byVar ? standInZone(ctx.scope, byVar) : standInZone(ctx.scope, ref));
        if (byVar) (byVar.startsWith('var.') ? ctx.vars : ctx.locals).set(byVar.slice(byVar.indexOf('.') + 1), v);
        if (v) ctx.zones.set(ref, v);
      }
    }
  }
  return ctx;
}

/**
 * The module context of the folder of `uri`: the locals, variables and zone resources of its `*.tf`
 * files, as the editor has them open (`openText`) or else as on disk (none for a file not on disk).
 * Built once per folder, not once per file: whoever changes an open file's text calls
 * forgetTerraformFolder.
 */
function moduleContext(uri: string, openText?: (file: string) => string | undefined, inputs?: ReadonlyMap<string, string>): Context | undefined {
  try {
    const self = path.resolve(uri);
    if (!fs.statSync(self).isFile()) return undefined;
    return folderContext(path.dirname(self), openText, inputs);
  } catch {
    return undefined;
  }
}

/** The module context of folder `dir` (moduleContext), with what a call passes. */
function folderContext(dir: string, openText?: (file: string) => string | undefined, inputs?: ReadonlyMap<string, string>): Context | undefined {
  let dirTime: number;
  try {
    dirTime = trustFolders ? 0 : fs.statSync(dir).mtimeMs;
  } catch {
    return undefined;
  }
  const key = inputs?.size ? `${dir}\u0000${JSON.stringify([...inputs])}` : dir;
  let folder = moduleFolders.get(key);
  if (!folder || (!trustFolders && (folder.mtimeMs !== dirTime || Date.now() - folder.at > FOLDER_TTL_MS))) {
    const gathered = gatherFolder(dir, openText);
    folder = { at: Date.now(), mtimeMs: dirTime, context: fillContext({ text: '', scope: dir, locals: new Map(), vars: new Map(), zones: new Map(), blocks: gathered, openText }, gathered, inputs) };
    moduleFolders.set(key, folder);
  }
  return folder.context;
}

/** Where the front end's Terraform files are listed: module calls among them give a module its inputs. */
let workspaceFiles: () => Iterable<string> = () => [];
/** The inputs each call of a module (a folder) passes, by the module's folder, with when they were gathered. */
let callerCache: { at: number; byDir: Map<string, Inputs[]>; callers: Map<string, Set<string>> } | undefined;
/** Per workspace file on disk: whether it calls modules at all, at its size and time (most do not: not read again). */
const callFiles = new Map<string, { mtimeMs: number; size: number; calls: boolean }>();
/** What a module call passes: the arguments known as strings, and the names of those given as a list written in the call. */
type Inputs = Map<string, string> & { lists?: Set<string> };

/** Arguments of a `module` block that are not inputs. */
const MODULE_META = new Set(['source', 'version', 'providers', 'count', 'for_each', 'depends_on']);

/**
 * The Terraform files of the workspace (the CLI: the files it checks; the language server: the files
 * it indexes): a `module "x" { source = "./modules/dns" … }` among them makes each of its arguments
 * that is known statically the value of that variable in the module's folder.
 */
export function setTerraformWorkspace(files: () => Iterable<string>): void {
  workspaceFiles = files;
  callerCache = undefined;
}

/**
 * The inputs of every call of the module in `dir` from another folder of the workspace (a relative
 * `source`; one per instance of a known `count` or literal `for_each`): per call, each argument whose value is known statically in
 * the caller's module (literals, locals, variable defaults, zones). One look at the workspace serves
 * every folder, for FOLDER_TTL_MS (the CLI: the whole run).
 */
function moduleCalls(dir: string, openText?: (file: string) => string | undefined): Inputs[] {
  return calls(openText).byDir.get(dir) ?? [];
}

function calls(openText?: (file: string) => string | undefined): NonNullable<typeof callerCache> {
  if (!callerCache || (!trustFolders && Date.now() - callerCache.at > FOLDER_TTL_MS)) callerCache = { at: Date.now(), ...gatherCalls(openText) };
  return callerCache;
}

/** The folder a `module` block in folder `from` calls, for a relative `source`. */
function calledFolder(b: Block, from: string): string | undefined {
  if (b.type !== 'module') return undefined;
  const source = constant(b.attributes.get('source'));
  if (!source || !/^\.\.?\//.test(source)) return undefined;
  const dir = path.resolve(from, source);
  return dir === from ? undefined : dir;
}

/**
 * The instances of a `module` block: one, or one per index of a known `count`, or one per entry of a
 * literal `for_each` (with `count.index` or `each.key`/`each.value` known). Undefined when its
 * `count` or `for_each` is not known here (its instances cannot be told apart).
 */
function callContexts(b: Block, ctx: Context, blocks: readonly Block[]): Context[] | undefined {
  const forEach = b.attributes.get('for_each');
  if (forEach) return (forEachEntries(forEach, blocks, tfvarsOf(ctx)) ?? forEachEntries(forEach, ctx.parent?.blocks ?? []))?.map((each) => ({ ...ctx, each }));
  const countAttr = b.attributes.get('count');
  if (!countAttr) return [ctx];
  const n = countOf(countAttr, ctx);
  return n === undefined ? undefined : Array.from({ length: n }, (_, count) => ({ ...ctx, count }));
}

/** What a `module` block passes: each argument known statically in the caller's context, and the names of lists it writes. */
function callInputs(b: Block, ctx: Context): Inputs {
  const inputs: Inputs = new Map<string, string>();
  for (const [name, a] of b.attributes) {
    if (MODULE_META.has(name)) continue;
    const v = literal(a, ctx);
    if (v !== undefined) inputs.set(name, v);
    // A list written in the call (`txt_records = ["v=spf1 …"]`): its strings are there, checked where written.
    else if (a.value.find((t) => t.kind !== 'newline')?.text === '[') (inputs.lists ??= new Set()).add(name);
  }
  return inputs;
}

/** The files of the workspace whose module blocks call the module in `dir` (they publish values it names: check them again when it changes). */
export function terraformCallers(dir: string, openText?: (file: string) => string | undefined): string[] {
  return [...(calls(openText).callers.get(path.resolve(dir)) ?? [])];
}

function gatherCalls(openText?: (file: string) => string | undefined): { byDir: Map<string, Inputs[]>; callers: Map<string, Set<string>> } {
  const callers = new Map<string, Set<string>>();
  /** Per called folder: the module blocks that call it and the file each is in. */
  const callsTo = new Map<string, { file: string; from: string; text: string; blocks: Block[]; b: Block }[]>();
  for (const file of workspaceFiles()) {
    if (!/\.tf$/i.test(file)) continue;
    let text = openText?.(file);
    try {
      if (text === undefined) {
        const st = fs.statSync(file);
        const known = callFiles.get(file);
        if (known && !known.calls && known.mtimeMs === st.mtimeMs && known.size === st.size) continue;
        text = fs.readFileSync(file, 'utf8');
        callFiles.set(file, { mtimeMs: st.mtimeMs, size: st.size, calls: /\bmodule\s*"/.test(text) });
      }
    } catch {
      continue;
    }
    if (!/\bmodule\s*"/.test(text) || !/\bsource\b/.test(text)) continue;
    let blocks: Block[];
    try {
      blocks = parseBody(tokenize(text)).blocks;
    } catch {
      continue;
    }
    const from = path.dirname(path.resolve(file));
    for (const b of blocks) {
      const target = calledFolder(b, from);
      if (!target) continue;
      const list = callsTo.get(target) ?? [];
      callsTo.set(target, list);
      list.push({ file, from, text, blocks, b });
      const who = callers.get(target);
      if (who) who.add(file);
      else callers.set(target, new Set([file]));
    }
  }
  // What each call passes, evaluated in its caller's module as the caller itself is called: a module
  // called by a module gets what its caller's callers pass (`domain = var.domain` all the way down).
  const byDir = new Map<string, Inputs[]>();
  const pending = new Set<string>();
  const contexts = new Map<string, Map<Inputs | undefined, Context>>();
  /** The inputs a folder runs with: one per call of it, or none (undefined) for a root module. */
  const runsOf = (dir: string): (Inputs | undefined)[] => {
    const calls = callsTo.get(dir);
    if (!calls || pending.has(dir)) return [undefined];
    const known = byDir.get(dir);
    if (known) return known;
    pending.add(dir);
    const list: Inputs[] = [];
    for (const { file, from, text, blocks, b } of calls)
      for (const outer of runsOf(from)) {
        if (list.length >= 4096) break;
        // The caller's own module: its locals, variable defaults and zones, with what its own call passes (once per file and call of it).
        let perFile = contexts.get(file);
        if (!perFile) contexts.set(file, (perFile = new Map()));
        let ctx = perFile.get(outer);
        if (!ctx) perFile.set(outer, (ctx = fillContext({ text, scope: from, locals: new Map(), vars: new Map(), zones: new Map(), parent: moduleContext(file, openText, outer), own: blocks, openText }, blocks, outer)));
        for (const c of callContexts(b, ctx, blocks) ?? []) list.push(callInputs(b, c));
      }
    pending.delete(dir);
    byDir.set(dir, list);
    return list;
  };
  for (const dir of callsTo.keys()) runsOf(dir);
  // A folder whose calls are all of unknown count is read as if not called (as before).
  for (const [dir, list] of byDir) if (list.length === 0) byDir.delete(dir);
  return { byDir, callers };
}

/** The files `file()` and `templatefile()` asked for while a file is read (fromBlocks). */
let fileReads: Set<string> | undefined;

function fromBlocks(text: string, uri: string, blocks: Block[], allTokens: Token[], openText?: (file: string) => string | undefined): ZoneFile {
  const outer = fileReads;
  fileReads = new Set();
  try {
    const out = readBlocks(text, uri, blocks, allTokens, openText);
    if (fileReads.size) out.reads = [...fileReads];
    return out;
  } finally {
    fileReads = outer;
  }
}

function readBlocks(text: string, uri: string, blocks: Block[], allTokens: Token[], openText?: (file: string) => string | undefined): ZoneFile {
  const out: ZoneFile = { uri, format: 'terraform', origin: undefined, originExplicit: false, records: [], sites: [], problems: [], texts: new Map([[uri, text]]) };
  // What this file gives its module, so an editor knows when the folder's other files need reading again.
  out.moduleKey = moduleKeyOf(text, blocks);
  // A module called from elsewhere in the workspace is read once per call, with what the call passes;
  // what its text says wrong is said once (findings repeated at one place are dropped).
  const dir = moduleOf(uri);
  const calls = dir && blocks.some((b) => b.type === 'resource') ? moduleCalls(dir, openText) : [];
  let ctx: Context | undefined;
  for (const inputs of calls.length ? calls : [undefined]) ctx = readResources(out, text, uri, blocks, openText, inputs);
  // Values this file's module calls write for the records of the modules they call.
  if (blocks.some((b) => b.type === 'module')) moduleCallSites(out, uri, blocks, ctx!, openText);
  addLiterals(out, allTokens, ctx!);
  return out;
}

/** A record of a called module whose value is a variable the call writes: published at the call (moduleCallSites). */
interface PassedValue {
  owner: string;
  type: 'TXT' | 'SPF';
  variable: string;
  route53: boolean;
  quoted: boolean | 'when-quoted';
  relative: boolean;
}

/**
 * Route 53 takes a TXT string of at most 255 bytes and refuses the change otherwise
 * (`CharacterStringTooLong`); the AWS provider does not split a longer one, `\"\"` in the value does.
 * The fix puts `\"\"` where the value splits into strings of at most 255 bytes.
 */
function route53TooLong(out: ZoneFile, uri: string, decoded: Decoded, strings: readonly CharString[]): void {
  for (const s of strings) {
    if (s.bytes <= 255) continue;
    const piece = decoded.value.slice(s.start, s.end);
    const range = { start: decoded.map.toDocStart(s.start), end: decoded.map.toDocEnd(s.end) };
    let fixes: SourceProblem['fixes'];
    if (!decoded.coarse && !piece.includes('\\')) {
      const edits: TextEdit[] = [];
      let at = s.start;
      for (const part of splitStringText(piece).slice(0, -1)) {
        at += part.length;
        const doc = decoded.map.toDocStart(at);
        edits.push({ range: { start: doc, end: doc }, newText: '\\"\\"' });
      }
      fixes = [{ title: 'Split into strings of at most 255 bytes (`\\"\\"`)', edits }];
    }
    out.problems.push({
      code: 'zone/string-too-long',
      message: `This TXT string is ${s.bytes} bytes; Route 53 refuses a string over 255 (CharacterStringTooLong), and the AWS provider does not split it. Write \`\\"\\"\` inside the value where it should split (RFC 1035 §3.3: DNS joins the strings again).`,
      uri,
      range,
      fixes,
    });
  }
}

/** The record site of a TXT value written at `tok` (heredoc newline warned), added to `out`. */
function addValueSite(out: ZoneFile, uri: string, r: { value: Value; heredocNewline?: number }, tok: Token, how: { owner: string | undefined; type: 'TXT' | 'SPF'; route53: boolean; quoted: boolean | 'when-quoted'; relative: boolean }, ownerRange: OffsetRange, alternative = false): RecordSite {
  if (r.heredocNewline !== undefined)
    out.problems.push({ code: 'source/heredoc-newline', severity: 'warning', message: 'The heredoc keeps the newline before its closing marker, so the published record ends with a line break (receivers then reject or misread it); wrap it in trimspace() or write a quoted string.', uri, range: { start: r.heredocNewline, end: r.heredocNewline + 1 } });
  let { decoded, strings } = r.value;
  if (how.route53 && strings) route53TooLong(out, uri, decoded, strings);
  const syntax: ValueSyntax = { host: 'hcl', route53Split: how.route53 };
  if (how.quoted === true || (how.quoted === 'when-quoted' && /^\s*"[^]*"\s*$/.test(decoded.value))) {
    // google_dns_record_set (always), Cloudflare (when quoted): the value carries its own quotes, like a zone file.
    const cs = charStrings(decoded);
    decoded = { ...cs.decoded, coarse: decoded.coarse };
    strings = cs.strings;
    syntax.charStrings = true;
  }
  const rel = how.relative ? { relative: true as const } : undefined;
  const site: RecordSite = {
    owner: how.owner,
    type: how.type,
    value: decoded.value,
    strings: strings ?? [{ start: 0, end: decoded.value.length, bytes: Buffer.byteLength(decoded.value) }],
    map: decoded.map,
    syntax,
    uri,
    range: { start: tok.start, end: tok.end },
    ownerRange,
    coarse: decoded.coarse,
    ...(decoded.coarse && decoded.pieces ? { pieces: true } : {}),
    ...rel,
    ...(alternative ? { alternative: true as const } : {}),
  };
  out.sites.push(markHoles(site));
  // One of the values a conditional chooses: the record (one, value not known) is the caller's.
  if (!alternative) out.records.push({ owner: how.owner, type: how.type, ttl: undefined, rdata: [decoded.value], uri, range: site.range, site, ...rel });
  return site;
}

/** Tokens as one: the token itself, or a synthetic one for an expression that spans them (Token.parts). */
function exprToken(ts: Token[]): Token | undefined {
  return ts.length === 0 ? undefined : ts.length === 1 ? ts[0] : { kind: 'ident', text: ts.map((x) => x.text).join(''), start: ts[0].start, end: ts[ts.length - 1].end, parts: ts };
}

/** Per reading: the conditionals read as a record's value (the values they do not choose are not records of their own). */
const spent = new WeakMap<ZoneFile, OffsetRange[]>();

/**
 * `COND ? A : B` (and `COND ? A : COND2 ? B : C`, in parentheses or not) written as a record's value:
 * the condition as written and each value it may choose, as tokens stringValue() reads.
 */
function alternativesOf(tok: Token): { condition: string; branches: Token[]; tested: string[] } | undefined {
  const t = (tok.parts ?? []).filter((x) => x.kind !== 'newline');
  /** The index of the bracket that closes the one at `k`, before `end`. */
  const close = (k: number, end: number): number => {
    let depth = 0;
    for (let i = k; i < end; i++) {
      const x = t[i].text;
      if (x === '(' || x === '[' || x === '{') depth++;
      if (x === ')' || x === ']' || x === '}') if (--depth === 0) return i;
    }
    return -1;
  };
  let condition: string | undefined;
  const branches: Token[] = [];
  const tested = new Set<string>();
  // `a ? x : b ? y : z`, read left to right (each `:` part may be one more conditional), in one pass.
  for (let from = 0, end = t.length; ; ) {
    while (end - from > 2 && t[from].text === '(' && close(from, end) === end - 1) [from, end] = [from + 1, end - 1];
    let depth = 0;
    let q = -1;
    let nested = 0;
    let colon = -1;
    for (let i = from; i < end && colon < 0; i++) {
      const x = t[i];
      if (x.kind !== 'punct') continue;
      if (x.text === '(' || x.text === '[' || x.text === '{') depth++;
      else if (x.text === ')' || x.text === ']' || x.text === '}') depth--;
      else if (depth === 0 && x.text === '?') {
        if (q < 0) q = i;
        else nested++;
      } else if (depth === 0 && x.text === ':' && q >= 0) {
        if (nested > 0) nested--;
        else colon = i;
      }
    }
    if (colon < 0) {
      // The last value (or no conditional at all).
      const last = exprToken(t.slice(from, end));
      if (!branches.length || !last) return undefined;
      branches.push(last);
      return { condition: condition!, branches, tested: [...tested] };
    }
    const cond = t.slice(from, q);
    const a = exprToken(t.slice(q + 1, colon));
    if (!cond.length || !a || colon + 1 >= end) return undefined;
    condition ??= cond.map((c, k) => (k && c.start > cond[k - 1].end ? ' ' : '') + c.text).join('');
    cond.forEach((c, k) => {
      if (c.text === 'var' && cond[k + 1]?.text === '.' && cond[k + 2]?.kind === 'ident') tested.add(cond[k + 2].text);
      else if (c.kind === 'ident' && /^var\.[A-Za-z0-9_-]+$/.test(c.text)) tested.add(c.text.slice(4));
    });
    branches.push(a);
    from = colon + 1;
  }
}

/**
 * The records a file's `module` blocks publish with values the block writes (`spf_record = "v=spf1 …"`
 * into a module whose record is `records = [var.spf_record]`): sites here, at the strings, with the
 * owners the module gives them for this call. Values that a module writes itself are its own file's.
 */
function moduleCallSites(out: ZoneFile, uri: string, blocks: readonly Block[], ctx: Context, openText?: (file: string) => string | undefined): void {
  const from = path.dirname(path.resolve(uri));
  /** Each called folder's files that name variables, parsed once for all the calls of it. */
  const folders = new Map<string, { file: string; text: string; blocks: Block[]; whole: Set<string> }[]>();
  const folder = (dir: string) => {
    let list = folders.get(dir);
    if (list) return list;
    folders.set(dir, (list = []));
    let names: string[];
    try {
      names = fs.readdirSync(dir).filter((n) => /\.tf$/i.test(n)).sort();
    } catch {
      return list;
    }
    for (const n of names) {
      const file = path.join(dir, n);
      try {
        const t = openText?.(file) ?? fs.readFileSync(file, 'utf8');
        // The variables it publishes whole as a record's value (`records = [var.spf]`, `content = var.spf`): the only ones a call can write.
        const whole = new Set([...t.matchAll(/\b(?:records|content|value|rrdatas)\s*=\s*\[?\s*var\.([A-Za-z0-9_-]+)\s*\]?\s*$/gm)].map((m) => m[1]));
        if (whole.size) list.push({ file, text: t, blocks: parseBody(tokenize(t)).blocks, whole });
      } catch {
        // unreadable or not HCL: nothing published from it
      }
    }
    return list;
  };
  for (const b of blocks) {
    const dir = calledFolder(b, from);
    if (!dir) continue;
    for (const c of callContexts(b, ctx, blocks) ?? []) {
      const inputs = callInputs(b, c);
      if (inputs.size === 0 && !inputs.lists) continue;
      const passed: PassedValue[] = [];
      for (const m of folder(dir)) {
        if (![...m.whole].some((v) => inputs.has(v) || inputs.lists?.has(v))) continue;
        const scratch: ZoneFile = { uri: m.file, format: 'terraform', origin: undefined, originExplicit: false, records: [], sites: [], problems: [], texts: new Map() };
        readResources(scratch, m.text, m.file, m.blocks, openText, inputs, passed);
      }
      for (const p of passed) {
        const attr = b.attributes.get(p.variable);
        if (!attr) continue;
        const toks = attr.value.filter((x) => x.kind !== 'newline');
        const strings = toks[0]?.text === '[' ? toks.filter((x) => x.kind === 'string' || x.kind === 'heredoc') : toks.length === 1 && (toks[0].kind === 'string' || toks[0].kind === 'heredoc') ? toks : [];
        for (const tok of strings) {
          const r = stringValue(tok, c, p.route53);
          if (r.value) addValueSite(out, uri, { value: r.value, heredocNewline: r.heredocNewline }, tok, p, { start: attr.start, end: attr.end });
        }
      }
    }
  }
}

/** The record resources of a file, read with a module call's inputs (or none), into `out`; values a call writes go to `passedOut`. */
function readResources(out: ZoneFile, text: string, uri: string, blocks: Block[], openText: ((file: string) => string | undefined) | undefined, inputs: Inputs | undefined, passedOut?: PassedValue[]): Context {
  // The file's own definitions (from its text, which may be the editor's) first, then the module's.
  const ctx = fillContext({ text, scope: scopeOf(uri), locals: new Map(), vars: new Map(), zones: new Map(), parent: moduleContext(uri, openText, inputs), own: blocks, openText }, blocks, inputs);
  const note = (range: OffsetRange, message: string) => out.problems.push({ code: 'source/not-static', message, uri, range });
  /** Literal strings of locals and variable defaults already used as a record's value. */
  const usedDefinitions = new Set<number>();
  // A resource with a literal `for_each` (a map or set written in the file, or a local or variable
  // default that is one) is one resource per entry, with `each.key` and `each.value` known.
  const instances: [Block, Context][] = [];
  for (const b of blocks) {
    if (b.type !== 'resource') continue;
    const forEach = b.attributes.get('for_each');
    // The map in this file, or in another file of the module: then its values are written (and checked) there.
    // A map given in tfvars is written there: its entries are known, their values are that file's.
    const tv = tfvarsOf(ctx);
    const viaTfvars = tv && forEach && [...forEach.value.map((t) => t.text).join('').matchAll(/\bvar\.([A-Za-z0-9_-]+)/g)].some((m) => tv.has(m[1]));
    const entries = viaTfvars ? forEachEntries(forEach, [], tv)?.map((e) => ({ ...e, foreign: true })) : (forEachEntries(forEach, blocks) ?? forEachEntries(forEach, ctx.parent?.blocks ?? [])?.map((e) => ({ ...e, foreign: true })));
    const count = entries ? undefined : countOf(b.attributes.get('count'), ctx);
    if (entries) for (const e of entries) instances.push([b, { ...ctx, each: e }]);
    // A `count` of a known number: one resource per index, with `count.index` known.
    else if (count !== undefined) for (let i = 0; i < count; i++) instances.push([b, { ...ctx, count: i }]);
    else instances.push([b, ctx]);
  }
  /** The stand-in domains of zones named by an expression, and where the first record names each. */
  const standIns = new Map<string, Attribute>();
  for (const [b, ctx] of instances) {
    const mark = out.records.length;
    let zoneOfInstance: string | undefined;
    let recordSet: ResourceRecord['recordSet'];
    try {
      const kind = b.labels[0];
      const spec = RECORD_KINDS[kind];
      const typeAttr = spec ? (typeof spec.type === 'string' ? b.attributes.get(spec.type) : undefined) : b.attributes.get('type');
      const type = (spec && typeof spec.type !== 'string' ? spec.type.fixed : (literal(typeAttr, ctx) ?? (kind === 'azurerm_dns_txt_record' ? 'TXT' : ''))).toUpperCase();
      const zoneAttr = spec ? spec.zone.map((z) => b.attributes.get(z)).find(Boolean) : (b.attributes.get('zone_id') ?? b.attributes.get('zone_name') ?? b.attributes.get('managed_zone') ?? b.attributes.get('domain') ?? b.attributes.get('zone'));
      // A zone is a domain name: a literal `zone_id = "Z0123…"` (Route 53, Cloudflare) or a Google
      // `managed_zone = "example-com"` names the zone by an id, which says nothing about its domain.
      const zoneText = literal(zoneAttr, ctx);
      const literalZone = zoneText !== undefined && isDomainText(zoneText) ? zoneText : undefined;
      /** The zone's domain, when the module writes it (not a stand-in: util/zonenames). */
      const known = literalZone !== undefined && !underStandIn(literalZone) ? literalZone : undefined;
      const nameAttr = spec ? spec.name.map((n) => b.attributes.get(n)).find(Boolean) : b.attributes.get('name');
      const name = literal(nameAttr, ctx);
      // Without a known zone, a name that ends in a top-level domain of the public suffix list is the
      // whole name (Route 53 and Cloudflare take both forms): `_dmarc.example.com`, not a name under the zone.
      const written = known === undefined && name !== undefined && !underStandIn(name) && (name.endsWith('.') || fullName(name));
      // Else a zone named by an expression (`var.zone_id`, a zone resource whose name is one) is the same
      // zone for every record of the module that names it so.
      const standIn = known !== undefined || written || !zoneAttr ? undefined : (literalZone ?? zoneStandIn(zoneAttr, zoneText, ctx));
      // A name under a domain written as an expression other than the zone's is whole too
      // (`"_dmarc.${aws_ses_domain_identity.main.id}"` in a zone named by its id).
      const whole = written || (known === undefined && name !== undefined && underStandIn(name) && !(standIn !== undefined && (normalize(name) === standIn || normalize(name).endsWith(`.${standIn}`))));
      const zone = known ?? standIn;
      zoneOfInstance = zone === undefined ? undefined : normalize(zone);
      recordSet = recordSetOf(b, ctx, uri);
      if (standIn !== undefined && !whole && !standIns.has(standIn)) standIns.set(standIn, zoneAttr!);
      const owner = whole ? normalize(name!) : ownerOf(name ?? (nameAttr ? undefined : '@'), zone);
      // A computed name whose end is written: the SES pattern `"${…dkim_tokens[count.index]}._domainkey"`.
      const suffix = owner === undefined && zone !== undefined ? literalTail(nameAttr, ctx) : undefined;
      const ownerSuffix = suffix?.startsWith('.') && suffix.length > 1 ? { ownerSuffix: suffix.endsWith('.') ? normalize(suffix.slice(1)) : normalize(`${suffix.slice(1)}.${zone}`) } : undefined;
      /** The owner is relative to a zone the file does not name: owner-dependent rules skip it. */
      const rel = owner !== undefined && (underStandIn(owner) || (!whole && known === undefined)) ? { relative: true as const } : undefined;
      const range = { start: b.start, end: b.end };
      /** A resource a quick fix may copy beside it (records/sibling.ts): one instance, named, in a zone. */
      const copyable = ctx.each === undefined && ctx.count === undefined && nameAttr !== undefined && zoneAttr !== undefined && !/\.json$/i.test(uri);
      let values: Token[] = [];
      let route53 = false;
      /** The value is written as quoted character-strings: always (Google), or when it starts with a quote (Cloudflare). */
      let quoted: boolean | 'when-quoted' = false;
      switch (kind) {
        case 'aws_route53_record':
          values = listStrings(b.attributes.get('records'));
          route53 = true;
          break;
        // Cloudflare reads TXT content that is wrapped in quotes as quoted character-strings (its
        // dashboard asks for the quotes); unquoted content is one string.
        case 'cloudflare_record':
          values = listStrings(b.attributes.get('content') ?? b.attributes.get('value'));
          if (values.length === 0 && type === 'SRV') values = cloudflareSrv(b, ctx);
          quoted = 'when-quoted';
          break;
        case 'cloudflare_dns_record':
          values = listStrings(b.attributes.get('content'));
          if (values.length === 0 && type === 'SRV') values = cloudflareSrv(b, ctx);
          quoted = 'when-quoted';
          break;
        case 'azurerm_dns_txt_record':
          values = [...b.blocks.filter((x) => x.type === 'record').flatMap((x) => listStrings(x.attributes.get('value'))), ...dynamicValues(b, 'record', 'value', type, ctx)];
          break;
        case 'google_dns_record_set':
          values = listStrings(b.attributes.get('rrdatas'));
          quoted = true;
          break;
        case 'digitalocean_record':
        case 'dnsimple_zone_record':
          values = listStrings(b.attributes.get('value'));
          break;
        default: {
          if (!spec) continue;
          const v = spec.values;
          values = 'attr' in v && !('block' in v) ? listStrings(b.attributes.get(v.attr)) : 'block' in v ? [...b.blocks.filter((x) => x.type === v.block).flatMap((x) => blockValues(x, v.attr, type, ctx)), ...dynamicValues(b, v.block, v.attr, type, ctx)] : objectValues(b.attributes.get(v.objects), v.field, ctx);
          quoted = spec.quoted;
        }
      }
      // `records = each.value.records` of an entry whose attribute is a list: its strings, where the map writes them.
      if (ctx.each?.fields && !ctx.each.foreign)
        values = values.flatMap((t) => {
          const v = t.kind === 'ident' ? eachField(t.text, ctx) : undefined;
          return Array.isArray(v) ? v : [t];
        });
      if (type !== 'TXT' && type !== 'SPF') {
        // One resource record per value, as DNS serves them.
        if (values.length === 0) out.records.push({ owner, type, ttl: undefined, rdata: [], uri, range, ...rel, ...ownerSuffix });
        // A value with templates of known parts (`each.value`, `count.index`, locals) is read as it resolves; else as written.
        const rdataOf = (t: Token) => (t.kind === 'string' ? (literal({ name: '', nameStart: t.start, value: [t], start: t.start, end: t.end }, ctx) ?? t.text.slice(1, -1)) : t.kind === 'ident' ? (resolveRef(t.text, ctx) ?? t.text) : t.text);
        // Cloudflare flattens a CNAME at the zone apex, and serves a proxied one as its own addresses.
        const flattened = type === 'CNAME' && kind.startsWith('cloudflare_') && ((owner !== undefined && owner === (zone && normalize(zone))) || (literal(b.attributes.get('proxied'), ctx) ?? constant(b.attributes.get('proxied'))) === 'true') ? { flattened: true as const } : undefined;
        // An MX value that is only the exchange (Cloudflare, DigitalOcean, Linode…) has its preference beside it.
        const preference = type === 'MX' ? (literal(b.attributes.get('priority') ?? b.attributes.get('preference') ?? b.attributes.get('prio'), ctx) ?? '10') : undefined;
        const rdata = (t: Token) => {
          const v = rdataOf(t);
          return preference !== undefined && !/\s/.test(v.trim()) ? [preference, v.trim()] : [v];
        };
        // Where the name and, for a record that points at a name, its target are written (for navigation).
        const names = (t: Token) => ({
          ...(nameAttr && nameAttr.end > nameAttr.start ? { ownerRange: { start: nameAttr.start, end: nameAttr.end } } : {}),
          ...((type === 'CNAME' || type === 'MX' || type === 'NS' || type === 'SRV') && t.kind === 'string' ? { dataRange: { start: t.start, end: t.end } } : {}),
        });
        for (const t of values) {
          const record: ResourceRecord = { owner, type, ttl: undefined, rdata: rdata(t), uri, range: values.length > 1 ? { start: t.start, end: t.end } : range, ...rel, ...ownerSuffix, ...flattened, ...names(t) };
          // A name that takes mail may need its first DMARC record, or a null MX its SPF record, beside it.
          if (type === 'MX' && copyable) setTxtSibling(record, siblingOf(text, uri, b.start, kind));
          out.records.push(record);
        }
        continue;
      }
      if ((owner === undefined || (zone === undefined && !whole)) && nameAttr && mayBeMailAuth(nameAttr, values)) note({ start: nameAttr.start, end: nameAttr.end }, `The record name or its zone is not known statically (${nameAttr.value.map((t) => t.text).join('')}), so checks that depend on the owner name are skipped.`);
      for (const ref of values) {
        // `local.spf` or `var.spf` with a literal string in this file: the record's value is that string,
        // checked (and fixed) where it is written. Once: a second record using it only exists.
        // `each.value` of a literal for_each: the entry's value, where it is written.
        // `each.value.value` of an object entry: that attribute, where the map writes it.
        const fieldValue = ref.kind === 'ident' ? eachField(ref.text, ctx) : undefined;
        const fieldToken = Array.isArray(fieldValue) ? undefined : fieldValue;
        const eachValue = ref.kind === 'ident' && ((ref.text.trim() === 'each.value' && ctx.each !== undefined) || (fieldToken !== undefined && fieldToken.kind !== 'number'));
        // A variable a module call passes: the value is written (and checked) in the calling file; here the record exists.
        const passedName = ref.kind === 'ident' && /^var\.[A-Za-z0-9_-]+$/.test(ref.text.trim()) ? ref.text.trim().slice(4) : undefined;
        const passed = passedName !== undefined && (inputs?.has(passedName) || inputs?.lists?.has(passedName));
        if (passed) {
          // Written in the calling file, which publishes it there (moduleCallSites): said for it, not here.
          if (owner !== undefined) passedOut?.push({ owner, type: type as 'TXT' | 'SPF', variable: passedName!, route53, quoted, relative: rel !== undefined });
          continue;
        }
        if (eachValue && ctx.each!.foreign) {
          // Written in another file of the module, which checks it as written there: here the record exists.
          if (owner !== undefined) out.records.push(markDynamic({ owner, type, ttl: undefined, rdata: [], uri, range: { start: ref.start, end: ref.end }, ...rel }));
          continue;
        }
        const def = ref.kind === 'ident' ? (fieldToken !== undefined && fieldToken.kind !== 'number' ? fieldToken : eachValue && ctx.each!.value.kind !== 'number' && ctx.each!.value.kind !== 'punct' ? ctx.each!.value : definitionToken(ref.text, blocks, tfvarsOf(ctx))) : undefined;
        if (def && usedDefinitions.has(def.start)) {
          if (owner !== undefined) out.records.push(markDynamic({ owner, type, ttl: undefined, rdata: [], uri, range: { start: ref.start, end: ref.end }, ...rel }));
          continue;
        }
        if (def) usedDefinitions.add(def.start);
        const tok = def ?? ref;
        const r = stringValue(tok, ctx, route53);
        // A condition known statically (`each.key == "@" ? … : …`) chooses its value; one not known, any.
        // A variable's default does not settle it: a caller or a tfvars file may give another value.
        const alt = r.value ? undefined : alternativesOf(tok);
        const defaults = alt ? alt.tested.filter((v) => !(ctx.inputs?.has(v) || ctx.parent?.inputs?.has(v) || tfvarsOf(ctx)?.has(v))) : [];
        const picked = alt && !defaults.length ? conditional(tok.parts!, ctx) : undefined;
        const chosen = picked && exprToken(picked);
        if (alt) {
          // `var.report != "" ? "v=DMARC1; p=none; rua=mailto:${var.report}" : "v=DMARC1; p=none"`: the
          // record holds one of the values written, chosen at deployment. Each is checked on its own, with
          // the variables the condition tests not known; the record the zone has is one of them, its value
          // not known (rules across records count one).
          const branchCtx: Context = defaults.length ? { ...ctx, tested: new Set([...(ctx.tested ?? []), ...defaults]) } : ctx;
          const values = (chosen ? [chosen] : alt.branches).map((b) => ({ b, r: stringValue(b, chosen ? ctx : branchCtx, route53) }));
          spent.get(out)?.push({ start: tok.start, end: tok.end }) ?? spent.set(out, [{ start: tok.start, end: tok.end }]);
          const read = values.filter((x) => x.r.value && x.r.value.decoded.value.trim() !== '' && mayBeMailAuthText(x.r.value.decoded.value));
          if (chosen && values[0].r.value) {
            // The value the condition chooses, whatever it holds: the record, as if written alone.
            const v = values[0].r;
            if (v.holed) note({ start: chosen.start, end: chosen.end }, checkedAround(v.holed));
            addValueSite(out, uri, { value: v.value!, heredocNewline: v.heredocNewline }, chosen, { owner, type: type as 'TXT' | 'SPF', route53, quoted, relative: rel !== undefined }, nameAttr ? { start: nameAttr.start, end: nameAttr.end } : { start: b.start, end: b.start });
            continue;
          }
          if (!chosen && read.length) {
            const unread = values.filter((x) => !x.r.value);
            note(
              { start: tok.start, end: tok.end },
              `This TXT value is one of ${values.length} values chosen by \`${alt.condition.length > 60 ? `${alt.condition.slice(0, 60)}…` : alt.condition}\`, which is not known statically; each value written here is checked on its own${unread.length ? ` (${unread.map((x) => x.b.text.trim()).join(', ')} ${unread.length > 1 ? 'are' : 'is'} not known statically)` : ''}.`,
            );
            for (const { b: br, r: v } of read) {
              if (v.holed) note({ start: br.start, end: br.end }, checkedAround(v.holed));
              addValueSite(out, uri, { value: v.value!, heredocNewline: v.heredocNewline }, br, { owner, type: type as 'TXT' | 'SPF', route53, quoted, relative: rel !== undefined }, nameAttr ? { start: nameAttr.start, end: nameAttr.end } : { start: b.start, end: b.start }, true);
            }
            if (owner !== undefined) out.records.push(markDynamic({ owner, type, ttl: undefined, rdata: [], uri, range: { start: tok.start, end: tok.end }, ...rel }));
            continue;
          }
        }
        if (!r.value) {
          if (tok.kind === 'string' && !mayBeMailAuthText(tok.text.slice(1, tok.text.indexOf('${') < 0 ? undefined : tok.text.indexOf('${')))) {
            // `"hosted-email-verify=${var.token}"`: what is written shows it is no SPF, DMARC or DKIM record.
            if (owner !== undefined) out.records.push(markDynamic({ owner, type, ttl: undefined, rdata: [], uri, range: { start: tok.start, end: tok.end }, ...rel }));
            continue;
          }
          note({ start: tok.start, end: tok.end }, tok.kind === 'string' ? `This TXT value contains ${r.dynamic}, which is not known statically, so it is not checked.` : r.elsewhere ? `This TXT value is ${r.elsewhere}, written in another file of the module, where it is checked.` : r.unknown === tok.text.trim() ? `This TXT value is ${r.unknown}, which is not known statically, so it is not checked.` : r.unknown ? `This TXT value is built from ${r.unknown}, which is not known statically, so it is not checked.` : `This TXT value is an expression that DMARC Lens does not evaluate (${tok.text.length > 40 ? `${tok.text.slice(0, 40)}…` : tok.text}), so it is not checked.`);
          // The record exists all the same: a `_dmarc` record of unknown value still covers its domain.
          if (owner !== undefined) out.records.push(markDynamic({ owner, type, ttl: undefined, rdata: [], uri, range: { start: tok.start, end: tok.end }, ...rel }));
          continue;
        }
        if (r.holed) note({ start: tok.start, end: tok.end }, checkedAround(r.holed));
        const site = addValueSite(out, uri, { value: r.value, heredocNewline: r.heredocNewline }, tok, { owner, type: type as 'TXT' | 'SPF', route53, quoted, relative: rel !== undefined }, nameAttr ? { start: nameAttr.start, end: nameAttr.end } : { start: b.start, end: b.start });
        // Kept small (the file's text is kept anyway): the resource is parsed again when the fix is asked for.
        if (copyable) setTxtSibling(site, siblingOf(text, uri, b.start, kind));
      }
    } finally {
      // The zone each record is in, when named (a stand-in for one named by an expression): records/zonecut and zone/occluded-record read delegations within it.
      if (zoneOfInstance !== undefined) for (let k = mark; k < out.records.length; k++) out.records[k].zone ??= zoneOfInstance;
      if (recordSet !== undefined) for (let k = mark; k < out.records.length; k++) out.records[k].recordSet ??= recordSet;
    }
  }
  // Once per zone named by an expression that holds an SPF, DMARC or DKIM record: what is and is not checked.
  for (const [zone, attr] of standIns) {
    if (!out.sites.some((s) => s.owner !== undefined && isUnder(s.owner, zone) && mayBeMailAuthText(s.value))) continue;
    const expr = attr.value.map((t) => t.text).join('').trim();
    note({ start: attr.start, end: attr.end }, `The zone of these records is not known statically (${expr}), so their names are checked relative to it (shown as ${showNames(zone)}); checks that need the domain itself (its Organizational Domain, where reports may go) are skipped.`);
  }
  return ctx;
}

/** The module a file is in: its folder (undefined for a uri that is no path). */
function moduleOf(uri: string): string | undefined {
  try {
    return path.dirname(path.resolve(uri));
  } catch {
    return undefined;
  }
}

/** Resources that are the whole record set of their name and type, and the attributes that name their zone. */
const RECORD_SET_ZONE: Record<string, string[]> = {
  aws_route53_record: ['zone_id'],
  google_dns_record_set: ['managed_zone', 'project'],
  azurerm_dns_txt_record: ['zone_name', 'resource_group_name'],
  azurerm_dns_mx_record: ['zone_name', 'resource_group_name'],
  azurerm_dns_a_record: ['zone_name', 'resource_group_name'],
  azurerm_dns_aaaa_record: ['zone_name', 'resource_group_name'],
  azurerm_dns_cname_record: ['zone_name', 'resource_group_name'],
};

/** What makes the record set of a resource that is one (ResourceRecord.recordSet): its address, its zone as written, its routing identifier. */
function recordSetOf(b: Block, ctx: Context, uri: string): ResourceRecord['recordSet'] {
  const kind = b.labels[0];
  const zoneAttrs = RECORD_SET_ZONE[kind];
  if (!zoneAttrs || !b.labels[1]) return undefined;
  const written = (a: Attribute | undefined) => a?.value.filter((t) => t.kind !== 'newline').map((t) => t.text).join('').trim();
  const zoneRef = zoneAttrs.map((a) => written(b.attributes.get(a)) ?? '').join('\u0000');
  if (!written(b.attributes.get(zoneAttrs[0]))) return undefined;
  const instance = ctx.each !== undefined ? `[${JSON.stringify(ctx.each.key)}]` : ctx.count !== undefined ? `[${ctx.count}]` : '';
  const routing = kind === 'aws_route53_record' ? written(b.attributes.get('set_identifier')) : undefined;
  return { resource: `${kind}.${b.labels[1]}${instance}`, at: b.start, module: moduleOf(uri) ?? uri, tool: 'terraform', zoneRef, ...(routing !== undefined ? { routing } : {}) };
}

/** The attribute that holds a record resource's values, by resource kind. */
const VALUE_ATTRIBUTE: Record<string, string[]> = {
  aws_route53_record: ['records'],
  cloudflare_record: ['content', 'value'],
  cloudflare_dns_record: ['content'],
  google_dns_record_set: ['rrdatas'],
  digitalocean_record: ['value'],
  dnsimple_zone_record: ['value'],
};

/** records/sibling.ts for the resource at `at`: a closure over these four values only (not the reader's scope). */
function siblingOf(text: string, uri: string, at: number, kind: string): TxtSibling {
  return (spec) => txtSiblingResource(text, uri, at, kind, spec);
}

/**
 * A resource beside `b` (a record resource of `kind` in `text`) that publishes a TXT record at its
 * name or under `_dmarc.` of it: the zone, provider, project and TTL attributes copied as written,
 * laid out as `terraform fmt` does. See records/sibling.ts.
 */
function txtSiblingResource(text: string, uri: string, at: number, kind: string, spec: SiblingSpec): { edit: TextEdit; resource: string; value: string } | undefined {
  let blocks: Block[];
  try {
    blocks = parseBody(tokenize(text)).blocks;
  } catch {
    return undefined;
  }
  const b = blocks.find((x) => x.start === at && x.type === 'resource' && x.labels[0] === kind);
  if (!b) return undefined;
  const valueName = VALUE_ATTRIBUTE[kind]?.find((a) => b.attributes.has(a));
  const nameAttr = b.attributes.get('name');
  if (!valueName || !nameAttr) return undefined;
  const written = (a: Attribute) => text.slice(a.value[0].start, a.end).trim();
  const toks = nameAttr.value.filter((t) => t.kind !== 'newline');
  let name: string;
  /** The domain as HCL string content (`example.com`, `${var.domain}`), when the name is written as the domain itself. */
  let domain: string | undefined;
  if (toks.length === 1 && toks[0].kind === 'string' && toks[0].text.startsWith('"')) {
    const inner = toks[0].text.slice(1, -1);
    name = !spec.under ? toks[0].text : inner === '@' || inner === '' ? `"${spec.under}"` : `"${spec.under}.${inner}"`;
    const bare = inner.replace(/\.$/, '');
    domain = /^\$\{[^}]*\}$/.test(bare) || (bare.includes('.') && !bare.includes('${') && fullName(bare)) ? bare : undefined;
  } else {
    const expr = toks.map((t) => t.text).join('').trim();
    if (!expr || expr.includes('"')) return undefined;
    name = spec.under ? `"${spec.under}.\${${expr}}"` : expr;
    domain = `\${${expr}}`;
  }
  const value = spec.value(domain);
  if (value === undefined) return undefined;
  const google = kind === 'google_dns_record_set';
  const literal = google ? `"\\"${value}\\""` : `"${value}"`;
  const used = new Set(blocks.filter((x) => x.type === 'resource' && x.labels[0] === kind).map((x) => x.labels[1]));
  let label = spec.label;
  for (let i = 2; used.has(label); i++) label = `${spec.label}_${i}`;
  const lines: [string, string][] = [];
  for (const a of ['provider', 'project', 'zone_id', 'zone_name', 'managed_zone', 'domain', 'zone']) {
    const attr = b.attributes.get(a);
    if (attr && attr.value.length) lines.push([a, written(attr)]);
  }
  lines.push(['name', name], ['type', '"TXT"']);
  const ttl = b.attributes.get('ttl');
  if (ttl && ttl.value.length) lines.push(['ttl', written(ttl)]);
  const list = b.attributes.get(valueName)!.value.find((t) => t.kind !== 'newline')?.text === '[';
  lines.push([valueName, list ? `[${literal}]` : literal]);
  const width = Math.max(...lines.map(([k]) => k.length));
  const block = `resource "${kind}" "${label}" {\n${lines.map(([k, v]) => `  ${k.padEnd(width)} = ${v}`).join('\n')}\n}`;
  return { edit: { uri, range: { start: b.end, end: b.end }, newText: `\n\n${block}` }, resource: `${kind}.${label}`, value };
}

/** The `var.x` or `local.x` a zone resource's name is, alone (`var.domain`, `"${var.domain}."`), when its value is not known. */
function variableName(b: Block, ctx: Context): string | undefined {
  for (const attr of ZONE_RESOURCES[b.labels[0]] ?? []) {
    const a = b.attributes.get(attr);
    if (!a) continue;
    const toks = a.value.filter((t) => t.kind !== 'newline');
    const written = toks.map((t) => t.text).join('').trim();
    const m = toks.length === 1 && toks[0].kind === 'string' ? /^"\$\{\s*((?:var|local)\.[A-Za-z0-9_-]+)\s*\}\.?"$/.exec(written) : /^((?:var|local)\.[A-Za-z0-9_-]+)$/.exec(written);
    if (!m) return undefined;
    return resolveRef(m[1], ctx) === undefined ? m[1] : undefined;
  }
  return undefined;
}

/** A name that ends in a top-level domain of the public suffix list (ICANN section), with a label before it. */
function fullName(name: string): boolean {
  const n = normalize(name);
  if (!n.includes('.')) return false;
  const r = parseDomain(n, { extractHostname: false, validateHostname: false, allowPrivateDomains: false });
  return r.isIcann === true && r.domain !== null;
}

/**
 * The stand-in domain (util/zonenames) of a zone named by an expression: `var.zone_id`, `local.zone`,
 * a zone resource or data source (`aws_route53_zone.main.zone_id` and `.name` are one zone), or a
 * literal zone id (`"023e105f4ecef8ad9ca31a8372d0c353"`, the same zone in every folder), else scoped to the module's folder. Undefined
 * when the expression differs per instance in a way not known here (`each.value.zone`).
 */
function zoneStandIn(attr: Attribute, text: string | undefined, ctx: Context): string | undefined {
  // A literal zone id names one zone wherever it is written (Route 53 and Cloudflare ids are unique).
  if (text !== undefined) return standInZone('', `zone ${text}`);
  const toks = attr.value.filter((t) => t.kind !== 'newline');
  let expr = toks.map((t) => (t.kind === 'string' && /^"\$\{[^}]*\}"$/.test(t.text) ? t.text.slice(3, -2) : t.text)).join('').trim();
  // One instance of a counted or for_each zone, where the index or key is known.
  expr = expr.replace(/\[\s*count\.index\s*\]/, () => (ctx.count !== undefined ? `[${ctx.count}]` : '[count.index]')).replace(/\[\s*each\.key\s*\]/, () => (ctx.each ? `[${JSON.stringify(ctx.each.key)}]` : '[each.key]'));
  const m = /^((?:data\.)?[a-z0-9_]+\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?)\.(zone_id|id|name|zone|dns_name)$/.exec(expr);
  if (m && !/^(var|local|module|each|count)\./.test(expr)) expr = m[1];
  if (!/^[A-Za-z0-9_.\-\[\]" ]+$/.test(expr) || /\b(each|count)\./.test(expr)) return undefined;
  return standInZone(ctx.scope, expr);
}

function scopeOf(uri: string): string {
  try {
    return path.dirname(path.resolve(uri));
  } catch {
    return uri;
  }
}

/** A record's name or value may make it an SPF, DMARC or DKIM record: the note that it is not checked is worth showing. */
function mayBeMailAuth(nameAttr: Attribute, values: readonly Token[]): boolean {
  const written = nameAttr.value.map((t) => t.text).join('');
  if (/_dmarc|_domainkey/i.test(written)) return true;
  return values.some((t) => t.kind !== 'string' || mayBeMailAuthText(t.text.slice(1, t.text.includes('${') ? t.text.indexOf('${') : -1)));
}

/** Whether a TXT value, or the written start of one, may be an SPF, DMARC or DKIM record. */
function mayBeMailAuthText(start: string): boolean {
  const t = start.replace(/^[\s"\\]+/, '').toLowerCase();
  if (t.length < 3) return true;
  // A DKIM key record may start with any of its tags; SPF and DMARC start with their version.
  return /^(v\s*=|k\s*=|p\s*=|h\s*=|t\s*=|s\s*=|n\s*=|g\s*=)/.test(t) || ['v=spf1', 'v=dmarc1', 'v=dkim1'].some((v) => v.startsWith(t));
}

/** The literal string a `local.x` or `var.x` reference stands for, when this file defines it as one. */
/**
 * The entries of a literal `for_each`: an object (`{ "_dmarc" = "v=DMARC1…" }`, keys quoted or bare,
 * `=` or `:`) or `toset([...])` of strings, written in place or as a local or a variable default in the
 * file. Undefined when it is anything else (then `each.*` stays unknown).
 */
function forEachEntries(attr: Attribute | undefined, blocks: readonly Block[], tfvars?: ReadonlyMap<string, Attribute>): ForEachEntry[] | undefined {
  if (!attr) return undefined;
  let toks = attr.value.filter((t) => t.kind !== 'newline');
  // `var.enabled ? { … } : {}`: the resource's entries when it exists at all (as `count = var.enabled ? 1 : 0` is one).
  const alt = toks.some((t) => t.text === '?') ? alternativesOf(exprToken(toks)!) : undefined;
  if (alt) {
    const some = alt.branches.filter((b) => !/^(\{\}|\[\]|null|toset\(\[\]\)|tomap\(\{\}\)|tolist\(\[\]\))$/.test(b.text.replace(/\s+/g, '')));
    return some.length === 1 ? forEachEntries({ ...attr, value: some[0].parts ?? [some[0]] }, blocks, tfvars) : undefined;
  }
  const ref = toks.map((t) => t.text).join('');
  if (/^(local|var)\./.test(ref)) {
    const def = definitions(ref, blocks, tfvars)[0];
    if (!def) return undefined;
    toks = def.value.filter((t) => t.kind !== 'newline');
  }
  const unquote = (t: Token) => (t.kind === 'string' && !t.text.includes('${') ? t.text.slice(1, -1) : t.kind === 'ident' || t.kind === 'number' ? t.text : undefined);
  // toset(local.x) / toset(var.x) of a literal list: the list written where x is defined.
  if (toks[0]?.text === 'toset' && toks[1]?.text === '(' && toks[toks.length - 1]?.text === ')' && /^(local|var)\./.test(toks.slice(2, -1).map((t) => t.text).join(''))) {
    const def = definitions(toks.slice(2, -1).map((t) => t.text).join(''), blocks, tfvars)[0];
    const inner = def?.value.filter((t) => t.kind !== 'newline');
    if (!inner || inner[0]?.text !== '[') return undefined;
    toks = [toks[0], toks[1], ...inner, { ...toks[toks.length - 1] }];
  }
  // toset(["a", "b"]): each.key and each.value are the element.
  if (toks[0]?.text === 'toset' && toks[1]?.text === '(' && toks[2]?.text === '[') {
    const out: ForEachEntry[] = [];
    for (const t of toks.slice(3)) {
      if (t.text === ']' || t.text === ')') break;
      if (t.text === ',') continue;
      const k = t.kind === 'string' ? unquote(t) : undefined;
      if (k === undefined) return undefined;
      out.push({ key: k, value: t });
    }
    return out;
  }
  if (toks[0]?.text !== '{' || toks[toks.length - 1]?.text !== '}') return undefined;
  // `{ for r in local.records : r.name => r }`: a literal list of flat objects, keyed by one of their attributes.
  if (toks[1]?.text === 'for') return forExpressionEntries(toks, blocks, unquote, tfvars);
  const out: ForEachEntry[] = [];
  const inner = toks.slice(1, -1);
  for (let i = 0; i < inner.length; ) {
    if (inner[i].text === ',') {
      i++;
      continue;
    }
    const key = unquote(inner[i]);
    const sep = inner[i + 1]?.text;
    const value = inner[i + 2];
    // An object value (`spf = { name = "@", value = "v=spf1 …" }`): its flat attributes, for `each.value.name`.
    if (key !== undefined && (sep === '=' || sep === ':') && value?.text === '{') {
      const close = inner.findIndex((t, k) => k > i + 2 && t.text === '}');
      if (close < 0) return undefined;
      const fields = objectFields(inner.slice(i + 3, close), unquote);
      if (!fields) return undefined;
      out.push({ key, value, fields });
      i = close + 1;
      continue;
    }
    // Only flat entries: a key, `=` or `:`, and one literal value (a nested object or an expression stops it).
    if (key === undefined || (sep !== '=' && sep !== ':') || !value || (value.kind !== 'string' && value.kind !== 'number' && value.kind !== 'heredoc')) return undefined;
    const next = inner[i + 3];
    if (next && next.text !== ',' && inner[i + 4]?.text !== '=' && inner[i + 4]?.text !== ':') return undefined;
    out.push({ key, value });
    i += 3;
  }
  return out;
}

/**
 * The entries of `{ for r in local.x : r.name => r }` (or `var.x`, or `"${r.name}-${r.type}" => r`)
 * over a literal list of flat objects: each object, keyed by its attribute (else by its index).
 */
function forExpressionEntries(toks: readonly Token[], blocks: readonly Block[], unquote: (t: Token) => string | undefined, tfvars?: ReadonlyMap<string, Attribute>): ForEachEntry[] | undefined {
  const v = toks[2]?.kind === 'ident' ? toks[2].text : undefined;
  const colon = toks.findIndex((t) => t.text === ':');
  const arrow = toks.findIndex((t, k) => t.text === '=' && toks[k + 1]?.text === '>');
  if (!v || v.includes('.') || toks[3]?.text !== 'in' || colon < 0 || arrow < colon) return undefined;
  // The value must be the object itself.
  if (toks.slice(arrow + 2, -1).map((t) => t.text).join('') !== v) return undefined;
  const def = definitions(toks.slice(4, colon).map((t) => t.text).join(''), blocks, tfvars)[0];
  const list = def?.value.filter((t) => t.kind !== 'newline');
  if (!list || list[0]?.text !== '[' || list[list.length - 1]?.text !== ']') return undefined;
  const keyExpr = toks.slice(colon + 1, arrow).map((t) => t.text).join('').trim();
  const out: ForEachEntry[] = [];
  for (let i = 1; i < list.length - 1; ) {
    if (list[i].text === ',') {
      i++;
      continue;
    }
    if (list[i].text !== '{') return undefined;
    const close = list.findIndex((t, k) => k > i && t.text === '}');
    if (close < 0) return undefined;
    const fields = objectFields(list.slice(i + 1, close), unquote);
    if (!fields) return undefined;
    const keyField = keyExpr.startsWith(`${v}.`) ? fields.get(keyExpr.slice(v.length + 1)) : undefined;
    const key = keyField && !Array.isArray(keyField) ? (unquote(keyField) ?? String(out.length)) : String(out.length);
    out.push({ key, value: list[i], fields });
    i = close + 1;
  }
  return out;
}

/** The flat attributes of an object's body (between its braces): one literal each, or a list of string literals. Undefined for anything else. */
function objectFields(body: readonly Token[], unquote: (t: Token) => string | undefined): Map<string, Token | Token[]> | undefined {
  const fields = new Map<string, Token | Token[]>();
  for (let j = 0; j < body.length; ) {
    if (body[j].text === ',') {
      j++;
      continue;
    }
    const name = unquote(body[j]);
    const v = body[j + 2];
    if (name === undefined || (body[j + 1]?.text !== '=' && body[j + 1]?.text !== ':') || !v) return undefined;
    if (v.text === '[') {
      // A list of string literals.
      const end = body.findIndex((t, k) => k > j + 2 && t.text === ']');
      const items = end < 0 ? undefined : body.slice(j + 3, end).filter((t) => t.text !== ',');
      if (!items || items.some((t) => t.kind !== 'string' && t.kind !== 'heredoc')) return undefined;
      fields.set(name, items);
      j = end + 1;
      continue;
    }
    // A nested object or an expression stops it.
    if (v.kind !== 'string' && v.kind !== 'number' && v.kind !== 'heredoc') return undefined;
    fields.set(name, v);
    j += 3;
  }
  return fields;
}

/** The attributes `local.x` or `var.x` refers to in these blocks (a local, a variable's default), in order. */
function definitions(ref: string, blocks: readonly Block[], tfvars?: ReadonlyMap<string, Attribute>): Attribute[] {
  const m = /^(local|var)\.([A-Za-z0-9_-]+)$/.exec(ref.trim());
  if (!m) return [];
  // A root module's tfvars value is the variable's, not its default.
  const given = m[1] === 'var' ? tfvars?.get(m[2]) : undefined;
  if (given) return [given];
  return definitionIndex(blocks).get(`${m[1]}.${m[2]}`) ?? [];
}

/** Per list of blocks: the attributes each `local.x` and `var.x` refers to, in order (a module of many files asks it many times). */
const definitionIndexes = new WeakMap<readonly Block[], { length: number; index: Map<string, Attribute[]> }>();

function definitionIndex(blocks: readonly Block[]): Map<string, Attribute[]> {
  let known = definitionIndexes.get(blocks);
  if (known?.length !== blocks.length) {
    const index = new Map<string, Attribute[]>();
    const add = (key: string, a: Attribute | undefined) => {
      if (!a) return;
      const list = index.get(key);
      if (list) list.push(a);
      else index.set(key, [a]);
    };
    for (const b of blocks) {
      if (b.type === 'locals') for (const [k, a] of b.attributes) add(`local.${k}`, a);
      else if (b.type === 'variable' && b.labels[0]) add(`var.${b.labels[0]}`, b.attributes.get('default'));
    }
    definitionIndexes.set(blocks, (known = { length: blocks.length, index }));
  }
  return known.index;
}

function definitionToken(ref: string, blocks: readonly Block[], tfvars?: ReadonlyMap<string, Attribute>): Token | undefined {
  // Given in a tfvars file: written there, not here.
  if (tfvars && ref.trim().startsWith('var.') && tfvars.has(ref.trim().slice(4))) return undefined;
  return definitions(ref, blocks).find((a) => a.value.length === 1 && a.value[0].kind === 'string' && !a.value[0].text.includes('${'))?.value[0];
}

/**
 * The fallback for records written where no known resource type holds them (module inputs, locals,
 * for_each maps): every string literal that starts like an SPF, DMARC or DKIM record is checked as
 * a record of unknown owner, so owner-dependent rules stay silent.
 */
function addLiterals(out: ZoneFile, tokens: Token[], ctx: Context): void {
  // A literal inside a value already read (a part of `join(" ", ["v=spf1", …])`), or inside one said
  // not to be known, is a piece of that record, not a record of its own.
  let taken: OffsetRange[] | undefined;
  const ranges = () => (taken ??= [...(spent.get(out) ?? []),...out.sites.map((s) => s.range), ...out.records.filter((r) => r.type === 'TXT' || r.type === 'SPF').map((r) => r.range), ...out.problems.filter((p) => p.code === 'source/not-static').map((p) => p.range)]);
  // A value read from a literal elsewhere in the file (`local.records[count.index].value`): that literal is the record's.
  const read = new Set<number>();
  for (const site of out.sites) {
    const first = site.map.toDocStart(0);
    if (site.value.length && (first < site.range.start || first >= site.range.end)) for (let v = 0; v < site.value.length; v++) read.add(site.map.toDocStart(v));
  }
  const starts = new Set(out.sites.map((s) => s.range.start));
  const inside = (tok: Token) => starts.has(tok.start) || read.has(tok.start + 1) || ranges().some((r) => r.start <= tok.start && tok.end <= r.end);
  for (const tok of tokens) {
    if (tok.kind !== 'string' || !/^"(v=spf1[ "]|v=DMARC1|v=DKIM1|\\"v=spf1)/i.test(tok.text) || inside(tok)) continue;
    const r = stringValue(tok, ctx, false);
    if (!r.value) continue;
    let { decoded, strings } = r.value;
    const syntax: ValueSyntax = { host: 'hcl' };
    if (decoded.value.startsWith('"')) {
      const cs = charStrings(decoded);
      decoded = { ...cs.decoded, coarse: decoded.coarse };
      strings = cs.strings;
      syntax.charStrings = true;
    }
    const type = 'TXT';
    const site: RecordSite = {
      owner: undefined,
      type,
      value: decoded.value,
      strings: strings ?? [{ start: 0, end: decoded.value.length, bytes: Buffer.byteLength(decoded.value) }],
      map: decoded.map,
      syntax,
      uri: out.uri,
      range: { start: tok.start, end: tok.end },
      ownerRange: { start: tok.start, end: tok.start },
      coarse: decoded.coarse,
    };
    out.sites.push(markHoles(site));
    out.records.push({ owner: undefined, type, ttl: undefined, rdata: [decoded.value], uri: out.uri, range: site.range, site });
  }
}

/** An MX written as fields (a preference, an exchange) as the one string a zone writes, `10 mx.example.com.`, at `at`. */
function mxToken(preference: string, exchange: string, at: { start: number; end: number }): Token {
  return { kind: 'string', text: JSON.stringify(`${preference} ${exchange}`), start: at.start, end: at.end };
}

/**
 * Cloudflare's SRV record: priority, weight, port and target in a `data` block (provider v4) or a
 * `data` object (v5), as one `0 5 587 mail.example.com` value placed at the target string, where
 * navigation and the findings about the target find it; none when a field is not known statically.
 */
function cloudflareSrv(b: Block, ctx: Context): Token[] {
  const FIELDS = ['priority', 'weight', 'port', 'target'];
  let fields: (string | undefined)[];
  let at: Token | undefined;
  const block = b.blocks.find((x) => x.type === 'data');
  if (block) {
    fields = FIELDS.map((n) => literal(block.attributes.get(n), ctx));
    const target = block.attributes.get('target')?.value;
    at = target?.length === 1 && target[0].kind === 'string' ? target[0] : undefined;
  } else {
    const attr = b.attributes.get('data');
    const v = attr ? evaluate(attr.value, exprEnv(ctx)) : undefined;
    if (v?.k !== 'o') return [];
    fields = FIELDS.map((n) => {
      const x = v.fields.get(n);
      return x ? textOf(x) : undefined;
    });
    const target = v.fields.get('target');
    at = target?.k === 's' ? target.tok : undefined;
  }
  if (!at || fields.some((f) => f === undefined || f === '')) return [];
  return [{ kind: 'string', text: JSON.stringify(fields.join(' ')), start: at.start, end: at.end }];
}

/** A nested block's value (`record { value = "…" }`); an MX block's preference and exchange as one `10 mx.example.com.` (as a zone writes it). */
function blockValues(x: Block, attr: string, type: string, ctx: Context): Token[] {
  const a = x.attributes.get(attr);
  if (type !== 'MX' || !a) return listStrings(a);
  const exchange = literal(a, ctx);
  if (exchange === undefined) return [];
  const pref = literal(x.attributes.get('preference'), ctx) ?? '10';
  return [mxToken(pref, exchange, x)];
}

/**
 * The values `dynamic "record" { for_each = …  content { value = record.value } }` blocks make: one
 * per element where the collection is known (`record.key`, `record.value`, or the `iterator` name);
 * a value that is a literal of this file as written is read there, one built otherwise is a value
 * not known (noted, the record still exists). An MX block's preference and exchange as one.
 */
function dynamicValues(b: Block, blockName: string, attr: string, type: string, ctx: Context): Token[] {
  const out: Token[] = [];
  for (const d of b.blocks) {
    if (d.type !== 'dynamic' || d.labels[0] !== blockName) continue;
    const content = d.blocks.find((x) => x.type === 'content');
    const a = content?.attributes.get(attr);
    const each = d.attributes.get('for_each');
    if (!a || !each || !content) continue;
    const unknown: Token = { kind: 'ident', text: a.value.map((t) => t.text).join(''), start: a.value[0]?.start ?? a.start, end: a.value[a.value.length - 1]?.end ?? a.end, parts: a.value };
    const env = exprEnv(ctx);
    const coll = evaluate(each.value, env);
    const entries = coll && elementsOf(coll);
    if (!entries) {
      out.push(unknown);
      continue;
    }
    const iterator = d.attributes.get('iterator')?.value.find((t) => t.kind === 'ident')?.text ?? blockName;
    for (const [key, value] of entries.slice(0, 256)) {
      const vars = new Map<string, HVal>([[iterator, { k: 'o', fields: new Map([['key', generated(key, d.start, d.start)], ['value', value]]) }]]);
      const v = evaluate(a.value, env, vars);
      if (type === 'MX') {
        const pref = content.attributes.get('preference');
        const p = pref ? evaluate(pref.value, env, vars) : undefined;
        const exchange = v?.k === 's' ? textOf(v) : undefined;
        if (exchange !== undefined) out.push(mxToken((p && textOf(p)) ?? '10', exchange, a));
        continue;
      }
      out.push(v?.k === 's' && v.tok ? v.tok : unknown);
    }
  }
  return out;
}

/** The `field` of each object of a list (`records = [{ value = "…" }]`): its string as written, where it is a literal. */
function objectValues(attr: Attribute | undefined, field: string, ctx: Context): Token[] {
  const v = attr ? evaluate(attr.value, exprEnv(ctx)) : undefined;
  if (v?.k !== 'l') return [];
  const out: Token[] = [];
  for (const item of v.items) {
    const f = item.k === 'o' ? item.fields.get(field) : undefined;
    if (f?.k === 's' && f.tok) out.push(f.tok);
  }
  return out;
}

/** The elements of a list expression: a string token each, or one synthetic token spanning an expression. */
function listStrings(attr: Attribute | undefined): Token[] {
  if (!attr) return [];
  const v = attr.value;
  if (v[0]?.text !== '[') return v.length === 1 ? [v[0]] : v.length ? [{ kind: 'ident', text: v.map((t) => t.text).join(''), start: v[0].start, end: v[v.length - 1].end, parts: v }] : [];
  const out: Token[] = [];
  let depth = 0;
  let cur: Token[] = [];
  const flush = () => {
    if (cur.length === 1 && cur[0].kind === 'string') out.push(cur[0]);
    else if (cur.length === 1 && cur[0].kind === 'heredoc') out.push(cur[0]);
    else if (cur.length) out.push({ kind: 'ident', text: cur.map((t) => t.text).join(''), start: cur[0].start, end: cur[cur.length - 1].end, parts: cur });
    cur = [];
  };
  for (let i = 1; i < v.length; i++) {
    const t = v[i];
    if (t.kind === 'punct' && '([{'.includes(t.text)) depth++;
    if (t.kind === 'punct' && ')]}'.includes(t.text)) {
      if (depth === 0) break;
      depth--;
    }
    if (depth === 0 && t.kind === 'punct' && t.text === ',') flush();
    else cur.push(t);
  }
  flush();
  return out;
}

export type { SourceProblem, ResourceRecord };
