import type { ExportRecord } from '../export-format.js';

/**
 * A backup file for messages about to be removed (purge, revoke): records are written and flushed before
 * the messages they hold are removed; retractions name records whose removal did not happen.
 */
export async function openBackupWriter(path: string, refuseHint = 'name a new file') {
  const [{ openOutputFile }, { exportLine }] = await Promise.all([
    import('../../core/files.js'),
    import('../export-format.js'),
  ]);
  const file = await openOutputFile(path, { existing: 'refuse', refuseHint });
  return {
    file,
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
