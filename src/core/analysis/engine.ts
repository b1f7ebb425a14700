import type { Parser } from 'web-tree-sitter';
import { SLEEPS } from './lockContext';
import { fileScope } from '../c/fileScope';
import { listFunctions, type FunctionDef } from '../c/functions';
import { parseC, type ParsedC } from '../c/parse';
import { toSyntax, type SyntaxNode } from '../c/syntax';
import { findSuppressions, type Suppression } from '../rules/suppression';
import { annotatedEffects, type Contract } from './contracts';
import { analyzeFunction, type FunctionAnalysis } from './functionAnalysis';
import { returnsWalkedElement } from './lookupReturns';
import { lockCallee } from './entryLocks';
import { collectUnlocked, type FunctionAccesses } from './fieldAccesses';
import { callKnowledgeMemo } from './callKnowledge';
import type { KnowledgeIndex } from './knowledgeIndex';
import { graceFreedTypes } from './graceFreed';
import { plainFrees, rcuFieldTable, type RcuFieldTable } from './rcuFields';
import { dropsFieldsInTeardown } from './ownedFields';
import { classResolver, structSummaries } from './lockClass';
import { lockIdentity, textMemo } from './exprs';
import { qualifyStatic } from './lockNames';
import { PUBLISHERS } from './refTransfer';
import { isReallocating } from './packetViews';
import { lockMacroContracts } from './lockMacros';
import { isRcuUnlink } from './rcuUnlink';
import { builtinMacroCalls, macroCallsIn, type MacroCall } from './macroCalls';
import { slotBindings, slotCallNames, type SlotBinding } from './opsTables';
import { onceApi, onceInitialisers } from './onceLocks';
import { registrationsIn, type Registration } from './executionContexts';
import { predicateLocksIn } from './heldPredicates';
import type { AnalysisOptions, FunctionSummary, LockEffect, SourceFile, StructInfo, SummaryTable } from './types';

/**
 * One file as the engine sees it: parsed once, its functions listed with the names they call,
 * its contracts, struct types and file-scope variables read. The pipeline (src/core/project)
 * decides which functions to analyse, in which order, with which summaries.
 */

// Starts only at an identifier's first character, so a long identifier is scanned once, not once per offset.
const CALL_NAME = /(?<![A-Za-z0-9_])([A-Za-z_]\w*)(?!\w)\s*\(/g;

// Comments and string or character literals, which may mention calls (`/* if malloc() fails */`).
const NOT_CODE = /\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'/g;

/** Names called in the body's code (also inside `#if 0` and unparsable regions, which the analysis reports on). */
export function calledNames(fn: FunctionDef, text: string): Set<string> {
  const body = text.slice(fn.body.startIndex, fn.body.endIndex).replace(NOT_CODE, ' ');
  const names = new Set<string>();
  CALL_NAME.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = CALL_NAME.exec(body)) !== null) names.add(m[1]!);
  return names;
}

export interface FnEntry {
  fn: FunctionDef;
  calls: Set<string>;
  /** `calls` in order, for signatures. */
  sortedCalls: string[];
  /** The function's text (its identity for reuse across edits, wherever it moved). */
  text: string;
  syntax?: SyntaxNode;
}

/** A parsed file and what the pipeline needs from its tree. The caller must `disposePrepared` it. */
export interface PreparedFile {
  file: SourceFile;
  parsed: ParsedC;
  fns: FnEntry[];
  contracts: Map<string, Contract>;
  structs: Map<string, StructInfo>;
  globals: Set<string>;
  statics: Set<string>;
  /** Declared types of the file-scope variables (lock classes through globals: lockClass.ts). */
  globalTypes: Map<string, string>;
  suppressions: Suppression[];
  parseMs: number;
  lines: number;
  /** Struct types freed after an implicit-reader grace period (graceFreed.ts). */
  graceFreed: Set<string>;
  /** Fields this file publishes to RCU readers and frees after grace periods (rcuFields.ts). */
  rcuFields: RcuFieldTable;
  /** Locks this file initialises recursive (`ovs_mutex_init_recursive(&mutex)`), as identities in its terms. */
  recursiveLocks: Set<string>;
  /** Function-like macros this file defines whose body is one call (macroCalls.ts). */
  macroCalls: Map<string, MacroCall>;
  /** Functions this file's struct tables put in slots (opsTables.ts). */
  slots: SlotBinding[];
  /** Functions this file registers to run later in a context of their own (executionContexts.ts). */
  registrations: Registration[];
  /** Functions returning a lockdep predicate, and the lock it names (heldPredicates.ts). */
  predicates: Map<string, string>;
}

/** What one function's analysis reads of its file: the name, the parsed text and its RCU-field table. */
export type AnalysisSource = Pick<PreparedFile, 'file' | 'parsed' | 'rcuFields'>;

export function prepareFile(parser: Parser, file: SourceFile): PreparedFile {
  const t0 = performance.now();
  const parsed = parseC(parser, file.text);
  return prepareParsed(parsed, file, performance.now() - t0);
}

/** Reads a tree the caller owns (the editor keeps one per open document); `disposePrepared` then leaves the tree alone. */
export function prepareParsed(parsed: ParsedC, file: SourceFile, parseMs = 0, index?: KnowledgeIndex): PreparedFile {
  const macroCalls = macroCallsIn(parsed.text);
  const fns = listFunctions(parsed.tree, parsed.text).map((fn) => {
    const calls = withMacroTargets(calledNames(fn, parsed.text), macroCalls);
    const bodyText = parsed.text.slice(fn.body.startIndex, fn.body.endIndex);
    for (const slot of slotCallNames(bodyText)) calls.add(slot);
    for (const init of onceInitialisers(bodyText)) calls.add(init);
    return { fn, calls, sortedCalls: [...calls].sort(), text: parsed.text.slice(fn.node.startIndex, fn.node.endIndex) };
  });
  const scope = fileScope(parsed.tree, parsed.text);
  const slots = slotBindings(parsed.text);
  return {
    file, parsed, fns, parseMs,
    contracts: withMacroContracts(annotatedEffects(parsed.tree, parsed.text, parsed.lockAnnotations), index ? lockMacroContracts(parsed.text, index) : undefined),
    structs: structSummaries(parsed.tree, parsed.text, parsed.lockAnnotations),
    globals: scope.globals,
    statics: scope.statics,
    globalTypes: scope.types,
    suppressions: file.text.includes('lockstep-ignore') ? findSuppressions(parsed.tree) : [],
    lines: countLines(file.text),
    recursiveLocks: recursiveLocks(parsed.text, scope.statics, file.uri),
    graceFreed: index ? graceFreedTypes(fns.map((e) => e.text), index) : new Set(),
    rcuFields: rcuFieldTable(fns.map((e) => ({ name: e.fn.name, params: e.fn.params, text: e.text, start: { line: e.fn.range.start.line, column: e.fn.range.start.column } })), index && freesOf(index)),
    macroCalls,
    slots,
    registrations: registrationsIn(parsed.text, slots),
    predicates: predicateLocksIn(fns.map((e) => ({ name: e.fn.name, params: e.fn.params, text: e.text }))),
  };
}

const frees = new WeakMap<KnowledgeIndex, Set<string>>();

/** The index's plain frees, read once per index. */
function freesOf(index: KnowledgeIndex): Set<string> {
  let f = frees.get(index);
  if (!f) frees.set(index, (f = plainFrees(index.refs)));
  return f;
}

/** A one-call macro's call is a call of its function too (callees are analysed first, and a change to it is a change here). */
function withMacroTargets(calls: Set<string>, own: Map<string, MacroCall>): Set<string> {
  const builtin = builtinMacroCalls();
  for (const name of [...calls]) {
    const m = own.get(name) ?? builtin.get(name);
    if (m) calls.add(m.target);
  }
  return calls;
}

// `ovs_mutex_init_recursive(&mutex)`, `mutex_init_recursive(&l)`, `ExInitializeResourceLite`-style inits are by name.
const RECURSIVE_INIT = /\b\w*init_recursive\s*\(\s*([^;()]*(?:\([^;()]*\)[^;()]*)*)\)/g;

// `static pthread_mutex_t m = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;`: recursive by its initialiser.
const RECURSIVE_STATIC = /\b([A-Za-z_]\w*)\s*=\s*PTHREAD_RECURSIVE_MUTEX_INITIALIZER\w*/g;

function recursiveLocks(text: string, statics: Set<string>, uri: string): Set<string> {
  const out = new Set<string>();
  const add = (arg: string): void => {
    if (arg) out.add(qualifyStatic(lockIdentity(arg, false), uri, (n) => statics.has(n)));
  };
  if (text.includes('init_recursive')) {
    RECURSIVE_INIT.lastIndex = 0;
    for (let m = RECURSIVE_INIT.exec(text); m !== null; m = RECURSIVE_INIT.exec(text)) add(m[1]!.split(',')[0]!.trim());
  }
  if (text.includes('PTHREAD_RECURSIVE_MUTEX_INITIALIZER')) {
    RECURSIVE_STATIC.lastIndex = 0;
    for (let m = RECURSIVE_STATIC.exec(text); m !== null; m = RECURSIVE_STATIC.exec(text)) add(`&${m[1]!}`);
  }
  return out;
}

export function disposePrepared(p: PreparedFile, deleteTree = true): void {
  if (deleteTree) p.parsed.tree.delete();
  for (const e of p.fns) e.syntax = undefined;
}

/** The contract says the caller holds a lock on entry (see `entryState` in entryLocks.ts). */
export function holdsOnEntry(contract: readonly LockEffect[] | undefined): boolean {
  return contract?.some((e) => e.op === 'requires' || e.op === 'release') ?? false;
}

/** The body asserts that a lock is held (`lockdep_assert_held`): a contract by another name. */
function assertsHeld(calls: Set<string>, index: KnowledgeIndex): boolean {
  for (const name of calls) if (index.heldAssertions.has(name)) return true;
  return false;
}

/**
 * Whether a path search can find anything in the function or change what its callers see: it calls
 * a lock or reference API, or a function whose summary has lock or reference effects, takes locks,
 * or never returns. A mutating call (`hmap_remove`, `list_del`, …) matters only under a lock, so
 * it counts only when the caller holds one on entry (contract or assertion).
 */
export function needsAnalysis(e: FnEntry, index: KnowledgeIndex, table: SummaryTable, contract: readonly LockEffect[] | undefined): boolean {
  const lockedOnEntry = holdsOnEntry(contract) || assertsHeld(e.calls, index);
  // A contract that takes a lock is the summary callers need, whatever the body calls (`OVS_ACQUIRES` on an empty marker).
  if (contract?.some((c) => c.op === 'acquire' || c.op === 'try')) return true;
  for (const name of e.calls) {
    if (index.locks.has(name) || index.refs.has(name) || onceApi(name)) return true;
    // Linking or publishing an argument is a reference effect callers need (`store`).
    if (index.mutators.has(name) || PUBLISHERS.has(name)) return true;
    // Packet buffers that may move, objects unlinked from RCU-read structures; calls that never
    // return (the function may be one too: `ctl_fatal()` ends in `exit()`).
    if (isReallocating(name) || isRcuUnlink(name) || index.noReturn.has(name)) return true;
    const s = table.fn(name);
    if (s && (s.effects.length > 0 || s.noReturn || s.refs.length > 0 || s.acquires.length > 0 || s.sleeps)) return true;
    // A call that may sleep: callers need to know (sleepInAtomic.ts).
    if (SLEEPS.has(name)) return true;
  }
  if (e.text.includes('GFP_KERNEL')) return true;
  return lockedOnEntry || storesParameter(e) || touchesGuarded(e, table) || dropsFieldsInTeardown(e.fn.name, e.text);
}

/**
 * The summary of a function `needsAnalysis` skips, when its body only reads through its pointer
 * parameters (`return b->size > c->limit;`): callers still own what they passed — a leaf reader
 * keeps nothing. Any other use (passed on, stored, returned) leaves it unknown (no summary), as
 * a callee with no body in sight is.
 */
export function readerSummary(e: FnEntry, key: string, uri: string, table?: SummaryTable): FunctionSummary | undefined {
  const open = e.text.indexOf('{');
  if (open < 0) return undefined;
  // Comments and strings name no parameter (`"… when ofproto (%s) …"`).
  const body = e.text.slice(open).replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"/g, ' ');
  // `foo_unref(p->f)` with no body or API in sight: it may release a field (destructor completeness asks).
  if (RELEASES_FIELD.test(body)) return undefined;
  const readOnly = readOnlyParams(e.text.slice(0, open), e.fn.name);
  for (const p of e.fn.params) {
    if (!p || readOnly.has(p)) continue;
    const re = new RegExp(`(?<![\\w.>])${p.replace(/[$]/g, '\\$')}(?!\\w)`, 'g');
    for (const m of body.matchAll(re)) {
      const after = body.slice(m.index + p.length, m.index + p.length + 4);
      const before = body.slice(Math.max(0, m.index - 2), m.index);
      if (/^\s*(->|\.|\[)/.test(after) || /^\s*[!=]=/.test(after) || /[!=]=\s*$/.test(before) || /!\s*$/.test(before)) continue;
      // Passed to a function whose body is a reader too (this one calls nothing with effects).
      const callee = table && calleeOfArgument(body, m.index, p.length);
      if (callee && table.fn(callee)?.defined) continue;
      return undefined;
    }
  }
  return { name: e.fn.name, key, uri, range: e.fn.range, effects: [], acquires: [], refs: [], defined: true };
}

const RELEASES_FIELD = /\b(?:[A-Za-z_]\w*(?:_unref|_destroy|_free|_delete|_release|_uninit)|free)\s*\(\s*&?\s*[A-Za-z_]\w*\s*(?:->|\.)/;

/** `f(a, p)`: the function an argument at `at` (exactly the argument, nothing around it) is passed to. */
function calleeOfArgument(text: string, at: number, length: number): string | undefined {
  if (!/^\s*[,)]/.test(text.slice(at + length, at + length + 8))) return undefined;
  let i = at - 1;
  while (i >= 0 && /\s/.test(text[i]!)) i--;
  if (text[i] !== ',' && text[i] !== '(') return undefined;
  for (let depth = 0; i >= 0; i--) {
    const c = text[i];
    if (c === ')' || c === ']') depth++;
    else if ((c === '(' || c === '[') && depth > 0) depth--;
    else if (c === '(') break;
    else if (c === ';' || c === '{' || c === '}') return undefined;
  }
  return /([A-Za-z_]\w*)\s*$/.exec(text.slice(Math.max(0, i - 64), i))?.[1];
}

const NUMBER_WORDS = /^(?:const|volatile|register|unsigned|signed|long|int|short|char|bool|_Bool|float|double|size_t|ssize_t|BOOLEAN|BOOL|UCHAR|USHORT|ULONG|LONG|ULONG64|LONG64|ULONGLONG|LONGLONG|SIZE_T|(?:__)?[us]\d+|(?:__)?be\d+|(?:__)?le\d+|u?int\d*_t|UINT\d*|INT\d*|ovs_be\d+|_In_|IN)$/;

/**
 * Parameters declared with a number type (`long long now`, `UINT32 hash`) or as a pointer to
 * const (`const struct key *k`): a body that calls nothing with effects cannot link, free or put
 * what they point to, whatever it passes them on to.
 */
function readOnlyParams(head: string, name: string): Set<string> {
  const out = new Set<string>();
  const at = head.indexOf('(', head.lastIndexOf(name));
  if (at < 0) return out;
  let depth = 0;
  let start = at + 1;
  const decls: string[] = [];
  for (let i = at; i < head.length; i++) {
    const c = head[i];
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) {
      decls.push(head.slice(start, i));
      break;
    } else if (c === ',' && depth === 1) {
      decls.push(head.slice(start, i));
      start = i + 1;
    }
  }
  for (const d of decls) {
    const constPointee = /^\s*(?:(?:_In_|IN)\s+)?const\s+(?:(?:struct|union|enum)\s+)?[A-Za-z_]\w*\s*\*\s*([A-Za-z_]\w*)\s*$/.exec(d);
    if (constPointee) out.add(constPointee[1]!);
    if (/[*[(]/.test(d)) continue;
    const words = d.replace(/\benum\s+\w+/g, 'int').match(/[A-Za-z_]\w*/g) ?? [];
    if (words.length >= 2 && words.slice(0, -1).every((w) => NUMBER_WORDS.test(w))) out.add(words[words.length - 1]!);
  }
  return out;
}

/**
 * The summary of a skipped function that returns an element of a container it walks (a lookup,
 * lookupReturns.ts): callers must know that what it returns lives only as long as their lock.
 */
export function withLookup(p: AnalysisSource, e: FnEntry, summary: FunctionSummary | undefined, key: string, uri: string): FunctionSummary | undefined {
  if (!e.text.includes('return') || !MAY_WALK.test(e.text)) return summary;
  e.syntax ??= toSyntax(e.fn.node, p.parsed.text);
  if (!returnsWalkedElement(e.syntax.childForFieldName('body') ?? e.syntax, e.fn.params)) return summary;
  return { ...(summary ?? { name: e.fn.name, key, uri, range: e.fn.range, effects: [], acquires: [], refs: [] }), lookup: true };
}

const MAY_WALK = /for_?each|forall|CONTAINING_RECORD|container_of|CONTAINER_OF|OBJECT_CONTAINING|_entry\b/i;

/** The body names a field some struct declares lock-guarded (`->poll_list`, `.n_flows`). */
function touchesGuarded(e: FnEntry, table: SummaryTable): boolean {
  const guarded = table.guardedFields?.();
  if (!guarded || guarded.size === 0) return false;
  for (const m of e.text.matchAll(/(?:->|\.)\s*([A-Za-z_]\w*)/g)) if (guarded.has(m[1]!)) return true;
  return false;
}

/**
 * A body that stores a parameter into memory (`s->name = name`, `*out = CONST_CAST(T *, p)`): its
 * summary ("keeps argument k") decides whether callers still own what they passed.
 */
function storesParameter(e: FnEntry): boolean {
  const params = e.fn.params.filter((p) => p.length > 0);
  if (params.length === 0 || !e.text.includes('=')) return false;
  // Asked again in every round of summaries for the same text.
  const key = `${params.join(',')}\u0000${e.text}`;
  let stores = storesMemo.get(key);
  if (stores === undefined) storesMemo.set(key, (stores = findsStore(e.text, params)));
  return stores;
}

const storesMemo = textMemo<boolean>();

function findsStore(text: string, params: string[]): boolean {
  const names = params.map((p) => p.replace(/[$]/g, '')).join('|');
  // From each `= param;` (the rare part) back to its left side: a regex that tried the left side
  // at every offset of the body cost more than the rest of the pre-check on real trees.
  const rhs = new RegExp(`=\\s*(\\([^()]*\\)\\s*)?(\\w*CAST\\s*\\([^,()]*,\\s*)?(${names})\\s*[;)]`, 'g');
  for (const m of text.matchAll(rhs)) {
    if (STORE_TARGET.test(text.slice(Math.max(0, m.index - 80), m.index))) return true;
  }
  return false;
}

/** The end of a store's left side: `->f`, `*p`, `a[i]`, `.f`, then spaces before the `=`. */
const STORE_TARGET = /(->\s*\w+|\*\s*\w+|\]|\.\w+)\s*$/;

/** Lock-wrapper macros (`#define grab(q) ovs_mutex_lock(&(q)->m)`) join the declared contracts; a declaration wins. */
function withMacroContracts(contracts: Map<string, Contract>, macros: Map<string, Contract> | undefined): Map<string, Contract> {
  if (!macros || macros.size === 0) return contracts;
  for (const [name, c] of macros) if (!contracts.has(name)) contracts.set(name, c);
  return contracts;
}

/** The fields a function the path search skips touches (nothing held at any of them): votes against inferred guards. */
export function accessesOfSkipped(p: AnalysisSource, e: FnEntry, index: KnowledgeIndex, table: SummaryTable): FunctionAccesses | undefined {
  if (!e.text.includes('->')) return undefined;
  e.syntax ??= toSyntax(e.fn.node, p.parsed.text);
  const body = e.syntax.childForFieldName('body') ?? e.syntax;
  const classes = classResolver(e.syntax, body, table);
  return collectUnlocked(body, e.fn.params, classes.classOf, lockCallee(callKnowledgeMemo(index, table)));
}

/** One function's path search (the plain-JS copy of its body is made once and kept until disposal). */
export function analyzeEntry(p: AnalysisSource, e: FnEntry, index: KnowledgeIndex, table: SummaryTable, contract: LockEffect[], options: AnalysisOptions, noLockAnalysis = false): FunctionAnalysis {
  e.syntax ??= toSyntax(e.fn.node, p.parsed.text);
  return analyzeFunction({
    uri: p.file.uri, fn: e.fn, text: p.parsed.text, syntax: e.syntax, index, summaries: table, contract,
    maxStatesPerNode: options.maxStatesPerNode, timeoutMs: options.timeoutPerFunctionMs, noLockAnalysis,
    defines: options.definesByFile?.[p.file.uri] ?? options.defines, rcuFields: p.rcuFields,
  });
}

function countLines(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
