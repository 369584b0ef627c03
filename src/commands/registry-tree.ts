import type {
  ArgSpec as TreeArg,
  CommandSpec as TreeNode,
  OptionSpec as TreeOption,
  ValueKind,
} from '../completion/tree.js';
import { DESCRIPTION } from './catalog.js';
import { GLOBAL_OPTIONS } from './global-options.js';
import { COMMANDS, GROUPS } from './registry.js';
import type { ArgSpec, Completion, OptionSpec } from './spec.js';

function kindOf(complete: Completion | undefined, choices: readonly string[] | undefined): ValueKind {
  if (choices?.length) return { kind: 'choices', choices: [...choices] };
  switch (complete) {
    case 'file':
    case 'date':
      return { kind: complete };
    case 'queues':
    case 'locks':
    case 'profiles':
    case 'workers':
      return { kind: 'dynamic', name: complete };
    default:
      return { kind: 'none' };
  }
}

function treeOption(o: OptionSpec): TreeOption {
  const long = o.type === 'boolean' && o.negatable ? `--no-${o.name}` : `--${o.name}`;
  const flags = o.short ? [`-${o.short}`, long] : [long];
  const value: ValueKind =
    o.type === 'boolean' ? { kind: 'flag' } : kindOf(o.complete, o.type === 'string' ? o.choices : undefined);
  return { flags, description: o.description, value };
}

function treeArg(a: ArgSpec): TreeArg {
  return { name: a.name, variadic: !!a.variadic, value: kindOf(a.complete, a.choices) };
}

/** The command tree as the completion generators read it, built from the registry. */
export function registryTree(): TreeNode {
  const visible = COMMANDS.filter((c) => !c.hidden);
  const node = (
    path: string[],
    description: string,
    options: TreeOption[],
    args: TreeArg[],
    commands: TreeNode[],
  ): TreeNode => ({
    name: path[path.length - 1] ?? 'loonctl',
    path,
    description,
    options,
    args,
    commands,
  });
  const leaf = (c: (typeof visible)[number]) =>
    node([...c.path], c.summary, (c.options ?? []).map(treeOption), (c.args ?? []).map(treeArg), []);
  const groups = GROUPS.map((g) =>
    node([g.name], g.summary, [], [], visible.filter((c) => c.path.length > 1 && c.path[0] === g.name).map(leaf)),
  );
  const top = visible.filter((c) => c.path.length === 1).map(leaf);
  const version: TreeOption = { flags: ['-V', '--version'], description: 'print the version', value: { kind: 'flag' } };
  return node([], DESCRIPTION, [version, ...GLOBAL_OPTIONS.map(treeOption)], [], [...groups, ...top]);
}
