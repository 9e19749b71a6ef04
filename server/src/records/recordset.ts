/**
 * Record sets that infrastructure as code writes whole (ResourceRecord.recordSet: Route 53, Cloud DNS,
 * Azure DNS): which set a record is part of, and which resource writes it.
 */
import type { ResourceRecord } from '../types';

export type SetRecord = ResourceRecord & { owner: string; recordSet: NonNullable<ResourceRecord['recordSet']> };

export const isSetRecord = (r: ResourceRecord): r is SetRecord => r.recordSet !== undefined && r.owner !== undefined && !r.superseded;

/** The record set a record is part of: its module (folder or template), its zone as written and resolved, its name, type and routing identifier. */
export function setKey(r: SetRecord): string {
  return `${r.recordSet.module}\u0000${r.recordSet.zoneRef}\u0000${r.zone ?? ''}\u0000${r.owner}\u0000${r.type}\u0000${r.recordSet.routing ?? ''}`;
}

/**
 * The resource that writes it, by its address in its module: a block copied into another file of the
 * module under the same address is the same resource (Terraform refuses such a module anyway), and a
 * module read once per call of it gives the same resource each time.
 */
export function resourceId(r: SetRecord): string {
  return `${r.recordSet.module}\u0000${r.recordSet.resource}`;
}
