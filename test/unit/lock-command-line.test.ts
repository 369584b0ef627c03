import { describe, expect, it } from 'vitest';
import { commandForMetadata, maskCommandText } from '../../src/lock/command-line.js';

const ARGV = [
  '/opt/backup.sh',
  'postgres://admin:S3cretPW@db/prod',
  '--password=S3cretPW2',
  '--token',
  'T0ken9',
  '-p',
  'S3cretPW3',
  '-pS3cretPW4',
  '-a',
  'RedisPw5',
  'PGPASSWORD=EnvPw6',
  'TOKEN=EnvPw6',
  '--db-pass',
  'DbPw7',
  '--api-key=Key8',
  'redis://h/0?password=QueryPw9',
  '--verbose',
  'Authorization: Bearer HdrTok10',
  '{"password": "JsonPw11"}',
  'plain arg',
];
const SECRETS = ['HdrTok10', 'JsonPw11', 'S3cretPW', 'T0ken9', 'RedisPw5', 'EnvPw6', 'DbPw7', 'Key8', 'QueryPw9'];

describe('the command stored in lock metadata', () => {
  it('without recording: the program name only', () => {
    expect(commandForMetadata(ARGV)).toBe('/opt/backup.sh');
  });
  it('recorded: every secret-looking value replaced, the rest kept', () => {
    const text = commandForMetadata(ARGV, true);
    for (const s of SECRETS) expect(text).not.toContain(s);
    expect(text).toBe(
      '/opt/backup.sh postgres://admin:****@db/prod --password=**** --token **** -p **** -p**** -a **** PGPASSWORD=**** TOKEN=**** ' +
        '--db-pass **** --api-key=**** redis://h/0?password=**** --verbose ' +
        '"Authorization: ****" "{\\"password\\": ****" "plain arg"',
    );
  });
  it('a command line given as one string is masked token by token', () => {
    const text = maskCommandText(ARGV.join(' '));
    for (const s of SECRETS) expect(text).not.toContain(s);
  });
  it('is bounded', () => {
    const text = commandForMetadata(['x', 'y'.repeat(5000)], true);
    expect(text).toBe(`x ${'y'.repeat(998)}...`); // cut at 1,000 characters, and marked as cut
  });
});
