import type { Cfg, CfgNode } from '../c/cfg';
import { identifiersOf, squash } from './exprs';
import type { Op } from './ops';
import { condFactKeys, unparenNode } from './truth';

/**
 * What a path state carries that nothing downstream can look at any more, per CFG node.
 *
 * Facts: a fact no later condition, assignment or return can read only splits paths that would
 * otherwise join — in a dispatch loop whose cases test `dp->n_ports < 5`, `< 7`, … and jump to a
 * shared error label, keeping each case's fact makes the label see one state per case.
 * Released objects: a dead mark on `nf` matters only until `nf` is mentioned or assigned again.
 * Dropping both where they are dead lets those paths join (explore.ts).
 *
 * Both are backward may-liveness problems over the CFG, over-approximated where unsure (kept).
 */
export interface Liveness {
  /** Whether a fact with this key may be read at or after `node`. */
  factLive(node: number, key: string): boolean;
  /** Whether a dead mark on this object may matter at or after `node`. */
  deadLive(node: number, obj: string): boolean;
}

export function stateLiveness(cfg: Cfg, factKeys: ReadonlySet<string>, deadCandidates: ReadonlySet<string>, opsOf: (n: CfgNode) => readonly Op[]): Liveness {
  // Shared by both problems, computed once: predecessors and each node's assigned variables.
  let shared: { preds: Preds; assigned: readonly (readonly string[])[] } | undefined;
  const sharedOf = (): { preds: Preds; assigned: readonly (readonly string[])[] } => (shared ??= { preds: predecessors(cfg), assigned: cfg.nodes.map((n) => assignedVariables(opsOf(n))) });
  // A condition (or returned value) reads the variables it names and the `c:` facts `truthOf` looks up for it.
  // Keys are few: a text that contains none of them (as a substring, squashed for conditions) reads none.
  const varKeys = [...factKeys].filter((k) => !k.startsWith('c:'));
  const condKeys = [...factKeys].filter((k) => k.startsWith('c:')).map((k) => k.slice(2));
  const factReads = (node: CfgNode, out: string[]): void => {
    if (node.ast && (node.kind === 'cond' || node.kind === 'return')) {
      const text = node.ast.text;
      if (varKeys.length > 16 || varKeys.some((k) => text.includes(k))) out.push(...identifiersOf(text));
      const value = node.kind === 'cond' ? node.ast : node.ast.namedChildren.find((c) => c.type !== 'comment');
      if (value && condKeys.length > 0 && (condKeys.length > 16 || condKeys.some((k) => squash(text).includes(k)))) condFactKeys(value, out);
    }
    for (const op of opsOf(node)) {
      // `x = y` copies y's fact.
      if (op.op === 'assign' && op.rhs && unparenNode(op.rhs).type === 'identifier') out.push(unparenNode(op.rhs).text);
    }
  };
  // Computed on first use: most functions' paths never carry a fact or a dead mark.
  let facts: KeyLiveness | undefined;
  const factLiveness = (): KeyLiveness => (facts ??= backwardLiveness(cfg, sharedOf(), factKeys, factReads,
    // A variable's assignment kills its own fact and every condition fact that mentions it.
    (key) => (key.startsWith('c:') ? identifiersOf(key.slice(2)) : [key])));
  // A dead mark is read where refTransfer.ts checks uses: the operands of uses, calls and
  // assignments (not an assigned variable itself), and anything a condition or return names.
  // Candidates are few (the objects handed to put/free calls): a text that contains none of them
  // as a substring names none of them, and is not split into identifiers at all.
  const candidates = [...deadCandidates];
  const namesIn = (text: string, out: string[]): void => {
    if (candidates.length <= 16 && !candidates.some((c) => text.includes(c))) return;
    out.push(...identifiersOf(text));
  };
  const deadReads = (node: CfgNode, out: string[]): void => {
    if (node.ast && (node.kind === 'cond' || node.kind === 'return')) namesIn(node.ast.text, out);
    for (const op of opsOf(node)) {
      if (op.op === 'use') namesIn(op.base.text, out);
      else if (op.op === 'call') for (const a of op.args) namesIn(a.text, out);
      else {
        if (op.rhs) namesIn(op.rhs.text, out);
        if (op.lhs.type !== 'identifier') namesIn(op.lhs.text, out);
      }
    }
  };
  let dead: KeyLiveness | undefined;
  const deadLiveness = (): KeyLiveness => (dead ??= backwardLiveness(cfg, sharedOf(), deadCandidates, deadReads, (name) => [name]));
  return {
    factLive: (node, key) => factLiveness().isLive(node, key),
    // Objects named by other variables than the candidates are always kept.
    deadLive: (node, obj) => identifiersOf(obj).some((id) => deadLiveness().isLive(node, id)),
  };
}

const NONE: readonly string[] = [];

/** Identifier targets of a node's assignments (`x = …`, `x++`, an iterator's cursor). */
function assignedVariables(ops: readonly Op[]): readonly string[] {
  let out: string[] | undefined;
  for (const op of ops) if (op.op === 'assign' && op.lhs.type === 'identifier') (out ??= []).push(op.lhs.text);
  return out ?? NONE;
}

interface KeyLiveness {
  isLive(node: number, key: string): boolean;
}

/** Predecessor lists of every CFG node, packed: node n's are `list[start[n] .. start[n + 1])`. */
interface Preds {
  start: Int32Array;
  list: Int32Array;
}

function predecessors(cfg: Cfg): Preds {
  const n = cfg.nodes.length;
  const start = new Int32Array(n + 1);
  for (const node of cfg.nodes) for (const s of node.succ) if (s >= 0) start[s + 1]!++;
  for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
  const fill = start.slice(0, n);
  const list = new Int32Array(start[n]!);
  for (const node of cfg.nodes) for (const s of node.succ) if (s >= 0) list[fill[s]!++] = node.id;
  return { start, list };
}

/**
 * live(n) = reads(n) ∪ (⋃ live(successors) − kills(n)), to the fixpoint, over bit sets. Keys not
 * in `keys` are always live. `killNames(key)` says which assigned variables kill a key.
 */
function backwardLiveness(
  cfg: Cfg, { preds, assigned }: { preds: Preds; assigned: readonly (readonly string[])[] }, keys: ReadonlySet<string>,
  readsOf: (n: CfgNode, out: string[]) => void, killNames: (key: string) => readonly string[],
): KeyLiveness {
  if (keys.size === 0) return { isLive: () => true };
  const bit = new Map<string, number>();
  for (const k of keys) bit.set(k, bit.size);
  const killedBy = new Map<string, number[]>();
  for (const [k, b] of bit) {
    for (const v of killNames(k)) {
      const list = killedBy.get(v);
      if (list) list.push(b);
      else killedBy.set(v, [b]);
    }
  }
  const words = Math.ceil(bit.size / 32);
  const n = cfg.nodes.length;
  const live = new Uint32Array(n * words);
  const keeps = new Uint32Array(n * words).fill(0xffffffff);
  const reads: string[] = [];
  for (const node of cfg.nodes) {
    for (const v of assigned[node.id]!) {
      const killed = killedBy.get(v);
      if (killed) for (const b of killed) keeps[node.id * words + (b >>> 5)]! &= ~(1 << (b & 31));
    }
    reads.length = 0;
    readsOf(node, reads);
    for (const key of reads) {
      const b = bit.get(key);
      if (b !== undefined) live[node.id * words + (b >>> 5)]! |= 1 << (b & 31);
    }
  }
  const work: number[] = cfg.nodes.map((x) => x.id);
  const queued = new Uint8Array(n).fill(1);
  while (work.length) {
    const id = work.pop()!;
    queued[id] = 0;
    for (let j = preds.start[id]!; j < preds.start[id + 1]!; j++) {
      const p = preds.list[j]!;
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
