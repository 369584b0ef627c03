// Each test file works in a Redis db index of its own: never db 0, claimed only while empty,
// emptied again at the end (everything in it is ours). Claims are short-lived keys in db 0 so
// concurrent test runs on one machine never share a db.
import { Redis } from 'ioredis';
import { TEST_REDIS_URL, withRedisDb } from './services.js';

const CLAIM_PREFIX = 'loonctl:test-claim:';
const CLAIM_TTL_S = 1800;

export interface TestRedis {
  /** URL of the claimed db, for the CLI (`--redis-url`, `--broker-url`) and for Python. */
  url: string;
  db: number;
  /** A client on the claimed db. Returns Buffers with `*Buffer` commands. */
  client: Redis;
  /** Removes everything in the claimed db (it was empty when claimed). */
  flush(): Promise<void>;
  release(): Promise<void>;
}

function connect(url: string): Redis {
  const r = new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 3000 });
  r.on('error', () => {});
  return r;
}

export async function claimRedisDb(): Promise<TestRedis> {
  const admin = connect(withRedisDb(TEST_REDIS_URL, 0));
  try {
    const [, n] = (await admin.config('GET', 'databases')) as [string, string];
    const count = Number(n);
    const token = `${process.pid}:${Math.random().toString(36).slice(2)}`;
    for (let attempt = 0; attempt < 60; attempt++) {
      for (let db = 1; db < count; db++) {
        const won = await admin.set(CLAIM_PREFIX + db, token, 'EX', CLAIM_TTL_S, 'NX');
        if (won !== 'OK') continue;
        const client = connect(withRedisDb(TEST_REDIS_URL, db));
        if ((await client.dbsize()) !== 0) {
          client.disconnect();
          await admin.del(CLAIM_PREFIX + db);
          continue;
        }
        const url = withRedisDb(TEST_REDIS_URL, db);
        return {
          url,
          db,
          client,
          flush: async () => {
            await client.flushdb();
          },
          release: async () => {
            await client.flushdb().catch(() => {});
            client.disconnect();
            const again = connect(withRedisDb(TEST_REDIS_URL, 0));
            await again.eval(
              "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
              1,
              CLAIM_PREFIX + db,
              token,
            );
            again.disconnect();
          },
        };
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    throw new Error('no empty Redis db index could be claimed for this test file (all busy or non-empty)');
  } finally {
    admin.disconnect();
  }
}
