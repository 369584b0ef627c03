import type { OptionSpec } from '../spec.js';

/** `--watch [seconds]` of the queue views; `what` says what each tick shows. */
export function watchOption(what: string): OptionSpec {
  return {
    name: 'watch',
    type: 'optional-int',
    placeholder: 'seconds',
    min: 1,
    max: 86400,
    description: `refresh every N seconds (default 2) with ${what}; one JSON line per tick when not on a terminal`,
  };
}
