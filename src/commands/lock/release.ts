import { NotFoundError, ProblemFound, UsageError } from '../../core/errors.js';
import { DRY_RUN, type WriteInput, YES } from '../options/write.js';
import { defineCommand } from '../spec.js';
import { lockHome } from './home.js';
import { describeHolder, holderJson, lockName, NAME_ARG, PREFIX } from './shared.js';

interface Input extends WriteInput {
  name: string;
  token?: string;
  force?: boolean;
  expectToken?: string;
  prefix?: string;
}

export const lockRelease = defineCommand<Input>({
  path: ['lock', 'release'],
  redis: 'lean',
  summary: 'compare-and-delete with your token; --force deletes a stale lock whoever holds it',
  args: [NAME_ARG],
  options: [
    { name: 'token', type: 'string', placeholder: 'token', description: 'the token acquire printed' },
    { name: 'force', type: 'boolean', description: 'delete the lock whatever its token (asks first)' },
    {
      name: 'expect-token',
      type: 'string',
      placeholder: 'token',
      description: 'with --force: only if it still holds this token',
    },
    DRY_RUN,
    YES,
    PREFIX,
  ],
  examples: [
    'loonctl lock release nightly --token "$TOKEN"',
    'loonctl lock release --force nightly --expect-token 3f2a... --yes',
  ],
  async run(ctx, o) {
    const name = lockName(o.name, o.prefix);
    const locks = await import('../../lock/locks.js');
    const { redis } = await lockHome(ctx, name);
    if (!o.force) {
      if (o.token === undefined)
        throw new UsageError('lock release needs --token', 'or --force to delete a stale lock');
      const r = await locks.release(redis, name, o.token);
      if (r.released) {
        ctx.out.info(`released ${name}`);
        return undefined;
      }
      if (r.holder === null) throw new NotFoundError(`lock ${name} is not held`);
      throw new ProblemFound(
        `not the holder of ${name}: held by ${describeHolder(await locks.inspectLock(redis, name))}`,
      );
    }
    const h = await locks.inspectLock(redis, name);
    if (h.pttl === -2) throw new NotFoundError(`lock ${name} is not held`);
    if (h.kind === 'kombu-unacked-mutex' && h.pttl === -1) {
      ctx.out.warn(
        `${name} is kombu's unacked_mutex with no TTL: it will never expire by itself (a kombu 4.6.7 worker ` +
          'died between SETNX and EXPIRE); until it is deleted no worker restores unacked messages',
      );
    } else if (h.kind === 'kombu-unacked-mutex') {
      ctx.out.warn(
        `${name} is kombu's unacked_mutex: a worker is restoring unacknowledged messages under it right now; ` +
          'deleting it can make two restorers put the same task back twice',
      );
    }
    if (o.expectToken !== undefined && h.token !== o.expectToken) {
      throw new ProblemFound(`lock ${name} changed hands: now held by ${describeHolder(h)}; not deleted`);
    }
    if (o.dryRun) {
      return {
        views: [{ kind: 'record', fields: { name, would_delete: true, holder: describeHolder(h) } }],
        json: { dry_run: true, would_delete: holderJson(h) },
      };
    }
    if (!(await ctx.out.confirm(`Delete lock ${name} held by ${describeHolder(h)}?`, o.yes)))
      throw new ProblemFound('not deleted');
    const r = await locks.forceRelease(redis, name, o.expectToken ?? h.token);
    if (!r.deleted)
      throw new ProblemFound(`lock ${name} changed hands while deleting (now ${r.holder ?? 'free'}); not deleted`);
    return {
      views: [{ kind: 'summary', text: `deleted ${name} (was held by ${describeHolder(h)})` }],
      json: { deleted: holderJson(h) },
    };
  },
});
