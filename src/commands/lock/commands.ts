import type { CommandSpec } from '../spec.js';
import { lockAcquire } from './acquire.js';
import { lockRelease } from './release.js';
import { lockExtend } from './extend.js';
import { lockShow } from './show.js';
import { lockList } from './list.js';
import { lockRun } from './run.js';

/** The lock group's commands, in the order help lists them (loaded only when a run names the group). */
export const commands = [
  lockAcquire,
  lockRelease,
  lockExtend,
  lockShow,
  lockList,
  lockRun,
] as unknown as readonly CommandSpec<never>[];
