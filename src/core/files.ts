import { open, rename, stat, type FileHandle } from 'node:fs/promises';
import { OutputError, UsageError } from './errors.js';

/** A file written line by line and flushed to disk (fsync) on close, so what was written is there. */
export interface OutputFile {
  /** Where the bytes are going now: `<path>.partial` until `commit()` when opened with `partial`. */
  readonly path: string;
  /** A Buffer is written as it is (after any text gathered before it), and may be reused once this resolves. */
  write(text: string | Uint8Array): Promise<void>;
  /** fsync: everything written so far is on disk. */
  flush(): Promise<void>;
  close(): Promise<void>;
  /** With `partial`: flushes, closes and renames `<path>.partial` to `<path>`: the file is complete. */
  commit(): Promise<void>;
}

/** What to do when a regular file is already at the path. */
export type ExistingFile = 'refuse' | 'overwrite' | 'append';

export interface OutputFileOptions {
  /** Default 'refuse': an export never replaces or grows a file silently (`--force` / `--append` choose). */
  existing?: ExistingFile;
  /** The hint printed when refusing, naming the command's own flags. */
  refuseHint?: string;
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

const LEGACY: Record<'w' | 'a' | 'wx', ExistingFile> = { w: 'overwrite', a: 'append', wx: 'refuse' };

/**
 * Opens a file for an export or a backup. A new file is created 0600 (arguments can hold personal data);
 * an existing regular file is refused, replaced or appended to as `existing` says; devices and pipes
 * (/dev/stdout, a FIFO) are written to as they are.
 */
export async function openOutputFile(
  path: string,
  options: OutputFileOptions | 'w' | 'a' | 'wx' = {},
): Promise<OutputFile> {
  const o: OutputFileOptions = typeof options === 'string' ? { existing: LEGACY[options] } : options;
  const existing = o.existing ?? 'refuse';
  const st = await stat(path).catch(() => undefined);
  // Only a regular file is written aside and renamed: renaming onto /dev/null (as root) would replace the device.
  const partial = o.partial && (!st || st.isFile());
  const target = partial ? `${path}.partial` : path;
  const fail = (e: unknown) =>
    new UsageError(`cannot write ${target}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  if (st?.isFile() && existing === 'refuse') {
    throw new UsageError(
      `${path} already exists: not overwriting it`,
      o.refuseHint ?? 'pass --force to replace it, or --append to add to it',
    );
  }
  let fh: FileHandle;
  try {
    const mode = partial ? 'w' : st?.isFile() ? (existing === 'append' ? 'a' : 'w') : st ? 'w' : 'wx';
    fh = await open(target, mode, 0o600);
  } catch (e) {
    throw fail(e);
  }
  // Lines are gathered into ~64 KiB writes: one syscall per line would dominate a large export.
  // Character devices and pipes (/dev/null, /dev/stdout) cannot be fsynced; there is nothing to lose there.
  const sync = () =>
    fh.sync().catch((e: NodeJS.ErrnoException) => {
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
        if (typeof text !== 'string') {
          await drain();
          for (let at = 0; at < text.length;) at += (await fh.write(text, at)).bytesWritten;
          return;
        }
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
      if (partial) await guard(() => rename(target, path));
    },
  };
}
