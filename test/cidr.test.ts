/**
 * util/cidr: the address lists of `.dmarc-lens.json` (reports.notOurs, a custom sender's ips). The
 * trie that cidrIndex builds must answer as a plain scan of the list does: the first entry, in list
 * order, that covers the address.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isIP } from 'node:net';
import { cidrIndex, cidrMatcher, ipInCidr, validCidr } from '../server/src/util/cidr';
import { parseIp } from '../server/src/spf/evaluator';

/** The definition: the first valid entry that covers the address. */
const scan = (cidrs: readonly string[], ip: string) => cidrs.findIndex((c) => validCidr(c) && ipInCidr(ip, c));

describe('cidrIndex', () => {
  it('finds the first entry in list order, nested or not', () => {
    const list = ['203.0.113.0/24', '203.0.113.5', '198.51.100.0/25', '2001:db8::/32', '2001:db8:1::/48'];
    const at = cidrIndex(list);
    assert.equal(at('203.0.113.5'), 0);
    assert.equal(at('203.0.113.200'), 0);
    assert.equal(at('198.51.100.127'), 2);
    assert.equal(at('198.51.100.128'), -1);
    assert.equal(at('2001:db8:1::7'), 3);
    assert.equal(at('2001:db9::1'), -1);
    // The narrower entry first: it wins for the addresses it covers.
    const narrow = cidrIndex(['203.0.113.5', '203.0.113.0/24']);
    assert.equal(narrow('203.0.113.5'), 0);
    assert.equal(narrow('203.0.113.6'), 1);
  });

  it('takes an IPv4-mapped IPv6 address as the IPv4 address, and never matches across families otherwise', () => {
    const at = cidrIndex(['192.0.2.0/24']);
    assert.equal(at('::ffff:192.0.2.9'), 0);
    assert.equal(at('::c000:209'), -1);
    assert.equal(cidrIndex(['::/0'])('192.0.2.1'), -1);
    assert.equal(cidrIndex(['0.0.0.0/0'])('192.0.2.1'), 0);
  });

  it('never matches an invalid entry or an address that is not one', () => {
    const at = cidrIndex(['192.0.2.0/33', 'mail.example.com', '192.0.2.0/24/1', '', '192.0.2.0/24']);
    assert.equal(at('192.0.2.1'), 4);
    assert.equal(at('not an address'), -1);
    assert.equal(cidrIndex([])('192.0.2.1'), -1);
    assert.equal(cidrMatcher(['192.0.2.0/24'])('192.0.2.1'), '192.0.2.0/24');
    assert.equal(cidrMatcher(['192.0.2.0/24'])('192.0.3.1'), undefined);
  });

  // Addresses drawn from a few networks, so that entries and addresses often meet.
  const v4 = fc.tuple(fc.constantFrom(192, 203, 10), fc.constantFrom(0, 51, 113), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 255 })).map((b) => b.join('.'));
  const v6 = fc.tuple(fc.constantFrom('2001:db8', '2001:db8:1', 'fe80'), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 0xffff })).map(([p, a, b]) => `${p}::${a.toString(16)}:${b.toString(16)}`);
  const entry = fc.oneof(
    v4.chain((ip) => fc.option(fc.integer({ min: 0, max: 33 }), { nil: undefined }).map((l) => (l === undefined ? ip : `${ip}/${l}`))),
    v6.chain((ip) => fc.option(fc.integer({ min: 0, max: 129 }), { nil: undefined }).map((l) => (l === undefined ? ip : `${ip}/${l}`))),
  );

  it('agrees with a scan of the list (fast-check, 500 lists)', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 30 }), fc.array(fc.oneof(v4, v6), { minLength: 1, maxLength: 20 }), (cidrs, ips) => {
        const at = cidrIndex(cidrs);
        for (const ip of ips) assert.equal(at(ip), scan(cidrs, ip), `${ip} in ${JSON.stringify(cidrs)}`);
      }),
      { numRuns: 500 },
    );
  });
});

describe('parseIp', () => {
  const hex = (ip: string) => Buffer.from(parseIp(ip)!.bytes).toString('hex');

  it('reads IPv6 in every written form into its 16 bytes', () => {
    assert.equal(hex('2001:db8::1'), '20010db8000000000000000000000001');
    assert.equal(hex('::'), '0'.repeat(32));
    assert.equal(hex('1::'), '0001' + '0'.repeat(28));
    assert.equal(hex('FE80::AB:1'), hex('fe80::ab:1'));
    assert.equal(hex('fe80::ab:1%eth0'), 'fe80' + '0'.repeat(20) + '00ab0001');
    assert.equal(hex('::192.0.2.1'), '0'.repeat(24) + 'c0000201');
    assert.equal(hex('64:ff9b::192.0.2.1%2'), '0064ff9b' + '0'.repeat(16) + 'c0000201');
    assert.equal(hex('1:2:3:4:5:6:7:8'), '00010002000300040005000600070008');
    assert.deepEqual(parseIp('::ffff:192.0.2.1'), { v: 4, bytes: [192, 0, 2, 1], text: '192.0.2.1' });
  });

  it('takes exactly the dotted quads node:net takes (fast-check)', () => {
    const part = fc.oneof(fc.integer({ min: 0, max: 300 }).map(String), fc.constantFrom('', '00', '01', '007', '1e2', '+1', ' 1', '0x1'));
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 6 }), (parts) => {
        const text = parts.join('.');
        const p = parseIp(text);
        assert.equal(p ? p.v : 0, isIP(text), text);
        if (p) assert.equal(p.bytes.join('.'), text);
      }),
      { numRuns: 2000 },
    );
  });
});
