/** How long a Tab press may wait for live names: 250 ms, or LOONCTL_COMPLETE_BUDGET_MS (50-10000) on slow links. */
export function completeBudgetMs(env: NodeJS.ProcessEnv): number {
  const n = Number(env.LOONCTL_COMPLETE_BUDGET_MS);
  return Number.isInteger(n) && n >= 50 && n <= 10_000 ? n : 250;
}
