/** Walking folders for the files to read: symbolic links followed, each file read once. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { collectFiles, collectReportFiles } from '../server/src/files';
import { analyzeZone } from '../server/src/service';

describe('collectFiles', () => {
  it('follows links to files and folders, once each, reads a linked file once by its own path, and skips dangling links and loops', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-files-'));
    const ws = path.join(root, 'ws');
    const outside = path.join(root, 'outside');
    fs.mkdirSync(path.join(ws, 'zones'), { recursive: true });
    fs.mkdirSync(path.join(ws, 'linked'));
    fs.mkdirSync(path.join(outside, 'more'), { recursive: true });
    const zone = '$ORIGIN example.com.\n@ IN TXT "v=spf1 -all"\n_dmarc IN TXT "v=DMARC1; p=reject; rua=mailto:d@example.com"\n';
    fs.writeFileSync(path.join(ws, 'zones', 'db.example.com'), zone);
    fs.writeFileSync(path.join(outside, 'example.net.zone'), '$ORIGIN example.net.\n@ IN TXT "v=spf1 -all"\n');
    fs.writeFileSync(path.join(outside, 'more', 'example.org.zone'), '$ORIGIN example.org.\n@ IN TXT "v=spf1 -all"\n');
    // BIND-style: the zone linked into place (read once, by its own path); a zone and a folder from elsewhere.
    fs.symlinkSync(path.join('..', 'zones', 'db.example.com'), path.join(ws, 'linked', 'db.example.com'));
    fs.symlinkSync(path.join(outside, 'example.net.zone'), path.join(ws, 'example.net.zone'));
    fs.symlinkSync(path.join(outside, 'more'), path.join(ws, 'more'));
    // A loop back up the tree, and a link to nothing.
    fs.symlinkSync('..', path.join(ws, 'zones', 'up'));
    fs.symlinkSync(path.join(root, 'gone.zone'), path.join(ws, 'gone.zone'));
    const { files, errors } = collectFiles([ws]);
    assert.deepEqual(errors, []);
    assert.deepEqual(files.map((f) => path.relative(ws, f)), ['example.net.zone', 'more/example.org.zone', 'zones/db.example.com']);
    // Given twice (a folder and a file in it, or the same file by a link): still once.
    assert.deepEqual(collectFiles([path.join(ws, 'zones'), path.join(ws, 'zones', 'db.example.com'), path.join(ws, 'linked', 'db.example.com')]).files, [path.join(ws, 'zones', 'db.example.com')]);
    // Read once, the zone has one SPF record at example.com, not two across files.
    assert.deepEqual(analyzeZone(zone, files[2]).findings.filter((f) => f.rule === 'spf/multiple-records'), []);
  });

  it('finds reports through links too, each report once', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-rfiles-'));
    const reports = path.join(root, 'reports');
    const archive = path.join(root, 'archive');
    fs.mkdirSync(reports);
    fs.mkdirSync(archive);
    fs.writeFileSync(path.join(archive, 'a.xml'), '<feedback/>');
    fs.writeFileSync(path.join(reports, 'b.xml.gz'), '');
    fs.symlinkSync(archive, path.join(reports, 'archive'));
    fs.symlinkSync(path.join(archive, 'a.xml'), path.join(reports, 'same-as-a.xml'));
    fs.symlinkSync('.', path.join(reports, 'self'));
    assert.deepEqual(collectReportFiles(reports).map((f) => path.relative(reports, f)), ['archive/a.xml', 'b.xml.gz']);
  });
});

describe('DNSControl configurations split over files', () => {
  it('collects what dnsconfig.js loads with require() and require_glob(), theirs in turn, each once', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-dnsc-split-'));
    fs.mkdirSync(path.join(dir, 'domains', 'more'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'flat', 'deep'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'dnsconfig.js'), 'require("./domains/a.example");\nrequire(\'./lib.js\');\nrequire("lodash");\nrequire("./missing.js");\nrequire_glob("./flat/", false);\n');
    fs.writeFileSync(path.join(dir, 'lib.js'), 'var X = 1;\nrequire("./dnsconfig.js");\n');
    fs.writeFileSync(path.join(dir, 'domains', 'a.example.js'), 'require_glob("./more/");\nD("a.example", R, DnsProvider(P), TXT("@", "v=spf1 -all"));\n');
    fs.writeFileSync(path.join(dir, 'domains', 'more', 'b.example.js'), 'D("b.example", R, DnsProvider(P), TXT("@", "v=spf1 +all"));\n');
    fs.writeFileSync(path.join(dir, 'flat', 'c.example.js'), 'D("c.example", R);\n');
    fs.writeFileSync(path.join(dir, 'flat', 'deep', 'not-loaded.js'), 'D("d.example", R);\n');
    fs.writeFileSync(path.join(dir, 'unrelated.js'), 'D("e.example", R);\n');
    const { files, errors } = collectFiles([dir]);
    assert.deepEqual(errors, []);
    assert.deepEqual(files.map((f) => path.relative(dir, f)).sort(), ['dnsconfig.js', 'domains/a.example.js', 'domains/more/b.example.js', 'flat/c.example.js', 'lib.js']);
    // A loaded file is read as DNSControl by its content; the one without D() gives nothing.
    const b = analyzeZone(fs.readFileSync(path.join(dir, 'domains', 'more', 'b.example.js'), 'utf8'), path.join(dir, 'domains', 'more', 'b.example.js'));
    assert.ok(b.findings.some((f) => f.rule === 'spf/plus-all'));
    assert.deepEqual(analyzeZone('var X = 1;\n', path.join(dir, 'lib.js')).findings, []);
    // A script named on the command line that is no DNSControl file does not bring in its modules.
    fs.writeFileSync(path.join(dir, 'build.js'), 'const util = require("./util.js");\n');
    fs.writeFileSync(path.join(dir, 'util.js'), 'module.exports = {};\n');
    assert.deepEqual(collectFiles([path.join(dir, 'build.js')]).files.map((f) => path.basename(f)), ['build.js']);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads a JavaScript file named on the command line as DNSControl when it calls D(), else only its record-like strings, never as a zone file', () => {
    const d = analyzeZone('D("x.example", R, DnsProvider(P),\n  TXT("@", "v=spf1 +all"),\nEND);\n', 'zones/x.example.js');
    assert.equal(d.zone.format, 'dnscontrol');
    assert.ok(d.findings.some((f) => f.rule === 'spf/plus-all'));
    const plain = analyzeZone('const spf = "v=spf1 +all";\nfunction f() { return 1; }\n', 'scripts/build.js');
    assert.ok(!plain.findings.some((f) => f.rule.startsWith('zone/')), JSON.stringify(plain.findings.map((f) => f.rule)));
    assert.ok(plain.findings.some((f) => f.rule === 'spf/plus-all'));
  });
});

describe('report files', () => {
  it('collects mailbox files (.mbox) beside .xml, .gz, .zip and .eml reports', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-mbox-'));
    for (const f of ['a.xml', 'b.xml.gz', 'c.zip', 'd.eml', 'Inbox.mbox', 'notes.txt']) fs.writeFileSync(path.join(dir, f), 'x');
    assert.deepEqual(collectReportFiles(dir).map((f) => path.basename(f)).sort(), ['Inbox.mbox', 'a.xml', 'b.xml.gz', 'c.zip', 'd.eml']);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
