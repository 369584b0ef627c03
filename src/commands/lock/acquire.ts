import { UsageError } from '../../core/errors.js';
import { defineCommand } from '../spec.js';
import { ALLOW_LONG_TTL, busy, checkTtl, lockName, NAME_ARG, PREFIX, TTL, WAIT } from './shared.js';

interface Input {
  name: string;
  ttl: number;
  wait?: number;
  token?: string;
  prefix?: string;
  allowLongTtl?: boolean;
}

export const lockAcquire = defineCommand<Input>({
  path: ['lock', 'acquire'],
  redis: 'lean',
  summary: 'take a lock and print its token (busy: exit 75 naming the holder)',
  args: [NAME_ARG],
  options: [
    TTL,
    WAIT,
    { name: 'token', type: 'string', placeholder: 'token', description: 'use this token instead of a new one' },
    ALLOW_LONG_TTL,
    PREFIX,
  ],
  examples: [
    'loonctl lock acquire nightly',
    'TOKEN=$(loonctl lock acquire nightly --ttl 10m --wait 30s)',
    'loonctl lock acquire nightly --json',
  ],
  async run(ctx, o) {
    const name = lockName(o.name, o.prefix);
    const ttlMs = checkTtl(o.ttl, o.allowLongTtl);
    if (o.token !== undefined && !/^[\x21-\x7e]{1,128}$/.test(o.token))
      throw new UsageError('--token must be 1-128 printable characters');
    const { acquire, currentOwner } = await import('../../lock/locks.js');
    const owner = currentOwner(`loonctl lock acquire ${o.name}`);
    const r = await acquire(
      await ctx.redis(),
      name,
      ttlMs,
      owner,
      { waitMs: o.wait ?? 0, signal: ctx.signal },
      o.token,
    );
    if ('busy' in r) return busy(r.busy, ctx.out.isJson);
    return { views: [{ kind: 'lines', lines: [r.acquired.token] }], json: r.acquired };
  },
});
