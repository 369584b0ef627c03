/** A RESP2 reply as read off the wire: strings as Buffers, server errors as Error values. */
export type Reply = Buffer | number | null | Reply[] | Error;

/** A command's arguments as callers pass them; numbers are sent as their decimal text. */
export type Arg = string | Buffer | number;

const CRLF = Buffer.from('\r\n');

/** Encodes one command as a RESP array of bulk strings. */
export function encodeCommand(args: readonly Arg[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = Buffer.isBuffer(a) ? a : Buffer.from(String(a));
    parts.push(Buffer.from(`$${b.length}\r\n`), b, CRLF);
  }
  return Buffer.concat(parts);
}

/** Parses one reply at `at`; undefined when the buffer does not hold all of it yet. */
export function parseReply(b: Buffer, at: number): { value: Reply; end: number } | undefined {
  const eol = b.indexOf('\r\n', at);
  if (eol === -1) return undefined;
  const type = String.fromCharCode(b[at]);
  switch (type) {
    case '+':
      return { value: b.subarray(at + 1, eol), end: eol + 2 };
    case '-':
      return { value: new Error(b.toString('utf8', at + 1, eol)), end: eol + 2 };
    case ':':
      return { value: Number(b.toString('latin1', at + 1, eol)), end: eol + 2 };
    case '$': {
      const n = Number(b.toString('latin1', at + 1, eol));
      if (n < 0) return { value: null, end: eol + 2 };
      if (b.length < eol + 2 + n + 2) return undefined;
      return { value: b.subarray(eol + 2, eol + 2 + n), end: eol + 2 + n + 2 };
    }
    case '*': {
      const n = Number(b.toString('latin1', at + 1, eol));
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
