import type { Redis } from 'ioredis';
import type { RedisConnectOptions } from '../redis/connect.js';
import type { Transport } from '../celery/transport.js';
import type { Database } from '../db/connect.js';
import type { TicketTable } from '../db/ticket-table.js';
import type { Deployment } from '../loonflow/lines.js';
import type { ResolvedConfig } from '../core/config.js';
import type { Output } from '../core/output.js';

export type SignalName = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

/**
 * Per-process shared resources. The Redis clients and the database are opened on first use
 * (so a command that needs no SQL never loads pg or kysely) and closed once, when the command ends.
 */
export class Context {
  private redisClient?: Promise<Redis>;
  private brokerClient?: Promise<Redis>;
  private database?: Promise<Database>;
  private deploymentInfo?: Promise<Deployment>;
  private readonly closers: (() => Promise<void> | void)[] = [];
  private closed = false;
  private readonly abortController = new AbortController();
  /**
   * Which client `redis()` and `broker()` open: `lean` (src/redis/lean-client.ts, without loading ioredis)
   * for the commands whose spec says `redis: 'lean'`; Sentinel URLs get ioredis all the same.
   */
  redisKind: 'ioredis' | 'lean' = 'ioredis';
  /** Set by a command that handles signals itself (lock run forwards them to its child). */
  signalHandler?: (signal: SignalName) => void;

  constructor(
    readonly config: ResolvedConfig,
    readonly out: Output,
  ) {}

  /** Aborted when the operator interrupts the command; long loops check it. */
  get signal(): AbortSignal {
    return this.abortController.signal;
  }

  abort(): void {
    this.abortController.abort();
  }

  /** The Redis that holds LoonFlow's serial counters and the locks (LoonFlow's pool: db 0). */
  redis(): Promise<Redis> {
    this.redisClient ??= this.open(this.config.redisUrl.value, 'redis');
    return this.redisClient;
  }

  /** The Redis that is Celery's broker. Shares the client when both URLs are the same. */
  broker(): Promise<Redis> {
    if (this.config.brokerUrl.value === this.config.redisUrl.value) return this.redis();
    this.brokerClient ??= this.open(this.config.brokerUrl.value, 'broker');
    return this.brokerClient;
  }

  db(): Promise<Database> {
    this.database ??= (async () => {
      const { pickDatabase } = await import('../loonflow/pick-database.js');
      const c = this.config;
      const picked = await pickDatabase(c.databaseCandidates, c.timeoutMs.value, c.tz.value);
      if (c.databaseCandidates.length > 1) {
        c.databaseUrl.value = picked.db.url;
        c.databaseUrl.source += `: ${picked.reason}`;
      }
      return picked.db;
    })();
    return this.database;
  }

  /**
   * Which LoonFlow line this is: an explicit setting, LoonFlow's variables, or (with `probe`) the schema
   * of the database, which opens it. Without `probe` a command that needs no SQL stays off the database.
   */
  deployment(o: { probe: boolean } = { probe: true }): Promise<Deployment> {
    const detect = async (probe: boolean) => {
      const { detectDeployment } = await import('../loonflow/detect.js');
      return detectDeployment(this.config, probe ? () => this.db() : undefined);
    };
    if (!o.probe) return detect(false);
    this.deploymentInfo ??= detect(true);
    return this.deploymentInfo;
  }

  /** Whether a database connection was asked for (doctor reports on it without opening one twice). */
  get hasDb(): boolean {
    return this.database !== undefined;
  }

  /** kombu's key layout for this deployment; the key prefix comes from the resolved configuration. */
  async transport(o: { sep?: string; prioritySteps?: string; visibilityTimeoutMs?: number }): Promise<Transport> {
    const { makeTransport } = await import('../celery/transport.js');
    return makeTransport({
      keyPrefix: this.config.keyPrefix.value,
      sep: o.sep,
      prioritySteps: o.prioritySteps,
      visibilityTimeout: o.visibilityTimeoutMs === undefined ? undefined : o.visibilityTimeoutMs / 1000,
    });
  }

  /** The ticket table as configured, checked to exist in the database, with the database. */
  async tickets(o: Partial<Omit<TicketTable, 'tz'>>): Promise<{ db: Database; table: TicketTable }> {
    const [{ makeTicketTable }, { requireTicketTable }] = await Promise.all([
      import('../db/ticket-table.js'),
      import('../db/tickets.js'),
    ]);
    const table = makeTicketTable({ ...o, tz: this.config.tz.value });
    const db = await this.db();
    await requireTicketTable(db, table);
    return { db, table };
  }

  onClose(fn: () => Promise<void> | void): void {
    this.closers.push(fn);
  }

  private async open(url: string, role: string): Promise<Redis> {
    if (this.redisKind !== 'lean') return this.connectRedis(url, role);
    const { connectLeanRedis } = await import('../redis/lean-connect.js');
    return connectLeanRedis(url, this.connectOptions(role));
  }

  /**
   * A new client of its own (not shared, not closed by the context) with every connection setting:
   * sentinel master and password, TLS files. For `lock run`'s reconnections. Always ioredis.
   */
  async connectRedis(url: string = this.config.redisUrl.value, role = 'redis'): Promise<Redis> {
    const { connectRedis } = await import('../redis/connect.js');
    return connectRedis(url, this.connectOptions(role));
  }

  private connectOptions(role: string): RedisConnectOptions {
    const c = this.config;
    return {
      timeoutMs: c.timeoutMs.value,
      sentinelMaster: c.sentinelMaster.value,
      sentinelPassword: c.sentinelPassword.value,
      tls: { caFile: c.tlsCa.value, certFile: c.tlsCert.value, keyFile: c.tlsKey.value },
      role,
    };
  }

  /** Closes everything that was opened. Safe to call twice; never throws. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const fn of this.closers.splice(0).reverse())
      await Promise.resolve()
        .then(fn)
        .catch(() => {});
    const quit = async (p?: Promise<Redis>) => {
      if (!p) return;
      const client = await p.catch(() => undefined);
      if (!client) return;
      await Promise.race([client.quit().catch(() => {}), new Promise((r) => setTimeout(r, 500).unref())]);
      client.disconnect();
    };
    await Promise.all([quit(this.redisClient), quit(this.brokerClient)]);
    if (this.database) {
      const db = await this.database.catch(() => undefined);
      await db?.destroy().catch(() => {});
    }
  }
}
