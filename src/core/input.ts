import * as fs from 'node:fs';
import * as path from 'node:path';

/** Files larger than this are refused with a message rather than parsed (see README: limits). */
export const DEFAULT_MAX_FILE_BYTES = 8 * 1024 * 1024;

export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

export const C_EXTENSIONS = new Set(['.c', '.h']);

/**
 * Decodes bytes as UTF-8 C source. Binary content (NUL bytes) and invalid UTF-8 are refused with a
 * message that names the file and the offset; a UTF-8 BOM is replaced by a space so offsets stay.
 */
export function decodeCSource(bytes: Uint8Array, name: string, maxBytes = DEFAULT_MAX_FILE_BYTES): string {
  if (bytes.length > maxBytes) {
    throw new InputError(`${name}: file is ${bytes.length} bytes, over the ${maxBytes}-byte limit; skipped`);
  }
  const scan = Math.min(bytes.length, 1 << 20);
  for (let i = 0; i < scan; i++) {
    if (bytes[i] === 0) throw new InputError(`${name}: binary file (NUL byte at offset ${i}); skipped`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new InputError(`${name}: not valid UTF-8; skipped (convert it to UTF-8 first)`);
  }
  if (text.includes('\0')) throw new InputError(`${name}: binary file (NUL byte); skipped`);
  if (text.charCodeAt(0) === 0xfeff) text = ' ' + text.slice(1);
  return text;
}

export function readCSource(file: string, maxBytes = DEFAULT_MAX_FILE_BYTES): string {
  let bytes: Buffer;
  try {
    const st = fs.statSync(file);
    if (st.isDirectory()) throw new InputError(`${file}: is a directory`);
    if (st.size > maxBytes) throw new InputError(`${file}: file is ${st.size} bytes, over the ${maxBytes}-byte limit; skipped`);
    bytes = fs.readFileSync(file);
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? `${file}: no such file` : `${file}: cannot read (${code ?? String(e)})`);
  }
  return decodeCSource(bytes, file, maxBytes);
}

/**
 * Expands the CLI's file and directory arguments into C files, sorted for deterministic output.
 * Directories recurse (skipping dot-folders and node_modules); a directory with no C file is an error.
 */
export function collectCFiles(args: string[]): string[] {
  const files: string[] = [];
  for (const arg of args) {
    let st: fs.Stats;
    try {
      st = fs.statSync(arg);
    } catch {
      throw new InputError(`${arg}: no such file or directory`);
    }
    if (st.isDirectory()) {
      const found: string[] = [];
      const stack = [arg];
      while (stack.length) {
        const dir = stack.pop()!;
        for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
          const p = path.join(dir, ent.name);
          if (ent.isDirectory()) {
            if (!ent.name.startsWith('.') && ent.name !== 'node_modules') stack.push(p);
          } else if (ent.isFile() && C_EXTENSIONS.has(path.extname(ent.name))) {
            found.push(p);
          }
        }
      }
      if (found.length === 0) throw new InputError(`${arg}: directory holds no .c or .h files`);
      files.push(...found.sort());
    } else {
      files.push(arg);
    }
  }
  return [...new Set(files)];
}
