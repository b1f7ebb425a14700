// Shortens a schedule that breaks an invariant at its last step: keeps only the steps in the causal
// past of that step (same context earlier, or a conflicting step on the same lock or flow key, and so
// on backwards). What is left is a valid interleaving of its own that breaks the same invariant; it is
// replayed to make sure, and used only if it does. Random walks and the reduced search give schedules
// with unrelated steps mixed in; this takes them out.

import type { CompiledModel } from './compile';
import { C_PC } from './compile';
import type { PathStep } from './explore';
import { dependent } from './independence';
import type { Footprint, ReductionFacts } from './independence';
import { execute, transitionsOf } from './step';
import type { InvariantId } from './types';

export function shortenSchedule(m: CompiledModel, path: readonly PathStep[], invariant: InvariantId, facts: ReductionFacts): PathStep[] {
  if (invariant === 'leak' || invariant === 'deadlock' || path.length < 2) return path.slice();
  const prints: Footprint[] = [];
  let s = m.initial;
  let breakAt = -1;
  path.forEach((p, i) => {
    const c = m.contexts[p.ctx]!;
    prints.push(facts.byProgram.get(c.program)!.footprint[s[c.base + C_PC]!]!);
    const out = execute(m, s, p.ctx, p.choice, false);
    if (breakAt < 0 && out.events.some((e) => e.invariant === invariant)) breakAt = i;
    s = out.next;
  });
  if (breakAt < 0) return path.slice();
  const needed = path.map((_, i) => i === breakAt);
  for (let i = breakAt - 1; i >= 0; i--) {
    for (let j = i + 1; j <= breakAt && !needed[i]; j++) {
      if (needed[j] && (path[i]!.ctx === path[j]!.ctx || dependent(prints[i]!, prints[j]!))) needed[i] = true;
    }
  }
  const candidate = path.filter((_, i) => needed[i]);
  return breaksAtEnd(m, candidate, invariant) ? candidate : path.slice(0, breakAt + 1);
}

function breaksAtEnd(m: CompiledModel, path: readonly PathStep[], invariant: InvariantId): boolean {
  let s = m.initial;
  for (let i = 0; i < path.length; i++) {
    const p = path[i]!;
    // A step that cannot run here (blocked, done, or a choice that no longer applies) voids the candidate.
    const c = m.contexts[p.ctx]!;
    const code = c.program.code[s[c.base + C_PC]!]!;
    if ((code.src.op === 'choose') !== (p.choice >= 0)) return false;
    const n = transitionsOf(m, s, p.ctx);
    if (n === 0) return false;
    const out = execute(m, s, p.ctx, p.choice, false);
    if (i === path.length - 1) return out.events.some((e) => e.invariant === invariant);
    s = out.next;
  }
  return false;
}
