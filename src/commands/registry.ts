import { completion } from './completion/completion.js';
import { complete } from './completion/complete.js';
import { configGroup } from './config/group.js';
import { configShow } from './config/show.js';
import { doctor } from './doctor/doctor.js';
import { lockAcquire } from './lock/acquire.js';
import { lockExtend } from './lock/extend.js';
import { lockGroup } from './lock/group.js';
import { lockList } from './lock/list.js';
import { lockRelease } from './lock/release.js';
import { lockRun } from './lock/run.js';
import { lockShow } from './lock/show.js';
import { metrics } from './metrics/metrics.js';
import { queueExport } from './queue/export.js';
import { queueGroup } from './queue/group.js';
import { queueImport } from './queue/import.js';
import { queueList } from './queue/list.js';
import { queueMove } from './queue/move.js';
import { queuePeek } from './queue/peek.js';
import { queuePurge } from './queue/purge.js';
import { queueRequeue } from './queue/requeue.js';
import { queueShow } from './queue/show.js';
import { queueStats } from './queue/stats.js';
import { serialAudit } from './serial/audit.js';
import { serialGroup } from './serial/group.js';
import { serialNext } from './serial/next.js';
import { serialParse } from './serial/parse.js';
import { serialReseed } from './serial/reseed.js';
import { serialShow } from './serial/show.js';
import { serialPrime } from './serial/prime.js';
import type { CommandSpec, GroupSpec } from './spec.js';
import { taskGroup } from './task/group.js';
import { ticketGroup } from './ticket/group.js';
import { ticketRetry } from './ticket/retry.js';
import { ticketStuck } from './ticket/stuck.js';
import { ticketTrace } from './ticket/trace.js';
import { taskRevoke } from './task/revoke.js';
import { taskSend } from './task/send.js';
import { top } from './top/top.js';
import { workerGroup } from './worker/group.js';
import { workerInspect } from './worker/inspect.js';
import { workerLs } from './worker/ls.js';
import { workerPause } from './worker/pause.js';
import { workerResume } from './worker/resume.js';

/** Command groups, in the order help lists them. */
export const GROUPS: readonly GroupSpec[] = [
  serialGroup,
  queueGroup,
  workerGroup,
  taskGroup,
  ticketGroup,
  lockGroup,
  configGroup,
];

/**
 * Every command. The commander tree, help, shell completion and the README's command reference are
 * all generated from this list.
 */
export const COMMANDS = [
  serialNext,
  serialShow,
  serialReseed,
  serialPrime,
  serialAudit,
  serialParse,
  queueList,
  queuePeek,
  queueShow,
  queueStats,
  queueExport,
  queueRequeue,
  queueMove,
  queuePurge,
  queueImport,
  workerLs,
  workerInspect,
  workerPause,
  workerResume,
  taskRevoke,
  taskSend,
  ticketStuck,
  ticketTrace,
  ticketRetry,
  lockAcquire,
  lockRelease,
  lockExtend,
  lockShow,
  lockList,
  lockRun,
  top,
  doctor,
  metrics,
  configShow,
  completion,
  complete,
] as unknown as readonly CommandSpec<never>[];

/** Config-file keys of every command option, so the config file may set any of them. */
export function optionConfigKeys(): string[] {
  const keys = new Set<string>();
  for (const c of COMMANDS) for (const o of c.options ?? []) if (o.config) keys.add(o.config);
  return [...keys];
}
