import { open, type FileHandle } from 'node:fs/promises';
import { UsageError } from './errors.js';

/** A file written line by line and flushed to disk (fsync) on close, so what was written is there. */
export interface OutputFile {
  write(text: string): Promise<void>;
  /** fsync: everything written so far is on disk. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export async function openOutputFile(path: string, flags: 'w' | 'a' | 'wx' = 'w'): Promise<OutputFile> {
  let fh: FileHandle;
  try {
    fh = await open(path, flags);
  } catch (e) {
    throw new UsageError(`cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
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
