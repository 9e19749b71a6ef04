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

/**
 * The zone a workspace file holds whole that `name` is in: walking up from `name`, the first SOA,
 * unless the file was read without one of its files, or a delegation (NS), a DNAME, or a wildcard that
 * `wildcardAnswers` for (RFC 4592) comes first. `at` gives what is published at a name. Undefined
 * when no such zone: then nothing is known of names the files lack.
 */
export function wholeZone<T>(name: string, at: (n: string) => readonly T[], record: (t: T) => ResourceRecord, wildcardAnswers: (r: ResourceRecord) => boolean): { apex: string; soa: T } | undefined {
  for (let n = name; ; ) {
    const here = at(n);
    const soa = here.find((e) => record(e).type === 'SOA');
    if (soa) return isPartialZone(record(soa)) ? undefined : { apex: n, soa };
    if (here.some((e) => record(e).type === 'NS' || record(e).type === 'DNAME')) return undefined;
    const dot = n.indexOf('.');
    if (dot < 0) return undefined;
    n = n.slice(dot + 1);
    // A wildcard one level up answers for the names below it that do not exist.
    if (at(`*.${n}`).some((e) => wildcardAnswers(record(e)))) return undefined;
  }
}
