#!/usr/bin/env node
// Refreshes the bundled offline snapshot of the sending platforms' SPF records
// (server/src/dns/spf-snapshot.json): every SPF include of the provider catalog, and everything its
// record includes or redirects to, read through live DNS. Needs `tsc -p .` first (npm run snapshot).
// Usage: node scripts/refresh-spf-snapshot.mjs [--dns HOST:PORT] [--out FILE] [--timeout MS]
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { LiveResolver } = require(path.join(root, 'out', 'server', 'src', 'dns', 'live.js'));
const { takeSnapshot, catalogIncludes } = require(path.join(root, 'out', 'server', 'src', 'dns', 'snapshot.js'));

const argv = process.argv.slice(2);
const opt = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const dns = opt('--dns');
const out = path.resolve(opt('--out') ?? path.join(root, 'server', 'src', 'dns', 'spf-snapshot.json'));
const roots = opt('--roots')?.split(',') ?? catalogIncludes();
const resolver = new LiveResolver({ servers: dns ? [dns] : undefined, timeoutMs: Number(opt('--timeout') ?? 3000) });
const snap = await takeSnapshot(resolver, roots, dns ?? 'system resolvers');
const { errors, ...data } = snap;
const failed = Object.keys(errors);
if (Object.keys(data.txt).length === 0) {
  console.error(`refresh-spf-snapshot: no record could be read (${failed.length} errors, e.g. ${failed.slice(0, 3).map((n) => `${n}: ${errors[n]}`).join('; ')}); ${out} left as it was`);
  process.exit(1);
}
writeFileSync(out, JSON.stringify(data, null, 2) + '\n');
console.log(`refresh-spf-snapshot: ${Object.keys(data.txt).length} names with TXT records, ${data.missing.length} missing, ${failed.length} unreadable${failed.length ? ` (${failed.slice(0, 5).join(', ')})` : ''}; written to ${path.relative(process.cwd(), out)} at ${data.taken}`);
