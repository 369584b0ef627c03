import { connect as netConnect } from 'node:net';
import type { ConnectionOptions } from 'node:tls';

/**
 * Second looks at a server that failed to connect, to say why in words: only ever run after a failure,
 * each bounded by `ms`. Both answer false on any doubt.
 */

/** Whether a plain-text Redis answers a PING here (any RESP reply: +PONG, -NOAUTH, ...). */
export function speaksPlainRedis(host: string, port: number, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = netConnect(port, host);
    const done = (v: boolean) => (s.destroy(), clearTimeout(timer), resolve(v));
    const timer = setTimeout(() => done(false), ms);
    s.once('connect', () => s.write('PING\r\n'));
    s.once('data', (d: Buffer) => done(/^[+-]/.test(d.toString('latin1', 0, 1))));
    s.once('error', () => done(false));
  });
}

/** Whether the server completes a TLS handshake (certificate not checked). */
export async function speaksTls(host: string, port: number, ms: number): Promise<boolean> {
  const tls = await import('node:tls');
  return new Promise((resolve) => {
    const s = tls.connect({ host, port, rejectUnauthorized: false });
    const done = (v: boolean) => (s.destroy(), clearTimeout(timer), resolve(v));
    const timer = setTimeout(() => done(false), ms);
    s.once('secureConnect', () => done(true));
    s.once('error', () => done(false));
  });
}

/**
 * Connects again with the same TLS options and sends a PING, to catch the error a first attempt may have
 * hidden behind a reset (a server that wants a client certificate says so in an alert that can arrive after
 * our first write failed). Resolves with that error, or undefined when none came.
 */
export async function tlsPingError(
  host: string,
  port: number,
  options: ConnectionOptions,
  ms: number,
): Promise<Error | undefined> {
  const tls = await import('node:tls');
  return new Promise((resolve) => {
    const s = tls.connect({ ...options, host, port });
    const done = (v: Error | undefined) => (s.destroy(), clearTimeout(timer), resolve(v));
    const timer = setTimeout(() => done(undefined), ms);
    s.once('secureConnect', () => s.write('PING\r\n'));
    s.once('data', () => done(undefined));
    s.once('error', (e: Error) => done(e));
  });
}
