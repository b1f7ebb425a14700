import { accessesOfSkipped, analyzeEntry, disposePrepared, needsAnalysis, prepareParsed, readerSummary, withLookup, type AnalysisSource, type FnEntry, type PreparedFile } from '../analysis/engine';
import { listFunctions, type FunctionDef } from '../c/functions';
import { clearTextMemos } from '../analysis/exprs';
import { lockOrderFindings } from '../analysis/lockOrder';
import { summaryOf } from '../analysis/inferSummary';
import { rcuFieldsSeenBy, rcuFieldTable } from '../analysis/rcuFields';
import { indexKnowledge, type KnowledgeIndex } from '../analysis/knowledgeIndex';
import type { AnalysisOptions, SourceFile } from '../analysis/types';
import type { ParsedC, TextSpan } from '../c/parse';
import type { Finding } from '../findings';
import { withLeakFixes } from '../fixes/leakFixes';
import { FUNCTION_RULES } from '../rules/index';
import { componentsCalleesFirst } from './callOrder';
import { orderCalleesFirst, scanShape } from './fileOrder';
import { graceFreedTypes } from '../analysis/graceFreed';
import { fileInfoOf, textHash, type FileInfo, type FileRecord, type FnRecord, type FnResult } from './fileState';
import { isHeader } from './identity';
import { ProgramTables } from './programTables';
import { assembleResults, type ProjectResult } from './results';
import { shiftEdge, shiftFinding, shiftInfo, shiftRange, shiftSummary } from './shift';
import { contractSignature, structSignature, summaryHash, summarySignature } from './signatures';
import { failureFinding } from './failures';
import { parseDamageFindings } from './parseDamage';
import { settledSummary } from './partialSummary';
import { partialCallerReleases, type CallerRelease } from './calleeReleases';

/** How the pipeline gets a file's tree: the CLI parses afresh (and frees), the editor reuses its kept trees. */
export interface ParseHost {
  /** `ranges`: parse only these spans of the text (tree-sitter's included ranges), each a whole function of it. */
  parse(file: SourceFile, ranges?: TextSpan[]): { parsed: ParsedC; ms: number; owned: boolean };
}

export interface ProjectOptions extends AnalysisOptions {
  /** Attach the editor's quick fixes (lock-leak / ref-leak inserts) to findings. */
  fixes?: boolean;
}

/** Rounds of re-analysis after the first pass, until no function's inputs changed (recursion across files). */
const MAX_ROUNDS = 8;
/** Iterations over one recursive group of functions in a file. */
const MAX_COMPONENT_ITERATIONS = 3;

export interface RunStats {
  files: number;
  lines: number;
  functions: number;
  parsed: number;
  parseMs: number;
  analysisMs: number;
  analysed: number;
  reused: number;
  /** Functions the relevance check let through without a path search (their summary read off the text). */
  skipped: number;
  rounds: number;
  /** The rounds after the first pass (summaries settling across files): their own parses, analyses and time. */
  summaryRounds: { parsed: number; analysed: number; ms: number };
}

/**
 * THE analysis pipeline: every host (CLI, editor worker, patch reviewer) gives it files and asks
 * for findings. It owns function identity (file + name for `static`), the call graph, summaries to
 * a fixed point (callees first; recursion and cross-file cycles iterated), cross-file facts (lock
 * order), and per-function reuse: a function whose text and inputs did not change keeps its results.
 * Trees live only while their file is being analysed, so memory does not grow with the set.
 */
export class Project {
  private readonly files = new Map<string, FileRecord>();
  private readonly tables = new ProgramTables();
  private tablesStale = false;
  /** File infos read with the current options (new knowledge makes every file be read again). */
  private readNow = new WeakSet<FileInfo>();
  private nextOrder = 0;
  private index: KnowledgeIndex;

  constructor(private readonly host: ParseHost, private options: ProjectOptions) {
    this.index = indexKnowledge(options.knowledge);
  }

  /** New knowledge or limits: every result is computed again on the next run. */
  configure(options: ProjectOptions): void {
    this.options = options;
    this.index = indexKnowledge(options.knowledge);
    this.readNow = new WeakSet();
    for (const f of this.files.values()) for (const r of f.info?.functions ?? []) r.result = undefined;
  }

  /** Adds a file or gives it new text. Headers are processed before sources (their contracts and types come first). */
  setFile(file: SourceFile): void {
    const old = this.files.get(file.uri);
    if (old) {
      old.text = file.text;
      return;
    }
    const order = (isHeader(file.uri) ? 0 : 1e9) + this.nextOrder++;
    this.files.set(file.uri, { uri: file.uri, text: file.text, order });
    this.tablesStale = true;
  }

  removeFile(uri: string): void {
    if (this.files.delete(uri)) this.tablesStale = true;
  }

  has(uri: string): boolean {
    return this.files.has(uri);
  }

  uris(): string[] {
    return this.ordered().map((f) => f.uri);
  }

  /**
   * Analyses what changed since the last run and returns findings for every file, or for `report`
   * when given. `process` limits the work to those files (the editor's keystroke: other files keep
   * their results until their own turn); by default every stale file is brought up to date.
   */
  run(scope: { report?: ReadonlySet<string>; process?: ReadonlySet<string> } = {}): ProjectResult {
    const only = scope.report;
    const mayProcess = (f: FileRecord): boolean => !scope.process || scope.process.has(f.uri);
    const stats: RunStats = { files: this.files.size, lines: 0, functions: 0, parsed: 0, parseMs: 0, analysisMs: 0, analysed: 0, reused: 0, skipped: 0, rounds: 0, summaryRounds: { parsed: 0, analysed: 0, ms: 0 } };
    const t0 = performance.now();
    try {
      if (this.tablesStale) this.rebuildTables();
      // First pass, streaming: each file read (if new or changed) and analysed with what is known so far,
      // files that define what others call first (fileOrder.ts).
      const { queue, reordered } = this.firstPassOrder(mayProcess);
      for (const f of queue) {
        if (mayProcess(f) && (!f.info || f.info.text !== f.text || this.hasStale(f))) this.process(f, stats);
      }
      // The tables took files in reading order and a guess of grace-freed types: from here on they
      // hold exactly what the files said, in input order (what a function saw differently is stale).
      if (reordered) this.rebuildTables();
      // Then rounds until nothing a function depends on changed after it was analysed.
      const r0 = performance.now();
      const before = { parsed: stats.parsed, analysed: stats.analysed };
      for (let round = 0; round < MAX_ROUNDS; round++) {
        const stale = queue.filter((f) => mayProcess(f) && this.hasStale(f));
        if (stale.length === 0) break;
        stats.rounds++;
        for (const f of stale) this.process(f, stats);
      }
      stats.summaryRounds = { parsed: stats.parsed - before.parsed, analysed: stats.analysed - before.analysed, ms: performance.now() - r0 };
    } finally {
      clearTextMemos();
    }
    for (const f of this.files.values()) {
      stats.lines += f.info?.lines ?? 0;
      stats.functions += f.info?.functions.length ?? 0;
    }
    stats.analysisMs = performance.now() - t0 - stats.parseMs;
    return assembleResults(this.ordered().filter((f) => !only || only.has(f.uri)), this.ordered(), stats, this.index.mutators);
  }

  /** Lock-order cycles over every function's edges known now (they may close in any file). */
  lockOrder(): Finding[] {
    const edges = this.ordered().flatMap((f) => (f.info?.functions ?? []).flatMap((r) => r.result?.edges ?? []));
    return lockOrderFindings(edges);
  }

  /** Functions per file, for hosts that show counts. */
  functionCount(uri: string): number {
    return this.files.get(uri)?.info?.functions.length ?? 0;
  }

  private ordered(): FileRecord[] {
    return [...this.files.values()].sort((a, b) => a.order - b.order);
  }

  /**
   * Every file in input order, except that the sources to be read (new or changed) take each
   * other's places callees first: their callers then find most summaries already there.
   */
  private firstPassOrder(mayProcess: (f: FileRecord) => boolean): { queue: FileRecord[]; reordered: boolean } {
    const queue = this.ordered();
    const slots: number[] = [];
    queue.forEach((f, i) => {
      if (!isHeader(f.uri) && mayProcess(f) && (!f.info || f.info.text !== f.text)) slots.push(i);
    });
    const toRead = slots.map((i) => queue[i]!);
    // One file (the editor's keystroke) has no order to find, and adds its own types before its analysis.
    if (toRead.length < 2) return { queue, reordered: false };
    const shapes = toRead.map((f) => scanShape(f.text));
    const order = orderCalleesFirst(toRead, shapes);
    let reordered = false;
    // Types some file frees after a grace period mark structs for every file: known before the
    // pass, the files read before that one need not be analysed again for it.
    const guessed = graceFreedTypes(shapes.flatMap((s) => s.functionTexts), this.index);
    if (guessed.size > 0) {
      this.tables.provideGraceFreed(guessed);
      reordered = true;
    }
    slots.forEach((slot, k) => {
      if (queue[slot] !== order[k]) reordered = true;
      queue[slot] = order[k]!;
    });
    return { queue, reordered };
  }

  private rebuildTables(): void {
    this.tables.clear();
    for (const f of this.ordered()) this.tables.add(f);
    this.tablesStale = false;
  }

  /** Whether some function of the file must be analysed again (its inputs changed, or it never was). */
  private hasStale(f: FileRecord): boolean {
    if (!f.info) return true;
    for (const r of f.info.functions) if (!r.result || r.result.signature !== this.signature(f, r)) return true;
    return false;
  }

  /** Everything the function's analysis depends on besides its own text. */
  private signature(f: FileRecord, r: FnRecord): string {
    const deps: string[] = [];
    for (const name of r.calls) {
      const key = this.tables.resolve(f.uri, name);
      const hash = summaryHash(key ? this.tables.summary(key) : this.tables.accessorView(f.uri, name));
      if (hash) deps.push(`${name}=${hash}`);
    }
    const structs = (r.result?.structDeps ?? []).map((n) => structSignature(this.tables.struct(n))).join(',');
    const statics = f.info && f.info.statics.size > 0 ? [...f.info.statics, ...f.info.recursiveLocks].join(',') : '';
    const rcu = rcuFieldsSeenBy(f.info?.rcuFields, r.name, r.text);
    return `${deps.join('|')}#${contractSignature(this.tables.contractOf(r.key))}#${textHash(structs)}#${statics}${rcu && `#${rcu}`}`;
  }

  /** Brings the file's functions up to date: read again if its text or the options changed, else only its stale functions analysed again. */
  private process(f: FileRecord, stats: RunStats): void {
    if (f.info && f.info.text === f.text && !f.failure && this.readNow.has(f.info)) this.reanalyse(f, stats);
    else this.read(f, stats);
  }

  /** Parses the file, refreshes its records and the tables, and analyses its stale functions callees first. */
  private read(f: FileRecord, stats: RunStats): void {
    let p: PreparedFile | undefined;
    let owned = true;
    try {
      const { parsed, ms, owned: own } = this.host.parse({ uri: f.uri, text: f.text });
      owned = own;
      stats.parsed++;
      stats.parseMs += ms;
      p = prepareParsed(parsed, { uri: f.uri, text: f.text }, ms, this.index);
      const before = f.info;
      f.info = fileInfoOf(p, before);
      f.info.damage = parseDamageFindings(p.parsed.tree, p.parsed.text, f.uri, p.fns.map((e) => e.fn.node), this.index);
      this.readNow.add(f.info);
      f.failure = undefined;
      if (!before || shapeChanged(before, f.info)) {
        if (before) this.rebuildTables();
        else this.tables.add(f);
      }
      const prepared = p;
      this.analyseFile(f, (i) => ({ p: prepared, e: prepared.fns[i]! }), stats);
    } catch (e) {
      this.failed(f, e);
    } finally {
      if (p) disposePrepared(p, owned);
    }
  }

  /**
   * The file as it was last read, with functions whose inputs changed (a callee's summary, a
   * contract, a struct): what the last read said of the file stands, and the tree is parsed only
   * when a function needs its body, for those functions' syntax.
   */
  private reanalyse(f: FileRecord, stats: RunStats): void {
    const records = f.info!.functions;
    let source: { p: AnalysisSource; fns: Map<number, FunctionDef>; owned: boolean; partial: boolean } | undefined;
    const entries = new Map<number, FnEntry>();
    // Only the functions this pass can run (stale ones and their callers in the file) are parsed, each
    // alone in its place (tree-sitter's included ranges): a round costs what it analyses, not the file.
    const wanted = this.mayRun(f);
    const open = (partial: boolean): void => {
      if (source?.owned) source.p.parsed.tree.delete();
      const ranges = partial ? [...wanted].sort((a, b) => a - b).map((k) => records[k]!.span) : undefined;
      const { parsed, ms, owned } = this.host.parse({ uri: f.uri, text: f.text }, ranges);
      stats.parsed++;
      stats.parseMs += ms;
      source = { p: { file: { uri: f.uri, text: f.text }, parsed, rcuFields: f.info!.rcuFields ?? rcuFieldTable([]) }, fns: new Map(), owned, partial };
      const at = new Map<number, number>();
      records.forEach((r, k) => at.set(r.span.startIndex, k));
      for (const fn of listFunctions(parsed.tree, parsed.text)) {
        const k = at.get(fn.node.startIndex);
        if (k !== undefined && records[k]!.name === fn.name && fn.node.endIndex === records[k]!.span.endIndex) source.fns.set(k, fn);
      }
      // The same text parses the same: a whole-file listing that differs would be a broken parser, said as such.
      if (!partial && source.fns.size !== records.length) throw new Error('the file\'s functions were listed differently on a second parse');
    };
    const entryOf = (i: number, r: FnRecord): { p: AnalysisSource; e: FnEntry } => {
      if (!source) open(wanted.has(i));
      // A function parsed alone that did not come out as itself (error recovery reaching past it): the whole file.
      if (!source!.fns.has(i) && source!.partial) {
        for (const e of entries.values()) e.syntax = undefined;
        entries.clear();
        open(false);
      }
      let e = entries.get(i);
      if (!e) entries.set(i, (e = { fn: source!.fns.get(i)!, calls: new Set(r.calls), sortedCalls: [...r.calls], text: r.text }));
      return { p: source!.p, e };
    };
    try {
      this.analyseFile(f, entryOf, stats);
    } catch (e) {
      this.failed(f, e);
    } finally {
      for (const e of entries.values()) e.syntax = undefined;
      const s = source as { p: AnalysisSource; owned: boolean } | undefined;
      if (s?.owned) s.p.parsed.tree.delete();
    }
  }

  /** The file's functions stale now, and those in the file that call them (their callees' summaries may change in this pass). */
  private mayRun(f: FileRecord): Set<number> {
    const records = f.info!.functions;
    const callers = new Map<string, number[]>();
    records.forEach((r, k) => {
      for (const n of r.calls) callers.set(n, [...(callers.get(n) ?? []), k]);
    });
    const out = new Set<number>();
    const todo: number[] = [];
    records.forEach((r, k) => {
      if (!r.result || r.result.signature !== this.signature(f, r)) todo.push(k);
    });
    while (todo.length > 0) {
      const k = todo.pop()!;
      if (out.has(k)) continue;
      out.add(k);
      for (const c of callers.get(records[k]!.name) ?? []) if (!out.has(c)) todo.push(c);
    }
    return out;
  }

  private failed(f: FileRecord, e: unknown): void {
    f.failure = e instanceof Error ? e.message : String(e);
    if (!f.info) f.info = { text: f.text, functions: [], contracts: new Map(), structs: new Map(), globals: new Set(), statics: new Set(), suppressions: [], lines: 0, parseMs: 0, recursiveLocks: new Set(), graceFreed: new Set() };
    for (const r of f.info.functions) r.result ??= emptyResult(r, this.signature(f, r));
  }

  private analyseFile(f: FileRecord, entryOf: (i: number, r: FnRecord) => { p: AnalysisSource; e: FnEntry }, stats: RunStats): void {
    const records = f.info!.functions;
    const position = new Map<FnRecord, number>();
    records.forEach((r, i) => position.set(r, i));
    const byName = new Map<string, FnRecord[]>();
    for (const r of records) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
    const succ = (r: FnRecord): FnRecord[] => r.calls.flatMap((n) => byName.get(n) ?? []);
    for (const comp of componentsCalleesFirst(records, succ)) {
      for (let it = 0; it < MAX_COMPONENT_ITERATIONS; it++) {
        let changed = false;
        for (const r of comp) {
          const sig = this.signature(f, r);
          if (r.result && r.result.signature === sig) {
            this.reuse(r);
            stats.reused++;
            continue;
          }
          const before = summarySignature(r.result?.summary);
          const { p, e } = entryOf(position.get(r)!, r);
          this.analyse(f, p, r, e, stats);
          if (summarySignature(r.result?.summary) !== before) changed = true;
        }
        if (!changed || comp.length === 1 && !comp[0]!.calls.includes(comp[0]!.name)) break;
      }
    }
  }

  /** Results of the same text at another line: moved with the function. */
  private reuse(r: FnRecord): void {
    const res = r.result!;
    const d = r.startLine - res.startLine;
    if (d === 0) return;
    r.result = {
      ...res, startLine: r.startLine,
      findings: res.findings.map((x) => shiftFinding(x, d)),
      edges: res.edges.map((x) => shiftEdge(x, d)),
      variants: res.variants?.map((x) => ({ ...x, range: shiftRange(x.range, d) })),
      accesses: res.accesses && {
        ...res.accesses,
        accesses: res.accesses.accesses.map((x) => ({ ...x, range: shiftRange(x.range, d) })),
        calls: res.accesses.calls.map((c) => (c.range ? { ...c, range: shiftRange(c.range, d) } : c)),
      },
      summary: res.summary && shiftSummary(res.summary, d),
      callerReleases: res.callerReleases?.map((x) => ({ ...x, range: shiftRange(x.range, d) })),
      info: res.info && shiftInfo(res.info, d),
    };
  }

  private analyse(f: FileRecord, p: AnalysisSource, r: FnRecord, e: FnEntry, stats: RunStats): void {
    const t0 = performance.now();
    const contract = this.tables.contractOf(r.key);
    const table = this.tables.viewFor(f);
    if (!needsAnalysis(e, this.index, table, contract)) {
      r.result = emptyResult(r, '');
      r.result.summary = withLookup(p, e, readerSummary(e, r.key, f.uri, table), r.key, f.uri);
      r.result.accesses = accessesOfSkipped(p, e, this.index, table);
      r.result.signature = this.signature(f, r);
      e.syntax = undefined;
      stats.skipped++;
      return;
    }
    stats.analysed++;
    let result: FnResult;
    try {
      const a = analyzeEntry(p, e, this.index, table, contract, this.options, this.tables.noLockAnalysis(r.key));
      let findings: Finding[] = FUNCTION_RULES.flatMap((rule) => rule.check({ uri: f.uri, analysis: a }));
      if (this.options.fixes && findings.length > 0) findings = withLeakFixes(findings, p.parsed.tree, p.parsed.text, this.options.knowledge);
      const partial = a.incomplete || a.truncated;
      result = {
        text: r.text, startLine: r.startLine, signature: '', analysed: true, partial,
        summary: settledSummary(summaryOf(a, r.key, f.uri), partial, r.result, r.text),
        findings, edges: a.lockOrder, accesses: a.noLockAnalysis ? undefined : a.accesses, variants: a.lockVariants.length > 0 ? a.lockVariants : undefined, frees: a.typeFrees.length > 0 ? a.typeFrees : undefined,
        info: a.locks > 0 || a.refs > 0 ? { name: r.name, range: r.def.range, locks: a.locks, refs: a.refs } : undefined,
        structDeps: a.structLookups, ms: 0,
        ...(a.noLockAnalysis ? {} : withCallerReleases(partialCallerReleases(a.exits))),
      };
    } catch (err) {
      result = { ...emptyResult(r, ''), findings: [failureFinding(f.uri, r, err)] };
    } finally {
      e.syntax = undefined;
    }
    r.result = result;
    result.signature = this.signature(f, r);
    result.ms = performance.now() - t0;
  }
}

function withCallerReleases(list: CallerRelease[]): { callerReleases?: CallerRelease[] } {
  return list.length > 0 ? { callerReleases: list } : {};
}

function emptyResult(r: FnRecord, signature: string): FnResult {
  return { text: r.text, startLine: r.startLine, signature, analysed: false, findings: [], edges: [], structDeps: [], ms: 0 };
}

/** Whether the tables must be rebuilt: the file's functions, contracts or structs are not what they were. */
function shapeChanged(a: NonNullable<FileRecord['info']>, b: NonNullable<FileRecord['info']>): boolean {
  if (a.functions.length !== b.functions.length) return true;
  for (let i = 0; i < a.functions.length; i++) {
    if (a.functions[i]!.key !== b.functions[i]!.key) return true;
  }
  const sig = (i: NonNullable<FileRecord['info']>): string => JSON.stringify([[...i.contracts], [...i.structs], [...i.statics], [...i.graceFreed], [...(i.macroCalls ?? [])], i.slots ?? [], [...(i.predicates ?? [])]]);
  return sig(a) !== sig(b);
}
