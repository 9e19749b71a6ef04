/**
 * The NAPTR regexp field (RFC 3403 §4.1) as BIND checks it when it loads a zone: a delimiter, a POSIX
 * extended regular expression, the delimiter, a replacement whose back-references `\1`-`\9` name
 * groups the expression has, the delimiter, then only the flag `i`.
 */

/** What is wrong with the regexp field (decoded), or undefined. An empty field is fine. */
export function naptrRegexpProblem(field: string): string | undefined {
  if (field === '') return undefined;
  const delim = field[0];
  if (/[0-9\\i\0]/.test(delim)) return `may not use \`${delim}\` as its delimiter (digits, \`\\\`, \`i\` cannot be one)`;
  let part: 'regex' | 'replace' | 'flags' = 'regex';
  let regex = '';
  let groups = 0;
  for (let i = 1; i < field.length; i++) {
    const c = field[i];
    if (c === '\0') return 'has a NUL character';
    if (c === delim) {
      if (part === 'flags') return `has the delimiter \`${delim}\` more than three times`;
      if (part === 'regex') {
        const n = regexGroups(regex);
        if (n === undefined) return `has a regular expression \`${regex}\` that is not a valid POSIX extended one`;
        groups = n;
        part = 'replace';
      } else part = 'flags';
      continue;
    }
    if (part === 'flags') {
      if (c !== 'i') return `has the flag \`${c}\`; the only flag is \`i\``;
      continue;
    }
    if (part === 'regex') regex += c;
    if (c !== '\\') continue;
    if (++i >= field.length) return 'ends in a lone `\\`';
    const e = field[i];
    if (part === 'regex') {
      regex += e;
      continue;
    }
    if (e === '0') return 'has the back-reference `\\0`; they are `\\1`-`\\9`';
    if (e >= '1' && e <= '9' && Number(e) > groups) return `has the back-reference \`\\${e}\` but the expression has ${groups === 0 ? 'no group' : groups === 1 ? 'one group' : `${groups} groups`}`;
  }
  return part === 'flags' ? undefined : `needs three \`${delim}\` delimiters: \`${delim}regex${delim}replacement${delim}flags\``;
}

const CLASSES = new Set(['alnum', 'alpha', 'blank', 'cntrl', 'digit', 'graph', 'lower', 'print', 'punct', 'space', 'upper', 'xdigit']);
const DUP_MAX = 255;

/**
 * The groups of a POSIX extended regular expression, or undefined when it is not one: an empty
 * expression or branch, a repetition with nothing to repeat, a bound over 255 or out of order, an
 * unclosed `(` or `[`, a bad class, a reversed range, a back-reference to a group not opened yet.
 */
export function regexGroups(re: string): number | undefined {
  if (re === '') return undefined;
  let groups = 0;
  let depth = 0;
  // Whether the last thing read is an atom a repetition may follow, and whether the branch is empty.
  let atom = false;
  let empty = true;
  for (let i = 0; i < re.length; i++) {
    const c = re[i];
    if (c === '\\') {
      // A back-reference names a group opened before it (`\0` is taken as a character).
      if (++i >= re.length || (re[i] >= '1' && re[i] <= '9' && Number(re[i]) > groups)) return undefined;
      atom = true;
      empty = false;
    } else if (c === '[') {
      const end = bracketEnd(re, i);
      if (end === undefined) return undefined;
      i = end;
      atom = true;
      empty = false;
    } else if (c === '(') {
      depth++;
      groups++;
      atom = false;
      empty = true;
      // `()` is an empty group, which POSIX allows.
      if (re[i + 1] === ')') {
        i++;
        depth--;
        atom = true;
        empty = false;
      }
    } else if (c === ')' && depth > 0) {
      if (empty) return undefined;
      depth--;
      atom = true;
    } else if (c === '|') {
      if (empty) return undefined;
      atom = false;
      empty = true;
    } else if (c === '*' || c === '+' || c === '?') {
      if (!atom) return undefined;
      atom = false;
    } else if (c === '{' && /[\d,]/.test(re[i + 1] ?? '')) {
      const m = /^\{(\d*)(,(\d*))?\}/.exec(re.slice(i));
      if (!m || !atom) return undefined;
      const lo = m[1] === '' ? 0 : Number(m[1]);
      const hi = m[2] === undefined ? lo : m[3] === '' ? DUP_MAX : Number(m[3]);
      if (lo > DUP_MAX || hi > DUP_MAX || lo > hi) return undefined;
      i += m[0].length - 1;
      atom = false;
    } else if (c === '^' || c === '$') {
      atom = false;
      empty = false;
    } else {
      atom = true;
      empty = false;
    }
  }
  return depth === 0 && !empty ? groups : undefined;
}

/** Where the bracket expression opened at `start` ends (its `]`), or undefined when it is malformed. */
function bracketEnd(re: string, start: number): number | undefined {
  let i = start + 1;
  if (re[i] === '^') i++;
  if (re[i] === ']') i++;
  let prev: string | undefined;
  for (; i < re.length; i++) {
    const c = re[i];
    if (c === ']') return i;
    if (c === '[' && (re[i + 1] === ':' || re[i + 1] === '.' || re[i + 1] === '=')) {
      const kind = re[i + 1];
      const close = re.indexOf(`${kind}]`, i + 2);
      if (close < 0) return undefined;
      if (kind === ':' && !CLASSES.has(re.slice(i + 2, close))) return undefined;
      prev = kind === ':' ? undefined : re.slice(i + 2, close);
      i = close + 1;
      continue;
    }
    if (c === '-' && prev !== undefined && re[i + 1] !== ']' && i + 1 < re.length) {
      const hi = re[i + 1];
      if (hi < prev) return undefined;
      i++;
      prev = undefined;
      continue;
    }
    prev = c;
  }
  return undefined;
}
