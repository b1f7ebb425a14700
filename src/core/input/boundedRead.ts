import * as fs from 'node:fs';
import { InputError } from './inputError';

/**
 * Reads a file that a hostile repository may have planted: `lockstep.json -> /dev/zero`, a FIFO
 * named `x.c`, a socket. Opened without blocking (a FIFO with no writer would block `open` for
 * ever), then `fstat`: anything but a regular file is refused with one line; the read stops at
 * `maxBytes` even when the size says 0 (procfs, devices), so memory stays bounded.
 */
export function readBoundedFile(file: string, maxBytes: number): Buffer {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (e) {
    // A socket cannot be opened at all (ENXIO): say what it is, as fstat would.
    const st = statQuietly(file);
    if (st && !st.isFile() && !st.isDirectory()) throw new InputError(`${file}: ${kindOf(st)}, not a regular file`);
    throw new InputError(`${file}: ${describeErrno(e)}`);
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new InputError(`${file}: ${kindOf(st)}, not a regular file`);
    if (st.size > maxBytes) throw new InputError(`${file}: file is ${st.size} bytes, over the ${maxBytes}-byte limit`);
    const chunks: Buffer[] = [];
    let total = 0;
    const chunk = Buffer.allocUnsafe(Math.min(Math.max(st.size + 1, 4096), 1 << 20, maxBytes + 1));
    for (;;) {
      const n = readSome(fd, chunk, file);
      if (n === 0) break;
      total += n;
      if (total > maxBytes) throw new InputError(`${file}: more than ${maxBytes} bytes, over the limit`);
      chunks.push(Buffer.from(chunk.subarray(0, n)));
    }
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
  } finally {
    fs.closeSync(fd);
  }
}

function readSome(fd: number, into: Buffer, file: string): number {
  try {
    return fs.readSync(fd, into, 0, into.length, null);
  } catch (e) {
    // A regular file does not say EAGAIN; if one does (a network file system), it is unreadable now.
    throw new InputError(`${file}: ${describeErrno(e)}`);
  }
}

function statQuietly(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch {
    return undefined;
  }
}

function kindOf(st: fs.Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'a special file';
}

/** `no such file`, `permission denied`, … — the errno in words, with its code for searching. */
export function describeErrno(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT': return 'no such file';
    case 'EACCES': case 'EPERM': return `permission denied (${code})`;
    case 'EISDIR': return 'is a directory';
    case 'ELOOP': return 'too many levels of symbolic links (ELOOP)';
    case 'ENOTDIR': return 'a path component is not a directory (ENOTDIR)';
    case 'ENAMETOOLONG': return 'file name too long (ENAMETOOLONG)';
    default: return `cannot read (${code ?? (e instanceof Error ? e.message : String(e))})`;
  }
}
