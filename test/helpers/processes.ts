import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, createServer, Socket, type AddressInfo, type Server } from 'node:net';

/** A free TCP port on loopback (bound and released). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** A server that accepts connections and never answers: a hung Redis or database. */
export async function silentServer(): Promise<{ port: number; server: Server }> {
  const server = createServer(() => {});
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, server };
}

/** A real, private redis-server with a password, for authentication tests. */
export function startPasswordRedis(password: string): Promise<{ port: number; stop: () => void }> {
  return startPrivateRedis(['--requirepass', password]);
}

/** A real redis-server of the test's own on a free port (it can be stopped mid-test). */
export async function startPrivateRedis(extra: string[] = []): Promise<{ port: number; stop: () => void }> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extra],
    {
      stdio: 'ignore',
    },
  );
  const deadline = Date.now() + 5000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = new Socket();
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
      s.connect(port, '127.0.0.1');
    });
    if (ok) break;
    if (Date.now() > deadline) throw new Error('private redis-server did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
  return { port, stop: () => child.kill('SIGKILL') };
}

/** Whether a process is gone; a zombie (state Z, nobody reaps it here) counts as gone. */
export function processGone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

/** A TCP proxy to a port; `freeze()` pauses every connection, present and future: a network blackhole. */
export async function startProxy(port: number) {
  let frozen = false;
  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
    if (frozen) s.pause();
  };
  const server = createServer((client) => {
    track(client);
    if (frozen) return;
    const up = connect(port, '127.0.0.1');
    track(up);
    client.pipe(up);
    up.pipe(client);
    client.on('close', () => up.destroy());
    up.on('close', () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    freeze() {
      frozen = true;
      for (const s of sockets) {
        s.unpipe();
        s.pause();
      }
    },
    close() {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}
