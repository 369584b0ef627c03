import { createServer, type Server } from 'node:http';
import { FamilySet, type MetricFamily } from './families.js';
import { contentTypeOf, encodeAs, EXPOSITION_FORMATS, negotiate, type ExpositionFormat } from './format.js';

export interface ListenAddress {
  host: string;
  port: number;
}

/** `HOST:PORT`, `[::1]:PORT` or `:PORT` (all interfaces); null when it is not one of those. */
export function parseListen(text: string): ListenAddress | null {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text.trim());
  if (!m) return null;
  const port = Number(m[3]);
  if (port > 65535) return null;
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port };
}

const INDEX = '<html><head><title>loonctl</title></head><body><a href="/metrics">/metrics</a></body></html>\n';

/** Scrapes answered so far by format, this one included: which format Prometheus negotiated is visible. */
function requestsFamily(counts: Map<ExpositionFormat, number>): MetricFamily {
  const f = new FamilySet().counter('loonctl_metrics_requests_total', 'Scrapes of /metrics, by format negotiated.');
  for (const format of EXPOSITION_FORMATS) f.set({ format }, counts.get(format) ?? 0);
  return f.family;
}

/**
 * Serves `/metrics` (GET and HEAD) with the families `collect` returns, encoded in the format the Accept
 * header asks for; `/` links to it; anything else is 404. Resolves with the server once it listens, so
 * the caller knows the port (0 picks a free one).
 */
export function serveMetrics(at: ListenAddress, collect: () => Promise<MetricFamily[]>): Promise<Server> {
  const counts = new Map<ExpositionFormat, number>();
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(req.method === 'HEAD' ? '' : INDEX);
      return;
    }
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics\n');
      return;
    }
    const format = negotiate(req.headers.accept);
    counts.set(format, (counts.get(format) ?? 0) + 1);
    collect().then(
      (families) => {
        const body = Buffer.from(encodeAs(format, [...families, requestsFamily(counts)]), 'utf8');
        res.writeHead(200, { 'content-type': contentTypeOf(format), 'content-length': body.length, vary: 'Accept' });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      (e: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`collection failed: ${(e as Error).message}\n`);
      },
    );
  });
  server.keepAliveTimeout = 65_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(at.port, at.host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
