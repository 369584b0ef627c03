/**
 * What `lock run` and its watchdog (the program in src/lock-watchdog.ts) say to each other over the IPC
 * channel, and how a process group's live members are found.
 */
import { readdirSync, readFileSync } from 'node:fs';

export type ToWatchdog =
  | { type: 'start'; argv: string[]; env: NodeJS.ProcessEnv; killAfterMs: number; validForMs: number }
  | { type: 'valid'; validForMs: number };

export type FromWatchdog =
  | { type: 'started'; pid: number }
  | { type: 'error'; code: string; message: string }
  | { type: 'exit'; code: number | null; signal: NodeJS.Signals | null };

/** How often the watchdog looks whether the group has ended. */
export const POLL_MS = 100;

/** Other live members of a process group (zombies do not count: nobody may reap them). Linux only. */
export function groupMembers(pgid: number, except: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const e of entries) {
    if (!/^\d+$/.test(e) || Number(e) === except) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] !== 'Z' && Number(fields[2]) === pgid) out.push(Number(e));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

export const WATCHDOG_FLAG = '--loonctl-watchdog';
