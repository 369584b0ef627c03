import { Argument, type Command, Option } from 'commander';
import { helpFooter, optionHelp } from './help-text.js';
import type { ArgSpec, CommandSpec, GroupSpec, OptionSpec } from './spec.js';

/** Runs a command once commander has parsed it: the runner resolves input, opens the Context, renders. */
export type Runner = (spec: CommandSpec<never>, cmd: Command) => Promise<void>;

function toOption(o: OptionSpec): Option {
  const value =
    o.type === 'boolean'
      ? ''
      : o.type === 'optional-int'
        ? ` [${o.placeholder ?? 'n'}]`
        : ` <${o.placeholder ?? valueName(o)}>`;
  const long = o.type === 'boolean' && o.negatable ? `--no-${o.name}` : `--${o.name}`;
  const option = new Option(`${o.short ? `-${o.short}, ` : ''}${long}${value}`, optionHelp(o));
  if (o.type === 'string' && o.choices && !o.repeatable) option.choices([...o.choices]);
  if (o.type === 'string' && o.repeatable) option.argParser((v: string, prev?: string[]) => [...(prev ?? []), v]);
  return option;
}

function valueName(o: OptionSpec): string {
  return o.type === 'int' ? 'n' : o.type === 'duration' ? 'duration' : 'value';
}

function toArgument(a: ArgSpec): Argument {
  const name = `${a.name}${a.variadic ? '...' : ''}`;
  const arg = new Argument(a.required ? `<${name}>` : `[${name}]`, a.description);
  if (a.choices) arg.choices([...a.choices]);
  return arg;
}

/** Adds one command spec under its group (created with .command() so program settings carry over). */
function addCommand(parent: Command, spec: CommandSpec<never>, runner: Runner): void {
  const name = spec.path[spec.path.length - 1];
  const cmd = parent.command(name, { hidden: !!spec.hidden }).description(spec.summary);
  for (const a of spec.args ?? []) cmd.addArgument(toArgument(a));
  if (spec.looseArgs) cmd.allowUnknownOption().allowExcessArguments();
  for (const o of spec.options ?? []) cmd.addOption(toOption(o));
  if (spec.examples.length) cmd.addHelpText('after', helpFooter(spec.examples));
  cmd.action(async (...params: unknown[]) => runner(spec, params[params.length - 1] as Command));
}

/**
 * The commander tree for the program: every group, and under them and at the top the commands of `specs`
 * (the CLI passes only the specs of the commands named on its command line: start-up is benchmarked).
 */
export function buildCommandTree(
  program: Command,
  globals: readonly OptionSpec[],
  groups: readonly GroupSpec[],
  specs: readonly CommandSpec<never>[],
  runner: Runner,
): Command {
  for (const o of globals) program.addOption(toOption(o));
  const groupCommands = new Map<string, Command>();
  for (const g of groups) {
    const c = program.command(g.name).description(g.summary);
    c.addHelpText('after', helpFooter(g.examples));
    groupCommands.set(g.name, c);
  }
  for (const spec of specs) {
    const parent = spec.path.length > 1 ? groupCommands.get(spec.path[0]) : program;
    if (!parent) throw new Error(`command ${spec.path.join(' ')} has no group`);
    addCommand(parent, spec, runner);
  }
  return program;
}
