/**
 * Differential test against BIND's named-checkzone: every line it rejects, we flag with an error
 * on the same line; a zone it loads gets no zone-syntax error from us. Skips when BIND is absent.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { analyzeZone } from '../../server/src/service';
import { LineIndex } from '../../server/src/util/lines';
import { ROOT } from '../helpers';
import { hostTables } from '../../server/src/sources/hosttables';

const CHECKZONE = ['/usr/bin/named-checkzone', '/usr/sbin/named-checkzone'].find((p) => fs.existsSync(p));
const DIRS = [path.join(ROOT, 'test', 'fixtures', 'badzones'), path.resolve(ROOT, '..', 'shared', 'tools', 'dns-lab', 'testdata', 'badzones')];

function bindVerdict(file: string, origin: string): { ok: boolean; lines: number[]; eof: boolean } {
  const r = spawnSync(CHECKZONE!, ['-i', 'local', origin, file], { encoding: 'utf8' });
  const out = `${r.stdout}${r.stderr}`;
  const base = path.basename(file).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const lines = [...out.matchAll(new RegExp(`${base}:(\\d+):(.*)`, 'g'))].filter((m) => !/near eof/.test(m[2])).map((m) => Number(m[1]));
  return { ok: r.status === 0, lines: [...new Set(lines)], eof: /near eof/.test(out) };
}

describe('agreement with named-checkzone', () => {
  const files = DIRS.filter((d) => fs.existsSync(d)).flatMap((d) => fs.readdirSync(d).filter((f) => f.endsWith('.zone')).map((f) => path.join(d, f)));
  for (const file of files) {
    it(path.basename(file), (t) => {
      if (!CHECKZONE) return t.skip('named-checkzone not installed (apt-get install bind9-utils)');
      const origin = path.basename(file).replace(/\.(bad|ok)?\.?zone$/, '').replace(/^(?!.*\.test$)(.*)$/, 'bad.test');
      const text = fs.readFileSync(file, 'utf8');
      const verdict = bindVerdict(file, origin);
      const a = analyzeZone(text, file, { origin });
      const index = new LineIndex(text);
      const errorLines = new Set(a.findings.filter((f) => f.severity === 'error').map((f) => index.positionAt(f.range.start).line + 1));
      t.diagnostic(`bind: ${verdict.ok ? 'ok' : `rejects lines ${verdict.lines.join(',')}${verdict.eof ? ' + at eof' : ''}`}; we flag errors on lines ${[...errorLines].join(',')}`);
      if (verdict.ok) {
        assert.deepEqual(a.findings.filter((f) => f.rule.startsWith('zone/') && f.severity === 'error').map((f) => f.message), []);
        return;
      }
      for (const line of verdict.lines) assert.ok(errorLines.has(line), `named-checkzone rejects line ${line}, we do not flag it`);
      // BIND reports an unclosed parenthesis at end of file; we point at the `(` that is never closed.
      if (verdict.eof) assert.ok(a.findings.some((f) => f.rule === 'zone/unbalanced-parentheses'));
      assert.ok(errorLines.size > 0);
    });
  }
});

/**
 * Random mutations (a character deleted, inserted or replaced, one to three times) of five zones: two
 * with the record types zone files about mail hold, one with DNSSEC and other types (DNSKEY over lines,
 * RRSIG, DS, CDS, NSEC, NSEC3, SSHFP, HINFO, RP, AFSDB, URI, OPENPGPKEY, KEY), one with SVCB and HTTPS
 * service bindings, LOC, NAPTR and other rarer types, one with the rarest (HIP, AMTRELAY, DOA, ATMA,
 * L32/L64/NID/LP, TALINK, GPOS, RESINFO, WALLET, RKEY, SINK, EID, NIMLOC). BIND and we must agree on whether it loads, and on the
 * first line it refuses, and a zone it refuses for its own name servers (no line: an apex NS record
 * whose host is an alias or has no address) gets our error on that NS record. Later lines BIND refuses are often its own recovery after the first error
 * (a `$TTL` it did not read makes every record after it "no TTL specified"), so they are counted in
 * the diagnostic, not required. `DL_FUZZ_SEED=N` runs another 1000 and prints every disagreement;
 * seeds 1-100 agree. One known difference, seen with an earlier version of these zones: BIND loads
 * `TXT \\#)4 …` although the `)` closes no `(` (right after `\\#` only; `TXT a)b` it refuses), where
 * we report the parenthesis.
 */
describe('agreement with named-checkzone on mutated zones', () => {
  const BASE = [
    '$ORIGIN fz.test.',
    '$TTL 3600',
    '@ IN SOA ns1.fz.test. hostmaster.fz.test. ( 1 7200 3600 1209600 300 )',
    '@ IN NS ns1',
    'ns1 IN A 192.0.2.1',
    '@ 1h IN MX 10 mail',
    'mail IN A 192.0.2.2',
    'mail IN AAAA 2001:db8::2',
    '@ IN TXT "v=spf1 ip4:192.0.2.0/24 -all"',
    '_dmarc IN TXT ( "v=DMARC1; p=none; " ; reports',
    '  "rua=mailto:d@fz.test" )',
    's1._domainkey IN TXT "v=DKIM1; k=rsa; " "p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC"',
    'www 300 IN CNAME @',
    'txt2 IN TXT word "two words" "esc\\"aped" \\065bc',
    '_sip._tcp IN SRV 0 5 5060 sip.fz.test.',
    'caa IN CAA 0 issue "letsencrypt.org"',
    '',
  ].join('\n');
  // Owners inherited from the line before, class before TTL, TTL units, SPF and generic (`\\#`) types,
  // a wildcard, a null MX, a DANE TLSA record, `\\;` in a quoted string, a second $ORIGIN, a comment.
  const BASE2 = [
    '$ORIGIN fz.test.',
    '$TTL 1h30m',
    '@ 3600 IN SOA ns1 hostmaster 2026112601 2h 1h 2w 300',
    '  IN NS ns1.fz.test.',
    '  IN NS ns2.other.test.',
    'ns1 IN 300 A 192.0.2.1',
    '@ IN SPF "v=spf1 mx -all"',
    '@ IN TYPE16 \\# 4 03616263',
    '*.wild IN TXT "v=spf1 -all"',
    'sel._domainkey 60 TXT "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="',
    '_dmarc TXT "v=DMARC1\\; p=reject; rua=mailto:a@fz.test"',
    'news IN MX 0 .',
    'ptr IN PTR host.example.',
    '_25._tcp.news IN TLSA 3 1 1 2bb183af 2bb183af',
    '$ORIGIN sub.fz.test.',
    '@ IN TXT "sub" ; a comment',
    'x IN A 192.0.2.9',
    '',
  ].join('\n');
  // DNSSEC and the other types a signed or older zone carries: a DNSKEY and an RRSIG over lines in
  // parentheses as signers write them, DS and CDS with digest types by number and by name, NSEC, NSEC3,
  // NSEC3PARAM, SSHFP, HINFO, RP, AFSDB, URI, OPENPGPKEY, flags and algorithms by name.
  const BASE3 = [
    '$ORIGIN fz.test.',
    '$TTL 3600',
    '@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300',
    '@ IN NS ns1',
    'ns1 IN A 192.0.2.1',
    '@ IN DNSKEY 257 3 13 (',
    '    mdsswUyr3DPW132mOi8V9xESWE8jTo0d',
    '    xCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ== ) ; KSK',
    '@ IN DNSKEY ZONE 3 ECDSAP256SHA256 oJMRESz5E4gYzS/q6XDrvU1qMPYIjCWzJaOau8XNEZeqCYKD5ar0IRd8KqXXFJkqmVfRvMGPmM1x8fGAa2XhSA==',
    'sub IN DS 2371 13 2 1F987CC6583E92DF0890718C42 1EE5BC6E0AF5A2E6B5B2B3A7B1D6B4E4C4D4E4',
    'sub IN DS 2371 ECDSAP256SHA256 SHA-1 1F987CC6583E92DF0890718C421EE5BC6E0AF5A2',
    'sub IN NS ns.sub',
    'ns.sub IN A 192.0.2.7',
    '@ IN CDS 0 0 0 00',
    'host IN SSHFP 4 2 ( 123456789abcdef67890123456789abcdef67890123456789abcdef67890abcd )',
    'host IN HINFO "INTEL-386" Unix',
    '@ IN RP hostmaster.fz.test. txt.fz.test.',
    'txt IN TXT "contact"',
    'afs IN AFSDB 1 host',
    '_http._tcp IN URI 10 1 "https://www.fz.test/"',
    'k._openpgpkey IN OPENPGPKEY mQENBFcS AQgAyC3L',
    'key IN KEY 256 3 ED25519 MCowBQYDK2VwAyEA',
    'txt 300 IN RRSIG TXT 13 3 3600 ( 20361231000000 20261201000000 2371 fz.test.',
    '    oJMRESz5E4gYzS/q6XDrvU1qMPYIjCWzJaOau8XNEZeqCYKD5ar0IRd8KqXXFJkqmVfRvMGPmM1x8fGAa2XhSA== )',
    'txt IN NSEC www.fz.test. TXT RRSIG NSEC',
    '@ IN NSEC3PARAM 1 0 0 -',
    '2T7B4G4VSA5SMI47K61MV5BV1A22BOJR IN NSEC3 1 0 0 AB 2T7B4G4VSA5SMI47K61MV5BV1A22BOJS A RRSIG',
    '',
  ].join('\n');
  // Service bindings (RFC 9460) as zones publish them for HTTPS and DNS servers: aliases, parameters
  // of every kind, quoted values, `mandatory`, keyNNNNN; LOC (RFC 1876), NAPTR with a regexp, CERT, IPSECKEY, APL, ZONEMD, CSYNC, DHCID, EUI48;
  // BIND's $GENERATE.
  const BASE4 = [
    '$ORIGIN fz.test.',
    '$TTL 3600',
    '@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300',
    '@ IN NS ns1',
    'ns1 IN A 192.0.2.1',
    '@ IN HTTPS 1 . alpn=h3,h2 ipv4hint=192.0.2.10 ipv6hint=2001:db8::10',
    'www IN HTTPS 0 cdn.example.net.',
    'api IN HTTPS 1 svc.fz.test. ( alpn="h2" port=8443',
    '    ech=AEn+DQBFKwAgACABWIHUGj4u+PIggYXcR5JF0gYk3dCRioBW8uJq9H4mKAAIAAEAAQABAANAEnB1YmxpYy50bHMtZWNoLmRldgAA )',
    'api IN HTTPS 2 . mandatory=alpn,port alpn=h2 port=443 no-default-alpn',
    '_dns IN SVCB 1 dns.fz.test. alpn=dot,doq port=853 dohpath=/dns-query{?dns}',
    '_8443._foo.api IN SVCB 1 svc key667=hello key65444',
    'svc IN A 192.0.2.11',
    'svc IN LOC 52 22 23.000 N 4 53 32.000 E -2.00m 1m 10000m 10m',
    'www IN LOC 42 21 54 N 71 06 18 W ( 24m 30m )',
    'sip IN NAPTR 100 10 "u" "E2U+sip" "!^(\\\\+1[0-9]{3})$!sip:\\\\1@fz.test!i" .',
    'sip IN NAPTR 10 100 "s" "SIP+D2T" "" _sip._tcp.fz.test.',
    '@ IN CERT PKIX 0 RSASHA256 MIIBAQ==',
    'gw IN IPSECKEY 10 1 2 192.0.2.38 AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==',
    '@ IN APL 1:192.168.32.0/21 !2:2001:db8::/32',
    '@ IN ZONEMD 2026112701 1 240 e2d523f654b9422a96c5a8f4',
    '@ IN CSYNC 1 3 A NS AAAA',
    'host IN DHCID AAIBY2/AuCccgoJbsaxcQc9TUapptP69lOjxfNuVAA2kjEA=',
    'host IN EUI48 00-00-5e-00-53-2a',
    '$GENERATE 1-4 gen$ A 192.0.2.$',
    '$GENERATE 10-20/5 gen${0,3,x} 600 IN CNAME gen${-9}',
    '',
  ].join('\n');
  const BASE5 = [
    '$ORIGIN fz.test.',
    '$TTL 3600',
    '@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300',
    '@ IN NS ns1',
    'ns1 IN A 192.0.2.1',
    'hip IN HIP 2 200100107B1A74DF365639CC39F1D578 AwEAAbdxyhNuSutc5EMzxTs9LBPCIkOFH8cIvM4p9+LrV4e19WzK00+CI6zBCQTdtWsuxKbWIy87UOoJTwkUs7lBu+Upr1gsNrut79ryra+bSRGQb1slImA8YVJyuIDsj7kwzG7jnERNqnWxZ48AWkskmdHaVDP4BcelrTI3rMXdXF5D rvs.fz.test.',
    'amt IN AMTRELAY 10 0 1 203.0.113.15',
    'amt IN AMTRELAY 20 1 3 relay.fz.test.',
    'doa IN DOA 0 1 2 "image/png" aHR0cHM6Ly93d3cuaXNjLm9yZy8=',
    'atm IN ATMA 39.246f.00e7c9c0312000100100001234567800',
    'atm IN ATMA +358.400.1234567',
    'loc IN L32 10 10.1.2.0',
    'loc IN L64 10 2001:0DB8:1140:1000',
    'loc IN NID 10 0014:4fff:ff20:ee64',
    'loc IN LP 10 l64.fz.test.',
    'ta IN TALINK prev.fz.test. next.fz.test.',
    'pos IN GPOS -32.6882 116.8652 10.0',
    'res IN RESINFO qnamemin exterr=15,16,17',
    'w IN WALLET "BTC" "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"',
    'k IN RKEY 0 3 RSASHA256 AwEAAQ==',
    'k IN SINK 1 0 0 AQID',
    'e IN EID 0123456789abcdef',
    'e IN NIMLOC 32427ad7a6a0',
    'g IN L64 \\# 10 000a0000000000000000',
    '',
  ].join('\n');
  // Every type's data is checked; WKS service and protocol names only where the host has the tables BIND asks.
  const UNCHECKED_TYPES = new Set(hostTables() ? [] : ['WKS']);
  const PIECES = ['"', '\\', '(', ')', ';', ' ', '\t', '\n', '.', '@', '$', 'IN', 'TXT', '0', '1', '9', 'a', 'z', '-', '_', ':', '/', '#', '*', 'A', 'MX', 'CH'];
  // Messages that are BIND's recovery after an earlier error, or warnings that do not refuse the zone.
  const NOT_A_REFUSAL = /near eof|using RFC1035|has no address records|ignoring|warning:|check-names|does not end with newline|unbalanced parentheses|no TTL specified|TTL .*differ|TTL set to|immediately after \$ORIGIN|signature has expired/;

  it('1000 mutations of five zones: same verdict, and the first line BIND refuses is flagged', (t) => {
    if (!CHECKZONE) return t.skip('named-checkzone not installed (apt-get install bind9-utils)');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-fuzz-'));
    const file = path.join(dir, 'fz.zone');
    let seed = Number(process.env.DL_FUZZ_SEED ?? 7);
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    let refused = 0;
    let laterMissed = 0;
    let integrity = 0;
    const otherTypes: string[] = [];
    const failures: string[] = [];
    for (let n = 0; n < 1000; n++) {
      const base = [BASE, BASE2, BASE3, BASE4, BASE5][n % 5];
      let text = base;
      for (let k = 1 + Math.floor(random() * 3); k > 0; k--) {
        const at = Math.floor(random() * text.length);
        const op = random();
        const piece = PIECES[Math.floor(random() * PIECES.length)];
        text = op < 0.4 ? text.slice(0, at) + text.slice(at + 1) : op < 0.8 ? text.slice(0, at) + piece + text.slice(at) : text.slice(0, at) + piece + text.slice(at + 1);
      }
      fs.writeFileSync(file, text);
      const r = spawnSync(CHECKZONE, ['-i', 'local', 'fz.test', file], { encoding: 'utf8' });
      const out = `${r.stdout}${r.stderr}`;
      // Parentheses BIND reports at the end of the file are checked below; before the end they count.
      const last = text.split('\n').length - 1;
      const refusal = (m: RegExpMatchArray) => !NOT_A_REFUSAL.test(m[2]) || (/unbalanced parentheses/.test(m[2]) && Number(m[1]) < last);
      const lines = [...new Set([...out.matchAll(/fz\.zone:(\d+):(.*)/g)].filter(refusal).map((m) => Number(m[1])))].sort((a, b) => a - b);
      const a = analyzeZone(text, file, { origin: 'fz.test' });
      const index = new LineIndex(text);
      const zoneErrors = a.findings.filter((f) => f.rule.startsWith('zone/') && f.severity === 'error');
      const ours = new Set(zoneErrors.map((f) => index.positionAt(f.range.start).line + 1));
      const baseLines = base.split('\n');
      const changed = text.split('\n').map((l, i) => (baseLines[i] === l ? '' : `${i + 1}: ${l}\n`)).join('');
      const show = () => `${changed}--- named-checkzone:\n${out.split('\n').filter((l) => l.includes('fz.zone:')).join('\n')}\n--- we: ${zoneErrors.map((f) => `${f.rule}@${index.positionAt(f.range.start).line + 1}`).join(', ')}`;
      if (r.status === 0) {
        if (zoneErrors.length) failures.push(`BIND loads it, we flag it:\n${show()}`);
        continue;
      }
      refused++;
      // When parentheses are all BIND refuses, we say so too (or name the quote that is never closed,
      // from which BIND's own recovery ends in "unbalanced parentheses").
      if (/unbalanced parentheses/.test(out) && lines.length === 0 && !a.findings.some((f) => f.rule === 'zone/unbalanced-parentheses' || f.rule === 'zone/unterminated-quote')) failures.push(`BIND: unbalanced parentheses, we do not say so:\n${show()}`);
      // An unclosed `(`: we end the record at the next line that starts in column 0 (so one typo does
      // not swallow the rest of the file) and flag it there; BIND reads on and refuses a later line.
      const unclosed = a.findings.find((f) => f.rule === 'zone/unbalanced-parentheses' && /never closed/.test(f.message));
      const recovered = unclosed !== undefined && lines[0] > index.positionAt(unclosed.range.start).line + 1;
      // A first refused line whose records are all of a type whose data we cannot fully check here (WKS
      // without /etc/services) is counted, not compared.
      const at = a.zone.records.filter((r) => index.positionAt(r.range.start).line + 1 === lines[0]);
      if (at.length && at.every((r) => UNCHECKED_TYPES.has(r.type))) {
        otherTypes.push(at[0].type);
        continue;
      }
      if (lines.length && !ours.has(lines[0]) && !recovered) failures.push(`BIND refuses line ${lines[0]} first, we do not flag it:\n${show()}`);
      // Refused whole, with no line: the zone's own name servers (its apex NS records) are aliases or have no address.
      if (lines.length === 0 && /zone fz\.test\/IN: NS '[^']+' (is a CNAME|has no address records)/.test(out)) {
        integrity++;
        if (!zoneErrors.some((f) => f.rule === 'zone/ns-target-is-cname' || f.rule === 'zone/ns-target-no-address')) failures.push(`BIND refuses the zone for its name servers, we do not flag them:\n${show()}\n${out}`);
      }
      laterMissed += lines.slice(1).filter((l) => !ours.has(l)).length;
    }
    t.diagnostic(`${refused} of 1000 refused by named-checkzone; first refused line in a type whose data we do not check: ${otherTypes.length}${otherTypes.length ? ` (${otherTypes.join(', ')})` : ''}; later refused lines we do not flag: ${laterMissed}; refused for its name servers (no line): ${integrity}`);
    if (process.env.DL_FUZZ_SEED) for (const f of failures) t.diagnostic(f);
    assert.deepEqual(failures.slice(0, 3), []);
    assert.ok(refused > 250, `only ${refused} mutations were refused`);
  });
});
