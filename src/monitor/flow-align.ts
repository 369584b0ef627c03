/** A bucket list's ends as one look saw them (what is kept between looks). */
export interface BucketEnds {
  length: number;
  /** Fingerprints from the tail inwards ([0] runs next). */
  tail: string[];
  /** Fingerprints from the head inwards ([0] was pushed last). */
  head: string[];
}

/** What happened to one bucket list between two looks. */
export interface Movement {
  /** LPUSHed at the head. */
  enqueued: number;
  /** Taken from the tail. */
  dequeued: number;
  /** Pushed back at the tail (kombu restore, requeue): counted apart from enqueued. */
  restored: number;
  /** Gone from the middle (a filtered purge or move): neither taken from the tail nor pushed. */
  removed: number;
  /** False when the counts are lower bounds (see `note`). */
  exact: boolean;
  note: 'tail_lost' | 'ambiguous' | 'inconsistent' | null;
}

/** Whether the new tail window lines up with the old one shifted by `s` (old index = new index + s). */
function tailFits(old: string[], now: string[], s: number): { ok: boolean; overlap: number } {
  let overlap = 0;
  for (let j = Math.max(0, -s); j < now.length && j + s < old.length; j++) {
    if (now[j] !== old[j + s]) return { ok: false, overlap };
    overlap++;
  }
  return { ok: true, overlap };
}

/** Whether the old head window sits at index `e` of the new head window (as far as the window shows). */
function headFits(old: string[], now: string[], e: number): boolean {
  for (let j = 0; j < old.length && e + j < now.length; j++) if (now[e + j] !== old[j]) return false;
  return true;
}

function moved(e: number, s: number, exact: boolean, note: Movement['note'], removed = 0): Movement {
  return { enqueued: e, dequeued: Math.max(0, s), restored: Math.max(0, -s), removed, exact, note };
}

/**
 * Explains the change between two looks at a list that producers LPUSH and workers RPOP: where the old
 * head is now (`found`: index from the new head, -1 when not within `searched` elements) gives the pushes,
 * where the old tail is now gives the pops, and both must agree with the change in length. Among several
 * explanations (identical messages) the one with the least activity is taken and marked inexact.
 */
export function align(old: BucketEnds, now: BucketEnds, found: number, searched: number): Movement {
  const delta = now.length - old.length;
  // Messages pushed and taken between two looks are never seen by anyone watching the broker alone;
  // counts are exact for the messages a look saw, so an empty list explains itself.
  if (old.length === 0) return moved(now.length, 0, true, null);
  // Every index where the old head window fits, in the window, plus the script's match deeper down.
  const heads: number[] = [];
  const loose: number[] = [];
  for (let e = 0; e < now.head.length; e++) {
    if (now.head[e] !== old.head[0]) continue;
    loose.push(e);
    if (headFits(old.head, now.head, e)) heads.push(e);
  }
  if (found >= now.head.length) {
    heads.push(found);
    loose.push(found);
  }
  const both = heads.filter((e) => tailFits(old.tail, now.tail, e - delta).ok);
  const plain = both.filter((e) => e - delta >= 0);
  const pick = (xs: number[]) => moved(xs[0], xs[0] - delta, xs.length === 1, xs.length > 1 ? 'ambiguous' : null);
  if (plain.length > 0) return pick(plain);
  if (both.length > 0) return pick(both);
  const tails: number[] = [];
  for (let s = 1 - now.tail.length; s < old.tail.length; s++) {
    const fit = tailFits(old.tail, now.tail, s);
    if (fit.ok && fit.overlap > 0) tails.push(s);
  }
  // Something left the middle of a window (a filtered purge or move): the ends still say where the old
  // head and the old tail are, and the length change says how many went from between them.
  const tailNow = now.tail.length > 0 ? old.tail.indexOf(now.tail[0]) : -1;
  const s0 = tails.find((x) => x >= 0) ?? (tailNow >= 0 ? tailNow : undefined);
  if (loose.length > 0 && s0 !== undefined) {
    const removed = loose[0] - s0 - delta;
    if (removed > 0) return moved(loose[0], s0, true, null, removed);
  }
  // No head evidence the tail agrees with: pushes are at least what the search walked past.
  const headGone = found < 0 && now.length <= searched;
  const minPush = found < 0 ? Math.min(now.length, searched) : 0;
  if (loose.length === 0 && !headGone) {
    const fits = tails.filter((s) => s + delta >= minPush);
    const ordered = [...fits.filter((s) => s >= 0), ...fits.filter((s) => s < 0)];
    if (ordered.length > 0) return pick(ordered.map((s) => s + delta));
  }
  if (loose.length > 0) return moved(loose[0], Math.max(0, loose[0] - delta), false, 'inconsistent');
  // Both ends lost: at least the old tail window went, at least `minPush` arrived, all of it if the
  // old head is gone too.
  const s = Math.max(old.tail.length, minPush - delta, headGone ? old.length : 0, -delta);
  return moved(s + delta, s, false, 'tail_lost');
}
