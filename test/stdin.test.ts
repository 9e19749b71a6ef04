/**
 * `dmarc-lens check -`: standard input read as the file `--stdin-filename` names (an editor's unsaved
 * buffer, generated config), in place of that file on disk; and a live zone's transfer from a real
 * name server (BIND on loopback, `dig axfr`) piped in, checked as the zone file it was served from.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from './helpers';

const CLI = path.join(ROOT, 'dist', 'cli.js');
const check = (input: string, ...args: string[]) => spawnSync(process.execPath, [CLI, 'check', ...args], { cwd: ROOT, encoding: 'utf8', input });
const rules = (stdout: string) => (JSON.parse(stdout) as { files: { path: string; diagnostics: { rule: string }[] }[] }).files.flatMap((f) => f.diagnostics.map((d) => d.rule)).sort();

describe('dmarc-lens check - (standard input)', () => {
  it('reads a zone file from standard input, reported as <stdin>', () => {
    const r = check('$ORIGIN x.example.\n@ IN TXT "v=spf1 +all"\n', '-', '--offline');
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /^<stdin>:2:18: error spf\/plus-all /m);
    assert.match(r.stdout, /^1 file checked: 1 error, 1 warning/m);
  });

  it('reads it in the format --stdin-filename names, under that path', () => {
    const tf = 'resource "aws_route53_record" "x" {\n  name    = "_dmarc.example.com"\n  type    = "TXT"\n  records = ["v=DMARC1; p=nonee; rua=mailto:d@example.com"]\n}\n';
    const r = check(tf, '-', '--stdin-filename', 'infra/main.tf', '--offline', '--format', 'json');
    const j = JSON.parse(r.stdout);
    assert.equal(j.files[0].path, 'infra/main.tf');
    assert.ok(j.files[0].diagnostics.some((d: { rule: string; range: { start: { line: number } } }) => d.rule === 'dmarc/invalid-value' && d.range.start.line === 3), r.stdout);
  });

  it('stands for the file it names among the others checked: its $INCLUDEs and the workspace found from its folder', () => {
    const disk = rules(check('', 'examples', '--offline', '--format', 'json').stdout);
    const zone = fs.readFileSync(path.join(ROOT, 'examples', 'northwind.example.zone'), 'utf8');
    // The buffer as on disk: the same findings, the file read once.
    assert.deepEqual(rules(check(zone, '-', 'examples', '--stdin-filename', 'examples/northwind.example.zone', '--offline', '--format', 'json').stdout), disk);
    // An unsaved edit: the +all fixed in the buffer, the file on disk left as it is.
    const edited = check(zone.replace('+all', '-all'), '-', 'examples', '--stdin-filename', 'examples/northwind.example.zone', '--offline', '--format', 'json');
    assert.equal(rules(edited.stdout).filter((x) => x === 'spf/plus-all').length, disk.filter((x) => x === 'spf/plus-all').length - 1);
    assert.match(fs.readFileSync(path.join(ROOT, 'examples', 'northwind.example.zone'), 'utf8'), /\+all/);
  });

  it('with --fix, writes standard input fixed to standard output (the findings left to stderr), in the syntax of the file it stands for', () => {
    const zone = '$ORIGIN x.example.\n@ IN TXT "v=spf1 -all"\n_dmarc IN TXT "v=DMARC1, p=none, rua=mailto:d@x.example" ; kept\n';
    const fixed = check(zone, '-', '--fix', '--offline');
    assert.equal(fixed.status, 0, fixed.stderr);
    assert.equal(fixed.stdout, zone.replace('v=DMARC1, p=none, rua', 'v=DMARC1; p=none; rua'));
    assert.match(fixed.stderr, /fixed 2 findings in 1 file \(<stdin>: 2\)/);
    assert.match(fixed.stderr, /^<stdin>:3:26: information dmarc\/policy-none /m);
    // Terraform: the fix is written with HCL's escapes; what is left fails the run as it would on disk.
    const tf = 'resource "aws_route53_record" "d" {\n  name    = "_dmarc.example.com"\n  type    = "TXT"\n  records = ["v=DMARC1 ; p = reject; rua=mailto:d@example.com"]\n}\n';
    const t = check(tf, '-', '--fix', '--offline', '--stdin-filename', 'main.tf');
    assert.equal(t.stdout, tf.replace('p = reject', 'p=reject'));
    // Nothing to fix: the input comes back as it was.
    const clean = '$ORIGIN y.example.\n@ IN TXT "v=spf1 -all"\n';
    assert.equal(check(clean, '-', '--fix', '--offline').stdout, clean);
  });

  it('refuses binary input with exit 2 and one line', () => {
    const bin = check('\u0000\u0001', '-');
    assert.equal(bin.status, 2);
    assert.match(bin.stderr, /standard input is not text/);
  });

  const LAB = path.resolve(ROOT, '..', 'shared', 'tools', 'dns-lab');
  const SERVE = path.join(LAB, 'serve-zones.sh');
  const ready = fs.existsSync(SERVE) && fs.existsSync('/usr/sbin/named') && spawnSync('which', ['dig']).status === 0 && process.getuid?.() === 0;

  it('checks a zone transferred from a real name server (BIND, dig axfr) as the file it was served from', (t) => {
    if (!ready) return t.skip(`needs ${SERVE}, BIND and dig, as root (../shared/tools/dns-lab/install.sh)`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-axfr-'));
    const port = 5410 + Math.floor(Math.random() * 20);
    const zone = [
      '$ORIGIN axfr.test.',
      '$TTL 300',
      '@ IN SOA ns1 hostmaster 2026112901 7200 3600 1209600 300',
      '@ IN NS ns1',
      'ns1 IN A 192.0.2.1',
      '@ IN MX 10 mx',
      'mx IN A 192.0.2.25',
      '@ IN TXT "v=spf1 mx +all"',
      '_dmarc IN TXT "v=DMARC1; p=none; pct=50"',
      'shop IN TXT "v=spf1 ptr ?all"',
      `k1._domainkey IN TXT "v=DKIM1; h=sha1; p=${generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}"`,
      '',
    ].join('\n');
    fs.writeFileSync(path.join(dir, 'axfr.test.zone'), zone);
    const started = spawnSync('bash', [SERVE, dir, String(port)], { encoding: 'utf8', env: { ...process.env, DNS_LAB_SERVER: 'bind', DNS_LAB_ROOT: '0' } });
    try {
      assert.equal(started.status, 0, `${started.stdout}${started.stderr}`);
      const axfr = spawnSync('dig', ['+time=2', '+tries=1', '-p', String(port), '@127.0.0.1', 'axfr', 'axfr.test'], { encoding: 'utf8' });
      assert.equal(axfr.status, 0, axfr.stderr);
      // The transfer begins and ends with the SOA, in master-file syntax with absolute names and comments.
      assert.equal(axfr.stdout.split('\n').filter((l) => /\tSOA\t/.test(l)).length, 2, axfr.stdout);
      const served = check(axfr.stdout, '-', '--stdin-filename', 'axfr.test.axfr', '--offline', '--format', 'json');
      const file = check('', path.join(dir, 'axfr.test.zone'), '--offline', '--format', 'json');
      assert.deepEqual(rules(served.stdout), rules(file.stdout));
      // Its second SOA is the first again, one record to a name server: no zone/multiple-soa.
      assert.deepEqual(rules(served.stdout), ['dkim/rsa-key-under-2048', 'dkim/sha1', 'dmarc/no-rua', 'dmarc/pct-removed', 'dmarc/policy-none', 'spf/neutral-all', 'spf/plus-all', 'spf/ptr']);
    } finally {
      spawnSync('bash', [SERVE, 'stop', String(port)]);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
