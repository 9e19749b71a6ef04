/** Fix builders shared by the tag-list records (DMARC, DKIM): edits that touch only the tag concerned. */
import type { Tag } from '../records/taglist';
import type { ValueFix } from './rule';

/** Removes a whole tag with its separator, leaving the rest of the record byte for byte. */
export function removeTag(value: string, tag: Tag): ValueFix {
  const title = `Remove \`${value.slice(tag.range.start, tag.range.end)}\``;
  let end = tag.range.end;
  while (end < value.length && /\s/.test(value[end])) end++;
  if (value[end] === ';') {
    end++;
    while (end < value.length && value[end] === ' ') end++;
    return { title, edits: [{ range: { start: tag.range.start, end }, newText: '' }] };
  }
  // Last tag without a trailing `;`: remove the separator before it.
  let start = tag.range.start;
  while (start > 0 && /\s/.test(value[start - 1])) start--;
  if (value[start - 1] === ';') start--;
  return { title, edits: [{ range: { start, end: tag.range.end }, newText: '' }] };
}

/** Moves a tag to the front of the record (where `v=` must be). */
export function moveToFront(value: string, tag: Tag): ValueFix {
  const text = value.slice(tag.range.start, tag.range.end);
  return { title: `Move \`${text}\` to the front`, edits: [...removeTag(value, tag).edits, { range: { start: 0, end: 0 }, newText: `${text}; ` }] };
}
