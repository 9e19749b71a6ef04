/** The CLI as users and scripts run it: the built dist/cli.js in a child process. */
import assert from 'node:assert/strict';
import Ajv from 'ajv';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from './helpers';

const CLI = path.join(ROOT, 'dist', 'cli.js');
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
const tmp = (name: string, text: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-cli-'));
  const f = path.join(dir, name);
  fs.writeFileSync(f, text);
  return f;
};

describe('dmarc-lens check', () => {
  it('writes GitHub Actions annotations with --format github, escaped as the runner reads them', () => {
    const dir = fs.mkdtempSync(path.join(ROOT, '.tmp-gh-'));
    try {
      // A name with a comma and a colon, and a message that holds `%`: each escaped where the runner wants it.
      const f = path.join(dir, 'a,b:c.zone');
      fs.writeFileSync(f, '$ORIGIN example.com.\n@ IN TXT "v=spf1 +all"\n_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:d@example.com"\nx IN TXT "v=spf1 exists:%{z}.example.com -all"\n');
      const r = run('check', f, '--offline', '--format', 'github');
      assert.equal(r.status, 1, r.stderr);
      const lines = r.stdout.trim().split('\n');
      const rel = path.relative(ROOT, f).replace(/,/g, '%2C').replace(/:/g, '%3A');
      assert.equal(lines[0], `::error file=${rel},line=2,col=18,endLine=2,endColumn=22,title=dmarc-lens spf/plus-all::\`+all\` authorises every host on the internet to send as this domain (RFC 7208 §5.1); use \`-all\` or \`~all\`.%0Ahttps://github.com/dmarc-lens/dmarc-lens/blob/main/docs/rules/spf/plus-all.md`);
      assert.ok(lines.some((l) => l.startsWith('::notice ') && l.includes('title=dmarc-lens dmarc/policy-none::')), r.stdout);
      assert.ok(lines.some((l) => l.startsWith('::error ') && l.includes('::`%25{z}` is not a valid macro')), r.stdout);
      // Nothing but annotations on stdout: the summary line is for people.
      assert.ok(lines.every((l) => l.startsWith('::')), r.stdout);
      assert.match(run('check', f, '--format', 'xml').stderr, /--format wants text, json, sarif, github or gitlab, got "xml"/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes a GitLab Code Quality report with --format gitlab, whose fingerprints survive lines moving', () => {
    const dir = fs.mkdtempSync(path.join(ROOT, '.tmp-gl-'));
    try {
      const f = path.join(dir, 'example.com.zone');
      const zone = '$ORIGIN example.com.\n@ IN TXT "v=spf1 +all"\n_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:d@example.com"\nx IN TXT "v=spf1 ptr ptr -all"\n';
      fs.writeFileSync(f, zone);
      const r = run('check', f, '--offline', '--format', 'gitlab');
      assert.equal(r.status, 1, r.stderr);
      type Issue = { description: string; check_name: string; fingerprint: string; severity: string; location: { path: string; lines: { begin: number; end: number } } };
      const issues = JSON.parse(r.stdout) as Issue[];
      const rel = path.relative(ROOT, f);
      // The fields GitLab requires, with its severities; one issue per finding of the text output.
      const text = run('check', f, '--offline').stdout.trim().split('\n').slice(0, -1);
      assert.equal(issues.length, text.length);
      for (const i of issues) {
        assert.deepEqual(Object.keys(i).sort(), ['check_name', 'description', 'fingerprint', 'location', 'severity']);
        assert.ok(['info', 'minor', 'major', 'critical', 'blocker'].includes(i.severity), i.severity);
        assert.equal(i.location.path, rel);
      }
      const plus = issues.find((i) => i.check_name === 'spf/plus-all')!;
      assert.deepEqual([plus.severity, plus.location.lines], ['major', { begin: 2, end: 2 }]);
      assert.match(plus.description, /^`\+all` authorises every host/);
      assert.equal(issues.find((i) => i.check_name === 'dmarc/policy-none')?.severity, 'info');
      // The same finding twice (two `ptr`s) still gets two fingerprints: GitLab wants them unique.
      assert.equal(new Set(issues.map((i) => i.fingerprint)).size, issues.length);
      // Lines added above: the same issues, by fingerprint, on other lines.
      fs.writeFileSync(f, zone.replace('$ORIGIN example.com.\n', '$ORIGIN example.com.\n; a comment\n; another\n'));
      const moved = JSON.parse(run('check', f, '--offline', '--format', 'gitlab').stdout) as Issue[];
      assert.deepEqual(moved.map((i) => i.fingerprint).sort(), issues.map((i) => i.fingerprint).sort());
      assert.equal(moved.find((i) => i.check_name === 'spf/plus-all')!.location.lines.begin, 4);
      // No findings: an empty report, which GitLab reads as "no issues".
      fs.writeFileSync(f, '$ORIGIN example.com.\n@ IN TXT "v=spf1 -all"\n_dmarc IN TXT "v=DMARC1; p=reject; rua=mailto:d@example.com"\n');
      const clean = run('check', f, '--offline', '--format', 'gitlab');
      assert.deepEqual([clean.status, JSON.parse(clean.stdout)], [0, []]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads a named .tfvars file as HCL and a Markdown or program file for its record-like strings, not as zone files', () => {
    const tfvars = tmp('terraform.tfvars', 'domain = "example.com"\nspf    = "v=spf1 include:_spf.google.com +all"\n');
    let r = run('check', tfvars, '--offline');
    assert.deepEqual(r.stdout.trim().split('\n').slice(0, -1).map((l) => l.replace(tfvars, 'F')), ['F:2:42: error spf/plus-all `+all` authorises every host on the internet to send as this domain (RFC 7208 §5.1); use `-all` or `~all`.']);
    const md = tmp('notes.md', '# Mail\n\nPublish `"v=DMARC1; p=none; rua=mailto:d@example.com"` at `_dmarc`.\n\nSome prose; no records here.\n');
    r = run('check', md, '--offline');
    assert.ok(!/zone\//.test(r.stdout), r.stdout);
    assert.match(r.stdout, /information dmarc\/policy-none/);
  });

  it('prints path:line:col: severity rule message for the examples and exits 1 on errors', () => {
    const r = run('check', 'examples', '--offline');
    assert.equal(r.status, 1, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0], /^examples\/\S+:\d+:\d+: (error|warning|information|hint) [a-z]+\/[a-z0-9-]+ .+/);
    assert.ok(lines.some((l) => / error spf\/plus-all /.test(l)));
    assert.ok(lines.some((l) => / warning dkim\/rsa-key-under-2048 /.test(l)));
    assert.ok(lines.some((l) => l.startsWith('examples/northwind.example.dkim.inc:')), 'findings in the $INCLUDEd file carry its path');
    assert.match(lines[lines.length - 1], /^9 files checked: \d+ errors, \d+ warnings/);
    assert.ok(lines.some((l) => l.startsWith("examples/octodns/northwind-shop.example.yaml:15:18: error octodns/unescaped-semicolon")));
    // The README shows lines of this output: they must be lines of it, as printed.
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const shown = /Command 1 prints one line per finding, e\.g\.\n\n```\n([\s\S]*?)\n```/.exec(readme)![1].split('\n');
    for (const l of shown) assert.ok(lines.includes(l), `README shows a line the main job does not print: ${l}`);
  });

  it('exits 0 when only warnings remain, and 1 when an error is present', () => {
    assert.equal(run('check', tmp('a.example.zone', '$ORIGIN a.example.\n_dmarc IN TXT "v=DMARC1; p=none"\n')).status, 0);
    assert.equal(run('check', tmp('b.example.zone', '$ORIGIN b.example.\n@ IN TXT "v=spf1 +all"\n')).status, 1);
  });

  it('exits 1 with --fail-on at the level of the most severe finding or below it, 0 above it', () => {
    // The most severe finding here is a warning (no rua); p=none is information.
    const zone = tmp('c.example.zone', '$ORIGIN c.example.\n_dmarc IN TXT "v=DMARC1; p=none"\n');
    assert.deepEqual(['error', 'warning', 'information', 'hint'].map((l) => run('check', zone, '--offline', '--fail-on', l).status), [0, 1, 1, 1]);
    assert.equal(run('check', zone, '--offline', '--fail-on=warning').status, 1);
    const bad = run('check', zone, '--fail-on', 'loud');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--fail-on wants error, warning, information or hint, got "loud"/);
  });

  it('exits 2 with a one-line reason on usage and I/O errors', () => {
    for (const args of [['check'], ['check', 'no/such/file.zone'], ['check', 'examples', '--format', 'xml'], ['frobnicate'], ['check', 'examples', '--dns', 'a b'], ['check', 'examples', '--bogus']]) {
      const r = run(...args);
      assert.equal(r.status, 2, args.join(' '));
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /^dmarc-lens: /);
    }
  });

  it('refuses a DNS server, an origin or an SPF domain that cannot be one, saying why', () => {
    const cases: [string[], RegExp][] = [
      [['check', 'examples', '--dns', '999.1.1.1:53'], /--dns wants HOST:PORT, got "999\.1\.1\.1:53": 999\.1\.1\.1 is not an IPv4 address/],
      [['check', 'examples', '--dns', '127.0.0.1:99999'], /port 99999 is not 1-65535/],
      [['check', 'examples', '--dns', '[2001:db8::zz]:53'], /2001:db8::zz is not an IPv6 address/],
      [['check', 'examples', '--origin', 'a..example'], /--origin wants a domain name such as example\.com, got "a\.\.example": it has an empty label/],
      [['spf', ''], /spf wants a domain name, got "": it is empty/],
      [['spf', `${'a'.repeat(64)}.example`], /a label is longer than 63 octets/],
      [['rules', '--format', 'xml'], /--format wants text or json, got "xml"/],
    ];
    for (const [args, message] of cases) {
      const r = run(...args);
      assert.equal(r.status, 2, args.join(' '));
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
    // check_host() on a malformed domain is `none` (RFC 7208 §4.3; the suite's emptylabel and toolonglabel).
    const none = run('spf', 'A...example.com', '--ip', '192.0.2.1', '--offline', '--format', 'json');
    assert.equal(none.status, 0, none.stderr);
    assert.equal(JSON.parse(none.stdout).result, 'none');
    // What is a server or a name still runs: a host name, IPv6 in brackets, a root origin.
    for (const args of [['check', 'examples/northwind.example.zone', '--offline', '--dns', 'ns.example:5353'], ['check', 'examples/northwind.example.zone', '--offline', '--dns', '[::1]:53'], ['check', 'examples/northwind.example.zone', '--offline', '--origin', 'northwind.example.']])
      assert.notEqual(run(...args).status, 2, args.join(' '));
  });

  it('names a file dnsconfig.js require()s as it names the others, and says each of its findings once', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-dc-req-'));
    fs.writeFileSync(path.join(dir, 'helpers.js'), 'var MAIL = [\n  TXT("@", "v=spf1 +all"),\n];\nfunction DMARC(p) {\n  return TXT("_dmarc", "v=DMARC1; p=" + p);\n}\n');
    fs.writeFileSync(path.join(dir, 'dnsconfig.js'), 'require("./helpers.js");\nD("example.com", NewRegistrar("none"), DnsProvider(NewDnsProvider("bind")),\n  MAIL,\n  DMARC("bogus")\n);\n');
    let first: string[] | undefined;
    for (const [cwd, given, prefix] of [
      [dir, '.', ''],
      [path.dirname(dir), path.basename(dir), `${path.basename(dir)}${path.sep}`],
      [ROOT, dir, `${dir}${path.sep}`],
    ]) {
      const r = spawnSync(process.execPath, [CLI, 'check', given, '--offline'], { cwd, encoding: 'utf8' });
      const lines = r.stdout.trim().split('\n').filter((l) => /: (error|warning|information|hint) /.test(l));
      // Every finding in helpers.js under the one name, once; the same findings whichever way the folder is named.
      assert.ok(lines.length > 0 && lines.every((l) => l.startsWith(`${prefix}helpers.js:`)), `${given} in ${cwd}:\n${r.stdout}`);
      assert.equal(new Set(lines).size, lines.length);
      const rules = lines.map((l) => l.slice(prefix.length).split(' ').slice(0, 3).join(' '));
      assert.ok(rules.some((l) => / error spf\/plus-all$/.test(l)) && rules.some((l) => / error dmarc\/invalid-value$/.test(l)), rules.join('\n'));
      if (first) assert.deepEqual(rules, first);
      first = rules;
      assert.match(r.stdout, /2 files checked/);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('says on stderr when a folder holds nothing to check, and still exits 0', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-cli-empty-'));
    fs.writeFileSync(path.join(empty, 'notes.txt'), 'not a zone\n');
    const r = run('check', empty, 'examples', '--offline', '--format', 'json');
    assert.equal(r.status, 1, 'the examples still have errors');
    const lines = r.stderr.trim().split('\n').filter((l) => l.includes('no files to check'));
    assert.deepEqual(lines.length, 1, r.stderr);
    assert.ok(lines[0].startsWith(`dmarc-lens: ${empty}: no files to check`), lines[0]);
    const alone = run('check', empty);
    assert.equal(alone.status, 0);
    assert.match(alone.stderr, /no files to check in this folder/);
    assert.match(alone.stdout, /^0 files checked/);
  });

  it('prints the usage for --help after a command, and exits 0', () => {
    for (const args of [['check', '--help'], ['report', '-h'], ['spf', 'example.com', '--help']]) {
      const r = run(...args);
      assert.equal(r.status, 0, args.join(' '));
      assert.match(r.stdout, /^Usage:\n {2}dmarc-lens check PATH/);
      assert.equal(r.stderr, '');
    }
  });

  it('ends quietly, with the check\'s exit status, when the reader closes the pipe early (| head)', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [CLI, 'check', 'examples', '--offline', '--format', 'sarif'], { cwd: ROOT });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise((resolve) => child.on('close', resolve));
    assert.equal(code, 1, stderr);
    assert.doesNotMatch(stderr, /EPIPE|Unhandled|internal error/);
  });

  it('writes JSON with 0-based LSP ranges', () => {
    const file = tmp('c.example.zone', '$ORIGIN c.example.\n@ IN TXT "v=spf1 " "+all"\n');
    const r = run('check', file, '--format', 'json');
    const json = JSON.parse(r.stdout);
    assert.equal(json.version, 1);
    assert.equal(json.files[0].path, file);
    const d = json.files[0].diagnostics.find((x: { rule: string }) => x.rule === 'spf/plus-all');
    assert.deepEqual(d.range, { start: { line: 1, character: 20 }, end: { line: 1, character: 24 } });
    assert.equal(d.severity, 'error');
  });

  it('keeps each finding on one line: control characters a message quotes are written as escapes', () => {
    // A line break and a tab inside TXT values (zone-file escapes \010 and \009), and a DMARC tag with a control character.
    const f = tmp('ctl.zone', '$ORIGIN ctl.example.\n@ IN TXT "v=spf1 include:a\\010.example -all"\n_dmarc IN TXT "v=DMARC1; p=none\\009; rua=mailto:d@ctl.example; x\\001y=1"\n');
    const r = run('check', f, '--offline');
    const lines = r.stdout.trimEnd().split('\n');
    assert.ok(lines.length >= 3, r.stdout);
    for (const l of lines.slice(0, -1)) assert.match(l, /^\S+:\d+:\d+: (error|warning|information|hint) \S+ /, `not one finding per line: ${JSON.stringify(l)}`);
    assert.match(r.stdout, /this line break \(U\+000A\) makes the record invalid/);
    assert.doesNotMatch(r.stdout, /[\u0000-\u0008\u000b-\u001f\u007f]/);
    // A right-to-left override would show the rest of the message backwards: escaped, and named; a character beyond the BMP whole.
    const b = tmp('bidi.zone', '$ORIGIN bidi.example.\nrlo IN TXT "v=spf1 include:\u202emoc.elpmaxe -all"\nemoji IN TXT "v=spf1 include:a\u{1F600}.example -all"\n');
    const out = run('check', b, '--offline').stdout;
    assert.ok(out.includes('Character `\\u202e` (U+202E, not ASCII) is not allowed in a domain-spec'), out);
    assert.ok(out.includes('Character `\u{1F600}` (U+1F600, not ASCII) is not allowed in a domain-spec'), out);
    assert.doesNotMatch(out, /[\u202a-\u202e\u2066-\u2069]/);
  });

  it('writes SARIF 2.1.0 with rule metadata and helpUri', () => {
    const r = run('check', 'examples', '--format', 'sarif');
    const sarif = JSON.parse(r.stdout);
    assert.equal(sarif.version, '2.1.0');
    const run0 = sarif.runs[0];
    assert.equal(run0.tool.driver.name, 'dmarc-lens');
    const rule = run0.tool.driver.rules.find((x: { id: string }) => x.id === 'spf/plus-all');
    assert.match(rule.helpUri, /docs\/rules\/spf\/plus-all\.md$/);
    const res = run0.results.find((x: { ruleId: string }) => x.ruleId === 'spf/plus-all');
    assert.equal(run0.tool.driver.rules[res.ruleIndex].id, 'spf/plus-all');
    const loc = res.locations[0].physicalLocation;
    assert.equal(loc.artifactLocation.uri, 'examples/northwind.example.zone');
    assert.ok(loc.region.startLine >= 1 && loc.region.startColumn >= 1);
  });

  it('writes SARIF that the SARIF 2.1.0 schema accepts, with encoded URIs, related locations and fingerprints that survive moved lines', () => {
    // Microsoft's schema for SARIF 2.1.0 (draft-04), as @microsoft/jest-sarif ships it, checked with ajv 6.
    const json = (module: string) => JSON.parse(fs.readFileSync(require.resolve(module), 'utf8'));
    const ajv = new Ajv({ schemaId: 'id', allErrors: true, logger: false });
    ajv.addMetaSchema(json('ajv/lib/refs/json-schema-draft-04.json'));
    const validate = ajv.compile(json('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'));
    const valid = (stdout: string) => {
      const sarif = JSON.parse(stdout);
      assert.ok(validate(sarif), JSON.stringify(validate.errors?.slice(0, 3), null, 1));
      return sarif.runs[0].results as {
        ruleId: string;
        locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
        relatedLocations?: { physicalLocation: { region: { startLine: number } }; message: { text: string } }[];
        partialFingerprints: Record<string, string>;
        suppressions?: unknown[];
        fixes?: { description: { text: string }; artifactChanges: { artifactLocation: { uri: string }; replacements: { deletedRegion: { startLine: number; startColumn: number; endLine: number; endColumn: number }; insertedContent: { text: string } }[] }[] }[];
      }[];
    };
    valid(run('check', 'examples', '--offline', '--format', 'sarif').stdout);
    // A file name with a space, `#` and `%`, two SPF records (related locations) and a suppressed finding.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-sarif-'));
    const sub = path.join(dir, 'dns zones#2');
    fs.mkdirSync(sub);
    const zone = '$ORIGIN a.example.\n@ IN TXT "v=spf1 +all"\n; dmarc-lens-disable-next-line spf/ptr -- legacy relay\n@ IN TXT "v=spf1 ptr -all"\n_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:d@a.example"\n';
    fs.writeFileSync(path.join(sub, 'a 100%.zone'), zone);
    const sarifAt = (cwd: string) => spawnSync(process.execPath, [CLI, 'check', 'dns zones#2', '--offline', '--format', 'sarif'], { cwd, encoding: 'utf8' });
    const before = valid(sarifAt(dir).stdout);
    for (const r of before) assert.equal(r.locations[0].physicalLocation.artifactLocation.uri, 'dns%20zones%232/a%20100%25.zone');
    assert.equal(decodeURIComponent('dns%20zones%232/a%20100%25.zone'), 'dns zones#2/a 100%.zone');
    const multiple = before.filter((r) => r.ruleId === 'spf/multiple-records');
    assert.equal(multiple.length, 2);
    assert.deepEqual(multiple.map((r) => r.relatedLocations?.map((x) => [x.physicalLocation.region.startLine, x.message.text])), [[[4, 'another SPF record at this name']], [[2, 'another SPF record at this name']]]);
    assert.equal(before.find((r) => r.ruleId === 'spf/ptr')?.suppressions?.length, 1);
    assert.equal(before.find((r) => r.ruleId === 'spf/ptr')?.fixes, undefined, 'a suppressed finding proposes no fix');
    // The quick fixes as SARIF proposed fixes: applied to the file, each gives what the editor's would.
    const plus = before.find((r) => r.ruleId === 'spf/plus-all')!;
    const applied = plus.fixes!.map((fix) => {
      assert.equal(fix.artifactChanges.length, 1);
      assert.equal(fix.artifactChanges[0].artifactLocation.uri, 'dns%20zones%232/a%20100%25.zone');
      const lines = zone.split('\n');
      for (const { deletedRegion: d, insertedContent } of fix.artifactChanges[0].replacements) {
        assert.equal(d.startLine, d.endLine);
        const l = lines[d.startLine - 1];
        lines[d.startLine - 1] = l.slice(0, d.startColumn - 1) + insertedContent.text + l.slice(d.endColumn - 1);
      }
      return [fix.description.text, lines[1]];
    });
    assert.deepEqual(applied, [
      ['Use -all', '@ IN TXT "v=spf1 -all"'],
      ['Use ~all', '@ IN TXT "v=spf1 ~all"'],
    ]);
    // Lines added above every record: the same alerts, on other lines, with the same fingerprints.
    fs.writeFileSync(path.join(sub, 'a 100%.zone'), `; managed by ops\n$TTL 3600\n${zone}`);
    const after = valid(sarifAt(dir).stdout);
    const prints = (rs: typeof before) => rs.map((r) => `${r.ruleId} ${r.partialFingerprints['dmarcLens/v1']}`);
    assert.deepEqual(prints(after), prints(before));
    assert.equal(new Set(prints(before)).size, before.length, 'no two alerts share a fingerprint');
    assert.deepEqual(after.map((r) => r.locations[0].physicalLocation.region.startLine), before.map((r) => r.locations[0].physicalLocation.region.startLine + 2));
  });

  it('applies --config rule settings and rejects unknown rule ids', () => {
    const cfg = tmp('cfg.json', JSON.stringify({ rules: { 'spf/plus-all': 'off', 'spf/ptr': 'error' } }));
    const r = run('check', 'examples', '--config', cfg);
    assert.ok(!/spf\/plus-all/.test(r.stdout));
    assert.match(r.stdout, / error spf\/ptr /);
    const bad = tmp('bad.json', JSON.stringify({ rules: { 'spf/nope': 'off' } }));
    const b = run('check', 'examples', '--config', bad);
    assert.equal(b.status, 2);
    assert.match(b.stderr, /unknown rule id "spf\/nope"/i);
  });

  it('with DMARC_LENS_TIMING=1 says where the time went on stderr, and prints the same findings', () => {
    const plain = run('check', 'examples', '--offline', '--format', 'json');
    const timed = spawnSync(process.execPath, [CLI, 'check', 'examples', '--offline', '--format', 'json'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, DMARC_LENS_TIMING: '1' } });
    assert.equal(timed.stdout, plain.stdout);
    assert.equal(timed.status, plain.status);
    const phases = [...timed.stderr.matchAll(/^dmarc-lens timing: (.+?) \d+ ms$/gm)].map((m) => m[1].replace(/ \(.*\)$/, '').replace(/: \d+ walked$/, ''));
    assert.deepEqual(phases, ['start-up', 'read', 'check', 'SPF trees', 'suppressions and order', 'output']);
    // The slowest rule differs from run to run; its kind may hold a hyphen (`mta-sts/…`).
    assert.match(timed.stderr, /check \(slowest cross-record rules: [a-z-]+\/[a-z-]+ \d+ ms/);
    assert.doesNotMatch(plain.stderr, /timing/);
  });

  it('starts from the V8 code cache the build writes; a damaged or missing cache changes nothing but start-up', () => {
    const timed = (cli: string) => spawnSync(process.execPath, [cli, 'check', 'examples', '--offline', '--format', 'json'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, DMARC_LENS_TIMING: '1' } });
    const built = timed(CLI);
    assert.match(built.stderr, /^dmarc-lens timing: code cache used$/m, 'npm run build writes dist/cli-main.cache and the launcher takes it');
    // A copy of the CLI whose cache is garbage, then one with none at all.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-cache-'));
    for (const f of ['cli.js', 'cli-main.js']) fs.copyFileSync(path.join(ROOT, 'dist', f), path.join(dir, f));
    const cache = fs.readFileSync(path.join(ROOT, 'dist', 'cli-main.cache'));
    cache.fill(0x5a, 0, 64);
    fs.writeFileSync(path.join(dir, 'cli-main.cache'), cache);
    const damaged = timed(path.join(dir, 'cli.js'));
    assert.match(damaged.stderr, /^dmarc-lens timing: code cache rejected$/m);
    fs.rmSync(path.join(dir, 'cli-main.cache'));
    const none = timed(path.join(dir, 'cli.js'));
    assert.match(none.stderr, /^dmarc-lens timing: code cache none$/m);
    for (const r of [damaged, none]) {
      assert.equal(r.stdout, built.stdout);
      assert.equal(r.status, built.status);
    }
    assert.equal(built.status, 1);
    assert.ok(JSON.parse(built.stdout).files.length > 0);
  });

  it('reads a UTF-16 file with a byte-order mark (as PowerShell writes it), and says to save it as UTF-8', () => {
    const zone = '$ORIGIN u.example.\n@ IN TXT "v=spf1 +all"\n';
    const le = tmp('le.zone', '');
    fs.writeFileSync(le, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(zone, 'utf16le')]));
    const be = tmp('be.zone', '');
    fs.writeFileSync(be, Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(zone, 'utf16le').swap16()]));
    for (const [file, name] of [[le, 'UTF-16LE'], [be, 'UTF-16BE']]) {
      const r = run('check', file);
      assert.equal(r.status, 1);
      assert.match(r.stdout, /:2:18: error spf\/plus-all /);
      assert.match(r.stderr, new RegExp(`read as ${name} \\(it starts with that byte-order mark\\).*save it as UTF-8`));
    }
  });

  it('never reads a device or a FIFO: $INCLUDE /dev/zero, a FIFO named like a zone, a report or --config that is one (they hung)', () => {
    const timed = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 20000 });
    const inc = tmp('inc.example.zone', '$ORIGIN inc.example.\n$INCLUDE /dev/zero\n@ IN TXT "v=spf1 -all"\n');
    const r = timed('check', inc, '--offline');
    assert.equal(r.error, undefined, 'finished');
    assert.match(r.stdout, /:2:10: error zone\/include-not-found `\$INCLUDE` file `\/dev\/zero` not found, or not a regular file/);
    const fifo = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dl-fifo-')), 'pipe.zone');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    for (const [args, status, message] of [
      [['check', fifo, '--offline'], 2, /^dmarc-lens: cannot read \S+pipe\.zone: a FIFO, not a file to read$/m],
      [['check', path.dirname(fifo), '--offline'], 0, /no files to check in this folder/],
      [['report', fifo], 1, /a FIFO, not a file to read/],
      [['report', '/dev/zero'], 1, /a device, not a file to read/],
      [['check', 'examples', '--offline', '--config', '/dev/zero'], 2, /cannot read config \/dev\/zero: a device, not a file to read/],
    ] as [string[], number, RegExp][]) {
      const x = timed(...args);
      assert.equal(x.error, undefined, `${args.join(' ')} finished`);
      assert.equal(x.status, status, args.join(' '));
      assert.match(x.stdout + x.stderr, message, args.join(' '));
    }
  });

  it('skips binary files with a note instead of reporting garbage', () => {
    const f = tmp('bin.zone', 'abc\u0000def');
    const r = run('check', f);
    assert.equal(r.status, 0);
    assert.match(r.stderr, /not a text file/);
  });
});

describe('dmarc-lens inventory', () => {
  it('says which records their zone never serves (under its own delegation, or below a DNAME), and why', () => {
    const f = tmp('example.com.zone', '$ORIGIN example.com.\n@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n@ IN NS ns1\nns1 IN A 192.0.2.1\n@ IN TXT "v=spf1 -all"\nnews IN NS ns1.mail-platform.example.\nnews IN TXT "v=spf1 include:_spf.mail-platform.example -all"\n_dmarc.x.news IN TXT "v=DMARC1; p=none"\nold IN DNAME new.example.net.\n_dmarc.old IN TXT "v=DMARC1; p=reject"\n');
    const inv = JSON.parse(run('inventory', f, '--format', 'json').stdout);
    const notServed = (d: string, kind: 'spf' | 'dmarc') => inv.domains.find((x: { domain: string }) => x.domain === d)[kind].map((r: { notServed?: string }) => r.notServed ?? 'served');
    assert.deepEqual(notServed('example.com', 'spf'), ['served']);
    assert.deepEqual(notServed('news.example.com', 'spf'), ['news.example.com is delegated to ns1.mail-platform.example']);
    assert.deepEqual(notServed('x.news.example.com', 'dmarc'), ['it is under news.example.com, which is delegated to ns1.mail-platform.example']);
    assert.deepEqual(notServed('old.example.com', 'dmarc'), ['it is below old.example.com, whose DNAME redirects it to the same name under new.example.net']);
    assert.match(run('inventory', f).stdout, /^ {2}SPF {4}v=spf1 include:_spf\.mail-platform\.example -all {2}\(\S+example\.com\.zone:7; never served: news\.example\.com is delegated to ns1\.mail-platform\.example\)$/m);
    fs.rmSync(path.dirname(f), { recursive: true, force: true });
  });

  it('lists per domain the SPF, DMARC and DKIM records and the services they point to', () => {
    const r = run('inventory', 'examples', '--format', 'json');
    assert.equal(r.status, 0, r.stderr);
    const inv = JSON.parse(r.stdout);
    const nw = inv.domains.find((d: { domain: string }) => d.domain === 'northwind.example');
    assert.equal(nw.spf.length, 1);
    assert.equal(nw.dmarc[0].policy, 'none');
    // Where each record stands on the way to enforcement, pct read as RFC 7489 receivers read it.
    assert.equal(nw.dmarc[0].stage, '1/5: monitoring only (p=none)');
    // What the example reports (examples/reports) say of it, and its next rung with what holds it back, as the code lens says them.
    // The example reports are from November 2025: the text says how old they are.
    assert.match(nw.dmarc[0].reports.text, /^85\.3% DMARC pass over 2,156 messages in 1 day, 1 report; still failing: 198\.2\.129\.12 \(14\.5%\); old: the newest report ended \d+ days ago$/);
    assert.deepEqual({ ...nw.dmarc[0].reports, text: undefined }, { text: undefined, messages: 2156, passRate: 1840 / 2156, blockers: 1 });
    assert.equal(nw.dmarc[0].next, 'move to p=quarantine in test mode (t=y) — not yet: 1 source still fails DMARC');
    // A domain without reports: its stage only.
    assert.equal(inv.domains.find((d: { domain: string }) => d.domain === 'northwind-cloud.example').dmarc[0].reports, undefined);
    assert.equal(inv.domains.find((d: { domain: string }) => d.domain === 'northwind-events.example').dmarc[0].stage, '2/5: p=quarantine on pct=50 of failing mail at RFC 7489 receivers (RFC 9989 receivers ignore pct and enforce it all)');
    // Keys published here, then selectors delegated by CNAME to the platform that signs.
    assert.deepEqual(nw.dkim.map((d: { selector: string; key?: string; cname?: string; provider?: string }) => `${d.selector} ${d.key ?? `CNAME ${d.cname} ${d.provider}`}`), ['google rsa 2048', 's1 rsa 1024', 'k2 CNAME dkim2.mcsv.net Mailchimp', 'k3 CNAME dkim3.mcsv.net Mailchimp']);
    assert.deepEqual(nw.services.map((s: { provider: string }) => s.provider), ['google-workspace', 'sendgrid', 'mailchimp']);
    assert.deepEqual(nw.bimi.map((b: { selector: string; logo: string; evidence?: string }) => [b.selector, b.logo, b.evidence]), [['default', 'https://northwind.example/brand/logo.svg', 'https://northwind.example/brand/vmc.pem']]);
    assert.deepEqual([nw.tlsrpt[0].value, nw.mtaSts[0].value], ['v=TLSRPTv1; rua=mailto:tls-reports@northwind.example', 'v=STSv1; id=20261128T0900']);
    const text = run('inventory', 'examples').stdout;
    assert.match(text, /^ {2}MTA-STS v=STSv1; id=20261128T0900 {2}\(examples\/northwind\.example\.zone:32\)$/m);
    assert.match(text, /^ {2}BIMI {3}default: logo https:\/\/northwind\.example\/brand\/logo\.svg, certificate https:\/\/northwind\.example\/brand\/vmc\.pem {2}\(examples\/northwind\.example\.zone:36\)$/m);
    assert.match(text, /^northwind\.example$/m);
    assert.match(text, /^ {9}stage 1\/5: monitoring only \(p=none\)\n {9}reports: 85\.3% DMARC pass over 2,156 messages in 1 day, 1 report; still failing: 198\.2\.129\.12 \(14\.5%\); old: the newest report ended \d+ days ago\n {9}next: move to p=quarantine in test mode \(t=y\) — not yet: 1 source still fails DMARC$/m);
    assert.match(text, /^ {2}DMARC {2}v=DMARC1; p=reject; rua=mailto:dmarc-reports@northwind-labs\.example {2}\(examples\/db\.northwind-labs\.example:7\)\n {9}stage 5\/5: p=reject, enforced$/m);
    assert.match(text, /sends via SendGrid \(Twilio\) \(include:sendgrid\.net\)/);
    assert.match(text, /^ {2}DKIM {3}k2: CNAME → dkim2\.mcsv\.net \(Mailchimp\) {2}\(examples\/northwind\.example\.dkim\.inc:9\)$/m);
    // A platform seen only through its DKIM CNAME (a relative target is under the origin: not a platform).
    const ses = tmp('s.example.zone', '$ORIGIN s.example.\nabcdefgh._domainkey IN CNAME abcdefgh.dkim.amazonses.com.\nold._domainkey IN CNAME new\n');
    const sesInv = JSON.parse(run('inventory', ses, '--format', 'json').stdout).domains[0];
    assert.deepEqual(sesInv.services, [{ provider: 'amazon-ses', name: 'Amazon SES', via: 'DKIM selector abcdefgh' }]);
    assert.deepEqual(sesInv.dkim.map((d: { cname: string }) => d.cname), ['abcdefgh.dkim.amazonses.com', 'new.s.example']);
    // A generic selector name says nothing alone: a key at s1 is this domain's own; s1 delegated to SendGrid is SendGrid's.
    const KEY = 'MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDEzT7aq52MEiYBT9CIbqhufSHw585PO6fr9En7VzxnnUeqUaMDqly9/jcMx6T3WFFjraYMo4Ipzdu+5qX1AF6VJGrn8UrC0vycXHJgMuCelUde0pn5OoPk9WXukCG9V2wK3jJox2pX2rvNthdv/3dTqySy6b+YakkG8cOTpx2ZaQIDAQAB';
    const own = tmp('o.example.zone', `$ORIGIN o.example.\ns1._domainkey IN TXT "v=DKIM1; k=rsa; p=${KEY}"\nselector1._domainkey IN TXT "v=DKIM1; k=rsa; p=${KEY}"\ngoogle._domainkey IN TXT "v=DKIM1; k=rsa; p=${KEY}"\n`);
    assert.deepEqual(JSON.parse(run('inventory', own, '--format', 'json').stdout).domains[0].services.map((s: { provider: string }) => s.provider), ['google-workspace']);
    const delegated = tmp('d.example.zone', '$ORIGIN d.example.\ns1._domainkey IN CNAME s1.domainkey.u123.wl456.sendgrid.net.\n');
    assert.deepEqual(JSON.parse(run('inventory', delegated, '--format', 'json').stdout).domains[0].services.map((s: { provider: string }) => s.provider), ['sendgrid']);
  });

  it('says which DMARC record applies to a name without its own (RFC 9989 tree walk), and which on the way do not', () => {
    const news = JSON.parse(run('inventory', 'examples', '--format', 'json').stdout).domains.find((d: { domain: string }) => d.domain === 'news.northwind.example');
    assert.deepEqual({ ...news.coveredBy, range: undefined }, { owner: '_dmarc.northwind.example', kind: 'org', via: 'sp', tag: 'p', policy: 'none', path: 'examples/northwind.example.zone', range: undefined });
    const zone = tmp(
      'w.example.zone',
      '$ORIGIN w.example.\n@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n_dmarc IN TXT "v=DMARC1; p=reject; sp=quarantine"\n_dmarc.eu IN TXT "v=DMARC1; p=none; sp=none"\nshop.eu IN TXT "v=spf1 -all"\n_dmarc.us IN TXT "v=DMARC1; p=none; sp=none; psd=n"\nshop.us IN TXT "v=spf1 -all"\n',
    );
    const text = run('inventory', zone).stdout;
    assert.match(text, /^shop\.eu\.w\.example\n {2}SPF .*\n {2}DMARC {2}none at this name; covered by _dmarc\.w\.example, its Organizational Domain's record: sp=quarantine; _dmarc\.eu\.w\.example does not apply to it \(not its Organizational Domain's\) {2}\(.*w\.example\.zone:3\)$/m);
    assert.match(text, /^shop\.us\.w\.example\n {2}SPF .*\n {2}DMARC {2}none at this name; covered by _dmarc\.us\.w\.example, its Organizational Domain's record: sp=none {2}\(/m);
    // DKIM selectors computed at deploy time (Terraform, SES tokens): listed with the platform.
    const ses = tmp('ses.tf', 'resource "aws_route53_zone" "z" {\n  name = "ses.example"\n}\nresource "aws_route53_record" "dkim" {\n  count   = 3\n  zone_id = aws_route53_zone.z.zone_id\n  name    = "${aws_ses_domain_dkim.x.dkim_tokens[count.index]}._domainkey"\n  type    = "CNAME"\n  records = ["${aws_ses_domain_dkim.x.dkim_tokens[count.index]}.dkim.amazonses.com"]\n}\n');
    const sesInv = JSON.parse(run('inventory', ses, '--format', 'json').stdout).domains[0];
    assert.equal(sesInv.domain, 'ses.example');
    assert.deepEqual([sesInv.dkim[0].selector, sesInv.dkim[0].provider, sesInv.services[0].provider], ['<computed>', 'Amazon SES', 'amazon-ses']);
    const lone = tmp('x.example.zone', '$ORIGIN x.example.\n@ IN TXT "v=spf1 -all"\n');
    assert.match(run('inventory', lone).stdout, /DMARC {2}none applies \(none published at this name or above it\)/);
  });

  it('lists the names that take no mail (null MX), with the DMARC record that applies, not one whose null MX sits beside other MX records', () => {
    const zone = tmp('n.example.zone', '$ORIGIN n.example.\n_dmarc IN TXT "v=DMARC1; p=reject"\nold IN MX 0 .\nmixed IN MX 0 .\nmixed IN MX 10 mail.n.example.\n');
    const text = run('inventory', zone).stdout;
    assert.match(text, /^old\.n\.example\n {2}MX {5}null MX: takes no mail \(RFC 7505\) {2}\(.*n\.example\.zone:3\)\n {2}DMARC {2}none at this name; covered by _dmarc\.n\.example, its Organizational Domain's record: p=reject \(it has no sp\)/m);
    const json = JSON.parse(run('inventory', zone, '--format', 'json').stdout).domains;
    assert.deepEqual(json.filter((d: { nullMx?: unknown }) => d.nullMx).map((d: { domain: string; nullMx: { range: { start: { line: number } } } }) => [d.domain, d.nullMx.range.start.line]), [['old.n.example', 2]]);
    // A name that takes mail: its exchangers, lowest preference first, absolute.
    assert.match(text, /^mixed\.n\.example\n {2}MX {5}10 mail\.n\.example {2}\(.*n\.example\.zone:5\)$/m);
    assert.deepEqual(json.find((d: { domain: string }) => d.domain === 'mixed.n.example').mx.map((m: { value: string }) => m.value), ['10 mail.n.example']);
    assert.match(run('inventory', 'examples').stdout, /^northwind\.example\n {2}MX {5}10 mx1\.northwind\.example, 20 mx2\.northwind\.example {2}\(examples\/northwind\.example\.zone:16\)$/m);
  });
  it('says of each DKIM selector how much mail the reports show signed with it, and names the selectors the reports show that the files do not publish', () => {
    const nw = JSON.parse(run('inventory', 'examples', '--format', 'json').stdout).domains.find((d: { domain: string }) => d.domain === 'northwind.example');
    assert.deepEqual(nw.dkim.map((k: { selector: string; signed?: object }) => [k.selector, k.signed ?? null]), [['google', { messages: 1840, pass: 1840 }], ['s1', null], ['k2', null], ['k3', null]]);
    assert.equal(nw.dkimSeen, undefined);
    assert.match(run('inventory', 'examples').stdout, /^ {2}DKIM {3}google: rsa 2048 {2}\(examples\/northwind\.example\.dkim\.inc:3\); 1,840 messages signed in the reports, all verified$/m);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-inv-dkim-'));
    try {
      fs.writeFileSync(path.join(dir, 'd.example.zone'), '$ORIGIN d.example.\n@ IN TXT "v=spf1 -all"\n_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:r@d.example"\ns1._domainkey IN TXT "v=DKIM1; p="\n');
      const rec = (n: number, sel: string, result: string) => `<record><row><source_ip>192.0.2.1</source_ip><count>${n}</count><policy_evaluated><disposition>none</disposition><dkim>${result}</dkim><spf>fail</spf></policy_evaluated></row><identifiers><header_from>d.example</header_from></identifiers><auth_results><dkim><domain>D.example</domain><selector>${sel}</selector><result>${result}</result></dkim></auth_results></record>`;
      fs.writeFileSync(path.join(dir, 'r.xml'), `<feedback><report_metadata><org_name>rx</org_name><report_id>1</report_id><date_range><begin>1700000000</begin><end>1700086399</end></date_range></report_metadata><policy_published><domain>d.example</domain><p>none</p></policy_published>${rec(30, 'S1', 'fail')}${rec(500, 'ext', 'pass')}${rec(7, 'old', 'fail')}${rec(3, 'ext', 'fail')}</feedback>`);
      const inv = JSON.parse(run('inventory', dir, '--format', 'json').stdout).domains.find((d: { domain: string }) => d.domain === 'd.example');
      assert.deepEqual(inv.dkim[0].signed, { messages: 30, pass: 0 });
      assert.deepEqual(inv.dkimSeen, [{ selector: 'ext', messages: 503, pass: 500 }, { selector: 'old', messages: 7, pass: 0 }]);
      const text = run('inventory', dir).stdout;
      assert.match(text, /^ {2}DKIM {3}s1: revoked .*; 30 messages signed in the reports, none verified$/m);
      assert.match(text, /^ {2}DKIM {3}ext: not in the files; 503 messages signed in the reports, 99\.4% verified \(its key is published elsewhere: the DNS host, another repository\)$/m);
      assert.match(text, /^ {2}DKIM {3}old: not in the files; 7 messages signed in the reports, none verified \(no key verifies it\)$/m);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says who the reports show sending as each name: the platforms, whether the files set them up there, and the rest', () => {
    const nw = JSON.parse(run('inventory', 'examples', '--format', 'json').stdout).domains.find((d: { domain: string }) => d.domain === 'northwind.example');
    assert.deepEqual(nw.sendersSeen, [
      { service: 'Mailchimp', provider: 'mailchimp', messages: 312, pass: 0, sources: 1, inFiles: true },
      { service: '', messages: 1844, pass: 1840, sources: 2 },
    ]);
    const text = run('inventory', 'examples').stdout;
    assert.match(text, /^ {2}seen {3}Mailchimp: 312 messages in the reports, none passed DMARC$/m);
    assert.match(text, /^ {2}seen {3}1,844 messages in the reports from 2 sources no platform names, 99\.8% passed DMARC$/m);
    // A platform sending as a subdomain (its header From) that the files do not set up there; reports of another window left out.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-inv-seen-'));
    try {
      fs.writeFileSync(path.join(dir, 's.example.zone'), '$ORIGIN s.example.\n@ IN TXT "v=spf1 include:sendgrid.net -all"\n_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:r@s.example"\nnews IN TXT "v=spf1 -all"\n');
      const rec = (n: number, from: string, d: string, result: string) => `<record><row><source_ip>192.0.2.${n % 250}</source_ip><count>${n}</count><policy_evaluated><disposition>none</disposition><dkim>${result}</dkim><spf>fail</spf></policy_evaluated></row><identifiers><header_from>${from}</header_from></identifiers><auth_results><dkim><domain>${d}</domain><result>${result}</result></dkim></auth_results></record>`;
      const report = (id: string, begin: number, records: string) => `<feedback><report_metadata><org_name>rx</org_name><report_id>${id}</report_id><date_range><begin>${begin}</begin><end>${begin + 86399}</end></date_range></report_metadata><policy_published><domain>s.example</domain><p>none</p></policy_published>${records}</feedback>`;
      fs.writeFileSync(path.join(dir, 'r1.xml'), report('1', 1700000000, `${rec(40, 'news.s.example', 'mcsv.net', 'pass')}${rec(9, 'S.example', 'sendgrid.net', 'pass')}`));
      // Sixty days before: outside the window of the newest report.
      fs.writeFileSync(path.join(dir, 'r0.xml'), report('0', 1700000000 - 60 * 86400, rec(77, 'news.s.example', 'mcsv.net', 'fail')));
      const inv = JSON.parse(run('inventory', dir, '--format', 'json').stdout).domains;
      const of = (d: string) => inv.find((x: { domain: string }) => x.domain === d).sendersSeen;
      assert.deepEqual(of('news.s.example'), [{ service: 'Mailchimp', provider: 'mailchimp', messages: 40, pass: 40, sources: 1, inFiles: false }]);
      assert.deepEqual(of('s.example'), [{ service: 'SendGrid (Twilio)', provider: 'sendgrid', messages: 9, pass: 9, sources: 1, inFiles: true }]);
      assert.match(run('inventory', dir).stdout, /^ {2}seen {3}Mailchimp: 40 messages in the reports, all passed DMARC \(not set up at this name in the files: no include or DKIM selector of it\)$/m);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('follows a _dmarc CNAME to a policy the workspace holds, lists it under the domain that points to it, and its subdomains as covered by it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-inv-cname-'));
    fs.writeFileSync(path.join(dir, 'brand.example.zone'), '$ORIGIN brand.example.\n@ IN TXT "v=spf1 include:_spf.google.com -all"\n_dmarc IN CNAME brand.example.policies.example.net.\nshop IN TXT "v=spf1 -all"\n$ORIGIN other.example.\n@ IN TXT "v=spf1 -all"\n_dmarc IN CNAME other.example.hosted.vendor.example.\n');
    fs.writeFileSync(path.join(dir, 'policies.example.net.zone'), '$ORIGIN policies.example.net.\n@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\nbrand.example IN TXT "v=DMARC1; p=quarantine; sp=reject; rua=mailto:d@brand.example"\nstray IN TXT "v=DMARC1; p=none"\n');
    const text = run('inventory', dir).stdout;
    assert.match(text, /^brand\.example\n {2}SPF .*\n {2}DMARC {2}CNAME → brand\.example\.policies\.example\.net: v=DMARC1; p=quarantine; sp=reject; rua=mailto:d@brand\.example {2}\(.*brand\.example\.zone:3\)\n {9}stage 3\/5: /m);
    assert.match(text, /^shop\.brand\.example\n {2}SPF .*\n {2}DMARC {2}none at this name; covered by _dmarc\.brand\.example, its Organizational Domain's record: sp=reject/m);
    // A CNAME out of the workspace stays "hosted"; a record no _dmarc CNAME leads to is listed at its own name.
    assert.match(text, /^other\.example\n {2}SPF .*\n {2}DMARC {2}CNAME → other\.example\.hosted\.vendor\.example \(hosted: the policy is at the target\)/m);
    assert.match(text, /^stray\.policies\.example\.net\n {2}DMARC {2}v=DMARC1; p=none/m);
    assert.doesNotMatch(text, /^brand\.example\.policies\.example\.net$/m);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('dmarc-lens rules', () => {
  it('lists every rule id', () => {
    const r = run('rules', '--format', 'json');
    const rules = JSON.parse(r.stdout);
    assert.ok(rules.some((x: { id: string }) => x.id === 'dkim/rsa-key-too-short'));
  });
});

describe('dmarc-lens spf', () => {
  it('prints the lookup tree as JSON from the workspace, and degrades honestly offline', () => {
    const r = run('spf', 'northwind.example', '--workspace', 'examples', '--offline', '--format', 'json');
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.domain, 'northwind.example');
    assert.match(j.record, /^v=spf1 /);
    assert.equal(j.lookups, 3);
    assert.match(j.source, /workspace file .*northwind\.example\.zone/);
    assert.deepEqual(j.diagnostics.map((d: { rule: string; severity: string }) => `${d.rule} ${d.severity}`), ['spf/include-not-found information']);
    assert.match(j.diagnostics[0].message, /Could not resolve _spf\.google\.com, sendgrid\.net, servers\.mcsv\.net \(offline, and not defined in the workspace\); the count of 3 DNS lookups .* lower bound\. Data: workspace file/);
  });

  it('evaluates check_host() for an IP', () => {
    const r = run('spf', 'northwind.example', '--workspace', 'examples', '--offline', '--ip', '198.51.100.25', '--format', 'json');
    assert.deepEqual(JSON.parse(r.stdout).result, 'pass');
    const bad = run('spf', 'northwind.example', '--ip', 'not-an-ip');
    assert.equal(bad.status, 2);
  });

  it('resolves through --dns against a loopback server', async () => {
    const { startDnsServer } = await import('./dns-server');
    const server = await startDnsServer({
      'big.test': [{ type: 'TXT', data: 'v=spf1 include:a.test include:b.test -all' }],
      'a.test': [{ type: 'TXT', data: 'v=spf1 include:b.test -all' }],
      'b.test': [{ type: 'TXT', data: 'v=spf1 ip4:192.0.2.0/24 -all' }],
    });
    try {
      const { spawn } = await import('node:child_process');
      const out = await new Promise<string>((resolve) => {
        const p = spawn(process.execPath, [CLI, 'spf', 'big.test', '--dns', `127.0.0.1:${server.port}`, '--format', 'json'], { cwd: ROOT });
        let s = '';
        p.stdout.on('data', (d) => (s += d));
        p.on('close', () => resolve(s));
      });
      const j = JSON.parse(out);
      assert.equal(j.lookups, 3);
      assert.match(j.source, /^live DNS at /);
      assert.ok(j.diagnostics.some((d: { rule: string }) => d.rule === 'spf/duplicate-include'));
    } finally {
      await server.close();
    }
  });
});

describe('dmarc-lens report', () => {
  it('reads reports of any packaging and sums them up', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-rep-'));
    const xml = '<?xml version="1.0"?><feedback><report_metadata><org_name>rx</org_name><report_id>1</report_id></report_metadata><policy_published><domain>example.com</domain><p>none</p></policy_published><record><row><source_ip>192.0.2.1</source_ip><count>3</count><policy_evaluated><disposition>none</disposition><dkim>fail</dkim><spf>fail</spf></policy_evaluated></row><identifiers><header_from>example.com</header_from></identifiers><auth_results><spf><domain>esp.example</domain><result>pass</result></spf></auth_results></record></feedback>';
    fs.writeFileSync(path.join(dir, 'r.xml.gz'), require('node:zlib').gzipSync(xml));
    fs.writeFileSync(path.join(dir, 'notes.xml'), '<notes/>');
    const r = run('report', dir, '--format', 'json');
    assert.equal(r.status, 1, 'a file that is not a report is a failure');
    const j = JSON.parse(r.stdout);
    assert.equal(j.version, 1);
    assert.equal(j.summary.messages, 3);
    assert.equal(j.summary.failingSources[0].sourceIp, '192.0.2.1');
    const ok = j.reports.find((x: { ok: boolean }) => x.ok);
    assert.deepEqual([ok.format, ok.orgName, ok.policyDomain, ok.messages, ok.dmarcPass, ok.records], ['rfc7489', 'rx', 'example.com', 3, 0, 1]);
    assert.match(j.reports.find((x: { ok: boolean }) => !x.ok).error, /root element is <notes>/);
  });
});

describe('sources that are not yours (reports.notOurs)', () => {
  const rec = (ip: string, n: number, r: string) =>
    `<record><row><source_ip>${ip}</source_ip><count>${n}</count><policy_evaluated><disposition>none</disposition><dkim>${r}</dkim><spf>${r}</spf></policy_evaluated></row><identifiers><header_from>example.com</header_from></identifiers><auth_results><spf><domain>example.com</domain><result>${r === 'pass' ? 'pass' : 'softfail'}</result></spf></auth_results></record>`;
  const end = Math.floor(Date.now() / 1000) - 86400;
  const xml = `<?xml version="1.0"?><feedback><report_metadata><org_name>rx</org_name><report_id>1</report_id><date_range><begin>${end - 86399}</begin><end>${end}</end></date_range></report_metadata><policy_published><domain>example.com</domain><p>none</p></policy_published>${rec('192.0.2.1', 940, 'pass')}${rec('203.0.113.66', 60, 'fail')}</feedback>`;
  const make = (config: string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-notours-'));
    fs.writeFileSync(path.join(dir, 'example.com.zone'), '$ORIGIN example.com.\n@ IN TXT "v=spf1 ip4:192.0.2.1 -all"\n_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:d@example.com"\n');
    fs.mkdirSync(path.join(dir, 'reports'));
    fs.writeFileSync(path.join(dir, 'reports', 'rx.xml'), xml);
    fs.writeFileSync(path.join(dir, '.dmarc-lens.json'), config);
    return dir;
  };

  it('a spoofing source listed there no longer holds back the next stage: inventory, check and report say so', () => {
    const plain = make('{ "reports": { "paths": ["reports/**"] } }');
    const listed = make('{\n  "reports": {\n    "paths": ["reports/**"],\n    // checked 2026-11-29: a botnet, not ours\n    "notOurs": ["203.0.113.0/24"]\n  }\n}\n');
    try {
      const dmarcOf = (dir: string) => JSON.parse(run('inventory', dir, '--format', 'json').stdout).domains.find((d: { domain: string }) => d.domain === 'example.com').dmarc[0];
      const before = dmarcOf(plain);
      assert.equal(before.reports.blockers, 1);
      assert.match(before.reports.text, /; still failing: 203\.0\.113\.66 \(6\.0%\)$/);
      assert.equal(before.next, 'move to p=quarantine in test mode (t=y) — not yet: 1 source still fails DMARC');
      const after = dmarcOf(listed);
      assert.equal(after.reports.blockers, 0);
      assert.match(after.reports.text, /; failing, not counted: 203\.0\.113\.66 \(6\.0%, not ours by reports\.notOurs\)$/);
      assert.equal(after.next, 'move to p=quarantine in test mode (t=y)');
      // The check names the source among the senders failing only when it is not listed.
      const rules = (dir: string) => JSON.parse(run('check', dir, '--offline', '--format', 'json').stdout).files.flatMap((f: { diagnostics: { rule: string; message: string }[] }) => f.diagnostics);
      assert.match(rules(plain).find((d: { rule: string }) => d.rule === 'dmarc/reports-show-failing-senders').message, /60 from 203\.0\.113\.66 \(example\.com\), an unrecognised source/);
      assert.equal(rules(listed).find((d: { rule: string }) => d.rule === 'dmarc/reports-show-failing-senders'), undefined);
      // The report still lists it, marked; JSON says why.
      const text = run('report', path.join(listed, 'reports'));
      assert.match(text.stdout, /^ {2}failing: 203\.0\.113\.66 60 messages as example\.com \(DKIM d=-; SPF example\.com\); not counted against the next stage: not ours by reports\.notOurs$/m);
      assert.match(text.stdout, /^ {2}verdict: No source of yours fails DMARC with more than 2% of the messages \(94\.0% DMARC pass; failing, not counted: 203\.0\.113\.66 \(6\.0%, not ours by reports\.notOurs\)\): the domain can move to the next DMARC stage\.$/m);
      assert.match(run('report', path.join(plain, 'reports')).stdout, /^ {2}verdict: Not yet: 1 source still fails DMARC with more than 2% of the messages \(203\.0\.113\.66\); authorise it if it is yours \(SPF with a custom return path, or DKIM signing with your domain\), or list it in reports\.notOurs if not, before tightening the policy\.$/m);
      const j = JSON.parse(run('report', path.join(listed, 'reports'), '--format', 'json').stdout);
      assert.match(j.summary.verdict, /^No source of yours fails DMARC/);
      assert.deepEqual(j.summary.failingSources.map((f: { sourceIp: string; aside?: string }) => [f.sourceIp, f.aside]), [['203.0.113.66', 'not ours']]);
      assert.equal(JSON.parse(run('report', path.join(plain, 'reports'), '--format', 'json').stdout).summary.failingSources[0].aside, undefined);
    } finally {
      fs.rmSync(plain, { recursive: true, force: true });
      fs.rmSync(listed, { recursive: true, force: true });
    }
  });

  it('warns at an entry whose addresses the SPF record authorises (their mail passes DMARC through aligned SPF)', () => {
    const dir = make('{\n  "reports": {\n    "notOurs": ["203.0.113.0/24", "192.0.2.0/28"]\n  }\n}\n');
    try {
      const r = run('check', dir, '--offline');
      const lines = r.stdout.split('\n').filter((l) => l.includes('meta/not-ours-authorised'));
      assert.deepEqual(lines, [
        `${path.join(dir, '.dmarc-lens.json')}:3:35: warning meta/not-ours-authorised 192.0.2.0/28 is listed as not yours, yet the reports show 940 messages from 192.0.2.1 passing DMARC through aligned SPF as example.com: the SPF record authorises it. Its failing mail no longer holds back the next policy stage, and that mail is lost there if it is yours: remove the entry or narrow its range, or take it out of the SPF record.`,
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('dmarc-lens check --fix', () => {
  const KEY = 'MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDEzT7aq52MEiYBT9CIbqhufSHw585PO6fr9En7VzxnnUeqUaMDqly9/jcMx6T3WFFjraYMo4Ipzdu+5qX1AF6VJGrn8UrC0vycXHJgMuCelUde0pn5OoPk9WXukCG9V2wK3jJox2pX2rvNthdv/3dTqySy6b+YakkG8cOTpx2ZaQIDAQAB';
  const workspace = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-fix-'));
    fs.writeFileSync(
      path.join(dir, 'fix.example.zone'),
      [
        '$ORIGIN fix.example.',
        '@ IN TXT \u201cv=spf1 include:_spf.google.com include:_spf.google.com \u2013all\u201d ; from the wiki',
        'shop IN TXT "v=spf1 +all" ; a policy choice: left alone',
        'old IN TXT "v=spf1 -all a" ; -all first: which was meant is a choice',
        '_dmarc IN TXT " v=DMARC1, p=none , rua = mailto:d@fix.example"',
        'sel._domainkey IN TXT ( "V=DKIM1; K=rsa; "',
        `                        "P=${KEY}" )`,
        '; dmarc-lens-disable-next-line dmarc/comma-separator -- kept as the vendor wrote it',
        '_dmarc.kept IN TXT "v=DMARC1, p=none"',
        '_dmarc.lists IN TXT "v=DMARC1; p=none; rua=mailto:a@fix.example mailto:b@fix.example; ruf=<mailto:f@fix.example>;mailto:g@fix.example"',
        'glued IN TXT "v=spf1 ip4:192.0.2.0/24-all"',
        '',
      ].join('\n'),
    );
    fs.writeFileSync(
      path.join(dir, 'main.tf'),
      'resource "aws_route53_record" "dmarc" {\n  zone_id = "Z123"\n  name    = "_dmarc.fix-tf.example"\n  type    = "TXT"\n  ttl     = 300\n  records = ["v=DMARC1;p=reject rua=mailto:d@fix-tf.example"]\n}\n' +
        'resource "aws_route53_record" "spf" {\n  zone_id = "Z123"\n  name    = "fix-tf.example"\n  type    = "TXT"\n  ttl     = 300\n  records = ["v=spf1 include:_spf.google.com; -ip4:192.0.2.1,192.0.2.2 ~all;"]\n}\n',
    );
    return dir;
  };

  it('writes what each record visibly says, leaves policy choices and suppressed findings, then reports what is left', () => {
    const dir = workspace();
    const r = run('check', dir, '--offline', '--fix');
    assert.match(r.stderr, /fixed 18 findings in 2 files \(\S+fix\.example\.zone: 14, \S+main\.tf: 4\)/);
    assert.equal(
      fs.readFileSync(path.join(dir, 'fix.example.zone'), 'utf8'),
      [
        '$ORIGIN fix.example.',
        '@ IN TXT "v=spf1 include:_spf.google.com -all" ; from the wiki',
        'shop IN TXT "v=spf1 +all" ; a policy choice: left alone',
        'old IN TXT "v=spf1 -all a" ; -all first: which was meant is a choice',
        '_dmarc IN TXT "v=DMARC1; p=none ; rua=mailto:d@fix.example"',
        'sel._domainkey IN TXT ( "v=DKIM1; k=rsa; "',
        `                        "p=${KEY}" )`,
        '; dmarc-lens-disable-next-line dmarc/comma-separator -- kept as the vendor wrote it',
        '_dmarc.kept IN TXT "v=DMARC1, p=none"',
        '_dmarc.lists IN TXT "v=DMARC1; p=none; rua=mailto:a@fix.example,mailto:b@fix.example; ruf=mailto:f@fix.example,mailto:g@fix.example"',
        'glued IN TXT "v=spf1 ip4:192.0.2.0/24 -all"',
        '',
      ].join('\n'),
    );
    assert.match(fs.readFileSync(path.join(dir, 'main.tf'), 'utf8'), /records = \["v=DMARC1;p=reject; rua=mailto:d@fix-tf\.example"\]/);
    assert.match(fs.readFileSync(path.join(dir, 'main.tf'), 'utf8'), /records = \["v=spf1 include:_spf\.google\.com -ip4:192\.0\.2\.1 -ip4:192\.0\.2\.2 ~all"\]/);
    // What is left is reported as by a check, and decides the exit status.
    assert.equal(r.status, 1);
    assert.match(r.stdout, /fix\.example\.zone:3:\d+: error spf\/plus-all/);
    assert.match(r.stdout, /fix\.example\.zone:4:\d+: warning spf\/terms-after-all/);
    assert.doesNotMatch(r.stdout, /typographic|lookalike|tag-case|comma-separator|duplicate-mechanism/);
    // Nothing more to do the second time, and no file changes.
    const before = fs.readFileSync(path.join(dir, 'fix.example.zone'));
    assert.match(run('check', dir, '--offline', '--fix').stderr, /nothing to fix/);
    assert.ok(fs.readFileSync(path.join(dir, 'fix.example.zone')).equals(before));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('does not write a file it could not write back as it was (UTF-16, bytes that are not UTF-8)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-fix-'));
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('$ORIGIN u.example.\n_dmarc IN TXT "v=DMARC1, p=none"\n', 'utf16le')]);
    fs.writeFileSync(path.join(dir, 'u.example.zone'), utf16);
    const latin1 = Buffer.from('$ORIGIN l.example.\n; caf\xe9\n_dmarc IN TXT "v=DMARC1, p=none"\n', 'latin1');
    fs.writeFileSync(path.join(dir, 'l.example.zone'), latin1);
    const r = run('check', dir, '--offline', '--fix');
    assert.match(r.stderr, /u\.example\.zone: not fixed: the file is not UTF-8 text \(UTF-16; save it as UTF-8\)/);
    assert.match(r.stderr, /l\.example\.zone: not fixed: the file is not UTF-8 text/);
    assert.ok(fs.readFileSync(path.join(dir, 'u.example.zone')).equals(utf16));
    assert.ok(fs.readFileSync(path.join(dir, 'l.example.zone')).equals(latin1));
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
