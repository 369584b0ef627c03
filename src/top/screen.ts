import { argsText, kwargsText, type DecodedMessage } from '../celery/envelope.js';
import { fitColumns } from '../core/table-fit.js';
import { escapeControls, pad, truncate } from '../core/text.js';
import { formatDuration } from '../core/time-format.js';
import type { Tone } from '../core/view.js';
import { pageSize, pageStart, type TopState } from './model.js';
import { isHung, sparkline, workerLines, type WorkerLine } from './rows.js';
import {
  TAB_TITLES,
  type LockRow,
  type MessageRow,
  type QueueRow,
  type SerialRow,
  type Snapshot,
  type UnackedRow,
} from './types.js';

/** One screen line: text that fits the width, a tone, and whether it is the selected row. */
export interface Line {
  text: string;
  tone?: Tone;
  selected?: boolean;
}

interface Col<R> {
  header: string;
  value(r: R): string;
  priority?: number;
  min?: number;
  align?: 'left' | 'right';
}

export interface ScreenInfo {
  title: string;
  intervalS: number;
  hungAfterS: number;
  visibilityTimeoutS: number;
}

const num = (n: number | null | undefined) => (n === null || n === undefined ? '-' : n.toLocaleString('en-US'));
const rate = (n: number | null) => (n === null ? '-' : n >= 10 ? n.toFixed(0) : n.toFixed(1));
const dur = (s: number | null) => (s === null ? '-' : formatDuration(s));
const clean = (s: string | null | undefined) => escapeControls(s ?? '');

/** Columns fitted to the width (priority order, as tables in the command layer), then one line per row. */
function fitTable<R>(cols: Col<R>[], rows: R[], width: number): { header: string; lines: string[] } {
  const cells = rows.map((r) => cols.map((c) => c.value(r)));
  const fit = fitColumns(
    cols.map((c) => ({ header: c.header, priority: c.priority ?? 1, min: c.min ?? 1 })),
    cells,
    width,
  );
  const line = (values: string[]) =>
    fit.keep.map((i, j) => pad(truncate(values[i], fit.widths[j]), fit.widths[j], cols[i].align)).join('  ');
  return { header: line(cols.map((c) => c.header)), lines: cells.map(line) };
}

const QUEUE_COLS: Col<QueueRow>[] = [
  { header: 'QUEUE', value: (q) => clean(q.name), min: 8 },
  { header: 'READY', value: (q) => num(q.ready), align: 'right' },
  { header: 'HELD', value: (q) => num(q.held), align: 'right', priority: 2 },
  { header: 'ORPHANED', value: (q) => num(q.orphaned), align: 'right' },
  { header: 'IN/S', value: (q) => rate(q.inRate), align: 'right', priority: 2 },
  { header: 'OUT/S', value: (q) => rate(q.outRate), align: 'right', priority: 2 },
  { header: 'OLDEST', value: (q) => (q.oldestAge === null ? '-' : `≥${formatDuration(q.oldestAge)}`), priority: 3 },
  { header: 'CONSUMERS', value: (q) => String(q.consumers.length), align: 'right', priority: 3 },
  {
    header: 'BUCKETS',
    value: (q) => q.buckets.map((b) => `${b.step}:${b.length}`).join(' '),
    priority: 4,
  },
  { header: 'DEPTH', value: (q) => sparkline(q.history, 12), priority: 5 },
];

const MESSAGE_COLS: Col<MessageRow>[] = [
  { header: 'POS', value: (m) => String(m.position), align: 'right' },
  { header: 'B', value: (m) => String(m.bucket), align: 'right', priority: 4 },
  { header: 'TASK', value: (m) => clean(m.message.task ?? (m.message.ok ? '?' : 'broken')), min: 12 },
  { header: 'ID', value: (m) => clean(m.message.id), min: 8, priority: 2 },
  { header: 'ARGS', value: (m) => clean(argsText(m.message)), min: 8, priority: 2 },
  { header: 'KWARGS', value: (m) => clean(kwargsText(m.message)), min: 8, priority: 4 },
  { header: 'ETA', value: (m) => clean(m.message.eta), priority: 3 },
  { header: 'RETRIES', value: (m) => num(m.message.retries), align: 'right', priority: 5 },
];

function unackedCols(vt: number): Col<UnackedRow>[] {
  return [
    { header: 'AGE', value: (u) => dur(u.age), align: 'right' },
    { header: 'STATE', value: (u) => u.status },
    { header: 'TASK', value: (u) => clean(u.message?.task ?? '?'), min: 12 },
    { header: 'HOLDER', value: (u) => clean(u.holder ?? '-'), min: 8, priority: 2 },
    { header: 'QUEUE', value: (u) => clean(u.queue ?? '?'), min: 6, priority: 2 },
    { header: 'PAST VT', value: (u) => (u.age !== null && u.age > vt ? formatDuration(u.age - vt) : '-'), priority: 2 },
    { header: 'ETA', value: (u) => clean(u.eta ?? '-'), priority: 3 },
    { header: 'ID', value: (u) => clean(u.message?.id ?? '?'), min: 8, priority: 3 },
  ];
}

function workerCols(hungAfterS: number): Col<WorkerLine>[] {
  return [
    {
      header: 'WORKER / ACTIVE TASK',
      value: (l) => (l.kind === 'worker' ? clean(l.worker.hostname) : `  ${clean(l.task.name ?? '?')}`),
      min: 16,
    },
    {
      header: 'RUNNING',
      value: (l) =>
        l.kind === 'worker'
          ? `${l.worker.active.length} active`
          : `${dur(l.task.runningS)}${isHung(l.task, hungAfterS) ? ' HUNG' : ''}`,
    },
    { header: 'RESERVED', value: (l) => (l.kind === 'worker' ? String(l.worker.reserved) : ''), priority: 2 },
    { header: 'ETA', value: (l) => (l.kind === 'worker' ? String(l.worker.scheduled) : ''), priority: 3 },
    { header: 'DONE', value: (l) => (l.kind === 'worker' ? num(l.worker.processed) : ''), priority: 4 },
    {
      header: 'QUEUES / TASK ID',
      value: (l) => (l.kind === 'worker' ? clean(l.worker.queues.join(',')) : clean(l.task.id)),
      priority: 2,
      min: 8,
    },
  ];
}

const ttl = (ms: number) => (ms === -1 ? 'never' : formatDuration(ms / 1000));
const LOCK_COLS: Col<LockRow>[] = [
  { header: 'NAME', value: (l) => clean(l.name), min: 12 },
  { header: 'TTL', value: (l) => ttl(l.pttl), align: 'right' },
  { header: 'HOLDER', value: (l) => clean(l.holder || '-'), min: 8, priority: 2 },
  { header: 'FENCE', value: (l) => clean(l.fence ?? '-'), priority: 3 },
  { header: 'KIND', value: (l) => l.kind, priority: 3 },
  { header: 'DB', value: (l) => l.source, priority: 4 },
];

const SERIAL_COLS: Col<SerialRow>[] = [
  { header: 'DATE', value: (d) => d.date },
  { header: 'COUNTER', value: (d) => num(d.counter), align: 'right' },
  { header: 'DB ROWS', value: (d) => num(d.rows), align: 'right', priority: 2 },
  { header: 'MAX SEQ', value: (d) => num(d.maxSeq), align: 'right', priority: 2 },
  { header: 'NEXT SERIAL', value: (d) => d.nextSerial, priority: 3, min: 12 },
  { header: 'STATUS', value: (d) => d.status },
];

const KEYS: Record<string, string> = {
  queues: '⏎ messages  R requeue orphans  M move all  P purge all',
  messages: '⏎ detail  / filter  M move  P purge  X revoke',
  unacked: 'R requeue orphan  X revoke',
  workers: 'X revoke task',
  locks: 'D force-release',
  serials: '',
};

function tabBar(s: TopState, width: number): Line {
  const text = s.tabs
    .map((t, i) => (t === s.tab ? `[${i + 1} ${TAB_TITLES[t]}]` : ` ${i + 1} ${TAB_TITLES[t]} `))
    .join(' ');
  return { text: truncate(text, width), tone: 'bold' };
}

function statusLine(s: TopState, snap: Snapshot | null): Line {
  if (!snap) return { text: 'connecting…', tone: 'dim' };
  if (snap.errors.length) return { text: snap.errors.join('; '), tone: 'fail' };
  const u = snap.unacked;
  const orphans = u.rows.filter((r) => r.status === 'orphan').length;
  const base =
    `${snap.queues.length} queue(s), ${num(snap.queues.reduce((n, q) => n + q.ready, 0))} ready, ` +
    `${num(u.total)} unacked (${orphans} orphaned${u.partial ? ` in the oldest ${u.rows.length}` : ''}), ` +
    `${snap.workers.length} worker(s)`;
  if (s.tab === 'messages' && snap.messages) {
    const p = snap.messages;
    const f =
      p.matched === null ? '' : `, filter "${s.filter}": ${p.matched} match in the first ${num(p.scanned)} scanned`;
    return { text: `queue ${clean(p.queue)}: ${num(p.total)} ready${f}` };
  }
  if (s.tab === 'unacked' && u.rule !== 'census')
    return { text: `${base}; census: ${u.distrust.join('; ')}`, tone: 'warn' };
  const stalled = snap.queues.filter((q) => q.notDraining !== null);
  if (s.tab === 'queues' && stalled.length) {
    const which = stalled.map((q) => `${clean(q.name)} ${formatDuration(q.notDraining!)}`).join(', ');
    return { text: `not draining: ${which}; ${base}`, tone: 'warn' };
  }
  return { text: base, tone: orphans ? 'warn' : undefined };
}

function detailLines(m: MessageRow | undefined, queue: string): Line[] {
  if (!m) return [{ text: 'message gone (taken by a worker)', tone: 'dim' }];
  const d: DecodedMessage = m.message;
  const headers = Object.entries(d.headers ?? {}).map(([k, v]) => `  ${k}: ${clean(JSON.stringify(v))}`);
  return [
    `where: queue ${queue}, bucket ${m.bucket}, position ${m.position} in worker order (${m.fromTail} from the tail)`,
    `task: ${clean(d.task)}   id: ${clean(d.id)}`,
    `args: ${clean(argsText(d))}`,
    `kwargs: ${clean(kwargsText(d))}`,
    `eta: ${clean(d.eta) || '-'}   expires: ${clean(d.expires) || '-'}   retries: ${num(d.retries)}`,
    `size: ${d.size} bytes   content-type: ${clean(d.contentType)}   ${d.bodyNote ?? d.error ?? ''}`,
    'headers:',
    ...headers,
  ].map((text) => ({ text }));
}

/** The body of the current tab: a header line and the rows, with the cursor's row marked. */
function body(s: TopState, snap: Snapshot, info: ScreenInfo, width: number): { header: Line; rows: Line[] } {
  const n = pageSize(s);
  const cur = s.cursor[s.tab];
  const windowed = <R>(cols: Col<R>[], rows: R[], start: number, tone?: (r: R) => Tone | undefined) => {
    const t = fitTable(cols, rows, width - 2);
    return {
      header: { text: `  ${t.header}`, tone: 'bold' as Tone },
      rows: t.lines.map((text, i) => ({
        text: `${start + i === cur ? '>' : ' '} ${text}`,
        selected: start + i === cur,
        tone: tone?.(rows[i]),
      })),
    };
  };
  const top = Math.max(0, cur - n + 1);
  const slice = <R>(rows: R[]) => rows.slice(top, top + n);
  switch (s.tab) {
    case 'queues':
      return windowed(QUEUE_COLS, slice(snap.queues), top, (q) =>
        q.orphaned ? 'fail' : q.notDraining !== null ? 'warn' : undefined,
      );
    case 'messages': {
      const p = snap.messages;
      const start = pageStart(s);
      if (s.detail)
        return {
          header: { text: 'message detail (Esc back)', tone: 'bold' },
          rows: detailLines(p?.rows[cur - (p?.offset ?? 0)], p?.queue ?? ''),
        };
      return windowed(MESSAGE_COLS, p && p.offset === start ? p.rows : [], start);
    }
    case 'unacked':
      return windowed(unackedCols(info.visibilityTimeoutS), slice(snap.unacked.rows), top, (u) =>
        u.status === 'orphan' ? 'fail' : u.status === 'unknown' ? 'warn' : undefined,
      );
    case 'workers':
      return windowed(workerCols(info.hungAfterS), slice(workerLines(snap)), top, (l) =>
        l.kind === 'task' && isHung(l.task, info.hungAfterS) ? 'fail' : l.kind === 'worker' ? 'bold' : undefined,
      );
    case 'locks':
      return windowed(LOCK_COLS, slice(snap.locks ?? []), top, (l) => (l.pttl === -1 ? 'warn' : undefined));
    case 'serials':
      if (snap.noSerials) return { header: { text: '' }, rows: [{ text: `  ${clean(snap.noSerials)}` }] };
      return windowed(SERIAL_COLS, snap.serials ?? [], 0, (d) =>
        d.status === 'behind' || d.status === 'invalid' ? 'fail' : d.status === 'missing' ? 'warn' : undefined,
      );
  }
}

function footer(s: TopState): Line {
  if (s.confirm) return { text: `${s.confirm.question} [y/N]`, tone: 'warn' };
  if (s.busy) return { text: 'working…', tone: 'info' };
  if (s.input?.kind === 'filter') return { text: `/${s.input.text}█  (Enter apply, Esc cancel)` };
  if (s.input?.kind === 'move') return { text: `move to queue: ${s.input.text}█  (Enter, Esc cancel)` };
  if (s.note) return { text: s.note, tone: 'info' };
  const actions = s.readOnly ? 'read-only' : KEYS[s.tab];
  return { text: ['q quit  ←→ tab  ↑↓ select', actions, 'r refresh'].filter(Boolean).join('  '), tone: 'dim' };
}

/**
 * The whole screen as `rows - 1` lines none wider than `columns` (Ink then never wraps or scrolls):
 * title, tabs, status, column header, the rows that fit, and a footer with keys, prompts or results.
 */
export function renderScreen(s: TopState, snap: Snapshot | null, info: ScreenInfo): Line[] {
  const width = Math.max(20, s.columns);
  const title: Line = {
    text: `${info.title}  every ${info.intervalS}s${s.readOnly ? '  READ-ONLY' : ''}${
      snap ? `  ${new Date(snap.now * 1000).toISOString().slice(11, 19)}Z` : ''
    }`,
  };
  const lines: Line[] = [title, tabBar(s, width), statusLine(s, snap)];
  const b = snap ? body(s, snap, info, width) : { header: { text: '' }, rows: [] };
  const room = pageSize(s);
  lines.push(b.header, ...b.rows.slice(0, room));
  while (lines.length < room + 4) lines.push({ text: '' });
  lines.push(footer(s));
  return lines.map((l) => ({ ...l, text: truncate(l.text, width) }));
}
