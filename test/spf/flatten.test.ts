/**
 * Flattening includes of workspace records (the spf/too-many-lookups fix): which targets flatten, the
 * edit in the file's syntax, and check_host() giving the same result before and after for clients in
 * and out of every network.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { WorkspaceResolver } from '../../server/src/dns/chain';
import { FindingSink, mapFix, readZone } from '../../server/src/service';
import { checkHost } from '../../server/src/spf/evaluator';
import { treeFindings } from '../../server/src/spf/findings';
import { flatAddresses, flattenFixes } from '../../server/src/spf/flatten';
import { lookupTree } from '../../server/src/spf/tree';
import { WorkspaceIndex } from '../../server/src/workspace';
import { applyFix } from '../helpers';

const TARGETS = [
  '_net IN TXT "v=spf1 ip4:192.0.2.0/24 +ip6:2001:db8::/32 -all ip4:203.0.113.9"',
  '_soft IN TXT "v=spf1 ip4:198.51.100.7 ?all"',
  '_mixed IN TXT "v=spf1 ip4:192.0.2.1 a -all"',
  '_empty IN TXT "v=spf1 -all"',
  '_deep IN TXT "v=spf1 include:_d2.example.com ip4:10.0.0.1 -all"',
  '_d2 IN TXT "v=spf1 ip4:10.0.0.2 ip4:10.0.0.1 -all"',
  '_neg IN TXT "v=spf1 -ip4:10.9.0.0/16 ip4:10.9.1.0/24 -all"',
  '_redir IN TXT "v=spf1 ip4:10.1.1.1 redirect=_net.example.com"',
  '_mixed A 192.0.2.77',
];

const flatAddressesCount = (t: Awaited<ReturnType<typeof lookupTree>>) => flatAddresses(t.tree.terms[0].child!)?.length;

function workspace(text: string) {
  const ws = new WorkspaceIndex();
  const p = readZone(text, 'example.com.zone');
  ws.set('example.com.zone', p.zone.records, p.sites);
  return { ws, p, resolver: new WorkspaceResolver(ws) };
}

describe('SPF: flattening includes of workspace records', () => {
  const root = 'v=spf1 include:_net.example.com ~include:_soft.example.com include:_mixed.example.com include:_empty.example.com include:_deep.example.com include:_neg.example.com include:_redir.example.com include:_spf.google.com -all';
  const zone = `$ORIGIN example.com.\n@ IN TXT "${root}"\n${TARGETS.join('\n')}\n`;

  it('offers the includes whose targets are only addresses, the costliest first, and keeps every other one', async () => {
    const { p, resolver } = workspace(zone);
    const a = p.sites.find((s) => s.site.owner === 'example.com')!;
    const tree = await lookupTree('example.com', resolver);
    const fixes = flattenFixes(a.spf!, tree);
    assert.deepEqual(
      fixes.map((f) => [f.title, f.edits.map((e) => [root.slice(e.range.start, e.range.end), e.newText])]),
      [
        ['Flatten `include:_deep.example.com` into its 2 address terms: 2 DNS lookups fewer, and later changes to _deep.example.com no longer reach this record', [['include:_deep.example.com', 'ip4:10.0.0.2 ip4:10.0.0.1']]],
        // Terms after `all` are never reached; a `+` written out is dropped.
        ['Flatten `include:_net.example.com` into its 2 address terms: 1 DNS lookup fewer, and later changes to _net.example.com no longer reach this record', [['include:_net.example.com', 'ip4:192.0.2.0/24 ip6:2001:db8::/32']]],
        // The include's qualifier goes on each term.
        ['Flatten `~include:_soft.example.com` into ip4:198.51.100.7: 1 DNS lookup fewer, and later changes to _soft.example.com no longer reach this record', [['~include:_soft.example.com', '~ip4:198.51.100.7']]],
        // Nothing to authorise: the include goes with the space before it.
        ['Flatten `include:_empty.example.com` (it authorises no address): 1 DNS lookup fewer, and later changes to _empty.example.com no longer reach this record', [[' include:_empty.example.com', '']]],
      ],
    );
  });

  it('gives the same check_host() result after each flattening, for clients in and out of every network', async () => {
    // Under the limit, so every result is the record's own and not a permerror from the count.
    const small = 'v=spf1 include:_net.example.com ~include:_soft.example.com include:_empty.example.com include:_deep.example.com include:_neg.example.com -all';
    let text = `$ORIGIN example.com.\n@ IN TXT "${small}"\n${TARGETS.join('\n')}\n`;
    const ips = ['192.0.2.5', '192.0.2.1', '203.0.113.9', '2001:db8::1', '2001:db9::1', '198.51.100.7', '198.51.100.8', '10.0.0.1', '10.0.0.2', '10.0.0.3', '10.9.1.5', '10.9.2.5'];
    const results = async (t: string) => {
      const { resolver } = workspace(t);
      return Promise.all(ips.map(async (ip) => (await checkHost({ ip, sender: 'a@example.com', helo: 'example.com', resolver })).result));
    };
    const before = await results(text);
    // 10.9.1.5 is in both of _neg's networks: its `-ip4` comes first, so _neg fails and the include does not match.
    assert.deepEqual(before, ['pass', 'pass', 'fail', 'pass', 'fail', 'softfail', 'fail', 'pass', 'pass', 'fail', 'fail', 'fail']);
    for (;;) {
      const { p, resolver } = workspace(text);
      const a = p.sites.find((s) => s.site.owner === 'example.com')!;
      const [fix] = flattenFixes(a.spf!, await lookupTree('example.com', resolver));
      if (!fix) break;
      text = applyFix(text, mapFix(a.site, fix));
      assert.deepEqual(await results(text), before, fix.title);
    }
    // Each in its place, so the order of evaluation is the record's.
    assert.match(text, /^@ IN TXT "v=spf1 ip4:192\.0\.2\.0\/24 ip6:2001:db8::\/32 ~ip4:198\.51\.100\.7 ip4:10\.0\.0\.2 ip4:10\.0\.0\.1 include:_neg\.example\.com -all"$/m);
  });

  it('is the quick fix of spf/too-many-lookups, written in the zone file, and not offered for a record with parts not known', async () => {
    const many = `$ORIGIN example.com.\n@ IN TXT "v=spf1 include:_net.example.com a:h1.example.com a:h2.example.com a:h3.example.com a:h4.example.com a:h5.example.com a:h6.example.com a:h7.example.com a:h8.example.com a:h9.example.com a:h10.example.com -all"\n${TARGETS[0]}\n${Array.from({ length: 10 }, (_, i) => `h${i + 1} A 192.0.2.${i + 1}`).join('\n')}\n`;
    const { p, resolver } = workspace(many);
    const a = p.sites.find((s) => s.site.owner === 'example.com')!;
    const found = treeFindings(a, await lookupTree('example.com', resolver), new FindingSink());
    const limit = found.find((f) => f.rule === 'spf/too-many-lookups')!;
    assert.equal(limit.fixes?.length, 1);
    const fixed = applyFix(many, limit.fixes![0]);
    assert.equal(fixed, many.replace('include:_net.example.com a:h1', 'ip4:192.0.2.0/24 ip6:2001:db8::/32 a:h1'));
    const again = workspace(fixed);
    const tree = await lookupTree('example.com', again.resolver);
    assert.equal(tree.lookups, 10);
    assert.ok(!tree.diagnostics.some((d) => d.rule === 'spf/too-many-lookups'));
    // The same record with a part not known statically: the count is a floor, and no fix is offered.
    const holed = treeFindings({ ...a, site: { ...a.site, holes: true } }, await lookupTree('example.com', resolver), new FindingSink());
    assert.equal(holed.find((f) => f.rule === 'spf/too-many-lookups')?.fixes, undefined);
  });

  it('never flattens a record that did not come from the workspace', async () => {
    const { p, resolver } = workspace(zone);
    const a = p.sites.find((s) => s.site.owner === 'example.com')!;
    const tree = await lookupTree('example.com', resolver);
    const net = tree.tree.terms.find((t) => t.text === 'include:_net.example.com')!;
    net.child!.source = 'live DNS at 2026-11-28T00:00:00Z';
    assert.ok(!flattenFixes(a.spf!, tree).some((f) => f.title.includes('_net.example.com')));
    // Nor one whose addresses would make the record longer than 450 bytes.
    const big = `$ORIGIN example.com.\n@ IN TXT "v=spf1 include:_big.example.com -all"\n_big IN TXT ( ${Array.from({ length: 30 }, (_, i) => `"ip4:198.51.100.${i}/32 "`).join(' ')} )\n`.replace('( "', '( "v=spf1 " "');
    const b = workspace(big);
    const bigTree = await lookupTree('example.com', b.resolver);
    assert.equal(flatAddressesCount(bigTree), 30);
    assert.deepEqual(flattenFixes(b.p.sites.find((s) => s.site.owner === 'example.com')!.spf!, bigTree), []);
    // Nor a tree walked for another value than the record's (two SPF records at one name).
    assert.deepEqual(flattenFixes({ ...a.spf!, value: 'v=spf1 -all' }, tree), []);
  });
});
