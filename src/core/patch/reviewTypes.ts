import type { Finding } from '../findings';
import type { HunkOutcome } from './applyHunks';
import type { FilePatch, Patch, PatchDocument } from './types';

/** What patch review hands to the CLI and the editor. Lines are 0-based. */

export type ReviewStatus = 'introduced' | 'fixed' | 'still-present';

export interface ReviewedFinding {
  status: ReviewStatus;
  finding: Finding;
  /** Patch the finding belongs to (the one that introduced or fixed it). */
  patchOrdinal: number;
  /**
   * Index in the patch item's `files` of the file whose image the finding's positions refer to:
   * the post-image (introduced, still present) or the pre-image (fixed). Undefined for a finding
   * in a file the patch does not touch (lock-order cycles can name one).
   */
  fileIndex?: number;
  /**
   * The patch-document line to show it on: the `+` line (introduced, still present) or `-` line
   * (fixed) it sits on, else the nearest hunk line of its path, else undefined (outside the hunks).
   */
  patchLine?: number;
  /** Text of that patch line without its prefix, for quoting, and its kind (`+`, `-` or context). */
  patchLineText?: string;
  patchLineKind?: 'context' | 'removed' | 'added';
}

export interface FileReview {
  file: FilePatch;
  /** Path shown to users: the new path, or the old one for deletions. */
  path: string;
  /** Why the file was not analysed (`not a C file`, `binary`, …); undefined when it was. */
  skipped?: string;
  /** True when the base lacked the file and both images were rebuilt from the hunks. */
  reconstructed: boolean;
  preText?: string;
  postText?: string;
  /** Per pre/post image line: the patch-document line it came from, or -1. */
  preDocLines: number[];
  postDocLines: number[];
  hunks: HunkOutcome[];
  notes: string[];
}

export interface PatchReviewItem {
  patch: Patch;
  /** Title for humans: the mail subject, or `diff` for a plain diff. */
  label: string;
  files: FileReview[];
  introduced: ReviewedFinding[];
  fixed: ReviewedFinding[];
  stillPresent: ReviewedFinding[];
  notes: string[];
}

export interface PatchReview {
  document: PatchDocument;
  baseDescription: string;
  patches: PatchReviewItem[];
  totals: { patches: number; introduced: number; fixed: number; stillPresent: number; failedHunks: number; reconstructedFiles: number };
}
