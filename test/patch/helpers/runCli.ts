import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runPatch } from '../../../src/cli/patch';
import { testGrammar } from '../../helpers/grammar';

let dist: string | undefined;

/** A dist-like folder holding the two wasm files, as the CLI bundle has them beside it. */
function distDir(): string {
  if (!dist) {
    dist = fs.mkdtempSync(path.join(os.tmpdir(), 'lockstep-patch-dist-'));
    fs.copyFileSync(path.join(testGrammar.runtimeDir, 'web-tree-sitter.wasm'), path.join(dist, 'web-tree-sitter.wasm'));
    fs.copyFileSync(testGrammar.grammarFile, path.join(dist, 'tree-sitter-c.wasm'));
    process.once('exit', () => fs.rmSync(dist!, { recursive: true, force: true }));
  }
  return dist;
}

/** Runs `lockstep patch` in-process, capturing what it writes. */
export async function runPatchCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runPatch(args, { distDir: distDir() }, { out: (t) => { stdout += t; }, err: (t) => { stderr += t; } });
  return { code, stdout, stderr };
}
