// `loonctl metrics` in OpenMetrics 1.0.0: --format openmetrics on stdout, and --listen answering each scrape
// in the format its Accept header asks for, both encodings from one cached collection.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { envelope } from '../helpers/kombu.js';
import { listenMetrics, promtoolCheck, sampleValue, stopMetricsServers } from '../helpers/metrics.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';

const OM = 'application/openmetrics-text; version=1.0.0; charset=utf-8';
let redis: TestRedis;
beforeAll(async () => {
  redis = await claimRedisDb();
  await redis.client.lpush('loonflow', ...Array.from({ length: 7 }, (_, i) => envelope({ id: `m${i}` })));
});
afterAll(async () => {
  stopMetricsServers();
  await redis.release();
});

const urls = () => ['--broker-url', redis.url, '--redis-url', redis.url, '--no-workers'];

/** Checks what OpenMetrics asks of the text (beyond what the unit test of the encoder checks). */
function expectOpenMetrics(text: string): void {
  expect(text.endsWith('\n# EOF\n')).toBe(true);
  expect(text.split('\n').slice(0, -1)).not.toContain('');
  expect(text).toMatch(/^# TYPE loonctl_collections counter\n/m);
  expect(text).toMatch(
    /^# TYPE loonctl_scrape_duration_seconds gauge\n# UNIT loonctl_scrape_duration_seconds seconds$/m,
  );
  expect(text).not.toMatch(/^# (TYPE|HELP|UNIT) \S+_total /m);
}

describe('loonctl metrics in OpenMetrics', () => {
  it('--format openmetrics on stdout; prometheus is the default; refused with --textfile', async () => {
    const r = await runCli(['metrics', ...urls(), '--no-state', '--format', 'openmetrics']);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expectOpenMetrics(r.stdout);
    expect(sampleValue(r.stdout, 'loonctl_queue_ready_messages', { queue: 'loonflow', priority: '0' })).toBe(7);
    expect(sampleValue(r.stdout, 'loonctl_collections_total')).toBe(1);
    const plain = await runCli(['metrics', ...urls(), '--no-state']);
    expect(plain.stdout).not.toMatch(/# EOF/);
    expect(promtoolCheck(plain.stdout)).toEqual({ code: 0, output: '' });
    const refused = await runCli(['metrics', ...urls(), '--format', 'openmetrics', '--textfile', '/tmp/never.prom']);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/textfile collector reads only the Prometheus format/);
    expect((await runCli(['metrics', ...urls(), '--format', 'openmetrics', '--listen', ':0'])).code).toBe(2);
  });

  it('--listen answers by Accept header, both formats from the same cached collection', async () => {
    const { base, child } = await listenMetrics([...urls(), '--cache', '1h']);
    const scrape = (accept?: string) => fetch(`${base}/metrics`, { headers: accept ? { accept } : {} });
    const om = await scrape('application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1');
    expect(om.headers.get('content-type')).toBe(OM);
    const omText = await om.text();
    expectOpenMetrics(omText);
    const text = await scrape('text/plain;version=0.0.4').then((r) => {
      expect(r.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      return r.text();
    });
    expect(promtoolCheck(text)).toEqual({ code: 0, output: '' });
    expect((await scrape()).headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const t of [omText, text]) {
      expect(sampleValue(t, 'loonctl_collections_total')).toBe(1);
      expect(sampleValue(t, 'loonctl_queue_ready_messages', { queue: 'loonflow', priority: '0' })).toBe(7);
    }
    expect(sampleValue(text, 'loonctl_metrics_requests_total', { format: 'openmetrics' })).toBe(1);
    expect(sampleValue(text, 'loonctl_metrics_requests_total', { format: 'prometheus' })).toBe(1);
    const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });
});
