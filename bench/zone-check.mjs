// Benchmark: `dmarc-lens check` on a generated 100 000-record zone (10% SPF, 3% DMARC, 3% DKIM) from
// ../shared/tools/bench/gen_zone.js, against named-checkzone on the same file when BIND is installed.
// Prints medians of whole-process wall time over RUNS runs (default 5) and peak RSS, also for the zone
// reader alone (the work named-checkzone does: records and their syntax, no policy analysis), and for a
// floor: a process that only reads the file, picks the quoted strings out of each line and runs the
// SPF/DMARC/DKIM parsers on the joined values, with no record model, rules, SPF trees or output.
// Usage: npm run bench [-- --records N --runs R]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const records = Number(args.records ?? 100000);
const runs = Number(args.runs ?? 5);
const gen = path.resolve(root, '..', 'shared', 'tools', 'bench', 'gen_zone.js');
const local = path.join(root, 'bench', 'gen_zone.js');
const generator = existsSync(gen) ? gen : local;
if (!existsSync(generator)) {
  console.error(`bench: workload generator not found at ${gen}`);
  process.exit(2);
}
const dir = path.join(root, 'bench', '.data');
mkdirSync(dir, { recursive: true });
const zone = path.join(dir, `big-${records}.zone`);
if (!existsSync(zone)) spawnSync(process.execPath, [generator, '--records', String(records), '--seed', '1', '--origin', 'big.example.', '--out', zone], { stdio: 'inherit' });

function time(cmd, argv) {
  const samples = [];
  let rss = 0;
  let last;
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    last = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...argv], { encoding: 'utf8', maxBuffer: 1 << 30 });
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
    const m = /(\d+)\s*$/.exec(last.stderr);
    if (m) rss = Math.max(rss, Number(m[1]));
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(samples.length / 2)], min: samples[0], rssMiB: rss / 1024, last };
}

const cli = path.join(root, 'dist', 'cli.js');
const ours = time(process.execPath, [cli, 'check', zone, '--format', 'json', '--offline']);
// The part of the work named-checkzone also does: read every record and check its syntax, in a whole
// process of its own (the zone reader bundled alone), without the SPF/DMARC/DKIM analysis.
const reader = path.join(dir, 'read-zone.js');
const { buildSync } = await import('esbuild');
buildSync({
  stdin: {
    contents: "import { readFileSync } from 'node:fs';\nimport { parseZone } from './server/src/sources/zonefile';\nconst z = parseZone(readFileSync(process.argv[2], 'utf8'), process.argv[2], { origin: process.argv[3] });\nconsole.log(JSON.stringify({ records: z.records.length, problems: z.problems.length }));\n",
    resolveDir: root,
    loader: 'ts',
  },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  outfile: reader,
  logLevel: 'error',
});
const readOnly = time(process.execPath, [reader, zone, 'big.example']);
// The floor: the least any process that checks these policy records does (start-up, reading, parsing
// them), whatever its data model. What named-checkzone's time leaves after it is the budget for the
// full zone reader, the rules, the SPF trees and the output.
const floor = path.join(dir, 'parse-floor.js');
buildSync({
  stdin: {
    contents: [
      "import { readFileSync } from 'node:fs';",
      "import { isSpfRecord, parseSpf } from './server/src/records/spf';",
      "import { isDmarcRecord, parseDmarc } from './server/src/records/dmarc';",
      "import { looksLikeDkim, parseDkim } from './server/src/records/dkim';",
      'const text = readFileSync(process.argv[2], "utf8");',
      'const strings = /"((?:[^"\\\\]|\\\\.)*)"/g;',
      'const n = { spf: 0, dmarc: 0, dkim: 0 };',
      'for (let i = 0; i < text.length; ) {',
      '  let nl = text.indexOf("\\n", i);',
      '  if (nl < 0) nl = text.length;',
      '  const q = text.indexOf("\\"", i);',
      '  if (q >= 0 && q < nl) {',
      '    let v = "";',
      '    strings.lastIndex = q;',
      '    for (let m; (m = strings.exec(text)) && m.index < nl; ) v += m[1];',
      '    if (isSpfRecord(v)) { parseSpf(v); n.spf++; } else if (isDmarcRecord(v)) { parseDmarc(v); n.dmarc++; } else if (looksLikeDkim(v)) { parseDkim(v); n.dkim++; }',
      '  }',
      '  i = nl + 1;',
      '}',
      'console.log(JSON.stringify(n));',
    ].join('\n'),
    resolveDir: root,
    loader: 'ts',
  },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  outfile: floor,
  logLevel: 'error',
});
const parseOnly = time(process.execPath, [floor, zone]);
const findings = JSON.parse(ours.last.stdout).files.reduce((n, f) => n + f.diagnostics.length, 0);
console.log(`zone: ${zone} (${(statSync(zone).size / 1e6).toFixed(1)} MB, ${records} records)`);
console.log(`dmarc-lens check: median ${ours.median.toFixed(0)} ms, min ${ours.min.toFixed(0)} ms, peak RSS ${ours.rssMiB.toFixed(0)} MiB, ${findings} findings (${runs} runs)`);
const read = JSON.parse(readOnly.last.stdout);
console.log(`zone reader alone: median ${readOnly.median.toFixed(0)} ms, min ${readOnly.min.toFixed(0)} ms, peak RSS ${readOnly.rssMiB.toFixed(0)} MiB (${read.records} records, ${read.problems} problems)`);
const counts = JSON.parse(parseOnly.last.stdout);
console.log(`floor (read + parse the policy records only): median ${parseOnly.median.toFixed(0)} ms, min ${parseOnly.min.toFixed(0)} ms, peak RSS ${parseOnly.rssMiB.toFixed(0)} MiB (${counts.spf} SPF, ${counts.dmarc} DMARC, ${counts.dkim} DKIM)`);
const checkzone = ['/usr/bin/named-checkzone', '/usr/sbin/named-checkzone'].find(existsSync);
if (checkzone) {
  const bind = time(checkzone, ['-i', 'local', 'big.example', zone]);
  console.log(`named-checkzone:  median ${bind.median.toFixed(0)} ms, min ${bind.min.toFixed(0)} ms, peak RSS ${bind.rssMiB.toFixed(0)} MiB`);
  console.log(`ratio: dmarc-lens / named-checkzone = ${(ours.median / bind.median).toFixed(2)}; zone reader alone / named-checkzone = ${(readOnly.median / bind.median).toFixed(2)}; floor / named-checkzone = ${(parseOnly.median / bind.median).toFixed(2)}`);
} else {
  console.log('named-checkzone: not installed (apt-get install bind9-utils), no comparison');
}
