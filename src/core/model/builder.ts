// Writes step programs against a listing: each instruction points at the listing line that contains a
// marker string, searched forward from the previous instruction's line, so protocols read top to bottom
// like their listing and never hard-code line numbers.

import type { Cond, Instr, StepFunction } from './program';
import type { FlowFlag, LockMode, SourceLoc } from './types';

type Pending = Instr | { label: string; make: (target: number) => Instr };

export class ListingError extends Error {}

export class FunctionBuilder {
  private readonly items: Pending[] = [];
  private readonly labels = new Map<string, number>();
  private line: number;
  private readonly startLine: number;

  constructor(
    private readonly uri: string,
    private readonly lines: readonly string[],
    readonly name: string,
    startMarker: string,
  ) {
    this.line = this.find(startMarker, 0);
    this.startLine = this.line;
  }

  /**
   * Point the next instructions at the first line at or after the current one containing `marker`
   * (or, failing that, the first such line after the function's start: for code placed after a return).
   */
  at(marker: string): this {
    this.line = this.find(marker, this.line, this.startLine);
    return this;
  }

  label(name: string): this {
    if (this.labels.has(name)) throw new ListingError(`${this.name}: label ${name} defined twice`);
    this.labels.set(name, this.items.length);
    return this;
  }

  acquire(lock: string, mode: LockMode): this {
    return this.push({ op: 'acquire', lock, mode, loc: this.loc() });
  }
  release(lock: string): this {
    return this.push({ op: 'release', lock, loc: this.loc() });
  }
  synchronize(lock: string): this {
    return this.push({ op: 'synchronize', lock, loc: this.loc() });
  }
  lookup(key: string, flow: string, skipInactive: boolean): this {
    return this.push({ op: 'lookup', key, flow, skipInactive, loc: this.loc() });
  }
  given(key: string, flow: string): this {
    return this.push({ op: 'given', key, flow, loc: this.loc() });
  }
  insert(key: string, flow: string, refcount: number): this {
    return this.push({ op: 'insert', key, flow, refcount, loc: this.loc() });
  }
  unlink(flow: string): this {
    return this.push({ op: 'unlink', flow, loc: this.loc() });
  }
  free(flow: string): this {
    return this.push({ op: 'free', flow, loc: this.loc() });
  }
  refAtomic(flow: string, delta: number, result?: string): this {
    return this.push(result === undefined ? { op: 'refAtomic', flow, delta, loc: this.loc() } : { op: 'refAtomic', flow, delta, result, loc: this.loc() });
  }
  refLoad(flow: string, reg: string): this {
    return this.push({ op: 'refLoad', flow, reg, loc: this.loc() });
  }
  refStore(flow: string, reg: string, delta: number): this {
    return this.push({ op: 'refStore', flow, reg, delta, loc: this.loc() });
  }
  flagRead(flow: string, reg: string): this {
    return this.push({ op: 'flagRead', flow, reg, loc: this.loc() });
  }
  flagWrite(flow: string, value: FlowFlag): this {
    return this.push({ op: 'flagWrite', flow, value, loc: this.loc() });
  }
  use(flow: string, what: string): this {
    return this.push({ op: 'use', flow, what, loc: this.loc() });
  }
  nop(text: string): this {
    return this.push({ op: 'nop', text, loc: this.loc() });
  }
  call(fn: string): this {
    return this.push({ op: 'call', fn, loc: this.loc() });
  }
  ret(): this {
    return this.push({ op: 'return', loc: this.loc() });
  }
  jump(cond: Cond, label: string): this {
    const loc = this.loc();
    this.items.push({ label, make: (target) => ({ op: 'jump', cond, target, loc }) });
    return this;
  }
  goto(label: string): this {
    return this.jump({ kind: 'always' }, label);
  }
  choose(label: string): this {
    const loc = this.loc();
    this.items.push({ label, make: (target) => ({ op: 'choose', target, loc }) });
    return this;
  }
  loop(reg: string, max: number, label: string): this {
    const loc = this.loc();
    this.items.push({ label, make: (target) => ({ op: 'loop', reg, max, target, loc }) });
    return this;
  }

  build(): StepFunction {
    const body = this.items.map((it): Instr => {
      if ('op' in it) return it;
      const target = this.labels.get(it.label);
      if (target === undefined) throw new ListingError(`${this.name}: unknown label ${it.label}`);
      return it.make(target);
    });
    return { name: this.name, body };
  }

  private push(i: Instr): this {
    this.items.push(i);
    return this;
  }

  private loc(): SourceLoc {
    return { uri: this.uri, line: this.line };
  }

  private find(marker: string, from: number, fallback = from): number {
    for (let l = from; l < this.lines.length; l++) if (this.lines[l]!.includes(marker)) return l;
    for (let l = fallback; l < from; l++) if (this.lines[l]!.includes(marker)) return l;
    throw new ListingError(`${this.uri}: no line containing "${marker}" at or after line ${from + 1}`);
  }
}

/** Builders for the functions of one listing. */
export class ListingBuilder {
  readonly lines: readonly string[];

  constructor(
    readonly uri: string,
    readonly text: string,
  ) {
    this.lines = text.split('\n');
  }

  fn(name: string, startMarker: string): FunctionBuilder {
    return new FunctionBuilder(this.uri, this.lines, name, startMarker);
  }
}

export function protocolUri(name: string): string {
  return `lockstep-protocol:/${name}.c`;
}
