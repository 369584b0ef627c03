// One of several processes reserving serials at the same moment through loonctl's library
// (the built dist/), each call a separate reservation. Prints the serials it got, one per line.
// Usage: serial-worker.mjs <redisUrl> <dbUrl> <date> <calls> <startAtEpochMs> [reseed]
import { connectRedis } from '../../dist/redis/connect.js';
import { connectDatabase } from '../../dist/db/connect.js';
import { makeTicketTable } from '../../dist/db/ticket-table.js';
import { dayStats } from '../../dist/db/tickets.js';
import { nextSerials } from '../../dist/serial/next.js';
import { reseedDays } from '../../dist/serial/reseed.js';

const [redisUrl, dbUrl, date, calls, startAt, mode] = process.argv.slice(2);
const tz = 'Asia/Shanghai';
const redis = await connectRedis(redisUrl, { timeoutMs: 5000, role: 'redis' });
const db = await connectDatabase(dbUrl, 5000, tz);
const table = makeTicketTable({ tz });
const loadInit = async () => {
  const s = (await dayStats(db, table, date, date)).get(date);
  return Math.max(s.rows, s.maxSeq);
};
await new Promise((r) => setTimeout(r, Math.max(0, Number(startAt) - Date.now())));
const out = [];
if (mode === 'reseed') {
  // Reseed in a loop while the others reserve: it must never rewind the counter.
  for (let i = 0; i < Number(calls); i++)
    await reseedDays(redis, db, table, [date], { strategy: 'safe', allowLower: false, dryRun: false });
} else {
  for (let i = 0; i < Number(calls); i++)
    out.push(...(await nextSerials(redis, { date, count: 1, prefix: 'loonflow', loadInit })).serials);
}
process.stdout.write(out.join('\n') + (out.length ? '\n' : ''));
await redis.quit();
await db.destroy();
