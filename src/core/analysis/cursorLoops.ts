import type { SyntaxNode as Node } from '../c/syntax';
import type { Cfg } from '../c/cfg';
import { retreatingEdges } from '../c/retreatingEdges';
import { extractOps, type Op } from './ops';
import { equalityOperands, unparenNode as unparen } from './truth';

/**
 * Loops guarded by a pointer that cannot be NULL when the loop is entered: `iter = head; while
 * (iter) { … iter = iter->next; }` after `head` was dereferenced. The path search never runs such
 * a loop zero times (explore.ts sends the entering state straight into the body).
 *
 * One shape more: an insertion walk, whose body links a value into the list it walks at the
 * place it finds and stops (`if (iter->next == prev) { iter->next = fp; break; }`). A walk that
 * has run at least once and ends without linking did not find its place, which the code knows is
 * there (it inserts beside an element it holds, or before the end): the value counts as linked on
 * that exit too, instead of leaking on a path the list's shape rules out. Only links into the
 * walked list's own link field: a value handed to a found element's other fields (`port->skb =
 * skb; break;`) still leaks when the search fails.
 */
export interface CursorLoop {
  /** The pointer the condition tests. */
  cursor: string;
  /** A `while`/`for` entered with the pointer known not NULL: its first test is true (a `do` loop's body runs first anyway). */
  entersBody: boolean;
  /** With an insertion walk: the link's assignment ops, applied on the exit that found no place. */
  linkOps?: readonly Op[];
  /** The CFG node of the link (for the transfer functions' node-keyed records). */
  linkNode?: number;
}

const LOOPS = new Set(['while_statement', 'for_statement', 'do_statement']);

const isNull = (t: string): boolean => t === 'NULL' || t === '0' || t === 'nullptr';

/** `p`, `p != NULL`, `NULL != p`: the pointer whose non-NULL-ness the condition is; else undefined. */
function testedPointer(cond: Node): string | undefined {
  const e = unparen(cond);
  if (e.type === 'identifier') return e.text;
  const cmp = equalityOperands(e);
  if (!cmp || cmp.eq) return undefined;
  const { left: l, right: r } = cmp;
  if (isNull(r.text) && unparen(l).type === 'identifier') return unparen(l).text;
  if (isNull(l.text) && unparen(r).type === 'identifier') return unparen(r).text;
  return undefined;
}

/** Which of the condition node's successors is taken when `v` is not NULL, for the NULL tests the CFG leaves atomic. */
function nonNullSide(cond: Node, v: string): 0 | 1 | undefined {
  const e = unparen(cond);
  if (e.type === 'identifier') return e.text === v ? 0 : undefined;
  const cmp = equalityOperands(e);
  if (!cmp) return undefined;
  const side = isNull(cmp.right.text) ? unparen(cmp.left) : isNull(cmp.left.text) ? unparen(cmp.right) : null;
  if (side?.type !== 'identifier' || side.text !== v) return undefined;
  return cmp.eq ? 1 : 0;
}

/** Ancestors between a node and the statement's root that make its evaluation conditional or no read at all. */
function evaluatedSurely(n: Node, root: Node): boolean {
  for (let p = n.parent, c: Node = n; p && c.id !== root.id; c = p, p = p.parent) {
    if (p.type === 'conditional_expression' && p.childForFieldName('condition')?.id !== c.id) return false;
    if (p.type === 'binary_expression') {
      const op = p.childForFieldName('operator')?.text;
      if ((op === '&&' || op === '||') && p.childForFieldName('right')?.id === c.id) return false;
    }
    if (p.type === 'sizeof_expression' || p.type === 'alignof_expression' || p.type === 'macro_type_specifier') return false;
    // `&p->f`, `&p[i]`: an address computed, nothing read.
    if (p.type === 'pointer_expression' && p.text.startsWith('&')) return false;
  }
  return true;
}

/** Variables of `vars` dereferenced (`v->f`, `*v`, `v[i]`) wherever the statement runs. */
function derefs(root: Node, vars: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const n of root.descendantsOfType(['field_expression', 'pointer_expression', 'subscript_expression'])) {
    if (!n) continue;
    const base = n.type === 'field_expression' ? (n.childForFieldName('operator')?.text === '->' ? n.childForFieldName('argument') : null)
      : n.type === 'pointer_expression' ? (n.text.startsWith('*') ? n.childForFieldName('argument') : null)
      : n.childForFieldName('argument');
    if (!base) continue;
    const b = unparen(base);
    if (b.type === 'identifier' && vars.has(b.text) && evaluatedSurely(n, root)) out.push(b.text);
  }
  return out;
}

/** `v = rhs` and `T *v = rhs` in evaluation order (right side first for chains), and `&v` escapes. */
function writes(root: Node, vars: ReadonlySet<string>): { v: string; rhs: Node | null }[] {
  const out: { v: string; rhs: Node | null }[] = [];
  const nodes = root.type === 'assignment_expression' || root.type === 'init_declarator' || root.type === 'update_expression' || root.type === 'pointer_expression' ? [root] : [];
  nodes.push(...root.descendantsOfType(['assignment_expression', 'init_declarator', 'update_expression', 'pointer_expression']).filter((n): n is Node => n !== null));
  // Innermost first: `a = b = c` assigns b before a.
  nodes.sort((x, y) => y.startIndex - x.startIndex || x.endIndex - y.endIndex);
  for (const n of nodes) {
    if (n.type === 'pointer_expression') {
      const a = n.childForFieldName('argument');
      if (n.text.startsWith('&') && a && unparen(a).type === 'identifier' && vars.has(unparen(a).text)) out.push({ v: unparen(a).text, rhs: null });
      continue;
    }
    if (n.type === 'update_expression') {
      const a = n.childForFieldName('argument');
      if (a?.type === 'identifier' && vars.has(a.text)) out.push({ v: a.text, rhs: null });
      continue;
    }
    let target = n.type === 'assignment_expression' ? n.childForFieldName('left') : n.childForFieldName('declarator');
    while (target && target.type !== 'identifier' && target.type === 'pointer_declarator') target = target.childForFieldName('declarator');
    if (target?.type !== 'identifier' || !vars.has(target.text)) continue;
    const plain = n.type === 'init_declarator' || n.childForFieldName('operator')?.text === '=';
    out.push({ v: target.text, rhs: plain ? (n.childForFieldName(n.type === 'init_declarator' ? 'value' : 'right')) : null });
  }
  return out;
}

/** The key of "a and b hold the same pointer" in the sets nonNullOnEdges keeps. */
const same = (a: string, b: string): string => (a < b ? `${a}=${b}` : `${b}=${a}`);

/** `v` is not NULL, nor is a copy of it made earlier (`p = ports; … ports->id`). */
function known(cur: Set<string>, v: string): void {
  cur.add(v);
  for (const k of [...cur]) {
    const eq = k.indexOf('=');
    if (eq < 0) continue;
    const a = k.slice(0, eq);
    const b = k.slice(eq + 1);
    if (a === v) cur.add(b);
    else if (b === v) cur.add(a);
  }
}

/** What one node does to the set: derefs, then its writes in evaluation order. */
function step(ast: Node, vars: ReadonlySet<string>, cur: Set<string>): void {
  for (const v of derefs(ast, vars)) known(cur, v);
  for (const w of writes(ast, vars)) {
    const r = w.rhs ? unparen(w.rhs) : null;
    const copyOf = r?.type === 'identifier' && vars.has(r.text) && r.text !== w.v ? r.text : undefined;
    cur.delete(w.v);
    for (const k of [...cur]) if (k.startsWith(`${w.v}=`) || k.endsWith(`=${w.v}`)) cur.delete(k);
    if (copyOf !== undefined) {
      cur.add(same(w.v, copyOf));
      if (cur.has(copyOf)) cur.add(w.v);
    } else if (r?.type === 'pointer_expression' && r.text.startsWith('&')) cur.add(w.v);
  }
}

/**
 * Which of `vars` are surely not NULL on entering each node, forward over the CFG (intersection
 * where paths meet). A pointer dereferenced is not NULL afterwards, nor a copy of one (made before
 * or after), nor the address of something; a NULL test tells its side. Returns the set on the
 * edge `from → to` (it also holds `a=b` entries: copies still equal).
 */
function nonNullOnEdges(cfg: Cfg, vars: ReadonlySet<string>): (from: number, to: number) => ReadonlySet<string> {
  const n = cfg.nodes.length;
  // OUT per node and successor slot; undefined = not reached yet (the top of the lattice).
  const out: (Set<string>[] | undefined)[] = new Array<Set<string>[] | undefined>(n);
  const preds: number[][] = cfg.nodes.map(() => []);
  for (const node of cfg.nodes) for (const s of node.succ) if (s >= 0) preds[s]!.push(node.id);
  const edgeOut = (from: number, to: number): Set<string> | undefined => {
    const o = out[from];
    if (!o) return undefined;
    const slot = cfg.nodes[from]!.succ.indexOf(to);
    return o[slot] ?? o[0];
  };
  const inOf = (id: number): Set<string> => {
    if (id === cfg.entry) return new Set();
    let acc: Set<string> | undefined;
    for (const p of preds[id]!) {
      const e = edgeOut(p, id);
      if (!e) continue;
      acc = acc ? new Set([...acc].filter((v) => e.has(v))) : new Set(e);
    }
    return acc ?? new Set();
  };
  const work: number[] = [cfg.entry];
  const queued = new Uint8Array(n);
  queued[cfg.entry] = 1;
  let steps = 0;
  while (work.length > 0 && steps++ < 50 * n + 1000) {
    const id = work.shift()!;
    queued[id] = 0;
    const node = cfg.nodes[id]!;
    const cur = inOf(id);
    if (node.ast && (node.kind === 'stmt' || node.kind === 'cond' || node.kind === 'return')) step(node.ast, vars, cur);
    const outs = node.succ.map(() => new Set(cur));
    if (node.kind === 'cond' && node.ast) {
      for (const v of vars) {
        const side = nonNullSide(node.ast, v);
        if (side !== undefined && outs[side]) known(outs[side]!, v);
      }
    }
    const old = out[id];
    const unchanged = old !== undefined && old.length === outs.length && old.every((s, i) => s.size === outs[i]!.size && [...s].every((v) => outs[i]!.has(v)));
    if (unchanged) continue;
    out[id] = outs;
    for (const s of node.succ) {
      if (s >= 0 && !queued[s]) {
        queued[s] = 1;
        work.push(s);
      }
    }
  }
  // Not settled within the bound (never seen): nothing is known.
  if (work.length > 0) return () => new Set();
  return (from, to) => edgeOut(from, to) ?? new Set();
}

/** `c = c->f` (or `c = c->f` in a for's update): the field the walk advances through. */
function advanceField(loop: Node, c: string): string | undefined {
  for (const a of loop.descendantsOfType('assignment_expression')) {
    const l = a?.childForFieldName('left');
    const r = a ? unparen(a.childForFieldName('right') ?? a) : null;
    if (l?.type !== 'identifier' || l.text !== c || r?.type !== 'field_expression') continue;
    const base = r.childForFieldName('argument');
    if (base && unparen(base).type === 'identifier' && unparen(base).text === c && r.childForFieldName('operator')?.text === '->') return r.childForFieldName('field')?.text;
  }
  return undefined;
}

/** `c->f = x;` followed in its block by `break;`: the walk links `x` where it stopped. */
function linkThenBreak(loop: Node, c: string, field: string): Node | undefined {
  for (const a of loop.descendantsOfType('assignment_expression')) {
    if (!a || a.childForFieldName('operator')?.text !== '=') continue;
    const l = a.childForFieldName('left');
    const r = a.childForFieldName('right');
    if (l?.type !== 'field_expression' || l.childForFieldName('operator')?.text !== '->' || l.childForFieldName('field')?.text !== field) continue;
    const base = l.childForFieldName('argument');
    if (!base || unparen(base).type !== 'identifier' || unparen(base).text !== c || !r || unparen(r).type !== 'identifier') continue;
    const stmt = a.parent;
    if (stmt?.type !== 'expression_statement' || stmt.parent?.type !== 'compound_statement') continue;
    // The link must belong to this loop, not an inner one.
    let owner: Node | null = stmt.parent;
    while (owner && !LOOPS.has(owner.type) && owner.type !== 'switch_statement') owner = owner.parent;
    if (owner?.id !== loop.id) continue;
    const later = stmt.parent.namedChildren.filter((s): s is Node => s !== null && s.startIndex > stmt.startIndex && s.type !== 'comment');
    if (later[0]?.type === 'break_statement') return stmt;
  }
  return undefined;
}

/** The copies a pointer may take its value from (`iter = head`, `head = q->first`), transitively. */
function copySources(body: Node, cursor: string): Set<string> {
  const vars = new Set([cursor]);
  for (let grew = true; grew && vars.size < 8;) {
    grew = false;
    for (const w of writes(body, vars)) {
      const r = w.rhs ? unparen(w.rhs) : null;
      if (r?.type === 'identifier' && !vars.has(r.text)) {
        vars.add(r.text);
        grew = true;
      }
    }
  }
  return vars;
}

/** The cursor loops of a function, by the CFG id of their condition node. */
export function cursorLoops(cfg: Cfg, body: Node): Map<number, CursorLoop> {
  const found = new Map<number, CursorLoop>();
  const candidates: { id: number; loop: Node; cursor: string }[] = [];
  for (const node of cfg.nodes) {
    if (node.kind !== 'cond' || !node.ast) continue;
    let top = node.ast;
    while (top.parent?.type === 'parenthesized_expression') top = top.parent;
    const loop = top.parent;
    if (!loop || !LOOPS.has(loop.type) || loop.childForFieldName('condition')?.id !== top.id) continue;
    const cursor = testedPointer(node.ast);
    // `!= NULL` stays one node; a bare identifier is the condition itself.
    if (cursor) candidates.push({ id: node.id, loop, cursor });
  }
  if (candidates.length === 0) return found;
  const whileOrFor = candidates.filter((c) => c.loop.type !== 'do_statement');
  const vars = new Set<string>();
  for (const c of whileOrFor) for (const v of copySources(body, c.cursor)) vars.add(v);
  const onEdge = vars.size > 0 ? nonNullOnEdges(cfg, vars) : () => new Set<string>();
  const back = retreatingEdges(cfg);
  const preds: number[][] = cfg.nodes.map(() => []);
  for (const node of cfg.nodes) for (const s of node.succ) if (s >= 0) preds[s]!.push(node.id);
  for (const c of candidates) {
    if (c.loop.type === 'do_statement') {
      const walk = insertionWalk(cfg, c.loop, c.cursor);
      if (walk) found.set(c.id, { cursor: c.cursor, entersBody: false, ...walk });
      continue;
    }
    // The edges that enter the loop: into the condition, or into the join label before it, that close no loop.
    const entering: [number, number][] = [];
    let ok = true;
    for (const p of preds[c.id]!) {
      if (back(p, c.id)) continue;
      const pn = cfg.nodes[p]!;
      if (pn.kind === 'label' && pn.succ.length === 1) {
        for (const q of preds[p]!) if (!back(q, p)) entering.push([q, p]);
      } else if (pn.kind === 'label' || pn.kind === 'stmt' || pn.kind === 'cond' || pn.kind === 'entry') entering.push([p, c.id]);
      else ok = false;
    }
    if (!ok || entering.length === 0 || !entering.every(([f, t]) => onEdge(f, t).has(c.cursor))) continue;
    found.set(c.id, { cursor: c.cursor, entersBody: true, ...insertionWalk(cfg, c.loop, c.cursor) });
  }
  return found;
}

/** The link of an insertion walk (see CursorLoop), if the loop is one. */
function insertionWalk(cfg: Cfg, loop: Node, cursor: string): { linkOps: readonly Op[]; linkNode?: number } | undefined {
  const field = advanceField(loop, cursor);
  const link = field ? linkThenBreak(loop, cursor, field) : undefined;
  if (!link) return undefined;
  const assign = link.namedChildren[0]!;
  const linkOps = extractOps(assign).filter((o) => o.op === 'assign' && o.node.id === assign.id);
  return { linkOps, linkNode: cfg.nodes.find((n) => n.ast?.id === link.id || n.ast?.id === assign.id)?.id };
}
