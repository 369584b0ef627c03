/** Which LoonFlow task family: 0.x-2.x (integer ticket ids, MySQL) or 3.x (UUIDs, tenants, PostgreSQL). */
export type TicketLine = '2.x' | '3.x';

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/**
 * One argument as a comparable text: integers (and integer strings) as decimal, UUIDs (dashed, bare hex or
 * kombu's typed form, already decoded to the dashed string) as bare lowercase hex, other strings trimmed.
 */
export function argKey(v: unknown): string | null {
  if (typeof v === 'number' && Number.isInteger(v)) return String(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v !== 'string') return null;
  const s = v.trim();
  if (/^-?\d+$/.test(s)) return String(BigInt(s));
  if (UUID.test(s)) return s.replace(/-/g, '').toLowerCase();
  return s;
}

/** Where the ticket id sits in LoonFlow's task arguments: first on 2.x, after the tenant on 3.x. */
export function ticketArgIndex(line: TicketLine): number {
  return line === '3.x' ? 1 : 0;
}

/** LoonFlow's tasks live in its `tasks` module (`tasks.flow_hook_task`, ...). */
export function isLoonflowTask(task: string | null): boolean {
  return task !== null && task.startsWith('tasks.');
}

/** The ticket a LoonFlow task message is about (its comparable key), or null. */
export function ticketKeyOf(line: TicketLine, task: string | null, args: unknown, kwargs: unknown): string | null {
  if (!isLoonflowTask(task)) return null;
  const list = Array.isArray(args) ? (args as unknown[]) : [];
  const i = ticketArgIndex(line);
  if (list.length > i) return argKey(list[i]);
  const kw = typeof kwargs === 'object' && kwargs !== null ? (kwargs as Record<string, unknown>) : {};
  return argKey(kw.ticket_id);
}

/**
 * Positional arguments from a worker's repr (`active` replies with safe=True): `[4711, '3', 12]`,
 * `(4711,)`, `['t', UUID('...')]`. Only literals LoonFlow passes are read; anything else is null.
 */
export function argsFromRepr(repr: string): unknown[] | null {
  const s = repr.trim();
  if (!/^[[(].*[\])]$/s.test(s)) return null;
  const inner = s.slice(1, -1);
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let cur = '';
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (quote) {
      if (c === '\\') cur += c + (inner[++i] ?? '');
      else {
        if (c === quote) quote = null;
        cur += c;
      }
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    if (c === ',' && depth === 0) {
      parts.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  if (cur.trim()) parts.push(cur.trim());
  return parts.map(literal);
}

function literal(p: string): unknown {
  if (/^-?\d+$/.test(p)) return Number(p);
  const uuid = /^UUID\((['"])([0-9a-fA-F-]+)\1\)$/.exec(p);
  if (uuid) return uuid[2];
  const q = /^(['"])(.*)\1$/s.exec(p);
  if (q) return q[2].replace(/\\(.)/g, '$1');
  return null;
}
