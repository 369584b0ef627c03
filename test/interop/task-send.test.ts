import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { killWorker, waitFor } from '../helpers/celery.js';
import {
  celeryApplyAsync,
  type Line,
  type LoonflowCall,
  startLoonflowWorker,
  taskRuns,
} from '../helpers/loonflow-celery.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
const dir = mkdtempSync(join(tmpdir(), 'loonctl-send-'));
beforeAll(async () => {
  redis = await claimRedisDb();
});
afterAll(async () => {
  await redis.release();
});

const SEP = '\x06\x16';
const send = (...args: string[]) =>
  runCli(['task', 'send', ...args, '--broker-url', redis.url, '--redis-url', redis.url]);
const bucketKey = (priority = 0) =>
  priority >= 3 ? `loonflow${SEP}${priority >= 9 ? 9 : priority >= 6 ? 6 : 3}` : 'loonflow';

/** The fields two producers cannot share: reply_to (per process), delivery_tag (uuid4), origin, eta (clock). */
function normalised(raw: Buffer): string {
  return raw
    .toString('utf8')
    .replace(/"eta": "[^"]+"/, '"eta": "<eta>"')
    .replace(/"origin": "gen\d+@[^"]+"/, '"origin": "<origin>"')
    .replace(/"reply_to": "[0-9a-f-]{36}"/, '"reply_to": "<oid>"')
    .replace(/"delivery_tag": "[0-9a-f-]{36}"/, '"delivery_tag": "<tag>"');
}

const ETA = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/;

interface Case {
  call: LoonflowCall;
  /** What the worker's task function must have received, by parameter name, and their Python types. */
  params: Record<string, unknown>;
  types: Record<string, string>;
}

/** The calls LoonFlow makes (r2.0.20 ticket_base_service.py, r3.2.1 backend/service/ticket/ticket_base_service.py). */
const TENANT = '00000000-0000-0000-0000-000000000001';
const TICKET = '5b0e1c53-3c5e-4f3a-9a53-2f8f0d6a9d11';
const NODE = '9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f';
const CASES: Record<Line, Case[]> = {
  '2': [
    {
      call: { task: 'tasks.run_flow_task', args: [4711, '3', 12] },
      params: { ticket_id: 4711, script_id_str: '3', state_id: 12, action_from: 'loonrobot' },
      types: { ticket_id: 'int', script_id_str: 'str', state_id: 'int', action_from: 'str' },
    },
    {
      call: { task: 'tasks.run_flow_task', args: [4711, '3', 12, 'admin_retry'], priority: 6 },
      params: { ticket_id: 4711, script_id_str: '3', state_id: 12, action_from: 'admin_retry' },
      types: { ticket_id: 'int', script_id_str: 'str', state_id: 'int', action_from: 'str' },
    },
    {
      call: { task: 'tasks.flow_hook_task', args: [4711], priority: 9 },
      params: { ticket_id: 4711 },
      types: { ticket_id: 'int' },
    },
    {
      call: { task: 'tasks.send_ticket_notice', args: [4712] },
      params: { ticket_id: 4712 },
      types: { ticket_id: 'int' },
    },
    {
      // LoonFlow passes datetime.datetime.now(): kombu 5.2 writes its isoformat, the worker gets a str
      call: {
        task: 'tasks.timer_transition',
        args: [4711, 12, { __type__: 'datetime', __value__: '2026-11-24T18:00:00.250000' }, 7],
        countdown: 2,
        priority: 3,
      },
      params: { ticket_id: 4711, state_id: 12, date_time: '2026-11-24T18:00:00.250000', transition_id: 7 },
      types: { ticket_id: 'int', state_id: 'int', date_time: 'str', transition_id: 'int' },
    },
    {
      call: { task: 'tasks.run_flow_task', args: [4713, '3', 12], kwargs: { action_from: '工单 "x" it\'s' } },
      params: { ticket_id: 4713, script_id_str: '3', state_id: 12, action_from: '工单 "x" it\'s' },
      types: { ticket_id: 'int', script_id_str: 'str', state_id: 'int', action_from: 'str' },
    },
  ],
  '3': [
    {
      call: { task: 'tasks.flow_hook_task', args: [TENANT, TICKET, NODE], priority: 6 },
      params: { tenant_id: TENANT, ticket_id: TICKET, node_id: NODE },
      types: { tenant_id: 'str', ticket_id: 'str', node_id: 'str' },
    },
    {
      call: { task: 'tasks.flow_notification_task', args: [TENANT, TICKET, NODE], countdown: 1 },
      params: { tenant_id: TENANT, ticket_id: TICKET, target_node_id: NODE },
      types: { tenant_id: 'str', ticket_id: 'str', target_node_id: 'str' },
    },
    {
      call: { task: 'tasks.flow_action_hook_task', args: [TENANT, TICKET, 'create'] },
      params: { tenant_id: TENANT, ticket_id: TICKET, event_type: 'create', workflow_id: '', workflow_version_id: '' },
      types: { tenant_id: 'str', ticket_id: 'str', event_type: 'str', workflow_id: 'str', workflow_version_id: 'str' },
    },
    {
      call: {
        task: 'tasks.flow_action_hook_task',
        args: [TENANT, TICKET, 'finish'],
        kwargs: { workflow_id: 'wf-1', workflow_version_id: 'v2' },
      },
      params: {
        tenant_id: TENANT,
        ticket_id: TICKET,
        event_type: 'finish',
        workflow_id: 'wf-1',
        workflow_version_id: 'v2',
      },
      types: { tenant_id: 'str', ticket_id: 'str', event_type: 'str', workflow_id: 'str', workflow_version_id: 'str' },
    },
  ],
};

function cliArgs(c: LoonflowCall, id: string): string[] {
  const a = ['--args', JSON.stringify(c.args ?? []), '--id', id, '--celery', '5.2'];
  if (c.kwargs) a.push('--kwargs', JSON.stringify(c.kwargs));
  if (c.countdown) a.push('--countdown', `${c.countdown}s`);
  if (c.priority !== undefined) a.push('--priority', String(c.priority));
  return a;
}

type Peeked = Record<string, unknown>;
async function peek(queue: string): Promise<Map<string, Peeked>> {
  const r = await runCli(['queue', 'peek', queue, '--json', '--limit', '100', '--broker-url', redis.url]);
  expect(r.code, r.stderr).toBe(0);
  return new Map((JSON.parse(r.stdout) as Peeked[]).map((m) => [m.id as string, m]));
}

describe.each(['2', '3'] as Line[])('task send with LoonFlow %s.x task signatures and real Celery 5.2', (line) => {
  it('writes what apply_async writes, decodes like it, and a real worker runs it with the right arguments', async () => {
    await redis.flush();
    const cases = CASES[line];
    const sent: { id: string; c: Case; raw: Buffer }[] = [];
    for (const c of cases) {
      const id = randomUUID();
      const key = bucketKey(c.call.priority);
      // Celery first (it also declares the queue: _kombu.binding.loonflow), its message set aside
      expect(celeryApplyAsync(redis.url, line, [{ ...c.call, id, queue: 'loonflow' }])).toEqual([id]);
      const celeryRaw = (await redis.client.lpopBuffer(key))!;
      expect(celeryRaw).not.toBeNull();
      await redis.client.lpush('celery-made', celeryRaw);
      const before = Date.now();
      const r = await send(c.call.task, ...cliArgs(c.call, id), '--json');
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out).toMatchObject({ id, task: c.call.task, queue: 'loonflow', key, priority: c.call.priority ?? 0 });
      const ours = (await redis.client.lindexBuffer(key, 0))!;
      expect(normalised(ours)).toBe(normalised(celeryRaw));
      const env = (b: Buffer) => JSON.parse(b.toString()) as { headers: { eta: string | null } };
      for (const eta of [env(ours).headers.eta, env(celeryRaw).headers.eta, out.eta]) {
        if (!c.call.countdown) expect(eta).toBeNull();
        else {
          expect(eta).toMatch(ETA);
          expect(Math.abs(Date.parse(eta!) - before - c.call.countdown * 1000)).toBeLessThan(60_000);
        }
      }
      sent.push({ id, c, raw: ours });
    }
    // queue peek reads ours exactly as it reads Celery's
    const [mine, theirs] = await Promise.all([peek('loonflow'), peek('celery-made')]);
    const differ = ['position', 'bucket', 'eta', 'origin', 'delivery_tag', 'size'];
    const same = (m: Peeked) => Object.fromEntries(Object.entries(m).filter(([k]) => !differ.includes(k)));
    for (const { id, c } of sent) {
      expect(mine.get(id)).toBeDefined();
      expect(same(mine.get(id)!)).toEqual(same(theirs.get(id)!));
      expect(mine.get(id)!.bucket).toBe(Number(bucketKey(c.call.priority).split(SEP)[1] ?? 0));
      expect(mine.get(id)!.task).toBe(c.call.task);
    }
    await redis.client.del('celery-made');
    // a LoonFlow-like worker runs each once, with the arguments LoonFlow's code expects
    const log = join(dir, `runs-${line}.log`);
    const worker = startLoonflowWorker(redis.url, line, log);
    try {
      await waitFor(() => taskRuns(log).length >= sent.length, 60_000, `the worker to run ${sent.length} tasks`);
    } finally {
      await killWorker(worker, 'SIGTERM');
    }
    const runs = new Map(taskRuns(log).map((r) => [r.id, r]));
    expect(runs.size).toBe(sent.length);
    for (const { id, c } of sent) {
      const run = runs.get(id)!;
      expect(run.task).toBe(c.call.task);
      expect(run.params).toEqual(c.params);
      expect(run.types).toEqual(c.types);
      expect(run.priority).toBe(c.call.priority ?? 0);
      if (c.call.countdown) expect(run.eta).not.toBeNull();
    }
  }, 120_000);
});
