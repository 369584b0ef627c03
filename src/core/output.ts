import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import type { ChalkInstance } from 'chalk';
import { UsageError } from './errors.js';

export type Format = 'table' | 'wide' | 'json' | 'jsonl' | 'plain';
export const FORMATS: readonly Format[] = ['table', 'wide', 'json', 'jsonl', 'plain'];
export type Tone = 'ok' | 'warn' | 'fail' | 'dim' | 'bold' | 'info';

export interface Column<T> {
  header: string;
  value: (row: T) => unknown;
  /** Colour a cell by meaning; ignored when colour is off. */
  tone?: (row: T) => Tone | undefined;
  /** Only with `-o wide`. */
  wide?: boolean;
  align?: 'left' | 'right';
}

export interface OutputOptions {
  format?: Format;
  color?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  env?: Record<string, string | undefined>;
}

/** Decides the colour level once: --no-color and NO_COLOR win, FORCE_COLOR forces, else only on a terminal. */
export function colorLevel(opts: { color?: boolean; env: Record<string, string | undefined>; stream: NodeJS.WriteStream }): 0 | 1 | 2 | 3 {
  if (opts.color === false) return 0;
  if (opts.env.NO_COLOR) return 0;
  const force = opts.env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === '0' || force === 'false') return 0;
    const n = Number(force);
    return n >= 1 && n <= 3 ? (n as 1 | 2 | 3) : 1;
  }
  if (!opts.stream.isTTY) return 0;
  const depth = typeof opts.stream.getColorDepth === 'function' ? opts.stream.getColorDepth() : 4;
  return depth >= 24 ? 3 : depth >= 8 ? 2 : 1;
}

export function formatCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/**
 * The one place that writes to the terminal. Data goes to stdout in the chosen format;
 * warnings, progress and errors go to stderr; colour only when decided above.
 */
export class Output {
  readonly format: Format;
  readonly quiet: boolean;
  readonly verbose: boolean;
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  readonly stdin: NodeJS.ReadStream;
  readonly level: 0 | 1 | 2 | 3;
  private chalk?: ChalkInstance;

  private constructor(opts: OutputOptions, level: 0 | 1 | 2 | 3) {
    this.stdout = opts.stdout ?? process.stdout;
    this.stderr = opts.stderr ?? process.stderr;
    this.stdin = opts.stdin ?? process.stdin;
    this.format = opts.format ?? (this.stdout.isTTY ? 'table' : 'plain');
    this.quiet = !!opts.quiet;
    this.verbose = !!opts.verbose;
    this.level = level;
  }

  static async create(opts: OutputOptions = {}): Promise<Output> {
    const stdout = opts.stdout ?? process.stdout;
    const level = colorLevel({ color: opts.color, env: opts.env ?? process.env, stream: stdout });
    const out = new Output(opts, level);
    if (level > 0) {
      const { Chalk } = await import('chalk');
      out.chalk = new Chalk({ level });
    }
    return out;
  }

  get isJson(): boolean {
    return this.format === 'json' || this.format === 'jsonl';
  }

  /** Whether stdin is a terminal a person can answer prompts on. */
  get interactive(): boolean {
    return !!this.stdin.isTTY && !!this.stderr.isTTY;
  }

  paint(text: string, tone: Tone | undefined): string {
    const c = this.chalk;
    if (!c || !tone) return text;
    switch (tone) {
      case 'ok': return c.green(text);
      case 'warn': return c.yellow(text);
      case 'fail': return c.red(text);
      case 'dim': return c.dim(text);
      case 'bold': return c.bold(text);
      case 'info': return c.cyan(text);
    }
  }

  /** Raw data to stdout (a line is added by the caller). Resolves once the stream accepted it. */
  write(text: string | Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      const ok = this.stdout.write(text, (err) => (err ? reject(err) : undefined));
      if (ok) resolve();
      else this.stdout.once('drain', resolve);
    });
  }

  line(text = ''): void {
    this.stdout.write(text + '\n');
  }

  json(value: unknown): void {
    this.line(JSON.stringify(value, null, this.format === 'jsonl' ? undefined : 2));
  }

  /**
   * Rows as a table (table/wide), tab-separated lines (plain), a JSON array (json) or one JSON
   * object per line (jsonl). `json` overrides what the JSON formats print.
   */
  table<T>(rows: readonly T[], columns: readonly Column<T>[], opts: { json?: unknown; empty?: string } = {}): void {
    if (this.format === 'json') return this.json(opts.json ?? rows);
    if (this.format === 'jsonl') {
      const value = opts.json ?? rows;
      if (!Array.isArray(value)) return this.line(JSON.stringify(value));
      for (const r of value) this.line(JSON.stringify(r));
      return;
    }
    const cols = columns.filter((c) => !c.wide || this.format === 'wide');
    if (this.format === 'plain') {
      for (const r of rows) this.line(cols.map((c) => formatCell(c.value(r)).replace(/[\t\n]/g, ' ')).join('\t'));
      return;
    }
    if (rows.length === 0) {
      if (opts.empty && !this.quiet) this.stderr.write(opts.empty + '\n');
      return;
    }
    const Table = loadTable();
    const t = new Table({
      head: cols.map((c) => this.paint(c.header, 'bold')),
      style: { head: [], border: [] },
      chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
      colAligns: cols.map((c) => c.align ?? 'left'),
      wordWrap: false,
    });
    for (const r of rows) t.push(cols.map((c) => this.paint(formatCell(c.value(r)), c.tone?.(r))));
    this.line(t.toString());
  }

  /** One object as `key: value` lines (table), `key\tvalue` (plain) or JSON. */
  record(obj: Record<string, unknown>, opts: { json?: unknown; tones?: Record<string, Tone | undefined> } = {}): void {
    if (this.isJson) return this.json(opts.json ?? obj);
    const keys = Object.entries(obj).map(([k]) => k);
    if (this.format === 'plain') {
      for (const k of keys) this.line(`${k}\t${formatCell(obj[k])}`);
      return;
    }
    const width = Math.max(0, ...keys.map((k) => k.length));
    for (const k of keys) this.line(`${this.paint(k.padEnd(width), 'bold')}  ${this.paint(formatCell(obj[k]), opts.tones?.[k])}`);
  }

  /** Plain lines of data (serials, tokens); JSON formats print `json` instead. */
  lines(list: readonly string[], json?: unknown): void {
    if (this.isJson) return this.json(json ?? list);
    for (const l of list) this.line(l);
  }

  /** A note for the person at the terminal; silenced by -q. */
  info(message: string): void {
    if (!this.quiet) this.stderr.write(message + '\n');
  }

  warn(message: string): void {
    if (!this.quiet) this.stderr.write(this.paint(`loonctl: warning: ${message}`, 'warn') + '\n');
  }

  debug(message: string): void {
    if (this.verbose) this.stderr.write(this.paint(message, 'dim') + '\n');
  }

  error(message: string): void {
    this.stderr.write(this.paint(message, 'fail') + '\n');
  }

  /** Progress on stderr, only on a terminal, only for work that lasts over a second, never with -q. */
  progress(label: string): Progress {
    return new Progress(this.stderr, label, !this.quiet && !!this.stderr.isTTY);
  }

  /**
   * Asks before a destructive change. Off a terminal there is nobody to ask: refuse unless --yes.
   * Resolves false when the person declines.
   */
  async confirm(question: string, yes: boolean | undefined): Promise<boolean> {
    if (yes) return true;
    if (!this.interactive) {
      throw new UsageError('refusing to change data without --yes when not on a terminal', 'add --yes, or --dry-run to see what would change');
    }
    const rl = createInterface({ input: this.stdin, output: this.stderr });
    try {
      const answer = await new Promise<string>((resolve) => rl.question(`${question} [y/N] `, resolve));
      return /^y(es)?$/i.test(answer.trim());
    } finally {
      rl.close();
    }
  }
}

export class Progress {
  private readonly started = Date.now();
  private last = 0;
  private shown = false;
  constructor(private readonly stream: NodeJS.WriteStream, private readonly label: string, private readonly enabled: boolean) {}

  update(done: number, total?: number): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.started < 1000 || now - this.last < 100) return;
    this.last = now;
    this.shown = true;
    const pct = total ? ` ${Math.floor((done / total) * 100)}%` : '';
    this.stream.write(`\r\x1b[K${this.label}: ${done}${total ? `/${total}` : ''}${pct}`);
  }

  finish(): void {
    if (this.shown) this.stream.write('\r\x1b[K');
  }
}

type TableCtor = new (opts: object) => { push(row: unknown[]): void; toString(): string };
let tableCtor: TableCtor | undefined;
function loadTable(): TableCtor {
  // cli-table3 is CommonJS and only needed when a table is drawn: load it then, synchronously.
  tableCtor ??= createRequire(import.meta.url)('cli-table3') as TableCtor;
  return tableCtor;
}
