import { quoteForMessage } from './docLines';
import { dominantEol, joinImage, splitImage, type FileImage } from './image';
import type { Hunk } from './types';

/**
 * Applies a file's hunks in memory the way `git apply` does: each hunk's old lines must match the
 * base exactly, at the line its header names or, failing that, at the nearest other place (an
 * offset). Hunks are matched against the base in order and may not overlap. A hunk that matches
 * nowhere is reported with the first line that differs and left out; the others still apply.
 */

export interface HunkOutcome {
  index: number;
  hunk: Hunk;
  applied: boolean;
  /** 1-based base line where the hunk's old lines start, when applied. */
  appliedAt?: number;
  /** appliedAt minus the header's line (0 when it applied where it said). */
  offset?: number;
  /** Matched only when trailing whitespace is ignored (mailers strip it). */
  whitespaceFuzz?: boolean;
  reason?: string;
}

export interface AppliedImages {
  pre: FileImage;
  post: FileImage;
  preText: string;
  postText: string;
  /** 0-based post-image lines that are the patch's `+` lines. */
  addedLines: number[];
  /** 0-based pre-image lines that the patch removes. */
  removedLines: number[];
  hunks: HunkOutcome[];
}

/** Candidate positions checked per hunk before giving up: bounds time on files of identical lines. */
const MAX_CANDIDATES = 50_000;

function oldLinesOf(hunk: Hunk): string[] {
  const out: string[] = [];
  for (const l of hunk.lines) if (l.kind !== 'added') out.push(l.text);
  return out;
}

function matchAt(base: string[], pos: number, old: string[]): 'exact' | 'fuzz' | undefined {
  let fuzz = false;
  for (let k = 0; k < old.length; k++) {
    const b = base[pos + k]!;
    const o = old[k]!;
    if (b === o) continue;
    if (b.trimEnd() !== o.trimEnd()) return undefined;
    fuzz = true;
  }
  return fuzz ? 'fuzz' : 'exact';
}

class LineIndex {
  private map: Map<string, number[]> | undefined;
  constructor(private readonly lines: string[]) {}
  positions(text: string): number[] {
    if (!this.map) {
      this.map = new Map();
      this.lines.forEach((l, i) => {
        const key = l.trimEnd();
        const list = this.map!.get(key);
        if (list) list.push(i);
        else this.map!.set(key, [i]);
      });
    }
    return this.map.get(text.trimEnd()) ?? [];
  }
}

function explain(base: string[], expected: number, old: string[], path: string): string {
  if (expected + old.length > base.length) {
    return `${path} has ${base.length} lines; the hunk needs ${old.length} old lines from line ${expected + 1}, and they match nowhere else`;
  }
  for (let k = 0; k < old.length; k++) {
    if (base[expected + k]!.trimEnd() !== old[k]!.trimEnd()) {
      return `line ${expected + k + 1} of ${path} is ${quoteForMessage(base[expected + k]!.trim())} but the hunk expects ${quoteForMessage(old[k]!.trim())}, and its old lines match nowhere else`;
    }
  }
  return `its old lines match only before a hunk already applied`;
}

/** First index in the ascending `list` whose value is >= `value`. */
function lowerBound(list: number[], value: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Finds where a hunk's old lines sit: the declared place if they match there, else the nearest
 * exact match at or after `minPos`, else the nearest match ignoring trailing whitespace. Candidates
 * come from the occurrences of the hunk's rarest old line, visited outward from the declared place
 * and capped, so a file of identical lines cannot make this quadratic.
 */
function locate(base: string[], index: LineIndex, old: string[], expected: number, minPos: number): { pos: number; fuzz: boolean } | 'too-many' | undefined {
  if (old.length === 0) return { pos: Math.max(minPos, Math.min(expected, base.length)), fuzz: false };
  const fits = (c: number): boolean => c >= minPos && c + old.length <= base.length;
  if (fits(expected) && matchAt(base, expected, old) === 'exact') return { pos: expected, fuzz: false };
  let anchor = 0;
  let positions = index.positions(old[0]!);
  for (let k = 1; k < old.length && positions.length > 1; k++) {
    const p = index.positions(old[k]!);
    if (p.length < positions.length) {
      anchor = k;
      positions = p;
    }
  }
  let hi = lowerBound(positions, expected + anchor);
  let lo = hi - 1;
  let fuzzy: number | undefined;
  for (let checked = 0; lo >= 0 || hi < positions.length; checked++) {
    if (checked >= MAX_CANDIDATES) return fuzzy === undefined ? 'too-many' : { pos: fuzzy, fuzz: true };
    const target = expected + anchor;
    const takeLow = hi >= positions.length || (lo >= 0 && target - positions[lo]! <= positions[hi]! - target);
    const c = (takeLow ? positions[lo--]! : positions[hi++]!) - anchor;
    if (!fits(c)) continue;
    const m = matchAt(base, c, old);
    if (m === 'exact') return { pos: c, fuzz: false };
    if (m === 'fuzz' && fuzzy === undefined) fuzzy = c;
  }
  return fuzzy === undefined ? undefined : { pos: fuzzy, fuzz: true };
}

export function applyHunks(baseText: string, hunks: Hunk[], path: string): AppliedImages {
  const pre = splitImage(baseText);
  const base = pre.lines;
  const index = new LineIndex(base);
  const eol = dominantEol(pre);
  const post: FileImage = { lines: [], eols: [], docLines: [] };
  const addedLines: number[] = [];
  const removedLines: number[] = [];
  const outcomes: HunkOutcome[] = [];
  let cursor = 0;
  let drift = 0; // offset of the previous applied hunk, carried forward as git does
  const copyBase = (until: number): void => {
    for (; cursor < until; cursor++) {
      post.lines.push(base[cursor]!);
      post.eols.push(pre.eols[cursor]!);
      post.docLines.push(-1);
    }
  };
  hunks.forEach((hunk, i) => {
    const old = oldLinesOf(hunk);
    const declared = hunk.oldCount === 0 ? hunk.oldStart : hunk.oldStart - 1;
    const expected = declared + drift;
    const found = locate(base, index, old, expected, cursor);
    if (found === undefined || found === 'too-many') {
      outcomes.push({
        index: i, hunk, applied: false,
        reason: found === 'too-many' ? `too many places in ${path} look alike to place it (over ${MAX_CANDIDATES})` : explain(base, Math.max(expected, 0), old, path),
      });
      return;
    }
    drift = found.pos - declared;
    outcomes.push({ index: i, hunk, applied: true, appliedAt: found.pos + 1, offset: found.pos - declared, ...(found.fuzz ? { whitespaceFuzz: true } : {}) });
    copyBase(found.pos);
    for (const l of hunk.lines) {
      if (l.kind === 'added') {
        addedLines.push(post.lines.length);
        post.lines.push(l.text);
        post.eols.push(l.noNewlineAtEnd ? '' : eol);
        post.docLines.push(l.docLine);
        continue;
      }
      pre.docLines[cursor] = l.docLine;
      if (l.kind === 'removed') {
        removedLines.push(cursor);
      } else {
        post.lines.push(base[cursor]!);
        post.eols.push(pre.eols[cursor]!);
        post.docLines.push(l.docLine);
      }
      cursor++;
    }
  });
  copyBase(base.length);
  // A line that is no longer last needs an ending even if it had none in the base.
  for (let k = 0; k + 1 < post.eols.length; k++) if (post.eols[k] === '') post.eols[k] = eol;
  return { pre, post, preText: baseText, postText: joinImage(post), addedLines, removedLines, hunks: outcomes };
}
