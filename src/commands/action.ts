import type { Command } from 'commander';
import type { ConfigFlags } from '../core/config.js';
import type { Context } from '../core/context.js';
import type { Format } from '../core/output.js';

/** Options every command has (defined once on the program). */
export interface GlobalOptions extends ConfigFlags {
  output?: Format;
  json?: boolean;
  color?: boolean;
  quiet?: boolean;
  verbose?: boolean;
}

export type Handler<O> = (ctx: Context, opts: O & GlobalOptions, args: string[], cmd: Command) => Promise<void>;

type Runner = (opts: GlobalOptions, fn: (ctx: Context) => Promise<void>) => Promise<void>;
let runner: Runner | undefined;

/** Set by cli.ts: builds the Output and Context around a handler and closes them afterwards. */
export function setRunner(r: Runner): void {
  runner = r;
}

/**
 * Wraps a command handler for commander: gathers positional args and options (globals included)
 * and runs it inside a fresh Context that is always closed.
 */
export function action<O>(fn: Handler<O>): (...params: unknown[]) => Promise<void> {
  return async (...params: unknown[]) => {
    const cmd = params[params.length - 1] as Command;
    const opts = cmd.optsWithGlobals() as O & GlobalOptions;
    const args = cmd.processedArgs.flatMap((a: unknown) => (a === undefined ? [] : Array.isArray(a) ? a.map(String) : [String(a)]));
    await runner!(opts, (ctx) => fn(ctx, opts, args, cmd));
  };
}

/** Adds `Examples:` to a command's help. */
export function examples(cmd: Command, lines: string[]): Command {
  return cmd.addHelpText('after', `\nExamples:\n${lines.map((l) => `  ${l}`).join('\n')}\n`);
}
