/**
 * The fallback for any other text file (a script, a README, a JSON or YAML file that is not a known
 * infrastructure format): every quoted string literal that starts `v=spf1`, `v=DMARC1` or `v=DKIM1`
 * is checked as a record of unknown owner, so owner-dependent rules stay silent. Strings in double
 * quotes, single quotes and backticks, with backslash escapes, as most languages write them.
 */
import { SourceMap } from '../sourcemap';
import type { RecordSite, ValueSyntax } from '../types';
import type { ZoneFile } from './zonefile';

const START = /(["'`])(v=spf1(?=[\s"'`\\]|$)|v=DMARC1|v=DKIM1)/gi;
const ESC: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', "'": "'", '`': '`', '\\': '\\', '/': '/' };

export function readFallback(text: string, uri: string): ZoneFile {
  const out: ZoneFile = { uri, format: 'text', records: [], sites: [], problems: [], texts: new Map([[uri, text]]), origin: undefined, originExplicit: false };
  if (!/v=(spf1|DMARC1|DKIM1)/i.test(text)) return out;
  START.lastIndex = 0;
  for (let m = START.exec(text); m; m = START.exec(text)) {
    const quote = m[1];
    const open = m.index;
    const map = new SourceMap();
    let value = '';
    let i = open + 1;
    let closed = false;
    for (; i < text.length; i++) {
      const ch = text[i];
      if (ch === quote) {
        closed = true;
        break;
      }
      if (ch === '\n' && quote !== '`') break; // an unterminated literal: not a string we can read
      if (ch === '\\' && i + 1 < text.length) {
        const e = ESC[text[i + 1]];
        if (e !== undefined) {
          map.addEscape(i, 2);
          value += e;
          i++;
          continue;
        }
      }
      map.addLiteral(i, 1);
      value += ch;
    }
    if (!closed) continue;
    const syntax: ValueSyntax = { host: quote === '"' ? 'yaml-double' : 'js' };
    const site: RecordSite = {
      owner: undefined,
      type: 'TXT',
      value,
      strings: [{ start: 0, end: value.length, bytes: Buffer.byteLength(value) }],
      map,
      syntax,
      uri,
      range: { start: open, end: i + 1 },
      ownerRange: { start: open, end: open },
    };
    out.sites.push(site);
    out.records.push({ owner: undefined, type: 'TXT', ttl: undefined, rdata: [value], uri, range: site.range, site });
    START.lastIndex = i + 1;
  }
  return out;
}
