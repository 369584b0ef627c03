import { createServer, type Server } from 'node:http';
import { TEXT_CONTENT_TYPE } from './encode.js';

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

/**
 * Serves `/metrics` (GET and HEAD) with whatever `exposition` returns; `/` links to it; anything else is
 * 404. Resolves with the server once it listens, so the caller knows the port (0 picks a free one).
 */
export function serveMetrics(at: ListenAddress, exposition: () => Promise<string>): Promise<Server> {
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
    exposition().then(
      (text) => {
        const body = Buffer.from(text, 'utf8');
        res.writeHead(200, { 'content-type': TEXT_CONTENT_TYPE, 'content-length': body.length });
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
