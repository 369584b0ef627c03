import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatSerial } from '../../src/serial/format.js';
import { runCli } from '../helpers/cli.js';
import { createPgDatabase } from '../helpers/db.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';
import { createTicketTable } from '../helpers/tickets.js';

const LOONFLOW = new URL('./serial/loonflow_gen_sn.py', import.meta.url).pathname;
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

function python(args: string[]): string {
  const r = spawnSync('/usr/bin/python3', [LOONFLOW, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return r.stdout.trim();
}

const loonflow = (date: string) => python(['gen', redis.url, dbUrl, date]);
async function loonctl(date: string): Promise<string> {
  const r = await runCli([
    'serial',
    'next',
    '--date',
    date,
    '--tz',
    'Asia/Shanghai',
    '--redis-url',
    redis.url,
    '--database-url',
    dbUrl,
  ]);
  expect(r.code).toBe(0);
  return r.stdout.trim();
}

describe("interop with LoonFlow's gen_ticket_sn (Python, redis-py)", () => {
  it('LoonFlow first, then alternating: one sequence, same key, same TTL', async () => {
    await redis.flush();
    const startedAt = Date.now();
    const got: string[] = [loonflow('2025-03-01')];
    for (let i = 0; i < 4; i++) {
      got.push(await loonctl('2025-03-01'));
      got.push(loonflow('2025-03-01'));
    }
    expect(got).toEqual(Array.from({ length: 9 }, (_, i) => formatSerial('loonflow', null, '2025-03-01', 5 + i)));
    expect(await redis.client.keys('*')).toEqual(['ticket_day_count_2025-03-01']);
    // Set with 86400 s by the first call and never touched since (INCR keeps the TTL).
    const elapsedS = Math.ceil((Date.now() - startedAt) / 1000);
    expect(await redis.client.ttl('ticket_day_count_2025-03-01')).toBeGreaterThanOrEqual(86400 - elapsedS - 1);
  });

  it('loonctl first on an absent key writes what LoonFlow would have written', async () => {
    await redis.flush();
    const mine = await loonctl('2025-03-02');
    const ttlMine = await redis.client.ttl('ticket_day_count_2025-03-02');
    const mineReadAt = Date.now();
    const valueMine = await redis.client.get('ticket_day_count_2025-03-02');
    await redis.flush();
    const theirs = loonflow('2025-03-02');
    expect(mine).toBe(theirs); // 4 rows that day (one soft-deleted, one duplicate): both start at 5
    expect(valueMine).toBe(await redis.client.get('ticket_day_count_2025-03-02'));
    // Both wrote 86400 s: the TTLs differ by the time between the two reads, no more.
    const theirsTtl = await redis.client.ttl('ticket_day_count_2025-03-02');
    expect(Math.abs(ttlMine - theirsTtl)).toBeLessThanOrEqual(Math.ceil((Date.now() - mineReadAt) / 1000) + 1);
    expect(await loonctl('2025-03-02')).toBe(formatSerial('loonflow', null, '2025-03-02', 6));
    expect(loonflow('2025-03-02')).toBe(formatSerial('loonflow', null, '2025-03-02', 7));
  });

  it('serial text is identical to Python %04d formatting, zones and five-digit sequences included', () => {
    const ns = ['1', '42', '9999', '10000', '123456'];
    expect(python(['format', 'loonflow', '-', '2025-03-01', ...ns]).split('\n')).toEqual(
      ns.map((n) => formatSerial('loonflow', null, '2025-03-01', Number(n))),
    );
    expect(python(['format', 'hr', 'sh', '2025-12-31', ...ns]).split('\n')).toEqual(
      ns.map((n) => formatSerial('hr', 'sh', '2025-12-31', Number(n))),
    );
  });
});
