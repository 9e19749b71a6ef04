// Benchmark: `dmarc-lens check` on a generated 100 000-record zone (10% SPF, 3% DMARC, 3% DKIM) from
// ../shared/tools/bench/gen_zone.js, against named-checkzone on the same file when BIND is installed.
// Prints medians of whole-process wall time over RUNS runs (default 5, the commands taking turns run by
// run so a slow phase of the machine weighs on all alike), peak RSS and the median per-run ratio to
// named-checkzone, also for the zone reader alone (the work named-checkzone does: records and their
// syntax, no policy analysis), and for a floor: a process that only reads the file, picks the quoted
// strings out of each line and runs the SPF/DMARC/DKIM parsers on the joined values, with no record
// model, rules, SPF trees or output.
// With --sweep, also the same comparison on zones of 100, 1 000 and 10 000 records and on the bundled
// examples zone, beside a bare `node -e 0`: what any Node process pays before it reads a byte.
// Usage: npm run bench [-- --records N --runs R --sweep]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1] === undefined || all[i + 1].startsWith('--') ? 'yes' : all[i + 1]]] : acc), []));
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
/** The generated zone of `n` records (made once, kept in bench/.data). */
function generated(n) {
  const file = path.join(dir, `big-${n}.zone`);
  if (!existsSync(file)) spawnSync(process.execPath, [generator, '--records', String(n), '--seed', '1', '--origin', 'big.example.', '--out', file], { stdio: 'inherit' });
  return file;
}
const zone = generated(records);

/** One run of a command: wall time (ms), peak RSS (KiB) and its output. */
function once(cmd, argv) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...argv], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const m = /(\d+)\s*$/.exec(r.stderr);
  return { ms, rss: m ? Number(m[1]) : 0, out: r };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Runs the commands in turn, run after run (A B C D, A B C D, …), so that a slow phase of a shared
 * machine weighs on all of them alike; per command the median and minimum wall time and the peak RSS,
 * and per run the ratio of each to the last command (the reference).
 */
function interleaved(commands) {
  const stats = commands.map(() => ({ samples: [], rss: 0, last: undefined }));
  for (let i = 0; i < runs; i++)
    commands.forEach(([cmd, argv], k) => {
      const r = once(cmd, argv);
      stats[k].samples.push(r.ms);
      stats[k].rss = Math.max(stats[k].rss, r.rss);
      stats[k].last = r.out;
    });
  const ref = stats[stats.length - 1].samples;
  return stats.map((s) => ({ median: median(s.samples), min: Math.min(...s.samples), rssMiB: s.rss / 1024, last: s.last, ratio: median(s.samples.map((x, i) => x / ref[i])) }));
}

const cli = path.join(root, 'dist', 'cli.js');
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
const checkzone = ['/usr/bin/named-checkzone', '/usr/sbin/named-checkzone'].find(existsSync);
const commands = [
  [process.execPath, [cli, 'check', zone, '--format', 'json', '--offline']],
  [process.execPath, [reader, zone, 'big.example']],
  [process.execPath, [floor, zone]],
];
if (checkzone) commands.push([checkzone, ['-i', 'local', 'big.example', zone]]);
const [ours, readOnly, parseOnly, bind] = interleaved(commands);
const findings = JSON.parse(ours.last.stdout).files.reduce((n, f) => n + f.diagnostics.length, 0);
console.log(`zone: ${zone} (${(statSync(zone).size / 1e6).toFixed(1)} MB, ${records} records); ${runs} runs, the commands taking turns`);
console.log(`dmarc-lens check: median ${ours.median.toFixed(0)} ms, min ${ours.min.toFixed(0)} ms, peak RSS ${ours.rssMiB.toFixed(0)} MiB, ${findings} findings`);
const read = JSON.parse(readOnly.last.stdout);
console.log(`zone reader alone: median ${readOnly.median.toFixed(0)} ms, min ${readOnly.min.toFixed(0)} ms, peak RSS ${readOnly.rssMiB.toFixed(0)} MiB (${read.records} records, ${read.problems} problems)`);
const counts = JSON.parse(parseOnly.last.stdout);
console.log(`floor (read + parse the policy records only): median ${parseOnly.median.toFixed(0)} ms, min ${parseOnly.min.toFixed(0)} ms, peak RSS ${parseOnly.rssMiB.toFixed(0)} MiB (${counts.spf} SPF, ${counts.dmarc} DMARC, ${counts.dkim} DKIM)`);
if (bind) {
  console.log(`named-checkzone:  median ${bind.median.toFixed(0)} ms, min ${bind.min.toFixed(0)} ms, peak RSS ${bind.rssMiB.toFixed(0)} MiB`);
  console.log(`ratio to named-checkzone, median of the per-run ratios: dmarc-lens ${ours.ratio.toFixed(2)}; zone reader alone ${readOnly.ratio.toFixed(2)}; floor ${parseOnly.ratio.toFixed(2)}`);
} else {
  console.log('named-checkzone: not installed (apt-get install bind9-utils), no comparison');
}

if (args.sweep && checkzone) {
  // Smaller zones: where a Node process's own start-up is most of the time.
  console.log('\nsweep (medians, the commands taking turns):');
  console.log('zone                          records  node -e 0  dmarc-lens check  named-checkzone  ratio');
  const sized = [100, 1000, 10000].map((n) => [generated(n), n, 'big.example']);
  sized.push([path.join(root, 'examples', 'northwind.example.zone'), 39, 'northwind.example']);
  for (const [file, n, origin] of sized) {
    const [bare, check, named] = interleaved([
      [process.execPath, ['-e', '0']],
      [process.execPath, [cli, 'check', file, '--format', 'json', '--offline']],
      [checkzone, ['-i', 'local', origin, file]],
    ]);
    const name = path.relative(root, file);
    console.log(`${name.padEnd(30)}${String(n).padStart(7)}${`${bare.median.toFixed(0)} ms`.padStart(11)}${`${check.median.toFixed(0)} ms`.padStart(18)}${`${named.median.toFixed(0)} ms`.padStart(17)}${check.ratio.toFixed(1).padStart(7)}`);
  }
}
