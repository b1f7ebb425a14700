import type { ApiKnowledge } from '../../core/apis/types';
import type { ReviewView } from './reviewView';

/**
 * Messages between the extension host and the patch-review worker (plain JSON, structured clone).
 * A review takes two rounds: the worker parses the patch and asks for the base files it touches
 * (the host reads them through the VS Code file system API, so virtual workspaces work too), then
 * applies, analyses and answers with the view.
 */
export type PatchHostMessage =
  | { type: 'review'; id: number; text: string }
  /** Answer to `needFiles`: each path's bytes, or null when the base has no such file. */
  | { type: 'files'; id: number; files: { path: string; bytes: Uint8Array | null }[]; knowledge?: ApiKnowledge; defines?: Record<string, string> };

export type PatchWorkerReply =
  | { type: 'ready' }
  | { type: 'needFiles'; id: number; paths: string[] }
  | { type: 'reviewed'; id: number; view: ReviewView; ms: number }
  /** `line` (0-based) when the patch is malformed at a known line. */
  | { type: 'failed'; id: number; message: string; line?: number; stack?: string };
