import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeErrno } from './boundedRead';
import type { GlobSet } from './glob';
import { InputError } from './inputError';
import { C_EXTENSIONS } from './sniff';

/** `lockstep.json` `exclude`: globs relative to the config's folder. */
export interface ExcludeRule {
  root: string;
  globs: GlobSet;
}

/** What walking the inputs found, and what it could not read (each one line; the walk goes on). */
export interface CollectedInputs {
  files: string[];
  errors: InputError[];
}

/** Folders never searched: version control, dependencies. */
function skippedFolder(name: string): boolean {
  return name.startsWith('.') || name === 'node_modules';
}

/**
 * Expands the CLI's file and directory arguments into C files, sorted per argument for
 * deterministic output. Directories recurse; symbolic links are followed (to files and folders),
 * each real folder once, so a link loop ends. An unreadable folder is one error and the walk goes
 * on; a directory with no C file is an error. Files named explicitly are kept whatever their name
 * (the reader decides whether they are C) and whatever `exclude` says; a folder search skips what
 * `exclude` matches.
 */
export function collectCFiles(args: readonly string[], exclude?: ExcludeRule): CollectedInputs {
  const excluded = (p: string): boolean => {
    if (!exclude) return false;
    const rel = path.relative(exclude.root, path.resolve(p));
    return !rel.startsWith('..') && !path.isAbsolute(rel) && exclude.globs.matches(rel.split(path.sep).join('/'));
  };
  const files: string[] = [];
  const errors: InputError[] = [];
  for (const arg of args) {
    let st: fs.Stats;
    try {
      st = fs.statSync(arg);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      errors.push(new InputError(`${arg}: ${code === 'ENOENT' ? 'no such file or directory' : describeErrno(e)}`));
      continue;
    }
    if (!st.isDirectory()) {
      files.push(arg);
      continue;
    }
    const found: string[] = [];
    const seen = new Set<string>();
    const stack = [arg];
    while (stack.length > 0) {
      const dir = stack.pop()!;
      let real: string;
      let entries: fs.Dirent[];
      try {
        real = fs.realpathSync(dir);
        if (seen.has(real)) continue;
        seen.add(real);
        entries = fs.readdirSync(dir, { withFileTypes: true });
      } catch (e) {
        errors.push(new InputError(`${dir}: cannot list folder: ${describeErrno(e)}; skipped`));
        continue;
      }
      for (const ent of entries) {
        const p = path.join(dir, ent.name);
        let isDir = ent.isDirectory();
        let isFile = ent.isFile();
        if (ent.isSymbolicLink()) {
          try {
            const target = fs.statSync(p);
            isDir = target.isDirectory();
            isFile = target.isFile();
          } catch {
            continue; // a dangling link or a loop of links: nothing to read
          }
        }
        if (excluded(p)) continue;
        if (isDir) {
          if (!skippedFolder(ent.name)) stack.push(p);
        } else if (isFile && C_EXTENSIONS.has(path.extname(ent.name))) {
          found.push(p);
        }
      }
    }
    if (found.length === 0 && !errors.some((e) => e.message.startsWith(arg))) {
      errors.push(new InputError(`${arg}: directory holds no .c or .h files`));
    }
    files.push(...found.sort());
  }
  return { files: [...new Set(files)], errors };
}
