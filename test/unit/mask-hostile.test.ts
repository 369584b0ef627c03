import { describe, expect, it } from 'vitest';
import { maskUrl, maskUrlsIn, rememberUrlSecrets, urlSecrets } from '../../src/core/mask.js';
import { redisOptionsFromUrl } from '../../src/redis/url.js';

// [url, the secret the operator typed]: every one of these must vanish from every masked form.
const HOSTILE: [string, string][] = [
  ['redis://:p@ss@host:6379/0', 'p@ss'],
  ['redis://:p@s@s@host', 'p@s@s'],
  ['redis://:pa/ss@host/0', 'pa/ss'],
  ['redis://user:pa/ss@host/0', 'pa/ss'],
  ['redis://u:12/ss@host', '12/ss'],
  ['redis://:pa?ss@host', 'pa?ss'],
  ['redis://u:12?ss@host', '12?ss'],
  ['redis://:pa#ss@host', 'pa#ss'],
  ['redis://:pa;ss@host/0', 'pa;ss'],
  ['redis://:pa:ss@host', 'pa:ss'],
  ['redis://:pa ss@host', 'pa ss'],
  ['redis://:p%40ss@host', 'p%40ss'],
  ['redis://:p%ZZss@host', 'p%ZZss'],
  ['rediss://default:S3cret@host:6380/1?ssl_cert_reqs=none', 'S3cret'],
  ['redis://host:6379/0?password=Qw3rty', 'Qw3rty'],
  ['redis://host/0?db=1&password=Qw3rty&x=1', 'Qw3rty'],
  ['redis://host/0?PASSWORD=Qw3rty', 'Qw3rty'],
  ['redis://host/0?%70assword=Qw3rty', 'Qw3rty'],
  ['redis://host/0?password=a@b@c', 'a@b@c'],
  ['unix:///run/redis.sock?db=2&password=S0cketPw', 'S0cketPw'],
  ['unix://:S0cketPw@localhost/run/redis.sock', 'S0cketPw'],
  ['socket:///run/redis.sock?password=S0cketPw', 'S0cketPw'],
  ['postgres://lf:PgPw1@db:5432/loonflow', 'PgPw1'],
  ['postgres://lf@db/loonflow?password=PgPw2&sslmode=require', 'PgPw2'],
  ['postgresql://lf@db/loonflow?sslpassword=KeyPw', 'KeyPw'],
  ['mysql://root@db:3306/lf?password=MyPw3', 'MyPw3'],
  ['mysql://root:My/Pw@db/lf', 'My/Pw'],
  ['mariadb://root:MyPw4@db/lf?password=MyPw5', 'MyPw5'],
  ['sentinel://:SentPw@h1:26379;sentinel://:SentPw@h2:26379/0', 'SentPw'],
  ['sentinel://h1:26379;sentinel://:Se;nt@h2:26379/0', 'Se;nt'],
  ['sentinel://:a@b@h1:26379; sentinel://h2:26379/0', 'a@b'],
  ['redis://:pw%2Fx@[::1]:6379/0', 'pw%2Fx'],
  ['redis://u:Tok3n@host/0#frag', 'Tok3n'],
];

describe('maskUrl against hostile URLs', () => {
  it.each(HOSTILE)('%s', (url, secret) => {
    const masked = maskUrl(url);
    expect(masked).not.toContain(secret);
    expect(masked).not.toContain(decodeURIComponent(secret.replace(/%ZZ/g, '')) || secret);
    expect(masked).toContain('****');
    // In free text a URL ends at whitespace; a password with a space is caught by remembered secrets (below).
    if (!/\s/.test(secret)) expect(maskUrlsIn(`cannot reach ${url}: refused`)).not.toContain(secret);
    expect(maskUrl(masked)).toBe(masked); // masking is idempotent
  });

  it('whatever password the Redis URL parser extracts is hidden by the mask', () => {
    for (const [url] of HOSTILE) {
      let password: string | undefined;
      try {
        password = redisOptionsFromUrl(url, 'mymaster').password;
      } catch {
        continue;
      }
      if (password) expect(maskUrl(url), url).not.toContain(password);
      if (password) expect(urlSecrets(url), url).toContain(password);
    }
  });

  it('keeps what is not secret', () => {
    expect(maskUrl('redis://host:6379/0')).toBe('redis://host:6379/0');
    expect(maskUrl('mysql://root@db/lf')).toBe('mysql://root@db/lf');
    expect(maskUrl('redis://user:pw@host/0?db=1&ssl_cert_reqs=none')).toBe(
      'redis://user:****@host/0?db=1&ssl_cert_reqs=none',
    );
    expect(maskUrl('redis://host/0?password=x@y')).toBe('redis://host/0?password=****');
    expect(maskUrl('unix:///run/redis.sock?db=2')).toBe('unix:///run/redis.sock?db=2');
    expect(maskUrl('not a url')).toBe('not a url');
    expect(maskUrl('redis://:p@ss@host:6379/0')).toBe('redis://:****@host:6379/0');
    expect(maskUrl('redis://:pa/ss@host/0')).toBe('redis://:****@host/0');
    expect(maskUrl('sentinel://:a@b@h1:26379;sentinel://h2:26379/0')).toBe(
      'sentinel://:****@h1:26379;sentinel://h2:26379/0',
    );
  });

  it('remembered secrets are hidden wherever they appear in free text', () => {
    rememberUrlSecrets('redis://:wh1te space@host/0', undefined);
    expect(maskUrlsIn('AUTH failed for "wh1te space" at redis://:wh1te space@host/0')).not.toContain('wh1te space');
  });
});

describe('Redis URL passwords in the query', () => {
  it('unix and redis URLs use ?password= (the userinfo wins, as in redis-py)', () => {
    expect(redisOptionsFromUrl('unix:///run/redis.sock?db=2&password=S0cketPw')).toMatchObject({
      path: '/run/redis.sock',
      db: 2,
      password: 'S0cketPw',
    });
    expect(redisOptionsFromUrl('unix:///run/redis.sock?username=app&password=pw')).toMatchObject({
      username: 'app',
      password: 'pw',
    });
    expect(redisOptionsFromUrl('redis://host/0?password=Qw3rty')).toMatchObject({ host: 'host', password: 'Qw3rty' });
    expect(redisOptionsFromUrl('redis://:fromurl@host/0?password=fromquery')).toMatchObject({ password: 'fromurl' });
  });
  it('a password the URL parser cannot decode is a usage error without the password', () => {
    expect(() => redisOptionsFromUrl('redis://:p%ZZss@h')).toThrow(/malformed Redis URL/);
    try {
      redisOptionsFromUrl('redis://:p%ZZss@h');
    } catch (e) {
      expect((e as Error).message).not.toContain('p%ZZss');
    }
  });
  it('a sentinel list keeps a ; inside a password', () => {
    expect(redisOptionsFromUrl('sentinel://:Se;nt@h1:26379;sentinel://h2:26380/1', 'm')).toMatchObject({
      sentinels: [
        { host: 'h1', port: 26379 },
        { host: 'h2', port: 26380 },
      ],
      password: 'Se;nt',
    });
  });
});
