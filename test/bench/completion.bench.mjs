// `loonctl __complete queues` (a Tab press) against bare `node -e 0`, medians measured in one run.
// Target: within 1.5x.
import { BIN, benchRedis, report, timeCommand } from './lib.mjs';

const bench = await benchRedis();
if (!bench) process.exit(0);
const { url, client: r } = bench;
const SEP = '\x06\x16';
for (let i = 0; i < 20; i++) await r.sadd(`_kombu.binding.q${i}`, `q${i}${SEP}${SEP}q${i}`);
await r.lpush('loonflow', 'x');
try {
  const node = process.execPath;
  const runs = 20;
  const floor = timeCommand(node, ['-e', '0'], runs);
  report(
    'loonctl __complete queues (20 queues)',
    timeCommand(node, [BIN, '__complete', 'queues', '', '--broker-url', url], runs),
    'node -e 0',
    floor,
    'ms',
    1.5,
  );
  report(
    'loonctl __complete queues (Redis down)',
    timeCommand(node, [BIN, '__complete', 'queues', '', '--broker-url', 'redis://127.0.0.1:1/0'], runs),
    'node -e 0',
    floor,
    'ms',
  );
} finally {
  await r.flushdb();
  r.disconnect();
}
