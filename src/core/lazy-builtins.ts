import { createRequire } from 'node:module';
import type * as Crypto from 'node:crypto';
import type * as Zlib from 'node:zlib';

// Builtins that cost a few milliseconds to load and that most runs never touch (a census that finds
// nobody listening makes no request ids; almost no message is compressed): loaded on first use.
const load = createRequire(import.meta.url);
let crypto: typeof Crypto | undefined;
let zlib: typeof Zlib | undefined;

export function lazyCrypto(): typeof Crypto {
  return (crypto ??= load('node:crypto') as typeof Crypto);
}

export function lazyZlib(): typeof Zlib {
  return (zlib ??= load('node:zlib') as typeof Zlib);
}
