// A real Prometheus server (Debian's) scrapes `loonctl metrics --listen` in OpenMetrics and answers PromQL
// with the queue depth put in Redis. Synchronised by polling the query API; the bound only stops a hang.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/celery.js';
import { spawnCli } from '../helpers/cli.js';
import { envelope } from '../helpers/kombu.js';
import { freePort } from '../helpers/metrics.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
const dir = mkdtempSync(join(tmpdir(), 'loonctl-prometheus-'));
const children: ChildProcess[] = [];
beforeAll(async () => {
  redis = await claimRedisDb();
});
afterAll(async () => {
  for (const c of children) {
    if (c.exitCode !== null || c.signalCode !== null) continue;
    const gone = new Promise((r) => c.once('exit', r));
    process.kill(c.pid!, 'SIGTERM');
    await Promise.race([gone, new Promise((r) => setTimeout(r, 10_000))]);
    if (c.exitCode === null && c.signalCode === null) process.kill(c.pid!, 'SIGKILL');
  }
  await redis.release();
  rmSync(dir, { recursive: true, force: true });
});

async function query(
  port: number,
  promql: string,
): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const r = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(promql)}`);
  if (!r.ok) return [];
  const body = (await r.json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  return body.data.result;
}

/**
 * Prometheus before 2.49 has no scrape_protocols and always asks for OpenMetrics first; from 2.49 on the
 * config can insist on it (Debian 12 ships 2.42).
 */
function openMetricsOnly(): string[] {
  const said = spawnSync('/usr/bin/prometheus', ['--version'], { encoding: 'utf8' });
  const m = /version (\d+)\.(\d+)/.exec(`${said.stdout}${said.stderr}`);
  const [major, minor] = m ? [Number(m[1]), Number(m[2])] : [0, 0];
  return major > 2 || (major === 2 && minor >= 49) ? ['    scrape_protocols: [OpenMetricsText1.0.0]'] : [];
}

async function metadata(port: number, metric: string): Promise<{ type: string; unit: string }[]> {
  const r = await fetch(`http://127.0.0.1:${port}/api/v1/metadata?metric=${metric}`);
  return ((await r.json()) as { data: Record<string, { type: string; unit: string }[]> }).data[metric] ?? [];
}

describe('Prometheus scrapes loonctl metrics --listen', () => {
  it('negotiates OpenMetrics; PromQL answers the known queue depth and counters', { timeout: 120_000 }, async () => {
    await redis.flush();
    await redis.client.lpush('loonflow', ...Array.from({ length: 37 }, (_, i) => envelope({ id: `m${i}` })));
    await redis.client.lpush('loonflow\x06\x169', ...Array.from({ length: 5 }, (_, i) => envelope({ id: `p${i}` })));
    const exporterPort = await freePort();
    const exporter = spawnCli([
      'metrics',
      '--listen',
      `127.0.0.1:${exporterPort}`,
      '--cache',
      '1s',
      '--broker-url',
      redis.url,
      '--redis-url',
      redis.url,
    ]);
    children.push(exporter);
    let said = '';
    exporter.stderr!.setEncoding('utf8').on('data', (d: string) => (said += d));
    await waitFor(() => said.includes('serving http://'), 30_000, `loonctl to listen (${said})`);

    const promPort = await freePort();
    const config = join(dir, 'prometheus.yml');
    writeFileSync(
      config,
      [
        'global:',
        '  scrape_interval: 1s',
        '  scrape_timeout: 1s',
        'scrape_configs:',
        '  - job_name: loonctl',
        ...openMetricsOnly(),
        '    static_configs:',
        `      - targets: ['127.0.0.1:${exporterPort}']`,
        '',
      ].join('\n'),
    );
    const prometheus = spawn(
      '/usr/bin/prometheus',
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    children.push(prometheus);
    let log = '';
    prometheus.stderr!.setEncoding('utf8').on('data', (d: string) => (log += d.slice(0, 4000)));

    const depth = 'sum by (queue) (loonctl_queue_ready_messages{job="loonctl",queue="loonflow"})';
    let last: Awaited<ReturnType<typeof query>> = [];
    await waitFor(
      async () => {
        last = await query(promPort, depth).catch(() => []);
        return last.length === 1;
      },
      90_000,
      `Prometheus to scrape loonctl (${log})`,
    );
    expect(last[0].value[1]).toBe('42');
    const bucket = await query(promPort, 'loonctl_queue_ready_messages{queue="loonflow",priority="9"}');
    expect(bucket.map((s) => s.value[1])).toEqual(['5']);
    const up = await query(promPort, 'up{job="loonctl"}');
    expect(up.map((s) => s.value[1])).toEqual(['1']);
    const collections = await query(promPort, 'loonctl_collections_total{job="loonctl"}');
    expect(Number(collections[0]?.value[1])).toBeGreaterThanOrEqual(1);
    const requests = await query(promPort, 'loonctl_metrics_requests_total{job="loonctl"}');
    const byFormat = Object.fromEntries(requests.map((s) => [s.metric.format, Number(s.value[1])]));
    expect(byFormat.openmetrics).toBeGreaterThanOrEqual(1);
    expect(byFormat.prometheus).toBe(0);
    // Read from the OpenMetrics descriptors: the counter family without _total, the UNIT line.
    expect(await metadata(promPort, 'loonctl_collections')).toMatchObject([{ type: 'counter' }]);
    expect(await metadata(promPort, 'loonctl_scrape_duration_seconds')).toMatchObject([{ unit: 'seconds' }]);
    expect(exporter.exitCode).toBeNull();
  });
});
