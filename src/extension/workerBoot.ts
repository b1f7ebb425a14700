import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire, wrap } from 'node:module';
import * as path from 'node:path';
import { Script } from 'node:vm';
import { workerData } from 'node:worker_threads';
import { CODE_CACHE_HOOK, type CodeCacheHook } from './codeCache';

/**
 * The analysis worker's entry (`dist/workerBoot.js`): runs the bundled worker (`script`) through a V8
 * code cache. A fresh worker otherwise spends most of its first second compiling the engine — loading
 * the bundle and the first check of even a ten-line file are each ~0.5 s on a busy 2-core machine —
 * which the user waits for on the first file of a new window. The cache holds the bytecode of
 * everything the warm-up ran (warmUp.ts); V8 accepts it only from the same V8 version and flags and
 * for the same source, and rejects it otherwise (then the worker compiles as before and writes a cache
 * of its own, for the next window). The first cache that V8 accepts is used: the one in the user's
 * storage (written by an earlier window), then the one `node build.mjs` put beside the bundle.
 */
export interface BootData {
  boot: {
    script: string;
    /** Cache files to try, in order; missing files are skipped. */
    caches: string[];
    /** Where to write a cache when none was accepted (after the warm-up); none: never write. */
    writeTo?: string;
  };
}

const { boot } = workerData as BootData;
const source = readFileSync(boot.script, 'utf8');
let status = 'none';
let script: Script | undefined;
for (const file of boot.caches) {
  if (!existsSync(file)) continue;
  const candidate = new Script(wrap(source), { filename: boot.script, cachedData: readFileSync(file) });
  if (!candidate.cachedDataRejected) {
    script = candidate;
    status = `accepted (${path.basename(path.dirname(file))}/${path.basename(file)})`;
    break;
  }
  status = 'rejected';
}
const used = script !== undefined;
script ??= new Script(wrap(source), { filename: boot.script });

const hook: CodeCacheHook = {
  status: () => status,
  save: () => {
    if (used || !boot.writeTo) return undefined;
    try {
      mkdirSync(path.dirname(boot.writeTo), { recursive: true });
      // Written whole, then renamed: another window starting now never reads half a file.
      const tmp = `${boot.writeTo}.${process.pid}.tmp`;
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, boot.writeTo);
      return boot.writeTo;
    } catch {
      return undefined; // a read-only or full disk: the next window compiles again, nothing more
    }
  },
};
(globalThis as Record<symbol, unknown>)[CODE_CACHE_HOOK] = hook;

const module = { exports: {} };
const run = script.runInThisContext() as (exports: object, require: NodeJS.Require, module: object, filename: string, dirname: string) => void;
run.call(module.exports, module.exports, createRequire(boot.script), module, boot.script, path.dirname(boot.script));
