import type { ApiKnowledge } from '../core/apis/types';
import type { Finding } from '../core/findings';
import type { FileCheckResult, SourceFile } from '../core/analysis/types';
import type { OffsetChange } from './textChanges';

/**
 * Messages between the extension host and the analysis worker. Everything is plain JSON, so it
 * crosses `postMessage` by structured clone. Requests carry an `id`; the worker answers each with a
 * reply of the same id. Document messages (open/change/close) have no reply: they keep the
 * worker's copy of each open document in step with the editor.
 */
export type HostMessage =
  | { type: 'configure'; id: number; knowledge: ApiKnowledge; maxStatesPerNode?: number; defines?: Record<string, string> }
  | { type: 'open'; uri: string; version: number; text: string }
  | { type: 'change'; uri: string; version: number; changes: OffsetChange[]; length: number }
  | { type: 'close'; uri: string }
  /** Check an open document at `version` (answered `cancelled` if a newer version arrived first). */
  | { type: 'check'; id: number; uri: string; version: number }
  /** Workspace index, phase 1: record a closed file's function summaries. */
  | { type: 'summarize'; id: number; file: SourceFile }
  /** Workspace index, phase 2: check a closed file against every summary known. */
  | { type: 'checkFile'; id: number; file: SourceFile }
  /** A file left the workspace: drop its summaries and lock-order edges. */
  | { type: 'forget'; id: number; uri: string }
  /** Test hook: make the next check of `uri` throw or hang, to prove the host survives it. */
  | { type: 'fault'; id: number; uri: string; kind: 'throw' | 'hang' | 'exit'; minVersion?: number };

export type AnalysisStage = 'parse' | 'summarize' | 'check' | 'lock-order' | 'fixes' | 'sync' | 'configure';

export interface CheckReply {
  uri: string;
  version: number;
  findings: Finding[];
  /** Lock-order cycles over the whole workspace (they may point into other files). */
  lockOrder: Finding[];
  functions: FileCheckResult['functions'];
  stats: FileCheckResult['stats'];
  /** Wall time in the worker for this request. */
  ms: number;
  incremental: boolean;
  /** Functions analysed for this reply (the others' results were reused). */
  analysed: number;
}

export type WorkerReply =
  | { type: 'ready' }
  /** The worker compiled the engine on a throwaway document (`ms` -1 and `error` when that failed). */
  | { type: 'warmedUp'; ms: number; complete: boolean; error?: string; codeCache?: string }
  | { type: 'ok'; id: number }
  | { type: 'checked'; id: number; result: CheckReply }
  | { type: 'summarized'; id: number; uri: string; functions: number; ms: number }
  | { type: 'cancelled'; id: number; reason: string }
  /** The worker's copy of a document no longer matches: the host sends `open` with the full text. */
  | { type: 'resync'; id: number; uri: string }
  | { type: 'failed'; id: number; uri?: string; stage: AnalysisStage; message: string; stack?: string };

export function isWorkerReply(value: unknown): value is WorkerReply {
  if (typeof value !== 'object' || value === null) return false;
  const t = (value as { type?: unknown }).type;
  return typeof t === 'string' && ['ready', 'warmedUp', 'ok', 'checked', 'summarized', 'cancelled', 'resync', 'failed'].includes(t);
}
