/**
 * The rules whose first fix `dmarc-lens check --fix` applies without asking. Each makes a record read
 * as it visibly reads: typography, encoding, case, white space and separators that DNS or receivers
 * read otherwise than a person does; or it removes a term receivers skip (the same mechanism again).
 * A fix that picks a policy, or writes what the file does not spell out (`+all` → `~all` or `-all`,
 * `-all` moved to the end, a `redirect` or an `all` dropped, `v=DMARC1` inserted, two SPF records
 * merged, a DMARC record added, `pct`/`rf`/`ri` taken out for RFC 7489 receivers) stays a quick fix
 * that a person chooses.
 */
export const AUTOFIX: ReadonlySet<string> = new Set([
  'zone/byte-order-mark',
  'zone/string-too-long',
  'zone/typographic-quotes',
  'source/lookalike-character',
  'octodns/unescaped-semicolon',
  'dmarc/leading-whitespace',
  'dmarc/comma-separator',
  'dmarc/missing-separator',
  'dmarc/whitespace-around-equals',
  'dkim/tag-case',
  'dkim/whitespace-in-key',
  'dkim/key-encoding',
  'spf/duplicate-mechanism',
  // Not meta/unused-suppression: the fix pass walks no SPF trees (no DNS), so it cannot tell that a
  // suppression of a lookup-tree finding is in use.
]);
