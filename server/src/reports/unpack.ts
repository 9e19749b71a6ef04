/**
 * From report files to XML documents: the bytes are sniffed, never the file name. gzip (nested too),
 * zip (every member, with fflate), report e-mails (MIME walk, base64 and quoted-printable
 * attachments) and bare base64 blobs are unpacked until XML remains.
 */
import { gunzipSync } from 'node:zlib';
import { readFailureReport, type FailureReport } from './failure';
import { headerFields, splitHead } from './mime';
/** fflate, loaded on the first zip archive. */
let fflate: typeof import('fflate') | undefined;
const unzipSync: typeof import('fflate').unzipSync = (data, opts) => (fflate ??= require('fflate') as typeof import('fflate')).unzipSync(data, opts);

export interface XmlDocument {
  /** Where it came from: `file`, `file!member.xml`, `file (attachment report.zip)!member.xml`. */
  origin: string;
  bytes: Uint8Array;
}

export interface UnpackProblem {
  origin: string;
  message: string;
}

const MAX_DEPTH = 6;
const MAX_UNPACKED = 512 * 1024 * 1024;
const MAX_MEMBERS = 2000;

function startsWith(b: Uint8Array, ...sig: number[]): boolean {
  return sig.every((v, i) => b[i] === v);
}

function firstText(b: Uint8Array, n = 2048): string {
  return Buffer.from(b.subarray(0, n)).toString('latin1');
}

/** A message saved from a mailbox file starts with its `From sender date` separator line (mbox): not a header. */
function stripMboxLine(text: string): string {
  return text.startsWith('From ') ? text.slice(text.indexOf('\n') + 1) : text;
}

/**
 * The messages of a mailbox file (mbox: each message starts with a `From <sender> <date>` line), each
 * without that line and with mboxrd's `>From ` quoting undone; the text itself when it is one e-mail.
 */
export function mboxMessages(text: string): string[] {
  if (!text.startsWith('From ')) return [text];
  return text
    // A separator line is `From <sender> <ctime date>`; a body line starting `From ` is written `>From `.
    .split(/(?:^|\r?\n)(?=From \S+ +(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) [^\r\n]*\r?\n)/)
    .filter((m) => m.startsWith('From '))
    .map((m) => stripMboxLine(m).replace(/^>(>*From )/gm, '$1'));
}

export function sniff(b: Uint8Array): 'gzip' | 'zip' | 'xml' | 'email' | 'base64' | 'empty' | 'unknown' {
  if (b.length === 0 || /^\s*$/.test(firstText(b, 64))) return 'empty';
  if (startsWith(b, 0x1f, 0x8b)) return 'gzip';
  if (startsWith(b, 0x50, 0x4b, 0x03, 0x04) || startsWith(b, 0x50, 0x4b, 0x05, 0x06)) return 'zip';
  const head = stripMboxLine(firstText(b).replace(/^\uFEFF|^\xEF\xBB\xBF/, '').trimStart());
  if (head.startsWith('<')) return 'xml';
  if (/^(?:[A-Za-z][A-Za-z0-9-]*:[^\n]*\r?\n)+/.test(head) && /^(?:received|return-path|from|to|subject|date|message-id|mime-version|content-type|delivered-to|dkim-signature|x-[a-z0-9-]+|arc-[a-z-]+|authentication-results):/im.test(head)) return 'email';
  if (/^[A-Za-z0-9+/=\r\n]+$/.test(head.slice(0, 512)) && head.length > 16) return 'base64';
  return 'unknown';
}

function decodeQuotedPrintable(s: string): Buffer {
  const bytes: number[] = [];
  const text = s.replace(/=\r?\n/g, '');
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(text.charCodeAt(i) & 0xff);
  }
  return Buffer.from(bytes);
}

interface MimePart {
  headers: Map<string, string>;
  body: string;
}

function parsePart(raw: string): MimePart {
  const { head, body } = splitHead(raw);
  // A field given twice: the last one counts.
  return { headers: new Map(headerFields(head)), body };
}

function param(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  const m = new RegExp(`${name}\\*?=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(header);
  return m ? (m[1] ?? m[2]) : undefined;
}

/** The leaf parts of a MIME message, decoded, with their file names. */
function mimeLeaves(raw: string, depth = 0): { name: string; data: Buffer; type: string }[] {
  const part = parsePart(raw);
  const type = part.headers.get('content-type') ?? 'text/plain';
  const boundary = param(type, 'boundary');
  if (/^multipart\//i.test(type) && boundary && depth < MAX_DEPTH) {
    const pieces = part.body.split(new RegExp(`\\r?\\n?--${boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:--)?[ \\t]*\\r?\\n?`));
    return pieces.slice(1).filter((p) => p.trim() !== '').flatMap((p) => mimeLeaves(p, depth + 1));
  }
  const enc = (part.headers.get('content-transfer-encoding') ?? '').toLowerCase();
  const data = enc === 'base64' ? Buffer.from(part.body.replace(/\s+/g, ''), 'base64') : enc === 'quoted-printable' ? decodeQuotedPrintable(part.body) : Buffer.from(part.body, 'latin1');
  const name = param(part.headers.get('content-disposition'), 'filename') ?? param(type, 'name') ?? type.split(';')[0];
  return [{ name, data, type }];
}

export interface Unpacked {
  docs: XmlDocument[];
  /** DMARC failure reports (RFC 9991) found in e-mails. */
  failureReports: FailureReport[];
  problems: UnpackProblem[];
}

/** Unpacks any supported container down to XML documents and failure reports, collecting what could not be read. */
export function unpack(bytes: Uint8Array, origin: string, depth = 0, total = { n: 0 }, limit = MAX_UNPACKED): Unpacked {
  const MAX_UNPACKED = limit;
  const docs: XmlDocument[] = [];
  const failureReports: FailureReport[] = [];
  const problems: UnpackProblem[] = [];
  const push = (r: Unpacked) => {
    docs.push(...r.docs);
    failureReports.push(...r.failureReports);
    problems.push(...r.problems);
  };
  if (depth > MAX_DEPTH) return { docs, failureReports, problems: [{ origin, message: `containers nested more than ${MAX_DEPTH} deep; not unpacked further` }] };
  total.n += bytes.length;
  if (total.n > MAX_UNPACKED) return { docs, failureReports, problems: [{ origin, message: `more than ${MAX_UNPACKED / 2 ** 20} MB unpacked; stopped (a zip bomb?)` }] };
  const kind = sniff(bytes);
  try {
    switch (kind) {
      case 'xml':
        docs.push({ origin, bytes });
        break;
      case 'gzip': {
        // The cap applies while inflating: a gzip bomb stops at the limit instead of filling memory.
        let out: Buffer;
        try {
          out = gunzipSync(bytes, { maxOutputLength: Math.max(1, MAX_UNPACKED - total.n) });
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
            problems.push({ origin, message: `inflates to more than ${MAX_UNPACKED / 2 ** 20} MB; refused (a gzip bomb?)` });
            break;
          }
          throw e;
        }
        push(unpack(out, `${origin} (gunzipped)`, depth + 1, total, limit));
        break;
      }
      case 'zip': {
        // Members are checked by their declared sizes before anything is inflated, and never written to disk.
        // fflate keys the members it returns by name, so an archive with several members of one name
        // (the format allows it) is read once per occurrence: pass k inflates the k-th member of each name.
        let count = 0;
        let declared = 0;
        let refused = '';
        const occurrences = new Map<string, number>();
        const members: { name: string; nth: number; data: Uint8Array }[] = [];
        for (let pass = 0, passes = 1; pass < passes && !refused; pass++) {
          const nth = new Map<string, number>();
          const got = unzipSync(bytes, {
            filter: (f) => {
              if (f.name.endsWith('/')) return false;
              const k = nth.get(f.name) ?? 0;
              nth.set(f.name, k + 1);
              if (pass === 0) {
                occurrences.set(f.name, k + 1);
                passes = Math.max(passes, k + 1);
                count++;
                declared += f.originalSize;
                if (count > MAX_MEMBERS) refused ||= `more than ${MAX_MEMBERS} members`;
                else if (total.n + declared > MAX_UNPACKED) refused ||= `members that inflate to more than ${MAX_UNPACKED / 2 ** 20} MB`;
              }
              return !refused && k === pass;
            },
          });
          for (const name of Object.keys(got)) if (!name.endsWith('/')) members.push({ name, nth: pass, data: got[name] });
        }
        if (refused) problems.push({ origin, message: `the zip archive has ${refused}; the rest is refused (a zip bomb?)` });
        if (members.length === 0 && !refused) problems.push({ origin, message: 'the zip archive has no files' });
        // In archive order by name, each occurrence of a repeated name told apart in its origin.
        const rank = new Map([...occurrences.keys()].map((n, i) => [n, i]));
        members.sort((a, b) => rank.get(a.name)! - rank.get(b.name)! || a.nth - b.nth);
        for (const m of members) {
          const shown = m.name || '(a member with no name)';
          const of = occurrences.get(m.name) ?? 1;
          push(unpack(m.data, `${origin}!${shown}${of > 1 ? ` (member ${m.nth + 1} of ${of} with this name)` : ''}`, depth + 1, total, limit));
        }
        break;
      }
      case 'email': {
        // A mailbox (mbox) holds many messages: each is read on its own.
        const messages = mboxMessages(Buffer.from(bytes).toString('latin1'));
        messages.forEach((raw, k) => {
          const where = messages.length > 1 ? `${origin} (message ${k + 1})` : origin;
          const leaves = mimeLeaves(raw);
          let found = 0;
          // A failure report: the feedback-report part, with the failed message (or its headers) beside it.
          const feedback = leaves.find((l) => /^message\/feedback-report/i.test(l.type));
          if (feedback) {
            const copy = leaves.find((l) => /^(message\/rfc822|text\/rfc822-headers)/i.test(l.type));
            failureReports.push(readFailureReport(where, feedback.data.toString('utf8'), copy && { kind: /^message/i.test(copy.type) ? 'message' : 'headers', text: copy.data.toString('utf8') }, raw));
            found++;
          }
          for (const leaf of leaves) {
            const kind = sniff(leaf.data);
            if (kind === 'xml' || kind === 'gzip' || kind === 'zip') {
              found++;
              push(unpack(leaf.data, `${where} (attachment ${leaf.name})`, depth + 1, total, limit));
            }
          }
          if (found === 0) problems.push({ origin: where, message: `the e-mail has no XML, gzip or zip attachment and is no failure report (parts: ${leaves.map((l) => l.type.split(';')[0]).join(', ') || 'none'})` });
        });
        break;
      }
      case 'base64':
        push(unpack(Buffer.from(Buffer.from(bytes).toString('latin1').replace(/\s+/g, ''), 'base64'), `${origin} (base64)`, depth + 1, total, limit));
        break;
      case 'empty':
        problems.push({ origin, message: 'the file is empty' });
        break;
      default:
        problems.push({ origin, message: 'not a DMARC report: neither XML nor gzip, zip or an e-mail (first bytes: ' + JSON.stringify(firstText(bytes, 16)) + ')' });
    }
  } catch (e) {
    problems.push({ origin, message: `${kind} data is damaged: ${(e as Error).message}` });
  }
  return { docs, failureReports, problems };
}
