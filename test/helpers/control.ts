// Real Celery workers for the remote-control tests: prefork (the main process answers control
// requests while a child runs a task), each in its own process group so a SIGKILL takes the
// children too, as an OOM kill of a container does.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { type Redis } from 'ioredis';
import { makeMailbox, type Mailbox } from '../../src/celery/control/names.js';
import { makeTransport } from '../../src/celery/transport.js';
import { CELERY_DIR, type Published } from './celery.js';
import { processGone } from './processes.js';

export interface ControlWorker {
  name: string;
  process: ChildProcess;
  /** SIGKILL the whole process group (main process and pool children). */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export interface ControlWorkerOptions {
  brokerUrl: string;
  name: string;
  log: string;
  prefetch?: number;
  concurrency?: number;
  keyPrefix?: string;
  queues?: string;
}

export function startControlWorker(o: ControlWorkerOptions): ControlWorker {
  const args = [
    '-m',
    'celery',
    '-A',
    'loonflow_app',
    'worker',
    '-Q',
    o.queues ?? 'loonflow',
    '-n',
    o.name,
    '-P',
    'prefork',
    '-c',
    String(o.concurrency ?? 1),
  ];
  const child = spawn(
    '/usr/bin/python3',
    [...args, '--without-gossip', '--without-mingle', '--without-heartbeat', '-l', 'WARNING'],
    {
      cwd: CELERY_DIR,
      detached: true,
      env: {
        ...process.env,
        LOONCTL_BROKER: o.brokerUrl,
        LOONCTL_TASK_LOG: o.log,
        LOONCTL_TASK_SLEEP: '0',
        LOONCTL_PREFETCH: String(o.prefetch ?? 4),
        LOONCTL_KEY_PREFIX: o.keyPrefix ?? '',
        C_FORCE_ROOT: '1',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  child.stderr?.on('data', () => {});
  const pid = child.pid!;
  const groupGone = () => {
    const r = spawnSync('pgrep', ['-g', String(pid)], { encoding: 'utf8' });
    return r.stdout
      .split('\n')
      .filter(Boolean)
      .every((p) => processGone(Number(p)));
  };
  const signalGroup = async (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      return;
    }
    const end = Date.now() + 15_000;
    while (!groupGone() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  };
  return {
    name: o.name,
    process: child,
    kill: () => signalGroup('SIGKILL'),
    stop: async () => {
      await signalGroup('SIGTERM');
      await signalGroup('SIGKILL');
    },
  };
}

/** Publishes flow_hook_task messages with a real Celery producer, one per spec item. */
export function publishSpec(
  brokerUrl: string,
  items: {
    args: unknown[];
    kwargs?: Record<string, unknown>;
    countdown?: number;
    serializer?: string;
    set_arg?: boolean;
  }[],
  keyPrefix = '',
): Published[] {
  const r = spawnSync('/usr/bin/python3', [`${CELERY_DIR}publish.py`, brokerUrl, 'spec', JSON.stringify(items)], {
    encoding: 'utf8',
    cwd: CELERY_DIR,
    env: { ...process.env, LOONCTL_KEY_PREFIX: keyPrefix },
  });
  if (r.status !== 0) throw new Error(`publish failed: ${r.stderr}`);
  return r.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Published);
}

/** Task ids the workers wrote to the log, in order (one line per run). */
export function ranIds(log: string): string[] {
  try {
    return readFileSync(log, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { id: string }).id);
  } catch {
    return [];
  }
}

export function mailboxFor(client: Redis, keyPrefix = ''): Mailbox {
  return makeMailbox(makeTransport({ keyPrefix }), client.options.db ?? 0);
}
