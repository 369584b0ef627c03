import { describe, expect, it } from 'vitest';
import { encodeCommands, parseReply, type Arg } from '../../src/redis/resp.js';

/** The RESP encoding written out plainly, one part at a time (the reference). */
function reference(commands: Arg[][]): Buffer {
  const parts: Buffer[] = [];
  for (const args of commands) {
    parts.push(Buffer.from(`*${args.length}\r\n`));
    for (const a of args) {
      const b = Buffer.isBuffer(a) ? a : Buffer.from(String(a));
      parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
    }
  }
  return Buffer.concat(parts);
}

describe('RESP', () => {
  it('encodes commands byte for byte as the plain encoding does', () => {
    const big = Buffer.alloc(123_456, 0xff);
    const commands: Arg[][] = [
      ['PING'],
      ['SET', 'k', ''],
      ['LPUSH', 'q', 'é队列\u0000', Buffer.from([0, 13, 10, 255]), big, 0, -1, 9, 10, 99, 100, 1e15, 3.5],
      Array.from({ length: 1000 }, (_, i) => `a${i}`),
    ];
    expect(encodeCommands(commands).equals(reference(commands))).toBe(true);
  });

  it('parses every reply type, and waits for a reply cut anywhere', () => {
    const wire = Buffer.from(
      '+OK\r\n-ERR bad é\r\n:0\r\n:-42\r\n:12345678901234567890\r\n$0\r\n\r\n$-1\r\n$4\r\na\r\nb\r\n' +
        '*3\r\n:1\r\n*-1\r\n*2\r\n$1\r\nx\r\n+QUEUED\r\n*0\r\n',
    );
    const values: unknown[] = [];
    for (let at = 0; at < wire.length;) {
      for (let cut = at + 1; cut < wire.length; cut++) {
        const partial = parseReply(wire.subarray(0, cut), at);
        if (partial) expect(partial.end).toBeLessThanOrEqual(cut);
      }
      const r = parseReply(wire, at)!;
      values.push(r.value);
      at = r.end;
    }
    const shown = values.map((v) =>
      v instanceof Error ? `error ${v.message}` : JSON.stringify(v, (_, x: unknown) => x),
    );
    expect(shown).toEqual([
      JSON.stringify(Buffer.from('OK')),
      'error ERR bad é',
      '0',
      '-42',
      String(Number('12345678901234567890')),
      JSON.stringify(Buffer.from('')),
      'null',
      JSON.stringify(Buffer.from('a\r\nb')),
      JSON.stringify([1, null, [Buffer.from('x'), Buffer.from('QUEUED')]]),
      '[]',
    ]);
  });
});
