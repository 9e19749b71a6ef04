/**
 * What the workspace index sums up for all files at once, which rules ask before reading every
 * file's records at a name (a folder of many copies of one Terraform file made them quadratic): which
 * zones named by infrastructure as code have something that can hide names (zone/occluded-record),
 * which owners have a null MX (spf/null-mx-sender), and whether the files that define a policy record
 * agree on it (zone/conflicting-definitions), and which resources write each record set
 * (source/duplicate-record-set). Each must follow the files as they change, and say
 * nothing a scan of every file would not.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { analyzeZone, readZone } from '../server/src/service';
import { WorkspaceIndex } from '../server/src/workspace';
import { isSetRecord, resourceId, setKey, type SetRecord } from '../server/src/records/recordset';

const rec = (id: string, name: string, type: string, values: string) =>
  `resource "aws_route53_record" "${id}" {\n  zone_id = aws_route53_zone.main.zone_id\n  name    = "${name}"\n  type    = "${type}"\n  ttl     = 300\n  records = [${values}]\n}\n`;
const ZONE = 'resource "aws_route53_zone" "main" {\n  name = "example.com"\n}\n';

/** An index without the summaries: every question reads the files' records (what the rules did before). */
class ScanningIndex extends WorkspaceIndex {
  override hidesIn(): boolean {
    return true;
  }
  override hasNullMx(): boolean {
    return true;
  }
  override agreesEverywhere(): boolean {
    return false;
  }
  override recordSets(key: string, except?: ReadonlySet<string>): SetRecord[] {
    const byResource = new Map<string, SetRecord>();
    for (const { uri, records } of this.sources())
      if (!except?.has(uri)) for (const r of records) if (isSetRecord(r) && setKey(r) === key && !byResource.has(resourceId(r))) byResource.set(resourceId(r), r);
    return [...byResource.values()];
  }
}

/** A folder of Terraform files, all in one workspace index; `check(file)` gives the rule's findings in it. */
function module(files: Record<string, string>, ws: WorkspaceIndex = new WorkspaceIndex()) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-summaries-'));
  const texts = new Map<string, string>();
  const put = (file: string, text: string) => {
    fs.writeFileSync(path.join(dir, file), text);
    texts.set(file, text);
    const p = readZone(text, path.join(dir, file));
    ws.set(path.join(dir, file), p.zone.records, p.sites);
  };
  for (const [f, t] of Object.entries(files)) put(f, t);
  const check = (file: string, rule: string) => analyzeZone(texts.get(file)!, path.join(dir, file), { workspace: ws }).findings.filter((f) => f.rule === rule);
  return { put, check };
}

describe('workspace summaries the cross-file rules ask first', () => {
  it('zone/occluded-record: a delegation in another file of the module, removed and put back', () => {
    const ns = rec('ns', 'email', 'NS', '"ns1.exacttarget.com."');
    const m = module({ 'zone.tf': ZONE + ns, 'dmarc.tf': rec('dmarc', '_dmarc.email', 'TXT', '"v=DMARC1; p=reject"') });
    assert.equal(m.check('dmarc.tf', 'zone/occluded-record').length, 1);
    m.put('zone.tf', ZONE);
    assert.deepEqual(m.check('dmarc.tf', 'zone/occluded-record'), []);
    m.put('zone.tf', ZONE + ns);
    assert.equal(m.check('dmarc.tf', 'zone/occluded-record').length, 1);
    // An NS record at the zone's own name is not a delegation.
    m.put('zone.tf', ZONE + rec('ns', 'example.com', 'NS', '"ns1.example.net."'));
    assert.deepEqual(m.check('dmarc.tf', 'zone/occluded-record'), []);
  });

  it('spf/null-mx-sender: a null MX in another file, changed to a real MX and back', () => {
    const spf = rec('spf', 'example.com', 'TXT', '"v=spf1 include:_spf.google.com -all"');
    const m = module({ 'mx.tf': ZONE + rec('mx', 'example.com', 'MX', '"0 ."'), 'spf.tf': spf });
    assert.equal(m.check('spf.tf', 'spf/null-mx-sender').length, 1);
    m.put('mx.tf', ZONE + rec('mx', 'example.com', 'MX', '"10 mx.example.net."'));
    assert.deepEqual(m.check('spf.tf', 'spf/null-mx-sender'), []);
    m.put('mx.tf', ZONE + rec('mx', 'example.com', 'MX', '"0 ."'));
    assert.equal(m.check('spf.tf', 'spf/null-mx-sender').length, 1);
  });

  it('zone/conflicting-definitions: copies that agree say nothing; one that differs is found from every copy', () => {
    const copy = (v: string) => ZONE.replace('"main"', `"main"`) + rec('spf', 'example.com', 'TXT', `"${v}"`);
    const files: Record<string, string> = {};
    for (let i = 0; i < 5; i++) files[`c${i}.tf`] = copy('v=spf1 include:_spf.google.com -all');
    const m = module(files);
    for (let i = 0; i < 5; i++) assert.deepEqual(m.check(`c${i}.tf`, 'zone/conflicting-definitions'), []);
    m.put('c3.tf', copy('v=spf1 include:sendgrid.net -all'));
    for (let i = 0; i < 5; i++) assert.equal(m.check(`c${i}.tf`, 'zone/conflicting-definitions').length, 1, `c${i}.tf`);
    m.put('c3.tf', copy('v=spf1 include:_spf.google.com -all'));
    for (let i = 0; i < 5; i++) assert.deepEqual(m.check(`c${i}.tf`, 'zone/conflicting-definitions'), []);
  });

  it('the summaries give the same findings as reading every file (random folders of SPF, MX and NS records, one file changed after the first check)', () => {
    const values = ['"v=spf1 -all"', '"v=spf1 include:_spf.google.com -all"', '"v=spf1 mx ~all"'];
    const names = ['example.com', 'mail.example.com', 'x.mail.example.com'];
    const record = fc.oneof(
      fc.record({ type: fc.constant('TXT'), name: fc.constantFrom(...names), v: fc.constantFrom(...values) }),
      fc.record({ type: fc.constant('MX'), name: fc.constantFrom(...names), v: fc.constantFrom('"0 ."', '"10 mx.example.net."') }),
      fc.record({ type: fc.constant('NS'), name: fc.constantFrom(...names), v: fc.constant('"ns1.example.net."') }),
    );
    const file = fc.array(record, { maxLength: 4 });
    const text = (rs: { type: string; name: string; v: string }[], i: number) => ZONE + rs.map((r, k) => rec(`r${i}_${k}`, r.name, r.type, r.v)).join('');
    const RULES = ['zone/occluded-record', 'spf/null-mx-sender', 'zone/conflicting-definitions', 'source/duplicate-record-set'];
    fc.assert(
      fc.property(fc.array(file, { minLength: 2, maxLength: 4 }), fc.nat(), file, (folder, which, changed) => {
        // The same files, and the same change, in an index that reads every file's records for each question.
        const [m, scan] = [module(Object.fromEntries(folder.map((rs, i) => [`f${i}.tf`, text(rs, i)]))), module(Object.fromEntries(folder.map((rs, i) => [`f${i}.tf`, text(rs, i)])), new ScanningIndex())];
        // Checks that build the summaries, which the change must drop (the same in both: which file the
        // rule names first among several that differ follows the order the index read them in).
        for (const x of [m, scan]) for (const rule of RULES) x.check('f0.tf', rule);
        const k = which % folder.length;
        for (const x of [m, scan]) x.put(`f${k}.tf`, text(changed, k));
        const said = (x: typeof m, file: string, rule: string) => x.check(file, rule).map((f) => [f.range.start, f.message.replace(/\/tmp\/dl-summaries-\w+/g, '')]);
        for (let i = 0; i < folder.length; i++) for (const rule of RULES) assert.deepEqual(said(m, `f${i}.tf`, rule), said(scan, `f${i}.tf`, rule));
      }),
      { numRuns: 60 },
    );
  });
});
