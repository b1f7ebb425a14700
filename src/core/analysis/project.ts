import type { Parser } from 'web-tree-sitter';
import type { ApiKnowledge } from '../apis/types';
import type { Finding } from '../findings';
import type { SourceRange } from '../source';

/**
 * Whole-set analysis in two phases, so hosts can spread files over workers:
 *   1. `summarizeFile` on every file → lock contracts (annotated and inferred) per function;
 *   2. `checkFile` on every file with the merged `SummaryTable` → findings and lock-order edges;
 *   3. `lockOrderFindings` over all edges → one finding per cycle.
 * Every value crossing a phase boundary is plain JSON (structured-clone safe).
 */

export interface SourceFile {
  uri: string;
  text: string;
}

/** What calling a function does to locks, in terms of its parameters (`$0` = first parameter). */
export interface LockEffect {
  /** Lock expression with parameters as `$n`, e.g. `&$0->lock`, or a global like `rtnl_mutex`. */
  lock: string;
  op: 'acquire' | 'release' | 'requires' | 'try';
  mode?: 'exclusive' | 'shared';
  /** For try: which return means acquired. */
  trySuccess?: 'nonzero' | 'zero';
  family?: string;
  variant?: string;
  source: 'annotation' | 'inferred';
}

export interface FunctionSummary {
  name: string;
  uri: string;
  range: SourceRange;
  effects: LockEffect[];
  /** Locks (as `$n` expressions or globals) taken inside, for one-level lock-order through calls. */
  acquires: string[];
  /** True when every path ends in a non-returning call. */
  noReturn?: boolean;
  /** For `struct:<tag>` entries: field name → type name (lock classes resolve across files). */
  fields?: Record<string, string>;
  /** For `struct:<typedef>` entries: the struct tag the typedef names. */
  canonical?: string;
}

export type SummaryTable = Record<string, FunctionSummary>;

export interface LockOrderEdge {
  /** Lock classes (`datapath::lock` when the owner's struct type is known, else the identity). */
  first: string;
  second: string;
  /** The locks as the code wrote them. */
  firstDisplay?: string;
  secondDisplay?: string;
  /** Set when the second lock is taken inside this called function. */
  via?: string;
  uri: string;
  functionName: string;
  firstRange: SourceRange;
  secondRange: SourceRange;
}

export interface AnalysisOptions {
  knowledge: ApiKnowledge;
  /** Cap on distinct states per CFG node before the function is reported incomplete. */
  maxStatesPerNode?: number;
}

export interface FileStats {
  lines: number;
  functions: number;
  parseMs: number;
  analysisMs: number;
}

export interface FileCheckResult {
  uri: string;
  findings: Finding[];
  lockOrderEdges: LockOrderEdge[];
  stats: FileStats;
  /** Per function: locks and refs it touches (for CodeLens "2 locks · 1 ref"). */
  functions: { name: string; range: SourceRange; locks: number; refs: number }[];
}

export type SummarizeFile = (parser: Parser, file: SourceFile, options: AnalysisOptions) => FunctionSummary[];
export type CheckFile = (parser: Parser, file: SourceFile, summaries: SummaryTable, options: AnalysisOptions) => FileCheckResult;
