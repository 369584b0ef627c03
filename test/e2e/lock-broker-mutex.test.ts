// Issue 11: kombu writes unacked_mutex in the broker db; when the broker URL names another db than the
// counters, `lock list` and `lock show` find it there too, marked as the broker's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';

let counters: TestRedis;
let broker: TestRedis;
beforeAll(async () => {
  counters = await claimRedisDb();
  broker = await claimRedisDb();
});
afterAll(async () => {
  await counters.release();
  await broker.release();
});

const urls = () => ['--redis-url', counters.url, '--broker-url', broker.url];
const KOMBU_467 = '8c5b1f3e-2d4a-4e6b-9f0a-1b2c3d4e5f60';

describe("kombu's unacked_mutex in another broker db", () => {
  it('lock list shows it, marked as found in the broker, beside the counters db locks', async () => {
    await broker.client.set('unacked_mutex', KOMBU_467);
    await counters.client.set('nightly', 'c'.repeat(32), 'PX', 60_000);
    const r = await runCli(['lock', 'list', '--json', ...urls()]);
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as { name: string; source: string; never_expires: boolean }[];
    expect(rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'nightly', source: 'redis' }),
        expect.objectContaining({ name: 'unacked_mutex', source: 'broker', never_expires: true }),
      ]),
    );
    const text = await runCli(['lock', 'list', ...urls()]);
    expect(text.stdout).toMatch(/unacked_mutex.*broker/);
    const none = await runCli(['lock', 'list', '--match', 'night*', '--json', ...urls()]);
    expect((JSON.parse(none.stdout) as { name: string }[]).map((x) => x.name)).toEqual(['nightly']);
  });

  it('lock show finds it in the broker db', async () => {
    await broker.client.set('unacked_mutex', KOMBU_467, 'EX', 300);
    const r = await runCli(['lock', 'show', 'unacked_mutex', '--json', ...urls()]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ token: KOMBU_467, source: 'broker', kind: 'kombu-unacked-mutex' });
    const text = await runCli(['lock', 'show', 'unacked_mutex', ...urls()]);
    expect(text.stdout).toMatch(/broker/);
  });

  it('lock release --force clears a TTL-less one from the broker db (the command doctor suggests)', async () => {
    await broker.client.set('unacked_mutex', KOMBU_467);
    const args = ['lock', 'release', '--force', 'unacked_mutex', '--expect-token', KOMBU_467, '--yes', ...urls()];
    const r = await runCli(args);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/no TTL/);
    expect(r.stderr).not.toMatch(/restoring .* right now/);
    expect(await broker.client.exists('unacked_mutex')).toBe(0);
  });
});
