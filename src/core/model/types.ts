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

/** A parameter of a protocol's reading of the seed thread (a choice the thread leaves open). */
export interface VariantParam {
  name: string;
  values: string[];
  /** The value of the protocol's plain name: the reading that breaks. */
  default: string;
  /** One line per value: what it means and whose words it is. */
  meaning: Record<string, string>;
}

/** One protocol in `simulate --list` and the webview's picker. */
export interface ProtocolInfo {
  name: string;
  title: string;
  summary: string;
  listingUri: string;
  /** Parameters, for protocols that have variants (`--variant name=value`); absent otherwise. */
  variants?: VariantParam[];
  /** For a variant: the parameter values it was built with (every parameter). */
  values?: Record<string, string>;
}

/** A model the explorer cannot run (undeclared lock, bad jump, too many flows or contexts). */
export class ModelError extends Error {}
