import { pyJsonString } from '../pyjson.js';

const ROUTING_KEY = /("delivery_info": \{[^{}]*?"routing_key": )"(?:[^"\\]|\\.)*"/;

/**
 * Rewrites `properties.delivery_info.routing_key` in a stored message, touching no other byte:
 * the new value is written as kombu's Python json writes strings. Null when the field is absent.
 */
export function rewriteRoutingKey(raw: Buffer, queue: string): Buffer | null {
  const text = raw.toString('latin1'); // byte-preserving: every byte maps to one char and back
  if (!ROUTING_KEY.test(text)) return null;
  const replaced = text.replace(ROUTING_KEY, (_m, head: string) => head + Buffer.from(pyJsonString(queue), 'utf8').toString('latin1'));
  return Buffer.from(replaced, 'latin1');
}
