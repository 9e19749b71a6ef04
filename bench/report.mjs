// Aggregate report benchmark: a 100 MB report (133 158 records, ../shared/tools/bench/gen_report.js)
// read and summed by `dmarc-lens report`; whole-process wall time and peak RSS, median of 3 runs.
// Reference figures on the same workload (bench README): saxes count-only 1.7 s / 150 MB,
// dmarc-cat 6.2 s / 424 MiB, fast-xml-parser whole document 11.1 s / 1.2 GiB, Mail::DMARC 27.6 s.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const gen = path.resolve(root, '..', 'shared', 'tools', 'bench', 'gen_report.js');
const dir = path.join(root, 'bench', '.data');
mkdirSync(dir, { recursive: true });
const file = path.join(dir, 'r100m.xml');
if (!existsSync(file)) spawnSync(process.execPath, [gen, '--records', '133158', '--seed', '1', '--out', file], { stdio: 'inherit' });
const runs = [];
for (let i = 0; i < 3; i++) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, path.join(root, 'dist', 'cli.js'), 'report', file], { encoding: 'utf8' });
  const [s, kb] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  runs.push({ s, mib: kb / 1024 });
}
runs.sort((a, b) => a.s - b.s);
console.log(`dmarc-lens report on a 100 MB report: median ${runs[1].s.toFixed(2)} s, peak RSS ${runs[1].mib.toFixed(0)} MiB (3 runs)`);
