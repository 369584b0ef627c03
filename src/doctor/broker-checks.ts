import type { Redis } from 'ioredis';
import type { Context } from '../app/context.js';
import type { QueueInfo } from '../celery/list.js';
import type { Transport } from '../celery/transport.js';
import { UsageError } from '../core/errors.js';
import { check, type CheckResult } from './check.js';
import type { CheckName } from './check-names.js';
import { asFinding } from './finding.js';
import { backlogCheck, queueReadyCheck, unackedAgeCheck } from './queue-checks.js';
import type { Thresholds } from './thresholds.js';

export interface BrokerCheckOptions {
  skip: ReadonlySet<CheckName>;
  thresholds: Thresholds;
  transport: { sep?: string; prioritySteps?: string; visibilityTimeoutMs?: number };
  controlExchange?: string;
  maxTaskRuntimeS: number;
  censusWaitMs: number;
}

/** What doctor reads from the broker, in report order. */
const NAMES = [
  'maxmemory-policy',
  'celery backlog',
  'queue ready',
  'oldest ready',
  'not draining',
  'unacked age',
  'eta delay',
  'unacked mutex',
  'queue consumers',
  'long-running tasks',
] as const;

/** Where doctor keeps its flow observations between cron runs (TTL'd; in the broker, beside the queues). */
export function doctorFlowKey(t: Transport): string {
  return `${t.keyPrefix.toString('latin1')}loonctl:flow`;
}

/** One check, or the Redis condition that stopped it as a failure of that check. */
async function guarded(name: string, fn: () => Promise<CheckResult | CheckResult[]>): Promise<CheckResult[]> {
  try {
    const r = await fn();
    return Array.isArray(r) ? r : [r];
  } catch (e) {
    // The flow state key holding something else is a finding here, not the operator's typo.
    if (e instanceof UsageError) return [check(name, 'fail', e.message)];
    return [check(name, 'fail', (await asFinding(e)).message)];
  }
}

/**
 * The broker's eviction policy, the backlog and its thresholds, flow (oldest ready, not draining), ETA
 * delays, kombu's unacked mutex and the workers' census. A queue listing that fails fails the backlog
 * check and skips what needs it; skipped checks cost nothing (no census, no flow observation).
 */
export async function brokerChecks(
  ctx: Context,
  broker: Redis | undefined,
  o: BrokerCheckOptions,
): Promise<CheckResult[]> {
  if (!broker) return NAMES.map((n) => check(n, 'skip', 'broker unreachable'));
  const on = (slug: CheckName) => !o.skip.has(slug);
  const t = await ctx.transport(o.transport);
  const out: CheckResult[] = [];
  const { evictionCheck } = await import('./eviction-check.js');
  if (on('maxmemory-policy')) out.push(...(await guarded('maxmemory-policy', () => evictionCheck(broker, t))));
  const { listQueues } = await import('../celery/list.js');
  let queues: QueueInfo[];
  try {
    queues = await listQueues(broker, t, false);
  } catch (e) {
    const failed = check('celery backlog', 'fail', (await asFinding(e)).message);
    return [...out, failed, ...NAMES.slice(2).map((n) => check(n, 'skip', 'queues unreadable'))];
  }
  const th = o.thresholds;
  out.push(backlogCheck(queues, t), queueReadyCheck(queues, th));
  if (on('oldest-ready') || on('not-draining')) {
    const [{ observeFlow, redisFlowStore }, { oldestReadyCheck, notDrainingCheck }] = await Promise.all([
      import('../monitor/flow.js'),
      import('./flow-checks.js'),
    ]);
    const names = queues.map((q) => q.name);
    out.push(
      ...(await guarded('not draining', async () => {
        const samples = await observeFlow(broker, t, names, redisFlowStore(broker, doctorFlowKey(t)));
        return [oldestReadyCheck(samples, th), notDrainingCheck(samples, th)];
      })),
    );
  }
  out.push(unackedAgeCheck(queues, th));
  if (on('eta-delay')) {
    const { etaDelayCheck } = await import('./eta-check.js');
    out.push(
      ...(await guarded('eta delay', () =>
        etaDelayCheck(
          broker,
          t,
          queues.map((q) => q.name),
        ),
      )),
    );
  }
  const { unackedMutexCheck } = await import('./unacked-mutex-check.js');
  out.push(...(await guarded('unacked mutex', () => unackedMutexCheck(broker, t))));
  if (on('queue-consumers') || on('long-running-tasks')) {
    const [{ workerChecks }, { makeMailbox }] = await Promise.all([
      import('./worker-checks.js'),
      import('../celery/control/names.js'),
    ]);
    const m = makeMailbox(t, broker.options.db ?? 0, o.controlExchange);
    const opts = { maxRuntimeS: o.maxTaskRuntimeS, waitMs: o.censusWaitMs, signal: ctx.signal };
    out.push(...(await guarded('queue consumers', () => workerChecks(broker, m, queues, opts))));
  }
  return out;
}
