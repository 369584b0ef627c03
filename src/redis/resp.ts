/** A RESP2 reply as read off the wire: strings as Buffers, server errors as Error values. */
export type Reply = Buffer | number | null | Reply[] | Error;

/** A command's arguments as callers pass them; numbers are sent as their decimal text. */
export type Arg = string | Buffer | number;

/**
 * Encodes commands as RESP arrays of bulk strings into one Buffer, sized first and written in place (a
 * Buffer per header and a concat cost more than the Redis side of a thousand-command transaction).
 */
export function encodeCommands(commands: readonly (readonly Arg[])[]): Buffer {
  let size = 0;
  const parts: (Buffer | string)[] = [];
  const lengths: number[] = [];
  for (const args of commands) {
    size += 3 + decimalLength(args.length);
    for (const a of args) {
      const part = Buffer.isBuffer(a) ? a : String(a);
      const n = typeof part === 'string' ? Buffer.byteLength(part) : part.length;
      size += 5 + decimalLength(n) + n;
      parts.push(part);
      lengths.push(n);
    }
  }
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  let k = 0;
  for (const args of commands) {
    at = writeHeader(out, at, 0x2a, args.length); // '*'
    for (let i = 0; i < args.length; i++) {
      const part = parts[k];
      at = writeHeader(out, at, 0x24, lengths[k++]); // '$'
      at += typeof part === 'string' ? out.write(part, at) : part.copy(out, at);
      out[at++] = 0x0d;
      out[at++] = 0x0a;
    }
  }
  return out;
}

function decimalLength(n: number): number {
  let digits = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    digits++;
  }
  return digits;
}

/** Writes `<type><n>\r\n` at `at`; returns where it ends. */
function writeHeader(out: Buffer, at: number, type: number, n: number): number {
  out[at++] = type;
  const digits = decimalLength(n);
  for (let i = at + digits - 1; i >= at; i--) {
    out[i] = 0x30 + (n % 10);
    n = Math.floor(n / 10);
  }
  at += digits;
  out[at++] = 0x0d;
  out[at++] = 0x0a;
  return at;
}

/** The integer written from `from` up to `eol` (a RESP length or integer reply). */
function integerAt(b: Buffer, from: number, eol: number): number {
  let i = from;
  const negative = b[i] === 0x2d;
  if (negative) i++;
  if (eol - i > 15) return Number(b.toString('latin1', from, eol)); // beyond exact doubles: rounded as before
  let n = 0;
  for (; i < eol; i++) {
    const d = b[i] - 0x30;
    if (d < 0 || d > 9) return Number(b.toString('latin1', from, eol)); // not plain digits: as before
    n = n * 10 + d;
  }
  return negative ? -n : n;
}

/** Parses one reply at `at`; undefined when the buffer does not hold all of it yet. */
export function parseReply(b: Buffer, at: number): { value: Reply; end: number } | undefined {
  const eol = b.indexOf(0x0d, at);
  if (eol === -1 || eol + 1 >= b.length) return undefined;
  switch (b[at]) {
    case 0x2b: // '+'
      return { value: b.subarray(at + 1, eol), end: eol + 2 };
    case 0x2d: // '-'
      return { value: new Error(b.toString('utf8', at + 1, eol)), end: eol + 2 };
    case 0x3a: // ':'
      return { value: integerAt(b, at + 1, eol), end: eol + 2 };
    case 0x24: {
      // '$'
      const n = integerAt(b, at + 1, eol);
      if (n < 0) return { value: null, end: eol + 2 };
      if (b.length < eol + 2 + n + 2) return undefined;
      return { value: b.subarray(eol + 2, eol + 2 + n), end: eol + 2 + n + 2 };
    }
    case 0x2a: {
      // '*'
      const n = integerAt(b, at + 1, eol);
      if (n < 0) return { value: null, end: eol + 2 };
      const items: Reply[] = [];
      let pos = eol + 2;
      for (let i = 0; i < n; i++) {
        const item = parseReply(b, pos);
        if (!item) return undefined;
        items.push(item.value);
        pos = item.end;
      }
      return { value: items, end: pos };
    }
    default:
      throw new Error(`unexpected RESP type byte ${b[at]}`);
  }
}
