// Host names of report sources (report --hosts): the 200 sources with most mail of a generated report
// (../shared/tools/bench/gen_report.js, 20 000 records), named by PTR records that a real authoritative
// server (Knot via ../shared/tools/dns-lab/serve-zones.sh) serves, behind the slow-DNS proxy
// (../shared/tools/bench/slow_dns.js) that delays every answer by --delay ms (default 20). Of the sources:
// half have a PTR whose name's A/AAAA record holds the address again (confirmed), a quarter a PTR whose
// name points elsewhere (unconfirmed), a quarter none (NXDOMAIN). Prints the whole-process wall time of
// `report` with and without --hosts (median of --runs, default 3), what was named, and the queries the
// proxy saw (each name asked once a run).
// Usage: npm run build && node bench/source-hosts.mjs [--delay MS] [--runs N]   (as root: serve-zones.sh)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const arg = (name, def) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? Number(argv[i + 1]) : def; };
const delay = arg('delay', 20);
const runs = arg('runs', 3);
const shared = path.resolve(root, '..', 'shared', 'tools');
const gen = path.join(shared, 'bench', 'gen_report.js');
const proxy = path.join(shared, 'bench', 'slow_dns.js');
const serve = path.join(shared, 'dns-lab', 'serve-zones.sh');
for (const f of [gen, proxy, serve]) if (!existsSync(f)) { console.error(`bench: ${f} not found`); process.exit(2); }
const dir = path.join(root, 'bench', '.data');
mkdirSync(dir, { recursive: true });
const report = path.join(dir, 'r20k.xml');
if (!existsSync(report)) spawnSync(process.execPath, [gen, '--records', '20000', '--seed', '1', '--out', report], { stdio: 'inherit' });
const cli = path.join(root, 'dist', 'cli.js');

// The 200 sources with most mail, as report --hosts picks them (summary.byIp is sorted by messages).
const json = JSON.parse(spawnSync(process.execPath, [cli, 'report', report, '--format', 'json'], { encoding: 'utf8', maxBuffer: 1 << 30 }).stdout);
const top = json.summary.byIp.slice(0, 200).map((x) => x.ip);
const zones = path.join(dir, 'hosts-zones');
rmSync(zones, { recursive: true, force: true });
mkdirSync(zones);
const v4 = [];
const v6 = [];
const fwd = [];
const nibbles = (ip) => {
  const [head, tail = ''] = ip.split('::');
  const parts = (s) => (s ? s.split(':') : []);
  const full = [...parts(head), ...Array(8 - parts(head).length - parts(tail).length).fill('0'), ...parts(tail)].map((g) => g.padStart(4, '0')).join('');
  return [...full].reverse().join('.');
};
top.forEach((ip, i) => {
  if (i % 4 === 3) return; // no PTR
  const name = `src-${i}.hosts.bench.`;
  if (ip.includes(':')) v6.push(`${nibbles(ip)}.ip6.arpa. PTR ${name}`);
  else v4.push(`${ip.split('.').reverse().join('.')}.in-addr.arpa. PTR ${name}`);
  // Confirmed for the even ones; the odd ones' names point elsewhere.
  fwd.push(`${name} ${ip.includes(':') ? 'AAAA' : 'A'} ${i % 2 === 0 ? ip : ip.includes(':') ? '2001:db8::dead' : '192.0.2.254'}`);
});
writeFileSync(path.join(zones, 'in-addr.arpa.zone'), `$TTL 3600\n${v4.join('\n')}\n`);
writeFileSync(path.join(zones, 'ip6.arpa.zone'), `$TTL 3600\n${v6.join('\n')}\n`);
writeFileSync(path.join(zones, 'hosts.bench.zone'), `$TTL 3600\n${fwd.join('\n')}\n`);

const port = 5397;
const proxyPort = 5497;
const started = spawnSync('bash', [serve, zones, String(port)], { encoding: 'utf8' });
if (started.status !== 0) { console.error(`bench: serve-zones.sh failed: ${started.stderr}`); process.exit(2); }
const log = path.join(dir, 'hosts-proxy.json');
const slow = spawn(process.execPath, [proxy, '--listen', String(proxyPort), '--upstream', String(port), '--delay', String(delay), '--log', log], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 500));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = (args) => {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [cli, 'report', report, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, out: r.stdout };
};
try {
  const plain = [];
  const hosts = [];
  let last;
  for (let i = 0; i < runs; i++) {
    plain.push(time(['--format', 'json']).ms);
    last = time(['--format', 'json', '--hosts', '--dns', `127.0.0.1:${proxyPort}`]);
    hosts.push(last.ms);
  }
  const named = JSON.parse(last.out).summary.sourceHosts;
  const confirmed = Object.values(named.hosts).filter((h) => h.confirmed).length;
  console.log(`report of ${json.summary.reports} report, ${json.reports[0].records} records, ${json.summary.byIp.length} sources (${path.relative(root, report)})`);
  console.log(`report --format json: median ${median(plain).toFixed(0)} ms; with --hosts at ${delay} ms per DNS answer: median ${median(hosts).toFixed(0)} ms (+${(median(hosts) - median(plain)).toFixed(0)} ms), ${runs} runs`);
  console.log(`named ${Object.keys(named.hosts).length} of ${named.asked} (${confirmed} confirmed), ${named.unnamed} without a PTR, ${named.unanswered} unanswered`);
} finally {
  slow.kill();
  await new Promise((r) => setTimeout(r, 300));
  spawnSync('bash', [serve, 'stop', String(port)]);
}
if (existsSync(log)) {
  try {
    const l = JSON.parse(readFileSync(log, 'utf8'));
    // The proxy counts over every run: a name asked once per run shows `runs` times.
    const repeats = Object.values(l.repeated ?? {});
    console.log(`proxy: ${l.queries ?? l.total} queries over ${runs} runs (${((l.queries ?? l.total) / runs).toFixed(0)} a run), ${repeats.filter((n) => n > runs).length} names asked more than once in a run, at most ${l.max_inflight} in flight`);
  } catch {
    // the proxy's log is optional
  }
}
