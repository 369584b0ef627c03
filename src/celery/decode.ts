import { decodeMessage, needsYaml, useYaml, type DecodedMessage } from './envelope.js';

/** Decodes a message, loading the YAML parser the first time a YAML message is met. */
export async function decode(raw: Buffer): Promise<DecodedMessage> {
  if (needsYaml(raw)) {
    const { parse } = await import('yaml');
    useYaml((s) => parse(s));
  }
  return decodeMessage(raw);
}
