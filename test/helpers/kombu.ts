// Builds list elements the way kombu + Celery write them (Python json.dumps style), for tests
// that need shapes a real producer does not make on demand (protocol 1, hostile input).
import { deflateSync } from 'node:zlib';
import { pyJsonDumps } from '../../src/celery/pyjson.js';

export interface EnvelopeOptions {
  id: string;
  task?: string;
  args?: unknown[];
  kwargs?: Record<string, unknown>;
  queue?: string;
  priority?: number;
  eta?: string | null;
  protocol?: 1 | 2;
  contentType?: string;
  body?: Buffer;
  compress?: boolean;
}

export function envelope(o: EnvelopeOptions): Buffer {
  const task = o.task ?? 'tasks.flow_hook_task';
  const args = o.args ?? [];
  const kwargs = o.kwargs ?? {};
  let body: Buffer;
  let headers: Record<string, unknown>;
  if (o.protocol === 1) {
    headers = {};
    body =
      o.body ??
      Buffer.from(
        pyJsonDumps({
          task,
          id: o.id,
          args,
          kwargs,
          retries: 0,
          eta: o.eta ?? null,
          expires: null,
          utc: true,
          callbacks: null,
          errbacks: null,
          timelimit: [null, null],
          taskset: null,
          chord: null,
        }),
      );
  } else {
    headers = {
      lang: 'py',
      task,
      id: o.id,
      shadow: null,
      eta: o.eta ?? null,
      expires: null,
      group: null,
      group_index: null,
      retries: 0,
      timelimit: [null, null],
      root_id: o.id,
      parent_id: null,
      argsrepr: `(${args.join(', ')},)`,
      kwargsrepr: '{}',
      origin: 'gen1@test',
      ignore_result: false,
    };
    body =
      o.body ?? Buffer.from(pyJsonDumps([args, kwargs, { callbacks: null, errbacks: null, chain: null, chord: null }]));
  }
  if (o.compress) {
    body = deflateSync(body);
    headers.compression = 'application/x-gzip';
  }
  const env = {
    body: body.toString('base64'),
    'content-encoding': 'utf-8',
    'content-type': o.contentType ?? 'application/json',
    headers,
    properties: {
      correlation_id: o.id,
      reply_to: 'c3b5a0b2-0000-0000-0000-000000000000',
      delivery_mode: 2,
      delivery_info: { exchange: '', routing_key: o.queue ?? 'loonflow' },
      priority: o.priority ?? 0,
      body_encoding: 'base64',
      delivery_tag: `tag-${o.id}`,
    },
  };
  return Buffer.from(pyJsonDumps(env));
}

/** kombu's unacked value for a list element: `[` + element + `, "", "<routing key>"]`. */
export function unackedValue(element: Buffer, routingKey = 'loonflow', exchange = ''): Buffer {
  return Buffer.concat([
    Buffer.from('['),
    element,
    Buffer.from(`, ${pyJsonDumps(exchange)}, ${pyJsonDumps(routingKey)}]`),
  ]);
}
