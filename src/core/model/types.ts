// The vocabulary every model shares: where an instruction points, who runs it, the kinds of locks and
// the flow's flag. Step programs (program.ts), the flow table (src/core/flowtable), C extraction
// (src/core/extract) and the explorer (src/core/sim) all speak it; it depends on nothing.

/** A place in a listing or a C file. `line` is 0-based (humans see line + 1). */
export interface SourceLoc {
  uri: string;
  line: number;
}

export type ContextRole = 'packet' | 'put';
export type LockKind = 'rw' | 'mutex' | 'rcu';
export type LockMode = 'read' | 'write';
export type FlowFlag = 'ACTIVE' | 'INACTIVE';

/** One protocol in `simulate --list` and the webview's picker. */
export interface ProtocolInfo {
  name: string;
  title: string;
  summary: string;
  listingUri: string;
}

/** A model the explorer cannot run (undeclared lock, bad jump, too many flows or contexts). */
export class ModelError extends Error {}
