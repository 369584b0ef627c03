// `loonctl top` in a real terminal: a tmux server of its own (one socket per test file), the screen read
// with capture-pane, keys sent with send-keys. Every wait ends as soon as the screen shows what it waits for.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from './celery.js';
import { BIN, cliEnv } from './cli.js';

/** Only stops a hang: every wait ends as soon as the screen shows the text (TOP_HANG_MS shortens it to debug). */
export const HANG_MS = Number(process.env.TOP_HANG_MS ?? 60_000);

export class TopTerminal {
  private socket: string;
  private readonly used: string[] = [];

  constructor(private readonly name: string) {
    this.socket = `loonctl-${name}-${process.pid}`;
  }

  tmux(...args: string[]): string {
    const r = spawnSync('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  }

  /** Starts `script` (see topScript) in a detached session of this size. */
  start(script: string, columns = 100, rows = 30): void {
    // A server of its own each time: a server still exiting after the last session refuses a new one.
    this.socket = `loonctl-${this.name}-${process.pid}-${this.used.length}`;
    this.used.push(this.socket);
    this.tmux(
      'new-session',
      '-d',
      '-s',
      'top',
      '-x',
      String(columns),
      '-y',
      String(rows),
      `bash --noprofile --norc ${script}`,
    );
  }

  screen(escapes = false): string {
    return this.tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', 'top');
  }

  /** Waits until the screen matches (a RegExp) or contains (a string); returns the screen. */
  async waitScreen(want: RegExp | string, what = String(want)): Promise<string> {
    const ok = (s: string) => (typeof want === 'string' ? s.includes(want) : want.test(s));
    try {
      await waitFor(() => ok(this.screen()), HANG_MS, `${what} on the screen`);
    } catch (e) {
      throw new Error(`${(e as Error).message}; the screen:\n${this.screen()}`, { cause: e });
    }
    return this.screen();
  }

  keys(...k: string[]): void {
    this.tmux('send-keys', '-t', 'top', ...k);
  }

  /** Types text literally (no key names). */
  type(text: string): void {
    this.tmux('send-keys', '-t', 'top', '-l', text);
  }

  endSession(): void {
    spawnSync('tmux', ['-L', this.socket, 'kill-session', '-t', 'top']);
  }

  killServers(): void {
    for (const socket of this.used) spawnSync('tmux', ['-L', socket, 'kill-server']);
  }
}

/**
 * A shell script in `dir` that prints a marker, runs `loonctl top <args>`, then prints its exit code: what
 * the operator saw stays. CI variables are set on purpose: Ink paints nothing until exit when it believes
 * it runs in CI, and top must draw on a terminal whatever its environment says.
 */
export function topScript(dir: string, name: string, args: string[], env: Record<string, string | undefined> = {}) {
  const path = join(dir, `${name}.sh`);
  const quote = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
  const vars = Object.entries(cliEnv({ CI: 'true', CONTINUOUS_INTEGRATION: 'true', ...env }))
    .map(([k, v]) => `export ${k}=${quote(v)}`)
    .join('\n');
  const cmd = [process.execPath, BIN, 'top', ...args].map(quote).join(' ');
  writeFileSync(path, `${vars}\nclear\necho BEFORE-TOP\n${cmd}\necho "TOP-EXIT=$?"\nsleep 600\n`);
  return path;
}
