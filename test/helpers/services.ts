// Where the suite finds its real services (DESIGN.md section 8).
export const TEST_REDIS_URL = process.env.LOONCTL_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const TEST_PG_ADMIN_URL = process.env.LOONCTL_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_MYSQL_ADMIN_URL = process.env.LOONCTL_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/mysql';

/** Same server, another database name. */
export function withDatabase(adminUrl: string, name: string): string {
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Same Redis server, another db index. */
export function withRedisDb(url: string, db: number): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}
