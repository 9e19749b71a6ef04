/**
 * Characters that look like the ASCII a record needs but are not: the no-break spaces, dashes, curly
 * quotes and zero-width characters that come with a record copied from a web page, a word processor
 * or a chat tool. Receivers read them as they are, so `–all` (en dash) is no `-all` and a no-break
 * space does not separate DMARC tags. Said in SPF, DMARC and DKIM records, and in TXT values that
 * would be one with the characters replaced, with a fix that writes the ASCII.
 */
import { looksLikeDkim } from '../records/dkim';
import { looksLikeDmarc } from '../records/dmarc';
import { isSpfRecord, looksLikeSpf } from '../records/spf';
import type { ModelRule } from './rule';

/** Each character: its Unicode name, and what it stands in for ('' for a quote or an invisible one). */
const NAMED: Record<number, [string, string]> = {
  0x00a0: ['no-break space', ' '],
  0x00ad: ['soft hyphen', ''],
  0x00ab: ['left-pointing double angle quotation mark', ''],
  0x00bb: ['right-pointing double angle quotation mark', ''],
  0x1680: ['ogham space mark', ' '],
  0x200b: ['zero width space', ''],
  0x200c: ['zero width non-joiner', ''],
  0x200d: ['zero width joiner', ''],
  0x200e: ['left-to-right mark', ''],
  0x200f: ['right-to-left mark', ''],
  0x202a: ['left-to-right embedding', ''],
  0x202b: ['right-to-left embedding', ''],
  0x202c: ['pop directional formatting', ''],
  0x202d: ['left-to-right override', ''],
  0x202e: ['right-to-left override', ''],
  0x2066: ['left-to-right isolate', ''],
  0x2067: ['right-to-left isolate', ''],
  0x2068: ['first strong isolate', ''],
  0x2069: ['pop directional isolate', ''],
  0x2010: ['hyphen', '-'],
  0x2011: ['non-breaking hyphen', '-'],
  0x2012: ['figure dash', '-'],
  0x2013: ['en dash', '-'],
  0x2014: ['em dash', '-'],
  0x2015: ['horizontal bar', '-'],
  0x2018: ['left single quotation mark', "'"],
  0x2019: ['right single quotation mark', "'"],
  0x201a: ['single low-9 quotation mark', "'"],
  0x201b: ['single high-reversed-9 quotation mark', "'"],
  0x201c: ['left double quotation mark', ''],
  0x201d: ['right double quotation mark', ''],
  0x201e: ['double low-9 quotation mark', ''],
  0x201f: ['double high-reversed-9 quotation mark', ''],
  0x2032: ['prime', "'"],
  0x2033: ['double prime', ''],
  0x202f: ['narrow no-break space', ' '],
  0x205f: ['medium mathematical space', ' '],
  0x2060: ['word joiner', ''],
  0x2212: ['minus sign', '-'],
  0x3000: ['ideographic space', ' '],
  0xfe58: ['small em dash', '-'],
  0xfe63: ['small hyphen-minus', '-'],
  0xfeff: ['zero width no-break space', ''],
};

const LOOKALIKE = /[\u00a0\u00ab\u00ad\u00bb\u1680\u2000-\u200f\u2010-\u2015\u2018-\u201f\u202a-\u202f\u2032\u2033\u205f\u2060\u2066-\u2069\u2212\u3000\ufe58\ufe63\ufeff\uff01-\uff5e]/;
/** The bidirectional formatting characters: invisible, and they change the order in which the text around them is shown. */
const BIDI = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const LOOKALIKES = new RegExp(`${LOOKALIKE.source}+`, 'g');

/** The name of a look-alike character and the ASCII it stands in for. */
export function lookalike(c: string): { name: string; ascii: string } {
  const code = c.charCodeAt(0);
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  const named = NAMED[code];
  if (named) return { name: `${hex} ${named[0]}`, ascii: named[1] };
  // U+FF01-FF5E: fullwidth forms of ASCII 0x21-0x7E (East Asian input methods).
  if (code >= 0xff01 && code <= 0xff5e) return { name: `${hex} fullwidth ${String.fromCharCode(code - 0xfee0)}`, ascii: String.fromCharCode(code - 0xfee0) };
  // U+2000-200A: the typographic spaces (en quad … hair space).
  return { name: `${hex} space`, ascii: ' ' };
}

/** ASCII text as a message shows it: spaces by name, the rest in backticks. */
const shown = (ascii: string) => (/^ +$/.test(ascii) ? (ascii.length === 1 ? 'a plain space' : `${ascii.length} plain spaces`) : `\`${ascii}\``);

/** The text with each look-alike character written as the ASCII it stands in for (what its author meant). */
export const asciiOf = (s: string): string => (LOOKALIKE.test(s) ? s.replace(LOOKALIKES, (run) => [...run].map((c) => lookalike(c).ascii).join('')) : s);

function policyKind(value: string): 'SPF' | 'DMARC' | 'DKIM' | undefined {
  if (isSpfRecord(value) || looksLikeSpf(value)) return 'SPF';
  if (/^\s*v\s*=\s*DMARC1/i.test(value) || looksLikeDmarc(value)) return 'DMARC';
  if (/^\s*v\s*=\s*DKIM1/i.test(value) || looksLikeDkim(value)) return 'DKIM';
  return undefined;
}

export const lookalikeCharacter: ModelRule = {
  id: 'source/lookalike-character',
  kind: 'zone',
  scope: 'model',
  severity: 'error',
  summary: 'A record holds a character that looks like ASCII but is not (no-break space, en dash, curly quote, zero-width space)',
  fixable: true,
  docs: {
    what: 'Finds no-break and other Unicode spaces, zero-width characters, bidirectional formatting characters (U+202E right-to-left override and the like, which also reorder what an editor shows), dashes and minus signs, curly quotes and fullwidth forms in SPF, DMARC and DKIM records, and in TXT values that would be one with those characters replaced. The message names each character by its code point.',
    why: 'SPF, DMARC and DKIM records are ASCII (RFC 7208 §4.6.1, RFC 9989 §4.7, RFC 6376 §3.6.1), and receivers compare characters, not looks: `–all` with an en dash is an unknown term and a permerror, a no-break space after `;` makes ` p` an unknown tag so the policy is lost, a zero-width space hides inside a domain name. Such characters come with records copied from web pages, word processors and chat tools, and editors show them like the ASCII they imitate.',
    bad: '@ IN TXT "v=spf1 include:_spf.example.net \u2013all"\n_dmarc IN TXT "v=DMARC1;\u00a0p=reject; rua=mailto:dmarc@example.com"',
    good: '@ IN TXT "v=spf1 include:_spf.example.net -all"\n_dmarc IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@example.com"',
    fix: 'Write the ASCII character instead (the quick fix does: a space, `-`, `\'`, or nothing for a curly double quote or an invisible character). Copy records from a plain-text source, or paste them without formatting.',
  },
  check(model, ctx) {
    for (const a of model.sites) {
      const value = a.site.value;
      // Quoted with typographic quotes in a zone file: zone/typographic-quotes fixes that first.
      if (a.site.typographicQuotes || !LOOKALIKE.test(value)) continue;
      const kind = a.kind === 'spf' ? 'SPF' : a.kind === 'dmarc' ? 'DMARC' : a.kind === 'dkim' ? 'DKIM' : policyKind(asciiOf(value));
      if (!kind) continue;
      for (const m of value.matchAll(LOOKALIKES)) {
        const run = m[0];
        const what = [...new Set(run)].map((c) => lookalike(c).name).join(', ');
        const ascii = [...run].map((c) => lookalike(c).ascii).join('');
        const invisible = /^[\u00ad\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]+$/.test(run);
        const range = { start: m.index!, end: m.index! + run.length };
        ctx.report(
          a.site,
          range,
          `${what} in this ${kind} record: ${invisible ? (BIDI.test(run) ? 'invisible, and it changes the order in which the text around it is shown' : 'invisible') : `it looks like ${ascii === '' ? 'a quote' : shown(ascii)}`}, but receivers read the character as it is, so the record does not say what it shows. Copied from a web page or a word processor? ${ascii === '' ? `Remove ${run.length > 1 ? 'them' : 'it'}` : `Write ${shown(ascii)}`}.`,
          { fixes: [{ title: ascii === '' ? `Remove ${what}` : `Write ${shown(ascii)} for ${what}`, edits: [{ range, newText: ascii }] }] },
        );
      }
    }
  },
};
