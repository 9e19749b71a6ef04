// SPF lookup-tree benchmark: the 60-name include tree of ../shared/tools/bench/gen_spf_tree.py
// (preset main: depth 4, 78 lookups, 69 distinct queries) served on loopback with every answer
// delayed by 20 ms. A level-parallel, de-duplicating walk should take about (depth + 1) x 20 ms;
// the sequential baseline (one query at a time) about 69 x 20 ms. With ../shared/tools/dns-lab
// installed, pyspf's oracle-lookups.sh is timed on the same tree behind slow_dns.js for comparison.
// Usage: npm run bench:spf
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { startDnsServer } = require(path.join(root, 'out/test/dns-server.js'));
const { LiveResolver } = require(path.join(root, 'out/server/src/dns/live.js'));
const { lookupTree } = require(path.join(root, 'out/server/src/spf/tree.js'));
const { parseZone } = require(path.join(root, 'out/server/src/sources/zonefile.js'));

const shared = path.resolve(root, '..', 'shared', 'tools');
const out = path.join(root, 'bench', '.data', 'spf-tree');
spawnSync('python3', [path.join(shared, 'bench', 'gen_spf_tree.py'), out, '--preset', 'main'], { stdio: 'ignore' });
const zoneFile = path.join(out, 'tree.example.test.zone');
if (!existsSync(zoneFile)) {
  console.error('bench: gen_spf_tree.py did not produce a zone (is ../shared/tools/bench there?)');
  process.exit(2);
}
const zone = parseZone(readFileSync(zoneFile, 'utf8'), zoneFile);
const records = {};
for (const r of zone.records) {
  if (!['TXT', 'A', 'AAAA', 'MX'].includes(r.type)) continue;
  (records[r.owner] ??= []).push({ type: r.type, data: r.type === 'TXT' ? r.site.value : r.rdata.join(' ') });
}
const DELAY = 20;

async function run(label, maxConcurrent) {
  const server = await startDnsServer(records, { delayMs: DELAY });
  const resolver = new LiveResolver({ servers: [`127.0.0.1:${server.port}`], timeoutMs: 2000, maxConcurrent });
  const t0 = performance.now();
  const tree = await lookupTree('tree.example.test', resolver);
  const ms = performance.now() - t0;
  const queries = [...server.queries.values()].reduce((a, b) => a + b, 0);
  const repeated = [...server.queries.values()].filter((n) => n > 1).length;
  console.log(`${label.padEnd(34)} ${ms.toFixed(0).padStart(5)} ms, ${queries} queries (${repeated} names asked twice), max in flight ${server.maxInflight}; ${tree.lookups} lookups counted, ${tree.diagnostics.filter((d) => d.rule === 'spf/too-many-lookups').length ? 'too-many-lookups reported' : 'no limit finding'}`);
  await server.close();
  return ms;
}

console.log(`tree: ${zoneFile}, every answer delayed ${DELAY} ms`);
await run('dmarc-lens (level-parallel)', 16);
await run('sequential baseline (1 in flight)', 1);

const lab = path.join(shared, 'dns-lab');
if (existsSync(path.join(lab, 'oracle-lookups.sh')) && existsSync('/usr/sbin/knotd')) {
  const up = 5394;
  const slow = 5494;
  execFileSync('bash', [path.join(lab, 'serve-zones.sh'), out, String(up)], { stdio: 'ignore' });
  const proxy = spawn(process.execPath, [path.join(shared, 'bench', 'slow_dns.js'), '--listen', String(slow), '--upstream', String(up), '--delay', String(DELAY)], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 500));
  const t0 = performance.now();
  const r = spawnSync('bash', [path.join(lab, 'oracle-lookups.sh'), 'tree.example.test'], { env: { ...process.env, DNS_PORT: String(slow) }, encoding: 'utf8' });
  console.log(`pyspf + Mail::SPF (oracle-lookups.sh) ${(performance.now() - t0).toFixed(0).padStart(5)} ms for both oracles, strict and lax (4 walks)\n${r.stdout.trim()}`);
  proxy.kill();
  execFileSync('bash', [path.join(lab, 'serve-zones.sh'), 'stop', String(up)], { stdio: 'ignore' });
} else {
  console.log('pyspf comparison skipped: ../shared/tools/dns-lab not installed (install.sh)');
}
process.exit(0);
