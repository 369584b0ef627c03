import { createReadStream } from 'node:fs';

/** The longest line read whole: V8 strings end at about 512 Mi characters, and memory matters before that. */
export const MAX_LINE_BYTES = 256 * 1024 * 1024;

/** A line longer than the cap: reading stops there (the caller reports the line number). */
export class LineTooLongError extends Error {
  constructor(
    readonly line: number,
    readonly maxBytes: number,
  ) {
    super(`line ${line} is longer than ${maxBytes} bytes`);
  }
}

/**
 * The lines of a file as Buffers (without `\n` or `\r\n`), numbered from 1, read in chunks:
 * readline would build a string of any length and die with an uncaught RangeError on a 600 MB line.
 */
export async function* readLines(
  path: string,
  maxBytes = MAX_LINE_BYTES,
  tooLong: 'throw' | 'skip' = 'throw',
): AsyncGenerator<{ line: number; bytes: Buffer }> {
  let parts: Buffer[] = [];
  let size = 0;
  let line = 0;
  let skipping = false;
  const take = (): Buffer => {
    let b = parts.length === 1 ? parts[0] : Buffer.concat(parts, size);
    if (b.length && b[b.length - 1] === 0x0d) b = b.subarray(0, b.length - 1);
    parts = [];
    size = 0;
    return b;
  };
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let at = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, at);
      const piece = chunk.subarray(at, nl === -1 ? chunk.length : nl);
      if (!skipping && size + piece.length > maxBytes) {
        if (tooLong === 'throw') throw new LineTooLongError(line + 1, maxBytes);
        skipping = true;
        parts = [];
        size = 0;
      }
      if (!skipping) {
        if (piece.length) parts.push(piece);
        size += piece.length;
      }
      if (nl === -1) break;
      if (skipping) {
        line += 1;
        skipping = false;
      } else yield { line: ++line, bytes: take() };
      at = nl + 1;
    }
  }
  if (size > 0 && !skipping) yield { line: line + 1, bytes: take() };
}
