// `npm run pack:cli [-- --out DIR] [--no-build]`: the command-line tool as its own npm package, @lockstep-dev/cli.
//
// A scoped name (our npm organisation's) so nobody else can publish what `npm install -g` of our
// name would fetch; the extension keeps its own manifest (vsce wants an unscoped name). The package
// has no dependencies: dist/cli.js is one esbuild bundle (web-tree-sitter, ajv, re2js inside), the
// two wasm files sit beside it, and `npm install -g ./lockstep-dev-cli-<version>.tgz` needs no
// registry. Writes the tarball to DIR (default: the repository root) and prints its path.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outArg = process.argv.indexOf('--out');
const outDir = resolve(outArg > 0 ? process.argv[outArg + 1] : root);
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

// --no-build: package the dist/ that is there (the tests build it once for every test file).
if (!process.argv.includes('--no-build')) {
  const build = spawnSync(process.execPath, ['build.mjs'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const stage = join(root, 'out', 'cli-package');
rmSync(stage, { recursive: true, force: true });
mkdirSync(join(stage, 'dist'), { recursive: true });
for (const f of ['cli.js', 'checkWorker.js', 'web-tree-sitter.wasm', 'tree-sitter-c.wasm']) copyFileSync(join(root, 'dist', f), join(stage, 'dist', f));
cpSync(join(root, 'docs', 'rules'), join(stage, 'docs', 'rules'), { recursive: true });
mkdirSync(join(stage, 'schemas'), { recursive: true });
copyFileSync(join(root, 'schemas', 'lockstep.schema.json'), join(stage, 'schemas', 'lockstep.schema.json'));
copyFileSync(join(root, 'LICENSE'), join(stage, 'LICENSE'));
copyFileSync(join(root, 'README.md'), join(stage, 'README.md'));

const pkg = {
  name: '@lockstep-dev/cli',
  version: manifest.version,
  description: 'lockstep check / patch / simulate: path-sensitive lock and reference-count checking of C datapath code, patch review and a refcount-protocol model checker.',
  license: manifest.license,
  keywords: manifest.keywords,
  repository: manifest.repository,
  homepage: manifest.homepage,
  bugs: manifest.bugs,
  engines: { node: manifest.engines.node },
  bin: { lockstep: 'dist/cli.js' },
  files: ['dist/', 'docs/rules/', 'schemas/'],
};
writeFileSync(join(stage, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);

mkdirSync(outDir, { recursive: true });
const pack = spawnSync('npm', ['pack', '--pack-destination', outDir, '--json', '--ignore-scripts'], { cwd: stage, encoding: 'utf8' });
if (pack.status !== 0) {
  process.stderr.write(pack.stderr);
  process.exit(pack.status ?? 1);
}
const [info] = JSON.parse(pack.stdout);
process.stdout.write(`${join(outDir, info.filename)}\n`);
