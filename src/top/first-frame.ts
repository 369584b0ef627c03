import { styleOf, type LineStyle } from './line-style.js';
import { renderScreen, type Line, type ScreenInfo } from './screen.js';
import { withSnapshot, type TopState } from './model.js';
import type { Snapshot } from './types.js';

export const ENTER_ALT_SCREEN = '\x1b[?1049h\x1b[H';
export const LEAVE_ALT_SCREEN = '\x1b[?1049l';
const HIDE_CURSOR = '\x1b[?25l';
const SHOW_CURSOR = '\x1b[?25h';
const SGR: Record<NonNullable<LineStyle['color']>, number> = { red: 31, green: 32, yellow: 33, cyan: 36 };

/** One line as Ink draws a Text with these styles (the text already fits the width). */
function paintLine(line: Line, color: boolean): string {
  const s = styleOf(line, color);
  const codes = [s.bold && 1, s.dim && 2, s.inverse && 7, s.color && SGR[s.color]].filter((c) => c) as number[];
  const text = line.text || ' ';
  return codes.length ? `\x1b[${codes.join(';')}m${text}\x1b[0m` : text;
}

/** The frame's text exactly as Ink's first render writes it: the lines, each on its own row, then a newline. */
export function firstFrameText(state: TopState, snap: Snapshot, info: ScreenInfo, color: boolean): string {
  const lines = renderScreen(withSnapshot(state, snap), snap, info);
  return lines.map((l) => paintLine(l, color)).join('\n') + '\n';
}

/**
 * Paints the first frame with data before Ink and React have loaded (they take about 100 ms of CPU), on
 * the alternate screen, with input already in raw mode so keys typed meanwhile wait for Ink instead of
 * echoing. The cursor goes back home: Ink's first render writes the same lines over these. Returns
 * what gives the terminal back if Ink never takes over.
 */
export function paintFirstFrame(
  io: { stdout: NodeJS.WriteStream; stdin: NodeJS.ReadStream },
  text: string,
): () => void {
  io.stdout.write(ENTER_ALT_SCREEN + HIDE_CURSOR + text + '\x1b[H');
  io.stdin.setRawMode?.(true);
  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    io.stdin.setRawMode?.(false);
    io.stdout.write(LEAVE_ALT_SCREEN + SHOW_CURSOR);
  };
}
