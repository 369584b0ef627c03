import { UsageError } from '../../core/errors.js';
import { defineCommand } from '../spec.js';
import { CONTROL_OPTIONS, type ControlInput, mailboxOf, replyWaitMs } from '../worker/shared.js';
import { actionDeps, lockRows, serialRows } from './sources.js';

interface Input extends ControlInput {
  interval: number;
  readOnly?: boolean;
  hungAfter: number;
  backupDir: string;
}

export const top = defineCommand<Input>({
  path: ['top'],
  summary:
    'live full-screen view of queues, messages, unacked, workers, locks and serials, ' +
    'with confirmed actions (R requeue orphans, M move, P purge, X revoke, D force-release)',
  options: [
    { name: 'interval', type: 'duration', default: '2s', min: '500ms', max: '1h', description: 'refresh every' },
    {
      name: 'read-only',
      type: 'boolean',
      config: 'readOnly',
      description: 'disable every action',
    },
    {
      name: 'hung-after',
      type: 'duration',
      default: '10m',
      min: '1s',
      description: 'highlight active tasks running longer than this',
    },
    {
      name: 'backup-dir',
      type: 'string',
      placeholder: 'dir',
      default: '.',
      config: 'backupDir',
      complete: 'file',
      description: 'where purge and revoke write the removed messages first',
    },
    ...CONTROL_OPTIONS,
  ],
  examples: ['loonctl top', 'loonctl top --interval 5s --read-only'],
  async run(ctx, o) {
    const { stdout, stdin, stderr } = ctx.out;
    if (!stdout.isTTY || !stdin.isTTY) {
      throw new UsageError(
        `loonctl top needs a terminal (std${stdout.isTTY ? 'in' : 'out'} is not one)`,
        'in scripts use queue list, queue stats or worker ls',
      );
    }
    const [{ broker, m, t }, { Collector }, { flowSource }, { census }, model, { maskUrl }] = await Promise.all([
      mailboxOf(ctx, o),
      import('../../top/collect.js'),
      import('../../top/flow-source.js'),
      import('../../celery/control/census.js'),
      import('../../top/model.js'),
      import('../../core/mask.js'),
    ]);
    const takeCensus = () => census(broker, m, { idleTimeoutMs: replyWaitMs(ctx), signal: ctx.signal });
    const serials = serialRows(ctx);
    const observe = flowSource(broker, t);
    const source = new Collector({ broker, t, observe, census: takeCensus, locks: lockRows(ctx), serials });
    const size = { columns: stdout.columns || 80, rows: stdout.rows || 24 };
    const initial = model.initialState({ readOnly: !!o.readOnly, serials: !!serials, ...size });
    // The first read runs before Ink and React load; its frame is painted at once and Ink draws over it.
    const first = source.tick(model.viewOf(initial)).catch(() => null);
    // A slow broker gets the empty frame after a second rather than a blank terminal.
    const firstSnap = await Promise.race([first, new Promise<null>((r) => setTimeout(r, 1000, null).unref())]);
    const info = {
      title: `loonctl top  ${maskUrl(ctx.config.brokerUrl.value)}`,
      intervalS: o.interval / 1000,
      hungAfterS: o.hungAfter / 1000,
      visibilityTimeoutS: t.visibilityTimeoutS,
    };
    const color = ctx.out.level > 0 && stdout.getColorDepth() > 1;
    const { firstFrameText, paintFirstFrame } = await import('../../top/first-frame.js');
    let signalled = false; // a signal before Ink takes over ends top as soon as it has
    ctx.signalHandler = () => (signalled = true);
    const giveBack = firstSnap && paintFirstFrame({ stdout, stdin }, firstFrameText(initial, firstSnap, info, color));
    try {
      const { runTop } = await import('../../top/run.js');
      const actions = o.readOnly ? null : actionDeps(ctx, { broker, t, m }, takeCensus, o.backupDir);
      const props = { source, initial, info, intervalMs: o.interval, actions, color, firstSnap };
      const stop = (leave: () => void) => {
        ctx.signalHandler = () => leave();
        if (signalled) leave();
      };
      await runTop(props, { stdout, stdin, stderr }, stop, !!giveBack);
    } catch (e) {
      if (giveBack) giveBack();
      throw e;
    }
    return undefined;
  },
});
