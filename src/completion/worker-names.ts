import { decodeControlReply, encodeControlRequest, newRequest } from '../celery/control/encode.js';
import {
  makeMailbox,
  makeOid,
  replyBindingKey,
  replyListKey,
  replyMember,
  requestChannel,
} from '../celery/control/names.js';
import type { Transport } from '../celery/transport.js';
import type { RedisCall } from './names.js';

/**
 * Hostnames of the live workers for shell completion: one ping over Celery's remote control, replies
 * collected until every receiver answered or the deadline; the reply binding and list removed after.
 */
export async function workerNames(
  call: RedisCall,
  t: Transport,
  db: number,
  prefix: string,
  deadline: number,
): Promise<string[]> {
  const m = makeMailbox(t, db);
  const nowS = Date.now() / 1000;
  const oid = makeOid(nowS);
  const member = replyMember(m, oid);
  const list = replyListKey(m, oid);
  const request = newRequest('ping', {}, null, oid, nowS + 1);
  const names: string[] = [];
  await call('SADD', replyBindingKey(m), member);
  try {
    const receivers = Number(await call('PUBLISH', requestChannel(m), encodeControlRequest(m, request)));
    while (names.length < receivers) {
      const leftS = (deadline - Date.now() - 20) / 1000;
      if (leftS <= 0.01) break;
      const got = (await call('BRPOP', list, leftS.toFixed(2))) as Buffer[] | null;
      if (!got) break;
      const reply = decodeControlReply(got[1]);
      if (reply.ok && reply.ticket === request.ticket) names.push(reply.hostname);
    }
  } finally {
    await Promise.all([call('SREM', replyBindingKey(m), member), call('DEL', list)]);
  }
  return names.filter((n) => n.startsWith(prefix)).sort();
}
