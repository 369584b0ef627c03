// Reading loonctl's Prometheus text exposition back, and checking it with Prometheus' own promtool.
import { spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { spawnCli } from './cli.js';

export interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses sample lines (the text format's escapes in label values undone); comments are skipped. */
export function parseExposition(text: string): ParsedSample[] {
  const out: ParsedSample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$/s.exec(line);
    if (!m) throw new Error(`not a sample line: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    const body = m[2] ?? '';
    const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/gy;
    re.lastIndex = 1;
    while (body && re.lastIndex < body.length - 1) {
      const l = re.exec(body);
      if (!l) throw new Error(`bad labels: ${body}`);
      labels[l[1]] = l[2].replace(/\\(.)/g, (_s, c: string) => (c === 'n' ? '\n' : c));
    }
    out.push({ name: m[1], labels, value: m[3] === '+Inf' ? Infinity : m[3] === '-Inf' ? -Infinity : Number(m[3]) });
  }
  return out;
}

/** The value of the one sample with this name and these labels (at least). */
export function sampleValue(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const hits = parseExposition(text).filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  if (hits.length > 1) throw new Error(`${hits.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return hits[0]?.value;
}

/** `promtool check metrics` on the text: exit code and what it said (nothing when the exposition is clean). */
export function promtoolCheck(text: string): { code: number | null; output: string } {
  const r = spawnSync('/usr/bin/promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { code: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}

/** A local TCP port free right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

const listening: ChildProcess[] = [];

/** Starts `metrics --listen 127.0.0.1:0` and resolves with its base URL once it says where it serves. */
export async function listenMetrics(args: string[]): Promise<{ base: string; child: ChildProcess }> {
  const child = spawnCli(['metrics', ...args, '--listen', '127.0.0.1:0']);
  listening.push(child);
  let err = '';
  const base = await new Promise<string>((resolve, reject) => {
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      const m = /serving (http:\/\/\S+)\/metrics/.exec(err);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`metrics --listen exited ${code}: ${err}`)));
  });
  return { base, child };
}

/** Kills every `metrics --listen` a test left running (for afterAll). */
export function stopMetricsServers(): void {
  for (const s of listening.splice(0)) if (s.exitCode === null && s.signalCode === null) s.kill('SIGKILL');
}
