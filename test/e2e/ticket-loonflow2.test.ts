// Issue 17 on LoonFlow 2.x (MariaDB): ticket stuck / trace / retry against tickets in hook, script and timer
// states, a real Celery worker (Debian's python3-celery, LoonFlow's task signatures) holding an ETA timer.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killWorker, waitFor } from '../helpers/celery.js';
import { runCli } from '../helpers/cli.js';
import { createMysqlDatabase } from '../helpers/db.js';
import { celeryApplyAsync, startLoonflowWorker, taskRuns, type LoonflowCall } from '../helpers/loonflow-celery.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';
import {
  createLoonflow2Tickets,
  HOOK_STATE as HOOK,
  localAgo,
  SCRIPT_STATE as SCRIPT,
  ticketResult,
  TIMER_S,
  TIMER_STATE as TIMER,
  TIMER_TRANSITION,
} from '../helpers/ticket-fixtures.js';

let redis: TestRedis;
let db: string;
let worker: ChildProcess | undefined;
const log = join(mkdtempSync(join(tmpdir(), 'loonctl-tickets-')), 'runs.jsonl');
const conn = () => ['--redis-url', redis.url, '--broker-url', redis.url, '--database-url', db];
const cli = (...args: string[]) => runCli([...args, ...conn()], { timeoutMs: 30_000 });
const timer = (id: number, countdown: number): LoonflowCall => ({
  task: 'tasks.timer_transition',
  args: [id, TIMER, { __type__: 'datetime', __value__: localAgo(60).replace(' ', 'T') }, TIMER_TRANSITION],
  countdown,
  queue: 'loonflow',
});
const hook = (id: number): LoonflowCall => ({ task: 'tasks.flow_hook_task', args: [id], queue: 'loonflow' });
const script = (id: number): LoonflowCall => ({
  task: 'tasks.run_flow_task',
  args: [id, '3', SCRIPT],
  queue: 'loonflow',
});

/** Moves the newest ready message into unacked as a worker that died 60 s ago would have left it. */
async function orphanNewest(): Promise<void> {
  const raw = (await redis.client.lpopBuffer('loonflow'))!;
  const tag = (JSON.parse(raw.toString()) as { properties: { delivery_tag: string } }).properties.delivery_tag;
  const [now] = await redis.client.time();
  await redis.client
    .multi()
    .hset('unacked', tag, Buffer.concat([Buffer.from('['), raw, Buffer.from(', "", "loonflow"]')]))
    .zadd('unacked_index', Number(now) - 60, tag)
    .exec();
}

beforeAll(async () => {
  redis = await claimRedisDb();
  db = await createMysqlDatabase();
  await createLoonflow2Tickets(
    db,
    [
      { id: 101, state: HOOK, type: 10, result: 0 },
      { id: 102, state: HOOK, type: 10 },
      { id: 103, state: HOOK, type: 10 },
      { id: 104, state: HOOK, type: 10 },
      { id: 105, state: SCRIPT, type: 6, participant: '3', result: 0 },
      { id: 106, state: SCRIPT, type: 6, participant: '3' },
      { id: 107, state: SCRIPT, type: 6, participant: '3' },
      { id: 108, state: TIMER, type: 1, participant: 'admin', modifiedAgoS: 60 },
      { id: 109, state: TIMER, type: 1, participant: 'admin' },
      { id: 110, state: HOOK, type: 10, result: 0 },
      { id: 111, state: HOOK, type: 10, act: 4 },
      { id: 112, state: TIMER, type: 1, participant: 'admin' },
      { id: 113, state: HOOK, type: 10, result: 0, workflow: 2 },
    ],
    [104],
  );
  // 108's timer is held by a live worker (an ETA task waits in unacked); the worker then stops consuming,
  // so what is published next stays queued, while it still answers the census.
  celeryApplyAsync(redis.url, '2', [timer(108, TIMER_S - 60)]);
  worker = startLoonflowWorker(redis.url, '2', log);
  await waitFor(async () => (await redis.client.hlen('unacked')) === 1, 20_000, 'the worker to hold the ETA task');
  expect((await cli('worker', 'pause', 'loonflow')).code).toBe(0);
  await waitFor(
    async () => {
      const r = await cli('worker', 'ls', '--json');
      const ws = r.code === 0 ? (JSON.parse(r.stdout) as { queues: string[] }[]) : [];
      return ws.length === 1 && ws[0].queues.length === 0;
    },
    20_000,
    'the worker to stop consuming loonflow',
  );
  celeryApplyAsync(redis.url, '2', [script(106)]);
  await orphanNewest();
  celeryApplyAsync(redis.url, '2', [hook(103), script(107), script(107), hook(110), timer(112, 600), timer(112, 600)]);
}, 90_000);

afterAll(async () => {
  if (worker) await killWorker(worker);
  await redis.release();
});

interface StuckJson {
  ticket: { id: string };
  steps: { step: string; status: string; fix: string | null; message_ids: string[] }[];
}

describe('ticket stuck (2.x)', () => {
  it('classifies every fixture ticket, with the command that fixes each, and exits 1', async () => {
    const r = await cli('ticket', 'stuck', '--json');
    expect(r.code, r.stderr).toBe(1);
    const got = Object.fromEntries(
      (JSON.parse(r.stdout) as StuckJson[]).map((t) => [t.ticket.id, t.steps.map((s) => s.status).join(',')]),
    );
    expect(got).toEqual({
      101: 'failed',
      102: 'lost',
      105: 'failed',
      106: 'orphaned',
      107: 'duplicated',
      109: 'lost',
      112: 'duplicated',
      113: 'failed',
    });
    const fixes = Object.fromEntries(
      (JSON.parse(r.stdout) as StuckJson[]).map((t) => [t.ticket.id, t.steps[0].fix ?? '']),
    );
    expect(fixes[101]).toBe('loonctl ticket retry 101');
    expect(fixes[102]).toBe('loonctl ticket retry 102');
    expect(fixes[106]).toMatch(/^loonctl queue requeue --unacked --id [0-9a-f-]{36}$/);
    expect(fixes[107]).toMatch(/^loonctl task revoke [0-9a-f-]{36} --yes$/);
    expect(fixes[109]).toMatch(/^loonctl task send tasks\.timer_transition --args '\[109,40,"[-0-9T:.]+",7\]'/);
  });

  it('--workflow narrows the list; --tenant is refused on 2.x', async () => {
    const r = await cli('ticket', 'stuck', '--workflow', '2', '--json');
    expect((JSON.parse(r.stdout) as StuckJson[]).map((t) => t.ticket.id)).toEqual(['113']);
    const t = await cli('ticket', 'stuck', '--tenant', 'x');
    expect(t.code).toBe(2);
  });

  it('--since keeps only tickets changed within the window', async () => {
    const r = await cli('ticket', 'stuck', '--since', '10m', '--json');
    expect(r.stdout.trim()).toBe('[]');
    expect(r.code).toBe(0);
  });
});

interface TraceJson {
  ticket: { id: string; script_run_last_result: boolean };
  steps: { status: string }[];
  messages: { task: string; where: string; holding: string | null; eta: string | null; position: number | null }[];
}

describe('ticket trace (2.x)', () => {
  it('finds a held ETA timer in unacked', async () => {
    const r = await cli('ticket', 'trace', '108', '--json');
    expect(r.code, r.stderr).toBe(0);
    const t = JSON.parse(r.stdout) as TraceJson;
    expect(t.messages).toHaveLength(1);
    expect(t.messages[0]).toMatchObject({ task: 'tasks.timer_transition', where: 'unacked', holding: 'held' });
    expect(t.messages[0].eta).toMatch(/^\d{4}-/);
    expect(t.steps.map((s) => s.status)).toEqual(['held']);
  });

  it('finds queued messages with their position and orphans in unacked', async () => {
    const ready = JSON.parse((await cli('ticket', 'trace', '103', '--json')).stdout) as TraceJson;
    expect(ready.messages).toMatchObject([{ task: 'tasks.flow_hook_task', where: 'ready' }]);
    expect(typeof ready.messages[0].position).toBe('number');
    const orphan = JSON.parse((await cli('ticket', 'trace', '106', '--json')).stdout) as TraceJson;
    expect(orphan.messages).toMatchObject([{ task: 'tasks.run_flow_task', where: 'unacked', holding: 'orphan' }]);
    const table = await cli('ticket', 'trace', '106');
    expect(table.stdout).toContain('orphaned');
  });

  it('a ticket that does not exist and has no message exits 3', async () => {
    expect((await cli('ticket', 'trace', '999')).code).toBe(3);
  });
});

describe('ticket retry (2.x)', () => {
  it('--dry-run changes nothing', async () => {
    const before = await redis.client.llen('loonflow');
    const r = await cli('ticket', 'retry', '101', '--dry-run', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).results[0]).toMatchObject({
      status: 'would-send',
      db_update: 'script_run_last_result = 1',
    });
    expect(await redis.client.llen('loonflow')).toBe(before);
    expect(await ticketResult(db, 101)).toBe(0);
  });

  it('refuses a ticket whose message is queued, orphaned or duplicated, and one that waits for its callback', async () => {
    for (const id of ['103', '106', '107', '104']) {
      const r = await cli('ticket', 'retry', id, '--yes', '--json');
      expect(r.code, `${id}: ${r.stderr}`).toBe(1);
      expect(JSON.parse(r.stdout).results[0].status).toBe('refused');
    }
  });

  it('off a terminal without --yes it is a usage error', async () => {
    expect((await cli('ticket', 'retry', '102')).code).toBe(2);
  });

  it('a lost hook: one message, which a real worker runs exactly once; a second retry refuses', async () => {
    const r = await cli('ticket', 'retry', '102', '--yes', '--json');
    expect(r.code, r.stderr).toBe(0);
    const sent = JSON.parse(r.stdout).results[0];
    expect(sent).toMatchObject({ status: 'sent', sent: [{ task: 'tasks.flow_hook_task', args: [102] }] });
    const again = await cli('ticket', 'retry', '102', '--yes', '--json');
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout).results[0].reason).toMatch(/queued/);
    expect((await cli('worker', 'resume', 'loonflow')).code).toBe(0);
    await waitFor(() => taskRuns(log).some((x) => x.id === sent.sent[0].id), 30_000, 'the worker to run the retry');
    await waitFor(async () => (await redis.client.llen('loonflow')) === 0, 30_000, 'the queue to drain');
    const runs = taskRuns(log).filter((x) => x.task === 'tasks.flow_hook_task' && x.params.ticket_id === 102);
    expect(runs).toHaveLength(1);
    expect(runs[0].types.ticket_id).toBe('int');
  });

  it("a failed script: script_run_last_result back to 1 and run_flow_task(id, participant, state, '<user>_retry')", async () => {
    const r = await cli('ticket', 'retry', '105', '--yes', '--username', 'ops', '--json');
    expect(r.code, r.stderr).toBe(0);
    const sent = JSON.parse(r.stdout).results[0].sent[0];
    expect(sent.args).toEqual([105, '3', SCRIPT, 'ops_retry']);
    expect(await ticketResult(db, 105)).toBe(1);
    await waitFor(() => taskRuns(log).some((x) => x.id === sent.id), 30_000, 'the worker to run the script retry');
    const run = taskRuns(log).find((x) => x.id === sent.id)!;
    expect(run.params).toEqual({ ticket_id: 105, script_id_str: '3', state_id: SCRIPT, action_from: 'ops_retry' });
  });
});
