import { UsageError } from '../../core/errors.js';
import { FILTER_OPTIONS_NO_ETA, type FilterInput, filterSpec } from '../options/filter.js';
import { CONTROL_OPTIONS, type ControlInput } from '../worker/shared.js';
import { DRY_RUN, type WriteInput, YES } from '../options/write.js';
import { defineCommand } from '../spec.js';
import { requeueOrphans } from './requeue-orphans.js';
import { requeueByAge } from './requeue-by-age.js';
import { MUTEX_WAIT } from './shared.js';

export interface RequeueInput extends ControlInput, FilterInput, WriteInput {
  taskIds: string[];
  unacked?: boolean;
  queue?: string;
  olderThan?: number;
  allAges?: boolean;
  includeEta?: boolean;
  keepBytes?: boolean;
  mutexWait?: number;
}

export const queueRequeue = defineCommand<RequeueInput>({
  path: ['queue', 'requeue'],
  summary:
    "put unacked messages back on their queue as kombu's restore does (atomically, under unacked_mutex, " +
    'into their priority bucket, to run next)',
  args: [{ name: 'task-ids', variadic: true, description: 'restore these tasks (from unacked)' }],
  options: [
    {
      name: 'unacked',
      type: 'boolean',
      description: 'restore the unacked entries no live worker holds (asks the workers; any age)',
    },
    {
      name: 'queue',
      type: 'string',
      placeholder: 'queue',
      complete: 'queues',
      description: 'only entries routed to this queue',
    },
    {
      name: 'older-than',
      type: 'duration',
      max: '366d',
      description: 'instead of asking the workers: entries a worker took at least this long ago',
    },
    {
      name: 'all-ages',
      type: 'boolean',
      description: 'instead of asking the workers: any age, also what a live worker holds (needs --yes)',
    },
    { name: 'include-eta', type: 'boolean', description: 'also ETA tasks whose ETA is still in the future' },
    {
      name: 'keep-bytes',
      type: 'boolean',
      description: "push the stored bytes unchanged (default: marked redelivered, as kombu's restore does)",
    },
    MUTEX_WAIT,
    DRY_RUN,
    YES,
    ...FILTER_OPTIONS_NO_ETA,
    ...CONTROL_OPTIONS,
  ],
  examples: [
    'loonctl queue requeue --unacked --queue loonflow     after a worker was OOM-killed: what no live worker holds',
    'loonctl queue requeue --unacked --older-than 2h      by age alone, without asking the workers',
    'loonctl queue requeue 6f0b2c1e-8a0e-4b55-9c1d-1c8f6f3a7d10 --all-ages --yes',
  ],
  async run(ctx, o) {
    const ids = o.taskIds;
    if (!o.unacked && ids.length === 0) {
      throw new UsageError(
        'say what to requeue: --unacked, or task ids',
        'loonctl queue requeue --unacked --queue loonflow',
      );
    }
    if (o.unacked && ids.length) throw new UsageError('use --unacked or task ids, not both');
    if (o.allAges && o.olderThan !== undefined) throw new UsageError('use --older-than or --all-ages, not both');
    const [{ makeFilter: filterOf }] = await Promise.all([import('../../celery/filter.js')]);
    if (o.unacked && o.olderThan === undefined && !o.allAges) return requeueOrphans(ctx, o, filterOf(filterSpec(o)));
    return requeueByAge(ctx, o, ids);
  },
});
