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

