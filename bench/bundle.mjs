// Bundles the benchmark with esbuild into one CommonJS file, as build.mjs bundles the CLI, so
// `npm run bench` times the code users run. (Run through tsx, each module's imports become
// property loads on module objects at every call: the engine measured ~15% slower that way.)
import * as esbuild from 'esbuild';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
// As in build.mjs: web-tree-sitter's CommonJS build (its ESM one breaks when bundled to cjs).
const treeSitterCjs = join(dirname(require.resolve('web-tree-sitter')), 'web-tree-sitter.cjs');

for (const name of ['run', 'parseOnly']) await esbuild.build({
  entryPoints: [`bench/${name}.ts`],
  outfile: `.bench-cache/${name}.js`,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  alias: { 'web-tree-sitter': treeSitterCjs },
});
