/**
 * Incremental re-reading gives exactly what a fresh read gives, after any sequence of edits, while
 * reading only the chunks around the change.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { IncrementalZone, parseZone, type ZoneFile } from '../../server/src/sources/zonefile';

function bigZone(n: number): string {
  const lines = ['$ORIGIN example.com.', '$TTL 3600', '@ IN SOA ns1 host ( 1 2 3 4 5 )'];
  for (let i = 0; i < n; i++) {
    switch (i % 9) {
      case 0: lines.push(`h${i} IN A 192.0.2.${i % 250}`); break;
      case 1: lines.push(`  IN TXT "v=spf1 ip4:192.0.2.${i % 250} " "include:_spf.example.net -all"`); break;
      case 2: lines.push(`_dmarc.h${i} 300 IN TXT "v=DMARC1; p=none; rua=mailto:d@example.com"`); break;
      case 3: lines.push(`sel${i}._domainkey IN TXT ( "v=DKIM1; k=rsa; "`, `   "p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDEzT7aq52MEiYBT9CIbqhufSHw585PO6fr9En7VzxnnUeqUaMDqly9/jcMx6T3WFFjraYMo4Ipzdu+5qX1AF6VJGrn8UrC0vycXHJgMuCelUde0pn5OoPk9WXukCG9V2wK3jJox2pX2rvNthdv/3dTqySy6b+YakkG8cOTpx2ZaQIDAQAB" )`); break;
      case 4: lines.push(`; comment ${i}`, ''); break;
      case 5: lines.push(`m${i} IN MX 10 mail${i}`); break;
      case 6: lines.push(i % 99 === 6 ? `$GENERATE 1-3 g${i}-$ A 192.0.2.$` : `t${i} IN TXT "esc \\"q\\" \\059 x"`); break;
      case 7: lines.push(i % 500 === 7 ? `$TTL ${i}` : `c${i} IN CNAME h${i - 7}`); break;
      default: lines.push(i % 1000 === 8 ? `$ORIGIN sub${i}.example.com.` : `w${i} IN AAAA 2001:db8::${i.toString(16)}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** Everything a consumer can observe, with map lookups sampled. */
function observe(z: ZoneFile) {
  return {
    origin: z.origin,
    originExplicit: z.originExplicit,
    records: z.records.map((r) => [r.owner, r.type, r.ttl, r.rdata.join('|'), r.range.start, r.range.end]),
    sites: z.sites.map((s) => [s.owner, s.type, s.value, JSON.stringify(s.strings), s.range.start, s.range.end, s.ownerRange.start, s.ownerRange.end, s.map.toDocStart(0), s.map.toDocEnd(s.value.length), s.map.toDocStart(s.value.length >> 1)]),
    problems: z.problems.map((p) => [p.code, p.message, p.range.start, p.range.end]).sort(),
  };
}

const ALPHABET = 'ab.@$;()"\\ \n0123456789INTXv=spf1-~+all:/'.split('');

describe('incremental zone reading', () => {
  const base = bigZone(3000);

  it('reads only the chunk around a one-line edit', () => {
    const inc = new IncrementalZone('z.zone', { origin: 'example.com' });
    inc.update(base);
    const at = base.indexOf('h1503 IN A');
    assert.ok(at > 0);
    const edited = base.slice(0, at) + 'h1503x IN A' + base.slice(at + 'h1503 IN A'.length);
    const z = inc.update(edited);
    assert.deepEqual(observe(z), observe(parseZone(edited, 'z.zone', { origin: 'example.com' })));
    assert.ok(inc.lastStats.read <= 2 && inc.lastStats.reused >= 5, JSON.stringify(inc.lastStats));
  });

  it('gives what a fresh read gives after any sequence of random edits', () => {
    const edit = fc.record({ at: fc.nat(), del: fc.nat({ max: 30 }), ins: fc.array(fc.constantFrom(...ALPHABET), { maxLength: 12 }).map((a) => a.join('')) });
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 6 }), (edits) => {
        const inc = new IncrementalZone('z.zone', { origin: 'example.com' });
        let text = base;
        inc.update(text);
        for (const e of edits) {
          const at = e.at % (text.length + 1);
          text = text.slice(0, at) + e.ins + text.slice(at + e.del);
          assert.deepEqual(observe(inc.update(text)), observe(parseZone(text, 'z.zone', { origin: 'example.com' })));
        }
      }),
      { numRuns: Number(process.env.DL_PROPERTY_RUNS ?? 60) },
    );
  });

  it('gives the same with the bounds of the edits given (as the language server knows them), several edits at once', () => {
    const edit = fc.record({ at: fc.nat(), del: fc.nat({ max: 30 }), ins: fc.array(fc.constantFrom(...ALPHABET), { maxLength: 12 }).map((a) => a.join('')) });
    fc.assert(
      fc.property(fc.array(fc.array(edit, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 4 }), (batches) => {
        const inc = new IncrementalZone('z.zone', { origin: 'example.com' });
        let text = base;
        inc.update(text);
        for (const batch of batches) {
          // What the server accumulates between two checks: the untouched start and end.
          let prefix = Number.MAX_SAFE_INTEGER;
          let suffix = Number.MAX_SAFE_INTEGER;
          for (const e of batch) {
            const at = e.at % (text.length + 1);
            const end = Math.min(text.length, at + e.del);
            prefix = Math.min(prefix, at);
            suffix = Math.min(suffix, text.length - end);
            text = text.slice(0, at) + e.ins + text.slice(end);
          }
          assert.deepEqual(observe(inc.update(text, { prefix, suffix })), observe(parseZone(text, 'z.zone', { origin: 'example.com' })));
        }
      }),
      { numRuns: Number(process.env.DL_PROPERTY_RUNS ?? 60) },
    );
  });

  it('does not keep old copies of the text alive across edits', async () => {
    const { setFlagsFromString } = await import('node:v8');
    const { runInNewContext } = await import('node:vm');
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const big = bigZone(20000);
    const inc = new IncrementalZone('z.zone', { origin: 'example.com' });
    let text = big;
    inc.update(text);
    gc();
    const before = process.memoryUsage().heapUsed;
    // 40 one-character edits spread over the file, each in another chunk.
    for (let k = 0; k < 40; k++) {
      const at = text.indexOf('\n', Math.floor(((k + 0.5) / 40) * text.length));
      text = text.slice(0, at) + ' ' + text.slice(at);
      inc.update(text);
    }
    gc();
    const grown = (process.memoryUsage().heapUsed - before) / 1048576;
    // Each kept copy would be the whole text (${(big.length / 1048576).toFixed(1)} MiB); 40 of them, 40 times that.
    assert.ok(grown < (big.length / 1048576) * 6, `heap grew ${grown.toFixed(1)} MiB over 40 edits of a ${(big.length / 1048576).toFixed(1)} MiB text`);
  });

  it('re-reads everything after the edit when the state changes ($ORIGIN, $TTL, an owner)', () => {
    const inc = new IncrementalZone('z.zone');
    inc.update(base);
    const edited = base.replace('$ORIGIN example.com.', '$ORIGIN example.org.');
    assert.deepEqual(observe(inc.update(edited)), observe(parseZone(edited, 'z.zone')));
  });
});

describe('document analyzer (incremental checking)', () => {
  const base = bigZone(2000);
  it('finds exactly what a fresh check finds after random edits', async () => {
    const { DocumentAnalyzer, analyzeZone } = await import('../../server/src/service');
    const { crossRecordRules } = await import('../../server/src/checks/registry');
    const modelRule = new Set(crossRecordRules.map((r) => r.id));
    const norm = (fs: { rule: string; severity: string; message: string; range: { start: number; end: number }; fixes?: unknown }[]) =>
      fs.map((f) => JSON.stringify([f.rule, f.severity, f.message, f.range.start, f.range.end, f.fixes ?? null])).sort();
    const edit = fc.record({ at: fc.nat(), del: fc.nat({ max: 20 }), ins: fc.array(fc.constantFrom(...ALPHABET), { maxLength: 10 }).map((a) => a.join('')) });
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => {
        const doc = new DocumentAnalyzer('z.zone', { origin: 'example.com' });
        let text = base;
        doc.update(text, { model: true });
        for (const e of edits) {
          const at = e.at % (text.length + 1);
          text = text.slice(0, at) + e.ins + text.slice(at + e.del);
          const fast = doc.update(text, { model: false });
          const full = analyzeZone(text, 'z.zone', { origin: 'example.com' });
          // Without the cross-record pass, the record and zone findings are already exactly a fresh check's.
          const local = (fs: typeof full.findings) => norm(fs.filter((f) => !modelRule.has(f.rule)));
          assert.deepEqual(local(fast.findings), local(full.findings));
          assert.deepEqual(norm(doc.update(text, { model: true }).findings), norm(full.findings));
        }
      }),
      { numRuns: Number(process.env.DL_PROPERTY_RUNS ?? 25) },
    );
  });
});

describe('incremental reading with $GENERATE budgets', () => {
  it('gives a fresh read when an edit makes the $GENERATE lines run out of the file budget', () => {
    const line = (i: number) => `$GENERATE 0-65535 g${i}-$ A 192.0.2.1`;
    const start = ['$ORIGIN example.com.', '$TTL 300', line(1), line(2), line(3), 'x IN A 192.0.2.1', ''].join('\n');
    const inc = new IncrementalZone('z.zone', { origin: 'example.com' });
    assert.equal(inc.update(start).records.length, 3 * 65536 + 1);
    // Two more lines: the file may make 262 144 records, so the fifth line makes none, as a fresh read says.
    const edited = start.replace('x IN A', `${line(4)}\n${line(5)}\nx IN A`);
    const z = inc.update(edited);
    assert.deepEqual(observe(z), observe(parseZone(edited, 'z.zone', { origin: 'example.com' })));
    assert.equal(z.records.length, 4 * 65536 + 1);
    assert.deepEqual(z.problems.map((p) => [p.severity, p.message.slice(0, 60)]), [['information', 'The `$GENERATE` lines of this file make more than 262144 rec']]);
    // And back: the budget is no longer hit, the lines are read again.
    assert.deepEqual(observe(inc.update(start)), observe(parseZone(start, 'z.zone', { origin: 'example.com' })));
  });
});
