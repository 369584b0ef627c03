// serial benchmarks, each against a floor measured in the same run:
// - `next` throughput through the shared client vs a bare INCR round trip (target >= 0.8x) and vs
//   LoonFlow's GET+INCR in Python redis-py (target >= 2x);
// - `next --count 100000`: Redis time of the one round trip, and the whole command vs node -e 0 plus printing;
// - `show --days 366` against 1,000,000 tickets: one grouped query per range, index used.
import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { connectRedis } from '../../dist/redis/connect.js';
import { nextSerials } from '../../dist/serial/next.js';
import { BIN, benchRedis, report, timeCommand } from './lib.mjs';

const bench = await benchRedis();
if (!bench) process.exit(0);
const { url: REDIS, client: admin } = bench;
const PG_ADMIN = process.env.LOONCTL_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const N = 20000;
try {
  // 1. throughput
  const client = await connectRedis(REDIS, { timeoutMs: 5000, role: 'redis' });
  await admin.set('ticket_day_count_2030-01-01', 0);
  await admin.set('floor', 0);
  const loadInit = async () => 0;
  for (let i = 0; i < 100; i++)
    await nextSerials(client, { date: '2030-01-01', count: 1, prefix: 'loonflow', loadInit });
  // Interleaved blocks, so drift in loopback latency hits both sides alike.
  let incrMs = 0;
  let nextMs = 0;
  for (let block = 0; block < N / 1000; block++) {
    let t0 = performance.now();
    for (let i = 0; i < 1000; i++) await client.incr('floor');
    incrMs += performance.now() - t0;
    t0 = performance.now();
    for (let i = 0; i < 1000; i++)
      await nextSerials(client, { date: '2030-01-01', count: 1, prefix: 'loonflow', loadInit });
    nextMs += performance.now() - t0;
  }
  const incrOps = N / (incrMs / 1000);
  const nextOps = N / (nextMs / 1000);
  const py = spawnSync(
    '/usr/bin/python3',
    [
      '-c',
      `
import redis, time
r = redis.Redis.from_url(${JSON.stringify(REDIS)})
r.set('ticket_day_count_2030-01-02', 0, ex=86400)
n = ${N}
t = time.perf_counter()
for i in range(n):
    if r.get('ticket_day_count_2030-01-02') is None:
        r.set('ticket_day_count_2030-01-02', 1, ex=86400)
    else:
        c = r.incr('ticket_day_count_2030-01-02')
    s = 'loonflow_20300102%04d' % i
print(n / (time.perf_counter() - t))
`,
    ],
    { encoding: 'utf8' },
  );
  const loonflowOps = Number(py.stdout.trim());
  console.log(`serial next, sequential, one process (${N} calls):`);
  report('  loonctl nextSerials', 1e6 / nextOps, 'bare ioredis INCR', 1e6 / incrOps, 'us/op');
  console.log(
    `  throughput ${nextOps.toFixed(0)} ops/s = ${(nextOps / incrOps).toFixed(2)}x bare INCR (${incrOps.toFixed(0)} ops/s; target >= 0.8x), ${(nextOps / loonflowOps).toFixed(2)}x LoonFlow's GET+INCR in redis-py (${loonflowOps.toFixed(0)} ops/s; target >= 2x)`,
  );

  // 2. --count 100000
  let t0 = performance.now();
  await nextSerials(client, { date: '2030-01-01', count: 100000, prefix: 'loonflow', loadInit });
  const withFormatting = performance.now() - t0;
  t0 = performance.now();
  await client.incrby('floor', 100000);
  const oneTrip = performance.now() - t0;
  console.log(
    `serial next --count 100000: one round trip ${oneTrip.toFixed(2)} ms of Redis time; reserving and formatting 100,000 serials in-process ${withFormatting.toFixed(1)} ms`,
  );
  const floor = timeCommand(process.execPath, ['-e', '0'], 10);
  const printing = timeCommand(
    process.execPath,
    [
      '-e',
      "let s='';for(let i=0;i<100000;i++)s+='loonflow_20300101'+String(i).padStart(4,'0')+'\\n';process.stdout.write(s)",
    ],
    10,
  );
  const cmd = timeCommand(
    process.execPath,
    [BIN, 'serial', 'next', '--count', '100000', '--date', '2030-01-01', '--redis-url', REDIS],
    10,
  );
  report('  loonctl serial next --count 100000', cmd, 'node printing 100k serials', printing, 'ms', 3);
  console.log(`  (node -e 0 alone: ${floor.toFixed(1)} ms)`);
  await client.quit();

  // 3. show --days 366 against 1,000,000 tickets
  const c = new pg.Client({ connectionString: PG_ADMIN });
  await c.connect();
  const name = `loonctl_bench_${process.pid}`;
  await c.query(`create database ${name}`);
  await c.end();
  const url = new URL(PG_ADMIN);
  url.pathname = `/${name}`;
  const db = new pg.Client({ connectionString: url.toString() });
  await db.connect();
  try {
    await db.query(
      `create table ticket_ticketrecord (id serial primary key, sn varchar(25) not null, gmt_created timestamptz not null, is_deleted boolean not null default false)`,
    );
    await db.query(`set time zone 'Asia/Shanghai'`);
    t0 = performance.now();
    await db.query(`insert into ticket_ticketrecord (sn, gmt_created)
      select 'loonflow_' || to_char(d, 'YYYYMMDD') || lpad(n::text, 4, '0'), d + (n * interval '30 second')
      from generate_series(current_date - 365, current_date, interval '1 day') d, generate_series(1, 2732) n`);
    await db.query('create index ticket_ticketrecord_gmt_created on ticket_ticketrecord (gmt_created)');
    await db.query('analyze ticket_ticketrecord');
    const rows = (await db.query('select count(*) from ticket_ticketrecord')).rows[0].count;
    console.log(
      `serial show --days 366 against ${rows} tickets (table built in ${((performance.now() - t0) / 1000).toFixed(1)} s):`,
    );
    const plan = (
      await db.query(
        `explain select to_char(gmt_created, 'YYYY-MM-DD'), count(*) from ticket_ticketrecord where gmt_created >= (current_date - 365)::text::timestamptz and gmt_created < (current_date + 1)::text::timestamptz group by 1`,
      )
    ).rows
      .map((r) => r['QUERY PLAN'])
      .join('\n');
    console.log(
      `  plan of the grouped count: ${/Index|Bitmap/.test(plan) ? 'uses the gmt_created index' : 'SEQUENTIAL SCAN (create an index on the created column)'}`,
    );
    const show = timeCommand(
      process.execPath,
      [BIN, 'serial', 'show', '--days', '366', '--redis-url', REDIS, '--database-url', url.toString()],
      3,
      { allowFail: true },
    );
    console.log(
      `  loonctl serial show --days 366: ${show.toFixed(0)} ms (two grouped queries for the whole range, not one per day)`,
    );
  } finally {
    await db.end();
    const c2 = new pg.Client({ connectionString: PG_ADMIN });
    await c2.connect();
    await c2.query(`drop database ${name} with (force)`);
    await c2.end();
  }
} finally {
  await admin.flushdb();
  admin.disconnect();
}
