// C source → a simulator model: the packet function and the put function of one file compiled into
// the step-program form the reference protocols use (src/core/model/program.ts), every instruction
// pointing at its line in the file. See docs/c-simulation.md.

import type { Parser } from 'web-tree-sitter';
import { parseC } from '../c/parse';
import { listFunctions } from '../c/functions';
import { toSyntax } from '../c/syntax';
import type { SyntaxNode } from '../c/syntax';
import { builtinKnowledge } from '../apis/builtin';
import { flowTableIndex } from '../apis/flowTableBuiltins';
import type { FlowTableApis } from '../apis/types';
import type { LockDecl, ProtocolModel, StepProgram } from '../model/program';
import type { LockAnnotation } from '../c/annotations';
import { callersHold, declaredLocks } from './callerLocks';
import { ProgramCompiler } from './compiler';
import type { CompilerSetup, HeldLock, SourceFunction } from './compiler';
import { readDirectives } from './directives';
import { tidy } from './tidy';
import { DEFAULT_FLAGS, DEFAULT_INITIAL_REFCOUNT, cpuNowMs, isFlowPointerType, DEFAULT_INLINE_DEPTH, DEFAULT_LOOP_BOUND, ExtractError } from './types';
import type { ExtractOptions, ExtractedModel, Unmodelled } from './types';

export interface CSource {
  /** Where the steps point: a file: URI (or any uri the host can open). */
  uri: string;
  text: string;
}

/** The name a C model goes by in results and schedule strings: `<file>:<packet>+<put>`. */
export function cModelName(uri: string, packet: string, put: string): string {
  const base = uri.replace(/[?#].*$/, '').replace(/^[a-z][\w+.-]*:/i, '').split(/[\\/]/).pop() || 'file.c';
  return `${decodeURIComponent(base)}:${packet}+${put}`;
}

/** Names of the functions defined in a C text (for pickers). */
export function functionNames(parser: Parser, text: string): string[] {
  const parsed = parseC(parser, text);
  try {
    return listFunctions(parsed.tree, parsed.text).map((f) => f.name);
  } finally {
    parsed.tree.delete();
  }
}

/**
 * Parameters whose declared type names a flow (`struct sw_flow *flow`, `OvsFlow *f`, `POVS_FLOW flow`):
 * an entry function that takes one works on the table's flow as its caller found it.
 */
export function flowParameters(declarator: string, params: string[]): string[] {
  const open = declarator.indexOf('(');
  const close = declarator.lastIndexOf(')');
  if (open < 0 || close <= open) return [];
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of declarator.slice(open + 1, close)) {
    if (ch === '(' ) depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return params.filter((name, i) => {
    const decl = parts[i] ?? '';
    if (name === '' || !decl.includes(name)) return false;
    return isFlowPointerType(decl.replace(new RegExp(`\\b${name}\\b`), ''));
  });
}

function mergeFlowTable(a: FlowTableApis | undefined, b: FlowTableApis): FlowTableApis {
  const k = (key: keyof FlowTableApis): string[] => [...(a?.[key] ?? []), ...b[key]];
  return { lookup: k('lookup'), insert: k('insert'), remove: k('remove'), free: k('free'), use: k('use') };
}

/** A function by name, in a given file (uri) or in whichever input file defines it. */
export interface FunctionRef {
  name: string;
  uri?: string;
}

const fileOf = (uri: string): string => (uri.startsWith('file://') ? decodeURIComponent(uri.replace(/^file:\/\//, '')) : uri);

/**
 * Compiles `packet` and `put` (functions defined in `source`) into a ProtocolModel. Throws
 * ExtractError when a function is missing; everything the model cannot represent is returned in
 * `unmodelled`, with its line.
 */
export function extractModel(parser: Parser, source: CSource, packet: string, put: string, options: ExtractOptions = {}): ExtractedModel {
  return extractModelFromFiles(parser, [source], { name: packet, uri: source.uri }, { name: put, uri: source.uri }, options);
}

/**
 * The library entry: compiles the packet and put functions, found among `sources` (calls between
 * the files are inlined: a file's own `static` functions first, else those with external linkage),
 * into a ProtocolModel. A function every caller calls with a lock held (or whose contract or lockdep
 * assertion requires one) runs under that lock, listed with reason `assumed`. Throws ExtractError
 * when a function is missing or ambiguous.
 */
export function extractModelFromFiles(parser: Parser, sources: readonly CSource[], packetRef: FunctionRef | string, putRef: FunctionRef | string, options: ExtractOptions = {}): ExtractedModel {
  const parsedFiles: { source: CSource; parsed: ReturnType<typeof parseC> }[] = [];
  const deadline = options.timeLimitMs !== undefined ? cpuNowMs() + options.timeLimitMs : undefined;
  try {
    for (const source of sources) parsedFiles.push({ source, parsed: parseC(parser, source.text) });
    const all: SourceFunction[] = [];
    const annotationsOf = new Map<SourceFunction, LockAnnotation[]>();
    for (const { source, parsed } of parsedFiles) {
      for (const d of listFunctions(parsed.tree, parsed.text)) {
        let copy: SyntaxNode | null = null;
        const head = d.node.text.slice(0, Math.max(0, d.body.startIndex - d.node.startIndex));
        const fn: SourceFunction = {
          name: d.name,
          uri: source.uri,
          isStatic: /(^|\s)static\s/.test(head),
          params: d.params,
          flowParams: flowParameters(d.node.childForFieldName('declarator')?.text ?? '', d.params),
          startLine: d.range.start.line,
          endLine: d.range.end.line,
          body: () => (copy ??= toSyntax(d.body, parsed.text)),
        };
        all.push(fn);
        // Its annotations: those of its own declaration, which may start on the lines before it (SAL).
        const before = parsed.text.slice(0, d.node.startIndex);
        const declStart = Math.max(before.lastIndexOf(';'), before.lastIndexOf('}')) + 1;
        annotationsOf.set(fn, parsed.lockAnnotations.filter((a) => a.offset >= declStart && a.offset < d.body.startIndex));
      }
    }
    const find = (ref: FunctionRef | string, role: string): SourceFunction => {
      const r = typeof ref === 'string' ? { name: ref } : ref;
      const hits = all.filter((f) => f.name === r.name && (r.uri === undefined || f.uri === r.uri));
      if (hits.length === 1 || (hits.length > 1 && r.uri !== undefined)) return hits[0]!;
      const where = r.uri !== undefined ? fileOf(r.uri) : sources.map((x) => fileOf(x.uri)).join(', ');
      if (hits.length > 1) throw new ExtractError(`${r.name} (${role}) is defined in ${[...new Set(hits.map((f) => fileOf(f.uri)))].join(' and ')}: name the file (${role} file.c:${r.name})`);
      const names = all.filter((f) => r.uri === undefined || f.uri === r.uri).map((f) => f.name);
      throw new ExtractError(`no function ${r.name} (${role}) in ${where}${names.length > 0 ? `; functions: ${names.join(', ')}` : ': it defines no functions'}`);
    };
    const packetFn = find(packetRef, '--packet');
    const putFn = find(putRef, '--put');
    const functions = new Map<string, SourceFunction>();
    const byFile = new Map<string, Map<string, SourceFunction>>();
    for (const f of all) {
      if (!f.isStatic && !functions.has(f.name)) functions.set(f.name, f);
      const mine = byFile.get(f.uri) ?? new Map<string, SourceFunction>();
      if (!mine.has(f.name)) mine.set(f.name, f);
      byFile.set(f.uri, mine);
    }
    const dirs = parsedFiles.map(({ source }) => ({ uri: source.uri, d: readDirectives(source.text) }));
    const knowledge = options.knowledge ?? builtinKnowledge();
    const unmodelled: Unmodelled[] = [];
    for (const { uri, d } of dirs) for (const p of d.problems) unmodelled.push({ context: 'packet', line: p.line, uri, reason: 'unsupported', text: p.text, note: 'a lockstep-sim: directive that could not be read (ignored)' });
    const first = <T>(pick: (d: ReturnType<typeof readDirectives>) => T | undefined): T | undefined => dirs.map(({ d }) => pick(d)).find((x) => x !== undefined);
    const flags = {
      stateFields: [...(options.flags?.stateFields ?? DEFAULT_FLAGS.stateFields), ...dirs.flatMap(({ d }) => d.flags.stateFields)],
      deletedFields: [...(options.flags?.deletedFields ?? DEFAULT_FLAGS.deletedFields), ...dirs.flatMap(({ d }) => d.flags.deletedFields)],
      activeFields: [...(options.flags?.activeFields ?? DEFAULT_FLAGS.activeFields), ...dirs.flatMap(({ d }) => d.flags.activeFields)],
    };
    const fileTable = dirs.reduce((acc, { d }) => mergeFlowTable(acc, d.flowTable), knowledge.flowTable);
    const setupFor = (lockDecls: Map<string, LockDecl>, into: Unmodelled[]): CompilerSetup => ({
      uri: packetFn.uri,
      functions,
      byFile,
      locks: new Map(knowledge.locks.map((a) => [a.name, a])),
      refs: new Map(knowledge.refs.map((a) => [a.name, a])),
      flowTable: flowTableIndex(fileTable ?? { lookup: [], insert: [], remove: [], free: [], use: [] }, [...(options.activeOnlyLookups ?? []), ...dirs.flatMap(({ d }) => d.activeOnly)]),
      noReturn: new Set(knowledge.noReturn.map((a) => a.name)),
      flags,
      loopBound: Math.max(1, options.loopBound ?? first((d) => d.loopBound) ?? DEFAULT_LOOP_BOUND),
      inlineDepth: options.inlineDepth ?? first((d) => d.inlineDepth) ?? DEFAULT_INLINE_DEPTH,
      initialRefcount: options.initialRefcount ?? first((d) => d.initialRefcount) ?? DEFAULT_INITIAL_REFCOUNT,
      lockDecls,
      unmodelled: into,
      ...(deadline !== undefined ? { deadline } : {}),
    });
    const lockDecls = new Map<string, LockDecl>();
    const setup = setupFor(lockDecls, unmodelled);
    // Locks the entry functions run under without taking them: their contract, their assertion, or every caller's.
    const heldFor = (fn: SourceFunction): HeldLock[] => {
      const declared = declaredLocks(fn, annotationsOf.get(fn) ?? [], setup.locks);
      if (declared.length > 0) return declared;
      return callersHold(fn, all, (caller) => {
        const probe = new ProgramCompiler(setupFor(new Map(), []), 'put', fn.name);
        probe.compileEntry(caller, null);
        return probe;
      });
    };
    // The put first: a deferred free of userspace RCU (ovsrcu_postpone) makes the packet path an
    // implicit RCU reader for its whole run, as a PMD thread is between quiescent states.
    const putC = new ProgramCompiler(setup, 'put');
    putC.compileEntry(putFn, null, heldFor(putFn));
    const packetC = new ProgramCompiler(setup, 'packet');
    const implicitReader = lockDecls.has('ovsrcu') ? 'ovsrcu' : null;
    packetC.compileEntry(packetFn, implicitReader, heldFor(packetFn));
    const program = (c: ProgramCompiler, role: string, fn: string): StepProgram => ({ name: role, entry: fn, functions: [tidy(c.em.build(fn))] });
    const model: ProtocolModel = {
      name: packetFn.uri === putFn.uri ? cModelName(packetFn.uri, packetFn.name, putFn.name) : `${cModelName(packetFn.uri, packetFn.name, '').slice(0, -1)}+${cModelName(putFn.uri, putFn.name, '').slice(0, -1)}`,
      listingUri: packetFn.uri,
      locks: [...lockDecls.values()],
      initialRefcount: setup.initialRefcount,
      packet: program(packetC, 'packet', packetFn.name),
      put: program(putC, 'put', putFn.name),
    };
    unmodelled.sort((a, b) => (a.context === b.context ? (a.uri ?? '').localeCompare(b.uri ?? '') || a.line - b.line : a.context === 'packet' ? -1 : 1));
    // Lines in the listing's own file carry no uri (as before files could differ).
    for (const u of unmodelled) if (u.uri === model.listingUri) delete u.uri;
    return { model, unmodelled, functions: all.map((f) => f.name) };
  } finally {
    for (const { parsed } of parsedFiles) parsed.tree.delete();
  }
}
