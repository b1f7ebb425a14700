/**
 * Orders for bottom-up summaries: callees before callers. Strongly connected components (Tarjan,
 * iterative so deep call chains cannot overflow the stack) come out in reverse topological order,
 * which is exactly callees first; members of one component (recursion) are analysed together, in
 * reverse discovery order, and revisited until their summaries stop changing.
 */
export function componentsCalleesFirst<T>(nodes: readonly T[], succ: (n: T) => readonly T[]): T[][] {
  let index = 0;
  const idx = new Map<T, number>();
  const low = new Map<T, number>();
  const onStack = new Set<T>();
  const stack: T[] = [];
  const out: T[][] = [];
  for (const root of nodes) {
    if (idx.has(root)) continue;
    const work: { v: T; next: readonly T[]; i: number }[] = [{ v: root, next: succ(root), i: 0 }];
    idx.set(root, index);
    low.set(root, index++);
    stack.push(root);
    onStack.add(root);
    while (work.length) {
      const top = work[work.length - 1]!;
      if (top.i < top.next.length) {
        const w = top.next[top.i++]!;
        if (!idx.has(w)) {
          idx.set(w, index);
          low.set(w, index++);
          stack.push(w);
          onStack.add(w);
          work.push({ v: w, next: succ(w), i: 0 });
        } else if (onStack.has(w)) low.set(top.v, Math.min(low.get(top.v)!, idx.get(w)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.v, Math.min(low.get(parent.v)!, low.get(top.v)!));
      if (low.get(top.v) === idx.get(top.v)) {
        const comp: T[] = [];
        let w: T;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          comp.push(w);
        } while (w !== top.v);
        // Popped order is deepest-discovered first: inside a cycle, callees before their callers,
        // so one pass carries most summaries round the cycle.
        out.push(comp);
      }
    }
  }
  return out;
}
