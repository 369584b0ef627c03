/** What a shell should offer for an option value or a positional argument. */
export type ValueKind =
  | { kind: 'flag' } // option takes no value
  | { kind: 'none' } // free text, nothing to suggest
  | { kind: 'file' }
  | { kind: 'date' }
  | { kind: 'choices'; choices: string[] }
  | { kind: 'dynamic'; name: 'queues' | 'locks' | 'profiles' | 'workers' };

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

/** Every command in the tree, depth first, the program first. */
export function allCommands(root: CommandSpec): CommandSpec[] {
  return [root, ...root.commands.flatMap(allCommands)];
}

/** Options that take a value anywhere in the tree: the shells must skip their values when finding the command. */
export function valueOptions(root: CommandSpec): string[] {
  const set = new Set<string>();
  for (const c of allCommands(root))
    for (const o of c.options) if (o.value.kind !== 'flag') o.flags.forEach((f) => set.add(f));
  return [...set].sort();
}

/** Options whose values say where to connect; passed on to `loonctl __complete`. */
export const CONNECTION_OPTIONS = [
  '--redis-url',
  '--broker-url',
  '--config',
  '--profile',
  '--sentinel-master',
  '--key-prefix',
];
