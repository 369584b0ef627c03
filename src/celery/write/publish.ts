import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { UsageError } from '../../core/errors.js';
import { pyJsonString } from '../pyjson.js';
import { assertQueueDestination, type Transport } from '../transport.js';
import { celeryOrigin, celeryReplyTo } from './celery-ids.js';
import { pyIsoformat, utcFromMicros } from './py-datetime.js';
import { pyDumps } from './py-format.js';
import { fromJs, parsePyJson, type PyValue } from './py-value.js';
import { kombuBucket, queueRoute, type QueueRoute } from './publish-route.js';
import { saferepr } from './saferepr.js';

/**
 * Which producer's bytes to write: Celery 4.1 + kombu 4.6.7 (LoonFlow 1.x, 2.0.0-2.0.13), Celery 5.2 +
 * kombu 5.2 (LoonFlow 2.0.14-2.0.20, Debian's python3-celery), Celery 5.5 + kombu 5.5 (LoonFlow 3.x).
 */
export type CeleryFlavour = '4.1' | '5.2' | '5.5';
export const CELERY_FLAVOURS: readonly CeleryFlavour[] = ['4.1', '5.2', '5.5'];

export interface TaskMessageOptions {
  /** Registered task name, e.g. `tasks.flow_hook_task`. */
  task: string;
  /** Positional arguments as JS values (whole numbers are Python ints; kombu typed objects are read). */
  args?: readonly unknown[];
  kwargs?: Readonly<Record<string, unknown>>;
  /** The same as JSON text, read as Python's json.loads reads it (key order, big ints, `1.0` kept). */
  argsJson?: string;
  kwargsJson?: string;
  /** Default `loonflow`, LoonFlow's only queue. */
  queue?: string;
  eta?: Date;
  /** Seconds from now (Celery's `countdown`); 0 means none, as in Celery. */
  countdown?: number;
  /** Message priority (Celery's `priority`); default 0. */
  priority?: number;
  /** Task id; default a new uuid4. */
  id?: string;
  /** Default `5.2`. */
  celery?: CeleryFlavour;
  /** The clock for the countdown (tests). */
  now?: Date;
}

/** A protocol-2 task message as `apply_async` would push it. */
export interface TaskMessage {
  id: string;
  task: string;
  queue: string;
  /** The `eta` header (ISO 8601, UTC) or null. */
  eta: string | null;
  priority: number;
  argsrepr: string;
  kwargsrepr: string;
  deliveryTag: string;
  /** The list element, byte for byte. */
  raw: Buffer;
}

function argumentsOf(o: TaskMessageOptions): { args: PyValue; kwargs: PyValue } {
  if (o.args && o.argsJson !== undefined) throw new UsageError('give args either as values or as JSON, not both');
  if (o.kwargs && o.kwargsJson !== undefined) throw new UsageError('give kwargs either as values or as JSON');
  const args = o.argsJson !== undefined ? parsePyJson(o.argsJson, '--args') : fromJs(o.args ?? []);
  const kwargs = o.kwargsJson !== undefined ? parsePyJson(o.kwargsJson, '--kwargs') : fromJs(o.kwargs ?? {});
  if (args.t !== 'list') throw new UsageError('--args: task arguments must be a JSON array', 'e.g. [4711]');
  if (kwargs.t !== 'dict') throw new UsageError('--kwargs: keyword arguments must be a JSON object');
  return { args, kwargs };
}

/** The `eta` header: Celery's `(now + timedelta(seconds=countdown)).isoformat()`, or the given instant's. */
function etaOf(o: TaskMessageOptions): string | null {
  if (o.eta && o.countdown) throw new UsageError('give a countdown or an eta, not both');
  if (o.eta) {
    if (Number.isNaN(o.eta.getTime())) throw new UsageError('the eta is not a valid time');
    return pyIsoformat(utcFromMicros(o.eta.getTime() * 1000));
  }
  if (!o.countdown) return null;
  if (!Number.isFinite(o.countdown)) throw new UsageError('the countdown is not a number of seconds');
  const nowMs = (o.now ?? new Date()).getTime();
  return pyIsoformat(utcFromMicros(nowMs * 1000 + Math.round(o.countdown * 1e6)));
}

/** Builds the message, touching nothing: what `task.apply_async(args, kwargs, queue=..., ...)` would push. */
export function buildTaskMessage(o: TaskMessageOptions): TaskMessage {
  if (!o.task) throw new UsageError('the task name must not be empty');
  const flavour = o.celery ?? '5.2';
  if (!CELERY_FLAVOURS.includes(flavour)) throw new UsageError(`unknown Celery flavour '${String(flavour)}'`);
  const { args, kwargs } = argumentsOf(o);
  const id = o.id ?? randomUUID();
  const queue = o.queue ?? 'loonflow';
  const priority = o.priority ?? 0;
  if (!Number.isInteger(priority)) throw new UsageError(`priority ${priority} is not a whole number`);
  const eta = etaOf(o);
  const escapeQuotes = flavour !== '4.1';
  const argsrepr = saferepr(args, 1024, escapeQuotes);
  const kwargsrepr = saferepr(kwargs, 1024, escapeQuotes);
  const typed = flavour === '5.5';
  const q = (s: string | null) => (s === null ? 'null' : pyJsonString(s));
  const h: string[] = [`"lang": "py"`, `"task": ${q(o.task)}`, `"id": ${q(id)}`];
  if (flavour !== '4.1') h.push('"shadow": null');
  h.push(`"eta": ${q(eta)}`, '"expires": null', '"group": null');
  if (flavour !== '4.1') h.push('"group_index": null');
  h.push('"retries": 0', '"timelimit": [null, null]', `"root_id": ${q(id)}`, '"parent_id": null');
  h.push(`"argsrepr": ${q(argsrepr)}`, `"kwargsrepr": ${q(kwargsrepr)}`, `"origin": ${q(celeryOrigin())}`);
  if (flavour !== '4.1') h.push('"ignore_result": false');
  if (flavour === '5.5') h.push('"replaced_task_nesting": 0', '"stamped_headers": null', '"stamps": {}');
  const embed = '{"callbacks": null, "errbacks": null, "chain": null, "chord": null}';
  const body = Buffer.from(`[${pyDumps(args, typed)}, ${pyDumps(kwargs, typed)}, ${embed}]`, 'utf8');
  const deliveryTag = randomUUID();
  const props =
    `{"correlation_id": ${q(id)}, "reply_to": ${q(celeryReplyTo())}, "delivery_mode": 2, ` +
    `"delivery_info": {"exchange": "", "routing_key": ${q(queue)}}, "priority": ${priority}, ` +
    `"body_encoding": "base64", "delivery_tag": ${q(deliveryTag)}}`;
  const raw =
    `{"body": ${q(body.toString('base64'))}, "content-encoding": "utf-8", "content-type": "application/json", ` +
    `"headers": {${h.join(', ')}}, "properties": ${props}}`;
  return { id, task: o.task, queue, eta, priority, argsrepr, kwargsrepr, deliveryTag, raw: Buffer.from(raw, 'utf8') };
}

export interface PublishOptions extends TaskMessageOptions {
  /** Declare the queue first, as Celery's producer does, when no binding names it (else refused). */
  declare?: boolean;
  /** Build and route, write nothing. */
  dryRun?: boolean;
}

export interface PublishedTask extends TaskMessage {
  /** The list it was (or would be) LPUSHed to. */
  key: Buffer;
  /** kombu's priority step for it. */
  bucket: number;
  route: QueueRoute;
  pushed: boolean;
}

/**
 * Publishes like `apply_async` through kombu's Redis transport: Celery sends to a direct queue through the
 * anonymous exchange, kombu LPUSHes to the priority bucket; the queue must be declared
 * (`_kombu.binding.*` names it), or `declare` adds the binding Celery's producer would, in the same MULTI.
 */
export async function publishTask(redis: Redis, t: Transport, o: PublishOptions): Promise<PublishedTask> {
  const msg = buildTaskMessage(o);
  assertQueueDestination(msg.queue);
  const route = await queueRoute(redis, t, msg.queue);
  if (!route.declared && !o.declare) {
    const known = route.known.length ? route.known.slice(0, 10).join(', ') : 'none';
    throw new UsageError(
      `queue '${msg.queue}' is not declared: no _kombu.binding set names it, so no worker consumes it`,
      `known queues: ${known}; --declare declares it as Celery's producer would`,
    );
  }
  const { key, bucket } = kombuBucket(t, msg.queue, msg.priority);
  if (o.dryRun) return { ...msg, key, bucket, route, pushed: false };
  const multi = redis.multi();
  if (!route.declared) multi.sadd(route.bindingKey, route.bindingMember);
  multi.lpush(key, msg.raw);
  const res = await multi.exec();
  const failed = res?.find(([err]) => err);
  if (!res || failed) throw failed?.[0] ?? new Error('the publish transaction was discarded');
  return { ...msg, key, bucket, route, pushed: true };
}
