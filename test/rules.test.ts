/**
 * Every rule in the registry: its docs example fails, its corrected example passes, its docs page
 * exists and is current, and every fix it offers removes the finding without touching other bytes.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { allRules } from '../server/src/checks/registry';
import { renderRulePage, renderIndex, renderSchema } from '../scripts/gen-docs';
import type { Finding, TextEdit } from '../server/src/types';
import { applyFix, covered, lint, ROOT } from './helpers';
import { WorkspaceIndex } from '../server/src/workspace';
import { FindingSink, readZone } from '../server/src/service';
import { WorkspaceResolver } from '../server/src/dns/chain';
import { lookupTree } from '../server/src/spf/tree';
import { treeFindings } from '../server/src/spf/findings';
import { readReports } from '../server/src/reports/aggregate';
import { AUTOFIX } from '../server/src/checks/autofix';
import { rangeBlocks } from '../server/src/records/spf';

describe('rule registry', () => {
  it('has stable kebab-case ids grouped by record kind', () => {
    for (const r of allRules) assert.match(r.id, /^(spf|dmarc|dkim|bimi|tlsrpt|mta-sts|zone|octodns|source|meta|sender)\/[a-z0-9]+(-[a-z0-9]+)*$/, r.id);
    assert.ok(allRules.length >= 55, `only ${allRules.length} rules`);
  });

  for (const rule of allRules) {
    describe(rule.id, () => {
      if (rule.scope === 'tree') {
        // Tree rules walk include targets through the resolver: here, the example zone itself.
        const walk = async (lines: string) => {
          const { zone, sites } = lint(lines);
          const ws = new WorkspaceIndex();
          ws.set('test.zone', zone.records, sites);
          const root = sites.find((s) => s.kind === 'spf')!.site.owner!;
          return (await lookupTree(root, new WorkspaceResolver(ws))).diagnostics.map((d) => d.rule);
        };
        it('fires on the bad example', async () => assert.ok((await walk(rule.docs.bad)).includes(rule.id), `${rule.id} not found`));
        it('is quiet on the good example', async () => assert.ok(!(await walk(rule.docs.good)).includes(rule.id)));
        if (rule.fixable)
          it('offers fixes that clear the finding from the tree and keep other bytes', async () => {
            const { text, zone, sites } = lint(rule.docs.bad);
            const ws = new WorkspaceIndex();
            ws.set('test.zone', zone.records, sites);
            const a = sites.find((s) => s.kind === 'spf')!;
            const target = treeFindings(a, await lookupTree(a.site.owner!, new WorkspaceResolver(ws)), new FindingSink()).find((f) => f.rule === rule.id && f.fixes?.length);
            assert.ok(target, `${rule.id} is fixable but its bad example has no fix`);
            for (const fix of target.fixes!) {
              const fixed = applyFix(text, fix);
              const lo = Math.min(...fix.edits.map((e) => e.range.start));
              assert.equal(fixed.slice(0, lo), text.slice(0, lo), fix.title);
              assert.ok(!(await walk(fixed)).includes(rule.id), `${fix.title} left ${rule.id}`);
            }
          });
      }
      const file = rule.docs.file;
      // Rules across files: the example is checked in a workspace that also holds the other file.
      const other = rule.docs.workspace;
      const workspaceOf = (o: { file: string; text: string } | undefined) => {
        const ws = new WorkspaceIndex();
        if (o) {
          const p = readZone(o.text, o.file);
          ws.set(o.file, p.zone.records, p.sites);
        }
        return ws;
      };
      const reportsOf = (xml: string | undefined) => (xml ? readReports(Buffer.from(xml), 'example.xml').reports : undefined);
      const origin = rule.docs.origin ? { origin: rule.docs.origin } : {};
      const opts = other || rule.docs.report ? { ...origin, workspace: workspaceOf(other), reports: reportsOf(rule.docs.report) } : origin;
      const goodOpts = other || rule.docs.report ? { ...origin, workspace: workspaceOf(rule.docs.goodWorkspace ?? other), reports: reportsOf(rule.docs.goodReport ?? rule.docs.report) } : origin;
      if (rule.scope !== 'tree') it('fires on the bad example', () => {
        const { findings } = lint(rule.docs.bad, opts, undefined, file);
        assert.ok(
          findings.some((f) => f.rule === rule.id),
          `expected ${rule.id} on:\n${rule.docs.bad}\ngot ${findings.map((f) => f.rule).join(', ')}`,
        );
      });
      if (rule.scope !== 'tree') it('is quiet on the good example', () => {
        const { findings } = lint(rule.docs.good, goodOpts, undefined, file);
        assert.deepEqual(findings.filter((f) => f.rule === rule.id).map((f) => f.message), []);
      });
      it('has a current docs page', () => {
        const file = path.join(ROOT, 'docs', 'rules', `${rule.id}.md`);
        assert.ok(fs.existsSync(file), `missing ${file}; run npm run docs`);
        assert.equal(fs.readFileSync(file, 'utf8'), renderRulePage(rule), `${file} is stale; run npm run docs`);
      });
      if (rule.fixable && other) {
        // Fixes across files: they edit the other workspace file, and the finding is gone after.
        it('offers fixes in the other file that remove the finding', () => {
          const { text, findings } = lint(rule.docs.bad, opts, undefined, file);
          const target = findings.find((f) => f.rule === rule.id && f.fixes?.length);
          assert.ok(target, `${rule.id} is fixable but its bad example has no fix`);
          for (const fix of target.fixes!) {
            // Edits in the other file, and (a record moved there) in this one.
            const theirs: TextEdit[] = fix.edits.filter((e) => e.uri === other.file);
            const mine: TextEdit[] = fix.edits.filter((e) => e.uri !== other.file);
            assert.ok(theirs.length && mine.every((e) => e.uri === undefined || e.uri === file), fix.title);
            const fixed = applyFix(other.text, { ...fix, edits: theirs });
            assert.equal(fixed.slice(0, theirs[0].range.start), other.text.slice(0, theirs[0].range.start));
            const again: Finding[] = lint(applyFix(text, { ...fix, edits: mine }), { workspace: workspaceOf({ file: other.file, text: fixed }) }, undefined, file).findings;
            assert.deepEqual(again.filter((f) => f.rule === rule.id).map((f) => f.message), [], fix.title);
            assert.deepEqual(lint(fixed, {}, undefined, other.file).findings.filter((f) => f.severity === 'error').map((f) => f.message), []);
          }
        });
      } else if (rule.fixable && rule.scope !== 'tree') {
        it('offers fixes that remove the finding and keep other bytes', () => {
          // A rule about the reports is checked with its example report.
          const withReports = rule.docs.report ? { reports: reportsOf(rule.docs.report) } : {};
          const { text, findings } = lint(rule.docs.bad, withReports, undefined, file);
          const target = findings.find((f) => f.rule === rule.id && f.fixes?.length);
          assert.ok(target, `${rule.id} is fixable but its bad example has no fix`);
          for (const fix of target.fixes!) {
            const fixed = applyFix(text, fix);
            const lo = Math.min(...fix.edits.map((e) => e.range.start));
            const hi = Math.max(...fix.edits.map((e) => e.range.end));
            assert.equal(fixed.slice(0, lo), text.slice(0, lo), `${fix.title}: bytes before the edit changed`);
            assert.equal(fixed.slice(fixed.length - (text.length - hi)), text.slice(hi), `${fix.title}: bytes after the edit changed`);
            const again: Finding[] = (file ? lint(fixed, withReports, undefined, file) : lint(fixed.split('\n').slice(2).join('\n'))).findings.filter((f) => f.rule === rule.id && f.range.start === target.range.start);
            assert.equal(again.length, 0, `${fix.title} left ${rule.id}: ${again.map((f) => f.message).join(' | ')}`);
          }
        });
      }
    });
  }

  it('has a current JSON schema for .dmarc-lens.json', () => {
    assert.equal(fs.readFileSync(path.join(ROOT, 'schemas', 'dmarc-lens.schema.json'), 'utf8'), renderSchema(allRules));
  });

  it('has an index page listing every rule', () => {
    const index = fs.readFileSync(path.join(ROOT, 'docs', 'rules', 'README.md'), 'utf8');
    assert.equal(index, renderIndex(allRules));
  });

  it('is counted right in the README', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    assert.match(readme, new RegExp(`^${allRules.length} rules — `, 'm'));
  });
});

describe('many records at one name', () => {
  it('points each of 3 000 SPF and 3 000 DMARC records at one name to a few of the others, not all of them', () => {
    const n = 3000;
    const lines = [
      ...Array.from({ length: n }, (_, i) => `@ IN TXT "v=spf1 ip4:10.0.${i >> 8}.${i & 255} -all"`),
      ...Array.from({ length: n }, (_, i) => `_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:d${i}@example.com"`),
    ].join('\n');
    const { findings } = lint(lines);
    for (const rule of ['spf/multiple-records', 'dmarc/multiple-records']) {
      const fs = findings.filter((f) => f.rule === rule);
      assert.equal(fs.length, n, rule);
      assert.match(fs[0].message, /has 3000 (SPF|DMARC) records/);
      assert.ok(fs.every((f) => f.related?.length === 10), rule);
      assert.ok(fs.every((f) => !f.related!.some((r) => r.range.start === f.range.start)), 'never itself');
    }
  });
});

describe('long runs of separators in a DMARC record', () => {
  it('adds a tag right after the last tag, before a trailing run of blanks and semicolons that it leaves as written', () => {
    const gap = ' ;'.repeat(10000);
    const { text, findings } = lint(`_dmarc IN TXT ( "v=DMARC1;${gap.slice(0, 200)}" "p=none;${gap.slice(0, 250)}" "${' '.repeat(250)}" )`);
    const f = findings.find((x) => x.rule === 'dmarc/no-rua')!;
    const fixed = applyFix(text, f.fixes![0]);
    assert.match(fixed, /"p=none; rua=mailto:dmarc-reports@example\.com;( ;)+"/);
    assert.equal(fixed.replace('; rua=mailto:dmarc-reports@example.com', ''), text);
  });
});

describe('records copied from web pages and word processors', () => {
  it('names each look-alike character, and its fix writes the ASCII, in a zone file, Terraform and YAML', () => {
    const zone = lint('@ IN TXT "v=spf1 include:_spf.example.net \u2013all"\n_dmarc IN TXT "v=DMARC1;\u00a0p=reject;\u200b rua=mailto:d@example.com"');
    const found = zone.findings.filter((f) => f.rule === 'source/lookalike-character');
    assert.deepEqual(found.map((f) => f.message.slice(0, f.message.indexOf(':'))), ['U+2013 en dash in this SPF record', 'U+00A0 no-break space in this DMARC record', 'U+200B zero width space in this DMARC record']);
    assert.match(found[1].message, /it looks like a plain space, .* Write a plain space\.$/);
    assert.match(found[2].message, /invisible, .* Remove it\.$/);
    // The `–all` and the `\u00a0p=reject` are written: no finding says they are missing, nor offers to add another.
    assert.deepEqual(zone.findings.filter((f) => f.rule === 'spf/no-all' || f.rule === 'dmarc/missing-policy').map((f) => f.rule), []);
    assert.ok(lint('@ IN TXT "v=spf1 include:_spf.example.net"').findings.some((f) => f.rule === 'spf/no-all'), 'an SPF record without all still gets it');
    let fixed = zone.text;
    for (const f of [...found].reverse()) fixed = applyFix(fixed, f.fixes![0]);
    assert.equal(fixed, zone.text.replace('\u2013', '-').replace('\u00a0', ' ').replace('\u200b', ''));
    const again = lint(fixed, {}, undefined, 'test.zone').findings;
    assert.deepEqual(again.filter((f) => f.severity === 'error').map((f) => f.rule), []);
    // Terraform: curly quotes inside the string (the value would be SPF without them), fullwidth `；` in YAML.
    const tf = 'resource "aws_route53_record" "spf" {\n  zone_id = aws_route53_zone.main.zone_id\n  name    = "example.com"\n  type    = "TXT"\n  records = ["\u201cv=spf1 -all\u201d"]\n}\n';
    const t = lint(tf, {}, undefined, 'main.tf');
    const quotes = t.findings.filter((f) => f.rule === 'source/lookalike-character');
    assert.equal(quotes.length, 2);
    assert.equal(applyFix(applyFix(tf, quotes[1].fixes![0]), quotes[0].fixes![0]), tf.replace(/[\u201c\u201d]/g, ''));
    const yaml = lint("---\n_dmarc:\n  type: TXT\n  value: v=DMARC1\uff1b p=reject\n", {}, undefined, 'example.com.yaml');
    const semi = yaml.findings.find((f) => f.rule === 'source/lookalike-character')!;
    assert.match(semi.message, /^U\+FF1B fullwidth ; in this DMARC record/);
    // octoDNS escapes `;` in values (octodns/unescaped-semicolon): the fix writes it so.
    assert.equal(applyFix(yaml.text, semi.fixes![0]), '---\n_dmarc:\n  type: TXT\n  value: v=DMARC1\\; p=reject\n');
  });

  it('names a bidirectional formatting character, which also reorders what the editor shows, and removes it', () => {
    const { text, findings } = lint('@ IN TXT "v=spf1 include:\u202emoc.elpmaxe\u202c -all"');
    const found = findings.filter((f) => f.rule === 'source/lookalike-character');
    assert.deepEqual(found.map((f) => f.message.slice(0, f.message.indexOf(':'))), ['U+202E right-to-left override in this SPF record', 'U+202C pop directional formatting in this SPF record']);
    assert.match(found[0].message, /invisible, and it changes the order in which the text around it is shown, .* Remove it\.$/);
    let fixed = text;
    for (const f of [...found].reverse()) fixed = applyFix(fixed, f.fixes![0]);
    assert.equal(fixed, text.replace(/[\u202e\u202c]/g, ''));
  });

  it('leaves other TXT records alone: typography in prose is not a record', () => {
    const { findings } = lint('@ IN TXT "She said \u201chello\u201d \u2013 twice"\nnote IN TXT \u201chello world\u201d');
    assert.deepEqual(findings.filter((f) => f.rule === 'source/lookalike-character' || f.rule === 'zone/typographic-quotes'), []);
  });

  it('says a zone record between typographic quotes is published as words run together, and fixes the quotes only', () => {
    const { text, findings } = lint('@ IN TXT \u201cv=spf1 include:_spf.example.net -all\u201d ; from the wiki\n_dmarc IN TXT \u201ev=DMARC1; p=none\u201c');
    const quoted = findings.filter((f) => f.rule === 'zone/typographic-quotes');
    assert.equal(quoted.length, 2);
    assert.match(quoted[0].message, /`\u201c` \(U\+201C\) and `\u201d` \(U\+201D\), not `"`: zone files do not read them as quotes, so name servers publish `\u201cv=spf1include:_spf\.example\.net-all\u201d` \(the words run together\), and receivers find no SPF record/);
    // In a DMARC record the first `;` starts a comment: what is published is `„v=DMARC1`.
    assert.match(quoted[1].message, /`\u201e` \(U\+201E\) and `\u201c` \(U\+201C\), .* so the `;` in it starts a comment, and name servers publish `\u201ev=DMARC1`, and receivers find no DMARC record/);
    // The look-alike rule leaves these to it: removing the quotes would leave the words run together.
    assert.deepEqual(findings.filter((f) => f.rule === 'source/lookalike-character'), []);
    const fixed = applyFix(applyFix(text, quoted[1].fixes![0]), quoted[0].fixes![0]);
    assert.equal(fixed, text.replace(/[\u201c\u201d\u201e]/g, '"'));
    const again = lint(fixed, {}, undefined, 'test.zone');
    assert.deepEqual(again.sites.map((s) => s.site.value), ['v=spf1 include:_spf.example.net -all', 'v=DMARC1; p=none']);
  });
});

describe('report destinations on other domains', () => {
  const ws = (text: string) => {
    const w = new WorkspaceIndex();
    const p = readZone(text, 'example.net.zone');
    w.set('example.net.zone', p.zone.records, p.sites);
    return w;
  };
  const net = '$ORIGIN example.net.\n@ IN MX 10 mail.example.net.\n';
  const dmarc = '_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:a@example.net,mailto:b@elsewhere.example; ruf=mailto:f@example.net; fo=1"';
  const rule = 'dmarc/external-reports-not-authorized';

  it('asks for the authorisation of each address on a workspace domain, rua and ruf, not of domains it cannot see', () => {
    const found = lint(dmarc, { workspace: ws(net) }).findings.filter((f) => f.rule === rule);
    assert.deepEqual(found.map((f) => f.message.slice(0, f.message.indexOf(','))), ['Reports for example.com go to a@example.net', 'Reports for example.com go to f@example.net']);
    assert.match(found[1].message, /no failure reports there \(RFC 9990 §3\)\. Publish it in the zone of example\.net\.$/);
  });

  it('accepts the authorisation for the domain or for every domain (*), and reads neither as a DMARC policy', () => {
    for (const auth of ['example.com._report._dmarc IN TXT "v=DMARC1"', '*._report._dmarc IN TXT "v=DMARC1"']) {
      assert.deepEqual(lint(dmarc, { workspace: ws(net + auth + '\n') }).findings.filter((f) => f.rule === rule), []);
      const own = lint(net.replace('$ORIGIN example.net.\n', '') + auth, {}, 'example.net').findings;
      assert.deepEqual(own.filter((f) => f.rule.startsWith('dmarc/') && f.rule !== 'dmarc/missing-record').map((f) => f.rule), [], auth);
    }
    // Not an authorisation: a record that does not start with v=DMARC1.
    assert.equal(lint(dmarc, { workspace: ws(net + 'example.com._report._dmarc IN TXT "ok"\n') }).findings.filter((f) => f.rule === rule).length, 2);
  });
});

describe('hosted DMARC', () => {
  it('counts a CNAME at _dmarc as the domain\'s DMARC record (the vendor publishes the policy at the target)', () => {
    const hosted = lint('@ IN TXT "v=spf1 -all"\n@ IN MX 10 mx.example.com.\n_dmarc IN CNAME example.com._dmarc.vendor.example.\nsub IN TXT "v=spf1 -all"');
    assert.deepEqual(hosted.findings.filter((f) => f.rule === 'dmarc/missing-record'), []);
    // In another file of the workspace too.
    const ws = new WorkspaceIndex();
    const p = readZone('$ORIGIN example.com.\n_dmarc IN CNAME example.com._dmarc.vendor.example.\n', 'dmarc.zone');
    ws.set('dmarc.zone', p.zone.records, p.sites);
    assert.deepEqual(lint('@ IN TXT "v=spf1 -all"', { workspace: ws }).findings.filter((f) => f.rule === 'dmarc/missing-record'), []);
    assert.equal(lint('@ IN TXT "v=spf1 -all"').findings.filter((f) => f.rule === 'dmarc/missing-record').length, 1);
  });
});

describe('DMARC values in another case', () => {
  it('reads p=Reject as reject (the grammar ignores case), with a hint and a fix to lower case, and the other rules agree', () => {
    const { text, findings } = lint('_dmarc IN TXT "v=DMARC1; p=Reject; sp=None; adkim=S; fo=D:S; rua=mailto:d@example.com"');
    const values = findings.filter((f) => f.rule === 'dmarc/invalid-value');
    assert.deepEqual(values.map((f) => [f.severity, text.slice(f.range.start, f.range.end)]), [['hint', 'Reject'], ['hint', 'None'], ['hint', 'S'], ['hint', 'D:S']]);
    assert.match(values[0].message, /^`p=Reject` is read as `p=reject`: the record's grammar ignores case/);
    // sp=None under an enforcing p is the weak subdomain policy it is in lower case.
    const weak = findings.find((f) => f.rule === 'dmarc/weak-subdomain-policy')!;
    assert.match(weak.message, /`sp=none` leaves every subdomain unprotected while `p=reject`/);
    let fixed = text;
    for (const f of [...values].reverse()) fixed = applyFix(fixed, f.fixes![0]);
    assert.match(fixed, /"v=DMARC1; p=reject; sp=none; adkim=s; fo=d:s; rua=mailto:d@example\.com"/);
    assert.equal(lint('_dmarc IN TXT "v=DMARC1; p=None; rua=mailto:d@example.com"').findings.filter((f) => f.rule === 'dmarc/policy-none').length, 1);
    // Still an error when no case makes it valid.
    assert.equal(lint('_dmarc IN TXT "v=DMARC1; p=Rejected"').findings.find((f) => f.rule === 'dmarc/invalid-value')?.severity, 'error');
  });
});

describe('SPF terms separated by `;` or `,`', () => {
  it('the fixes, one for each separator, write spaces (and the mechanism again in an address list), and leave a record with none', () => {
    const { text, findings } = lint('@ IN TXT "v=spf1 mx;include:_spf.example.net; -ip4:192.0.2.1,192.0.2.2 -all;"');
    const found = findings.filter((f) => f.rule === 'spf/wrong-separator');
    assert.deepEqual(found.map((f) => f.fixes![0].title), ['Separate the terms with a space', 'Remove `;`', 'Separate the terms with a space and `-ip4:`', 'Remove `;`']);
    let fixed = text;
    for (const f of [...found].reverse()) fixed = applyFix(fixed, f.fixes![0]);
    assert.ok(fixed.includes('"v=spf1 mx include:_spf.example.net -ip4:192.0.2.1 -ip4:192.0.2.2 -all"'), fixed);
    assert.deepEqual(lint(fixed, {}, undefined, 'test.zone').findings.filter((f) => f.rule.startsWith('spf/') && f.severity === 'error'), []);
  });
});

describe('SPF strings joined with no space between two terms', () => {
  it('one error at each such joint, not also the term it spoils; the fix puts the space in the next string', () => {
    const { text, findings } = lint('@ IN TXT ( "v=spf1 include:_spf.google.com"\n  "ip4:192.0.2.1" "ip4:192.0.2.2" ; two lists\n  "-all" )');
    const errors = findings.filter((f) => f.severity === 'error');
    assert.deepEqual(errors.map((f) => [f.rule, covered(text, f)]), [
      ['spf/glued-strings', 'include:_spf.google.com"\n  "ip4:192.0.2.1'],
      ['spf/glued-strings', 'ip4:192.0.2.1" "ip4:192.0.2.2'],
      ['spf/glued-strings', 'ip4:192.0.2.2" ; two lists\n  "-all'],
    ]);
    assert.match(errors[0].message, /`include:_spf\.google\.com` and `ip4:192\.0\.2\.1` become part of the one term `include:_spf\.google\.comip4:192\.0\.2\.1ip4:192\.0\.2\.2-all`/);
    let fixed = text;
    for (const f of [...errors].reverse()) fixed = applyFix(fixed, f.fixes![0]);
    assert.ok(fixed.includes('( "v=spf1 include:_spf.google.com"\n  " ip4:192.0.2.1" " ip4:192.0.2.2" ; two lists\n  " -all" )'), fixed);
    assert.deepEqual(lint(fixed, {}, undefined, 'test.zone').findings.filter((f) => f.rule.startsWith('spf/')), []);
    // A domain split across strings joins as meant; so does a term after a string ending in a space.
    assert.deepEqual(lint('@ IN TXT "v=spf1 include:_spf.goo" "gle.com include:a" "mple.com -all"').findings.filter((f) => f.rule === 'spf/glued-strings'), []);
  });

  it('in a Terraform record (Route 53 strings inside one HCL string), the fix keeps the escapes', () => {
    const tf = 'resource "aws_route53_record" "spf" {\n  zone_id = "Z1"\n  name    = "example.com"\n  type    = "TXT"\n  ttl     = 300\n  records = ["v=spf1 include:_spf.google.com\\"\\"include:sendgrid.net -all"]\n}\n';
    const { text, findings } = lint(tf, {}, undefined, 'main.tf');
    const f = findings.find((x) => x.rule === 'spf/glued-strings')!;
    assert.ok(f, JSON.stringify(findings.map((x) => x.rule)));
    assert.ok(applyFix(text, f.fixes![0]).includes('records = ["v=spf1 include:_spf.google.com\\"\\" include:sendgrid.net -all"]'), applyFix(text, f.fixes![0]));
  });
});

describe('an `all` run into the term before it', () => {
  it('one error on the term, not also a syntax error or "no all"; the fix puts a space before the qualifier', () => {
    for (const [written, meant, says] of [
      ['"v=spf1 include:_spf.google.com-all"', '"v=spf1 include:_spf.google.com -all"', /an include of `_spf\.google\.com-all`, a name that does not exist, so the record fails with a permerror/],
      ['"v=spf1 redirect=_spf.example.net-all"', '"v=spf1 redirect=_spf.example.net -all"', /a redirect to `_spf\.example\.net-all`/],
      ['"v=spf1 include:_spf.google.com~all"', '"v=spf1 include:_spf.google.com ~all"', /which is not valid, so the record fails with a permerror/],
      ['"v=spf1 ip4:192.0.2.1-all"', '"v=spf1 ip4:192.0.2.1 -all"', /`ip4:192\.0\.2\.1-all` as one term, which is not valid/],
      ['"v=spf1 ip4:192.0.2.0/24?all"', '"v=spf1 ip4:192.0.2.0/24 ?all"', /which is not valid/],
      ['"v=spf1 mx-all"', '"v=spf1 mx -all"', /`mx-all` as one term/],
      ['"v=spf1 a:mail.example.com-all"', '"v=spf1 a:mail.example.com -all"', /`a` of `mail\.example\.com-all`, a name that does not exist, which matches nothing/],
      ['( "v=spf1 ip4:192.0.2.1 " ; first\n  "include:_spf.google.com-all" )', '( "v=spf1 ip4:192.0.2.1 " ; first\n  "include:_spf.google.com -all" )', /an include of/],
    ] as const) {
      const { text, findings } = lint(`@ IN TXT ${written}`);
      const spf = findings.filter((f) => f.rule.startsWith('spf/'));
      assert.deepEqual(spf.map((f) => f.rule), ['spf/glued-all'], written);
      assert.match(spf[0].message, says);
      assert.equal(covered(text, spf[0]), /"(?:v=spf1 [^ "]* )?([^"]*)"(?: \)|$)/.exec(written)![1].replace('v=spf1 ', ''), written);
      const fixed = applyFix(text, spf[0].fixes![0]);
      assert.ok(fixed.includes(meant), fixed);
      assert.deepEqual(lint(fixed, {}, undefined, 'test.zone').findings.filter((f) => f.rule.startsWith('spf/') && !['spf/plus-all', 'spf/neutral-all', 'spf/redirect-with-all'].includes(f.rule)), [], fixed);
    }
  });

  it('not for an `all` written apart, a record with another `all`, a term after it, a string joint, or a name that only ends in -all', () => {
    for (const written of [
      '"v=spf1 include:_spf.google.com -all"',
      '"v=spf1 include:_spf.google.com-all -all"',
      '"v=spf1 include:_spf.google.com-all mx"',
      '"v=spf1 include:spf-all.example.com ~all"',
      '"v=spf1 include:" "-all"',
    ])
      assert.deepEqual(lint(`@ IN TXT ${written}`).findings.filter((f) => f.rule === 'spf/glued-all'), [], written);
    // Where the strings meet, spf/glued-strings reports it.
    assert.deepEqual(lint('@ IN TXT "v=spf1 mx" "-all"').findings.filter((f) => f.rule.startsWith('spf/')).map((f) => f.rule), ['spf/glued-strings']);
  });

  it('in a Terraform record, and `check --fix` applies the fix', () => {
    const tf = 'resource "aws_route53_record" "spf" {\n  zone_id = "Z1"\n  name    = "example.com"\n  type    = "TXT"\n  ttl     = 300\n  records = ["v=spf1 include:_spf.google.com\\"\\" include:sendgrid.net-all"]\n}\n';
    const { text, findings } = lint(tf, {}, undefined, 'main.tf');
    const f = findings.find((x) => x.rule === 'spf/glued-all')!;
    assert.ok(f, JSON.stringify(findings.map((x) => x.rule)));
    assert.equal(covered(text, f), 'include:sendgrid.net-all');
    assert.ok(applyFix(text, f.fixes![0]).includes('include:sendgrid.net -all"]'));
    assert.ok(AUTOFIX.has('spf/glued-all'));
  });
});

describe('dkim/ed25519-only', () => {
  const ED = 'zn4MIEmBUJ8wG7mx1YQ+ODnW0mAzP+WDWfd1Xy0q3po=';
  const RSA = 'MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDEzT7aq52MEiYBT9CIbqhufSHw585PO6fr9En7VzxnnUeqUaMDqly9/jcMx6T3WFFjraYMo4Ipzdu+5qX1AF6VJGrn8UrC0vycXHJgMuCelUde0pn5OoPk9WXukCG9V2wK3jJox2pX2rvNthdv/3dTqySy6b+YakkG8cOTpx2ZaQIDAQAB';
  const rule = (text: string, opts = {}) => lint(text, opts).findings.filter((f) => f.rule === 'dkim/ed25519-only');
  it('once per domain, at its first Ed25519 key, naming every Ed25519 selector; a subdomain is a domain of its own', () => {
    const { text, findings } = lint(`a._domainkey IN TXT "v=DKIM1; k=ed25519; p=${ED}"\nb._domainkey IN TXT "v=DKIM1; k=ed25519; p=${ED}"\nold._domainkey IN TXT "v=DKIM1; k=rsa; p="\nc._domainkey.mail IN TXT "v=DKIM1; k=ed25519; p=${ED}"`);
    const got = findings.filter((f) => f.rule === 'dkim/ed25519-only');
    assert.deepEqual(got.map((f) => covered(text, f)), ['a._domainkey', 'c._domainkey.mail']);
    assert.match(got[0].message, /^example\.com publishes DKIM keys of type Ed25519 only \(`a\._domainkey\.example\.com`, `b\._domainkey\.example\.com`\) and no RSA key/);
    assert.match(got[1].message, /^mail\.example\.com publishes/);
  });
  it('not when an RSA key is published beside it, here or in another file, or a selector could hold one (a CNAME)', () => {
    assert.deepEqual(rule(`a._domainkey IN TXT "v=DKIM1; k=ed25519; p=${ED}"\nr._domainkey IN TXT "v=DKIM1; k=rsa; p=${RSA}"`), []);
    assert.deepEqual(rule(`a._domainkey IN TXT "v=DKIM1; k=ed25519; p=${ED}"\ns1._domainkey IN CNAME s1.domainkey.u1.wl.sendgrid.net.`), []);
    const other = readZone(`$ORIGIN example.com.\nr._domainkey IN TXT "v=DKIM1; p=${RSA}"\n`, 'other.zone');
    const workspace = new WorkspaceIndex();
    workspace.set('other.zone', other.zone.records, other.sites);
    assert.deepEqual(rule(`a._domainkey IN TXT "v=DKIM1; k=ed25519; p=${ED}"`, { workspace }), []);
    // A revoked RSA key, or an RSA key for another domain, is no RSA key of this one.
    assert.equal(rule(`a._domainkey IN TXT "v=DKIM1; k=ed25519; p=${ED}"\nr._domainkey IN TXT "v=DKIM1; k=rsa; p="\nr._domainkey.other IN TXT "v=DKIM1; p=${RSA}"`).length, 1);
  });
});

describe('SPF addresses written another way than CIDR', () => {
  it('a range, a wildcard, a netmask: said as such, with the fix that writes the same networks in CIDR', () => {
    for (const [written, meant, says] of [
      ['ip4:192.0.2.0-192.0.2.255', 'ip4:192.0.2.0/24', /is a range of addresses, and SPF takes an address or a CIDR network; the range is the network `192\.0\.2\.0\/24`/],
      ['~ip4:192.0.2.1-192.0.2.6', '~ip4:192.0.2.1/32 ~ip4:192.0.2.2/31 ~ip4:192.0.2.4/31 ~ip4:192.0.2.6/32', /the range is 4 networks: `192\.0\.2\.1\/32`, `192\.0\.2\.2\/31`, `192\.0\.2\.4\/31`, `192\.0\.2\.6\/32`/],
      ['ip4:192.0.2.*', 'ip4:192.0.2.0/24', /`192\.0\.2\.\*` is a wildcard, and SPF takes a CIDR network: `192\.0\.2\.0\/24`/],
      ['ip4:10.*.*.*', 'ip4:10.0.0.0/8', /wildcard/],
      ['ip4:192.0.2.5/255.255.255.0', 'ip4:192.0.2.5/24', /`\/255\.255\.255\.0` is a netmask, and SPF takes a prefix length: `192\.0\.2\.5\/24`/],
      ['a:192.0.2.0/24', 'ip4:192.0.2.0/24', /`192\.0\.2\.0` is an address, and `a` takes a domain name \(RFC 7208 §7\.1\); for the address itself write `ip4:192\.0\.2\.0\/24`/],
      ['-mx:2001:db8::1', '-ip6:2001:db8::1', /`mx` takes a domain name/],
      ['include:192.0.2.1', 'ip4:192.0.2.1', /`include` takes a domain name/],
    ] as const) {
      const { text, findings } = lint(`@ IN TXT "v=spf1 ${written} -all"`);
      const errors = findings.filter((f) => f.severity === 'error');
      assert.equal(errors.length, 1, `${written}: ${errors.map((f) => f.message)}`);
      assert.match(errors[0].message, says);
      const fixed = applyFix(text, errors[0].fixes![0]);
      assert.ok(fixed.includes(`"v=spf1 ${meant} -all"`), fixed);
      assert.deepEqual(lint(fixed, {}, undefined, 'test.zone').findings.filter((f) => f.severity === 'error'), [], fixed);
    }
    // A host name where an address belongs: `a:` looks its addresses up (one lookup more, the fix says).
    for (const [written, meant] of [['ip4:mail.example.net', 'a:mail.example.net'], ['~ip6:mail6.example.net', '~a:mail6.example.net']]) {
      const { text, findings } = lint(`@ IN TXT "v=spf1 ${written} -all"`);
      const f = findings.find((x) => x.rule === 'spf/invalid-ip')!;
      assert.match(f.message, /is a host name, and `ip[46]:` takes an address; for the addresses of a host write `a:mail6?\.example\.net` \(§5\.3\)/);
      assert.equal(f.fixes![0].title, `Write \`${meant}\` (one DNS lookup more)`);
      assert.ok(applyFix(text, f.fixes![0]).includes(`"v=spf1 ${meant} -all"`));
    }
    assert.match(lint('@ IN TXT "v=spf1 ip4:192.0.2 -all"').findings.find((f) => f.rule === 'spf/invalid-ip')!.message, /`192\.0\.2` has 3 of the 4 parts of an IPv4 address; for the network it starts, write `192\.0\.2\.0\/24`/);
    // No fix where what was meant is a guess (three parts), or a range too long to write out.
    for (const written of ['ip4:192.0.2', 'ip4:192.0.2.1-192.0.9.250', 'ip4:192.0.2.9-192.0.2.1', 'ip4:192.0.2.0/255.0.255.0'])
      assert.deepEqual(lint(`@ IN TXT "v=spf1 ${written} -all"`).findings.filter((f) => f.rule === 'spf/invalid-ip').map((f) => f.fixes?.length ?? 0), [0], written);
  });

  it('the networks of a range cover it exactly (random ranges)', () => {
    let seed = 11;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const num = (a: string) => a.split('.').reduce((n, x) => n * 256 + Number(x), 0);
    for (let i = 0; i < 3000; i++) {
      const first = Math.floor(random() * 2 ** 32);
      const last = Math.min(2 ** 32 - 1, first + Math.floor(random() * (i % 2 ? 70000 : 300)));
      let at = first;
      for (const b of rangeBlocks(first, last)) {
        const [ip, len] = b.split('/');
        const size = 2 ** (32 - Number(len));
        assert.equal(num(ip), at, `${first}..${last}: ${b} does not start where the one before ends`);
        assert.equal(num(ip) % size, 0, `${b} is not a network`);
        at += size;
      }
      assert.equal(at, last + 1);
    }
  });
});

describe('DMARC and DKIM tags where two strings join with no `;`', () => {
  it('a missing-separator error at the joint, not also an invalid value or a missing key; the fix puts `;` at the start of the next string', () => {
    const key = 'MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDEzT7aq52MEiYBT9CIbqhufSHw585PO6fr9En7VzxnnUeqUaMDqly9/jcMx6T3WFFjraYMo4Ipzdu+5qX1AF6VJGrn8UrC0vycXHJgMuCelUde0pn5OoPk9WXukCG9V2wK3jJox2pX2rvNthdv/3dTqySy6b+YakkG8cOTpx2ZaQIDAQAB';
    for (const [written, meant, rule] of [
      ['_dmarc IN TXT "v=DMARC1; p=reject" "rua=mailto:d@example.com"', '_dmarc IN TXT "v=DMARC1; p=reject" ";rua=mailto:d@example.com"', 'dmarc/missing-separator'],
      [`s._domainkey IN TXT "v=DKIM1; k=rsa" "p=${key}"`, `s._domainkey IN TXT "v=DKIM1; k=rsa" ";p=${key}"`, 'dkim/missing-separator'],
    ]) {
      const { text, findings } = lint(written);
      const errors = findings.filter((f) => f.severity === 'error');
      assert.deepEqual(errors.map((f) => f.rule), [rule], written);
      assert.match(errors[0].message, /where two strings of the record join with no `;` between them/);
      const fixed = applyFix(text, errors[0].fixes![0]);
      assert.ok(fixed.includes(meant), fixed);
      assert.deepEqual(lint(fixed, {}, undefined, 'test.zone').findings.filter((f) => f.severity === 'error'), []);
    }
    // A `,` before the joint is dmarc/comma-separator's alone.
    assert.deepEqual(lint('_dmarc IN TXT "v=DMARC1; p=none," "rua=mailto:d@example.com"').findings.filter((f) => f.severity === 'error').map((f) => f.rule), ['dmarc/comma-separator']);
    // The `rua` is written, only run into `p`: no "no rua" warning beside the error, nor with a space for the `;`.
    for (const written of ['"v=DMARC1; p=reject" "rua=mailto:d@example.com"', '"v=DMARC1; p=reject rua=mailto:d@example.com"'])
      assert.deepEqual(lint(`_dmarc IN TXT ${written}`).findings.filter((f) => f.rule === 'dmarc/no-rua'), [], written);
    // A key split across strings, and a tag after a `;` that ends a string, join as meant.
    assert.deepEqual(lint(`s._domainkey IN TXT "v=DKIM1; k=rsa; p=${key.slice(0, 100)}" "${key.slice(100)}"`).findings.filter((f) => f.severity === 'error'), []);
    assert.deepEqual(lint('_dmarc IN TXT "v=DMARC1; p=reject;" "rua=mailto:d@example.com"').findings.filter((f) => f.severity === 'error'), []);
  });
});

describe('DKIM tags run together without `;`', () => {
  it('one error at each missing `;`, not also the value it spoils or a missing key; the fixes leave a record with neither', () => {
    const key = 'MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDEzT7aq52MEiYBT9CIbqhufSHw585PO6fr9En7VzxnnUeqUaMDqly9/jcMx6T3WFFjraYMo4Ipzdu+5qX1AF6VJGrn8UrC0vycXHJgMuCelUde0pn5OoPk9WXukCG9V2wK3jJox2pX2rvNthdv/3dTqySy6b+YakkG8cOTpx2ZaQIDAQAB';
    const { text, findings } = lint(`s._domainkey IN TXT "v=DKIM1 k=rsa; h=sha256 s=email; k2=x p=" "${key}"`);
    const errors = findings.filter((f) => f.severity === 'error');
    assert.deepEqual(errors.map((f) => [f.rule, covered(text, f)]), [
      ['dkim/missing-separator', ' k='],
      ['dkim/missing-separator', ' s='],
      ['dkim/missing-separator', ' p='],
    ]);
    assert.match(errors[0].message, /`k=` runs into the `v` tag; separate tags with `;` \(RFC 6376 §3\.2\)/);
    // After an unknown tag too (`k2=x p=…`): what runs in is a DKIM tag.
    let fixed = text;
    for (const f of [...errors].reverse()) fixed = applyFix(fixed, f.fixes![0]);
    assert.ok(fixed.includes('"v=DKIM1; k=rsa; h=sha256; s=email; k2=x; p=" "'), fixed);
    assert.deepEqual(lint(fixed, {}, undefined, 'test.zone').findings.filter((f) => f.severity === 'error'), []);
  });
});

describe('DMARC report URIs separated by a space or `;`, or in angle brackets', () => {
  it('one finding each, with the fix that makes the list what was meant', () => {
    for (const [written, meant, rule] of [
      ['rua=mailto:a@example.com mailto:b@example.com', 'rua=mailto:a@example.com,mailto:b@example.com', 'dmarc/invalid-uri'],
      ['rua=mailto:a@example.com;mailto:b@example.com', 'rua=mailto:a@example.com,mailto:b@example.com', 'dmarc/syntax-error'],
      ['ruf=mailto:a@example.com; mailto:b@example.com', 'ruf=mailto:a@example.com, mailto:b@example.com', 'dmarc/syntax-error'],
      ['rua=mailto:<a@example.com>', 'rua=mailto:a@example.com', 'dmarc/invalid-uri'],
      ['rua=<mailto:a@example.com>', 'rua=mailto:a@example.com', 'dmarc/invalid-uri'],
      ['rua=mailto: a@example.com', 'rua=mailto:a@example.com', 'dmarc/invalid-uri'],
      ['rua=mailto:a@example.com,mailto: b@example.com ', 'rua=mailto:a@example.com,mailto:b@example.com ', 'dmarc/invalid-uri'],
      ['rua=mailto:a@example.com,<mailto:b@example.com>', 'rua=mailto:a@example.com,mailto:b@example.com', 'dmarc/invalid-uri'],
    ]) {
      const { text, findings } = lint(`_dmarc IN TXT "v=DMARC1; p=none; ${written}"`);
      const errors = findings.filter((f) => f.severity === 'error');
      assert.deepEqual(errors.map((f) => f.rule), [rule], written);
      assert.doesNotMatch(errors[0].message, /is not a valid e-mail address|is not a `tag=value` pair/);
      const fixed = applyFix(text, errors[0].fixes![0]);
      assert.ok(fixed.includes(`"v=DMARC1; p=none; ${meant}"`), fixed);
      assert.deepEqual(lint(fixed, {}, undefined, 'test.zone').findings.filter((f) => f.severity === 'error'), [], meant);
      // Each is a fix `check --fix` applies: the list written as it reads.
      assert.ok(AUTOFIX.has(rule));
    }
    // Another scheme in brackets is not a mailto: URI, and gets no fix.
    const https = lint('_dmarc IN TXT "v=DMARC1; p=none; rua=<https://example.com/r>"').findings.find((f) => f.rule === 'dmarc/invalid-uri')!;
    assert.match(https.message, /is not a `mailto:` URI/);
    assert.equal(https.fixes?.length ?? 0, 0);
  });
});

describe('SPF terms cut by a space, or written with the other delimiter', () => {
  const spf = (value: string) => lint(`@ IN TXT "${value}"`);
  const rules = (value: string) => spf(value).findings.filter((f) => f.rule.startsWith('spf/')).map((f) => f.rule);
  it('one spf/split-term finding for each, nothing else about the pieces, and the fix that joins them', () => {
    for (const [written, meant] of [
      ['v=spf1 ip4: 192.0.2.1 -all', 'v=spf1 ip4:192.0.2.1 -all'],
      ['v=spf1 include:  _spf.example.net -all', 'v=spf1 include:_spf.example.net -all'],
      ['v=spf1 mx ~ all', 'v=spf1 mx ~all'],
      ['v=spf1 a: mail.example.com/24 -all', 'v=spf1 a:mail.example.com/24 -all'],
      ['v=spf1 mx redirect= _spf.example.net', 'v=spf1 mx redirect=_spf.example.net'],
      ['v=spf1 ip6: 2001:db8::/32 - all', 'v=spf1 ip6:2001:db8::/32 -all'],
    ]) {
      const { text, findings } = spf(written);
      const f = findings.filter((x) => x.rule.startsWith('spf/'));
      assert.ok(f.length >= 1 && f.every((x) => x.rule === 'spf/split-term'), `${written}: ${f.map((x) => x.rule)}`);
      let fixed = text;
      for (const x of [...f].reverse()) fixed = applyFix(fixed, x.fixes![0]);
      assert.ok(fixed.includes(`"${meant}"`), fixed);
      assert.deepEqual(lint(fixed, {}, undefined, 'test.zone').findings.filter((x) => x.rule.startsWith('spf/')), [], meant);
      assert.ok(AUTOFIX.has('spf/split-term'));
    }
    assert.match(spf('v=spf1 mx ~ all').findings.find((x) => x.rule === 'spf/split-term')!.message, /A space cuts `~all` in two: receivers read `~` alone, which is not a valid term, and `all` as `\+all`/);
    // Two pieces that are not one valid term together stay the parser's to report.
    assert.deepEqual(rules('v=spf1 include: -all'), ['spf/invalid-domain-spec']);
    assert.deepEqual(rules('v=spf1 mx ~ -all').includes('spf/split-term'), false);
  });
  it('spf/wrong-delimiter: `include=` is an unknown modifier receivers ignore, `redirect:` an unknown mechanism; the fix writes the delimiter the name takes', () => {
    const { text, findings } = spf('v=spf1 include=_spf.example.net ip4=192.0.2.1 redirect:_spf.example.org');
    const f = findings.filter((x) => x.rule.startsWith('spf/'));
    assert.deepEqual(f.map((x) => [x.rule, covered(text, x)]), [
      ['spf/wrong-delimiter', 'include=_spf.example.net'],
      ['spf/wrong-delimiter', 'ip4=192.0.2.1'],
      ['spf/wrong-delimiter', 'redirect:_spf.example.org'],
    ]);
    assert.match(f[0].message, /receivers read `include=_spf\.example\.net` as an unknown modifier and ignore it \(RFC 7208 §6\), so nothing is included/);
    assert.match(f[2].message, /an unknown mechanism, and the record fails with a permerror/);
    let fixed = text;
    for (const x of [...f].reverse()) fixed = applyFix(fixed, x.fixes![0]);
    assert.ok(fixed.includes('"v=spf1 include:_spf.example.net ip4:192.0.2.1 redirect=_spf.example.org"'), fixed);
    assert.deepEqual(lint(fixed, {}, undefined, 'test.zone').findings.filter((x) => x.rule.startsWith('spf/')), []);
    // Where the term would still not be valid, the finding has no fix; other modifiers are spf/unknown-modifier's.
    const bad = spf('v=spf1 include=foo..example -all').findings.find((x) => x.rule === 'spf/wrong-delimiter')!;
    assert.equal(bad.fixes?.length ?? 0, 0);
    assert.deepEqual(rules('v=spf1 includes=_spf.example.net -all'), ['spf/unknown-modifier']);
  });
  it('writes the fixes in Terraform and octoDNS syntax', () => {
    const tf = 'resource "aws_route53_record" "spf" {\n  zone_id = "Z1"\n  name    = "example.com"\n  type    = "TXT"\n  ttl     = 300\n  records = ["v=spf1 include=_spf.example.net ~ all"]\n}\n';
    let fixed = tf;
    const f = lint(tf, {}, undefined, 'main.tf').findings.filter((x) => x.rule.startsWith('spf/'));
    assert.deepEqual(f.map((x) => x.rule).sort(), ['spf/split-term', 'spf/wrong-delimiter']);
    for (const x of [...f].sort((a, b) => b.range.start - a.range.start)) fixed = applyFix(fixed, x.fixes![0]);
    assert.equal(fixed, tf.replace('include=_spf.example.net ~ all', 'include:_spf.example.net ~all'));
    // Unquoted, `ip4: 192.0.2.1` makes a YAML mapping of the value: that is said first, and its fix quotes the value.
    const plain = "'':\n  type: TXT\n  value: v=spf1 ip4: 192.0.2.1 -all # mail\n";
    const y = lint(plain, {}, undefined, 'example.com.yaml').findings;
    assert.deepEqual(y.map((x) => x.rule), ['source/syntax-error']);
    assert.match(y[0].message, /YAML reads this value as a mapping \(`v=spf1 ip4` → `192\.0\.2\.1 -all`\), not as text/);
    const octo = applyFix(plain, y[0].fixes![0]);
    assert.equal(octo, plain.replace("v=spf1 ip4: 192.0.2.1 -all", "'v=spf1 ip4: 192.0.2.1 -all'"));
    const [o] = lint(octo, {}, undefined, 'example.com.yaml').findings.filter((x) => x.rule.startsWith('spf/'));
    assert.equal(applyFix(octo, o.fixes![0]), octo.replace('ip4: 192', 'ip4:192'));
  });
});

describe('YAML that does not parse (source/syntax-error)', () => {
  const check = (text: string, file = 'example.com.yaml') => lint(text, {}, undefined, file);
  it('says where a quoted string opens that is never closed, and checks nothing it swallows', () => {
    const text = `'':\n  type: TXT\n  value: "v=spf1 -all\n_dmarc:\n  type: TXT\n  value: v=DMARC1\\; p=none\n`;
    const { findings } = check(text);
    assert.deepEqual(findings.map((f) => [f.rule, f.range.start]), [['source/syntax-error', text.indexOf('"')]]);
    assert.match(findings[0].message, /This quoted string is never closed: YAML reads the rest of the file \(4 lines\) as its text/);
  });
  it("names octoDNS's `\\;` inside double quotes, with the fix that writes `\\\\;`; other errors in the parser's words", () => {
    const text = '_dmarc:\n  type: TXT\n  value: "v=DMARC1\\; p=none\\; rua=mailto:d@example.com"\n';
    const f = check(text).findings.filter((x) => x.rule === 'source/syntax-error');
    assert.equal(f.length, 2);
    assert.equal(covered(text, f[0]), '\\;');
    let fixed = text;
    for (const x of [...f].reverse()) fixed = applyFix(fixed, x.fixes![0]);
    assert.equal(fixed, text.replaceAll('\\;', '\\\\;'));
    const again = check(fixed);
    assert.deepEqual(again.findings.filter((x) => x.severity === 'error'), []);
    assert.equal(again.sites[0].site.value, 'v=DMARC1; p=none; rua=mailto:d@example.com');
    // A flow sequence left open: the parser's message, at its place; the records after it still read.
    const open = check("'':\n  type: TXT\n  values: [v=spf1 -all\nwww:\n  type: CNAME\n  value: example.com.\n").findings.filter((x) => x.rule === 'source/syntax-error');
    assert.ok(open.length >= 1 && open.every((x) => /The YAML does not parse here: /.test(x.message)), open.map((x) => x.message).join('\n'));
  });
});

describe('DKIM keys cut short, or with the quotes of split strings pasted in', () => {
  const KEY = 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAt+Qc1RAi70uuyZBL95IbUzAuEugC67SVq/QNiLPdoJC55TbbMPyKSeCt05HayMilLjXifusAea6MYR2J4Nt67u3Fb2Bnq62yzIdxl/UwAm2tkKd1OaH+AsISGGN5jWgeCfBfU+xFHYgchILHIXIJxFhG7d451e/vopXqU9H+LcESF3IZUKCC/BJXmilJncCJ5bamz5bt5v5eE+Et40HwDYumSwXXUD86w5lKgyiT32F+IvBS1Sh5wgQASR8431bUH5fX5jh+YmV+Et4Z3N5X2ccXa/6ouDrrRF4AiYbfGTA9e4UWIhKnKb9K7ZDiT6a96o7fk01FLa2RDKO3x2vJEwIDAQAB';
  const invalid = (text: string, file?: string) => lint(text, {}, undefined, file).findings.filter((f) => f.rule === 'dkim/invalid-key');
  it('says how long the key should be and its size when only its start was pasted (SubjectPublicKeyInfo and PKCS#1)', () => {
    const [f] = invalid(`s._domainkey IN TXT "v=DKIM1; p=${KEY.slice(0, 200)}"`);
    assert.match(f.message, /the key is cut short: its DER says 294 bytes \(an RSA key of 2048 bits\) and 150 are here \(200 of the 392 base64 characters it takes\)/);
    assert.equal(f.fixes?.length ?? 0, 0);
    const pkcs1 = Buffer.from(KEY, 'base64').subarray(24).toString('base64');
    assert.match(invalid(`s._domainkey IN TXT "v=DKIM1; p=${pkcs1.slice(0, 100)}"`)[0].message, /its DER says 270 bytes \(an RSA key of 2048 bits\) and 75 are here/);
    // Cut before the modulus: the size is not said.
    assert.match(invalid(`s._domainkey IN TXT "v=DKIM1; p=${KEY.slice(0, 32)}"`)[0].message, /its DER says 294 bytes and 24 are here/);
  });
  it('removes quotes pasted into the key (octoDNS publishes them escaped), and only when the key reads without them', () => {
    const octo = `s._domainkey:\n  type: TXT\n  value: v=DKIM1\\; k=rsa\\; p=${KEY.slice(0, 150)}""${KEY.slice(150, 300)}" "${KEY.slice(300)}\n`;
    const [f] = invalid(octo, 'example.com.yaml');
    assert.match(f.message, /it holds `""`, the quotes of a zone file's split strings copied into the value: they are published as part of the key, which is a usable 2048-bit RSA key without them/);
    const fixed = applyFix(octo, f.fixes![0]);
    assert.equal(fixed, octo.replace('""', '').replace('" "', ''));
    assert.deepEqual(lint(fixed, {}, undefined, 'example.com.yaml').findings.filter((x) => x.rule.startsWith('dkim/')), []);
    // A quote in a key that is not a key without it either: the character is named, with no fix.
    const [other] = invalid(`s._domainkey:\n  type: TXT\n  value: v=DKIM1\\; p=${KEY.slice(0, 150)}""${KEY.slice(160)}\n`, 'example.com.yaml');
    assert.match(other.message, /character `"` is not base64/);
    assert.equal(other.fixes?.length ?? 0, 0);
  });
  it('removes the PEM armour lines pasted with the key, and their spaces are not said again as white space in the key', () => {
    const text = `$ORIGIN example.com.\ns._domainkey IN TXT "v=DKIM1; k=rsa; p=-----BEGIN PUBLIC KEY-----${KEY.slice(0, 180)}" "${KEY.slice(180)}-----END PUBLIC KEY-----"\n`;
    const f = lint(text, {}, undefined, 'test.zone').findings.filter((x) => x.rule.startsWith('dkim/'));
    assert.deepEqual(f.map((x) => x.rule), ['dkim/invalid-key']);
    assert.match(f[0].message, /it holds the PEM armour `-----BEGIN PUBLIC KEY-----` of the key file: DKIM publishes only the base64 between those lines, a usable 2048-bit RSA key without them/);
    const fixed = applyFix(text, f[0].fixes![0]);
    assert.equal(fixed, text.replace('-----BEGIN PUBLIC KEY-----', '').replace('-----END PUBLIC KEY-----', ''));
    assert.deepEqual(lint(fixed, {}, undefined, 'test.zone').findings.filter((x) => x.rule.startsWith('dkim/')), []);
  });
});

describe('DMARC report destinations listed twice', () => {
  const dup = (value: string) => lint(`_dmarc IN TXT ${value}`).findings.filter((f) => f.rule === 'dmarc/duplicate-uri');
  it('flags each repeat in rua and ruf, across the strings of a split record, and removes only the repeat with its comma', () => {
    const { text, findings } = lint('_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:d@example.com, mailto:r@vendor.example," " mailto:d@EXAMPLE.com!10m; ruf=mailto:f@example.com,mailto:f@example.com"');
    const f = findings.filter((x) => x.rule === 'dmarc/duplicate-uri');
    assert.equal(f.length, 2);
    assert.equal(covered(text, f[0]), 'mailto:d@EXAMPLE.com!10m');
    assert.match(f[0].message, /repeats the first `rua` destination \(`mailto:d@example\.com`\)/);
    assert.equal(covered(text, f[1]), 'mailto:f@example.com');
    let fixed = text;
    for (const x of [...f].reverse()) fixed = applyFix(fixed, x.fixes![0]);
    // The repeat and the comma before it span the two strings: their quotes between go with them.
    assert.ok(fixed.includes('"v=DMARC1; p=none; rua=mailto:d@example.com, mailto:r@vendor.example; ruf=mailto:f@example.com"'), fixed);
    assert.deepEqual(lint(fixed, {}, undefined, 'test.zone').findings.filter((x) => x.rule === 'dmarc/duplicate-uri' || x.severity === 'error'), []);
    // Three copies: two findings, each naming the first.
    assert.deepEqual(dup('"v=DMARC1; p=none; rua=mailto:a@example.com,mailto:a@example.com,mailto:a@example.com"').map((x) => /the first/.test(x.message)), [true, true]);
  });
  it('leaves alone local parts that differ in case (RFC 5321 lets a mailbox tell them apart), other addresses, and one address in rua and ruf', () => {
    assert.deepEqual(dup('"v=DMARC1; p=none; rua=mailto:DMARC@example.com,mailto:dmarc@example.com"'), []);
    assert.deepEqual(dup('"v=DMARC1; p=none; rua=mailto:a@example.com,mailto:a@example.net; ruf=mailto:a@example.com"'), []);
  });
});

describe('SPF includes a typo away from a sending platform\'s', () => {
  const typos = (value: string) => lint(`@ IN TXT "${value}"`).findings.filter((f) => f.rule === 'spf/include-typo').map((f) => f.message.match(/Did you mean `([^`]+)`/)?.[1]);
  it('suggests the platform include for a typo of its registrable name and for names guides misprint, offline', () => {
    assert.deepEqual(typos('v=spf1 include:_spf.gooogle.com include:sendgird.net include:spf.protection.outlok.com redirect=_spf.goolge.com'), ['_spf.google.com', 'sendgrid.net', 'spf.protection.outlook.com', '_spf.google.com']);
    assert.deepEqual(typos('v=spf1 include:_spf.mandrillapp.com include:custo-spf.exacttarget.com -all'), ['spf.mandrillapp.com', 'cust-spf.exacttarget.com']);
  });
  it('leaves alone platform includes, other names of their domains, other suffixes, numbered families and short names', () => {
    assert.deepEqual(typos('v=spf1 include:_spf.google.com include:eu.mailgun.org include:_spf.mailgun.org include:mailgun.net include:spf.zoho.in include:emsd2.com include:25122959.spf07.hubspotemail.net include:yoho.com include:%{d}.gooogle.com -all'), []);
    assert.deepEqual(typos('v=spf1 include:_spf.intercom.io include:spf.mailjet.com include:_spf.createsend.com include:spf.messagingengine.com -all'), []);
  });
  it('leaves alone a name of the record\'s own domain', () => {
    const own = lint('$ORIGIN goggle.com.\n@ IN TXT "v=spf1 include:_spf.goggle.com -all"\n_spf IN TXT "v=spf1 ip4:192.0.2.0/24 -all"', {}, undefined, 'goggle.com.zone');
    assert.ok(!own.findings.some((f) => f.rule === 'spf/include-typo'), own.findings.map((f) => f.rule).join());
  });
  it('fixes the name in place', () => {
    const { text, findings } = lint('@ IN TXT "v=spf1 include:sendgird.net -all"');
    const f = findings.find((x) => x.rule === 'spf/include-typo')!;
    assert.equal(applyFix(text, f.fixes![0]), text.replace('sendgird.net', 'sendgrid.net'));
  });
});

describe('DMARC test mode and failure-report options', () => {
  const dmarc = (value: string) => lint(`_dmarc IN TXT "${value}"`).findings;
  it('says what t=y makes receivers do under each policy', () => {
    const say = (value: string) => dmarc(value).find((f) => f.rule === 'dmarc/testing-mode')?.message;
    assert.match(say('v=DMARC1; p=reject; t=y; rua=mailto:d@example.com')!, /not to apply `p=reject` in full .* at most the next lesser policy, `quarantine`\./);
    assert.match(say('v=DMARC1; p=quarantine; t=Y; rua=mailto:d@example.com')!, /not to apply `p=quarantine` in full .* at most the next lesser policy, no action\./);
    assert.match(say('v=DMARC1; p=none; t=y; rua=mailto:d@example.com')!, /changes nothing under `p=none`/);
    assert.equal(say('v=DMARC1; p=reject; t=n; rua=mailto:d@example.com'), undefined);
  });
  it('finds fo only where no failure report is asked for, and removes just it', () => {
    const { text, findings } = lint('_dmarc IN TXT "v=DMARC1; p=reject; fo=1:d; rua=mailto:d@example.com"');
    const f = findings.find((x) => x.rule === 'dmarc/fo-without-ruf')!;
    assert.equal(f.severity, 'hint');
    assert.equal(applyFix(text, f.fixes![0]), text.replace('fo=1:d; ', ''));
    assert.ok(!dmarc('v=DMARC1; p=reject; fo=1; rua=mailto:d@example.com; ruf=mailto:f@example.com').some((x) => x.rule === 'dmarc/fo-without-ruf'));
  });
});

describe('DKIM tag names and key types in another case', () => {
  // dkimpy 1.1.4 (evaluate_pk) and Mail::DKIM 1.20230212 (PublicKey->check) find no key behind `P=` and
  // refuse `k=RSA` as an unsupported key type; both accept `h=SHA256`, so that is left alone.
  it('says P= is no key, K=ed25519 is taken as RSA, other names are ignored, k=RSA is refused, and fixes each to lower case', () => {
    const key = 'zn4MIEmBUJ8wG7mx1YQ+ODnW0mAzP+WDWfd1Xy0q3po=';
    const { text, findings } = lint(`sel._domainkey IN TXT "V=DKIM1; K=ed25519; H=sha256; P=${key}"\ns2._domainkey IN TXT "v=DKIM1; k=RSA; h=SHA256; p=${key}"`);
    const found = findings.filter((f) => f.rule === 'dkim/tag-case');
    assert.deepEqual(found.map((f) => [f.severity, text.slice(f.range.start, f.range.end)]), [['warning', 'V'], ['error', 'K'], ['warning', 'H'], ['error', 'P'], ['error', 'RSA']]);
    assert.match(found[1].message, /the Ed25519 key is taken as an RSA key and every signature with this selector fails/);
    assert.match(found[3].message, /verifiers do not read `P=` as `p=`, so the record has no key/);
    assert.match(found[4].message, /refuse `k=RSA` as an unsupported key type/);
    let fixed = text;
    for (const f of [...found].reverse()) fixed = applyFix(fixed, f.fixes![0]);
    assert.ok(fixed.includes(`"v=DKIM1; k=ed25519; h=sha256; p=${key}"`) && fixed.includes(`"v=DKIM1; k=rsa; h=SHA256; p=${key}"`), fixed);
    assert.deepEqual(lint(fixed.split('\n').slice(2).join('\n')).findings.filter((f) => f.rule === 'dkim/tag-case'), []);
  });
});

describe('DKIM keys in the encodings verifiers refuse', () => {
  it('re-encodes a PKCS#1 RSA key split over two strings as a SubjectPublicKeyInfo, string by string, each within 255 bytes', async () => {
    const { createPublicKey, generateKeyPairSync } = await import('node:crypto');
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pkcs1 = publicKey.export({ type: 'pkcs1', format: 'der' }).toString('base64');
    const { text, findings } = lint(`sel._domainkey IN TXT ( "v=DKIM1; k=rsa; p=${pkcs1.slice(0, 200)}"\n  "${pkcs1.slice(200)}" ) ; key of 2026`);
    const f = findings.find((x) => x.rule === 'dkim/key-encoding')!;
    assert.equal(f.severity, 'warning');
    assert.match(f.message, /bare PKCS#1 RSAPublicKey: dkimpy reads it, but Mail::DKIM \(SpamAssassin, Amavis\) and OpenDKIM expect the SubjectPublicKeyInfo/);
    const fixed = applyFix(text, f.fixes![0]);
    const strings = [...fixed.matchAll(/"([^"]*)"/g)].map((m) => m[1]);
    assert.equal(strings.length, 2);
    assert.ok(strings.every((s) => s.length <= 255));
    assert.ok(fixed.includes('"\n  "') && fixed.endsWith(') ; key of 2026\n'), fixed);
    const spki = strings.join('').slice('v=DKIM1; k=rsa; p='.length);
    assert.ok(createPublicKey({ key: Buffer.from(spki, 'base64'), format: 'der', type: 'spki' }).export({ type: 'spki', format: 'der' }).equals(publicKey.export({ type: 'spki', format: 'der' })));
    const again = lint(fixed.split('\n').slice(2).join('\n')).findings;
    assert.deepEqual(again.filter((x) => x.severity === 'error' || x.rule === 'dkim/key-encoding').map((x) => x.rule), []);
  });

  it('says what padding a key lacks or has too much of, as verifiers refuse both', () => {
    const msg = (p: string) => lint(`sel._domainkey IN TXT "v=DKIM1; k=ed25519; p=${p}"`).findings.find((x) => x.rule === 'dkim/invalid-key')?.message;
    assert.match(msg('zn4MIEmBUJ8wG7mx1YQ+ODnW0mAzP+WDWfd1Xy0q3po')!, /lacks its padding: 43 characters need `=` after them \(RFC 4648 §4\); dkimpy and Mail::DKIM refuse it/);
    assert.match(msg('zn4MIEmBUJ8wG7mx1YQ+ODnW0mAzP+WDWfd1Xy0q3po===')!, /not valid base64/);
    assert.match(lint(`sel._domainkey IN TXT "v=DKIM1; k=rsa; p=${'MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDEzT7aq52MEiYBT9CIbqhufSHw585PO6fr9En7VzxnnUeqUaMDqly9/jcMx6T3WFFjraYMo4Ipzdu+5qX1AF6VJGrn8UrC0vycXHJgMuCelUde0pn5OoPk9WXukCG9V2wK3jJox2pX2rvNthdv/3dTqySy6b+YakkG8cOTpx2ZaQIDAQAB'}=="`).findings.find((x) => x.rule === 'dkim/invalid-key')!.message, /ends in `==` where no padding belongs \(RFC 4648 §4\); Mail::DKIM refuses it/);
  });

  it('reads s= and h= as verifiers do: exact service types, and a hash list with nothing to sign with', () => {
    const key = 'zn4MIEmBUJ8wG7mx1YQ+ODnW0mAzP+WDWfd1Xy0q3po=';
    const rule = (tags: string) => lint(`sel._domainkey IN TXT "v=DKIM1; k=ed25519; ${tags}; p=${key}"`).findings.filter((x) => x.rule === 'dkim/invalid-value').map((x) => `${x.severity} ${x.message}`);
    assert.match(rule('s=Email')[0], /^error Verifiers compare service types exactly: dkimpy and Mail::DKIM do not read `s=Email` as `email`/);
    assert.match(rule('s=mail')[0], /^error `s=mail` does not list `email` or `\*`/);
    assert.deepEqual(rule('s=email:tlsrpt'), []);
    assert.match(rule('h=sha512')[0], /^error `h` has `sha512`, not among `sha1`, `sha256`; no signature can use this key/);
    assert.match(rule('h=sha256:sha512')[0], /^warning .*OpenDKIM refuses the whole key record/);
    assert.deepEqual(rule('h=SHA256'), []);
  });
});

describe('report addresses on domains that take no mail', () => {
  const SOA = '@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n@ IN NS ns1\nns1 IN A 192.0.2.1';
  const found = (text: string, ws?: WorkspaceIndex) => lint(text, { workspace: ws }).findings.filter((f) => f.rule === 'dmarc/report-address-no-mail');

  it('a null MX anywhere, or neither MX nor address in a zone held whole; rua and ruf alike', () => {
    const nullMx = found('_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:d@example.com"\n@ IN MX 0 .');
    assert.match(nullMx[0].message, /^example\.com publishes a null MX \(`MX 0 \.`, RFC 7505\): it refuses all mail, so the aggregate reports sent to d@example\.com bounce/);
    const none = found(`${SOA}\n_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:d@reports.example.com; ruf=mailto:f@example.com"`);
    assert.deepEqual(none.map((f) => f.message.split(',')[0]), ['reports.example.com has no MX and no A or AAAA record in the zone example.com', 'example.com has no MX and no A or AAAA record in the zone example.com']);
  });

  it('says nothing where mail may be taken: an MX, an address, a CNAME, a wildcard, a delegation, a snippet without SOA, or a domain elsewhere', () => {
    assert.deepEqual(found(`${SOA}\n_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:d@example.com"\n@ IN MX 10 mx.example.net.`), []);
    assert.deepEqual(found(`${SOA}\n_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:d@example.com"\n@ IN A 192.0.2.9`), []);
    assert.deepEqual(found(`${SOA}\n_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:d@r.example.com"\nr IN CNAME mail.example.net.`), []);
    assert.deepEqual(found(`${SOA}\n_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:d@r.example.com"\n* IN MX 10 mx.example.net.`), []);
    assert.deepEqual(found(`${SOA}\n_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:d@x.sub.example.com"\nsub IN NS ns.example.net.`), []);
    assert.deepEqual(found('_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:d@example.com"'), []);
    assert.deepEqual(found(`${SOA}\n$INCLUDE mail-records.inc\n_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:d@example.com"`), [], 'a zone read without one of its files');
    assert.deepEqual(found(`${SOA}\n_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:d@example.org"`), []);
  });

  it('reads the destination zone from another file of the workspace', () => {
    const ws = new WorkspaceIndex();
    const other = readZone('$ORIGIN example.net.\n@ IN MX 0 .\n', 'example.net.zone');
    ws.set('example.net.zone', other.zone.records, other.sites);
    assert.equal(found('_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:d@example.net"', ws).length, 1);
  });
});

describe('DMARC records as OpenDMARC and Mail::DMARC read them (test/records/dmarc-oracles)', () => {
  const rules = (line: string) => lint(`_dmarc IN TXT "${line}"`).findings.filter((f) => f.rule.startsWith('dmarc/'));

  it('is an error for a record without p and without a report address, a warning with one', () => {
    const bare = rules('v=DMARC1').find((f) => f.rule === 'dmarc/missing-policy')!;
    assert.equal(bare.severity, 'error');
    assert.match(bare.message, /no `p` tag and no `rua` address, so it does nothing/);
    const badRua = rules('v=DMARC1; rua=dmarc@example.com').find((f) => f.rule === 'dmarc/missing-policy')!;
    assert.equal(badRua.severity, 'error', 'an address without mailto: reports to no one');
    const withRua = rules('v=DMARC1; rua=mailto:d@example.com').find((f) => f.rule === 'dmarc/missing-policy')!;
    assert.equal(withRua.severity, 'warning');
    assert.match(withRua.message, /OpenDMARC and other RFC 7489 receivers discard the record/);
    // A p glued to the version is the separator's finding, not a missing p.
    assert.deepEqual(rules('v=DMARC1 p=reject').map((f) => f.rule).filter((r) => r === 'dmarc/missing-policy'), []);
  });

  it('is an error for a removed tag with a value RFC 7489 did not allow, which old receivers drop the record over', () => {
    for (const [line, value] of [['v=DMARC1; p=reject; pct=200', 'pct=200'], ['v=DMARC1; p=reject; rf=xml', 'rf=xml'], ['v=DMARC1; p=reject; ri=1d', 'ri=1d']] as const) {
      const found = lint(`_dmarc IN TXT "${line}"`);
      const f = found.findings.find((x) => x.rule === 'dmarc/invalid-value')!;
      assert.equal(f.severity, 'error', line);
      assert.match(f.message, new RegExp(`^\`${value}\` is not valid in RFC 7489 .*OpenDMARC discard the whole record`), line);
      // Only once: the tag's removal note stays quiet, and the fix removes the tag.
      assert.ok(!found.findings.some((x) => /-removed$/.test(x.rule)), line);
      assert.match(applyFix(found.text, f.fixes![0]), /"v=DMARC1; p=reject"/);
    }
    // Valid RFC 7489 values keep their notes.
    assert.equal(rules('v=DMARC1; p=reject; pct=50').find((f) => f.rule === 'dmarc/pct-removed')?.severity, 'warning');
    assert.equal(rules('v=DMARC1; p=reject; ri=3600').find((f) => f.rule === 'dmarc/ri-removed')?.severity, 'information');
  });

  it('warns of an rf list, which OpenDMARC refuses with the record', () => {
    const f = rules('v=DMARC1; p=reject; rf=afrf:iodef').find((x) => x.rule === 'dmarc/rf-removed')!;
    assert.equal(f.severity, 'warning');
    assert.match(f.message, /OpenDMARC discards the whole record over a list of formats/);
    assert.equal(rules('v=DMARC1; p=reject; rf=afrf').find((x) => x.rule === 'dmarc/rf-removed')?.severity, 'information');
  });

  it('says what receivers do with an invalid value, a repeated tag, a version in another case and `v = DMARC1`', () => {
    assert.match(rules('v=DMARC1; p=reject; adkim=x').find((f) => f.rule === 'dmarc/invalid-value')!.message, /OpenDMARC discard the whole record over it/);
    assert.match(rules('v=DMARC1; p=reject; aspf=strict').find((f) => f.rule === 'dmarc/invalid-value')!.message, /RFC 9989 receivers ignore it and align in relaxed mode; OpenDMARC reads `s`/);
    assert.doesNotMatch(rules('v=DMARC1; p=reject; t=x').find((f) => f.rule === 'dmarc/invalid-value')!.message, /OpenDMARC/);
    assert.match(rules('v=DMARC1; p=none; p=reject; p=quarantine').find((f) => f.rule === 'dmarc/duplicate-tag')!.message, /apply the last one \(`p=quarantine`\)/);
    assert.match(rules('v=dmarc1; p=reject').find((f) => f.rule === 'dmarc/invalid-version')!.message, /OpenDMARC and Mail::DMARC accept it, receivers that follow the RFC discard the record/);
    const spaced = rules('v = DMARC1; p=reject').find((f) => f.rule === 'dmarc/whitespace-around-equals')!;
    assert.equal(spaced.severity, 'warning');
    assert.match(spaced.message, /Mail::DMARC does\) discard this record/);
    assert.equal(rules('v=DMARC1; p = reject').find((f) => f.rule === 'dmarc/whitespace-around-equals')?.severity, 'hint');
  });
});

describe('dkim/obsolete-policy-record', () => {
  const found = (lines: string, file?: string) => lint(lines, {}, 'example.com', file).findings.filter((f) => f.rule === 'dkim/obsolete-policy-record');
  it('names DomainKeys and ADSP policy records in every spelling receivers once knew, and nothing else at those names', () => {
    assert.equal(found('_domainkey IN TXT "o=-"').length, 1);
    assert.equal(found('_domainkey IN TXT "t=y; o=~; n=see http://example.com/dk"').length, 1);
    assert.match(found('_adsp._domainkey IN TXT "dkim=discardable"')[0].message, /ADSP record \(RFC 5617, Historic since 2013\).*`_dmarc\.example\.com`/);
    // A key wrongly at _domainkey is dkim/wrong-owner's, a note there is no policy, and `o=` elsewhere is nothing.
    assert.deepEqual(found('_domainkey IN TXT "v=DKIM1; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC"'), []);
    assert.deepEqual(found('_domainkey IN TXT "r=postmaster@example.com"'), []);
    assert.deepEqual(found('@ IN TXT "o=~"'), []);
    assert.deepEqual(found('_adsp._domainkey IN TXT "dkim=sometimes"'), []);
  });
  it('finds them in infrastructure code too', () => {
    const tf = 'resource "aws_route53_record" "dk" {\n  zone_id = "Z1"\n  name    = "_domainkey.example.com"\n  type    = "TXT"\n  records = ["o=~"]\n}\n';
    const [f] = found(tf, 'main.tf');
    assert.match(f.message, /^`_domainkey\.example\.com` holds a DomainKeys policy record/);
  });
});

describe('dmarc/bimi-without-enforcement', () => {
  const BIMI = 'default._bimi IN TXT "v=BIMI1; l=https://example.com/logo.svg; a=https://example.com/vmc.pem"';
  const why = (lines: string) => lint(lines).findings.filter((f) => f.rule === 'dmarc/bimi-without-enforcement').map((f) => /not at enforcement \((.*)\); BIMI/.exec(f.message)?.[1] ?? f.message);
  it('says which tag holds the logo back', () => {
    assert.deepEqual(why(`_dmarc IN TXT "v=DMARC1; p=none"\n${BIMI}`), ['`p=none` only monitors']);
    assert.deepEqual(why(`_dmarc IN TXT "v=DMARC1; p=reject; t=y"\n${BIMI}`), ['`t=y` keeps the policy in test mode']);
    assert.deepEqual(why(`_dmarc IN TXT "v=DMARC1; p=quarantine; pct=50"\n${BIMI}`), ['`pct=50` applies it to part of the mail only']);
    assert.deepEqual(why(`_dmarc IN TXT "v=DMARC1; p=reject; sp=none"\n${BIMI}`), ['`sp=none` leaves its subdomains unprotected']);
    // A subdomain's logo: the Organizational Domain's sp applies, unless the subdomain has its own record.
    assert.deepEqual(why(`_dmarc IN TXT "v=DMARC1; p=reject; sp=quarantine"\ndefault._bimi.news IN TXT "v=BIMI1; l=https://example.com/l.svg"`), []);
    assert.deepEqual(why(`_dmarc IN TXT "v=DMARC1; p=reject; sp=none"\ndefault._bimi.news IN TXT "v=BIMI1; l=https://example.com/l.svg"`), ['`sp=none` only monitors']);
    assert.deepEqual(why(`_dmarc IN TXT "v=DMARC1; p=reject; sp=none"\n_dmarc.news IN TXT "v=DMARC1; p=reject"\ndefault._bimi.news IN TXT "v=BIMI1; l=https://example.com/l.svg"`), []);
  });
  it('is quiet at enforcement, on a declination record and on other names', () => {
    assert.deepEqual(why(`_dmarc IN TXT "v=DMARC1; p=quarantine; pct=100"\n${BIMI}`), []);
    assert.deepEqual(why(`_dmarc IN TXT "v=DMARC1; p=none"\ndefault._bimi IN TXT "v=BIMI1; l=; a=;"`), []);
    assert.deepEqual(why(`_dmarc IN TXT "v=DMARC1; p=none"\n_bimi IN TXT "v=BIMI1; l=https://example.com/logo.svg"`), []);
  });
  it('says when no DMARC record applies at all, and reads one in another file of the workspace', () => {
    assert.match(why(BIMI)[0], /^No DMARC record applies to example\.com in the workspace, so mailbox providers show no BIMI logo for it/);
    const ws = new WorkspaceIndex();
    const other = readZone('$ORIGIN example.com.\n_dmarc IN TXT "v=DMARC1; p=none"\n', 'dmarc.zone');
    ws.set('dmarc.zone', other.zone.records, other.sites);
    const f = lint(BIMI, { workspace: ws }).findings.find((x) => x.rule === 'dmarc/bimi-without-enforcement')!;
    assert.match(f.message, /`_dmarc\.example\.com` is not at enforcement \(`p=none` only monitors\)/);
    assert.deepEqual(f.related?.map((r) => [r.uri, r.message]), [['dmarc.zone', 'the DMARC record that applies']]);
  });
});

describe('spf/network-too-wide and spf/private-address', () => {
  const found = (spf: string, rule: string) => lint(`@ IN TXT "${spf}"`).findings.filter((f) => f.rule === rule).map((f) => `${f.severity} ${f.message.split(/ \(RFC|: mail from/)[0]}`);
  it('flags /0 as +all for its family, and networks wider than an IPv4 /8 or IPv6 /16', () => {
    assert.deepEqual(found('v=spf1 ip4:0.0.0.0/0 ip6:::/0 -all', 'spf/network-too-wide'), [
      'error `ip4:0.0.0.0/0` matches every IPv4 address on the internet, as `+all` does',
      'error `ip6:::/0` matches every IPv6 address on the internet, as `+all` does',
    ]);
    assert.deepEqual(found('v=spf1 a/0 mx:mail.example.net//0 -all', 'spf/network-too-wide'), [
      'error `a/0` matches every IPv4 address on the internet whenever the domain has an address record, as `+all` does',
      'error `mx:mail.example.net//0` matches every IPv6 address on the internet whenever mail.example.net has an MX host with an address, as `+all` does',
    ]);
    assert.deepEqual(found('v=spf1 ip4:203.0.113.0/8 ip6:2001:db8::/16 -all', 'spf/network-too-wide'), [
      'warning `ip4:203.0.113.0/8` authorises 16,777,216 IPv4 addresses, far more than any sending service uses',
      'warning `ip6:2001:db8::/16` authorises 2^112 IPv6 addresses, far more than any sending service uses',
    ]);
    // What platforms publish (Microsoft's /14, Google's /16 and /36) is left alone.
    assert.deepEqual(found('v=spf1 ip4:52.100.0.0/14 ip4:74.125.0.0/16 ip6:2001:4860:4000::/36 a/24 mx -all', 'spf/network-too-wide'), []);
  });
  it('flags terms whose whole network is private, loopback, link-local or unique local, and removes them', () => {
    assert.deepEqual(found('v=spf1 ip4:10.1.2.3 ip4:172.31.0.0/16 ip4:100.64.1.1 ip4:127.0.0.1 ip6:fd12:3456::/48 ip6:::1 -all', 'spf/private-address'), [
      'warning `ip4:10.1.2.3` lies in a private range',
      'warning `ip4:172.31.0.0/16` lies in a private range',
      'warning `ip4:100.64.1.1` lies in the carrier-grade NAT range',
      'warning `ip4:127.0.0.1` lies in the loopback range',
      'warning `ip6:fd12:3456::/48` lies in the unique local range',
      'warning `ip6:::1` lies in the loopback range',
    ]);
    // An IPv4-mapped IPv6 address is the IPv4 address, as receivers match it.
    assert.deepEqual(found('v=spf1 ip6:::ffff:10.0.0.1 -all', 'spf/private-address'), ['warning `ip6:::ffff:10.0.0.1` lies in a private range']);
    // A network reaching beyond the block, public neighbours, and the documentation ranges examples use.
    assert.deepEqual(found('v=spf1 ip4:8.0.0.0/6 ip4:172.32.0.1 ip4:192.0.2.25 ip6:2001:db8::1 ip4:11.0.0.1 -all', 'spf/private-address'), []);
    const { text, findings } = lint('@ IN TXT "v=spf1 ip4:192.168.10.25 ip4:198.51.100.25 -all"');
    const f = findings.find((x) => x.rule === 'spf/private-address')!;
    assert.equal(applyFix(text, f.fixes![0]).split('\n')[2], '@ IN TXT "v=spf1 ip4:198.51.100.25 -all"');
  });
});
