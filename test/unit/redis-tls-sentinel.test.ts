import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/config.js';
import { UnavailableError, UsageError } from '../../src/core/errors.js';
import { interrupted, isConnectionTrouble, NotReplicatedError } from '../../src/redis/durability.js';
import { mergeTls, tlsFromQuery } from '../../src/redis/tls.js';
import { redisOptionsFromUrl } from '../../src/redis/url.js';

const dir = mkdtempSync(join(tmpdir(), 'loonctl-tls-unit-'));
const pem = (name: string) => {
  const p = join(dir, name);
  writeFileSync(p, `-----BEGIN CERTIFICATE-----\n${name}\n-----END CERTIFICATE-----\n`);
  return p;
};

describe("rediss:// in Celery's spelling", () => {
  it('reads ssl_cert_reqs in every spelling Celery accepts', () => {
    for (const [v, verify] of [
      ['required', true],
      ['CERT_REQUIRED', true],
      ['optional', true],
      ['CERT_OPTIONAL', true],
      ['none', false],
      ['CERT_NONE', false],
    ] as const) {
      expect(tlsFromQuery(new URLSearchParams({ ssl_cert_reqs: v })).verify).toBe(verify);
    }
    expect(() => tlsFromQuery(new URLSearchParams({ ssl_cert_reqs: 'maybe' }))).toThrow(UsageError);
  });

  it('settings given explicitly win over the URL, field by field', () => {
    expect(
      mergeTls({ caFile: '/url/ca', certFile: '/url/cert' }, { caFile: '/flag/ca', certFile: undefined, keyFile: '' }),
    ).toEqual({ caFile: '/flag/ca', certFile: '/url/cert' });
  });

  it('loads the files into the TLS options; the key defaults to the certificate file, as Python does', () => {
    const [ca, cert] = [pem('ca.pem'), pem('both.pem')];
    const o = redisOptionsFromUrl(
      `rediss://h:6380/2?ssl_cert_reqs=none&ssl_ca_certs=${encodeURIComponent(ca)}&ssl_certfile=${encodeURIComponent(cert)}`,
    );
    expect(o.tls).toMatchObject({ rejectUnauthorized: false });
    expect(String(o.tls!.ca)).toContain('ca.pem');
    expect(String(o.tls!.key)).toContain('both.pem');
    expect(() => redisOptionsFromUrl('rediss://h', undefined, { tls: { caFile: join(dir, 'missing.pem') } })).toThrow(
      /cannot read the TLS CA file/,
    );
    expect(() => redisOptionsFromUrl('rediss://h', undefined, { tls: { keyFile: ca } })).toThrow(
      /without a certificate/,
    );
  });

  it('a plain redis:// URL ignores TLS settings', () => {
    expect(redisOptionsFromUrl('redis://h', undefined, { tls: { caFile: '/nowhere' } }).tls).toBeUndefined();
  });
});

describe('sentinel passwords', () => {
  it("the URL's password is the master's; the sentinels' comes beside it (sentinel_kwargs)", () => {
    const o = redisOptionsFromUrl('sentinel://:master-pw@s1:26379;sentinel://:master-pw@s2:26380/3', 'mymaster', {
      sentinelPassword: 'sentinel-pw',
    });
    expect(o).toMatchObject({ name: 'mymaster', password: 'master-pw', sentinelPassword: 'sentinel-pw', db: 3 });
  });

  it('LOONCTL_SENTINEL_PASSWORD and LOONCTL_TLS_* resolve like every setting, from env or the config file', () => {
    const cfg = join(dir, 'c.json');
    writeFileSync(cfg, JSON.stringify({ tlsCa: '/file/ca.pem', sentinelPassword: 'from-file' }));
    const c = resolveConfig(
      {},
      { LOONCTL_CONFIG: cfg, LOONCTL_TLS_CERT: '/env/cert.pem', LOONCTL_SENTINEL_PASSWORD: 'from-env' },
    );
    expect(c.tlsCa).toEqual({ value: '/file/ca.pem', source: `file ${cfg}` });
    expect(c.tlsCert).toEqual({ value: '/env/cert.pem', source: 'env LOONCTL_TLS_CERT' });
    expect(c.tlsKey.value).toBeUndefined();
    expect(c.sentinelPassword).toEqual({ value: 'from-env', source: 'env LOONCTL_SENTINEL_PASSWORD' });
    expect(
      resolveConfig({ sentinelPassword: 'flag', tlsKey: '/flag/key' }, { LOONCTL_CONFIG: cfg }).sentinelPassword.source,
    ).toBe('flag');
  });
});

describe('connection trouble in the middle of work', () => {
  it('is told apart from bugs and bad data', () => {
    for (const m of [
      'Connection is closed.',
      "Stream isn't writeable and enableOfflineQueue options is false",
      "READONLY You can't write against a read only replica.",
      'read ECONNRESET',
    ]) {
      expect(isConnectionTrouble(new Error(m))).toBe(true);
    }
    expect(isConnectionTrouble(new NotReplicatedError(1000))).toBe(true);
    expect(isConnectionTrouble(new Error('ERR value is not an integer'))).toBe(false);
  });

  it('becomes one exit-69 error that says what is certain; anything else passes through', () => {
    const e = interrupted(new Error('Connection is closed.'), '12 moved before that', 'run it again');
    expect(e).toBeInstanceOf(UnavailableError);
    expect((e as UnavailableError).message).toBe(
      'lost the connection to Redis (Connection is closed.); 12 moved before that',
    );
    const bug = new TypeError('x is undefined');
    expect(interrupted(bug, '', '')).toBe(bug);
  });
});
