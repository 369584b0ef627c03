import type { LoonError } from './errors.js';

export type Tone = 'ok' | 'warn' | 'fail' | 'dim' | 'bold' | 'info';

export interface Column<T> {
  header: string;
  value: (row: T) => unknown;
  /** Colour a cell by meaning; ignored when colour is off. */
  tone?: (row: T) => Tone | undefined;
  /** Only with `-o wide`. */
  wide?: boolean;
  align?: 'left' | 'right';
  /** 1 (default) is always shown; higher numbers drop out first on a narrow terminal. */
  priority?: number;
  /** Narrowest the column may be truncated to (default: its header, or 8). */
  min?: number;
}

/** A listing cut short by --limit: said on stderr, never in the data. */
export interface Limited {
  shown: number;
  /** Known total, or null when only "more exist" is known. */
  total: number | null;
  hint: string;
}

export type View =
  | { kind: 'table'; rows: readonly unknown[]; columns: readonly Column<never>[]; empty?: string; limited?: Limited }
  | { kind: 'record'; fields: Record<string, unknown>; tones?: Record<string, Tone | undefined> }
  | { kind: 'lines'; lines: readonly string[] }
  | { kind: 'heading'; text: string; tone?: Tone }
  | { kind: 'summary'; text: string; tone?: Tone }
  | { kind: 'raw'; data: Uint8Array };

/**
 * What a command returns: views for people, one JSON value for scripts, and optionally an error to
 * raise after printing (a report that found a problem exits 1 after showing it).
 */
export interface CommandResult {
  views: View[];
  json?: unknown;
  after?: LoonError;
}

/** Typed constructor for a table view (keeps the row type of columns and rows together). */
export function table<T>(
  rows: readonly T[],
  columns: readonly Column<T>[],
  opts: { empty?: string; limited?: Limited } = {},
): View {
  return { kind: 'table', rows, columns: columns, ...opts };
}
