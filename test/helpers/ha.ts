// TLS and Sentinel servers of the test's own: certificates made with openssl, redis-server processes on
// free local ports, every one stopped by pid (and killed on exit if a test forgot), nothing left running.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { waitFor } from './celery.js';
import { freePort } from './processes.js';

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of running) c.kill('SIGKILL');
});

export interface Server {
  port: number;
  pid: number;
  stop: () => Promise<void>;
}

/** Starts redis-server with these arguments (or a config file first) and waits until its port accepts TCP. */
export async function startServer(port: number, args: string[]): Promise<Server> {
  // redis-server logs to stdout: keep it, so a server that exits early says why (a port taken, say).
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-2000)));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<void>((r) => child.once('exit', () => (running.delete(child), r())));
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`redis-server ${args.join(' ')} exited: ${stderr}`);
      return tcpOpen(port);
    },
    10_000,
    `redis-server on port ${port}`,
  );
  return {
    port,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

async function tcpOpen(port: number): Promise<boolean> {
  const { Socket } = await import('node:net');
  return new Promise((resolve) => {
    const s = new Socket();
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
    s.connect(port, '127.0.0.1');
  });
}

const BASE = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];

// ---------------------------------------------------------------------------------------------------------------
// TLS

export interface Certs {
  dir: string;
  ca: string;
  /** A CA that signed nothing used here: verification against it must fail. */
  wrongCa: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** A server certificate from the right CA that expired in 2020. */
  expiredCert: string;
  expiredKey: string;
  remove: () => void;
}

const CA_CONFIG = `[ ca ]
default_ca = test_ca
[ test_ca ]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = anything
copy_extensions = copy
unique_subject = no
[ anything ]
commonName = supplied
`;

function openssl(dir: string, args: string[]): void {
  const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
}

/** A CA, a server and a client certificate signed by it, an expired server certificate, and another CA. */
export function makeCerts(): Certs {
  const dir = mkdtempSync(join(tmpdir(), 'loonctl-tls-'));
  writeFileSync(join(dir, 'ca.cnf'), CA_CONFIG);
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '01\n');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const keyAndCert = (name: string) => ['-keyout', `${name}.key`, '-out', `${name}.crt`];
  const selfSigned = (name: string, cn: string) =>
    openssl(dir, ['req', '-x509', ...ec, ...keyAndCert(name), '-days', '2', '-subj', `/CN=${cn}`]);
  selfSigned('ca', 'loonctl test CA');
  selfSigned('wrong-ca', 'some other CA');
  const signed = (name: string, cn: string, dates: string[]) => {
    const san = ['-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'];
    openssl(dir, ['req', '-new', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`, ...san]);
    const ca = ['-config', 'ca.cnf', '-cert', 'ca.crt', '-keyfile', 'ca.key'];
    openssl(dir, ['ca', '-batch', ...ca, '-in', `${name}.csr`, '-out', `${name}.crt`, ...dates]);
  };
  signed('server', '127.0.0.1', ['-days', '2']);
  signed('client', 'loonctl', ['-days', '2']);
  signed('expired', '127.0.0.1', ['-startdate', '20200101000000Z', '-enddate', '20200102000000Z']);
  const f = (n: string) => join(dir, n);
  return {
    dir,
    ca: f('ca.crt'),
    wrongCa: f('wrong-ca.crt'),
    serverCert: f('server.crt'),
    serverKey: f('server.key'),
    clientCert: f('client.crt'),
    clientKey: f('client.key'),
    expiredCert: f('expired.crt'),
    expiredKey: f('expired.key'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface TlsServerOptions {
  /** Whether the server demands a client certificate. */
  authClients?: 'yes' | 'no' | 'optional';
  /** Serve the expired certificate instead of the good one. */
  expired?: boolean;
  password?: string;
}

/** redis-server speaking only TLS on a free port. */
export async function startTlsRedis(certs: Certs, o: TlsServerOptions = {}): Promise<Server> {
  const port = await freePort();
  return startServer(port, [
    '--port',
    '0',
    '--tls-port',
    String(port),
    '--tls-cert-file',
    o.expired ? certs.expiredCert : certs.serverCert,
    '--tls-key-file',
    o.expired ? certs.expiredKey : certs.serverKey,
    '--tls-ca-cert-file',
    certs.ca,
    '--tls-auth-clients',
    o.authClients ?? 'no',
    ...(o.password ? ['--requirepass', o.password] : []),
    ...BASE,
  ]);
}

/** A client of the test (not loonctl) on a TLS server, trusting the test CA. */
export function tlsClient(certs: Certs, port: number, db = 0, password?: string): Redis {
  const tls = { ca: readFileSync(certs.ca), cert: readFileSync(certs.clientCert), key: readFileSync(certs.clientKey) };
  const r = new Redis({ host: '127.0.0.1', port, db, password, tls });
  r.on('error', () => {});
  return r;
}

// ---------------------------------------------------------------------------------------------------------------
// Sentinel

export interface SentinelGroupOptions {
  name?: string;
  /** requirepass and masterauth of master and replica. */
  masterPassword?: string;
  /** requirepass of the sentinels (Celery's sentinel_kwargs={'password': ...}). */
  sentinelPassword?: string;
}

export interface SentinelGroup {
  name: string;
  masterPassword?: string;
  sentinelPassword?: string;
  /** The two data servers by port, whichever is master now. */
  servers: Map<number, Server>;
  sentinels: Server[];
  /** Celery's form: sentinel://:pw@127.0.0.1:p1;sentinel://:pw@127.0.0.1:p2;... with /db on the last. */
  url: (db?: number) => string;
  /** A client of the test on a data server. */
  client: (port: number, db?: number) => Redis;
  /** The port the sentinels name as master now. */
  masterPort: () => Promise<number>;
  /** SENTINEL FAILOVER and wait until every sentinel names the other server; returns the new master's port. */
  failover: () => Promise<number>;
  /** SIGKILL the master and wait until every sentinel names the replica; returns its port. */
  killMaster: () => Promise<number>;
  stop: () => Promise<void>;
}

function sentinelConfig(port: number, dir: string, name: string, masterPort: number, o: SentinelGroupOptions): string {
  return [
    `port ${port}`,
    'bind 127.0.0.1',
    `dir ${dir}`,
    'sentinel resolve-hostnames no',
    `sentinel monitor ${name} 127.0.0.1 ${masterPort} 2`,
    `sentinel down-after-milliseconds ${name} 1000`,
    `sentinel failover-timeout ${name} 4000`,
    ...(o.masterPassword ? [`sentinel auth-pass ${name} ${o.masterPassword}`] : []),
    // Sentinels talk to each other with the same password.
    ...(o.sentinelPassword
      ? [`requirepass ${o.sentinelPassword}`, `sentinel sentinel-pass ${o.sentinelPassword}`]
      : []),
    '',
  ].join('\n');
}

/** A master, a replica and three sentinels on free local ports, ready for a failover when it resolves. */
export async function startSentinelGroup(o: SentinelGroupOptions = {}): Promise<SentinelGroup> {
  const name = o.name ?? 'loonmaster';
  const dir = mkdtempSync(join(tmpdir(), 'loonctl-sentinel-'));
  const auth = o.masterPassword ? ['--requirepass', o.masterPassword, '--masterauth', o.masterPassword] : [];
  const fast = ['--repl-diskless-sync', 'yes', '--repl-diskless-sync-delay', '0', '--dir', dir];
  const servers = new Map<number, Server>();
  const sentinels: Server[] = [];
  const stop = async () => {
    await Promise.all([...sentinels, ...servers.values()].map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const masterPort = await freePort();
    servers.set(masterPort, await startServer(masterPort, ['--port', String(masterPort), ...BASE, ...auth, ...fast]));
    const replicaPort = await freePort();
    const replicaOf = ['--replicaof', '127.0.0.1', String(masterPort)];
    servers.set(
      replicaPort,
      await startServer(replicaPort, ['--port', String(replicaPort), ...BASE, ...auth, ...fast, ...replicaOf]),
    );
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      const file = join(dir, `sentinel-${i}.conf`);
      writeFileSync(file, sentinelConfig(port, dir, name, masterPort, o));
      sentinels.push(await startServer(port, [file, '--sentinel']));
    }
    const sentinel = (port: number) => {
      const r = new Redis({ host: '127.0.0.1', port, password: o.sentinelPassword, maxRetriesPerRequest: 1 });
      r.on('error', () => {});
      return r;
    };
    const client = (port: number, db = 0) => {
      const r = new Redis({ host: '127.0.0.1', port, db, password: o.masterPassword, maxRetriesPerRequest: 1 });
      r.on('error', () => {});
      return r;
    };
    const ask = async <T>(port: number, fn: (r: Redis) => Promise<T>): Promise<T> => {
      const r = sentinel(port);
      try {
        return await fn(r);
      } finally {
        r.disconnect();
      }
    };
    const masterPortNow = async (via = sentinels[0]!.port) =>
      Number(((await ask(via, (r) => r.call('SENTINEL', 'get-master-addr-by-name', name))) as string[])[1]);
    // Ready when the replica is in sync and every sentinel knows the replica and the two other sentinels.
    await waitFor(
      async () => {
        const r = client(replicaPort);
        const info = await r.info('replication').finally(() => r.disconnect());
        if (!/master_link_status:up/.test(info)) return false;
        for (const s of sentinels) {
          const replicas = (await ask(s.port, (r) => r.call('SENTINEL', 'replicas', name))) as string[][];
          const peers = (await ask(s.port, (r) => r.call('SENTINEL', 'sentinels', name))) as string[][];
          if (replicas.length < 1 || peers.length < 2) return false;
        }
        return true;
      },
      30_000,
      'sentinel group ready',
    );
    const url = (db = 0) => {
      const pw = o.masterPassword ? `:${encodeURIComponent(o.masterPassword)}@` : '';
      return sentinels.map((s) => `sentinel://${pw}127.0.0.1:${s.port}`).join(';') + `/${db}`;
    };
    const failover = async () => {
      const before = await masterPortNow();
      // Right after a failover the old master needs seconds to rejoin as a replica: until then NOGOODSLAVE.
      await waitFor(
        () =>
          ask(sentinels[0]!.port, (r) => r.call('SENTINEL', 'failover', name)).then(
            () => true,
            (e: Error) => {
              if (/NOGOODSLAVE|INPROG/.test(e.message)) return false;
              throw e;
            },
          ),
        30_000,
        'a replica good enough to promote',
      );
      return renamed(before);
    };
    const renamed = async (before: number) => {
      await waitFor(
        async () => {
          for (const s of sentinels) if ((await masterPortNow(s.port)) === before) return false;
          return true;
        },
        20_000,
        'sentinels to name the new master',
      );
      return masterPortNow();
    };
    const killMaster = async () => {
      const before = await masterPortNow();
      await servers.get(before)!.stop();
      return renamed(before);
    };
    const { masterPassword, sentinelPassword } = o;
    return {
      ...{ name, masterPassword, sentinelPassword, servers, sentinels, url, client },
      ...{ masterPort: masterPortNow, failover, killMaster, stop },
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Running loonctl across a failover

export interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Running {
  child: ChildProcess;
  done: Promise<Outcome>;
}

/** Starts the built CLI and collects its output. */
export async function startCli(args: string[], env: Record<string, string | undefined> = {}): Promise<Running> {
  const { spawnCli } = await import('./cli.js');
  const child = spawnCli(args, { env });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin!.end();
  const done = new Promise<Outcome>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

/** Every Celery task id (headers.id) in these lists, with how often each occurs. */
export async function countIds(client: Redis, keys: string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const key of keys) {
    for (let i = 0; ; i += 10_000) {
      const items = await client.lrange(key, i, i + 9_999);
      for (const el of items) {
        // The first "id" key of a kombu envelope is headers.id (the body is base64, root_id does not match).
        const id = /"id": "([^"]+)"/.exec(el)?.[1] ?? '?';
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      if (items.length < 10_000) break;
    }
  }
  return counts;
}

/**
 * Pushes n kombu messages with ids `${prefix}${i}` (oldest first) and waits until the replica has them.
 * `make` is called once with a placeholder id; the copies differ only in their ids.
 */
export async function fillQueue(
  client: Redis,
  key: string,
  n: number,
  prefix: string,
  make: (id: string) => Buffer,
): Promise<void> {
  const parts = make('@@ID@@').toString('latin1').split('@@ID@@');
  for (let i = 0; i < n; i += 2000) {
    const batch: Buffer[] = [];
    for (let j = i; j < Math.min(n, i + 2000); j++) batch.push(Buffer.from(parts.join(`${prefix}${j}`), 'latin1'));
    await client.lpush(key, ...batch);
  }
  await client.wait(1, 10_000);
}
