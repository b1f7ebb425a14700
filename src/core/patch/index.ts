/**
 * Patch review, the API hosts use (CLI, editor). `reviewPatch(text, base, { analyze })` parses a
 * diff / format-patch mail / mbox, applies it in memory and returns per patch: header lines in
 * the document, per-file pre/post images with line maps, hunk outcomes, and findings introduced,
 * fixed and still present, each mapped to its line in the patch document.
 */
export { reviewPatch, reviewDocument, type Analyzer, type ReviewOptions } from './reviewPatch';
export { engineAnalyzer } from './engineAnalyzer';
export { directoryBase, gitRevisionBase, OverlayBase, type BaseProvider } from './baseTree';
export { parsePatchDocument } from './parsePatchDocument';
export { patchSummary } from './lensSummary';
export { formatReviewText } from './formatReviewText';
export { reviewToJson } from './formatReviewJson';
export { reviewToSarif } from './reviewSarif';
export type { HunkOutcome } from './applyHunks';
export type { FileReview, PatchReview, PatchReviewItem, ReviewedFinding, ReviewStatus } from './reviewTypes';
export { PatchParseError, type DocLine, type FilePatch, type Hunk, type HunkLine, type MailInfo, type Patch, type PatchDocument } from './types';
