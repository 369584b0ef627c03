/**
 * The leader of `lock run`'s process group, a small program of its own: started detached by loonctl with
 * an IPC channel, it starts the command in the same group and reports on it. It exists so that the group
 * is supervised from inside too: when loonctl dies (SIGKILL, OOM), the channel closes and the watchdog
 * TERMs the group, then KILLs it after the grace period (earlier if the lock's validity runs out first).
 * After the command exits it waits for the rest of the group (background children) before reporting, so
 * the lock is not released while any of them still runs.
 */
import { spawn } from 'node:child_process';
import { type FromWatchdog, groupMembers, POLL_MS, type ToWatchdog, WATCHDOG_FLAG } from './lock/watchdog.js';

function main(): void {
  process.title = 'loonctl-lock-watchdog';
  const me = process.pid;
  let killAfterMs = 10_000;
  let validUntil = Number.POSITIVE_INFINITY;
  let stopping = false;
  let started = false;
  let early: NodeJS.Signals | undefined;
  // Signals sent to the group are meant for the command; the watchdog stays to report on it. One that
  // comes before the command could start stands for it: the command is then not started at all.
  for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(s, () => void (started || (early ??= s)));

  const send = (m: FromWatchdog, then?: () => void) => {
    if (process.connected) process.send!(m, undefined, {}, () => then?.());
    else then?.();
  };
  const signalGroup = (sig: NodeJS.Signals) => {
    try {
      process.kill(-me, sig);
    } catch {
      // nobody left
    }
  };
  const whenGroupEmpty = (then: () => void) => {
    if (groupMembers(me, me).length === 0) return then();
    setTimeout(() => whenGroupEmpty(then), POLL_MS);
  };

  // loonctl is gone: nobody renews the lock any more, so the job must end before it expires.
  process.on('disconnect', () => {
    if (stopping) return;
    stopping = true;
    signalGroup('SIGTERM');
    const left = Math.max(0, Math.min(killAfterMs, validUntil - performance.now()));
    setTimeout(() => signalGroup('SIGKILL'), Math.min(left, 2 ** 31 - 1)).unref();
    whenGroupEmpty(() => process.exit(0));
  });

  process.on('message', (m: ToWatchdog) => {
    if (m.type === 'valid') {
      validUntil = performance.now() + m.validForMs;
      return;
    }
    killAfterMs = m.killAfterMs;
    validUntil = performance.now() + m.validForMs;
    started = true;
    if (early || stopping) return send({ type: 'exit', code: null, signal: early ?? 'SIGTERM' }, () => process.exit(0));
    const child = spawn(m.argv[0], m.argv.slice(1), { stdio: 'inherit', env: m.env });
    child.once('spawn', () => send({ type: 'started', pid: child.pid! }));
    const leave = () => process.exit(0);
    child.once('error', (e: NodeJS.ErrnoException) => {
      send({ type: 'error', code: e.code ?? '', message: e.message }, leave);
    });
    child.once('exit', (code, signal) => whenGroupEmpty(() => send({ type: 'exit', code, signal }, leave)));
  });
}

if (process.send && process.argv.includes(WATCHDOG_FLAG)) main();
