import type { SourceFile } from '../analysis/types';
import type { Finding } from '../findings';
import { InputError } from '../input';
import { applyHunks, type AppliedImages } from './applyHunks';
import { OverlayBase, patchPathProblem, type BaseProvider } from './baseTree';
import { diffFindings } from './differentialFindings';
import { parsePatchDocument } from './parsePatchDocument';
import { reconstructFromHunks } from './reconstruct';
import type { FileReview, PatchReview, PatchReviewItem, ReviewedFinding, ReviewStatus } from './reviewTypes';
import type { FilePatch, HunkLine, Patch, PatchDocument } from './types';

/**
 * Patch review: parse the document, apply each patch of a series in order on top of the previous
 * one's post-image, analyse the pre- and post-image of every touched C file, and sort the findings
 * into introduced / fixed / still present. The analyser is a parameter so the matching can be
 * tested without the engine and hosts choose how to run it (see `engineAnalyzer`).
 */

export type Analyzer = (files: SourceFile[]) => Finding[];

export interface ReviewOptions {
  analyze: Analyzer;
  /** Which paths are analysed; default `.c` and `.h`. */
  isAnalysable?: (path: string) => boolean;
}

const isCPath = (p: string): boolean => /\.[ch]$/i.test(p);

export function reviewPatch(text: string, base: BaseProvider, options: ReviewOptions): PatchReview {
  return reviewDocument(parsePatchDocument(text), base, options);
}

export function reviewDocument(document: PatchDocument, base: BaseProvider, options: ReviewOptions): PatchReview {
  const state = new OverlayBase(base);
  const patches = document.patches.filter((p) => p.files.length > 0).map((p) => reviewOne(p, state, options));
  const all = <K extends 'introduced' | 'fixed' | 'stillPresent'>(k: K): number => patches.reduce((n, p) => n + p[k].length, 0);
  return {
    document,
    baseDescription: base.description,
    patches,
    totals: {
      patches: patches.length,
      introduced: all('introduced'),
      fixed: all('fixed'),
      stillPresent: all('stillPresent'),
      failedHunks: patches.reduce((n, p) => n + p.files.reduce((m, f) => m + f.hunks.filter((h) => !h.applied).length, 0), 0),
      reconstructedFiles: patches.reduce((n, p) => n + p.files.filter((f) => f.reconstructed).length, 0),
    },
  };
}

/** A line worth quoting: not blank, not only a brace, not a comment. */
function isCode(text: string | undefined): boolean {
  const t = (text ?? '').trim();
  return t !== '' && !/^[{}]+;?$/.test(t) && !t.startsWith('/*') && !t.startsWith('//') && !t.startsWith('*');
}

function readQuietly(state: OverlayBase, path: string): string | undefined {
  try {
    return state.read(path);
  } catch {
    return undefined;
  }
}

function labelOf(patch: Patch): string {
  return patch.mail?.subject || (patch.mail ? `mail ${patch.ordinal + 1}` : 'diff');
}

interface Imaged {
  review: FileReview;
  images?: AppliedImages;
}

function imageFile(file: FilePatch, state: OverlayBase, options: ReviewOptions): Imaged {
  const path = file.newPath ?? file.oldPath ?? '?';
  const review: FileReview = { file, path, reconstructed: false, preDocLines: [], postDocLines: [], hunks: [], notes: [] };
  // Every path the patch names must stay inside the base tree: new files and rename targets too,
  // or a report would name (and a host might open) `../../../tmp/x.c` or `/etc/x.c`.
  for (const p of [file.oldPath, file.newPath]) {
    const escapes = p === undefined ? undefined : patchPathProblem(p);
    if (escapes !== undefined) return { review: { ...review, skipped: escapes } };
  }
  const analysable = options.isAnalysable ?? isCPath;
  if (file.binary) return { review: { ...review, skipped: 'binary file' } };
  if (!analysable(path) && !(file.oldPath && analysable(file.oldPath))) return { review: { ...review, skipped: 'not a C file' } };
  let baseText: string | undefined;
  try {
    if (file.status === 'added') {
      if (readQuietly(state, path) !== undefined) review.notes.push(`${path} is a new file in the patch but already exists in the base; reviewed as new`);
      baseText = '';
    } else {
      baseText = state.read(file.oldPath ?? path);
    }
  } catch (e) {
    // A base file that is binary, not UTF-8 or outside the tree skips this file, not the review.
    if (e instanceof InputError) return { review: { ...review, skipped: e.message } };
    throw e;
  }
  let images: AppliedImages;
  if (baseText === undefined) {
    try {
      images = reconstructFromHunks(file.hunks);
    } catch (e) {
      if (e instanceof InputError) return { review: { ...review, skipped: e.message } };
      throw e;
    }
    review.reconstructed = true;
    review.notes.push(`${file.oldPath ?? path} is not in the base (${state.description}); analysed the functions as far as the hunks show them`);
  } else {
    images = applyHunks(baseText, file.hunks, file.oldPath ?? path);
  }
  review.hunks = images.hunks;
  review.preDocLines = images.pre.docLines;
  review.postDocLines = images.post.docLines;
  if (file.status !== 'added') review.preText = images.preText;
  if (file.status !== 'deleted') review.postText = images.postText;
  for (const h of images.hunks) {
    if (h.applied && h.offset) review.notes.push(`hunk #${h.index + 1} ${h.hunk.header} applied at line ${h.appliedAt} (offset ${h.offset > 0 ? '+' : ''}${h.offset})`);
    if (h.whitespaceFuzz) review.notes.push(`hunk #${h.index + 1} ${h.hunk.header} matched only when trailing whitespace is ignored`);
  }
  return { review, images };
}

function reviewOne(patch: Patch, state: OverlayBase, options: ReviewOptions): PatchReviewItem {
  const imaged = patch.files.map((f) => imageFile(f, state, options));
  const preFiles: SourceFile[] = [];
  const postFiles: SourceFile[] = [];
  const renamed = new Map<string, string>();
  const addedLines = new Map<string, Set<number>>();
  const removedLines = new Map<string, Set<number>>();
  for (const { review, images } of imaged) {
    if (!images) continue;
    const { file } = review;
    if (file.oldPath && review.preText !== undefined) {
      preFiles.push({ uri: file.oldPath, text: review.preText });
      removedLines.set(file.oldPath, new Set(images.removedLines));
    }
    if (file.newPath && review.postText !== undefined) {
      postFiles.push({ uri: file.newPath, text: review.postText });
      addedLines.set(file.newPath, new Set(images.addedLines));
    }
    if (file.oldPath && file.newPath && file.oldPath !== file.newPath) renamed.set(file.oldPath, file.newPath);
  }
  const diff = diffFindings({
    pre: preFiles.length ? options.analyze(preFiles) : [],
    post: postFiles.length ? options.analyze(postFiles) : [],
    renamed,
    addedLines,
    removedLines,
  });
  // The next patch of the series starts from this one's post-image (reconstructed files excepted:
  // a fragment is no base, so later patches rebuild from their own hunks).
  for (const { review } of imaged) {
    const { file } = review;
    if (review.reconstructed || review.skipped) continue;
    if (file.oldPath && (file.status === 'deleted' || file.status === 'renamed')) state.remove(file.oldPath);
    if (file.newPath && review.postText !== undefined) state.write(file.newPath, review.postText);
  }
  const byPre = new Map(imaged.map((i) => [i.review.file.oldPath ?? '', i.review]));
  const byPost = new Map(imaged.map((i) => [i.review.file.newPath ?? '', i.review]));
  const hunkLines = new Map<number, HunkLine>();
  for (const f of patch.files) for (const h of f.hunks) for (const l of h.lines) hunkLines.set(l.docLine, l);
  const locate = (status: ReviewStatus, finding: Finding): ReviewedFinding => {
    const fileReview = status === 'fixed' ? byPre.get(finding.uri) : byPost.get(finding.uri);
    const docLines = status === 'fixed' ? fileReview?.preDocLines : fileReview?.postDocLines;
    const want = status === 'fixed' ? 'removed' : 'added';
    const candidates = [finding.range.start.line, ...finding.path.map((s) => s.range.start.line),
      ...finding.related.filter((r) => r.uri === undefined || r.uri === finding.uri).map((r) => r.range.start.line)];
    const docOf = (line: number): number | undefined => {
      const d = docLines?.[line];
      return d === undefined || d < 0 ? undefined : d;
    };
    // The finding's own line first, then its path and related lines; comments and braces quote badly,
    // unless the finding is about the comment itself (a suppression on a `+` line).
    const inHunks = candidates.map(docOf).filter((d): d is number => d !== undefined && hunkLines.has(d));
    const docs = inHunks.filter((d) => isCode(hunkLines.get(d)?.text));
    const own = docs.find((d) => hunkLines.get(d)?.kind === want);
    const ownLine = docOf(finding.range.start.line);
    const any = own ?? docs[0] ?? (ownLine !== undefined && hunkLines.has(ownLine) ? ownLine : inHunks[0]);
    const line = any === undefined ? undefined : hunkLines.get(any);
    const fileIndex = fileReview ? imaged.findIndex((i) => i.review === fileReview) : -1;
    return {
      status, finding, patchOrdinal: patch.ordinal,
      ...(fileIndex >= 0 ? { fileIndex } : {}),
      ...(any !== undefined ? { patchLine: any } : {}),
      ...(line ? { patchLineText: line.text, patchLineKind: line.kind } : {}),
    };
  };
  const notes = imaged.flatMap((i) => i.review.notes);
  return {
    patch,
    label: labelOf(patch),
    files: imaged.map((i) => i.review),
    introduced: diff.introduced.map((f) => locate('introduced', f)),
    fixed: diff.fixed.map((f) => locate('fixed', f)),
    stillPresent: diff.stillPresent.map((f) => locate('still-present', f)),
    notes,
  };
}
