import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { WorkspaceResolver } from '../../server/src/dns/chain';
import { parseSpf } from '../../server/src/records/spf';
import { readZone } from '../../server/src/service';
import { lookupTree } from '../../server/src/spf/tree';
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
