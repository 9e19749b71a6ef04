/** Fix builders shared by the tag-list records (DMARC, DKIM): edits that touch only the tag concerned. */
import type { Tag } from '../records/taglist';
import type { ValueEdit, ValueFix } from './rule';

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

/**
 * Replaces `range` of a value that may run over several character-strings, keeping the strings as
 * they are: each string gets as much of `text` as it held of the range, the last one the rest. So
 * the layout stays and no string passes 255 bytes; undefined when the last one would (ASCII `text`).
 */
export function replaceInStrings(strings: readonly { start: number; end: number; bytes: number }[], range: { start: number; end: number }, text: string): ValueEdit[] | undefined {
  const touched = strings.filter((s) => s.end > range.start && s.start < range.end);
  if (touched.length <= 1) return [{ range, newText: text }];
  const edits: ValueEdit[] = [];
  let used = 0;
  touched.forEach((s, i) => {
    const start = Math.max(s.start, range.start);
    const end = Math.min(s.end, range.end);
    const piece = i === touched.length - 1 ? text.slice(used) : text.slice(used, used + (end - start));
    used += piece.length;
    edits.push({ range: { start, end }, newText: piece });
  });
  const last = touched[touched.length - 1];
  const lastEdit = edits[edits.length - 1];
  return last.bytes - (lastEdit.range.end - lastEdit.range.start) + lastEdit.newText.length <= 255 ? edits : undefined;
}
