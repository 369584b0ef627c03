import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError } from './errors.js';
import { evaluate, NotUnderstood, type PyValue, truthy } from './python-expr.js';

/** The settings loonctl needs: an assignment to one of these must be understood, or it is an error. */
export const READ_NAMES = new Set([
  'DATABASES',
  'REDIS_HOST',
  'REDIS_PORT',
  'REDIS_DB',
  'REDIS_PASSWORD',
  'CELERY_BROKER_URL',
  'DEPLOY_ZONE',
  'TIME_ZONE',
  'USE_TZ',
]);

interface Statement {
  text: string;
  line: number;
  indent: number;
}

type Env = Record<string, string | undefined>;

/** Physical lines joined into statements (open brackets and backslashes continue them), comments dropped. */
export function statements(source: string): Statement[] {
  const out: Statement[] = [];
  let text = '';
  let start = 0;
  let depth = 0;
  let indent = 0;
  let quote: string | null = null;
  const lines = source.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n];
    if (text === '' && depth === 0 && quote === null) {
      if (/^\s*(#.*)?$/.test(line)) continue;
      start = n + 1;
      indent = /^[ \t]*/.exec(line)![0].length;
    }
    let i = 0;
    for (; i < line.length; i++) {
      const c = line[i];
      if (quote) {
        if (c === '\\') i++;
        else if (line.startsWith(quote, i)) {
          i += quote.length - 1;
          quote = null;
        }
      } else if (c === '#') break;
      else if (c === "'" || c === '"') quote = line.startsWith(c.repeat(3), i) ? c.repeat(3) : c;
      else if ('([{'.includes(c)) depth++;
      else if (')]}'.includes(c)) depth--;
    }
    let piece = line.slice(0, i);
    // A single-quoted string cannot span lines: stop it here (the expression reader then says so).
    if (quote && quote.length === 1) quote = null;
    const continued = /\\\s*$/.test(piece);
    if (continued) piece = piece.replace(/\\\s*$/, '');
    text += `${text ? ' ' : ''}${piece.trim()}`;
    if (depth <= 0 && quote === null && !continued) {
      out.push({ text, line: start, indent });
      text = '';
      depth = 0;
    }
  }
  if (text) out.push({ text, line: start, indent });
  return out;
}

export interface SettingsValue {
  value: PyValue;
  line: number;
}

/** What LoonFlow's settings file assigns, as Python would see it (never executed). */
export interface LoonflowSettingsFile {
  path: string;
  values: Map<string, SettingsValue>;
}

const ASSIGN = /^([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)\s*(.*)$/;
const ASSIGNS_TO = (s: string) =>
  /^([A-Za-z_][A-Za-z0-9_]*(\s*,\s*[A-Za-z_][A-Za-z0-9_]*)*)\s*(=(?!=)|[-+*/%|&]=)/.exec(s);

/** Reads and interprets a LoonFlow settings file; a read setting in an unreadable form is a UsageError. */
export function readLoonflowSettings(path: string, env: Env): LoonflowSettingsFile {
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new UsageError(`cannot read LoonFlow settings ${path}: ${code}`, 'check --loonflow-settings');
  }
  return interpretSettings(path, source, env, siblingModule(path, env));
}

/**
 * `from settings.common import *` in settings/pro.py: the sibling common.py (where LoonFlow keeps
 * TIME_ZONE and USE_TZ). Undefined when the module is not a sibling file that exists.
 */
function siblingModule(path: string, env: Env): (module: string) => LoonflowSettingsFile | undefined {
  return (module) => {
    const [pkg, name, ...rest] = module.split('.');
    const file = join(dirname(path), `${name}.py`);
    if (rest.length || !name || basename(dirname(path)) !== pkg || !existsSync(file)) return undefined;
    return readLoonflowSettings(file, env);
  };
}

export function interpretSettings(
  path: string,
  source: string,
  env: Env,
  importStar: (module: string) => LoonflowSettingsFile | undefined = () => undefined,
): LoonflowSettingsFile {
  const values = new Map<string, SettingsValue>();
  const unknown = new Map<string, string>();
  const fail = (s: Statement, why: string) =>
    new UsageError(
      `LoonFlow settings ${path}, line ${s.line}: cannot read \`${s.text.slice(0, 80)}\`: ${why}`,
      'loonctl reads plain assignments (literals, os.getenv, os.environ.get, int, .format) without running ' +
        'the file; write that setting plainly, or pass --redis-url/--broker-url/--database-url',
    );
  const scope = {
    env,
    lookup(name: string): PyValue {
      const v = values.get(name);
      if (v) return v.value;
      throw new NotUnderstood(unknown.get(name) ?? `${name} is not assigned in this file`);
    },
  };
  const stmts = statements(source);

  /** The statements of the block after stmts[at] (deeper indent); returns the index after it. */
  const blockEnd = (at: number): number => {
    let j = at + 1;
    while (j < stmts.length && stmts[j].indent > stmts[at].indent) j++;
    return j;
  };
  const assignsReadName = (from: number, to: number): Statement | undefined =>
    stmts.slice(from, to).find((s) => {
      const m = ASSIGNS_TO(s.text) ?? ASSIGNS_TO(s.text.replace(/^[^:]*:\s*/, ''));
      return m && m[1].split(',').some((n) => READ_NAMES.has(n.trim()));
    });

  const assign = (s: Statement, run: boolean): void => {
    const m = ASSIGN.exec(s.text);
    if (!m) {
      const target = ASSIGNS_TO(s.text);
      if (target && target[1].split(',').some((n) => READ_NAMES.has(n.trim()))) {
        throw fail(s, 'only a plain `NAME = value` is read');
      }
      return;
    }
    if (!run) return;
    const [, name, expr] = m;
    try {
      values.set(name, { value: evaluate(expr, scope), line: s.line });
      unknown.delete(name);
    } catch (e) {
      if (!(e instanceof NotUnderstood)) throw e;
      if (READ_NAMES.has(name)) throw fail(s, e.message);
      values.delete(name);
      unknown.set(name, `${name} (line ${s.line}) is not read: ${e.message}`);
    }
  };

  const runBlock = (from: number, to: number, run: boolean): void => {
    let i = from;
    while (i < to) {
      const s = stmts[i];
      const header = /^(if|elif|else)\b\s*(.*?)\s*:\s*(.*)$/.exec(s.text);
      if (header && header[1] === 'if') {
        let taken = false;
        let j = i;
        // One if/elif/else chain: at most one branch runs.
        while (j < to && (j === i || /^(elif|else)\b/.test(stmts[j].text)) && stmts[j].indent === s.indent) {
          const h = /^(if|elif|else)\b\s*(.*?)\s*:\s*(.*)$/.exec(stmts[j].text);
          if (!h) throw fail(stmts[j], 'unreadable if statement');
          const end = blockEnd(j);
          let chosen = false;
          if (!taken && run) {
            try {
              chosen = h[1] === 'else' || truthy(evaluate(h[2], scope));
            } catch (e) {
              if (!(e instanceof NotUnderstood)) throw e;
              const inside = assignsReadName(j, end);
              if (inside)
                throw fail(stmts[j], `the condition decides ${inside.text.split('=')[0].trim()}: ${e.message}`);
            }
          }
          if (h[3]) assign({ ...stmts[j], text: h[3] }, chosen);
          runBlock(j + 1, end, chosen);
          taken ||= chosen;
          j = end;
        }
        i = j;
        continue;
      }
      if (/:\s*$/.test(s.text) && /^[a-z]+\b/.test(s.text) && !ASSIGN.test(s.text)) {
        // try/for/with/def/class: not run; one that sets a read setting cannot be followed.
        const end = blockEnd(i);
        const inside = assignsReadName(i + 1, end);
        if (inside && run) throw fail(inside, `it is set inside \`${s.text}\`, which loonctl does not run`);
        i = end;
        continue;
      }
      const star = /^from\s+([\w.]+)\s+import\s+\*$/.exec(s.text);
      if (star && run) {
        for (const [k, v] of importStar(star[1])?.values ?? []) values.set(k, v);
      } else if (!/^(import|from)\b/.test(s.text)) assign(s, run);
      i++;
    }
  };
  runBlock(0, stmts.length, true);
  return { path, values };
}
