import type { Argument, Command, Option } from 'commander';

/** What a shell should offer for an option value or a positional argument. */
export type ValueKind =
  | { kind: 'flag' } // option takes no value
  | { kind: 'none' } // free text, nothing to suggest
  | { kind: 'file' }
  | { kind: 'date' }
  | { kind: 'choices'; choices: string[] }
  | { kind: 'dynamic'; name: 'queues' | 'locks' | 'profiles' };

export interface OptionSpec {
  flags: string[];
  description: string;
  value: ValueKind;
}

export interface ArgSpec {
  name: string;
  variadic: boolean;
  value: ValueKind;
}

export interface CommandSpec {
  name: string;
  /** Words from the program to this command, e.g. ['queue', 'peek']. */
  path: string[];
  description: string;
  options: OptionSpec[];
  args: ArgSpec[];
  commands: CommandSpec[];
}

const FILE_OPTIONS = new Set(['--config', '--file', '--backup']);
const DATE_OPTIONS = new Set(['--date', '--from', '--to']);
const QUEUE_ARGS = new Set(['queue', 'src', 'dst', 'queues']);

/** Decides the completion of an option value from its name, its choices and where it is. */
function optionValue(path: string[], o: Option): ValueKind {
  if (!o.required && !o.optional) return { kind: 'flag' };
  if (o.argChoices?.length) return { kind: 'choices', choices: [...o.argChoices] };
  const long = o.long ?? '';
  if (long === '--profile') return { kind: 'dynamic', name: 'profiles' };
  if (FILE_OPTIONS.has(long)) return { kind: 'file' };
  if (path[0] === 'queue' && (long === '--to' || long === '--queue')) return { kind: 'dynamic', name: 'queues' };
  if (DATE_OPTIONS.has(long)) return { kind: 'date' };
  return { kind: 'none' };
}

function argValue(path: string[], a: Argument): ValueKind {
  if (a.argChoices?.length) return { kind: 'choices', choices: [...a.argChoices] };
  const name = a.name().toLowerCase();
  if (path[0] === 'queue' && QUEUE_ARGS.has(name)) return { kind: 'dynamic', name: 'queues' };
  if (path[0] === 'lock' && name === 'name') return { kind: 'dynamic', name: 'locks' };
  if (name === 'file') return { kind: 'file' };
  return { kind: 'none' };
}

function optionSpec(path: string[], o: Option): OptionSpec {
  const flags = [o.short, o.long].filter((f): f is string => !!f);
  return { flags, description: o.description, value: optionValue(path, o) };
}

/** A plain, serialisable description of the command tree, for the script generators. */
export function describeCommands(cmd: Command, path: string[] = []): CommandSpec {
  const visible = (o: Option) => !o.hidden;
  return {
    name: cmd.name(),
    path,
    description: cmd.description(),
    options: cmd.options.filter(visible).map((o) => optionSpec(path, o)),
    args: cmd.registeredArguments.map((a) => ({ name: a.name(), variadic: a.variadic, value: argValue(path, a) })),
    commands: cmd.commands
      .filter((c) => !(c as unknown as { _hidden: boolean })._hidden)
      .map((c) => describeCommands(c, [...path, c.name()])),
  };
}

/** Every command in the tree, depth first, the program first. */
export function allCommands(root: CommandSpec): CommandSpec[] {
  return [root, ...root.commands.flatMap(allCommands)];
}

/** Options that take a value anywhere in the tree: the shells must skip their values when finding the command. */
export function valueOptions(root: CommandSpec): string[] {
  const set = new Set<string>();
  for (const c of allCommands(root)) for (const o of c.options) if (o.value.kind !== 'flag') o.flags.forEach((f) => set.add(f));
  return [...set].sort();
}

/** Options whose values say where to connect; passed on to `loonctl __complete`. */
export const CONNECTION_OPTIONS = ['--redis-url', '--broker-url', '--config', '--profile', '--sentinel-master', '--key-prefix'];
