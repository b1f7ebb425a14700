import type { SyntaxNode as Node } from '../c/syntax';
import type { Cfg, CfgNode } from '../c/cfg';
import { retreatingEdges } from '../c/retreatingEdges';
import { rangeOf, type SourceRange } from '../source';
import { identifiersOf } from './exprs';
import { extractOps, iteratorAdvanceOps, iteratorHeadOps, type Op } from './ops';
import { stateLiveness, type Liveness } from './stateLiveness';
import { opsAreInert } from './inertOps';
import { addTrail, cloneState, emptyState, holdsError, keepLive, setFact, stateKey, withTrail, withTrailUnkeyed, type AbsState, type DeadObject, type Fact, type Truth } from './state';
import type { Branch, FnContext } from './fnContext';
import { noReturnCalls } from './calleeTransfer';
import { applyOp } from './transfer';
import { constantTruth, isErrorConstant, learnedFact, truthOf, unparenNode } from './truth';
import { exitRefs } from './refExit';
import { isClearedDrop } from './fieldDrops';
import { cursorLoops, type CursorLoop } from './cursorLoops';

/** No call results yet: a step's try-calls extend the list (callResults.ts), never edit it. */
const NO_RESULTS: Branch['env'] = null;
const NO_OPS: readonly Op[] = [];

/** Default cap on distinct states kept per CFG node (see README: bounded work per function). */
export const DEFAULT_MAX_STATES_PER_NODE = 64;
/**
 * Hard cap on node visits per function, whatever the per-node cap: 16 visits per CFG node, and at
 * least 20,000 (a fixed cap would cut short a large dispatch loop whose nodes see only a few states).
 */
const MIN_MAX_VISITS = 20_000;
const VISITS_PER_NODE = 16;
/** States at one node that switch on dropping dead facts and marks (stateLiveness.ts). */
const PRUNE_AFTER_STATES = 4;

/** What a condition's outcomes do, the same on every visit (see `condPlan`). */
interface CondPlan {
  range: SourceRange;
  onTrue: string;
  onFalse: string;
  truth: Truth | undefined;
  learnTrue?: Fact;
  learnFalse?: Fact;
}

export interface ExitInfo {
  state: AbsState;
  range: SourceRange;
  isReturn: boolean;
  /** What the return value is known to be on this path (for inferred try-wrappers). */
  returns?: Truth;
  /** Text of the returned expression, if any. */
  returnText?: string;
  /** The returned value carries a reference this function owned (`ref`) or memory it allocated (`alloc`). */
  returnedRef?: 'ref' | 'alloc' | 'handle';
  /** The function fails here: it returns an error code (or a variable known to hold one), `ERR_PTR`. */
  failing?: boolean;
}

export interface ExploreResult {
  exits: ExitInfo[];
  /** True when a cap dropped states: results are partial, findings still sound for what was seen. */
  incomplete: boolean;
  /** What stopped the search early: the caps on states and visits, or the time limit. */
  reason?: 'states' | 'timeout';
  visits: number;
}

/** CPU time of this process in milliseconds (the analysis runs on one thread). */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * Explores every path of the CFG with the abstract state, joining identical states per node.
 * Breadth-first, so the first path to reach a node (and so each event's trail) is a short one.
 */
export function explore(ctx: FnContext, cfg: Cfg, initial: AbsState, body: Node, maxStatesPerNode = DEFAULT_MAX_STATES_PER_NODE, timeoutMs?: number): ExploreResult {
  // The CPU clock is read from the 256th visit on (a system call: most functions finish long before).
  const limited = timeoutMs !== undefined && timeoutMs > 0;
  let deadline: number | undefined;
  let reason: ExploreResult['reason'];
  // The state keys seen per node: most nodes see one state, kept as its key; a set from the second on.
  const seen: (string | Set<string> | undefined)[] = new Array<string | Set<string> | undefined>(cfg.nodes.length);
  // The queue as two parallel arrays (node, state): one object fewer per step.
  const queueNodes: number[] = [cfg.entry];
  const queueStates: (AbsState | undefined)[] = [initial];
  const exits: ExitInfo[] = [];
  let incomplete = false;
  let visits = 0;
  const maxVisits = Math.max(MIN_MAX_VISITS, VISITS_PER_NODE * cfg.nodes.length);
  // Per condition, computed once rather than per visit: what the trail says of each outcome, the
  // condition's truth on a path with no facts, and the fact each outcome teaches (learnedFact is a
  // function of the condition and the outcome only).
  const plans = new Map<number, CondPlan>();
  const condPlan = (id: number, cond: Node): CondPlan => {
    let p = plans.get(id);
    if (!p) {
      // `!x` is decomposed by the CFG; tell it as written.
      const negated = cond.parent?.type === 'unary_expression' && cond.parent.childForFieldName('operator')?.text === '!';
      const shown = negated ? cond.parent! : cond;
      const label = shown.text.length > 60 ? `${shown.text.slice(0, 57)}...` : shown.text;
      p = {
        range: rangeOf(shown), onTrue: `\`${label}\` is ${negated ? 'false' : 'true'}`, onFalse: `\`${label}\` is ${negated ? 'true' : 'false'}`,
        truth: truthOf({ s: emptyState(), env: NO_RESULTS }, cond), learnTrue: learnedFact(ctx, cond, 'nonzero'), learnFalse: learnedFact(ctx, cond, 'zero'),
      };
      plans.set(id, p);
    }
    return p;
  };
  // What each CFG node evaluates, extracted on first use. Only statements, conditions and returns
  // evaluate anything: a `case` label's AST is the whole case, whose statements are nodes of their own.
  // Iterator-macro heads assign their loop variables (ops.ts).
  const nodeOps: (readonly Op[] | undefined)[] = new Array<readonly Op[] | undefined>(cfg.nodes.length);
  const stmtOps = (n: CfgNode): readonly Op[] => {
    let o = nodeOps[n.id];
    if (!o) {
      o = !n.ast || (n.kind !== 'stmt' && n.kind !== 'cond' && n.kind !== 'return') ? NO_OPS
        : n.loopVariables ? iteratorHeadOps(n.ast, n.loopVariables) : n.advanceFrom !== undefined ? iteratorAdvanceOps(n.ast, n.advanceFrom) : extractOps(n.ast);
      nodeOps[n.id] = o;
    }
    return o;
  };

  // Nodes that pass the state on unchanged (entry, goto labels, loop joins, statements with nothing
  // to evaluate) are skipped: a state goes straight to the first node that can change it.
  const target: number[] = cfg.nodes.map(() => -2);
  const passesThrough = (id: number): boolean => {
    const n = cfg.nodes[id]!;
    if (n.succ.length !== 1) return false;
    if (n.kind === 'entry') return true;
    if (n.kind === 'label') return !(n.ast && n.note);
    return n.kind === 'stmt' && stmtOps(n).length === 0;
  };
  const resolve = (from: number | undefined): number => {
    if (from === undefined || from < 0) return -1;
    const chain: number[] = [];
    let id = from;
    while (target[id] === -2 && passesThrough(id)) {
      target[id] = -3; // on the chain being resolved: a cycle of pass-through nodes stops here
      chain.push(id);
      id = cfg.nodes[id]!.succ[0]!;
      if (id < 0) break;
    }
    const end = id < 0 ? -1 : target[id]! >= -1 ? target[id]! : id;
    for (const c of chain) target[c] = end;
    if (id >= 0 && target[id] === -2) target[id] = id;
    return end;
  };
  // Facts and dead marks nothing downstream can read are dropped as a state moves on (stateLiveness.ts),
  // once some node has seen several states.
  let pruning = false;
  let livenessOf: Liveness | undefined;
  const makeLiveness = (): Liveness => {
    // Dead marks can only fall on objects handed to reference APIs (put, release, free, destroy).
    const deadCandidates = new Set<string>();
    for (const n of cfg.nodes) {
      for (const op of stmtOps(n)) if (op.op === 'call' && ctx.call(op.name).refs !== undefined) for (const a of op.args) for (const id of identifiersOf(a.text)) deadCandidates.add(id);
    }
    // Condition facts exist only for texts tested at least twice (learnedFact); variables' facts for every scoped variable.
    const condKeys = [...ctx.condTexts].filter(([, n]) => n >= 2).map(([k]) => `c:${k}`);
    return stateLiveness(cfg, new Set([...ctx.condVars.keys(), ...condKeys]), deadCandidates, stmtOps);
  };
  // A condition on memory (`flow->tcpFlags > 44`) learned in one iteration is not carried into the
  // next: the body drops and retakes the locks that guard that memory, and other threads may change
  // it in between. Carried, it kept a second copy of every state going round a dispatch loop whose
  // cases test the same field (twice the work for nothing a path could rely on).
  let isRetreating: ((from: number, to: number) => boolean) | undefined;
  const closesLoop = (from: number, to: number): boolean => {
    const back = (isRetreating ??= retreatingEdges(cfg));
    if (back(from, to)) return true;
    // The pass-through nodes the state skips on its way have edges too.
    for (let id = to, steps = 0; id >= 0 && target[id] !== id && steps < 64 && passesThrough(id); steps++) {
      const next = cfg.nodes[id]!.succ[0]!;
      if (next >= 0 && back(id, next)) return true;
      id = next;
    }
    return false;
  };
  // Loops whose pointer condition cannot be NULL on entry (cursorLoops.ts), by condition node.
  const loops = cursorLoops(cfg, body);
  let current = -1; // the node being stepped, whose successors `push` queues
  const push = (to: number | undefined, st: AbsState): void => {
    let at = to === undefined || to < 0 ? -1 : target[to]! >= -1 ? target[to]! : resolve(to);
    if (at < 0) return;
    // Entering a loop whose pointer is known not NULL: the first test is true, the body runs.
    if (loops.size > 0 && loops.get(at)?.entersBody === true && !closesLoop(current, to!)) {
      const cond = cfg.nodes[at]!;
      const plan = condPlan(at, cond.ast!);
      st = outcome(st, plan.range, plan.onTrue, plan.learnTrue);
      const body0 = cond.succ[0];
      at = body0 === undefined || body0 < 0 ? -1 : target[body0]! >= -1 ? target[body0]! : resolve(body0);
      if (at < 0) return;
    }
    queueNodes.push(at);
    // A put of a reference the caller handed over, made in a loop body, is the loop's protocol
    // (clone for the next element, consume for this one): its mark does not go round either.
    const carries = st.facts.some((f) => f.readsMemory) || st.dead.some((d) => d.consumed);
    queueStates.push(carries && closesLoop(current, to!) ? keepLive(st, (f) => !f.readsMemory, (d) => !d.consumed) : st);
  };
  // Pruned when taken off the queue rather than when put on it, so states queued before pruning
  // was switched on are pruned too (they would otherwise carry dead facts round a whole loop).
  const pruned = (at: number, st: AbsState): AbsState => {
    if (!pruning || (st.facts.length === 0 && st.dead.length === 0)) return st;
    const liveness = (livenessOf ??= makeLiveness());
    let allLive = true;
    // A parameter's NULL-ness is kept to the exits: the summary reads it there (inferSummary.ts).
    const live = (f: Fact): boolean => liveness.factLive(at, f.key) || (ctx.params.includes(f.key) && ctx.condVars.has(f.key));
    for (const f of st.facts) if (!live(f)) allLive = false;
    // So is what became of a parameter's object, or of what an out-parameter points at (`*out`), or of a parameter's field (fieldDrops.ts): the summary's put or free of it is read at the exits.
    const deadLive = (d: DeadObject): boolean => ctx.params.includes(d.obj) || (d.obj.startsWith('*') && ctx.params.includes(d.obj.slice(1))) || isClearedDrop(d) || liveness.deadLive(at, d.obj);
    for (const d of st.dead) if (!deadLive(d)) allLive = false;
    return allLive ? st : keepLive(st, live, deadLive);
  };
  queueNodes[0] = resolve(cfg.entry);
  if (queueNodes[0] < 0) {
    queueNodes.length = 0;
    queueStates.length = 0;
  }

  for (let qi = 0; qi < queueNodes.length; qi++) {
    const id = queueNodes[qi]!;
    const s = pruned(id, queueStates[qi]!);
    queueStates[qi] = undefined; // let processed states be collected
    if (++visits > maxVisits) {
      incomplete = true;
      reason = 'states';
      break;
    }
    // The clock (a system call) starts at the 256th visit, so small functions never read it, and is
    // read again every 1024: at every 256 it cost ~1 % of a real tree.
    if (limited && (visits & 255) === 0) {
      if (deadline === undefined) deadline = cpuMs() + timeoutMs!;
      else if ((visits & 1023) === 0 && cpuMs() > deadline) {
        incomplete = true;
        reason = 'timeout';
        break;
      }
    }
    const node = cfg.nodes[id]!;
    current = id;
    const key = stateKey(s);
    const known = seen[id];
    if (known === undefined) seen[id] = key;
    else {
      if (known === key || (typeof known !== 'string' && known.has(key))) continue;
      const count = typeof known === 'string' ? 1 : known.size;
      if (count >= maxStatesPerNode) {
        incomplete = true;
        reason ??= 'states';
        continue;
      }
      if (typeof known === 'string') seen[id] = new Set([known, key]);
      else known.add(key);
      // Liveness costs more than it saves until states start to pile up at some point.
      if (count + 1 >= PRUNE_AFTER_STATES) pruning = true;
    }

    ctx.heldAt?.visit(id, s);
    switch (node.kind) {
      case 'entry':
        push(node.succ[0], s);
        break;
      case 'label':
        // Switch cases tell the path which case ran.
        if (node.ast && node.note) {
          const st = withTrail(s, rangeOf(node.ast), node.note);
          push(node.succ[0], st);
        } else push(node.succ[0], s);
        break;
      case 'exit': {
        const ret = s.ret;
        exits.push({
          state: s,
          range: ret?.range ?? endOfFunction(body),
          isReturn: ret !== undefined,
          returns: ret?.returns,
          returnText: ret?.text,
          returnedRef: ret?.ref,
          failing: ret?.failing,
        });
        break;
      }
      case 'noreturn':
        // The path ends; nothing held matters any more — but locks the call takes before it stops do.
        if (node.ast) noReturnCalls(ctx, id, extractOps(node.ast), s);
        break;
      case 'branch':
        // Queued states are never changed in place (each step works on a clone), so all successors share it.
        for (const to of node.succ) push(to, s);
        break;
      case 'stmt':
      case 'return': {
        const ops = stmtOps(node);
        if (ops.length === 0 && node.kind === 'stmt') {
          push(node.succ[0], s); // nothing to evaluate: the state passes through unchanged
          break;
        }
        if (node.kind === 'stmt' && opsAreInert(ctx, ops, s)) {
          push(node.succ[0], s); // nothing here can change this state
          break;
        }
        let branches: Branch[] = [{ s: cloneState(s), env: NO_RESULTS }];
        for (const op of ops) branches = applyOp(ctx, id, op, branches);
        for (const b of branches) {
          if (node.kind === 'return' && node.ast) {
            const value = node.ast.namedChildren.find((c) => c !== null && c.type !== 'comment') ?? null;
            const returns = value ? truthOf(b, value) ?? constantTruth(value.text) : undefined;
            const ref = exitRefs(ctx, b, value);
            addTrail(b.s, rangeOf(node.ast), `returns${value ? ` \`${value.text.length > 40 ? `${value.text.slice(0, 37)}...` : value.text}\`` : ''}`);
            const failing = value !== null && (isErrorConstant(value.text) || (unparenNode(value).type === 'identifier' && holdsError(b.s, unparenNode(value).text)));
            b.s.ret = { range: rangeOf(node.ast), returns, text: value?.text, ref, failing: failing || undefined };
          }
          push(node.succ[0], b.s);
        }
        break;
      }
      case 'cond': {
        const cond = node.ast!;
        const condOps = stmtOps(node);
        const plan = condPlan(id, cond);
        const walk = loops.size > 0 ? loops.get(id) : undefined;
        if (opsAreInert(ctx, condOps, s)) {
          // Only the outcome's facts and trail differ: each side gets a shallow copy, never a deep clone.
          // Without facts the outcome depends on the condition's text alone.
          const t = s.facts.length === 0 ? plan.truth : truthOf({ s, env: NO_RESULTS }, cond);
          if (t !== 'zero') push(node.succ[0], outcome(s, plan.range, plan.onTrue, t === undefined ? plan.learnTrue : undefined));
          if (t !== 'nonzero') {
            const st = outcome(s, plan.range, plan.onFalse, t === undefined ? plan.learnFalse : undefined);
            if (walk?.linkOps) for (const w of walkEnded(ctx, walk, id, st)) push(node.succ[1], w);
            else push(node.succ[1], st);
          }
          break;
        }
        let branches: Branch[] = [{ s: cloneState(s), env: NO_RESULTS }];
        for (const op of condOps) branches = applyOp(ctx, id, op, branches);
        for (const b of branches) {
          const t = truthOf(b, cond);
          if (t !== 'zero') {
            const tb: Branch = t === undefined ? { s: cloneState(b.s), env: b.env } : b;
            if (t === undefined && plan.learnTrue) setFact(tb.s, plan.learnTrue);
            addTrail(tb.s, plan.range, plan.onTrue);
            push(node.succ[0], tb.s);
          }
          if (t !== 'nonzero') {
            if (t === undefined && plan.learnFalse) setFact(b.s, plan.learnFalse);
            addTrail(b.s, plan.range, plan.onFalse);
            if (walk?.linkOps) for (const w of walkEnded(ctx, walk, id, b.s)) push(node.succ[1], w);
            else push(node.succ[1], b.s);
          }
        }
        break;
      }
    }
  }
  return { exits, incomplete, reason, visits };
}

function endOfFunction(body: Node): SourceRange {
  // The closing brace of the body.
  const end = body.endPosition;
  return { start: { line: end.row, column: Math.max(0, end.column - 1) }, end: { line: end.row, column: end.column } };
}

/**
 * An insertion walk that ran and ended without linking (cursorLoops.ts): the place it looks for is
 * there, so the value counts as linked as on the path that found it.
 */
function walkEnded(ctx: FnContext, walk: CursorLoop, condId: number, s: AbsState): AbsState[] {
  let branches: Branch[] = [{ s: cloneState(s), env: NO_RESULTS }];
  for (const op of walk.linkOps ?? []) branches = applyOp(ctx, walk.linkNode ?? condId, op, branches);
  return branches.map((b) => b.s);
}

/** One side of an inert condition: the state with the step told, and the fact learned (if any; the copy's key is then recomputed). */
function outcome(s: AbsState, range: SourceRange, message: string, learned: Fact | undefined): AbsState {
  if (!learned) return withTrail(s, range, message);
  const st = withTrailUnkeyed(s, range, message);
  setFact(st, learned);
  return st;
}
