import * as path from 'node:path';
import type { SourceFile } from '../core/project';
import {
  collectCFiles, decodeSource, DEFAULT_MAX_FILE_BYTES, InputError, notCReason, readSourceFile,
  type DecodedSource, type ExcludeRule,
} from '../core/input';

/** A line about one input that is not an error (the run goes on, the exit code does not change). */
export interface InputNote {
  file: string;
  message: string;
}

export interface CheckInputs {
  sources: SourceFile[];
  /** How each source was read (encoding, BOM, lone CRs), for --fix to write it back the same way. */
  decoded: Map<string, DecodedSource>;
  /** One line each; any makes the exit code 2. */
  errors: string[];
  notes: InputNote[];
}

/** Reads standard input up to the C file limit. */
export async function readStdin(maxBytes: number, label: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += b.length;
    if (size > maxBytes) throw new InputError(`${label}: more than ${maxBytes} bytes, over the limit`);
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/**
 * The sources of `lockstep check`: files and folders (folders recurse, `exclude` applies to them),
 * or `-` for standard input named by --stdin-filename. Each unreadable input is one error and the
 * rest are still read; a file that is not C (C++, text) is skipped with a note; a file read as
 * something other than UTF-8 gets a note.
 */
export async function readCheckInputs(paths: readonly string[], options: { stdinFilename?: string; exclude?: ExcludeRule }): Promise<CheckInputs> {
  const out: CheckInputs = { sources: [], decoded: new Map(), errors: [], notes: [] };
  const add = (file: string, d: DecodedSource): void => {
    for (const message of d.notes) out.notes.push({ file, message });
    const notC = notCReason(file, d.text);
    if (notC !== undefined) {
      out.notes.push({ file, message: `${notC}; skipped` });
      return;
    }
    out.sources.push({ uri: file, text: d.text });
    out.decoded.set(file, d);
  };
  if (paths.length === 1 && paths[0] === '-') {
    const name = options.stdinFilename ?? '<stdin>';
    try {
      add(name, decodeSource(await readStdin(DEFAULT_MAX_FILE_BYTES, name), name));
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      out.errors.push(e.message);
    }
    return out;
  }
  const collected = collectCFiles(paths, options.exclude);
  out.errors.push(...collected.errors.map((e) => e.message));
  for (const file of collected.files) {
    try {
      add(file, readSourceFile(file));
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      out.errors.push(e.message);
    }
  }
  return out;
}

/** The folder a config's relative paths (exclude globs) are relative to. */
export function configRoot(configFile: string | undefined): string {
  return configFile === undefined ? process.cwd() : path.dirname(path.resolve(configFile));
}
