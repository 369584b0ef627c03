import type { Redis } from 'ioredis';
import type { Census } from '../celery/control/census.js';
import type { Mailbox } from '../celery/control/names.js';
import type { Transport } from '../celery/transport.js';
import { openBackupWriter } from '../celery/write/backup-writer.js';
import type { Plan, TopState } from './model.js';
import { workerLines } from './rows.js';
import type { Snapshot } from './types.js';

/** What the actions need: the same clients and domain functions as the one-shot commands. */
export interface ActionDeps {
  broker: Redis;
  t: Transport;
  m: Mailbox;
  census(): Promise<Census>;
  /** Where a backup of messages about to be removed goes (a new file each time). */
  backupPath(what: string): string;
  /** `lock release --force --expect-token`: deletes the lock only while it still holds `token`. */
  releaseLock(name: string, token: string): Promise<{ deleted: boolean; holder: string | null }>;
  replyWaitMs: number;
  signal?: AbortSignal;
}

const plural = (n: number, what: string) => `${n.toLocaleString('en-US')} ${what}${n === 1 ? '' : 's'}`;

/** The selected task id of the tab, if the selected row is a task. */
function selectedTask(s: TopState, snap: Snapshot): { id: string; queue: string | null; orphan: boolean } | null {
  const cur = s.cursor[s.tab];
  if (s.tab === 'messages') {
    const p = snap.messages;
    const m = p?.rows[cur - p.offset]?.message;
    return m?.id ? { id: m.id, queue: p!.queue, orphan: false } : null;
  }
  if (s.tab === 'unacked') {
    const u = snap.unacked.rows[cur];
    return u?.message?.id ? { id: u.message.id, queue: u.queue, orphan: u.status === 'orphan' } : null;
  }
  if (s.tab === 'workers') {
    const l = workerLines(snap)[cur];
    return l?.kind === 'task' && l.task.id ? { id: l.task.id, queue: l.task.queue, orphan: false } : null;
  }
  return null;
}

/**
 * The plan for an uppercase key on the current selection: a question naming the count and the call
 * of the domain function its one-shot command uses. A string when there is nothing to act on.
 */
export function planAction(key: string, s: TopState, snap: Snapshot | null, d: ActionDeps, dst = ''): Plan | string {
  if (!snap) return 'nothing loaded yet';
  const q = s.queue;
  const row = snap.queues.find((x) => x.name === q);
  const task = selectedTask(s, snap);
  switch (key) {
    case 'R': {
      if (s.tab === 'unacked') {
        if (!task?.orphan) return 'the selected entry is not an orphan (a live worker holds it, or it is undecided)';
        return requeuePlan(d, task.queue ?? undefined, new Set([task.id]), 1);
      }
      if (s.tab !== 'queues' || !q || !row) return 'R requeues orphans: select a queue or an orphaned unacked entry';
      if (!row.orphaned) return `no orphaned messages of '${q}' (of the unacked entries shown)`;
      return requeuePlan(d, q, undefined, row.orphaned);
    }
    case 'M': {
      if (!q || !row) return 'select a queue first';
      if (!dst) return 'no destination queue given';
      if (dst === q) return 'source and destination are the same queue';
      const one = s.tab === 'messages' ? task : null;
      if (s.tab === 'messages' && !one) return 'select a message with a task id';
      const n = one ? 1 : row.ready;
      if (!n) return `'${q}' has no ready messages`;
      return {
        key,
        question: `Move ${plural(n, 'message')} from '${q}' to '${dst}'${one ? ` (task ${one.id})` : ''}?`,
        run: () => takeMessages(d, q, one?.id ?? null, n, { queue: dst, keepRouting: false }),
      };
    }
    case 'P': {
      if (!q || !row) return 'select a queue first';
      const one = s.tab === 'messages' ? task : null;
      if (s.tab === 'messages' && !one) return 'select a message with a task id';
      if (s.tab !== 'messages' && s.tab !== 'queues') return 'P purges from the Queues or Messages tab';
      const n = one ? 1 : row.ready;
      if (!n) return `'${q}' has no ready messages`;
      return {
        key,
        question: `Delete ${plural(n, 'message')} of '${q}'${one ? ` (task ${one.id})` : ''}, backup first?`,
        run: () => takeMessages(d, q, one?.id ?? null, n, null),
      };
    }
    case 'X': {
      if (!task) return 'X revokes the selected task (Messages, Unacked or Workers tab)';
      return {
        key,
        question: `Revoke 1 task (${task.id}) and remove its messages, backup first?`,
        run: () => revoke(d, task.id),
      };
    }
    case 'D': {
      const lock = s.tab === 'locks' ? snap.locks?.[s.cursor.locks] : undefined;
      if (!lock) return 'D force-releases the selected lock (Locks tab)';
      return {
        key,
        question: `Force-release 1 lock '${lock.name}' held by ${lock.holder || lock.token || '?'}?`,
        run: async () => {
          const r = await d.releaseLock(lock.name, lock.token);
          return r.deleted
            ? `released ${lock.name}`
            : `not released: ${lock.name} changed hands (${r.holder ?? 'free'})`;
        },
      };
    }
  }
  return `no action on ${key}`;
}

function requeuePlan(d: ActionDeps, queue: string | undefined, ids: Set<string> | undefined, n: number): Plan {
  return {
    key: 'R',
    question: `Requeue ${plural(n, 'orphaned message')}${queue ? ` of '${queue}'` : ''} (held by no live worker)?`,
    run: async () => {
      const { restoreOrphans } = await import('../celery/control/restore-orphans.js');
      const census = await d.census();
      const r = await restoreOrphans(d.broker, d.t, { census, queue, ids, filter: null, dryRun: false });
      const c = r.classification;
      const rule = c.rule === 'census' ? '' : ' (census not trusted: visibility-timeout rule)';
      const res = r.restore;
      return `requeued ${res.restored} of ${res.matched} orphan(s)${rule}; failed ${res.failed.length}`;
    },
  };
}

async function takeMessages(
  d: ActionDeps,
  queue: string,
  id: string | null,
  n: number,
  dst: { queue: string; keepRouting: boolean } | null,
): Promise<string> {
  const { bulkTake } = await import('../celery/write/bulk.js');
  const filter = id === null ? null : (m: { id: string | null }) => m.id === id;
  const path = dst ? null : d.backupPath(queue);
  const backup = path ? await openBackupWriter(path, 'try again in a second') : null;
  try {
    const r = await bulkTake(d.broker, d.t, queue, {
      mode: dst ? 'move' : 'purge',
      filter,
      limit: n,
      dryRun: false,
      dst: dst ?? undefined,
      backupTo: backup?.file,
      signal: d.signal,
    });
    const verb = dst ? `moved to '${dst.queue}'` : 'deleted';
    const skipped = r.vanished ? `, ${r.vanished} taken by a worker first` : '';
    // The backup first: a long note is cut at the terminal's width, and the file is what undoes it.
    return `${path ? `backup ${path}: ` : ''}${r.done} message(s) ${verb}${skipped}`;
  } finally {
    await backup?.file.close();
  }
}

async function revoke(d: ActionDeps, id: string): Promise<string> {
  const { revokeTasks } = await import('../celery/control/revoke-task.js');
  const path = d.backupPath('revoked');
  const backup = await openBackupWriter(path, 'try again in a second');
  try {
    const r = await revokeTasks(d.broker, d.t, d.m, [id], {
      dryRun: false,
      backup: backup.records,
      retract: backup.retract,
      idleTimeoutMs: d.replyWaitMs,
      signal: d.signal,
    });
    const removed = r.fromQueues.reduce((n, x) => n + x.removed, 0) + r.fromUnacked;
    const acks = r.revoke?.acks.length ?? 0;
    return `backup ${path}: revoked ${id}, acknowledged by ${acks} worker(s), ${removed} message(s) removed`;
  } finally {
    await backup.file.close();
  }
}
