import { createRequire } from 'node:module';

type WidthFn = (s: string) => number;
let widthFn: WidthFn | undefined;

/** Columns a string takes on a terminal (CJK counts two). string-width comes with cli-table3. */
export function displayWidth(s: string): number {
  widthFn ??= createRequire(import.meta.url)('string-width') as WidthFn;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: plain ASCII needs no lookup
  return /^[\x20-\x7e]*$/.test(s) ? s.length : widthFn(s);
}

/** Cuts a string to at most `width` columns, ending in `…` when anything was cut. */
export function truncate(s: string, width: number): string {
  if (displayWidth(s) <= width) return s;
  if (width <= 1) return width === 1 ? '…' : '';
  let out = '';
  let used = 0;
  for (const ch of s) {
    const w = displayWidth(ch);
    if (used + w > width - 1) break;
    out += ch;
    used += w;
  }
  return `${out}…`;
}

/** Pads to `width` columns (display width, not string length). */
export function pad(s: string, width: number, align: 'left' | 'right' = 'left'): string {
  const gap = Math.max(0, width - displayWidth(s));
  return align === 'right' ? ' '.repeat(gap) + s : s + ' '.repeat(gap);
}

// C0 controls, DEL, C1 controls, and the bidi overrides that can reorder what a terminal shows.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Makes text from queue data safe for a terminal: control characters are shown as escapes
 * (`\x1b`, `\n`), so a message can neither clear the screen nor hide text. JSON output is never escaped.
 */
export function escapeControls(s: string): string {
  return s.replace(CONTROL, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\t') return '\\t';
    if (c === '\r') return '\\r';
    const code = c.codePointAt(0)!;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
