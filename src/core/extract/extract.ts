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
import { ProgramCompiler } from './compiler';
import type { CompilerSetup, SourceFunction } from './compiler';
import { readDirectives } from './directives';
import { DEFAULT_FLAGS, DEFAULT_INITIAL_REFCOUNT, DEFAULT_INLINE_DEPTH, DEFAULT_LOOP_BOUND, ExtractError } from './types';
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
    const type = decl.replace(new RegExp(`\\b${name}\\b`), '');
    // A flow, not a flow key, match, mask, table, put request or stats.
    if (!/flow/i.test(type) || /key|match|mask|table|put|stats|info|attr|dump|cmd|ufid/i.test(type)) return false;
    return type.includes('*') || /\bP[A-Z_]*FLOW\b/.test(type);
  });
}

function mergeFlowTable(a: FlowTableApis | undefined, b: FlowTableApis): FlowTableApis {
  const k = (key: keyof FlowTableApis): string[] => [...(a?.[key] ?? []), ...b[key]];
  return { lookup: k('lookup'), insert: k('insert'), remove: k('remove'), free: k('free'), use: k('use') };
}

/**
 * Compiles `packet` and `put` (functions defined in `source`) into a ProtocolModel. Throws
 * ExtractError when a function is missing; everything the model cannot represent is returned in
 * `unmodelled`, with its line.
 */
export function extractModel(parser: Parser, source: CSource, packet: string, put: string, options: ExtractOptions = {}): ExtractedModel {
  const parsed = parseC(parser, source.text);
  try {
    const defs = listFunctions(parsed.tree, parsed.text);
    const names = defs.map((d) => d.name);
    for (const [role, fn] of [['--packet', packet], ['--put', put]] as const) {
      if (!names.includes(fn)) {
        const where = source.uri.startsWith('file://') ? decodeURIComponent(source.uri.replace(/^file:\/\//, '')) : source.uri;
        throw new ExtractError(`no function ${fn} (${role}) in ${where}${names.length > 0 ? `; functions: ${names.join(', ')}` : ': it defines no functions'}`);
      }
    }
    const functions = new Map<string, SourceFunction>();
    for (const d of defs) {
      if (functions.has(d.name)) continue;
      let copy: SyntaxNode | null = null;
      functions.set(d.name, {
        name: d.name,
        params: d.params,
        flowParams: flowParameters(d.node.childForFieldName('declarator')?.text ?? '', d.params),
        startLine: d.range.start.line,
        endLine: d.range.end.line,
        body: () => (copy ??= toSyntax(d.body, parsed.text)),
      });
    }
    const dir = readDirectives(source.text);
    const knowledge = options.knowledge ?? builtinKnowledge();
    const unmodelled: Unmodelled[] = [];
    for (const p of dir.problems) unmodelled.push({ context: 'packet', line: p.line, reason: 'unsupported', text: p.text, note: 'a lockstep-sim: directive that could not be read (ignored)' });
    const flags = {
      stateFields: [...(options.flags?.stateFields ?? DEFAULT_FLAGS.stateFields), ...dir.flags.stateFields],
      deletedFields: [...(options.flags?.deletedFields ?? DEFAULT_FLAGS.deletedFields), ...dir.flags.deletedFields],
      activeFields: [...(options.flags?.activeFields ?? DEFAULT_FLAGS.activeFields), ...dir.flags.activeFields],
    };
    const lockDecls = new Map<string, LockDecl>();
    const setup: CompilerSetup = {
      uri: source.uri,
      functions,
      locks: new Map(knowledge.locks.map((a) => [a.name, a])),
      refs: new Map(knowledge.refs.map((a) => [a.name, a])),
      flowTable: flowTableIndex(mergeFlowTable(knowledge.flowTable, dir.flowTable), [...(options.activeOnlyLookups ?? []), ...dir.activeOnly]),
      noReturn: new Set(knowledge.noReturn.map((a) => a.name)),
      flags,
      loopBound: Math.max(1, options.loopBound ?? dir.loopBound ?? DEFAULT_LOOP_BOUND),
      inlineDepth: options.inlineDepth ?? dir.inlineDepth ?? DEFAULT_INLINE_DEPTH,
      initialRefcount: options.initialRefcount ?? dir.initialRefcount ?? DEFAULT_INITIAL_REFCOUNT,
      lockDecls,
      unmodelled,
    };
    // The put first: a deferred free of userspace RCU (ovsrcu_postpone) makes the packet path an
    // implicit RCU reader for its whole run, as a PMD thread is between quiescent states.
    const putC = new ProgramCompiler(setup, 'put');
    putC.compileEntry(functions.get(put)!, null);
    const packetC = new ProgramCompiler(setup, 'packet');
    const implicitReader = lockDecls.has('ovsrcu') ? 'ovsrcu' : null;
    packetC.compileEntry(functions.get(packet)!, implicitReader);
    const program = (c: ProgramCompiler, role: string, fn: string): StepProgram => ({ name: role, entry: fn, functions: [c.em.build(fn)] });
    const model: ProtocolModel = {
      name: cModelName(source.uri, packet, put),
      listingUri: source.uri,
      locks: [...lockDecls.values()],
      initialRefcount: setup.initialRefcount,
      packet: program(packetC, 'packet', packet),
      put: program(putC, 'put', put),
    };
    unmodelled.sort((a, b) => (a.context === b.context ? a.line - b.line : a.context === 'packet' ? -1 : 1));
    return { model, unmodelled, functions: names };
  } finally {
    parsed.tree.delete();
  }
}
