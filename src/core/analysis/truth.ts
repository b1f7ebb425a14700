import type { SyntaxNode as Node } from '../c/syntax';
import { lastOf, resultOf } from './callResults';
import { identifiersOf, squash, textMemo } from './exprs';
import { getFact, type Fact, type Truth } from './state';
import { negativeKey, sentinelKey } from './idHandles';
import type { Branch, FnContext } from './fnContext';

/**
 * What a path knows about conditions: literal and constant truths, the fact a condition's outcome
 * teaches, the truth of a condition on a path, and (mirroring those) which variables and condition
 * facts a condition can read.
 */

const ZERO_WORDS = new Set(['0', 'NULL', 'FALSE', 'false', 'STATUS_SUCCESS', 'NDIS_STATUS_SUCCESS', '0L', '0UL', '0U', 'nullptr']);
const NONZERO_WORDS = new Set(['TRUE', 'true']);

const literalTruths = textMemo<Truth | null>();

/** The truth of a literal or well-known constant, remembered per text (asked on every visit of a condition). */
export function literalTruth(text: string): Truth | undefined {
  let v = literalTruths.get(text);
  if (v === undefined) {
    v = computeLiteralTruth(text) ?? null;
    if (literalTruths.size > 20000) literalTruths.clear();
    literalTruths.set(text, v);
  }
  return v ?? undefined;
}

function computeLiteralTruth(text: string): Truth | undefined {
  const t = squash(text);
  if (ZERO_WORDS.has(t)) return 'zero';
  if (NONZERO_WORDS.has(t)) return 'nonzero';
  if (/^-?(0x[0-9a-f]+|\d+)[ul]*$/i.test(t)) return /^-?(0x0+|0+)[ul]*$/i.test(t) ? 'zero' : 'nonzero';
  if (/^-E[A-Z0-9]+$/.test(t) || /^-?(STATUS|NDIS_STATUS)_[A-Z_]+$/.test(t)) return 'nonzero';
  return undefined;
}

/**
 * Like literalTruth, plus status-code conventions for constants the code assigns or returns:
 * `*_OK` / `*_SUCCESS` are 0, other ALL_CAPS constants (`SQLITE_BUSY`, `EINVAL`) are not.
 */
export function constantTruth(text: string): Truth | undefined {
  const lit = literalTruth(text);
  if (lit) return lit;
  const t = squash(text);
  if (/^[A-Z][A-Z0-9_]*$/.test(t)) return /(^|_)(OK|SUCCESS|NONE)$/.test(t) ? 'zero' : 'nonzero';
  return undefined;
}

/**
 * An error code as C writes one: a negative errno, an NTSTATUS / NDIS status other than success
 * (and the informational PENDING), `ERR_PTR(...)`.
 */
export function isErrorConstant(text: string): boolean {
  const t = squash(text);
  if (/^-E[A-Z0-9]+$/.test(t) || /^ERR_PTR\(/.test(t) || /^-[1-9]\d*$/.test(t)) return true;
  const m = /^(?:NDIS_)?STATUS_([A-Z0-9_]+)$/.exec(t);
  return m !== null && !/^(SUCCESS|PENDING)$/.test(m[1]!);
}

/** `status == STATUS_SUCCESS`, `err != NL_ERROR_PENDING`: a variable compared with a named constant (upper case). */
function constantTest(e: Node): { v: string; c: string; eq: boolean } | undefined {
  return comparedWithConstant(e, 'identifier');
}

/** `x == NAMED_CONSTANT` (either way round, `==` or `!=`) with `x` a node of type `place`. */
function comparedWithConstant(e: Node, place: 'identifier' | 'field_expression'): { v: string; c: string; eq: boolean } | undefined {
  const cmp = equalityOperands(e);
  if (!cmp) return undefined;
  const lv = unparenNode(cmp.left);
  const rv = unparenNode(cmp.right);
  const isConst = (n: Node): boolean => n.type === 'identifier' && /^[A-Z][A-Z0-9_]{2,}$/.test(n.text) && literalTruth(n.text) === undefined;
  const [v, c] = isConst(rv) && lv.type === place ? [lv, rv] : isConst(lv) && rv.type === place ? [rv, lv] : [null, null];
  return v && c ? { v: squash(v.text), c: c.text, eq: cmp.eq } : undefined;
}

/** `a == b` or `a != b`: its two sides as written (parentheses kept) and whether it tests equality. */
export function equalityOperands(e: Node): { left: Node; right: Node; eq: boolean } | undefined {
  if (e.type !== 'binary_expression') return undefined;
  const op = e.childForFieldName('operator')?.text;
  if (op !== '==' && op !== '!=') return undefined;
  const left = e.childForFieldName('left');
  const right = e.childForFieldName('right');
  return left && right ? { left, right, eq: op === '==' } : undefined;
}

/** A variable or a field (`id`, `flow->mark`), as id facts name it (idHandles.ts `invalidFact`). */
function placeText(n: Node): string | undefined {
  return n.type === 'identifier' ? n.text : n.type === 'field_expression' ? squash(n.text) : undefined;
}

/** `v < 0`, `v >= 0` (either way round): a sign test of a variable or field; `whenNegative` says whether true means negative. */
function negativeTest(e: Node): { v: string; whenNegative: boolean } | undefined {
  if (e.type !== 'binary_expression') return undefined;
  const op = e.childForFieldName('operator')?.text;
  const l = e.childForFieldName('left');
  const r = e.childForFieldName('right');
  if (!l || !r) return undefined;
  const lv = placeText(unparenNode(l));
  const rv = placeText(unparenNode(r));
  if (lv && r.text === '0' && (op === '<' || op === '>=')) return { v: lv, whenNegative: op === '<' };
  if (rv && l.text === '0' && (op === '>' || op === '<=')) return { v: rv, whenNegative: op === '>' };
  return undefined;
}

/** `flow->mark == INVALID_MARK`: a field compared with a named constant (constantTest is for variables). */
function sentinelTest(e: Node): { v: string; c: string; eq: boolean } | undefined {
  return comparedWithConstant(e, 'field_expression');
}

export function opposite(t: Truth): Truth {
  return t === 'zero' ? 'nonzero' : 'zero';
}

/** Field, array or pointer reads in a squashed condition (a `*` that multiplies counts too: harmless). */
const MEMORY_READ = /->|\.|\[|\*/;

/**
 * The fact a condition's outcome teaches, if any: a function of the condition and the outcome only
 * (not of the path), so the explorer asks it once per condition and outcome.
 */
export function learnedFact(ctx: FnContext, cond: Node, truth: Truth): Fact | undefined {
  const e = unparenNode(cond);
  // `unlikely(err)`, `likely(!p)`: a branch-prediction hint teaches what its operand does.
  // (A bare `!p` is split by the CFG; one under a hint is not.)
  const hinted = hintOperand(e);
  if (hinted) {
    const negated = notOperand(unparenNode(hinted));
    return negated ? learnedFact(ctx, negated, opposite(truth)) : learnedFact(ctx, hinted, truth);
  }
  if (e.type === 'identifier') {
    return (ctx.condVars.get(e.text) ?? 0) >= 2 ? { key: e.text, value: truth, roots: [e.text] } : undefined;
  }
  if (e.type === 'binary_expression') {
    const op = e.childForFieldName('operator')?.text;
    const l = e.childForFieldName('left');
    const r = e.childForFieldName('right');
    if (l && r && (op === '==' || op === '!=')) {
      const [v, k] = literalTruth(r.text) === 'zero' ? [l, r] : literalTruth(l.text) === 'zero' ? [r, l] : [null, null];
      if (v && k && unparenNode(v).type === 'identifier') {
        const isZero = (op === '==') === (truth === 'nonzero');
        const name = unparenNode(v).text;
        return (ctx.condVars.get(name) ?? 0) >= 2 ? { key: name, value: isZero ? 'zero' : 'nonzero', roots: [name] } : undefined;
      }
    }
  }
  const ct = constantTest(e);
  if (ct && (ctx.condVars.get(ct.v) ?? 0) >= 2) {
    // One key per variable and constant: `x != C` is the negation of `x == C`.
    return { key: `c:${ct.v}==${ct.c}`, value: ct.eq === (truth === 'nonzero') ? 'nonzero' : 'zero', roots: [ct.v] };
  }
  const key = squash(e.text);
  if ((ctx.condTexts.get(key) ?? 0) < 2 || !isPure(e)) return undefined;
  return MEMORY_READ.test(key) ? { key: `c:${key}`, value: truth, roots: identifiersOf(e.text), readsMemory: true } : { key: `c:${key}`, value: truth, roots: identifiersOf(e.text) };
}

/** Through parentheses and casts to the value (`(struct foo *) (x)` → `x`). */
export function unparenCasts(n: Node): Node {
  let r = n;
  while ((r.type === 'parenthesized_expression' || r.type === 'cast_expression') && r.namedChildren.length > 0) {
    r = r.type === 'cast_expression' ? r.childForFieldName('value') ?? r : r.namedChildren[0]!;
  }
  return r;
}

export function unparenNode(n: Node): Node {
  let e = n;
  while (e.type === 'parenthesized_expression' && e.namedChildren[0]) e = e.namedChildren[0];
  return e;
}

/** No calls, assignments or increments: evaluating it twice gives the same answer. */
const purity = new WeakMap<Node, boolean>();

export function isPure(n: Node): boolean {
  let v = purity.get(n);
  if (v === undefined) {
    v = n.descendantsOfType(['call_expression', 'assignment_expression', 'update_expression']).length === 0;
    purity.set(n, v);
  }
  return v;
}

/**
 * The variables whose facts `truthOf` can use when it evaluates `cond` (mirrors it): the condition
 * itself, an assignment's target, the argument of IS_ERR-style wrappers, the side compared with
 * zero. A variable met elsewhere (`i < n`) can never be decided by a fact, so none is kept for it.
 */
export function factReadingVars(cond: Node): string[] {
  const e = unparenNode(cond);
  if (e.type === 'identifier') return [e.text];
  if (e.type === 'assignment_expression') {
    const lhs = e.childForFieldName('left');
    const rhs = e.childForFieldName('right');
    return [...(lhs?.type === 'identifier' ? [lhs.text] : []), ...(rhs ? factReadingVars(rhs) : [])];
  }
  if (e.type === 'call_expression') {
    const fn = e.childForFieldName('function')?.text;
    const arg = e.childForFieldName('arguments')?.namedChildren[0];
    return arg && fn !== undefined && TRUTH_WRAPPERS.has(fn) ? factReadingVars(arg) : [];
  }
  // `unlikely(!p)`: a negation inside a wrapper (a bare `!p` is split by the CFG).
  const negated = notOperand(e);
  if (negated) return factReadingVars(negated);
  if (e.type === 'binary_expression') {
    const l = e.childForFieldName('left');
    const r = e.childForFieldName('right');
    if (l && r) {
      if (literalTruth(r.text) === 'zero') return factReadingVars(l);
      if (literalTruth(l.text) === 'zero') return factReadingVars(r);
      // `allocated == TRUE`: decided when the flag is known to be 0 (truthOf's nonzero-constant test).
      const op = e.childForFieldName('operator')?.text;
      if ((op === '==' || op === '!=') && literalTruth(r.text) === 'nonzero' && unparenNode(l).type === 'identifier') return [unparenNode(l).text];
      if ((op === '==' || op === '!=') && literalTruth(l.text) === 'nonzero' && unparenNode(r).type === 'identifier') return [unparenNode(r).text];
    }
    const ct = constantTest(e);
    if (ct) return [ct.v];
  }
  return [];
}

const HINTS = new Set(['unlikely', 'likely', 'OVS_LIKELY', 'OVS_UNLIKELY']);

/** The operand of a branch-prediction hint (`unlikely(x)` is x), else undefined. */
function hintOperand(e: Node): Node | undefined {
  if (e.type !== 'call_expression' || !HINTS.has(e.childForFieldName('function')?.text ?? '')) return undefined;
  const args = e.childForFieldName('arguments')?.namedChildren ?? [];
  return args.length === 1 ? args[0]! : undefined;
}

/** The operand of `!x`, else null. */
function notOperand(e: Node): Node | null {
  if (e.type !== 'unary_expression' || e.childForFieldName('operator')?.text !== '!') return null;
  return e.childForFieldName('argument');
}

const TRUTH_WRAPPERS = new Set(['IS_ERR', 'IS_ERR_OR_NULL', 'unlikely', 'likely', 'NT_SUCCESS', 'OVS_LIKELY', 'OVS_UNLIKELY']);

/**
 * The `c:` fact keys `truthOf` may look up when it evaluates `cond` (mirrors it, as
 * `factReadingVars` does for variables): stateLiveness.ts keeps a condition fact alive only where a
 * condition that can read it lies ahead.
 */
export function condFactKeys(cond: Node, out: string[] = []): string[] {
  const e = unparenNode(cond);
  if (literalTruth(e.text)) return out;
  if (e.type === 'identifier') return out;
  if (e.type === 'assignment_expression') {
    const rhs = e.childForFieldName('right');
    const lhs = e.childForFieldName('left');
    if (rhs) condFactKeys(rhs, out);
    if (lhs) condFactKeys(lhs, out);
    return out;
  }
  if (e.type === 'call_expression') {
    const fn = e.childForFieldName('function')?.text;
    const arg = e.childForFieldName('arguments')?.namedChildren[0];
    if (arg && fn !== undefined && TRUTH_WRAPPERS.has(fn)) return condFactKeys(arg, out);
  }
  const negated = notOperand(e);
  if (negated) return condFactKeys(negated, out);
  if (e.type === 'binary_expression') {
    const l = e.childForFieldName('left');
    const r = e.childForFieldName('right');
    if (l && r) {
      const side = literalTruth(r.text) === 'zero' ? l : literalTruth(l.text) === 'zero' ? r : null;
      if (side) condFactKeys(side, out);
    }
    const ct = constantTest(e);
    if (ct) out.push(`c:${ct.v}==${ct.c}`);
    const neg = negativeTest(e);
    if (neg) out.push(negativeKey(neg.v));
    const st = !ct ? sentinelTest(e) : undefined;
    if (st) out.push(sentinelKey(st.v, st.c));
  }
  if (isPure(e)) out.push(`c:${squash(e.text)}`);
  return out;
}

/**
 * `put(&x->ref) == 1` (and `!= 1`, `> 1`, `<= 1`, either side) for a put that returns the count
 * before the decrement: decided by which outcome this path is (the last reference, or not).
 */
function lastPutTest(b: Branch, op: string | undefined, l: Node, r: Node): Truth | undefined {
  const [call, k] = r.text.trim() === '1' ? [unparenNode(l), 'right'] : l.text.trim() === '1' ? [unparenNode(r), 'left'] : [null, ''];
  if (!call || call.type !== 'call_expression') return undefined;
  const last = lastOf(b.env, call.id);
  if (last === undefined) return undefined;
  // Written `1 < put(...)` the comparison reads the other way round.
  const o = k === 'left' ? ({ '<': '>', '>': '<', '<=': '>=', '>=': '<=' } as Record<string, string>)[op ?? ''] ?? op : op;
  if (o === '==' || o === '<=') return last ? 'nonzero' : 'zero';
  if (o === '!=' || o === '>') return last ? 'zero' : 'nonzero';
  return undefined;
}

/** The truth of an atomic condition on this branch, if the path knows it. */
export function truthOf(b: Branch, cond: Node): Truth | undefined {
  const e = unparenNode(cond);
  const direct = resultOf(b.env, e.id);
  if (direct) return direct;
  const lit = literalTruth(e.text);
  if (lit) return lit;
  if (e.type === 'identifier') return getFact(b.s, e.text);
  if (e.type === 'assignment_expression') {
    const rhs = e.childForFieldName('right');
    const lhs = e.childForFieldName('left');
    if (rhs) {
      const t = truthOf(b, rhs);
      if (t) return t;
    }
    return lhs ? truthOf(b, lhs) : undefined;
  }
  if (e.type === 'call_expression') {
    const fn = e.childForFieldName('function')?.text;
    const arg = e.childForFieldName('arguments')?.namedChildren[0];
    if (arg && fn !== undefined && TRUTH_WRAPPERS.has(fn)) {
      const t = truthOf(b, arg);
      if (!t) return undefined;
      return fn.startsWith('IS_ERR') ? opposite(t) : fn === 'NT_SUCCESS' ? opposite(t) : t;
    }
  }
  const negated = notOperand(e);
  if (negated) {
    const t = truthOf(b, negated);
    return t ? opposite(t) : undefined;
  }
  if (e.type === 'binary_expression') {
    const op = e.childForFieldName('operator')?.text;
    const l = e.childForFieldName('left');
    const r = e.childForFieldName('right');
    const ct = constantTest(e);
    if (ct) {
      const t = getFact(b.s, `c:${ct.v}==${ct.c}`);
      if (t) return ct.eq ? t : opposite(t);
    }
    const neg = negativeTest(e);
    if (neg) {
      const t = getFact(b.s, negativeKey(neg.v));
      if (t) return neg.whenNegative ? t : opposite(t);
    }
    const st = !ct ? sentinelTest(e) : undefined;
    if (st) {
      const t = getFact(b.s, sentinelKey(st.v, st.c));
      if (t) return st.eq ? t : opposite(t);
    }
    // Memory this path just allocated is no other pointer: `if (soft != soft_stub) free(soft)`.
    if ((op === '==' || op === '!=') && l && r && l.type === 'identifier' && r.type === 'identifier' && l.text !== r.text
      && b.s.refs.some((x) => x.kind === 'alloc' && !x.fill && (x.obj === l.text || x.obj === r.text))) {
      return op === '!=' ? 'nonzero' : 'zero';
    }
    if (l && r) {
      const last = lastPutTest(b, op, l, r);
      if (last) return last;
      const rz = literalTruth(r.text) === 'zero';
      const lz = literalTruth(l.text) === 'zero';
      const side = rz ? l : lz ? r : null;
      if (side) {
        const t = truthOf(b, side);
        if (t) {
          if (op === '==') return opposite(t);
          if (op === '!=') return t;
          if (op === '<' && rz) return t === 'zero' ? 'zero' : 'nonzero';
          if (op === '>=' && rz) return t === 'zero' ? 'nonzero' : 'zero';
        }
      }
      // A value known to be 0 equals no nonzero constant: `status == STATUS_DEVICE_DOES_NOT_EXIST` after a success.
      const other = literalTruth(r.text) === 'nonzero' ? l : literalTruth(l.text) === 'nonzero' ? r : null;
      if (other && (op === '==' || op === '!=') && truthOf(b, other) === 'zero') return op === '==' ? 'zero' : 'nonzero';
    }
  }
  if (isPure(e)) return getFact(b.s, `c:${squash(e.text)}`);
  return undefined;
}
