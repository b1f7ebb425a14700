// Collects the instructions of one step function with symbolic labels, resolved at the end. Code is
// written into blocks, so that the nodes of a function can be compiled in one order (each after its
// predecessors, for per-path bindings) and laid out in another (source order); a `later` item is
// filled in once the function is done (the moves an edge needs are known only when every path into
// its target is), and the tail holds code that nothing falls into (edge blocks after the last return).

import type { Cond, Instr, StepFunction } from '../model/program';
import type { SourceLoc } from '../model/types';

type Pending = Instr | { label: number; make: (target: number) => Instr };

/** A stretch of code: instructions, label placements, nested blocks and items filled in later. */
export class Block {
  readonly items: (Pending | { place: number } | Block | { later: () => void; block: Block })[] = [];
}

export class Emitter {
  private readonly root = new Block();
  private readonly tail = new Block();
  private current = this.root;
  private readonly aliases = new Map<number, number>();
  private nextLabel = 0;
  private count = 0;

  newLabel(): number {
    return this.nextLabel++;
  }

  place(label: number): void {
    this.current.items.push({ place: label });
  }

  /** `label` goes wherever `to` is placed. */
  alias(label: number, to: number): void {
    this.aliases.set(label, to);
  }

  /** Instructions written so far (a bound on output size). */
  get length(): number {
    return this.count;
  }

  push(i: Instr): void {
    this.count++;
    this.current.items.push(i);
  }

  jump(cond: Cond, label: number, loc: SourceLoc): void {
    this.count++;
    this.current.items.push({ label, make: (target) => ({ op: 'jump', cond, target, loc }) });
  }

  choose(label: number, loc: SourceLoc): void {
    this.count++;
    this.current.items.push({ label, make: (target) => ({ op: 'choose', target, loc }) });
  }

  loop(reg: string, max: number, label: number, loc: SourceLoc): void {
    this.count++;
    this.current.items.push({ label, make: (target) => ({ op: 'loop', reg, max, target, loc }) });
  }

  /** A new empty block at the current position. */
  block(): Block {
    const b = new Block();
    this.current.items.push(b);
    return b;
  }

  /** Runs `write` with `b` (or the tail) as the place code goes. */
  into<T>(b: Block | 'tail', write: () => T): T {
    const saved = this.current;
    this.current = b === 'tail' ? this.tail : b;
    try {
      return write();
    } finally {
      this.current = saved;
    }
  }

  /** Code written by `fill` when the program is built (it may write to the tail too). */
  later(fill: () => void): void {
    this.current.items.push({ later: fill, block: new Block() });
  }

  /** Forgets what a block holds from position `from` on (a function compiled again). */
  truncate(b: Block, from: number): void {
    b.items.length = from;
  }

  build(name: string): StepFunction {
    const flat: (Pending | { place: number })[] = [];
    const expand = (b: Block): void => {
      for (const it of b.items) {
        if (it instanceof Block) expand(it);
        else if ('later' in it) {
          this.into(it.block, it.later);
          expand(it.block);
        } else flat.push(it);
      }
    };
    expand(this.root);
    // The tail may grow while it is expanded (edge blocks of later items inside it).
    for (let done = 0; done < this.tail.items.length; ) {
      const rest = new Block();
      rest.items.push(...this.tail.items.slice(done));
      done = this.tail.items.length;
      expand(rest);
    }
    const at = new Map<number, number>();
    let n = 0;
    for (const it of flat) {
      if ('place' in it) at.set(it.place, n);
      else n++;
    }
    const resolve = (label: number): number | undefined => {
      let l = label;
      for (let guard = 0; guard < 64 && !at.has(l) && this.aliases.has(l); guard++) l = this.aliases.get(l)!;
      return at.get(l);
    };
    const body: Instr[] = [];
    for (const it of flat) {
      if ('place' in it) continue;
      if ('op' in it) {
        body.push(it);
        continue;
      }
      const target = resolve(it.label);
      if (target === undefined) throw new Error(`${name}: label ${it.label} never placed`);
      body.push(it.make(target));
    }
    return { name, body };
  }
}

/** The condition that holds exactly when `c` does not. */
export function negate(c: Cond): Cond | null {
  switch (c.kind) {
    case 'always':
      return null;
    case 'null':
      return { kind: 'null', flow: c.flow, negate: c.negate !== true };
    case 'value':
      return { ...c, op: NEG[c.op] };
    case 'refcount':
      return { ...c, op: NEG[c.op] };
    case 'flag':
      return { kind: 'flag', flow: c.flow, value: c.value === 'ACTIVE' ? 'INACTIVE' : 'ACTIVE' };
  }
}

const NEG = { '==': '!=', '!=': '==', '<': '>=', '<=': '>', '>': '<=', '>=': '<' } as const;
/** `a op b` is `b FLIP[op] a`. */
export const FLIP = { '==': '==', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' } as const;
