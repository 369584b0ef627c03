import { NotFoundError, ProblemFound } from '../../core/errors.js';
import { formatDuration } from '../../core/time-format.js';
import { defineCommand } from '../spec.js';
import { ALLOW_LONG_TTL, checkTtl, lockName, NAME_ARG, PREFIX } from './shared.js';

interface Input {
  name: string;
  token: string;
  ttl: number;
  replace?: boolean;
  prefix?: string;
  allowLongTtl?: boolean;
}

export const lockExtend = defineCommand<Input>({
  path: ['lock', 'extend'],
  redis: 'lean',
  summary: "redis-py's extend: add to the remaining TTL (or replace it with --replace); fails on a key without expiry",
  args: [NAME_ARG],
  options: [
    { name: 'token', type: 'string', placeholder: 'token', description: 'the holder token (required)' },
    {
      name: 'ttl',
      type: 'duration',
      min: '1ms',
      max: '366d',
      description: 'time to add, or the new TTL with --replace (required)',
    },
    { name: 'replace', type: 'boolean', description: 'set the TTL instead of adding to it' },
    ALLOW_LONG_TTL,
    PREFIX,
  ],
  examples: [
    'loonctl lock extend nightly --token "$TOKEN" --ttl 5m',
    'loonctl lock extend nightly --token "$TOKEN" --ttl 30s --replace',
  ],
  async run(ctx, o) {
    const { requireOptions } = await import('../required.js');
    requireOptions(o, ['token', 'ttl']);
    const name = lockName(o.name, o.prefix);
    const ms = checkTtl(o.ttl, o.allowLongTtl);
    const { extend } = await import('../../lock/locks.js');
    const r = await extend(await ctx.redis(), name, o.token, ms, !!o.replace);
    if (!r.extended) {
      if (r.reason === 'gone') throw new NotFoundError(`lock ${name} is not held`);
      if (r.reason === 'taken') throw new ProblemFound(`not the holder of ${name}: held by token ${r.holder}`);
      throw new ProblemFound(`lock ${name} has no expiry; it cannot be extended`);
    }
    return {
      views: [{ kind: 'summary', text: `${name}: ${formatDuration(r.pttl / 1000)} left` }],
      json: { name, ttl_ms: r.pttl },
    };
  },
});
