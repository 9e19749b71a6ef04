/**
 * Differential test of the DKIM key rules against independent verifiers' key parsers: dkimpy
 * (python3-dkim, `dkim.evaluate_pk`) and Mail::DKIM (libmail-dkim-perl, `PublicKey->parse` and
 * `check`). Each record variant below is judged by both; where every verifier that has a verdict
 * refuses the key, DMARC Lens must report an error, and where every one accepts it, no error (except
 * where RFC 8301 forbids what they still parse). OpenDKIM (`opendkim-testkey`, libopendkim, asking a
 * real DNS server on loopback through libunbound) judges the record's tags but not the key without
 * the private half: where it refuses a record, DMARC Lens must report an error too. Skips an oracle
 * that is not installed (`apt-get install python3-dkim python3-nacl libmail-dkim-perl opendkim-tools`).
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startDnsServer, type DnsServer } from '../dns-server';
import { EXAMPLE_KEYS } from '../../server/src/checks/dkim';
import { encodeZoneString } from '../../server/src/sources/zonefile';
import { lint } from '../helpers';

const { KEY, KEY_1024, KEY_512, ED25519 } = EXAMPLE_KEYS;
const PKCS1 = createPublicKey({ key: Buffer.from(KEY, 'base64'), format: 'der', type: 'spki' }).export({ type: 'pkcs1', format: 'der' }).toString('base64');
const ED_SPKI = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(ED25519, 'base64')]).toString('base64');
// A key whose base64 ends in padding: a 3072-bit key's SubjectPublicKeyInfo is 422 bytes, written with one `=`.
const PADDED = generateKeyPairSync('rsa', { modulusLength: 3072 }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');

/** Record variants: what operators write, and the mistakes they make. */
const VARIANTS: string[] = [
  `v=DKIM1; k=rsa; p=${KEY}`,
  `v=DKIM1;p=${KEY}`,
  `v=DKIM1; p=${KEY};`,
  `p=${KEY}`,
  `k=rsa; v=DKIM1; p=${KEY}`,
  `v=DKIM1; k=rsa; p= ${KEY}`,
  `v=DKIM1 ; k=rsa; p=${KEY}`,
  `v=DKIM1; k=rsa; h=sha256; p=${KEY}`,
  `v=DKIM1; k=rsa; h=sha256:sha1; p=${KEY}`,
  `v=DKIM1; k=rsa; h=Sha256; p=${KEY}`,
  `v=DKIM1; k=rsa; s=email; p=${KEY}`,
  `v=DKIM1; k=rsa; s=*; p=${KEY}`,
  `v=DKIM1; k=rsa; s=mail; p=${KEY}`,
  `v=DKIM1; k=rsa; s=Email; p=${KEY}`,
  `v=DKIM1; k=rsa; t=y; p=${KEY}`,
  `v=DKIM1; k=rsa; t=s; p=${KEY}`,
  `v=DKIM1; k=rsa; t=Y; p=${KEY}`,
  `v=DKIM1; k=rsa; n=a note; p=${KEY}`,
  `v=DKIM1; k=rsa; x=unknown; p=${KEY}`,
  `v=DKIM1; k=rsa; p=`,
  `v=DKIM1; k=rsa; p=${KEY}; p=${KEY}`,
  `v=DKIM1; k=rsa; p=${KEY}; v=DKIM1`,
  `v=DKIM1; k=rsa; p=${KEY};;`,
  `;v=DKIM1; k=rsa; p=${KEY}`,
  `v=DKIM1; k=rsa p=${KEY}`,
  `v=DKIM1, k=rsa, p=${KEY}`,
  `v=DKIM2; k=rsa; p=${KEY}`,
  `v=dkim1; k=rsa; p=${KEY}`,
  `V=DKIM1; K=rsa; P=${KEY}`,
  `v=DKIM1; k=RSA; p=${KEY}`,
  `v=DKIM1; k=dsa; p=${KEY}`,
  `v=DKIM1; k=rsa; p=${KEY.slice(0, 60)}`,
  `v=DKIM1; k=rsa; p=${KEY.replace(/A/g, '-')}`,
  `v=DKIM1; k=rsa; p=${KEY}==`,
  `v=DKIM1; k=rsa; p=${PADDED}`,
  `v=DKIM1; k=rsa; p=${PADDED.replace(/=+$/, '')}`,
  `v=DKIM1; k=rsa; p=${PKCS1}`,
  `v=DKIM1; p=${PKCS1}`,
  `v=DKIM1; k=rsa; p=${KEY_1024}`,
  `v=DKIM1; k=rsa; p=${KEY_512}`,
  `v=DKIM1; k=ed25519; p=${ED25519}`,
  `v=DKIM1; k=ed25519; p=${ED25519.replace(/=$/, '')}`,
  `v=DKIM1; k=ed25519; p=${ED_SPKI}`,
  `v=DKIM1; k=rsa; p=${ED25519}`,
  `v=DKIM1; k=ed25519; p=${KEY}`,
  `v=DKIM1; k=Ed25519; p=${ED25519}`,
];

/** Verdicts of RFC 8301 that the parsers leave to signature checking: a key they load but that must not verify. */
const FORBIDDEN_BY_RFC8301 = [/p=MFwwDQ/];

const PY = `
import sys, json, dkim
out = []
for rec in json.load(sys.stdin):
    try:
        r = dkim.evaluate_pk(b"sel", rec.encode())
        out.append("ok" if r[0] is not None else "refused: service type")
    except Exception as e:
        name = type(e).__name__
        out.append(None if name == "NaClNotFoundError" else "refused: " + str(e)[:80])
print(json.dumps(out))
`;
const PL = `
use strict; use Mail::DKIM::PublicKey; use JSON::PP;
local $/; my $recs = decode_json(<STDIN>); my @out;
for my $rec (@$recs) {
  my $k = eval { Mail::DKIM::PublicKey->parse($rec) };
  if (!$k) { push @out, "refused: parse"; next }
  if (eval { $k->check; 1 }) { push @out, "ok" }
  else { my $e = $@; $e =~ s/\\s+$//; push @out, ($e =~ /unsupported key type/ && $rec =~ /k=ed25519/) ? undef : "refused: $e" }
}
print encode_json(\\@out);
`;

function oracle(cmd: string, args: string[]): (string | null)[] | undefined {
  if (!fs.existsSync(cmd)) return undefined;
  const r = spawnSync(cmd, args, { input: JSON.stringify(VARIANTS), encoding: 'utf8', timeout: 60000 });
  if (r.status !== 0) return undefined;
  try {
    return JSON.parse(r.stdout) as (string | null)[];
  } catch {
    return undefined;
  }
}

/** A variant as a zone file writes it (strings of 200 characters), and what DMARC Lens says of it. */
function judged(v: string, i: number) {
  const { findings } = lint(`s${i}._domainkey IN TXT ${chunks(v).map((s) => `"${encodeZoneString(s)}"`).join(' ')}`);
  return { findings, errors: findings.filter((f) => f.severity === 'error').map((f) => f.rule) };
}

function chunks(v: string): string[] {
  const strings: string[] = [];
  for (let j = 0; j < v.length; j += 200) strings.push(v.slice(j, j + 200));
  return strings;
}

const OPENDKIM = '/usr/sbin/opendkim-testkey';

/**
 * OpenDKIM's verdict on each variant: its `opendkim-testkey` asks for `s<i>._domainkey.example.com`
 * through libunbound, pointed (as the root) at a DNS server on loopback that serves the variants.
 */
async function openDkim(): Promise<{ verdicts?: (string | null)[]; server?: DnsServer }> {
  if (!fs.existsSync(OPENDKIM)) return {};
  const zone: Parameters<typeof startDnsServer>[0] = { '': [{ type: 'NS', data: 'ns.lab.test' }], 'ns.lab.test': [{ type: 'A', data: '127.0.0.1' }] };
  VARIANTS.forEach((v, i) => (zone[`s${i}._domainkey.example.com`] = [{ type: 'TXT', data: chunks(v) }]));
  const server = await startDnsServer(zone);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-opendkim-'));
  fs.writeFileSync(path.join(dir, 'unbound.conf'), `server:\n  do-not-query-localhost: no\n  qname-minimisation: no\n  use-syslog: no\n  local-zone: "example." nodefault\nstub-zone:\n  name: "."\n  stub-addr: 127.0.0.1@${server.port}\n`);
  fs.writeFileSync(path.join(dir, 'opendkim.conf'), `ResolverConfiguration ${path.join(dir, 'unbound.conf')}\n`);
  // Asynchronously: the DNS server answering it lives in this process.
  const ask = (i: number) =>
    new Promise<string | null>((resolve) =>
      execFile(OPENDKIM, ['-x', path.join(dir, 'opendkim.conf'), '-d', 'example.com', '-s', `s${i}`, '-vvv'], { timeout: 20000 }, (e, out, err) => {
        const text = `${out}${err}`.replace(/opendkim-testkey: /g, '').replace(/checking key '[^']*'\n?/g, '').trim();
        if (!e) return resolve('ok');
        // A lookup that failed says nothing of the record.
        resolve(/timed out|unexpected reply|record not found/.test(text) ? null : `refused: ${text.split('\n')[0]}`);
      }),
    );
  const verdicts: (string | null)[] = [];
  for (let i = 0; i < VARIANTS.length; i++) verdicts.push(await ask(i));
  fs.rmSync(dir, { recursive: true, force: true });
  return { verdicts, server };
}

describe('DKIM key records judged as dkimpy, Mail::DKIM and OpenDKIM judge them', () => {
  const dkimpy = oracle('/usr/bin/python3', ['-c', PY]);
  const mailDkim = oracle('/usr/bin/perl', ['-e', PL]);
  let opendkim: (string | null)[] | undefined;
  let server: DnsServer | undefined;
  before(async () => {
    ({ verdicts: opendkim, server } = await openDkim());
  });
  after(async () => server?.close());

  it('errors where OpenDKIM refuses the record', (t) => {
    if (!opendkim) return t.skip('OpenDKIM (opendkim-tools) is not installed');
    const wrong: string[] = [];
    let refused = 0;
    VARIANTS.forEach((v, i) => {
      const { findings, errors } = judged(v, i);
      t.diagnostic(`${v.length > 70 ? `${v.slice(0, 70)}…` : v}: OpenDKIM ${opendkim![i] ?? '-'}; we: ${errors.join(',') || 'no error'}`);
      if (opendkim![i]?.startsWith('refused')) {
        refused++;
        if (errors.length === 0 && !findings.some((f) => f.rule === 'dkim/revoked')) wrong.push(`OpenDKIM refuses the record, and we report no error: ${v} (${opendkim![i]})`);
      }
    });
    assert.deepEqual(wrong, []);
    assert.ok(refused >= 3, `OpenDKIM refused ${refused}`);
  });

  it('errors where every verifier refuses the key, and only on RFC grounds where every one loads it', (t) => {
    if (!dkimpy && !mailDkim) return t.skip('neither dkimpy (python3-dkim) nor Mail::DKIM (libmail-dkim-perl) is installed');
    const rows: string[] = [];
    let agreedRefused = 0;
    let agreedAccepted = 0;
    VARIANTS.forEach((v, i) => {
      const { findings, errors } = judged(v, i);
      const verdicts = [dkimpy?.[i], mailDkim?.[i]].filter((x): x is string => typeof x === 'string');
      const shown = `${v.length > 70 ? `${v.slice(0, 70)}…` : v}: dkimpy ${dkimpy?.[i] ?? '-'}; Mail::DKIM ${mailDkim?.[i] ?? '-'}; we: ${errors.join(',') || 'no error'}`;
      rows.push(shown);
      if (verdicts.length === 0) return;
      if (verdicts.every((x) => x !== 'ok')) {
        agreedRefused++;
        // A revoked key (empty p=) is meant to be refused: information, not an error.
        assert.ok(errors.length > 0 || findings.some((f) => f.rule === 'dkim/revoked'), `every verifier refuses the key, and we report no error: ${shown}`);
      } else if (verdicts.every((x) => x === 'ok') && !FORBIDDEN_BY_RFC8301.some((re) => re.test(v))) {
        agreedAccepted++;
        assert.deepEqual(errors, [], `every verifier loads the key, and we report an error: ${shown}`);
      }
    });
    t.diagnostic(`${VARIANTS.length} variants; ${agreedRefused} refused and ${agreedAccepted} loaded by every verifier with a verdict`);
    for (const r of rows) t.diagnostic(r);
    // The set keeps its teeth: both kinds of agreement occur.
    assert.ok(agreedRefused >= 5 && agreedAccepted >= 10, `${agreedRefused} refused, ${agreedAccepted} loaded`);
  });
});
