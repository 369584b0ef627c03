import { workerLines } from './rows.js';
import { TABS, type Snapshot, type TabId, type ViewRequest } from './types.js';

/** An action the operator asked for, waiting for the confirmation that names its count. */
export interface Plan {
  /** The uppercase key that asked for it. */
  key: string;
  question: string;
  run(): Promise<string>;
}

export interface TopState {
  tabs: TabId[];
  tab: TabId;
  /** Selected row per tab; for Messages, the position in the queue (worker order). */
  cursor: Record<TabId, number>;
  queue: string | null;
  filter: string;
  /** Text being typed: the filter after `/`, or the destination of a move. */
  input: { kind: 'filter' | 'move'; text: string } | null;
  detail: boolean;
  confirm: Plan | null;
  note: string | null;
  readOnly: boolean;
  busy: boolean;
  columns: number;
  rows: number;
}

/** The keys of Ink's useInput that top reads. */
export interface Key {
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  return?: boolean;
  escape?: boolean;
  ctrl?: boolean;
  tab?: boolean;
  shift?: boolean;
  backspace?: boolean;
  delete?: boolean;
}

export type Effect =
  | { type: 'quit' }
  | { type: 'refresh'; fresh?: boolean }
  | { type: 'action'; key: string; arg?: string }
  | { type: 'confirm' };

/** Title, tab bar, status and header above the rows, the footer below, and one spare line so Ink never scrolls. */
export const CHROME_LINES = 6;
export const DESTRUCTIVE_KEYS = ['R', 'M', 'P', 'X', 'D'];

export function initialState(o: { readOnly: boolean; serials: boolean; columns: number; rows: number }): TopState {
  return {
    tabs: TABS.filter((t) => t !== 'serials' || o.serials),
    tab: 'queues',
    cursor: { queues: 0, messages: 0, unacked: 0, workers: 0, locks: 0, serials: 0 },
    queue: null,
    filter: '',
    input: null,
    detail: false,
    confirm: null,
    note: null,
    readOnly: o.readOnly,
    busy: false,
    columns: o.columns,
    rows: o.rows,
  };
}

/** Rows of data the screen has room for. */
export function pageSize(s: Pick<TopState, 'rows'>): number {
  return Math.max(1, s.rows - CHROME_LINES);
}

/** First position of the Messages page that holds the cursor. */
export function pageStart(s: TopState): number {
  const n = pageSize(s);
  return Math.floor(s.cursor.messages / n) * n;
}

/** How many rows the current tab has in this snapshot (the cursor is kept inside). */
export function rowCount(s: TopState, snap: Snapshot | null): number {
  if (!snap) return 0;
  switch (s.tab) {
    case 'queues':
      return snap.queues.length;
    case 'messages': {
      const p = snap.messages;
      if (!p) return 0;
      return p.matched ?? p.total;
    }
    case 'unacked':
      return snap.unacked.rows.length;
    case 'workers':
      return workerLines(snap).length;
    case 'locks':
      return snap.locks?.length ?? 0;
    case 'serials':
      return snap.serials?.length ?? 0;
  }
}

const clamp = (n: number, max: number) => Math.max(0, Math.min(n, Math.max(0, max - 1)));

function moveCursor(s: TopState, snap: Snapshot | null, delta: number): TopState {
  const n = rowCount(s, snap);
  const next = clamp(s.cursor[s.tab] + delta, n);
  const st = { ...s, cursor: { ...s.cursor, [s.tab]: next } };
  if (s.tab === 'queues' && snap?.queues[next]) return selectQueue(st, snap.queues[next].name);
  return st;
}

function selectQueue(s: TopState, queue: string): TopState {
  if (s.queue === queue) return s;
  return { ...s, queue, filter: '', detail: false, cursor: { ...s.cursor, messages: 0 } };
}

/** A new snapshot: keeps the cursors inside the rows and picks a queue when none is selected. */
export function withSnapshot(s: TopState, snap: Snapshot): TopState {
  let st = s;
  const names = snap.queues.map((q) => q.name);
  if (st.queue === null || (!names.includes(st.queue) && st.tab !== 'messages')) {
    const q = snap.queues[clamp(st.cursor.queues, names.length)];
    if (q) st = selectQueue({ ...st, cursor: { ...st.cursor, queues: clamp(st.cursor.queues, names.length) } }, q.name);
  }
  // A queue that appears above the selected one must not slide the cursor onto it: the cursor follows the queue.
  const at = st.queue === null ? -1 : names.indexOf(st.queue);
  if (at >= 0 && st.cursor.queues !== at) st = { ...st, cursor: { ...st.cursor, queues: at } };
  const n = rowCount(st, snap);
  if (st.cursor[st.tab] >= n && n > 0) st = { ...st, cursor: { ...st.cursor, [st.tab]: n - 1 } };
  return st;
}

function switchTab(s: TopState, tab: TabId): TopState {
  return { ...s, tab, detail: false, note: null };
}

function typing(s: TopState, input: string, key: Key): { state: TopState; effect?: Effect } {
  const field = s.input!;
  if (key.escape) return { state: { ...s, input: null } };
  if (key.return) {
    if (field.kind === 'filter') {
      const cursor = { ...s.cursor, messages: 0 };
      return { state: { ...s, input: null, filter: field.text, cursor, tab: 'messages' }, effect: { type: 'refresh' } };
    }
    return { state: { ...s, input: null }, effect: { type: 'action', key: 'M', arg: field.text } };
  }
  if (key.backspace || key.delete) return { state: { ...s, input: { ...field, text: field.text.slice(0, -1) } } };
  if (key.ctrl || !input || key.upArrow || key.downArrow || key.tab) return { state: s };
  return { state: { ...s, input: { ...field, text: field.text + input } } };
}

/**
 * The keys in one chunk of input. Keys typed while Ink was loading, or pasted, arrive together ("12"):
 * each printable character is a key of its own. A chunk with a special key stays whole.
 */
export function keysIn(input: string, key: Key): string[] {
  const special = Object.entries(key).some(([name, on]) => on === true && name !== 'shift');
  return input.length > 1 && !special && !input.includes('\x1b') ? [...input] : [input];
}

/**
 * One key press: the new state and what the app must do (quit, refresh now, plan an action, run the
 * confirmed one). Pure, so every binding is unit-tested without a terminal.
 */
export function onKey(
  s: TopState,
  snap: Snapshot | null,
  input: string,
  key: Key,
): { state: TopState; effect?: Effect } {
  if (input === 'c' && key.ctrl) return { state: s, effect: { type: 'quit' } };
  if (s.confirm) {
    if (input === 'y' || input === 'Y') return { state: { ...s, busy: true }, effect: { type: 'confirm' } };
    return { state: { ...s, confirm: null, note: 'cancelled: nothing changed' } };
  }
  if (s.input) return typing(s, input, key);
  if (s.busy) return { state: s };
  if (input === 'q') return { state: s, effect: { type: 'quit' } };
  if (key.escape) {
    if (s.detail) return { state: { ...s, detail: false } };
    if (s.filter)
      return { state: { ...s, filter: '', cursor: { ...s.cursor, messages: 0 } }, effect: { type: 'refresh' } };
    return { state: { ...s, note: null } };
  }
  const i = s.tabs.indexOf(s.tab);
  if (key.tab || key.rightArrow)
    return { state: switchTab(s, s.tabs[(i + (key.shift ? -1 : 1) + s.tabs.length) % s.tabs.length]) };
  if (key.leftArrow) return { state: switchTab(s, s.tabs[(i - 1 + s.tabs.length) % s.tabs.length]) };
  if (/^[1-6]$/.test(input) && s.tabs[Number(input) - 1]) {
    return { state: switchTab(s, s.tabs[Number(input) - 1]), effect: { type: 'refresh' } };
  }
  if (s.detail) return { state: s };
  if (key.downArrow || input === 'j') return { state: moveCursor(s, snap, 1), effect: pageEffect(s, 1) };
  if (key.upArrow || input === 'k') return { state: moveCursor(s, snap, -1), effect: pageEffect(s, -1) };
  if (key.pageDown || input === ' ')
    return { state: moveCursor(s, snap, pageSize(s)), effect: pageEffect(s, pageSize(s)) };
  if (key.pageUp || input === 'b')
    return { state: moveCursor(s, snap, -pageSize(s)), effect: pageEffect(s, -pageSize(s)) };
  if (input === 'g') return { state: moveCursor(s, snap, -Infinity), effect: pageEffect(s, -Infinity) };
  if (input === 'G') return { state: moveCursor(s, snap, Infinity), effect: pageEffect(s, Infinity) };
  if (input === 'r') return { state: s, effect: { type: 'refresh', fresh: true } };
  if (input === '/') return { state: { ...s, input: { kind: 'filter', text: s.filter } } };
  if (key.return) {
    if (s.tab === 'queues' && s.queue) return { state: switchTab(s, 'messages'), effect: { type: 'refresh' } };
    if (s.tab === 'messages' && snap?.messages?.rows.length) return { state: { ...s, detail: true } };
    return { state: s };
  }
  if (DESTRUCTIVE_KEYS.includes(input)) {
    if (s.readOnly)
      return { state: { ...s, note: 'read-only: actions are disabled (--read-only or readOnly in the config file)' } };
    if (input === 'M' && (s.tab === 'messages' || s.tab === 'queues'))
      return { state: { ...s, input: { kind: 'move', text: '' } } };
    return { state: s, effect: { type: 'action', key: input } };
  }
  return { state: s };
}

/** Moving the Messages cursor onto another page needs that page read now, not at the next tick. */
function pageEffect(s: TopState, delta: number): Effect | undefined {
  if (s.tab !== 'messages') return undefined;
  const n = pageSize(s);
  const from = Math.floor(s.cursor.messages / n);
  const to = Math.floor(
    Math.max(0, s.cursor.messages + (Number.isFinite(delta) ? delta : delta > 0 ? 1e12 : -1e12)) / n,
  );
  return from === to ? undefined : { type: 'refresh' };
}

/** What a refresh needs to read for this state: the selected tab and the visible page only. */
export const viewOf = (s: TopState): ViewRequest => ({
  tab: s.tab,
  queue: s.queue,
  offset: pageStart(s),
  limit: pageSize(s),
  filter: s.filter,
});
