/**
 * BIMI assertion records (draft-brand-indicators-for-message-identification §4.3): a DKIM-style tag
 * list (`v=BIMI1; l=<https URI of the logo>; a=<https URI of the mark certificate>`), at
 * `<selector>._bimi.<domain>`. The parser is the shared tag list's, total and with ranges.
 */
import { parseTagRecord, type TagRecord } from './taglist';

export type BimiRecord = TagRecord;

/** A value that starts as a BIMI record, in any case (the rules say when the case is wrong). */
export function looksLikeBimi(value: string): boolean {
  return /^\s*v\s*=\s*bimi1\s*(;|$)/i.test(value);
}

/** A `<selector>._bimi.<domain>` name (or `_bimi.<domain>`, the selector left out): where BIMI records go. */
export const BIMI_OWNER = /(^|\.)_bimi(\.|$)/;

/** The selector and the domain of a `<selector>._bimi.<domain>` name (the selector may have dots, BIMI §4.4); undefined for any other name. */
export function bimiName(owner: string): { selector: string; domain: string } | undefined {
  const m = /^(.+?)\._bimi\.(.+)$/.exec(owner);
  return m ? { selector: m[1], domain: m[2] } : undefined;
}

export const parseBimi: (value: string) => BimiRecord = parseTagRecord;
