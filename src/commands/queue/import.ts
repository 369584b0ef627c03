import { DataError } from '../../core/errors.js';
import { TRANSPORT_OPTIONS, type TransportInput } from '../options/transport.js';
import { DRY_RUN } from '../options/write.js';
import { defineCommand } from '../spec.js';
import { transportOf } from './shared.js';

interface Input extends TransportInput {
  file: string;
  to?: string;
  allowDuplicates?: boolean;
  dryRun?: boolean;
}

export const queueImport = defineCommand<Input>({
  path: ['queue', 'import'],
  summary: 'push back what export or purge --backup wrote, byte for byte, to its queue and bucket',
  args: [{ name: 'file', required: true, complete: 'file' }],
  options: [
    { name: 'to', type: 'string', placeholder: 'queue', complete: 'queues', description: 'into this queue instead' },
    {
      name: 'allow-duplicates',
      type: 'boolean',
      description: 'push messages whose delivery tag or task id is already in the broker (skipped by default)',
    },
    DRY_RUN,
    ...TRANSPORT_OPTIONS,
  ],
  examples: [
    'loonctl queue import loonflow.jsonl   # twice is harmless',
    'loonctl queue import notices.jsonl --to loonflow-replay',
  ],
  async run(ctx, o) {
    const t = await transportOf(ctx, o);
    const { importFile } = await import('../../celery/write/import.js');
    const progress = ctx.out.progress('importing');
    const r = await importFile(await ctx.broker(), t, o.file, {
      to: o.to,
      allowDuplicates: !!o.allowDuplicates,
      dryRun: !!o.dryRun,
      progress: (n) => progress.update(n),
    });
    progress.finish();
    const json = {
      dry_run: !!o.dryRun,
      lines: r.lines,
      imported: r.imported,
      skipped: r.skipped,
      retracted: r.retracted,
      uncommitted: r.uncommitted,
      error: r.error ?? null,
    };
    const text =
      `${o.dryRun ? 'dry run: ' : ''}imported ${r.imported}, skipped ${r.skipped} already in the broker, ` +
      `${r.retracted} retracted, ${r.uncommitted} never removed by an interrupted purge`;
    const after = r.error
      ? new DataError(
          `${o.file}: line ${r.error.line}: ${r.error.reason}`,
          `imported ${r.imported} message(s) from the lines before it`,
        )
      : undefined;
    return { views: [{ kind: 'summary', text }], json, after };
  },
});
