import type { CheckResult } from '../../doctor/check.js';
import { ProblemFound } from '../../core/errors.js';
import { type Tone, table } from '../../core/view.js';
import { defineCommand } from '../spec.js';

const TONES: Record<string, Tone> = { ok: 'ok', warn: 'warn', fail: 'fail', skip: 'dim' };

export const doctor = defineCommand<{ primeBy: string; maxTaskRuntime: number }>({
  path: ['doctor'],
  summary:
    'check Redis, the broker, the database, the ticket table, serial counters, the backlog and the workers; ' +
    'exit 1 if any check fails',
  options: [
    {
      name: 'prime-by',
      type: 'string',
      placeholder: 'HH:MM',
      default: '22:00',
      config: 'primeBy',
      description: "warn after this local time when tomorrow's serial counter is not primed",
    },
    {
      name: 'max-task-runtime',
      type: 'duration',
      default: '30m',
      min: '1s',
      config: 'maxTaskRuntime',
      description: 'warn about tasks running longer than this',
    },
  ],
  examples: [
    'loonctl doctor',
    'loonctl doctor --json | jq \'.checks[] | select(.status != "ok")\'',
    '*/5 * * * * loonctl doctor -q >/dev/null || alert   # cron: -q prints only failing checks',
  ],
  async run(ctx, o) {
    const [{ runDoctor }, { parseClockTime }] = await Promise.all([
      import('../../doctor/run-doctor.js'),
      import('../../doctor/serial-primed.js'),
    ]);
    parseClockTime(o.primeBy);
    const report = await runDoctor(ctx, { primeBy: o.primeBy, maxTaskRuntimeS: o.maxTaskRuntime / 1000 });
    const shown = ctx.out.quiet ? report.checks.filter((c) => c.status === 'fail') : report.checks;
    const view = table<CheckResult>(shown, [
      { header: 'CHECK', value: (r) => r.name },
      { header: 'STATUS', value: (r) => r.status, tone: (r) => TONES[r.status] },
      { header: 'DETAIL', min: 20, value: (r) => r.detail },
    ]);
    return {
      views: [view],
      json: report,
      after: report.ok ? undefined : new ProblemFound('doctor found failing checks', true),
    };
  },
});
