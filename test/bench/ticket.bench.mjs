// ticket benchmarks, against a floor measured in the same run (Redis db 15 must be empty; MariaDB on 3306):
// `ticket trace` and `ticket stuck` read every message of the broker once (100,000 ready + 10,000 unacked),
// decoding each; the floor is `queue peek --task` over the same messages (the same decode, no database).
import mysql from 'mysql2/promise';
import { BIN, benchRedis, report, timeCommand } from './lib.mjs';

const bench = await benchRedis();
if (!bench) process.exit(0);
const { url: URL_, client: r } = bench;
const MYSQL = process.env.LOONCTL_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/mysql';
const name = `loonctl_bench_tickets_${process.pid}`;

function msg(i) {
  const task = i % 2 ? 'tasks.flow_hook_task' : 'tasks.send_ticket_notice';
  const body = Buffer.from(`[[${i}], {}, {"callbacks": null, "errbacks": null, "chain": null, "chord": null}]`);
  return `{"body": "${body.toString('base64')}", "content-encoding": "utf-8", "content-type": "application/json", "headers": {"lang": "py", "task": "${task}", "id": "id-${i}", "retries": 0, "root_id": "id-${i}", "parent_id": null, "argsrepr": "(${i},)", "kwargsrepr": "{}", "origin": "gen1@bench"}, "properties": {"correlation_id": "id-${i}", "reply_to": "r", "delivery_mode": 2, "delivery_info": {"exchange": "", "routing_key": "loonflow"}, "priority": 0, "body_encoding": "base64", "delivery_tag": "tag-${i}"}}`;
}

const admin = await mysql.createConnection({ uri: MYSQL });
try {
  await admin.query(`create database ${name}`);
  await admin.query(`create table ${name}.ticket_ticketrecord (id int primary key, title varchar(500) default '',
    workflow_id int default 1, state_id int, participant_type_id int, participant varchar(1000) default '',
    script_run_last_result tinyint(1) default 1, act_state_id int default 1, is_deleted tinyint(1) default 0,
    gmt_created datetime(6), gmt_modified datetime(6))`);
  const rows = [];
  for (let i = 1; i <= 2000; i++) rows.push([i, 20, i % 3 ? 10 : 6, '3', i % 5 ? 1 : 0, '2025-01-01', '2025-01-01']);
  await admin.query(
    `insert into ${name}.ticket_ticketrecord (id, state_id, participant_type_id, participant,
     script_run_last_result, gmt_created, gmt_modified) values ?`,
    [rows],
  );
  for (let i = 0; i < 100_000; i += 5000)
    await r.lpush('loonflow', ...Array.from({ length: 5000 }, (_, j) => msg(i + j)));
  const p = r.pipeline();
  for (let i = 100_000; i < 110_000; i++) {
    p.hset('unacked', `tag-${i}`, `[${msg(i)}, "", "loonflow"]`);
    p.zadd('unacked_index', 1_700_000_000, `tag-${i}`);
  }
  await p.exec();
  const db = MYSQL.replace(/\/[^/]*$/, `/${name}`);
  const conn = ['--broker-url', URL_, '--redis-url', URL_, '--database-url', db, '-q', '--timeout', '200'];
  const run = (...a) => timeCommand(process.execPath, [BIN, ...a, ...conn], 3, { allowFail: true });
  const floor = run('queue', 'peek', 'loonflow', '--task', 'tasks.none', '--json');
  report(
    'ticket trace 4711 (110k messages)',
    run('ticket', 'trace', '4711', '--json'),
    'the floor, queue peek --task',
    floor,
    'ms',
    2,
  );
  report(
    'ticket stuck (2,000 tickets, 110k msgs)',
    run('ticket', 'stuck', '--json'),
    'the floor, queue peek --task',
    floor,
    'ms',
    3,
  );
} finally {
  await admin.query(`drop database if exists ${name}`);
  await admin.end();
  await r.flushdb();
  r.disconnect();
}
