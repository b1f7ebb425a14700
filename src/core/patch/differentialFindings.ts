import { compareFindings, type Finding } from '../findings';

/**
 * Compares the findings of a patch's pre- and post-image. Findings are matched by file and
 * `Finding.key` (rule + function + lock/object identity), never by line, so code that only moved
 * keeps its findings matched. A trailing `#n` in a key (the engine numbers a function's exits that
 * leak the same lock) is dropped: a new leaking exit added before an old one would otherwise
 * renumber the old one. Keys are counted as a multiset: one more after the patch is one
 * introduced finding, and the one reported is the one on the patch's own lines.
 */

export interface FindingDiffInput {
  pre: Finding[];
  post: Finding[];
  /** Pre-image uri → post-image uri for renamed files. */
  renamed: ReadonlyMap<string, string>;
  /** Post-image uri → 0-based lines the patch added. */
  addedLines: ReadonlyMap<string, ReadonlySet<number>>;
  /** Pre-image uri → 0-based lines the patch removed. */
  removedLines: ReadonlyMap<string, ReadonlySet<number>>;
}

export interface FindingDiff {
  introduced: Finding[];
  fixed: Finding[];
  /** In both images, reported on a line the patch adds. */
  stillPresent: Finding[];
}

/** Does the finding's line, or a step of its path, or a related location in its file, lie on `lines`? */
export function touchesLines(f: Finding, lines: ReadonlySet<number> | undefined): boolean {
  if (!lines || lines.size === 0) return false;
  if (lines.has(f.range.start.line)) return true;
  if (f.path.some((s) => lines.has(s.range.start.line))) return true;
  return f.related.some((r) => (r.uri === undefined || r.uri === f.uri) && lines.has(r.range.start.line));
}

/** The identity findings are matched by: the key without an exit ordinal. */
export function matchIdentity(key: string): string {
  return key.replace(/#\d+$/, '');
}

/** A finding and each further place its root cause shows, as findings of their own (counted one by one). */
function instances(findings: Finding[]): Finding[] {
  return findings.flatMap((f) => (f.occurrences?.length ? [f, ...f.occurrences.map((range) => ({ ...f, range, occurrences: undefined }))] : [f]));
}

function group(findings: Finding[], uriOf: (f: Finding) => string): Map<string, Finding[]> {
  const out = new Map<string, Finding[]>();
  for (const f of instances(findings)) {
    const k = `${uriOf(f)}\u0000${matchIdentity(f.key)}`;
    const list = out.get(k);
    if (list) list.push(f);
    else out.set(k, [f]);
  }
  return out;
}

/** How much of a finding the patch's lines make: its own line (2), its path or related lines (1), none. */
function touchRank(f: Finding, lines: ReadonlySet<number> | undefined): number {
  if (lines?.has(f.range.start.line)) return 2;
  return touchesLines(f, lines) ? 1 : 0;
}

/** Most-touched first, then by position: the first `extra` of them are the unmatched ones. */
function byTouch(list: Finding[], lines: ReadonlySet<number> | undefined): Finding[] {
  return [...list].sort((a, b) => touchRank(b, lines) - touchRank(a, lines) || compareFindings(a, b));
}

export function diffFindings(input: FindingDiffInput): FindingDiff {
  const postUri = (f: Finding): string => input.renamed.get(f.uri) ?? f.uri;
  const pre = group(input.pre, postUri);
  const post = group(input.post, (f) => f.uri);
  const introduced: Finding[] = [];
  const fixed: Finding[] = [];
  const stillPresent: Finding[] = [];
  for (const [k, after] of post) {
    const before = pre.get(k) ?? [];
    const added = input.addedLines.get(after[0]!.uri);
    const sorted = byTouch(after, added);
    const extra = Math.max(0, after.length - before.length);
    introduced.push(...sorted.slice(0, extra));
    for (const f of sorted.slice(extra)) if (added?.has(f.range.start.line)) stillPresent.push(f);
  }
  for (const [k, before] of pre) {
    const after = post.get(k) ?? [];
    const extra = before.length - after.length;
    if (extra <= 0) continue;
    fixed.push(...byTouch(before, input.removedLines.get(before[0]!.uri)).slice(0, extra));
  }
  return { introduced: introduced.sort(compareFindings), fixed: fixed.sort(compareFindings), stillPresent: stillPresent.sort(compareFindings) };
}
