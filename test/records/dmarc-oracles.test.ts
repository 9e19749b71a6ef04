/**
 * Differential test of the DMARC record rules against two independent receivers' policy parsers:
 * Mail::DMARC (libmail-dmarc-perl, `discover_policy` through a real DNS server on loopback, so its
 * own record selection runs) and OpenDMARC (libopendmarc, `opendmarc_policy_parse_dmarc` through
 * ctypes). Each record variant is judged by both: where every receiver with a verdict finds no
 * policy in the record, DMARC Lens must report an error; where every one applies a policy, no error,
 * except where RFC 9989 tightens what they still read (listed with the reason). Skips an oracle
 * that is not installed (`apt-get install libmail-dmarc-perl libopendmarc2`).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { encodeZoneString } from '../../server/src/sources/zonefile';
import { startDnsServer, type DnsServer } from '../dns-server';
import { lint } from '../helpers';

/** Record variants: what operators write, and the mistakes they make. */
const VARIANTS: string[] = [
  'v=DMARC1; p=none',
  'v=DMARC1; p=reject; rua=mailto:d@example.com',
  'v=DMARC1;p=quarantine',
  'v=DMARC1; p=reject;',
  'v=DMARC1 ; p=reject',
  'v=DMARC1;\tp=reject',
  'v = DMARC1; p=reject',
  'v=DMARC1; p = reject',
  ' v=DMARC1; p=reject',
  'V=DMARC1; p=reject',
  'v=dmarc1; p=reject',
  'v=DMARC2; p=reject',
  'v=DMARC1 p=reject',
  'v=DMARC1, p=reject',
  'v=DMARC1; p=reject, rua=mailto:d@example.com',
  'p=reject; v=DMARC1',
  'v=DMARC1',
  'v=DMARC1; rua=mailto:d@example.com',
  'v=DMARC1; p=bogus',
  'v=DMARC1; p=bogus; rua=mailto:d@example.com',
  'v=DMARC1; p=Reject',
  'v=DMARC1; p=REJECT',
  'v=DMARC1; P=reject',
  'v=DMARC1; p="reject"',
  'v=DMARC1; p=reject; sp=bogus',
  'v=DMARC1; p=reject; sp=none',
  'v=DMARC1; p=reject; np=none',
  'v=DMARC1; p=reject; adkim=x',
  'v=DMARC1; p=reject; aspf=strict',
  'v=DMARC1; p=reject; adkim=sx',
  'v=DMARC1; p=rubbish',
  'v=DMARC1; p=reject; ADKIM=s',
  'v=DMARC1; p=reject; pct=50',
  'v=DMARC1; p=reject; pct=200',
  'v=DMARC1; p=reject; pct=abc',
  'v=DMARC1; p=reject; pct=-1',
  'v=DMARC1; p=reject; pct=0',
  'v=DMARC1; p=reject; fo=1',
  'v=DMARC1; p=reject; fo=x',
  'v=DMARC1; p=reject; rf=afrf',
  'v=DMARC1; p=reject; rf=xml',
  'v=DMARC1; p=reject; rf=afrf:iodef',
  'v=DMARC1; p=reject; ri=3600',
  'v=DMARC1; p=reject; ri=abc',
  'v=DMARC1; p=reject; ri=86400s',
  'v=DMARC1; p=reject; t=y',
  'v=DMARC1; p=reject; psd=n',
  'v=DMARC1; p=reject; foo=bar',
  'v=DMARC1; p=reject; rua=d@example.com',
  'v=DMARC1; p=reject; rua=mailto:d@example.com!10m',
  'v=DMARC1; p=reject; rua=https://example.com/r',
  'v=DMARC1; p=reject; rua=mailto:a@example.com,mailto:b@example.com',
  'v=DMARC1; p=reject; rua=mailto:a@example.com; mailto:b@example.com',
  'v=DMARC1; p=reject; p=none',
  'v=DMARC1; p=none; p=reject',
  'v=DMARC1; ;p=reject',
  'v=DMARC1;; p=reject',
  'v=DMARC1; p=reject;;',
];

/**
 * Records both receivers still read, where RFC 9989 (or RFC 7489 before it) says otherwise; DMARC
 * Lens follows the RFC, with the reason.
 */
const RFC_OVER_PARSERS: { re: RegExp; why: string }[] = [
  { re: /^(V=DMARC1|v=dmarc1);/, why: 'RFC 9989 §4.7: `v=DMARC1` is compared case-sensitively (tag names too, RFC 6376 §3.2); both parsers fold case, receivers that follow the RFC discard the record' },
  { re: /aspf=strict/, why: 'RFC 9989 §4.7: aspf takes `r` or `s`; the RFC has receivers ignore the value (relaxed), OpenDMARC reads the first letter' },
  { re: /pct=abc/, why: 'RFC 7489 §6.3: pct is an integer; both parsers read `abc` as the default' },
  { re: /rua=(d@|https:)/, why: 'RFC 9989 §4.7, RFC 9990 §3: reports go only to `mailto:` URIs; the policy applies, but no report is ever sent' },
  { re: /; mailto:b@/, why: 'RFC 6376 §3.2 tag-list: `mailto:b@…` after a `;` is a tag without `=`, so b@ gets no reports' },
  { re: /p=(reject|none); p=/, why: 'RFC 6376 §3.2: a repeated tag makes the tag-list invalid; both parsers apply the last value' },
];

const PL = `
use strict; use warnings; use JSON::PP; use Net::DNS; use File::Temp qw(tempdir);
my ($port, $psl) = @ARGV;
my $dir = tempdir(CLEANUP => 1);
open my $ini, '>', "$dir/mail-dmarc.ini" or die;
print $ini "[organization]\\ndomain = t.invalid\\norg_name = t\\nemail = noreply\\@t.invalid\\n[report_store]\\nbackend = SQL\\ndsn = dbi:SQLite:dbname=$dir/r.sqlite\\nuser =\\npass =\\nauto_save = 0\\n[dmarc]\\nbackend = perl\\n[dns]\\ntimeout = 3\\npublic_suffix_list = $psl\\n";
close $ini;
$ENV{MAIL_DMARC_CONFIG_FILE} = "$dir/mail-dmarc.ini";
require Mail::DMARC::PurePerl;
my $domains = do { local $/; decode_json(<STDIN>) }; my @out;
for my $dom (@$domains) {
  my $d = Mail::DMARC::PurePerl->new;
  $d->set_resolver(Net::DNS::Resolver->new(nameservers => ['127.0.0.1'], port => $port, recurse => 1, udp_timeout => 3, tcp_timeout => 3, retry => 1));
  $d->header_from($dom);
  local $SIG{__WARN__} = sub {};
  my $pol = eval { $d->discover_policy($dom) };
  if (!$pol) {
    my $why = join '; ', grep { $_ ne '' } map { $_->comment // '' } @{ $d->result->reason || [] };
    $why .= $@ if $@;
    $why =~ s/ at \\/\\S+ line \\d+\\.?//g; $why =~ s/\\s+/ /g;
    push @out, "none: $why"; next;
  }
  push @out, "p=" . lc($pol->p);
}
print encode_json(\\@out);
`;

const PY = `
import ctypes, json, sys
L = ctypes.CDLL("libopendmarc.so.2")
L.opendmarc_policy_library_init(ctypes.create_string_buffer(65536))
L.opendmarc_policy_connect_init.restype = ctypes.c_void_p
L.opendmarc_policy_connect_shutdown.argtypes = [ctypes.c_void_p]
L.opendmarc_policy_parse_dmarc.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p]
L.opendmarc_policy_fetch_p.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_int)]
P = {ord("n"): "none", ord("q"): "quarantine", ord("r"): "reject"}
out = []
for rec in json.load(sys.stdin):
    ctx = L.opendmarc_policy_connect_init(b"192.0.2.1", 0)
    status = L.opendmarc_policy_parse_dmarc(ctx, b"example.com", rec.encode(), b"example.com")
    p = ctypes.c_int(0)
    L.opendmarc_policy_fetch_p(ctx, ctypes.byref(p))
    out.append("p=" + P[p.value] if status == 0 and p.value in P else "none: status %d" % status)
    L.opendmarc_policy_connect_shutdown(ctx)
print(json.dumps(out))
`;

const PSL = '/usr/share/publicsuffix/public_suffix_list.dat';

/** Runs an oracle on JSON input; asynchronously, as the DNS server it asks lives in this process. */
function run(cmd: string, args: string[], input: unknown): Promise<string[] | undefined> {
  if (!fs.existsSync(cmd)) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 120000);
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.on('error', () => resolve(undefined));
    child.on('close', (status) => {
      clearTimeout(timer);
      if (status !== 0) {
        if (process.env.DL_ORACLE_DEBUG) console.error(cmd, status, err);
        return resolve(undefined);
      }
      try {
        resolve(JSON.parse(out) as string[]);
      } catch {
        resolve(undefined);
      }
    });
    child.stdin.end(JSON.stringify(input));
  });
}

describe('DMARC records judged as Mail::DMARC and OpenDMARC judge them', () => {
  let server: DnsServer | undefined;
  let mailDmarc: string[] | undefined;
  let openDmarc: string[] | undefined;

  before(async () => {
    openDmarc = await run('/usr/bin/python3', ['-c', `import ctypes\ntry:\n  ctypes.CDLL("libopendmarc.so.2")\nexcept OSError:\n  raise SystemExit(3)\n${PY}`], VARIANTS);
    const hasMailDmarc = spawnSync('/usr/bin/perl', ['-MMail::DMARC::PurePerl', '-MNet::DNS', '-e', '1']).status === 0 && fs.existsSync(PSL);
    if (!hasMailDmarc) return;
    // Each variant at _dmarc.v<i>.example.com on a real DNS server; the parent has none.
    server = await startDnsServer(Object.fromEntries(VARIANTS.map((v, i) => [`_dmarc.v${i}.example.com`, [{ type: 'TXT' as const, data: v }]])));
    mailDmarc = await run('/usr/bin/perl', ['-e', PL, String(server.port), PSL], VARIANTS.map((_, i) => `v${i}.example.com`));
  });
  after(async () => server?.close());

  it('errors where no receiver finds a policy, and only on RFC grounds where every one applies it', (t) => {
    if (!mailDmarc && !openDmarc) return t.skip('neither Mail::DMARC (libmail-dmarc-perl) nor OpenDMARC (libopendmarc2) is installed');
    const rows: string[] = [];
    let agreedNone = 0;
    let agreedPolicy = 0;
    const wrong: string[] = [];
    VARIANTS.forEach((v, i) => {
      const { findings } = lint(`_dmarc.v${i} IN TXT "${encodeZoneString(v)}"`);
      const errors = findings.filter((f) => f.severity === 'error').map((f) => f.rule);
      const verdicts = [mailDmarc?.[i], openDmarc?.[i]].filter((x): x is string => typeof x === 'string');
      const shown = `${JSON.stringify(v)}: Mail::DMARC ${mailDmarc?.[i] ?? '-'}; OpenDMARC ${openDmarc?.[i] ?? '-'}; we: ${errors.join(',') || 'no error'}`;
      rows.push(shown);
      if (verdicts.length === 0) return;
      if (verdicts.every((x) => x.startsWith('none'))) {
        agreedNone++;
        if (errors.length === 0) wrong.push(`no receiver finds a policy, and we report no error: ${shown}`);
      } else if (verdicts.every((x) => x.startsWith('p=')) && !RFC_OVER_PARSERS.some((x) => x.re.test(v))) {
        agreedPolicy++;
        if (errors.length) wrong.push(`every receiver applies the policy, and we report an error: ${shown}`);
      }
    });
    t.diagnostic(`${VARIANTS.length} variants; ${agreedNone} without a policy and ${agreedPolicy} with one for every receiver with a verdict`);
    for (const r of rows) t.diagnostic(r);
    assert.deepEqual(wrong, []);
    assert.ok(agreedNone >= 5 && agreedPolicy >= 10, `${agreedNone} none, ${agreedPolicy} policy`);
  });
});
