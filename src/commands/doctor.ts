import type { Command } from 'commander';
import { ProblemFound } from '../core/errors.js';
import type { Tone } from '../core/output.js';
import { action, examples } from './action.js';

const TONES: Record<string, Tone> = { ok: 'ok', warn: 'warn', fail: 'fail', skip: 'dim' };

export function registerDoctor(program: Command): void {
  examples(
    program
      .command('doctor')
      .description('check Redis, the Celery broker, the database, the ticket table, today\'s serial counter and the Celery backlog; exit 1 if any check fails')
      .action(
        action(async (ctx) => {
          const { runDoctor } = await import('../doctor/run-doctor.js');
          const report = await runDoctor(ctx);
          ctx.out.table(
            report.checks,
            [
              { header: 'CHECK', value: (r) => r.name },
              { header: 'STATUS', value: (r) => r.status, tone: (r) => TONES[r.status] },
              { header: 'DETAIL', value: (r) => r.detail },
            ],
            { json: report },
          );
          if (!report.ok) throw new ProblemFound('doctor found failing checks', true);
        }),
      ),
    ['loonctl doctor', 'loonctl doctor --json | jq \'.checks[] | select(.status != "ok")\'', '*/5 * * * * loonctl doctor -q >/dev/null || alert   # cron'],
  );
}
