/**
 * BIMI assertion record rules (draft-brand-indicators-for-message-identification-10, cited as
 * "BIMI §…"): the version, the tag list, the logo and evidence URIs, lps and avp. Where the record is
 * and the DMARC policy it depends on are rules across records (bimiModel.ts).
 */
import { tagNamed } from '../records/taglist';
import type { BimiRule } from './rule';
import { moveToFront } from './tagfix';

function rule(r: Omit<BimiRule, 'kind' | 'scope'>): BimiRule {
  return { ...r, kind: 'bimi', scope: 'bimi' };
}

export const LOGO = 'https://example.com/brand/logo.svg';
export const VMC = 'https://example.com/brand/vmc.pem';

export const bimiInvalidVersion = rule({
  id: 'bimi/invalid-version',
  severity: 'error',
  summary: 'A BIMI record without `v=BIMI1` as its first tag',
  fixable: true,
  docs: {
    what: 'Finds BIMI records (at `<selector>._bimi.<domain>`, or starting `v=BIMI1` in any case) whose first tag is not exactly `v=BIMI1`: missing, later in the record, or in another case (`v=bimi1`).',
    why: 'BIMI §4.3: `v` is required, MUST be the first tag and MUST be `BIMI1` exactly, and receivers MUST NOT fix capitalization; §7.2: records that do not start with it are discarded, so no logo is shown.',
    bad: `default._bimi IN TXT "v=bimi1; l=${LOGO}; a=${VMC}"`,
    good: `default._bimi IN TXT "v=BIMI1; l=${LOGO}; a=${VMC}"`,
    fix: 'Start the record with `v=BIMI1;`.',
  },
  check(record, ctx) {
    const v = record.byName.get('v');
    if (!v) {
      ctx.report({ start: 0, end: record.value.length }, 'The record does not start with `v=BIMI1`, so receivers discard it and show no logo (BIMI §4.3, §7.2). Start it with `v=BIMI1;`.', { fixes: [{ title: 'Insert `v=BIMI1; `', edits: [{ range: { start: 0, end: 0 }, newText: 'v=BIMI1; ' }] }] });
      return;
    }
    if (v.nameRaw !== 'v' || v.value !== 'BIMI1') {
      ctx.report(v.range, `\`${record.value.slice(v.range.start, v.range.end)}\` must be written \`v=BIMI1\` exactly: receivers do not correct case and discard the record (BIMI §4.3).`, { fixes: [{ title: 'Write `v=BIMI1`', edits: [{ range: v.range, newText: 'v=BIMI1' }] }] });
    }
    if (record.tags[0] !== v) ctx.report(v.range, '`v=BIMI1` must be the first tag; receivers discard a record that does not start with it (BIMI §4.3, §7.2).', { fixes: [moveToFront(record.value, v)] });
  },
});

const KNOWN = new Set(['v', 'l', 'a', 'lps', 'avp']);

export const bimiSyntaxError = rule({
  id: 'bimi/syntax-error',
  severity: 'error',
  summary: 'The BIMI record is not a valid tag list, repeats a tag or lacks `l=`',
  fixable: true,
  docs: {
    what: 'Finds parts of a BIMI record that are not `tag=value`, tags written twice, tag names in upper case (`L=`), and a record without the required `l=` tag.',
    why: 'BIMI §4.3: the record uses DKIM\'s tag list syntax (RFC 6376 §3.2, where a repeated tag makes the list invalid and names are case-sensitive), `l=` is required, and "if a required tag is missing, or its value not well-formed, it is an error"; receivers show no logo.',
    bad: `default._bimi IN TXT "v=BIMI1; L=${LOGO}; a=${VMC}"`,
    good: `default._bimi IN TXT "v=BIMI1; l=${LOGO}; a=${VMC}"`,
    fix: 'Write each tag once, in lower case, as `tag=value` separated by `;`, with `l=` (empty only to decline BIMI).',
  },
  check(record, ctx) {
    for (const p of record.problems) ctx.report(p.range, `${p.message} BIMI records are \`tag=value\` pairs separated by \`;\` (BIMI §4.3).`);
    const seen = new Set<string>();
    for (const t of record.tags) {
      if (seen.has(t.name)) ctx.report(t.range, `Tag \`${t.name}\` appears twice; the record is not a valid tag list and receivers discard it (BIMI §4.3, RFC 6376 §3.2).`);
      seen.add(t.name);
      if (t.nameRaw !== t.name && KNOWN.has(t.name) && t.name !== 'v')
        ctx.report(t.nameRange, `Tag names are case-sensitive: \`${t.nameRaw}=\` is not \`${t.name}=\`, so receivers ignore it${t.name === 'l' ? ' and the record has no logo location' : ''} (BIMI §4.3).`, { fixes: [{ title: `Write \`${t.name}=\``, edits: [{ range: t.nameRange, newText: t.name }] }] });
    }
    if (!tagNamed(record, 'l') && !tagNamed(record, 'L'))
      ctx.report({ start: 0, end: record.value.length }, 'The record has no `l=` tag, which is required: with a logo URI to show it, empty to decline BIMI (BIMI §4.3, §7.3).');
  },
});

const IMAGE_SUFFIX = /\.(png|jpe?g|gif|webp|bmp|ico|tiff?|avif|heic|pdf|eps)$/i;

/** What is wrong with a BIMI URI (the value of `l=` or `a=`), or undefined when it is one HTTPS URI with a domain name. */
function uriProblem(text: string): string | undefined {
  if (text.includes(',')) return 'holds more than one URI (a comma); it takes a single URI, with any comma in it percent-encoded';
  if (/\s/.test(text)) return 'has white space in it';
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return 'is not an absolute URI';
  }
  if (u.protocol !== 'https:') return `uses \`${u.protocol.replace(/:$/, '')}:\`; only HTTPS is allowed`;
  const host = u.hostname;
  if (/^\[|^\d+(\.\d+){3}$/.test(host) || !host.includes('.')) return `names the host \`${host}\`, not a fully qualified domain name`;
  return undefined;
}

export const bimiInvalidUri = rule({
  id: 'bimi/invalid-uri',
  severity: 'error',
  summary: '`l=` or `a=` is not a single HTTPS URI',
  fixable: false,
  docs: {
    what: 'Finds `l=` (logo) and `a=` (evidence) values that are not one absolute `https:` URI with a domain name: `http:`, a bare path, an IP address, several URIs separated by commas (older drafts allowed a list), white space inside.',
    why: 'BIMI §4.3: each tag holds a single URI that MUST use HTTPS and, for `a=`, MUST contain a fully qualified domain name; §7.3: without a valid `l=` location, Indicator Discovery fails and no logo is shown.',
    bad: `default._bimi IN TXT "v=BIMI1; l=http://example.com/brand/logo.svg; a=${VMC}"`,
    good: `default._bimi IN TXT "v=BIMI1; l=${LOGO}; a=${VMC}"`,
    fix: 'Serve the logo and the certificate over HTTPS from a domain name, and give one URI in each tag.',
  },
  check(record, ctx) {
    for (const name of ['l', 'a']) {
      const t = tagNamed(record, name);
      const text = t?.value.trim();
      if (!t || !text) continue;
      const why = uriProblem(text);
      if (why) ctx.report(t.valueRange, `\`${name}=${text}\` ${why} (BIMI §4.3); ${name === 'l' ? 'receivers show no logo' : 'receivers cannot fetch the mark certificate'}.`);
    }
  },
});

export const bimiLogoFormat = rule({
  id: 'bimi/logo-format',
  severity: 'error',
  summary: 'The logo URI names an image format other than SVG',
  fixable: false,
  docs: {
    what: 'Finds an `l=` URI whose path ends in the suffix of another image format (`.png`, `.jpg`, `.gif`, `.webp`…).',
    why: 'BIMI §4.3.2: only SVG and SVGZ (in the SVG Tiny Portable/Secure profile) are accepted; a URI that ends with any other image format suffix makes the evaluation of the record a permanent error.',
    bad: `default._bimi IN TXT "v=BIMI1; l=https://example.com/brand/logo.png; a=${VMC}"`,
    good: `default._bimi IN TXT "v=BIMI1; l=${LOGO}; a=${VMC}"`,
    fix: 'Publish the logo as an SVG Tiny PS file and point `l=` at it.',
  },
  check(record, ctx) {
    const t = tagNamed(record, 'l');
    const text = t?.value.trim();
    if (!t || !text) return;
    let path: string;
    try {
      path = new URL(text).pathname;
    } catch {
      return;
    }
    const m = IMAGE_SUFFIX.exec(path);
    if (m) ctx.report(t.valueRange, `The logo is a \`.${m[1].toLowerCase()}\` file: BIMI accepts only SVG (SVG Tiny PS) or SVGZ, and any other image suffix is a permanent error (BIMI §4.3.2).`);
  },
});

export const bimiNoEvidence = rule({
  id: 'bimi/no-evidence',
  severity: 'information',
  summary: 'A BIMI logo without a mark certificate (`a=`)',
  fixable: false,
  docs: {
    what: 'Finds BIMI records with a logo (`l=` set) and no evidence document: `a=` missing or empty.',
    why: 'BIMI §4.3 makes `a=` optional, but mailbox providers choose whom they trust (§7.6): Gmail and Apple Mail show a logo only when `a=` points at a Verified or Common Mark Certificate (VMC or CMC, §3.5); without one the logo appears only at the providers that take self-asserted records.',
    bad: `default._bimi IN TXT "v=BIMI1; l=${LOGO}"`,
    good: `default._bimi IN TXT "v=BIMI1; l=${LOGO}; a=${VMC}"`,
    fix: 'Obtain a VMC (registered trademark) or CMC (a mark in use for a year) for the logo from a certificate authority that issues them, publish its PEM over HTTPS and point `a=` at it.',
  },
  check(record, ctx) {
    const l = tagNamed(record, 'l');
    if (!l || !l.value.trim()) return;
    const a = tagNamed(record, 'a');
    if (a && a.value.trim()) return;
    ctx.report(a ? a.range : l.range, `No mark certificate${a ? ' (`a=` is empty)' : ' (no `a=`)'}: Gmail and Apple Mail show the logo only with a VMC or CMC at \`a=\`; other providers may show it self-asserted (BIMI §4.3, §3.5).`);
  },
});

const VALUES: Record<string, readonly string[]> = { lps: ['true', 'false'], avp: ['brand', 'personal'] };

export const bimiInvalidValue = rule({
  id: 'bimi/invalid-value',
  severity: 'warning',
  summary: 'An invalid value of `lps` or `avp`',
  fixable: false,
  docs: {
    what: 'Finds `lps=` (local-part selectors) values other than `true` or `false`, and `avp=` (avatar preference) values other than `brand` or `personal`.',
    why: 'BIMI §4.3: other `avp` values are ignored and a mailbox provider MAY treat the record as failing; an `lps` that is not `true` leaves local-part selectors off.',
    bad: `default._bimi IN TXT "v=BIMI1; l=${LOGO}; a=${VMC}; avp=logo"`,
    good: `default._bimi IN TXT "v=BIMI1; l=${LOGO}; a=${VMC}; avp=brand"`,
    fix: 'Write `lps=true` or `lps=false`, `avp=brand` or `avp=personal`, or leave the tag out (the defaults are `false` and `brand`).',
  },
  check(record, ctx) {
    for (const t of record.tags) {
      const allowed = VALUES[t.nameRaw];
      if (!allowed || allowed.includes(t.value.trim())) continue;
      ctx.report(t.valueRange.end > t.valueRange.start ? t.valueRange : t.range, `\`${t.nameRaw}=${t.value.trim()}\` is not ${allowed.map((v) => `\`${v}\``).join(' or ')}; receivers ignore it${t.nameRaw === 'avp' ? ' and may treat the whole record as failing' : ''} (BIMI §4.3).`);
    }
  },
});

export const bimiRules: BimiRule[] = [bimiInvalidVersion, bimiSyntaxError, bimiInvalidUri, bimiLogoFormat, bimiNoEvidence, bimiInvalidValue];

