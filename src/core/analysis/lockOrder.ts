import type { Finding, RelatedLocation } from '../findings';
import { RULES } from '../rules/registry';
import type { LockOrderEdge } from './types';

/**
 * lock-order: a cycle in the "acquired while holding" graph over all functions analysed together
 * (A then B somewhere, B then A elsewhere). One finding per acquisition site of a cycle, with
 * every acquisition site of the cycle as related locations.
 */

const MAX_CYCLE = 6;
/** Locks of a component tried as the start of its shortest cycle (a bound for huge components). */
const MAX_STARTS = 64;
/** ABBA pairs reported per component (a bound for huge components). */
const MAX_PAIRS = 16;

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
  // One edge per ordered pair of classes: the first seen in a stable order, preferring a function
  // that takes both locks itself over one entered with the first held (its callers' edges say the
  // same pair). The first of those entered with it held is kept too: the wrong order is written
  // there as well (`OVS_REQUIRES(a)` then `lock(b)`), and it is reported as a site of its own.
  const sorted = [...all].sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : a.secondRange.start.line - b.secondRange.start.line));
  const primary = new Map<string, LockOrderEdge>();
  const fromEntry = new Map<string, LockOrderEdge>();
  for (const e of sorted) {
    const k = `${e.first}\u0000${e.second}`;
    if (e.firstFromEntry) {
      if (!fromEntry.has(k)) fromEntry.set(k, e);
    } else if (!primary.has(k)) primary.set(k, e);
  }
  for (const [k, e] of fromEntry) if (!primary.has(k)) primary.set(k, e);
  const edges = new Map<string, LockOrderEdge[]>();
  const rank = new Map(sorted.map((e, i) => [e, i]));
  for (const e of [...primary.values()].sort((a, b) => rank.get(a)! - rank.get(b)!)) {
    const list = edges.get(e.first);
    if (list) list.push(e);
    else edges.set(e.first, [e]);
  }
  const nodes = [...new Set(sorted.flatMap((e) => [e.first, e.second]))].sort();
  const succ = new Map([...edges].map(([k, v]) => [k, v.map((e) => e.second)]));
  const findings: Finding[] = [];
  for (const comp of components(nodes, succ)) {
    for (const cycle of cyclesOf(comp, edges)) {
      const sites = [...cycle];
      for (const e of cycle) {
        const also = fromEntry.get(`${e.first}\u0000${e.second}`);
        if (also && also !== e) sites.push(also);
      }
      findings.push(...cycleFindings(cycle, sites));
    }
  }
  return findings;
}

/**
 * The cycles a component is reported as: every pair of locks taken in both orders (each ABBA pair
 * is its own deadlock, and one pair must not hide another); a component with no such pair, its
 * shortest cycle (the first in name order among equals).
 */
function cyclesOf(comp: string[], edges: Map<string, LockOrderEdge[]>): LockOrderEdge[][] {
  const inComp = new Set(comp);
  const pairs: LockOrderEdge[][] = [];
  for (const a of comp) {
    for (const ab of edges.get(a) ?? []) {
      if (!inComp.has(ab.second) || ab.second <= a) continue;
      const ba = (edges.get(ab.second) ?? []).find((e) => e.second === a);
      if (ba && pairs.length < MAX_PAIRS) pairs.push([ab, ba]);
    }
  }
  if (pairs.length > 0) return pairs;
  let cycle: LockOrderEdge[] | undefined;
  for (const start of comp.slice(0, MAX_STARTS)) {
    const c = shortestCycle(start, inComp, edges);
    if (c && (!cycle || c.length < cycle.length)) cycle = c;
  }
  return cycle ? [cycle] : [];
}

/** One finding per site (an edge of the cycle, or another function taking the same pair in the same order). */
function cycleFindings(cycle: LockOrderEdge[], sites: LockOrderEdge[]): Finding[] {
  const findings: Finding[] = [];
  const locks = cycle.map((e) => `\`${e.firstDisplay ?? e.first}\``);
  const key = `lock-order:${[...new Set(cycle.map((e) => e.first))].sort().join('|')}`;
  // One finding per acquisition of the cycle, each in its own function: whichever order is the
  // wrong one, each function's reader sees it (the others are related locations).
  sites.forEach((site) => {
    const i = cycle.findIndex((e) => e.first === site.first && e.second === site.second);
    const order = [site, ...cycle.slice(i + 1), ...cycle.slice(0, i)];
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
  return findings;
}
