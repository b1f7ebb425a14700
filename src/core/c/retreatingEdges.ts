import type { Cfg } from './cfg';

/**
 * The edges that close loops: the retreating edges of a depth-first walk from the entry (an edge
 * to a node still on the walk's stack). For the loops C's statements build (`for`, `while`, `do`,
 * backward `goto`) that is the edge from the end of the body, or a `continue`, back to the loop's
 * head; in a goto-built irreducible tangle it is one edge of each cycle, which is all callers need.
 */
export function retreatingEdges(cfg: Cfg): (from: number, to: number) => boolean {
  // The path search and the cursor-loop pass both ask, of the same CFG: one walk.
  let known = memo.get(cfg);
  if (!known) memo.set(cfg, (known = computeRetreating(cfg)));
  return known;
}

const memo = new WeakMap<Cfg, (from: number, to: number) => boolean>();

function computeRetreating(cfg: Cfg): (from: number, to: number) => boolean {
  const n = cfg.nodes.length;
  const back = new Set<number>();
  const mark = new Uint8Array(n); // 0 unvisited, 1 on the stack, 2 done
  // Iterative: a function can hold tens of thousands of nodes in one chain.
  const nodes: number[] = [cfg.entry];
  const next: number[] = [0];
  mark[cfg.entry] = 1;
  while (nodes.length > 0) {
    const top = nodes.length - 1;
    const u = nodes[top]!;
    const succ = cfg.nodes[u]!.succ;
    if (next[top]! >= succ.length) {
      mark[u] = 2;
      nodes.pop();
      next.pop();
      continue;
    }
    const v = succ[next[top]!++]!;
    if (v < 0) continue;
    if (mark[v] === 1) back.add(u * n + v);
    else if (mark[v] === 0) {
      mark[v] = 1;
      nodes.push(v);
      next.push(0);
    }
  }
  return (from, to) => back.has(from * n + to);
}
