import { lastReleaseOf, releasedIn } from '../analysis/callerRelease';
import type { ExitInfo } from '../analysis/explore';
import type { Finding } from '../findings';
import { RULES } from '../rules/registry';
import type { SourceRange } from '../source';
import type { FileRecord, FnRecord } from './fileState';

/**
 * release-unheld, said in the callee: a function that releases a lock it never takes, on some of
 * its exits only, and whose caller in the inputs releases that lock again after calling it (the
 * caller's own release-unheld names the callee as the first release). Nothing in the callee's
 * contract says it releases the lock, so the callee is the one that strays: the Windows datapath's
 * vport-info helper dropped the control lock on its success path while every handler released it
 * after the call. The caller keeps its own finding; this one points at the line to fix.
 */

/** A lock the caller holds, released on some exits of the function and not on others. */
export interface CallerRelease {
  id: string;
  display: string;
  range: SourceRange;
}

/** The caller's locks the function releases on some exits only (read from the exits' trails). */
export function partialCallerReleases(exits: readonly ExitInfo[]): CallerRelease[] {
  const out: CallerRelease[] = [];
  const ids = new Set(exits.flatMap((x) => x.state.releasedFromCaller));
  for (const id of ids) {
    const releasing = exits.filter((x) => x.state.releasedFromCaller.includes(id));
    if (releasing.length === exits.length) continue;
    const step = lastReleaseOf(releasing[0]!.state.trail, id);
    const display = step ? releasedIn(step.message) : undefined;
    if (step && display !== undefined) out.push({ id, display, range: step.range });
  }
  return out;
}

const RELEASED_BY = /^`(.*)` released \(([A-Za-z_]\w*)\)$/;

/**
 * For every caller's release-unheld whose first release was a call of a function in the inputs: a
 * finding in that function, when every caller of it in the inputs releases the lock again (one
 * caller that uses it rightly — releasing only on the exits where the helper did not — says the
 * helper's conditional release is its design, and the stray release is that caller's alone).
 */
export function calleeReleaseFindings(all: readonly FileRecord[]): Finding[] {
  const byName = new Map<string, { f: FileRecord; r: FnRecord }[]>();
  for (const f of all) for (const r of f.info?.functions ?? []) byName.set(r.name, [...(byName.get(r.name) ?? []), { f, r }]);
  const blamed = new Map<FnRecord, { f: FileRecord; rel: CallerRelease; by: Map<FnRecord, { f: FileRecord; x: Finding }> }>();
  for (const f of all) {
    for (const r of f.info?.functions ?? []) {
      for (const x of r.result?.findings ?? []) {
        if (x.ruleId !== 'release-unheld') continue;
        const first = [...x.path].reverse().map((s) => RELEASED_BY.exec(s.message)).find((m) => m !== null);
        if (!first) continue;
        const [, display, callee] = first;
        const def = definitionFor(byName, f, callee!);
        const res = def?.r.result;
        if (!def || !res?.callerReleases) continue;
        // Its contract says it releases the caller's lock: the caller is the one that strays.
        if (res.summary?.effects.some((e) => e.op === 'release' && e.source === 'annotation')) continue;
        const rel = res.callerReleases.find((c) => c.display === display) ?? (res.callerReleases.length === 1 ? res.callerReleases[0] : undefined);
        if (!rel) continue;
        const entry = blamed.get(def.r) ?? { f: def.f, rel, by: new Map() };
        if (!entry.by.has(r)) entry.by.set(r, { f, x });
        blamed.set(def.r, entry);
      }
    }
  }
  const out: Finding[] = [];
  for (const [callee, { f: calleeFile, rel, by }] of blamed) {
    const callers: FnRecord[] = [];
    for (const f of all) {
      if (callee.isStatic && f !== calleeFile) continue;
      for (const r of f.info?.functions ?? []) if (r !== callee && r.calls.includes(callee.name)) callers.push(r);
    }
    if (callers.some((c) => !by.has(c))) continue;
    const [caller, { f, x }] = [...by][0]!;
    const where = (uri: string): { uri?: string } => (uri === calleeFile.uri ? {} : { uri });
    const callSite = x.path.find((s) => RELEASED_BY.exec(s.message)?.[2] === callee.name);
    const message = `\`${callee.name}\` releases \`${rel.display}\`, which it never takes, on some of its exits only; \`${caller.name}\` holds it when it calls \`${callee.name}\` and releases it again after the call (${f.uri === calleeFile.uri ? '' : `${f.uri}:`}line ${x.range.start.line + 1})${by.size > 1 ? `, and so do its ${by.size - 1} other callers` : ''}: one of the two releases is one too many. Leave the caller's lock to the caller, or say in a contract that \`${callee.name}\` releases it and stop releasing it after the call`;
    const key = `release-unheld:${callee.name}:callee@${rel.id}`;
    out.push({
      ruleId: 'release-unheld', severity: RULES['release-unheld'].defaultSeverity, message, uri: calleeFile.uri, range: rel.range,
      functionName: callee.name, key,
      related: [
        ...(callSite ? [{ ...where(f.uri), range: callSite.range, message: `\`${caller.name}\` calls \`${callee.name}\` holding \`${rel.display}\`` }] : []),
        { ...where(f.uri), range: x.range, message: 'and releases it again after the call' },
      ],
      path: [{ range: rel.range, message: `\`${rel.display}\` released here, though the caller still holds it and releases it` }],
    });
  }
  return out;
}

/** The definition a call by `name` from file `f` reaches: the file's own, else the one external definition. */
function definitionFor(byName: Map<string, { f: FileRecord; r: FnRecord }[]>, f: FileRecord, name: string): { f: FileRecord; r: FnRecord } | undefined {
  const defs = byName.get(name) ?? [];
  const own = defs.find((d) => d.f === f);
  if (own) return own;
  const external = defs.filter((d) => !d.r.isStatic);
  return external.length === 1 ? external[0] : undefined;
}
