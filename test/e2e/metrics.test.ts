import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { createPgDatabase } from '../helpers/db.js';
import { envelope, unackedValue } from '../helpers/kombu.js';
import { listenMetrics, parseExposition, promtoolCheck, sampleValue, stopMetricsServers } from '../helpers/metrics.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';
import { createTicketTable, FIXTURE_TZ } from '../helpers/tickets.js';

let redis: TestRedis;
const dir = mkdtempSync(join(tmpdir(), 'loonctl-metrics-'));
beforeAll(async () => {
  redis = await claimRedisDb();
});
afterAll(async () => {
  stopMetricsServers();
  await redis.release();
  rmSync(dir, { recursive: true, force: true });
});

const urls = () => ['--broker-url', redis.url, '--redis-url', redis.url];
const metrics = (...args: string[]) => runCli(['metrics', ...urls(), ...args]);
/** Runs metrics, checks the exit code and that promtool finds nothing wrong, returns the text. */
const clean = async (...args: string[]) => {
  const r = await metrics(...args);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(promtoolCheck(r.stdout)).toEqual({ code: 0, output: '' });
  return r.stdout;
};

async function fill(): Promise<void> {
  await redis.flush();
  const now = (await redis.client.time())[0];
  const p = redis.client.pipeline();
  for (let i = 0; i < 30; i++) p.lpush('loonflow', envelope({ id: `r${i}`, task: i % 3 ? 'tasks.a' : 'tasks.b' }));
  p.lpush('loonflow\x06\x166', envelope({ id: 'p6', priority: 6 }));
  p.lpush('big', ...Array.from({ length: 50 }, (_, i) => envelope({ id: `b${i}`, queue: 'big' })));
  p.lpush('loonflow', envelope({ id: 'eta-ready', eta: '2099-01-01T00:00:00+00:00' }));
  const held = envelope({ id: 'eta-held', eta: '2099-01-01T00:00:00+00:00' });
  p.hset('unacked', 'tag-eta', unackedValue(held), 'tag-plain', unackedValue(envelope({ id: 'plain' })));
  p.zadd('unacked_index', Number(now) - 120, 'tag-eta', Number(now) - 30, 'tag-plain');
  p.set('nightly-report', '0123456789abcdef0123456789abcdef', 'PX', 600_000);
  await p.exec();
}

describe('loonctl metrics', () => {
  it('stdout: every family with HELP and TYPE, promtool-clean, known values', async () => {
    await fill();
    const text = await clean('--exact-limit', '40', '--read-budget', '70');
    expect(sampleValue(text, 'loonctl_queue_ready_messages', { queue: 'loonflow', priority: '0' })).toBe(31);
    expect(sampleValue(text, 'loonctl_queue_ready_messages', { queue: 'loonflow', priority: '6' })).toBe(1);
    expect(sampleValue(text, 'loonctl_queue_unacked_messages', { queue: 'loonflow' })).toBe(2);
    expect(sampleValue(text, 'loonctl_queue_oldest_unacked_age_seconds', { queue: 'loonflow' })).toBeGreaterThan(100);
    expect(sampleValue(text, 'loonctl_queue_task_ready_messages', { queue: 'loonflow', task: 'tasks.b' })).toBe(10);
    expect(sampleValue(text, 'loonctl_queue_task_ready_exact', { queue: 'loonflow' })).toBe(1);
    expect(sampleValue(text, 'loonctl_queue_task_ready_exact', { queue: 'big' })).toBe(0);
    expect(sampleValue(text, 'loonctl_queue_task_ready_read_messages', { queue: 'big' })).toBe(38);
    expect(sampleValue(text, 'loonctl_queue_task_ready_messages', { queue: 'big', task: 'tasks.flow_hook_task' })).toBe(
      50,
    );
    for (const state of ['ready', 'unacked']) {
      expect(sampleValue(text, 'loonctl_queue_eta_messages', { queue: 'loonflow', state })).toBe(1);
      const beyond = { queue: 'loonflow', state };
      expect(sampleValue(text, 'loonctl_queue_eta_beyond_visibility_timeout_messages', beyond)).toBe(1);
    }
    expect(sampleValue(text, 'loonctl_queue_eta_earliest_timestamp_seconds', { state: 'unacked' })).toBe(4070908800);
    expect(sampleValue(text, 'loonctl_locks_held', { kind: 'redis-py' })).toBeDefined();
    expect(sampleValue(text, 'loonctl_lock_ttl_seconds', { lock: 'nightly-report' })).toBeGreaterThan(500);
    expect(sampleValue(text, 'loonctl_worker_census_available')).toBe(0);
    expect(sampleValue(text, 'loonctl_serial_check_available')).toBe(0);
    const names = new Set(parseExposition(text).map((s) => s.name));
    for (const n of names) expect(text).toMatch(new RegExp(`^# HELP ${n} .+\\n# TYPE ${n} (gauge|counter)$`, 'm'));
    expect(sampleValue(text, 'loonctl_collections_total')).toBe(1);
    for (const c of ['queues', 'workers', 'unacked', 'backlog', 'eta', 'flow', 'locks', 'serial'])
      expect(sampleValue(text, 'loonctl_scrape_collector_success', { collector: c })).toBe(1);
  });

  it('stdout keeps flow state in Redis between runs (rates, oldest-age lower bound); --no-state keeps none', async () => {
    await fill();
    const first = await clean('--no-workers');
    expect(sampleValue(first, 'loonctl_queue_flow_exact', { queue: 'loonflow' })).toBe(0);
    expect(await redis.client.exists('loonctl:flow')).toBe(1);
    await redis.client.rpop('loonflow');
    const second = await clean('--no-workers');
    expect(
      sampleValue(second, 'loonctl_queue_dequeue_rate_messages_per_second', { queue: 'loonflow' }),
    ).toBeGreaterThan(0);
    const age = sampleValue(second, 'loonctl_queue_oldest_ready_age_lower_bound_seconds', { queue: 'loonflow' });
    expect(age).toBeGreaterThanOrEqual(0);
    await redis.client.del('loonctl:flow');
    await clean('--no-workers', '--no-state');
    expect(await redis.client.exists('loonctl:flow')).toBe(0);
  });

  it('variants stay promtool-clean: empty broker, --no-workers --no-state, sampled tasks over the cap', async () => {
    await redis.flush();
    expect(sampleValue(await clean(), 'loonctl_queues')).toBe(0);
    await fill();
    // Queues over --exact-limit are sampled, that many messages each: 10 strata of loonflow's 31-message
    // bucket, of which at most one can hold its one message of the most frequent task, so the others fall
    // under 'other' whatever the random draw. (With --exact-limit 0 it read one message, the most frequent
    // task's about once in 30 runs, and the test failed.)
    const text = await clean(
      '--no-workers',
      '--no-state',
      '--max-tasks',
      '1',
      '--exact-limit',
      '10',
      '--read-budget',
      '40',
    );
    expect(sampleValue(text, 'loonctl_queue_task_ready_read_messages', { queue: 'loonflow' })).toBe(11);
    expect(sampleValue(text, 'loonctl_queue_task_ready_exact', { queue: 'loonflow' })).toBe(0);
    expect(sampleValue(text, 'loonctl_queue_task_ready_messages', { queue: 'loonflow', task: 'other' })).toBeDefined();
    expect(parseExposition(text).some((s) => s.name === 'loonctl_queue_consumer_workers')).toBe(false);
    expect(parseExposition(text).some((s) => s.labels.collector === 'flow')).toBe(false);
  });

  it('one failing collector leaves the rest: unacked of the wrong type, an unreachable database', async () => {
    await fill();
    await redis.client.del('unacked');
    await redis.client.set('unacked', 'not a hash');
    const r = await metrics('--database-url', 'postgres://nobody:secret@127.0.0.1:1/none', '--timeout', '500ms');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/collector unacked failed: .*\n.*collector serial failed/s);
    expect(r.stderr).not.toMatch(/secret/);
    expect(promtoolCheck(r.stdout)).toEqual({ code: 0, output: '' });
    const text = r.stdout;
    expect(sampleValue(text, 'loonctl_scrape_collector_success', { collector: 'eta' })).toBe(0);
    expect(sampleValue(text, 'loonctl_scrape_collector_success', { collector: 'unacked' })).toBe(0);
    expect(sampleValue(text, 'loonctl_scrape_collector_success', { collector: 'serial' })).toBe(0);
    expect(sampleValue(text, 'loonctl_scrape_collector_success', { collector: 'queues' })).toBe(1);
    expect(sampleValue(text, 'loonctl_scrape_errors_total')).toBe(3);
    expect(sampleValue(text, 'loonctl_queue_ready_messages', { queue: 'loonflow', priority: '0' })).toBe(31);
    expect(parseExposition(text).some((s) => s.name === 'loonctl_queue_unacked_messages')).toBe(false);
  });

  it('hostile queue and task names come back byte for byte through the label escaping', async () => {
    await redis.flush();
    const hostile = ['q"uote', 'back\\slash', 'new\nline', 'tab\tand {brace} =,', '工单队列', 'end\\'];
    for (const q of hostile) await redis.client.lpush(q, envelope({ id: q, queue: q, task: `t"${q}\\x\ny` }));
    await redis.client.lpush(Buffer.from([0x71, 0xff, 0x0a]), envelope({ id: 'bin' }));
    const text = await clean();
    const ready = parseExposition(text).filter((s) => s.name === 'loonctl_queue_ready_messages');
    const queues = new Set(ready.map((s) => s.labels.queue));
    expect([...queues].sort()).toEqual(
      [...hostile, `b64:${Buffer.from([0x71, 0xff, 0x0a]).toString('base64')}`].sort(),
    );
    const tasks = parseExposition(text).filter((s) => s.name === 'loonctl_queue_task_ready_messages');
    for (const q of hostile) expect(tasks.find((s) => s.labels.queue === q)?.labels.task).toBe(`t"${q}\\x\ny`);
  });

  it('serial counter against a real ticket table when a database is configured', async () => {
    await redis.flush();
    const url = await createPgDatabase();
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: FIXTURE_TZ }).format(new Date());
    const compact = day.replaceAll('-', '');
    const at = `${day} 00:00:01`;
    await createTicketTable(
      'postgres',
      url,
      [1, 2, 3].map((n) => ({ sn: `loonflow_${compact}000${n}`, created: at })),
    );
    await redis.client.set(`ticket_day_count_${day}`, '1');
    const text = await clean('--database-url', url, '--tz', FIXTURE_TZ);
    expect(sampleValue(text, 'loonctl_serial_check_available')).toBe(1);
    expect(sampleValue(text, 'loonctl_serial_redis_sequence')).toBe(1);
    expect(sampleValue(text, 'loonctl_serial_database_max_sequence')).toBe(3);
    expect(sampleValue(text, 'loonctl_serial_state', { status: 'behind' })).toBe(1);
  });

  it('--textfile: written by rename, never seen half-written, no temporary files left', async () => {
    await redis.flush();
    const p = redis.client.pipeline();
    for (let i = 0; i < 200; i++) p.lpush(`queue-with-a-long-name-${i}`, envelope({ id: `m${i}` }));
    await p.exec();
    const file = join(dir, 'loonctl.prom');
    let stop = false;
    let reads = 0;
    const torn: string[] = [];
    const reader = (async () => {
      while (!stop) {
        if (existsSync(file)) {
          const text = readFileSync(file, 'utf8');
          reads++;
          if (!text.endsWith('\n') || !/^loonctl_collections_total \d+$/m.test(text)) torn.push(text.slice(-80));
        }
        await new Promise((r) => setImmediate(r));
      }
    })();
    for (let i = 0; i < 5; i++) {
      const r = await metrics('--textfile', file, '--no-workers');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('');
    }
    stop = true;
    await reader;
    expect(torn).toEqual([]);
    expect(reads).toBeGreaterThan(0);
    expect(promtoolCheck(readFileSync(file, 'utf8'))).toEqual({ code: 0, output: '' });
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(readdirSync(dir)).toContain('.loonctl.prom.flow-state.json');
  });

  it('--listen: concurrent scrapes share one collection, /metrics is promtool-clean, SIGTERM exits 0', async () => {
    await fill();
    const { base, child } = await listenMetrics([...urls(), '--cache', '1h']);
    const texts = await Promise.all(Array.from({ length: 12 }, () => fetch(`${base}/metrics`).then((r) => r.text())));
    for (const t of texts) expect(sampleValue(t, 'loonctl_collections_total')).toBe(1);
    expect(promtoolCheck(texts[0])).toEqual({ code: 0, output: '' });
    const head = await fetch(`${base}/metrics`, { method: 'HEAD' });
    expect(head.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(405);
    const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });

  it('--listen with a short cache collects again, and keeps counting enqueued messages', async () => {
    await fill();
    const { base, child } = await listenMetrics([...urls(), '--cache', '0s', '--no-workers']);
    const first = await (await fetch(`${base}/metrics`)).text();
    await redis.client.lpush('loonflow', envelope({ id: 'late-1' }), envelope({ id: 'late-2' }));
    const second = await (await fetch(`${base}/metrics`)).text();
    expect(sampleValue(first, 'loonctl_collections_total')).toBe(1);
    expect(sampleValue(second, 'loonctl_collections_total')).toBe(2);
    expect(sampleValue(second, 'loonctl_queue_ready_messages', { queue: 'loonflow', priority: '0' })).toBe(33);
    expect(sampleValue(second, 'loonctl_queue_enqueued_messages_total', { queue: 'loonflow' })).toBe(2);
    expect(sampleValue(second, 'loonctl_queue_dequeued_messages_total', { queue: 'loonflow' })).toBe(0);
    expect(
      sampleValue(second, 'loonctl_queue_enqueue_rate_messages_per_second', { queue: 'loonflow' }),
    ).toBeGreaterThan(0);
    expect(promtoolCheck(second)).toEqual({ code: 0, output: '' });
    child.kill('SIGTERM');
  });

  it('bad --listen and --textfile with --listen are usage errors (2)', async () => {
    expect((await metrics('--listen', 'nowhere')).code).toBe(2);
    expect((await metrics('--listen', ':0', '--textfile', join(dir, 'x.prom'))).code).toBe(2);
  });
});
