/**
 * Terraform: a new resource beside a record's own (same kind, zone, provider and TTL) that publishes a
 * TXT record at the same name or under `_dmarc.`, as a quick fix writes it (the first DMARC record of
 * a name, the `v=spf1 -all` of a domain that sends no mail). Kept beside the records and sites, not on
 * them (records/cname.ts says why), and only for resources that can be copied so (not counted, not
 * for_each, with a name and a zone).
 */
import type { RecordSite, ResourceRecord, TextEdit } from '../types';

export interface SiblingSpec {
  /** `_dmarc`: the new record's name is the resource's under `_dmarc.`; else the same name. */
  under?: '_dmarc';
  /** The resource label wanted (`dmarc`, `spf`); `_2`, `_3`… is added when the file has it already. */
  label: string;
  /**
   * The TXT value, given the domain the resource's name is written as (HCL string content:
   * `example.com`, `${var.domain}`), when it is; undefined: no fix.
   */
  value: (domain: string | undefined) => string | undefined;
}

export type TxtSibling = (spec: SiblingSpec) => { edit: TextEdit; resource: string; value: string } | undefined;

const siblings = new WeakMap<RecordSite | ResourceRecord, TxtSibling>();

export function setTxtSibling(of: RecordSite | ResourceRecord, sibling: TxtSibling): void {
  siblings.set(of, sibling);
}

export function txtSibling(of: RecordSite | ResourceRecord): TxtSibling | undefined {
  return siblings.get(of);
}
