import type { Severity } from '../types';

/**
 * VS Code shows at most 1 000 diagnostics of a file (the extension host drops the rest, errors kept
 * first); the server sends no more than that by default, so a big zone's keystroke does not make the
 * editor parse and convert thousands it would drop.
 */
export const DEFAULT_MAX_PROBLEMS = 1000;

/**
 * The `max` findings shown when a file has more: the most severe first (errors, then warnings…) and,
 * within a severity, the first in the document, as VS Code picks them; kept in document order.
 */
export function mostSevere<T extends { severity: Severity }>(findings: readonly T[], max: number): T[] {
  const ORDER: Severity[] = ['error', 'warning', 'information', 'hint'];
  const count = [0, 0, 0, 0];
  for (const f of findings) count[ORDER.indexOf(f.severity)]++;
  // Severities above the cut are taken whole; of the one at the cut, the first `room`.
  let cut = 0;
  let room = max;
  while (cut < 4 && count[cut] <= room) room -= count[cut++];
  const out: T[] = [];
  for (const f of findings) {
    const k = ORDER.indexOf(f.severity);
    if (k < cut || (k === cut && room-- > 0)) out.push(f);
  }
  return out;
}
