// The command-line side of the safety fixes: flags that choose, refusals that say why, escaped terminal text.
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { envelope } from '../helpers/kombu.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
const dir = mkdtempSync(join(tmpdir(), 'loonctl-safety-'));
beforeAll(async () => {
  redis = await claimRedisDb();
});
afterAll(async () => {
  await redis.release();
});
const cli = (...args: string[]) => runCli(['queue', ...args, '--broker-url', redis.url]);

describe('output files and import', () => {
  it('export -f never replaces a file without --force, writes 0600, and an import twice adds nothing', async () => {
    await redis.flush();
    await redis.client.lpush('loonflow', envelope({ id: 'e1' }), envelope({ id: 'e2' }));
    const file = join(dir, 'export.jsonl');
    writeFileSync(file, 'precious\n');
    const refused = await cli('export', 'loonflow', '-f', file);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/already exists.*--force/);
    expect(readFileSync(file, 'utf8')).toBe('precious\n');
    expect((await cli('export', 'loonflow', '-f', file, '--force')).code).toBe(0);
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(2);
    expect(existsSync(`${file}.partial`)).toBe(false);
    const fresh = join(dir, 'fresh.jsonl');
    expect((await cli('export', 'loonflow', '-f', fresh)).code).toBe(0);
    expect(statSync(fresh).mode & 0o777).toBe(0o600);

    const first = await cli('import', file, '--to', 'replay', '--json');
    expect(JSON.parse(first.stdout)).toMatchObject({ imported: 0, skipped: 2 }); // still queued in loonflow
    await redis.client.del('loonflow');
    expect(JSON.parse((await cli('import', file, '--json')).stdout)).toMatchObject({ imported: 2, skipped: 0 });
    expect(JSON.parse((await cli('import', file, '--json')).stdout)).toMatchObject({ imported: 0, skipped: 2 });
    expect(await redis.client.llen('loonflow')).toBe(2);
    const forced = await cli('import', file, '--allow-duplicates', '--json');
    expect(JSON.parse(forced.stdout)).toMatchObject({ imported: 2 });
    expect(await redis.client.llen('loonflow')).toBe(4);
  });

  it('purge --backup refuses an existing file unless --append, and the journal imports back once', async () => {
    await redis.flush();
    await redis.client.lpush('loonflow', envelope({ id: 'p1' }), envelope({ id: 'p2' }));
    const backup = join(dir, 'backup.jsonl');
    writeFileSync(backup, '');
    const refused = await cli('purge', 'loonflow', '--backup', backup, '--yes');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--append/);
    expect(await redis.client.llen('loonflow')).toBe(2);
    expect((await cli('purge', 'loonflow', '--backup', backup, '--append', '--yes')).code).toBe(0);
    expect(await redis.client.llen('loonflow')).toBe(0);
    expect(JSON.parse((await cli('import', backup, '--json')).stdout)).toMatchObject({ imported: 2 });
    expect(JSON.parse((await cli('import', backup, '--json')).stdout)).toMatchObject({ imported: 0, skipped: 2 });
  });
});

describe('requeue by id and queue names', () => {
  it('an id in no unacked entry is 3; a young one is refused with its reason (1); --keep-bytes pushes the bytes', async () => {
    await redis.flush();
    const el = envelope({ id: 'young' });
    await redis.client.hset(
      'unacked',
      'tag-young',
      Buffer.concat([Buffer.from('['), el, Buffer.from(', "", "loonflow"]')]),
    );
    await redis.client.zadd('unacked_index', Math.floor(Date.now() / 1000), 'tag-young');
    expect((await cli('requeue', 'nowhere')).code).toBe(3);
    const young = await cli('requeue', 'young');
    expect(young.code).toBe(1);
    expect(young.stderr).toMatch(/young not restored: .*live worker/);
    const r = await cli('requeue', 'young', '--older-than', '0', '--keep-bytes', '--yes');
    expect(r.code, r.stderr).toBe(0);
    expect(((await redis.client.lindexBuffer('loonflow', -1)) as Buffer).equals(el)).toBe(true);
  });

  it('a queue name that is not UTF-8 is named b64:..., and an unknown one is 3', async () => {
    await redis.flush();
    const name = Buffer.from([0x6c, 0xf9, 0x66]);
    await redis.client.lpush(name, envelope({ id: 'b1' }));
    const list = JSON.parse((await cli('list', '--no-workers', '--json')).stdout) as { name_b64?: string }[];
    const b64 = list.find((q) => q.name_b64)!.name_b64!;
    const peek = await cli('peek', `b64:${b64}`, '--json');
    expect(JSON.parse(peek.stdout)[0].id).toBe('b1');
    expect((await cli('export', 'b64:bm9uZQ==')).code).toBe(3);
  });
});

describe('terminal text from queue data', () => {
  it('control characters in task names and arguments are escaped in tables, exact in JSON', async () => {
    await redis.flush();
    const evil = 'tasks.\x1b[2Jwipe\x07';
    await redis.client.lpush('loonflow', envelope({ id: 'x1', task: evil, args: ['\x1b]0;title\x07'] }));
    const table = await cli('peek', 'loonflow', '-o', 'wide');
    expect(table.stdout).not.toMatch(/\x1b|\x07/);
    expect(table.stdout).toContain('\\x1b[2Jwipe');
    const json = JSON.parse((await cli('peek', 'loonflow', '--json')).stdout);
    expect(json[0].task).toBe(evil);
  });
});

describe('LoonFlow 3.x tenants', () => {
  it('--tenant keeps the tasks whose first argument is that tenant, typed UUID or text', async () => {
    await redis.flush();
    const tenant = '3f1c2d7e-8a0e-4b55-9c1d-1c8f6f3a7d10';
    const typed = { __type__: 'uuid', __value__: { hex: tenant.replace(/-/g, '') } };
    await redis.client.lpush(
      'loonflow',
      envelope({ id: 't1', task: 'tasks.flow_hook_task', args: [typed, 'ticket-1', 'node-1'] }),
      envelope({ id: 't2', task: 'tasks.flow_hook_task', args: ['00000000-0000-0000-0000-000000000000', 'x', 'y'] }),
      envelope({ id: 't3', task: 'tasks.flow_notification_task', args: [tenant, 'ticket-3', 'node-3'] }),
    );
    const r = await cli('peek', 'loonflow', '--tenant', tenant.toUpperCase(), '--json');
    expect((JSON.parse(r.stdout) as { id: string }[]).map((m) => m.id)).toEqual(['t1', 't3']);
  });
});
