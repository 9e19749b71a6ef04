// `dmarc-lens drift` benchmark: the generated 100 000-record zone (bench/.data, as `npm run bench`
// makes it) against a loopback DNS server (test/dns-server.ts) that serves its TXT records, one in ten
// policy records changed, with every answer delayed by 0 and by 20 ms. Times the whole `drift` process
// (read, then every policy name asked, 64 queries in flight) and says how many names it compared.
// Usage: npm run bench:drift [-- --records N]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const records = Number(args[args.indexOf('--records') + 1] || 100000) || 100000;
const { startDnsServer } = require(path.join(root, 'out/test/dns-server.js'));
const { readZone } = require(path.join(root, 'out/server/src/service.js'));
const file = path.join(root, 'bench', '.data', `big-${records}.zone`);
if (!existsSync(file)) {
  const gen = path.resolve(root, '..', 'shared', 'tools', 'bench', 'gen_zone.js');
  spawnSync(process.execPath, [gen, '--records', String(records), '--seed', '1', '--origin', 'big.example.', '--out', file], { stdio: 'inherit' });
}
const z = readZone(readFileSync(file, 'utf8'), file);
const served = {};
let policy = 0;
for (const s of z.sites) {
  if (!s.kind) continue;
  policy++;
  // One in ten changed at the "DNS host".
  const value = policy % 10 === 0 ? `${s.site.value} ` : s.site.value;
  // As DNS serves it: character-strings of at most 255 bytes.
  (served[s.site.owner] ??= []).push({ type: 'TXT', data: value.match(/[^]{1,255}/g) });
}
console.log(`zone: ${file} (${records} records, ${policy} policy records at ${Object.keys(served).length} names)`);
for (const delayMs of [0, 20]) {
  const server = await startDnsServer(served, { delayMs });
  const t0 = performance.now();
  const out = await new Promise((resolve) => {
    const p = spawn(process.execPath, [path.join(root, 'dist', 'cli.js'), 'drift', file, '--dns', `127.0.0.1:${server.port}`, '--format', 'json'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let s = '';
    p.stdout.on('data', (d) => (s += d));
    p.on('close', (code) => resolve({ code, s }));
  });
  const ms = performance.now() - t0;
  const j = JSON.parse(out.s);
  const by = {};
  for (const n of j.names) by[n.status] = (by[n.status] ?? 0) + 1;
  console.log(`answers delayed ${String(delayMs).padStart(2)} ms: drift ${ms.toFixed(0)} ms, exit ${out.code}, ${j.names.length} names: ${Object.entries(by).map(([k, v]) => `${k} ${v}`).join(', ')}; max in flight at the server ${server.maxInflight}`);
  await server.close();
}
process.exit(0);
