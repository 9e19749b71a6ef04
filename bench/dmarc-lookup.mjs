// `dmarc-lens dmarc` benchmark: DMARC policy discovery for names of 3 to 10 labels over a loopback DNS
// server whose every answer takes 20 ms (test/dns-server.ts). The tree walk reads up to eight `_dmarc`
// names; a receiver asks them one after another (about 20 ms each), dmarcLookup asks them all at once
// (about one answer's time, plus the existence query it sends beside them). Beside it: the same lookup
// with one query in flight (the sequential baseline), mailauth's discoverPolicy (node:dns, one name
// after another) when installed, and the whole `dmarc-lens dmarc --dns` process.
// Usage: npm run bench:dmarc
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promises as dnsp } from 'node:dns';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { startDnsServer } = require(path.join(root, 'out/test/dns-server.js'));
const { LiveResolver } = require(path.join(root, 'out/server/src/dns/live.js'));
const { ChainResolver } = require(path.join(root, 'out/server/src/dns/chain.js'));
const { lookupDmarc } = require(path.join(root, 'out/server/src/dmarcLookup.js'));
const DELAY = 20;
const RUNS = 7;

const zone = {
  '_dmarc.org.test': [{ type: 'TXT', data: 'v=DMARC1; p=reject; sp=quarantine; rua=mailto:d@org.test' }],
  'org.test': [{ type: 'A', data: '192.0.2.1' }],
  'a.b.c.d.e.f.g.h.org.test': [{ type: 'A', data: '192.0.2.1' }],
};
const names = ['org.test', 'www.org.test', 'a.b.c.d.e.f.g.h.org.test'];
const server = await startDnsServer(zone, { delayMs: DELAY });
/** Queries the server received so far (the existence query goes out beside the `_dmarc` names, needed or not). */
const asked = () => [...server.queries.values()].reduce((a, b) => a + b, 0);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function time(label, fn) {
  const row = [];
  for (const name of names) {
    const ms = [];
    let note = '';
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      note = await fn(name);
      ms.push(performance.now() - t0);
    }
    row.push(`${name.split('.').length} labels ${median(ms).toFixed(0).padStart(4)} ms${note ? ` (${note})` : ''}`);
  }
  console.log(`${label.padEnd(36)} ${row.join(' | ')}`);
}

console.log(`every answer delayed ${DELAY} ms; median of ${RUNS} runs, a fresh resolver (no cache) each run`);
const chain = (maxConcurrent) => new ChainResolver(undefined, new LiveResolver({ servers: [`127.0.0.1:${server.port}`], timeoutMs: 2000, maxConcurrent }), undefined);
await time('dmarcLookup (all names at once)', async (n) => {
  const before = asked();
  const r = await lookupDmarc(n, chain(16));
  return `${asked() - before} queries, p=${r.policy?.value}`;
});
await time('dmarcLookup, 1 query in flight', async (n) => {
  const before = asked();
  await lookupDmarc(n, chain(1));
  return `${asked() - before} queries`;
});
const MAILAUTH = process.env.DL_MAILAUTH ?? '/var/cache/dmarc-lens-oracles/mailauth/node_modules/mailauth';
const file = path.join(MAILAUTH, 'lib', 'dmarc', 'get-dmarc-record.js');
if (existsSync(file)) {
  const oracle = require(file);
  await time('mailauth discoverPolicy (node:dns)', async (n) => {
    const resolver = new dnsp.Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers([`127.0.0.1:${server.port}`]);
    const lookup = oracle.createRecordLookup((name, type) => resolver.resolve(name, type));
    const before = asked();
    const d = await oracle.discoverPolicy(n, lookup);
    return `${asked() - before} queries, applied at ${d.recordDomain}`;
  });
} else console.log(`mailauth comparison skipped: not installed at ${MAILAUTH}`);
const cli = path.join(root, 'dist', 'cli.js');
const whole = [];
for (let i = 0; i < RUNS; i++) {
  const t0 = performance.now();
  await new Promise((resolve) => {
    const { spawn } = require('node:child_process');
    const p = spawn(process.execPath, [cli, 'dmarc', names[2], '--dns', `127.0.0.1:${server.port}`], { stdio: 'ignore' });
    p.on('close', resolve);
  });
  whole.push(performance.now() - t0);
}
const bare = [];
for (let i = 0; i < RUNS; i++) {
  const t0 = performance.now();
  spawnSync(process.execPath, [cli, '--version']);
  bare.push(performance.now() - t0);
}
console.log(`whole process, dmarc-lens dmarc ${names[2]} --dns: median ${median(whole).toFixed(0)} ms (dmarc-lens --version alone: ${median(bare).toFixed(0)} ms)`);
await server.close();
process.exit(0);
