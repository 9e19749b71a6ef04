#!/usr/bin/env node
/**
 * Random differential test of the SPF evaluator against pyspf and Mail::SPF, through a real DNS server.
 *
 *   node bench/spf-differential.mjs [--seeds 1-40] [--port 5320]
 *
 * Each seed makes a world of 12 domains with random SPF records (ip4/ip6 with and without CIDR, a, mx,
 * include, exists and a with macros, ptr, redirect, qualifiers, a second record now and then), A, AAAA
 * and MX records for some, and wildcard `exists` targets. ../shared/tools/dns-lab/serve-zones.sh serves it
 * on loopback (Knot; needs root and `install.sh`); every domain is then checked from five client
 * addresses (IPv4 and IPv6) by DMARC Lens (`checkHost`, live resolver), pyspf and Mail::SPF. It prints
 * every case where the result differs. Results only: pyspf counts lookups its own way (a redirect it
 * never follows, the first TXT query as void), and it refuses an include of the record's own domain
 * before evaluating ("trivial recursion"), where Mail::SPF and libspf2 evaluate as RFC 7208 does; those
 * cases are listed apart. Each case is also evaluated offline from the zone file itself (the workspace
 * resolver, as `dmarc-lens spf --workspace DIR --offline` does), which must give the result live DNS
 * gives: the zone is whole, so a name it lacks is NXDOMAIN and its wildcards answer (RFC 4592).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const LAB = path.resolve(ROOT, '..', 'shared', 'tools', 'dns-lab');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const [from, to] = arg('--seeds', '1-40').split('-').map(Number);
const port = Number(arg('--port', '5320'));
if (!fs.existsSync(path.join(LAB, 'serve-zones.sh'))) {
  console.error(`dns-lab not found at ${LAB}`);
  process.exit(2);
}
const { checkHost } = await import(path.join(ROOT, 'out', 'server', 'src', 'spf', 'evaluator.js'));
const { LiveResolver } = await import(path.join(ROOT, 'out', 'server', 'src', 'dns', 'live.js'));
const { ChainResolver, WorkspaceResolver } = await import(path.join(ROOT, 'out', 'server', 'src', 'dns', 'chain.js'));
const { WorkspaceIndex } = await import(path.join(ROOT, 'out', 'server', 'src', 'workspace.js'));
const { readZone } = await import(path.join(ROOT, 'out', 'server', 'src', 'service.js'));

function world(seed) {
  let s = seed;
  const rnd = () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const pick = (a) => a[Math.floor(rnd() * a.length)];
  const N = 12;
  const dom = (i) => `d${i}.example.test`;
  const lines = ['$ORIGIN example.test.', '$TTL 300', '@ IN SOA ns1 hostmaster 1 3600 600 86400 300', '@ IN NS ns1', 'ns1 IN A 127.0.0.1'];
  const q = () => pick(['', '', '', '+', '-', '~', '?']);
  const ips = ['192.0.2.1', '192.0.2.2', '192.0.2.77', '198.51.100.9', '2001:db8::1', '2001:db8::99'];
  for (let i = 0; i < N; i++) {
    const d = `d${i}`;
    if (rnd() < 0.5) lines.push(`${d} IN A ${pick(ips.slice(0, 4))}`);
    if (rnd() < 0.3) lines.push(`${d} IN AAAA ${pick(ips.slice(4))}`);
    if (rnd() < 0.4) lines.push(`${d} IN MX 10 mx.${d}`, `mx.${d} IN A ${pick(ips.slice(0, 4))}`);
    if (rnd() < 0.15) continue;
    const terms = [];
    const n = 1 + Math.floor(rnd() * 5);
    for (let k = 0; k < n; k++) {
      const other = dom(Math.floor(rnd() * N));
      switch (pick(['ip4', 'ip4', 'ip6', 'a', 'a', 'mx', 'include', 'include', 'exists', 'ptr', 'acidr', 'ip4cidr', 'macro'])) {
        case 'ip4': terms.push(`${q()}ip4:${pick(ips.slice(0, 4))}`); break;
        case 'ip4cidr': terms.push(`${q()}ip4:192.0.2.0/${pick([24, 25, 30, 32, 16])}`); break;
        case 'ip6': terms.push(`${q()}ip6:${pick(['2001:db8::1', '2001:db8::/32', '2001:db8::/64', '2001:db8:1::/48'])}`); break;
        case 'a': terms.push(`${q()}a${rnd() < 0.5 ? `:${other}` : ''}`); break;
        case 'acidr': terms.push(`${q()}a${rnd() < 0.5 ? `:${other}` : ''}/${pick([24, 16, 32])}${rnd() < 0.3 ? '//64' : ''}`); break;
        case 'mx': terms.push(`${q()}mx${rnd() < 0.5 ? `:${other}` : ''}${rnd() < 0.2 ? '/24' : ''}`); break;
        case 'include': terms.push(`${q()}include:${other}`); break;
        case 'exists': terms.push(`${q()}exists:${pick([`%{i}.ex.${other}`, `%{ir}.%{v}._spf.${other}`, other, `%{l}.ex.${other}`, `%{d2}.${other}`])}`); break;
        case 'ptr': terms.push(`${q()}ptr${rnd() < 0.5 ? `:${other}` : ''}`); break;
        default: terms.push(`${q()}a:${pick(['%{d}', '%{o}', '%{h}', '%{d1}', '%{s}'])}`);
      }
    }
    if (rnd() < 0.7) terms.push(`${q()}all`);
    else if (rnd() < 0.5) terms.push(`redirect=${dom(Math.floor(rnd() * N))}`);
    lines.push(`${d} IN TXT "v=spf1 ${terms.join(' ')}"`);
    if (rnd() < 0.1) lines.push(`${d} IN TXT "v=spf1 -all"`);
  }
  for (let i = 0; i < N; i++) if (rnd() < 0.5) lines.push(`*.ex.d${i} IN A 127.0.0.2`);
  const queries = [];
  for (let i = 0; i < N; i++) for (const ip of ['192.0.2.1', '192.0.2.2', '192.0.2.77', '198.51.100.9', '2001:db8::1']) queries.push([dom(i), ip, `user@${dom(i)}`, `helo.${dom(i)}`]);
  return { zone: `${lines.join('\n')}\n`, queries };
}

const PY = `
import sys, json, warnings
warnings.filterwarnings("ignore")
sys.path.insert(0, ${JSON.stringify(path.join(LAB, 'lib'))})
import labdns, spf
out = []
for d, ip, s, h in json.load(sys.stdin):
    try:
        q = spf.query(i=ip, s=s, h=h, strict=True, timeout=5)
        res, code, expl = q.check()
        out.append([res, expl])
    except Exception as e:
        out.append(["exception", str(e)])
print(json.dumps(out))
`;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-spfdiff-'));
const env = { ...process.env, DNS_PORT: String(port) };
let cases = 0;
let agreePy = 0;
let agreePl = 0;
const recursion = [];
const differ = [];
let agreeOffline = 0;
let offlineOutside = 0;
const offlineDiffer = [];
const started = Date.now();
for (let seed = from; seed <= to; seed++) {
  const { zone, queries } = world(seed);
  fs.writeFileSync(path.join(dir, 'example.test.zone'), zone);
  execFileSync(path.join(LAB, 'serve-zones.sh'), [dir, String(port)], { stdio: 'ignore' });
  const py = JSON.parse(spawnSync('/usr/bin/python3', ['-c', PY], { input: JSON.stringify(queries), env, encoding: 'utf8' }).stdout);
  const pl = spawnSync(path.join(LAB, 'lib', 'mailspf_oracle.pl'), ['--batch'], { input: queries.map((x) => x.join('\t')).join('\n') + '\n', env, encoding: 'utf8' }).stdout.trim().split('\n').map((l) => l.split('\t')[0]);
  const ws = new WorkspaceIndex();
  const parsed = readZone(zone, path.join(dir, 'example.test.zone'));
  ws.set(path.join(dir, 'example.test.zone'), parsed.zone.records, parsed.sites);
  const chain = new ChainResolver(new WorkspaceResolver(ws), undefined);
  // Whether an evaluation asked for a name outside the zone (a PTR name, a single label a macro made):
  // offline, that answer is unknown, where the DNS server answered it.
  let outside = false;
  const offline = {
    resolve: async (name, type) => {
      const a = await chain.resolve(name, type);
      if (a.status === 'error') outside = true;
      return a;
    },
  };
  for (const [i, [d, ip, s, h]] of queries.entries()) {
    const ours = await checkHost({ ip, sender: s, helo: h, resolver: new LiveResolver({ servers: [`127.0.0.1:${port}`], timeoutMs: 3000 }) });
    cases++;
    const pyRes = py[i][0];
    if (pyRes === ours.result) agreePy++;
    if (pl[i] === ours.result) agreePl++;
    outside = false;
    const fromFile = await checkHost({ ip, sender: s, helo: h, resolver: offline });
    if (fromFile.result === ours.result) agreeOffline++;
    else if (outside) offlineOutside++;
    else offlineDiffer.push(`seed ${seed} ${d} ${ip}: through DNS ${ours.result} (${ours.reason}), from the zone file ${fromFile.result} (${fromFile.reason})`);
    if (pyRes !== ours.result && /trivial recursion/.test(py[i][1]) && pl[i] === ours.result) recursion.push(`seed ${seed} ${d} ${ip}`);
    else if (pyRes !== ours.result || pl[i] !== ours.result) differ.push(`seed ${seed} ${d} ${ip}: dmarc-lens ${ours.result} (${ours.reason}), pyspf ${pyRes} (${py[i][1]}), Mail::SPF ${pl[i]}`);
  }
}
spawnSync(path.join(LAB, 'serve-zones.sh'), ['stop', String(port)], { stdio: 'ignore' });
fs.rmSync(dir, { recursive: true, force: true });
for (const d of differ) console.log(d);
for (const d of offlineDiffer) console.log(d);
console.log(`seeds ${from}-${to}: ${cases} evaluations in ${((Date.now() - started) / 1000).toFixed(0)} s; same result as pyspf ${agreePy} (${recursion.length} more where only pyspf refuses an include of the domain itself), as Mail::SPF ${agreePl}; ${differ.length} other differences; offline from the zone file, the same result as through DNS ${agreeOffline} (${offlineDiffer.length} different; ${offlineOutside} more that ask for a name outside the zone, unknown offline)`);
process.exit(differ.length || offlineDiffer.length ? 1 : 0);
