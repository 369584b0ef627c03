import { join } from 'node:path';
import type { Context } from '../../app/context.js';
import type { Census } from '../../celery/control/census.js';
import type { ActionDeps } from '../../top/actions.js';
import { replyWaitMs } from '../worker/shared.js';
import type { Holder } from '../../lock/locks.js';
import type { LockRow, SerialRow } from '../../top/types.js';
import { lockTransport, lockHome, separateBroker } from '../lock/home.js';
import { serialFormat, serialScope, ticketsOf } from '../serial/shared.js';

const holderText = (h: Holder) => (h.meta ? `${h.meta.host} pid ${h.meta.pid}` : h.uuid1 ? `node ${h.uuid1.node}` : '');

/** Every lock `lock list` shows (counters db, and kombu's unacked_mutex in the broker db), as top's rows. */
export function lockRows(ctx: Context): () => Promise<LockRow[]> {
  return async () => {
    const [{ listLocks }, { brokerUnackedMutex }] = await Promise.all([
      import('../../lock/list.js'),
      import('../../lock/broker-mutex.js'),
    ]);
    const found = (await listLocks(await ctx.redis(), '*')).map((h) => ({ h, source: 'redis' }));
    if (separateBroker(ctx)) {
      const m = await brokerUnackedMutex(await ctx.broker(), lockTransport(ctx), '*');
      if (m) found.push({ h: m, source: 'broker' });
    }
    return found.map(({ h, source }) => ({
      name: h.name,
      kind: h.kind,
      pttl: h.pttl,
      fence: h.fence,
      holder: holderText(h),
      token: h.token,
      source,
    }));
  };
}

/** `lock release --force --expect-token`: only while the lock still holds the token shown. */
export function lockReleaser(ctx: Context) {
  return async (name: string, token: string) => {
    const { forceRelease } = await import('../../lock/locks.js');
    const { redis } = await lockHome(ctx, name);
    return forceRelease(redis, name, token);
  };
}

/**
 * Today's and tomorrow's day counters against the database (`serial show`) when a database is configured
 * (undefined otherwise: no Serials tab). The line is known when the tab is first opened, from the schema
 * if nothing says it (as `serial show`): a line without serials gets the sentence saying so, not an error.
 */
export function serialRows(ctx: Context): (() => Promise<SerialRow[] | string>) | undefined {
  if (ctx.config.databaseUrl.source.startsWith('default')) return undefined;
  return async () => {
    const [d, { LINE_FACTS }] = await Promise.all([ctx.deployment(), import('../../loonflow/lines.js')]);
    if (!LINE_FACTS[d.line].serials)
      return `LoonFlow ${d.line} has no ticket serials (${d.detail}): they exist in LoonFlow 0.x-2.x only`;
    const [{ inspectDays }, { addDays, dateIn }] = await Promise.all([
      import('../../serial/inspect.js'),
      import('../../core/parse.js'),
    ]);
    const today = dateIn(ctx.config.tz.value);
    const fmt = await serialFormat(ctx, {});
    const { db, table } = await ticketsOf(ctx, {});
    const scope = await serialScope(ctx, db);
    const days = await inspectDays(await ctx.redis(), db, table, [today, addDays(today, 1)], { ...fmt, ...scope });
    return days.map((x) => ({
      date: x.date,
      counter: x.counter,
      rows: x.rows,
      maxSeq: x.maxSeq,
      nextSerial: x.nextSerial,
      status: x.date === today ? x.status : x.counter === null ? 'not primed' : 'primed',
    }));
  };
}

/** A new backup file name in `dir` for each removal: `loonctl-top-<what>-<UTC time>.jsonl`. */
export function backupPathIn(dir: string): (what: string) => string {
  const stamp = () => new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  return (what) => join(dir, `loonctl-top-${what.replace(/[^\w.-]/g, '_')}-${stamp()}.jsonl`);
}

/** What top's actions call: the broker, the census, a new backup file each time, and the lock release. */
export function actionDeps(
  ctx: Context,
  b: Pick<ActionDeps, 'broker' | 't' | 'm'>,
  census: () => Promise<Census>,
  backupDir: string,
): ActionDeps {
  return {
    ...b,
    census,
    backupPath: backupPathIn(backupDir),
    releaseLock: lockReleaser(ctx),
    replyWaitMs: replyWaitMs(ctx),
    signal: ctx.signal,
  };
}
