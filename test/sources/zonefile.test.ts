import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parseProtocols, parseServices, useHostTables } from '../../server/src/sources/hosttables';
import { analyzeZone } from '../../server/src/service';
import { documentSymbols, foldingRanges } from '../../server/src/features/outline';
import { generateHover } from '../../server/src/features/hover';
import { isPlainIPv6, originFromFileName, parseTtl, parseZone, splitStringText } from '../../server/src/sources/zonefile';
import { isIPv6 } from 'node:net';
import fc from 'fast-check';
import { applyFix, covered } from '../helpers';

const zone = (text: string, origin = 'example.com') => parseZone(text, 'z.zone', { origin });

/** One record line under `$ORIGIN example.com.`: its problems as [rule, the text of the range]. */
function lineProblems(line: string): [string, string][] {
  const text = `$ORIGIN example.com.\n${line}\n`;
  return zone(text).problems.map((p) => [p.code, text.slice(p.range.start, p.range.end)]);
}
/** The line has exactly one problem, zone/invalid-rdata, over `at` (and a message matching `message`). */
function badRdata(line: string, at: string, message?: RegExp): void {
  assert.deepEqual(lineProblems(line), [['zone/invalid-rdata', at]], line);
  if (message) assert.match(zone(`$ORIGIN example.com.\n${line}\n`).problems[0].message, message);
}
function goodRdata(line: string): void {
  assert.deepEqual(lineProblems(line), [], line);
}

describe('zone file reader (RFC 1035 §5)', () => {
  it('resolves $ORIGIN, @, relative, absolute and inherited owners', () => {
    const z = parseZone(
      ['$ORIGIN example.com.', '@ IN TXT "a"', 'www IN TXT "b"', '  IN TXT "c"', 'other.example.net. IN TXT "d"', '$ORIGIN sub.example.com.', 'x IN TXT "e"', '@ IN TXT "f"'].join('\n'),
      'z.zone',
    );
    assert.deepEqual(
      z.sites.map((s) => [s.owner, s.value]),
      [
        ['example.com', 'a'],
        ['www.example.com', 'b'],
        ['www.example.com', 'c'],
        ['other.example.net', 'd'],
        ['x.sub.example.com', 'e'],
        ['sub.example.com', 'f'],
      ],
    );
    assert.equal(z.origin, 'example.com');
    assert.deepEqual(z.problems.map((p) => p.code), ['zone/out-of-zone']);
  });

  it('reads TTL and class in either order, $TTL and BIND units', () => {
    const z = zone(['$TTL 1h', 'a IN 300 TXT "x"', 'b 2d IN TXT "x"', 'c TXT "x"', 'd IN TXT "x"'].join('\n'));
    assert.deepEqual(z.records.map((r) => r.ttl), [300, 172800, 3600, 3600]);
    assert.equal(parseTtl('1w2d3h4m5s'), 604800 + 2 * 86400 + 3 * 3600 + 4 * 60 + 5);
    assert.equal(parseTtl('1w2x'), undefined);
  });

  it('joins several character-strings with no separator and keeps each string', () => {
    const z = zone('@ IN TXT "v=spf1 ip4:192.0.2.1 " "-all" unquoted\\032word');
    const s = z.sites[0];
    assert.equal(s.value, 'v=spf1 ip4:192.0.2.1 -allunquoted word');
    assert.deepEqual(s.strings.map((x) => [x.start, x.end, x.bytes]), [[0, 21, 21], [21, 25, 4], [25, 38, 13]]);
  });

  it('decodes \\", \\\\ and \\DDD escapes and maps each value offset back to the document', () => {
    const text = '@ IN TXT "a\\"b\\\\c\\059d"';
    const s = zone(text).sites[0];
    assert.equal(s.value, 'a"b\\c;d');
    // `;` (value offset 5) is written as \059 in the document
    const r = s.map.toDocRange({ start: 5, end: 6 });
    assert.equal(text.slice(r.start, r.end), '\\059');
    const whole = s.map.toDocRange({ start: 0, end: s.value.length });
    assert.equal(text.slice(whole.start, whole.end), 'a\\"b\\\\c\\059d');
  });

  it('spans parentheses over lines, skipping comments inside', () => {
    const text = ['@ IN TXT ( "v=spf1 " ; first part', '  "include:_spf.example.net" ; second', '  " -all" )', 'next IN TXT "after"'].join('\n');
    const z = zone(text);
    assert.equal(z.sites.length, 2);
    assert.equal(z.sites[0].value, 'v=spf1 include:_spf.example.net -all');
    assert.equal(z.sites[1].owner, 'next.example.com');
  });

  it('points a finding inside the second string of a split record at the right characters', () => {
    const text = '$ORIGIN example.com.\n@ IN TXT ( "v=spf1 ip4:192.0.2.1 "\n   "include:_spf.example.net +all" )\n';
    const { findings } = analyzeZone(text, 'z.zone');
    const f = findings.find((x) => x.rule === 'spf/plus-all')!;
    assert.equal(covered(text, f), '+all');
    assert.equal(text.slice(0, f.range.start).split('\n').length, 3);
  });

  it('maps a range across a string joint to cover both parts', () => {
    const text = '@ IN TXT "v=spf1 ip4:192.0" ".2.300 -all"';
    const { findings } = analyzeZone(`$ORIGIN example.com.\n${text}`, 'z.zone');
    const f = findings.find((x) => x.rule === 'spf/invalid-ip')!;
    assert.equal(covered(`$ORIGIN example.com.\n${text}`, f), '192.0" ".2.300');
  });

  it('reads the type-99 SPF record and TYPE16/TYPE99 generic type names', () => {
    const z = zone(['@ IN SPF "v=spf1 -all"', 'a IN TYPE16 "x"', 'b IN TYPE99 "v=spf1 -all"', 'c IN TYPE999 \\# 2 0102'].join('\n'));
    assert.deepEqual(z.sites.map((s) => s.type), ['SPF', 'TXT', 'SPF']);
    assert.equal(z.records.length, 4);
    assert.deepEqual(z.problems, []);
  });

  it('reads TXT and SPF data in RFC 3597 generic form as the strings DNS serves, and checks them', () => {
    const hex = (s: string) => Buffer.from(s, 'latin1').toString('hex');
    const str = (s: string) => (s.length < 16 ? '0' : '') + s.length.toString(16) + hex(s);
    const spf = str('v=spf1 ') + str('ip4:192.0.2.1 +all');
    // The hex split anywhere, even inside a byte, as RFC 3597 allows.
    const split = `${spf.slice(0, 9)} ${spf.slice(9, 30)} ${spf.slice(30)}`;
    const dmarc = str('v=DMARC1; p=reject; pct=50');
    const text = [`@ IN TXT \\# ${spf.length / 2} ${split}`, `_dmarc IN TYPE16 \\# ${dmarc.length / 2} ( ${dmarc} )`, `b IN TYPE99 \\# 4 03616263`, `c IN TXT \\# 1 00`].join('\n');
    const z = zone(text);
    assert.deepEqual(z.problems, []);
    assert.deepEqual(
      z.sites.map((s) => [s.owner, s.type, s.value, s.strings.map((x) => x.bytes)]),
      [
        ['example.com', 'TXT', 'v=spf1 ip4:192.0.2.1 +all', [7, 18]],
        ['_dmarc.example.com', 'TXT', 'v=DMARC1; p=reject; pct=50', [26]],
        ['b.example.com', 'SPF', 'abc', [3]],
        ['c.example.com', 'TXT', '', [0]],
      ],
    );
    assert.equal(z.records.length, 4);
    const { findings } = analyzeZone(`$ORIGIN example.com.\n${text}`, 'z.zone');
    const full = `$ORIGIN example.com.\n${text}`;
    const plus = findings.find((f) => f.rule === 'spf/plus-all')!;
    // The range covers the hex digits of `+all`, wherever the fields split them.
    assert.equal(covered(full, plus).replace(/ /g, ''), hex('+all'));
    const pct = findings.find((f) => f.rule === 'dmarc/pct-removed')!;
    assert.equal(covered(full, pct), hex('pct=50'));
    // Written in hex: no fix edits the value in place.
    for (const f of findings) if (f.range.start > full.indexOf('\\#')) assert.deepEqual(f.fixes ?? [], [], f.rule);
    // A value in hex that is not valid TXT wire data is the reader's error, and no site.
    for (const data of ['\\# 4 05616263', '\\# 0']) {
      const broken = zone(`@ IN TXT ${data}`);
      assert.deepEqual([broken.problems.map((p) => p.code), broken.sites.length], [['zone/invalid-rdata'], 0], data);
    }
  });

  it('reports unterminated quotes and keeps reading the next line', () => {
    const z = zone(['_dmarc IN TXT "v=DMARC1; p=none', 'www IN TXT "ok"'].join('\n'));
    assert.deepEqual(z.problems.map((p) => p.code), ['zone/unterminated-quote']);
    assert.equal(z.sites[1].value, 'ok');
  });

  it('recovers from an unclosed parenthesis at the line after it', () => {
    const text = ['@ IN TXT ( "v=spf1 " "-all"', 'www IN A 192.0.2.1', 'mail IN TXT "x"'].join('\n');
    const z = zone(text);
    assert.deepEqual(z.problems.map((p) => [p.code, text.slice(p.range.start, p.range.end)]), [['zone/unbalanced-parentheses', '(']]);
    assert.deepEqual(z.records.map((r) => r.owner), ['example.com', 'www.example.com', 'mail.example.com']);
  });

  it('reads many unclosed parentheses with no `)` after them in one pass: the same as reading each to the end (fast-check)', () => {
    // A `)` in a comment at the end changes nothing that is read, but makes the reader go to the end
    // of the file from each unclosed parenthesis, as it must when a `)` may still close it.
    const line = fc.constantFrom('@ IN TXT ( "v=spf1 " "-all"', 'www IN A 192.0.2.1', '  "more" ; c', 'mail IN TXT "x', 'a IN MX ( 10', '  mx.example.com. )', '', ' ', 'b IN TXT ( "p"', ') stray', '$TTL 300', 'c IN TXT "(" ")"');
    fc.assert(
      fc.property(fc.array(line, { maxLength: 14 }), (lines) => {
        const text = lines.join('\n');
        const read = (t: string) => {
          const z = zone(t);
          // Reading to the end also meets the problems of the lines after the cut, which are read again
          // from there: the same problems, some twice and out of order (the check keeps one of each).
          const problems = [...new Set(z.problems.map((p) => `${p.range.start} ${p.range.end} ${p.code}`))].sort((a, b) => parseInt(a) - parseInt(b));
          return { records: z.records.map((r) => [r.owner, r.type, r.range.start, r.range.end]), problems };
        };
        assert.deepEqual(read(text), read(`${text}\n; )`), text);
      }),
      { numRuns: 1000 },
    );
    const many = Array.from({ length: 4000 }, (_, i) => `h${i} IN TXT ( "v=spf1 " "-all"`).join('\n');
    const z = zone(many);
    assert.equal(z.records.length, 4000);
    assert.equal(z.problems.filter((p) => p.code === 'zone/unbalanced-parentheses').length, 4000);
  });

  it('reports unknown directives, bad TTLs, unknown types and bad rdata', () => {
    const z = zone(['$ORIGN example.com.', 'a 1w2x IN TXT "x"', 'b IN TXTT "x"', 'c IN A 192.0.2.300', 'd IN MX mail', 'e IN TXT', 'f IN'].join('\n'));
    assert.deepEqual(z.problems.map((p) => p.code), ['zone/unknown-directive', 'zone/invalid-ttl', 'zone/unknown-type', 'zone/invalid-rdata', 'zone/invalid-rdata', 'zone/invalid-rdata', 'zone/invalid-rdata']);
  });

  it('checks record data as BIND does, at the field BIND names (SOA, SRV, CAA, names, escapes)', () => {
    const [bad, ok] = [badRdata, goodRdata];
    ok('@ IN SOA ns1 hostmaster ( 2026112601 2h 1h 2w 300 )');
    bad('@ IN SOA ns1 hostmaster 1x 2 3 4 5', '1x');
    bad('@ IN SOA ns1 hostmaster 4294967296 2 3 4 5', '4294967296');
    ok('@ IN SOA ns1 hostmaster 02026112601 2 3 4 5');
    bad('@ IN SOA ns1 hostmaster 1 7.200 3 4 5', '7.200');
    bad('@ IN SOA ns1 hostmaster ( 1 2 3 4 5\n 6 )', '\n 6');
    bad('@ IN SOA ns1 hostmaster 1 2 3 4', '4');
    // Fields in order, then their number; on a later line, from the end of the field before (BIND's line).
    bad('@ IN SOA ns1 hostmaster ( 1 72 ; 00 3600 1209600 300 )\n@ IN NS ns1 )', '\n@');
    ok('_sip._tcp IN SRV 0 5 5060 sip.example.com.');
    bad('_sip._tcp IN SRV 0 5 65536 sip', '65536');
    bad('_sip._tcp IN SRV 0 5 5060:sip', '5060:sip');
    bad('_sip._tcp IN SRV 0 5 5060 sip extra', 'extra');
    ok('@ IN CAA 0 issue "letsencrypt.org"');
    ok('_25._tcp.mx IN TLSA 3 1 1 2bb183af 2bb183af');
    bad('_25._tcp.mx IN TLSA 256 1 1 2bb183af', '256');
    bad('_25._tcp.mx IN TLSA 3 1 1 2bb183a', '2bb183a');
    bad('_25._tcp.mx IN TLSA 3 1 1 -', '-');
    bad('_25._tcp.mx IN TLSA 3 1 1', '1');
    bad('@ IN CAA 256 issue "x"', '256');
    bad('@ IN CAA 0 is-sue "x"', 'is-sue');
    bad('@ IN MX 0x1 mail', '0x1');
    bad('@ IN MX 10 mail..example.com.', 'mail..example.com.');
    bad('www IN CNAME .example.com.', '.example.com.');
    bad('a..b IN TXT "x"', 'a..b');
    bad(`${'x'.repeat(64)} IN TXT "x"`, 'x'.repeat(64));
    bad('ns1 IN A 19\\2.0.2.1', '19\\2.0.2.1');
    bad('t IN TXT \\06b', '\\06b');
    bad('t IN TXT "\\256"', '\\256');
    bad('t IN TXT ab\\', '\\');
    ok('t IN TXT \\065bc "\\255" a\\;b');
    ok('t IN TXT \\# 4 03616263');
    ok('t IN TXT \\# a b');
    bad('t IN TXT \\# 4 036162', '036162');
    bad('t IN TXT \\# 4 0361626', '0361626');
    bad('t IN TXT \\# 4 03616263zz', '03616263zz');
    bad('t IN A \\# 70000 00', '70000');
    bad('t IN TXT \\# 4 00616263', '00616263');
    bad('t IN A \\# 3 c00002', 'c00002');
    ok('t IN A \\# 4 c0000201');
    ok('t IN TYPE65534 \\# 0');
    bad('t IN TXT \\# 0', '0');
    bad('*.w IN NS ns1', '*.w');
    bad('$ORIGIN example.com. extra', 'extra');
    bad('$TTL 300 x', 'x');
    // A backslash before a line break inside quotes keeps the break in the string, as BIND reads it.
    const z = zone('$ORIGIN example.com.\nt IN TXT "ab\\\ncd"\n');
    assert.deepEqual([z.problems, z.sites.map((x) => x.value)], [[], ['ab\ncd']]);
  });

  it('checks DNSSEC and other record data as BIND does (DS, DNSKEY, KEY, SSHFP, OPENPGPKEY, HINFO, RP, AFSDB, URI, NAPTR)', () => {
    const [bad, ok] = [badRdata, goodRdata];
    const sha256 = '1F987CC6583E92DF0890718C421EE5BC6E0AF5A2E6B5B2B3A7B1D6B4E4C4D4E4';
    // DS: key tag, algorithm and digest type by number or name, the digest of its type's size.
    ok(`sub IN DS 2371 13 2 ${sha256}`);
    ok(`sub IN DS 2371 ecdsap256sha256 SHA-256 ${sha256.slice(0, 30)} ${sha256.slice(30)}`);
    ok('sub IN DS 2371 13 9 ab cd');
    ok('@ IN CDS 0 0 0 00');
    badRdata('ta IN TA 1 13 2 ab', 'ab', /SHA-256 digest/);
    bad(`sub IN DS 70000 13 2 ${sha256}`, '70000');
    bad(`sub IN DS 1 ECC 2 ${sha256}`, 'ECC', /algorithm `ECC`/);
    bad(`sub IN DS 1 13 SHA-512 ${sha256}`, 'SHA-512', /digest type/);
    bad('sub IN DS 1 13 2 1F987CC6', '1F987CC6', /SHA-256 digest is 32 bytes/);
    bad(`sub IN DS 1 13 2 ${sha256}00`, `${sha256}00`, /has more/);
    bad(`sub IN DS 1 13 2 ${sha256} 00`, '00', /`00` is extra/);
    bad('sub IN DS 1 13 9 abc', 'abc', /odd number/);
    bad('sub IN DS 1 13 2', '2');
    // DNSKEY: flags by number (decimal, hex) or names, protocol and algorithm by number or name, a base64 key.
    ok('@ IN DNSKEY 257 3 13 ( mdsswUyr3DPW132mOi8V9xESWE8jTo0d\n  xCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ== )');
    ok('@ IN DNSKEY ZONE|KSK DNSSEC ED25519 AwEAAQ= =');
    ok('@ IN DNSKEY 0x101 3 8 AwEA');
    ok('@ IN DNSKEY 25a7 3 8 AwEA');
    bad('@ IN DNSKEY REVOKE 3 8 AwEA', 'REVOKE', /flags/);
    // A flag name may be cut short, as BIND reads it: ZON is ZONE, NO is NOCONF (a key is then needed).
    ok('@ IN DNSKEY ZON|K 3 8 AwEA');
    bad('@ IN DNSKEY ZONEX 3 8 AwEA', 'ZONEX');
    bad('k IN KEY NO 3 8', '8');
    ok('k IN KEY NOK 3 8');
    bad('@ IN DNSKEY 2_5 3 8 AwEA', '2_5');
    bad('@ IN DNSKEY 257 300 8 AwEA', '300', /protocol/);
    bad('@ IN DNSKEY 257 3 8', '8');
    bad('@ IN DNSKEY 257 3 8 AwE', 'AwE', /multiple of four/);
    bad('@ IN DNSKEY 257 3 8 AB==', 'AB==', /bits set/);
    bad('@ IN DNSKEY 257 3 8 AwEA=', 'AwEA=', /multiple of four/);
    bad('@ IN DNSKEY 257 3 8 AA=A', 'AA=A', /padding/);
    bad('@ IN DNSKEY 257 3 8 AwEAAQ== x', 'x', /`x` is extra/);
    bad('@ IN DNSKEY 257 3 8 "AwEA"', '"AwEA"', /not a base64 character/);
    // A bad character on a later line is flagged on its own line (BIND's line), not where the field before ended.
    bad('@ IN DNSKEY 257 3 8 (\n AwEA\n Aw$A )', 'Aw$A');
    // A quoted field is refused as it is read, at the line where the field before ended.
    bad('@ IN DNSKEY 257 3 8 (\n AwEA\n "AwEA" )', '\n "AwEA"');
    // KEY with NOKEY flags has no key; otherwise one is needed.
    ok('k IN KEY 49152 3 8');
    bad('k IN KEY 49152 3 8 AA==', 'AA==', /NOKEY/);
    bad('k IN KEY 257 3 8', '8');
    ok('k._openpgpkey IN OPENPGPKEY mQENBFcS AQgAyC3L');
    bad('k._openpgpkey IN OPENPGPKEY', 'OPENPGPKEY');
    // SSHFP: numbers only; SHA-1 and SHA-256 fingerprints of their size.
    ok('h IN SSHFP 4 2 123456789abcdef67890123456789abcdef67890123456789abcdef67890abcd');
    ok('h IN SSHFP 1 3 1234');
    bad('h IN SSHFP RSA 1 ab', 'RSA');
    bad('h IN SSHFP 1 1 1234', '1234', /SHA-1 fingerprint is 20 bytes/);
    // HINFO, RP, AFSDB, URI, NAPTR: their fields and names; a bad escape in a character-string.
    ok('h IN HINFO "INTEL-386" Unix');
    bad('h IN HINFO a', 'a');
    bad('h IN HINFO a b c', 'c');
    bad('h IN HINFO "a\\9" b', '\\9');
    ok('@ IN RP hostmaster.example.com. txt');
    bad('@ IN RP a..b c', 'a..b');
    ok('afs IN AFSDB 1 host');
    bad('afs IN AFSDB x host', 'x');
    ok('_http._tcp IN URI 10 1 "https://www.example.com/"');
    bad('_http._tcp IN URI 10 1 https://www.example.com/', 'https://www.example.com/', /double quotes/);
    ok('@ IN NAPTR 100 10 "S" "SIP+D2U" "" _sip._udp');
    bad('@ IN NAPTR 70000 10 "S" "SIP" "" .', '70000');
    bad('@ IN NAPTR 100 10 "S" "SIP" ""', '""');
  });

  it('checks signed-zone records as BIND does (RRSIG, NSEC, NSEC3, NSEC3PARAM)', () => {
    const [bad, ok] = [badRdata, goodRdata];
    const rrsig = (fields: string) => `txt IN RRSIG ${fields} oJMRESz5E4gYzS/q6XDrvU1qMPYIjCWzJaOau8XNEZeqCYKD5ar0IRd8KqXXFJkqmVfRvMGPmM1x8fGAa2XhSA==`;
    ok(rrsig('TXT 13 3 3600 20361231000000 20261201000000 2371 example.com.'));
    ok(rrsig('txt ECDSAP256SHA256 3 0300 1798675200 099999999 2371 example.com.'));
    ok(rrsig('TYPE16 13 3 3600 20240229000000 20261201000060 2371 example.com.'));
    bad(rrsig('TXTT 13 3 3600 20361231000000 20261201000000 2371 example.com.'), 'TXTT');
    bad(rrsig('TXT 13 256 3600 20361231000000 20261201000000 2371 example.com.'), '256');
    bad(rrsig('TXT 13 3 1h 20361231000000 20261201000000 2371 example.com.'), '1h');
    bad(rrsig('TXT 13 3 3600 20260229000000 20261201000000 2371 example.com.'), '20260229000000');
    bad(rrsig('TXT 13 3 3600 20361231240000 20261201000000 2371 example.com.'), '20361231240000');
    bad(rrsig('TXT 13 3 3600 2036123100000 20261201000000 2371 example.com.'), '2036123100000');
    bad(rrsig('TXT 13 3 3600 20361231000000 4294967296 2371 example.com.'), '4294967296');
    bad(rrsig('TXT 13 3 3600 20361231000000 20261201000000 70000 example.com.'), '70000');
    bad(rrsig('TXT 13 3 3600 20361231000000 20261201000000 2371 example..com.'), 'example..com.');
    bad('txt IN RRSIG TXT 13 3 3600 20361231000000 20261201000000 2371 example.com.', 'example.com.');
    // The signer has no more labels than the labels field; a relative signer is under the origin.
    bad(rrsig('TXT 13 1 3600 20361231000000 20261201000000 2371 example.com.'), 'example.com.');
    bad(rrsig('TXT 13 2 3600 20361231000000 20261201000000 2371 example.com'), 'example.com');
    ok(rrsig('TXT 13 2 3600 20361231000000 20261201000000 2371 @'));
    ok('txt IN NSEC www.example.com. TXT RRSIG NSEC TYPE1234 any');
    bad('txt IN NSEC www.example.com.', 'www.example.com.');
    bad('txt IN NSEC www.example.com. TXT FOO', 'FOO');
    bad('txt IN NSEC www.example.com. TYPE65536', 'TYPE65536');
    ok('@ IN NSEC3PARAM 1 0 0 -');
    ok('@ IN NSEC3PARAM sha-1 0 10 AABBCCDD');
    bad('@ IN NSEC3PARAM SHA1 0 10 AB', 'SHA1');
    bad('@ IN NSEC3PARAM 1 256 10 AB', '256');
    bad('@ IN NSEC3PARAM 1 0 10 ABC', 'ABC');
    bad('@ IN NSEC3PARAM 1 0 10 AB CD', 'CD');
    bad('@ IN NSEC3PARAM 1 0 10', '10');
    const h = '2T7B4G4VSA5SMI47K61MV5BV1A22BOJR';
    ok(`${h} IN NSEC3 1 0 0 AB 2t7b4g4vsa5smi47k61mv5bv1a22bojs A RRSIG`);
    ok(`${h} IN NSEC3 2 0 0 - 2T7B4G4V`);
    bad(`${h} IN NSEC3 1 0 0 AB 2T7B4G4V`, '2T7B4G4V');
    bad(`${h} IN NSEC3 1 0 0 AB 2T7B4G4VSA5SMI47K61MV5BV1A22BOJW`, '2T7B4G4VSA5SMI47K61MV5BV1A22BOJW');
    bad(`${h} IN NSEC3 1 0 0 AB 2T7B4G4`, '2T7B4G4');
    bad(`${h} IN NSEC3 1 0 0 AB ${h} A FOO`, 'FOO');
    bad(`${h} IN NSEC3 1 0 0 AB`, 'AB');
    // The owner's first label is a hash in base32hex (BIND: "bad owner name").
    ok(`abcdefg IN NSEC3 2 0 0 - 2T7B4G4V`);
    bad(`x.${h} IN NSEC3 1 0 0 AB ${h}`, `x.${h}`);
  });

  it('checks SVCB and HTTPS data as BIND does (RFC 9460): priority, target, each parameter in its own syntax, the rules across them', () => {
    const [bad, ok] = [badRdata, goodRdata];
    ok('h IN HTTPS 1 . alpn=h2,h3');
    ok('h IN HTTPS 0 cdn.example.net.');
    ok('_dns IN SVCB 2 svc.example. alpn=dot port=853 ipv4hint=192.0.2.1,192.0.2.2 ech=AEn+DQBF ipv6hint=2001:db8::1 dohpath=/dns-query{?dns} mandatory=alpn,port key65444=x');
    // A quoted value right after the `=`, a quoted target, parameters in any order, names of keys in `mandatory` in any case.
    ok('h IN HTTPS 1 "." alpn="h2,h3" port="443"');
    ok('h IN HTTPS 1 . mandatory=PORT port=1');
    ok('h IN HTTPS 1 . no-default-alpn alpn=h2');
    ok('h IN HTTPS 1 . key3=ab');
    ok('h IN HTTPS 1 . ech');
    ok('h IN HTTPS 1 . alpn=h2\\\\\\,x');
    // Priority and target.
    bad('h IN HTTPS 65536 .', '65536', /priority/);
    bad('h IN HTTPS 0x1 .', '0x1', /priority/);
    bad('h IN HTTPS 1', '1', /target name/);
    bad('h IN HTTPS 1 foo..bar', 'foo..bar', /empty label/);
    // One parameter at a time, where it is.
    bad('h IN HTTPS 1 . port=65536', 'port=65536', /over 65535/);
    bad('h IN HTTPS 1 . port=+1 alpn=h2', 'port=+1', /port number/);
    bad('h IN HTTPS 1 . foo=bar', 'foo=bar', /not a parameter key/);
    bad('h IN HTTPS 1 . Key3=ab', 'Key3=ab', /not a parameter key/);
    bad('h IN SVCB 1 . ohttp', 'ohttp', /write `key8`/);
    ok('h IN SVCB 1 . key8');
    bad('h IN HTTPS 1 . key065=x', 'key065=x', /not a parameter key/);
    bad('h IN HTTPS 1 . key65536=x', 'key65536=x', /over 65535/);
    bad('h IN HTTPS 1 . ipv4hint=192.0.2.1,', 'ipv4hint=192.0.2.1,', /`` is not an IPv4 address/);
    bad('h IN HTTPS 1 . ipv6hint=192.0.2.1', 'ipv6hint=192.0.2.1', /IPv6/);
    bad('h IN HTTPS 1 . alpn=h2,,h3', 'alpn=h2,,h3', /empty protocol id/);
    bad('h IN HTTPS 1 . alpn=h2,', 'alpn=h2,', /ends in a comma/);
    bad('h IN HTTPS 1 . alpn', 'alpn', /at least one/);
    bad('h IN HTTPS 1 . ech=AEn=', 'ech=AEn=', /base64/);
    bad('h IN HTTPS 1 . no-default-alpn=x alpn=h2', 'no-default-alpn=x', /no value/);
    bad('h IN HTTPS 1 . mandatory=port,port port=1', 'mandatory=port,port', /twice/);
    bad('h IN HTTPS 1 . mandatory=port, port=1', 'mandatory=port,', /empty key/);
    bad('h IN HTTPS 1 . dohpath=/dns-query', 'dohpath=/dns-query', /`dns` variable/);
    // dohpath: an RFC 6570 template with a `dns` variable, as BIND checks it.
    ok('h IN SVCB 1 . dohpath=/q{dns}');
    ok('h IN SVCB 1 . dohpath=/q{?x,dns:9999}%41é');
    bad('h IN SVCB 1 . dohpath=/q{?dns}{', 'dohpath=/q{?dns}{', /template/);
    bad('h IN SVCB 1 . dohpath=/q{?dns}%4g', 'dohpath=/q{?dns}%4g', /template/);
    bad('h IN SVCB 1 . dohpath=/q{=dns}', 'dohpath=/q{=dns}', /template/);
    bad('h IN SVCB 1 . dohpath=/q{?dns:0}', 'dohpath=/q{?dns:0}', /template/);
    bad('h IN SVCB 1 . dohpath=/q{?DNS}', 'dohpath=/q{?DNS}', /template/);
    bad('h IN SVCB 1 . dohpath=q{?dns}', 'dohpath=q{?dns}', /starts with `\/`/);
    bad('h IN HTTPS 1 . "alpn=h2"', '"alpn=h2"', /quoted as a whole/);
    // A name in other case or keyNNNNN takes wire bytes: `key3` is a port of 2 bytes, `ALPN` length-prefixed ids.
    bad('h IN HTTPS 1 . key3=1', 'key3=1', /2 bytes/);
    bad('h IN HTTPS 1 . ALPN=h2', 'ALPN=h2', /length byte/);
    // The rules across parameters, at the end of the record.
    bad('h IN HTTPS 1 . alpn=h2 alpn=h3', 'alpn=h3', /appears twice/);
    bad('h IN HTTPS 1 . port=1 key3=ab', 'key3=ab', /also as `port`/);
    bad('h IN HTTPS 1 . mandatory=port', 'mandatory=port', /does not have/);
    bad('h IN HTTPS 1 . mandatory=alpn,port port=1', 'port=1', /lists alpn/);
    bad('h IN HTTPS 1 . mandatory=mandatory port=1', 'port=1', /itself/);
    bad('h IN HTTPS 1 . no-default-alpn', 'no-default-alpn', /needs an `alpn`/);
    bad('h IN HTTPS 0 cdn.example.net. mandatory=port', 'mandatory=port', /does not have/);
  });

  it('checks LOC data as BIND does (RFC 1876): degrees, minutes, seconds, directions, altitude, sizes', () => {
    const [bad, ok] = [badRdata, goodRdata];
    ok('l IN LOC 52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m');
    ok('l IN LOC 52 N 4 E 0');
    ok('l IN LOC 42 21 54 N 71 06 18 W ( 24m 30m )');
    ok('l IN LOC 90 0 0.000 S 180 W 42849672.95m 90000000.01m');
    ok('l IN LOC 52 22 .5 N 4 E +5m .5m');
    bad('l IN LOC 91 N 4 E 0', '91', /out of range/);
    bad('l IN LOC 90 1 N 4 E 0', '1', /out of range/);
    bad('l IN LOC 52 60 N 4 E 0', '60', /out of range/);
    bad('l IN LOC 52 22 60 N 4 E 0', '60', /under 60/);
    bad('l IN LOC 52 22 59.9999 N 4 E 0', '59.9999', /three decimals/);
    bad('l IN LOC 52.5 N 4 E 0', '52.5', /whole number/);
    // Directions are upper case: `n` is read as minutes.
    bad('l IN LOC 52 n 4 e 0', 'n', /whole number, or the direction/);
    bad('l IN LOC 52 22 23 X 4 E 0', 'X', /direction/);
    bad('l IN LOC 52 N 181 E 0', '181', /out of range/);
    bad('l IN LOC 52 N 4 E', 'E', /altitude/);
    bad('l IN LOC 52 N 4 E 42849673m', '42849673m', /altitude/);
    bad('l IN LOC 52 N 4 E -100000.01m', '-100000.01m', /altitude/);
    bad('l IN LOC 52 N 4 E 0.001m', '0.001m', /two decimals/);
    bad('l IN LOC 52 N 4 E 1mm', '1mm', /altitude/);
    bad('l IN LOC 52 N 4 E 0 1km', '1km', /size/);
    bad('l IN LOC 52 N 4 E 0 -1m', '-1m', /size/);
    bad('l IN LOC 52 N 4 E 0 1 2 3.999', '3.999', /vertical precision/);
    bad('l IN LOC 52 N 4 E 0 1 2 3 4', '4', /extra/);
    bad('l IN LOC 52 N 4 E 0 "1m"', '"1m"', /size/);
  });

  it('reads TYPEnnn of a known type as that type, and refuses meta types and numbers over 65535', () => {
    const z = zone('$ORIGIN example.com.\na IN TYPE1 192.0.2.1\nb IN TYPE15 10 mail\nc IN TYPE1 192.0.2\nd IN TYPE65534 \\# 0\n');
    assert.deepEqual(z.records.map((r) => r.type), ['A', 'MX', 'TYPE65534']);
    assert.deepEqual(z.problems.map((p) => p.code), ['zone/invalid-rdata']);
    const meta = zone('$ORIGIN example.com.\na IN TSIG \\# 0\nb IN TYPE41 \\# 0\nc IN TYPE160 \\# 0\nd IN TYPE0 \\# 0\ne IN TYPE65536 \\# 0\nf IN TYPE127 \\# 0\n');
    assert.deepEqual(meta.problems.map((p) => p.code), Array(5).fill('zone/unknown-type'));
    assert.deepEqual(meta.records.map((r) => r.type), ['TYPE127']);
    // Every type number BIND knows maps to its mnemonic: TYPE65 is HTTPS, TYPE29 LOC.
    const more = zone('$ORIGIN example.com.\na IN TYPE65 1 . alpn=h2\nb IN TYPE29 52 N 4 E 0\nc IN TYPE46 \\# 0\n');
    assert.deepEqual(more.records.map((r) => r.type), ['HTTPS', 'LOC']);
    assert.deepEqual(more.problems.map((p) => p.code), ['zone/invalid-rdata']);
    // A type without a mnemonic has no text form; MD and MF are obsolete; NULL is written in generic form only.
    badRdata('t IN TYPE1000 abc', 'abc', /generic form/);
    assert.deepEqual(lineProblems('t IN MD mail.example.com.'), [['zone/unknown-type', 'MD']]);
    assert.deepEqual(lineProblems('t IN TYPE4 mail.example.com.'), [['zone/unknown-type', 'TYPE4']]);
    badRdata('t IN NULL abc', 'abc', /no text form/);
    goodRdata('t IN NULL \\# 0');
  });

  it('checks the rarer types as BIND does (NAPTR regexp, CERT, IPSECKEY, APL, ZONEMD, CSYNC, DHCID, EUI48/64, NSAP, DSYNC, WKS, A6…) and refuses quoted names', () => {
    const [bad, ok] = [badRdata, goodRdata];
    // NAPTR: the regexp is delimiter, POSIX extended expression, delimiter, replacement, delimiter, flag i.
    ok('x IN NAPTR 100 10 "u" "E2U+sip" "!^.*$!sip:info@example.com!" .');
    ok('x IN NAPTR 100 10 "s" "SIP+D2T" "" _sip._tcp.example.com.');
    ok('x IN NAPTR 1 1 "" "" "!(a)(b[[:digit:]]{1,3})!\\\\2!i" .');
    bad('x IN NAPTR 1 1 "" "" "!^.*$!sip:cs@example.com" .', '"!^.*$!sip:cs@example.com"', /three `!` delimiters/);
    bad('x IN NAPTR 1 1 "" "" "!^(.*$!x!" .', '"!^(.*$!x!"', /not a valid POSIX/);
    bad('x IN NAPTR 1 1 "" "" "!^.*$!\\\\2!" .', '"!^.*$!\\\\2!"', /no group/);
    bad('x IN NAPTR 1 1 "" "" "!a!b!x" .', '"!a!b!x"', /flag `x`/);
    bad('x IN NAPTR 1 1 "" "" "!a**!x!" .', '"!a**!x!"', /not a valid POSIX/);
    // A back-reference inside the expression names a group opened before it.
    ok('x IN NAPTR 1 1 "" "" "!^(a)\\\\1!x!" .');
    bad('x IN NAPTR 1 1 "" "" "!^\\\\1(a)!x!" .', '"!^\\\\1(a)!x!"', /not a valid POSIX/);
    bad('x IN NAPTR 1 1 "" "" "!a{256}!x!" .', '"!a{256}!x!"', /not a valid POSIX/);
    bad('x IN NAPTR 1 1 "" "" "1a1x1" .', '"1a1x1"', /delimiter/);
    // CERT, DHCID, IPSECKEY: numbers and mnemonics, then base64.
    ok('x IN CERT PKIX 0 RSASHA256 AAAA');
    bad('x IN CERT FOO 0 0 AAAA', 'FOO', /CERT type/);
    bad('x IN CERT URI 1 1 AA', 'AA', /multiple of four/);
    bad('x IN DHCID AA== BB==', 'BB==', /extra/);
    ok('x IN IPSECKEY 10 1 2 192.0.2.38 AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==');
    ok('x IN IPSECKEY 10 3 2 gw.example. AQNR');
    bad('x IN IPSECKEY 10 0 2 gw AQNR', 'gw', /gateway type 0/);
    bad('x IN IPSECKEY 10 4 2 gw.example. AQNR', '4', /gateway type/);
    bad('x IN IPSECKEY 10 1 2 192.0.2.1', '192.0.2.1', /5 rdata fields/);
    // APL items; ZONEMD digests of their size; CSYNC types.
    ok('x IN APL 1:192.168.32.0/21 !2:2001:db8::/32');
    ok('x IN APL');
    bad('x IN APL 1:192.168.32.0/33', '1:192.168.32.0/33', /prefix over 32/);
    bad('x IN APL 3:1.2.3.4/8', '3:1.2.3.4/8', /address family/);
    bad('x IN APL 1:192.168.32.0', '1:192.168.32.0', /afi:address\/prefix/);
    ok('x IN ZONEMD 2018031900 1 240 e2d523f654b9422a96c5a8f4');
    bad('x IN ZONEMD 2018031900 1 240 e2d523f654b9422a96c5a8', 'e2d523f654b9422a96c5a8', /at least 12/);
    bad('x IN ZONEMD 2018031900 1 1 08cf', '08cf', /48 bytes/);
    bad('x IN ZONEMD 1 SIMPLE 1 00', 'SIMPLE', /scheme/);
    ok('x IN CSYNC 1 3 A NS AAAA');
    bad('x IN CSYNC 1 3 FOO', 'FOO', /record type/);
    // EUI48/EUI64, NSAP, DSYNC, WKS, X25, A6, MINFO, PX.
    ok('x IN EUI48 00-00-5e-00-53-2a');
    bad('x IN EUI48 00:00:5e:00:53:2a', '00:00:5e:00:53:2a', /hex pairs/);
    bad('x IN EUI64 00-00-5e-ef-10-00-00', '00-00-5e-ef-10-00-00', /8 hex pairs/);
    ok('x IN NSAP 0x47.0005.80.005a00.0000.0001.e133.ffffff000161.00');
    bad('x IN NSAP 0x470', '0x470', /whole bytes/);
    ok('x IN DSYNC CDS NOTIFY 5300 notify-endpoint.parent.net.');
    bad('x IN DSYNC CDS FOO 5300 a.', 'FOO', /scheme/);
    // WKS names are looked up in the host's tables, as BIND does; here, tables of the test's own.
    useHostTables({ services: parseServices('smtp 25/tcp mail\nhttp 80/tcp www # web\ndomain 53/udp\n'), protocols: parseProtocols('tcp 6 TCP\nudp 17 UDP\ngre 47 GRE\n') });
    try {
      ok('x IN WKS 192.0.2.1 tcp smtp http');
      ok('x IN WKS 192.0.2.1 TCP SMTP Www mail');
      ok('x IN WKS 192.0.2.1 17 domain');
      ok('x IN WKS 192.0.2.1 47 smtp domain');
      ok('x IN WKS 192.0.2.1 +6 +25');
      bad('x IN WKS 192.0.2.1 udp smtp', 'smtp', /service table for udp/);
      bad('x IN WKS 192.0.2.1 Gre', 'Gre', /protocol table/);
      bad('x IN WKS 192.0.2.1 tcp 25x', '25x', /service table/);
      bad('x IN WKS 192.0.2.1 tcp -1', '-1', /0-65535/);
      bad('x IN WKS 192.0.2.1 6 65536', '65536', /port/);
      // Without the tables (not a POSIX system), any name is taken.
      useHostTables(null);
      ok('x IN WKS 192.0.2.1 gre anything');
    } finally {
      useHostTables(undefined);
    }
    bad('x IN X25 123', '123', /four digits/);
    ok('x IN A6 64 ::1 foo.example.');
    bad('x IN A6 129 ::1 foo.', '129', /prefix length/);
    bad('x IN MINFO a.example.', 'a.example.', /2 rdata fields/);
    bad('x IN PX 10 a.example.', 'a.example.', /3 rdata fields/);
    // A domain name in quotes is refused (BIND: "unexpected token"), except an SVCB/HTTPS target.
    bad('x IN MX 10 "mail.example.com."', '"mail.example.com."', /not quoted/);
    bad('x IN CNAME "www.example.com."', '"www.example.com."', /not quoted/);
    ok('x IN HTTPS 1 "." alpn=h2');
  });

  it('expands BIND $GENERATE lines into records, and reports what BIND refuses in them on the directive', () => {
    const z = zone('$ORIGIN example.com.\n$TTL 300\n$GENERATE 1-3 host$ A 192.0.2.$\n$GENERATE 10-14/2 h${0,3,d} 600 IN CNAME host${-9}\n$GENERATE 1-2 m$ MX "10 mail$"\n$GENERATE 255-255 ${0,0,n}.rev PTR x$$\n');
    assert.deepEqual(z.problems, []);
    assert.deepEqual(
      z.records.map((r) => `${r.owner} ${r.ttl} ${r.type} ${r.rdata.join(' ')}`),
      ['host1.example.com 300 A 192.0.2.1', 'host2.example.com 300 A 192.0.2.2', 'host3.example.com 300 A 192.0.2.3', 'h010.example.com 600 CNAME host1', 'h012.example.com 600 CNAME host3', 'h014.example.com 600 CNAME host5', 'm1.example.com 300 MX 10 mail1', 'm2.example.com 300 MX 10 mail2', 'f.f.rev.example.com 300 PTR x$'],
    );
    // Every generated record has the directive's range; none is a policy site.
    assert.ok(z.records.slice(0, 3).every((r) => r.range.start === z.records[0].range.start && r.site === undefined));
    const [bad] = [badRdata];
    bad('$GENERATE 1-300 host$ A 192.0.2.$', 'host$ A 192.0.2.$', /record 256 \(`host256 A 192.0.2.256`\).*not an IPv4 address/);
    bad('$GENERATE 10-1 host$ A 192.0.2.$', '10-1', /range/);
    bad('$GENERATE 1-2/0 host$ A 192.0.2.$', '1-2/0', /range/);
    bad('$GENERATE 1-2/ host$ A 192.0.2.$', '1-2/', /range/);
    // Values are kept under 2^31: a negative one wraps around and is refused, 2^32 is 0.
    bad('$GENERATE 10--20/5 host$ A 192.0.2.1', '10--20/5', /range/);
    bad('$GENERATE 1-2147483648 host$ A 192.0.2.1', '1-2147483648', /range/);
    assert.equal(zone('$ORIGIN example.com.\n$GENERATE 0-4294967297 h$ A 192.0.2.1\n').records.length, 2);
    // At most 65 536 records of one line are read, and it is said.
    const big = zone('$ORIGIN example.com.\n$GENERATE 0-2147483647 h$ A 192.0.2.1\n');
    assert.equal(big.records.length, 65536);
    assert.deepEqual(big.problems.map((p) => [p.severity, p.message]), [['information', 'This `$GENERATE` line makes 2147483648 records; the first 65536 are read, the rest are not checked.']]);
    // BIND reads the range with sscanf: what follows the numbers is ignored, a sign is taken.
    assert.equal(zone('$ORIGIN example.com.\n$GENERATE 10-20$/5 h$ A 192.0.2.1\n$GENERATE +1-2 g$ A 192.0.2.1\n').records.length, 13);
    // On the last line without a line break BIND refuses it.
    assert.deepEqual(zone('$ORIGIN example.com.\n$GENERATE 1-2 h$ A 192.0.2.1').problems.map((p) => p.message.slice(0, 40)), ['`$GENERATE` on the last line needs a lin']);
    bad('$GENERATE 1-2 m$ MX 10 mail$', 'mail$', /quote it when it has spaces: `"10 mail\$"`/);
    bad('$GENERATE 1-2 m$ TXT "a" "b"', '"b"', /`"b"` is extra/);
    bad('$GENERATE 1-2 m${0,2,z} A 192.0.2.1', 'm${0,2,z}', /modifier/);
    bad('$GENERATE 1-2 m$ A', '$GENERATE 1-2 m$ A', /needs an owner, a type and the record data/);
    bad('$GENERATE 1-2 m$ A ( 192.0.2.$ )', '$GENERATE 1-2 m$ A ( 192.0.2.$', /no parentheses/);
    bad('$GENERATE 1-2 "m$" A 192.0.2.1', '"m$"', /not quoted/);
    goodRdata('$GENERATE 1-2 m${+1} A 192.0.2.$ ; (a comment)');
    assert.deepEqual(lineProblems('$GENERATE 1-2 m$ FOO x'), [['zone/unknown-type', 'm$ FOO x']]);
    // Generated records meet the others: a CNAME beside an A is reported, as BIND does.
    const c = analyzeZone('$ORIGIN example.com.\n$TTL 300\n@ IN SOA ns hm 1 2 3 4 5\nm1 IN A 192.0.2.9\n$GENERATE 1-2 m$ CNAME ns\n', 'c.zone', { origin: 'example.com' });
    assert.ok(c.findings.some((f) => f.rule === 'zone/cname-and-other-data'));
    // Generated records outside the zone: one warning for the line, not one per record.
    const o = analyzeZone('$ORIGIN example.com.\n$TTL 300\n@ IN SOA ns hm 1 2 3 4 5\n$GENERATE 1-254 $.2.0.192.in-addr.arpa. PTR host$.example.com.\n', 'o.zone', { origin: 'example.com' });
    // In the outline, one symbol per $GENERATE line, not one per record.
    const g = zone('$ORIGIN example.com.\nwww IN A 192.0.2.1\n$GENERATE 1-200 host$ A 192.0.2.$\n');
    assert.deepEqual(documentSymbols(g.records, [], 'z.zone', 'example.com').map((s) => [s.name, s.records.map((r) => r.detail).join()]), [['www', '192.0.2.1'], ['host1 …', '200 records from $GENERATE']]);
    assert.deepEqual(foldingRanges(g.records, 'z.zone', () => 0), []);
    const line = g.records[1].range;
    const h = generateHover(g.records, 'z.zone', line.start - 20, line.end);
    assert.equal(h?.markdown.split('\n').filter((l) => / A /.test(l)).length, 6);
    assert.match(h!.markdown, /makes 200 records[\s\S]*host5\.example\.com\. IN A 192\.0\.2\.5\n…\nhost200\.example\.com\. IN A 192\.0\.2\.200/);
    assert.equal(generateHover(g.records, 'z.zone', 0, 5), undefined);
    const outside = o.findings.filter((f) => f.rule === 'zone/out-of-zone');
    assert.equal(outside.length, 1);
    assert.match(outside[0].message, /^Record owners `1\.2\.0\.192\.in-addr\.arpa` and 253 more from this `\$GENERATE` line/);
  });

  it('offers quick fixes for the sure repairs: quotes around a name, ohttp as key8, a line break after a last $GENERATE', () => {
    const fixed = (text: string) => {
      const z = zone(text);
      const p = z.problems.find((x) => x.fixes?.length);
      assert.ok(p, text);
      const out = applyFix(text, p.fixes![0]);
      assert.deepEqual(zone(out).problems, [], out);
      return out;
    };
    assert.equal(fixed('$ORIGIN example.com.\n@ IN MX 10 "mail.example.com." ; primary\n'), '$ORIGIN example.com.\n@ IN MX 10 mail.example.com. ; primary\n');
    assert.equal(fixed('$ORIGIN example.com.\n_dns IN SVCB 1 . ( alpn=h2\n  ohttp )\n'), '$ORIGIN example.com.\n_dns IN SVCB 1 . ( alpn=h2\n  key8 )\n');
    assert.equal(fixed('$ORIGIN example.com.\r\n$GENERATE 1-2 h$ A 192.0.2.$'), '$ORIGIN example.com.\r\n$GENERATE 1-2 h$ A 192.0.2.$\r\n');
    // No fix where removing the quotes would change what the line means.
    assert.deepEqual(zone('$ORIGIN example.com.\n@ IN CNAME "a b."\n').problems.map((p) => p.fixes), [undefined]);
  });

  it('checks the rarest types as BIND 9.18 does (HIP, AMTRELAY, DOA, SIG, NXT, RKEY, ATMA, SINK, L32/L64/NID/LP, TALINK, GPOS, TXT-like, reserved)', () => {
    const [bad, ok] = [badRdata, goodRdata];
    // HIP: algorithm, HIT in hex, key in base64 (one field each), rendezvous servers as names.
    ok('x IN HIP 2 200100107B1A74DF365639CC39F1D578 AwEAAQ== rvs1.example.com. rvs2');
    bad('x IN HIP 256 2001 AwEAAQ==', '256', /algorithm/);
    bad('x IN HIP 2 20010010ZZ AwEAAQ==', '20010010ZZ', /HIT/);
    bad('x IN HIP 2 200 AwEAAQ==', '200', /whole bytes/);
    bad('x IN HIP 2 2001 AwEAAb==', 'AwEAAb==', /bits set/);
    bad('x IN HIP 2 2001 AwEAAQ== "rvs.example.com."', '"rvs.example.com."', /not quoted/);
    bad('x IN HIP 2 2001', '2001', /3 rdata fields/);
    // AMTRELAY: precedence, D bit, relay type 0-3 and its relay; types 4-127 have no text form.
    ok('x IN AMTRELAY 0 0 0 .');
    ok('x IN AMTRELAY 10 1 1 203.0.113.15');
    ok('x IN AMTRELAY 10 0 2 2600:dead:beef::515');
    ok('x IN AMTRELAY 128 1 3 amtrelays.example.com.');
    bad('x IN AMTRELAY 0 2 0 .', '2', /discovery/);
    bad('x IN AMTRELAY 0 0 128 x', '128', /relay type/);
    bad('x IN AMTRELAY 0 0 4 foo', 'foo', /no text form/);
    bad('x IN AMTRELAY 0 0 0 foo', 'foo', /relay type 0/);
    bad('x IN AMTRELAY 0 0 2 203.0.113.15', '203.0.113.15', /IPv6/);
    bad('x IN AMTRELAY 0 0 1 203.0.113.15 extra', 'extra', /4 rdata fields/);
    // DOA: enterprise, type, location, media type, base64 data or `-`.
    ok('x IN DOA 0 1 2 "" aHR0cHM6Ly93d3cuaXNjLm9yZy8=');
    ok('x IN DOA 1234567890 1234567890 1 "image/pgp" -');
    bad('x IN DOA 4294967296 1 2 "" -', '4294967296', /enterprise/);
    bad('x IN DOA 0 1 256 "" -', '256', /location/);
    bad('x IN DOA 0 1 2 "" - extra', 'extra', /5 rdata fields/);
    bad('x IN DOA 0 1 2 "" aHR0 -', '-', /not a base64 character/);
    // SIG has RRSIG's fields but only YYYYMMDDHHmmSS times; NXT lists types 1-127.
    ok('x IN SIG A 5 2 3600 20301231235959 20200101000000 12345 example.com. AwEAAQ==');
    bad('x IN SIG A 5 2 3600 2030 20200101000000 12345 example.com. AwEAAQ==', '2030', /YYYYMMDDHHmmSS/);
    bad('x IN SIG A 5 2 3600 20301231235959 20200101000000 70000 example.com. AwEAAQ==', '70000', /key tag/);
    ok('x IN NXT next.example. A MX TYPE127');
    ok('x IN NXT next.example.');
    bad('x IN NXT next.example. TYPE128', 'TYPE128', /1-127/);
    bad('x IN NXT next.example. FOO', 'FOO', /record type/);
    // RKEY: the DNSKEY fields with flags 0.
    ok('x IN RKEY 0 3 RSASHA1 AwEAAQ==');
    bad('x IN RKEY 256 3 5 AwEAAQ==', '256', /must be 0/);
    bad('x IN RKEY 0 3 FOO AwEAAQ==', 'FOO', /algorithm/);
    // ATMA: hex (AESA) or + and digits (E.164), dots inside only.
    ok('x IN ATMA 39.246f.00e7');
    ok('x IN ATMA +358.400.1234567');
    bad('x IN ATMA 392', '392', /whole bytes/);
    bad('x IN ATMA +.358', '+.358', /dot at its start/);
    bad('x IN ATMA +35.', '+35.', /ends too soon/);
    bad('x IN ATMA +358x', '+358x', /decimal digits/);
    // SINK, EID, NIMLOC, L32, L64, NID, LP, TALINK, NSAP-PTR, GPOS.
    ok('x IN SINK 1 0 0');
    ok('x IN SINK 1 0 0 AQID');
    bad('x IN SINK 1 0 0 AQ== AQ==', 'AQ==', /extra/);
    ok('x IN EID 01 23');
    bad('x IN NIMLOC 012', '012', /odd number/);
    ok('x IN L32 10 10.1.2.0');
    bad('x IN L32 10 10.1.2', '10.1.2', /IPv4/);
    ok('x IN L64 10 2001:0DB8:1140:1000');
    bad('x IN L64 10 2001::1140:1000', '2001::1140:1000', /four groups/);
    bad('x IN NID 65536 0:0:0:0', '65536', /preference/);
    ok('x IN LP 10 l64-subnet1.example.com.');
    bad('x IN LP 10 bad..x', 'bad..x', /empty label/);
    ok('x IN TALINK prev.example. next.example.');
    bad('x IN TALINK prev.example.', 'prev.example.', /2 rdata fields/);
    bad('x IN NSAP-PTR', 'NSAP-PTR', /1 rdata field/);
    ok('x IN GPOS -32.6882 116.8652 10.0');
    bad('x IN GPOS -32.6882 116.8652', '116.8652', /3 rdata fields/);
    // Character-strings as in TXT, at least one; the reserved types only in generic form.
    ok('x IN RESINFO qnamemin exterr=15,16,17');
    ok('x IN WALLET "BTC" "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"');
    bad('x IN AVC', 'AVC', /at least one character-string/);
    bad('x IN UID 42', '42', /no text form/);
    ok('x IN UID \\# 4 0000002a');
    // Their generic data, read as wire format.
    bad('x IN HIP \\# 5 0201000000', '0201000000', /empty public key/);
    ok('x IN AMTRELAY \\# 6 0001c0000201');
    bad('x IN AMTRELAY \\# 3 000000', '000000', /after the end/);
    bad('x IN ATMA \\# 2 0141', '0141', /digits/);
    bad('x IN RKEY \\# 4 01000305', '01000305', /flags other than 0/);
    bad('x IN GPOS \\# 2 0000', '0000', /ends too soon/);
    bad('x IN WALLET \\# 2 05aa', '05aa', /character-strings/);
    ok('x IN L64 \\# 10 000a0000000000000000');
  });

  it('reads RFC 3597 generic data as the wire format of its type, as BIND does', () => {
    const [bad, ok] = [badRdata, goodRdata];
    ok('t IN MX \\# 3 000a00');
    bad('t IN MX \\# 2 000a', '000a', /ends too soon/);
    bad('t IN MX \\# 4 000a0000', '000a0000', /1 byte after the end/);
    ok('t IN CNAME \\# 3 016100');
    bad('t IN CNAME \\# 2 c000', 'c000', /compressed/);
    bad('t IN CNAME \\# 2 4000', '4000', /label type/);
    bad('t IN CAA \\# 3 00012d', '00012d', /letters and digits/);
    bad('t IN CAA \\# 2 0000', '0000', /empty CAA tag/);
    bad('t IN TLSA \\# 3 030101', '030101', /ends too soon/);
    bad('t IN SSHFP \\# 3 010101', '010101', /SHA-1 is 20/);
    ok('t IN SSHFP \\# 2 0103');
    bad('t IN DS \\# 5 00010d02aa', '00010d02aa', /ends too soon/);
    ok('t IN DS \\# 5 00010d09aa');
    ok('t IN KEY \\# 4 c0000308');
    bad('t IN KEY \\# 4 01000308', '01000308', /ends too soon/);
    bad('t IN NSEC \\# 4 00000100', '00000100', /type bitmap/);
    bad('t IN NSEC \\# 7 01000140000140', '01000140000140', /type bitmap/);
    ok('t IN NSEC \\# 7 00000140010140');
    bad('t IN HINFO \\# 3 000000', '000000', /after the end/);
    bad('t IN URI \\# 3 000100', '000100', /ends too soon/);
    bad('t IN TYPE256 \\# 0', '0', /ends too soon/);
    ok('t IN HTTPS \\# 9 0001000003000201bb');
    bad('t IN HTTPS \\# 13 0001000003000201bb00010000', '0001000003000201bb00010000', /increasing order/);
    bad('t IN HTTPS \\# 7 00010000020000', '00010000020000', /no-default-alpn/);
    bad('t IN HTTPS \\# 9 000100000000020003', '000100000000020003', /mandatory/);
    bad('t IN LOC \\# 16 00a21613899f2b3e80ccbe1000989680', '00a21613899f2b3e80ccbe1000989680', /out of range/);
    ok('t IN LOC \\# 2 0100');
    bad('t IN CERT \\# 0', '0', /ends too soon/);
    ok('t IN APL \\# 0');
    // Over lines, BIND names the end of the record.
    bad('t IN MX ( \\# 2\n 000a )', '000a');
  });

  it('reports a DS record at the apex (given, or named by the SOA), not in a snippet without either', () => {
    const ds = '@ IN DS 2371 13 0 00';
    const codes = (text: string, origin?: string) => parseZone(text, 'z.zone', { origin }).problems.map((p) => p.code);
    assert.deepEqual(codes(`$ORIGIN example.com.\n@ IN SOA ns hostmaster 1 2 3 4 5\n${ds}\nsub ${ds.slice(2)}\n`), ['zone/ds-at-apex']);
    assert.deepEqual(codes(`$ORIGIN example.com.\n${ds}\n`, 'example.com'), ['zone/ds-at-apex']);
    assert.deepEqual(codes(`$ORIGIN example.com.\n${ds}\n`), []);
    assert.deepEqual(codes(`$ORIGIN example.com.\n@ IN SOA ns hostmaster 1 2 3 4 5\n@ IN CDS 2371 13 0 00\n`), []);
  });

  it('reports a class other than IN, and every SOA after the first', () => {
    const text = '$ORIGIN example.com.\n@ IN SOA ns hostmaster 1 2 3 4 5\nv CH TXT "x"\nw CLASS1 TXT "x"\n@ SOA ns hostmaster 2 2 3 4 5\n';
    const z = zone(text);
    assert.deepEqual(z.problems.map((p) => [p.code, text.slice(p.range.start, p.range.end)]), [
      ['zone/multiple-soa', '@ SOA ns hostmaster 2 2 3 4 5'],
      ['zone/wrong-class', 'CH'],
    ]);
  });

  it('takes the first SOA written again (names absolute or relative, in any case) as the same record, as BIND does: zone transfer output ends with it', () => {
    const codes = (text: string) => zone(text).problems.map((p) => p.code);
    assert.deepEqual(codes('$ORIGIN example.com.\n@ IN SOA ns hostmaster 1 2 3 4 5\n@ IN TXT "x"\nexample.com. 300 IN SOA NS.example.com. hostmaster.EXAMPLE.com. 1 2 3 4 5\n'), []);
    // Another serial, another mailbox, another owner: another SOA.
    for (const other of ['@ IN SOA ns hostmaster 2 2 3 4 5', '@ IN SOA ns admin 1 2 3 4 5', 'sub IN SOA ns hostmaster 1 2 3 4 5'])
      assert.ok(codes(`$ORIGIN example.com.\n@ IN SOA ns hostmaster 1 2 3 4 5\n${other}\n`).includes('zone/multiple-soa'), other);
  });

  it('reports an SOA that is not at the apex given as origin, and trusts the SOA when the apex is not given', () => {
    const text = '$ORIGIN se.\nopendnssec IN SOA ns hostmaster 1 2 3 4 5\n';
    assert.deepEqual(parseZone(text, 'z.zone', { origin: 'example.com' }).problems.filter((p) => p.code === 'zone/soa-not-at-apex').length, 1);
    assert.deepEqual(parseZone(text, 'z.zone', { origin: 'opendnssec.se' }).problems, []);
    assert.deepEqual(parseZone(text, 'z.zone').problems, []);
  });

  it('reports a character-string over 255 bytes, and its fix splits it without changing the value', () => {
    const long = `v=spf1 ${'ip4:192.0.2.1 '.repeat(20)}-all`;
    const text = `$ORIGIN example.com.\n@ IN TXT "${long}"\n`;
    const a = analyzeZone(text, 'z.zone');
    const f = a.findings.find((x) => x.rule === 'zone/string-too-long')!;
    const fixed = applyFix(text, f.fixes![0]);
    const b = analyzeZone(fixed, 'z.zone');
    assert.equal(b.findings.filter((x) => x.rule === 'zone/string-too-long').length, 0);
    assert.equal(b.sites[0].site.value, long);
    assert.ok(b.sites[0].site.strings.every((s) => s.bytes <= 255));
  });

  it('splits a string over 255 bytes as written: escapes, \\DDD bytes and characters outside the BMP are kept whole', () => {
    // 200 bytes of \200 escapes (one byte each on the wire), a quoted `\"`, emoji (4 bytes, two UTF-16 units) across the cut.
    const raw = `v=DKIM1; n=${'\\200'.repeat(200)} \\"x\\" ${'\u{1F600}'.repeat(40)} ${'é'.repeat(100)}`;
    const text = `$ORIGIN example.com.\nsel._domainkey IN TXT "${raw}"\n`;
    const a = analyzeZone(text, 'z.zone');
    const f = a.findings.find((x) => x.rule === 'zone/string-too-long')!;
    assert.match(f.message, /is 577 bytes/);
    const fixed = applyFix(text, f.fixes![0]);
    const b = analyzeZone(fixed, 'z.zone');
    assert.deepEqual(b.findings.filter((x) => x.rule === 'zone/string-too-long'), []);
    assert.equal(b.sites[0].site.value, a.sites[0].site.value, 'the same bytes on the wire');
    assert.ok(b.sites[0].site.strings.every((s) => s.bytes <= 255));
    assert.equal(b.sites[0].site.strings.reduce((n, s) => n + s.bytes, 0), 577);
    // What the user wrote is still there, piece by piece: no escape decoded and written again.
    assert.equal(fixed.replace(/(?<!\\)" "/g, ''), text);
    assert.doesNotMatch(fixed, /[\ud800-\udbff]"|"[\udc00-\udfff]/, 'no surrogate pair is cut');
  });

  it('offers no split for a long string whose closing quote is missing', () => {
    const text = `$ORIGIN example.com.\n@ IN TXT "v=spf1 ${'a'.repeat(300)}\n`;
    const f = analyzeZone(text, 'z.zone').findings.find((x) => x.rule === 'zone/string-too-long');
    assert.ok(f);
    assert.equal(f.fixes, undefined);
  });

  it('splits any string text into pieces that join to it, each at most 255 bytes and cut between escapes and code points', () => {
    const unit = fc.oneof(
      fc.constantFrom(' ', 'a', 'é', '\u{1F600}', '\\"', '\\\\', '\\;', '\\200', '\\032', '\\é'),
      fc.string({ minLength: 1, maxLength: 3 }).filter((x) => !/[\\"]/.test(x)),
    );
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 700 }), fc.integer({ min: 4, max: 300 }), (written, limit) => {
        // Escapes are units; anything else is cut between its code points.
        const units = written.flatMap((u) => (u.startsWith('\\') ? [u] : Array.from(u)));
        const raw = units.join('');
        const parts = splitStringText(raw, limit);
        assert.equal(parts.join(''), raw);
        // Every cut falls on a boundary between units.
        const bounds = new Set<number>([0]);
        units.reduce((n, u) => (bounds.add(n + u.length), n + u.length), 0);
        let at = 0;
        for (const p of parts) {
          assert.ok(bounds.has(at), `cut inside a unit at ${at}`);
          at += p.length;
          const z = parseZone(`$ORIGIN e.example.\n@ IN TXT "${p}"\n`, 'z.zone');
          const bytes = z.records[0]?.site?.strings[0]?.bytes ?? 0;
          assert.ok(bytes <= limit, `${bytes} > ${limit}`);
        }
      }),
      { numRuns: Number(process.env.DL_PROPERTY_RUNS ?? 200) },
    );
  });

  it('follows $INCLUDE relative to the including file, with its own origin, and reports a missing one', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-inc-'));
    fs.writeFileSync(path.join(dir, 'keys.inc'), 'sel._domainkey IN TXT "v=DKIM1; p="\n');
    const main = path.join(dir, 'example.com.zone');
    const text = '$ORIGIN example.com.\n$INCLUDE keys.inc\n$INCLUDE sub.inc sub.example.com.\n$INCLUDE missing.inc\n';
    fs.writeFileSync(path.join(dir, 'sub.inc'), '@ IN TXT "v=spf1 -all"\n');
    const z = parseZone(text, main, { readFile: (f) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : undefined) });
    assert.deepEqual(z.sites.map((s) => [s.owner, path.basename(s.uri)]), [['sel._domainkey.example.com', 'keys.inc'], ['sub.example.com', 'sub.inc']]);
    assert.deepEqual(z.problems.map((p) => [p.code, text.slice(p.range.start, p.range.end)]), [['zone/include-not-found', 'missing.inc']]);
    assert.equal(z.texts.size, 3);
  });

  it('guesses the origin from BIND file names only when it looks like a domain', () => {
    assert.equal(originFromFileName('/x/db.example.com'), 'example.com');
    assert.equal(originFromFileName('example.org.zone'), 'example.org');
    assert.equal(originFromFileName('suhaib_db.limologix.com.bak'), undefined);
    assert.equal(originFromFileName('spf.db'), undefined);
  });

  it('reports a UTF-8 byte-order mark at the start (its fix removes only it) and reads the rest as without it', () => {
    const plain = '$ORIGIN example.com.\r\n@ IN TXT "v=spf1 -all"\r\n';
    const a = analyzeZone(`\ufeff${plain}`, 'z.zone');
    const bom = a.findings.filter((f) => f.rule === 'zone/byte-order-mark');
    assert.deepEqual(bom.map((f) => [f.severity, f.range]), [['error', { start: 0, end: 1 }]]);
    assert.equal(applyFix(`\ufeff${plain}`, bom[0].fixes![0]), plain);
    const b = analyzeZone(plain, 'z.zone');
    assert.deepEqual(a.sites.map((s) => [s.site.owner, s.site.value]), b.sites.map((s) => [s.site.owner, s.site.value]));
    assert.deepEqual(a.findings.filter((f) => f !== bom[0]).map((f) => [f.rule, f.range.start - 1]), b.findings.map((f) => [f.rule, f.range.start]));
    // Only at the very start: U+FEFF elsewhere is an ordinary character of a word.
    assert.deepEqual(analyzeZone(`${plain}x\ufeff IN TXT "a"\n`, 'z.zone').findings.filter((f) => f.rule === 'zone/byte-order-mark'), []);
    // An $INCLUDEd file with a mark is reported in that file.
    const z = parseZone('$ORIGIN example.com.\n$INCLUDE k.inc\n', '/d/example.com.zone', { readFile: () => '\ufeffsel._domainkey IN TXT "v=DKIM1; p="\n' });
    assert.deepEqual(z.problems.map((p) => [p.code, p.uri, p.range.start]), [['zone/byte-order-mark', '/d/k.inc', 0]]);
    assert.deepEqual(z.sites.map((s) => s.owner), ['sel._domainkey.example.com']);
  });

  it('handles CRLF line ends and a file without a final newline', () => {
    const z = zone('$TTL 300\r\n@ IN TXT "v=spf1 -all"\r\nwww IN TXT "x"');
    assert.deepEqual(z.sites.map((s) => s.value), ['v=spf1 -all', 'x']);
    assert.deepEqual(z.problems, []);
  });

  it('checks AAAA addresses as isIPv6 does: the fast path for hex groups agrees with it on any such string', () => {
    const hexColon = fc.array(fc.constantFrom(...'0123456789abcdefABCDEF:::::'.split('')), { maxLength: 41 }).map((a) => a.join(''));
    const address = fc.tuple(fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }), fc.nat(8), fc.nat(8)).map(([g, a, b]) => {
      const h = g.map((x) => x.toString(16));
      return a < b ? `${h.slice(0, a).join(':')}::${h.slice(b).join(':')}` : h.join(':');
    });
    fc.assert(fc.property(fc.oneof(hexColon, address), (s) => assert.equal(isPlainIPv6(s), isIPv6(s), s)), { numRuns: 20000 });
    // Other forms still go to isIPv6: an IPv4 tail is valid, a zone index is not plain.
    for (const s of ['::ffff:192.0.2.1', '64:ff9b::192.0.2.33']) assert.equal(isPlainIPv6(s), false);
    const z = parseZone('$ORIGIN example.com.\na IN AAAA ::ffff:192.0.2.1\nb IN AAAA 2001:db8::1\nc IN AAAA 2001:db8:::1\n', 'z.zone');
    assert.deepEqual(z.problems.map((p) => p.message), ['`2001:db8:::1` is not an IPv6 address (RFC 3596 §2.2).']);
  });
});
