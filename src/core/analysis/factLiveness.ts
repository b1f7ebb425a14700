import type { Cfg, CfgNode } from '../c/cfg';
import type { SyntaxNode as Node } from '../c/syntax';
import { identifiersOf, squash } from './exprs';
import type { Op } from './ops';
import { unparenNode } from './transfer';

/**
 * Which branch facts can still be read from each CFG node on. A fact no later condition, assignment
 * or return can read only splits paths that would otherwise join: in a dispatch loop whose cases
 * test `dp->n_ports < 5`, `< 7`, … and jump to a shared error label, keeping each case's fact makes
 * the label see one state per case. Facts are dropped where they are dead, so those paths join.
 *
 * A backward may-liveness over the CFG: conditions and returns read the facts of the variables they
 * name and of their pure subexpressions (`c:` facts); `x = y` reads y's; assigning a variable kills
 * its facts and every condition fact that mentions it. Over-approximated where unsure (kept).
 */
export interface FactLiveness {
  /** Whether a fact with this key may be read at or after `node`. */
  isLive(node: number, key: string): boolean;
}

const ALL_LIVE: FactLiveness = { isLive: () => true };

export function factLiveness(cfg: Cfg, factKeys: ReadonlySet<string>, opsOf: (n: CfgNode) => readonly Op[]): FactLiveness {
  if (factKeys.size === 0) return ALL_LIVE;
  const bit = new Map<string, number>();
  for (const k of factKeys) bit.set(k, bit.size);
  // A variable's assignment kills its own fact and every condition fact that mentions it.
  const killedBy = new Map<string, number[]>();
  for (const [k, b] of bit) {
    for (const v of k.startsWith('c:') ? identifiersOf(k.slice(2)) : [k]) {
      const list = killedBy.get(v);
      if (list) list.push(b);
      else killedBy.set(v, [b]);
    }
  }
  const words = Math.ceil(bit.size / 32);
  const n = cfg.nodes.length;
  const reads = new Uint32Array(n * words);
  const keeps = new Uint32Array(n * words).fill(0xffffffff);
  const setBit = (set: Uint32Array, node: number, b: number): void => {
    set[node * words + (b >>> 5)]! |= 1 << (b & 31);
  };
  const read = (node: number, key: string): void => {
    const b = bit.get(key);
    if (b !== undefined) setBit(reads, node, b);
  };
  const preds: number[][] = cfg.nodes.map(() => []);
  for (const node of cfg.nodes) {
    for (const s of node.succ) if (s >= 0) preds[s]!.push(node.id);
    if (!node.ast) continue;
    if (node.kind === 'cond' || node.kind === 'return') {
      // truthOf reads the facts of the variables and pure subexpressions it meets.
      for (const id of identifiersOf(node.ast.text)) read(node.id, id);
      for (const key of condKeys(node.ast)) read(node.id, key);
    }
    if (node.kind === 'cond' || node.kind === 'stmt' || node.kind === 'return') {
      for (const op of opsOf(node)) {
        if (op.op !== 'assign') continue;
        // `x = y` copies y's fact; an identifier target's old facts die here.
        if (op.rhs && unparenNode(op.rhs).type === 'identifier') read(node.id, unparenNode(op.rhs).text);
        if (op.lhs.type === 'identifier') {
          for (const b of killedBy.get(op.lhs.text) ?? []) keeps[node.id * words + (b >>> 5)]! &= ~(1 << (b & 31));
        }
      }
    }
  }
  // Worklist to the fixpoint: live(n) = reads(n) ∪ (⋃ live(successors) − kills(n)).
  const live = new Uint32Array(n * words);
  live.set(reads);
  const work: number[] = cfg.nodes.map((x) => x.id);
  const queued = new Uint8Array(n).fill(1);
  while (work.length) {
    const id = work.pop()!;
    queued[id] = 0;
    for (const p of preds[id]!) {
      let changed = false;
      for (let w = 0; w < words; w++) {
        const i = p * words + w;
        const before = live[i]!;
        // `>>> 0`: bit operators yield signed int32, the array holds unsigned words.
        const after = (before | (live[id * words + w]! & keeps[i]!)) >>> 0;
        if (after !== before) {
          live[i] = after;
          changed = true;
        }
      }
      if (changed && !queued[p]) {
        queued[p] = 1;
        work.push(p);
      }
    }
  }
  return {
    isLive(node, key) {
      const b = bit.get(key);
      return b === undefined || (live[node * words + (b >>> 5)]! & (1 << (b & 31))) !== 0;
    },
  };
}

/** The `c:` fact keys a condition may read: its own and its subexpressions' (truthOf recurses). */
function condKeys(cond: Node): string[] {
  const out: string[] = [];
  const stack: Node[] = [cond];
  while (stack.length) {
    const e = stack.pop()!;
    out.push(`c:${squash(e.text)}`, `c:${squash(unparenNode(e).text)}`);
    for (const c of e.namedChildren) stack.push(c);
  }
  return out;
}
