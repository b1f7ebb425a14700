// The simulator's layers point one way: model/ depends on nothing, flowtable/ only on model/,
// extract/ never on sim/ (the explorer), and none of their files import each other in a circle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../helpers/grammar';

const CORE = path.join(repoRoot, 'src', 'core');

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? tsFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** Relative imports of a file (type-only ones too), resolved to files under src/core. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\b[^'";]*?from\s+'(\.[^']+)'/gm)) {
    const base = path.resolve(path.dirname(file), m[1]!);
    const hit = [`${base}.ts`, path.join(base, 'index.ts')].find((c) => fs.existsSync(c));
    if (hit !== undefined) out.push(hit);
  }
  return out;
}

const folder = (file: string): string => path.relative(CORE, file).split(path.sep)[0]!;

const ALLOWED: Record<string, string[]> = {
  model: ['model'],
  flowtable: ['model', 'flowtable'],
  extract: ['model', 'extract', 'c', 'apis', 'analysis'],
};

for (const [dir, allowed] of Object.entries(ALLOWED)) {
  test(`${dir}/ imports only ${allowed.join(', ')}`, () => {
    const files = tsFiles(path.join(CORE, dir));
    assert.ok(files.length > 0);
    const bad = files.flatMap((f) => importsOf(f).filter((i) => !allowed.includes(folder(i))).map((i) => `${path.relative(CORE, f)} -> ${path.relative(CORE, i)}`));
    assert.deepEqual(bad, []);
  });
}

test('no import circle inside model/, flowtable/, extract/ and sim/', () => {
  const files = ['model', 'flowtable', 'extract', 'sim'].flatMap((d) => tsFiles(path.join(CORE, d)));
  const graph = new Map(files.map((f) => [f, importsOf(f)]));
  const state = new Map<string, 'open' | 'done'>();
  const circles: string[] = [];
  const visit = (f: string, trail: string[]): void => {
    if (state.get(f) === 'done') return;
    if (state.get(f) === 'open') {
      circles.push([...trail.slice(trail.indexOf(f)), f].map((x) => path.relative(CORE, x)).join(' -> '));
      return;
    }
    state.set(f, 'open');
    for (const g of graph.get(f) ?? []) if (graph.has(g)) visit(g, [...trail, f]);
    state.set(f, 'done');
  };
  for (const f of files) visit(f, []);
  assert.deepEqual(circles, []);
});
