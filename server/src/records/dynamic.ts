/**
 * Records whose value a source cannot know statically (a Terraform expression such as `local.dmarc`):
 * they exist, with an unknown value. A rule that asks whether a name has a record counts them; a rule
 * that reads values skips them. Kept beside the record, like CNAME targets (records/cname.ts).
 */
import type { ResourceRecord } from '../types';

const dynamic = new WeakSet<ResourceRecord>();
let marked = false;

export function markDynamic(record: ResourceRecord): ResourceRecord {
  dynamic.add(record);
  marked = true;
  return record;
}

/** Whether any record was ever marked (a run over zone files only marks none: rules skip their walk). */
export function anyDynamic(): boolean {
  return marked;
}

export function isDynamic(record: ResourceRecord): boolean {
  return dynamic.has(record);
}
