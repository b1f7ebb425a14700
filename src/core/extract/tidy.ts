// Takes out of an extracted step function what only the compiler needed: register copies whose value
// nothing reads (a loop counter compared with a value the model does not track, a status code merged
// where paths meet), jumps that only lead to another jump, and code nothing reaches. Every removed
// step was local (no lock, flow or table), so the model's behaviour is the same with fewer steps.

import type { Cond, Instr, StepFunction } from '../model/program';

/** Registers an instruction reads (a flow register counts when the step touches its flow). */
function reads(i: Instr): string[] {
  switch (i.op) {
    case 'unlink':
    case 'free':
    case 'use':
    case 'refAtomic':
    case 'refLoad':
    case 'flagRead':
    case 'flagWrite':
      return [i.flow];
    case 'refStore':
      return [i.flow, i.reg];
    case 'jump':
      return condReads(i.cond);
    case 'loop':
      return [i.reg];
    case 'move':
      return i.src === null ? [] : [i.src];
    default:
      return [];
  }
}

function condReads(c: Cond): string[] {
  switch (c.kind) {
    case 'always':
      return [];
    case 'value':
      return [c.reg];
    default:
      return [c.flow];
  }
}

const target = (i: Instr): number | null => (i.op === 'jump' || i.op === 'choose' || i.op === 'loop' ? i.target : null);

export function tidy(fn: StepFunction): StepFunction {
  const body = fn.body;
  // 1. Copies into registers nothing reads (but through other copies).
  const needed = new Set<string>();
  for (const i of body) if (i.op !== 'move') for (const r of reads(i)) needed.add(r);
  for (let changed = true; changed; ) {
    changed = false;
    for (const i of body) {
      if (i.op === 'move' && needed.has(i.dest) && i.src !== null && !needed.has(i.src)) {
        needed.add(i.src);
        changed = true;
      }
    }
  }
  const dead = body.map((i) => i.op === 'move' && !needed.has(i.dest));
  // A dead copy is a step that does nothing: where it stood, control goes on to the next live step.
  const liveAt = (pc: number): number => {
    let p = pc;
    while (p < body.length && dead[p]) p++;
    return p;
  };
  // 2. A jump to a goto goes where the goto goes.
  const final = (pc: number): number => {
    let p = liveAt(pc);
    for (let guard = 0; guard < body.length && p < body.length; guard++) {
      const i = body[p]!;
      if (i.op !== 'jump' || i.cond.kind !== 'always' || i.target === p) break;
      p = liveAt(i.target);
    }
    return p;
  };
  // 3. Only what the entry reaches.
  const reached = new Array<boolean>(body.length).fill(false);
  const entry = final(0);
  const work = [entry];
  while (work.length > 0) {
    const pc = work.pop()!;
    if (pc >= body.length || reached[pc]) continue;
    reached[pc] = true;
    const i = body[pc]!;
    const t = target(i);
    if (t !== null) work.push(final(t));
    const falls = !(i.op === 'return' || (i.op === 'jump' && i.cond.kind === 'always'));
    if (falls) work.push(final(pc + 1));
  }
  const index = new Array<number>(body.length + 1).fill(0);
  let n = 0;
  for (let pc = 0; pc < body.length; pc++) {
    index[pc] = n;
    if (reached[pc]) n++;
  }
  index[body.length] = n;
  const out: Instr[] = [];
  body.forEach((i, pc) => {
    if (!reached[pc]) return;
    const t = target(i);
    if (t !== null) out.push({ ...i, target: index[final(t)]! } as Instr);
    else out.push(i);
  });
  const kept = fallThroughs(out, body, reached, index, final);
  // The entry is step 0: when a kept step comes before it in the layout, a goto leads there.
  const at = kept.pos(index[entry]!);
  if (at === 0) return { name: fn.name, body: kept.body };
  const shifted = kept.body.map((i) => {
    const t = target(i);
    return t === null ? i : ({ ...i, target: t + 1 } as Instr);
  });
  return { name: fn.name, body: [{ op: 'jump', cond: { kind: 'always' }, target: at + 1, loc: body[entry]!.loc }, ...shifted] };
}

/**
 * Where a kept step falls through to a step that is no longer next (the goto it fell into was
 * threaded away), an explicit goto keeps the path.
 */
function fallThroughs(out: Instr[], body: readonly Instr[], reached: readonly boolean[], index: readonly number[], final: (pc: number) => number): { body: Instr[]; pos: (k: number) => number } {
  const fixed: Instr[] = [];
  const shift: number[] = [];
  let added = 0;
  let k = 0;
  body.forEach((i, pc) => {
    if (!reached[pc]) return;
    shift[k] = added;
    fixed.push(out[k]!);
    k++;
    const falls = !(i.op === 'return' || (i.op === 'jump' && i.cond.kind === 'always'));
    if (!falls) return;
    const to = index[final(pc + 1)]!;
    if (to !== k) {
      fixed.push({ op: 'jump', cond: { kind: 'always' }, target: to, loc: i.loc });
      added++;
    }
  });
  shift[k] = added;
  // Targets move by the gotos added before them.
  const pos = (t: number): number => t + (shift[t] ?? added);
  return {
    body: fixed.map((i) => {
      const t = target(i);
      return t === null ? i : ({ ...i, target: pos(t) } as Instr);
    }),
    pos,
  };
}
