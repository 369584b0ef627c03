// Run from the repository root by `npm run build` (it is a build step, not part of the CLI).
// Bundles Ink, React and their dependencies into dist/ui-vendor.js, the one module `loonctl top` loads
// for its terminal UI (src/top/ui-vendor.ts). The main bundle keeps every package external and imports
// this file by its path, so no other command loads any of it.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/top/ui-vendor.ts'],
  outfile: 'dist/ui-vendor.js',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  alias: { 'react-devtools-core': './src/top/no-devtools.ts', 'is-in-ci': './src/top/not-in-ci.ts' },
  define: { 'process.env.NODE_ENV': '"production"' },
  // CommonJS inside the bundle (React) may require Node's built-ins. Yoga's wasm loader fetches its
  // inlined binary when `fetch` exists; hiding it makes the loader decode it directly and spares loading
  // undici (about 25 ms of start-up).
  banner: {
    js:
      "import { createRequire as __loonctlRequire } from 'node:module';\n" +
      'const require = __loonctlRequire(import.meta.url);\nconst fetch = undefined;',
  },
});
