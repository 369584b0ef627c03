import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { LockLostError, TimedOutError, UsageError } from '../core/errors.js';
import { MAX_TIMER_MS, callBudget, later, withDeadline } from './deadline.js';
import { acquireSentAt, extend, release, type Acquired } from './locks.js';
import { WATCHDOG_FLAG, groupMembers, type FromWatchdog, type ToWatchdog } from './watchdog.js';

export type OnLost = 'term' | 'kill' | 'ignore';

/** Below this a TTL leaves no room for a renewal round trip (renewals run every ttl/3). */
export const MIN_RUN_TTL_MS = 500;

/** `lock run`'s TTL check, for the command to call before taking the lock (usage error, exit 2). */
export function checkRunTtl(ttlMs: number): void {
  if (ttlMs < MIN_RUN_TTL_MS) {
    throw new UsageError(
      `--ttl must be at least ${MIN_RUN_TTL_MS}ms for lock run`,
      'the lock is renewed every ttl/3; a shorter TTL expires between renewals',
    );
  }
}

/** Every check of `lock run`'s values, for the command to call before taking the lock (usage errors, 2). */
export function checkRunOptions(o: { ttlMs: number; maxRuntimeMs?: number }): void {
  checkRunTtl(o.ttlMs);
  if (o.maxRuntimeMs !== undefined && !(o.maxRuntimeMs > 0 && o.maxRuntimeMs <= MAX_TIMER_MS)) {
    throw new UsageError('--max-runtime must be greater than 0 and at most 24d');
  }
}

export interface RunUnderLockOptions {
  lock: Acquired;
  argv: string[];
  ttlMs: number;
  onLost: OnLost;
  killAfterMs: number;
  /** Stop the command (TERM, then KILL after killAfterMs) when it has run this long: exit 124. */
  maxRuntimeMs?: number;
  env: NodeJS.ProcessEnv;
  /**
   * Unused: fresh connections are now duplicates of the given client, so one still connecting can be
   * abandoned when the run ends (a connect hanging on a blackholed network would hold the process).
   */
  reconnect?: () => Promise<Redis>;
  log: (message: string) => void;
}

export interface RunOutcome {
  /** The child's exit code, 128+n when a signal ended it, 127/126 when it could not be started. */
  code: number;
  lost: boolean;
  lostReason?: string;
  released: boolean;
}

/**
 * Runs a command (argv, no shell) in its own process group while holding a lock.
 * - The group's leader is a small watchdog (watchdog.ts) that starts the command, reports its exit
 *   once the whole group is gone, and stops the group by itself if loonctl dies.
 * - Renews every ttl/3 with the owner-checked extend, every Redis call bounded in time. The lock is
 *   lost when a renewal finds it gone or taken, or at the end of its certain validity (the send time of
 *   the last good renewal + TTL, less a margin) however the renewals fail or hang: then the group gets
 *   TERM (then KILL after a grace period), or KILL at once, or nothing (`ignore`).
 * - Releases the lock only when the whole group is done and only if it is still ours.
 * Resolves with the outcome when the command ran its course; throws LockLostError (76) when the lock
 * was lost, whatever --on-lost said, and TimedOutError (124) after --max-runtime.
 */
export class LockRunner {
  private leader?: ChildProcess;
  private renewTimer?: NodeJS.Timeout;
  private validityTimer?: NodeJS.Timeout;
  private killTimer?: NodeJS.Timeout;
  private runtimeTimer?: NodeJS.Timeout;
  private lost = false;
  private lostReason?: string;
  private timedOut = false;
  /** Monotonic time until which the lock is certainly ours (send time of the last good renewal + TTL). */
  private validUntil: number;
  private done = false;
  private reconnecting?: Promise<void>;
  /** A client still connecting, closed if the run ends first. */
  private connecting?: Redis;

  constructor(
    private redis: Redis,
    private readonly o: RunUnderLockOptions,
  ) {
    checkRunOptions(o);
    this.validUntil = (acquireSentAt(o.lock) ?? performance.now()) + o.ttlMs;
  }

  private get interval(): number {
    return Math.max(50, Math.floor(this.o.ttlMs / 3));
  }

  /** Room left for clock drift and signal delivery before the TTL really runs out in Redis. */
  private get margin(): number {
    return Math.min(1000, this.o.ttlMs / 10);
  }

  /**
   * Forwards a signal loonctl received (HUP/INT/TERM) to the command's group; after TERM or INT the
   * group is KILLed if it is not gone after the grace period, since loonctl waits for the whole group.
   */
  forward(signal: NodeJS.Signals): void {
    this.signalGroup(signal);
    if ((signal === 'SIGTERM' || signal === 'SIGINT') && !this.killTimer && !this.done) {
      this.killTimer = later(() => this.signalGroup('SIGKILL'), this.o.killAfterMs);
    }
  }

  private signalGroup(signal: NodeJS.Signals): void {
    if (this.leader?.pid && !this.done) {
      try {
        process.kill(-this.leader.pid, signal);
      } catch {
        // the group is already gone
      }
    }
  }

  async run(): Promise<RunOutcome> {
    const code = await this.runGroup();
    this.done = true;
    for (const t of [this.renewTimer, this.validityTimer, this.killTimer, this.runtimeTimer]) clearTimeout(t);
    if (this.lost) this.connecting?.disconnect();
    const released = this.lost ? false : await this.releaseLock();
    this.redis.disconnect(); // ours if it was replaced; the shared one is closed again harmlessly
    const name = this.o.lock.name;
    if (this.lost) {
      const ignored = `--on-lost ignore: the command ran on unprotected and exited ${code}`;
      const hint = this.o.onLost === 'ignore' ? ignored : 'the command was stopped';
      throw new LockLostError(`lock ${name} was lost while the command ran: ${this.lostReason}`, hint);
    }
    if (this.timedOut) {
      const limit = `--max-runtime (${this.o.maxRuntimeMs} ms)`;
      throw new TimedOutError(`the command under lock ${name} ran longer than ${limit} and was stopped`);
    }
    return { code, lost: false, released };
  }

  /** Starts the watchdog and the command; resolves with the command's code once the whole group is gone. */
  private runGroup(): Promise<number> {
    const { argv, lock } = this.o;
    const leader = spawn(process.execPath, [watchdogScript(), WATCHDOG_FLAG], {
      detached: true, // own session and process group, so the whole tree can be signalled
      stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
      env: {}, // the command's environment goes over the channel: NODE_OPTIONS is not the watchdog's business
    });
    this.leader = leader;
    const lockEnv = { LOONCTL_LOCK_NAME: lock.name, LOONCTL_LOCK_TOKEN: lock.token, LOONCTL_LOCK_FENCE: lock.fence };
    const env = { ...this.o.env, ...lockEnv };
    this.tell({ type: 'start', argv, env, killAfterMs: this.o.killAfterMs, validForMs: this.validFor() });
    this.watchValidity();
    this.scheduleRenewal(this.interval);
    if (this.o.maxRuntimeMs !== undefined) this.runtimeTimer = later(() => this.onMaxRuntime(), this.o.maxRuntimeMs);
    let reported: number | undefined;
    leader.on('message', (m: FromWatchdog) => {
      if (m.type === 'error') {
        this.o.log(`cannot run ${argv[0]}: ${m.code === 'ENOENT' ? 'command not found' : m.message}`);
        reported = m.code === 'ENOENT' ? 127 : 126;
      } else if (m.type === 'exit') {
        reported = exitCodeOf(m.code, m.signal);
      }
    });
    // Its report can be read after its 'exit': wait for the channel to close too.
    const channelClosed = new Promise<void>((resolve) => {
      if (leader.connected) leader.once('disconnect', resolve);
      else resolve();
    });
    return new Promise<number>((resolve) => {
      leader.once('error', (e) => {
        this.o.log(`cannot start the lock watchdog: ${e.message}`);
        resolve(126);
      });
      // The watchdog exits after reporting; killed with the group (KILL), its own end is the command's.
      // Killed alone, it leaves the command running without a report: stop the group and wait for it.
      leader.once('exit', (c, sig) => {
        void channelClosed
          .then(() => (reported === undefined ? this.stopOrphanedGroup(leader.pid!) : undefined))
          .then(() => resolve(reported ?? exitCodeOf(c, sig)));
      });
    });
  }

  private async stopOrphanedGroup(pgid: number): Promise<void> {
    if (groupMembers(pgid, -1).length === 0) return;
    this.o.log(`the lock watchdog (pid ${pgid}) died; stopping the command's process group`);
    this.stopGroup();
    while (groupMembers(pgid, -1).length > 0) await new Promise((r) => setTimeout(r, 100));
  }

  private tell(m: ToWatchdog): void {
    if (this.leader?.connected) this.leader.send(m, () => {}); // a send racing the watchdog's end fails harmlessly
  }

  private validFor(): number {
    return Math.max(0, this.validUntil - this.margin - performance.now());
  }

  /** The lock counts as lost at the end of its certain validity, whether the renewal failed or hangs. */
  private watchValidity(): void {
    clearTimeout(this.validityTimer);
    this.validityTimer = later(() => {
      if (performance.now() < this.validUntil - this.margin) return this.watchValidity();
      this.onLost('Redis did not confirm a renewal before the TTL ran out; the lock can no longer be trusted');
    }, this.validFor());
  }

  private scheduleRenewal(ms: number): void {
    clearTimeout(this.renewTimer);
    if (this.done || this.lost) return;
    this.renewTimer = later(() => void this.renew(), ms);
  }

  private async renew(): Promise<void> {
    await this.reconnecting; // bounded; renewing on the closed client meanwhile would only fail
    if (this.done || this.lost) return;
    const started = performance.now();
    // Wait for the reply long enough for a slow Redis, and give up early enough to retry on a fresh
    // connection before the validity ends. A reply that comes later still counts (confirmed below).
    const left = this.validUntil - this.margin - started;
    const budget = callBudget(Math.min(left, Math.max(this.interval, left / 2)));
    try {
      const { name, token } = this.o.lock;
      const call = extend(this.redis, name, token, this.o.ttlMs, true);
      call.then(
        (r) => r.extended && this.confirmed(started),
        () => {},
      );
      const r = await withDeadline(call, budget, 'renewing the lock');
      if (this.done || this.lost) return;
      if (r.extended) return this.scheduleRenewal(this.interval);
      const why = {
        taken: `the lock was taken by ${r.holder}`,
        gone: 'the lock was deleted or expired',
        'no-expiry': 'the lock lost its expiry',
      };
      return this.onLost(why[r.reason]);
    } catch (e) {
      if (this.done || this.lost) return;
      // Redis trouble: retry on a fresh connection while the lock is certainly still ours; the validity
      // timer declares it lost when that time is up.
      this.o.log(`renewing ${this.o.lock.name} failed (${(e as Error).message}); retrying`);
      this.reconnectOnce();
      this.scheduleRenewal(Math.min(this.interval, 250));
    }
  }

  /** A renewal sent at `started` succeeded: the lock is certainly ours until then + TTL. */
  private confirmed(started: number): void {
    if (this.done || this.lost || started + this.o.ttlMs <= this.validUntil) return;
    this.validUntil = started + this.o.ttlMs;
    this.tell({ type: 'valid', validForMs: this.validFor() });
    this.watchValidity();
  }

  /**
   * One fresh connection at a time. The old one is closed once the new one is up (a hung call dies
   * with it; a merely slow one may still answer meanwhile), or at the end of the run.
   */
  private reconnectOnce(): void {
    if (this.reconnecting) return;
    const old = this.redis;
    this.reconnecting = this.freshClient(callBudget(this.interval, 1000))
      .then(
        (c) => {
          old.disconnect();
          if (this.done) c.disconnect();
          else this.redis = c;
        },
        () => {},
      )
      .finally(() => {
        this.reconnecting = undefined;
      });
  }

  /** A new connection with the same options (ioredis duplicate), given up after `ms`. */
  private async freshClient(ms: number): Promise<Redis> {
    const c = this.redis.duplicate();
    c.on('error', () => {}); // failures surface through connect()
    this.connecting = c;
    try {
      await withDeadline(c.connect(), ms, 'reconnecting');
      return c;
    } catch (e) {
      c.disconnect();
      throw e;
    } finally {
      if (this.connecting === c) this.connecting = undefined;
    }
  }

  private async releaseLock(): Promise<boolean> {
    const { name, token } = this.o.lock;
    const budget = callBudget(this.o.ttlMs, 1000);
    try {
      await this.reconnecting;
      return (await withDeadline(release(this.redis, name, token), budget, 'releasing the lock')).released;
    } catch {
      try {
        this.redis.disconnect();
        this.redis = await this.freshClient(budget);
        return (await withDeadline(release(this.redis, name, token), budget, 'releasing the lock')).released;
      } catch (e) {
        this.o.log(`could not release ${name}: ${(e as Error).message} (it expires in at most ${this.o.ttlMs} ms)`);
        return false;
      }
    }
  }

  private onMaxRuntime(): void {
    if (this.done || this.lost) return;
    this.timedOut = true;
    this.o.log(`the command under lock ${this.o.lock.name} reached --max-runtime; stopping it`);
    this.stopGroup();
  }

  private onLost(reason: string): void {
    if (this.lost || this.done) return;
    this.lost = true;
    this.lostReason = reason;
    clearTimeout(this.renewTimer);
    clearTimeout(this.validityTimer);
    this.o.log(`lock ${this.o.lock.name} lost: ${reason}`);
    if (this.o.onLost === 'ignore') return;
    if (this.o.onLost === 'kill') return this.signalGroup('SIGKILL');
    this.stopGroup();
  }

  private stopGroup(): void {
    this.signalGroup('SIGTERM');
    clearTimeout(this.killTimer);
    this.killTimer = later(() => this.signalGroup('SIGKILL'), this.o.killAfterMs);
  }
}

function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  return signal ? 128 + (constants.signals[signal] ?? 0) : (code ?? 0);
}

/**
 * The compiled watchdog program (dist/lock-watchdog.js): from dist/lock/ (this module built), from dist/
 * (this module a chunk of the bundled CLI), or from src/lock/ under the test runner.
 */
function watchdogScript(): string {
  const candidates = ['../lock-watchdog.js', './lock-watchdog.js', '../../dist/lock-watchdog.js'];
  const paths = candidates.map((c) => fileURLToPath(new URL(c, import.meta.url)));
  return paths.find((p) => existsSync(p)) ?? paths[0];
}
