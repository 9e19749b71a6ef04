/**
 * The fallback for any other text file (a script, a README, a JSON or YAML file that is not a known
 * infrastructure format): every quoted string literal that starts `v=spf1`, `v=DMARC1`, `v=DKIM1`, `v=BIMI1`, `v=TLSRPTv1` or `v=STSv1`
 * is checked as a record of unknown owner, so owner-dependent rules stay silent. Strings in double
 * quotes, single quotes and backticks, with backslash escapes, as most languages write them.
 *
 * A literal that is a piece of a value built when the program runs is read with holes where the
 * program puts the rest (records/holes): a JavaScript template's `${…}`, a Python f-string's `{…}`,
 * `"…%s…" % x` and `"…{}…".format(x)`, and what `+` appends. A literal that `+` appends to something
 * else is not the start of a record.
 */
import { SourceMap } from '../sourcemap';
import type { RecordSite, ValueSyntax } from '../types';
import type { ZoneFile } from './zonefile';
import { HOLE, startsAsRecord } from '../records/holes';
import { markHoles } from '../util/zonenames';
import { holesAt } from './layers';

const START = /(["'`])(v=spf1(?=[\s"'`\\]|$)|v=DMARC1|v=DKIM1|v=BIMI1|v=TLSRPTv1|v=STSv1)/gi;
const ESC: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', "'": "'", '`': '`', '\\': '\\', '/': '/' };

export function readFallback(text: string, uri: string): ZoneFile {
  const out: ZoneFile = { uri, format: 'text', records: [], sites: [], problems: [], texts: new Map([[uri, text]]), origin: undefined, originExplicit: false };
  if (!/v=(spf1|DMARC1|DKIM1|BIMI1|TLSRPTv1|STSv1)/i.test(text)) return out;
  START.lastIndex = 0;
  for (let m = START.exec(text); m; m = START.exec(text)) {
    const quote = m[1];
    const open = m.index;
    // `x + "v=spf1 …"`: the middle of a value, not a record.
    if (/\+\s*$/.test(text.slice(Math.max(0, open - 40), open))) continue;
    const before = text.slice(Math.max(0, open - 3), open);
    const fString = /(^|[^A-Za-z0-9_])[rR]?[fF][rR]?$/.test(before);
    let map = new SourceMap();
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
      // A part the program fills in: a hole over where it is written.
      const fill = quote === '`' && ch === '$' && text[i + 1] === '{' ? 2 : fString && ch === '{' && text[i + 1] !== '{' ? 1 : 0;
      if (fill) {
        const close = text.indexOf('}', i + fill);
        if (close < 0 || text.slice(i, close).includes('\n')) break;
        map.addEscape(i, close + 1 - i);
        value += HOLE;
        i = close;
        continue;
      }
      if (fString && (ch === '{' || ch === '}') && text[i + 1] === ch) {
        map.addEscape(i, 2);
        value += ch;
        i++;
        continue;
      }
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
    // What comes after: `+ more` appends an unknown rest; `% args` and `.format(…)` fill `%s` and `{}`.
    const after = /^\s*(\+|%(?!=)|\.format\()/.exec(text.slice(i + 1, i + 12))?.[1];
    if (after === '%' || after === '.format(') {
      const slot = after === '%' ? /%(\([^)]*\))?[-#0 +]*\d*(\.\d+)?[sdifrxXeEgGcao]/g : /\{[^{}]*\}/g;
      ({ value, map } = holesAt({ value, map }, slot, HOLE));
    } else if (after === '+') {
      // The rest stands at the `+`.
      map.addEscape(text.indexOf('+', i + 1), 1);
      value += HOLE;
    }
    const hole = value.indexOf(HOLE);
    if (hole >= 0 && !startsAsRecord(value.slice(0, hole))) {
      START.lastIndex = i + 1;
      continue;
    }
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
    out.sites.push(markHoles(site));
    out.records.push({ owner: undefined, type: 'TXT', ttl: undefined, rdata: [value], uri, range: site.range, site });
    START.lastIndex = i + 1;
  }
  return out;
}
