import { open, stat, type FileHandle } from 'node:fs/promises';
import { UsageError } from './errors.js';

/** A file written line by line and flushed to disk (fsync) on close, so what was written is there. */
export interface OutputFile {
  write(text: string): Promise<void>;
  /** fsync: everything written so far is on disk. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** What to do when a regular file is already at the path. */
export type ExistingFile = 'refuse' | 'overwrite' | 'append';

export interface OutputFileOptions {
  /** Default 'refuse': an export never replaces or grows a file silently (`--force` / `--append` choose). */
  existing?: ExistingFile;
  /** The hint printed when refusing, naming the command's own flags. */
  refuseHint?: string;
}

const LEGACY: Record<'w' | 'a' | 'wx', ExistingFile> = { w: 'overwrite', a: 'append', wx: 'refuse' };

/**
 * Opens a file for an export or a backup. A new file is created 0600 (arguments can hold personal data);
 * an existing regular file is refused, replaced or appended to as `existing` says; devices and pipes
 * (/dev/stdout, a FIFO) are written to as they are.
 */
export async function openOutputFile(path: string, options: OutputFileOptions | 'w' | 'a' | 'wx' = {}): Promise<OutputFile> {
  const o: OutputFileOptions = typeof options === 'string' ? { existing: LEGACY[options] } : options;
  const existing = o.existing ?? 'refuse';
  const fail = (e: unknown) => new UsageError(`cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  let fh: FileHandle;
  try {
    fh = await open(path, 'wx', 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw fail(e);
    const st = await stat(path).catch((err: unknown) => {
      throw fail(err);
    });
    if (st.isFile() && existing === 'refuse') {
      throw new UsageError(`${path} already exists: not overwriting it`, o.refuseHint ?? 'pass --force to replace it, or --append to add to it');
    }
    try {
      fh = await open(path, existing === 'append' ? 'a' : 'w');
    } catch (err) {
      throw fail(err);
    }
  }
  // Lines are gathered into ~64 KiB writes: one syscall per line would dominate a large export.
  // Character devices and pipes (/dev/null, /dev/stdout) cannot be fsynced; there is nothing to lose there.
  const sync = () => fh.sync().catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'EINVAL' && e.code !== 'ENOTSUP') throw e;
  });
  let pending: string[] = [];
  let size = 0;
  const drain = async () => {
    if (pending.length === 0) return;
    const chunk = pending.join('');
    pending = [];
    size = 0;
    await fh.write(chunk);
  };
  return {
    write: async (text) => {
      pending.push(text);
      size += text.length;
      if (size >= 65536) await drain();
    },
    flush: async () => {
      await drain();
      await sync();
    },
    close: async () => {
      await drain();
      await sync();
      await fh.close();
    },
  };
}
