import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { UsageError } from '../core/errors.js';

/**
 * TLS for `rediss://`, as Celery spells it in the URL query (`ssl_cert_reqs`, `ssl_ca_certs`,
 * `ssl_certfile`, `ssl_keyfile`) or given as settings (`--tls-ca`, `--tls-cert`, `--tls-key`).
 */
export interface TlsSettings {
  /** PEM file with the CA(s) to trust instead of the system store. */
  caFile?: string;
  /** Client certificate (PEM), for servers started with `--tls-auth-clients yes`. */
  certFile?: string;
  /** Its private key; defaults to `certFile`, as Python's `load_cert_chain` does. */
  keyFile?: string;
  /** false skips verifying the server certificate (`ssl_cert_reqs=none`). */
  verify?: boolean;
}

const CERT_REQS: Record<string, boolean> = {
  required: true,
  cert_required: true,
  optional: true,
  cert_optional: true,
  none: false,
  cert_none: false,
};

/** The TLS settings in a `rediss://` URL's query. */
export function tlsFromQuery(params: URLSearchParams): TlsSettings {
  const s: TlsSettings = {};
  const reqs = params.get('ssl_cert_reqs');
  if (reqs !== null) {
    const verify = CERT_REQS[reqs.toLowerCase()];
    if (verify === undefined) {
      const hint = 'Celery also accepts CERT_REQUIRED, CERT_OPTIONAL, CERT_NONE';
      throw new UsageError(`ssl_cert_reqs=${reqs} is not one of required, optional, none`, hint);
    }
    s.verify = verify;
  }
  const file = (name: string) => params.get(name) || undefined;
  s.caFile = file('ssl_ca_certs');
  s.certFile = file('ssl_certfile');
  s.keyFile = file('ssl_keyfile');
  return s;
}

/** Settings given explicitly win over the URL's, field by field. */
export function mergeTls(fromUrl: TlsSettings, explicit: TlsSettings = {}): TlsSettings {
  const out: TlsSettings = { ...fromUrl };
  for (const [k, v] of Object.entries(explicit) as [keyof TlsSettings, never][]) {
    if (v !== undefined && v !== '') out[k] = v;
  }
  return out;
}

/** Node TLS options; reads the PEM files (a missing one is a usage error, before anything connects). */
export function tlsConnectionOptions(s: TlsSettings): ConnectionOptions {
  const read = (file: string, what: string, where: string) => {
    try {
      return readFileSync(file);
    } catch (e) {
      const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
      throw new UsageError(`cannot read the TLS ${what} ${file}: ${why}`, `check ${where}`);
    }
  };
  const o: ConnectionOptions = {};
  if (s.verify === false) o.rejectUnauthorized = false;
  if (s.caFile) o.ca = read(s.caFile, 'CA file', 'ssl_ca_certs / --tls-ca');
  if (s.certFile) {
    o.cert = read(s.certFile, 'client certificate', 'ssl_certfile / --tls-cert');
    o.key = read(s.keyFile ?? s.certFile, 'client key', 'ssl_keyfile / --tls-key');
  } else if (s.keyFile) {
    throw new UsageError('a TLS client key without a certificate', 'give ssl_certfile / --tls-cert as well');
  }
  return o;
}

const TRUST_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
]);

/** A clear sentence and hint for a TLS failure, or undefined when the error is not about TLS. */
export function explainTls(err: unknown): { what: string; hint: string } | undefined {
  const e = err as NodeJS.ErrnoException | undefined;
  const code = e?.code ?? '';
  const msg = e?.message ?? '';
  if (TRUST_CODES.has(code)) {
    return {
      what: `the server's TLS certificate is not trusted: it is not signed by a known CA (${msg})`,
      hint: 'give the CA that signed it: ssl_ca_certs=FILE in the URL or --tls-ca FILE (ssl_cert_reqs=none: no check)',
    };
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return {
      what: `the server's TLS certificate ${code === 'CERT_HAS_EXPIRED' ? 'has expired' : 'is not valid yet'}`,
      hint: 'renew the certificate on the Redis server (or check the clocks)',
    };
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return { what: `the server's TLS certificate is for another host (${msg})`, hint: 'connect by a name it lists' };
  }
  const refused = /CERTIFICATE_REQUIRED|alert (certificate required|handshake failure|bad certificate|unknown ca)/i;
  if (refused.test(`${code} ${msg}`)) {
    const alert = /alert ([a-z ]+)/i.exec(msg)?.[1] ?? code;
    return {
      what: `the server refused the TLS connection: it requires a client certificate it trusts (TLS alert: ${alert})`,
      hint: 'give ssl_certfile=/ssl_keyfile= in the URL or --tls-cert/--tls-key',
    };
  }
  if (/wrong version number|packet length too long|unknown protocol|ERR_SSL_WRONG_VERSION/i.test(`${code} ${msg}`)) {
    return { what: 'the server does not speak TLS', hint: 'use redis:// for a plain-text server' };
  }
  return undefined;
}
