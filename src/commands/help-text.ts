import type { OptionSpec } from './spec.js';

/** An option's help line: its description, then default, env var and config key where it has them. */
export function optionHelp(o: OptionSpec): string {
  const extra: string[] = [];
  if (o.type === 'string' && o.repeatable) extra.push('repeatable, or a comma list');
  if ('default' in o && o.default !== undefined && o.type !== 'boolean') extra.push(`default ${o.default}`);
  if (o.env) extra.push(`env ${o.env}`);
  if (o.config) extra.push(`config ${o.config}`);
  return extra.length ? `${o.description} (${extra.join('; ')})` : o.description;
}

export function helpFooter(examples: readonly string[]): string {
  return `\nExamples:\n${examples.map((l) => `  ${l}`).join('\n')}\n`;
}
