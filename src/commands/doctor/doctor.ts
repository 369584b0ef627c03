import type { CheckResult } from '../../doctor/check.js';
import { ProblemFound } from '../../core/errors.js';
import { type Tone, table } from '../../core/view.js';
import {
  DOCTOR_DEPLOYMENT_OPTIONS,
  DOCTOR_THRESHOLD_OPTIONS,
  type DoctorDeploymentInput,
  type DoctorThresholdInput,
} from '../options/doctor.js';
import { defineCommand } from '../spec.js';

const TONES: Record<string, Tone> = { ok: 'ok', warn: 'warn', fail: 'fail', skip: 'dim', unknown: 'warn' };

interface Input extends DoctorThresholdInput, DoctorDeploymentInput {
  primeBy: string;
  maxTaskRuntime: number;
}

export const doctor = defineCommand<Input>({
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
    ...DOCTOR_THRESHOLD_OPTIONS,
    ...DOCTOR_DEPLOYMENT_OPTIONS,
  ],
  examples: [
    'loonctl doctor',
    'loonctl doctor --json | jq \'.checks[] | select(.status != "ok")\'',
    '*/5 * * * * loonctl doctor -q >/dev/null || alert   # cron: -q prints only failing checks',
    'loonctl doctor --max-ready 5000 --queue-max-ready reports=50000 --max-oldest 15m --skip serial-primed',
  ],
  async run(ctx, o) {
    const [{ runDoctor }, { parseClockTime }, { makeThresholds }, { parseSkip }] = await Promise.all([
      import('../../doctor/run-doctor.js'),
      import('../../doctor/serial-primed.js'),
      import('../../doctor/thresholds.js'),
      import('../../doctor/check-names.js'),
    ]);
    parseClockTime(o.primeBy);
    const thresholds = makeThresholds({
      maxReady: o.maxReady,
      maxOldestMs: o.maxOldest,
      maxUnackedAgeMs: o.maxUnackedAge,
      queueMaxReady: o.queueMaxReady,
      queueMaxOldest: o.queueMaxOldest,
      queueMaxUnackedAge: o.queueMaxUnackedAge,
      notDrainingAfterMs: o.notDrainingAfter,
    });
    const report = await runDoctor(ctx, {
      primeBy: o.primeBy,
      maxTaskRuntimeS: o.maxTaskRuntime / 1000,
      thresholds,
      skip: parseSkip(o.skip ?? []),
      transport: { sep: o.sep, prioritySteps: o.prioritySteps, visibilityTimeoutMs: o.visibilityTimeout },
      ticketTable: {
        table: o.ticketTable,
        idColumn: o.idColumn,
        serialColumn: o.serialColumn,
        createdColumn: o.createdColumn,
        deletedColumn: o.deletedColumn,
        timestamps: o.dbTimestamps,
      },
      controlExchange: o.controlExchange,
      // Workers answer within a second when healthy; the global --timeout, when given, waits longer.
      censusWaitMs: ctx.config.timeoutMs.source === 'default' ? 1000 : ctx.config.timeoutMs.value,
    });
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
