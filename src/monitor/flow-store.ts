import { randomBytes } from 'node:crypto';
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Redis } from 'ioredis';
import { UsageError } from '../core/errors.js';
import type { Cohort } from './flow-cohorts.js';

/** One bucket list as the last look left it. */
export interface BucketState {
  length: number;
  tail: string[];
  head: string[];
  cohorts: Cohort[];
}

/** One logical queue: its buckets by priority step, when it was looked at, when a pop was last seen. */
export interface QueueFlowState {
  at: number;
  buckets: Record<string, BucketState>;
  last_dequeue_at: number | null;
}

/** Everything kept between looks, by queue label. Times are unix milliseconds. */
export interface FlowState {
  version: 1;
  queues: Record<string, QueueFlowState>;
}

/** Where tail fingerprints and first-seen times live between observations. */
export interface FlowStore {
  load(): Promise<FlowState | null>;
  save(state: FlowState): Promise<void>;
}

export const DEFAULT_FLOW_KEY = 'loonctl:flow';
export const DEFAULT_FLOW_TTL_S = 86_400;

function parseQueue(text: string): QueueFlowState | null {
  try {
    const q = JSON.parse(text) as QueueFlowState;
    return typeof q?.at === 'number' && typeof q.buckets === 'object' && q.buckets !== null ? q : null;
  } catch {
    return null;
  }
}

/** Kept in this process only: `--watch`, `top`, `metrics --listen`. */
export function memoryFlowStore(): FlowStore {
  let kept: string | null = null;
  return {
    load: () => Promise.resolve(kept === null ? null : (JSON.parse(kept) as FlowState)),
    save: (s) => {
      kept = JSON.stringify(s);
      return Promise.resolve();
    },
  };
}

/**
 * A hash in the broker's Redis, one field per queue (JSON), expiring `ttlSeconds` after the last save, so
 * cron runs on any host share what the previous run saw. The only key written; replaced in one MULTI.
 */
export function redisFlowStore(redis: Redis, key = DEFAULT_FLOW_KEY, ttlSeconds = DEFAULT_FLOW_TTL_S): FlowStore {
  return {
    async load() {
      const type = await redis.type(key);
      if (type === 'none') return null;
      if (type !== 'hash')
        throw new UsageError(`${key} is a ${type}, not loonctl's flow hash`, 'choose another state key');
      const fields = await redis.hgetall(key);
      const queues: Record<string, QueueFlowState> = {};
      for (const [name, text] of Object.entries(fields)) {
        const q = parseQueue(text);
        if (q) queues[name] = q;
      }
      return { version: 1, queues };
    },
    async save(s) {
      const m = redis.multi().del(key);
      const flat = Object.entries(s.queues).flatMap(([name, q]) => [name, JSON.stringify(q)]);
      if (flat.length > 0) m.hset(key, ...flat).expire(key, ttlSeconds);
      const res = await m.exec();
      const failed = res?.find(([err]) => err)?.[0];
      if (failed) throw failed;
    },
  };
}

/** A JSON file (for `metrics --textfile` from cron), replaced atomically: a temp file then rename. */
export function fileFlowStore(path: string): FlowStore {
  return {
    async load() {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw e;
      }
      try {
        const s = JSON.parse(text) as FlowState;
        return s?.version === 1 && typeof s.queues === 'object' && s.queues !== null ? s : null;
      } catch {
        return null; // a damaged state file only costs one look
      }
    },
    async save(s) {
      const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
      try {
        await writeFile(tmp, JSON.stringify(s), { mode: 0o600 });
        await rename(tmp, path);
      } catch (e) {
        await unlink(tmp).catch(() => {});
        throw e;
      }
    },
  };
}
