/**
 * BIMI assertion records (draft-brand-indicators-for-message-identification §4.3): a DKIM-style tag
 * list (`v=BIMI1; l=<https URI of the logo>; a=<https URI of the mark certificate>`), at
 * `<selector>._bimi.<domain>`. The parser is the shared tag list's, total and with ranges.
 */
import { parseTagList, type Tag, type TagList } from './taglist';

export interface BimiRecord extends TagList {
  value: string;
  /** Lower-cased tag name → its first occurrence. */
  byName: Map<string, Tag>;
}

/** A value that starts as a BIMI record, in any case (the rules say when the case is wrong). */
export function looksLikeBimi(value: string): boolean {
  return /^\s*v\s*=\s*bimi1\s*(;|$)/i.test(value);
}

/** A `<selector>._bimi.<domain>` name (or `_bimi.<domain>`, the selector left out): where BIMI records go. */
export const BIMI_OWNER = /(^|\.)_bimi(\.|$)/;

export function parseBimi(value: string): BimiRecord {
  const list = parseTagList(value);
  const byName = new Map<string, Tag>();
  for (const t of list.tags) if (!byName.has(t.name)) byName.set(t.name, t);
  return { ...list, value, byName };
}

/** The first tag of exactly this name (BIMI tag names are case-sensitive: `L=` is not `l=`). */
export function bimiTag(record: BimiRecord, name: string): Tag | undefined {
  return record.tags.find((t) => t.nameRaw === name);
}
