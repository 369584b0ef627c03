import { UsageError } from '../core/errors.js';

/**
 * kombu's Redis transport layout: the options a deployment may have changed and the key names
 * derived from them. Key names are Buffers because queue names and prefixes are bytes in Redis.
 */
export interface Transport {
  /** `global_keyprefix`, prepended verbatim to every key. */
  keyPrefix: Buffer;
  /** Separator between a queue name and its priority step (kombu `sep`, default 0x06 0x16). */
  sep: Buffer;
  /** Ascending priority steps (kombu `priority_steps`, default [0, 3, 6, 9]). */
  prioritySteps: number[];
  /** Seconds after which kombu restores an unacked message (default 3600). */
  visibilityTimeoutS: number;
}

export const DEFAULT_SEP = Buffer.from([0x06, 0x16]);
export const DEFAULT_PRIORITY_STEPS = [0, 3, 6, 9];
export const DEFAULT_VISIBILITY_TIMEOUT_S = 3600;

export interface TransportOptions {
  keyPrefix?: string;
  sep?: string;
  prioritySteps?: string;
  visibilityTimeout?: number;
}

/** Reads `\xNN`, `\n`, `\t` and `\\` escapes, so a separator of control bytes can be typed. */
export function unescapeBytes(text: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) {
      const n = text[i + 1];
      if (n === 'x' && /^[0-9a-f]{2}$/i.test(text.slice(i + 2, i + 4))) {
        out.push(parseInt(text.slice(i + 2, i + 4), 16));
        i += 3;
        continue;
      }
      const simple: Record<string, number> = { n: 10, t: 9, r: 13, '\\': 92 };
      if (n in simple) {
        out.push(simple[n]);
        i += 1;
        continue;
      }
    }
    out.push(...Buffer.from(c, 'utf8'));
  }
  return Buffer.from(out);
}

const B64_PREFIX = 'b64:';

/**
 * A queue as the operator names it: UTF-8 text, or `b64:<base64 of the bytes>` for a name that is
 * not valid UTF-8 (`queue list` shows those as `name_b64`). A queue whose name really starts with
 * `b64:` is named the second way too.
 * @example parseQueueName('b64:bG9vbvlmbG93') // <Buffer 6c 6f 6f 6e f9 66 6c 6f 77>
 */
export function parseQueueName(text: string): Buffer {
  if (!text.startsWith(B64_PREFIX)) {
    if (text === '') throw new UsageError('the queue name must not be empty');
    return Buffer.from(text, 'utf8');
  }
  const b64 = text.slice(B64_PREFIX.length);
  const bytes = Buffer.from(b64, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0 || bytes.length === 0) {
    throw new UsageError(`queue '${text}': not valid base64 after b64:`, 'copy name_b64 from queue list --json');
  }
  return bytes;
}

/** How a queue name is shown to the operator: text when it is UTF-8, else the `b64:` form that parseQueueName reads. */
export function queueLabel(name: Buffer): string {
  const text = name.toString('utf8');
  const plain = Buffer.from(text, 'utf8').equals(name) && !text.startsWith(B64_PREFIX);
  return plain ? text : `${B64_PREFIX}${name.toString('base64')}`;
}

export function makeTransport(opts: TransportOptions = {}): Transport {
  let steps = DEFAULT_PRIORITY_STEPS;
  if (opts.prioritySteps !== undefined) {
    steps = opts.prioritySteps.split(',').map((s) => Number(s.trim()));
    if (
      steps.length === 0 ||
      steps.some((n) => !Number.isInteger(n) || n < 0 || n > 255) ||
      steps.some((n, i) => i > 0 && n <= steps[i - 1])
    ) {
      throw new UsageError(
        `--priority-steps: '${opts.prioritySteps}' is not an ascending list of whole numbers`,
        'e.g. 0,3,6,9',
      );
    }
  }
  const sep = opts.sep === undefined ? DEFAULT_SEP : unescapeBytes(opts.sep);
  if (sep.length === 0) throw new UsageError('--sep must not be empty');
  const vt = opts.visibilityTimeout ?? DEFAULT_VISIBILITY_TIMEOUT_S;
  return { keyPrefix: Buffer.from(opts.keyPrefix ?? '', 'utf8'), sep, prioritySteps: steps, visibilityTimeoutS: vt };
}

/** The step a priority falls into: the largest step <= priority (kombu `priority()`). */
export function bucketOf(t: Transport, priority: number | null | undefined): number {
  const p = typeof priority === 'number' && Number.isFinite(priority) ? priority : 0;
  let chosen = t.prioritySteps[0];
  for (const s of t.prioritySteps) if (s <= p) chosen = s;
  return chosen;
}

/** Redis key of one priority bucket of a queue: `Q` for the first step, `Q<sep><step>` otherwise. */
export function bucketKey(t: Transport, queue: Buffer | string, step: number): Buffer {
  const q = typeof queue === 'string' ? Buffer.from(queue, 'utf8') : queue;
  if (step === t.prioritySteps[0]) return Buffer.concat([t.keyPrefix, q]);
  return Buffer.concat([t.keyPrefix, q, t.sep, Buffer.from(String(step))]);
}

/** All bucket keys of a queue, in the order a worker's BRPOP serves them. */
export function bucketKeys(t: Transport, queue: Buffer | string): { step: number; key: Buffer }[] {
  return t.prioritySteps.map((step) => ({ step, key: bucketKey(t, queue, step) }));
}

export function unackedKey(t: Transport): Buffer {
  return Buffer.concat([t.keyPrefix, Buffer.from('unacked')]);
}
export function unackedIndexKey(t: Transport): Buffer {
  return Buffer.concat([t.keyPrefix, Buffer.from('unacked_index')]);
}
export function unackedMutexKey(t: Transport): Buffer {
  return Buffer.concat([t.keyPrefix, Buffer.from('unacked_mutex')]);
}
/** Prefix of the `_kombu.binding.<exchange>` sets that name every declared queue. */
export function bindingPrefix(t: Transport): Buffer {
  return Buffer.concat([t.keyPrefix, Buffer.from('_kombu.binding.')]);
}

/** Names of kombu's own keys, which no message may be pushed to (a list there breaks every worker). */
export function isKombuKeyName(name: string): boolean {
  return (
    name === 'unacked' || name === 'unacked_index' || name === 'unacked_mutex' || name.startsWith('_kombu.binding.')
  );
}

/** Throws for a destination queue that is one of kombu's own keys. */
export function assertQueueDestination(name: string): void {
  if (name === '') throw new UsageError('the destination queue name is empty');
  if (isKombuKeyName(name))
    throw new UsageError(`'${name}' is one of kombu's own keys, not a queue: refusing to push messages there`);
}

/** Internal queues hidden unless `--all`: pidbox replies/broadcasts and celery events. */
export function isInternalQueue(name: string): boolean {
  return /\.celery\.pidbox$|\.reply\.celery\.pidbox$|^celeryev\./.test(name);
}

/** The keys a move or purge of one bucket works with (all under the transport's key prefix). */
export interface BulkKeys {
  /** Who is working on the bucket: `host pid random`. */
  lock: Buffer;
  /** The chunk taken from the tail that loonctl is deciding on (a whole-bucket move: the whole bucket). */
  pending: Buffer;
  /** The chunk after pending, read ahead (newer than pending). */
  next: Buffer;
  /** Messages examined and kept, oldest at the tail; put back at the end. */
  held: Buffer;
}

export function bulkKeys(t: Transport, bucketKey: Buffer): BulkKeys {
  const name = bucketKey.subarray(t.keyPrefix.length);
  const key = (what: string) => Buffer.concat([t.keyPrefix, Buffer.from(`loonctl:${what}:`), name]);
  return { lock: key('bulk-lock'), pending: key('pending'), next: key('next'), held: key('held') };
}
