import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import type { Redis } from 'ioredis';
import { extend, release, type Acquired } from './locks.js';

export type OnLost = 'term' | 'kill' | 'ignore';

export interface RunUnderLockOptions {
  lock: Acquired;
  argv: string[];
  ttlMs: number;
  onLost: OnLost;
  killAfterMs: number;
  env: NodeJS.ProcessEnv;
  /** A fresh connection, for renewals after the first one failed (the shared client does not reconnect). */
  reconnect: () => Promise<Redis>;
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
 * Runs a command (argv, no shell) in its own process group while holding a lock: renews every
 * ttl/3 with the owner-checked extend; when a renewal finds the lock gone or taken, or Redis has
 * been unreachable for so long that the lock may have expired, the lock is lost: the group gets
 * TERM (then KILL after a grace period), or KILL at once, or nothing (`ignore`).
 * Releases the lock at the end only if it is still ours.
 */
export class LockRunner {
  private child?: ChildProcess;
  private timer?: NodeJS.Timeout;
  private killTimer?: NodeJS.Timeout;
  private lost = false;
  private lostReason?: string;
  /** Monotonic time until which the lock is certainly ours (start of the last good renewal + TTL). */
  private validUntil: number;
  private done = false;
  private reconnecting?: Promise<void>;

  constructor(private redis: Redis, private readonly o: RunUnderLockOptions) {
    this.validUntil = performance.now() + o.ttlMs;
  }

  /** Sends a signal to the whole process group of the command (HUP/INT/TERM forwarding). */
  forward(signal: NodeJS.Signals): void {
    if (this.child?.pid && !this.done) {
      try {
        process.kill(-this.child.pid, signal);
      } catch {
        // the group is already gone
      }
    }
  }

  async run(): Promise<RunOutcome> {
    const { argv, lock } = this.o;
    const child = spawn(argv[0]!, argv.slice(1), {
      detached: true, // own process group, so the whole tree can be signalled
      stdio: 'inherit',
      env: { ...this.o.env, LOONCTL_LOCK_NAME: lock.name, LOONCTL_LOCK_TOKEN: lock.token, LOONCTL_LOCK_FENCE: lock.fence },
    });
    this.child = child;
    const code = await new Promise<number>((resolve) => {
      child.once('error', (e: NodeJS.ErrnoException) => {
        this.o.log(`cannot run ${argv[0]}: ${e.code === 'ENOENT' ? 'command not found' : e.message}`);
        resolve(e.code === 'ENOENT' ? 127 : 126);
      });
      child.once('exit', (c, sig) => resolve(sig ? 128 + (constants.signals[sig] ?? 0) : (c ?? 0)));
      this.schedule(Math.max(50, Math.floor(this.o.ttlMs / 3)));
    });
    this.done = true;
    clearTimeout(this.timer);
    clearTimeout(this.killTimer);
    await this.reconnecting;
    let released = false;
    if (!this.lost) {
      try {
        released = (await release(this.redis, lock.name, lock.token)).released;
      } catch {
        try {
          this.redis = await this.o.reconnect();
          released = (await release(this.redis, lock.name, lock.token)).released;
        } catch (e) {
          this.o.log(`could not release ${lock.name}: ${(e as Error).message} (it expires in at most ${this.o.ttlMs} ms)`);
        }
      }
    }
    this.redis.disconnect(); // ours if it was replaced; the shared one is closed again harmlessly
    return { code, lost: this.lost, lostReason: this.lostReason, released };
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    if (this.done || this.lost) return;
    this.timer = setTimeout(() => void this.renew(), ms);
  }

  private async renew(): Promise<void> {
    const interval = Math.max(50, Math.floor(this.o.ttlMs / 3));
    const started = performance.now();
    try {
      const r = await extend(this.redis, this.o.lock.name, this.o.lock.token, this.o.ttlMs, true);
      if (this.done) return;
      if (r.extended) {
        this.validUntil = started + this.o.ttlMs;
        return this.schedule(interval);
      }
      return this.onLost(r.reason === 'taken' ? `the lock was taken by ${r.holder}` : r.reason === 'gone' ? 'the lock was deleted or expired' : 'the lock lost its expiry');
    } catch (e) {
      if (this.done) return;
      // Redis trouble: keep trying only while the lock is certainly still ours.
      const margin = Math.min(1000, this.o.ttlMs / 10);
      if (performance.now() >= this.validUntil - margin) return this.onLost(`Redis unreachable (${(e as Error).message}); the lock can no longer be trusted`);
      this.o.log(`renewing ${this.o.lock.name} failed (${(e as Error).message}); retrying`);
      this.reconnectOnce();
      this.schedule(Math.min(interval, 250));
    }
  }

  /** One fresh connection at a time; the one it replaces is closed, so none is left holding the process. */
  private reconnectOnce(): void {
    if (this.reconnecting) return;
    const old = this.redis;
    this.reconnecting = this.o
      .reconnect()
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

  private onLost(reason: string): void {
    if (this.lost || this.done) return;
    this.lost = true;
    this.lostReason = reason;
    clearTimeout(this.timer);
    this.o.log(`lock ${this.o.lock.name} lost: ${reason}`);
    if (this.o.onLost === 'ignore') return;
    if (this.o.onLost === 'kill') return this.forward('SIGKILL');
    this.forward('SIGTERM');
    this.killTimer = setTimeout(() => this.forward('SIGKILL'), this.o.killAfterMs);
  }
}
