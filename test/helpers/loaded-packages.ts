// Which npm packages a run of the CLI loaded, from the module log of helpers/module-log.mjs: packages
// resolved from node_modules, and packages the bundler (rolldown) put into a chunk of dist/ that was loaded
// (it heads each bundled file with a `// node_modules/<package>/...` comment).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const PACKAGE = /node_modules\/((?:@[^/\s]+\/)?[^/\s]+)\//g;

const logged = (log: string) => log.split('\n').filter(Boolean);

/** The text of each chunk of dist/ the module log shows loaded. */
function loadedChunks(log: string): string[] {
  return logged(log)
    .filter((url) => url.startsWith('file:') && /\/dist\/[^/]+\.js$/.test(url))
    .map((url) => readFileSync(fileURLToPath(url), 'utf8'));
}

/** Every first capture of `re` in the loaded chunks, through `as`. */
function inChunks(log: string, re: RegExp, as: (m: string) => string = (m) => m): Set<string> {
  return new Set(loadedChunks(log).flatMap((text) => [...text.matchAll(re)].map((m) => as(m[1]))));
}

export function loadedPackages(log: string): Set<string> {
  const found = inChunks(log, /^\/\/ node_modules\/((?:@[^/\s]+\/)?[^/\s]+)\//gm);
  for (const url of logged(log)) for (const m of url.matchAll(PACKAGE)) found.add(m[1]);
  return found;
}

/**
 * Which of our source files a run of the built CLI loaded, from the module log: the bundler heads each source
 * file it bundled into a chunk of dist/ with a `// src/<path>` comment (e.g. `src/commands/lock/list.ts`).
 */
export function loadedSources(log: string): Set<string> {
  return inChunks(log, /^\/\/ (src\/\S+\.ts)$/gm);
}

/**
 * The command paths (`queue move`) whose specs a run of the built CLI loaded: each spec's `path: [...]` as it
 * stands in the loaded chunks of dist/. The bundler may inline a spec module into the one that lists it,
 * leaving no `// src/...` comment of its own, but never drops its path.
 */
export function loadedCommandPaths(log: string): Set<string> {
  return inChunks(log, /\bpath: \[([^\]]*)\]/g, commandPath);
}

/** `'queue', 'move'` or `"queue", "move"` as `queue move`. */
export function commandPath(list: string): string {
  return [...list.matchAll(/['"]([^'"]+)['"]/g)].map((m) => m[1]).join(' ');
}
