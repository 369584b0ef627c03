// Run from the repository root by `npm run build` (a build step, not part of the CLI). Bundles the CLI
// with rolldown into dist/main.bundle.js plus chunks that load lazily: pg, mysql2 and kysely stay
// external (loaded only by commands that reach a database), Ink's bundle (dist/ui-vendor.js) too.
// esbuild split the CLI into a chunk per set of lazy imports that share code: a one-round-trip command
// read about 35 files, each an ES module Node resolves, reads and links on its own. The groups below
// hold what (nearly) every command runs, so such a command reads less than half as many files.
import { resolve } from 'node:path';
import { build } from 'rolldown';

const group = (parts) => new RegExp(parts.join('|'));
// The command layer: every command runs it, completion (a Tab press) never does.
const CLI = group([
  'node_modules/commander/',
  'src/cli\\.ts',
  'src/app/',
  'src/commands/(catalog|spec|global-options|build-program|resolve-input|config-keys|help-text|options/|[a-z]+/group\\.ts)',
]);
// What the command layer and completion both stand on: core and the lean Redis client.
const BASE = group([
  'node_modules/chalk/',
  'src/core/',
  'src/redis/(lean-[a-z]+|resp|mini-client|errors|url|tls)\\.ts',
  'src/celery/(pyjson|transport)\\.ts',
]);
// Reading a queue and asking the workers: most commands that touch the broker load all of it.
const CELERY = group(['src/celery/(list|read|summary|control/(census|broadcast|task-info|encode|names|sweep))\\.ts']);

await build({
  input: 'src/main.ts',
  platform: 'node',
  external: [/^pg($|\/)/, /^mysql2($|\/)/, /^kysely($|\/)/],
  plugins: [
    {
      // commander requires node:child_process (and dgram with it) as it loads, for executable subcommands,
      // which loonctl has none of: every start-up paid for it. It is required on first use instead.
      name: 'lazy-child-process',
      transform(code, id) {
        const eager = "const childProcess = require('node:child_process');";
        if (!id.includes('node_modules/commander/lib/command.js') || !code.includes(eager)) return null;
        return code.replace(
          eager,
          "const childProcess = { spawn: (...a) => require('node:child_process').spawn(...a) };",
        );
      },
    },
    {
      // src/top imports './ui-vendor.js': at run time that is dist/ui-vendor.js, built on its own.
      name: 'ui-vendor',
      resolveId: (id) => (id === './ui-vendor.js' ? { id: resolve('dist/ui-vendor.js'), external: true } : null),
    },
  ],
  logLevel: 'warn',
  // A module imported lazily in one place and eagerly in another is simply loaded eagerly: no news.
  onLog(level, log, handler) {
    if (log.code !== 'INEFFECTIVE_DYNAMIC_IMPORT') handler(level, log);
  },
  output: {
    dir: 'dist',
    format: 'esm',
    entryFileNames: '[name].bundle.js',
    chunkFileNames: 'chunk-[hash].js',
    // Doc comments are for readers of src/; every kilobyte left out is one V8 does not parse at start-up.
    comments: { legal: true, annotation: false, jsdoc: false },
    codeSplitting: {
      groups: [
        { name: 'celery', test: CELERY, priority: 0 },
        { name: 'cli', test: CLI, priority: 1 },
        { name: 'base', test: BASE, priority: 2 },
      ],
    },
  },
});
