// Issue 17 on LoonFlow 3.x (PostgreSQL): hook nodes failed, never run (NULL), succeeded; LoonFlow's late-binding
// on_commit lambda (two identical messages for the last of two parallel hook nodes); retry run by a real worker.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killWorker, waitFor } from '../helpers/celery.js';
import { runCli } from '../helpers/cli.js';
import { createPgDatabase } from '../helpers/db.js';
import { celeryApplyAsync, startLoonflowWorker, taskRuns, type LoonflowCall } from '../helpers/loonflow-celery.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';
import { createLoonflow3Tickets, TENANT_A as A, TENANT_B as B } from '../helpers/ticket-fixtures.js';

const T = (n: number) => `b1b2c3d4-0000-4000-8000-00000000000${n}`;
const N = (n: string) => `c0de0000-0000-4000-8000-0000000000${n}`;

let redis: TestRedis;
let db: string;
let worker: ChildProcess | undefined;
const log = join(mkdtempSync(join(tmpdir(), 'loonctl-tickets3-')), 'runs.jsonl');
const cli = (...args: string[]) =>
  runCli([...args, '--redis-url', redis.url, '--broker-url', redis.url, '--database-url', db], { timeoutMs: 30_000 });
const uuid = (s: string) => ({ __type__: 'uuid', __value__: s });
const hook = (ticket: string, node: string): LoonflowCall => ({
  task: 'tasks.flow_hook_task',
  args: [uuid(A), uuid(ticket), node],
  queue: 'loonflow',
});

beforeAll(async () => {
  redis = await claimRedisDb();
  db = await createPgDatabase();
  await createLoonflow3Tickets(
    db,
    [
      { id: T(1) },
      { id: T(2) },
      { id: T(3) },
      { id: T(4) },
      { id: T(5) },
      { id: T(6) },
      { id: T(7), act: 'finished' },
      { id: T(8), tenant: B },
    ],
    [
      { ticket: T(1), node: N('01'), status: 'failed' },
      { ticket: T(2), node: N('02') },
      { ticket: T(3), node: N('03'), status: 'success' },
      { ticket: T(4), node: N('04') },
      { ticket: T(5), node: N('5a') },
      { ticket: T(5), node: N('5b') },
      { ticket: T(6), node: N('06'), type: 'users' },
      { ticket: T(7), node: N('07'), status: 'failed' },
      { ticket: T(8), node: N('08'), status: 'failed' },
      { ticket: T(2), node: N('99'), status: 'failed', active: false },
    ],
  );
  celeryApplyAsync(redis.url, '3', [hook(T(4), N('04')), hook(T(5), N('5b')), hook(T(5), N('5b'))]);
}, 60_000);

afterAll(async () => {
  if (worker) await killWorker(worker);
  await redis.release();
});

interface StuckJson {
  ticket: { id: string; tenant_id: string };
  steps: { step: string; status: string; fix: string | null }[];
}
const statuses = (out: string) =>
  Object.fromEntries(
    (JSON.parse(out) as StuckJson[]).map((t) => [t.ticket.id, t.steps.map((s) => `${s.step}=${s.status}`).join(' ')]),
  );

describe('ticket stuck (3.x)', () => {
  it('classifies every hook node: failed, never run and lost, duplicated by the late-binding lambda', async () => {
    const r = await cli('ticket', 'stuck', '--json');
    expect(r.code, r.stderr).toBe(1);
    expect(statuses(r.stdout)).toEqual({
      [T(1)]: `hook node ${N('01')}=failed`,
      [T(2)]: `hook node ${N('02')}=lost`,
      [T(5)]: `hook node ${N('5a')}=lost hook node ${N('5b')}=duplicated`,
      [T(8)]: `hook node ${N('08')}=failed`,
    });
    expect(r.stderr).toMatch(/census not trusted/);
  });

  it('--tenant keeps one tenant; a malformed one is a usage error', async () => {
    const r = await cli('ticket', 'stuck', '--tenant', B, '--json');
    expect(Object.keys(statuses(r.stdout))).toEqual([T(8)]);
    expect((await cli('ticket', 'stuck', '--tenant', 'nope')).code).toBe(2);
  });
});

describe('ticket trace (3.x)', () => {
  it('reads kombu typed UUID arguments and finds the queued hook', async () => {
    const r = await cli('ticket', 'trace', T(4), '--json');
    expect(r.code, r.stderr).toBe(0);
    const t = JSON.parse(r.stdout) as { messages: { args: unknown[]; where: string }[]; steps: { status: string }[] };
    expect(t.messages).toMatchObject([{ where: 'ready', args: [A, T(4), N('04')] }]);
    expect(t.steps.map((s) => s.status)).toEqual(['queued']);
  });
});

describe('ticket retry (3.x)', () => {
  it('sends flow_hook_task(tenant, ticket, node) once, per parallel node; a second retry refuses; a worker runs each once', async () => {
    const r = await cli('ticket', 'retry', T(2), '--yes', '--json');
    expect(r.code, r.stderr).toBe(0);
    const sent = JSON.parse(r.stdout).results[0];
    expect(sent).toMatchObject({ status: 'sent', db_update: null, sent: [{ args: [A, T(2), N('02')] }] });
    expect((await cli('ticket', 'retry', T(2), '--yes')).code).toBe(1);
    expect((await cli('ticket', 'retry', T(4), '--yes')).code).toBe(1);
    // Parallel hook nodes are judged one by one: 5a (lost) is sent, 5b (two messages queued) left alone.
    const parallel = await cli('ticket', 'retry', T(5), '--yes', '--json');
    expect(parallel.code, parallel.stderr).toBe(0);
    const five = JSON.parse(parallel.stdout).results[0];
    expect(five).toMatchObject({ status: 'sent', sent: [{ args: [A, T(5), N('5a')] }] });
    expect(five.sent).toHaveLength(1);
    expect(five.skipped).toEqual([expect.stringContaining(`hook node ${N('5b')} is duplicated`)]);
    const again = await cli('ticket', 'retry', T(5), '--yes', '--json');
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout).results[0]).toMatchObject({ status: 'refused', sent: [] });
    worker = startLoonflowWorker(redis.url, '3', log);
    await waitFor(() => taskRuns(log).some((x) => x.id === sent.sent[0].id), 30_000, 'the worker to run the retry');
    await waitFor(async () => (await redis.client.llen('loonflow')) === 0, 30_000, 'the queue to drain');
    const runs = taskRuns(log).filter((x) => x.params.ticket_id === T(2));
    expect(runs).toHaveLength(1);
    expect(runs[0].params).toEqual({ tenant_id: A, ticket_id: T(2), node_id: N('02') });
    const fives = () => taskRuns(log).filter((x) => x.params.ticket_id === T(5));
    await waitFor(() => fives().length >= 3, 30_000, 'the worker to run the three hook messages of ticket 5');
    const ranFive = fives();
    expect(ranFive.map((x) => x.params.node_id).sort()).toEqual([N('5a'), N('5b'), N('5b')]);
  });
});
