/**
 * Two infrastructure-as-code resources that write the same record set. Route 53, Cloud DNS and Azure
 * DNS keep one record set per name and type in a zone, and their Terraform resources each manage a
 * whole set: a second resource for the same name and type fails to apply, or, where the provider lets
 * it overwrite, takes the first one's values away on every apply; a CloudFormation stack with two such
 * record sets fails to deploy. The usual victim is a TXT record set: the SPF record in one resource, a
 * site verification string in another.
 */
import * as path from 'node:path';
import { isSetRecord, resourceId, setKey, type SetRecord } from '../records/recordset';
import type { ResourceRecord } from '../types';
import type { DnsModel, ModelRule } from './rule';

const RULE = 'source/duplicate-record-set';

/** The other resources a finding names (a `for_each` of many instances at one name would name them all). */
const MAX_NAMED = 5;

/** Where the resource writes the record's name (its `name` attribute), else the record. */
const nameRange = (r: ResourceRecord) => r.ownerRange ?? r.site?.ownerRange ?? r.range;

/** What the service does with more than one resource for a record set, and where all the values go instead. */
function provider(set: SetRecord['recordSet'], several: boolean): { dns: string; zone: string; fails: string; values: string } {
  if (set.tool === 'cloudformation')
    return { dns: 'Route 53', zone: 'hosted zone', fails: 'CloudFormation creates one and the stack fails on the other ("Tried to create resource record set … but it already exists") and rolls back', values: 'the `ResourceRecords` of one record set' };
  const fail = `Terraform creates one and the other${several ? 's fail' : ' fails'}`;
  if (set.resource.startsWith('google_')) return { dns: 'Cloud DNS', zone: 'managed zone', fails: `${fail} (409, the record set already exists)`, values: 'the `rrdatas` of one resource' };
  if (set.resource.startsWith('azurerm_')) return { dns: 'Azure DNS', zone: 'zone', fails: `${fail} (the record set already exists and would have to be imported)`, values: 'the `record` blocks of one resource' };
  return {
    dns: 'Route 53',
    zone: 'hosted zone',
    fails: `${fail} ("Tried to create resource record set … but it already exists"), or, with \`allow_overwrite = true\`, each apply replaces the ${several ? "others' values" : "other's values"}, so DNS serves one resource's values only`,
    values: 'the `records` of one resource',
  };
}

export const duplicateRecordSet: ModelRule = {
  id: RULE,
  kind: 'zone',
  scope: 'model',
  severity: 'error',
  summary: 'Two resources write the same record set (Route 53, Cloud DNS, Azure DNS)',
  fixable: false,
  docs: {
    what: 'Finds Terraform resources that write the record set of the same name and type in the same zone: `aws_route53_record` (with the same `set_identifier`, or none), `google_dns_record_set`, and the `azurerm_dns_*_record` resources, in one file or in several files of one module (folder); and CloudFormation `AWS::Route53::RecordSet` resources and `RecordSetGroup` entries of one template (same `HostedZoneId` or `HostedZoneName`, `Name`, `Type` and `SetIdentifier`). The zone is compared as each resource writes it (`zone_id = aws_route53_zone.main.zone_id`), so a public and a private hosted zone of the same domain are told apart; instances of one resource (`for_each`, `count`) that end up at the same name count as two.',
    why: 'These DNS services keep one record set per name and type in a zone (RFC 2181 §5: a name\'s records of one type are one set, served together), and each of these resources manages a whole set. A second resource for the same set fails to apply, or, with Route 53\'s `allow_overwrite`, takes the first one\'s values away on every apply. TXT is where this bites: an SPF record in one resource and a site verification string in another, and receivers see the SPF record or not depending on which resource was applied last (RFC 7208 §4.5: no SPF record means no SPF policy).',
    bad: 'resource "aws_route53_zone" "main" {\n  name = "example.com"\n}\n\nresource "aws_route53_record" "spf" {\n  zone_id = aws_route53_zone.main.zone_id\n  name    = "example.com"\n  type    = "TXT"\n  ttl     = 300\n  records = ["v=spf1 include:_spf.google.com -all"]\n}\n\nresource "aws_route53_record" "verification" {\n  zone_id = aws_route53_zone.main.zone_id\n  name    = "example.com"\n  type    = "TXT"\n  ttl     = 300\n  records = ["google-site-verification=abc123"]\n}\n',
    good: 'resource "aws_route53_zone" "main" {\n  name = "example.com"\n}\n\nresource "aws_route53_record" "txt" {\n  zone_id = aws_route53_zone.main.zone_id\n  name    = "example.com"\n  type    = "TXT"\n  ttl     = 300\n  records = [\n    "v=spf1 include:_spf.google.com -all",\n    "google-site-verification=abc123",\n  ]\n}\n',
    fix: 'Write all the values of the set in one resource (Route 53 `records`, Cloud DNS `rrdatas`, Azure `record` blocks, CloudFormation `ResourceRecords`) and delete the other. If the other was applied, keep Terraform from deleting the set with it: replace its block by `removed { from = aws_route53_record.verification lifecycle { destroy = false } }` (Terraform 1.7 and later), or run `terraform state rm` on it, before the next apply. No quick fix: which resource keeps the set, and its state, are yours to choose.',
    file: 'main.tf',
  },
  check(model: DnsModel, ctx) {
    /** Per record set: its resources, each by its first record, this file's and those of the other files of its folder. */
    const sets = new Map<string, Map<string, SetRecord>>();
    const add = (key: string, r: SetRecord) => {
      let resources = sets.get(key);
      if (!resources) sets.set(key, (resources = new Map()));
      const id = resourceId(r);
      if (!resources.has(id)) resources.set(id, r);
    };
    for (const r of model.records) if (isSetRecord(r)) add(setKey(r), r);
    if (sets.size === 0) return;
    // The other files of the module: the resources of the same sets there.
    for (const [key, resources] of sets) for (const e of model.workspace?.recordSets?.(key) ?? []) if (!resources.has(resourceId(e))) resources.set(resourceId(e), e);
    const reported = new Set<string>();
    for (const r of model.records) {
      if (!isSetRecord(r)) continue;
      const resources = sets.get(setKey(r))!;
      const id = resourceId(r);
      if (resources.size < 2 || reported.has(id) || resources.get(id)!.uri !== r.uri) continue;
      reported.add(id);
      // In file and document order, whatever order the files were read in.
      const others = [...resources.values()].filter((o) => resourceId(o) !== id).sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : a.recordSet.at - b.recordSet.at));
      const p = provider(r.recordSet, others.length > 1);
      const named = (o: SetRecord) => `\`${o.recordSet.resource}\`${o.uri !== r.uri ? ` (in ${path.basename(o.uri)})` : ''}`;
      const shown = others.length > MAX_NAMED ? `${others.slice(0, MAX_NAMED).map(named).join(', ')} and ${others.length - MAX_NAMED} more` : others.map(named).join(', ');
      const spf = r.type === 'TXT' && [r, ...others].some((o) => /^\s*v=spf1(\s|$)/i.test(o.site?.value ?? o.rdata.join('')));
      ctx.reportAt(
        { ...r, range: nameRange(r) },
        `${p.dns} keeps one record set per name and type in a ${p.zone}, and \`${r.recordSet.resource}\` writes the ${r.type} record set at \`${r.owner}\`${r.recordSet.routing !== undefined ? ` (set_identifier ${r.recordSet.routing})` : ''} that ${shown} ${others.length > 1 ? 'write' : 'writes'} too: ${p.fails}.${spf ? ' One of them is the SPF record: receivers find it or not by which resource was applied last.' : ''} Write all the values in ${p.values}.`,
        {
          related: others.slice(0, MAX_NAMED).map((o) => ({ uri: o.uri, range: nameRange(o), message: `\`${o.recordSet.resource}\`, the same ${o.type} record set` })),
          anchors: [r, ...others.slice(0, MAX_NAMED)],
        },
      );
    }
  },
};
