// Random and hostile Redis contents for the fuzz suites: a seeded generator (same seed, same data),
// kombu messages of every shape loonctl decodes, and elements that are broken in every way we know.
import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import type { Redis } from 'ioredis';
import { pyJsonDumps } from '../../src/celery/pyjson.js';
import { envelope, unackedValue } from './kombu.js';

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** How many kinds of hostile element `hostileElement` makes; every fill has each kind at least once. */
export const HOSTILE_KINDS = 14;

export class Fuzz {
  private readonly next: () => number;
  private ids = 0;
  constructor(seed: number) {
    this.next = rng(seed);
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  bytes(n: number): Buffer {
    return Buffer.from(Array.from({ length: n }, () => this.int(256)));
  }
  /** Text with the characters that break naive code: quotes, escapes, control, non-BMP, lone surrogates. */
  text(max = 20): string {
    const alphabet = [
      'a',
      'Z',
      '0',
      ' ',
      '"',
      '\\',
      '\n',
      '\u0000',
      '\u001b[2J',
      'é',
      '工单',
      '😀',
      '\ud800',
      '[',
      '{',
      '*',
      '?',
      '%ZZ',
    ];
    return Array.from({ length: this.int(max) }, () => this.pick(alphabet)).join('');
  }
  value(depth = 0): unknown {
    const k = this.int(depth > 3 ? 4 : 7);
    if (k === 0) return this.text();
    if (k === 1) return this.pick([0, -1, 1.5, 1e308, -0, 2 ** 53 + 1, 123456789]);
    if (k === 2) return this.pick([true, false, null]);
    if (k === 3) return this.text(5);
    if (k === 4) return Array.from({ length: this.int(4) }, () => this.value(depth + 1));
    return Object.fromEntries(Array.from({ length: this.int(4) }, () => [this.text(6), this.value(depth + 1)]));
  }
  id(): string {
    return `fz-${++this.ids}-${this.int(1e9).toString(36)}`;
  }

  /** A message as kombu and Celery write it, in one of the shapes met in the field. */
  goodMessage(queue: string): { raw: Buffer; id: string; priority: number } {
    const id = this.id();
    const priority = this.pick([0, 0, 0, 3, 5, 6, 9, 255]);
    const raw = envelope({
      id,
      queue,
      priority,
      task: this.pick([
        'tasks.flow_hook_task',
        'tasks.send_ticket_notice',
        'tasks.run_flow_task',
        `tasks.${this.text(6)}`,
      ]),
      args: Array.from({ length: this.int(3) }, () => this.value()),
      kwargs: this.chance(0.5) ? { ticket_id: this.int(1000), note: this.text() } : {},
      eta: this.chance(0.2) ? new Date(Date.UTC(2025, 0, 1) + this.int(1e10)).toISOString() : null,
      protocol: this.chance(0.15) ? 1 : 2,
      compress: this.chance(0.1),
    });
    return { raw, id, priority };
  }

  /** An element that is no usable message, in one of many ways. */
  hostileElement(kind = this.int(HOSTILE_KINDS)): Buffer {
    const id = this.id();
    switch (kind) {
      case 0:
        return this.bytes(1 + this.int(200));
      case 1: {
        const good = envelope({ id });
        return good.subarray(0, this.int(good.length));
      }
      case 2:
        return envelope({ id, body: Buffer.from(`[[${'['.repeat(6000)}${']'.repeat(6000)}], {}, {}]`) });
      case 3:
        return Buffer.from(
          `{"body": "${'['.repeat(4000)}", "headers": ${'['.repeat(4000)}${']'.repeat(4000)}, "properties": {}}`,
        );
      case 4:
        return Buffer.from(
          pyJsonDumps({ body: '!!not base64!!', headers: { task: 't', id }, properties: { body_encoding: 'base64' } }),
        );
      case 5:
        return Buffer.from(pyJsonDumps({ body: 42, headers: [], properties: {} }));
      case 6:
        return envelope({ id, contentType: 'application/x-python-serialize', body: this.bytes(50) });
      case 7:
        return envelope({
          id,
          contentType: 'application/x-yaml',
          protocol: 1,
          body: Buffer.from(`task: t\nid: ${id}\nargs: [${this.text(5)}]\n? [a, b]\n: 1\n`),
        });
      case 8:
        return envelope({ id, contentType: this.text(8), body: this.bytes(30) });
      case 9:
        return Buffer.from(
          pyJsonDumps({
            body: '',
            'content-type': 'application/json',
            headers: { task: this.value(), id: this.value(), eta: this.text() },
            properties: { priority: this.value(), delivery_info: this.value() },
          }),
        );
      case 10: {
        const text = envelope({ id, body: deflateSync(this.bytes(100)) }).toString('utf8');
        return Buffer.from(text.replace('"headers": {', '"headers": {"compression": "application/x-gzip", '));
      }
      case 11:
        return Buffer.concat([Buffer.from('{"body": "'), this.bytes(40), Buffer.from('", "properties": {}}')]);
      case 12:
        return Buffer.alloc(0);
      default:
        return Buffer.from(pyJsonDumps(this.value()));
    }
  }

  /** Ready messages in a queue's buckets, LPUSHed as producers do; some hostile. */
  async fillQueue(redis: Redis, queue: string, n: number, hostileShare = 0.25): Promise<void> {
    for (let kind = 0; kind < HOSTILE_KINDS; kind++)
      await redis.lpush(this.pick([queue, `${queue}\x06\x166`]), this.hostileElement(kind));
    for (let i = 0; i < n; i++) {
      if (this.chance(hostileShare)) {
        const key = this.pick([queue, `${queue}\x06\x163`, `${queue}\x06\x169`]);
        await redis.lpush(key, this.hostileElement());
        continue;
      }
      const m = this.goodMessage(queue);
      const step = m.priority >= 9 ? 9 : m.priority >= 6 ? 6 : m.priority >= 3 ? 3 : 0;
      await redis.lpush(step ? `${queue}\x06\x16${step}` : queue, m.raw);
    }
  }

  /** Unacked entries routed to `queue`: kombu-written, foreign, broken; some without a time. */
  async fillUnacked(redis: Redis, queue: string, n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      const tag = this.chance(0.1) ? this.text(8) || 'x' : this.id();
      const k = this.int(10);
      const value =
        k < 7
          ? unackedValue(this.goodMessage(queue).raw, queue)
          : k === 7
            ? unackedValue(this.hostileElement(), queue)
            : k === 8
              ? Buffer.from(`[${this.text()}]`)
              : this.bytes(30);
      await redis.hset('unacked', tag, value);
      if (!this.chance(0.1)) await redis.zadd('unacked_index', this.int(2e9), tag);
    }
  }
}

/** DUMP of every key (SCAN), for "a read changed nothing". */
export async function dumpAll(redis: Redis): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let cursor = '0';
  do {
    const [next, keys] = (await redis.scanBuffer(cursor, 'COUNT', 1000)) as unknown as [Buffer, Buffer[]];
    cursor = next.toString();
    for (const k of keys) out.set(k.toString('base64'), ((await redis.dumpBuffer(k)) as Buffer).toString('base64'));
  } while (cursor !== '0');
  return out;
}

export const sha1 = (b: Buffer) => createHash('sha1').update(b).digest('hex');

/** Every element of every list whose name starts with one of `queues`, as a multiset of SHA1s. */
export async function listMultiset(redis: Redis, keys: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const k of keys) for (const e of (await redis.lrangeBuffer(k, 0, -1)) as Buffer[]) add(out, sha1(e));
  return out;
}

export function add(m: Map<string, number>, key: string, n = 1): void {
  const v = (m.get(key) ?? 0) + n;
  if (v === 0) m.delete(key);
  else m.set(key, v);
}

export function sortedEntries(m: Map<string, number>): [string, number][] {
  return [...m].sort(([a], [b]) => a.localeCompare(b));
}
