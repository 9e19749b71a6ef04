/**
 * Records whose value a source cannot know statically (a Terraform expression such as `local.dmarc`):
 * they exist, with an unknown value. A rule that asks whether a name has a record counts them; a rule
 * that reads values skips them. Kept beside the record, like CNAME targets (records/cname.ts).
 */
import type { ResourceRecord } from '../types';

const dynamic = new WeakSet<ResourceRecord>();

export function markDynamic(record: ResourceRecord): ResourceRecord {
  dynamic.add(record);
  return record;
}

export function isDynamic(record: ResourceRecord): boolean {
  return dynamic.has(record);
}
