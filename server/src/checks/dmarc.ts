/**
 * DMARC policy record rules (RFC 9989, with RFC 7489 compatibility where receivers still differ).
 */
import { parseReportUris, type DmarcRecord } from '../records/dmarc';
import { tagAtJoint, type Tag } from '../records/taglist';
import type { RecordSite } from '../types';
import type { DmarcRule, RecordContext, ValueFix } from './rule';
import { moveToFront, removeTag as removeTagIn } from './tagfix';
import { editDistance, endWithoutSeparators } from '../util/text';
import { asciiOf } from './lookalike';
import { getPublicSuffix } from 'tldts';

const removeTag = (record: DmarcRecord, tag: Tag): ValueFix => removeTagIn(record.value, tag);

const KNOWN_TAGS = new Set(['v', 'p', 'sp', 'np', 'psd', 't', 'adkim', 'aspf', 'fo', 'rua', 'ruf', 'pct', 'rf', 'ri']);
const POLICIES = ['none', 'quarantine', 'reject'];

function rule(r: Omit<DmarcRule, 'kind' | 'scope'>): DmarcRule {
  return { ...r, kind: 'dmarc', scope: 'dmarc' };
}

/** Appends `; name=value` at the end of the record, after any trailing `;`. */
export function appendTag(record: DmarcRecord, text: string, title: string): ValueFix {
  const v = record.value;
  const end = endWithoutSeparators(v);
  return { title, edits: [{ range: { start: end, end }, newText: `; ${text}` }] };
}

/**
 * The value a tag really has when the next tag ran into it (`p=none rua=…`, `p=none, rua=…`):
 * those are reported once, as a separator problem, not again as a bad value.
 */
/** A tag's value without another tag run into it (for want of a `;`, or where two strings of the record join). */
function ownValue(tag: Tag, site: RecordSite): string {
  const m = /(?:\s+|\s*,\s*)([a-z]+)\s*=/i.exec(tag.value);
  if (m && KNOWN_TAGS.has(m[1].toLowerCase())) return tag.value.slice(0, m.index);
  const j = tagAtJoint(site.strings, site.value, tag, KNOWN_TAGS);
  return j ? tag.value.slice(0, j.at - tag.valueRange.start) : tag.value;
}

function setValue(tag: Tag, value: string, title: string): ValueFix {
  return { title, edits: [{ range: tag.valueRange, newText: value }] };
}

/** The version tag must be first, exactly `v=DMARC1` (RFC 9989 §4.7). */
export const invalidVersion = rule({
  id: 'dmarc/invalid-version',
  severity: 'error',
  summary: 'The DMARC record does not start with `v=DMARC1`',
  fixable: true,
  docs: {
    what: 'Finds DMARC records whose `v` tag is missing, not the first tag, or not exactly `DMARC1` (for example `v=dmarc1` or `v=DMARC 1`).',
    why: 'RFC 9989 §4.7: a policy record starts with `v=DMARC1`, compared case-sensitively; records that do not are discarded during discovery, so the domain has no policy.',
    bad: '_dmarc IN TXT "p=reject; v=DMARC1"',
    good: '_dmarc IN TXT "v=DMARC1; p=reject"',
    fix: 'Put `v=DMARC1;` first, spelled exactly so.',
  },
  check(record, ctx) {
    const first = record.tags[0];
    const v = record.byName.get('v');
    if (!v) {
      ctx.report(first?.range ?? { start: 0, end: record.value.length }, 'The record has no `v=DMARC1` tag, so receivers ignore it (RFC 9989 §4.7).', {
        fixes: [{ title: 'Insert `v=DMARC1;`', edits: [{ range: { start: 0, end: 0 }, newText: 'v=DMARC1; ' }] }],
      });
      return;
    }
    if (v !== first) {
      ctx.report(v.range, '`v=DMARC1` must be the first tag; receivers discard records that do not start with it (RFC 9989 §4.7).', {
        fixes: [moveToFront(record.value, v)],
      });
    } else if (v.nameRaw !== 'v' || ownValue(v, ctx.site) !== 'DMARC1') {
      const written = record.value.slice(v.range.start, v.range.end);
      // OpenDMARC and Mail::DMARC read the tag whatever its case; the RFC's discovery does not.
      const lenient = /^v\s*=\s*dmarc1$/i.test(written) ? ' OpenDMARC and Mail::DMARC accept it, receivers that follow the RFC discard the record.' : '';
      ctx.report(v.range, `\`${written}\` must be exactly \`v=DMARC1\` (case-sensitive, RFC 9989 §4.7).${lenient}`, {
        fixes: [{ title: 'Write `v=DMARC1`', edits: [{ range: v.range, newText: 'v=DMARC1' }] }],
      });
    }
  },
});

export const leadingWhitespace = rule({
  id: 'dmarc/leading-whitespace',
  severity: 'error',
  summary: 'The DMARC record starts with white space',
  fixable: true,
  docs: {
    what: 'Finds DMARC records with spaces or tabs before `v=DMARC1`.',
    why: 'RFC 9989 §4.7: discovery keeps only records that begin with `v=DMARC1`; many receivers compare the first bytes, so a leading space hides the policy.',
    bad: '_dmarc IN TXT " v=DMARC1; p=reject"',
    good: '_dmarc IN TXT "v=DMARC1; p=reject"',
    fix: 'Remove the white space before `v=DMARC1`.',
  },
  check(record, ctx) {
    const m = /^\s+/.exec(record.value);
    if (m)
      ctx.report({ start: 0, end: m[0].length }, 'The record starts with white space, so receivers that match `v=DMARC1` at the start ignore it (RFC 9989 §4.7).', {
        fixes: [{ title: 'Remove the leading white space', edits: [{ range: { start: 0, end: m[0].length }, newText: '' }] }],
      });
  },
});

export const syntaxError = rule({
  id: 'dmarc/syntax-error',
  severity: 'error',
  summary: 'A part of the DMARC record is not a `tag=value` pair',
  fixable: true,
  docs: {
    what: 'Finds parts of the record between semicolons that are not `tag=value`, such as a stray `quarantine` or a second report URI after `rua=…;`.',
    why: 'RFC 9989 §4.7 defines the record as a tag list (the DKIM syntax of RFC 6376 §3.2); receivers reject or misread a record with parts they cannot parse.',
    bad: '_dmarc IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@example.com;mailto:reports@example.com"',
    good: '_dmarc IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@example.com,mailto:reports@example.com"',
    fix: 'Write each part as `tag=value` and separate parts with `;`. A second report URI after `rua=…;` is joined to the list with `,` by the quick fix.',
  },
  check(record, ctx) {
    for (const p of record.problems) {
      // A URI after `rua=…;` or `ruf=…;`: a second destination, separated by `;` where the list wants `,`.
      const part = record.value.slice(p.range.start, p.range.end);
      const before = record.tags.filter((t) => t.range.end <= p.range.start).pop();
      const semi = before ? record.value.lastIndexOf(';', p.range.start) : -1;
      if (/^mailto:/i.test(part) && before && (before.name === 'rua' || before.name === 'ruf') && semi >= before.range.end) {
        ctx.report(p.range, `\`${part}\` is a second \`${before.name}\` URI after a \`;\`, which ends the tag: the URIs of one tag are separated by \`,\` (RFC 9989 §4.7). Receivers send no reports to it, and some discard the whole record.`, {
          fixes: [{ title: `Separate the \`${before.name}\` URIs with \`,\``, edits: [{ range: { start: semi, end: semi + 1 }, newText: ',' }] }],
        });
        continue;
      }
      ctx.report(p.range, `${p.message} DMARC records are \`tag=value\` pairs separated by \`;\` (RFC 9989 §4.7).`);
    }
  },
});

export const missingSeparator = rule({
  id: 'dmarc/missing-separator',
  severity: 'error',
  summary: 'Two DMARC tags run together without `;`',
  fixable: true,
  docs: {
    what: 'Finds a tag value that contains another `tag=`, i.e. a missing `;` between two tags, written in one string or where two strings of the record meet (`"v=DMARC1; p=none" "rua=…"`, which DNS serves as one string).',
    why: 'RFC 9989 §4.7: tags are separated by `;`. Without it the second tag becomes part of the first value, which is then invalid (e.g. `p=none rua=…`).',
    bad: '_dmarc IN TXT "v=DMARC1; p=none rua=mailto:dmarc@example.com"',
    good: '_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@example.com"',
    fix: 'Insert `;` between the tags.',
  },
  check(record, ctx) {
    for (const t of record.tags) {
      // Not after a comma: that is dmarc/comma-separator's (`v=DMARC1, p=none`).
      const m = /(?<![,\s])(\s+)([a-z]+)\s*=/i.exec(t.value);
      if (m && KNOWN_TAGS.has(m[2].toLowerCase())) {
        const at = t.valueRange.start + m.index;
        ctx.report({ start: at, end: at + m[0].length }, `\`${m[2]}=\` runs into the \`${t.name}\` tag; separate tags with \`;\` (RFC 9989 §4.7).`, {
          fixes: [{ title: 'Insert `;`', edits: [{ range: { start: at, end: at }, newText: ';' }] }],
        });
        continue;
      }
      // Two strings of the record joined with no `;` between: the fix puts it at the start of the next string.
      const j = tagAtJoint(ctx.site.strings, record.value, t, KNOWN_TAGS);
      // After a `,`, dmarc/comma-separator's.
      if (j && record.value[j.at - 1] !== ',')
        ctx.report({ start: j.at, end: j.at + j.length }, `\`${j.name}=\` runs into the \`${t.name}\` tag where two strings of the record join with no \`;\` between them (DNS serves them as one string); separate tags with \`;\` (RFC 9989 §4.7).`, {
          fixes: [{ title: 'Insert `;` at the start of the next string', edits: [{ range: { start: j.at, end: j.at + 1 }, newText: `;${record.value[j.at]}` }] }],
        });
    }
  },
});

export const commaSeparator = rule({
  id: 'dmarc/comma-separator',
  severity: 'error',
  summary: 'Tags are separated by `,` instead of `;`',
  fixable: true,
  docs: {
    what: 'Finds `,` used where `;` must separate two DMARC tags.',
    why: 'RFC 9989 §4.7: the tag separator is `;`; commas only separate URIs inside `rua`/`ruf`. A comma turns the following tags into part of the previous value.',
    bad: '_dmarc IN TXT "v=DMARC1, p=reject, rua=mailto:dmarc@example.com"',
    good: '_dmarc IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@example.com"',
    fix: 'Replace the `,` with `;`.',
  },
  check(record, ctx) {
    for (const t of record.tags) {
      const re = /,(\s*)([a-z]+)\s*=/gi;
      for (let m = re.exec(t.value); m; m = re.exec(t.value)) {
        if (!KNOWN_TAGS.has(m[2].toLowerCase())) continue;
        const at = t.valueRange.start + m.index;
        ctx.report({ start: at, end: at + 1 }, `\`,\` separates tags here; DMARC tags are separated by \`;\` (RFC 9989 §4.7).`, {
          fixes: [{ title: 'Replace `,` with `;`', edits: [{ range: { start: at, end: at + 1 }, newText: ';' }] }],
        });
      }
    }
  },
});

export const whitespaceAroundEquals = rule({
  id: 'dmarc/whitespace-around-equals',
  severity: 'hint',
  summary: 'White space around `=` in a DMARC tag',
  fixable: true,
  docs: {
    what: 'Finds spaces between a tag name and `=` or between `=` and the value.',
    why: 'RFC 9989 §4.7 allows it, but some receivers and many checking tools split on `=` without trimming and then misread the tag.',
    bad: '_dmarc IN TXT "v=DMARC1; p = reject"',
    good: '_dmarc IN TXT "v=DMARC1; p=reject"',
    fix: 'Write `tag=value` without spaces.',
  },
  check(record, ctx) {
    for (const t of record.tags)
      if (t.spaceAroundEquals) {
        const fixes = [{ title: `Write \`${t.nameRaw}=${t.value}\``, edits: [{ range: { start: t.nameRange.end, end: t.valueRange.start }, newText: '=' }] }];
        // Receivers that select DMARC records by their first 8 characters (Mail::DMARC) never see this one.
        if (t === record.tags[0] && t.name === 'v')
          ctx.report(t.range, `\`${record.value.slice(t.range.start, t.range.end)}\`: receivers that pick DMARC records by the prefix \`v=DMARC1\` (Mail::DMARC does) discard this record; write \`v=DMARC1\` (RFC 9989 §4.7).`, { severity: 'warning', fixes });
        else ctx.report(t.range, `Write \`${t.nameRaw}=${t.value}\` without spaces around \`=\`; some receivers do not trim them (RFC 9989 §4.7).`, { fixes });
      }
  },
});

const VALUE_RULES: Record<string, { ok: (v: string) => boolean; expect: string }> = {
  p: { ok: (v) => POLICIES.includes(v), expect: '`none`, `quarantine` or `reject`' },
  sp: { ok: (v) => POLICIES.includes(v), expect: '`none`, `quarantine` or `reject`' },
  np: { ok: (v) => POLICIES.includes(v), expect: '`none`, `quarantine` or `reject`' },
  adkim: { ok: (v) => v === 'r' || v === 's', expect: '`r` (relaxed) or `s` (strict)' },
  aspf: { ok: (v) => v === 'r' || v === 's', expect: '`r` (relaxed) or `s` (strict)' },
  fo: { ok: (v) => /^[01ds](\s*:\s*[01ds])*$/.test(v), expect: 'one or more of `0`, `1`, `d`, `s` separated by `:`' },
  psd: { ok: (v) => v === 'y' || v === 'n' || v === 'u', expect: '`y`, `n` or `u`' },
  t: { ok: (v) => v === 'y' || v === 'n', expect: '`y` or `n`' },
};

/**
 * Values of the tags RFC 9989 removed, as RFC 7489 §6.3 wrote them: RFC 9989 receivers ignore the
 * tags, RFC 7489 receivers check them, and OpenDMARC 1.4 discards the whole record over a bad one.
 */
const RFC7489_VALUE_RULES: Record<string, { ok: (v: string) => boolean; expect: string }> = {
  pct: { ok: (v) => /^\d{1,3}$/.test(v) && Number(v) <= 100, expect: 'an integer from 0 to 100' },
  ri: { ok: (v) => /^\d{1,32}$/.test(v), expect: 'a number of seconds' },
  rf: { ok: (v) => v.split(':').every((f) => /^(afrf|iodef)$/i.test(f.trim())), expect: '`afrf` or `iodef`' },
};

/** Whether OpenDMARC 1.4 (libopendmarc) discards the whole record over this invalid value (seen in test/records/dmarc-oracles). */
function openDmarcRefuses(tag: string, value: string): boolean {
  if (tag === 'adkim' || tag === 'aspf') return !/^(strict|relaxed)$/i.test(value);
  return tag === 'p' || tag === 'sp' || tag === 'fo';
}

export const invalidValue = rule({
  id: 'dmarc/invalid-value',
  severity: 'error',
  summary: 'A DMARC tag has a value outside its allowed set',
  fixable: true,
  docs: {
    what: 'Finds invalid values of p, sp, np, adkim, aspf, fo, psd and t, such as `p=bogus`, `adkim=strict` or `fo=2`, and values of the removed pct, rf and ri that RFC 7489 did not allow either (`pct=200`, `rf=xml`, `ri=1d`). A value that differs only in case (`p=Reject`) is valid, since the grammar ignores case, and is a hint to write it in lower case.',
    why: 'RFC 9989 §4.7 lists the allowed values. An invalid `p` makes receivers fall back to other rules or discard the record; an invalid alignment mode is ignored in favour of the default. RFC 7489 receivers still read pct, rf and ri: OpenDMARC discards the whole record over an invalid p, sp, fo, adkim or aspf, and over a pct, rf or ri RFC 7489 §6.3 does not allow, so the domain has no policy at those receivers (measured against OpenDMARC 1.4 and Mail::DMARC in test/records/dmarc-oracles.test.ts).',
    bad: '_dmarc IN TXT "v=DMARC1; p=reject; adkim=strict"',
    good: '_dmarc IN TXT "v=DMARC1; p=reject; adkim=s"',
    fix: 'Use one of the values the message lists.',
  },
  check(record, ctx) {
    for (const t of record.tags) {
      const r = VALUE_RULES[t.name];
      if (!r || r.ok(ownValue(t, ctx.site))) continue;
      const lower = t.value.toLowerCase().trim();
      const fixes: ValueFix[] = [];
      const own = ownValue(t, ctx.site);
      if (own !== own.toLowerCase() && r.ok(own.toLowerCase())) {
        // Only the case differs: ABNF strings ignore case (RFC 5234 §2.3), so receivers read the value;
        // a hint, for the parsers and tools that compare exactly.
        const want = own.toLowerCase();
        ctx.report({ start: t.valueRange.start, end: t.valueRange.start + own.length }, `\`${t.name}=${own}\` is read as \`${t.name}=${want}\`: the record's grammar ignores case (RFC 9989 §4.7, RFC 5234 §2.3), but some parsers and tools compare exactly, so write it in lower case.`, {
          severity: 'hint',
          fixes: [{ title: `Write \`${t.name}=${want}\``, edits: [{ range: { start: t.valueRange.start, end: t.valueRange.start + own.length }, newText: want }] }],
        });
        continue;
      }
      if (r.ok(lower)) fixes.push(setValue(t, lower, `Write \`${t.name}=${lower}\``));
      else if ((t.name === 'adkim' || t.name === 'aspf') && /^(strict|relaxed)$/.test(lower)) fixes.push(setValue(t, lower[0], `Write \`${t.name}=${lower[0]}\``));
      const word = (t.name === 'adkim' || t.name === 'aspf') && /^(strict|relaxed)$/.test(lower);
      const effect = word
        ? ` RFC 9989 receivers ignore it and align in relaxed mode; OpenDMARC reads \`${lower[0]}\`.`
        : t.value !== '' && openDmarcRefuses(t.name, own)
          ? ' RFC 7489 receivers such as OpenDMARC discard the whole record over it.'
          : '';
      ctx.report(t.valueRange.end > t.valueRange.start ? t.valueRange : t.range, `\`${t.name}=${t.value}\` is not valid; \`${t.name}\` takes ${r.expect} (RFC 9989 §4.7).${effect}`, { fixes });
    }
    for (const t of record.tags) {
      const r = RFC7489_VALUE_RULES[t.name];
      if (!r || t.value === '' || r.ok(ownValue(t, ctx.site))) continue;
      ctx.report(t.valueRange, `\`${t.name}=${ownValue(t, ctx.site)}\` is not valid in RFC 7489 (\`${t.name}\` takes ${r.expect}): RFC 9989 removed \`${t.name}\` and its receivers ignore it, but RFC 7489 receivers such as OpenDMARC discard the whole record over it (RFC 7489 §6.3); remove the tag.`, { fixes: [removeTag(record, t)] });
    }
  },
});

export const duplicateTag = rule({
  id: 'dmarc/duplicate-tag',
  severity: 'error',
  summary: 'A DMARC tag appears twice',
  fixable: true,
  docs: {
    what: 'Finds a tag that appears more than once in the record.',
    why: 'RFC 6376 §3.2, whose tag-list syntax RFC 9989 §4.7 uses: duplicate tags make the record invalid; receivers that accept it keep one of the two (OpenDMARC and Mail::DMARC the last), so which policy applies depends on the receiver.',
    bad: '_dmarc IN TXT "v=DMARC1; p=none; p=reject"',
    good: '_dmarc IN TXT "v=DMARC1; p=reject"',
    fix: 'Keep one copy with the value you mean.',
  },
  check(record, ctx) {
    const seen = new Set<string>();
    for (const t of record.tags) {
      if (seen.has(t.name)) ctx.report(t.range, `Tag \`${t.name}\` appears more than once; the record is invalid for strict receivers (RFC 6376 §3.2, RFC 9989 §4.7), and OpenDMARC and Mail::DMARC apply the last one (\`${t.name}=${record.tags.filter((x) => x.name === t.name).at(-1)!.value}\`).`, { fixes: [removeTag(record, t)] });
      seen.add(t.name);
    }
  },
});

export const unknownTag = rule({
  id: 'dmarc/unknown-tag',
  severity: 'warning',
  summary: 'An unknown DMARC tag is ignored',
  fixable: true,
  docs: {
    what: 'Finds tags that neither RFC 9989 nor RFC 7489 define, usually typos such as `rau=` or `adkm=`.',
    why: 'RFC 9989 §4.7: receivers ignore unknown tags, so a misspelt tag silently does nothing (a misspelt `rua` means no reports arrive).',
    bad: '_dmarc IN TXT "v=DMARC1; p=none; rau=mailto:dmarc@example.com"',
    good: '_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@example.com"',
    fix: 'Correct the tag name, or remove it.',
  },
  check(record, ctx) {
    for (const t of record.tags) {
      if (KNOWN_TAGS.has(t.name)) continue;
      const guess = [...KNOWN_TAGS].find((k) => k.length > 1 && editDistance(k, t.name) === 1);
      const fixes: ValueFix[] = guess ? [{ title: `Rename to \`${guess}\``, edits: [{ range: t.nameRange, newText: guess }] }] : [removeTag(record, t)];
      ctx.report(t.nameRange, `Unknown tag \`${t.nameRaw}\` is ignored by receivers (RFC 9989 §4.7)${guess ? `; did you mean \`${guess}\`?` : '.'}`, { fixes });
    }
  },
});


export const pctRemoved = rule({
  id: 'dmarc/pct-removed',
  severity: 'warning',
  summary: '`pct` is removed in RFC 9989',
  fixable: true,
  docs: {
    what: 'Finds the `pct` tag. `pct=0` or `pct=100` next to `t` is the migration-safe pattern and only gets advice.',
    why: 'RFC 9989 removed `pct`: receivers that follow it apply the policy to all failing mail, so `pct=25` no longer limits anything there, while RFC 7489 receivers still sample. The testing flag `t=y` replaces the `pct=0` pattern.',
    bad: '_dmarc IN TXT "v=DMARC1; p=quarantine; pct=25; rua=mailto:dmarc@example.com"',
    good: '_dmarc IN TXT "v=DMARC1; p=quarantine; t=y; rua=mailto:dmarc@example.com"',
    fix: 'Use `t=y` while testing the policy and remove `pct`; keep `pct=0` (with `t=y`) or `pct=100` (with `t=n` or no `t`) only for old receivers.',
  },
  check(record, ctx) {
    const pct = record.byName.get('pct');
    // A value RFC 7489 does not allow is dmarc/invalid-value's (an error: old receivers drop the record).
    if (!pct || !RFC7489_VALUE_RULES.pct.ok(ownValue(pct, ctx.site))) return;
    const t = record.byName.get('t');
    const safe = t !== undefined && ((pct.value === '0' && t.value === 'y') || (pct.value === '100' && t.value === 'n'));
    if (safe || (pct.value === '100' && t === undefined)) {
      const why = safe ? `beside \`t=${t!.value}\` it only serves RFC 7489 receivers` : 'it is the RFC 7489 default, so it changes nothing';
      ctx.report(pct.range, `\`pct=${pct.value}\` is removed in RFC 9989; ${why} and can be removed.`, {
        severity: 'information',
        fixes: [removeTag(record, pct)],
      });
      return;
    }
    const fixes: ValueFix[] = [removeTag(record, pct)];
    if (pct.value === '0' && !t) fixes.unshift({ title: 'Replace `pct=0` with `t=y`', edits: [{ range: pct.range, newText: 't=y' }] });
    else if (pct.value !== '100' && !t) fixes.unshift({ title: `Replace \`pct=${pct.value}\` with \`t=y\` (test mode)`, edits: [{ range: pct.range, newText: 't=y' }] });
    ctx.report(pct.range, `\`pct\` is removed in RFC 9989: RFC 9989 receivers apply the policy to all failing mail regardless of \`pct=${pct.value}\`; use \`t=y\` to test a policy.`, { fixes });
  },
});

export const rfRemoved = rule({
  id: 'dmarc/rf-removed',
  severity: 'information',
  summary: '`rf` is removed in RFC 9989',
  fixable: true,
  docs: {
    what: 'Finds the `rf` (failure report format) tag; a warning when it lists several formats (`rf=afrf:iodef`), which OpenDMARC refuses along with the whole record.',
    why: 'RFC 9989 removed `rf`; failure reports (RFC 9991) have one format, so the tag is ignored.',
    bad: '_dmarc IN TXT "v=DMARC1; p=reject; rf=afrf"',
    good: '_dmarc IN TXT "v=DMARC1; p=reject"',
    fix: 'Remove the tag.',
  },
  check(record, ctx) {
    const t = record.byName.get('rf');
    if (!t || !RFC7489_VALUE_RULES.rf.ok(ownValue(t, ctx.site))) return;
    // RFC 7489 allows a list (`afrf:iodef`), but OpenDMARC 1.4 discards the whole record over one.
    if (ownValue(t, ctx.site).includes(':'))
      ctx.report(t.range, `\`rf=${ownValue(t, ctx.site)}\` is removed in RFC 9989 and ignored by its receivers, but OpenDMARC discards the whole record over a list of formats, so the domain has no policy there; remove the tag (RFC 9991 has one format).`, { severity: 'warning', fixes: [removeTag(record, t)] });
    else ctx.report(t.range, '`rf` is removed in RFC 9989 and ignored by receivers; failure reports have one format (RFC 9991).', { fixes: [removeTag(record, t)] });
  },
});

export const riRemoved = rule({
  id: 'dmarc/ri-removed',
  severity: 'information',
  summary: '`ri` is removed in RFC 9989',
  fixable: true,
  docs: {
    what: 'Finds the `ri` (aggregate report interval) tag.',
    why: 'RFC 9989 removed `ri`; receivers send aggregate reports daily (RFC 9990) and most ignored other intervals anyway.',
    bad: '_dmarc IN TXT "v=DMARC1; p=reject; ri=3600"',
    good: '_dmarc IN TXT "v=DMARC1; p=reject"',
    fix: 'Remove the tag.',
  },
  check(record, ctx) {
    const t = record.byName.get('ri');
    if (t && RFC7489_VALUE_RULES.ri.ok(ownValue(t, ctx.site))) ctx.report(t.range, '`ri` is removed in RFC 9989 and ignored; aggregate reports come once a day (RFC 9990).', { fixes: [removeTag(record, t)] });
  },
});

export const missingPolicy = rule({
  id: 'dmarc/missing-policy',
  wholeRecord: true,
  severity: 'warning',
  summary: 'The DMARC record has no `p` tag',
  fixable: true,
  docs: {
    what: 'Finds DMARC records without a `p` tag: an error when the record has no valid `rua` address either, as it then does nothing at any receiver; a warning otherwise.',
    why: 'RFC 9989 §4.7 treats a record without a valid `p` as `p=none`; RFC 7489 §6.6.3 does so only when `rua` holds a valid address (Mail::DMARC follows that), and OpenDMARC discards any record without `p`, so the domain has no policy there at all.',
    bad: '_dmarc IN TXT "v=DMARC1; rua=mailto:dmarc@example.com"',
    good: '_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@example.com"',
    fix: 'Add `p=none` (monitoring), `p=quarantine` or `p=reject` right after `v=DMARC1`.',
  },
  check(record, ctx) {
    if (record.byName.has('p') || !record.byName.has('v')) return;
    // A `p=` glued to another tag (`v=DMARC1 p=reject`) is the separator rules' finding.
    if (record.tags.some((t) => /[\s,]\s*p\s*=/i.test(t.value))) return;
    // `; p=reject` with a no-break space (a record copied from a web page): written, with a character source/lookalike-character reports.
    if (record.value.split(';').some((x) => x !== asciiOf(x) && /^\s*p\s*=/i.test(asciiOf(x)))) return;
    const v = record.byName.get('v')!;
    const at = v.range.end;
    const m = /^\s*;\s*/.exec(record.value.slice(at));
    const edit = m ? { range: { start: at + m[0].length, end: at + m[0].length }, newText: 'p=none; ' } : { range: { start: at, end: at }, newText: '; p=none' };
    const rua = record.byName.get('rua');
    const reports = rua !== undefined && parseReportUris(rua).some((u) => u.scheme === 'mailto' && u.address !== undefined && ADDR_RE.test(u.address));
    // Without an address for reports the record does nothing anywhere: OpenDMARC and Mail::DMARC
    // discard it, and an RFC 9989 receiver's p=none has no one to report to.
    if (!reports)
      ctx.report(v.range, 'The record has no `p` tag and no `rua` address, so it does nothing: RFC 7489 receivers (OpenDMARC, Mail::DMARC) discard it, and RFC 9989 receivers apply `none` with no one to report to (RFC 9989 §4.7, RFC 7489 §6.6.3); state the policy.', {
        severity: 'error',
        fixes: [{ title: 'Add `p=none`', edits: [edit] }],
      });
    else
      ctx.report(v.range, 'The record has no `p` tag: RFC 9989 receivers and Mail::DMARC assume `none` because `rua` is valid, but OpenDMARC and other RFC 7489 receivers discard the record (RFC 9989 §4.7, RFC 7489 §6.6.3); state the policy.', {
        fixes: [{ title: 'Add `p=none`', edits: [edit] }],
      });
  },
});

export const policyNotSecond = rule({
  id: 'dmarc/policy-not-second',
  wholeRecord: true,
  severity: 'hint',
  summary: '`p` is not the second tag',
  fixable: true,
  docs: {
    what: 'Finds records where `p` is present but not directly after `v=DMARC1`.',
    why: 'RFC 7489 §6.4 required `p` to follow `v`; RFC 9989 allows any order, but some older receivers and checkers still expect `v=DMARC1; p=…`.',
    bad: '_dmarc IN TXT "v=DMARC1; rua=mailto:dmarc@example.com; p=none"',
    good: '_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@example.com"',
    fix: 'Move `p=` right after `v=DMARC1;`.',
  },
  check(record, ctx) {
    const p = record.byName.get('p');
    const v = record.byName.get('v');
    if (!p || !v || record.tags[0] !== v || record.tags[1] === p) return;
    const text = record.value.slice(p.range.start, p.range.end);
    const after = record.value.slice(v.range.end);
    const sep = /^\s*;\s*/.exec(after);
    const insertAt = v.range.end + (sep ? sep[0].length : 0);
    const edits = [...removeTag(record, p).edits, { range: { start: insertAt, end: insertAt }, newText: sep ? `${text}; ` : `; ${text}` }];
    ctx.report(p.range, '`p` should come right after `v=DMARC1`; RFC 7489 receivers expect it there (RFC 7489 §6.4).', { fixes: [{ title: `Move \`${text}\` after \`v=DMARC1\``, edits }] });
  },
});

const ADDR_RE = /^[A-Za-z0-9.!#$&'*+/=?^_`{|}~-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

export const invalidUri = rule({
  id: 'dmarc/invalid-uri',
  severity: 'error',
  summary: 'A `rua`/`ruf` entry is not a valid `mailto:` URI',
  fixable: true,
  docs: {
    what: 'Finds report URIs that are not `mailto:` URIs, lack the scheme, or hold a malformed e-mail address.',
    why: 'RFC 9989 §4.7 and RFC 9990 §3: reports are delivered by e-mail to `mailto:` URIs; a bare address or an `https:` URI gets no reports.',
    bad: '_dmarc IN TXT "v=DMARC1; p=none; rua=dmarc@example.com"',
    good: '_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@example.com"',
    fix: 'Write each destination as `mailto:address@domain`.',
  },
  check(record, ctx) {
    for (const name of ['rua', 'ruf']) {
      const tag = record.byName.get(name);
      if (!tag) continue;
      if (tag.value.trim() === '') {
        ctx.report(tag.range, `\`${name}\` is empty; give at least one \`mailto:\` URI (RFC 9989 §4.7).`);
        continue;
      }
      for (const u of parseReportUris(tag)) {
        if (u.scheme === '' && ADDR_RE.test(u.text)) {
          ctx.report(u.range, `\`${u.text}\` lacks the \`mailto:\` scheme, so no reports are sent (RFC 9989 §4.7).`, {
            fixes: [{ title: `Write \`mailto:${u.text}\``, edits: [{ range: { start: u.range.start, end: u.range.start }, newText: 'mailto:' }] }],
          });
        } else if (/^<mailto:[^<>]*>$/i.test(u.text) && ADDR_RE.test(u.text.slice(8, -1).replace(/!.*$/, ''))) {
          // `<mailto:…>`: the brackets RFC 3986 Appendix C puts around a URI in prose, copied into the record.
          const r = u.range;
          ctx.report(r, `\`${u.text}\`: angle brackets are not part of the URI (RFC 3986 Appendix C puts them around a URI in prose), so receivers read no \`mailto:\` URI and send no reports.`, {
            fixes: [{ title: `Write \`${u.text.slice(1, -1)}\``, edits: [{ range: { start: r.start, end: r.start + 1 }, newText: '' }, { range: { start: r.end - 1, end: r.end }, newText: '' }] }],
          });
        } else if (u.scheme !== 'mailto') {
          ctx.report(u.range, `\`${u.text}\` is not a \`mailto:\` URI; aggregate and failure reports are only sent by e-mail (RFC 9990 §3).`);
        } else if (!u.address || !ADDR_RE.test(u.address)) {
          // Two URIs with a space between, not a comma; an address in angle brackets, as mail headers write it.
          const joined = /\s+(?=[a-z][a-z0-9+.-]*:)/i.exec(u.text);
          const bracketed = /^<([^<>]*)>$/.exec(u.address ?? '');
          const spaced = /^(\s*)(\S+?)(\s*)$/.exec(u.address ?? '');
          if (!joined && spaced && (spaced[1] || spaced[3]) && ADDR_RE.test(spaced[2]) && u.addressRange) {
            // `mailto: dmarc@example.com`: white space inside the URI, as a form or a copy from a web page leaves it.
            const r = u.addressRange;
            const edits = [
              ...(spaced[1] ? [{ range: { start: r.start, end: r.start + spaced[1].length }, newText: '' }] : []),
              ...(spaced[3] ? [{ range: { start: r.end - spaced[3].length, end: r.end }, newText: '' }] : []),
            ];
            ctx.report(r, `\`${u.text.trim()}\` has white space in it: a URI has none (RFC 3986 §2), so receivers read no valid address in \`mailto:${u.address}\` and send no reports.`, {
              fixes: [{ title: `Write \`mailto:${spaced[2]}\``, edits }],
            });
          } else if (joined) {
            const at = u.range.start + joined.index;
            ctx.report({ start: at, end: at + joined[0].length }, `Two report URIs run together in \`${u.text}\`: the URIs of \`${name}\` are separated by \`,\` (RFC 9989 §4.7), so receivers read one address that is not valid, and send no reports to either.`, {
              fixes: [{ title: 'Separate the URIs with `,`', edits: [{ range: { start: at, end: at + joined[0].length }, newText: ',' }] }],
            });
          } else if (bracketed && u.addressRange && ADDR_RE.test(bracketed[1])) {
            const r = u.addressRange;
            ctx.report(r, `\`${u.address}\`: angle brackets are not part of a \`mailto:\` URI (RFC 6068 §2), so receivers read no valid address and send no reports.`, {
              fixes: [{ title: `Write \`mailto:${bracketed[1]}\``, edits: [{ range: { start: r.start, end: r.start + 1 }, newText: '' }, { range: { start: r.end - 1, end: r.end }, newText: '' }] }],
            });
          } else ctx.report(u.addressRange ?? u.range, `\`${u.address ?? ''}\` is not a valid e-mail address (RFC 5321 §4.1.2).`);
        } else if (u.size !== undefined && !/^\d+[kmgt]?$/i.test(u.size)) {
          ctx.report(u.sizeRange ?? u.range, `\`!${u.size}\` is not a size limit (digits with an optional k, m, g or t).`);
        }
      }
    }
  },
});

export const uriSizeObsolete = rule({
  id: 'dmarc/uri-size-obsolete',
  severity: 'information',
  summary: 'The `!size` suffix on a report URI is obsolete',
  fixable: true,
  docs: {
    what: 'Finds report URIs with a `!size` limit such as `mailto:dmarc@example.com!10m`.',
    why: 'RFC 9989 dropped the size limit of RFC 7489 §6.2; new receivers ignore it, and some older ones mis-parse the address with it.',
    bad: '_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@example.com!10m"',
    good: '_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@example.com"',
    fix: 'Remove the `!size` suffix.',
  },
  check(record, ctx) {
    for (const name of ['rua', 'ruf']) {
      const tag = record.byName.get(name);
      if (!tag) continue;
      for (const u of parseReportUris(tag))
        if (u.scheme === 'mailto' && u.sizeRange)
          ctx.report(u.sizeRange, `The \`!${u.size}\` size limit is obsolete in RFC 9989 and ignored by its receivers.`, {
            fixes: [{ title: `Remove \`!${u.size}\``, edits: [{ range: u.sizeRange, newText: '' }] }],
          });
    }
  },
});

export const tooManyRua = rule({
  id: 'dmarc/too-many-rua',
  severity: 'warning',
  summary: 'More than two aggregate report destinations',
  fixable: false,
  docs: {
    what: 'Finds `rua` tags with more than two URIs.',
    why: 'RFC 7489 §6.2 lets receivers send reports to only the first two URIs, and many do; destinations after the second may get nothing.',
    bad: '_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:a@example.com,mailto:b@example.com,mailto:c@example.com"',
    good: '_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:a@example.com,mailto:b@example.com"',
    fix: 'Keep at most two destinations, and forward reports from one mailbox to the others.',
  },
  check(record, ctx) {
    const tag = record.byName.get('rua');
    if (!tag) return;
    const uris = parseReportUris(tag);
    if (uris.length > 2)
      ctx.report({ start: uris[2].range.start, end: uris[uris.length - 1].range.end }, `\`rua\` lists ${uris.length} destinations; receivers may report to the first two only (RFC 7489 §6.2).`);
  },
});

export const duplicateUri = rule({
  id: 'dmarc/duplicate-uri',
  severity: 'warning',
  summary: 'The same report destination listed twice',
  fixable: true,
  docs: {
    what: 'Finds a `rua` or `ruf` URI that repeats one before it in the same tag (the domain of an address compared without regard to case, a `!size` suffix aside).',
    why: 'RFC 7489 §6.2: receivers need only send to the first two URIs of a list, so a repeated one can take the place of a destination written after it; a receiver that does send to every URI sends each report to that mailbox twice.',
    bad: '_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@example.com,mailto:dmarc@Example.COM,mailto:reports@vendor.example"',
    good: '_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@example.com,mailto:reports@vendor.example"',
    fix: 'Remove the repeated URI (the quick fix removes it with the comma before it).',
  },
  check(record, ctx) {
    for (const name of ['rua', 'ruf']) {
      const tag = record.byName.get(name);
      if (!tag) continue;
      const uris = parseReportUris(tag);
      if (uris.length < 2) continue;
      const seen = new Map<string, number>();
      for (let i = 0; i < uris.length; i++) {
        const u = uris[i];
        const at = u.address?.lastIndexOf('@') ?? -1;
        const key = u.address !== undefined ? `${u.scheme}:${at >= 0 ? u.address.slice(0, at) + u.address.slice(at).toLowerCase() : u.address}` : u.text.toLowerCase();
        const first = seen.get(key);
        if (first === undefined) {
          seen.set(key, i);
          continue;
        }
        const second = first === 0 ? 'first' : first === 1 ? 'second' : `number ${first + 1}`;
        ctx.report(u.range, `\`${u.text}\` repeats the ${second} \`${name}\` destination (\`${uris[first].text}\`); receivers may send it each report twice, and it can take the place of a destination after it (RFC 7489 §6.2: receivers need only use the first two).`, {
          fixes: [{ title: `Remove the repeated \`${u.text}\``, edits: [{ range: { start: uris[i - 1].range.end, end: u.range.end }, newText: '' }] }],
        });
      }
    }
  },
});

export const noRua = rule({
  id: 'dmarc/no-rua',
  wholeRecord: true,
  severity: 'warning',
  summary: 'No `rua`: no aggregate reports will arrive',
  fixable: true,
  docs: {
    what: 'Finds DMARC records without a `rua` tag.',
    why: 'RFC 9989 §4.7 / RFC 9990: without `rua` receivers send no aggregate reports, so you cannot see who sends as the domain or whether it is safe to tighten the policy.',
    bad: '_dmarc IN TXT "v=DMARC1; p=none"',
    good: '_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@example.com"',
    fix: 'Add `rua=mailto:` with a mailbox you read or a report-processing service (the quick fix proposes `dmarc-reports@` the domain; change it to the mailbox you use).',
  },
  check(record, ctx) {
    if (record.byName.has('rua') || !record.byName.has('v')) return;
    // A `rua=` run into another tag is written, only without its `;`: dmarc/missing-separator says so.
    if (
      record.tags.some((t) => {
        const own = ownValue(t, ctx.site);
        return own !== t.value && /(?:^|[\s,;])rua\s*=/i.test(t.value.slice(own.length));
      })
    )
      return;
    const owner = ctx.site.owner;
    const domain = owner?.startsWith('_dmarc.') ? owner.slice(7) : undefined;
    ctx.report(record.byName.get('v')!.range, 'The record has no `rua`, so no aggregate reports arrive and you cannot see who sends as this domain (RFC 9990 §2).', {
      fixes: domain ? [appendTag(record, `rua=mailto:dmarc-reports@${domain}`, `Add \`rua=mailto:dmarc-reports@${domain}\``)] : [],
    });
  },
});

export const policyNone = rule({
  id: 'dmarc/policy-none',
  severity: 'information',
  summary: '`p=none` monitors only',
  fixable: false,
  docs: {
    what: 'Finds `p=none`.',
    why: 'RFC 9989 §4.7: `none` asks receivers to take no action on failing mail; it is the monitoring stage, useful with reports, not protection against spoofing.',
    bad: '_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@example.com"',
    good: '_dmarc IN TXT "v=DMARC1; p=quarantine; rua=mailto:dmarc@example.com"',
    fix: 'Once the reports show every legitimate sender passing, move to `p=quarantine` (first with `t=y`), then `p=reject`.',
  },
  check(record, ctx) {
    const p = record.byName.get('p');
    if (p && p.value.trim().toLowerCase() === 'none') ctx.report(p.range, '`p=none` only monitors: failing mail is delivered as usual (RFC 9989 §4.7); plan the move to quarantine once reports are clean.');
  },
});

export const testingMode = rule({
  id: 'dmarc/testing-mode',
  severity: 'information',
  summary: '`t=y`: the policy is not applied in full while it is tested',
  fixable: false,
  docs: {
    what: 'Finds `t=y`, the test mode of RFC 9989, and says what receivers do with it under the policy the record publishes.',
    why: 'RFC 9989 §4.7: with `t=y` the Domain Owner is testing its policy and asks receivers not to apply it in full, only the special handling they have (such as rewriting the From of list mail). It replaces `pct=0`, under which RFC 7489 receivers applied the next lesser policy (RFC 7489 §6.6.4): `quarantine` for `p=reject`, no action for `p=quarantine`. It is the intermediate step of a rollout, not a place to stay: while it is on, the published policy does not protect the domain as it reads.',
    bad: '_dmarc IN TXT "v=DMARC1; p=reject; t=y; rua=mailto:dmarc@example.com"',
    good: '_dmarc IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@example.com"',
    fix: 'Once the aggregate reports show every legitimate sender passing, drop `t=y` (the policy step quick fix does it when the reports allow).',
  },
  check(record, ctx) {
    const t = record.byName.get('t');
    if (!t || t.value.trim().toLowerCase() !== 'y') return;
    const p = record.byName.get('p')?.value.trim().toLowerCase() ?? 'none';
    const lesser: Record<string, string> = { reject: '`quarantine`', quarantine: 'no action' };
    if (lesser[p]) ctx.report(t.range, `\`t=y\` is test mode: it asks receivers not to apply \`p=${p}\` in full to mail that fails DMARC (RFC 9989 §4.7); as with \`pct=0\` before it, expect at most the next lesser policy, ${lesser[p]}. Drop it once the reports show every legitimate sender passing.`);
    else if (p === 'none') ctx.report(t.range, '`t=y` is test mode, and changes nothing under `p=none`: there is no policy to lessen (RFC 9989 §4.7).');
  },
});

export const foWithoutRuf = rule({
  id: 'dmarc/fo-without-ruf',
  wholeRecord: true,
  severity: 'hint',
  summary: '`fo` without `ruf` has no effect',
  fixable: true,
  docs: {
    what: 'Finds `fo` in a record that asks for no failure reports (no `ruf`).',
    why: 'RFC 9989 §4.7 and RFC 9991: `fo` only chooses which failures produce a failure report, and failure reports go to the `ruf` addresses; without `ruf` none is sent, so `fo` does nothing. It is often copied from a template, and suggests reports that never come.',
    bad: '_dmarc IN TXT "v=DMARC1; p=reject; fo=1; rua=mailto:dmarc@example.com"',
    good: '_dmarc IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@example.com"',
    fix: 'Remove `fo`, or add `ruf=mailto:…` if you want failure reports (few receivers send them, and they may hold personal data).',
  },
  check(record, ctx) {
    const fo = record.byName.get('fo');
    if (!fo || record.byName.has('ruf')) return;
    ctx.report(fo.range, `\`fo=${fo.value.trim()}\` only chooses when failure reports are sent, and this record asks for none (it has no \`ruf\`), so it has no effect (RFC 9989 §4.7).`, { fixes: [removeTag(record, fo)] });
  },
});

export const weakSubdomainPolicy = rule({
  id: 'dmarc/weak-subdomain-policy',
  wholeRecord: true,
  severity: 'warning',
  summary: 'Subdomains are left at `none` while the domain enforces',
  fixable: true,
  docs: {
    what: 'Finds records with an enforcing `p` whose effective subdomain policy (`sp`, default `p`) or non-existent-subdomain policy (`np`, default `sp`, then `p`) is `none`.',
    why: 'RFC 9989 §4.7: spoofers move to subdomains, and above all to names that do not exist (`np`, RFC 9091). `sp=none` leaves every subdomain open while the apex looks protected.',
    bad: '_dmarc IN TXT "v=DMARC1; p=reject; sp=none; rua=mailto:dmarc@example.com"',
    good: '_dmarc IN TXT "v=DMARC1; p=reject; sp=reject; np=reject; rua=mailto:dmarc@example.com"',
    fix: 'Set `sp` to follow `p` unless subdomains send differently, and publish `np=reject` (non-existent names never send mail).',
  },
  check(record, ctx) {
    const p = record.byName.get('p');
    // Values compared as the grammar reads them, case aside (dmarc/invalid-value hints at the case).
    const low = (t: Tag | undefined) => t?.value.trim().toLowerCase();
    if (!p || (low(p) !== 'quarantine' && low(p) !== 'reject')) return;
    const sp = record.byName.get('sp');
    const np = record.byName.get('np');
    const spEff = low(sp) ?? low(p);
    const npEff = low(np) ?? spEff;
    if (sp && low(sp) === 'none')
      ctx.report(sp.range, `\`sp=none\` leaves every subdomain unprotected while \`p=${low(p)}\` (RFC 9989 §4.7).`, {
        fixes: [setValue(sp, low(p)!, `Set \`sp=${low(p)}\``)],
      });
    if (npEff === 'none')
      ctx.report(np?.range ?? sp!.range, `Non-existent subdomains fall under \`${np ? 'np' : 'sp'}=none\`; publish \`np=reject\`, since names that do not exist never send mail (RFC 9989 §4.7, RFC 9091).`, {
        fixes: [np ? setValue(np, 'reject', 'Set `np=reject`') : appendTag(record, 'np=reject', 'Add `np=reject`')],
      });
  },
});

export const psdOnOrganization = rule({
  id: 'dmarc/psd-on-organization',
  severity: 'warning',
  summary: '`psd=y` on a domain that is not a public suffix',
  fixable: true,
  docs: {
    what: 'Finds `psd=y` in the record of a name the public suffix list (its ICANN and private sections) does not list as a suffix, such as a company\'s own `example.com`.',
    why: 'RFC 9989 §4.10.2: `psd=y` declares a Public Suffix Domain, a registry whose subdomains belong to other organizations. Every name one label below it becomes an Organizational Domain of its own, so mail From `news.example.com` signed with `d=example.com` or sent with a Return-Path on `bounce.example.com` no longer aligns under relaxed alignment, and fails DMARC wherever it relied on that. RFC 9989 §5.2 has Public Suffix Operators publish it; a domain owner\'s record has no use for it.',
    bad: '_dmarc IN TXT "v=DMARC1; p=reject; psd=y; rua=mailto:dmarc@example.com"',
    good: '_dmarc IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@example.com"',
    fix: 'Remove `psd=y` (or write `psd=n`, which marks the name as an Organizational Domain), unless the name really hands out its subdomains to other organizations.',
  },
  check(record, ctx) {
    const psd = record.byName.get('psd');
    const owner = ctx.site.owner;
    if (!psd || psd.value.trim().toLowerCase() !== 'y' || !owner?.startsWith('_dmarc.') || ctx.site.relative) return;
    const domain = owner.slice('_dmarc.'.length);
    if (getPublicSuffix(domain, { allowPrivateDomains: true, extractHostname: false, validateHostname: false }) === domain) return;
    ctx.report(
      psd.range,
      `\`psd=y\` declares ${domain} a Public Suffix Domain, which the public suffix list does not: under RFC 9989 §4.10.2 every name one label below it becomes an Organizational Domain of its own, so its subdomains no longer align with each other or with ${domain} (a DKIM \`d=${domain}\` or a Return-Path on another subdomain fails relaxed alignment for mail From one of them). Remove it unless ${domain} hands out its subdomains to other organizations.`,
      { fixes: [removeTag(record, psd)] },
    );
  },
});

export const dmarcRules: DmarcRule[] = [
  invalidVersion,
  leadingWhitespace,
  syntaxError,
  missingSeparator,
  commaSeparator,
  whitespaceAroundEquals,
  invalidValue,
  duplicateTag,
  unknownTag,
  pctRemoved,
  rfRemoved,
  riRemoved,
  missingPolicy,
  policyNotSecond,
  invalidUri,
  uriSizeObsolete,
  tooManyRua,
  duplicateUri,
  noRua,
  policyNone,
  testingMode,
  foWithoutRuf,
  weakSubdomainPolicy,
  psdOnOrganization,
];

export type { RecordContext };
