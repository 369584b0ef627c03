import { pyFloatRepr, typedRepr } from './py-format.js';
import type { PyValue } from './py-value.js';

/**
 * Celery's `celery.utils.saferepr.saferepr(o, maxlen)`, which writes the `argsrepr`/`kwargsrepr`
 * headers (maxlen 1024): a streaming repr whose strings are quoted without escaping (only `'` is
 * escaped, from Celery 5), cut once maxlen characters are out, with its quirks kept: the token that
 * finds the budget spent is dropped (a closing bracket too), and only the brackets still open after it
 * are written. Containers deeper than `maxlevels` print as `[...]`. Lengths count code points, like Python.
 */
type Token =
  | { k: 'lit'; v: string; truncate: boolean }
  | { k: 'key'; v: string }
  | { k: 'quoted'; v: string }
  | { k: 'raw'; v: string };

const lit = (v: string, truncate = false): Token => ({ k: 'lit', v, truncate });
const pyLen = (s: string) => Array.from(s).length;

/** `celery.utils.text.truncate`: at maxlen characters, cut back to the last space, add `...`. */
function truncate(s: string, maxlen: number | null): string {
  if (!maxlen) return s;
  const chars = Array.from(s);
  if (chars.length < maxlen) return s;
  const head = chars.slice(0, maxlen).join('');
  const sp = head.lastIndexOf(' ');
  return (sp >= 0 ? head.slice(0, sp) : head) + '...';
}

interface Walk {
  /** Set once the budget is spent: containers are no longer opened, only closers come out. */
  draining: boolean;
}

function* tokens(v: PyValue, level: number, maxlevels: number, w: Walk): Generator<Token> {
  if (v.t !== 'list' && v.t !== 'dict') {
    if (v.t === 'str') yield { k: 'quoted', v: v.v };
    else if (v.t === 'int') yield { k: 'raw', v: v.digits };
    else if (v.t === 'float') yield { k: 'raw', v: pyFloatRepr(v.v) };
    else if (v.t === 'bool') yield { k: 'raw', v: v.v ? 'True' : 'False' };
    else if (v.t === 'null') yield { k: 'raw', v: 'None' };
    else yield { k: 'raw', v: typedRepr(v) };
    return;
  }
  const [open, close] = v.t === 'list' ? ['[', ']'] : ['{', '}'];
  if (w.draining) return; // an unopened container leaves nothing behind
  if (maxlevels && level >= maxlevels) {
    yield { k: 'raw', v: `${open}...${close}` };
    return;
  }
  yield lit(open);
  const n = v.t === 'list' ? v.items.length : v.entries.length;
  for (let i = 0; i < n; i++) {
    if (v.t === 'list') yield* tokens(v.items[i], level + 1, maxlevels, w);
    else {
      yield { k: 'key', v: v.entries[i][0] };
      yield lit(': ', true);
      yield* tokens(v.entries[i][1], level + 1, maxlevels, w);
    }
    if (i < n - 1) yield lit(', ', true);
  }
  yield lit(close);
}

export function saferepr(v: PyValue, maxlen: number | null = null, escapeQuotes = true, maxlevels = 3): string {
  const quote = (s: string, max: number | null) => {
    const t = truncate(s, max);
    return `'${escapeQuotes ? t.replace(/'/g, "\\'") : t}'`;
  };
  const w: Walk = { draining: false };
  const out: string[] = [];
  let left = maxlen;
  const it = tokens(v, 0, maxlevels, w);
  for (const tok of it) {
    if (left !== null && left <= 0) {
      out.push(', ...');
      w.draining = true;
      for (const rest of it) if (rest.k === 'lit' && !rest.truncate) out.push(rest.v);
      break;
    }
    const val = tok.k === 'lit' ? tok.v : tok.k === 'raw' ? truncate(tok.v, left) : quote(tok.v, left);
    out.push(val);
    if (left !== null) left -= pyLen(val);
  }
  return out.join('');
}
