import { open, rename, type FileHandle } from 'node:fs/promises';
import { OutputError, UsageError } from './errors.js';

/** A file written line by line and flushed to disk (fsync) on close, so what was written is there. */
export interface OutputFile {
  /** Where the bytes are going now: `<path>.partial` until `commit()` when opened with `partial`. */
  readonly path: string;
  write(text: string): Promise<void>;
  /** fsync: everything written so far is on disk. */
  flush(): Promise<void>;
  close(): Promise<void>;
  /** With `partial`: flushes, closes and renames `<path>.partial` to `<path>`: the file is complete. */
  commit(): Promise<void>;
}

export interface OutputFileOptions {
  /**
   * Write to `<path>.partial` and rename it to `<path>` only on `commit()`: an export cut short
   * (Redis lost, disk full) never leaves a file that looks complete.
   */
  partial?: boolean;
}

/** An error writing the file, as one line with the errno code: disk full is not a bug (exit 74, not 70). */
function writeFailed(path: string, e: unknown): OutputError {
  const code = (e as NodeJS.ErrnoException).code;
  const known: Record<string, string> = { ENOSPC: 'no space left on the device', EDQUOT: 'disk quota exceeded' };
  const why = (code && known[code]) ?? code ?? (e as Error).message;
  const hint = 'what was written before is in the file, but it is incomplete';
  return new OutputError(`cannot write ${path}: ${why}`, hint, { cause: e });
}

export async function openOutputFile(
  path: string,
  flags: 'w' | 'a' | 'wx' = 'w',
  o: OutputFileOptions = {},
): Promise<OutputFile> {
  const target = o.partial ? `${path}.partial` : path;
  let fh: FileHandle;
  try {
    fh = await open(target, flags);
  } catch (e) {
    throw new UsageError(`cannot write ${target}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  // Lines are gathered into ~64 KiB writes: one syscall per line would dominate a large export.
  // Character devices and pipes (/dev/null, /dev/stdout) cannot be fsynced; there is nothing to lose there.
  const sync = () => fh.sync().catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'EINVAL' && e.code !== 'ENOTSUP') throw e;
  });
  let pending: string[] = [];
  let size = 0;
  let closed = false;
  const guard = async (fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (e) {
      throw writeFailed(target, e);
    }
  };
  const drain = async () => {
    if (pending.length === 0) return;
    const chunk = pending.join('');
    pending = [];
    size = 0;
    await fh.write(chunk);
  };
  const close = async () => {
    if (closed) return;
    closed = true;
    try {
      await guard(async () => {
        await drain();
        await sync();
      });
    } finally {
      await fh.close().catch(() => {});
    }
  };
  return {
    path: target,
    write: (text) =>
      guard(async () => {
        pending.push(text);
        size += text.length;
        if (size >= 65536) await drain();
      }),
    flush: () =>
      guard(async () => {
        await drain();
        await sync();
      }),
    close,
    commit: async () => {
      await close();
      if (o.partial) await guard(() => rename(target, path));
    },
  };
}
