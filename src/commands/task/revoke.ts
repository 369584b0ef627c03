import { ProblemFound } from '../../core/errors.js';
import { table } from '../../core/view.js';
import { DRY_RUN, type WriteInput, YES } from '../options/write.js';
import { defineCommand } from '../spec.js';
import { openBackupWriter } from '../../celery/write/backup-writer.js';
import { MUTEX_WAIT } from '../queue/shared.js';
import { CONTROL_OPTIONS, type ControlInput, mailboxOf, replyWaitMs } from '../worker/shared.js';

interface Input extends ControlInput, WriteInput {
  ids: string[];
  terminate?: boolean;
  signal?: string;
  backup?: string;
  mutexWait?: number;
}

export const taskRevoke = defineCommand<Input>({
  path: ['task', 'revoke'],
  summary:
    "Celery's revoke to every live worker (prefetched and ETA copies are skipped), " +
    'and the messages removed from Redis wherever they sit',
  args: [{ name: 'ids', required: true, variadic: true, description: 'task ids' }],
  options: [
    { name: 'terminate', type: 'boolean', description: 'also signal the process running it' },
    { name: 'signal', type: 'string', placeholder: 'sig', description: 'signal for --terminate (default TERM)' },
    {
      name: 'backup',
      type: 'string',
      placeholder: 'file',
      complete: 'file',
      description: 'write the removed messages here (export format) first',
    },
    MUTEX_WAIT,
    DRY_RUN,
    YES,
    ...CONTROL_OPTIONS,
  ],
  examples: [
    'loonctl task revoke $ID --backup revoked.jsonl --yes',
    'loonctl task revoke $ID --terminate --signal KILL --yes',
  ],
  async run(ctx, o) {
    const { broker, m, t } = await mailboxOf(ctx, o);
    const [{ revokeTasks }, { signalName }] = await Promise.all([
      import('../../celery/control/revoke-task.js'),
      import('../../celery/control/calls.js'),
    ]);
    const sig = o.signal === undefined ? undefined : signalName(o.signal);
    if (!o.dryRun && !(await ctx.out.confirm(`Revoke ${o.ids.length} task(s) and remove their messages?`, o.yes))) {
      throw new ProblemFound('nothing revoked');
    }
    const backup = o.backup && !o.dryRun ? await openBackupWriter(o.backup) : undefined;
    try {
      const r = await revokeTasks(broker, t, m, o.ids, {
        terminate: o.terminate,
        signalName: sig,
        dryRun: !!o.dryRun,
        backup: backup?.records,
        retract: backup?.retract,
        idleTimeoutMs: replyWaitMs(ctx),
        signal: ctx.signal,
        mutexWaitMs: o.mutexWait,
      });
      if (!o.dryRun)
        ctx.out.info('Celery keeps revokes in worker memory only: a worker started later runs a copy it finds');
      const removed = [
        ...r.fromQueues.map((q) => ({ where: q.queue, n: q.removed })),
        { where: 'unacked', n: r.fromUnacked },
      ];
      const acks = r.revoke?.acks.map((a) => a.hostname) ?? [];
      const text =
        `${o.dryRun ? 'dry run: ' : ''}revoke ${o.dryRun ? 'not sent' : `acknowledged by ${acks.length} worker(s)`}; ` +
        `${removed.reduce((s, x) => s + x.n, 0)} message(s) ${o.dryRun ? 'found' : 'removed'}; ` +
        `not in Redis: ${r.notFound.length}`;
      const json = {
        dry_run: !!o.dryRun,
        acknowledged_by: acks,
        removed_from_queues: r.fromQueues,
        removed_from_unacked: r.fromUnacked,
        vanished: r.vanished,
        not_found: r.notFound,
      };
      return {
        views: [
          table(removed, [
            { header: 'WHERE', value: (x) => x.where },
            { header: 'MESSAGES', value: (x) => x.n, align: 'right' },
          ]),
          { kind: 'summary', text },
        ],
        json,
      };
    } finally {
      await backup?.close();
    }
  },
});
