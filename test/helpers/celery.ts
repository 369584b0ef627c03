// Real Celery (Debian's python3-celery for /usr/bin/python3): producer and worker processes.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import type { Redis } from 'ioredis';

export const CELERY_DIR = new URL('../interop/celery/', import.meta.url).pathname;

export interface Published {
  id: string;
  task: string;
  args: unknown[];
  kwargs?: Record<string, unknown>;
  priority?: number;
  serializer?: string;
  eta?: boolean;
  compression?: boolean;
  chain?: boolean;
}

/** Publishes with a real Celery producer; returns what it sent, in order. */
export function publish(brokerUrl: string, scenario: string, ...rest: string[]): Published[] {
  const r = spawnSync('/usr/bin/python3', [`${CELERY_DIR}publish.py`, brokerUrl, scenario, ...rest], {
    encoding: 'utf8',
    cwd: CELERY_DIR,
  });
  if (r.status !== 0) throw new Error(`publish failed: ${r.stderr}`);
  return r.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Published);
}

export interface WorkerOptions {
  brokerUrl: string;
  queues: string;
  log?: string;
  sleep?: number;
  prefetch?: number;
}

/** Starts a real worker (solo pool: one process, so SIGKILL leaves its prefetched tasks in unacked). */
export function startWorker(o: WorkerOptions): ChildProcess {
  return spawn(
    '/usr/bin/python3',
    [
      '-m',
      'celery',
      '-A',
      'loonflow_app',
      'worker',
      '-Q',
      o.queues,
      '-P',
      'solo',
      '--without-gossip',
      '--without-mingle',
      '--without-heartbeat',
      '-l',
      'WARNING',
    ],
    {
      cwd: CELERY_DIR,
      env: {
        ...process.env,
        LOONCTL_BROKER: o.brokerUrl,
        LOONCTL_TASK_LOG: o.log ?? '',
        LOONCTL_TASK_SLEEP: String(o.sleep ?? 0),
        LOONCTL_PREFETCH: String(o.prefetch ?? 4),
        C_FORCE_ROOT: '1', // CI runs as root; the app accepts pickle (LoonFlow-style messages)
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
}

export async function waitFor(cond: () => Promise<boolean> | boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Waits until a solo-pool worker holds nothing: `unacked` is empty and its connection in `db` is blocked in
 * BRPOP. An empty `unacked` alone is not enough: kombu appends to it only after reading a BRPOP reply, so a
 * message Redis already handed out can sit unread in the worker's socket, and a worker stopped then loses
 * it (kombu's loss on warm shutdown: celery#4354, addressed later by kombu#1733; Debian's kombu is 5.2.4).
 * A BRPOP in progress means the last reply was read and its task run. Stop the worker's supply first
 * (e.g. rename its queue), or it is never idle for long.
 */
export async function waitWorkerIdle(client: Redis, db: number, ms: number): Promise<void> {
  const blocked = async () =>
    String(await client.client('LIST'))
      .split('\n')
      .some((l) => / db=(\d+) /.exec(l)?.[1] === String(db) && / flags=\S*b/.test(l) && / cmd=brpop /.test(l));
  await waitFor(
    async () => (await blocked()) && (await client.hlen('unacked')) === 0,
    ms,
    'the worker to ack what it holds and wait in BRPOP',
  );
}

export async function killWorker(w: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (w.exitCode !== null || w.signalCode !== null) return;
  const done = new Promise((r) => w.once('exit', r));
  w.kill(signal);
  await done;
}
