// Issue 11: `config show` with LoonFlow's settings file (LOONCTL_LOONFLOW_SETTINGS): every value named
// with its source, the line decided by the file's ENGINE, an unreadable file a usage error (exit 2).
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const fixture = (name: string) => join(import.meta.dirname, '..', 'fixtures', 'loonflow-settings', name);

describe('config show with a LoonFlow settings file', () => {
  it('r3.2.1 config.py: PostgreSQL from the file, 3.x from its ENGINE, sources named', async () => {
    const path = fixture('config-r3.2.1.py');
    const env = { LOONCTL_LOONFLOW_SETTINGS: path, DB_HOST: 'pg.internal', REDIS_PASSWORD: 'pw' };
    const r = await runCli(['config', 'show', '--json'], { env });
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as Record<string, { value: string; source: string }>;
    expect(j['database-url']).toEqual({
      value: 'postgres://loonflow:****@pg.internal:5432/loonflow',
      source: `settings ${path}`,
    });
    expect(j['broker-url'].source).toBe(`settings ${path}`);
    expect(j['loonflow-settings']).toEqual({ value: path, source: 'env LOONCTL_LOONFLOW_SETTINGS' });
    expect(j.loonflow.value).toBe('3.x');
    expect(j.loonflow.source).toMatch(/settings file: DATABASES ENGINE postgresql/);
  });

  it('a settings line it cannot read: exit 2 naming the line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loonctl-settings-'));
    const path = join(dir, 'config.py');
    writeFileSync(path, 'import os\nREDIS_HOST = get_host()\n');
    const r = await runCli(['config', 'show'], { env: { LOONCTL_LOONFLOW_SETTINGS: path } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${path}, line 2: cannot read \`REDIS_HOST = get_host()\``);
  });
});
