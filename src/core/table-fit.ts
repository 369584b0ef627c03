import { displayWidth } from './text.js';

/** What the fitter needs to know of a column. */
export interface FitColumn {
  /** 1 = always shown; larger numbers drop out first when the terminal is narrow. */
  priority: number;
  /** Narrowest the column may be truncated to. */
  min: number;
  header: string;
}

/** Columns kept (indices into the input) and the width of each. */
export interface Fit {
  keep: number[];
  widths: number[];
}

/** Border and padding cost of a bordered table with `n` columns: `│ a │ b │`. */
export const tableOverhead = (n: number): number => 3 * n + 1;

/** A width the column reads well at: its whole content when short, else about twice its minimum. */
const comfortable = (natural: number, floor: number) => Math.min(natural, Math.max(floor * 2, 20));

/**
 * Chooses which columns to show and how wide, so the table fits `available` columns. Columns of
 * priority 1 always stay; the others join in priority order while each fits at its minimum beside
 * the columns already chosen at a comfortable width. The widest columns are then truncated towards
 * their minimum. Nothing wraps unless the priority-1 columns alone cannot fit.
 */
export function fitColumns(cols: readonly FitColumn[], cells: readonly (readonly string[])[], available: number): Fit {
  const natural = cols.map((c, i) => Math.max(displayWidth(c.header), ...cells.map((r) => displayWidth(r[i] ?? ''))));
  const floor = cols.map((c, i) => Math.min(natural[i], Math.max(c.min, displayWidth(c.header))));
  const byPriority = cols.map((_, i) => i).sort((a, b) => cols[a].priority - cols[b].priority || a - b);
  const chosen = new Set(byPriority.filter((i) => cols[i].priority <= 1));
  const easy = (i: number) => (chosen.has(i) ? comfortable(natural[i], floor[i]) : 0);
  for (const i of byPriority) {
    if (chosen.has(i)) continue;
    const others = [...chosen].reduce((sum, j) => sum + easy(j), 0) + tableOverhead(chosen.size + 1);
    // Strict priority: once a column cannot fit even at its minimum, nothing less important is shown.
    if (others + floor[i] > available) break;
    chosen.add(i);
  }
  const keep = cols.map((_, i) => i).filter((i) => chosen.has(i));
  const widths = keep.map((i) => natural[i]);
  let excess = widths.reduce((s, w) => s + w, 0) + tableOverhead(keep.length) - available;
  while (excess > 0) {
    let widest = -1;
    for (let j = 0; j < keep.length; j++) {
      if (widths[j] > floor[keep[j]] && (widest < 0 || widths[j] > widths[widest])) widest = j;
    }
    if (widest < 0) break;
    const others = widths.filter((_, j) => j !== widest);
    const second = others.length ? Math.max(...others) : 0;
    const target = Math.max(floor[keep[widest]], Math.min(second, widths[widest] - 1), widths[widest] - excess);
    const cut = Math.max(1, widths[widest] - target);
    widths[widest] -= cut;
    excess -= cut;
  }
  return { keep, widths };
}
