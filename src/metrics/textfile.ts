import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes a node_exporter textfile atomically: a temporary file in the same directory (named so the
 * collector, which reads `*.prom`, skips it), flushed to disk, then renamed over the target. A reader
 * sees the old file or the new one, never half of one.
 */
export async function writeTextfile(path: string, text: string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const f = await open(tmp, 'wx', 0o644);
  try {
    await f.writeFile(text, 'utf8');
    await f.sync();
  } catch (e) {
    await f.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw e;
  } finally {
    await f.close().catch(() => {});
  }
  try {
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
}

/** Where the flow state of a textfile lives: beside it, under a name the textfile collector ignores. */
export function flowStatePath(textfile: string): string {
  return join(dirname(textfile), `.${basename(textfile)}.flow-state.json`);
}
