import type { Context } from '../../app/context.js';
import type { Ack } from '../../celery/control/calls.js';
import { ProblemFound } from '../../core/errors.js';
import { type CommandResult, table } from '../../core/view.js';
import type { OptionSpec } from '../spec.js';
import { CONTROL_OPTIONS, type ControlInput, mailboxOf, replyWaitMs, warnMissing } from './shared.js';

export interface ConsumerInput extends ControlInput {
  queue: string;
  worker?: string;
}

export const CONSUMER_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'worker',
    type: 'string',
    placeholder: 'name',
    complete: 'workers',
    description: 'only this worker (exact hostname, e.g. celery@host)',
  },
  ...CONTROL_OPTIONS,
];

/** pause = cancel_consumer, resume = add_consumer, on every live worker or one; exit 1 if nobody acknowledged. */
export async function consumerCall(ctx: Context, o: ConsumerInput, what: 'pause' | 'resume'): Promise<CommandResult> {
  const { broker, m } = await mailboxOf(ctx, o);
  const { cancelConsumer, addConsumer } = await import('../../celery/control/calls.js');
  const call = what === 'pause' ? cancelConsumer : addConsumer;
  const r = await call(broker, m, o.queue, {
    workers: o.worker ? [o.worker] : undefined,
    idleTimeoutMs: replyWaitMs(ctx),
    signal: ctx.signal,
  });
  warnMissing(ctx, r.missing);
  const ok = r.acks.filter((a) => a.error === null);
  if (what === 'pause' && ok.length)
    ctx.out.info('a worker that restarts consumes the queue again: pause again after a restart');
  const view = table<Ack>(r.acks, [
    { header: 'WORKER', min: 16, value: (a) => a.hostname },
    { header: 'REPLY', min: 20, value: (a) => a.error ?? a.ok, tone: (a) => (a.error ? 'fail' : 'ok') },
  ]);
  const json = { queue: o.queue, action: what, acks: r.acks, missing: r.missing, receivers: r.receivers };
  const after = ok.length
    ? undefined
    : new ProblemFound(`no worker acknowledged ${what} of '${o.queue}'`, ctx.out.isJson);
  return { views: [view], json, after };
}
