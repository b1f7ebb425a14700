import * as fs from 'node:fs';
import * as path from 'node:path';
import { listProtocols, findProtocol } from '../../../src/core/flowtable/protocols/index';
import { simulate } from '../../../src/core/sim/simulate';
import { utf8 } from './bytes';
import type { TargetName } from './targets';

/**
 * Seed inputs per target, taken from the repository itself: the C fixtures and demo samples, the
 * patch fixtures, the schedules the simulator prints for the bundled protocols, and configs.
 */
const repoRoot = path.resolve(__dirname, '..', '..', '..');

function walk(dir: string, keep: (file: string) => boolean): string[] {
  const out: string[] = [];
  const stack = [dir];
  while (stack.length > 0) {
    const d = stack.pop()!;
    if (!fs.existsSync(d)) continue;
    for (const ent of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, ent.name);
      if (ent.isDirectory()) stack.push(p);
      else if (ent.isFile() && keep(p)) out.push(p);
    }
  }
  return out.sort();
}

const read = (files: string[]): Uint8Array[] => files.map((f) => new Uint8Array(fs.readFileSync(f)));

function cSeeds(): Uint8Array[] {
  const isC = (f: string): boolean => /\.[ch]$/.test(f);
  return read([...walk(path.join(repoRoot, 'test', 'fixtures'), isC), ...walk(path.join(repoRoot, 'media', 'samples'), isC)]);
}

function patchSeeds(): Uint8Array[] {
  const dir = path.join(repoRoot, 'test', 'fixtures', 'patches');
  const files = fs.readdirSync(dir).filter((f) => /\.(patch|eml|mbox|txt)$/.test(f)).map((f) => path.join(dir, f)).sort();
  return read(files);
}

/** Schedules as the simulator prints them (a short random search per protocol), plus a few by hand. */
function scheduleSeeds(): Uint8Array[] {
  const out = new Set<string>(['seed-workflow:2x1:0*4.1*4.0*3.1*2.0*5.2*8.1', 'seed-workflow:2x1:0*3.2/1*2.1/0.11', 'seed-workflow:2x1:', 'seed-workflow:1x0:0']);
  for (const p of listProtocols()) {
    const def = findProtocol(p.name);
    if (def === undefined) continue;
    const r = simulate(def.model(), { packets: 2, puts: 1, random: { seed: 7, runs: 40 }, timeLimitMs: 120_000 }); // the run count bounds it: the same seeds on any machine
    for (const v of r.violations) out.add(v.schedule);
    out.add(`${p.name}:1x1:0.1.0.1`);
  }
  return [...out].sort().map(utf8);
}

const README_CONFIG = `{ "locks": [{ "name": "tbl_lock", "kind": "acquire", "lockArg": 0, "family": "tbl" },
            { "name": "tbl_unlock", "kind": "release", "lockArg": 0, "family": "tbl" },
            { "name": "tbl_trylock", "kind": "tryacquire", "lockArg": 0, "family": "tbl", "trySuccess": "zero" }],
  "refs": [{ "name": "flow_ref", "kind": "get", "objFrom": "field" },
           { "name": "flow_lookup", "kind": "returnsRef", "success": "nonnull" },
           { "name": "flow_hand_off", "kind": "put", "objArg": 1, "consumes": 1 },
           { "name": "my_get", "kind": "get", "objArg": 0, "argPattern": "^(a+)+$" }],
  "noReturn": ["dp_fatal"], "mutators": [{ "name": "tbl_del", "containerArg": 0 }], "disable": ["list_remove"],
  "flowTable": { "lookup": ["OvsLookupFlow"], "free": ["OvsFreeFlow"] } }
`;

function configSeeds(): Uint8Array[] {
  const files = walk(path.join(repoRoot, 'test', 'fixtures'), (f) => path.basename(f) === 'lockstep.json');
  return [...read(files), utf8(README_CONFIG), utf8('{}'), utf8('{"locks":[{"name":"my_lock","kind":"acquire","lockArg":0},{"name":"my_unlock","kind":"release","lockArg":0}]}')];
}

export function seedsFor(target: TargetName): Uint8Array[] {
  switch (target) {
    case 'c': return cSeeds();
    case 'patch': return patchSeeds();
    case 'schedule': return scheduleSeeds();
    case 'config': return configSeeds();
  }
}
