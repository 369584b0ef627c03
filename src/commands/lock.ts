import { Option, type Command } from 'commander';
import type { Context } from '../core/context.js';
import { ExitCode, ExitWith, LockBusyError, LockLostError, NotFoundError, ProblemFound, UsageError } from '../core/errors.js';
import { parseDuration, parseIntOption } from '../core/parse.js';
import type { Holder } from '../lock/locks.js';
import { action, examples } from './action.js';

const MAX_TTL_MS = 24 * 3600_000;

interface TtlFlags {
  ttl?: string;
  allowLongTtl?: boolean;
}

function ttlOf(o: TtlFlags, fallback = '30s'): number {
  const ms = parseDuration(o.ttl ?? fallback, '--ttl');
  if (ms <= 0) throw new UsageError('--ttl must be greater than 0');
  if (ms > MAX_TTL_MS && !o.allowLongTtl) throw new UsageError(`--ttl of ${o.ttl} is over 24h`, 'a lock that outlives its holder blocks everyone; add --allow-long-ttl if you mean it');
  return ms;
}

/** commander gives --wait as a string, --no-wait as false, neither as undefined (no waiting). */
function waitOf(o: { wait?: string | boolean }): number {
  return typeof o.wait === 'string' ? parseDuration(o.wait, '--wait') : 0;
}

function lockName(name: string, prefix?: string): string {
  if (name.trim() === '') throw new UsageError('the lock name must not be empty');
  return `${prefix ?? ''}${name}`;
}

function describeHolder(h: Holder): string {
  if (h.pttl === -2) return 'nobody';
  const parts = [`token ${h.token || '(empty)'}`, h.pttl === -1 ? 'never expires' : `${(h.pttl / 1000).toFixed(1)}s left`];
  if (h.meta) parts.push(`${h.meta.user ? `${h.meta.user}@` : ''}${h.meta.host} pid ${h.meta.pid}: ${h.meta.command}`);
  if (h.uuid1) parts.push(`redis-py token made ${h.uuid1.time} on node ${h.uuid1.node}`);
  if (h.kind !== 'loonctl' && h.kind !== 'redis-py') parts.push(h.kind);
  return parts.join(', ');
}

function holderJson(h: Holder): Record<string, unknown> {
  return {
    name: h.name,
    token: h.token,
    ttl_ms: h.pttl === -2 ? null : h.pttl,
    never_expires: h.pttl === -1,
    kind: h.kind,
    fence: h.fence,
    meta: h.meta,
    uuid1: h.uuid1,
  };
}

async function busy(ctx: Context, h: Holder, code?: number): Promise<never> {
  if (ctx.out.isJson) ctx.out.json({ busy: true, holder: holderJson(h) });
  throw new LockBusyError(`lock ${h.name} is busy: held by ${describeHolder(h)}`, undefined, code ?? ExitCode.lockBusy);
}

export function registerLock(program: Command): void {
  const lock = program.command('lock').description('Redis locks that interoperate with redis-py Lock: acquire, release, extend, show, list, run a command under a lock');
  examples(lock, [
    'loonctl lock acquire nightly --ttl 5m          prints the token',
    'loonctl lock release nightly --token <token>',
    'loonctl lock list --match "qo_*"',
    'loonctl lock run nightly-report --ttl 60s -- ./report.sh --full',
  ]);
  const prefixOpt = (c: Command) => c.option('--prefix <prefix>', "prepended to the name (Django cache locks: ':1:')");

  examples(
    prefixOpt(
      lock
        .command('acquire')
        .description('take a lock and print its token (busy: exit 75 naming the holder)')
        .argument('<name>')
        .option('--ttl <duration>', 'expiry (default 30s)')
        .option('--wait <duration>', 'keep trying this long')
        .option('--no-wait', 'one attempt (the default)')
        .option('--token <token>', 'use this token instead of a new one')
        .option('--allow-long-ttl', 'allow a TTL over 24h'),
    ).action(
      action<TtlFlags & { wait?: string | boolean; token?: string; prefix?: string }>(async (ctx, o, [raw]) => {
        const name = lockName(raw!, o.prefix);
        const ttlMs = ttlOf(o);
        const waitMs = waitOf(o);
        if (o.token !== undefined && !/^[\x21-\x7e]{1,128}$/.test(o.token)) throw new UsageError('--token must be 1-128 printable characters');
        const { acquire, currentOwner } = await import('../lock/locks.js');
        const r = await acquire(await ctx.redis(), name, ttlMs, currentOwner(`loonctl lock acquire ${raw}`), { waitMs, signal: ctx.signal }, o.token);
        if ('busy' in r) return busy(ctx, r.busy);
        if (ctx.out.isJson) ctx.out.json(r.acquired);
        else ctx.out.line(r.acquired.token);
      }),
    ),
    ['loonctl lock acquire nightly', 'TOKEN=$(loonctl lock acquire nightly --ttl 10m --wait 30s)', 'loonctl lock acquire nightly --json'],
  );

  examples(
    prefixOpt(
      lock
        .command('release')
        .description('compare-and-delete with your token; --force deletes a stale lock whoever holds it')
        .argument('<name>')
        .option('--token <token>', 'the token acquire printed')
        .option('--force', 'delete the lock whatever its token (asks first)')
        .option('--expect-token <token>', 'with --force: only if it still holds this token')
        .option('--dry-run', 'with --force: show what would be deleted')
        .option('--yes', 'with --force: do not ask'),
    ).action(
      action<{ token?: string; force?: boolean; expectToken?: string; dryRun?: boolean; yes?: boolean; prefix?: string }>(async (ctx, o, [raw]) => {
        const name = lockName(raw!, o.prefix);
        const locks = await import('../lock/locks.js');
        const redis = await ctx.redis();
        if (!o.force) {
          if (o.token === undefined) throw new UsageError('lock release needs --token', 'or --force to delete a stale lock');
          const r = await locks.release(redis, name, o.token);
          if (r.released) return ctx.out.info(`released ${name}`);
          if (r.holder === null) throw new NotFoundError(`lock ${name} is not held`);
          throw new ProblemFound(`not the holder of ${name}: held by ${describeHolder(await locks.inspectLock(redis, name))}`);
        }
        const h = await locks.inspectLock(redis, name);
        if (h.pttl === -2) throw new NotFoundError(`lock ${name} is not held`);
        if (h.kind === 'kombu-unacked-mutex') {
          ctx.out.warn(`${name} is kombu's unacked_mutex: a worker is restoring unacknowledged messages under it right now; deleting it can make two restorers put the same task back twice`);
        }
        if (o.expectToken !== undefined && h.token !== o.expectToken) throw new ProblemFound(`lock ${name} changed hands: now held by ${describeHolder(h)}; not deleted`);
        if (o.dryRun) {
          ctx.out.record({ name, would_delete: true, holder: describeHolder(h) }, { json: { dry_run: true, would_delete: holderJson(h) } });
          return;
        }
        if (!(await ctx.out.confirm(`Delete lock ${name} held by ${describeHolder(h)}?`, o.yes))) throw new ProblemFound('not deleted');
        const r = await locks.forceRelease(redis, name, o.expectToken ?? h.token);
        if (!r.deleted) throw new ProblemFound(`lock ${name} changed hands while deleting (now ${r.holder ?? 'free'}); not deleted`);
        ctx.out.info(`deleted ${name} (was held by ${describeHolder(h)})`);
        if (ctx.out.isJson) ctx.out.json({ deleted: holderJson(h) });
      }),
    ),
    ['loonctl lock release nightly --token "$TOKEN"', 'loonctl lock release --force nightly --expect-token 3f2a... --yes'],
  );

  examples(
    prefixOpt(
      lock
        .command('extend')
        .description("redis-py's extend: add to the remaining TTL (or replace it with --replace); fails on a key without expiry")
        .argument('<name>')
        .requiredOption('--token <token>', 'the holder token')
        .requiredOption('--ttl <duration>', 'time to add (or the new TTL with --replace)')
        .option('--replace', 'set the TTL instead of adding to it')
        .option('--allow-long-ttl', 'allow a TTL over 24h'),
    ).action(
      action<TtlFlags & { token: string; replace?: boolean; prefix?: string }>(async (ctx, o, [raw]) => {
        const name = lockName(raw!, o.prefix);
        const ms = ttlOf(o);
        const { extend } = await import('../lock/locks.js');
        const r = await extend(await ctx.redis(), name, o.token, ms, !!o.replace);
        if (!r.extended) {
          if (r.reason === 'gone') throw new NotFoundError(`lock ${name} is not held`);
          if (r.reason === 'taken') throw new ProblemFound(`not the holder of ${name}: held by token ${r.holder}`);
          throw new ProblemFound(`lock ${name} has no expiry; it cannot be extended`);
        }
        if (ctx.out.isJson) ctx.out.json({ name, ttl_ms: r.pttl });
        else ctx.out.info(`${name}: ${(r.pttl / 1000).toFixed(1)}s left`);
      }),
    ),
    ['loonctl lock extend nightly --token "$TOKEN" --ttl 5m', 'loonctl lock extend nightly --token "$TOKEN" --ttl 30s --replace'],
  );

  examples(
    prefixOpt(lock.command('show').description('holder, TTL, fence and metadata of a lock').argument('<name>')).action(
      action<{ prefix?: string }>(async (ctx, o, [raw]) => {
        const name = lockName(raw!, o.prefix);
        const { inspectLock } = await import('../lock/locks.js');
        const h = await inspectLock(await ctx.redis(), name);
        if (h.pttl === -2) throw new NotFoundError(`lock ${name} is not held`);
        ctx.out.record(
          {
            name: h.name,
            kind: h.kind,
            token: h.token,
            ttl: h.pttl === -1 ? 'never expires' : `${(h.pttl / 1000).toFixed(1)}s`,
            fence: h.fence ?? '-',
            holder: h.meta ? `${h.meta.user ? `${h.meta.user}@` : ''}${h.meta.host} pid ${h.meta.pid}` : h.uuid1 ? `redis-py on node ${h.uuid1.node}` : '-',
            command: h.meta?.command ?? '-',
            acquired: h.meta?.acquired_at_us ? new Date(Number(h.meta.acquired_at_us) / 1000).toISOString() : h.uuid1?.time ?? '-',
          },
          { json: holderJson(h), tones: { ttl: h.pttl === -1 ? 'warn' : undefined } },
        );
      }),
    ),
    ['loonctl lock show nightly', 'loonctl lock show unacked_mutex --json'],
  );

  examples(
    lock
      .command('list')
      .description('lock-like keys (SCAN): loonctl, redis-py, kombu unacked_mutex, celery-once qo_*, python-redis-lock lock:*, Django :1:*')
      .option('--match <glob>', 'only names matching this glob', '*')
      .action(
        action<{ match: string }>(async (ctx, o) => {
          const { listLocks } = await import('../lock/list.js');
          const locks = await listLocks(await ctx.redis(), o.match);
          ctx.out.table(
            locks,
            [
              { header: 'NAME', value: (h) => h.name },
              { header: 'KIND', value: (h) => h.kind },
              { header: 'TTL', value: (h) => (h.pttl === -1 ? 'never expires' : `${(h.pttl / 1000).toFixed(1)}s`), tone: (h) => (h.pttl === -1 ? 'warn' : undefined), align: 'right' },
              { header: 'FENCE', value: (h) => h.fence ?? '' },
              { header: 'HOLDER', value: (h) => (h.meta ? `${h.meta.host} pid ${h.meta.pid}` : h.uuid1 ? `node ${h.uuid1.node}` : '') },
              { header: 'TOKEN', value: (h) => h.token, wide: true },
              { header: 'COMMAND', value: (h) => h.meta?.command ?? '', wide: true },
            ],
            { json: locks.map(holderJson), empty: 'no locks' },
          );
        }),
      ),
    ['loonctl lock list', 'loonctl lock list --match "qo_*" -o wide'],
  );

  examples(
    prefixOpt(
      lock
        .command('run')
        .description('hold a lock while a command runs: renewed every ttl/3; if lost, the command is stopped (exit 76)')
        .argument('<name>')
        .argument('[command...]', 'the command and its arguments, after --')
        .option('--ttl <duration>', 'expiry, renewed every ttl/3 (default 30s)')
        .option('--wait <duration>', 'wait this long for the lock')
        .option('--no-wait', 'one attempt (the default)')
        .option('--conflict-exit-code <n>', 'exit code when busy (default 75)')
        .option('--busy-ok', 'exit 0 when busy (cron on several hosts)')
        .addOption(new Option('--on-lost <action>', 'when the lock is lost: term (then kill), kill, ignore').choices(['term', 'kill', 'ignore']).default('term'))
        .option('--kill-after <duration>', 'KILL this long after TERM', '10s')
        .option('--allow-long-ttl', 'allow a TTL over 24h'),
    ).action(
      action<TtlFlags & { wait?: string | boolean; conflictExitCode?: string; busyOk?: boolean; onLost: string; killAfter: string; prefix?: string }>(async (ctx, o, args, cmd) => {
        const [raw, ...argv] = args;
        let root: Command = cmd;
        while (root.parent) root = root.parent;
        if (!(root as unknown as { rawArgs: string[] }).rawArgs.includes('--')) throw new UsageError('lock run needs -- before the command', 'loonctl lock run NAME -- cmd args...');
        if (argv.length === 0) throw new UsageError('lock run needs a command after --');
        const name = lockName(raw!, o.prefix);
        const ttlMs = ttlOf(o);
        const waitMs = waitOf(o);
        const killAfterMs = parseDuration(o.killAfter, '--kill-after');
        const conflict = o.conflictExitCode === undefined ? undefined : parseIntOption(o.conflictExitCode, '--conflict-exit-code', 0, 255);
        const [locks, { LockRunner }, { connectRedis }] = await Promise.all([import('../lock/locks.js'), import('../lock/run.js'), import('../redis/connect.js')]);
        const redis = await ctx.redis();
        const r = await locks.acquire(redis, name, ttlMs, locks.currentOwner(argv.join(' ')), { waitMs, signal: ctx.signal });
        if ('busy' in r) {
          if (o.busyOk) {
            ctx.out.info(`lock ${name} is busy (${describeHolder(r.busy)}); not running`);
            return;
          }
          return busy(ctx, r.busy, conflict);
        }
        const runner = new LockRunner(redis, {
          lock: r.acquired,
          argv,
          ttlMs,
          onLost: o.onLost as 'term' | 'kill' | 'ignore',
          killAfterMs,
          env: process.env,
          reconnect: () => connectRedis(ctx.config.redisUrl.value, { timeoutMs: ctx.config.timeoutMs.value, sentinelMaster: ctx.config.sentinelMaster.value, role: 'redis' }),
          log: (m) => ctx.out.warn(m),
        });
        ctx.signalHandler = (sig) => runner.forward(sig);
        const outcome = await runner.run();
        if (outcome.lost && o.onLost !== 'ignore') throw new LockLostError(`lock ${name} was lost while the command ran: ${outcome.lostReason}`, 'the command was stopped');
        throw new ExitWith(outcome.code);
      }),
    ),
    [
      'loonctl lock run nightly -- ./nightly.sh',
      '*/5 * * * * loonctl lock run sync --busy-ok --ttl 2m -- /opt/sync   # one host at a time',
      'loonctl lock run migrate --wait 10m -- python manage.py migrate',
    ],
  );
}
