import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ExportRecord } from '../../src/celery/export-format.js';
import { pyJsonDumps } from '../../src/celery/pyjson.js';
import { makeTransport } from '../../src/celery/transport.js';
import { bulkTake, type BulkResult } from '../../src/celery/write/bulk.js';
import { purgeUnacked } from '../../src/celery/write/purge-unacked.js';
import { restoreUnacked, type RestoreOptions } from '../../src/celery/write/restore.js';
import { rewriteRoutingKey } from '../../src/celery/write/routing.js';
import { envelope, unackedValue } from '../helpers/kombu.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
const t = makeTransport();
beforeAll(async () => {
  redis = await claimRedisDb();
});
afterAll(async () => {
  await redis.release();
});
beforeEach(async () => {
  await redis.flush();
});

const all = async (key: string) => (await redis.client.lrangeBuffer(key, 0, -1)) as Buffer[];
const ids = (els: Buffer[]) => els.map((e) => JSON.parse(e.toString()).headers.id as string);
const balanced = (r: BulkResult) => expect(r.matched).toBe(r.done + r.vanished + r.failed.length);
const everything = () => true;
const restoreOpts: RestoreOptions = { olderThanS: 0, includeEta: true, filter: null, dryRun: false, now: 2e9 };

/** A message whose headers carry a field named delivery_info, before the real properties. */
function decoyed(id: string): Buffer {
  const env = JSON.parse(envelope({ id }).toString());
  const withDecoy = {
    body: env.body,
    'content-encoding': env['content-encoding'],
    'content-type': env['content-type'],
    headers: { ...env.headers, delivery_info: { exchange: '', routing_key: 'loonflow' } },
    properties: env.properties,
  };
  return Buffer.from(pyJsonDumps(withDecoy));
}

/** The same decoy hidden in a string value, with escaped quotes, ahead of the real properties. */
function decoyInString(id: string): Buffer {
  const env = JSON.parse(envelope({ id }).toString());
  const note = '"properties": {"delivery_info": {"routing_key": "loonflow"}} \\" {';
  return Buffer.from(
    pyJsonDumps({
      body: env.body,
      'content-encoding': env['content-encoding'],
      'content-type': env['content-type'],
      headers: { ...env.headers, note },
      properties: env.properties,
    }),
  );
}

describe('a destination of the wrong type never loses a message', () => {
  for (const filtered of [false, true]) {
    it(`${filtered ? 'filtered' : 'unfiltered'} move onto a string key: refused, source untouched, no mark left`, async () => {
      const msgs = [envelope({ id: 'a' }), envelope({ id: 'b' }), envelope({ id: 'c' })];
      await redis.client.lpush('q', ...msgs);
      await redis.client.set('q2', 'a string');
      const err = await bulkTake(redis.client, t, 'q', {
        mode: 'move',
        filter: filtered ? everything : null,
        dryRun: false,
        dst: { queue: 'q2', keepRouting: false },
      }).catch((e) => e);
      expect(err.exitCode).toBe(1); // a key of another type is a finding, as everywhere
      const left = await all('q');
      expect(left.map((x) => x.toString())).toEqual([...msgs].reverse().map((x) => x.toString()));
      expect(await redis.client.get('q2')).toBe('a string');
    });
  }

  it("refuses kombu's own keys as a destination, changing nothing", async () => {
    await redis.client.lpush('q', envelope({ id: 'a' }));
    for (const dst of ['unacked', 'unacked_index', 'unacked_mutex', '_kombu.binding.celery']) {
      const err = await bulkTake(redis.client, t, 'q', {
        mode: 'move',
        filter: null,
        dryRun: false,
        dst: { queue: dst, keepRouting: true },
      }).catch((e) => e);
      expect(err.exitCode).toBe(2);
      expect(await redis.client.exists(dst)).toBe(0);
    }
    expect(await redis.client.llen('q')).toBe(1);
  });

  it('requeue onto a string key leaves the entry in unacked and reports it', async () => {
    const el = envelope({ id: 'u1' });
    await redis.client.hset('unacked', 'tag-u1', unackedValue(el));
    await redis.client.zadd('unacked_index', 1000, 'tag-u1');
    await redis.client.set('loonflow', 'a string');
    const r = await restoreUnacked(redis.client, t, restoreOpts);
    expect(r).toMatchObject({ restored: 0, vanished: 0 });
    expect(r.failed).toHaveLength(1);
    expect(r.failed[0]!.reason).toMatch(/not a list/);
    expect(r.matched).toBe(r.restored + r.vanished + r.failed.length);
    expect(((await redis.client.hgetBuffer('unacked', 'tag-u1')) as Buffer).equals(unackedValue(el))).toBe(true);
    expect(await redis.client.zscore('unacked_index', 'tag-u1')).toBe('1000');
  });
});

describe('byte-identical copies are each taken', () => {
  const fill = async () => {
    const same = envelope({ id: 'dup', task: 'tasks.twin' });
    await redis.client.lpush(
      'q',
      envelope({ id: 'x' }),
      ...Array.from({ length: 11 }, () => same),
      envelope({ id: 'y' }),
    );
  };
  const twins = (m: { task: string | null }) => m.task === 'tasks.twin';

  it('purge with backup: matched 11, removed 11, 11 in the backup, none left', async () => {
    await fill();
    const records: ExportRecord[] = [];
    const r = await bulkTake(redis.client, t, 'q', {
      mode: 'purge',
      filter: twins,
      dryRun: false,
      backup: async (recs) => void records.push(...recs),
    });
    expect(r).toMatchObject({ matched: 11, done: 11, vanished: 0 });
    balanced(r);
    expect(records).toHaveLength(11);
    expect(ids(await all('q'))).toEqual(['y', 'x']);
  });

  it('filtered move: all 11 copies move', async () => {
    await fill();
    const r = await bulkTake(redis.client, t, 'q', {
      mode: 'move',
      filter: twins,
      dryRun: false,
      dst: { queue: 'd', keepRouting: false },
    });
    expect(r).toMatchObject({ matched: 11, done: 11 });
    balanced(r);
    expect(await redis.client.llen('d')).toBe(11);
    expect(await redis.client.llen('q')).toBe(2);
  });
});

describe('unacked entries are read once each while the hash shrinks', () => {
  it('purge --unacked with a backup of 30,000 entries: 30,000 records, no tag twice', async () => {
    const n = 30_000;
    for (let i = 0; i < n; i += 5000) {
      const p = redis.client.pipeline();
      for (let j = i; j < i + 5000; j++) {
        p.hset('unacked', `tag-${j}`, unackedValue(envelope({ id: `e${j}` })));
        p.zadd('unacked_index', 1000, `tag-${j}`);
      }
      await p.exec();
    }
    const tags: string[] = [];
    const r = await purgeUnacked(redis.client, t, 'loonflow', {
      filter: null,
      dryRun: false,
      backup: async (recs) => void tags.push(...recs.map((x) => x.unacked_tag!)),
    });
    expect(tags).toHaveLength(n);
    expect(new Set(tags).size).toBe(n);
    expect(r).toMatchObject({ matched: n, done: n, vanished: 0 });
    expect(await redis.client.exists('unacked')).toBe(0);
  }, 60_000);
});

describe('move rewrites only properties.delivery_info.routing_key', () => {
  for (const filtered of [false, true]) {
    it(`${filtered ? 'filtered' : 'unfiltered'}: without the real field, a routing_key elsewhere is not taken for it`, async () => {
      const env = JSON.parse(envelope({ id: 'n1' }).toString());
      delete env.properties.delivery_info.routing_key;
      const raw = Buffer.from(pyJsonDumps({ ...env, headers: { routing_key: 'loonflow', ...env.headers } }));
      await redis.client.lpush('q', raw);
      const r = await bulkTake(redis.client, t, 'q', {
        mode: 'move',
        filter: filtered ? everything : null,
        dryRun: false,
        dst: { queue: 'dst', keepRouting: false },
      });
      expect(r.done).toBe(0);
      if (filtered) expect(r.failed).toHaveLength(1);
      expect((await all('q'))[0]!.equals(raw)).toBe(true);
      expect(await redis.client.exists('dst')).toBe(0);
    });

    it(`${filtered ? 'filtered' : 'unfiltered'}: a decoy in a string is left alone`, async () => {
      const raw = decoyInString('d2');
      await redis.client.lpush('q', raw);
      await bulkTake(redis.client, t, 'q', {
        mode: 'move',
        filter: filtered ? everything : null,
        dryRun: false,
        dst: { queue: 'dst', keepRouting: false },
      });
      const [moved] = await all('dst');
      const parsed = JSON.parse(moved!.toString());
      expect(parsed.headers.note).toBe(JSON.parse(raw.toString()).headers.note);
      expect(parsed.properties.delivery_info.routing_key).toBe('dst');
    });

    it(`${filtered ? 'filtered' : 'unfiltered'}: a header named delivery_info is left alone`, async () => {
      const raw = decoyed('d1');
      await redis.client.lpush('q', raw);
      const r = await bulkTake(redis.client, t, 'q', {
        mode: 'move',
        filter: filtered ? everything : null,
        dryRun: false,
        dst: { queue: 'dst', keepRouting: false },
      });
      expect(r.done).toBe(1);
      const [moved] = await all('dst');
      const parsed = JSON.parse(moved!.toString());
      expect(parsed.headers.delivery_info.routing_key).toBe('loonflow');
      expect(parsed.properties.delivery_info.routing_key).toBe('dst');
      const text = raw.toString('latin1');
      const at = text.lastIndexOf('"routing_key": "loonflow"');
      expect(
        moved!.equals(Buffer.from(text.slice(0, at) + '"routing_key": "dst"' + text.slice(at + 25), 'latin1')),
      ).toBe(true);
    });
  }
});

describe('unfiltered move: the in-Redis fast path', () => {
  const moveAll = () =>
    bulkTake(redis.client, t, 'q', {
      mode: 'move',
      filter: null,
      dryRun: false,
      dst: { queue: 'dst', keepRouting: false },
    });
  const expectRewritten = (before: Buffer, after: Buffer, old: string) => {
    const text = before.toString('latin1');
    const at = text.lastIndexOf(`"routing_key": ${old}`);
    const want = text.slice(0, at) + '"routing_key": "dst"' + text.slice(at + `"routing_key": ${old}`.length);
    expect(after.equals(Buffer.from(want, 'latin1'))).toBe(true);
  };

  it('lookalike names (x_properties, my_delivery_info, a_routing_key) and an escaped key: only the real field', async () => {
    const env = JSON.parse(envelope({ id: 'l1' }).toString());
    const headers = { ...env.headers, x_properties: 1, my_delivery_info: 2, a_routing_key: 'loonflow' };
    const look = Buffer.from(pyJsonDumps({ ...env, headers }));
    const escEnv = JSON.parse(envelope({ id: 'l2' }).toString());
    escEnv.properties.delivery_info.routing_key = 'lo"on\\flow';
    const escaped = Buffer.from(pyJsonDumps(escEnv));
    await redis.client.rpush('q', look, escaped);
    const r = await moveAll();
    expect(r.done).toBe(2);
    // The tail (escaped) is the oldest: moved first, so it ends up behind.
    const [lookMoved, escapedMoved] = await all('dst');
    expectRewritten(look, lookMoved!, '"loonflow"');
    expectRewritten(escaped, escapedMoved!, '"lo\\"on\\\\flow"');
  });

  it('the same bytes as the full parser (routing.ts) for varied messages, fast path and fallbacks alike', async () => {
    type Env = { headers: Record<string, unknown>; properties: Record<string, unknown> & { delivery_info: object } };
    const withEnv = (id: string, change: (env: Env) => void) => {
      const env = JSON.parse(envelope({ id }).toString()) as Env;
      change(env);
      return Buffer.from(pyJsonDumps(env));
    };
    const msgs = [
      envelope({ id: 'p2', args: ['工单', { a: [1, 2] }], kwargs: { note: 'x"y\\z' } }),
      envelope({ id: 'p1', protocol: 1, priority: 5 }),
      envelope({ id: 'pk', contentType: 'application/x-python-serialize', body: Buffer.from([0x80, 4, 0x95]) }),
      envelope({ id: 'big', args: ['x'.repeat(200_000)] }),
      withEnv('uni', (e) => (e.properties.delivery_info = { exchange: '', routing_key: 'очередь' })),
      withEnv('empty', (e) => (e.properties.delivery_info = { exchange: '', routing_key: '' })),
      withEnv('order', (e) => (e.properties.delivery_info = { routing_key: 'loonflow', exchange: 'celery' })),
      withEnv('nested', (e) => (e.properties.delivery_info = { x: { y: 1 }, routing_key: 'loonflow' })),
      withEnv('keyhdr', (e) => (e.headers.cache_key = 'k')),
      withEnv('infohdr', (e) => (e.headers.debug_info = { routing_key: 'loonflow' })),
      withEnv('esc', (e) => (e.headers.argsrepr = `("a\\"routing_key\\": \\"b", '{')`)),
      withEnv('first', (e) => (e.properties = { delivery_info: e.properties.delivery_info, ...e.properties })),
    ];
    await redis.client.lpush('q', ...msgs);
    expect((await moveAll()).done).toBe(msgs.length);
    // LPUSH put the first message deepest; the move keeps that order.
    const moved = await all('dst');
    expect(moved).toHaveLength(msgs.length);
    [...msgs].reverse().forEach((raw, i) => {
      expect(moved[i]!.equals(rewriteRoutingKey(raw, 'dst')!), raw.toString().slice(0, 80)).toBe(true);
    });
  });

  it('a routing key already the destination keeps every byte', async () => {
    const env = JSON.parse(envelope({ id: 's1' }).toString());
    env.properties.delivery_info.routing_key = 'dst';
    const raw = Buffer.from(pyJsonDumps(env));
    await redis.client.lpush('q', raw);
    expect((await moveAll()).done).toBe(1);
    expect((await all('dst'))[0]!.equals(raw)).toBe(true);
  });

  it('runs longer than one step, stopped by a message it cannot rewrite: order kept, the rest left in place', async () => {
    const good = Array.from({ length: 1203 }, (_, i) => envelope({ id: `g${i}` }));
    const env = JSON.parse(envelope({ id: 'bad' }).toString());
    delete env.properties.delivery_info.routing_key;
    const bad = Buffer.from(pyJsonDumps(env));
    const after = Array.from({ length: 7 }, (_, i) => envelope({ id: `h${i}` }));
    // Oldest at the tail: the good ones are taken first, the bad one stops the fast path, and the window walk
    // that takes over keeps it and moves the rest.
    await redis.client.lpush('q', ...good, bad, ...after);
    const r = await moveAll();
    expect(r.done).toBe(1203 + 7);
    expect(r.failed).toHaveLength(1);
    expect(ids(await all('q'))).toEqual(['bad']);
    expect(ids(await all('dst'))).toEqual(ids([...good, ...after]).reverse());
  });
});

describe('requeue marks redelivered as kombu restore does', () => {
  const seed = async (el: Buffer) => {
    await redis.client.hset('unacked', 'tag-r', unackedValue(el));
    await redis.client.zadd('unacked_index', 1000, 'tag-r');
  };

  it('sets headers.redelivered and properties.delivery_info.redelivered, Python JSON style, nothing else', async () => {
    const el = envelope({ id: 'r', args: ['工单'] });
    await seed(el);
    const r = await restoreUnacked(redis.client, t, restoreOpts);
    expect(r.restored).toBe(1);
    const obj = JSON.parse(el.toString());
    obj.headers.redelivered = true;
    obj.properties.delivery_info.redelivered = true;
    expect((await all('loonflow'))[0]!.toString()).toBe(pyJsonDumps(obj));
  });

  it('an existing redelivered false is replaced in place', async () => {
    const obj = JSON.parse(envelope({ id: 'r2' }).toString());
    obj.headers.redelivered = false;
    await seed(Buffer.from(pyJsonDumps(obj)));
    await restoreUnacked(redis.client, t, restoreOpts);
    obj.headers.redelivered = true;
    obj.properties.delivery_info.redelivered = true;
    expect((await all('loonflow'))[0]!.toString()).toBe(pyJsonDumps(obj));
  });

  it('keepBytes pushes the element byte for byte', async () => {
    const el = envelope({ id: 'r3' });
    await seed(el);
    await restoreUnacked(redis.client, t, { ...restoreOpts, keepBytes: true });
    expect((await all('loonflow'))[0]!.equals(el)).toBe(true);
  });
});
