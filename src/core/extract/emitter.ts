// Collects the instructions of one step function with symbolic labels, resolved at the end.

import type { Cond, Instr, StepFunction } from '../model/program';
import type { SourceLoc } from '../model/types';

type Pending = Instr | { label: number; make: (target: number) => Instr };

export class Emitter {
  private readonly items: Pending[] = [];
  private readonly placed = new Map<number, number>();
  private nextLabel = 0;

  newLabel(): number {
    return this.nextLabel++;
  }

  place(label: number): void {
    this.placed.set(label, this.items.length);
  }

  get length(): number {
    return this.items.length;
  }

  push(i: Instr): void {
    this.items.push(i);
  }

  jump(cond: Cond, label: number, loc: SourceLoc): void {
    this.items.push({ label, make: (target) => ({ op: 'jump', cond, target, loc }) });
  }

  choose(label: number, loc: SourceLoc): void {
    this.items.push({ label, make: (target) => ({ op: 'choose', target, loc }) });
  }

  loop(reg: string, max: number, label: number, loc: SourceLoc): void {
    this.items.push({ label, make: (target) => ({ op: 'loop', reg, max, target, loc }) });
  }

  build(name: string): StepFunction {
    const body = this.items.map((it): Instr => {
      if ('op' in it) return it;
      const target = this.placed.get(it.label);
      if (target === undefined) throw new Error(`${name}: label ${it.label} never placed`);
      return it.make(target);
    });
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
