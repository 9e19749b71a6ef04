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

const partial = new WeakSet<ResourceRecord>();

/**
 * A zone's SOA, when the file could not be read whole (an `$INCLUDE` not found): the zone then does not
 * say that a name it lacks does not exist, since the missing file may define it.
 */
export function setPartialZone(soa: ResourceRecord, isPartial: boolean): void {
  if (isPartial) partial.add(soa);
  else partial.delete(soa);
}

export function isPartialZone(soa: ResourceRecord): boolean {
  return partial.has(soa);
}
