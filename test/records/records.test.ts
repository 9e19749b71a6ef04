import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { cutShortOrNotSequence, parseDkim } from '../../server/src/records/dkim';
import { parseDmarc, parseReportUris } from '../../server/src/records/dmarc';
import { parseSpf } from '../../server/src/records/spf';
import { CORPUS } from '../helpers';

const at = (value: string, r: { start: number; end: number }) => value.slice(r.start, r.end);

describe('SPF parser (RFC 7208)', () => {
  it('gives every term its range, qualifier, name, argument and CIDR lengths', () => {
    const v = 'v=spf1 -a:mail.example.com/24//64 ~mx ?ip4:192.0.2.0/24 ip6:2001:db8::/32 include:_spf.example.net exists:%{i}.x.example.com redirect=_spf.example.org exp=explain.%{d}';
    const r = parseSpf(v);
    assert.deepEqual(r.problems, []);
    assert.deepEqual(
      r.terms.map((t) => [t.kind, t.qualifier, t.name, t.arg, t.cidr4, t.cidr6, at(v, t.range)]),
      [
        ['mechanism', '-', 'a', 'mail.example.com', 24, 64, '-a:mail.example.com/24//64'],
        ['mechanism', '~', 'mx', undefined, undefined, undefined, '~mx'],
        ['mechanism', '?', 'ip4', '192.0.2.0', 24, undefined, '?ip4:192.0.2.0/24'],
        ['mechanism', '+', 'ip6', '2001:db8::', undefined, 32, 'ip6:2001:db8::/32'],
        ['mechanism', '+', 'include', '_spf.example.net', undefined, undefined, 'include:_spf.example.net'],
        ['mechanism', '+', 'exists', '%{i}.x.example.com', undefined, undefined, 'exists:%{i}.x.example.com'],
        ['modifier', '+', 'redirect', '_spf.example.org', undefined, undefined, 'redirect=_spf.example.org'],
        ['modifier', '+', 'exp', 'explain.%{d}', undefined, undefined, 'exp=explain.%{d}'],
      ],
    );
  });

  const bad: [string, string, string][] = [
    ['v=spf1 ip4:192.0.2.300 -all', 'invalid-ip', '192.0.2.300'],
    ['v=spf1 ip4:192.0.2.0/33 -all', 'invalid-cidr', '/33'],
    ['v=spf1 ip6:2001:db8::/129 -all', 'invalid-cidr', '/129'],
    ['v=spf1 a/024 -all', 'invalid-cidr', '/024'],
    ['v=spf1 include -all', 'syntax', 'include'],
    ['v=spf1 include:example -all', 'invalid-domain-spec', 'example'],
    ['v=spf1 include:192.0.2.1 -all', 'invalid-domain-spec', '192.0.2.1'],
    ['v=spf1 exists:%{x}.example.com', 'invalid-macro', '%{x}'],
    ['v=spf1 exists:%{c}.example.com', 'invalid-macro', '%{c}'],
    ['v=spf1 exists:100%.example.com', 'invalid-macro', '%.'],
    ['v=spf1 foo:bar -all', 'unknown-mechanism', 'foo'],
    ['v=spf1 -all:x', 'syntax', '-all:x'],
    ['v=spf1 =bad', 'syntax', '=bad'],
    ['v=spf1\tmx -all', 'version', 'v=spf1\tmx'],
    ['v=spf1include:_spf.example.net -all', 'version', 'v=spf1include:_spf.example.net'],
    [' v=spf1 -all', 'version', 'v=spf1'],
    ['spf1 -all', 'version', 'spf1'],
  ];
  for (const [value, code, text] of bad)
    it(`flags \`${value}\` as ${code} at \`${text}\``, () => {
      const r = parseSpf(value);
      const p = r.problems.find((x) => x.code === code);
      assert.ok(p, `no ${code} in ${JSON.stringify(r.problems)}`);
      assert.equal(at(value, p.range), text);
    });

  it('allows %% %_ %- escapes, and keeps c, r, t for the explanation text only (RFC 7208 §7.2)', () => {
    assert.deepEqual(parseSpf('v=spf1 -all exp=%{d2r.}.%%%_%-.example.com').problems, []);
    assert.equal(parseSpf('v=spf1 -all exp=%{c}.example.com').problems[0]?.code, 'invalid-macro');
  });

  it('flags `;` and `,` between terms once each, and reads the terms they join on their own', () => {
    const v = 'v=spf1 mx;include:_spf.example.net; ip4:192.0.2.1,192.0.2.2 -all;';
    const r = parseSpf(v);
    assert.deepEqual(r.problems.map((p) => [p.code, p.range.start]), [
      ['separator', 9],
      ['separator', 34],
      ['separator', 49],
      ['separator', 64],
    ]);
    assert.match(r.problems[1].message, /`;` does not separate SPF terms, only spaces do \(RFC 7208 §4\.6\.1\): receivers read `mx;include:_spf\.example\.net;` as one term/);
    // The terms meant, each with its own range (the address after the comma is no term of its own).
    assert.deepEqual(r.terms.map((t) => [at(v, t.range), t.invalid]), [['mx', false], ['include:_spf.example.net', false], ['ip4:192.0.2.1', false], ['-all', false]]);
    // A `,` among a macro's delimiters, or followed by what is no term, separates nothing.
    assert.deepEqual(parseSpf('v=spf1 exists:%{ir,}.%{v}._spf.example.net -all').problems, []);
    assert.deepEqual(parseSpf('v=spf1 include:a.example,b -all').problems.map((p) => p.code), ['invalid-domain-spec']);
  });

  it('accepts the version case-insensitively and a record with only the version', () => {
    assert.deepEqual(parseSpf('V=SPF1 -ALL').problems, []);
    assert.deepEqual(parseSpf('v=spf1').terms, []);
  });
});

describe('DMARC parser (RFC 9989)', () => {
  it('reads tags with ranges, ignoring white space and a trailing separator', () => {
    const v = 'v=DMARC1;p=reject ; sp = none;  rua=mailto:a@example.com,mailto:b@example.net!10m;';
    const r = parseDmarc(v);
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.tags.map((t) => [t.name, t.value, at(v, t.range)]), [
      ['v', 'DMARC1', 'v=DMARC1'],
      ['p', 'reject', 'p=reject'],
      ['sp', 'none', 'sp = none'],
      ['rua', 'mailto:a@example.com,mailto:b@example.net!10m', 'rua=mailto:a@example.com,mailto:b@example.net!10m'],
    ]);
    assert.equal(r.byName.get('sp')!.spaceAroundEquals, true);
    const uris = parseReportUris(r.byName.get('rua')!);
    assert.deepEqual(uris.map((u) => [u.scheme, u.address, u.size, at(v, u.range)]), [
      ['mailto', 'a@example.com', undefined, 'mailto:a@example.com'],
      ['mailto', 'b@example.net', '10m', 'mailto:b@example.net!10m'],
    ]);
  });

  it('reports parts that are not tag=value', () => {
    const v = 'v=DMARC1; p=reject; quarantine; =x';
    assert.deepEqual(parseDmarc(v).problems.map((p) => at(v, p.range)), ['quarantine', '=']);
  });
});

describe('DKIM key parser (RFC 6376, RFC 8301, RFC 8463)', () => {
  it('decodes RSA SubjectPublicKeyInfo and reports its size', () => {
    const r = parseDkim('v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDEzT7aq52MEiYBT9CIbqhufSHw585PO6fr9En7VzxnnUeqUaMDqly9/jcMx6T3WFFjraYMo4Ipzdu+5qX1AF6VJGrn8UrC0vycXHJgMuCelUde0pn5OoPk9WXukCG9V2wK3jJox2pX2rvNthdv/3dTqySy6b+YakkG8cOTpx2ZaQIDAQAB');
    assert.deepEqual([r.key?.type, r.key?.bits, r.key?.encoding], ['rsa', 1024, 'spki']);
  });

  it('rejects data that is not base64 or not a key', () => {
    assert.match(parseDkim('p=notbase64!!').key!.error!, /not base64/);
    assert.match(parseDkim('p=AAAAAAAAAAAAAAAA').key!.error!, /not an RSA/);
  });

  it('reads the corpus DKIM records: SPKI, PKCS#1 and raw Ed25519 keys', (t) => {
    const dir = path.join(CORPUS, 'dkim-records');
    if (!fs.existsSync(dir)) return t.skip(`corpus not present at ${dir}`);
    const found: string[] = [];
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.txt') && x.startsWith('stalwart'))) {
      const text = fs.readFileSync(path.join(dir, f), 'utf8');
      for (const line of text.split('\n\n')[0].split('\n')) {
        const m = /^(\S+)\s+(v=DKIM1.*|k=.*|p=.*)$/.exec(line.trim());
        if (!m) continue;
        const k = parseDkim(m[2]).key;
        found.push(`${m[1]} ${k?.type} ${k?.bits} ${k?.encoding ?? k?.error}`);
      }
    }
    t.diagnostic(found.join('\n'));
    assert.ok(found.includes('brisbane._domainkey.football.example.com ed25519 256 raw'));
    assert.ok(found.includes('newengland._domainkey.example.com rsa 1024 pkcs1'));
    assert.ok(found.every((l) => !/undefined undefined/.test(l)), found.join('\n'));
  });
});

describe('DKIM key decoding agrees with node:crypto', () => {
  it('reads the same RSA sizes as createPublicKey for SPKI and PKCS#1 keys of many sizes', async () => {
    const { generateKeyPairSync, createPublicKey } = await import('node:crypto');
    for (const bits of [512, 1023, 1024, 2047, 2048, 3072, 4096]) {
      const { publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
      for (const type of ['spki', 'pkcs1'] as const) {
        const b64 = publicKey.export({ type, format: 'der' }).toString('base64');
        const k = parseDkim(`v=DKIM1; k=rsa; p=${b64}`).key!;
        assert.deepEqual([k.type, k.bits, k.encoding], ['rsa', createPublicKey({ key: Buffer.from(b64, 'base64'), format: 'der', type }).asymmetricKeyDetails?.modulusLength === bits ? bits : -1, type]);
      }
    }
  });

  it('skips node:crypto only for bytes it rejects: not a SEQUENCE, or one cut short (real keys cut, mutated, random)', async () => {
    const { generateKeyPairSync, createPublicKey } = await import('node:crypto');
    const fc = (await import('fast-check')).default;
    const keys = [
      generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'der' }),
      generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'pkcs1', format: 'der' }),
      generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' }),
      generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' }),
    ];
    const accepted = (der: Buffer) =>
      (['spki', 'pkcs1'] as const).some((type) => {
        try {
          createPublicKey({ key: der, format: 'der', type });
          return true;
        } catch {
          return false;
        }
      });
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
      fc.tuple(fc.constantFrom(...keys), fc.nat(), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }), fc.uint8Array({ maxLength: 8 })).map(([k, cut, edits, tail]) => {
        const b = Buffer.concat([k.subarray(0, cut % (k.length + 1)), Buffer.from(tail)]);
        for (const [at, v] of edits) if (b.length) b[at % b.length] = v;
        return b;
      }),
    );
    let skipped = 0;
    fc.assert(
      fc.property(bytes, (der) => {
        if (!cutShortOrNotSequence(der)) return;
        skipped++;
        assert.equal(accepted(der), false, der.toString('hex'));
      }),
      { numRuns: 3000 },
    );
    assert.ok(skipped > 100, `only ${skipped} inputs were skipped`);
    for (const k of keys) assert.equal(cutShortOrNotSequence(k), false);
  });

  it('rejects truncated DER, and like OpenSSL-based verifiers accepts trailing bytes after the key', () => {
    const good = 'MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDEzT7aq52MEiYBT9CIbqhufSHw585PO6fr9En7VzxnnUeqUaMDqly9/jcMx6T3WFFjraYMo4Ipzdu+5qX1AF6VJGrn8UrC0vycXHJgMuCelUde0pn5OoPk9WXukCG9V2wK3jJox2pX2rvNthdv/3dTqySy6b+YakkG8cOTpx2ZaQIDAQAB';
    const der = Buffer.from(good, 'base64');
    assert.ok(parseDkim(`p=${der.subarray(0, der.length - 10).toString('base64')}`).key!.error);
    assert.equal(parseDkim(`p=${Buffer.concat([der, Buffer.from([0, 0, 0])]).toString('base64')}`).key!.bits, 1024);
  });
});

describe('messages that quote a runaway value', () => {
  it('cut a quote of thousands of characters to its two ends; the range still covers all of it', async () => {
    const { lint, covered } = await import('../helpers');
    const term = `x${'a'.repeat(5000)}z`;
    const { text, findings } = lint(`@ IN TXT "v=spf1 ${term} -all"`);
    const f = findings.find((x) => x.rule === 'spf/unknown-mechanism')!;
    assert.ok(f.message.length < 400, `${f.message.length} characters`);
    assert.match(f.message, /^Unknown mechanism `xa{199}… \(5,002 characters\) …a{39}z`; SPF knows all/);
    assert.equal(covered(text, f), term);
    // A quote of ordinary length is left whole.
    const short = lint('@ IN TXT "v=spf1 bogus -all"').findings.find((x) => x.rule === 'spf/unknown-mechanism')!;
    assert.match(short.message, /^Unknown mechanism `bogus`;/);
  });
});
