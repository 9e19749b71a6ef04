/**
 * RFC 1035 §5 master-file reader (with the BIND extensions people use: TTL units, `$INCLUDE` origin,
 * `TYPEnnn`). It yields every resource record, and for TXT and type-99 SPF records a RecordSite whose
 * value is the character-strings joined as DNS serves them, with a source map back to the document.
 *
 * The reader never throws: problems it finds in the file (quotes, parentheses, directives, TTLs,
 * record types, rdata) become SourceProblems with the exact document range.
 */
import * as path from 'node:path';
import { setPartialZone } from '../records/dynamic';
import { SourceMap } from '../sourcemap';
import type { CharString, Fix, OffsetRange, RecordSite, ResourceRecord, ValueSyntax } from '../types';
import { MAX_GENERATED, MAX_GENERATED_TOTAL, parseGenerateRange, substitute } from './generate';
import { svcbProblem } from './svcb';
import { base32HexBytes, checkRdata, genericProblem, KNOWN_TYPE_NAMES as KNOWN_TYPES, TYPE_BY_NUMBER } from './rdata';
import { badEscapeMessage, escapeProblem, nameProblem, parseTtl, type RdataProblem } from './textforms';
import { dataNames, needsOrigin, setHostSpan, setNoDefaultTtl, setOrigin, setTarget } from '../records/cname';
import { checkedFields, hostNameMessage, hostNameProblem, NAME_CHECKS, type NameChecks, shownName } from './hostnames';

export { isDottedQuad, isPlainIPv6, nameProblem, parseTtl } from './textforms';

export interface SourceProblem {
  code: string;
  /** When it differs from the rule's default. */
  severity?: 'error' | 'warning' | 'information' | 'hint';
  message: string;
  uri: string;
  range: OffsetRange;
  fixes?: Fix[];
}

/**
 * Leaves unread what a syntax error of the file runs through (`spans`, offsets in `uri`): its records,
 * record sites and the notes on them, which are not what the file means and not what any tool deploys.
 * The `source/syntax-error` problems that say so stay.
 */
export function leaveUnread(out: ZoneFile, uri: string, spans: readonly OffsetRange[]): void {
  if (spans.length === 0) return;
  const inSpan = (r: OffsetRange) => spans.some((x) => r.start < x.end && x.start < r.end);
  out.sites = out.sites.filter((x) => x.uri !== uri || !inSpan(x.range));
  out.records = out.records.filter((r) => r.uri !== uri || !inSpan(r.range));
  out.problems = out.problems.filter((p) => p.code === 'source/syntax-error' || p.uri !== uri || !inSpan(p.range));
}

/** Writes text as the inside of a zone-file quoted string (RFC 1035 §5.1 escapes). */
export function encodeZoneString(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (c < 0x20 || c === 0x7f) out += `\\${String(c).padStart(3, '0')}`;
    else out += ch;
  }
  return out;
}

/** Bytes of a code point in UTF-8 (a lone surrogate, as node writes it: 3). */
function utf8Width(cp: number): number {
  return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

/**
 * Splits the text of a character-string as written (inside its quotes, escapes and all) into pieces
 * of at most `limit` bytes on the wire, preferring to cut after a space so each stays readable. The
 * pieces are cut between escapes and code points, never inside one, so quoting each gives strings
 * DNS joins back into the same bytes (RFC 7208 §3.3): nothing is decoded and written again, so a
 * `\200` stays one byte and `\"` stays as the user wrote it. Linear in the length of the text.
 */
export function splitStringText(raw: string, limit = 255): string[] {
  const parts: string[] = [];
  let start = 0;
  let bytes = 0;
  let spaceCut = -1;
  let i = 0;
  while (i < raw.length) {
    let len: number;
    let width: number;
    if (raw.charCodeAt(i) === 92 && i + 1 < raw.length) {
      if (/^\d{3}$/.test(raw.slice(i + 1, i + 4))) {
        len = 4;
        width = 1;
      } else {
        const cp = raw.codePointAt(i + 1)!;
        len = cp > 0xffff ? 3 : 2;
        width = utf8Width(cp);
      }
    } else {
      const cp = raw.codePointAt(i)!;
      len = cp > 0xffff ? 2 : 1;
      width = utf8Width(cp);
    }
    if (bytes + width > limit && i > start) {
      // A space in the second half of the piece: cut after it, and read on from there.
      const cut = spaceCut > start && spaceCut - 1 - start >= (i - start) / 2 ? spaceCut : i;
      parts.push(raw.slice(start, cut));
      i = start = cut;
      bytes = 0;
      spaceCut = -1;
      continue;
    }
    bytes += width;
    if (raw.charCodeAt(i) === 32) spaceCut = i + 1;
    i += len;
  }
  parts.push(raw.slice(start));
  return parts;
}

export interface ZoneFile {
  uri: string;
  /** The format the file was read as (undefined: not a format DMARC Lens reads). */
  format?: 'zone' | 'octodns' | 'cloudformation' | 'ansible' | 'externaldns' | 'terraform' | 'dnscontrol' | 'config' | 'mta-sts-policy' | 'text';
  /** An MTA-STS policy file's mode and MX patterns (sources/mtastspolicy.ts), for the check against the workspace's MX records. */
  mtaStsPolicy?: { mode?: string; mx: { pattern: string; range: OffsetRange }[] };
  /** The zone apex when known (explicit option or a leading `$ORIGIN`), else a guess from the file name. */
  origin: string | undefined;
  originExplicit: boolean;
  records: ResourceRecord[];
  sites: RecordSite[];
  problems: SourceProblem[];
  /** Text of every file read, the zone itself and its `$INCLUDE`s, by uri. */
  texts: Map<string, string>;
  /**
   * Terraform: what the file gives the other files of its module (its locals, variables and zones, as
   * written), so an editor knows when they need reading again.
   */
  moduleKey?: string;
  /** Other files whose text this reading used (a DNSControl global defined in dnsconfig.js): an editor checks it again when they change. */
  reads?: string[];
}

export interface ZoneOptions {
  /** Zone apex (absolute, with or without the trailing dot). */
  origin?: string;
  /** Reads an `$INCLUDE`d file; undefined when it cannot be read. */
  readFile?: (file: string) => string | undefined;
  /**
   * The editor's text of a file it has open, else undefined. Other files a source refers to (its
   * `$INCLUDE`s, the other files of a Terraform module) are then read as the user sees them.
   */
  openText?: (file: string) => string | undefined;
}

/** A token as the reader uses it: a document range with flags, quotes included in the range. */
interface Token {
  start: number;
  end: number;
  quoted: boolean;
  escaped: boolean;
  unterminated: boolean;
}

const QUOTED = 1;
const ESCAPED = 2;
const UNTERMINATED = 4;

const MAX_INCLUDE_DEPTH = 16;
/** Double quotes of word processors and web pages (“ ” „ ‟ « » ″ ＂), which zone files read as text. */
const TYPOGRAPHIC_QUOTES = '\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033\uff02';
const ZONE_SYNTAX: ValueSyntax = { host: 'zone' };

const CLASSES = new Set(['IN', 'CH', 'CS', 'HS', 'ANY', 'NONE']);
/**
 * Splits the text into logical entries (lines joined inside parentheses), never throwing. One lexer
 * object is reused for the whole file: token ranges go into growing typed arrays, so reading a
 * 100 000-record zone allocates almost nothing per token.
 */
class Lexer {
  starts = new Int32Array(64);
  ends = new Int32Array(64);
  flags = new Uint8Array(64);
  count = 0;
  leadingSpace = false;
  /** The entry has a parenthesis (to group lines, or a stray one). */
  parens = false;
  pos = 0;
  private readonly n: number;

  constructor(
    private readonly text: string,
    private readonly uri: string,
    /** Where lexing problems go; the reader switches it between chunks. */
    public problems: SourceProblem[],
  ) {
    this.n = text.length;
  }

  /** Where the last `)` of the text is (-1: none), in a string or comment or not; found when first needed (a scan of the whole text). */
  private lastCloseAt: number | undefined;
  private get lastClose(): number {
    return (this.lastCloseAt ??= this.text.lastIndexOf(')'));
  }

  token(i: number): Token {
    const f = this.flags[i];
    return { start: this.starts[i], end: this.ends[i], quoted: (f & QUOTED) !== 0, escaped: (f & ESCAPED) !== 0, unterminated: (f & UNTERMINATED) !== 0 };
  }

  private push(start: number, end: number, flags: number): void {
    if (this.count === this.starts.length) {
      const grow = <T extends Int32Array | Uint8Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      this.starts = grow(this.starts);
      this.ends = grow(this.ends);
      this.flags = grow(this.flags);
    }
    this.starts[this.count] = start;
    this.ends[this.count] = end;
    this.flags[this.count] = flags;
    this.count++;
  }

  /** Reads the next entry with at least one token; false at the end of the text. */
  next(): boolean {
    const { text, n } = this;
    while (this.pos < n) {
      let pos = this.pos;
      this.count = 0;
      const lead = text.charCodeAt(pos);
      this.leadingSpace = lead === 32 || lead === 9;
      this.parens = false;
      let depth = 0;
      let openParen = -1;
      let recoverAt = -1;
      let closed = false;
      while (pos < n && !closed) {
        const c = text.charCodeAt(pos);
        if (c === 10) {
          if (depth === 0) {
            closed = true;
          } else if (recoverAt < 0) {
            const next = text.charCodeAt(pos + 1);
            // A line inside parentheses that starts in column 0 (not blank, not a comment) is most likely
            // the next record; an unclosed `(` is cut there.
            if (pos + 1 < n && next !== 32 && next !== 9 && next !== 10 && next !== 13 && next !== 59 && next !== 41) recoverAt = pos + 1;
          }
          pos++;
          // No `)` anywhere after this: the parenthesis is never closed, and the reading to the end of
          // the file that would show it is not needed (each of many unclosed ones would read to the end).
          if (depth > 0 && recoverAt >= 0 && pos > this.lastClose) pos = n;
        } else if (c === 32 || c === 9 || c === 13) {
          pos++;
        } else if (c === 59 /* ; */) {
          const eol = text.indexOf('\n', pos);
          pos = eol < 0 ? n : eol;
        } else if (c === 40 /* ( */) {
          this.parens = true;
          if (depth === 0) openParen = pos;
          depth++;
          pos++;
        } else if (c === 41 /* ) */) {
          this.parens = true;
          if (depth === 0) {
            this.problems.push({ code: 'zone/unbalanced-parentheses', message: 'Closing parenthesis without an opening one (RFC 1035 §5.1).', uri: this.uri, range: { start: pos, end: pos + 1 } });
          } else {
            depth--;
          }
          pos++;
        } else if (c === 34 /* " */) {
          const start = pos;
          let flags = QUOTED;
          let terminated = false;
          pos++;
          while (pos < n) {
            const d = text.charCodeAt(pos);
            if (d === 92 /* \ */) {
              flags |= ESCAPED;
              // As in BIND, `\` escapes whatever follows, a line break too (the string then holds it).
              pos += pos + 1 < n ? 2 : 1;
            } else if (d === 34) {
              pos++;
              terminated = true;
              break;
            } else if (d === 10) {
              break;
            } else {
              pos++;
            }
          }
          if (!terminated) {
            flags |= UNTERMINATED;
            let end = pos;
            if (end > start && text.charCodeAt(end - 1) === 13) end--;
            this.problems.push({
              code: 'zone/unterminated-quote',
              message: 'Quoted string is not closed before the end of the line; add the closing `"` (RFC 1035 §5.1).',
              uri: this.uri,
              range: { start, end },
            });
          }
          this.push(start, pos, flags);
        } else {
          const start = pos;
          let flags = 0;
          while (pos < n) {
            const d = text.charCodeAt(pos);
            if (d === 92) {
              flags |= ESCAPED;
              pos += pos + 1 < n && text.charCodeAt(pos + 1) !== 10 ? 2 : 1;
              continue;
            }
            if (d === 32 || d === 9 || d === 10 || d === 13 || d === 59 || d === 40 || d === 41 || d === 34) break;
            pos++;
          }
          this.push(start, pos, flags);
        }
        if (pos >= n && depth > 0) {
          this.problems.push({
            code: 'zone/unbalanced-parentheses',
            message: 'Opening parenthesis is never closed; add the matching `)` (RFC 1035 §5.1).',
            uri: this.uri,
            range: { start: openParen, end: openParen + 1 },
          });
          // Recover: the entry ends before the first line that starts in column 0 after the parenthesis,
          // and reading resumes there, so one missing `)` does not swallow the rest of the file.
          if (recoverAt >= 0) {
            while (this.count > 0 && this.starts[this.count - 1] >= recoverAt) this.count--;
            pos = recoverAt;
          }
          closed = true;
        }
      }
      this.pos = pos;
      if (this.count > 0) return true;
    }
    return false;
  }
}

/** Decodes a token (quotes stripped, escapes resolved), optionally recording a source map. */
function decode(text: string, tok: Token, map?: SourceMap): { value: string; bytes: number } {
  let s = tok.start;
  let e = tok.end;
  if (tok.quoted) {
    s++;
    if (!tok.unterminated) e--;
  }
  if (!tok.escaped) {
    const value = text.slice(s, e);
    map?.addLiteral(s, e - s);
    return { value, bytes: utf8Length(value) };
  }
  let value = '';
  let bytes = 0;
  let runStart = s;
  const flush = (upTo: number) => {
    if (upTo > runStart) {
      const run = text.slice(runStart, upTo);
      value += run;
      bytes += utf8Length(run);
      map?.addLiteral(runStart, upTo - runStart);
    }
  };
  let i = s;
  while (i < e) {
    if (text.charCodeAt(i) !== 92 || i + 1 >= e) {
      i++;
      continue;
    }
    flush(i);
    const d = text.slice(i + 1, i + 4);
    if (/^\d{3}$/.test(d)) {
      value += String.fromCharCode(Math.min(255, Number(d)));
      map?.addEscape(i, 4);
      i += 4;
      bytes++;
    } else {
      // `\X`: X as it is, all of its bytes (BIND takes the byte after the backslash literally, and the
      // rest of a multi-byte character follows as written).
      const cp = text.codePointAt(i + 1)!;
      const n = cp > 0xffff ? 2 : 1;
      value += text.slice(i + 1, i + 1 + n);
      // The map's escapes are one value character each: a surrogate pair's second half is a literal.
      map?.addEscape(i, 2);
      if (n === 2) map?.addLiteral(i + 2, 1);
      i += 1 + n;
      bytes += utf8Width(cp);
    }
    runStart = i;
  }
  flush(e);
  return { value, bytes };
}

/**
 * The character-strings of TXT data in RFC 3597 generic form (`\\# 12 0b763d73706631202d616c6c`): the
 * hex fields `from`..`count` (already checked: whole bytes, a valid TXT wire form) decoded as DNS
 * serves them, each byte one value character (as a `\\DDD` escape is), mapped to its two hex digits.
 */
export function genericStrings(text: string, starts: ArrayLike<number>, ends: ArrayLike<number>, from: number, count: number): { value: string; strings: CharString[]; map: SourceMap } | undefined {
  // Each byte and the document offset of its first hex digit.
  const bytes: number[] = [];
  const offsets: number[] = [];
  let pending = -1;
  let pendingAt = 0;
  for (let k = from; k < count; k++)
    for (let i = starts[k]; i < ends[k]; i++) {
      const d = parseInt(text[i], 16);
      if (Number.isNaN(d)) return undefined;
      if (pending < 0) {
        pending = d;
        pendingAt = i;
      } else {
        bytes.push(pending * 16 + d);
        offsets.push(pendingAt);
        pending = -1;
      }
    }
  if (pending >= 0 || bytes.length === 0) return undefined;
  const map = new SourceMap();
  const strings: CharString[] = [];
  let value = '';
  for (let i = 0; i < bytes.length; ) {
    const n = bytes[i];
    if (i + 1 + n > bytes.length) return undefined;
    const start = value.length;
    for (let j = i + 1; j <= i + n; j++) {
      value += String.fromCharCode(bytes[j]);
      map.addEscape(offsets[j], 2);
    }
    strings.push({ start, end: value.length, bytes: n });
    i += 1 + n;
  }
  return { value, strings, map: map.seal() };
}

/** No lower-case ASCII letter in it (class and type words as zone files usually write them). */
function isUpper(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 97 && c <= 122) return false;
  }
  return true;
}

/** A copy of a string that does not point into the text it was cut from (short strings are copies already). */
function detach(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

function utf8Length(s: string): number {
  let bytes = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 2;
      i++;
    } else bytes += 2;
  }
  return bytes;
}

/**
 * Lower-cased absolute name without the trailing dot. Without an origin, a relative name stays
 * relative (so records at one name still group together) and `@` is undefined.
 */
export function absoluteName(name: string, origin: string | undefined): string | undefined {
  if (name === '@') return origin;
  const plain = name.includes('\\') ? name.replace(/\\(.)/g, '$1') : name;
  if (name.endsWith('.') && !name.endsWith('\\.')) return plain.slice(0, -1).toLowerCase();
  if (origin === undefined) return plain.toLowerCase();
  return (origin === '' ? plain : `${plain}.${origin}`).toLowerCase();
}

/** Guess the zone apex from a file name: `db.example.com`, `example.com.zone`, `example.com.db`. */
export function originFromFileName(file: string): string | undefined {
  let base = path.basename(file);
  base = base.replace(/\.bak$/i, '');
  if (/^db\./i.test(base)) base = base.slice(3);
  else base = base.replace(/\.(zone|db|hosts)$/i, '');
  return /^([a-z0-9-]+\.)+[a-z]{2,63}$/i.test(base) ? base.toLowerCase() : undefined;
}

function isUnder(name: string, apex: string, dotApex: string): boolean {
  return name === apex || apex === '' || name.endsWith(dotApex);
}

/** What one reading pass carries from entry to entry; a snapshot of it at a line start lets reading resume there. */
interface ReadState {
  origin: string | undefined;
  lastOwner: string | undefined;
  lastOwnerRange: OffsetRange | undefined;
  defaultTtl: number | undefined;
  lastTtl: number | undefined;
  /**
   * With no `$TTL` (RFC 1035 semantics): the name of the records just read, written together, and the
   * TTL of the first of each type among them. BIND gives a later record of the group its type's TTL,
   * and the next record with no TTL inherits that one. Replaced, never changed (states are snapshots).
   */
  group: { owner: string; ttls: readonly (readonly [string, number | undefined])[] } | undefined;
  /** A record was read (a later `$ORIGIN` no longer names the zone apex). */
  sawRecord: boolean;
  zoneOrigin: string | undefined;
  originExplicit: boolean;
}

function sameState(a: ReadState, b: ReadState): boolean {
  return (
    a.origin === b.origin &&
    a.lastOwner === b.lastOwner &&
    a.defaultTtl === b.defaultTtl &&
    a.lastTtl === b.lastTtl &&
    sameGroup(a.group, b.group) &&
    a.sawRecord === b.sawRecord &&
    a.zoneOrigin === b.zoneOrigin &&
    a.originExplicit === b.originExplicit &&
    (a.lastOwnerRange === undefined) === (b.lastOwnerRange === undefined)
  );
}

function sameGroup(a: ReadState['group'], b: ReadState['group']): boolean {
  return a === b || (a !== undefined && b !== undefined && a.owner === b.owner && a.ttls.length === b.ttls.length && a.ttls.every((t, i) => t[0] === b.ttls[i][0] && t[1] === b.ttls[i][1]));
}

/** Where the records of one stretch of the top-level file go. */
interface Output {
  records: ResourceRecord[];
  sites: RecordSite[];
  problems: SourceProblem[];
  /** Records made by `$GENERATE` lines here (they count against the file's budget). */
  generated?: number;
}

/** A stretch of the file read in one go, with the state at its start: the unit of incremental re-reading. */
interface Chunk extends Output {
  start: number;
  end: number;
  state: ReadState;
  /** Out-of-zone problems of this chunk's records, for the apex they were computed for. */
  outOfZone?: { apex: string; problems: SourceProblem[] };
  /** Its SOA and DS records, checked against the apex (a reused chunk keeps them; a re-read one is a new chunk). */
  apexTypes?: ResourceRecord[];
}

const CHUNK_ENTRIES = 256;

function initialState(explicit: string | undefined, guessed: string | undefined): ReadState {
  return {
    origin: explicit ?? guessed,
    lastOwner: undefined,
    lastOwnerRange: undefined,
    defaultTtl: undefined,
    lastTtl: undefined,
    group: undefined,
    sawRecord: false,
    zoneOrigin: explicit,
    originExplicit: explicit !== undefined,
  };
}

/** Out-of-zone records (RFC 1035 §5.2), checked over the whole file once the apex is known. */
function outOfZone(records: readonly ResourceRecord[], apex: string, given: boolean): SourceProblem[] {
  const out: SourceProblem[] = [];
  const dotApex = `.${apex}`;
  let generated: { first: string; more: number } | undefined;
  for (const r of records) {
    // Only against an apex given by the user: a leading `$ORIGIN` is often the parent (NSD writes
    // `$ORIGIN se.` then `opendnssec IN SOA`), and then the SOA is what names the zone.
    if (given && r.type === 'SOA' && r.owner !== undefined && r.owner !== apex) {
      out.push({
        code: 'zone/soa-not-at-apex',
        message: `The SOA record is at \`${r.owner}\`, not at the zone apex \`${apex}\`; the zone does not load (RFC 1035 §5.2).`,
        uri: r.uri,
        range: r.range,
      });
      continue;
    }
    if (r.owner !== undefined && !isUnder(r.owner, apex, dotApex)) {
      // The records of one `$GENERATE` line have its range: one warning for them all.
      const last = out[out.length - 1];
      if (r.generated && generated && last?.code === 'zone/out-of-zone' && last.range.start === r.range.start && last.range.end === r.range.end) {
        generated.more++;
        last.message = `Record owners \`${generated.first}\` and ${generated.more} more from this \`$GENERATE\` line are outside the zone \`${apex}\`; servers ignore them (RFC 1035 §5.2).`;
        continue;
      }
      generated = { first: r.owner, more: 0 };
      out.push({
        code: 'zone/out-of-zone',
        message: `Record owner \`${r.owner}\` is outside the zone \`${apex}\`; servers ignore it (RFC 1035 §5.2).`,
        uri: r.uri,
        range: r.site?.ownerRange ?? r.range,
      });
    }
  }
  return out;
}

/**
 * Reads a zone file and keeps what it needs to re-read it after an edit: the file is read in chunks
 * of entries, each starting at a line where the reader's state is recorded. After an edit only the
 * chunks from the one containing the change up to the first chunk whose start (shifted) and state
 * are unchanged are read again; the rest are reused, their offsets shifted.
 */
export class IncrementalZone {
  private text = '';
  private chunks: Chunk[] = [];
  private readonly explicit: string | undefined;
  private readonly guessed: string | undefined;
  private texts = new Map<string, string>();
  /**
   * What the last update did: chunks read and reused, and how many sites at the start and at the end
   * of the file are the very objects of the update before (the rest are new).
   */
  lastStats = { read: 0, reused: 0, headSites: 0, tailSites: 0 };
  /** Set while a stretch is re-read after an edit: the reader then copies the strings it keeps. */
  detaching = false;
  /** `$GENERATE` records the reader may still make in this update, and whether it ran out. */
  generateBudget = MAX_GENERATED_TOTAL;
  budgetHit = false;

  constructor(
    private readonly uri: string,
    private readonly options: ZoneOptions = {},
  ) {
    this.explicit = options.origin !== undefined ? options.origin.replace(/\.$/, '').toLowerCase() : undefined;
    // Without an explicit origin, relative names resolve against the name the file is called by
    // (as `named-checkzone ORIGIN FILE` would be told); a leading `$ORIGIN` overrides it.
    this.guessed = this.explicit === undefined ? originFromFileName(uri) : undefined;
  }

  /**
   * Reads the new text of the file. `change`, when the caller knows it (an editor's edits since the
   * last update), bounds what changed: the first `prefix` characters and the last `suffix` ones are
   * unchanged; without it the reader finds that out by comparing the texts.
   */
  update(text: string, change?: { prefix: number; suffix: number }): ZoneFile {
    const old = this.text;
    let from = 0;
    let chunks: Chunk[] = [];
    let tail: Chunk[] = [];
    let delta = 0;
    // $INCLUDEd files may have changed on disk, so files that include others are always read whole;
    // so are files with an unclosed parenthesis, whose reading looked ahead to the end of the file.
    // So does a file whose $GENERATE lines ran out of the budget last time (see below).
    const reusable = this.texts.size === 1 && !this.budgetHit && !this.chunks.some((c) => c.problems.some((x) => x.code === 'zone/unbalanced-parentheses'));
    const previousGenerated = this.chunks.reduce((n, c) => n + (c.generated ?? 0), 0);
    if (this.chunks.length > 0 && reusable) {
      const max = Math.min(old.length, text.length);
      const p = change ? Math.min(change.prefix, max) : commonPrefix(old, text, max);
      const q = change ? Math.min(change.suffix, max - p) : commonSuffix(old, text, max - p);
      if (p === old.length && p === text.length) {
        this.lastStats = { read: 0, reused: this.chunks.length, headSites: this.chunks.reduce((n, c) => n + c.sites.length, 0), tailSites: 0 };
        return this.assemble();
      }
      delta = text.length - old.length;
      // Reuse every chunk that ends before the change; re-read from the chunk that contains it.
      let i = 0;
      while (i < this.chunks.length && this.chunks[i].end < p) i++;
      chunks = this.chunks.slice(0, i);
      from = i;
      const oldChangeEnd = old.length - q;
      tail = this.chunks.slice(i).filter((c) => c.start > oldChangeEnd);
    }
    this.text = text;
    this.texts = new Map([[this.uri, text]]);
    const startChunk = from < this.chunks.length && from > 0 ? this.chunks[from] : undefined;
    const state: ReadState = startChunk ? { ...startChunk.state } : initialState(this.explicit, this.guessed);
    const startPos = startChunk ? startChunk.start : 0;
    if (!startChunk) chunks = [];
    let read = 0;
    const candidates = new Map(tail.map((c) => [c.start + delta, c]));
    let current: Chunk = { start: startPos, end: startPos, state: { ...state }, records: [], sites: [], problems: [] };
    let entries = 0;
    let reuseFrom: Chunk | undefined;
    this.detaching = from > 0 || tail.length > 0;
    // An update that re-reads a stretch may make only what the whole file may make less what it made
    // before; if that runs out, the file is read whole, so the result is always a fresh read's.
    const partial = startChunk !== undefined || tail.length > 0;
    this.generateBudget = partial ? MAX_GENERATED_TOTAL - previousGenerated : MAX_GENERATED_TOTAL;
    this.budgetHit = false;
    readInto(this, text, this.uri, state, 0, [this.uri], this.options, current, startPos, (pos) => {
      const old = candidates.get(pos);
      if (old && sameState(old.state, state)) {
        reuseFrom = old;
        return true;
      }
      if (++entries >= CHUNK_ENTRIES) {
        current.end = pos;
        chunks.push(current);
        read++;
        current = { start: pos, end: pos, state: { ...state, lastOwnerRange: state.lastOwnerRange && { ...state.lastOwnerRange } }, records: [], sites: [], problems: [] };
        entries = 0;
        return current;
      }
      return false;
    });
    // Everything read before from the re-read stretch is replaced: mark it, so findings anchored to it are dropped.
    const reuseIdx = reuseFrom ? this.chunks.indexOf(reuseFrom) : this.chunks.length;
    for (const c of this.chunks.slice(startChunk ? from : 0, reuseIdx)) {
      for (const r of c.records) r.superseded = true;
      for (const x of c.sites) x.superseded = true;
    }
    const stopAt = reuseFrom ? reuseFrom.start + delta : text.length;
    current.end = stopAt;
    chunks.push(current);
    read++;
    let reused = chunks.length - read;
    let headSites = 0;
    for (let k = 0; k < reused; k++) headSites += chunks[k].sites.length;
    let tailSites = 0;
    if (reuseFrom) {
      const rest = this.chunks.slice(this.chunks.indexOf(reuseFrom));
      if (delta !== 0) for (const c of rest) shiftChunk(c, delta);
      for (const c of rest) tailSites += c.sites.length;
      chunks.push(...rest);
      reused += rest.length;
    }
    this.chunks = chunks;
    this.lastStats = { read, reused, headSites, tailSites };
    if (partial && this.budgetHit) {
      this.chunks = [];
      this.budgetHit = false;
      return this.update(text);
    }
    return this.assemble();
  }

  /** Called by the reader for `$INCLUDE`d texts. */
  setText(uri: string, text: string): void {
    this.texts.set(uri, text);
  }

  private assemble(): ZoneFile {
    const last = this.chunks[this.chunks.length - 1]?.state;
    const finalState = this.finalState ?? last;
    let origin = finalState?.zoneOrigin;
    const originExplicit = finalState?.originExplicit ?? false;
    if (origin === undefined) origin = this.guessed;
    // One concat of every chunk's array: a block copy, where pushing 100 000 records one by one is not.
    const records = ([] as ResourceRecord[]).concat(...this.chunks.map((c) => c.records));
    const sites = ([] as RecordSite[]).concat(...this.chunks.map((c) => c.sites));
    const problems: SourceProblem[] = [];
    // One SOA per zone (BIND: "multiple RRs of singleton type"); a second one is a merge gone wrong.
    let soa: ResourceRecord | undefined;
    const ds: ResourceRecord[] = [];
    for (const c of this.chunks)
      for (const r of (c.apexTypes ??= c.records.filter((x) => x.type === 'SOA' || x.type === 'DS'))) {
        if (r.type === 'DS') ds.push(r);
        else if (!soa) soa = r;
        // The same SOA again is the same resource record, which name servers load once: zone transfer
        // output (`dig axfr`) begins and ends with it.
        else if (sameSoa(soa, r)) continue;
        else problems.push({ code: 'zone/multiple-soa', message: `A second SOA record (the first is at \`${soa.owner}\`); a zone has exactly one, and name servers refuse the zone (RFC 1035 §5.2).`, uri: r.uri, range: r.range });
      }
    // The apex: the one given, else the one the SOA names (a snippet without either has none).
    const apex = this.explicit ?? soa?.owner;
    for (const r of ds)
      if (r.owner === apex)
        problems.push({ code: 'zone/ds-at-apex', message: `A DS record at the zone apex \`${apex}\`: DS records belong in the parent zone, at the delegation (RFC 4035 §2.4); name servers refuse the zone.`, uri: r.uri, range: r.site?.ownerRange ?? r.range });
    for (const c of this.chunks) {
      for (const x of c.problems) problems.push(x);
      if (originExplicit && origin !== undefined) {
        if (c.outOfZone?.apex !== origin) c.outOfZone = { apex: origin, problems: outOfZone(c.records, origin, origin === this.explicit) };
        for (const x of c.outOfZone.problems) problems.push(x);
      }
    }
    // A file read without one of its $INCLUDEs is not the whole zone (records/dynamic.ts).
    if (soa) setPartialZone(soa, problems.some((x) => x.code === 'zone/include-not-found'));
    return { uri: this.uri, format: 'zone', origin, originExplicit, records, sites, problems, texts: this.texts };
  }

  /** The reader's state at the end of the file (set by the reader when it reaches the end). */
  finalState: ReadState | undefined;
}

/**
 * Length of the common prefix of two texts, found by bisection on slice equality: string comparison
 * runs at memcmp speed, where a character loop over a 5 MB zone takes milliseconds.
 */
function commonPrefix(a: string, b: string, max: number): number {
  let lo = 0;
  let hi = max;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (a.slice(lo, mid) === b.slice(lo, mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Length of the common suffix, at most `max`. */
function commonSuffix(a: string, b: string, max: number): number {
  let lo = 0;
  let hi = max;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (a.slice(a.length - mid, a.length - lo) === b.slice(b.length - mid, b.length - lo)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function shiftRange(r: OffsetRange, d: number): void {
  r.start += d;
  r.end += d;
}

/**
 * Moves a reused chunk's offsets by `d`. Every range object belongs to one record, except that a
 * TXT record's site has the record's range object as its own: that one moves with the record.
 */
function shiftChunk(c: Chunk, d: number): void {
  c.start += d;
  c.end += d;
  if (c.state.lastOwnerRange) shiftRange(c.state.lastOwnerRange, d);
  for (const r of c.records) shiftRange(r.range, d);
  for (const s of c.sites) {
    shiftRange(s.ownerRange, d);
    s.map.shift(d);
  }
  for (const p of c.problems) {
    shiftRange(p.range, d);
    for (const f of p.fixes ?? []) for (const e of f.edits) shiftRange(e.range, d);
  }
}

export function parseZone(text: string, uri: string, options: ZoneOptions = {}): ZoneFile {
  return new IncrementalZone(uri, options).update(text);
}

/**
 * BIND's `$GENERATE` (see generate.ts): each generated record is read like a line of the file, and
 * lands in the model with the directive's range; a problem in any of them (the first one, as BIND
 * stops there) is reported on the directive. Generated TXT records are not analysed as SPF, DMARC or
 * DKIM: a finding or fix inside them would have no place of its own in the file.
 */
function expandGenerate(zone: IncrementalZone, text: string, uri: string, st: ReadState, depth: number, chain: string[], options: ZoneOptions, out: Output, lx: Lexer, problem: (code: string, message: string, range: OffsetRange) => void): void {
  const count = lx.count;
  const tok = (i: number) => text.slice(lx.starts[i], lx.ends[i]);
  const whole = { start: lx.starts[0], end: lx.ends[count - 1] };
  if (count < 2) return problem('zone/invalid-rdata', '`$GENERATE` needs a range, an owner, a type and the record data: `$GENERATE 1-10 host$ A 192.0.2.$` (BIND).', whole);
  // BIND reads a $GENERATE line as one line of plain fields: no parentheses, no quoted owner.
  if (lx.parens) return problem('zone/invalid-rdata', '`$GENERATE` takes no parentheses: write it on one line, the record data as one field (quoted when it has spaces) (BIND).', whole);
  if (count > 2 && (lx.flags[2] & QUOTED) !== 0) return problem('zone/invalid-rdata', `\`$GENERATE\` owner ${tok(2)} is not quoted (BIND).`, { start: lx.starts[2], end: lx.ends[2] });
  const range = parseGenerateRange(tok(1));
  if (!range) return problem('zone/invalid-rdata', `\`$GENERATE\` range \`${tok(1)}\` must be \`start-stop\` or \`start-stop/step\` with start ≤ stop and a step of 1 or more (BIND).`, { start: lx.starts[1], end: lx.ends[1] });
  // lhs, then TTL and class in either order, then the type and the data as one field.
  let k = 3;
  while (k < count && (parseTtl(tok(k)) !== undefined || CLASSES.has(tok(k).toUpperCase()))) k++;
  if (k + 1 >= count) return problem('zone/invalid-rdata', '`$GENERATE` needs an owner, a type and the record data, the data as one field (quote it when it has spaces: `"10 mail$"`) (BIND).', whole);
  if (k + 2 < count) {
    const quoted = (lx.flags[k + 1] & QUOTED) !== 0 || (lx.flags[k + 2] & QUOTED) !== 0;
    const fix = quoted ? `\`${text.slice(lx.starts[k + 2], lx.ends[count - 1])}\` is extra` : `quote it when it has spaces: \`"${text.slice(lx.starts[k + 1], lx.ends[count - 1])}"\``;
    return problem('zone/invalid-rdata', `\`$GENERATE\` takes the record data as one field; ${fix} (BIND).`, { start: lx.starts[k + 2], end: lx.ends[count - 1] });
  }
  // BIND reads a $GENERATE line to its end of line: on the last line of a file without one it refuses it.
  if (text.indexOf('\n', lx.ends[count - 1]) < 0) {
    out.problems.push({ code: 'zone/invalid-rdata', message: '`$GENERATE` on the last line needs a line break after it; BIND refuses it otherwise ("extra input text").', uri, range: whole, fixes: [{ title: 'Add a line break at the end of the file', edits: [{ range: { start: text.length, end: text.length }, newText: text.includes('\r\n') ? '\r\n' : '\n' }] }] });
    return;
  }
  const lhs = tok(2);
  const middle = text.slice(lx.starts[3], lx.ends[k]);
  const rhsRaw = tok(k + 1);
  // A quoted field is the text between the quotes, `\"` read as `"`.
  const rhs = (lx.flags[k + 1] & QUOTED) !== 0 ? rhsRaw.slice(1, -1).replace(/\\"/g, '"') : rhsRaw;
  const at = { start: lx.starts[2], end: lx.ends[count - 1] };
  const lines: string[] = [];
  const allowed = Math.min(MAX_GENERATED, zone.generateBudget);
  for (let v = range.start; v <= range.stop && lines.length < allowed; v += range.step) {
    const owner = substitute(lhs, v);
    const data = substitute(rhs, v);
    if (owner === undefined || data === undefined)
      return problem('zone/invalid-rdata', `\`$GENERATE\` modifier in \`${owner === undefined ? lhs : rhsRaw}\` must be \`\${offset}\`, \`\${offset,width}\` or \`\${offset,width,base}\` with base d, o, x, X, n or N, and at most 127 characters wide (BIND).`, owner === undefined ? { start: lx.starts[2], end: lx.ends[2] } : { start: lx.starts[k + 1], end: lx.ends[k + 1] });
    lines.push(`${owner} ${middle} ${data}`);
  }
  const wanted = Math.floor((range.stop - range.start) / range.step) + 1;
  zone.generateBudget -= lines.length;
  out.generated = (out.generated ?? 0) + lines.length;
  if (wanted > lines.length) {
    if (allowed < MAX_GENERATED) zone.budgetHit = true;
    out.problems.push({
      code: 'zone/invalid-rdata',
      severity: 'information',
      message:
        allowed < MAX_GENERATED
          ? `The \`$GENERATE\` lines of this file make more than ${MAX_GENERATED_TOTAL} records; the first ${lines.length} of this line's ${wanted} are read, the rest are not checked.`
          : `This \`$GENERATE\` line makes ${wanted} records; the first ${MAX_GENERATED} are read, the rest are not checked.`,
      uri,
      range: { start: lx.starts[1], end: lx.ends[1] },
    });
  }
  const gen: Output = { records: [], sites: [], problems: [] };
  const inner: ReadState = { ...st, lastOwner: undefined, lastOwnerRange: undefined };
  const generated = lines.join('\n');
  readInto(zone, generated, uri, inner, depth + 1, chain, options, gen);
  st.sawRecord = true;
  // BIND does not apply check-names to the records `$GENERATE` makes (named-checkzone -k fail loads `host_$ IN A …`).
  if (gen.problems.length) gen.problems = gen.problems.filter((p) => p.code !== 'zone/invalid-hostname');
  if (gen.problems.length) {
    const p = gen.problems[0];
    let i = 0;
    for (let nl = generated.indexOf('\n'); nl >= 0 && nl < p.range.start; nl = generated.indexOf('\n', nl + 1)) i++;
    problem(p.code, `\`$GENERATE\` record ${range.start + i * range.step} (\`${lines[i]}\`): ${p.message}`, { ...at });
  }
  // Each record its own copy of the range: a reused chunk's ranges are shifted one by one.
  for (const r of gen.records) {
    r.range = { ...at };
    r.site = undefined;
    r.trailing = undefined;
    r.generated = true;
    out.records.push(r);
  }
}

/**
 * Reads entries from `from` on into `out`. `onBoundary` is called at each line start where an entry
 * begins (top-level file only): `true` stops reading there, a new Output switches where the
 * following records go.
 */
function readInto(
  zone: IncrementalZone,
  text: string,
  uri: string,
  st: ReadState,
  depth: number,
  chain: string[],
  options: ZoneOptions,
  outStart: Output,
  from = 0,
  onBoundary?: (pos: number) => boolean | Output,
): void {
  let out = outStart;
  let problems = out.problems;
  // Strings cut from the text keep the whole text alive (V8 slices point into it): what a re-read
  // stretch keeps is copied, or every edit of a big zone would keep another copy of the file.
  const keep = zone.detaching ? detach : (x: string) => x;
  const problem = (code: string, message: string, range: OffsetRange) => problems.push({ code, message: keep(message), uri, range });

  let lastOwnerText: string | undefined;
  let lastOwnerOrigin: string | undefined;
  let lastOwnerName: string | undefined;
  // The last owner checked as a host name (most records of a name are written together).
  let hostOwnerWritten: string | undefined;
  let hostOwnerOrigin: string | undefined;
  let hostOwnerProblem: ReturnType<typeof hostNameProblem>;
  const lx = new Lexer(text, uri, problems);
  lx.pos = from;
  if (from === 0 && text.charCodeAt(0) === 0xfeff) {
    // Editors on Windows save "UTF-8 with BOM"; BIND reads the mark as part of the first word.
    const bom = { start: 0, end: 1 };
    problems.push({
      code: 'zone/byte-order-mark',
      message: 'The file starts with a UTF-8 byte-order mark (U+FEFF); BIND reads it as part of the first word, so the zone does not load. Save the file as UTF-8 without BOM.',
      uri,
      range: bom,
      fixes: [{ title: 'Remove the byte-order mark', edits: [{ range: { ...bom }, newText: '' }] }],
    });
    lx.pos = 1;
  }
  const raw = (i: number) => text.slice(lx.starts[i], lx.ends[i]);
  const at = (i: number): OffsetRange => ({ start: lx.starts[i], end: lx.ends[i] });
  const value = (i: number) => ((lx.flags[i] & (ESCAPED | QUOTED)) === 0 ? raw(i) : decode(text, lx.token(i)).value);
  // A name as written, escapes in: absoluteName must tell `a\\.` (a label ending in a dot) from `a.`.
  const nameText = (i: number) => ((lx.flags[i] & QUOTED) === 0 ? raw(i) : value(i));
  // Where a record-data problem is shown: at its field, as BIND's "near '…'" (field -1: the first
  // token, the owner); a missing field at the record's last token; extra fields to the end. BIND names
  // the line where the field before ended, so a field on a later line (inside parentheses) is flagged
  // from the end of that line.
  const rdataRange = (p: RdataProblem, rdataStart: number, count: number): OffsetRange => {
    const k = p.field < 0 ? 0 : rdataStart + p.field;
    if (k >= count) return { start: lx.starts[count - 1], end: lx.ends[count - 1] };
    const lineEnd = k > 0 && !p.here ? text.indexOf('\n', lx.ends[k - 1]) : -1;
    return { start: lineEnd >= 0 && lineEnd < lx.starts[k] ? lineEnd : lx.starts[k], end: lx.ends[p.extra ? count - 1 : k] };
  };
  // The first bad escape in tokens [from, to), reported; whether there was one.
  const reportBadEscape = (from: number, to: number): boolean => {
    for (let k = from; k < to; k++) {
      const bad = lx.flags[k] & ESCAPED ? escapeProblem(text, lx.starts[k], lx.ends[k], (lx.flags[k] & QUOTED) !== 0) : undefined;
      if (bad) {
        problem('zone/invalid-rdata', badEscapeMessage(text.slice(bad.start, bad.end)), bad);
        return true;
      }
    }
    return false;
  };
  // BIND's check-names on a record (see sources/hostnames.ts), kept out of the loop: few records need it.
  const checkHostNames = (names: NameChecks, type: string, owner: string, ownerRange: OffsetRange, rdataStart: number, count: number, rdata: readonly string[]) => {
    if (names.owner) {
      // The owner as written (escapes in), with the origin it was written under; else the name as read.
      const asWritten = owner === lastOwnerName && lastOwnerText !== undefined;
      const written = asWritten ? lastOwnerText! : `${owner}.`;
      const origin = asWritten ? lastOwnerOrigin : undefined;
      if (written !== hostOwnerWritten || origin !== hostOwnerOrigin) {
        hostOwnerWritten = written;
        hostOwnerOrigin = origin;
        hostOwnerProblem = hostNameProblem(written, origin, 'host', true);
      }
      if (hostOwnerProblem)
        problems.push({ code: 'zone/invalid-hostname', message: keep(hostNameMessage(`${type === 'WKS' ? 'a' : 'an'} ${type} record's owner`, owner, 'host', hostOwnerProblem, true)), uri, range: lx.leadingSpace ? at(0) : ownerRange });
    }
    for (const f of checkedFields(names, type, owner, rdata)) {
      const k = rdataStart + f.field;
      if (k >= count || (lx.flags[k] & QUOTED) !== 0) continue;
      const w = raw(k);
      const p = hostNameProblem(w, st.origin, f.kind);
      if (p) problems.push({ code: 'zone/invalid-hostname', message: keep(hostNameMessage(f.role, shownName(w, st.origin), f.kind, p, false)), uri, range: at(k) });
    }
  };
  // TXT data written between typographic quotes (“…”, as a word processor or a web page writes them):
  // BIND reads them as part of unquoted words, so `“v=spf1 -all”` is the one string `“v=spf1-all”`.
  // Said when the words between them are an SPF, DMARC or DKIM record; the fix writes straight quotes.
  const typographicQuotes = (rdataStart: number, count: number): boolean => {
    // The common case, a record in straight quotes, costs one character test.
    if (lx.flags[rdataStart] & QUOTED || !TYPOGRAPHIC_QUOTES.includes(text[lx.starts[rdataStart]])) return false;
    const open = { start: lx.starts[rdataStart], end: lx.starts[rdataStart] + 1 };
    // The closing quote ends the last word, or is in the comment a `;` of the record started.
    const lastRaw = raw(count - 1);
    let close: OffsetRange | undefined;
    if (!(lx.flags[count - 1] & QUOTED) && TYPOGRAPHIC_QUOTES.includes(lastRaw[lastRaw.length - 1]) && lx.ends[count - 1] - 1 > open.start) close = { start: lx.ends[count - 1] - 1, end: lx.ends[count - 1] };
    else {
      const nl = text.indexOf('\n', lx.ends[count - 1]);
      const rest = text.slice(lx.ends[count - 1], nl < 0 ? text.length : nl);
      let k = rest.length - 1;
      while (k >= 0 && !TYPOGRAPHIC_QUOTES.includes(rest[k])) k--;
      if (rest.trimStart().startsWith(';') && k >= 0) close = { start: lx.ends[count - 1] + k, end: lx.ends[count - 1] + k + 1 };
    }
    const inner = text.slice(open.end, close ? close.start : lx.ends[count - 1]);
    const kind = /^\s*v\s*=\s*spf1(\s|$)/i.test(inner) ? 'SPF' : /^\s*v\s*=\s*dmarc1(\s|;|$)/i.test(inner) ? 'DMARC' : /^\s*v\s*=\s*dkim1(\s|;|$)/i.test(inner) ? 'DKIM' : undefined;
    if (!kind) return false;
    let published = '';
    for (let k = rdataStart; k < count; k++) published += value(k);
    const name = (r: OffsetRange) => `\`${text[r.start]}\` (U+${text.charCodeAt(r.start).toString(16).toUpperCase().padStart(4, '0')})`;
    problems.push({
      code: 'zone/typographic-quotes',
      message: `The record is written between typographic quotes, ${close ? `${name(open)} and ${name(close)}` : name(open)}, not \`"\`: zone files do not read them as quotes, so ${close && close.start >= lx.ends[count - 1] ? 'the `;` in it starts a comment, and ' : ''}name servers publish \`${published.length > 40 ? `${published.slice(0, 40)}…` : published}\`${count - rdataStart > 1 ? ' (the words run together)' : ''}, and receivers find no ${kind} record. Write straight quotes.`,
      uri,
      range: { start: open.start, end: close ? close.end : lx.ends[count - 1] },
      fixes: close ? [{ title: 'Write straight quotes `"`', edits: [{ range: open, newText: '"' }, { range: close, newText: '"' }] }] : undefined,
    });
    return true;
  };
  for (;;) {
    if (onBoundary && lx.pos > from) {
      const r = onBoundary(lx.pos);
      if (r === true) return;
      if (r) {
        out = r;
        problems = out.problems;
        lx.problems = problems;
      }
    }
    if (!lx.next()) break;
    const count = lx.count;
    const first = at(0);
    if (!lx.leadingSpace && lx.flags[0] === 0 && text.charCodeAt(first.start) === 36) {
      const firstText = raw(0);
      const directive = firstText.toUpperCase();
      const arg = count > 1 ? at(1) : undefined;
      // BIND refuses a directive line with more than its arguments ("extra input text").
      const maxArgs = directive === '$INCLUDE' ? 2 : directive === '$ORIGIN' || directive === '$TTL' ? 1 : count - 1;
      if (count - 1 > maxArgs)
        problem('zone/invalid-rdata', `\`${firstText}\` takes ${maxArgs === 1 ? 'one argument' : 'a file name and an optional origin'}; \`${raw(maxArgs + 1)}\` is extra (RFC 1035 §5.1).`, { start: lx.starts[maxArgs + 1], end: lx.ends[count - 1] });
      if (directive === '$ORIGIN') {
        const bad = arg ? nameProblem(raw(1)) : undefined;
        if (!arg) problem('zone/invalid-rdata', '`$ORIGIN` needs a domain name (RFC 1035 §5.1).', first);
        else if (bad) problem('zone/invalid-rdata', bad, arg);
        else {
          const abs = absoluteName(nameText(1), st.origin);
          if (abs !== undefined) {
            st.origin = keep(abs);
            if (depth === 0 && st.zoneOrigin === undefined && !st.sawRecord) {
              st.zoneOrigin = st.origin;
              st.originExplicit = true;
            }
          } else {
            problem('zone/invalid-rdata', '`$ORIGIN` with a relative name needs an origin before it; end the name with a dot.', arg);
          }
        }
      } else if (directive === '$TTL') {
        const ttl = arg ? parseTtl(raw(1)) : undefined;
        if (ttl === undefined)
          problem('zone/invalid-ttl', `\`$TTL\` needs a TTL such as \`3600\` or \`1h\` (RFC 2308 §4).`, arg ?? first);
        else st.defaultTtl = ttl;
      } else if (directive === '$INCLUDE') {
        if (!arg) {
          problem('zone/include-not-found', '`$INCLUDE` needs a file name (RFC 1035 §5.1).', first);
          continue;
        }
        const rel = value(1);
        const file = path.isAbsolute(rel) ? rel : path.join(path.dirname(uri), rel);
        const incOrigin = count > 2 ? absoluteName(nameText(2), st.origin) : st.origin;
        const content = depth < MAX_INCLUDE_DEPTH && !chain.includes(file) ? (options.openText?.(file) ?? options.readFile?.(file)) : undefined;
        if (chain.includes(file)) {
          problem('zone/include-not-found', `\`$INCLUDE\` of \`${rel}\` includes itself (include loop).`, arg);
        } else if (content === undefined) {
          problem(
            'zone/include-not-found',
            depth >= MAX_INCLUDE_DEPTH
              ? `\`$INCLUDE\` nesting deeper than ${MAX_INCLUDE_DEPTH} files; not read.`
              : `\`$INCLUDE\` file \`${rel}\` not found, or not a regular file (looked for ${file}); its records are not checked.`,
            arg,
          );
        } else {
          zone.setText(file, content);
          const inner: ReadState = { ...initialState(undefined, undefined), origin: incOrigin, defaultTtl: st.defaultTtl, lastTtl: st.lastTtl, sawRecord: st.sawRecord, zoneOrigin: st.zoneOrigin, originExplicit: st.originExplicit };
          readInto(zone, content, file, inner, depth + 1, [...chain, file], options, out);
          st.sawRecord = inner.sawRecord;
          // BIND carries the TTLs on both ways, a `$TTL` in the included file included; the records after it are a new group.
          st.defaultTtl = inner.defaultTtl;
          st.lastTtl = inner.lastTtl;
          st.group = undefined;
        }
        // RFC 1035 §5.1: the origin of the parent file is not changed by an $INCLUDE.
      } else if (directive === '$GENERATE') {
        expandGenerate(zone, text, uri, st, depth, chain, options, out, lx, problem);
      } else {
        problem(
          'zone/unknown-directive',
          `Unknown directive \`${firstText}\`; master files know $ORIGIN, $INCLUDE and $TTL (RFC 1035 §5.1, RFC 2308 §4).`,
          first,
        );
      }
      continue;
    }

    let i = 0;
    let owner: string | undefined;
    let ownerRange: OffsetRange;
    if (!lx.leadingSpace) {
      // Zone files write one owner on several lines in a row (A, AAAA, TXT, MX): the name is made once.
      const ownerText = nameText(0);
      if (ownerText === lastOwnerText && st.origin === lastOwnerOrigin) owner = lastOwnerName;
      else {
        const bad = (lx.flags[0] & QUOTED) === 0 ? nameProblem(ownerText) : undefined;
        if (bad) {
          problem('zone/invalid-rdata', bad, first);
          continue;
        }
        owner = absoluteName(ownerText, st.origin);
        if (owner !== undefined) owner = keep(owner);
        lastOwnerText = ownerText;
        lastOwnerOrigin = st.origin;
        lastOwnerName = owner;
      }
      ownerRange = first;
      st.lastOwner = owner;
      st.lastOwnerRange = ownerRange;
      i = 1;
    } else {
      owner = st.lastOwner;
      // A copy: each record owns its ranges, so a reused chunk can be shifted without touching another.
      ownerRange = st.lastOwnerRange ? { ...st.lastOwnerRange } : { start: first.start, end: first.start };
      if (st.lastOwnerRange === undefined) {
        problem('zone/invalid-rdata', 'Record with no owner name and no previous record to inherit it from (RFC 1035 §5.1).', first);
        continue;
      }
    }

    let ttl: number | undefined;
    let cls: string | undefined;
    let type: string | undefined;
    let typeTok = -1;
    let bad = false;
    for (; i < count; i++) {
      const word = raw(i);
      const c0 = word.charCodeAt(0);
      if (ttl === undefined && c0 >= 48 && c0 <= 57) {
        const v = parseTtl(word);
        if (v === undefined) {
          problem('zone/invalid-ttl', `\`${word}\` is not a TTL; use seconds or units s, m, h, d, w such as \`1h30m\` (RFC 2308 §4).`, at(i));
          bad = true;
          break;
        }
        ttl = v;
        continue;
      }
      const upper = isUpper(word) ? word : word.toUpperCase();
      if (cls === undefined && (CLASSES.has(upper) || /^CLASS\d+$/.test(upper))) {
        cls = upper;
        // Zone files for mail are class IN, as named-checkzone assumes; a record of another class in
        // one is refused ("class 'CH' != zone class 'IN'").
        if (cls !== 'IN' && cls !== 'CLASS1') problem('zone/wrong-class', `Class \`${word}\` in a zone of class IN: name servers refuse the zone. Write \`IN\` or leave the class out (RFC 1035 §5.1).`, at(i));
      } else {
        type = upper;
        typeTok = i;
        i++;
        break;
      }
    }
    if (bad) continue;
    if (type === undefined || typeTok < 0) {
      problem('zone/invalid-rdata', 'Record has no type; expected e.g. `IN TXT "…"` after the owner (RFC 1035 §5.1).', { start: lx.starts[0], end: lx.ends[count - 1] });
      continue;
    }
    const known = KNOWN_TYPES.get(type);
    // Types for queries and transactions only (RFC 6895 §3.1: 0, OPT, 128-255) cannot be in a zone.
    let meta = false;
    if (known !== undefined) {
      // The common case; one string per type name, not one per record.
      type = known;
    } else if (/^TYPE\d+$/.test(type)) {
      // RFC 3597 §5: `TYPEnnn` of a known type is that type (`TYPE16` is TXT), data and checks included.
      const n = Number(type.slice(4));
      if (n > 65535) {
        problem('zone/unknown-type', `\`${raw(typeTok)}\` is no record type: type numbers are 0-65535 (RFC 3597 §5).`, at(typeTok));
        continue;
      }
      meta = n === 0 || (n >= 128 && n <= 255);
      type = TYPE_BY_NUMBER.get(n) ?? type;
    } else {
      problem('zone/unknown-type', `Unknown record type \`${raw(typeTok)}\` (use a known mnemonic or TYPEnnn, RFC 3597 §5).`, at(typeTok));
      continue;
    }
    if (meta || type === 'OPT' || type === 'TKEY' || type === 'TSIG') {
      problem('zone/unknown-type', `\`${raw(typeTok)}\` is a meta type, used in queries and transactions only, not in a zone (RFC 6895 §3.1).`, at(typeTok));
      continue;
    }
    if (type === 'MD' || type === 'MF') {
      problem('zone/unknown-type', `\`${raw(typeTok)}\` (${type}) is obsolete since RFC 973 and BIND refuses it; publish an MX record instead (RFC 1035 §3.3.4).`, at(typeTok));
      continue;
    }
    if (ttl === undefined) ttl = st.defaultTtl ?? st.lastTtl;
    st.lastTtl = ttl;
    if (st.defaultTtl === undefined && owner !== undefined) {
      // No `$TTL`: a record of the name and type of one before it in its group is served with that one's TTL, which the next record with no TTL inherits.
      const g = st.group;
      const prior = g?.owner === owner ? g.ttls.find((t) => t[0] === type) : undefined;
      if (prior) st.lastTtl = prior[1];
      else st.group = { owner, ttls: g?.owner === owner ? [...g.ttls, [type, ttl]] : [[type, ttl]] };
    }
    st.sawRecord = true;

    const rdataStart = i;
    const recordRange = { start: lx.starts[0], end: lx.ends[count - 1] };
    const record: ResourceRecord = { owner, type, ttl, rdata: [], uri, range: recordRange };
    if (st.defaultTtl === undefined) setNoDefaultTtl(record);
    // A comment after the record stays with it when a fix adds a line below.
    const nl = text.indexOf('\n', recordRange.end);
    const trailing = (nl < 0 ? text.length : nl) - recordRange.end;
    if (trailing > 0) record.trailing = text.charCodeAt(recordRange.end + trailing - 1) === 13 ? trailing - 1 : trailing;
    // `\\#` starts generic data only when a number follows; otherwise BIND reads the fields as the type's own.
    const generic = rdataStart + 1 < count && lx.flags[rdataStart] === ESCAPED && raw(rdataStart) === '\\#' && lx.flags[rdataStart + 1] === 0 && /^\d+$/.test(raw(rdataStart + 1));

    if (type === 'TXT' || type === 'SPF') {
      if (rdataStart === count) {
        problem('zone/invalid-rdata', `${type} record has no character-strings; write the value in quotes (RFC 1035 §3.3.14).`, at(typeTok));
        continue;
      }
      if (generic) {
        // RFC 3597 generic encoding: kept as a record, not decoded into a site.
        const rdata: string[] = new Array(count - rdataStart);
        for (let k = rdataStart; k < count; k++) rdata[k - rdataStart] = keep(raw(k));
        record.rdata = rdata;
        const p = genericProblem(type, rdata);
        if (p) {
          problem('zone/invalid-rdata', p.message, rdataRange(p, rdataStart, count));
          continue;
        }
        out.records.push(record);
        // DNS serves it as any other TXT record: its strings are checked too.
        const data = genericStrings(text, lx.starts, lx.ends, rdataStart + 2, count);
        if (data) {
          // Written in hex, so no fix can edit the value in place (coarse); the map points each character at its two digits.
          const site: RecordSite = { owner, type, value: keep(data.value), strings: data.strings, map: data.map, syntax: ZONE_SYNTAX, uri, range: recordRange, ownerRange, coarse: true };
          record.site = site;
          out.sites.push(site);
        }
        continue;
      }
      const map = new SourceMap();
      // Arrays of exactly their size: a growing one keeps room for 17 entries, per record.
      const strings: CharString[] = new Array(count - rdataStart);
      const rdata: string[] = new Array(count - rdataStart);
      let value = '';
      if (reportBadEscape(rdataStart, count)) continue;
      for (let k = rdataStart; k < count; k++) {
        const t = lx.token(k);
        const start = value.length;
        const d = decode(text, t, map);
        const part = keep(d.value);
        value += part;
        strings[k - rdataStart] = { start, end: value.length, bytes: d.bytes };
        rdata[k - rdataStart] = part;
        if (d.bytes > 255) {
          problems.push({
            code: 'zone/string-too-long',
            message: `Character-string is ${d.bytes} bytes; one string holds at most 255 (RFC 1035 §3.3). Split it into several quoted strings.`,
            uri,
            range: { start: t.start, end: t.end },
            // Not for a string whose closing quote is missing: that is its own problem, and a fix here would close it somewhere.
            fixes: t.unterminated ? undefined : [{ title: 'Split into strings of at most 255 bytes', edits: [{ range: { start: t.start, end: t.end }, newText: splitStringText(text.slice(t.quoted ? t.start + 1 : t.start, t.quoted ? t.end - 1 : t.end)).map((x) => `"${x}"`).join(' ') }] }],
          });
        }
      }
      record.rdata = rdata;
      const curly = typographicQuotes(rdataStart, count);
      const site: RecordSite = {
        owner,
        type,
        value: count - rdataStart > 1 ? keep(value) : value,
        strings,
        map: map.seal(),
        syntax: ZONE_SYNTAX,
        uri,
        range: recordRange,
        ownerRange,
      };
      if (curly) site.typographicQuotes = true;
      record.site = site;
      out.sites.push(site);
      out.records.push(record);
      continue;
    }

    const rdata: string[] = new Array(count - rdataStart);
    let plain = true;
    for (let k = rdataStart; k < count; k++) {
      rdata[k - rdataStart] = keep(value(k));
      if (lx.flags[k] !== 0) plain = false;
    }
    record.rdata = rdata;
    // Fields as written (escapes and quotes in), for the checks BIND makes before decoding them.
    let written = rdata;
    if (!plain) {
      written = new Array(count - rdataStart);
      for (let k = rdataStart; k < count; k++) written[k - rdataStart] = raw(k);
    }
    // RFC 3597 §5 generic encoding (`\# len hex`) is valid for every type, and the only one for a type
    // without a mnemonic; BIND reads its bytes as the type's wire format.
    let rdataProblem: RdataProblem | undefined;
    if (generic) rdataProblem = genericProblem(type, written);
    else if (type.startsWith('TYPE')) rdataProblem = { message: `\`${type}\` has no mnemonic, so its data can only be written in generic form: \`\\# length hex\` (RFC 3597 §5).`, field: 0 };
    else if (type === 'NS' && owner?.startsWith('*') && (owner.length === 1 || owner[1] === '.')) rdataProblem = { message: 'An NS record cannot be at a wildcard name (RFC 4592 §4.2).', field: -1 };
    else if (type === 'NSEC3' && owner !== undefined && base32HexBytes(owner.split('.')[0]) === undefined)
      rdataProblem = { message: `An NSEC3 record's owner starts with a hashed name in base32hex (digits and letters A-V, without padding); \`${owner.split('.')[0]}\` is not one (RFC 5155 §3).`, field: -1 };
    else if (type === 'SVCB' || type === 'HTTPS') rdataProblem = svcbProblem(type, rdata, written, (k) => lx.starts[rdataStart + k] === lx.ends[rdataStart + k - 1]);
    else rdataProblem = checkRdata(type, rdata, written, st.origin);
    if (!plain && !generic) {
      // A bad escape in any field (a character-string of HINFO, CAA, NAPTR…), unless BIND stops at an earlier field.
      if (reportBadEscape(rdataStart, rdataProblem ? Math.min(count, rdataStart + Math.max(0, rdataProblem.field)) : count)) continue;
    }
    if (rdataProblem) {
      const fix = rdataProblem.fix;
      const k = rdataStart + rdataProblem.field;
      if (fix && k < count) {
        const edit = { range: { start: lx.starts[k] + fix.start, end: lx.starts[k] + fix.end }, newText: fix.text };
        problems.push({ code: 'zone/invalid-rdata', message: keep(rdataProblem.message), uri, range: rdataRange(rdataProblem, rdataStart, count), fixes: [{ title: fix.title, edits: [edit] }] });
      } else problem('zone/invalid-rdata', rdataProblem.message, rdataRange(rdataProblem, rdataStart, count));
      continue;
    }
    // BIND's check-names: the owner of an A, AAAA or MX record, and the names some types hold, must be host names.
    const names = NAME_CHECKS.get(type);
    if (names !== undefined && owner !== undefined) checkHostNames(names, type, owner, ownerRange, rdataStart, count, rdata);
    // The name a CNAME, MX, NS or SRV record points at, as DNS names it: a relative one is under the
    // origin in force here, known only now (`10 mail` is mail.<origin>, which SPF's `mx` looks up); and,
    // but for a CNAME, where it is written, for a quick fix that points it elsewhere.
    const field = type === 'CNAME' || type === 'NS' ? 0 : type === 'MX' ? 1 : type === 'SRV' ? 3 : -1;
    if (field >= 0 && rdataStart + field < count) {
      const k = rdataStart + field;
      const end = lx.ends[k];
      // Relative (an absolute name reads the same from the record's data).
      if (text.charCodeAt(end - 1) !== 46 || text.charCodeAt(end - 2) === 92) {
        const t = absoluteName(nameText(k), st.origin);
        if (t !== undefined) setTarget(record, keep(t));
      }
      if (type !== 'CNAME') setHostSpan(record, lx.starts[k], end);
    } else if (st.origin !== undefined && needsOrigin(type)) setOrigin(record, st.origin);
    out.records.push(record);
  }
  if (depth === 0) zone.finalState = { ...st };
}

/** Whether two SOA records are one resource record: the same owner, names and numbers (names compared absolute, case-insensitively). */
function sameSoa(a: ResourceRecord, b: ResourceRecord): boolean {
  if (a.owner !== b.owner || a.rdata.length !== b.rdata.length) return false;
  const names = (r: ResourceRecord) => dataNames(r).map((n) => n.name).join(' ');
  if (names(a) !== names(b)) return false;
  for (let i = 2; i < a.rdata.length; i++) if (a.rdata[i].toLowerCase() !== b.rdata[i].toLowerCase() && !(Number(a.rdata[i]) === Number(b.rdata[i]) && /^\d+$/.test(a.rdata[i]) && /^\d+$/.test(b.rdata[i]))) return false;
  return true;
}
