import { createRequire } from 'node:module';
import type { ChalkInstance } from 'chalk';
import { UsageError } from './errors.js';
import { Progress } from './progress.js';
import { fitColumns } from './table-fit.js';
import { escapeControls, pad, truncate } from './text.js';
import type { Column, CommandResult, Limited, Tone, View } from './view.js';

const LINES_PER_WRITE = 4096;

export type { Column, Tone } from './view.js';
export type Format = 'table' | 'wide' | 'json' | 'jsonl' | 'plain';
export const FORMATS: readonly Format[] = ['table', 'wide', 'json', 'jsonl', 'plain'];

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

type Env = Record<string, string | undefined>;

/** Decides the colour level once: --no-color and NO_COLOR win, FORCE_COLOR forces, else only on a terminal. */
export function colorLevel(opts: { color?: boolean; env: Env; stream: NodeJS.WriteStream }): 0 | 1 | 2 | 3 {
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

/** A cell or field as terminal text: control characters from data are escaped, never sent raw. */
export function formatCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return escapeControls(JSON.stringify(v));
  return escapeControls(String(v));
}

/** Width to fit tables into: the terminal's, else $COLUMNS, else none (pipes get whole rows). */
function terminalWidth(stream: NodeJS.WriteStream, env: Env): number | undefined {
  if (stream.isTTY && stream.columns) return stream.columns;
  const n = Number(env.COLUMNS);
  return Number.isInteger(n) && n > 0 ? n : undefined;
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
  readonly width: number | undefined;
  private chalk?: ChalkInstance;

  private constructor(opts: OutputOptions, level: 0 | 1 | 2 | 3) {
    this.stdout = opts.stdout ?? process.stdout;
    this.stderr = opts.stderr ?? process.stderr;
    this.stdin = opts.stdin ?? process.stdin;
    this.format = opts.format ?? (this.stdout.isTTY ? 'table' : 'plain');
    this.quiet = !!opts.quiet;
    this.verbose = !!opts.verbose;
    this.level = level;
    this.width = terminalWidth(this.stdout, opts.env ?? process.env);
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
    const paints: Record<Tone, (s: string) => string> = {
      ok: c.green,
      warn: c.yellow,
      fail: c.red,
      dim: c.dim,
      bold: c.bold,
      info: c.cyan,
    };
    return paints[tone](text);
  }

  /**
   * Raw data to stdout (a line is added by the caller). Resolves once the stream has written it out: the
   * caller may then reuse a Buffer it passed, and waiting for each write is the back-pressure.
   */
  write(text: string | Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      this.stdout.write(text, (err) => (err ? reject(err) : resolve()));
    });
  }

  line(text = ''): void {
    this.stdout.write(`${text}\n`);
  }

  json(value: unknown): void {
    this.line(JSON.stringify(value, null, this.format === 'jsonl' ? undefined : 2));
  }

  /** Prints what a command returned: its JSON value for scripts, its views for people. */
  render(result: CommandResult): void {
    if (this.isJson && result.json !== undefined) {
      if (this.format === 'jsonl' && Array.isArray(result.json)) {
        for (const r of result.json) this.line(JSON.stringify(r));
      } else this.json(result.json);
      return;
    }
    for (const v of result.views) this.view(v);
  }

  view(v: View): void {
    switch (v.kind) {
      case 'table':
        return this.table(v.rows, v.columns as readonly Column<unknown>[], { empty: v.empty, limited: v.limited });
      case 'record':
        return this.record(v.fields, { tones: v.tones });
      case 'lines':
        return this.lines(v.lines);
      case 'heading':
        if (!this.quiet) this.line(this.paint(formatCell(v.text), v.tone ?? 'bold'));
        return;
      case 'summary':
        if (!this.quiet) this.line(this.paint(formatCell(v.text), v.tone));
        return;
      case 'raw':
        this.stdout.write(v.data);
        return;
    }
  }

  /**
   * Rows as a table that fits the terminal (table), every column (wide), tab-separated lines
   * (plain), a JSON array (json) or one JSON object per line (jsonl).
   */
  table<T>(
    rows: readonly T[],
    columns: readonly Column<T>[],
    opts: { json?: unknown; empty?: string; limited?: Limited } = {},
  ): void {
    if (this.isJson) return this.render({ views: [], json: opts.json ?? rows });
    const cols = columns.filter((c) => !c.wide || this.format === 'wide');
    const cells = rows.map((r) => cols.map((c) => formatCell(c.value(r))));
    if (this.format === 'plain') {
      for (const row of cells) this.line(row.map((s) => s.replace(/\t/g, ' ')).join('\t'));
    } else if (rows.length === 0) {
      if (opts.empty) this.info(opts.empty);
    } else this.drawTable(rows, cols, cells);
    if (opts.limited) this.limitNotice(opts.limited);
  }

  private drawTable<T>(rows: readonly T[], all: readonly Column<T>[], allCells: string[][]): void {
    // A column with nothing in it is noise on a terminal; -o wide still shows it.
    const used = all.map((_, i) => this.format === 'wide' || allCells.some((r) => r[i] !== ''));
    const cols = all.filter((_, i) => used[i]);
    const cells = allCells.map((r) => r.filter((_, i) => used[i]));
    const fitted = fitColumns(
      cols.map((c) => ({
        header: c.header,
        priority: this.format === 'wide' ? 1 : (c.priority ?? 1),
        min: c.min ?? 8,
      })),
      cells,
      this.format === 'wide' || this.width === undefined ? Number.MAX_SAFE_INTEGER : this.width,
    );
    const Table = loadTable();
    const t = new Table({
      head: fitted.keep.map((i, j) => this.paint(truncate(cols[i].header, fitted.widths[j]), 'bold')),
      style: { head: [], border: [] },
      chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
      colAligns: fitted.keep.map((i) => cols[i].align ?? 'left'),
      colWidths: fitted.widths.map((w) => w + 2),
      wordWrap: false,
    });
    rows.forEach((r, n) => {
      t.push(
        fitted.keep.map((i, j) => {
          const w = fitted.widths[j];
          const text = pad(truncate(cells[n][i], w), w, cols[i].align);
          return this.paint(text, cols[i].tone?.(r));
        }),
      );
    });
    this.line(t.toString());
  }

  private limitNotice(l: Limited): void {
    const of = l.total === null ? `${l.shown} shown, more exist` : `${l.shown} of ${l.total} shown`;
    this.info(`${of}; ${l.hint}`);
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
    for (const k of keys)
      this.line(`${this.paint(k.padEnd(width), 'bold')}  ${this.paint(formatCell(obj[k]), opts.tones?.[k])}`);
  }

  /** Plain lines of data (serials, tokens); JSON formats print `json` instead. */
  lines(list: readonly string[], json?: unknown): void {
    if (this.isJson) return this.json(json ?? list);
    // A write per batch: a write per line is a system call each (100,000 serials took half a second).
    for (let i = 0; i < list.length; i += LINES_PER_WRITE) {
      this.stdout.write(
        list
          .slice(i, i + LINES_PER_WRITE)
          .map((l) => `${formatCell(l)}\n`)
          .join(''),
      );
    }
  }

  /** A note for the person at the terminal; silenced by -q. */
  info(message: string): void {
    if (!this.quiet) this.stderr.write(`${escapeControls(message)}\n`);
  }

  warn(message: string): void {
    if (!this.quiet) this.stderr.write(`${this.paint(`loonctl: warning: ${escapeControls(message)}`, 'warn')}\n`);
  }

  debug(message: string): void {
    if (this.verbose) this.stderr.write(`${this.paint(escapeControls(message), 'dim')}\n`);
  }

  error(message: string): void {
    this.stderr.write(`${this.paint(escapeControls(message), 'fail')}\n`);
  }

  /** Progress on stderr, only on a terminal, only for work that lasts over a second, never with -q. */
  progress(label: string, total?: number): Progress {
    return new Progress(this.stderr, label, !this.quiet && !!this.stderr.isTTY, total);
  }

  /**
   * Asks before a destructive change. Off a terminal there is nobody to ask: refuse unless --yes.
   * Resolves false when the person declines.
   */
  async confirm(question: string, yes: boolean | undefined): Promise<boolean> {
    if (yes) return true;
    if (!this.interactive) {
      throw new UsageError(
        'refusing to change data without --yes when not on a terminal',
        'add --yes, or --dry-run to see what would change',
      );
    }
    // Loaded only to ask: readline and what it pulls in cost every other command's start-up.
    const { createInterface } = await import('node:readline');
    const rl = createInterface({ input: this.stdin, output: this.stderr });
    try {
      const answer = await new Promise<string>((resolve) => rl.question(`${question} [y/N] `, resolve));
      return /^y(es)?$/i.test(answer.trim());
    } finally {
      rl.close();
    }
  }
}

type TableCtor = new (opts: object) => { push(row: unknown[]): void; toString(): string };
let tableCtor: TableCtor | undefined;
function loadTable(): TableCtor {
  // cli-table3 is CommonJS and only needed when a table is drawn: load it then, synchronously.
  tableCtor ??= createRequire(import.meta.url)('cli-table3') as TableCtor;
  return tableCtor;
}
