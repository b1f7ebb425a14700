// The shape of a function body the lowering needs: its CFG with empty nodes skipped, the nodes
// reachable from the start in source order (the layout) and in reverse postorder (the compile order:
// every node after its forward predecessors), back edges and loop headers, where a loop cut at its
// bound goes, and which variables each loop may assign (they change from one iteration to the next).

import { buildCfg } from '../c/cfg';
import type { Cfg } from '../c/cfg';
import type { SyntaxNode as Node } from '../c/syntax';
import { isFlowPointerType } from './types';

export interface LayoutGraph {
  cfg: Cfg;
  body: Node;
  start: number;
  /** Successors with empty nodes skipped (the exit as cfg.exit). */
  succ(id: number): number[];
  preds: Map<number, number[]>;
  /** Reachable nodes in source order. */
  order: number[];
  /** Reachable nodes in reverse postorder of a depth-first walk: back edges are the only edges that go backwards. */
  rpo: number[];
  /** Back edges as `u>v`. */
  back: Set<string>;
  headers: number[];
  /** Where the loop at header h goes when the bound cuts it. */
  loopExit(h: number): number;
  /** Variables the loop at each header may assign (assignments, ++/--, declarations, &x, call arguments). */
  assignedInLoop: Map<number, Set<string>>;
  /** Variables a node or a node after it may read before assigning them (where paths meet, the others need no register). */
  liveIn: Map<number, Set<string>>;
  /** Locals declared as pointers to a flow: a NULL in one of them is a flow pointer where paths meet. */
  flowVars: Set<string>;
}

export function layoutGraph(body: Node, noReturn: ReadonlySet<string>): LayoutGraph {
  const cfg = buildCfg(body, { isNoReturn: (c) => noReturn.has(c) });
  const nodes = cfg.nodes;
  const isEmpty = (id: number): boolean => {
    const n = nodes[id]!;
    if (n.kind === 'entry' || n.kind === 'label') return n.succ.length === 1;
    if (n.kind === 'stmt' && (n.ast === null || n.advanceFrom !== undefined)) return n.succ.length === 1;
    return n.kind === 'branch' && n.succ.length === 1;
  };
  const fwd = (id: number): number => {
    const seen = new Set<number>();
    let cur = id;
    while (cur >= 0 && isEmpty(cur)) {
      if (seen.has(cur)) return cfg.exit; // an empty endless loop: the model leaves it
      seen.add(cur);
      cur = nodes[cur]!.succ[0]!;
    }
    return cur < 0 ? cfg.exit : cur;
  };
  const succCache = new Map<number, number[]>();
  const succ = (id: number): number[] => {
    let s = succCache.get(id);
    if (s === undefined) succCache.set(id, (s = nodes[id]!.succ.map((x) => (x < 0 ? cfg.exit : fwd(x)))));
    return s;
  };
  const start = fwd(cfg.entry);

  // Depth-first from the start: reachable nodes, back edges (loops) and the postorder.
  const reach = new Set<number>();
  const back = new Set<string>();
  const onStack = new Set<number>();
  const post: number[] = [];
  const stack: { id: number; i: number }[] = [];
  if (start !== cfg.exit) {
    stack.push({ id: start, i: 0 });
    reach.add(start);
    onStack.add(start);
  }
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const ss = succ(top.id);
    if (top.i >= ss.length) {
      onStack.delete(top.id);
      post.push(top.id);
      stack.pop();
      continue;
    }
    const s = ss[top.i++]!;
    if (s === cfg.exit) continue;
    if (onStack.has(s)) back.add(`${top.id}>${s}`);
    else if (!reach.has(s)) {
      reach.add(s);
      onStack.add(s);
      stack.push({ id: s, i: 0 });
    }
  }
  const order = [...reach].sort((a, b) => a - b);
  const preds = new Map<number, number[]>();
  for (const u of order) for (const v of succ(u)) preds.set(v, [...(preds.get(v) ?? []), u]);
  const headers = [...new Set([...back].map((e) => Number(e.split('>')[1])))].sort((a, b) => a - b);

  /** The natural loop of h: the header plus everything that reaches a back-edge source without passing it. */
  const sources = new Map<number, number[]>();
  for (const e of back) {
    const [u, v] = e.split('>').map(Number) as [number, number];
    sources.set(v, [...(sources.get(v) ?? []), u]);
  }
  const loopBody = (h: number): Set<number> => {
    const inLoop = new Set<number>([h]);
    const work = [...(sources.get(h) ?? [])];
    while (work.length) {
      const x = work.pop()!;
      if (inLoop.has(x)) continue;
      inLoop.add(x);
      work.push(...(preds.get(x) ?? []));
    }
    return inLoop;
  };
  const bodies = new Map(headers.map((h) => [h, loopBody(h)]));
  const loopExit = (h: number): number => {
    const inLoop = bodies.get(h)!;
    const outs = (x: number): number[] => succ(x).filter((s) => !inLoop.has(s));
    const own = outs(h);
    if (own.length > 0) return own[0]!;
    const any = [...inLoop].sort((a, b) => a - b).flatMap(outs);
    return any.length > 0 ? Math.min(...any) : cfg.exit;
  };
  const assignedInLoop = new Map(headers.map((h) => [h, assignedIn([...bodies.get(h)!].map((id) => nodes[id]!.ast))]));
  return { cfg, body, start, succ, preds, order, rpo: post.reverse(), back, headers, loopExit, assignedInLoop, liveIn: liveness(order, succ, preds, (id) => nodes[id]!.ast, cfg.exit), flowVars: flowLocals(body) };
}

/** Names declared in the body with a type that points to a flow (`OvsFlow *flow = NULL;`). */
function flowLocals(body: Node): Set<string> {
  const out = new Set<string>();
  for (const d of body.descendantsOfType('declaration')) {
    const type = d.childForFieldName('type')?.text ?? '';
    for (const decl of d.namedChildren) {
      if (decl.type !== 'init_declarator' && decl.type !== 'pointer_declarator' && decl.type !== 'identifier') continue;
      const target = decl.type === 'init_declarator' ? decl.childForFieldName('declarator') : decl;
      const stars = target?.type === 'pointer_declarator' ? '*' : '';
      let id: Node | null = target;
      while (id && id.type !== 'identifier') id = id.childForFieldName('declarator') ?? id.namedChildren.find((c) => c.type === 'identifier') ?? null;
      if (id && isFlowPointerType(`${type} ${stars}`)) out.add(id.text);
    }
  }
  return out;
}

/**
 * Backward liveness of identifiers over the nodes (syntactic: any mention but a plain assignment's
 * target is a read). Only variables the body may assign can differ between paths, so only they are
 * followed (a body mentions many more names: globals, functions, fields' owners).
 */
function liveness(order: readonly number[], succ: (id: number) => number[], preds: Map<number, number[]>, astOf: (id: number) => Node | null, exit: number): Map<number, Set<string>> {
  const tracked = assignedIn(order.map(astOf));
  const uses = new Map<number, Set<string>>();
  const defs = new Map<number, Set<string>>();
  for (const id of order) {
    const ast = astOf(id);
    const u = new Set<string>();
    const d = new Set<string>();
    if (ast !== null) {
      const targets = new Set<Node>();
      for (const a of ast.descendantsOfType(['assignment_expression', 'init_declarator'])) {
        const lhs = a.type === 'assignment_expression' ? (a.childForFieldName('operator')?.text === '=' ? a.childForFieldName('left') : null) : a.childForFieldName('declarator');
        if (lhs?.type === 'identifier') {
          targets.add(lhs);
          d.add(lhs.text);
        }
      }
      for (const i of ast.descendantsOfType('identifier')) if (!targets.has(i) && tracked.has(i.text)) u.add(i.text);
    }
    uses.set(id, u);
    defs.set(id, d);
  }
  const live = new Map(order.map((id) => [id, new Set(uses.get(id))]));
  const work = [...order];
  while (work.length > 0) {
    const v = work.pop()!;
    const out = new Set<string>();
    for (const s of succ(v)) if (s !== exit) for (const x of live.get(s) ?? []) out.add(x);
    const inn = live.get(v)!;
    let changed = false;
    for (const x of out) {
      if (defs.get(v)!.has(x) && !uses.get(v)!.has(x)) continue;
      if (!inn.has(x)) {
        inn.add(x);
        changed = true;
      }
    }
    if (changed) work.push(...(preds.get(v) ?? []));
  }
  return live;
}

/** Identifiers the given statements may change: assigned, incremented, declared, passed by address or as call arguments. */
function assignedIn(asts: readonly (Node | null)[]): Set<string> {
  const out = new Set<string>();
  const root = (n: Node | null): void => {
    let e = n;
    for (let guard = 0; e !== null && guard < 32; guard++) {
      if (e.type === 'identifier') {
        out.add(e.text);
        return;
      }
      e = e.type === 'parenthesized_expression' ? e.namedChildren[0] ?? null : e.type === 'cast_expression' ? e.childForFieldName('value') : null;
    }
  };
  for (const ast of asts) {
    if (ast === null) continue;
    for (const n of ast.descendantsOfType(['assignment_expression', 'update_expression', 'init_declarator', 'pointer_expression', 'call_expression'])) {
      if (n.type === 'assignment_expression') root(n.childForFieldName('left'));
      else if (n.type === 'update_expression') root(n.childForFieldName('argument'));
      else if (n.type === 'init_declarator') {
        let id: Node | null = n.childForFieldName('declarator');
        while (id && id.type !== 'identifier') id = id.childForFieldName('declarator') ?? id.namedChildren.find((c) => c.type === 'identifier') ?? null;
        if (id) out.add(id.text);
      } else if (n.type === 'pointer_expression') {
        if (n.childForFieldName('operator')?.text === '&') root(n.childForFieldName('argument'));
      } else {
        for (const a of n.childForFieldName('arguments')?.namedChildren ?? []) root(a);
      }
    }
  }
  return out;
}
