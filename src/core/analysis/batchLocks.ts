import type { SyntaxNode as Node } from '../c/syntax';
import type { CallKnowledge } from './callKnowledge';
import { normalizeLvalue } from './exprs';
import { calleeName } from './ops';
import type { AbsState } from './state';

/**
 * Batch locking: one loop locks each element of an array (`ukey = ops[i].ukey; try_lock(ukey)`),
 * other work runs, a later loop unlocks each element (`unlock(ops[i].ukey)`). Which elements were
 * locked is data the path search cannot follow (an element that failed to lock is cleared, and
 * the unlock loop skips it), and the abstract path holds one lock standing for all of them.
 *
 * So a lock named through the index of an array that a later loop's release call reads, is, once
 * the index moves on, no longer nameable by the path (as a lock taken through a pointer that is
 * then reassigned: `forgotten`), and a release of an element of that array finds it there by its
 * element spelling (the index written as any index). Arrays no loop releases through keep today's
 * checks: a lock left held in one iteration is still taken again in the next, or leaks.
 */

const LOOPS = new Set(['for_statement', 'while_statement', 'do_statement']);

/** A function's batches: the arrays, and the values locals take from their elements (`key` ← `ops[i].key`). */
export interface Batches {
  arrays: ReadonlySet<string>;
  elementValues: ReadonlyMap<string, readonly string[]>;
}

/** Every value a local is given from an array element, whatever its scope (`struct k *key = ops[i].key` in two loops). */
function elementValuesOf(body: Node): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const declarators = body.indexedDescendants('declaration').flatMap((d) => d?.childrenForFieldName('declarator') ?? []).filter((d) => d?.type === 'init_declarator');
  for (const n of [...declarators, ...body.indexedDescendants('assignment_expression')]) {
    if (!n) continue;
    let target = n.type === 'assignment_expression' ? n.childForFieldName('left') : n.childForFieldName('declarator');
    while (target && target.type === 'pointer_declarator') target = target.childForFieldName('declarator');
    const value = n.childForFieldName(n.type === 'assignment_expression' ? 'right' : 'value');
    if (target?.type !== 'identifier' || !value || !value.text.includes('[')) continue;
    const list = out.get(target.text) ?? [];
    if (list.length < 8) list.push(normalizeLvalue(value.text));
    out.set(target.text, list);
  }
  return out;
}

/** The innermost loop around a node, below the body. */
function loopOf(n: Node, body: Node): Node | undefined {
  for (let p = n.parent; p && p.id !== body.id; p = p.parent) if (LOOPS.has(p.type)) return p;
  return undefined;
}

/** Arrays a text indexes (`ops` in `&ops[i].key->mutex`). */
function arraysIn(text: string): string[] {
  return [...text.matchAll(/\b([A-Za-z_]\w*)\s*\[/g)].map((m) => m[1]!);
}

/**
 * Arrays an argument of a lock-releasing call inside a loop indexes (`ops` in `unlock(ops[i].key)`),
 * when that loop takes no lock through the same array: a loop that locks and unlocks each element
 * itself is checked element by element as before.
 */
export function batchesOf(body: Node, call: (name: string) => CallKnowledge): Batches | undefined {
  const elementValues = elementValuesOf(body);
  const released = new Map<string, Set<number>>();
  const acquiredIn = new Map<number, Set<string>>();
  for (const c of body.indexedDescendants('call_expression')) {
    if (!c) continue;
    const name = calleeName(c);
    if (!name) continue;
    const k = call(name);
    const releases = k.lock?.kind === 'release' || k.lockEffects.some((e) => e.op === 'release');
    const acquires = (k.lock !== undefined && k.lock.kind !== 'release' && k.lock.kind !== 'destroy') || k.lockEffects.some((e) => e.op === 'acquire' || e.op === 'try');
    if (!releases && !acquires) continue;
    const loop = loopOf(c, body);
    if (!loop) continue;
    const arrays = new Set<string>();
    for (const a of c.childForFieldName('arguments')?.namedChildren ?? []) {
      if (!a) continue;
      for (const x of arraysIn(a.text)) arrays.add(x);
      // `key = ops[i].key; try_lock(key)`: through a local holding an element.
      const root = /^[&(\s]*([A-Za-z_]\w*)/.exec(a.text)?.[1];
      for (const value of root ? elementValues.get(root) ?? [] : []) for (const x of arraysIn(value)) arrays.add(x);
    }
    for (const x of arrays) {
      if (releases) {
        let loops = released.get(x);
        if (!loops) released.set(x, (loops = new Set()));
        loops.add(loop.id);
      }
      if (acquires) {
        let set = acquiredIn.get(loop.id);
        if (!set) acquiredIn.set(loop.id, (set = new Set()));
        set.add(x);
      }
    }
  }
  const arrays = new Set<string>();
  for (const [x, loops] of released) if ([...loops].every((l) => !acquiredIn.get(l)?.has(x))) arrays.add(x);
  return arrays.size > 0 ? { arrays, elementValues } : undefined;
}

/** `(ops[i].ukey)->mutex` → `ops[].ukey->mutex`: an element lock whatever its index, or undefined when no index. */
export function elementSpelling(id: string): string | undefined {
  let t = id.replace(/\s+/g, '');
  // Parentheses a substituted argument brings (`($0)->mutex`): drop them around a postfix chain.
  for (let i = 0; i < 4; i++) {
    const next = t.replace(/\(([A-Za-z_]\w*(?:\[[^[\]]*\]|\.[A-Za-z_]\w*|->[A-Za-z_]\w*)*)\)/g, '$1');
    if (next === t) break;
    t = next;
  }
  t = normalizeLvalue(t);
  if (!t.includes('[')) return undefined;
  return t.replace(/\[[^[\]]*\]/g, '[]');
}

/** The array and index an element spelling names first (`ops[i].ukey->mutex` → ops, i). */
function indexedArrays(text: string): { array: string; index: string }[] {
  return [...text.matchAll(/\b([A-Za-z_]\w*)\s*\[([^[\]]*)\]/g)].map((m) => ({ array: m[1]!, index: m[2]! }));
}

/**
 * The spellings of a lock through an element of a batch array: its own text when it indexes one,
 * or through a local assigned once from an element (`ukey->mutex` with `ukey = ops[i].ukey`).
 */
function batchSpellings(id: string, b: Batches): string[] {
  const out: string[] = [];
  if (indexedArrays(id).some((x) => b.arrays.has(x.array))) out.push(id);
  const m = /^(&?)\(?([A-Za-z_]\w*)\)?(->|\.)(.*)$/.exec(id.replace(/\s+/g, ''));
  for (const value of m ? b.elementValues.get(m[2]!) ?? [] : []) {
    if (indexedArrays(value).some((x) => b.arrays.has(x.array))) out.push(`${m![1]}${value}${m![3]}${m![4]}`);
  }
  return out;
}

/** The index moved on (`i++`, `i = next`): element locks of batch arrays named through it are forgotten. */
export function forgetBatchLocks(s: AbsState, index: string, b: Batches): void {
  const reads = new RegExp(`\\b${index}\\b`);
  const through = s.locks.filter((l) => !l.fromEntry && batchSpellings(l.id, b)
    .some((sp) => indexedArrays(sp).some((x) => b.arrays.has(x.array) && reads.test(x.index))));
  if (through.length === 0) return;
  s.locks = s.locks.filter((l) => !through.includes(l));
  s.forgotten = [...s.forgotten, ...through.map((l) => l.id).filter((id) => !s.forgotten.includes(id))];
}

/**
 * A release of an element lock of a batch this function locks itself (a lock it acquires through
 * the same array's elements): one of the elements the path locked (forgotten since), or one it did
 * not lock, which the code's own data tells the unlock loop to skip — never the caller's lock.
 */
export function releasesBatchElement(id: string, acquired: Iterable<string>, b: Batches): boolean {
  const released = elementSpelling(id);
  if (!released || !indexedArrays(released).some((x) => b.arrays.has(x.array))) return false;
  for (const a of acquired) if (batchSpellings(a, b).some((sp) => elementSpelling(sp) === released)) return true;
  return false;
}
