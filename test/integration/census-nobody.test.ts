// A census on a server where nobody could receive it (no pattern subscription, no channel subscriber)
// costs no second connection and leaves no reply binding; one pattern subscriber anywhere makes it
// broadcast as usual (Celery's workers PSUBSCRIBE, so PUBSUB NUMSUB alone would miss them).
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { census } from '../../src/celery/control/census.js';
import { makeMailbox, replyBindingKey } from '../../src/celery/control/names.js';
import { makeTransport } from '../../src/celery/transport.js';
import { startServer, type Server } from '../helpers/ha.js';
import { freePort } from '../helpers/processes.js';

let server: Server;
let client: Redis;
const m = makeMailbox(makeTransport(), 0);
const connections = async () => Number(/total_connections_received:(\d+)/.exec(await client.info('stats'))![1]);

beforeAll(async () => {
  const port = await freePort();
  server = await startServer(port, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
  client = new Redis({ port });
});
afterAll(async () => {
  client.disconnect();
  await server.stop();
});

describe('census with nobody listening', () => {
  it('no subscriber at all: no reply connection, no binding, no worker', async () => {
    const before = await connections();
    const c = await census(client, m, { idleTimeoutMs: 200 });
    expect(c).toMatchObject({ workers: [], receivers: 0 });
    expect(await connections()).toBe(before);
    expect(await client.exists(replyBindingKey(m))).toBe(0);
  });

  it('a pattern subscriber: the census is broadcast and waits for replies on its own connection', async () => {
    const sub = new Redis({ port: server.port });
    try {
      await sub.psubscribe('*pidbox*');
      const before = await connections();
      const c = await census(client, m, { idleTimeoutMs: 200 });
      expect(c.receivers).toBe(1);
      expect(c.workers).toEqual([]);
      expect(await connections()).toBe(before + 1);
    } finally {
      sub.disconnect();
    }
  });
});
