import { lazyCrypto } from '../core/lazy-builtins.js';
import type { Redis } from 'ioredis';

/**
 * A Lua script called by its SHA1 (EVALSHA), loaded with EVAL only when the server does not
 * know it yet (first call after a restart). One round trip in the common case.
 */
export class Script {
  private digest: string | undefined;
  constructor(
    readonly name: string,
    readonly source: string,
  ) {}

  /** Made on first use: defining a script loads no crypto. */
  get sha(): string {
    return (this.digest ??= lazyCrypto().createHash('sha1').update(this.source).digest('hex'));
  }

  async run(client: Redis, keys: (string | Buffer)[], args: (string | Buffer | number)[]): Promise<unknown> {
    try {
      return await client.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (e) {
      if (!String((e as Error).message).startsWith('NOSCRIPT')) throw e;
      return client.eval(this.source, keys.length, ...keys, ...args);
    }
  }

  /** Same, with string replies kept as Buffers (for message bytes). */
  async runBuffer(client: Redis, keys: (string | Buffer)[], args: (string | Buffer | number)[]): Promise<unknown> {
    try {
      return await client.callBuffer('EVALSHA', this.sha, keys.length, ...keys, ...args);
    } catch (e) {
      if (!String((e as Error).message).startsWith('NOSCRIPT')) throw e;
      return client.callBuffer('EVAL', this.source, keys.length, ...keys, ...args);
    }
  }
}
