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
