import type { Finding } from '../../core/findings';
import { patchSummary } from '../../core/patch/lensSummary';
import type { PatchReview, ReviewedFinding } from '../../core/patch/reviewTypes';
import type { PatchDocument } from '../../core/patch/types';
import { plainMessage } from '../diagnosticText';

/**
 * What the editor needs of a patch review, as plain JSON (it crosses postMessage from the review
 * worker): per patch, the line its CodeLens goes on and the summary, the post-image of each file,
 * and the introduced findings with the patch line they are shown on. No vscode here: unit-tested.
 */

export interface ViewFile {
  path: string;
  /** Path in the base tree (the old path of a rename); undefined for a new file. */
  basePath?: string;
  /**
   * Whether the pre-image is the base tree's file, so `postToPre` lines are lines of the workspace
   * file (false: a new file, rebuilt from the hunks, or already changed by an earlier patch of the series).
   */
  inBase: boolean;
  postText?: string;
  /** Per post-image line, the base line it corresponds to (see `postToPreLines`). */
  postToPre: number[];
}

export interface ViewFinding {
  finding: Finding;
  /** 0-based line of the patch document (a `+` line when the finding sits on one). */
  patchLine: number;
  patchLineKind?: 'context' | 'removed' | 'added';
  /** Index in the patch's `files` whose post-image `finding`'s positions refer to. */
  fileIndex?: number;
}

export interface ViewPatch {
  ordinal: number;
  label: string;
  /** 0-based line of the patch header: the mail's Subject, else the first file's `diff --git` / `---` line. */
  headerLine: number;
  summary: string;
  files: ViewFile[];
  introduced: ViewFinding[];
}

export interface ReviewView {
  patches: ViewPatch[];
  /** One per patch document: several patches get their subject named in the diagnostics. */
  series: boolean;
}

/** The line a patch's CodeLens sits on. */
export function headerLineOf(patch: PatchDocument['patches'][number]): number {
  return patch.mail?.subjectDocLine ?? patch.files[0]?.headerStartDocLine ?? patch.startDocLine;
}

/**
 * Maps each post-image line to a base (pre-image) line: context lines by the patch line they share,
 * lines outside every hunk in order (they are the same lines on both sides), and an added line to
 * the base line that follows the place it was inserted at (clamped to the last line).
 */
export function postToPreLines(preDocLines: readonly number[], postDocLines: readonly number[]): number[] {
  const preByDoc = new Map<number, number>();
  const preOutside: number[] = [];
  preDocLines.forEach((d, i) => (d >= 0 ? preByDoc.set(d, i) : preOutside.push(i)));
  const last = Math.max(0, preDocLines.length - 1);
  const out: number[] = [];
  let outside = 0;
  let previous = -1;
  for (const d of postDocLines) {
    let pre: number | undefined;
    if (d < 0) pre = preOutside[outside++];
    else pre = preByDoc.get(d);
    if (pre === undefined) {
      out.push(Math.min(previous + 1, last));
    } else {
      out.push(pre);
      previous = pre;
    }
  }
  return out;
}

function viewFinding(r: ReviewedFinding): ViewFinding | undefined {
  if (r.patchLine === undefined) return undefined;
  return {
    finding: r.finding,
    patchLine: r.patchLine,
    ...(r.patchLineKind ? { patchLineKind: r.patchLineKind } : {}),
    ...(r.fileIndex !== undefined ? { fileIndex: r.fileIndex } : {}),
  };
}

export function toReviewView(review: PatchReview): ReviewView {
  const touched = new Set<string>();
  const patches = review.patches.map((item): ViewPatch => ({
    ordinal: item.patch.ordinal,
    label: item.label,
    headerLine: headerLineOf(item.patch),
    summary: patchSummary(item),
    files: item.files.map((f): ViewFile => {
      const basePath = f.file.oldPath ?? f.path;
      const inBase = f.file.status !== 'added' && !f.reconstructed && f.skipped === undefined && !touched.has(basePath);
      touched.add(basePath);
      if (f.file.newPath) touched.add(f.file.newPath);
      return {
        path: f.path,
        ...(f.file.oldPath ? { basePath: f.file.oldPath } : {}),
        inBase,
        ...(f.postText !== undefined ? { postText: f.postText } : {}),
        postToPre: inBase ? postToPreLines(f.preDocLines, f.postDocLines) : [],
      };
    }),
    // Findings with no line in the patch (outside every hunk) are left to the CLI's report.
    introduced: item.introduced.map(viewFinding).filter((v): v is ViewFinding => v !== undefined),
  }));
  return { patches, series: review.patches.length > 1 };
}

/** Every path the review reads from the base tree: old paths of changed files, new paths of added ones. */
export function basePathsOf(document: PatchDocument): string[] {
  const paths = new Set<string>();
  for (const p of document.patches) {
    for (const f of p.files) {
      if (f.binary) continue;
      const path = f.status === 'added' ? f.newPath : (f.oldPath ?? f.newPath);
      if (path) paths.add(path);
    }
  }
  return [...paths];
}

/** The diagnostic message: the finding's own, with the patch named when the document holds a series. */
export function diagnosticMessage(view: ReviewView, patch: ViewPatch, f: ViewFinding): string {
  const message = plainMessage(f.finding);
  return view.series ? `${message} (introduced by ${patch.label})` : message;
}

/** Patch-ish files the editor reviews on open. */
export const PATCH_FILE_EXTENSIONS = ['patch', 'diff', 'eml', 'mbox'] as const;

export function isPatchFileName(name: string): boolean {
  const m = /\.([A-Za-z]+)$/.exec(name);
  return !!m && (PATCH_FILE_EXTENSIONS as readonly string[]).includes(m[1]!.toLowerCase());
}
