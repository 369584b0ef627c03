import type { Tone } from '../core/view.js';
import type { Line } from './screen.js';

export interface LineStyle {
  inverse: boolean;
  bold: boolean;
  dim: boolean;
  color?: 'green' | 'yellow' | 'red' | 'cyan';
}

const COLORS: Partial<Record<Tone, LineStyle['color']>> = { ok: 'green', warn: 'yellow', fail: 'red', info: 'cyan' };

/** How a screen line is drawn: the same for Ink's frames and the first frame painted before Ink loads. */
export function styleOf(line: Line, color: boolean): LineStyle {
  const tone = line.tone;
  return {
    inverse: !!line.selected,
    // Without colour a failing line still stands out.
    bold: tone === 'bold' || (!color && tone === 'fail'),
    dim: color && tone === 'dim',
    color: color && tone ? COLORS[tone] : undefined,
  };
}
