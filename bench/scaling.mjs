// Scaling benchmark: inputs that are unusual but legal (or plainly broken), each at two sizes, through
// the built CLI (`dmarc-lens check --offline`, or `report`). A check that is linear takes about twice as long at
// twice the size; the "growth" column says how much longer the larger one took after subtracting
// Node's start-up (the time of the smallest input), and a growth above 3 is flagged. Each input here
// was quadratic or worse until session 10 (see the issue notes), so this is where a regression shows.
// Usage: npm run bench:scaling [-- --runs N]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist', 'cli.js');
const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;
const TIMEOUT_MS = 60000;
const dir = mkdtempSync(path.join(os.tmpdir(), 'dl-scaling-'));

/** A zone TXT value as quoted strings of 250 characters (so only what is measured is long). */
const quoted = (v) => v.match(/[\s\S]{1,250}/g).map((x) => `"${x.replace(/[\\"]/g, '\\$&')}"`).join(' ');
const zone = (lines) => `$ORIGIN a.example.\n${lines}\n`;
const ring = (n) => zone(`@ IN TXT "v=spf1 ${Array.from({ length: n }, (_, i) => `include:s${i}.a.example`).join(' ')} -all"\n${Array.from({ length: n }, (_, i) => `s${i} IN TXT "v=spf1 include:s${(i + 1) % n}.a.example -all"`).join('\n')}`);

/** A Terraform file as a module's files are often copied: its zone, a module call, and records (the same names in every copy). */
const tfCopy = `resource "aws_route53_zone" "main" {\n  name = var.domain\n}\nvariable "domain" {\n  default = "example.com"\n}\nmodule "mail" {\n  source = "./modules/mail"\n  domain = var.domain\n  zone   = aws_route53_zone.main.zone_id\n}\n${Array.from({ length: 30 }, (_, k) => `resource "aws_route53_record" "h${k}" {\n  zone_id = aws_route53_zone.main.zone_id\n  name    = "h${k}.example.com"\n  type    = "${k % 3 ? 'A' : 'TXT'}"\n  ttl     = 300\n  records = ["${k % 3 ? `192.0.2.${k}` : 'v=spf1 include:_spf.google.com -all'}"]\n}\n`).join('')}`;

const cases = [
  ['SPF records at one name (related places)', 4000, (n) => zone(Array.from({ length: n }, (_, i) => `@ IN TXT "v=spf1 ip4:10.0.${i >> 8}.${i & 255} -all"`).join('\n')), 'a.example.zone'],
  ['DMARC records at one name (related places)', 4000, (n) => zone(Array.from({ length: n }, (_, i) => `_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:a${i}@a.example"`).join('\n')), 'a.example.zone'],
  ['SPF includes in a ring, all included by the root (tree walk)', 2000, ring, 'a.example.zone'],
  ['SPF include chain (tree walk)', 1500, (n) => zone(`@ IN TXT "v=spf1 include:s0.a.example -all"\n${Array.from({ length: n }, (_, i) => `s${i} IN TXT "v=spf1 ip4:10.1.${i >> 8}.${i & 255}${i + 1 < n ? ` include:s${i + 1}.a.example` : ''} -all"`).join('\n')}`), 'a.example.zone'],
  ['n networks in 8 records a provider record includes, 500 records including it (networks authorised twice)', 400, (n) => zone(`_spf IN TXT "v=spf1 ${Array.from({ length: 8 }, (_, k) => `include:_s${k}.a.example`).join(' ')} -all"\n${Array.from({ length: 8 }, (_, k) => `_s${k} IN TXT ${quoted(`v=spf1 ${Array.from({ length: n / 8 }, (_, i) => `ip4:10.${k}.${i >> 8}.${i & 255}`).join(' ')} -all`)}`).join('\n')}\n${Array.from({ length: 500 }, (_, i) => `c${i} IN TXT "v=spf1 include:_spf.a.example ip4:10.0.0.${i % 250} -all"`).join('\n')}`), 'a.example.zone'],
  ['n copies of one Terraform file in one folder (a module call and 30 records at the same names in each)', 400, (n) => Array.from({ length: n }, (_, i) => [`copy${i}.tf`, tfCopy]), 'module'],
  ['n zone files of parked domains (SPF -all, null MX, no DMARC record)', 1000, (n) => Array.from({ length: n }, (_, i) => [`p${i}.example.zone`, `$ORIGIN p${i}.example.\n$TTL 3600\n@ SOA ns1.host.example. hostmaster.host.example. 1 7200 3600 1209600 3600\n@ NS ns1.host.example.\n@ NS ns2.host.example.\n@ TXT "v=spf1 -all"\n@ MX 0 .\nwww CNAME parking.host.example.\n`]), 'zones'],
  ['n records each with an unclosed parenthesis', 4000, (n) => zone(Array.from({ length: n }, (_, i) => `h${i} IN TXT ( "v=spf1 " "-all"`).join('\n')), 'a.example.zone'],
  ['n TXT records at the apex of a zone that delegates a subdomain (occluded records)', 2000, (n) => zone(`@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ IN NS ns1\nns1 IN A 192.0.2.1\nsub IN NS ns.other.example.\n${Array.from({ length: n }, (_, i) => `@ IN TXT "site-verification=${i}"\nh${i}.sub IN TXT "v=spf1 -all"`).join('\n')}`), 'a.example.zone'],
  ['SPF record of n terms in one string (255-byte split fix)', 20000, (n) => zone(`@ IN TXT "v=spf1 ${Array.from({ length: n }, (_, i) => `ip4:10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`).join(' ')} -all"`), 'a.example.zone'],
  ['DMARC record with n blanks before p= (fix position)', 40000, (n) => zone(`_dmarc IN TXT ( ${quoted(`v=DMARC1;${' '.repeat(n)}p=none`)} )`), 'a.example.zone'],
  ['octoDNS value with n blanks (YAML folding)', 40000, (n) => `---\n'':\n  type: TXT\n  value: "v=spf1 ${' '.repeat(n)}-all"\n`, 'a.example.yaml'],
  ['CloudFormation JSON with n stray quotes (YAML errors)', 40000, (n) => `{"AWSTemplateFormatVersion":"2010-09-09","Resources":{"R":{"Type":"AWS::Route53::RecordSet","Properties":{"Name":"a.example.","Type":"TXT","ResourceRecords":["\\"v=spf1 ${'"'.repeat(n)} -all\\""]}}}}`, 'cfn.json'],
  ['octoDNS block scalar of n lines', 100000, (n) => `---\n'':\n  type: TXT\n  value: |\n${Array.from({ length: n }, (_, i) => `    line ${i}`).join('\n')}\n`, 'a.example.yaml'],
  ['aggregate report with elements n deep (`report`)', 50000, (n) => `<?xml version="1.0"?><feedback>${'<x>'.repeat(n)}${'</x>'.repeat(n)}</feedback>`, 'deep.xml', 'report'],
  ['n records between typographic quotes with an en dash (`check --fix`)', 4000, (n) => zone(Array.from({ length: n }, (_, i) => `h${i} IN TXT \u201cv=spf1 ip4:192.0.2.${i % 250} \u2013all\u201d`).join('\n')), 'a.example.zone', 'fix'],
];

function time(file, command = 'check', content) {
  const times = [];
  let status;
  for (let r = 0; r < runs; r++) {
    // `--fix` rewrites the file: each run starts from the same text.
    if (content !== undefined) writeFileSync(file, content);
    const t = process.hrtime.bigint();
    const args = command === 'fix' ? ['check', file, '--offline', '--fix'] : [command, file, ...(command === 'check' ? ['--offline'] : [])];
    const p = spawnSync(process.execPath, [cli, ...args, '--format', 'json'], { encoding: 'utf8', maxBuffer: 1 << 30, timeout: TIMEOUT_MS });
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
    status = p.error ? `timed out after ${TIMEOUT_MS / 1000} s` : p.status === null ? `killed by ${p.signal}` : p.status;
    if (typeof status === 'string') return { ms: Infinity, status };
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], status };
}

const base = time((() => {
  const f = path.join(dir, 'empty.zone');
  writeFileSync(f, '$ORIGIN a.example.\n');
  return f;
})()).ms;
console.log(`dmarc-lens check --offline, median of ${runs}; start-up (empty zone) ${base.toFixed(0)} ms\n`);
console.log('| input | n | time | 2n | time | growth |');
console.log('|---|---|---|---|---|---|');
let flagged = 0;
for (const [name, n, make, fileName, command] of cases) {
  const at = (k) => {
    const d = path.join(dir, `${cases.findIndex((c) => c[0] === name)}-${k}`);
    mkdirSync(d, { recursive: true });
    const f = path.join(d, fileName);
    const text = make(k);
    // A list of [name, text]: files of a folder, checked as one workspace.
    if (Array.isArray(text)) {
      mkdirSync(f, { recursive: true });
      for (const [name, t] of text) writeFileSync(path.join(f, name), t);
      return time(f, command);
    }
    writeFileSync(f, text);
    return time(f, command, command === 'fix' ? text : undefined);
  };
  const a = at(n);
  const b = at(2 * n);
  const growth = Math.max(b.ms - base, 1) / Math.max(a.ms - base, 1);
  const failed = (x) => typeof x.status === 'string' || x.status > 1;
  const bad = !(growth <= 3) || failed(a) || failed(b);
  if (bad) flagged++;
  const show = (x) => (typeof x.status === 'string' ? x.status : `${x.ms.toFixed(0)} ms${x.status > 1 ? ` (exit ${x.status})` : ''}`);
  console.log(`| ${name} | ${n} | ${show(a)} | ${2 * n} | ${show(b)} | ${Number.isFinite(growth) ? growth.toFixed(1) : '–'}${bad ? ' **(superlinear or failed)**' : ''} |`);
}
process.exitCode = flagged ? 1 : 0;
