// Issue 19 items 12 and 14: a full disk is one line with its own exit code (74, not 70), and a file
// cut short is left under `.partial`, never under the name of a complete export.
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, lstatSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode, OutputError, withSoFar } from '../../src/core/errors.js';
import { openOutputFile } from '../../src/core/files.js';

describe('output files', () => {
  it('/dev/full: OutputError (exit 74) saying no space left', async () => {
    const f = await openOutputFile('/dev/full');
    const err = await (async () => {
      for (let i = 0; i < 10; i++) await f.write('x'.repeat(65536));
      await f.flush();
    })().catch((e: unknown) => e);
    await f.close().catch(() => {});
    expect(err).toBeInstanceOf(OutputError);
    expect(err).toMatchObject({ exitCode: ExitCode.ioError, message: expect.stringMatching(/no space left/) });
    expect(withSoFar(err, 'exported 3 message(s) before that')).toMatchObject({
      message: expect.stringMatching(/no space left.*; exported 3/),
    });
  });

  it('partial: written under <path>.partial, renamed by commit only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loonctl-out-'));
    const cut = await openOutputFile(join(dir, 'cut.jsonl'), { partial: true });
    await cut.write('line\n');
    await cut.close();
    expect(cut.path).toBe(join(dir, 'cut.jsonl.partial'));
    expect(existsSync(join(dir, 'cut.jsonl'))).toBe(false);
    const done = await openOutputFile(join(dir, 'done.jsonl'), { partial: true });
    await done.write('line\n');
    await done.commit();
    expect(readFileSync(join(dir, 'done.jsonl'), 'utf8')).toBe('line\n');
    expect(existsSync(join(dir, 'done.jsonl.partial'))).toBe(false);
  });

  it('partial onto a pipe or device: written to it directly, never renamed over it (export -f /dev/null as root)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loonctl-out-'));
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const got = new Promise<string>((resolve) => {
      let text = '';
      createReadStream(fifo, 'utf8')
        .on('data', (d) => (text += d))
        .on('end', () => resolve(text));
    });
    const out = await openOutputFile(fifo, { partial: true, existing: 'refuse' });
    expect(out.path).toBe(fifo);
    await out.write('line\n');
    await out.commit();
    expect(await got).toBe('line\n');
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(existsSync(`${fifo}.partial`)).toBe(false);
  });
});
