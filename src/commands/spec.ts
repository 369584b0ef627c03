import type { Context } from '../app/context.js';
import type { CommandResult } from '../core/view.js';

/** What a shell should offer for a value. */
export type Completion = 'none' | 'file' | 'date' | 'queues' | 'locks' | 'profiles' | 'workers';

interface OptionBase {
  /** Long name without dashes: `eta-before` gives `--eta-before` and the input key `etaBefore`. */
  name: string;
  short?: string;
  description: string;
  /** Environment variable that supplies the value when the flag is absent. */
  env?: string;
  /** Config-file key (in a profile or at the top level) that supplies it after the env var. */
  config?: string;
  complete?: Completion;
  placeholder?: string;
}

/**
 * One option, declared once: the registry derives the commander option, the help line, the shell
 * completion and the README entry from it, and resolves its value flag > env > config file > default.
 */
export type OptionSpec =
  | (OptionBase & { type: 'boolean'; default?: boolean; negatable?: boolean })
  | (OptionBase & {
      type: 'string';
      default?: string;
      choices?: readonly string[];
      /** May be given more than once, each value a comma list; the input is a string[] (config: array or list). */
      repeatable?: boolean;
    })
  | (OptionBase & { type: 'int'; default?: number; min?: number; max?: number })
  | (OptionBase & { type: 'duration'; default?: string; min?: string; max?: string })
  /** `--watch [seconds]`: absent, present without a value (`true`), or a whole number. */
  | (OptionBase & { type: 'optional-int'; min?: number; max?: number });

export interface ArgSpec {
  name: string;
  description?: string;
  required?: boolean;
  variadic?: boolean;
  choices?: readonly string[];
  complete?: Completion;
}

export interface CommandSpec<I = Record<string, unknown>> {
  /** Words from the program to the command: `['queue', 'peek']`. */
  path: readonly string[];
  summary: string;
  args?: readonly ArgSpec[];
  options?: readonly OptionSpec[];
  examples: readonly string[];
  hidden?: boolean;
  /** Unknown options and extra arguments are accepted and passed on (the hidden __complete). */
  looseArgs?: boolean;
  /** Arguments after `--` are passed on verbatim (lock run). */
  passThrough?: boolean;
  /**
   * `lean`: Redis through the lean client (src/redis/lean-client.ts), which skips loading ioredis. Only
   * for commands whose code paths use what it offers (its e2e tests run on it): short, read-mostly ones.
   * A function decides per invocation (a long-running server keeps ioredis for its reconnects).
   */
  redis?: 'lean' | ((input: I) => 'lean' | 'ioredis');
  run(ctx: Context, input: I): Promise<CommandResult | undefined>;
}

export interface GroupSpec {
  name: string;
  summary: string;
  examples: readonly string[];
}

/** Keeps the input type of a command next to its spec. */
export function defineCommand<I>(spec: CommandSpec<I>): CommandSpec<I> {
  const kind = spec.redis;
  if (kind === undefined) return spec;
  const pick = typeof kind === 'function' ? kind : () => kind;
  return { ...spec, run: (ctx, input) => ((ctx.redisKind = pick(input)), spec.run(ctx, input)) };
}

/** `eta-before` -> `etaBefore`. */
export function inputKey(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}
