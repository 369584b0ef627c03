import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { celeryApplyAsync } from '../helpers/loonflow-celery.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
beforeAll(async () => {
  redis = await claimRedisDb();
});
afterAll(async () => {
  await redis.release();
});

const SEP = '\x06\x16';
const send = (...args: string[]) =>
  runCli(['task', 'send', ...args, '--broker-url', redis.url, '--redis-url', redis.url]);

/** Every key with its type and content (DUMP), to show a command changed nothing. */
async function snapshot(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let cursor = '0';
  do {
    const [next, keys] = (await redis.client.scanBuffer(cursor, 'COUNT', 1000)) as [Buffer, Buffer[]];
    cursor = next.toString();
    for (const k of keys)
      out.set(k.toString('latin1'), ((await redis.client.dumpBuffer(k)) ?? Buffer.alloc(0)).toString('hex'));
  } while (cursor !== '0');
  return out;
}

describe('task send: dry run, errors, declaring', () => {
  it('--dry-run writes nothing and still prints the id', async () => {
    await redis.flush();
    celeryApplyAsync(redis.url, '2', [{ task: 'tasks.flow_hook_task', args: [1], queue: 'loonflow' }]);
    const before = await snapshot();
    const r = await send('tasks.flow_hook_task', '--args', '[4711]', '--priority', '6', '--dry-run');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.stderr).toContain('dry run');
    expect(await snapshot()).toEqual(before);
    const j = await send('tasks.flow_hook_task', '--args', '[4711]', '--priority', '6', '--dry-run', '--json');
    expect(JSON.parse(j.stdout)).toMatchObject({ key: `loonflow${SEP}6`, bucket: 6, dry_run: true });
    expect(await snapshot()).toEqual(before);
  });

  it.each([
    [['--args', '[4711'], /--args: not valid JSON/],
    [['--args', '{"a": 1}'], /--args: task arguments must be a JSON array/],
    [['--kwargs', '[1]'], /--kwargs: keyword arguments must be a JSON object/],
    [['--kwargs', "{'a': 1}"], /--kwargs: not valid JSON/],
    [['--countdown', '5 minutes'], /--countdown: '5 minutes' is not a duration/],
    [['--countdown', '-5s'], /--countdown/],
    [['--eta', 'tomorrow'], /--eta: 'tomorrow' is not a time/],
    [['--countdown', '5s', '--eta', '2030-01-01T00:00:00Z'], /--countdown or --eta, not both/],
    [['--priority', '256'], /--priority/],
    [['--queue', 'nope'], /queue 'nope' is not declared: no _kombu.binding set names it.*known queues: loonflow/],
    [['--celery', '6.0'], /'--celery <version>' argument '6.0' is invalid/],
  ])('%j: one-line error, usage exit code, nothing written', async (args, message) => {
    await redis.flush();
    await redis.client.sadd('_kombu.binding.loonflow', `loonflow${SEP}${SEP}loonflow`);
    const before = await snapshot();
    const r = await send('tasks.flow_hook_task', ...(args as string[]));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    // commander's own errors (choices) add the house's '(add --help for usage)' line
    expect(
      r.stderr
        .trim()
        .split('\n')
        .filter((l) => l !== '(add --help for usage)'),
    ).toHaveLength(1);
    expect(r.stderr).toMatch(/^loonctl: /);
    expect(r.stderr).toMatch(message as RegExp);
    expect(await snapshot()).toEqual(before);
  });

  it("--declare adds the binding member Celery's producer adds, with the message, for an undeclared queue", async () => {
    await redis.flush();
    celeryApplyAsync(redis.url, '2', [{ task: 'tasks.flow_hook_task', args: [1], queue: 'celery-side' }]);
    const celeryMembers = await redis.client.smembers('_kombu.binding.celery-side');
    const r = await send('tasks.flow_hook_task', '--args', '[1]', '--queue', 'ours', '--declare', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("declared queue 'ours'");
    expect(await redis.client.smembers('_kombu.binding.ours')).toEqual(
      celeryMembers.map((m) => m.replaceAll('celery-side', 'ours')),
    );
    expect(await redis.client.llen('ours')).toBe(1);
  });

  it('honours the key prefix and priority steps as kombu does', async () => {
    await redis.flush();
    await redis.client.sadd('pfx:_kombu.binding.loonflow', `loonflow${SEP}${SEP}loonflow`);
    const r = await send('tasks.flow_hook_task', '--args', '[1]', '--key-prefix', 'pfx:', '--priority', '7', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).key).toBe(`pfx:loonflow${SEP}6`);
    expect(await redis.client.llen(`pfx:loonflow${SEP}6`)).toBe(1);
    // custom steps not starting at 0: kombu puts priority 0 in the last step (Python's index -1)
    await redis.client.sadd('_kombu.binding.loonflow', `loonflow${SEP}${SEP}loonflow`);
    const s = await send('tasks.flow_hook_task', '--args', '[1]', '--priority-steps', '2,5', '--json');
    expect(JSON.parse(s.stdout)).toMatchObject({ key: `loonflow${SEP}5`, bucket: 5 });
  });
});

/** Celery's own saferepr and kombu's own json, for values read by Python's json.loads. */
function python(values: string[]): { repr: string; json: string }[] {
  const py = [
    'import sys, json, datetime, uuid',
    'from celery.utils.saferepr import saferepr',
    'from kombu.utils.json import dumps',
    'def typed(o):',
    "    if o.keys() == {'__type__', '__value__'}:",
    "        if o['__type__'] == 'datetime': return datetime.datetime.fromisoformat(o['__value__'])",
    "        if o['__type__'] == 'uuid': return uuid.UUID(hex=o['__value__']['hex'])",
    '    return o',
    'for line in sys.stdin.read().split("\\n"):',
    '    v = json.loads(line, object_hook=typed)',
    "    print(json.dumps({'repr': saferepr(v, 1024), 'json': dumps(v)}))",
  ].join('\n');
  const out = execFileSync('/usr/bin/python3', ['-c', py], { input: values.join('\n') });
  return out
    .toString()
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

describe('argsrepr and argument JSON against Celery 5.2 and kombu 5.2 themselves', () => {
  it('matches saferepr(args, 1024) and kombu json.dumps for awkward values', async () => {
    const { saferepr } = await import('../../dist/celery/write/saferepr.js');
    const { parsePyJson } = await import('../../dist/celery/write/py-value.js');
    const { pyDumps } = await import('../../dist/celery/write/py-format.js');
    const long = 'word '.repeat(300);
    const values = [
      '[4711, "3", 12, "loonrobot"]',
      '{"b": 1, "10": 2, "a": [1, 2]}',
      '["it\'s", "say \\"hi\\"", "tab\\there\\nnewline", "\\\\ back", "工单", "😀 \\ud83d\\ude00"]',
      '[1.0, 0.1, -0.0, 1e16, 1.5e-7, 0.0001, 0.00001, 123456789.125, 1e300, 1E+2, 2.5e15, 12345678901234567890]',
      '[true, false, null, [], {}, [[]], [[[[1]]]], {"a": {"b": {"c": {"d": 1}}}}]',
      JSON.stringify([long]),
      JSON.stringify([long.slice(0, 1019)]),
      JSON.stringify(Array.from({ length: 400 }, (_, i) => i)),
      JSON.stringify([[Array.from({ length: 300 }, (_, i) => `x${i}`)], { k: 'v' }]),
      JSON.stringify({ [long.slice(0, 1100)]: 1, z: 2 }),
      JSON.stringify(['a'.repeat(1022), ['b'], 'c']),
      '[{"__type__": "datetime", "__value__": "2026-11-24T18:00:00.250000"}, ' +
        '{"__type__": "datetime", "__value__": "2026-11-24T18:00:00"}, ' +
        '{"__type__": "datetime", "__value__": "2026-11-24T00:00:00+08:00"}, ' +
        '{"__type__": "uuid", "__value__": {"hex": "6f0b2c1e8a0e4b559c1d1c8f6f3a7d10"}}]',
    ];
    const want = python(values);
    values.forEach((text, i) => {
      const v = parsePyJson(text, 'test');
      expect(saferepr(v, 1024), text.slice(0, 80)).toBe(want[i].repr);
      expect(pyDumps(v, false), text.slice(0, 80)).toBe(want[i].json);
    });
  });
});
