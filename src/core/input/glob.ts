/**
 * Glob patterns of `lockstep.json` `exclude`: `*` and `?` within a path segment, `**` for any number
 * of segments, `[abc]` / `[a-z]` / `[!x]` classes. A pattern without `/` matches a file or folder
 * name at any depth (as in .gitignore); one with `/` is anchored at the config's folder. Matching is
 * dynamic programming over segments and characters: time grows with pattern × path length, never
 * exponentially, whatever a hostile repository writes.
 */

export class GlobSet {
  private readonly patterns: { segs: string[]; anywhere: boolean }[];

  constructor(patterns: readonly string[]) {
    this.patterns = patterns.map((p) => {
      const norm = p.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '');
      const anywhere = !norm.includes('/');
      return { segs: norm.split('/').filter((s) => s.length > 0), anywhere };
    });
  }

  /** Whether `relPath` (relative to the config's folder, `/`-separated) is excluded. */
  matches(relPath: string): boolean {
    const parts = relPath.replace(/\\/g, '/').split('/').filter((s) => s.length > 0 && s !== '.');
    return this.patterns.some(({ segs, anywhere }) =>
      anywhere ? parts.some((name) => segs.length === 1 && segmentMatch(segs[0]!, name)) : pathMatch(segs, parts));
  }
}

function pathMatch(segs: readonly string[], parts: readonly string[]): boolean {
  // ok[i][j]: segs[i..] matches parts[j..]
  const P = segs.length;
  const S = parts.length;
  let next = new Array<boolean>(S + 1).fill(false);
  next[S] = true; // no segments left matches no parts left
  for (let i = P - 1; i >= 0; i--) {
    const cur = new Array<boolean>(S + 1).fill(false);
    const seg = segs[i]!;
    for (let j = S; j >= 0; j--) {
      if (seg === '**') cur[j] = next[j]! || (j < S && cur[j + 1]!);
      else cur[j] = j < S && next[j + 1]! && segmentMatch(seg, parts[j]!);
    }
    next = cur;
  }
  return next[0]!;
}

/** One pattern segment against one name: DP over characters. */
export function segmentMatch(pattern: string, name: string): boolean {
  const toks = tokenize(pattern);
  const n = name.length;
  let next = new Array<boolean>(n + 1).fill(false);
  next[n] = true;
  for (let i = toks.length - 1; i >= 0; i--) {
    const t = toks[i]!;
    const cur = new Array<boolean>(n + 1).fill(false);
    for (let j = n; j >= 0; j--) {
      if (t.kind === 'star') cur[j] = next[j]! || (j < n && cur[j + 1]!);
      else cur[j] = j < n && next[j + 1]! && t.test(name[j]!);
    }
    next = cur;
  }
  return next[0]!;
}

type Tok = { kind: 'star' } | { kind: 'one'; test: (c: string) => boolean };

function tokenize(pattern: string): Tok[] {
  const out: Tok[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      if (out.at(-1)?.kind !== 'star') out.push({ kind: 'star' });
    } else if (c === '?') {
      out.push({ kind: 'one', test: () => true });
    } else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) {
        out.push({ kind: 'one', test: (x) => x === '[' });
        continue;
      }
      let body = pattern.slice(i + 1, end);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      const ranges: [string, string][] = [];
      for (let k = 0; k < body.length; k++) {
        if (body[k + 1] === '-' && k + 2 < body.length) {
          ranges.push([body[k]!, body[k + 2]!]);
          k += 2;
        } else ranges.push([body[k]!, body[k]!]);
      }
      out.push({ kind: 'one', test: (x) => ranges.some(([a, b]) => x >= a && x <= b) !== negate });
      i = end;
    } else {
      out.push({ kind: 'one', test: (x) => x === c });
    }
  }
  return out;
}
