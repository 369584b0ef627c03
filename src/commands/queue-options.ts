import type { Command } from 'commander';
import type { FilterSpec } from '../celery/filter.js';
import type { Transport } from '../celery/transport.js';
import type { Context } from '../core/context.js';
import { parseDuration, parseIntOption } from '../core/parse.js';

export interface TransportFlags {
  keyPrefix?: string;
  sep?: string;
  prioritySteps?: string;
  visibilityTimeout?: string;
}

export interface FilterFlags {
  task?: string;
  id?: string;
  grep?: string;
  priority?: string;
  etaBefore?: string;
  etaAfter?: string;
}

/** kombu transport options a deployment may have changed. */
export function addTransportOptions(cmd: Command): Command {
  return cmd
    .option('--key-prefix <prefix>', "kombu's global_keyprefix (LOONCTL_KEY_PREFIX)")
    .option('--sep <bytes>', 'separator between queue name and priority step (default \\x06\\x16)')
    .option('--priority-steps <list>', 'priority steps (default 0,3,6,9)')
    .option('--visibility-timeout <duration>', "kombu's visibility_timeout (default 3600s)");
}

/** The filters shared by peek, export, move and purge. */
export function addFilterOptions(cmd: Command, withEta = true): Command {
  cmd
    .option('--task <glob>', 'task name glob, e.g. "tasks.flow_*"')
    .option('--id <id>', 'task id')
    .option('--grep <text>', 'text anywhere in the message or its arguments')
    .option('--priority <n>', 'message priority');
  if (withEta) cmd.option('--eta-before <time>', 'ETA before this ISO time').option('--eta-after <time>', 'ETA after this ISO time');
  return cmd;
}

export async function transportOf(ctx: Context, f: TransportFlags): Promise<Transport> {
  const { makeTransport } = await import('../celery/transport.js');
  return makeTransport({
    keyPrefix: ctx.config.keyPrefix.value,
    sep: f.sep,
    prioritySteps: f.prioritySteps,
    visibilityTimeout: f.visibilityTimeout === undefined ? undefined : parseDuration(f.visibilityTimeout, '--visibility-timeout') / 1000,
  });
}

export function filterSpec(f: FilterFlags): FilterSpec {
  return {
    task: f.task,
    id: f.id,
    grep: f.grep,
    priority: f.priority === undefined ? undefined : parseIntOption(f.priority, '--priority', 0, 255),
    etaBefore: f.etaBefore,
    etaAfter: f.etaAfter,
  };
}
