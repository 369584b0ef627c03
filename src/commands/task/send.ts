import { UsageError } from '../../core/errors.js';
import { transportOf } from '../queue/shared.js';
import { defineCommand } from '../spec.js';
import { SEND_OPTIONS, type SendInput } from './send-options.js';

export const taskSend = defineCommand<SendInput>({
  path: ['task', 'send'],
  summary: "publish a task as Celery's apply_async does (protocol 2, the deployment's kombu), print its id",
  args: [{ name: 'task', required: true, description: 'task name, e.g. tasks.flow_hook_task' }],
  options: SEND_OPTIONS,
  examples: [
    'loonctl task send tasks.flow_hook_task --args "[4711]"',
    'loonctl task send tasks.run_flow_task --args \'[4711, "3", 12, "admin_retry"]\' --priority 6',
    'loonctl task send tasks.timer_transition --args \'[4711, 12, "2026-11-24T18:00:00", 7]\' --countdown 1h',
  ],
  async run(ctx, o) {
    if (o.countdown !== undefined && o.eta !== undefined) throw new UsageError('give --countdown or --eta, not both');
    const [{ publishTask }, { flavourForLoonflow }, { parseInstantIn }] = await Promise.all([
      import('../../celery/write/publish.js'),
      import('../../celery/write/flavour.js'),
      import('../../core/parse-instant.js'),
    ]);
    const eta = o.eta === undefined ? undefined : parseInstantIn(o.eta, ctx.config.tz.value, '--eta');
    let celery = o.celery;
    if (!celery) {
      const d = await ctx.deployment({ probe: false });
      celery = flavourForLoonflow(d.line, ctx.config.loonflowVersion.value);
    }
    const t = await transportOf(ctx, o);
    const sent = await publishTask(await ctx.broker(), t, {
      task: o.task,
      argsJson: o.args,
      kwargsJson: o.kwargs,
      queue: o.queue,
      countdown: o.countdown === undefined ? undefined : o.countdown / 1000,
      eta,
      priority: o.priority,
      id: o.id,
      celery,
      declare: o.declare,
      dryRun: o.dryRun,
    });
    if (!sent.route.declared && sent.pushed) ctx.out.warn(`declared queue '${sent.queue}' (no worker consumes it yet)`);
    const json = {
      id: sent.id,
      task: sent.task,
      queue: sent.queue,
      key: sent.key.toString('utf8'),
      eta: sent.eta,
      priority: sent.priority,
      bucket: sent.bucket,
      celery,
      bytes: sent.raw.length,
      dry_run: !!o.dryRun,
    };
    const what = `${o.dryRun ? 'dry run: would send' : 'sent'} ${sent.task} to ${json.key}`;
    if (ctx.out.format === 'plain') {
      ctx.out.info(`${what} (Celery ${celery} format)`);
      return { views: [{ kind: 'lines', lines: [sent.id] }], json };
    }
    const fields = { ...json, eta: sent.eta ?? '-' };
    return {
      views: [
        { kind: 'record', fields },
        { kind: 'summary', text: what },
      ],
      json,
    };
  },
});
