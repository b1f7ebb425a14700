import { isIteratorMacro, iteratorLoopVariables, iteratorReadsCursor } from './iteratorMacros';
import type { SyntaxNode as Node } from './syntax';

/**
 * A control-flow graph per function, built from the tree-sitter tree.
 *
 * Nodes hold one thing the engine evaluates: a statement-level expression or declaration
 * (`stmt`), one atomic condition (`cond`: succ[0] when true, succ[1] when false — `&&`, `||`,
 * `!`, `?:` and parentheses in conditions are decomposed so calls run in C's order), a `return`,
 * or a call that never returns (`noreturn`: no successors). `branch` nodes fork without a
 * condition the engine can read (switch dispatch, SEH exception edges).
 *
 * `__finally` blocks are copied onto every path that leaves their `__try` (fallthrough, return,
 * goto out, break/continue out, `__leave`), so the engine needs no special SEH handling.
 */

export type CfgNodeKind = 'entry' | 'exit' | 'stmt' | 'cond' | 'return' | 'noreturn' | 'branch' | 'label';

export interface CfgNode {
  id: number;
  kind: CfgNodeKind;
  /** stmt: expression or declaration; cond: the atomic condition; return: the return_statement. */
  ast: Node | null;
  succ: number[];
  /** For labels: the label name; for branch: why it forks (e.g. `switch`, `__except`). */
  note?: string;
  /** An iterator macro's head (`ast` is its call): the arguments it assigns on every iteration. */
  loopVariables?: number[];
  /** An iterator macro's step to the next element (`ast` is its call): it reads this argument, the current element. */
  advanceFrom?: number;
}

export interface Cfg {
  nodes: CfgNode[];
  entry: number;
  exit: number;
  /** ERROR nodes met while building (the engine says so when one hides a lock call). */
  errors: Node[];
  /** Nesting deeper than the builder follows was kept as one opaque statement. */
  truncated: boolean;
}

export interface CfgOptions {
  isNoReturn: (callee: string) => boolean;
  /** `assert(c)` (`holds`), `BUG_ON(c)` (`fails`): the path goes on only where the claim holds (a branch to a stop). */
  assertion?: (callee: string) => 'holds' | 'fails' | undefined;
  /** Macros taken as defined (name → value) when `#if`/`#ifdef` are resolved; any other is undefined. */
  defines?: Readonly<Record<string, string>>;
}

interface LoopTargets {
  breakTo: number;
  continueTo: number | null;
  finallyDepth: number;
}

/** A pending edge from `from` that is patched to the next node built (successor index `slot`). */
interface Dangling {
  from: number;
  slot: number;
}

/** Maximum nesting the builder follows; deeper code is summarised as one opaque statement. */
const MAX_DEPTH = 400;

export class CfgBuilder {
  private nodes: CfgNode[] = [];
  private errors: Node[] = [];
  private labels = new Map<string, number>();
  private gotos: { from: number; label: string; finallies: Node[] }[] = [];
  private labelFinallyDepth = new Map<string, number>();
  private loops: LoopTargets[] = [];
  private finallies: Node[] = [];
  private leaves: number[] = [];
  private switchConds: string[] = [];
  private exitId = -1;
  private depth = 0;
  private truncated = false;

  constructor(private readonly options: CfgOptions) {}

  build(body: Node): Cfg {
    const entry = this.add('entry', null);
    this.exitId = this.add('exit', null);
    this.collectLabelDepths(body, 0);
    const out = this.stmt(body, [{ from: entry, slot: 0 }]);
    this.connect(out, this.exitId);
    for (const g of this.gotos) {
      const target = this.labels.get(g.label);
      if (target === undefined) continue; // goto to an unknown label: the path ends (parse damage)
      const labelDepth = this.labelFinallyDepth.get(g.label) ?? 0;
      // Leaving __try blocks on the way out runs their __finally copies first.
      const via = this.runFinallies([{ from: g.from, slot: 0 }], g.finallies, labelDepth);
      this.connect(via, target);
    }
    return { nodes: this.nodes, entry, exit: this.exitId, errors: this.errors, truncated: this.truncated };
  }

  private add(kind: CfgNodeKind, ast: Node | null, note?: string): number {
    const id = this.nodes.length;
    this.nodes.push({ id, kind, ast, succ: [], note });
    return id;
  }

  private connect(dangling: Dangling[], to: number): void {
    for (const d of dangling) {
      const succ = this.nodes[d.from]!.succ;
      while (succ.length <= d.slot) succ.push(-1);
      succ[d.slot] = to;
    }
  }

  /** Creates a node fed by `incoming`, returning its dangling out-edge. */
  private chain(kind: CfgNodeKind, ast: Node | null, incoming: Dangling[], note?: string): Dangling[] {
    const id = this.add(kind, ast, note);
    this.connect(incoming, id);
    return kind === 'noreturn' ? [] : [{ from: id, slot: 0 }];
  }

  /**
   * Labels inside __try bodies need the __finally depth they sit at, to know what a goto leaves:
   * the number of enclosing `__try` blocks (with a `__finally`) whose body, not handler, holds them.
   */
  private collectLabelDepths(root: Node, depth0: number): void {
    for (const n of root.indexedDescendants('labeled_statement')) {
      const label = n.childForFieldName('label');
      if (!label) continue;
      let d = depth0;
      for (let c: Node = n, p = n.parent; p && c !== root; c = p, p = p.parent) {
        if (p.type === 'seh_try_statement' && c.type !== 'seh_finally_clause' && p.namedChildren.some((k) => k.type === 'seh_finally_clause')) d++;
      }
      this.labelFinallyDepth.set(label.text, d);
    }
  }

  /** Routes `incoming` through the __finally blocks of `stack` above depth `to` (innermost first). */
  private runFinallies(incoming: Dangling[], stack: Node[], to: number): Dangling[] {
    let cur = incoming;
    const saved = this.finallies;
    const savedLoops = this.loops;
    for (let i = stack.length - 1; i >= to; i--) {
      // A jump out of a __finally copy leaves only the blocks outside it.
      this.finallies = stack.slice(0, i);
      this.loops = [];
      cur = this.stmt(stack[i]!, cur);
    }
    this.finallies = saved;
    this.loops = savedLoops;
    return cur;
  }

  private stmt(node: Node, incoming: Dangling[]): Dangling[] {
    if (incoming.length === 0 && node.type !== 'labeled_statement' && !this.containsLabel(node)) {
      return []; // unreachable code without labels: nothing to build
    }
    if (this.depth > MAX_DEPTH) {
      this.truncated = true;
      return this.chain('stmt', node, incoming);
    }
    this.depth++;
    try {
      return this.stmtInner(node, incoming);
    } finally {
      this.depth--;
    }
  }

  private containsLabel(node: Node): boolean {
    return node.text.includes(':') && node.descendantsOfType('labeled_statement').length > 0;
  }

  private stmtInner(node: Node, incoming: Dangling[]): Dangling[] {
    switch (node.type) {
      case 'compound_statement':
      case 'translation_unit':
        return this.sequence(node.namedChildren, incoming);
      case 'expression_statement': {
        const expr = node.namedChildren[0];
        if (!expr) return incoming;
        return this.expression(expr, incoming);
      }
      case 'declaration':
        return this.chain('stmt', node, incoming);
      case 'if_statement':
        return this.ifStatement(node, incoming);
      case 'while_statement':
        return this.whileStatement(node, incoming);
      case 'do_statement':
        return this.doStatement(node, incoming);
      case 'for_statement':
        return this.forStatement(node, incoming);
      case 'switch_statement':
        return this.switchStatement(node, incoming);
      case 'return_statement': {
        const ret = this.add('return', node);
        this.connect(incoming, ret);
        const out = this.runFinallies([{ from: ret, slot: 0 }], this.finallies, 0);
        this.connect(out, this.exitId);
        return [];
      }
      case 'break_statement': {
        const loop = this.loops[this.loops.length - 1];
        if (!loop) return incoming;
        const out = this.runFinallies(incoming, this.finallies, loop.finallyDepth);
        this.connect(out, loop.breakTo);
        return [];
      }
      case 'continue_statement': {
        const loop = [...this.loops].reverse().find((l) => l.continueTo !== null);
        if (!loop || loop.continueTo === null) return incoming;
        const out = this.runFinallies(incoming, this.finallies, loop.finallyDepth);
        this.connect(out, loop.continueTo);
        return [];
      }
      case 'goto_statement': {
        const label = node.childForFieldName('label');
        const id = this.add('stmt', null, 'goto');
        this.connect(incoming, id);
        if (label) this.gotos.push({ from: id, label: label.text, finallies: [...this.finallies] });
        return [];
      }
      case 'labeled_statement': {
        const label = node.childForFieldName('label');
        const id = this.add('label', null, label?.text);
        this.connect(incoming, id);
        if (label) this.labels.set(label.text, id);
        // `label: /* why */ stmt`: the comment is a named child too, not the labelled statement.
        const inner = node.namedChildren.find((c) => c !== null && c.type !== 'statement_identifier' && c.type !== 'comment');
        return inner ? this.stmt(inner, [{ from: id, slot: 0 }]) : [{ from: id, slot: 0 }];
      }
      case 'seh_try_statement':
        return this.sehTry(node, incoming);
      case 'seh_leave_statement': {
        const target = this.leaves[this.leaves.length - 1];
        if (target === undefined) return incoming;
        // __leave jumps to the end of the __try body, where its __finally runs once.
        this.connect(incoming, target);
        return [];
      }
      case 'preproc_if':
      case 'preproc_ifdef':
      case 'preproc_elif':
      case 'preproc_else':
        return this.preprocessor(node, incoming);
      case 'attributed_statement': {
        const inner = node.namedChildren.find((c) => c !== null && c.type !== 'attribute_declaration' && c.type !== 'comment');
        return inner ? this.stmt(inner, incoming) : incoming;
      }
      case 'ERROR':
        this.errors.push(node);
        return this.sequence(node.namedChildren, incoming);
      case 'comment':
      case ';':
      case 'preproc_call':
      case 'preproc_def':
      case 'preproc_function_def':
      case 'preproc_include':
      case 'type_definition':
      case 'struct_specifier':
      case 'enum_specifier':
      case 'union_specifier':
        return incoming;
      default:
        if (node.type.endsWith('_expression') || node.type === 'identifier') return this.expression(node, incoming);
        return this.chain('stmt', node, incoming);
    }
  }

  /**
   * One configuration is analysed, as a build would see it with only `options.defines` defined:
   * `#ifdef X` is whether X is one, `#if` evaluates literals, macros, `defined()`, `!`, `&&`, `||`
   * and comparisons (unknown macros are 0). The chosen branch's statements are built; the others are skipped.
   */
  private preprocessor(node: Node, incoming: Dangling[]): Dangling[] {
    let branch: Node | null = node;
    for (let guard = 0; branch && guard < 64; guard++) {
      if (branch.type === 'preproc_else') break;
      let taken: boolean;
      const defines = this.options.defines ?? NO_DEFINES;
      if (branch.type === 'preproc_ifdef') taken = /^#\s*ifndef/.test(branch.text) !== isDefined(defines, branch.childForFieldName('name')?.text);
      else taken = ppValue(branch.childForFieldName('condition'), defines) !== 0;
      if (taken) break;
      branch = branch.childForFieldName('alternative');
    }
    if (!branch) return incoming;
    const chosen = branch;
    return this.sequence(chosen.namedChildren.filter((_c, i) => {
      const field = chosen.fieldNameForNamedChild(i);
      return field !== 'name' && field !== 'condition' && field !== 'alternative';
    }), incoming);
  }

  private sequence(children: (Node | null)[], incoming: Dangling[]): Dangling[] {
    let cur = incoming;
    const list = children.filter((c): c is Node => c !== null);
    for (let i = 0; i < list.length; i++) {
      const c = list[i]!;
      const next = list[i + 1];
      if (next && isIteratorMacro(c, next)) {
        cur = this.macroLoop(c, next, cur);
        i++;
        continue;
      }
      cur = this.stmt(c, cur);
    }
    return cur;
  }

  /**
   * `list_for_each_entry(pos, head, member) { ... }`, `HMAP_FOR_EACH (node, member, map) { ... }`:
   * the macro call is evaluated at the head of each iteration, the body runs zero or more times,
   * and `break` / `continue` inside it act as in a loop.
   */
  private macroLoop(call: Node, body: Node, incoming: Dangling[]): Dangling[] {
    const head = this.loopJoin('for-each');
    this.connect(incoming, head);
    const after = this.loopJoin('for-each-end');
    const macro = call.namedChildren[0] ?? call;
    const evaluated = this.chain('stmt', macro, [{ from: head, slot: 0 }]);
    const args = macro.childForFieldName('arguments')?.namedChildren.filter((a) => a.type !== 'comment') ?? [];
    const name = macro.childForFieldName('function')?.text ?? '';
    const vars = iteratorLoopVariables(name, args.length);
    this.nodes[evaluated[0]!.from]!.loopVariables = vars;
    const fork = this.add('branch', null, 'for-each');
    this.connect(evaluated, fork);
    this.connect([{ from: fork, slot: 1 }], after);
    // Going round, a plain (not `_SAFE`) iterator finds the next element through the current one:
    // a step of its own on the back edge, so the first entry reads nothing.
    const advance = iteratorReadsCursor(name) && vars[0] !== undefined ? this.add('stmt', macro) : -1;
    if (advance >= 0) {
      this.nodes[advance]!.advanceFrom = vars[0];
      this.connect([{ from: advance, slot: 0 }], head);
    }
    const back = advance >= 0 ? advance : head;
    this.loops.push({ breakTo: after, continueTo: back, finallyDepth: this.finallies.length });
    const out = this.stmt(body, [{ from: fork, slot: 0 }]);
    this.loops.pop();
    this.connect(out, back);
    return [{ from: after, slot: 0 }];
  }

  /** An expression evaluated for effect: a non-returning call ends the path. */
  private expression(expr: Node, incoming: Dangling[]): Dangling[] {
    let e = expr;
    while (e.type === 'parenthesized_expression' && e.namedChildren[0]) e = e.namedChildren[0];
    if (e.type === 'call_expression') {
      const fn = e.childForFieldName('function');
      if (fn && this.options.isNoReturn(fn.text)) return this.chain('noreturn', expr, incoming);
      const kind = fn && this.options.assertion?.(fn.text);
      const asserted = kind ? assertion(kind, e) : undefined;
      if (asserted) {
        // `assert(c)` goes on only where `c` holds (`BUG_ON(c)` where it does not); the other side stops.
        const { t, f } = this.condition(asserted.cond, incoming);
        this.chain('noreturn', expr, asserted.holds ? f : t);
        return asserted.holds ? t : f;
      }
    }
    if (e.type === 'comma_expression') {
      const left = e.childForFieldName('left');
      const right = e.childForFieldName('right');
      let cur = incoming;
      if (left) cur = this.expression(left, cur);
      if (right) cur = this.expression(right, cur);
      return cur;
    }
    return this.chain('stmt', expr, incoming);
  }

  /**
   * Builds the decision for condition `c`: returns the dangling true and false exits.
   * Only conditions that the engine can read are atomic; operators are decomposed.
   */
  private condition(c: Node, incoming: Dangling[]): { t: Dangling[]; f: Dangling[] } {
    let e = c;
    while (e.type === 'parenthesized_expression' && e.namedChildren[0]) e = e.namedChildren[0];
    if (this.depth > MAX_DEPTH) {
      this.truncated = true;
      return this.atomic(e, incoming);
    }
    this.depth++;
    try {
      if (e.type === 'unary_expression' && e.childForFieldName('operator')?.text === '!') {
        const arg = e.childForFieldName('argument');
        if (arg) {
          const r = this.condition(arg, incoming);
          return { t: r.f, f: r.t };
        }
      }
      if (e.type === 'binary_expression') {
        const op = e.childForFieldName('operator')?.text;
        const left = e.childForFieldName('left');
        const right = e.childForFieldName('right');
        if (left && right && (op === '&&' || op === '||')) {
          const l = this.condition(left, incoming);
          if (op === '&&') {
            const r = this.condition(right, l.t);
            return { t: r.t, f: [...l.f, ...r.f] };
          }
          const r = this.condition(right, l.f);
          return { t: [...l.t, ...r.t], f: r.f };
        }
      }
      if (e.type === 'conditional_expression') {
        const cond = e.childForFieldName('condition');
        const cons = e.childForFieldName('consequence');
        const alt = e.childForFieldName('alternative');
        if (cond && cons && alt) {
          const k = this.condition(cond, incoming);
          const a = this.condition(cons, k.t);
          const b = this.condition(alt, k.f);
          return { t: [...a.t, ...b.t], f: [...a.f, ...b.f] };
        }
      }
      if (e.type === 'comma_expression') {
        const left = e.childForFieldName('left');
        const right = e.childForFieldName('right');
        if (left && right) return this.condition(right, this.expression(left, incoming));
      }
      return this.atomic(e, incoming);
    } finally {
      this.depth--;
    }
  }

  private atomic(e: Node, incoming: Dangling[]): { t: Dangling[]; f: Dangling[] } {
    const id = this.add('cond', e);
    this.connect(incoming, id);
    return { t: [{ from: id, slot: 0 }], f: [{ from: id, slot: 1 }] };
  }

  private ifStatement(node: Node, incoming: Dangling[]): Dangling[] {
    const cond = node.childForFieldName('condition');
    const cons = node.childForFieldName('consequence');
    const altClause = node.childForFieldName('alternative');
    const { t, f } = cond ? this.condition(cond, incoming) : { t: incoming, f: [] as Dangling[] };
    const thenOut = cons ? this.stmt(cons, t) : t;
    let elseOut = f;
    if (altClause) {
      const alt = altClause.type === 'else_clause' ? altClause.namedChildren.find((c) => c !== null && c.type !== 'comment') ?? null : altClause;
      if (alt) elseOut = this.stmt(alt, f);
    }
    return [...thenOut, ...elseOut];
  }

  private loopJoin(note: string): number {
    return this.add('label', null, note);
  }

  private whileStatement(node: Node, incoming: Dangling[]): Dangling[] {
    const head = this.loopJoin('while');
    this.connect(incoming, head);
    const after = this.loopJoin('while-end');
    const cond = node.childForFieldName('condition');
    const { t, f } = cond ? this.condition(cond, [{ from: head, slot: 0 }]) : { t: [{ from: head, slot: 0 }], f: [] };
    this.connect(f, after);
    this.loops.push({ breakTo: after, continueTo: head, finallyDepth: this.finallies.length });
    const body = node.childForFieldName('body');
    const out = body ? this.stmt(body, t) : t;
    this.loops.pop();
    this.connect(out, head);
    return [{ from: after, slot: 0 }];
  }

  private doStatement(node: Node, incoming: Dangling[]): Dangling[] {
    const top = this.loopJoin('do');
    this.connect(incoming, top);
    const condHead = this.loopJoin('do-cond');
    const after = this.loopJoin('do-end');
    this.loops.push({ breakTo: after, continueTo: condHead, finallyDepth: this.finallies.length });
    const body = node.childForFieldName('body');
    const out = body ? this.stmt(body, [{ from: top, slot: 0 }]) : [{ from: top, slot: 0 }];
    this.loops.pop();
    this.connect(out, condHead);
    const cond = node.childForFieldName('condition');
    const inner = cond ? unparen(cond) : null;
    if (inner && (inner.text === '0' || inner.text === 'FALSE' || inner.text === 'false')) {
      // do { } while (0): the body runs once; no back edge, so macros' bodies stay exact.
      this.connect([{ from: condHead, slot: 0 }], after);
    } else if (cond) {
      const { t, f } = this.condition(cond, [{ from: condHead, slot: 0 }]);
      this.connect(t, top);
      this.connect(f, after);
    } else {
      this.connect([{ from: condHead, slot: 0 }], after);
    }
    return [{ from: after, slot: 0 }];
  }

  private forStatement(node: Node, incoming: Dangling[]): Dangling[] {
    let cur = incoming;
    const init = node.childForFieldName('initializer');
    if (init) cur = init.type === 'declaration' ? this.chain('stmt', init, cur) : this.expression(init, cur);
    const head = this.loopJoin('for');
    const cond = node.childForFieldName('condition');
    // `for (i = 0; i <= n; i++)`: the first test is `0 <= n`, an index or a level — the body runs
    // at least once (a loop read as running zero times "leaks" what its body links).
    const entersOnce = cond !== null && init !== null && countsUpFromZero(init, cond);
    if (!entersOnce) this.connect(cur, head);
    const after = this.loopJoin('for-end');
    let t: Dangling[] = [{ from: head, slot: 0 }];
    if (cond) {
      const r = this.condition(cond, t);
      t = r.t;
      this.connect(r.f, after);
    }
    if (entersOnce) t = [...t, ...cur];
    const updateHead = this.loopJoin('for-update');
    this.loops.push({ breakTo: after, continueTo: updateHead, finallyDepth: this.finallies.length });
    const body = node.childForFieldName('body');
    const out = body ? this.stmt(body, t) : t;
    this.loops.pop();
    this.connect(out, updateHead);
    const update = node.childForFieldName('update');
    const upOut = update ? this.expression(update, [{ from: updateHead, slot: 0 }]) : [{ from: updateHead, slot: 0 }];
    this.connect(upOut, head);
    return [{ from: after, slot: 0 }];
  }

  private switchStatement(node: Node, incoming: Dangling[]): Dangling[] {
    const cond = node.childForFieldName('condition');
    const dispatch = this.add('branch', cond, 'switch');
    this.switchConds.push(cond?.text.replace(/^\((.*)\)$/s, '$1') ?? '');
    this.connect(incoming, dispatch);
    const after = this.loopJoin('switch-end');
    this.loops.push({ breakTo: after, continueTo: null, finallyDepth: this.finallies.length });
    const body = node.childForFieldName('body');
    let fall: Dangling[] = [];
    let hasDefault = false;
    let slot = 0;
    for (const child of body?.namedChildren ?? []) {
      if (!child) continue;
      if (child.type === 'case_statement') {
        const isDefault = !child.childForFieldName('value');
        if (isDefault) hasDefault = true;
        const on = this.switchConds[this.switchConds.length - 1] ?? '';
        const caseNode = this.add('label', child, isDefault ? `\`${on}\` goes to \`default\`` : `\`${on} == ${child.childForFieldName('value')?.text ?? ''}\` is true`);
        this.connect([{ from: dispatch, slot: slot++ }], caseNode);
        this.connect(fall, caseNode);
        const stmts = child.namedChildren.filter((c) => c !== null && c.id !== child.childForFieldName('value')?.id);
        fall = this.sequence(stmts, [{ from: caseNode, slot: 0 }]);
      } else {
        fall = this.stmt(child, fall);
      }
    }
    if (!hasDefault) this.connect([{ from: dispatch, slot }], after);
    this.connect(fall, after);
    this.loops.pop();
    this.switchConds.pop();
    return [{ from: after, slot: 0 }];
  }

  private sehTry(node: Node, incoming: Dangling[]): Dangling[] {
    const body = node.childForFieldName('body');
    const finallyClause = node.namedChildren.find((c) => c?.type === 'seh_finally_clause') ?? null;
    const exceptClause = node.namedChildren.find((c) => c?.type === 'seh_except_clause') ?? null;
    const start = this.add('branch', null, exceptClause ? '__except' : '__try');
    this.connect(incoming, start);
    const leaveTarget = this.loopJoin('__try-end');
    const finallyBody = finallyClause?.childForFieldName('body') ?? finallyClause?.namedChildren.find((c) => c?.type === 'compound_statement') ?? null;
    if (finallyBody) this.finallies.push(finallyBody);
    this.leaves.push(leaveTarget);
    const out = body ? this.stmt(body, [{ from: start, slot: 0 }]) : [{ from: start, slot: 0 }];
    this.leaves.pop();
    this.connect(out, leaveTarget);
    let after: Dangling[] = [{ from: leaveTarget, slot: 0 }];
    if (finallyBody) {
      this.finallies.pop();
      after = this.stmt(finallyBody, after);
    }
    if (exceptClause) {
      // The handler is modelled as reachable from the start of the __try (an exception before any
      // effect in the body): it must be correct on its own without guessing which call raised.
      const handler = exceptClause.childForFieldName('body') ?? exceptClause.namedChildren.find((c) => c?.type === 'compound_statement') ?? null;
      const hOut = handler ? this.stmt(handler, [{ from: start, slot: 1 }]) : [{ from: start, slot: 1 }];
      after = [...after, ...hOut];
    }
    return after;
  }
}

const NO_DEFINES: Readonly<Record<string, string>> = {};

function isDefined(defines: Readonly<Record<string, string>>, name: string | undefined): boolean {
  return name !== undefined && Object.hasOwn(defines, name);
}

/** A defined macro's value as a number: an integer literal, or another macro's (a few levels); else 0. */
function macroValue(defines: Readonly<Record<string, string>>, name: string): number {
  let text = name;
  for (let hops = 0; hops < 8 && isDefined(defines, text); hops++) text = defines[text]!.trim();
  const m = /^(0[xX][0-9a-fA-F]+|\d+)[uUlL]*$/.exec(text);
  return m ? Number.parseInt(m[1]!, m[1]!.startsWith('0x') || m[1]!.startsWith('0X') ? 16 : 10) : 0;
}

/** Value of a `#if` expression, macros as `defines` says (any other is 0). */
function ppValue(e: Node | null, defines: Readonly<Record<string, string>>): number {
  if (!e) return 0;
  switch (e.type) {
    case 'number_literal': {
      const v = Number.parseInt(e.text, e.text.startsWith('0x') ? 16 : 10);
      return Number.isNaN(v) ? 0 : v;
    }
    case 'parenthesized_expression':
      return ppValue(e.namedChildren[0] ?? null, defines);
    case 'unary_expression': {
      const op = e.childForFieldName('operator')?.text;
      const v = ppValue(e.childForFieldName('argument'), defines);
      return op === '!' ? (v === 0 ? 1 : 0) : op === '-' ? -v : v;
    }
    case 'binary_expression': {
      const op = e.childForFieldName('operator')?.text;
      const l = ppValue(e.childForFieldName('left'), defines);
      const r = ppValue(e.childForFieldName('right'), defines);
      switch (op) {
        case '&&': return l && r ? 1 : 0;
        case '||': return l || r ? 1 : 0;
        case '==': return l === r ? 1 : 0;
        case '!=': return l !== r ? 1 : 0;
        case '>': return l > r ? 1 : 0;
        case '>=': return l >= r ? 1 : 0;
        case '<': return l < r ? 1 : 0;
        case '<=': return l <= r ? 1 : 0;
        default: return 0;
      }
    }
    case 'identifier':
      return macroValue(defines, e.text);
    case 'preproc_defined':
      return isDefined(defines, e.namedChildren[0]?.text) ? 1 : 0;
    default:
      return 0; // function-like macros
  }
}

export function unparen(n: Node): Node {
  let e = n;
  while (e.type === 'parenthesized_expression' && e.namedChildren[0]) e = e.namedChildren[0];
  return e;
}

export function buildCfg(body: Node, options: CfgOptions): Cfg {
  return new CfgBuilder(options).build(body);
}

/** An assertion call's condition: the one the program claims (`holds`), or whose truth ends it (`fails`). */
function assertion(kind: 'holds' | 'fails', call: Node): { cond: Node; holds: boolean } | undefined {
  const args = call.childForFieldName('arguments')?.namedChildren.filter((a) => a.type !== 'comment') ?? [];
  if (args.length !== 1) return undefined;
  return { cond: args[0]!, holds: kind === 'holds' };
}

/** `i = 0` (or `int i = 0`) with the condition `i <= e`. */
function countsUpFromZero(init: Node, cond: Node): boolean {
  let c = cond;
  while (c.type === 'parenthesized_expression' && c.namedChildren[0]) c = c.namedChildren[0];
  if (c.type !== 'binary_expression' || c.childForFieldName('operator')?.text !== '<=') return false;
  const v = c.childForFieldName('left');
  if (v?.type !== 'identifier') return false;
  const pairs: [Node | null, Node | null][] = init.type === 'assignment_expression' ? [[init.childForFieldName('left'), init.childForFieldName('right')]]
    : init.type === 'declaration' ? init.childrenForFieldName('declarator').filter((d) => d.type === 'init_declarator').map((d) => [d.childForFieldName('declarator'), d.childForFieldName('value')])
      : [];
  return pairs.some(([l, r]) => l?.type === 'identifier' && l.text === v.text && r?.text === '0');
}
