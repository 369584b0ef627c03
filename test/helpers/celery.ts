// Real Celery (Debian's python3-celery for /usr/bin/python3): producer and worker processes.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

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

export async function killWorker(w: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (w.exitCode !== null || w.signalCode !== null) return;
  const done = new Promise((r) => w.once('exit', r));
  w.kill(signal);
  await done;
}
