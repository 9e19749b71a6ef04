// The RFC 7208 test suite through a real DNS server: each scenario prepared by
// ../shared/tools/dns-lab/spf-suite-dns.sh --keep DIR (a root zone + tests.tsv) is served by Knot on
// loopback (serve-zones.sh), and `dmarc-lens spf DOMAIN --ip … --dns 127.0.0.1:PORT` answers every
// case. Prints the agreement, to set beside pyspf (197/203), Mail::SPF (192) and libspf2 (110).
// Usage: ../shared/tools/dns-lab/spf-suite-dns.sh --keep /tmp/suite-dns --no-libspf2
//        node bench/spf-suite-dns.mjs /tmp/suite-dns [PORT]
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = process.argv[2] ?? '/tmp/suite-dns';
const port = process.argv[3] ?? '5311';
const lab = path.resolve(root, '..', 'shared', 'tools', 'dns-lab');
const cli = path.join(root, 'dist', 'cli.js');
let agree = 0;
let total = 0;
const differ = [];
for (const scenario of readdirSync(dir).sort()) {
  const sdir = path.join(dir, scenario);
  const tsv = readFileSync(path.join(sdir, 'tests.tsv'), 'utf8').trim().split('\n');
  execFileSync('bash', [path.join(lab, 'serve-zones.sh'), sdir, port], { stdio: ['ignore', 'ignore', 'ignore'] });
  for (const line of tsv) {
    const [id, ip, mailfrom, helo, expected] = line.split('\t');
    const sender = mailfrom === '' ? `postmaster@${helo}` : mailfrom;
    const domain = sender.slice(sender.lastIndexOf('@') + 1) || helo;
    const r = spawnSync(process.execPath, [cli, 'spf', domain || '.', '--ip', ip, '--sender', mailfrom, '--helo', helo, '--dns', `127.0.0.1:${port}`, '--timeout', '1000', '--format', 'json'], { encoding: 'utf8' });
    let result = `exit ${r.status}: ${r.stderr.trim()}`;
    try {
      result = JSON.parse(r.stdout).result;
    } catch {
      /* keep the error text */
    }
    total++;
    if (expected.split(/[|,]/).includes(result)) agree++;
    else differ.push(`${scenario}/${id}: expected ${expected}, got ${result}`);
  }
}
execFileSync('bash', [path.join(lab, 'serve-zones.sh'), 'stop', port], { stdio: 'ignore' });
console.log(differ.join('\n'));
console.log(`dmarc-lens agrees with the suite on ${agree} of ${total} cases through DNS (Knot on 127.0.0.1:${port})`);
