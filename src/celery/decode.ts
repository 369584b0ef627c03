import { decodeMessage, needsYaml, useYaml, type DecodedMessage } from './envelope.js';

/** Loads the YAML parser if this message needs it and it is not loaded yet (rare: YAML bodies). */
export async function prepareDecode(raw: Buffer): Promise<void> {
  if (needsYaml(raw)) {
    const { parse } = (await import('yaml')).default; // via default: a bundle chunk exports only that
    // logLevel 'error': parse errors still throw (the message is marked broken), but warnings are not
    // sent to process.emitWarning, which would print message content on stderr even with -q.
    useYaml((s) => parse(s, { logLevel: 'error' }));
  }
}

/** Decodes a message, loading the YAML parser the first time a YAML message is met. */
export async function decode(raw: Buffer): Promise<DecodedMessage> {
  await prepareDecode(raw);
  return decodeMessage(raw);
}
