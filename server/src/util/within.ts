/**
 * Waits for `work`, or `budgetMs` when given, whichever comes first: DNS questions about report sources
 * answer with what has come by then, and a slow or silent server does not hold the caller up. The timer
 * does not keep a process alive.
 */
export async function within(work: Promise<unknown>, budgetMs: number | undefined): Promise<void> {
  if (budgetMs === undefined) {
    await work;
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const budget = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, budgetMs);
    timer.unref?.();
  });
  await Promise.race([work, budget]);
  clearTimeout(timer);
}
