import { UsageError } from '../core/errors.js';
import { argsText, kwargsText, type DecodedMessage } from './envelope.js';

/** The filters shared by peek, export, move and purge. */
export interface FilterSpec {
  task?: string;
  id?: string;
  grep?: string;
  priority?: number;
  etaBefore?: string;
  etaAfter?: string;
  /** LoonFlow 3.x: the tenant, the first argument of every 3.x task (a UUID, typed or as text). */
  tenant?: string;
}

export type MessageFilter = ((m: DecodedMessage, raw: Buffer) => boolean) & {
  /** False when every check reads headers or properties only (see decodeMessage's headersOnly). */
  needsBody?: boolean;
};

/** Shell-style glob (`*`, `?`, `[...]`) as an anchored regular expression. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end === -1) re += '\\[';
      else {
        re += `[${glob
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  try {
    return new RegExp(`^${re}$`);
  } catch (e) {
    // e.g. a backwards range `[z-a]`
    const why = (e as Error).message.replace(/^Invalid regular expression: /, '');
    throw new UsageError(`--task: '${glob}' is not a valid glob (${why})`, 'globs take *, ? and [a-z]');
  }
}

function parseInstant(text: string, what: string): number {
  const t = Date.parse(text);
  if (Number.isNaN(t))
    throw new UsageError(`${what}: '${text}' is not a date-time`, 'use ISO 8601, e.g. 2025-03-01T12:00:00+08:00');
  return t;
}

/** Builds one predicate from the filters; null when there are none (callers can then skip decoding). */
export function makeFilter(spec: FilterSpec): MessageFilter | null {
  const checks: MessageFilter[] = [];
  if (spec.task !== undefined) {
    const re = globToRegExp(spec.task);
    checks.push((m) => m.task !== null && re.test(m.task));
  }
  if (spec.id !== undefined) checks.push((m) => m.id === spec.id);
  if (spec.priority !== undefined) checks.push((m) => (m.priority ?? 0) === spec.priority);
  if (spec.grep !== undefined) {
    const needle = spec.grep;
    const bytes = Buffer.from(needle, 'utf8');
    checks.push(
      (m, raw) =>
        raw.includes(bytes) ||
        argsText(m).includes(needle) ||
        kwargsText(m).includes(needle) ||
        (m.task ?? '').includes(needle),
    );
  }
  if (spec.etaBefore !== undefined) {
    const t = parseInstant(spec.etaBefore, '--eta-before');
    checks.push((m) => m.eta !== null && Date.parse(m.eta) < t);
  }
  if (spec.etaAfter !== undefined) {
    const t = parseInstant(spec.etaAfter, '--eta-after');
    checks.push((m) => m.eta !== null && Date.parse(m.eta) > t);
  }
  if (spec.tenant !== undefined) {
    const want = spec.tenant.toLowerCase().replace(/-/g, '');
    const first = (m: DecodedMessage): unknown => (Array.isArray(m.args) ? (m.args as unknown[])[0] : undefined);
    checks.push((m) => {
      const a: unknown = first(m);
      return typeof a === 'string' && a.toLowerCase().replace(/-/g, '') === want;
    });
  }
  if (checks.length === 0) return null;
  const filter: MessageFilter = (m, raw) => checks.every((c) => c(m, raw));
  filter.needsBody = spec.grep !== undefined || spec.tenant !== undefined;
  return filter;
}
