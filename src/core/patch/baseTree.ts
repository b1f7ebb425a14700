import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeCSource, DEFAULT_MAX_FILE_BYTES, describeErrno, InputError, readBoundedFile } from '../input';

/**
 * Where pre-images come from: a directory, or a git revision read with `git show REV:path`
 * (no shell: arguments go straight to git). `read` returns undefined when the base has no such
 * file and throws InputError when it cannot tell.
 */
export interface BaseProvider {
  /** Human description for messages: `directory /src/ovs`, `git revision HEAD~3`. */
  readonly description: string;
  read(relPath: string): string | undefined;
}

/** Why a patch path cannot be used (it climbs out of the base tree or is absolute), or undefined. */
export function patchPathProblem(relPath: string): string | undefined {
  const norm = path.posix.normalize(relPath.replace(/\\/g, '/'));
  if (norm.startsWith('../') || norm === '..' || path.posix.isAbsolute(norm) || /^[A-Za-z]:/.test(norm)) {
    return `patch path ${JSON.stringify(relPath)} points outside the base tree`;
  }
  return undefined;
}

/** Patch paths are repository-relative; refuse ones that climb out of the base. */
function safeRelative(relPath: string): string {
  const problem = patchPathProblem(relPath);
  if (problem !== undefined) throw new InputError(problem);
  return path.posix.normalize(relPath.replace(/\\/g, '/'));
}

export function directoryBase(dir: string): BaseProvider {
  const root = path.resolve(dir);
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new InputError(`${dir}: base directory not found`);
  return {
    description: `directory ${root}`,
    read(relPath: string): string | undefined {
      const file = path.join(root, safeRelative(relPath));
      try {
        if (!fs.statSync(file).isFile()) return undefined;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
        throw new InputError(`${file}: ${describeErrno(e)}`);
      }
      // Opened without blocking and checked again: the file may have become a FIFO since the stat.
      return decodeCSource(readBoundedFile(file, DEFAULT_MAX_FILE_BYTES), file);
    },
  };
}

const MAX_GIT_OUTPUT = 64 * 1024 * 1024;

function git(cwd: string, args: string[]): { ok: true; out: Buffer } | { ok: false; message: string } {
  try {
    return { ok: true, out: execFileSync('git', args, { cwd, maxBuffer: MAX_GIT_OUTPUT, stdio: ['ignore', 'pipe', 'pipe'] }) };
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: Buffer };
    if (err.code === 'ENOENT') return { ok: false, message: 'git is not installed (needed for --base)' };
    return { ok: false, message: (err.stderr?.toString('utf8') ?? String(e)).trim().split('\n')[0] ?? 'git failed' };
  }
}

/** `--base REV`: checks the revision once, then reads each file with `git show REV:path`. */
export function gitRevisionBase(rev: string, cwd: string): BaseProvider {
  if (rev.startsWith('-')) throw new InputError(`--base ${rev}: not a revision`);
  const check = git(cwd, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]);
  if (!check.ok) throw new InputError(`--base ${rev}: ${check.message || 'not a commit in this repository'}`);
  const commit = check.out.toString('utf8').trim();
  return {
    description: `git revision ${rev} (${commit.slice(0, 12)})`,
    read(relPath: string): string | undefined {
      const rel = safeRelative(relPath);
      // `REV:path` is relative to the repository root, as patch paths are, whatever the cwd.
      const exists = git(cwd, ['cat-file', '-e', `${commit}:${rel}`]);
      if (!exists.ok) return undefined;
      const shown = git(cwd, ['show', `${commit}:${rel}`]);
      if (!shown.ok) throw new InputError(`git show ${rev}:${rel}: ${shown.message}`);
      return decodeCSource(shown.out, `${rev}:${rel}`);
    },
  };
}

/** A base seen through the changes of the patches already applied in a series. */
export class OverlayBase implements BaseProvider {
  private readonly changes = new Map<string, string | null>();
  constructor(private readonly base: BaseProvider) {}
  get description(): string {
    return this.base.description;
  }
  read(relPath: string): string | undefined {
    if (this.changes.has(relPath)) return this.changes.get(relPath) ?? undefined;
    return this.base.read(relPath);
  }
  write(relPath: string, text: string): void {
    this.changes.set(relPath, text);
  }
  remove(relPath: string): void {
    this.changes.set(relPath, null);
  }
  forget(relPath: string): void {
    this.changes.delete(relPath);
  }
}
