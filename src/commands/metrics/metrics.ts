import type { Context } from '../../app/context.js';
import type { MetricFamily } from '../../metrics/families.js';
import { OutputError, UsageError } from '../../core/errors.js';
import { mailboxOf, replyWaitMs } from '../worker/shared.js';
import { defineCommand } from '../spec.js';
import { METRICS_OPTIONS, type MetricsInput } from './options.js';

export const metrics = defineCommand<MetricsInput>({
  path: ['metrics'],
  summary:
    'Prometheus metrics from the broker alone: queues, unacked, ETA, backlog by task, flow, workers, locks, ' +
    'serial counter (stdout, --textfile or --listen)',
  options: METRICS_OPTIONS,
  // One collection needs no ioredis; a --listen server keeps it for its reconnects.
  redis: (o) => (o.listen === undefined ? 'lean' : 'ioredis'),
  examples: [
    'loonctl metrics',
    '* * * * * loonctl metrics --textfile /var/lib/node_exporter/textfile/loonctl.prom',
    'loonctl metrics --listen 127.0.0.1:9808 --cache 15s',
  ],
  async run(ctx, o) {
    if (o.textfile !== undefined && o.listen !== undefined)
      throw new UsageError('--textfile and --listen do not go together', 'pick one');
    if (o.format === 'openmetrics' && o.textfile !== undefined)
      throw new UsageError("--format openmetrics: node_exporter's textfile collector reads only the Prometheus format");
    if (o.format !== undefined && o.listen !== undefined)
      throw new UsageError("--format does not go with --listen: each scrape's Accept header picks the format");
    const [{ collect, newCollectorState }, { encodeAs }, { contextSource }, flow] = await Promise.all([
      import('../../metrics/collect.js'),
      import('../../metrics/format.js'),
      import('../../metrics/context-source.js'),
      import('../../monitor/flow.js'),
    ]);
    const { t, m } = await mailboxOf(ctx, o);
    const listen = o.listen === undefined ? undefined : await parseAddress(o.listen);
    const source = contextSource(ctx, t, m, listen !== undefined);
    let flowStore = null;
    if (listen) flowStore = flow.memoryFlowStore();
    else if (o.textfile !== undefined) {
      const { flowStatePath } = await import('../../metrics/textfile.js');
      flowStore = flow.fileFlowStore(flowStatePath(o.textfile));
    } else if (o.state) flowStore = flow.redisFlowStore(await ctx.broker());
    const options = {
      workers: o.workers,
      censusTimeoutMs: replyWaitMs(ctx),
      exactLimit: o.exactLimit,
      readBudget: o.readBudget,
      maxTasks: o.maxTasks,
      lockMatch: o.lockMatch,
      maxLocks: o.maxLocks,
      flowStore,
      flowCounters: listen !== undefined,
    };
    const state = newCollectorState(options);
    const { maskUrlsIn } = await import('../../core/mask.js');
    const exposition = async () => {
      const c = await collect(source, options, state);
      for (const x of c.outcomes) if (!x.ok) ctx.out.warn(`collector ${x.name} failed: ${maskUrlsIn(x.error ?? '')}`);
      return c.families;
    };
    if (listen) return serve(ctx, listen, o.cache, exposition);
    const text = encodeAs(o.format ?? 'prometheus', await exposition());
    if (o.textfile === undefined) return { views: [{ kind: 'raw', data: Buffer.from(text, 'utf8') }] };
    const { writeTextfile } = await import('../../metrics/textfile.js');
    await writeTextfile(o.textfile, text).catch((e: Error) => {
      throw new OutputError(`cannot write ${o.textfile}: ${e.message}`);
    });
    return undefined;
  },
});

async function parseAddress(text: string): Promise<{ host: string; port: number }> {
  const { parseListen } = await import('../../metrics/serve.js');
  const at = parseListen(text);
  if (!at) throw new UsageError(`--listen: '${text}' is not HOST:PORT`, 'e.g. 127.0.0.1:9808 or :9808');
  return at;
}

/** Serves until SIGINT/SIGTERM/SIGHUP, then closes the server and exits 0. */
async function serve(
  ctx: Context,
  at: { host: string; port: number },
  cacheMs: number,
  exposition: () => Promise<MetricFamily[]>,
): Promise<undefined> {
  const [{ serveMetrics }, { SharedCollection }] = await Promise.all([
    import('../../metrics/serve.js'),
    import('../../metrics/shared.js'),
  ]);
  const shared = new SharedCollection(exposition, cacheMs);
  const server = await serveMetrics(at, () => shared.get()).catch((e: Error) => {
    throw new UsageError(`--listen ${at.host}:${at.port}: ${e.message}`);
  });
  const bound = server.address();
  const port = typeof bound === 'object' && bound ? bound.port : at.port;
  ctx.out.info(`serving http://${at.host.includes(':') ? `[${at.host}]` : at.host}:${port}/metrics`);
  await new Promise<void>((resolve) => {
    ctx.signalHandler = () => {
      server.close(() => resolve());
      server.closeAllConnections();
    };
  });
  return undefined;
}
