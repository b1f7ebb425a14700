// Lowers one C function (and, inlined, the functions of the same file it calls) into one step
// function: the engine's CFG laid out in source order, conditions on model values as jumps, other
// conditions as nondeterministic choices, loops cut after the loop bound.

import type { CfgNode } from '../c/cfg';
import type { SyntaxNode as Node } from '../c/syntax';
import { squash } from '../analysis/exprs';
import type { FlowTableApi } from '../apis/flowTableBuiltins';
import type { LockApi, RefApi } from '../apis/types';
import type { Cond, LockDecl } from '../model/program';
import type { ContextRole, LockKind, SourceLoc } from '../model/types';
import { Emitter, negate } from './emitter';
import { Evaluator } from './evaluate';
import { Frame, Registers } from './frame';
import type { Val } from './frame';
import { layoutGraph } from './layout';
import type { LayoutGraph } from './layout';
import { RET, mergeEnvs, moveInstr, movesInto, restoreEnv, snapshotEnv, widenForLoop } from './paths';
import type { Env, Move } from './paths';
import type { Lowering } from './lowering';
import { ExtractError, cpuNowMs } from './types';
import type { FlagConvention, Unmodelled, UnmodelledReason } from './types';

/** A function of one of the input files, turned into a plain-JS syntax tree on first use. */
export interface SourceFunction {
  name: string;
  /** The file it is defined in: its instructions point there. */
  uri: string;
  /** `static`: calls from other files do not reach it. */
  isStatic: boolean;
  params: string[];
  /** Parameters that point to a flow (by their declared type). */
  flowParams: string[];
  startLine: number;
  endLine: number;
  body(): Node;
}

export interface CompilerSetup {
  /** Where instructions point when no function is being lowered. */
  uri: string;
  /** Functions callers in any file reach (external linkage), by name. */
  functions: Map<string, SourceFunction>;
  /** Every function, by file and name (a call reaches its own file's `static` one first). */
  byFile: Map<string, Map<string, SourceFunction>>;
  locks: Map<string, LockApi>;
  refs: Map<string, RefApi>;
  flowTable: Map<string, FlowTableApi>;
  noReturn: Set<string>;
  flags: FlagConvention;
  loopBound: number;
  inlineDepth: number;
  initialRefcount: number;
  /** Shared across the packet and put programs: one declaration per lock. */
  lockDecls: Map<string, LockDecl>;
  unmodelled: Unmodelled[];
  /** CPU time (cpuNowMs) past which compiling stops with an ExtractError. */
  deadline?: number;
}

/** A lock an entry function runs under because its callers (or its contract) hold it. */
export interface HeldLock {
  lock: string;
  mode: 'read' | 'write';
  kind: LockKind;
  /** Why, in words: "every caller holds it (OvsPutFlowIoctl, Flow.c:3013)". */
  why: string;
}

/** How a node leaves: a goto, a two-way branch, one more way of a multi-way choice. */
interface Ways {
  goto(u: number, v: number, loc: SourceLoc): void;
  branch(u: number, c: Cond | boolean | 'choose', t: number, f: number, loc: SourceLoc): void;
  choose(u: number, v: number, loc: SourceLoc): void;
}

/** Compilations of one body before a loop's bindings are given up as not tracked exactly. */
const MAX_ATTEMPTS = 4;

/** Inlining stops once a program is this long (a bound on output size for any input). */
export const MAX_INSTRUCTIONS = 20_000;

export class ProgramCompiler implements Lowering {
  readonly em = new Emitter();
  readonly regs = new Registers();
  readonly ev: Evaluator;
  private wrapped = false;
  private readonly uris: string[] = [];
  private nodesDone = 0;
  /** Probe mode: calls to this function are not inlined but marked (`@call:<n>` nops) with their arguments. */
  readonly probe: { target: string; sites: string[][] } | null;

  constructor(
    private readonly setup: CompilerSetup,
    readonly role: ContextRole,
    probeTarget: string | null = null,
  ) {
    this.ev = new Evaluator(this);
    this.probe = probeTarget !== null ? { target: probeTarget, sites: [] } : null;
  }

  /** The file of the function being lowered (an inlined one's while it is). */
  get uri(): string {
    return this.uris[this.uris.length - 1] ?? this.setup.uri;
  }
  get flags(): FlagConvention {
    return this.setup.flags;
  }
  get flowTable(): Map<string, FlowTableApi> {
    return this.setup.flowTable;
  }
  get locks(): Map<string, LockApi> {
    return this.setup.locks;
  }
  get refs(): Map<string, RefApi> {
    return this.setup.refs;
  }
  get initialRefcount(): number {
    return this.setup.initialRefcount;
  }

  unmodelled(n: Node, reason: UnmodelledReason, note: string, what?: string): void {
    const line = n.startPosition.row;
    const text = what ?? squash(n.text).slice(0, 80);
    const uri = this.uri;
    if (this.setup.unmodelled.some((u) => u.context === this.role && u.line === line && u.reason === reason && u.note === note && (u.uri ?? uri) === uri)) return;
    this.setup.unmodelled.push({ context: this.role, line, reason, text, note, uri });
  }

  /** A step that only marks a line, for code the model does not track (listed). */
  nop(n: Node, text: string, reason: UnmodelledReason, note: string): void {
    this.em.push({ op: 'nop', text, loc: { uri: this.uri, line: n.startPosition.row } });
    this.unmodelled(n, reason, note);
  }

  declareLock(name: string, kind: LockKind, n: Node): void {
    const d = this.setup.lockDecls.get(name);
    if (d === undefined) this.setup.lockDecls.set(name, { name, kind });
    else if (d.kind !== kind) this.unmodelled(n, 'unsupported', `lock ${name} is used as ${kind} and as ${d.kind}: modelled as ${d.kind}`);
  }

  usesLock(name: string): boolean {
    return this.setup.lockDecls.has(name);
  }

  /** The kind of each lock declared so far. */
  lockKinds(): Map<string, LockKind> {
    return new Map([...this.setup.lockDecls].map(([k, d]) => [k, d.kind]));
  }

  /** The value of an expression statement is thrown away. */
  statementLevel(n: Node): boolean {
    let p = n.parent;
    while (p && p.type === 'parenthesized_expression') p = p.parent;
    return p === null || p.type === 'expression_statement';
  }

  /**
   * Compiles the entry function; `rcuReader` wraps it in a read-side section of that RCU flavour,
   * `held` in the locks its callers hold around it (taken at its first line, dropped at its last).
   */
  compileEntry(fn: SourceFunction, rcuReader: string | null, held: readonly HeldLock[] = []): void {
    const frame = new Frame(fn.name, 0, '', [], [], [fn.name]);
    this.uris.push(fn.uri);
    const at = (line: number): SourceLoc => ({ uri: fn.uri, line });
    this.wrapped = rcuReader !== null || held.length > 0;
    for (const h of held) {
      const n = this.nodeAt(fn);
      this.declareLock(h.lock, h.kind, n);
      this.em.push({ op: 'acquire', lock: h.lock, mode: h.mode, loc: at(fn.startLine) });
      this.unmodelled(n, 'assumed', `${fn.name} runs under ${h.lock} (${h.mode}): ${h.why}; the model takes it around the function`, `${fn.name}()`);
    }
    if (rcuReader !== null) this.em.push({ op: 'acquire', lock: rcuReader, mode: 'read', loc: at(fn.startLine) });
    // A flow parameter is the table's flow as the caller found it: a lookup when the context starts.
    for (const p of fn.flowParams) {
      const reg = this.regs.claim(p, 'flow');
      frame.vars.set(p, { k: 'flow', reg });
      this.em.push({ op: 'lookup', key: 'F', flow: reg, skipInactive: false, loc: at(fn.startLine) });
      this.unmodelled(this.nodeAt(fn), 'unsupported', `a flow parameter: modelled as a lookup when ${fn.name} starts (the caller's lookup and locks are not)`, p);
    }
    this.lower(fn, frame);
    if (rcuReader !== null) this.em.push({ op: 'release', lock: rcuReader, loc: at(fn.endLine) });
    for (const h of [...held].reverse()) this.em.push({ op: 'release', lock: h.lock, loc: at(fn.endLine) });
    this.em.push({ op: 'return', loc: at(fn.endLine) });
    this.uris.pop();
  }

  /** The function a call to `name` reaches from the file being lowered: its own file's first, else one with external linkage. */
  private reachable(name: string): SourceFunction | undefined {
    return this.setup.byFile.get(this.uri)?.get(name) ?? this.setup.functions.get(name);
  }

  /** Inlines a call to a function of the file; null when `name` is not one (or knowledge should decide). */
  inline(name: string, call: Node, args: Node[], caller: Frame): Val | null {
    if (this.probe !== null && name === this.probe.target) {
      // Probe mode: mark the call site (its arguments in the caller's terms) instead of inlining.
      this.em.push({ op: 'nop', text: `@call:${this.probe.sites.length}`, loc: { uri: this.uri, line: call.startPosition.row } });
      this.probe.sites.push(args.map((a) => this.ev.resolveText(squash(a.text), caller)));
      return { k: 'unknown' };
    }
    const fn = this.reachable(name);
    if (fn === undefined) return null;
    if (this.em.length > MAX_INSTRUCTIONS) {
      if (this.locks.has(name) || this.refs.has(name)) return null;
      this.nop(call, `${name}()`, 'depth-limit', `the program has more than ${MAX_INSTRUCTIONS} steps: not inlined, a step with no effect`);
      return { k: 'unknown' };
    }
    if (caller.chain.includes(name) || caller.depth + 1 > this.setup.inlineDepth) {
      if (this.locks.has(name) || this.refs.has(name)) return null;
      this.nop(call, `${name}()`, 'depth-limit', caller.chain.includes(name) ? 'recursive call: not inlined, a step with no effect' : `inlining stops at depth ${this.setup.inlineDepth}: a step with no effect`);
      return { k: 'unknown' };
    }
    const texts = args.map((a) => this.ev.resolveText(squash(a.text), caller));
    const frame = new Frame(name, caller.depth + 1, `${name}:`, fn.params, texts, [...caller.chain, name]);
    fn.params.forEach((p, i) => {
      const a = args[i];
      if (p === '' || a === undefined) return;
      const flow = this.ev.flowOf(a, caller);
      if (flow !== null) {
        frame.vars.set(p, { k: 'flow', reg: flow });
        return;
      }
      const v = this.ev.eval(a, caller);
      if (v.k === 'num' || v.k === 'bool' || v.k === 'const' || v.k === 'null' || v.k === 'flow') frame.vars.set(p, v);
    });
    this.lower(fn, frame);
    return this.returned(frame);
  }

  /** What the inlined function returns: the value its paths leave in `$ret` where they meet at its end. */
  private returned(frame: Frame): Val {
    return frame.vars.get(RET) ?? { k: 'unknown' };
  }

  // ---- CFG layout ---------------------------------------------------------------------------

  /**
   * Lowers a function body: nodes are laid out in source order but compiled in reverse postorder, so
   * that each node starts from the bindings its predecessors left (merged where paths meet, widened at
   * loop headers). An edge whose bindings differ from its target's copies registers on the way. A loop
   * whose back edge brings a value the header cannot take (another kind) is compiled again with that
   * variable unknown at the header.
   */
  private lower(fn: SourceFunction, frame: Frame): void {
    this.uris.push(fn.uri);
    try {
      this.lowerIn(fn, frame);
    } finally {
      this.uris.pop();
    }
  }

  private lowerIn(fn: SourceFunction, frame: Frame): void {
    const em = this.em;
    const g = layoutGraph(fn.body(), this.setup.noReturn);
    const block = em.block();
    const start = snapshotEnv(frame);
    const restore = this.checkpoint();
    const forceUnknown = new Map<number, Set<string>>();
    for (let attempt = 1; ; attempt++) {
      const stuck = em.into(block, () => this.lowerOnce(fn, frame, g, start, forceUnknown, attempt >= MAX_ATTEMPTS));
      if (stuck.length === 0) return;
      for (const [h, name] of stuck) forceUnknown.set(h, new Set([...(forceUnknown.get(h) ?? []), name]));
      em.truncate(block, 0);
      restore();
      restoreEnv(frame, start);
    }
  }

  /** Compile state to go back to (registers, lock declarations, what was listed as not modelled). */
  private checkpoint(): () => void {
    const regs = this.regs.snapshot();
    const locks = new Map(this.setup.lockDecls);
    const listed = this.setup.unmodelled.length;
    return () => {
      regs();
      this.setup.lockDecls.clear();
      for (const [k, v] of locks) this.setup.lockDecls.set(k, v);
      this.setup.unmodelled.length = listed;
    };
  }

  /** One compilation of a body; returns the (header, variable) pairs a back edge could not bring back. */
  private lowerOnce(fn: SourceFunction, frame: Frame, g: LayoutGraph, start: Env, forceUnknown: Map<number, Set<string>>, last: boolean): [number, string][] {
    const em = this.em;
    const { cfg, order, rpo, back, headers } = g;
    const nodes = cfg.nodes;
    const label = new Map(order.map((id) => [id, em.newLabel()]));
    const blocks = new Map(order.map((id) => [id, em.block()]));
    for (const id of order) em.into(blocks.get(id)!, () => em.place(label.get(id)!));
    const end = em.newLabel();
    const tramp = new Map(headers.map((h) => [h, em.newLabel()]));
    const trampBlock = em.block();
    em.place(end);
    const isBack = (u: number, v: number): boolean => back.has(`${u}>${v}`);
    const target = (u: number, v: number): number => (v === cfg.exit ? end : isBack(u, v) ? tramp.get(v)! : label.get(v)!);
    const fnLoc: SourceLoc = { uri: this.uri, line: fn.startLine };
    // Where a node without syntax (a join, a label) points: the closest statement before it.
    const locOf = new Map<number, SourceLoc>();
    let lastLoc = fnLoc;
    for (const id of order) {
      const ast = nodes[id]!.ast;
      if (ast !== null) lastLoc = { uri: this.uri, line: ast.startPosition.row };
      locOf.set(id, lastLoc);
    }
    const nextOf = new Map(order.map((id, i) => [id, i + 1 < order.length ? label.get(order[i + 1]!)! : headers.length > 0 ? tramp.get(headers[0]!)! : end]));

    // At top level a way out is the context's return (one step, not a goto to the end), unless the
    // end releases an implicit RCU read side first.
    const directReturn = frame.depth === 0 && !this.wrapped;
    const entryEnv = new Map<number, Env>();
    const exitEnv = new Map<number, Env>();
    /** Edges whose copies are decided once every node is compiled: taken jumps (a label) and fall-through gotos. */
    const edges: { u: number; v: number; label: number; loc: SourceLoc }[] = [];
    const moves = new Map<string, Move[]>();
    const movesOf = (u: number, v: number): Move[] => moves.get(`${u}>${v}`) ?? [];

    const goto = (u: number, v: number, loc: SourceLoc): void => {
      em.later(() => {
        for (const m of movesOf(u, v)) em.push(moveInstr(m, loc));
        const t = target(u, v);
        if (t === nextOf.get(u)) return;
        if (t === end && directReturn) em.push({ op: 'return', loc });
        else em.jump({ kind: 'always' }, t, loc);
      });
    };
    /** A label for the taken side of a jump from u to v: v itself, or a tail block that copies first. */
    const edgeLabel = (u: number, v: number, loc: SourceLoc): number => {
      const l = em.newLabel();
      edges.push({ u, v, label: l, loc });
      return l;
    };
    /** Edges a condition decided at compile time never takes (NULL after RemoveFlow, a constant). */
    const deadEdges = new Set<string>();
    const branch = (u: number, c: Cond | boolean | 'choose', t: number, f: number, loc: SourceLoc): void => {
      if (c === true && t !== f) deadEdges.add(`${u}>${f}`);
      if (c === false && t !== f) deadEdges.add(`${u}>${t}`);
      if (c === true || t === f) return goto(u, t, loc);
      if (c === false) return goto(u, f, loc);
      const next = nextOf.get(u);
      const neg = c === 'choose' ? null : negate(c);
      // Jump to the side that is not next in the layout, fall (or go) to the other.
      const [jumpTo, fallTo, cond] = target(u, t) === next && (c === 'choose' || neg !== null) ? [f, t, c === 'choose' ? c : neg!] : [t, f, c];
      if (cond === 'choose') em.choose(edgeLabel(u, jumpTo, loc), loc);
      else em.jump(cond, edgeLabel(u, jumpTo, loc), loc);
      goto(u, fallTo, loc);
    };

    // A NULL in a variable declared as a flow pointer (or a parameter that is one; or the returned value) is a flow pointer.
    const flowVars = new Set([...g.flowVars, ...fn.flowParams, ...(frame.depth > 0 ? [RET] : [])]);
    const stuck: [number, string][] = [];
    for (const id of rpo) {
      if ((++this.nodesDone & 63) === 0 && this.setup.deadline !== undefined && cpuNowMs() > this.setup.deadline) {
        throw new ExtractError(`compiling ${fn.name} took longer than the time limit: the C functions are too large to simulate within it`);
      }
      const node = nodes[id]!;
      // The bindings on entry: the start's, or those of the forward predecessors, merged; widened at a loop header.
      const ins = (g.preds.get(id) ?? []).filter((u) => !isBack(u, id) && exitEnv.has(u) && !deadEdges.has(`${u}>${id}`));
      // No path reaches it (every way in was decided against): nothing to compile.
      if (id !== g.start && ins.length === 0) continue;
      const live = g.liveIn.get(id)!;
      let env = id === g.start ? start : mergeEnvs(ins.map((u) => exitEnv.get(u)!), frame.prefix, this.regs, live, flowVars);
      if (tramp.has(id)) {
        env = widenForLoop(env, g.assignedInLoop.get(id)!, frame.prefix, this.regs, live, flowVars);
        for (const name of forceUnknown.get(id) ?? []) if (env.vars.has(name)) env.vars.set(name, { k: 'unknown' });
      }
      entryEnv.set(id, env);
      for (const u of ins) moves.set(`${u}>${id}`, movesInto(exitEnv.get(u)!, env).moves);
      restoreEnv(frame, env);
      em.into(blocks.get(id)!, () => this.node(id, node, g, frame, locOf.get(id)!, { goto, branch, choose: (u, v, loc) => em.choose(edgeLabel(u, v, loc), loc) }, end));
      exitEnv.set(id, snapshotEnv(frame));
    }
    // Back edges: copies into the header's bindings, or a variable the header must not assume.
    for (const key of back) {
      const [u, h] = key.split('>').map(Number) as [number, number];
      if (!exitEnv.has(u)) continue;
      const r = movesInto(exitEnv.get(u)!, entryEnv.get(h)!);
      moves.set(key, r.moves);
      for (const name of r.stuck) stuck.push([h, name]);
    }
    if (stuck.length > 0 && !last) return stuck;
    if (stuck.length > 0) this.unmodelled(fn.body(), 'unsupported', `a loop changes ${[...new Set(stuck.map(([, n]) => n))].join(', ')} in ways the model cannot carry round it: not tracked exactly`, fn.name);
    // The function's end: what it returns, where its paths meet.
    const outs = [...exitEnv].filter(([id]) => g.succ(id).includes(cfg.exit)).map(([id, e]) => [id, e] as const);
    const retEnv = (e: Env): Env => ({ vars: e.vars.has(RET) ? new Map([[RET, e.vars.get(RET)!]]) : new Map(), handles: new Map() });
    const endEnv = frame.depth > 0 && outs.length > 0 ? mergeEnvs(outs.map(([, e]) => retEnv(e)), frame.prefix, this.regs, null, flowVars) : null;
    if (endEnv !== null) for (const [id, e] of outs) moves.set(`${id}>${cfg.exit}`, movesInto(retEnv(e), endEnv).moves);
    for (const e of edges) {
      const ms = movesOf(e.u, e.v);
      const t = target(e.u, e.v);
      if (ms.length === 0) {
        em.alias(e.label, t);
        continue;
      }
      em.into('tail', () => {
        em.place(e.label);
        for (const m of ms) em.push(moveInstr(m, e.loc));
        if (t === end && directReturn) em.push({ op: 'return', loc: e.loc });
        else em.jump({ kind: 'always' }, t, e.loc);
      });
    }

    // Loop back edges: count the iteration; past the bound, leave the loop.
    em.into(trampBlock, () => {
      headers.forEach((h, i) => {
        em.place(tramp.get(h)!);
        const hl = nodes[h]!.ast;
        const loc: SourceLoc = hl !== null ? { uri: this.uri, line: hl.startPosition.row } : fnLoc;
        const reg = this.regs.claim(`${frame.prefix}loop@${loc.line + 1}`, 'value');
        em.loop(reg, this.setup.loopBound, label.get(h)!, loc);
        const exit = g.loopExit(h);
        const next = i + 1 < headers.length ? tramp.get(headers[i + 1]!)! : end;
        // Leaving the loop goes where the header's own way out goes, taking the header's bindings there.
        const ms = exit === cfg.exit ? [] : movesInto(entryEnv.get(h)!, entryEnv.get(exit) ?? entryEnv.get(h)!).moves;
        for (const m of ms) em.push(moveInstr(m, loc));
        const t = exit === cfg.exit ? end : label.get(exit)!;
        if (t !== next) em.jump({ kind: 'always' }, t, loc);
        if (hl !== null) this.unmodelled(hl, 'bounded-loop', `the loop runs at most ${this.setup.loopBound} times, then the model leaves it`);
      });
    });
    restoreEnv(frame, endEnv ?? { vars: new Map(), handles: new Map() });
    return [];
  }

  /** Compiles one CFG node into the current block. */
  private node(id: number, node: CfgNode, g: LayoutGraph, frame: Frame, loc: SourceLoc, ways: Ways, end: number): void {
    const { goto, branch, choose } = ways;
    const em = this.em;
    const exit = g.cfg.exit;
    const ss = g.succ(id);
    this.ev.used.clear();
    const ast = node.ast;
    switch (node.kind) {
      case 'stmt':
        // An iterator's advance step (cfg.ts) only reads the cursor: nothing for the model to run.
        if (ast !== null && node.advanceFrom === undefined) this.statement(ast, frame);
        if (ss.length === 0) em.jump({ kind: 'always' }, end, loc);
        else goto(id, ss[0]!, loc);
        return;
      case 'return': {
        const expr = ast?.namedChildren.find((c) => c.type !== 'comment');
        if (expr !== undefined) this.ev.bind(RET, expr, frame);
        goto(id, ss[0] ?? exit, loc);
        return;
      }
      case 'noreturn':
        if (ast !== null) this.statement(ast, frame);
        if (ast !== null) this.unmodelled(ast, 'unsupported', 'a call that never returns: the context ends here');
        em.push({ op: 'return', loc });
        return;
      case 'cond': {
        const v = ast !== null ? this.ev.eval(ast, frame) : { k: 'unknown' as const };
        let c: Cond | boolean | 'choose' = ast !== null ? this.ev.condOf(v, ast, frame) ?? 'choose' : 'choose';
        if (c === 'choose' && ast !== null) this.unmodelled(ast, 'nondeterministic', 'a condition on a value the model does not track: both branches are explored');
        if (ss.length < 2) c = true;
        branch(id, c, ss[0] ?? exit, ss[1] ?? ss[0] ?? exit, loc);
        return;
      }
      case 'branch':
      case 'entry':
      case 'label': {
        if (ss.length > 1 && ast !== null) this.unmodelled(ast, 'nondeterministic', `${node.note ?? 'branch'}: every way is explored`);
        if (ss.length > 1 && ast === null) this.unmodelled(g.body, 'nondeterministic', `${node.note ?? 'branch'}: every way is explored`, node.note ?? 'branch');
        // Each way but the last is a choice (one more step per way), the last a goto.
        for (let k = 0; k < ss.length - 1; k++) choose(id, ss[k]!, loc);
        if (ss.length > 0) goto(id, ss[ss.length - 1]!, loc);
        else em.jump({ kind: 'always' }, end, loc);
        return;
      }
      default:
        em.jump({ kind: 'always' }, end, loc);
    }
  }

  private nodeAt(fn: SourceFunction): Node {
    return fn.body();
  }

  private statement(ast: Node, frame: Frame): void {
    if (ast.type !== 'declaration') {
      this.ev.eval(ast, frame);
      return;
    }
    for (const d of ast.namedChildren) {
      if (d.type !== 'init_declarator') continue;
      let id: Node | null = d.childForFieldName('declarator');
      while (id && id.type !== 'identifier') id = id.childForFieldName('declarator') ?? id.namedChildren.find((c) => c.type === 'identifier') ?? null;
      const value = d.childForFieldName('value');
      if (id && value) this.ev.bind(id.text, value, frame);
    }
  }
}
