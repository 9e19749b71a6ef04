/**
 * The `tag=value; tag=value` list shared by DMARC (RFC 9989 §4.7) and DKIM key records
 * (RFC 6376 §3.2). Pure and total: every part of the input lands in some tag or problem.
 */
import type { OffsetRange } from '../types';

export interface Tag {
  /** Lower-cased tag name as written (DKIM and DMARC tag names are compared case-sensitively; `nameRaw` keeps it). */
  name: string;
  nameRaw: string;
  value: string;
  /** The whole `name=value` part, without surrounding white space. */
  range: OffsetRange;
  nameRange: OffsetRange;
  valueRange: OffsetRange;
  /** White space between the name and `=` or between `=` and the value. */
  spaceAroundEquals: boolean;
}

export interface TagListProblem {
  code: 'syntax';
  range: OffsetRange;
  message: string;
}

export interface TagList {
  tags: Tag[];
  problems: TagListProblem[];
  /** Range of each `;` separator, for fixes that insert or remove tags. */
  separators: OffsetRange[];
}

const WSP = /[ \t\r\n]/;

/** A tag list with its text and its tags by lower-cased name (the first of a repeated tag). */
export interface TagRecord extends TagList {
  value: string;
  byName: Map<string, Tag>;
}

export function parseTagRecord(value: string): TagRecord {
  const list = parseTagList(value);
  const byName = new Map<string, Tag>();
  for (const t of list.tags) if (!byName.has(t.name)) byName.set(t.name, t);
  return { ...list, value, byName };
}

/** The first tag of exactly this name, for records whose tag names are case-sensitive (`L=` is not `l=`). */
export function tagNamed(record: TagList, name: string): Tag | undefined {
  return record.tags.find((t) => t.nameRaw === name);
}

export function parseTagList(value: string): TagList {
  const list: TagList = { tags: [], problems: [], separators: [] };
  let partStart = 0;
  for (let i = 0; i <= value.length; i++) {
    if (i < value.length && value[i] !== ';') continue;
    parsePart(value, partStart, i, list);
    if (i < value.length) list.separators.push({ start: i, end: i + 1 });
    partStart = i + 1;
  }
  return list;
}

function parsePart(value: string, from: number, to: number, list: TagList): void {
  let s = from;
  let e = to;
  while (s < e && WSP.test(value[s])) s++;
  while (e > s && WSP.test(value[e - 1])) e--;
  if (s === e) return; // empty part: a trailing `;` is allowed (RFC 6376 §3.2, RFC 9989 §4.7)
  const eq = value.indexOf('=', s);
  if (eq < 0 || eq >= e) {
    list.problems.push({ code: 'syntax', range: { start: s, end: e }, message: `\`${value.slice(s, e)}\` is not a \`tag=value\` pair.` });
    return;
  }
  let ne = eq;
  while (ne > s && WSP.test(value[ne - 1])) ne--;
  let vs = eq + 1;
  while (vs < e && WSP.test(value[vs])) vs++;
  const nameRaw = value.slice(s, ne);
  if (nameRaw === '' || !/^[A-Za-z][A-Za-z0-9_]*$/.test(nameRaw)) {
    list.problems.push({
      code: 'syntax',
      range: { start: s, end: Math.max(ne, s + 1) },
      message: nameRaw === '' ? 'Tag with no name before `=`.' : `\`${nameRaw}\` is not a valid tag name (letters, digits and \`_\`, starting with a letter).`,
    });
    return;
  }
  list.tags.push({
    name: nameRaw.toLowerCase(),
    nameRaw,
    value: value.slice(vs, e),
    range: { start: s, end: e },
    nameRange: { start: s, end: ne },
    valueRange: { start: vs, end: e },
    spaceAroundEquals: ne !== eq || vs !== eq + 1,
  });
}

/**
 * Where a tag's value holds the start of a character-string of the record that begins another known
 * tag (`"v=DMARC1; p=none" "rua=…"`, `"k=rsa" "p=MIIB…"`): DNS joins the strings as written, so the
 * second tag runs into the first for want of a `;`. `at` is a record offset.
 */
export function tagAtJoint(strings: readonly { start: number }[], value: string, t: Tag, known: ReadonlySet<string>): { at: number; name: string; length: number } | undefined {
  if (strings.length < 2) return undefined;
  for (const s of strings) {
    const b = s.start;
    if (b <= t.valueRange.start || b >= t.valueRange.end || /[;\s]/.test(value[b - 1])) continue;
    const m = /^([a-z]+)\s*=/i.exec(value.slice(b, t.valueRange.end));
    if (m && known.has(m[1].toLowerCase())) return { at: b, name: m[1], length: m[0].length };
  }
  return undefined;
}
