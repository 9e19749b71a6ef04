/**
 * Long computations written once as generators that yield between slices of work: run to the end at
 * once (`drain`, the CLI), or pausing at each yield so an event loop runs meanwhile (`sliced`, the
 * language server reading and summing up a 100 MB report).
 */

/** Runs the steps to their end without pausing. */
export function drain<T>(steps: Generator<void, T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** Until the event loop has run what waits (I/O, timers, messages). */
export const nextTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Runs the steps to their end, awaiting `pause` at each yield. */
export async function sliced<T>(steps: Generator<void, T>, pause: () => Promise<void> = nextTurn): Promise<T> {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await pause();
  }
}
