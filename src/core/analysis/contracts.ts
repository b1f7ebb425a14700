import type { Node, Tree } from 'web-tree-sitter';
import type { LockAnnotation } from '../c/annotations';
import { declaratorName, parameterNames } from '../c/functions';
import { normalizeLvalue, parameterize, splitArgs } from './exprs';
import type { LockEffect } from './types';

/**
 * Lock contracts written on declarations and definitions: SAL, sparse and OVS's clang
 * thread-safety macros, mapped to summary effects over the parameters (`$0` = first parameter).
 */

type ContractOp = LockEffect['op'];

const MACROS: Record<string, { op: ContractOp; mode?: 'exclusive' | 'shared'; tryArgs?: boolean }> = {
  _Acquires_lock_: { op: 'acquire' },
  _Acquires_exclusive_lock_: { op: 'acquire', mode: 'exclusive' },
  _Acquires_shared_lock_: { op: 'acquire', mode: 'shared' },
  _Acquires_nonreentrant_lock_: { op: 'acquire' },
  __acquires: { op: 'acquire' },
  OVS_ACQUIRES: { op: 'acquire' },
  OVS_ACQ_WRLOCK: { op: 'acquire', mode: 'exclusive' },
  OVS_ACQ_RDLOCK: { op: 'acquire', mode: 'shared' },
  _Releases_lock_: { op: 'release' },
  _Releases_exclusive_lock_: { op: 'release', mode: 'exclusive' },
  _Releases_shared_lock_: { op: 'release', mode: 'shared' },
  _Releases_nonreentrant_lock_: { op: 'release' },
  __releases: { op: 'release' },
  OVS_RELEASES: { op: 'release' },
  _Requires_lock_held_: { op: 'requires' },
  _Requires_exclusive_lock_held_: { op: 'requires', mode: 'exclusive' },
  _Requires_shared_lock_held_: { op: 'requires', mode: 'shared' },
  __must_hold: { op: 'requires' },
  OVS_REQUIRES: { op: 'requires' },
  OVS_REQ_WRLOCK: { op: 'requires', mode: 'exclusive' },
  OVS_REQ_RDLOCK: { op: 'requires', mode: 'shared' },
  OVS_TRY_LOCK: { op: 'try', tryArgs: true },
  OVS_TRY_WRLOCK: { op: 'try', mode: 'exclusive', tryArgs: true },
  OVS_TRY_RDLOCK: { op: 'try', mode: 'shared', tryArgs: true },
  __cond_acquires: { op: 'try' },
  OVS_EXCLUDED: { op: 'excludes' },
  _Requires_lock_not_held_: { op: 'excludes' },
};

const NO_ANALYSIS = new Set(['OVS_NO_THREAD_SAFETY_ANALYSIS']);

/**
 * The lock identity an annotation names, in the engine's terms: `&t->lock` → `t->lock`; a
 * pointer parameter `mutex` (clang capabilities may be pointers) → `*mutex`; fields as written.
 */
export function contractLockId(arg: string, params: string[]): string {
  const t = normalizeLvalue(arg);
  if (t.startsWith('&')) return normalizeLvalue(t.slice(1));
  if (/^[A-Za-z_]\w*$/.test(t) && params.includes(t)) return `*${t}`;
  return t;
}

interface FnDecl {
  name: string;
  start: number;
  /** Annotations after this offset belong to the body, not the declaration. */
  end: number;
  params: string[];
  isStatic: boolean;
}

/** A function's lock contract and whether the declaration that carries it is `static`. */
export interface Contract {
  effects: LockEffect[];
  isStatic: boolean;
  /** `OVS_NO_THREAD_SAFETY_ANALYSIS`: the author says its locking is beyond checking (lock rules stay quiet in it). */
  noLockAnalysis?: boolean;
  /** 0-based line of the first declaration in this file that states a lock effect (calls above it do not see it). */
  line?: number;
}

function functionDecls(tree: Tree, text: string): FnDecl[] {
  const out: FnDecl[] = [];
  const stack: Node[] = [tree.rootNode];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'function_definition' || n.type === 'declaration') {
      const decl = n.childForFieldName('declarator');
      let fd: Node | null = decl;
      while (fd && fd.type !== 'function_declarator') fd = fd.childForFieldName('declarator');
      if (fd) {
        const id = declaratorName(fd);
        const body = n.type === 'function_definition' ? n.childForFieldName('body') : null;
        if (id) {
          out.push({
            name: id.text, start: n.startIndex, end: body ? body.startIndex : n.endIndex, params: parameterNames(fd),
            isStatic: decl !== null && /\bstatic\b/.test(text.slice(n.startIndex, decl.startIndex)),
          });
        }
      }
      continue;
    }
    for (const c of n.namedChildren) if (c) stack.push(c);
  }
  return out.sort((a, b) => a.start - b.start);
}

/** Maps every lock annotation to the function declaration or definition it belongs to. */
export function annotatedEffects(tree: Tree, text: string, annotations: LockAnnotation[]): Map<string, Contract> {
  const result = new Map<string, Contract>();
  if (annotations.length === 0) return result;
  const decls = functionDecls(tree, text);
  for (const a of annotations) {
    const spec = MACROS[a.macro];
    if (!spec && !NO_ANALYSIS.has(a.macro)) continue;
    let owner = decls.find((d) => d.start <= a.offset && a.offset < d.end);
    if (!owner) {
      const next = decls.find((d) => d.start > a.offset);
      // Only when nothing but declaration text stands between the annotation and the function.
      if (next && !/[;{}]/.test(text.slice(a.offset, next.start))) owner = next;
    }
    if (!owner) continue;
    if (!spec) {
      const entry = result.get(owner.name) ?? { effects: [], isStatic: owner.isStatic };
      entry.noLockAnalysis = true;
      result.set(owner.name, entry);
      continue;
    }
    const parts = splitArgs(a.args);
    let trySuccess: 'nonzero' | 'zero' | undefined;
    let locks = parts;
    if (spec.tryArgs) {
      const succ = parts[0] ?? 'true';
      trySuccess = /^(0|false|FALSE)$/.test(succ.trim()) ? 'zero' : 'nonzero';
      locks = parts.slice(1);
    } else if (spec.op === 'try') {
      trySuccess = 'nonzero';
    }
    const entry = result.get(owner.name) ?? { effects: [], isStatic: owner.isStatic };
    entry.isStatic ||= owner.isStatic;
    const line = lineAt(text, owner.start);
    if (entry.line === undefined || line < entry.line) entry.line = line;
    const list = entry.effects;
    for (const l of locks) {
      if (!l) continue;
      const id = contractLockId(l, owner.params);
      list.push({
        lock: parameterize(id, owner.params),
        op: spec.op,
        mode: spec.mode,
        trySuccess,
        family: '*',
        variant: '*',
        source: 'annotation',
      });
    }
    result.set(owner.name, entry);
  }
  return result;
}

function lineAt(text: string, offset: number): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
