import { NotFoundError } from '../../core/errors.js';
import { TRANSPORT_OPTIONS, type TransportInput } from '../options/transport.js';
import { defineCommand } from '../spec.js';
import { transportOf } from './shared.js';

export const queueShow = defineCommand<TransportInput & { taskId: string }>({
  path: ['queue', 'show'],
  redis: 'lean',
  summary: 'find a task by id in any queue or in unacked and print all of it',
  args: [{ name: 'task-id', required: true }],
  options: TRANSPORT_OPTIONS,
  examples: ['loonctl queue show 6f0b2c1e-8a0e-4b55-9c1d-1c8f6f3a7d10', 'loonctl queue show $ID --json | jq .headers'],
  async run(ctx, o) {
    const t = await transportOf(ctx, o);
    const [{ findTask }, { summarize }, { redisNow }] = await Promise.all([
      import('../../celery/find.js'),
      import('../../celery/summary.js'),
      import('../../celery/read.js'),
    ]);
    const broker = await ctx.broker();
    const f = await findTask(broker, t, o.taskId);
    if (!f) throw new NotFoundError(`no task ${o.taskId} in any queue or in unacked`, 'it may have run already');
    const now = await redisNow(broker);
    const where =
      f.where === 'queue'
        ? { where: 'queue', queue: f.queue, bucket: f.bucket, position: f.position }
        : {
            where: 'unacked',
            queue: f.queue,
            tag: f.tag,
            received_at: f.since === null ? null : new Date(f.since * 1000).toISOString(),
            age_seconds: f.since === null ? null : Math.round(now - f.since),
          };
    const m = f.message;
    const json = {
      ...where,
      ...summarize(m),
      headers: m.headers,
      properties: m.properties,
      body: m.body ?? null,
      embed: m.embed,
    };
    const flat: Record<string, unknown> = { ...where, ...summarize(m) };
    for (const [k, v] of Object.entries(m.headers ?? {})) flat[`headers.${k}`] = v;
    for (const [k, v] of Object.entries(m.properties ?? {})) flat[`properties.${k}`] = v;
    if (m.embed) for (const [k, v] of Object.entries(m.embed)) flat[`embed.${k}`] = v;
    for (const [k, v] of Object.entries(flat)) if (v === null || v === undefined) flat[k] = '-';
    return { views: [{ kind: 'record', fields: flat, tones: { broken: m.ok ? undefined : 'fail' } }], json };
  },
});
