// A loonctl census that is killed mid-way by the test: runs one census with a long idle timeout
// through the built library (dist/) and prints "done" if it ever finishes.
// Usage: census-child.mjs <brokerUrl> <idleTimeoutMs>
import { connectRedis } from '../../dist/redis/connect.js';
import { census } from '../../dist/celery/control/census.js';
import { makeMailbox } from '../../dist/celery/control/names.js';
import { makeTransport } from '../../dist/celery/transport.js';

const [url, idle] = process.argv.slice(2);
const redis = await connectRedis(url, { timeoutMs: 5000, role: 'broker' });
await census(redis, makeMailbox(makeTransport(), redis.options.db ?? 0), {
  idleTimeoutMs: Number(idle),
  deadlineMs: Number(idle),
});
console.log('done');
redis.disconnect();
