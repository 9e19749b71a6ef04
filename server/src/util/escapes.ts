/**
 * The code point that the `n` hex digits at `text[at…]` spell (a `\uXXXX`, `\UXXXXXXXX` or `\xXX`
 * escape in HCL and YAML strings), or undefined when there are not `n` of them or it is past U+10FFFF.
 */
export function hexCodePoint(text: string, at: number, n: number): number | undefined {
  const digits = text.slice(at, at + n);
  if (digits.length !== n || !/^[0-9A-Fa-f]+$/.test(digits)) return undefined;
  const code = parseInt(digits, 16);
  return code <= 0x10ffff ? code : undefined;
}
