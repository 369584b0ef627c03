// Issue 19: hostile values reaching the parsers and the decoder give a usage error or a message
// marked broken, never a hang, a stack overflow or an unbounded allocation.
import { deflateSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { decode } from '../../src/celery/decode.js';
import { decodeMessage, MAX_DEPTH } from '../../src/celery/envelope.js';
import { UsageError } from '../../src/core/errors.js';
import { addDays, dateRange, MAX_TIMER_MS, parseDate, parseDuration } from '../../src/core/parse.js';
import { formatSerial, parseSerial } from '../../src/serial/format.js';
import { envelope } from '../helpers/kombu.js';

describe('dates outside 1970-9999 (item 4)', () => {
  it.each(['9999-12-31', '9999-12-30', '0000-01-01', '0001-01-01', '1969-12-31'])('--date %s is a usage error', (d) => {
    expect(() => parseDate(d, 'UTC')).toThrow(UsageError);
  });
  it('the edges of the range are accepted', () => {
    expect(parseDate('1970-01-01', 'UTC')).toBe('1970-01-01');
    expect(parseDate('9999-12-29', 'UTC')).toBe('9999-12-29');
    expect(dateRange('9999-12-20', '9999-12-29')).toHaveLength(10);
  });
  it('addDays never leaves YYYY-MM-DD (a +010000 date sorted before 9999 and looped for ever)', () => {
    expect(addDays('9999-12-29', 2)).toBe('9999-12-31');
    expect(() => addDays('9999-12-31', 1)).toThrow(UsageError);
    expect(() => addDays('not-a-date', 1)).toThrow(UsageError);
  });
});

describe('huge serial sequences (item 5)', () => {
  it('a 25-digit sequence is malformed, not 1e25', () => {
    expect(parseSerial('loonflow_202503019999999999999999999999999')).toBeUndefined();
    expect(parseSerial('loonflow_20250301999999999999999', 'loonflow')?.seq).toBe(999_999_999_999_999);
    expect(parseSerial(formatSerial('loonflow', null, '2025-03-01', 12))?.seq).toBe(12);
  });
});

describe('durations (item 19)', () => {
  it.each(['99999999999999999999d', '25d', '2147484s', '1e400'])('%s is refused with a usage error', (d) => {
    expect(() => parseDuration(d, '--timeout')).toThrow(UsageError);
  });
  it('the timer limit is the default bound; a larger one can be asked for', () => {
    expect(parseDuration('24d', '--ttl')).toBe(24 * 86_400_000);
    expect(parseDuration(`${MAX_TIMER_MS}ms`, '--ttl')).toBe(MAX_TIMER_MS);
    expect(parseDuration('30d', '--ttl', 366 * 86_400_000)).toBe(30 * 86_400_000);
    expect(() => parseDuration('400d', '--ttl', 366 * 86_400_000)).toThrow(/too long/);
  });
});

const nested = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

describe('deeply nested messages (item 7)', () => {
  it('arguments 5,000 levels deep: broken with a reason, headers still read, JSON output possible', () => {
    const raw = envelope({ id: 'deep-1', body: Buffer.from(`[[${nested(5000)}], {}, {}]`) });
    const m = decodeMessage(raw);
    expect(m.ok).toBe(false);
    expect(m.error).toMatch(/nested deeper than/);
    expect(m.task).toBe('tasks.flow_hook_task');
    expect(m.id).toBe('deep-1');
    expect(() => JSON.stringify(m)).not.toThrow();
  });
  it('headers 5,000 levels deep: the message is broken, nothing deep is kept', () => {
    const raw = Buffer.from(`{"body": "", "headers": {"x": ${nested(5000)}}, "properties": {}}`);
    const m = decodeMessage(raw);
    expect(m.ok).toBe(false);
    expect(() => JSON.stringify(m)).not.toThrow();
  });
  it('nesting up to the limit decodes; brackets inside strings do not count', () => {
    const ok = decodeMessage(envelope({ id: 'd', body: Buffer.from(`[[${nested(MAX_DEPTH - 3)}], {}, {}]`) }));
    expect(ok.ok).toBe(true);
    const brackets = decodeMessage(envelope({ id: 'b', args: ['['.repeat(5000)] }));
    expect(brackets.ok).toBe(true);
    expect(brackets.args).toEqual(['['.repeat(5000)]);
  });
});

describe('zlib bombs (item 8)', () => {
  it('a body inflating past the cap is broken with a reason, and never inflated whole', () => {
    const bomb = deflateSync(Buffer.alloc(200 * 1024 * 1024, 0x20)); // 200 MiB of spaces in ~200 KB
    const raw = envelope({ id: 'bomb', body: bomb });
    const text = raw.toString('utf8').replace('"headers": {', '"headers": {"compression": "application/x-gzip", ');
    const m = decodeMessage(Buffer.from(text));
    expect(m.ok).toBe(false);
    expect(m.error).toMatch(/inflates to more than 64 MiB/);
    expect(m.task).toBe('tasks.flow_hook_task');
  });
  it('an ordinary compressed body still decodes', () => {
    const m = decodeMessage(envelope({ id: 'z', args: [1, 2], compress: true }));
    expect(m.ok).toBe(true);
    expect(m.args).toEqual([1, 2]);
  });
});

describe('YAML bodies (item 13)', () => {
  it('warnings from the yaml library never reach process.emitWarning (stderr)', async () => {
    const spy = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    try {
      // A collection used as a mapping key makes yaml warn with the message's own text.
      const body = Buffer.from('? [secret-arg, 2]\n: 1\n');
      const raw = envelope({ id: 'y', protocol: 1, contentType: 'application/x-yaml', body });
      const m = await decode(raw);
      expect(m.error ?? m.bodyNote ?? 'decoded').toBeTruthy();
      const deep = await decode(
        envelope({ id: 'y2', contentType: 'application/x-yaml', body: Buffer.from(nested(5000)) }),
      );
      expect(deep.ok).toBe(false);
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });
});

describe('bad globs, URLs and queue names (items 11, 17, 18)', () => {
  it("--task '[z-a]' is a usage error, not an internal one", async () => {
    const { makeFilter } = await import('../../src/celery/filter.js');
    expect(() => makeFilter({ task: '[z-a]' })).toThrow(UsageError);
  });
  it.each(['redis://:p%ZZw@127.0.0.1:6379/0', 'unix:///tmp/re%ZZdis.sock', 'sentinel://:p%ZZ@h:26379'])(
    '%s: malformed URL (exit 2)',
    async (url) => {
      const { redisOptionsFromUrl } = await import('../../src/redis/url.js');
      expect(() => redisOptionsFromUrl(url, 'mymaster')).toThrow(/malformed Redis URL.*percent-encoding/);
    },
  );
  it('a database URL with %ZZ is a usage error before anything connects', async () => {
    const { connectDatabase } = await import('../../src/db/connect.js');
    await expect(connectDatabase('postgres://u:p%ZZ@127.0.0.1:1/db', 100)).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/malformed database URL/),
    });
    await expect(connectDatabase('mysql://u:p%ZZ@127.0.0.1:1/db', 100)).rejects.toMatchObject({ exitCode: 2 });
  });
  it('queue names: text, or b64: for bytes that are not UTF-8', async () => {
    const { parseQueueName, queueLabel } = await import('../../src/celery/transport.js');
    const bytes = Buffer.from([0x6c, 0x6f, 0xf9, 0x66]);
    expect(parseQueueName('loonflow')).toEqual(Buffer.from('loonflow'));
    expect(parseQueueName(`b64:${bytes.toString('base64')}`)).toEqual(bytes);
    expect(queueLabel(bytes)).toBe(`b64:${bytes.toString('base64')}`);
    expect(parseQueueName(queueLabel(Buffer.from('b64:x')))).toEqual(Buffer.from('b64:x'));
    expect(() => parseQueueName('b64:***')).toThrow(UsageError);
    expect(() => parseQueueName('')).toThrow(UsageError);
  });
});

describe('serial next output size (item 11)', () => {
  it('refuses a count whose output is too large before the counter moves', async () => {
    const { nextSerials } = await import('../../src/serial/next.js');
    const untouchable = new Proxy(
      {},
      {
        get: () => {
          throw new Error('Redis must not be called');
        },
      },
    ) as never;
    await expect(
      nextSerials(untouchable, {
        date: '2025-03-01',
        count: 10_000_000,
        prefix: 'p'.repeat(40),
        loadInit: async () => 0,
      }),
    ).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/MiB of output/),
    });
  });
});
