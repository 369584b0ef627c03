import { UsageError } from './errors.js';
import { wallToInstantMs } from './timezone.js';

/**
 * An instant from ISO 8601 text: with `Z` or an offset as written, without one as wall-clock time in `tz`
 * (LoonFlow's Asia/Shanghai unless configured otherwise).
 * @example parseInstantIn('2026-11-24 18:00', 'Asia/Shanghai', '--eta') // 2026-11-24T10:00:00Z
 */
export function parseInstantIn(text: string, tz: string, what: string): Date {
  const m = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d(?::\d\d(?:\.\d{1,3})?)?)(Z|[+-]\d\d:?\d\d)?$/i.exec(text.trim());
  const bad = () => new UsageError(`${what}: '${text}' is not a time`, 'use e.g. 2026-11-24T18:00:00+08:00');
  if (!m) throw bad();
  const wall = Date.parse(`${m[1]}T${m[2]}Z`);
  if (Number.isNaN(wall)) throw bad();
  if (m[3]) {
    const offset = m[3].toUpperCase().replace(/^([+-]\d\d)(\d\d)$/, '$1:$2');
    const at = Date.parse(`${m[1]}T${m[2]}${offset}`);
    if (Number.isNaN(at)) throw bad();
    return new Date(at);
  }
  return new Date(wallToInstantMs(wall, tz));
}
