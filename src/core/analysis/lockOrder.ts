import type { Finding, RelatedLocation } from '../findings';
import { RULES } from '../rules/registry';
import type { LockOrderEdge } from './types';

/**
 * lock-order: a cycle in the "acquired while holding" graph over all functions analysed together
 * (A then B somewhere, B then A elsewhere). One finding per acquisition site of a cycle, with
 * every acquisition site of the cycle as related locations.
 */

const MAX_CYCLE = 6;

function describe(e: LockOrderEdge): string {
  const a = e.firstDisplay ?? e.first;
  const b = e.secondDisplay ?? e.second;
  return `\`${e.functionName}\` takes \`${b}\`${e.via ? ` (inside \`${e.via}\`)` : ''} while holding \`${a}\` (${e.uri}:${e.secondRange.start.line + 1})`;
}

/** Strongly connected components (Tarjan), iterative so large graphs cannot overflow the stack. */
function components(nodes: string[], succ: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  for (const root of nodes) {
    if (idx.has(root)) continue;
    const work: { v: string; i: number }[] = [{ v: root, i: 0 }];
    idx.set(root, index);
    low.set(root, index++);
    stack.push(root);
    onStack.add(root);
    while (work.length) {
      const top = work[work.length - 1]!;
      const next = succ.get(top.v) ?? [];
      if (top.i < next.length) {
        const w = next[top.i++]!;
        if (!idx.has(w)) {
          idx.set(w, index);
          low.set(w, index++);
          stack.push(w);
          onStack.add(w);
          work.push({ v: w, i: 0 });
        } else if (onStack.has(w)) low.set(top.v, Math.min(low.get(top.v)!, idx.get(w)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.v, Math.min(low.get(parent.v)!, low.get(top.v)!));
      if (low.get(top.v) === idx.get(top.v)) {
        const comp: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          comp.push(w);
        } while (w !== top.v);
        if (comp.length > 1) out.push(comp.sort());
      }
    }
  }
  return out;
}

/** A shortest cycle through `start` inside one component (breadth-first). */
function shortestCycle(start: string, inComp: Set<string>, edges: Map<string, LockOrderEdge[]>): LockOrderEdge[] | undefined {
  const prev = new Map<string, LockOrderEdge>();
  const queue = [start];
  const seen = new Set([start]);
  while (queue.length) {
    const v = queue.shift()!;
    for (const e of edges.get(v) ?? []) {
      if (!inComp.has(e.second)) continue;
      if (e.second === start) {
        const cycle = [e];
        for (let c = v; c !== start; ) {
          const p = prev.get(c)!;
          cycle.unshift(p);
          c = p.first;
        }
        return cycle.length <= MAX_CYCLE ? cycle : undefined;
      }
      if (seen.has(e.second)) continue;
      seen.add(e.second);
      prev.set(e.second, e);
      queue.push(e.second);
    }
  }
  return undefined;
}

export function lockOrderFindings(all: LockOrderEdge[]): Finding[] {
  // One edge per ordered pair of classes: the first seen in a stable order.
  const sorted = [...all].sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : a.secondRange.start.line - b.secondRange.start.line));
  const edges = new Map<string, LockOrderEdge[]>();
  const pairSeen = new Set<string>();
  for (const e of sorted) {
    const k = `${e.first}\u0000${e.second}`;
    if (pairSeen.has(k)) continue;
    pairSeen.add(k);
    edges.set(e.first, [...(edges.get(e.first) ?? []), e]);
  }
  const nodes = [...new Set(sorted.flatMap((e) => [e.first, e.second]))].sort();
  const succ = new Map([...edges].map(([k, v]) => [k, v.map((e) => e.second)]));
  const findings: Finding[] = [];
  for (const comp of components(nodes, succ)) {
    const cycle = shortestCycle(comp[0]!, new Set(comp), edges);
    if (!cycle) continue;
    const locks = cycle.map((e) => `\`${e.firstDisplay ?? e.first}\``);
    const key = `lock-order:${[...new Set(cycle.map((e) => e.first))].sort().join('|')}`;
    // One finding per acquisition of the cycle, each in its own function: whichever order is the
    // wrong one, each function's reader sees it (the others are related locations).
    cycle.forEach((site, i) => {
      const order = [...cycle.slice(i), ...cycle.slice(0, i)];
      const message = `lock order cycle between ${locks.join(' and ')}: ${order.map(describe).join('; ')} — two threads taking them in these orders can deadlock`;
      const related: RelatedLocation[] = order.flatMap((e) => [
        { uri: e.uri === site.uri ? undefined : e.uri, range: e.firstRange, message: `\`${e.firstDisplay ?? e.first}\` held here (${e.functionName})` },
        { uri: e.uri === site.uri ? undefined : e.uri, range: e.secondRange, message: `then \`${e.secondDisplay ?? e.second}\` taken here (${e.functionName})` },
      ]);
      findings.push({
        ruleId: 'lock-order',
        severity: RULES['lock-order'].defaultSeverity,
        message,
        uri: site.uri,
        range: site.secondRange,
        functionName: site.functionName,
        related,
        path: order.map((e) => ({ uri: e.uri === site.uri ? undefined : e.uri, range: e.secondRange, message: describe(e) })),
        key: `${key}@${site.functionName}`,
      });
    });
  }
  return findings;
}
