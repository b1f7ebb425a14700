import * as path from 'node:path';
import { Parser } from 'web-tree-sitter';
import { testGrammar } from '../../helpers/grammar';

/**
 * Reads the size of web-tree-sitter's wasm heap. Emscripten stores `HEAPU8` on the module
 * options object it was given and replaces it whenever memory grows, so initialising the runtime
 * ourselves first (later `Parser.init` calls reuse the same module) lets us read
 * `HEAPU8.length`. Returns undefined when the runtime was initialised elsewhere first.
 */
interface ModuleOptions {
  locateFile: (file: string) => string;
  HEAPU8?: Uint8Array;
}

let options: ModuleOptions | undefined;

export async function initWasmWithProbe(): Promise<() => number | undefined> {
  if (options === undefined) {
    const opts: ModuleOptions = { locateFile: (file: string) => path.join(testGrammar.runtimeDir, file) };
    options = opts;
    await Parser.init(opts);
  }
  const o = options;
  return () => o.HEAPU8?.length;
}
