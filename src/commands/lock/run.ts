import { ExitWith, UsageError } from '../../core/errors.js';
import { defineCommand } from '../spec.js';
import { ALLOW_LONG_TTL, busy, checkTtl, describeHolder, lockName, PREFIX, RUN_TTL, WAIT } from './shared.js';

type OnLost = 'term' | 'kill' | 'ignore';

interface Input {
  name: string;
  command: string[];
  ttl: number;
  wait?: number;
  conflictExitCode?: number;
  busyOk?: boolean;
  onLost: OnLost;
  killAfter: number;
  maxRuntime?: number;
  recordCommand?: boolean;
  prefix?: string;
  allowLongTtl?: boolean;
}

export const lockRun = defineCommand<Input>({
  path: ['lock', 'run'],
  redis: 'lean',
  summary: 'hold a lock while a command runs: renewed every ttl/3; if lost, the command is stopped (exit 76)',
  args: [
    { name: 'name', required: true, complete: 'locks' },
    { name: 'command', variadic: true, description: 'the command and its arguments, after --' },
  ],
  passThrough: true,
  options: [
    RUN_TTL,
    WAIT,
    { name: 'conflict-exit-code', type: 'int', min: 0, max: 255, description: 'exit code when busy (default 75)' },
    { name: 'busy-ok', type: 'boolean', description: 'exit 0 when busy (cron on several hosts)' },
    {
      name: 'on-lost',
      type: 'string',
      choices: ['term', 'kill', 'ignore'],
      default: 'term',
      description: 'when the lock is lost: term (then kill), kill, ignore',
    },
    { name: 'kill-after', type: 'duration', default: '10s', description: 'KILL this long after TERM' },
    {
      name: 'max-runtime',
      type: 'duration',
      description: 'stop the command (TERM, then KILL after --kill-after) after this long: exit 124',
    },
    {
      name: 'record-command',
      type: 'boolean',
      description: 'store the arguments (secrets masked) in the lock metadata, not only the program name',
    },
    ALLOW_LONG_TTL,
    PREFIX,
  ],
  examples: [
    'loonctl lock run nightly -- ./nightly.sh',
    '*/5 * * * * loonctl lock run sync --busy-ok --ttl 2m -- /opt/sync   # one host at a time',
    'loonctl lock run migrate --wait 10m -- python manage.py migrate',
  ],
  async run(ctx, o) {
    if (o.command.length === 0) throw new UsageError('lock run needs a command after --');
    const name = lockName(o.name, o.prefix);
    const ttlMs = checkTtl(o.ttl, o.allowLongTtl);
    const [locks, { LockRunner, checkRunOptions }] = await Promise.all([
      import('../../lock/locks.js'),
      import('../../lock/run.js'),
    ]);
    checkRunOptions({ ttlMs, maxRuntimeMs: o.maxRuntime });
    const redis = await ctx.redis();
    const owner = locks.currentOwner(o.command, { recordCommand: !!o.recordCommand });
    const r = await locks.acquire(redis, name, ttlMs, owner, { waitMs: o.wait ?? 0, signal: ctx.signal });
    if ('busy' in r) {
      if (!o.busyOk) return busy(r.busy, ctx.out.isJson, o.conflictExitCode);
      ctx.out.info(`lock ${name} is busy (${describeHolder(r.busy)}); not running`);
      return undefined;
    }
    const runner = new LockRunner(redis, {
      lock: r.acquired,
      argv: o.command,
      ttlMs,
      onLost: o.onLost,
      killAfterMs: o.killAfter,
      maxRuntimeMs: o.maxRuntime,
      env: process.env,
      log: (m) => ctx.out.warn(m),
    });
    ctx.signalHandler = (sig) => runner.forward(sig);
    // run() throws LockLostError (76) and TimedOutError (124) itself.
    throw new ExitWith((await runner.run()).code);
  },
});
