import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SourceRange } from '../source';

/** A URI with a scheme (`file:///x`, `untitled:1`), not a path (a Windows drive `C:` is a path). */
export function hasScheme(uri: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]+:/.test(uri);
}

/** How a finding's file is shown to a person: a path, relative to `cwd` when it lies under it. */
export function displayPath(uri: string, cwd: string): string {
  let p = uri;
  if (uri.startsWith('file:')) {
    try {
      p = fileURLToPath(uri);
    } catch {
      return uri;
    }
  } else if (hasScheme(uri)) {
    return uri;
  }
  if (path.isAbsolute(p)) {
    const rel = path.relative(cwd, p);
    if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) return rel;
  }
  return p;
}

/** `file:line:col` with 1-based line and column. */
export function humanPos(file: string, range: SourceRange): string {
  return `${file}:${range.start.line + 1}:${range.start.column + 1}`;
}

/** A 1-based copy of a range (end exclusive), for JSON and SARIF readers. */
export function oneBased(range: SourceRange): SourceRange {
  return {
    start: { line: range.start.line + 1, column: range.start.column + 1 },
    end: { line: range.end.line + 1, column: range.end.column + 1 },
  };
}
