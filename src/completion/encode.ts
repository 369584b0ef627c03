import type { ValueKind } from './tree.js';

/** One word a shell script can switch on: flag, none, file, date, choices:a b c, dynamic:queues. */
export function encodeValue(v: ValueKind): string {
  switch (v.kind) {
    case 'choices':
      return `choices:${v.choices.join(' ')}`;
    case 'dynamic':
      return `dynamic:${v.name}`;
    default:
      return v.kind;
  }
}

/** Single-quotes text for sh-like shells (bash, zsh). */
export function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Text safe inside a zsh `_describe` item (`name:description`). */
export function describeItem(name: string, description: string): string {
  return `${name.replace(/:/g, '\\:')}:${description.replace(/\s+/g, ' ').trim()}`;
}
