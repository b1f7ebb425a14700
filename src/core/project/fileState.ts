import type { Contract } from '../analysis/contracts';
import type { FnEntry, PreparedFile } from '../analysis/engine';
import type { MacroCall } from '../analysis/macroCalls';
import type { RcuFieldTable } from '../analysis/rcuFields';
import type { SlotBinding } from '../analysis/opsTables';
import type { Registration } from '../analysis/executionContexts';
import type { FunctionInfo, FunctionSummary, LockOrderEdge, StructInfo } from '../analysis/types';
import type { FunctionDef } from '../c/functions';
import type { TextSpan } from '../c/parse';
import type { Finding } from '../findings';
import type { LockVariantUse } from '../analysis/lockContext';
import type { TypeFree } from '../analysis/tryRef';
import type { FunctionAccesses } from '../analysis/fieldAccesses';
import type { Suppression } from '../rules/suppression';
import { fnKey, type FnKey } from './identity';
import type { CallerRelease } from './calleeReleases';

/** What the pipeline keeps per file between runs: its text, what its last parse said, and per-function results. */
export interface FileRecord {
  uri: string;
  text: string;
  /** Position in processing order (headers first, then input order). */
  order: number;
  info?: FileInfo;
  /** Set when parsing or indexing failed: the reason, said as an `analysis-incomplete` note. */
  failure?: string;
}

/** The file's parse, reduced to what outlives its tree. */
export interface FileInfo {
  /** The text the info was read from (a newer text means the file must be read again). */
  text: string;
  functions: FnRecord[];
  contracts: Map<string, Contract>;
  structs: Map<string, StructInfo>;
  globals: Set<string>;
  statics: Set<string>;
  /** Declared types of the file-scope variables (lock classes through globals: analysis/lockClass.ts). */
  globalTypes?: Map<string, string>;
  suppressions: Suppression[];
  lines: number;
  parseMs: number;
  /** Known API calls hidden by code that does not parse outside every function (parseDamage.ts). */
  damage?: Finding[];
  recursiveLocks: Set<string>;
  graceFreed: Set<string>;
  /** Fields the file publishes to RCU readers and frees after grace periods (analysis/rcuFields.ts). */
  rcuFields?: RcuFieldTable;
  /** One-call function-like macros the file defines (analysis/macroCalls.ts). */
  macroCalls?: Map<string, MacroCall>;
  /** Functions the file's struct tables put in slots (analysis/opsTables.ts). */
  slots?: SlotBinding[];
  /** Functions the file registers as callbacks run in a context of their own (analysis/executionContexts.ts). */
  registrations?: Registration[];
  /** Functions returning a lockdep predicate, and the lock it names (analysis/heldPredicates.ts). */
  predicates?: Map<string, string>;
}

/** One function definition; `result` is what its last analysis (or relevance check) gave. */
export interface FnRecord {
  /** `uri#name#n`: the n-th definition of that name in the file (preprocessor alternatives repeat names). */
  id: string;
  key: FnKey;
  name: string;
  isStatic: boolean;
  startLine: number;
  def: Pick<FunctionDef, 'name' | 'range' | 'nameRange' | 'params' | 'isStatic'>;
  calls: readonly string[];
  text: string;
  /** Where its definition lies in the file's text (a round parses only the functions it runs). */
  span: TextSpan;
  result?: FnResult;
}

export interface FnResult {
  /** The function text analysed; the results are valid for the same text at another line (shifted). */
  text: string;
  startLine: number;
  /** What the analysis depended on (callee summaries, contract, structs): a change makes it stale. */
  signature: string;
  analysed: boolean;
  /** Analysed only in part (path budget, cut body): its summary is the last full one (partialSummary.ts). */
  partial?: boolean;
  summary?: FunctionSummary;
  findings: Finding[];
  edges: LockOrderEdge[];
  /** Linux lock acquires by variant (context-mismatch pairs them across the inputs). */
  variants?: LockVariantUse[];
  /** Struct types the function frees, at once or after a grace period (try-ref-needed keeps only the latter's). */
  frees?: TypeFree[];
  /** Fields touched and the same object's locks held there (inferred guards, inferredGuards.ts). */
  accesses?: FunctionAccesses;
  info?: FunctionInfo;
  /** Struct names the lock classes looked up (part of the signature). */
  structDeps: string[];
  /** The caller's locks it releases on some exits only (calleeReleases.ts). */
  callerReleases?: CallerRelease[];
  ms: number;
}

/** The records of a freshly prepared file, keeping the results of functions whose text is unchanged. */
export function fileInfoOf(p: PreparedFile, previous: FileInfo | undefined): FileInfo {
  const old = new Map<string, FnResult>();
  for (const f of previous?.functions ?? []) if (f.result) old.set(`${f.name}\u0000${f.text}`, f.result);
  const seen = new Map<string, number>();
  const functions = p.fns.map((e: FnEntry): FnRecord => {
    const n = seen.get(e.fn.name) ?? 0;
    seen.set(e.fn.name, n + 1);
    const { fn } = e;
    return {
      id: `${p.file.uri}#${fn.name}#${n}`,
      key: fnKey(p.file.uri, fn.name, fn.isStatic),
      name: fn.name,
      isStatic: fn.isStatic,
      startLine: fn.range.start.line,
      def: { name: fn.name, range: fn.range, nameRange: fn.nameRange, params: fn.params, isStatic: fn.isStatic },
      calls: e.sortedCalls,
      text: e.text,
      span: { startIndex: fn.node.startIndex, endIndex: fn.node.endIndex, startPosition: fn.node.startPosition, endPosition: fn.node.endPosition },
      result: old.get(`${fn.name}\u0000${e.text}`),
    };
  });
  return {
    text: p.file.text, functions, contracts: p.contracts, structs: p.structs, globals: p.globals, statics: p.statics, globalTypes: p.globalTypes,
    suppressions: p.suppressions, lines: p.lines, parseMs: p.parseMs, recursiveLocks: p.recursiveLocks,
    graceFreed: p.graceFreed, rcuFields: p.rcuFields, macroCalls: p.macroCalls, slots: p.slots,
    registrations: p.registrations, predicates: p.predicates,
  };
}

/** A cheap hash of a text, for signatures (collisions only cost a missed reuse check, and 53 bits make them rare). */
export function textHash(s: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}
