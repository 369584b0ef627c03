import type { DecodedMessage } from '../celery/envelope.js';
import type { Holding } from '../celery/control/orphans.js';
import type { WorkerTask } from '../celery/control/task-info.js';

/** The fields of the monitoring issue's FlowSample that top shows (src/monitor/flow.ts). */
export interface FlowFigures {
  queue: string;
  ready: number;
  enqueue_rate_per_second: number | null;
  dequeue_rate_per_second: number | null;
  oldest_age_seconds: number | null;
  not_draining_seconds: number | null;
}

export interface QueueRow {
  name: string;
  /** Ready messages per priority bucket, in the order workers serve them. */
  buckets: { step: number; length: number }[];
  ready: number;
  held: number;
  orphaned: number;
  inRate: number | null;
  outRate: number | null;
  /** A lower bound: the first time the current tail was seen. */
  oldestAge: number | null;
  /** Backlog and no dequeue seen for this long (null while draining or empty). */
  notDraining: number | null;
  consumers: string[];
  /** Ready counts of the last refreshes, oldest first (the sparkline). */
  history: number[];
}

/** One ready message where it sits: position in worker order (0 runs next), bucket, index from the tail. */
export interface MessageRow {
  position: number;
  bucket: number;
  fromTail: number;
  message: DecodedMessage;
}

export interface MessagePage {
  queue: string;
  total: number;
  offset: number;
  rows: MessageRow[];
  /** With a filter: how many messages were scanned (from the tail) and how many matched. */
  scanned: number | null;
  matched: number | null;
}

export interface UnackedRow {
  tag: string;
  queue: string | null;
  since: number | null;
  age: number | null;
  status: Holding;
  holder: string | null;
  eta: string | null;
  message: DecodedMessage | null;
}

export interface WorkerRow {
  hostname: string;
  concurrency: number | null;
  queues: string[];
  processed: number | null;
  reserved: number;
  scheduled: number;
  active: WorkerTask[];
}

export interface LockRow {
  name: string;
  kind: string;
  /** Milliseconds left; -1 never expires. */
  pttl: number;
  fence: string | null;
  holder: string;
  token: string;
  source: string;
}

export interface SerialRow {
  date: string;
  counter: number | null;
  rows: number;
  maxSeq: number;
  nextSerial: string;
  status: string;
}

export interface Snapshot {
  /** Redis time, unix seconds. */
  now: number;
  queues: QueueRow[];
  messages: MessagePage | null;
  unacked: { total: number; rows: UnackedRow[]; partial: boolean; rule: string; distrust: string[] };
  workers: WorkerRow[];
  silentWorkers: string[];
  locks: LockRow[] | null;
  serials: SerialRow[] | null;
  /** Why the Serials tab has no rows: this LoonFlow line has no serials (3.x). */
  noSerials?: string;
  /** One line per source that failed this refresh (the rest still shows). */
  errors: string[];
}

export const TABS = ['queues', 'messages', 'unacked', 'workers', 'locks', 'serials'] as const;
export type TabId = (typeof TABS)[number];
export const TAB_TITLES: Record<TabId, string> = {
  queues: 'Queues',
  messages: 'Messages',
  unacked: 'Unacked',
  workers: 'Workers',
  locks: 'Locks',
  serials: 'Serials',
};

/** What the collector needs to know of the view: which queue page to peek, which panes are visible. */
export interface ViewRequest {
  tab: TabId;
  queue: string | null;
  offset: number;
  limit: number;
  filter: string;
  /** Read what is cached between refreshes (serials) again now: the operator pressed r. */
  fresh?: boolean;
}
