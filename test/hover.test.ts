/**
 * The workspace hovers without a language server (features/policyHover): the engine function the
 * server calls, given a WorkspaceIndex, the SPF trees and the files' texts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChainResolver, WorkspaceResolver } from '../server/src/dns/chain';
import { hoverFor, type HoverContext } from '../server/src/features/policyHover';
import { nameSummary } from '../server/src/features/hover';
import { analyzeZone, readZone } from '../server/src/service';
import { lookupTree } from '../server/src/spf/tree';
import { WorkspaceIndex } from '../server/src/workspace';

describe('workspace hovers, engine side', () => {
  const parent = '$ORIGIN example.com.\n@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ IN TXT "v=spf1 include:_spf.example.com -all"\n_spf IN TXT "v=spf1 ip4:192.0.2.0/24 -all"\n_dmarc IN TXT "v=DMARC1; p=reject; rua=mailto:d@reports.example.net"\n';
  const other = '$ORIGIN reports.example.net.\n@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ IN MX 10 mx.example.net.\n';
  const ws = new WorkspaceIndex();
  for (const [file, text] of [['example.com.zone', parent], ['reports.example.net.zone', other]]) {
    const p = readZone(text, file);
    ws.set(file, p.zone.records, p.sites);
  }
  const texts = new Map([['example.com.zone', parent], ['reports.example.net.zone', other]]);
  const resolver = new ChainResolver(new WorkspaceResolver(ws), undefined, undefined);
  const ctx: HoverContext = { ws, treeOf: (site) => lookupTree(site.owner!, resolver), textOf: (f) => texts.get(f) };
  const analysis = analyzeZone(parent, 'example.com.zone', { workspace: ws });
  const at = (needle: string, k = 1) => parent.indexOf(needle) + k;
  const lineOf = (offset: number) => parent.slice(0, offset).split('\n').length - 1;
  const hover = (offset: number) => hoverFor(analysis, 'example.com.zone', parent, offset, lineOf(offset), ctx);

  it('on an owner name, an SPF version, a report address and nowhere', async () => {
    const spfName = await hover(at('_spf IN'));
    assert.equal(parent.slice(spfName!.range.start, spfName!.range.end), '_spf');
    assert.match(spfName!.markdown, /\*\*Included by\*\* the SPF record of `example\.com`/);
    const version = await hover(at('v=spf1 include'));
    assert.match(version!.markdown, /\*\*Lookup tree\*\* \(1\/10 DNS lookups, 0 void; workspace file example\.com\.zone\)/);
    assert.match(version!.markdown, /\*\*DMARC\*\*: `p=reject` applies to mail from `example\.com`/);
    const address = await hover(at('d@reports'));
    assert.match(address!.markdown, /\*\*Report destination\*\* `d@reports\.example\.net`: another Organizational Domain .*no `example\.com\._report\._dmarc\.reports\.example\.net` TXT "v=DMARC1" in the workspace/s);
    assert.equal(await hover(at('hostmaster 1 7200')), undefined);
  });

  it('counts a record of an $INCLUDEd file once, and says several SPF records only where one zone serves them', () => {
    const ws2 = new WorkspaceIndex();
    const dir = '/ws';
    const main = '$ORIGIN two.example.\n@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ IN TXT "v=spf1 -all"\n$INCLUDE /ws/more.inc\n';
    const files = new Map([[`${dir}/two.example.zone`, main], [`${dir}/more.inc`, '@ IN TXT "v=spf1 mx -all"\n']]);
    const p = readZone(main, `${dir}/two.example.zone`, { readFile: (f) => files.get(f) });
    ws2.set(`${dir}/two.example.zone`, p.zone.records, p.sites);
    const inc = readZone(files.get(`${dir}/more.inc`)!, `${dir}/more.inc`, { origin: 'two.example' });
    ws2.set(`${dir}/more.inc`, inc.zone.records, inc.sites);
    const text = nameSummary('two.example', ws2.at('two.example'), []);
    assert.match(text, /Published here\*\* in the workspace: SOA, TXT \(SPF\) ×2 \(two\.example\.zone, more\.inc\)/);
    assert.match(text, /More than one SPF record/);
    // The same name in two files that are not one zone (a zone file and a Terraform file of it): listed, not said to be a permerror.
    const apart = new WorkspaceIndex();
    for (const [f, t] of [['/ws/a.zone', '$ORIGIN three.example.\n@ IN TXT "v=spf1 -all"\n'], ['/ws/b.zone', '$ORIGIN three.example.\n@ IN TXT "v=spf1 mx -all"\n']]) {
      const q = readZone(t, f);
      apart.set(f, q.zone.records, q.sites);
    }
    const two = nameSummary('three.example', apart.at('three.example'), []);
    assert.match(two, /TXT \(SPF\) ×2 \(a\.zone, b\.zone\)/);
    assert.doesNotMatch(two, /More than one SPF record/);
  });
});
