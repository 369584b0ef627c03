// Tables people read most must fit 80 and 120 columns without wrapping, with everything in -o wide and JSON.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { displayWidth } from '../../src/core/text.js';
import { runCli } from '../helpers/cli.js';
import { createPgDatabase } from '../helpers/db.js';
import { envelope, unackedValue } from '../helpers/kombu.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';
import { createTicketTable, FIXTURE_TZ } from '../helpers/tickets.js';

let redis: TestRedis;
let dbUrl: string;
const LONG_ID = '6f0b2c1e-8a0e-4b55-9c1d-1c8f6f3a7d10';
const LONG_TASK = 'tasks.run_flow_task_with_a_rather_long_name';

beforeAll(async () => {
  redis = await claimRedisDb();
  dbUrl = await createPgDatabase();
  await createTicketTable('postgres', dbUrl);
  const eta = new Date(Date.now() + 3_600_000).toISOString().replace('Z', '+00:00');
  const elements = Array.from({ length: 30 }, (_, i) =>
    envelope({
      id: `${LONG_ID.slice(0, -2)}${String(i).padStart(2, '0')}`,
      task: LONG_TASK,
      eta,
      args: [i, '工单审批流程的一个很长的参数', { ticket: 4711 }],
      kwargs: { action_from: 'loonrobot', note: 'x'.repeat(80) },
    }),
  );
  await redis.client.lpush('loonflow', ...elements);
  for (const [i, el] of elements.slice(0, 5).entries()) {
    await redis.client.hset('unacked', `tag-${i}`, unackedValue(el));
    await redis.client.zadd('unacked_index', Date.now() / 1000 - 7200, `tag-${i}`);
  }
  await redis.client.set('a-rather-long-lock-name-for-the-nightly-report', 'f'.repeat(32), 'PX', 60_000);
});
afterAll(async () => {
  await redis.release();
});

const run = (args: string[], columns: number) =>
  runCli([...args, '--broker-url', redis.url, '--redis-url', redis.url, '--database-url', dbUrl, '--tz', FIXTURE_TZ], {
    env: { COLUMNS: String(columns) },
  });

const COMMANDS: [string, string[]][] = [
  ['queue peek', ['queue', 'peek', 'loonflow', '-o', 'table']],
  ['queue peek --unacked', ['queue', 'peek', 'loonflow', '--unacked', '-o', 'table']],
  ['queue requeue --dry-run', ['queue', 'requeue', '--unacked', '--include-eta', '--dry-run', '-o', 'table']],
  ['queue list', ['queue', 'list', '-o', 'table']],
  ['serial show', ['serial', 'show', '--from', '2025-03-01', '--to', '2025-03-05', '-o', 'table']],
  ['lock list', ['lock', 'list', '-o', 'table']],
];

describe.each([80, 120])('at %i columns', (columns) => {
  it.each(COMMANDS)('%s fits without wrapping', async (_name, args) => {
    const r = await run(args, columns);
    expect(r.stderr).not.toMatch(/internal error/);
    const lines = r.stdout.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(columns);
    // Every data row is one line between the borders: rows never wrap onto a second line.
    const body = lines.filter((l) => l.startsWith('│'));
    for (const line of body) expect(line.endsWith('│')).toBe(true);
  });
});

describe('full data without a width limit', () => {
  it('-o wide shows whole ids, task names and the local ETA; JSON keeps ISO and seconds', async () => {
    const wide = await run(['queue', 'peek', 'loonflow', '-o', 'wide', '--limit', '2'], 80);
    expect(wide.stdout).toContain(LONG_ID.slice(0, -2));
    expect(wide.stdout).toContain(LONG_TASK);
    expect(wide.stdout).toContain(`ETA (${FIXTURE_TZ})`);
    const narrow = await run(['queue', 'peek', 'loonflow', '-o', 'table', '--limit', '2'], 80);
    expect(narrow.stdout).toContain('…');
    expect(narrow.stdout).toMatch(/in (59m|1h)/);
    const json = JSON.parse((await run(['queue', 'peek', 'loonflow', '--unacked', '--json'], 80)).stdout);
    expect(json[0].age_seconds).toBeGreaterThan(7000);
    expect(json[0].received_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(json[0].eta).toMatch(/\+00:00$/);
  });

  it('a listing cut at --limit says so on stderr, never in the data', async () => {
    const r = await run(['queue', 'peek', 'loonflow', '--limit', '20', '-o', 'plain'], 80);
    expect(r.stdout.trim().split('\n')).toHaveLength(20);
    expect(r.stderr).toMatch(/^20 of 30 shown; --limit/m);
    const quiet = await run(['queue', 'peek', 'loonflow', '--limit', '20', '-o', 'plain', '-q'], 80);
    expect(quiet.stderr).toBe('');
  });
});

describe('-q prints data and errors only', () => {
  it('a write command prints no summary with -q, and its counts with --json -q', async () => {
    await redis.client.lpush('q-src', envelope({ id: 'q1' }), envelope({ id: 'q2' }));
    const loud = await run(['queue', 'move', 'q-src', 'q-dst', '--dry-run', '-o', 'plain'], 80);
    expect(loud.stdout).toMatch(/dry run: scanned 2, matched 2/);
    const quiet = await run(['queue', 'move', 'q-src', 'q-dst', '--yes', '-q'], 80);
    expect(quiet).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(await redis.client.llen('q-dst')).toBe(2);
    const json = await run(['queue', 'move', 'q-dst', 'q-src', '--yes', '-q', '--json'], 80);
    expect(JSON.parse(json.stdout)).toMatchObject({ moved: 2, matched: 2 });
  });

  it('doctor -q lists only the failing checks', async () => {
    const all = await run(['doctor', '-o', 'plain'], 80);
    const quiet = await run(['doctor', '-o', 'plain', '-q'], 80);
    const statuses = (out: string) =>
      out
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('\t')[1]);
    expect(statuses(all.stdout)).toContain('ok');
    expect(statuses(quiet.stdout).every((s) => s === 'fail')).toBe(true);
    expect(quiet.code).toBe(all.code);
  });
});
