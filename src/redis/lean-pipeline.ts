import { CONNECTION_CLOSED } from './mini-client.js';
import {
  type CommandArgs,
  flatArgs,
  type NamedCommands,
  namedCommands,
  replyError,
  type Shape,
  shapeReply,
} from './lean-commands.js';
import type { Arg, Reply } from './resp.js';

type Result = [Error | null, unknown] | [Error];
type Queued = { name: string; args: Arg[]; shape: Shape };

/**
 * ioredis' `pipeline()` and `multi()` for the lean client: commands queued, written at once, and
 * `exec()` resolving with `[[err, result], ...]`. A transaction that EXEC refused (EXECABORT) rejects
 * with that error and the queueing errors as `previousErrors`; one a WATCH cancelled resolves null.
 */
class PipelineCore {
  private readonly queued: Queued[] = [];

  constructor(
    private readonly send: (cmds: readonly (readonly Arg[])[]) => Promise<Reply>[],
    private readonly transaction: boolean,
  ) {}

  add(name: string, args: Arg[], shape: Shape): this {
    this.queued.push({ name, args, shape });
    return this;
  }

  call(name: string, ...args: CommandArgs): this {
    return this.add(name, flatArgs(args), 'string');
  }

  callBuffer(name: string, ...args: CommandArgs): this {
    return this.add(name, flatArgs(args), 'buffer');
  }

  get length(): number {
    return this.queued.length;
  }

  async exec(): Promise<Result[] | null> {
    const cmds = this.queued.map((q) => [q.name, ...q.args]);
    if (!this.transaction) {
      const settled = await Promise.allSettled(this.send(cmds));
      return settled.map((s, i) => this.result(s.status === 'fulfilled' ? s.value : (s.reason as Error), i));
    }
    const replies = this.send([['MULTI'], ...cmds, ['EXEC']]);
    replies.forEach((p) => p.catch(() => {}));
    const queuedReplies = await Promise.all(replies.slice(0, -1));
    const exec = await replies[replies.length - 1];
    if (exec instanceof Error) {
      const previousErrors = queuedReplies.filter((r): r is Error => r instanceof Error);
      throw Object.assign(replyError(exec, { name: 'exec', args: [] }), { previousErrors });
    }
    if (exec === null) return null;
    if (!Array.isArray(exec)) throw new Error(CONNECTION_CLOSED);
    return exec.map((r, i) => this.result(r, i, true));
  }

  /** ioredis names the command in a pipeline's errors, not in those EXEC returns. */
  private result(r: Reply, i: number, inExec = false): Result {
    const q = this.queued[i];
    if (r instanceof Error) {
      if (r.message === CONNECTION_CLOSED) return [r];
      return [replyError(r, inExec ? undefined : { name: q.name, args: q.args })];
    }
    return [null, shapeReply(r, q.shape)];
  }
}

export interface LeanPipeline extends PipelineCore, NamedCommands<LeanPipeline> {}

/** A pipeline (or, with `transaction`, a MULTI/EXEC) over `send`, with every named command. */
export function leanPipeline(
  send: (cmds: readonly (readonly Arg[])[]) => Promise<Reply>[],
  transaction: boolean,
): LeanPipeline {
  const p = new PipelineCore(send, transaction);
  const pipeline: LeanPipeline = Object.assign(
    p,
    namedCommands((name, args, shape) => (p.add(name, args, shape), pipeline)),
  );
  return pipeline;
}
