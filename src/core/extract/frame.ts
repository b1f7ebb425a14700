// Compile-time state of one function being lowered (the entry function, or an inlined call): what
// each C variable stands for in the model on the path being compiled, and the program-wide register
// table. The compiler gives each CFG node the bindings its predecessors left and merges them where
// paths meet (paths.ts), so a binding is what the path assigned, never what an earlier branch in
// source order did.

import type { Cond } from '../model/program';

/** What an expression is in the model. */
export type Val =
  /** A flow register (a pointer to a flow, or NULL). */
  | { k: 'flow'; reg: string }
  | { k: 'null' }
  /** A number in a value register, plus a compile-time offset (`n++` after `n = f->refCount`). */
  | { k: 'num'; reg: string; off: number }
  /** A truth value in a value register: true when reg != 0, inverted by `neg`. */
  | { k: 'bool'; reg: string; neg: boolean }
  | { k: 'const'; v: number }
  /** A flow's refcount in memory, not read yet (a comparison reads it in one step). */
  | { k: 'rc'; flow: string }
  /** A flow's flag field in memory, not read yet; `inactiveWhenTrue` for deleted-style booleans. */
  | { k: 'flagmem'; flow: string; style: 'state' | 'deleted' | 'active' }
  /** A name with no binding (an enum constant such as ACTIVE, a global). */
  | { k: 'name'; text: string }
  /** A test decided when the branch runs (it may read memory then). */
  | { k: 'cond'; cond: Cond }
  /** A test of registers only, stored in a variable (`last = n == 0`). */
  | { k: 'test'; cond: Extract<Cond, { kind: 'value' | 'null' }> }
  | { k: 'unknown' };

export type Binding = Extract<Val, { k: 'flow' | 'null' | 'num' | 'bool' | 'const' | 'test' | 'unknown' }>;

export class Registers {
  private kinds = new Map<string, 'flow' | 'value'>();
  private temps = 0;

  /** The table as it is now; `restore` goes back to it (a function compiled again). */
  snapshot(): () => void {
    const kinds = new Map(this.kinds);
    const temps = this.temps;
    return () => {
      this.kinds = kinds;
      this.temps = temps;
    };
  }

  /** A register called `name` of the given kind (renamed if the name is taken by the other kind). */
  claim(name: string, kind: 'flow' | 'value'): string {
    let n = name;
    while (this.kinds.has(n) && this.kinds.get(n) !== kind) n += "'";
    this.kinds.set(n, kind);
    return n;
  }

  /** A fresh register that nothing else uses (a flow register starts NULL, a value one 0). */
  fresh(base: string, kind: 'flow' | 'value'): string {
    let n: string;
    do n = `${base}.${++this.temps}`;
    while (this.kinds.has(n));
    this.kinds.set(n, kind);
    return n;
  }
}

export class Frame {
  readonly vars = new Map<string, Binding>();
  /** Handle variable (LOCK_STATE_EX, irqsave flags) → the lock acquired with it. */
  readonly handles = new Map<string, string>();

  constructor(
    readonly fn: string,
    readonly depth: number,
    /** Register name prefix for this frame's locals ('' at top level). */
    readonly prefix: string,
    /** Parameter names and, for lock names, the caller's text of each argument (already resolved). */
    readonly params: string[],
    readonly paramTexts: string[],
    /** Functions being inlined around this one (recursion guard). */
    readonly chain: string[],
  ) {}

  get(name: string): Binding | undefined {
    return this.vars.get(name);
  }

  /**
   * The register an assignment to `name` writes: the variable's own (prefix + name), unless another
   * variable reads it on this path (it was copied from this one), then a fresh one.
   */
  home(name: string, kind: 'flow' | 'value', regs: Registers): string {
    const r = regs.claim(`${this.prefix}${name}`, kind);
    for (const [other, b] of this.vars) {
      if (other === name) continue;
      const read = b.k === 'flow' || b.k === 'num' || b.k === 'bool' ? b.reg : b.k === 'test' ? (b.cond.kind === 'value' ? b.cond.reg : b.cond.flow) : null;
      if (read === r) return regs.fresh(`${this.prefix}${name}`, kind);
    }
    return r;
  }

  /** Shifts every binding on `reg` after a store that changed the register by `delta`. */
  shift(reg: string, delta: number): void {
    for (const [name, b] of this.vars) if (b.k === 'num' && b.reg === reg) this.vars.set(name, { ...b, off: b.off - delta });
  }
}
