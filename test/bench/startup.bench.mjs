// Start-up cost of the CLI against bare `node -e 0`, medians of runs taken in turns in one run:
// --version and --help within 1.3x; commands that make one round trip to Redis (queue list on an
// empty broker, lock list) within 1.8x.
import { BIN, benchRedis, report, timeCommands } from './lib.mjs';

const node = process.execPath;
const RUNS = 20;
const local = [
  ['loonctl --version', ['--version'], 1.3],
  ['loonctl --help', ['--help'], 1.3],
  ['loonctl config show', ['config', 'show']],
];
const bench = await benchRedis();
const remote = bench
  ? [
      [
        'loonctl queue list (empty broker)',
        ['queue', 'list', '--broker-url', bench.url, '--redis-url', bench.url],
        1.8,
      ],
      ['loonctl lock list (empty db)', ['lock', 'list', '--redis-url', bench.url], 1.8],
    ]
  : [];
try {
  const cases = [...local, ...remote];
  const [floor, ...times] = timeCommands(
    [[node, ['-e', '0']], ...cases.map(([, args]) => [node, [BIN, ...args]])],
    RUNS,
  );
  cases.forEach(([label, , target], i) => report(label, times[i], 'node -e 0', floor, 'ms', target));
} finally {
  if (bench) {
    await bench.client.flushdb();
    bench.client.disconnect();
  }
}
