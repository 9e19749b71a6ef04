/** `.dmarc-lens.json`: parsing with exact problem places, nearest-file lookup, precedence, ignore, DNS mode. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { applyEdits } from 'jsonc-parser';
import { parseConfig, removeNotOurs, writeNotOurs } from '../server/src/config';
import { analyzeZone } from '../server/src/service';
import { ROOT } from './helpers';

const CLI = path.join(ROOT, 'dist', 'cli.js');
const run = (cwd: string, ...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });

function tree(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-cfg-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const ZONE = '$ORIGIN example.com.\n@ IN TXT "v=spf1 ptr +all"\n';

describe('.dmarc-lens.json', () => {
  it('reports problems at the exact place and keeps the valid settings', () => {
    const text = '{\n  // comments are allowed\n  "rules": { "spf/ptr": "off", "spf/ptrr": "off", "dmarc/policy-none": "loud" },\n  "colour": true,\n  "dns": { "mode": "sometimes" }\n}\n';
    const { config, problems } = parseConfig(text, '/x/.dmarc-lens.json');
    assert.deepEqual(config.rules, { 'spf/ptr': 'off' });
    const at = (p: { range: { start: number; end: number } }) => text.slice(p.range.start, p.range.end);
    assert.deepEqual(problems.map((p) => [p.severity, at(p)]), [
      ['error', '"spf/ptrr"'],
      ['error', '"loud"'],
      ['warning', '"colour"'],
      ['error', '"sometimes"'],
    ]);
    const broken = parseConfig('{ "rules": { "spf/ptr": "off" ', 'c');
    assert.ok(broken.problems.length > 0 && broken.config.rules['spf/ptr'] === 'off');
    // The missing braces are at the very end: the problems mark the last character, not one past it.
    const cut = '{ "rules": { "spf/ptr": "off" '.length;
    assert.deepEqual([...new Set(broken.problems.map((p) => `${p.range.start}-${p.range.end}`))], [`${cut - 1}-${cut}`]);
    assert.deepEqual(parseConfig('', 'c').problems.map((p) => p.range), [{ start: 0, end: 0 }]);
  });

  it('is checked as a file of its own (the editor shows the problems in it)', () => {
    const a = analyzeZone('{ "rules": { "spf/nope": "off" } }', '/x/.dmarc-lens.json');
    assert.deepEqual(a.findings.map((f) => f.rule), ['meta/invalid-config']);
  });

  it('applies the nearest file to each checked file; --config overrides it', () => {
    const dir = tree({
      '.dmarc-lens.json': '{ "rules": { "spf/ptr": "off" } }',
      'a/example.com.zone': ZONE,
      'b/.dmarc-lens.json': '{ "rules": { "spf/plus-all": "hint" } }',
      'b/example.com.zone': ZONE,
      'other.json': '{ "rules": { "spf/plus-all": "off", "spf/ptr": "error" } }',
    });
    const out = run(dir, 'check', '.', '--offline').stdout;
    assert.match(out, /a\/example\.com\.zone:2:\d+: error spf\/plus-all/);
    assert.doesNotMatch(out, /a\/example\.com\.zone:.* spf\/ptr/);
    assert.match(out, /b\/example\.com\.zone:2:\d+: hint spf\/plus-all/);
    assert.match(out, /b\/example\.com\.zone:.* warning spf\/ptr/, 'the nearest file wins: b has no ptr setting');
    const over = run(dir, 'check', '.', '--offline', '--config', 'other.json').stdout;
    assert.doesNotMatch(over, /spf\/plus-all/);
    assert.match(over, /a\/example\.com\.zone:2:\d+: error spf\/ptr/);
  });

  it('skips ignored paths and reports a broken nearest config in that file', () => {
    const dir = tree({ '.dmarc-lens.json': '{ "ignore": ["legacy/**"], "rules": { "spf/nope": "off" } }', 'legacy/example.com.zone': ZONE, 'example.org.zone': '$ORIGIN example.org.\n@ IN TXT "v=spf1 -all"\n' });
    const out = run(dir, 'check', '.', '--offline').stdout;
    assert.doesNotMatch(out, /legacy/);
    assert.match(out, /\.dmarc-lens\.json:1:\d+: error meta\/invalid-config Unknown rule id `spf\/nope`/);
  });

  it('takes dns.mode offline from the file', () => {
    const dir = tree({ '.dmarc-lens.json': '{ "dns": { "mode": "offline" } }', 'example.com.zone': '$ORIGIN example.com.\n@ IN TXT "v=spf1 include:_spf.elsewhere.example -all"\n' });
    const r = run(dir, 'check', '.');
    assert.match(r.stderr, /offline: 1 include\/redirect target/);
  });

  it('reads the extra files `include` names, in the format it gives', () => {
    const dir = tree({
      '.dmarc-lens.json': '{ "include": { "zone": ["dns/*.txt"], "octodns": ["octo/*.conf"], "terraform": ["infra/*.hcl"] } }',
      'dns/example.com.txt': ZONE,
      'octo/example.net.conf': "_dmarc:\n  type: TXT\n  value: v=DMARC1\\; p=none\\; pct=50\n",
      'infra/dns.hcl': 'resource "cloudflare_record" "spf" {\n  zone_id = "z"\n  name = "example.org"\n  type = "TXT"\n  value = "v=spf1 ?all"\n}\n',
      'notes/readme.txt': ZONE,
    });
    const out = run(dir, 'check', '.', '--offline').stdout;
    assert.match(out, /dns\/example\.com\.txt:2:\d+: error spf\/plus-all/);
    assert.match(out, /octo\/example\.net\.conf:3:\d+: \w+ dmarc\/pct-removed/);
    assert.match(out, /infra\/dns\.hcl:5:\d+: warning spf\/neutral-all/);
    assert.doesNotMatch(out, /notes\/readme/);
  });

  it('reads reports.notOurs (addresses and CIDR ranges), with each bad entry at its place', () => {
    const text = '{ "reports": { "paths": ["r/**"], "notOurs": ["203.0.113.0/24", "2001:db8::7", "203.0.113.0/33", "mail.example.net", 7], "since": 3 } }';
    const { config, problems } = parseConfig(text, 'c.json');
    assert.deepEqual([config.reports?.paths, config.reports?.notOurs], [['r/**'], ['203.0.113.0/24', '2001:db8::7']]);
    assert.deepEqual(config.reports?.notOursAt?.map((r) => text.slice(r.start, r.end)), ['"203.0.113.0/24"', '"2001:db8::7"']);
    assert.deepEqual(problems.map((p) => [p.severity, text.slice(p.range.start, p.range.end)]), [
      ['error', '"203.0.113.0/33"'],
      ['error', '"mail.example.net"'],
      ['error', '7'],
      ['warning', '"since"'],
    ]);
    assert.match(problems[0].message, /^Not an IPv4\/IPv6 address or CIDR range/);
    const wrong = '{ "reports": { "notOurs": "203.0.113.0/24", "paths": "r" } }';
    assert.deepEqual(parseConfig(wrong, 'c.json').problems.map((p) => wrong.slice(p.range.start, p.range.end)), ['"203.0.113.0/24"', '"r"']);
  });

  it('adds a source to reports.notOurs as the file is laid out, comments kept, nothing else moved', () => {
    const add = (text: string | undefined, ip = '203.0.113.7') => {
      const r = writeNotOurs(text, ip);
      return 'text' in r ? r.text : r;
    };
    // One entry a line: the new one on its own line with the same indent; the comment stays with its entry, a trailing comma stays.
    assert.equal(add('{\n  "reports": {\n    "notOurs": [\n      "198.51.100.1" // spam run\n    ]\n  }\n}\n'), '{\n  "reports": {\n    "notOurs": [\n      "198.51.100.1", // spam run\n      "203.0.113.7"\n    ]\n  }\n}\n');
    assert.equal(add('{\n  "reports": {\n    "notOurs": [\n      "198.51.100.1",\n    ],\n  },\n}\n'), '{\n  "reports": {\n    "notOurs": [\n      "198.51.100.1",\n      "203.0.113.7",\n    ],\n  },\n}\n');
    // On one line: on that line.
    assert.equal(add('{ "reports": { "paths": ["r/**"], "notOurs": ["198.51.100.1"] } }'), '{ "reports": { "paths": ["r/**"], "notOurs": ["198.51.100.1", "203.0.113.7"] } }');
    assert.equal(add('{ "reports": { "paths": ["r/**"] } }'), '{ "reports": { "paths": ["r/**"], "notOurs": ["203.0.113.7"] } }');
    assert.equal(add('{ "reports": { "notOurs": [] } }'), '{ "reports": { "notOurs": ["203.0.113.7"] } }');
    // CRLF files keep CRLF.
    assert.equal(add('{\r\n  "reports": {\r\n    "paths": ["r/**"]\r\n  }\r\n}\r\n'), '{\r\n  "reports": {\r\n    "paths": ["r/**"],\r\n    "notOurs": ["203.0.113.7"]\r\n  }\r\n}\r\n');
    // No reports section, no file: made, and what was there kept.
    assert.equal(add('{\n  // ours\n  "rules": {}\n}\n'), '{\n  // ours\n  "rules": {},\n  "reports": {\n    "notOurs": [\n      "203.0.113.7"\n    ]\n  }\n}\n');
    assert.deepEqual(parseConfig(add(undefined) as string, 'c').config.reports?.notOurs, ['203.0.113.7']);
    // Already covered by an address or range; a file that cannot take it says why.
    assert.deepEqual(add('{ "reports": { "notOurs": ["203.0.113.0/24"] } }'), { covered: '203.0.113.0/24' });
    assert.deepEqual(add('{ "reports": { "notOurs": ["2001:db8::/32"] } }', '2001:db8::25'), { covered: '2001:db8::/32' });
    assert.deepEqual(add('{ "reports": { "notOurs": "203.0.113.7" } }'), { error: '`reports.notOurs` in .dmarc-lens.json is not a list: fix it first' });
    assert.deepEqual(add('{ "reports": '), { error: '.dmarc-lens.json is not valid JSON: fix it first' });
    // What it writes reads back.
    assert.deepEqual(parseConfig(add('{ "reports": { "notOurs": ["198.51.100.1"] } }') as string, 'c').config.reports?.notOurs, ['198.51.100.1', '203.0.113.7']);
  });

  it('removes an entry of reports.notOurs as the list is laid out, its comment with it', () => {
    const remove = (text: string, i: number) => {
      const edits = removeNotOurs(text, i);
      return edits ? applyEdits(text, edits) : undefined;
    };
    const lines = '{\n  "reports": {\n    "notOurs": [\n      "198.51.100.1", // spam\n      "192.0.2.0/24", // ours after all?\n      "203.0.113.7" // botnet\n    ]\n  }\n}\n';
    assert.equal(remove(lines, 1), '{\n  "reports": {\n    "notOurs": [\n      "198.51.100.1", // spam\n      "203.0.113.7" // botnet\n    ]\n  }\n}\n');
    // The last: the one before loses its comma, keeps its comment.
    assert.equal(remove(lines, 2), '{\n  "reports": {\n    "notOurs": [\n      "198.51.100.1", // spam\n      "192.0.2.0/24" // ours after all?\n    ]\n  }\n}\n');
    assert.equal(remove(lines, 0), '{\n  "reports": {\n    "notOurs": [\n      "192.0.2.0/24", // ours after all?\n      "203.0.113.7" // botnet\n    ]\n  }\n}\n');
    // With trailing commas: the others keep theirs.
    assert.equal(remove('{ "reports": { "notOurs": [\n  "a",\n  "b",\n] } }', 1), '{ "reports": { "notOurs": [\n  "a",\n] } }');
    // On one line.
    const one = '{ "reports": { "notOurs": ["198.51.100.1", "192.0.2.0/24", "203.0.113.7"] } }';
    assert.equal(remove(one, 1), '{ "reports": { "notOurs": ["198.51.100.1", "203.0.113.7"] } }');
    assert.equal(remove(one, 2), '{ "reports": { "notOurs": ["198.51.100.1", "192.0.2.0/24"] } }');
    assert.equal(remove('{ "reports": { "notOurs": ["192.0.2.0/24"] } }', 0), '{ "reports": { "notOurs": [] } }');
    // CRLF.
    assert.equal(remove('{\r\n  "reports": { "notOurs": [\r\n    "a",\r\n    "b"\r\n  ] }\r\n}\r\n', 1), '{\r\n  "reports": { "notOurs": [\r\n    "a"\r\n  ] }\r\n}\r\n');
    assert.equal(remove(one, 3), undefined);
  });

  it('reports an unknown format or a bad pattern list in `include`', () => {
    const text = '{ "include": { "bind": ["*.txt"], "zone": "*.txt" } }';
    const { problems } = parseConfig(text, 'c.json');
    assert.deepEqual(problems.map((p) => text.slice(p.range.start, p.range.end)), ['"bind"', '"*.txt"']);
    assert.match(problems[0].message, /Unknown format `bind`; `include` knows zone, terraform, cloudformation, octodns, dnscontrol/);
  });
});
