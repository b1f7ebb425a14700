import type { AcquiredLock, FunctionSummary, LockEffect, StructInfo, SummaryTable } from '../analysis/types';
import type { FileRecord, FnRecord } from './fileState';
import { FunctionIndex, isHeader, type FnKey } from './identity';
import { qualifyStatic } from '../analysis/lockNames';
import { rootVariable } from '../analysis/exprs';
import { builtinMacroCalls, macroSummary, type MacroCall } from '../analysis/macroCalls';
import { slotSummary } from '../analysis/opsTables';
import { accessorRequirement, type PredicateLookup } from '../analysis/heldPredicates';

/**
 * The program as a whole, from every file's last parse: where each function is defined, the
 * contracts on its declarations (a `.h` prototype's `OVS_TRY_LOCK` applies to the `.c`
 * definition), struct types, and the summaries callers see. Files are added in processing order;
 * a file whose shape changed (functions, contracts, structs) makes the tables rebuild.
 */
export class ProgramTables {
  private index = new FunctionIndex();
  /** The first definition of each key: its file (records are replaced when the file is read again) and position. */
  private readonly firstDef = new Map<FnKey, { file: FileRecord; i: number }>();
  private readonly contracts = new Map<FnKey, LockEffect[]>();
  private readonly structs = new Map<string, StructInfo>();
  private readonly contractOnly = new Map<FnKey, FunctionSummary>();
  private readonly fileOfKey = new Map<FnKey, string>();
  private readonly records = new Map<string, FileRecord>();
  private readonly unchecked = new Set<FnKey>();
  /** Recursive locks that are not a file's own statics (visible to every file). */
  private readonly recursiveGlobals = new Set<string>();
  /** Declared types of file-scope variables with external linkage (the first file to declare one wins). */
  private readonly globalTypes = new Map<string, string>();
  /** Names of fields some struct says a lock guards (a cheap first test before the struct lookup). */
  private readonly guarded = new Set<string>();
  /** Files whose declarations of a function carry lock contracts (a contract is checked where it is seen). */
  private readonly contractFiles = new Map<FnKey, Map<string, number>>();
  /** Struct types some file frees after an implicit-reader grace period, and their entries marked so. */
  private readonly graceFreed = new Set<string>();
  private readonly marked = new Map<StructInfo, StructInfo>();
  /** One-call macros headers define (first wins), and their callers' view of each target summary. */
  private readonly headerMacros = new Map<string, MacroCall>();
  private readonly macroViews = new WeakMap<FunctionSummary, Map<string, FunctionSummary>>();
  /** Slot member → the functions struct tables put there (with the table's file and type). */
  private readonly slots = new Map<string, { uri: string; type?: string; fn: string }[]>();
  private readonly slotViews = new Map<string, { impls: FunctionSummary[]; summary: FunctionSummary | undefined }>();

  /** Functions returning a lockdep predicate (first definition wins), and RCU-accessor requirements per calling file and name. */
  private readonly predicates = new Map<string, string>();
  private readonly accessors = new Map<string, FunctionSummary | null>();

  /** resolve() per calling file and name: asked for every call of every function at each staleness check. */
  private readonly resolved = new Map<string, Map<string, FnKey | null>>();

  /**
   * Struct types the files not read yet will say are grace-freed, guessed from their text before
   * the first pass (fileOrder.ts) so that functions read early see them; dropped at the next
   * rebuild, which takes only what the files' parses said.
   */
  private readonly provisionalGraceFreed = new Set<string>();

  provideGraceFreed(types: Iterable<string>): void {
    for (const t of types) this.provisionalGraceFreed.add(t);
    this.marked.clear();
  }

  clear(): void {
    this.provisionalGraceFreed.clear();
    this.resolved.clear();
    this.guarded.clear();
    this.graceFreed.clear();
    this.marked.clear();
    this.contractFiles.clear();
    this.index = new FunctionIndex();
    this.firstDef.clear();
    this.contracts.clear();
    this.structs.clear();
    this.contractOnly.clear();
    this.fileOfKey.clear();
    this.records.clear();
    this.unchecked.clear();
    this.recursiveGlobals.clear();
    this.globalTypes.clear();
    this.headerMacros.clear();
    this.slots.clear();
    this.slotViews.clear();
    this.predicates.clear();
    this.accessors.clear();
  }

  /** Adds a file's functions, contracts and structs after those already added (earlier files win). */
  add(file: FileRecord): void {
    const info = file.info;
    if (!info) return;
    this.resolved.clear();
    this.records.set(file.uri, file);
    info.functions.forEach((f, i) => {
      this.index.add(file.uri, f.name, f.isStatic);
      if (!this.firstDef.has(f.key)) this.firstDef.set(f.key, { file, i });
      if (!this.fileOfKey.has(f.key)) this.fileOfKey.set(f.key, file.uri);
    });
    for (const id of info.recursiveLocks) if (!id.includes('@')) this.recursiveGlobals.add(id);
    for (const [name, type] of info.globalTypes ?? []) if (!info.statics.has(name) && !this.globalTypes.has(name)) this.globalTypes.set(name, type);
    for (const [name, c] of info.contracts) {
      const key = c.isStatic ? `${file.uri}#${name}` : name;
      if (c.noLockAnalysis) this.unchecked.add(key);
      const list = this.contracts.get(key) ?? [];
      if (c.effects.length > 0) {
        const files = this.contractFiles.get(key) ?? new Map<string, number>();
        files.set(file.uri, Math.min(files.get(file.uri) ?? Infinity, c.line ?? 0));
        this.contractFiles.set(key, files);
      }
      for (const e of c.effects) if (!list.some((x) => x.op === e.op && x.lock === e.lock)) list.push(e);
      this.contracts.set(key, list);
      this.contractOnly.delete(key);
      if (!this.fileOfKey.has(key)) this.fileOfKey.set(key, file.uri);
    }
    for (const t of info.graceFreed) this.graceFreed.add(t);
    for (const b of info.slots ?? []) {
      const list = this.slots.get(b.member) ?? [];
      if (list.length < 64 && !list.some((x) => x.fn === b.fn && x.uri === file.uri)) list.push({ uri: file.uri, type: b.type, fn: b.fn });
      this.slots.set(b.member, list);
    }
    this.slotViews.clear();
    for (const [name, lock] of info.predicates ?? []) if (!this.predicates.has(name)) this.predicates.set(name, lock);
    this.accessors.clear();
    if (isHeader(file.uri)) for (const [name, m] of info.macroCalls ?? []) if (!this.headerMacros.has(name)) this.headerMacros.set(name, m);
    for (const [name, s] of info.structs) {
      if (!this.structs.has(name)) this.structs.set(name, s);
      for (const f of Object.keys(s.guardedBy ?? {})) this.guarded.add(f);
    }
  }

  /** The function (or contract-carrying prototype) a call to `name` from `uri` reaches. */
  resolve(uri: string, name: string): FnKey | undefined {
    let byName = this.resolved.get(uri);
    if (!byName) this.resolved.set(uri, (byName = new Map()));
    let key = byName.get(name);
    if (key === undefined) byName.set(name, (key = this.lookup(uri, name) ?? null));
    return key ?? undefined;
  }

  private lookup(uri: string, name: string): FnKey | undefined {
    if (name.startsWith('->')) return this.slotImpls(name).length > 0 ? name : undefined;
    const direct = this.lookupName(uri, name);
    if (direct) return direct;
    // A one-call macro reaches its function (a change of that summary is a change for callers).
    const m = this.macroOf(uri, name);
    return m ? this.lookupName(uri, m.target) : undefined;
  }

  private lookupName(uri: string, name: string): FnKey | undefined {
    const def = this.index.resolve(uri, name);
    if (def) return def;
    const own = `${uri}#${name}`;
    if (this.contracts.has(own)) return own;
    return this.contracts.has(name) ? name : undefined;
  }

  /** Summaries of the functions a slot (`->member`, `->type::member`) may run: those defined in the inputs. */
  private slotImpls(name: string): FunctionSummary[] {
    const m = /^->(?:([A-Za-z_]\w*)::)?([A-Za-z_]\w*)$/.exec(name);
    if (!m) return [];
    const canonical = (t: string | undefined): string | undefined => (t === undefined ? undefined : this.structs.get(t)?.canonical ?? t);
    const type = canonical(m[1]);
    const out: FunctionSummary[] = [];
    for (const b of this.slots.get(m[2]!) ?? []) {
      if (type !== undefined && b.type !== undefined && canonical(b.type) !== type) continue;
      const key = this.lookupName(b.uri, b.fn);
      const def = key ? this.definition(key) : undefined;
      const s = def?.result?.summary;
      if (s) out.push(s);
    }
    return out;
  }

  private slotView(name: string): FunctionSummary | undefined {
    const impls = this.slotImpls(name);
    const seen = this.slotViews.get(name);
    if (seen && seen.impls.length === impls.length && seen.impls.every((s, i) => s === impls[i])) return seen.summary;
    const summary = slotSummary(name, impls);
    this.slotViews.set(name, { impls, summary });
    return summary;
  }

  /** The one-call macro `name` is where `uri` calls it, unless a function or prototype by that name is in sight. */
  private macroOf(uri: string, name: string): MacroCall | undefined {
    const m = this.records.get(uri)?.info?.macroCalls?.get(name) ?? this.headerMacros.get(name) ?? builtinMacroCalls().get(name);
    return m && m.target !== name && !this.lookupName(uri, name) ? m : undefined;
  }

  /** What a call of `name` from `uri` does: the function's summary, or a one-call macro's function's in the macro's terms. */
  private summaryAt(uri: string, name: string): FunctionSummary | undefined {
    const key = this.resolve(uri, name);
    if (!key) return this.accessorView(uri, name);
    const s = this.summary(key);
    if (!s || s.name === name) return s;
    const m = this.macroOf(uri, name);
    if (!m) return s;
    let views = this.macroViews.get(s);
    if (!views) this.macroViews.set(s, (views = new Map()));
    // A file's own `#define` may differ from a header's: the view is per calling file.
    const k = `${uri}#${name}`;
    let v = views.get(k);
    if (!v) views.set(k, (v = macroSummary(name, m, s)));
    return v;
  }

  /**
   * What a call of an RCU accessor (or a macro of the inputs around one) requires of the calling
   * path, when no function by that name is in sight (analysis/heldPredicates.ts).
   */
  accessorView(uri: string, name: string): FunctionSummary | undefined {
    const k = `${uri}\u0000${name}`;
    let v = this.accessors.get(k);
    if (v === undefined) {
      const lookup: PredicateLookup = {
        predicate: (n) => this.predicates.get(n),
        macro: (n) => this.macroOf(uri, n),
      };
      v = accessorRequirement(name, lookup) ?? null;
      this.accessors.set(k, v);
    }
    return v ?? undefined;
  }

  contractOf(key: FnKey): LockEffect[] {
    return this.contracts.get(key) ?? [];
  }

  /** `OVS_NO_THREAD_SAFETY_ANALYSIS` on its declaration or definition. */
  noLockAnalysis(key: FnKey): boolean {
    return this.unchecked.has(key);
  }

  definition(key: FnKey): FnRecord | undefined {
    const d = this.firstDef.get(key);
    return d ? d.file.info?.functions[d.i] : undefined;
  }

  struct(name: string): StructInfo | undefined {
    const s = this.structs.get(name);
    if (!s || !(this.isGraceFreed(name) || this.isGraceFreed(s.canonical))) return s;
    let m = this.marked.get(s);
    if (!m) this.marked.set(s, (m = { ...s, graceFreed: true }));
    return m;
  }

  private isGraceFreed(type: string): boolean {
    return this.graceFreed.has(type) || this.provisionalGraceFreed.has(type);
  }

  /** What callers see: the first definition's analysed summary, or what its contract says. */
  summary(key: FnKey): FunctionSummary | undefined {
    if (key.startsWith('->')) return this.slotView(key);
    const def = this.definition(key);
    if (def?.result?.summary) return def.result.summary;
    const contract = this.contracts.get(key);
    if (!contract || contract.length === 0) return undefined;
    let s = this.contractOnly.get(key);
    if (!s) {
      const name = key.includes('#') ? key.slice(key.lastIndexOf('#') + 1) : key;
      // OVS_EXCLUDED(m): the function takes m itself.
      const acquires: AcquiredLock[] = contract.filter((e) => e.op === 'excludes').map((e) => ({ lock: e.lock, mode: e.mode ?? 'exclusive', family: '*', chain: [] }));
      const zero = { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } };
      const uri = this.fileOfKey.get(key) ?? '';
      const statics = this.records.get(uri)?.info?.statics;
      const q = (lock: string): string => (statics ? qualifyStatic(lock, uri, (n) => statics.has(n)) : lock);
      s = {
        name, key, uri, range: def?.def.range ?? zero,
        effects: contract.map((e) => ({ ...e, lock: q(e.lock) })),
        acquires: acquires.map((a) => ({ ...a, lock: q(a.lock) })),
        refs: [], defined: false,
      };
      this.contractOnly.set(key, s);
    }
    return s;
  }

  /** The view one file's functions are analysed with. */
  viewFor(file: FileRecord): SummaryTable {
    const statics = file.info?.statics;
    return {
      fn: (name) => this.summaryAt(file.uri, name),
      struct: (name) => this.struct(name),
      guardedFields: () => this.guarded,
      contractSeen: (name) => {
        const key = this.resolve(file.uri, name);
        const files = key ? this.contractFiles.get(key) : undefined;
        if (!files) return false;
        // Declared in a header that callers include, or in this file.
        for (const u of files.keys()) if (isHeader(u) || u === file.uri) return true;
        return false;
      },
      isFileStatic: (name) => statics?.has(name) ?? false,
      requiresForeignStatic: (name, lockRoot) => {
        const key = this.resolve(file.uri, name);
        const def = key ? this.firstDef.get(key) : undefined;
        if (def === undefined || def.file.uri === file.uri || isHeader(def.file.uri) || !(def.file.info?.statics.has(lockRoot) ?? false)) return false;
        // A wrapper of that file others can call (`seq_lock()`: a contract or a body that returns holding it) lends the lock out.
        for (const r of def.file.info?.functions ?? []) {
          if (r.isStatic) continue;
          const effects = [...(this.contracts.get(r.key) ?? []), ...(r.result?.summary?.effects ?? [])];
          if (effects.some((e) => (e.op === 'acquire' || e.op === 'try') && rootVariable(e.lock.replace(/^[*&]/, '')) === lockRoot)) return false;
        }
        return true;
      },
      isRecursiveLock: (id) => (file.info?.recursiveLocks.has(id) ?? false) || this.recursiveGlobals.has(id),
      globalType: (name) => file.info?.globalTypes?.get(name) ?? (statics?.has(name) ? undefined : this.globalTypes.get(name)),
    };
  }
}
