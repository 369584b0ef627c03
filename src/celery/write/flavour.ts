import type { LoonflowLine } from '../../loonflow/lines.js';
import type { CeleryFlavour } from './publish.js';

/**
 * The Celery/kombu pair a LoonFlow deployment runs (LOONFLOW.md section 1): 0.x-1.x and 2.0.0-2.0.13 pin
 * Celery 4.1.1 + kombu 4.6.7, 2.0.14-2.0.20 Celery 5.2.7 + kombu 5.2.4, 3.x Celery 5.5.3 + kombu 5.5.4.
 * A bare `2` or `2.x` is taken as the late 2.x line (the one Debian's python3-celery matches).
 */
export function flavourForLoonflow(line: LoonflowLine, version?: string): CeleryFlavour {
  if (line === '3.x') return '5.5';
  if (line !== '2.x') return '4.1';
  const m = /^r?v?2\.0\.(\d+)$/i.exec(version?.trim() ?? '');
  return m && Number(m[1]) < 14 ? '4.1' : '5.2';
}
