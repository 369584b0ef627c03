// Issue 11: on a healthy LoonFlow 3.x (PostgreSQL, ticket_record, no serials) doctor passes with the serial
// checks skipped and says why; serial commands exit 2 there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgDatabase } from '../helpers/db.js';
import { createLoonflow3Schema } from '../helpers/loonflow3.js';
import { runCli } from '../helpers/cli.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
let url: string;
beforeAll(async () => {
  redis = await claimRedisDb();
  url = await createPgDatabase();
  await createLoonflow3Schema(url);
});
afterAll(async () => {
  await redis.release();
});

describe('LoonFlow 3.x healthy setup', () => {
  it('doctor exits 0: ticket_record ok, serial checks skipped with the reason, line detected from the schema', async () => {
    const r = await runCli(['doctor', '--json', '--redis-url', redis.url, '--database-url', url]);
    const report = JSON.parse(r.stdout) as { ok: boolean; checks: { name: string; status: string; detail: string }[] };
    const byName = Object.fromEntries(report.checks.map((c) => [c.name, c]));
    expect(byName['ticket table']).toMatchObject({ status: 'ok', detail: 'ticket_record' });
    expect(byName['serial counter']).toMatchObject({ status: 'skip', detail: 'LoonFlow 3.x has no ticket serials' });
    expect(byName.loonflow.detail).toMatch(/^LoonFlow 3\.x \(schema: ticket_record/);
    expect(byName['serial primed']).toBeUndefined();
    expect(byName['unacked mutex']).toMatchObject({ status: 'ok' });
    expect(report.checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(r.code, r.stderr).toBe(0);
    expect(report.ok).toBe(true);
  });

  it('serial show exits 2 with a one-line explanation', async () => {
    const r = await runCli(['serial', 'show', '--redis-url', redis.url, '--database-url', url]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/3\.x/);
  });
});
