import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { createPgDatabase } from '../helpers/db.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';
import { createTicketTable } from '../helpers/tickets.js';

const WORKER = new URL('../helpers/serial-worker.mjs', import.meta.url).pathname;
let redis: TestRedis;
let dbUrl: string;

beforeAll(async () => {
  redis = await claimRedisDb();
  dbUrl = await createPgDatabase();
  await createTicketTable('postgres', dbUrl);
});
afterAll(async () => {
  await redis.release();
});

function worker(args: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKER, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out.split('\n').filter(Boolean)) : reject(new Error(`worker exited ${code}`)),
    );
  });
}

function expectContiguous(serials: string[], first: number, count: number): void {
  expect(serials).toHaveLength(count);
  expect(new Set(serials).size).toBe(count);
  const seqs = serials.map((s) => Number(s.slice('loonflow_20250301'.length))).sort((a, b) => a - b);
  expect(seqs[0]).toBe(first);
  expect(seqs[seqs.length - 1]).toBe(first + count - 1);
}

describe('serial next under concurrency', () => {
  // 2025-03-01 in the fixture: 4 tickets, serials 1..4, so the day starts after 4.
  it('8 processes x 500 calls on an absent key: 4,000 distinct, contiguous serials', async () => {
    await redis.flush();
    const startAt = String(Date.now() + 1500);
    const results = await Promise.all(
      Array.from({ length: 8 }, () => worker([redis.url, dbUrl, '2025-03-01', '500', startAt])),
    );
    expectContiguous(results.flat(), 5, 4000);
    expect(await redis.client.get('ticket_day_count_2025-03-01')).toBe('4004');
  }, 120_000);

  it('the same while reseed runs in a loop', async () => {
    await redis.flush();
    const startAt = String(Date.now() + 1500);
    const [reseeded, ...results] = await Promise.all([
      worker([redis.url, dbUrl, '2025-03-01', '300', startAt, 'reseed']),
      ...Array.from({ length: 8 }, () => worker([redis.url, dbUrl, '2025-03-01', '500', startAt])),
    ]);
    expect(reseeded).toEqual([]);
    expectContiguous(results.flat(), 5, 4000);
  }, 120_000);

  it('8 CLI processes at once on an absent key agree on one sequence', async () => {
    await redis.flush();
    const runs = await Promise.all(
      Array.from({ length: 8 }, () =>
        runCli([
          'serial',
          'next',
          '--count',
          '25',
          '--date',
          '2025-03-01',
          '--tz',
          'Asia/Shanghai',
          '--redis-url',
          redis.url,
          '--database-url',
          dbUrl,
        ]),
      ),
    );
    expect(runs.every((r) => r.code === 0)).toBe(true);
    expectContiguous(
      runs.flatMap((r) => r.stdout.split('\n').filter(Boolean)),
      5,
      200,
    );
  }, 60_000);
});
