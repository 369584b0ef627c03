import type { Context, SignalName } from '../../app/context.js';
import { LoonError } from '../../core/errors.js';
import type { CommandResult } from '../../core/view.js';

/** After a signal, the counts so far are printed and the command ends with the signal's code. */
export function interrupted(result: CommandResult, sig: SignalName | undefined): CommandResult {
  if (!sig) return result;
  const code = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 }[sig];
  return {
    ...result,
    after: new LoonError('interrupted: the window in flight was finished, the rest left in place', code),
  };
}

export function warnUnacked(ctx: Context, queue: string): void {
  ctx.out.warn(
    `deleting unacked entries of '${queue}': a live worker holding one will still run it, ` +
      'but it can no longer be restored if the worker dies',
  );
}
