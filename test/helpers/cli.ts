// Runs the built CLI (bin/loonctl.js, compiled JS) as a child process, as an operator would.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BIN = new URL('../../bin/loonctl.js', import.meta.url).pathname;

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  input?: string;
  timeoutMs?: number;
  cwd?: string;
  /** Extra arguments for node itself, before the script (e.g. --import a hook). */
  nodeArgs?: string[];
}

// LoonFlow's and loonctl's variables from the developer's shell must not leak into tests.
const SCRUB = /^(LOONCTL_|REDIS_|DB_|POSTGRES_|CELERY_|DEPLOY_ZONE$|NO_COLOR$|FORCE_COLOR$|PG)/;
const emptyXdg = mkdtempSync(join(tmpdir(), 'loonctl-xdg-'));

export function cliEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !SCRUB.test(k)) env[k] = v;
  env.XDG_CONFIG_HOME = emptyXdg;
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export function spawnCli(args: string[], opts: CliOptions = {}): ChildProcess {
  return spawn(process.execPath, [...(opts.nodeArgs ?? []), BIN, ...args], {
    env: cliEnv(opts.env),
    cwd: opts.cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

export function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, opts);
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin!.end(opts.input ?? '');
  });
}
