import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { ChainResolver, WorkspaceResolver } from '../../server/src/dns/chain';
import { parseSpf } from '../../server/src/records/spf';
import { analyzeZone, readZone } from '../../server/src/service';
import { lookupTree, MAX_TREE_DEPTH, MAX_TREE_RECORDS } from '../../server/src/spf/tree';
import { inNetwork, parseIp, type Ip } from '../../server/src/spf/evaluator';
import fc from 'fast-check';
import { WorkspaceIndex } from '../../server/src/workspace';

describe('SPF lookup tree: parses the caller already made', () => {
  const text = '$ORIGIN example.com.\n@ IN TXT "v=spf1 include:_spf.example.com -all"\n_spf IN TXT "v=spf1 a mx ~all"\n';
  const ws = new WorkspaceIndex();
  const p = readZone(text, 'example.com.zone');
  ws.set('example.com.zone', p.zone.records, p.sites);
  const root = p.sites.find((s) => s.site.owner === 'example.com')!;
  const known = { record: root.site.value, parsed: root.spf! };

  it('walks an include target with the parse given for its text instead of parsing it again', async () => {
    const plain = await lookupTree('example.com', new WorkspaceResolver(ws), known);
    assert.deepEqual(plain.tree.terms[0].child?.terms.map((t) => t.text), ['a', 'mx']);
    assert.equal(plain.lookups, 3);
    // A stand-in parse for the target's exact text shows which one the walk used.
    const parses = new Map([['v=spf1 a mx ~all', parseSpf('v=spf1 a ~all')]]);
    const given = await lookupTree('example.com', new WorkspaceResolver(ws), { ...known, parses });
    assert.deepEqual(given.tree.terms[0].child?.terms.map((t) => t.text), ['a']);
    assert.equal(given.lookups, 2);
  });

  it('parses a target whose text is not among the given parses', async () => {
    const parses = new Map([['v=spf1 -all', parseSpf('v=spf1 -all')]]);
    const tree = await lookupTree('example.com', new WorkspaceResolver(ws), { ...known, parses });
    assert.deepEqual(tree.tree.terms[0].child?.terms.map((t) => t.text), ['a', 'mx']);
  });
});

describe('SPF lookup tree: the walk past the limit is bounded', () => {
  const treeOf = async (text: string) => {
    const ws = new WorkspaceIndex();
    const p = readZone(text, 'a.example.zone');
    ws.set('a.example.zone', p.zone.records, p.sites);
    return lookupTree('a.example', new WorkspaceResolver(ws));
  };
  type Node = Awaited<ReturnType<typeof treeOf>>['tree'];
  const nodes = (n: Node): number => 1 + n.terms.reduce((k, t) => k + (t.child ? nodes(t.child) : 0), 0);
  const depth = (n: Node): number => 1 + Math.max(0, ...n.terms.map((t) => (t.child ? depth(t.child) : 0)));
  const notes = (n: Node, out: string[] = []): string[] => {
    for (const t of n.terms) {
      if (t.note) out.push(t.note);
      if (t.child) notes(t.child, out);
    }
    return out;
  };

  it('stops at MAX_TREE_RECORDS records when every record includes the next, in a ring, and the root includes them all', async () => {
    const n = 300;
    const text = `$ORIGIN a.example.\n@ IN TXT "v=spf1 ${Array.from({ length: n }, (_, i) => `include:s${i}.a.example`).join(' ')} -all"\n${Array.from({ length: n }, (_, i) => `s${i} IN TXT "v=spf1 include:s${(i + 1) % n}.a.example -all"`).join('\n')}\n`;
    const t = await treeOf(text);
    assert.equal(nodes(t.tree), MAX_TREE_RECORDS);
    assert.ok(depth(t.tree) <= MAX_TREE_DEPTH + 1);
    assert.ok(notes(t.tree).includes(`not walked: the tree is cut at ${MAX_TREE_RECORDS} records`));
    const limit = t.diagnostics.find((d) => d.rule === 'spf/too-many-lookups')!;
    assert.match(limit.message, /^a\.example needs more than \d+ DNS lookups \(the walk stopped at includes 50 deep\); receivers stop at 10 and return permerror at include:s10\.a\.example in s9\.a\.example/);
    // One per duplicate include walked, and no more: bounded by the records walked.
    assert.ok(t.diagnostics.length <= MAX_TREE_RECORDS, `${t.diagnostics.length} diagnostics`);
    // The same tree, walked again: the same cut.
    assert.deepEqual(await treeOf(text), t);
  });

  it('stops at MAX_TREE_DEPTH includes deep, and at MAX_TREE_RECORDS where each record includes the next one twice', async () => {
    const chain = (n: number, twice: boolean) =>
      `$ORIGIN a.example.\n@ IN TXT "v=spf1 include:s0.a.example -all"\n${Array.from({ length: n }, (_, i) => `s${i} IN TXT "v=spf1 ip4:10.0.0.${i % 250}${i + 1 < n ? ` include:s${i + 1}.a.example`.repeat(twice ? 2 : 1) : ''} -all"`).join('\n')}\n`;
    const deep = await treeOf(chain(80, false));
    assert.equal(depth(deep.tree), MAX_TREE_DEPTH + 1);
    assert.deepEqual(notes(deep.tree), ['not walked: deeper than 50 includes']);
    assert.equal(deep.lookups, MAX_TREE_DEPTH + 1);
    // 2^30 paths without a bound.
    const wide = await treeOf(chain(30, true));
    assert.equal(nodes(wide.tree), MAX_TREE_RECORDS);
    assert.match(wide.diagnostics[0].message, /needs more than \d+ DNS lookups \(the walk stopped at 500 records\)/);
  });
});

describe('SPF include targets behind a CNAME', () => {
  const zone = [
    '$ORIGIN c.example.',
    '@ IN TXT "v=spf1 include:_spf.c.example include:_rel.c.example -all"',
    '_spf IN CNAME _spf.d.example.',
    '_rel IN CNAME _spf', // relative: _spf.c.example, itself a CNAME
    'out IN TXT "v=spf1 include:_out.c.example -all"',
    '_out IN CNAME spf.provider.example.',
    'bad IN TXT "v=spf1 include:_a.c.example -all"',
    '_a IN CNAME host',
    'host IN A 192.0.2.1',
    '$ORIGIN d.example.',
    '_spf IN TXT "v=spf1 ip4:192.0.2.0/24 a -all"',
    '',
  ].join('\n');
  const ws = new WorkspaceIndex();
  const p = readZone(zone, 'c.example.zone');
  ws.set('c.example.zone', p.zone.records, p.sites);

  it('walks the record at the end of the chain, as receivers do (RFC 1034 §3.6.2), a relative target under the origin', async () => {
    const t = await lookupTree('c.example', new ChainResolver(new WorkspaceResolver(ws), undefined, undefined));
    assert.deepEqual(t.tree.terms.map((x) => [x.text, x.child?.record, x.cost]), [
      ['include:_spf.c.example', 'v=spf1 ip4:192.0.2.0/24 a -all', 2],
      ['include:_rel.c.example', 'v=spf1 ip4:192.0.2.0/24 a -all', 2],
    ]);
    assert.match(t.tree.terms[1].child!.source!, /^workspace file c\.example\.zone \(_rel\.c\.example → _spf\.c\.example → _spf\.d\.example by CNAME\)$/);
    // Both includes reach the one record: its network counts twice (the rest is clean).
    assert.deepEqual(t.diagnostics.map((d) => d.rule), ['spf/duplicate-netblock']);
  });

  it('offline, says where the chain leaves the workspace; a chain to a name without SPF is the include-has-no-spf of that name', async () => {
    const out = await lookupTree('out.c.example', new ChainResolver(new WorkspaceResolver(ws), undefined, undefined));
    assert.match(out.diagnostics.find((d) => d.rule === 'spf/include-not-found')!.message, /offline, and _out\.c\.example is a CNAME to spf\.provider\.example, which the workspace does not define/);
    const { findings } = analyzeZone(zone, 'c.example.zone', { workspace: ws });
    assert.deepEqual(findings.filter((f) => f.rule === 'spf/include-has-no-spf').map((f) => f.message), [
      '`host.c.example` (the end of the CNAME chain from `_a.c.example`) is defined in the workspace but has no SPF record, so this include is a permerror (RFC 7208 §5.2).',
    ]);
  });
});

describe('a zone file held whole answers for its names', () => {
  const zone = (body: string) => {
    const ws = new WorkspaceIndex();
    const p = readZone(`$ORIGIN z.example.\n${body}\n`, 'z.example.zone');
    ws.set('z.example.zone', p.zone.records, p.sites);
    return new WorkspaceResolver(ws);
  };
  const SOA = '@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n@ IN NS ns1\nns1 IN A 192.0.2.1';

  it('NXDOMAIN for a name the zone lacks, NODATA for one with names below it (RFC 8020), and nothing said without the SOA', () => {
    const r = zone(`${SOA}\na.b IN A 192.0.2.2`);
    assert.deepEqual(r.lookup('mail.z.example', 'A'), { status: 'nxdomain', source: 'workspace file z.example.zone (the zone z.example, which has no mail.z.example)' });
    assert.equal(r.lookup('b.z.example', 'A')?.status, 'nodata');
    assert.equal(r.lookup('x.a.b.z.example', 'TXT')?.status, 'nxdomain');
    assert.equal(r.lookup('other.example', 'A'), undefined);
    // A snippet (no SOA) may be part of a zone: the rest may define the name.
    assert.equal(zone('a IN A 192.0.2.2').lookup('mail.z.example', 'A'), undefined);
  });

  it('says nothing for a zone read without one of its $INCLUDEs: the missing file may define the name', () => {
    const ws = new WorkspaceIndex();
    const p = readZone(`$ORIGIN z.example.\n${SOA}\n$INCLUDE missing-spf.inc\n`, 'z.example.zone', { readFile: () => undefined });
    ws.set('z.example.zone', p.zone.records, p.sites);
    assert.ok(p.zone.problems.some((x) => x.code === 'zone/include-not-found'));
    assert.equal(new WorkspaceResolver(ws).lookup('_spf.z.example', 'TXT'), undefined);
    // Once the include is found, the zone is whole again.
    const q = readZone(`$ORIGIN z.example.\n${SOA}\n$INCLUDE spf.inc\n`, 'z.example.zone', { readFile: () => 'mail IN A 192.0.2.9\n' });
    ws.set('z.example.zone', q.zone.records, q.sites);
    assert.equal(new WorkspaceResolver(ws).lookup('_spf.z.example', 'TXT')?.status, 'nxdomain');
  });

  it('answers from the wildcard at the closest encloser (RFC 4592), and says nothing where a delegation or DNAME hands the name on', () => {
    assert.deepEqual(zone(`${SOA}\n*.w IN A 192.0.2.3`).lookup('mail.w.z.example', 'A'), { status: 'ok', records: ['192.0.2.3'], source: 'workspace file z.example.zone (mail.w.z.example from the wildcard *.w.z.example)' });
    assert.equal(zone(`${SOA}\n*.w IN A 192.0.2.3`).lookup('a.b.w.z.example', 'A')?.status, 'ok', 'any depth below the closest encloser');
    assert.equal(zone(`${SOA}\n* IN TXT "x"`).lookup('mail.z.example', 'A')?.status, 'nodata', 'the wildcard has no A');
    assert.deepEqual(zone(`${SOA}\n* IN TXT "x"`).lookup('mail.z.example', 'TXT'), { status: 'ok', records: ['x'], source: 'workspace file z.example.zone (mail.z.example from the wildcard *.z.example)' });
    // Not for a name that exists (an empty non-terminal), nor below a closer encloser without its own wildcard.
    assert.equal(zone(`${SOA}\n* IN A 192.0.2.4\nx.ent IN A 192.0.2.5`).lookup('ent.z.example', 'A')?.status, 'nodata');
    assert.equal(zone(`${SOA}\n* IN A 192.0.2.4\nsub IN TXT "s"`).lookup('x.sub.z.example', 'A')?.status, 'nxdomain');
    // A wildcard CNAME is followed like any other.
    const viaCname = zone(`${SOA}\n*.c IN CNAME target\ntarget IN A 192.0.2.6`).lookup('q.c.z.example', 'A');
    assert.deepEqual(viaCname?.status === 'ok' && viaCname.records, ['192.0.2.6']);
    assert.equal(zone(`${SOA}\nsub IN NS ns.elsewhere.example.`).lookup('mail.sub.z.example', 'A'), undefined);
    assert.equal(zone(`${SOA}\nold IN DNAME new.example.`).lookup('mail.old.z.example', 'A'), undefined);
  });

  it('finds void lookups and includes of names the zone lacks, offline, through the CLI', () => {
    const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
    const fs = require('node:fs') as typeof import('node:fs');
    const path = require('node:path') as typeof import('node:path');
    const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'dl-auth-'));
    fs.writeFileSync(path.join(dir, 'z.example.zone'), `$ORIGIN z.example.\n${SOA}\n@ IN TXT "v=spf1 a:mail.z.example mx exists:x.z.example -all"\nshop IN TXT "v=spf1 include:_spf.z.example include:_spf.z.example -all"\n_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:d@z.example"\n`);
    const out = spawnSync(process.execPath, [path.join(__dirname, '..', '..', '..', 'dist', 'cli.js'), 'check', dir, '--offline', '--format', 'json'], { encoding: 'utf8' });
    const found = JSON.parse(out.stdout).files[0].diagnostics.map((d: { rule: string; severity: string; range: { start: { line: number; character: number } } }) => `${d.range.start.line}:${d.range.start.character} ${d.severity} ${d.rule}`);
    assert.deepEqual(found.filter((x: string) => /void|not-found|duplicate/.test(x)), ['4:10 error spf/too-many-void-lookups', '5:20 error spf/include-not-found', '5:43 warning spf/duplicate-mechanism']);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads a relative MX exchange under the origin, and counts MX hosts without an address as void lookups (RFC 7208 §4.6.4)', async () => {
    const { checkHost } = require('../../server/src/spf/evaluator') as typeof import('../../server/src/spf/evaluator');
    const r = zone(`${SOA}\n@ IN MX 10 mx1\n@ IN MX 20 mx2\n@ IN MX 30 mx3\n@ IN TXT "v=spf1 mx -all"\nok IN MX 10 mx4\nok IN TXT "v=spf1 mx -all"\nmx4 IN A 192.0.2.44`);
    // `10 mx1` is mx1.z.example, as DNS serves it.
    assert.deepEqual(r.lookup('z.example', 'MX'), { status: 'ok', records: ['10 mx1.z.example', '20 mx2.z.example', '30 mx3.z.example'], source: 'workspace file z.example.zone' });
    const tree = await lookupTree('z.example', new ChainResolver(r, undefined));
    assert.equal(tree.voidLookups, 3);
    assert.match(tree.tree.terms[0].note!, /no address: mx1\.z\.example, mx2\.z\.example, mx3\.z\.example/);
    assert.ok(tree.diagnostics.some((d) => d.rule === 'spf/too-many-void-lookups'));
    // A receiver agrees: three void lookups are a permerror (pyspf and Mail::SPF count them so).
    const evaluated = await checkHost({ ip: '192.0.2.1', sender: 'a@z.example', helo: 'z.example', resolver: new ChainResolver(r, undefined) });
    assert.equal(evaluated.result, 'permerror');
    // An MX host with an address matches, and costs no void lookup.
    const ok = await checkHost({ ip: '192.0.2.44', sender: 'a@ok.z.example', helo: 'ok.z.example', resolver: new ChainResolver(r, undefined) });
    assert.equal(ok.result, 'pass');
    assert.equal((await lookupTree('ok.z.example', new ChainResolver(r, undefined))).voidLookups, 0);
  });

  it('counts MX hosts without an address in `check`, offline, which walks such a record for them', () => {
    const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
    const fs = require('node:fs') as typeof import('node:fs');
    const path = require('node:path') as typeof import('node:path');
    const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'dl-mxvoid-'));
    fs.writeFileSync(path.join(dir, 'z.example.zone'), `$ORIGIN z.example.\n${SOA}\n@ IN MX 10 mx1\n@ IN MX 20 mx2\n@ IN MX 30 mx3\n@ IN TXT "v=spf1 mx -all"\n_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:d@z.example"\n`);
    const out = spawnSync(process.execPath, [path.join(__dirname, '..', '..', '..', 'dist', 'cli.js'), 'check', dir, '--offline', '--format', 'json'], { encoding: 'utf8' });
    const found = JSON.parse(out.stdout).files[0].diagnostics.filter((d: { rule: string }) => d.rule === 'spf/too-many-void-lookups');
    assert.equal(found.length, 1);
    assert.match(found[0].message, /3 void lookups \(mx1\.z\.example, mx2\.z\.example, mx3\.z\.example: no such name/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('SPF lookup tree: networks authorised twice (spf/duplicate-netblock)', () => {
  /** The definition, pair by pair: each network against every network of another record, the first that covers it. */
  const reference = (nets: { ip: Ip; len: number; text: string; domain: string }[]) => {
    const inside = (a: (typeof nets)[number], b: (typeof nets)[number]) => a.len >= b.len && inNetwork(a.ip, b.ip, b.len);
    const out: string[] = [];
    for (let i = 0; i < nets.length; i++)
      for (let j = 0; j < nets.length; j++) {
        if (i === j || nets[i].domain === nets[j].domain || !inside(nets[i], nets[j])) continue;
        if (inside(nets[j], nets[i]) && j > i) continue;
        out.push(`${nets[i].text} in ${nets[i].domain} is already authorised by ${nets[j].text} in ${nets[j].domain}; it adds nothing to the policy.`);
        break;
      }
    // A record included twice repeats its networks word for word: one finding.
    return [...new Set(out)];
  };
  const v4 = fc.tuple(fc.constantFrom(10, 192), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.option(fc.integer({ min: 8, max: 32 }), { nil: undefined })).map(([a, b, c, d, l]) => `ip4:${a}.${b}.${c}.${d}${l === undefined ? '' : `/${l}`}`);
  const v6 = fc.tuple(fc.constantFrom('2001:db8', '2001:db8:1'), fc.integer({ min: 0, max: 3 }), fc.option(fc.integer({ min: 16, max: 128 }), { nil: undefined })).map(([p, a, l]) => `ip6:${p}::${a}${l === undefined ? '' : `/${l}`}`);
  const nets = fc.array(fc.oneof({ weight: 3, arbitrary: v4 }, { weight: 1, arbitrary: v6 }), { maxLength: 12 });

  it('finds what a comparison of every pair finds, in the same order (fast-check, 300 trees)', async () => {
    await fc.assert(
      fc.asyncProperty(nets, fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), nets), { minLength: 1, maxLength: 6 }), fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 8 }), async (rootNets, children, order) => {
        // Records n0…n5 under t.example, the root including some of them (one may come twice), in `order`.
        const byName = new Map<number, string[]>();
        for (const [k, ns] of children) byName.set(k, [...(byName.get(k) ?? []), ...ns]);
        const included = order.filter((k) => byName.has(k));
        const lines = ['$ORIGIN t.example.', `@ TXT "v=spf1 ${[...rootNets, ...included.map((k) => `include:n${k}.t.example`)].join(' ')} -all"`];
        for (const [k, ns] of byName) lines.push(`n${k} TXT "v=spf1 ${ns.join(' ')} -all"`);
        const ws = new WorkspaceIndex();
        const p = readZone(lines.join('\n') + '\n', 't.zone');
        ws.set('t.zone', p.zone.records, p.sites);
        const tree = await lookupTree('t.example', new WorkspaceResolver(ws));
        // The networks in evaluation order: the root's, then each included record's, as often as it is included.
        const all = [
          ...rootNets.map((text) => ({ text, domain: 't.example' })),
          ...included.flatMap((k) => byName.get(k)!.map((text) => ({ text, domain: `n${k}.t.example` }))),
        ].flatMap(({ text, domain }) => {
          const [ip, len] = text.slice(4).split('/');
          const parsed = parseIp(ip);
          if (!parsed || (text.startsWith('ip4') ? parsed.v !== 4 : parsed.v !== 6)) return [];
          return [{ ip: parsed, len: len === undefined ? parsed.bytes.length * 8 : Number(len), text, domain }];
        });
        assert.deepEqual(tree.diagnostics.filter((d) => d.rule === 'spf/duplicate-netblock').map((d) => d.message.replace(/ Data: .*$/, '')), reference(all), lines.join('\n'));
      }),
      { numRuns: 300 },
    );
  });

  it('a thousand networks in a tree are compared without a million pair tests', async () => {
    // 8 records of 125 /24s each, included by the root, and the same 125 again in a ninth: 125 duplicates.
    const block = (k: number) => Array.from({ length: 125 }, (_, i) => `ip4:10.${k}.${i}.0/24`);
    const lines = ['$ORIGIN big.example.', `@ TXT "v=spf1 ${Array.from({ length: 9 }, (_, k) => `include:n${k}.big.example`).join(' ')} -all"`];
    for (let k = 0; k < 9; k++) lines.push(`n${k} TXT ${(k === 8 ? block(0) : block(k)).map((t) => `"${t} "`).join(' ')}`.replace('TXT "', 'TXT "v=spf1 '));
    const ws = new WorkspaceIndex();
    const p = readZone(lines.join('\n') + '\n', 'big.zone');
    ws.set('big.zone', p.zone.records, p.sites);
    const tree = await lookupTree('big.example', new WorkspaceResolver(ws));
    const dups = tree.diagnostics.filter((d) => d.rule === 'spf/duplicate-netblock');
    assert.equal(dups.length, 125);
    assert.equal(dups[0].message, 'ip4:10.0.0.0/24 in n8.big.example is already authorised by ip4:10.0.0.0/24 in n0.big.example; it adds nothing to the policy. Data: workspace file big.zone.');
  });
});
