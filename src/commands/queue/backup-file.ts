import type { ExportRecord } from '../../celery/export-format.js';

/** The backup file: records are written and flushed before the messages they hold are removed. */
export async function backupWriter(path: string) {
  const [{ openOutputFile }, { exportLine }] = await Promise.all([
    import('../../core/files.js'),
    import('../../celery/export-format.js'),
  ]);
  const file = await openOutputFile(path, { existing: 'refuse', refuseHint: 'name a new file' });
  return {
    records: async (records: ExportRecord[]) => {
      for (const rec of records) await file.write(exportLine(rec));
      await file.flush();
    },
    retract: async (shas: string[]) => {
      for (const sha of shas) await file.write(`{"v":1,"retract":"${sha}"}\n`);
      await file.flush();
    },
    close: () => file.close(),
  };
}
