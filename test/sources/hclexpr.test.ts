/**
 * The HCL expression evaluator (server/src/sources/hclexpr.ts) on its own, and Terraform records whose
 * values and names are written with it: `join`, `format`, `[for …]`, a `count` over a list of objects.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { tokenize } from '../../server/src/sources/hcl';
import { evaluate, textOf, type ExprEnv, type HVal } from '../../server/src/sources/hclexpr';
import { analyzeZone, readSource } from '../../server/src/service';
import { SourceMap } from '../../server/src/sourcemap';
import { HOLE } from '../../server/src/records/holes';
import { applyFix, covered } from '../helpers';

/** An environment whose locals are written in `defs` (one `name = expr` per line, as in a locals block). */
function env(defs: string, scalars: Record<string, string> = {}, here = true): ExprEnv {
  const toks = tokenize(defs);
  return {
    scalar: (ref) => scalars[ref],
    definition: (ref) => {
      const name = ref.replace(/^local\./, '');
      const at = toks.findIndex((t, i) => t.text === name && toks[i + 1]?.text === '=' && (i === 0 || toks[i - 1].kind === 'newline'));
      if (at < 0) return undefined;
      let end = toks.findIndex((t, i) => i > at && t.kind === 'newline');
      if (end < 0) end = toks.length;
      return { tokens: toks.slice(at + 2, end), here };
    },
  };
}
const ev = (expr: string, defs = '', scalars: Record<string, string> = {}) => {
  const v = evaluate(tokenize(expr), env(defs, scalars));
  return v && show(v);
};
const show = (v: HVal): unknown => (v.k === 's' ? textOf(v) : v.k === 'l' ? v.items.map(show) : v.k === 'o' ? Object.fromEntries([...v.fields].map(([k, x]) => [k, show(x)])) : null);

describe('HCL expressions', () => {
  it('evaluates the string and list functions records are written with', () => {
    assert.equal(ev('join(" ", concat(["v=spf1"], [for i in local.inc : "include:${i}"], ["-all"]))', 'inc = ["_spf.google.com", "sendgrid.net"]'), 'v=spf1 include:_spf.google.com include:sendgrid.net -all');
    assert.equal(ev('format("v=DMARC1; p=%s; rua=mailto:%s@%s", "reject", "dmarc", local.domain)', 'domain = "example.com"'), 'v=DMARC1; p=reject; rua=mailto:dmarc@example.com');
    assert.equal(ev('format("%d%%", 50)'), '50%');
    assert.equal(ev('local.records[1].value', 'records = [{ name = "@", value = "a" }, { name = "_dmarc", value = "v=DMARC1; p=none" }]'), 'v=DMARC1; p=none');
    assert.equal(ev('local.records[count.index]["name"]', 'records = [{ name = "@" }, { name = "x" }]', { 'count.index': '1' }), 'x');
    assert.equal(ev('length(local.records)', 'records = [{ a = 1 }, { a = 2 }, { a = 3 }]'), '3');
    assert.deepEqual(ev('toset(["b", "a", "b"])'), ['a', 'b'], 'a set is sorted and has each element once');
    assert.equal(ev('lower(replace("V=SPF1 IP4:1.2.3.4 -ALL", "IP4", "ip4"))'), 'v=spf1 ip4:1.2.3.4 -all');
    assert.equal(ev('trimspace("  v=spf1 -all \\n")'), 'v=spf1 -all');
    assert.deepEqual(ev('split(",", "a,b,,c")'), ['a', 'b', '', 'c']);
    assert.equal(ev('join(";", [for k, v in local.tags : "${k}=${v}"])', 'tags = { v = "DKIM1", k = "rsa" }'), 'k=rsa;v=DKIM1', 'an object is iterated in key order');
    assert.equal(ev('lookup(local.m, "spf", "none")', 'm = { spf = "v=spf1 -all" }'), 'v=spf1 -all');
    assert.equal(ev('coalesce("", local.x)', 'x = "y"'), 'y');
    assert.equal(ev('"v=spf1 ${join(" ", local.ips)} -all"', 'ips = ["ip4:192.0.2.1", "ip4:192.0.2.2"]'), 'v=spf1 ip4:192.0.2.1 ip4:192.0.2.2 -all');
    assert.equal(ev('element(local.l, 3)', 'l = ["a", "b"]'), 'b', 'element() wraps around');
  });

  it('evaluates formatlist() over known lists, a string given for every element', () => {
    assert.deepEqual(ev('formatlist("include:%s", local.inc)', 'inc = ["a.example", "b.example"]'), ['include:a.example', 'include:b.example']);
    assert.deepEqual(ev('formatlist("%s:%s", ["ip4", "ip6"], local.ips)', 'ips = ["192.0.2.1", "2001:db8::1"]'), ['ip4:192.0.2.1', 'ip6:2001:db8::1']);
    assert.deepEqual(ev('formatlist("ip4:%s", ["192.0.2.1"], "x")'), undefined, 'more arguments than verbs');
    assert.equal(ev('formatlist("%s%s", ["a", "b"], ["c"])'), undefined, 'lists of different lengths');
  });

  it('is unknown, not a guess, for what is not known statically', () => {
    for (const expr of [
      'var.domain',
      'join(" ", var.list)',
      'a ? "x" : "y"',
      '"a" + "b"',
      'format("%5s", "x")',
      'format("%s %s", "x")',
      'jsonencode({})',
      'replace("abc", "/b/", "x")',
      '[for x in ["a"] : x if x != ""]',
      'local.l[5]',
      'aws_route53_zone.main.name_servers',
      '"%{ for x in local.l }${x}%{ endfor }"',
      'join(',
      '[',
      '((((',
    ])
      assert.equal(ev(expr, 'l = ["a"]'), undefined, expr);
  });

  it('with holes, builds a string around what is not known: each hole says what it was and stands where it is written', () => {
    const holed = (expr: string, defs = 'l = ["a"]') => {
      const v = evaluate(tokenize(expr), env(defs), new Map(), true);
      if (!v) return undefined;
      assert.equal(v.k, 's', expr);
      const chars = v.k === 's' ? v.chars : [];
      return { text: chars.map((c) => c.c).join(''), holes: chars.filter((c) => c.hole !== undefined).map((c) => [c.hole, expr.slice(c.from, c.to)]) };
    };
    assert.deepEqual(holed('format("v=DMARC1; p=%s; rua=mailto:%s", var.policy, "d@example.com")'), { text: `v=DMARC1; p=${HOLE}; rua=mailto:d@example.com`, holes: [['var.policy', '%s']] });
    assert.deepEqual(holed('join(" ", ["v=spf1", var.extra, "-all"])'), { text: `v=spf1 ${HOLE} -all`, holes: [['var.extra', 'var.extra']] });
    // A list not known, spliced in, stands for any number of elements (and their separators).
    assert.deepEqual(holed('join(" ", concat(["v=spf1"], [for i in var.includes : "include:${i}"], ["-all"]))'), { text: `v=spf1 ${HOLE} -all`, holes: [['var.includes', '[for i in var.includes : "include:${i}"]']] });
    assert.deepEqual(holed('join(" ", flatten(["v=spf1", var.mechanisms, "-all"]))')?.text, `v=spf1 ${HOLE} -all`);
    assert.deepEqual(holed('"v=spf1 include:${var.domain} -all"'), { text: `v=spf1 include:${HOLE} -all`, holes: [['${var.domain}', '${var.domain}']] });
    // An operand with an operator, and a function not known, are holes as a whole.
    assert.deepEqual(holed('format("v=DMARC1; p=%s", var.strict ? "reject" : "none")')?.holes, [['var.strict ? "reject" : "none"', '%s']]);
    assert.deepEqual(holed('join("", ["v=DKIM1; k=rsa; p=", base64encode(var.key)])')?.holes, [['var.key', 'base64encode(var.key)']]);
    assert.deepEqual(holed('join("", ["v=DKIM1; k=rsa; p=", filebase64("k.der")])')?.holes, [['filebase64()', 'filebase64("k.der")']]);
    assert.deepEqual(holed('join(" ", ["v=spf1", lower(var.x), "-all"])')?.holes, [['var.x', 'lower(var.x)']]);
    // What is not known where the value needs it whole stays not known: the format, the separator, an index, the value itself.
    for (const expr of ['format(var.f, "x")', 'join(var.sep, ["a", "b"])', 'local.l[var.i]', 'var.x', 'element(var.l, 0)', 'sort(concat(["a"], var.l))[0]', '[for x in var.l : x]', 'join(" ", var.l == null ? [] : var.l)'])
      assert.ok(holed(expr) === undefined || holed(expr)!.text === HOLE, expr);
    // formatlist(): once per element; a list not known stands for any number of them.
    assert.deepEqual(holed('join(" ", concat(["v=spf1"], formatlist("include:%s", var.l), ["-all"]))')?.text, `v=spf1 ${HOLE} -all`);
    // Without holes, nothing changes.
    assert.equal(ev('format("v=DMARC1; p=%s", var.policy)'), undefined);
  });

  it('keeps, for every character, where it is written; a definition in another file is the reference', () => {
    const expr = 'join(" ", ["v=spf1", local.inc, "-all"])';
    const v = evaluate(tokenize(expr), env('inc = "include:x"'))!;
    assert.equal(textOf(v), 'v=spf1 include:x -all');
    assert.ok(v.k === 's');
    const at = (i: number) => (v.k === 's' ? v.chars[i] : undefined)!;
    assert.deepEqual([at(0).from, at(0).to], [expr.indexOf('v=spf1'), expr.indexOf('v=spf1') + 1]);
    assert.deepEqual([at(6).from, at(6).to], [6, 7], 'the separator is the `" "` of join');
    const foreign: ExprEnv = { scalar: () => undefined, definition: () => ({ tokens: tokenize('"include:x"'), here: false }) };
    const w = evaluate(tokenize(expr), foreign)!;
    assert.ok(w.k === 's');
    const ref = [expr.indexOf('local.inc'), expr.indexOf('local.inc') + 'local.inc'.length];
    assert.deepEqual([w.chars[7].from, w.chars[7].to], ref);
  });

  it('never throws and never maps a character outside the expression, on any token soup', () => {
    const piece = fc.constantFrom('join', 'format', 'concat', 'toset', 'length', 'local', 'var', 'for', 'in', 'if', '.', ',', '(', ')', '[', ']', '{', '}', ':', '=', '"v=spf1"', '"%s"', '"${x}"', '"${local.l[0]}"', 'x', 'l', '0', '1', 'count', 'index', '?', '...', '\n', '<<EOT\nv=spf1\nEOT\n');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (parts) => {
        const expr = parts.join(' ');
        // Definitions elsewhere: every character then maps into the expression itself.
        const v = evaluate(tokenize(expr), env('l = ["a", "b"]\nx = "v"', { 'count.index': '0' }, false));
        const check = (h: HVal): void => {
          if (h.k === 's') for (const c of h.chars) assert.ok(c.from >= 0 && c.to <= expr.length && c.from <= c.to, expr);
          if (h.k === 'l') h.items.forEach(check);
          if (h.k === 'o') h.fields.forEach(check);
        };
        if (v) check(v);
      }),
      { numRuns: Number(process.env.DL_PROPERTY_RUNS ?? 500) },
    );
  });
});

describe('source maps of values built from pieces', () => {
  // "ab" written at 20..22, then "cd" written at 5..7 (a definition above its use), then "e" at 30.
  const m = new SourceMap();
  m.addLiteral(20, 2);
  m.addLiteral(5, 2);
  m.addLiteral(30, 1);
  it('finds the value offset of a document offset in a piece written before the one it follows', () => {
    assert.deepEqual([5, 6, 7, 20, 21, 22, 30, 31, 12].map((d) => m.toValueOffset(d)), [2, 3, 4, 0, 1, 2, 4, 5, undefined]);
  });
  it('gives a range that runs backwards the first piece instead of nothing', () => {
    assert.deepEqual(m.toDocRange({ start: 0, end: 4 }), { start: 20, end: 22 });
    assert.deepEqual(m.toDocRange({ start: 2, end: 5 }), { start: 5, end: 31 });
  });
  it('says an edit is exact only inside one literal piece written once', () => {
    assert.equal(m.exact({ start: 0, end: 2 }), true);
    assert.equal(m.exact({ start: 1, end: 3 }), false, 'crosses pieces');
    assert.equal(m.exact({ start: 1, end: 1 }), true, 'an insertion inside a piece');
    assert.equal(m.exact({ start: 5, end: 5 }), true, 'an insertion at the end, after a literal');
    const twice = new SourceMap();
    twice.addLiteral(10, 3);
    twice.addLiteral(40, 1);
    twice.addLiteral(10, 3);
    assert.equal(twice.exact({ start: 0, end: 2 }), false, 'the same characters write two parts of the value');
    assert.equal(twice.exact({ start: 3, end: 4 }), true);
  });
});

describe('Terraform values and names written as expressions', () => {
  const tf = `locals {
  domain   = "example.com"
  includes = ["_spf.google.com", "sendgrid.net"]
  records = [
    { name = "", value = "v=spf1 include:_spf.google.com +all" },
    { name = "_dmarc", value = "v=DMARC1; p=none; rua=mailto:d@example.com" },
  ]
}

resource "aws_route53_zone" "main" {
  name = local.domain
}

resource "aws_route53_record" "counted" {
  count   = length(local.records)
  zone_id = aws_route53_zone.main.zone_id
  name    = local.records[count.index].name
  type    = "TXT"
  records = [local.records[count.index].value]
}

resource "aws_route53_record" "joined" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "mail"
  type    = "TXT"
  records = [join(" ", concat(["v=spf1"], [for i in local.includes : "include:\${i}"], ["+all"]))]
}

resource "aws_route53_record" "formatted" {
  zone_id = aws_route53_zone.main.zone_id
  name    = format("%s._domainkey", "sel1")
  type    = "TXT"
  records = [format("v=DKIM1; k=rsa; t=%s; p=", "y")]
}
`;

  it('reads a count over a list of objects, join(), format() and for-expressions as the records they make', () => {
    const z = readSource(tf, 'main.tf');
    assert.deepEqual(
      z.sites.map((s) => [s.owner, s.value]),
      [
        ['example.com', 'v=spf1 include:_spf.google.com +all'],
        ['_dmarc.example.com', 'v=DMARC1; p=none; rua=mailto:d@example.com'],
        ['mail.example.com', 'v=spf1 include:_spf.google.com include:sendgrid.net +all'],
        ['sel1._domainkey.example.com', 'v=DKIM1; k=rsa; t=y; p='],
      ],
    );
    assert.deepEqual(z.problems.filter((p) => p.code === 'source/not-static'), [], 'nothing left unknown');
  });

  it('puts findings where the characters are written, and offers fixes whose edits stay inside one literal written once', () => {
    const a = analyzeZone(tf, 'main.tf');
    const plus = a.findings.filter((f) => f.rule === 'spf/plus-all');
    assert.equal(plus.length, 2);
    assert.deepEqual(plus.map((f) => covered(tf, f)), ['+all', '+all']);
    // The counted record's value is the literal in the locals list: the fix edits it there.
    const fromList = plus.find((f) => f.range.start < tf.indexOf('resource'))!;
    assert.equal(applyFix(tf, fromList.fixes![0]), tf.replace('_spf.google.com +all"', '_spf.google.com -all"'));
    // The joined value is built from several literals: found on the `"+all"` of the list, fixed there.
    const joined = plus.find((f) => f.range.start > tf.indexOf('"joined"'))!;
    assert.equal(applyFix(tf, joined.fixes![0]), tf.replace('["+all"]', '["-all"]'));
    // An edit that would cross pieces, or touch a piece the value repeats (the for-expression's
    // "include:", the join's " "), is not offered.
    const rep = "resource \"aws_route53_record\" \"r\" {\n  zone_id = \"Z\"\n  name    = \"x.example.com.\"\n  type    = \"TXT\"\n  records = [join(\" \", [\"v=spf1\", \"include:a.example\", \"include:a.example\", \"-all\"])]\n}\n";
    const dup = analyzeZone(rep, 'dup.tf').findings.find((f) => f.rule === 'spf/duplicate-mechanism');
    assert.ok(dup, 'the duplicate is found');
    assert.deepEqual(dup.fixes ?? [], [], 'removing it would take the join separator with it');
    assert.equal(covered(tf, a.findings.find((f) => f.rule === 'dkim/testing-mode')!), 't=%s', 'a character made by a format verb is the verb');
    // The "v=spf1" inside the join is a piece of the record, not a record of its own.
    assert.ok(!a.findings.some((f) => f.rule === 'spf/no-all'), a.findings.map((f) => f.rule).join());
  });

  it('reads file() of a small file beside the module (a DKIM key kept in its own file), findings on the call', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-tffile-'));
    const key = 'MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDwIRP/UC3SBsEmGqZ9ZJW3/DkMoGeLnQg1fWn7/zYtIxN2SnFCjxOCKG9v3b4jYfcTNh5ijSsq631uBItLa7od+v/RtdC2UzJ1lWT947qR+Rcac2gbto/NMqJ0fzfVjH4OuKhitdY9tf6mcwGjaNBcWToIMmPSPDdQPNUYckcQ2QIDAQAB';
    fs.writeFileSync(path.join(dir, 'dkim.txt'), `v=DKIM1; k=rsa; p=${key}\n`);
    const text = `resource "aws_route53_record" "dkim" {\n  zone_id = "Z1"\n  name    = "sel._domainkey.example.com"\n  type    = "TXT"\n  records = [chomp(file("\${path.module}/dkim.txt"))]\n}\nresource "aws_route53_record" "missing" {\n  zone_id = "Z1"\n  name    = "sel2._domainkey.example.com"\n  type    = "TXT"\n  records = [file("nope.txt")]\n}\n`;
    const file = path.join(dir, 'main.tf');
    fs.writeFileSync(file, text);
    const a = analyzeZone(text, file);
    assert.deepEqual(a.sites.map((x) => [x.site.owner, x.site.value]), [['sel._domainkey.example.com', `v=DKIM1; k=rsa; p=${key}`]]);
    const short = a.findings.find((f) => f.rule === 'dkim/rsa-key-under-2048')!;
    assert.equal(covered(text, short), 'file("${path.module}/dkim.txt")');
    assert.equal(short.fixes, undefined);
    assert.ok(a.zone.problems.some((p) => p.code === 'source/not-static' && text.slice(p.range.start, p.range.end) === 'file("nope.txt")'), 'a file that is not there is not known');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads templatefile() with the variables the call passes, findings on the call; a directive or a missing variable is not known', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-tftpl-'));
    fs.writeFileSync(path.join(dir, 'dmarc.tpl'), 'v=DMARC1; p=${policy}; rua=${join(",", [for a in rua : "mailto:${a}"])}; pct=$${pct}\n');
    fs.writeFileSync(path.join(dir, 'spf.tpl'), 'v=spf1 %{ for i in includes }include:${i} %{ endfor }-all');
    const text = `locals {\n  reports = ["d@example.com", "e@example.com"]\n}\nresource "aws_route53_record" "dmarc" {\n  zone_id = "Z1"\n  name    = "_dmarc.example.com"\n  type    = "TXT"\n  records = [trimspace(templatefile("\${path.module}/dmarc.tpl", { policy = "rejet", rua = local.reports }))]\n}\nresource "aws_route53_record" "spf" {\n  zone_id = "Z1"\n  name    = "example.com"\n  type    = "TXT"\n  records = [templatefile("spf.tpl", { includes = ["a.example"] })]\n}\nresource "aws_route53_record" "nope" {\n  zone_id = "Z1"\n  name    = "x.example.com"\n  type    = "TXT"\n  records = [templatefile("dmarc.tpl", { policy = "none" })]\n}\n`;
    const file = path.join(dir, 'main.tf');
    fs.writeFileSync(file, text);
    const a = analyzeZone(text, file);
    assert.deepEqual(a.sites.map((x) => [x.site.owner, x.site.value]), [['_dmarc.example.com', 'v=DMARC1; p=rejet; rua=mailto:d@example.com,mailto:e@example.com; pct=${pct}']]);
    const bad = a.findings.find((f) => f.rule === 'dmarc/invalid-value')!;
    assert.match(covered(text, bad), /^templatefile\(/);
    const notes = a.zone.problems.filter((p) => p.code === 'source/not-static').map((p) => p.message);
    assert.equal(notes.length, 2, notes.join('\n'));
    assert.ok(notes.some((m) => m.includes('the %{for i in includes} of spf.tpl')), notes.join('\n'));
    assert.ok(notes.some((m) => m.includes('the ${join(",", [for a in rua : "mailto:${a}"])} of dmarc.tpl')), notes.join('\n'));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads a function call inside an interpolation of Terraform JSON, whose quotes are JSON-escaped', () => {
    const json = JSON.stringify({ resource: { aws_route53_record: { j: { zone_id: 'Z1', name: 'j.example.com.', type: 'TXT', records: ['${join(" ", ["v=spf1", "?all"])}'] } } } }, null, 2);
    const z = readSource(json, 'main.tf.json');
    assert.deepEqual(z.sites.map((x) => [x.owner, x.value]), [['j.example.com', 'v=spf1 ?all']]);
  });
});
