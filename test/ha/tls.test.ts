// rediss:// against real TLS redis-servers started here: Celery's query spelling, the domain-level TLS
// settings (LOONCTL_TLS_*), client certificates, and exit 69 with a clear line for every way TLS can fail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { makeCerts, startServer, startTlsRedis, type Certs, type Server } from '../helpers/ha.js';
import { freePort } from '../helpers/processes.js';

let certs: Certs;
let plainTls: Server; // TLS, no client certificate needed
let mutual: Server; // TLS, client certificate required
let expired: Server; // TLS with an expired server certificate
let plain: Server; // no TLS at all

beforeAll(async () => {
  certs = makeCerts();
  [plainTls, mutual, expired] = await Promise.all([
    startTlsRedis(certs, { password: 'tls-secret' }),
    startTlsRedis(certs, { authClients: 'yes' }),
    startTlsRedis(certs, { expired: true }),
  ]);
  const port = await freePort();
  plain = await startServer(port, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
});

afterAll(async () => {
  await Promise.all([plainTls, mutual, expired, plain].map((s) => s?.stop()));
  certs?.remove();
});

const q = (params: Record<string, string>) => new URLSearchParams(params).toString();
const nextSerial = (url: string, env: Record<string, string> = {}, extra: string[] = []) =>
  runCli(['serial', 'next', '--init-from', '0', '--date', '2024-05-01', '--redis-url', url, '-o', 'plain', ...extra], {
    env,
  });

describe('rediss:// that works', () => {
  it("verifies against the CA named in Celery's query (ssl_cert_reqs=required, ssl_ca_certs)", async () => {
    const r = await nextSerial(
      `rediss://:tls-secret@127.0.0.1:${plainTls.port}/1?${q({ ssl_cert_reqs: 'required', ssl_ca_certs: certs.ca })}`,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^loonflow_20240501\d{4}\n$/);
  });

  it('accepts the Python constant spelling CERT_REQUIRED', async () => {
    const r = await nextSerial(
      `rediss://:tls-secret@127.0.0.1:${plainTls.port}/1?${q({ ssl_cert_reqs: 'CERT_REQUIRED', ssl_ca_certs: certs.ca })}`,
    );
    expect(r.code).toBe(0);
  });

  it('skips verification with ssl_cert_reqs=none (a CA it does not know)', async () => {
    const r = await nextSerial(`rediss://:tls-secret@127.0.0.1:${plainTls.port}/1?ssl_cert_reqs=none`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('takes the CA from LOONCTL_TLS_CA (what --tls-ca sets)', async () => {
    const r = await nextSerial(`rediss://:tls-secret@127.0.0.1:${plainTls.port}/1`, { LOONCTL_TLS_CA: certs.ca });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('presents a client certificate from ssl_certfile/ssl_keyfile or LOONCTL_TLS_CERT/LOONCTL_TLS_KEY', async () => {
    const viaQuery = await nextSerial(
      `rediss://127.0.0.1:${mutual.port}/1?${q({ ssl_cert_reqs: 'required', ssl_ca_certs: certs.ca, ssl_certfile: certs.clientCert, ssl_keyfile: certs.clientKey })}`,
    );
    expect(viaQuery.stderr).toBe('');
    expect(viaQuery.code).toBe(0);
    const viaEnv = await nextSerial(`rediss://127.0.0.1:${mutual.port}/1`, {
      LOONCTL_TLS_CA: certs.ca,
      LOONCTL_TLS_CERT: certs.clientCert,
      LOONCTL_TLS_KEY: certs.clientKey,
    });
    expect(viaEnv.stderr).toBe('');
    expect(viaEnv.code).toBe(0);
  });
});

describe('rediss:// that fails: exit 69, one clear line, no password', () => {
  const expectUnavailable = (r: { code: number | null; stderr: string }, what: RegExp) => {
    expect(r.code).toBe(69);
    expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
    expect(r.stderr).toMatch(what);
    expect(r.stderr).not.toContain('tls-secret');
    expect(r.stderr).not.toContain('internal error');
  };

  it('a certificate from another CA', async () => {
    const r = await nextSerial(
      `rediss://:tls-secret@127.0.0.1:${plainTls.port}/1?${q({ ssl_cert_reqs: 'required', ssl_ca_certs: certs.wrongCa })}`,
    );
    expectUnavailable(r, /certificate.*not trusted|not signed by/i);
    expect(r.stderr).toMatch(/ssl_ca_certs|--tls-ca/);
  });

  it('no CA given: the system store does not know the test CA', async () => {
    const r = await nextSerial(`rediss://:tls-secret@127.0.0.1:${plainTls.port}/1`);
    expectUnavailable(r, /not trusted|not signed by/i);
  });

  it('an expired server certificate', async () => {
    const r = await nextSerial(
      `rediss://127.0.0.1:${expired.port}/1?${q({ ssl_cert_reqs: 'required', ssl_ca_certs: certs.ca })}`,
    );
    expectUnavailable(r, /expired/i);
  });

  it('a plain-text server behind rediss://', async () => {
    // A plain-text Redis never answers a TLS hello: the handshake runs into the connect timeout.
    const url = `rediss://:tls-secret@127.0.0.1:${plain.port}/1?${q({ ssl_cert_reqs: 'required', ssl_ca_certs: certs.ca })}`;
    const r = await nextSerial(url, {}, ['--timeout', '1s']);
    expectUnavailable(r, /does not speak TLS|not a TLS/i);
    expect(r.stderr).toMatch(/redis:\/\//);
  });

  it('a TLS server behind redis://', async () => {
    const r = await nextSerial(`redis://:tls-secret@127.0.0.1:${plainTls.port}/1`);
    expectUnavailable(r, /TLS/);
    expect(r.stderr).toMatch(/rediss:\/\//);
  });

  it('a server that requires a client certificate, given none', async () => {
    const r = await nextSerial(
      `rediss://127.0.0.1:${mutual.port}/1?${q({ ssl_cert_reqs: 'required', ssl_ca_certs: certs.ca })}`,
    );
    expectUnavailable(r, /client certificate/i);
  });

  it('a CA file that does not exist is a usage error (exit 2)', async () => {
    const r = await nextSerial(
      `rediss://127.0.0.1:${plainTls.port}/1?${q({ ssl_cert_reqs: 'required', ssl_ca_certs: '/nonexistent/ca.pem' })}`,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\/nonexistent\/ca\.pem/);
  });

  it('an unknown ssl_cert_reqs is a usage error (exit 2)', async () => {
    const r = await nextSerial(`rediss://127.0.0.1:${plainTls.port}/1?ssl_cert_reqs=maybe`);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ssl_cert_reqs/);
  });
});
