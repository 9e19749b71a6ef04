/**
 * BIND's `$GENERATE` directive (BIND 9 ARM, "BIND primary file extension: the $GENERATE directive"):
 * `$GENERATE start-stop[/step] lhs [ttl] [class] type rhs`, one record per value of the iterator, with
 * `$` in lhs and rhs replaced by the value, `${offset[,width[,base]]}` by the value formatted (bases
 * d, o, x, X, and n/N for reversed nibbles), `$$` by a literal `$`, and `\x` kept as written.
 */

/** The most records one `$GENERATE` line is expanded to (BIND has no limit; past this the rest are not checked). */
export const MAX_GENERATED = 65536;
/** The most records all the `$GENERATE` lines of one file are expanded to. */
export const MAX_GENERATED_TOTAL = 262144;

export interface GenerateRange {
  start: number;
  stop: number;
  step: number;
}

/**
 * `start-stop[/step]`, read as BIND reads it (sscanf "%u-%u/%u": what follows the numbers is ignored,
 * a sign is taken), or undefined when BIND refuses it ("invalid range").
 */
export function parseGenerateRange(s: string): GenerateRange | undefined {
  const m = /^([+-]?\d+)-([+-]?\d+)(\/([+-]?\d+)?)?/.exec(s);
  if (!m || (m[3] !== undefined && m[4] === undefined)) return undefined;
  const [start, stop] = [unsigned(m[1]), unsigned(m[2])];
  const step = m[4] === undefined ? 1 : unsigned(m[4]);
  // BIND keeps the values under 2^31: a larger one (or a negative one, wrapped around) is refused.
  return start <= stop && stop <= 0x7fffffff && step >= 1 && step <= 0x7fffffff ? { start, stop, step } : undefined;
}

/** A number as `%u` stores it: strtoul's value (a minus wraps around 2^64) cut to its low 32 bits. */
function unsigned(s: string): number {
  const digits = BigInt(s.replace(/^[+-]/, ''));
  const max = (1n << 64n) - 1n;
  const v = digits > max ? max : s.startsWith('-') && digits !== 0n ? (1n << 64n) - digits : digits;
  return Number(v & 0xffffffffn);
}

/**
 * The template with the iterator's value substituted, as BIND writes it into the record it reads; a
 * literal `$` comes out escaped (`\$`). Undefined when a `${…}` modifier is malformed or wider than
 * the 127 characters BIND formats it into.
 */
export function substitute(template: string, value: number): string | undefined {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c === '\\') {
      out += template.slice(i, i + 2);
      i++;
      continue;
    }
    if (c !== '$') {
      out += c;
      continue;
    }
    if (template[i + 1] === '$') {
      out += '\\$';
      i++;
      continue;
    }
    if (template[i + 1] !== '{') {
      out += String(value);
      continue;
    }
    const m = /^\{([+-]?\d+)(?:,\+?(\d+)(?:,([doxXnN]))?)?\}/.exec(template.slice(i + 1));
    if (!m) return undefined;
    const v = value + Number(m[1]);
    const width = m[2] === undefined ? 0 : Number(m[2]);
    // BIND formats the value into 128 bytes: a wider one "ran out of space".
    if (width > 127) return undefined;
    const formatted = format(v, width, m[3] ?? 'd');
    if (formatted.length > 127) return undefined;
    out += formatted;
    i += m[0].length;
  }
  return out;
}

function format(v: number, width: number, base: string): string {
  if (base === 'n' || base === 'N') {
    // Reversed nibbles, each followed by a dot; `width` counts characters, dots included.
    let hex = Math.abs(v).toString(16);
    if (base === 'N') hex = hex.toUpperCase();
    const nibbles = [...hex].reverse();
    let s = nibbles.join('.');
    // `width` is a minimum: more nibbles (zeros) until it is reached, never fewer than the value has.
    while (s.length < width) s += s.length % 2 === 1 ? '.' : '0';
    return s;
  }
  const radix = base === 'o' ? 8 : base === 'd' ? 10 : 16;
  let digits = Math.abs(v).toString(radix);
  if (base === 'X') digits = digits.toUpperCase();
  return (v < 0 ? '-' : '') + digits.padStart(width, '0');
}
