import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openOutputFile } from '../../src/core/files.js';

const dir = mkdtempSync(join(tmpdir(), 'loonctl-files-'));
const writeAll = async (path: string, text: string, opts?: Parameters<typeof openOutputFile>[1]) => {
  const f = await openOutputFile(path, opts);
  await f.write(text);
  await f.close();
};

describe('export and backup files', () => {
  it('a new file is created 0600', async () => {
    const path = join(dir, 'new.jsonl');
    await writeAll(path, 'a\n');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toBe('a\n');
  });

  it('an existing file is refused by default, untouched', async () => {
    const path = join(dir, 'existing.jsonl');
    writeFileSync(path, 'keep\n');
    await expect(writeAll(path, 'x\n')).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/already exists/),
    });
    await expect(writeAll(path, 'x\n', { existing: 'refuse', refuseHint: 'use --append' })).rejects.toMatchObject({
      hint: 'use --append',
    });
    expect(readFileSync(path, 'utf8')).toBe('keep\n');
  });

  it('overwrite replaces it, append adds to it', async () => {
    const path = join(dir, 'chosen.jsonl');
    writeFileSync(path, 'old\n');
    await writeAll(path, 'new\n', { existing: 'append' });
    expect(readFileSync(path, 'utf8')).toBe('old\nnew\n');
    await writeAll(path, 'only\n', { existing: 'overwrite' });
    expect(readFileSync(path, 'utf8')).toBe('only\n');
  });

  it('devices are written to without --force', async () => {
    await writeAll('/dev/null', 'x\n');
    expect(existsSync('/dev/null')).toBe(true);
  });
});
