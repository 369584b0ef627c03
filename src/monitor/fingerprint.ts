import { createHash } from 'node:crypto';

const COLON = Buffer.from(':');

/**
 * The fingerprint the flow probe computes inside Redis, computed here: the first 16 hex digits of
 * sha1("<length>:" + bytes), where a message over 8 KiB contributes only its first and last 4 KiB.
 */
export function fingerprint(raw: Buffer): string {
  const h = createHash('sha1').update(String(raw.length)).update(COLON);
  if (raw.length > 8192) h.update(raw.subarray(0, 4096)).update(raw.subarray(raw.length - 4096));
  else h.update(raw);
  return h.digest('hex').slice(0, 16);
}
