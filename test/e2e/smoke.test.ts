import { describe, expect, it, inject } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { claimRedisDb } from '../helpers/redis.js';

describe('harness smoke', () => {
  it('runs the built CLI and has services', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(inject('pgUrl')).toContain(inject('runId'));
    const redis = await claimRedisDb();
    expect(redis.db).toBeGreaterThan(0);
    await redis.client.set('x', '1');
    await redis.release();
  });
});
