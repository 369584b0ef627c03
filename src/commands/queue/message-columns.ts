import type { DecodedMessage } from '../../celery/envelope.js';
import { formatLocal, formatRelative, parseInstant } from '../../core/time-format.js';
import type { Column, Limited } from '../../core/view.js';

const shown = (v: unknown, repr: string | null) => (v !== null && v !== undefined ? JSON.stringify(v) : (repr ?? ''));

function etaText(m: DecodedMessage, now: number): string {
  const at = parseInstant(m.eta);
  return at === null ? (m.eta ?? '') : formatRelative(at, now);
}

/**
 * The columns of a decoded message, most useful first. On a narrow terminal the low-priority ones
 * drop out; `-o wide` shows every one, times in `tz` as well as relative.
 */
export function messageColumns<T>(get: (row: T) => DecodedMessage, tz: string, now = Date.now()): Column<T>[] {
  const local = (iso: string | null) => {
    const at = parseInstant(iso);
    return at === null ? (iso ?? '') : formatLocal(at, tz);
  };
  return [
    { header: 'TASK', min: 16, value: (r) => taskText(get(r)), tone: (r) => (get(r).ok ? undefined : 'fail') },
    { header: 'ID', min: 9, value: (r) => get(r).id },
    { header: 'ARGS', min: 12, priority: 3, value: (r) => shown(get(r).args, get(r).argsrepr) },
    { header: 'ETA', min: 7, priority: 2, value: (r) => etaText(get(r), now) },
    { header: 'KWARGS', min: 10, priority: 4, value: (r) => shown(get(r).kwargs, get(r).kwargsrepr) },
    { header: 'PRI', priority: 5, value: (r) => get(r).priority, align: 'right' },
    { header: 'RETRIES', priority: 5, value: (r) => get(r).retries, align: 'right' },
    { header: 'EXPIRES', priority: 5, value: (r) => local(get(r).expires) },
    { header: 'SIZE', priority: 6, value: (r) => get(r).size, align: 'right' },
    { header: 'NOTE', priority: 6, value: (r) => get(r).bodyNote, tone: () => 'dim' },
    { header: `ETA (${tz})`, wide: true, value: (r) => local(get(r).eta) },
    { header: 'ROOT', wide: true, value: (r) => get(r).rootId },
    { header: 'PARENT', wide: true, value: (r) => get(r).parentId },
    { header: 'ORIGIN', wide: true, value: (r) => get(r).origin },
    { header: 'TAG', wide: true, value: (r) => get(r).deliveryTag },
    { header: 'CTYPE', wide: true, value: (r) => get(r).contentType },
    { header: 'REDELIVERED', wide: true, value: (r) => get(r).redelivered },
  ];
}

function taskText(m: DecodedMessage): string | null {
  if (m.ok) return m.task;
  return `(broken: ${m.error})${m.task ? ` ${m.task}` : ''}`;
}

/** Says "20 of 300 shown" when the listing stopped at --limit with more behind it. */
export function maybeMore(shown: number, limit: number, total: number | null, offset = 0): Limited | undefined {
  if (shown < limit) return undefined;
  if (total !== null && total <= offset + shown) return undefined;
  return { shown, total, hint: '--limit, --offset' };
}
