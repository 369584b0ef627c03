// LoonFlow's own task signatures on real Celery (Debian's python3-celery): a producer that calls apply_async
// on them and a worker that records what each run received (test/interop/celery/loonflow_tasks.py).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { CELERY_DIR } from './celery.js';

export type Line = '2' | '3';

export interface LoonflowCall {
  task: string;
  args?: unknown[];
  kwargs?: Record<string, unknown>;
  queue?: string;
  countdown?: number;
  priority?: number;
  id?: string;
}

/** Sends with Celery's own apply_async; returns the ids. */
export function celeryApplyAsync(brokerUrl: string, line: Line, calls: LoonflowCall[]): string[] {
  const r = spawnSync(
    '/usr/bin/python3',
    [`${CELERY_DIR}publish_loonflow.py`, brokerUrl, line, JSON.stringify(calls)],
    {
      encoding: 'utf8',
      cwd: CELERY_DIR,
    },
  );
  if (r.status !== 0) throw new Error(`publish_loonflow.py failed: ${r.stderr}`);
  return r.stdout.trim().split('\n').filter(Boolean);
}

/** A LoonFlow-like worker: `celery -A loonflow_tasks worker -Q loonflow`, one solo process. */
export function startLoonflowWorker(brokerUrl: string, line: Line, log: string): ChildProcess {
  const args = ['-m', 'celery', '-A', 'loonflow_tasks', 'worker', '-Q', 'loonflow', '-P', 'solo'];
  args.push('--without-gossip', '--without-mingle', '--without-heartbeat', '-l', 'WARNING');
  return spawn('/usr/bin/python3', args, {
    cwd: CELERY_DIR,
    env: { ...process.env, LOONCTL_BROKER: brokerUrl, LOONCTL_LOONFLOW_LINE: line, LOONCTL_TASK_LOG: log },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

export interface TaskRun {
  id: string;
  task: string;
  params: Record<string, unknown>;
  types: Record<string, string>;
  eta: string | null;
  priority: number | null;
}

export function taskRuns(log: string): TaskRun[] {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as TaskRun);
}
