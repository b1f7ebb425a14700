// Lowers one C function (and, inlined, the functions of the same file it calls) into one step
// function: the engine's CFG laid out in source order, conditions on model values as jumps, other
// conditions as nondeterministic choices, loops cut after the loop bound.

import { buildCfg } from '../c/cfg';
import type { Cfg } from '../c/cfg';
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
import type { Lowering } from './lowering';
import type { FlagConvention, Unmodelled, UnmodelledReason } from './types';

/** A function of the file, turned into a plain-JS syntax tree on first use. */
export interface SourceFunction {
  name: string;
  params: string[];
  /** Parameters that point to a flow (by their declared type). */
  flowParams: string[];
  startLine: number;
  endLine: number;
  body(): Node;
}

export interface CompilerSetup {
  uri: string;
  functions: Map<string, SourceFunction>;
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
}

/** Inlining stops once a program is this long (a bound on output size for any input). */
export const MAX_INSTRUCTIONS = 20_000;

export class ProgramCompiler implements Lowering {
  readonly em = new Emitter();
  readonly regs = new Registers();
  /** Flow registers some instruction writes (a NULL assignment before any of them needs no step). */
  readonly written = new Set<string>();
  readonly ev: Evaluator;
  private lastLoc: SourceLoc;
  private wrapped = false;

  constructor(
    private readonly setup: CompilerSetup,
    readonly role: ContextRole,
  ) {
    this.ev = new Evaluator(this);
    this.lastLoc = { uri: setup.uri, line: 0 };
  }

  get uri(): string {
    return this.setup.uri;
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
    if (this.setup.unmodelled.some((u) => u.context === this.role && u.line === line && u.reason === reason && u.note === note)) return;
    this.setup.unmodelled.push({ context: this.role, line, reason, text, note });
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

  /** The value of an expression statement is thrown away. */
  statementLevel(n: Node): boolean {
    let p = n.parent;
    while (p && p.type === 'parenthesized_expression') p = p.parent;
    return p === null || p.type === 'expression_statement';
  }

  /** Compiles the entry function; `rcuReader` wraps it in a read-side section of that RCU flavour. */
  compileEntry(fn: SourceFunction, rcuReader: string | null): void {
    const frame = new Frame(fn.name, 0, '', [], [], [fn.name]);
    const at = (line: number): SourceLoc => ({ uri: this.uri, line });
    this.wrapped = rcuReader !== null;
    if (rcuReader !== null) this.em.push({ op: 'acquire', lock: rcuReader, mode: 'read', loc: at(fn.startLine) });
    // A flow parameter is the table's flow as the caller found it: a lookup when the context starts.
    for (const p of fn.flowParams) {
      const reg = this.regs.claim(p, 'flow');
      frame.vars.set(p, { k: 'flow', reg });
      this.written.add(reg);
      this.em.push({ op: 'lookup', key: 'F', flow: reg, skipInactive: false, loc: at(fn.startLine) });
      this.unmodelled(this.nodeAt(fn), 'unsupported', `a flow parameter: modelled as a lookup when ${fn.name} starts (the caller's lookup and locks are not)`, p);
    }
    this.lower(fn, frame);
    if (rcuReader !== null) this.em.push({ op: 'release', lock: rcuReader, loc: at(fn.endLine) });
    this.em.push({ op: 'return', loc: at(fn.endLine) });
  }

  /** Inlines a call to a function of the file; null when `name` is not one (or knowledge should decide). */
  inline(name: string, call: Node, args: Node[], caller: Frame): Val | null {
    const fn = this.setup.functions.get(name);
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
    return this.returned(frame, call);
  }

  private returned(frame: Frame, call: Node): Val {
    const rs = frame.returns.filter((v) => v.k !== 'unknown' || frame.returns.length === 1);
    if (rs.length === 0) return { k: 'unknown' };
    const flows = rs.filter((v): v is Extract<Val, { k: 'flow' }> => v.k === 'flow');
    if (flows.length > 0) {
      if (flows.some((v) => v.reg !== flows[0]!.reg) || flows.length !== rs.length) {
        this.unmodelled(call, 'unsupported', `${frame.fn} returns different pointers on different paths: the caller sees ${flows[0]!.reg}`);
      }
      return flows[0]!;
    }
    const first = rs[0]!;
    const same = rs.every((v) => JSON.stringify(v) === JSON.stringify(first));
    if (!same) this.unmodelled(call, 'unsupported', `${frame.fn} returns different values on different paths: the result is not tracked`);
    return same ? first : { k: 'unknown' };
  }

  // ---- CFG layout ---------------------------------------------------------------------------

  private lower(fn: SourceFunction, frame: Frame): void {
    const em = this.em;
    const cfg: Cfg = buildCfg(fn.body(), { isNoReturn: (c) => this.setup.noReturn.has(c) });
    const nodes = cfg.nodes;
    const isEmpty = (id: number): boolean => {
      const n = nodes[id]!;
      if (n.kind === 'entry' || n.kind === 'label') return n.succ.length === 1;
      if (n.kind === 'stmt' && n.ast === null) return n.succ.length === 1;
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
    const succ = (id: number): number[] => nodes[id]!.succ.map((s) => (s < 0 ? cfg.exit : fwd(s)));
    const start = fwd(cfg.entry);

    // Depth-first from the start: reachable nodes and back edges (loops).
    const reach = new Set<number>();
    const back = new Set<string>();
    const onStack = new Set<number>();
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
    const predMap = new Map<number, number[]>();
    for (const u of order) for (const v of succ(u)) predMap.set(v, [...(predMap.get(v) ?? []), u]);
    const preds = (v: number): number[] => predMap.get(v) ?? [];
    const label = new Map(order.map((id) => [id, em.newLabel()]));
    const end = em.newLabel();
    const headers = [...new Set([...back].map((e) => Number(e.split('>')[1])))].sort((a, b) => a - b);
    const tramp = new Map(headers.map((h) => [h, em.newLabel()]));
    const isBack = (u: number, v: number): boolean => back.has(`${u}>${v}`);
    const target = (u: number, v: number): number => (v === cfg.exit ? end : isBack(u, v) ? tramp.get(v)! : label.get(v)!);
    const fnLoc: SourceLoc = { uri: this.uri, line: fn.startLine };
    this.lastLoc = fnLoc;

    // At top level a way out is the context's return (one step, not a goto to the end), unless the
    // end releases an implicit RCU read side first.
    const directReturn = frame.depth === 0 && !this.wrapped;
    const goto = (u: number, v: number, next: number, loc: SourceLoc): void => {
      const t = target(u, v);
      if (t === next) return;
      if (t === end && directReturn) em.push({ op: 'return', loc });
      else em.jump({ kind: 'always' }, t, loc);
    };
    const branch = (u: number, c: Cond | boolean | 'choose', t: number, f: number, next: number, loc: SourceLoc): void => {
      if (c === true || t === f) return goto(u, t, next, loc);
      if (c === false) return goto(u, f, next, loc);
      const lt = target(u, t);
      const lf = target(u, f);
      if (c === 'choose') {
        if (lf === next) em.choose(lt, loc);
        else if (lt === next) em.choose(lf, loc);
        else {
          em.choose(lt, loc);
          em.jump({ kind: 'always' }, lf, loc);
        }
        return;
      }
      const neg = negate(c);
      if (lf === next) em.jump(c, lt, loc);
      else if (lt === next && neg !== null) em.jump(neg, lf, loc);
      else {
        em.jump(c, lt, loc);
        em.jump({ kind: 'always' }, lf, loc);
      }
    };

    order.forEach((id, i) => {
      const node = nodes[id]!;
      const next = i + 1 < order.length ? label.get(order[i + 1]!)! : headers.length > 0 ? tramp.get(headers[0]!)! : end;
      em.place(label.get(id)!);
      this.ev.used.clear();
      const ast = node.ast;
      const loc: SourceLoc = ast !== null ? { uri: this.uri, line: ast.startPosition.row } : this.lastLoc;
      this.lastLoc = loc;
      const ss = succ(id);
      switch (node.kind) {
        case 'stmt':
          if (ast !== null) this.statement(ast, frame);
          if (ss.length === 0) em.jump({ kind: 'always' }, end, loc);
          else goto(id, ss[0]!, next, loc);
          return;
        case 'return': {
          const expr = ast?.namedChildren.find((c) => c.type !== 'comment');
          if (expr !== undefined) frame.returns.push(this.ev.eval(expr, frame));
          goto(id, ss[0] ?? cfg.exit, next, loc);
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
          branch(id, c, ss[0] ?? cfg.exit, ss[1] ?? ss[0] ?? cfg.exit, next, loc);
          return;
        }
        case 'branch':
        case 'entry':
        case 'label': {
          if (ss.length > 1 && ast !== null) this.unmodelled(ast, 'nondeterministic', `${node.note ?? 'branch'}: every way is explored`);
          if (ss.length > 1 && ast === null) this.unmodelled(this.nodeAt(fn), 'nondeterministic', `${node.note ?? 'branch'}: every way is explored`, node.note ?? 'branch');
          for (let k = 0; k < ss.length - 1; k++) em.choose(target(id, ss[k]!), loc);
          if (ss.length > 0) goto(id, ss[ss.length - 1]!, next, loc);
          else em.jump({ kind: 'always' }, end, loc);
          return;
        }
        default:
          em.jump({ kind: 'always' }, end, loc);
      }
    });

    // Loop back edges: count the iteration; past the bound, leave the loop.
    headers.forEach((h, i) => {
      em.place(tramp.get(h)!);
      const hl = nodes[h]!.ast;
      const loc: SourceLoc = hl !== null ? { uri: this.uri, line: hl.startPosition.row } : fnLoc;
      const reg = this.regs.claim(`${frame.prefix}loop@${loc.line + 1}`, 'value');
      em.loop(reg, this.setup.loopBound, label.get(h)!, loc);
      const exit = this.loopExit(h, back, succ, preds, cfg.exit);
      const next = i + 1 < headers.length ? tramp.get(headers[i + 1]!)! : end;
      const t = exit === cfg.exit ? end : label.get(exit)!;
      if (t !== next) em.jump({ kind: 'always' }, t, loc);
      if (hl !== null) this.unmodelled(hl, 'bounded-loop', `the loop runs at most ${this.setup.loopBound} times, then the model leaves it`);
    });
    em.place(end);
  }

  private nodeAt(fn: SourceFunction): Node {
    return fn.body();
  }
  /** Where a loop goes when the bound cuts it: the header's own way out, else any exit of its body. */
  private loopExit(h: number, back: Set<string>, succ: (id: number) => number[], preds: (id: number) => number[], exit: number): number {
    // The natural loop: the header plus everything that reaches a back-edge source without passing it.
    const body = new Set<number>([h]);
    const work = [...back].filter((e) => Number(e.split('>')[1]) === h).map((e) => Number(e.split('>')[0]));
    while (work.length) {
      const x = work.pop()!;
      if (body.has(x)) continue;
      body.add(x);
      work.push(...preds(x));
    }
    const outs = (x: number): number[] => succ(x).filter((s) => !body.has(s));
    const own = outs(h);
    if (own.length > 0) return own[0]!;
    const any = [...body].sort((a, b) => a - b).flatMap(outs);
    return any.length > 0 ? Math.min(...any) : exit;
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
