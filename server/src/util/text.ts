/**
 * Small string helpers that stay linear on any input. An unanchored regex such as `/[\s;]+$/` tries
 * every start position, and on a long run of those characters that does not reach the end (80 000
 * spaces before `p=none`) that is quadratic: seconds for one record.
 */

/** Whether domain name `d` is `parent` or a name under it (both lower case, without a trailing dot). */
export function isUnder(d: string, parent: string): boolean {
  return d === parent || d.endsWith(`.${parent}`);
}

/** Length of `s` without its trailing whitespace and `;` (where `s.replace(/[\s;]+$/, '')` would end). */
export function endWithoutSeparators(s: string): number {
  let end = s.length;
  while (end > 0) {
    const c = s[end - 1];
    if (c !== ';' && !/\s/.test(c)) break;
    end--;
  }
  return end;
}


/** Edit distance with adjacent transpositions counted once (optimal string alignment): `sendgird` is 1 from `sendgrid`. */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.length][b.length];
}

/**
 * Where to close a quoted string left open on its line, which runs from its quote at `start` to `end`
 * (its line's end): before the closing brackets and commas that end the line when the line opened at
 * least that many brackets (`opens`, less the `closes` after them) before the string (`["v=spf1 -all]` → before `]`); with
 * `semicolon`, before a `;` that ends the statement; else after its last character that is not white
 * space. `where` says it for a message and a fix title.
 */
export function closeStringAt(text: string, start: number, end: number, opens: RegExp, closes: RegExp, semicolon = false): { at: number; where: string } {
  const segment = text.slice(start, end);
  const before = text.slice(text.lastIndexOf('\n', start - 1) + 1, start);
  const depth = (before.match(opens)?.length ?? 0) - (before.match(closes)?.length ?? 0);
  const trail = (semicolon ? /[\])},;\s]*$/ : /[\])},\s]*$/).exec(segment.slice(1))![0];
  const closers = trail.replace(/[\s,;]/g, '').length;
  const last = end - /\s*$/.exec(segment)![0].length;
  const at = depth > 0 && closers > 0 && closers <= depth ? end - trail.length : semicolon && closers === 0 && trail.trim().endsWith(';') ? end - trail.length : last;
  return { at, where: at < last ? ` before \`${text.slice(at, end).trim()}\`` : ' at the end of the line' };
}
