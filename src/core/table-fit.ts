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

/**
 * Chooses which columns to show and how wide, so the table fits `available` columns: first the
 * lowest-priority columns drop out until the rest fit at their minimum widths, then the widest
 * columns are truncated towards their minimum. Nothing wraps unless even that cannot fit.
 */
export function fitColumns(cols: readonly FitColumn[], cells: readonly (readonly string[])[], available: number): Fit {
  const natural = cols.map((c, i) => Math.max(displayWidth(c.header), ...cells.map((r) => displayWidth(r[i] ?? ''))));
  const floor = cols.map((c, i) => Math.min(natural[i]!, Math.max(c.min, displayWidth(c.header))));
  let keep = cols.map((_, i) => i);
  const need = (k: number[]) => k.reduce((s, i) => s + floor[i]!, 0) + tableOverhead(k.length);
  while (need(keep) > available) {
    const droppable = keep.filter((i) => cols[i]!.priority > 1);
    if (droppable.length === 0) break;
    const worst = droppable.reduce((a, b) => (cols[b]!.priority >= cols[a]!.priority ? b : a));
    keep = keep.filter((i) => i !== worst);
  }
  const widths = keep.map((i) => natural[i]!);
  let excess = widths.reduce((s, w) => s + w, 0) + tableOverhead(keep.length) - available;
  while (excess > 0) {
    let widest = -1;
    for (let j = 0; j < keep.length; j++) {
      if (widths[j]! > floor[keep[j]!]! && (widest < 0 || widths[j]! > widths[widest]!)) widest = j;
    }
    if (widest < 0) break;
    const others = widths.filter((_, j) => j !== widest);
    const target = Math.max(floor[keep[widest]!]!, Math.min(...others, widths[widest]! - 1), widths[widest]! - excess);
    const cut = Math.max(1, widths[widest]! - target);
    widths[widest]! -= cut;
    excess -= cut;
  }
  return { keep, widths };
}
