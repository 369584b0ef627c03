import type { ResolvedConfig } from '../core/config.js';
import { UsageError } from '../core/errors.js';
import { MAX_DURATION_MS, MAX_TIMER_MS, parseDuration, parseIntOption } from '../core/parse.js';
import { type ArgSpec, inputKey, type OptionSpec } from './spec.js';

type Env = Record<string, string | undefined>;

/** Where an option's value came from when the flag was not given. */
function ambient(o: OptionSpec, env: Env, config: ResolvedConfig): string | undefined {
  const fromEnv = o.env ? env[o.env] : undefined;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return o.config ? config.fileValue(o.config)?.value : undefined;
}

function parseBoolean(text: string, flag: string): boolean {
  if (/^(1|true|yes|on)$/i.test(text)) return true;
  if (/^(0|false|no|off)$/i.test(text)) return false;
  throw new UsageError(`${flag}: '${text}' is not true or false`);
}

/** A repeatable option: every flag (or the env/config text, an array joined by commas) split on commas. */
function listValue(o: OptionSpec & { type: 'string' }, raw: unknown): string[] {
  const items = (Array.isArray(raw) ? raw : [raw])
    .flatMap((v) => String(v).split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  const bad = o.choices ? items.find((v) => !o.choices!.includes(v)) : undefined;
  if (bad !== undefined) throw new UsageError(`--${o.name}: '${bad}' is not one of ${o.choices!.join(', ')}`);
  return items;
}

/** Turns one option's raw value (flag, env or config text) into its typed input value. */
export function parseOptionValue(o: OptionSpec, raw: unknown): unknown {
  const flag = `--${o.name}`;
  if (raw === undefined) return undefined;
  if (o.type === 'string' && o.repeatable) return listValue(o, raw);
  // Values come from commander (strings, booleans), the environment or the config file (strings).
  const text = typeof raw === 'string' ? raw : String(raw);
  switch (o.type) {
    case 'boolean':
      return typeof raw === 'boolean' ? raw : parseBoolean(text, flag);
    case 'string': {
      const s = text;
      if (o.choices && !o.choices.includes(s)) {
        throw new UsageError(`${flag}: '${s}' is not one of ${o.choices.join(', ')}`);
      }
      return s;
    }
    case 'int':
      return parseIntOption(text, flag, o.min ?? 0, o.max);
    case 'duration': {
      // Node's timers overflow past ~24.8 days: that is the bound unless the option names its own.
      const max = o.max === undefined ? MAX_TIMER_MS : parseDuration(o.max, flag, MAX_DURATION_MS);
      const ms = parseDuration(text, flag, MAX_DURATION_MS);
      const min = o.min === undefined ? 0 : parseDuration(o.min, flag);
      if (ms < min) throw new UsageError(`${flag}: ${text} is below the minimum of ${o.min}`);
      if (ms > max) throw new UsageError(`${flag}: ${text} is above the maximum of ${o.max ?? '24d'}`);
      return ms;
    }
    case 'optional-int':
      return raw === true ? true : parseIntOption(text, flag, o.min ?? 0, o.max);
  }
}

/**
 * The typed input of a command: positional arguments by name, options by camelCase key, each
 * option from its flag, else its env var, else the config file, else its default. Booleans are
 * never taken from the environment unless they declare a variable (--yes and --dry-run do not).
 */
export function resolveInput(
  args: readonly ArgSpec[],
  options: readonly OptionSpec[],
  given: { args: unknown[]; opts: Record<string, unknown>; fromCli: (key: string) => boolean },
  env: Env,
  config: ResolvedConfig,
): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  args.forEach((a, i) => {
    input[inputKey(a.name)] = a.variadic ? (given.args[i] ?? []) : given.args[i];
  });
  for (const o of options) {
    const key = inputKey(o.name);
    const fallback = 'default' in o ? o.default : undefined;
    const raw = given.fromCli(key) ? given.opts[key] : (ambient(o, env, config) ?? fallback);
    input[key] = parseOptionValue(o, raw);
  }
  return input;
}
