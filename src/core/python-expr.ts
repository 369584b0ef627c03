/**
 * The few Python expressions a LoonFlow settings file uses for its connection settings, evaluated
 * without executing anything: literals, names assigned earlier, `os.getenv`, `os.environ.get`,
 * `os.environ[...]`, `int()`, `str()`, `'...'.format(...)`, `+` and dict/list literals.
 */

export type PyValue = string | number | boolean | null | PyValue[] | { [key: string]: PyValue };

/** Why an expression could not be understood (the caller adds file and line). */
export class NotUnderstood extends Error {}

type Env = Record<string, string | undefined>;

export interface Scope {
  env: Env;
  /** A name assigned earlier: its value, or throws NotUnderstood saying why it is unknown. */
  lookup(name: string): PyValue;
}

type Token = { kind: 'str' | 'num' | 'name' | 'op'; text: string; value?: string };

const OPS = ['==', '!=', '**', '//', '(', ')', '[', ']', '{', '}', ',', ':', '.', '+', '-', '*', '/', '%', '='];

function readString(src: string, i: number): { value: string; end: number } {
  const q = src[i];
  let out = '';
  let j = i + 1;
  for (; j < src.length && src[j] !== q; j++) {
    if (src[j] !== '\\') {
      out += src[j];
      continue;
    }
    const c = src[++j];
    out += c === 'n' ? '\n' : c === 't' ? '\t' : c;
  }
  if (j >= src.length) throw new NotUnderstood('unterminated string');
  return { value: out, end: j + 1 };
}

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) i++;
    else if (c === '#') break;
    else if (c === "'" || c === '"') {
      if (src.startsWith(c.repeat(3), i)) throw new NotUnderstood('triple-quoted strings are not read');
      const s = readString(src, i);
      out.push({ kind: 'str', text: src.slice(i, s.end), value: s.value });
      i = s.end;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9][0-9_]*/.exec(src.slice(i))![0];
      if (/^[.eExXoObBjJ]/.test(src.slice(i + m.length))) throw new NotUnderstood(`number ${m}... is not an integer`);
      out.push({ kind: 'num', text: m });
      i += m.length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))![0];
      if (/^[rbfuRBFU]{1,2}$/.test(m) && (src[i + m.length] === "'" || src[i + m.length] === '"')) {
        throw new NotUnderstood(`prefixed string ${m}'...' is not read`);
      }
      out.push({ kind: 'name', text: m });
      i += m.length;
    } else {
      const op = OPS.find((o) => src.startsWith(o, i));
      if (!op) throw new NotUnderstood(`unexpected '${c}'`);
      out.push({ kind: 'op', text: op });
      i += op.length;
    }
  }
  return out;
}

export function truthy(v: PyValue): boolean {
  if (v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.entries(v).length > 0;
  return true;
}

/** Python's str() of a value. */
export function pyStr(v: PyValue): string {
  if (v === null) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  throw new NotUnderstood('str() of a dict or list is not read');
}

function format(template: string, args: PyValue[]): string {
  let next = 0;
  return template.replace(/\{\{|\}\}|\{(\d*)\}/g, (m, index: string) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    const at = index === '' ? next++ : Number(index);
    if (at >= args.length) throw new NotUnderstood('format() has fewer arguments than placeholders');
    return pyStr(args[at]);
  });
}

class Parser {
  private i = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly scope: Scope,
  ) {}

  parseAll(): PyValue {
    const v = this.expr();
    if (this.i < this.tokens.length) throw new NotUnderstood(`unexpected '${this.tokens[this.i].text}'`);
    return v;
  }

  private peek(text?: string): Token | undefined {
    const t = this.tokens[this.i];
    return text === undefined || t?.text === text ? t : undefined;
  }

  private take(text: string): void {
    if (this.tokens[this.i]?.text !== text) {
      throw new NotUnderstood(`expected '${text}', found '${this.tokens[this.i]?.text ?? 'end of line'}'`);
    }
    this.i++;
  }

  private expr(): PyValue {
    let v = this.postfix();
    while (this.peek('+')) {
      this.i++;
      const r = this.postfix();
      if (typeof v === 'string' && typeof r === 'string') v = v + r;
      else if (typeof v === 'number' && typeof r === 'number') v = v + r;
      else throw new NotUnderstood("'+' of other than two strings or two integers");
    }
    const t = this.peek();
    if (t && !['+', ')', ']', '}', ',', ':'].includes(t.text)) {
      throw new NotUnderstood(`operator or keyword '${t.text}' is not read`);
    }
    return v;
  }

  private args(): PyValue[] {
    this.take('(');
    const out: PyValue[] = [];
    while (!this.peek(')')) {
      if (this.tokens[this.i + 1]?.text === '=') throw new NotUnderstood('keyword arguments are not read');
      out.push(this.expr());
      if (!this.peek(',')) break;
      this.i++;
    }
    this.take(')');
    return out;
  }

  private postfix(): PyValue {
    let v = this.primary();
    while (this.peek('.')) {
      this.i++;
      const method = this.tokens[this.i++];
      if (method?.kind !== 'name' || !this.peek('(')) throw new NotUnderstood('attribute access is not read');
      const args = this.args();
      if (typeof v !== 'string') throw new NotUnderstood(`.${method.text}() of a non-string is not read`);
      if (method.text === 'format') v = format(v, args);
      else if (method.text === 'lower' && args.length === 0) v = v.toLowerCase();
      else if (method.text === 'upper' && args.length === 0) v = v.toUpperCase();
      else if (method.text === 'strip' && args.length === 0) v = v.trim();
      else throw new NotUnderstood(`.${method.text}() is not read`);
    }
    return v;
  }

  private dotted(): string {
    let name = this.tokens[this.i++].text;
    while (this.peek('.') && this.tokens[this.i + 1]?.kind === 'name' && /^os(\.environ)?$/.test(name)) {
      name += `.${this.tokens[this.i + 1].text}`;
      this.i += 2;
    }
    return name;
  }

  private primary(): PyValue {
    const t = this.peek();
    if (!t) throw new NotUnderstood('expression ends too early');
    if (t.kind === 'str') {
      this.i++;
      let s = t.value!;
      // Adjacent literals concatenate, as in Python.
      while (this.peek()?.kind === 'str') s += this.tokens[this.i++].value!;
      return s;
    }
    if (t.kind === 'num') {
      this.i++;
      return Number(t.text.replace(/_/g, ''));
    }
    if (t.text === '(') {
      this.i++;
      const v = this.expr();
      this.take(')');
      return v;
    }
    if (t.text === '{') return this.dict();
    if (t.text === '[') return this.list();
    if (t.text === '-' && this.tokens[this.i + 1]?.kind === 'num') {
      this.i += 2;
      return -Number(this.tokens[this.i - 1].text);
    }
    if (t.kind !== 'name') throw new NotUnderstood(`unexpected '${t.text}'`);
    const name = this.dotted();
    if (name === 'True' || name === 'False') return name === 'True';
    if (name === 'None') return null;
    if (name === 'os.environ' && this.peek('[')) {
      this.i++;
      const key = pyStr(this.expr());
      this.take(']');
      const v = this.scope.env[key];
      if (v === undefined) throw new NotUnderstood(`os.environ['${key}'] is not set (LoonFlow would fail to start)`);
      return v;
    }
    if (!this.peek('(')) {
      if (name.includes('.')) throw new NotUnderstood(`${name} is not read`);
      return this.scope.lookup(name);
    }
    return this.call(name, this.args());
  }

  private call(name: string, args: PyValue[]): PyValue {
    if (name === 'os.getenv' || name === 'os.environ.get') {
      if (args.length < 1 || args.length > 2 || typeof args[0] !== 'string') {
        throw new NotUnderstood(`${name}() takes a variable name and an optional default`);
      }
      return this.scope.env[args[0]] ?? (args.length === 2 ? args[1] : null);
    }
    if ((name === 'int' || name === 'str') && args.length === 1) {
      if (name === 'str') return pyStr(args[0]);
      const n = typeof args[0] === 'number' ? args[0] : /^\s*-?\d+\s*$/.test(pyStr(args[0])) ? Number(args[0]) : NaN;
      if (Number.isNaN(n)) throw new NotUnderstood(`int('${pyStr(args[0])}') fails in Python too`);
      return n;
    }
    throw new NotUnderstood(`call of ${name}() is not read`);
  }

  private dict(): PyValue {
    this.take('{');
    const out: { [key: string]: PyValue } = {};
    while (!this.peek('}')) {
      const k = this.expr();
      if (typeof k !== 'string') throw new NotUnderstood('dict keys other than strings are not read');
      this.take(':');
      out[k] = this.expr();
      if (!this.peek(',')) break;
      this.i++;
    }
    this.take('}');
    return out;
  }

  private list(): PyValue {
    this.take('[');
    const out: PyValue[] = [];
    while (!this.peek(']')) {
      out.push(this.expr());
      if (!this.peek(',')) break;
      this.i++;
    }
    this.take(']');
    return out;
  }
}

export function evaluate(src: string, scope: Scope): PyValue {
  return new Parser(tokenize(src), scope).parseAll();
}
