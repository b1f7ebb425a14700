// The one step-program form. Reference protocols (src/core/flowtable) and C functions extracted by
// src/core/extract are both written in this instruction set; the explorer (src/core/sim), invariants,
// schedules and webview only ever see it. Every instruction is one step at which real threads can interleave, and carries
// the source location it stands for.
//
// Registers are per context. A *flow register* holds a flow of the table (or NULL); a *value
// register* holds a number (a loaded refcount, a flag read, a loop counter).
//
// Instruction set:
//   acquire L mode        take lock L for 'read' or 'write' (NDIS rw, mutex, or RCU read side);
//                         if it cannot be granted the context first registers as a waiter (a step),
//                         and is granted later (another step)
//   release L             drop L (whatever mode this context holds it in)
//   synchronize L         RCU grace period on L: waits until every reader inside L when it began has left
//   lookup key -> f       walk the table for `key`; binds flow register f (NULL if none);
//                         skipInactive: flows flagged INACTIVE are not returned
//   given key -> f        f = the flow with `key` that was in the table when the scenario began: a
//                         pointer the context's caller found earlier (no table walk, no memory read)
//   insert key -> f       create a flow for `key` (refcount `refcount`, ACTIVE) and link it
//   unlink f              remove f from the table (lookups no longer find it)
//   free f                free f's memory
//   refAtomic f delta     atomic add (InterlockedIncrement/Decrement); the new value goes to `result`
//   refLoad f -> r        plain load of f's refcount into r
//   refStore f <- r+delta plain store of r + delta into f's refcount (r is updated to the stored value)
//   flagRead f -> r       r = 1 if f is ACTIVE, 0 if INACTIVE
//   flagWrite f value     set f's flag
//   use f what            read f's fields while processing (actions, stats)
//   choose -> target      nondeterministic branch: fall through (choice 0) or jump (choice 1)
//   jump cond -> target   conditional jump on model values (see Cond); `always` for an unconditional one
//   loop r max -> target  bounded loop back-edge: r += 1; jump to target while r < max, else r = 0
//   move d <- s + k       register copy, on an edge where paths with different bindings meet: a flow
//                         register gets another's flow (or NULL when there is no source); a value
//                         register gets another's value plus k (or the constant k)
//   call fn               run function fn, then continue after the call
//   return                return to the caller (at top level: the context is done)
//   nop                   a step that only marks a line (code the model does not track)

import type { FlowFlag, LockKind, LockMode, SourceLoc } from './types';

export type { SourceLoc } from './types';

export type CmpOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

/** Conditions a jump can test: all are values the model tracks. */
export type Cond =
  | { kind: 'always' }
  /** Flow register is NULL (or not, with `negate`). */
  | { kind: 'null'; flow: string; negate?: boolean }
  /** Value register against a constant (a refcount loaded or returned by an atomic op, a flag read). */
  | { kind: 'value'; reg: string; op: CmpOp; value: number }
  /** The flow's current refcount in memory against a constant (a racy read: one step). */
  | { kind: 'refcount'; flow: string; op: CmpOp; value: number }
  /** The flow's current flag in memory. */
  | { kind: 'flag'; flow: string; value: FlowFlag };

interface At {
  loc: SourceLoc;
}

export type Instr =
  | (At & { op: 'acquire'; lock: string; mode: LockMode })
  | (At & { op: 'release'; lock: string })
  | (At & { op: 'synchronize'; lock: string })
  | (At & { op: 'lookup'; key: string; flow: string; skipInactive: boolean })
  | (At & { op: 'given'; key: string; flow: string })
  | (At & { op: 'insert'; key: string; flow: string; refcount: number })
  | (At & { op: 'unlink'; flow: string })
  | (At & { op: 'free'; flow: string })
  | (At & { op: 'refAtomic'; flow: string; delta: number; result?: string })
  | (At & { op: 'refLoad'; flow: string; reg: string })
  | (At & { op: 'refStore'; flow: string; reg: string; delta: number })
  | (At & { op: 'flagRead'; flow: string; reg: string })
  | (At & { op: 'flagWrite'; flow: string; value: FlowFlag })
  | (At & { op: 'use'; flow: string; what: string })
  | (At & { op: 'choose'; target: number })
  | (At & { op: 'jump'; cond: Cond; target: number })
  | (At & { op: 'loop'; reg: string; max: number; target: number })
  | (At & { op: 'move'; dest: string; src: string | null; delta: number; flow: boolean })
  | (At & { op: 'call'; fn: string })
  | (At & { op: 'return' })
  | (At & { op: 'nop'; text: string });

export type Op = Instr['op'];

/** A function: instructions indexed from 0; jump targets are indices in the same function. */
export interface StepFunction {
  name: string;
  body: Instr[];
}

/** The program one context runs: an entry function and the functions it may call. */
export interface StepProgram {
  /** "packet" path or "put" path; names the program in messages. */
  name: string;
  entry: string;
  functions: StepFunction[];
}

export interface LockDecl {
  name: string;
  kind: LockKind;
}

/**
 * A model: what a protocol (or an extracted C file) contributes to a scenario. Everything the explorer
 * needs beyond the scenario's counts.
 */
export interface ProtocolModel {
  name: string;
  /** Where the instructions point (lockstep-protocol:/<name>.c or a C file's uri). */
  listingUri: string;
  locks: LockDecl[];
  /** Refcount of a flow already in the table at the start (the table's own reference, or 0). */
  initialRefcount: number;
  packet: StepProgram;
  put: StepProgram;
}

/**
 * Instruction as one line of text, for schedules and the webview. With `lineOf` (the 1-based source
 * line of the instruction at a jump target), jumps say where they go in the listing ("goto line 27");
 * without it, the target's index in the function.
 */
export function instrText(i: Instr, lineOf?: (target: number) => number | undefined): string {
  const to = (t: number): string => {
    const line = lineOf?.(t);
    return line !== undefined ? `line ${line}` : String(t);
  };
  switch (i.op) {
    case 'acquire':
      return `acquire ${i.lock} (${i.mode})`;
    case 'release':
      return `release ${i.lock}`;
    case 'synchronize':
      return `synchronize ${i.lock} (grace period)`;
    case 'lookup':
      return `${i.flow} = lookup ${i.key}${i.skipInactive ? ' (ACTIVE only)' : ''}`;
    case 'given':
      return `${i.flow} = the ${i.key} its caller found`;
    case 'insert':
      return `${i.flow} = insert ${i.key} (refcount ${i.refcount})`;
    case 'unlink':
      return `unlink ${i.flow}`;
    case 'free':
      return `free ${i.flow}`;
    case 'refAtomic':
      return `${i.result !== undefined ? `${i.result} = ` : ''}atomic ${i.flow}.refcount ${i.delta >= 0 ? '+=' : '-='} ${Math.abs(i.delta)}`;
    case 'refLoad':
      return `${i.reg} = ${i.flow}.refcount`;
    case 'refStore':
      return `${i.flow}.refcount = ${i.reg} ${i.delta >= 0 ? '+' : '-'} ${Math.abs(i.delta)}`;
    case 'flagRead':
      return `${i.reg} = ${i.flow}.flag == ACTIVE`;
    case 'flagWrite':
      return `${i.flow}.flag = ${i.value}`;
    case 'use':
      return `use ${i.flow} (${i.what})`;
    case 'choose':
      return lineOf !== undefined ? `choose: continue or go to ${to(i.target)}` : `choose: continue or goto ${i.target}`;
    case 'jump':
      return i.cond.kind === 'always' ? `goto ${to(i.target)}` : `if (${condText(i.cond)}) goto ${to(i.target)}`;
    case 'loop':
      return lineOf !== undefined ? `loop ${i.reg} < ${i.max}: back to ${to(i.target)}` : `loop ${i.reg} < ${i.max}: goto ${i.target}`;
    case 'move':
      if (i.flow) return `${i.dest} = ${i.src ?? 'NULL'}`;
      return `${i.dest} = ${i.src === null ? i.delta : i.delta === 0 ? i.src : `${i.src} ${i.delta > 0 ? '+' : '-'} ${Math.abs(i.delta)}`}`;
    case 'call':
      return `call ${i.fn}`;
    case 'return':
      return 'return';
    case 'nop':
      return i.text;
  }
}

export function condText(c: Cond): string {
  switch (c.kind) {
    case 'always':
      return 'true';
    case 'null':
      return `${c.flow} ${c.negate ? '!=' : '=='} NULL`;
    case 'value':
      return `${c.reg} ${c.op} ${c.value}`;
    case 'refcount':
      return `${c.flow}.refcount ${c.op} ${c.value}`;
    case 'flag':
      return `${c.flow}.flag == ${c.value}`;
  }
}

export function compare(a: number, op: CmpOp, b: number): boolean {
  switch (op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
  }
}
