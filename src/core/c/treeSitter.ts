import * as path from 'node:path';
import { Language, Parser } from 'web-tree-sitter';
import { registerBinding } from './directCursor';

/**
 * Loads web-tree-sitter and the C grammar once per process (or worker) from a directory the host
 * names: the extension's `dist/`, the CLI's own folder, or node_modules in tests.
 */
export interface GrammarLocation {
  /** Directory holding `web-tree-sitter.wasm`. */
  runtimeDir: string;
  /** Full path of `tree-sitter-c.wasm`. */
  grammarFile: string;
}

let loaded: Promise<Language> | undefined;
let loadedFrom: string | undefined;

export function distGrammarLocation(distDir: string): GrammarLocation {
  return { runtimeDir: distDir, grammarFile: path.join(distDir, 'tree-sitter-c.wasm') };
}

export function loadCLanguage(where: GrammarLocation): Promise<Language> {
  if (loaded) {
    if (loadedFrom !== where.grammarFile) {
      // One grammar per process is all we need; a second location is a host bug, not a reason to load twice.
      return loaded;
    }
    return loaded;
  }
  loadedFrom = where.grammarFile;
  loaded = (async () => {
    // web-tree-sitter turns this object into its emscripten module; the direct cursor uses it.
    const moduleOptions = { locateFile: (file: string) => path.join(where.runtimeDir, file) };
    await Parser.init(moduleOptions);
    registerBinding(moduleOptions);
    return Language.load(where.grammarFile);
  })();
  loaded.catch(() => {
    loaded = undefined;
  });
  return loaded;
}

/** A parser bound to the C language. Callers must `delete()` it (and every tree it returns). */
export async function createCParser(where: GrammarLocation): Promise<Parser> {
  const language = await loadCLanguage(where);
  const parser = new Parser();
  parser.setLanguage(language);
  return parser;
}
