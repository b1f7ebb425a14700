import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import lockstepSchema from '../../../schemas/lockstep.schema.json';
import { InputError, readBoundedFile } from '../input';
import type { RuleId } from '../findings';
import { argPatternProblem } from './argPattern';
import { builtinKnowledge } from './builtin';
import { jsonErrorOffset, lineColumnOf } from './jsonLocation';
import type { ApiKnowledge, FlowTableApis, HeldAssertionApi, LockApi, MutatorApi, RefApi } from './types';

/** File name looked up at the analysed root (and its parents) when no `--config` is given. */
export const CONFIG_FILE_NAME = 'lockstep.json';

/** A config larger than this is refused unread (the schema's list caps fit in far less). */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

export type RuleSetting = 'off' | 'note' | 'warning' | 'error';

/** The validated content of a `lockstep.json` (see schemas/lockstep.schema.json). */
export interface ProjectConfig {
  locks?: (Omit<LockApi, 'lockArg'> & { lockArg?: number })[];
  refs?: RefApi[];
  noReturn?: string[];
  mutators?: MutatorApi[];
  heldAssertions?: HeldAssertionApi[];
  disable?: string[];
  flowTable?: Partial<FlowTableApis>;
  /** Severity per rule for the command line; `off` hides the rule. */
  rules?: Partial<Record<RuleId, RuleSetting>>;
  /** Globs, relative to the config's folder, of files a folder search skips. */
  exclude?: string[];
  /** Macros defined for `#if`/`#ifdef` (name → value), as `-DNAME=VALUE`. */
  defines?: Record<string, string | number>;
}

/** A config that cannot be used; the message names the file, the field (JSON pointer) and the problem. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

let validator: ValidateFunction | undefined;

function validate(value: unknown): ErrorObject[] {
  // Compiled on first use: most runs have no config file.
  validator ??= new Ajv({ allErrors: true, strict: true, strictRequired: false }).compile(lockstepSchema);
  return validator(value) ? [] : [...(validator.errors ?? [])];
}

function describe(err: ErrorObject): string {
  const p = err.params as Record<string, unknown>;
  switch (err.keyword) {
    case 'additionalProperties':
      return `unknown property "${String(p.additionalProperty)}"`;
    case 'required':
      return `missing required property "${String(p.missingProperty)}"`;
    case 'enum':
      return `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'pattern':
      return 'must be a C identifier (letters, digits, _; not starting with a digit)';
    default:
      return err.message ?? err.keyword;
  }
}

/** The most useful schema error: skip the `if/then` wrapper errors, prefer the deepest field. */
function pickError(errors: ErrorObject[]): ErrorObject {
  const real = errors.filter((e) => e.keyword !== 'if');
  const pool = real.length > 0 ? real : errors;
  return pool.reduce((best, e) => (e.instancePath.split('/').length > best.instancePath.split('/').length ? e : best), pool[0]!);
}

function fieldOf(err: ErrorObject): string {
  if (err.keyword === 'required') return `${err.instancePath}/${String((err.params as { missingProperty: string }).missingProperty)}`;
  if (err.keyword === 'additionalProperties') return `${err.instancePath}/${String((err.params as { additionalProperty: string }).additionalProperty)}`;
  const key = err.propertyName ?? (err.params as { propertyName?: unknown }).propertyName;
  if (typeof key === 'string') return `${err.instancePath}/${key}`; // propertyNames: the key itself is wrong
  return err.instancePath || '/';
}

/** Parses and validates config text; `file` is only used in messages. */
export function parseProjectConfig(text: string, file: string): ProjectConfig {
  // A UTF-8 BOM (Windows editors write one) is not JSON, but means nothing: the editor and the CLI both drop it.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const offset = jsonErrorOffset(text);
    const at = lineColumnOf(text, offset < 0 ? 0 : offset);
    const reason = e instanceof Error ? e.message.replace(/ in JSON at position \d+.*$/, '') : String(e);
    throw new ConfigError(`${file}:${at.line}:${at.column}: invalid JSON: ${reason}`);
  }
  const errors = validate(value);
  if (errors.length > 0) {
    const err = pickError(errors);
    const more = errors.filter((e) => e.keyword !== 'if').length - 1;
    throw new ConfigError(`${file}: ${fieldOf(err)}: ${describe(err)}${more > 0 ? ` (and ${more} more problem${more > 1 ? 's' : ''})` : ''}`);
  }
  const config = value as ProjectConfig;
  for (const [field, list] of uniqueLists(config)) {
    const seen = new Map<string, number>();
    list.forEach((name, i) => {
      const first = seen.get(name);
      if (first !== undefined) throw new ConfigError(`${file}: ${field}/${i}: "${name}" is listed twice (first at ${field}/${first})`);
      seen.set(name, i);
    });
  }
  config.refs?.forEach((r, i) => {
    if (r.argPattern === undefined) return;
    const problem = argPatternProblem(r.argPattern);
    if (problem !== undefined) throw new ConfigError(`${file}: /refs/${i}/argPattern: not a usable regular expression (${problem})`);
  });
  return config;
}

/** Lists whose entries must be unique: checked with a Map (linear), not the schema's uniqueItems (quadratic in ajv). */
function uniqueLists(config: ProjectConfig): [string, string[]][] {
  const out: [string, string[]][] = [];
  if (config.noReturn) out.push(['/noReturn', config.noReturn]);
  if (config.disable) out.push(['/disable', config.disable]);
  for (const [k, v] of Object.entries(config.flowTable ?? {})) if (Array.isArray(v)) out.push([`/flowTable/${k}`, v]);
  return out;
}

/** Reads and validates a config file. */
export function loadProjectConfig(file: string): ProjectConfig {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: false }).decode(readBoundedFile(file, MAX_CONFIG_BYTES));
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    throw new ConfigError(e.message.endsWith(': no such file') ? `${file}: no such config file` : e.message);
  }
  return parseProjectConfig(text, file);
}

/**
 * The `lockstep.json` that applies to a set of analysed paths: in their common directory or the
 * nearest parent that has one (stopping after a directory holding `.git`).
 */
export function findProjectConfig(paths: string[]): string | undefined {
  if (paths.length === 0) return undefined;
  const dirs = paths.map((p) => {
    const abs = path.resolve(p);
    try {
      return fs.statSync(abs).isDirectory() ? abs : path.dirname(abs);
    } catch {
      return path.dirname(abs);
    }
  });
  let dir = dirs.reduce(commonDir);
  for (;;) {
    const candidate = path.join(dir, CONFIG_FILE_NAME);
    // lstat, not exists: a dangling or looping link named lockstep.json is an error to report, not "no config".
    if (lstatQuietly(candidate)) return candidate;
    if (fs.existsSync(path.join(dir, '.git'))) return undefined;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function lstatQuietly(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch {
    return undefined;
  }
}

function commonDir(a: string, b: string): string {
  const pa = a.split(path.sep);
  const pb = b.split(path.sep);
  let n = 0;
  while (n < pa.length && n < pb.length && pa[n] === pb[n]) n++;
  return pa.slice(0, n).join(path.sep) || path.sep;
}

function byName<T extends { name: string }>(base: T[], add: T[] | undefined, disabled: Set<string>): T[] {
  // A name may have several entries (one per argument count: refsLinux.ts NETLINK_SENDS).
  const map = new Map<string, T[]>();
  const push = (api: T): void => {
    const list = map.get(api.name);
    if (list) list.push(api);
    else map.set(api.name, [api]);
  };
  for (const api of base) if (!disabled.has(api.name)) push(api);
  // A config entry replaces the built-ins of that name.
  for (const name of new Set((add ?? []).map((a) => a.name))) map.delete(name);
  for (const api of add ?? []) push(api);
  return [...map.values()].flat();
}

function normaliseLock(api: NonNullable<ProjectConfig['locks']>[number]): LockApi {
  const lockArg = api.lockArg ?? (api.implicitLock !== undefined || api.lockFromHandle ? -1 : 0);
  const mode = api.mode ?? (api.kind === 'release' ? undefined : 'exclusive');
  return { ...api, lockArg, ...(mode ? { mode } : {}) };
}

function normaliseRef(api: RefApi): RefApi {
  const onArg = api.kind !== 'returnsRef' && api.kind !== 'alloc' && api.implicitObj === undefined;
  return onArg ? { objArg: 0, objFrom: 'self', ...api } : api;
}

/** Built-in knowledge with a project config applied: disabled names removed, entries added or replaced by name. */
export function mergeKnowledge(base: ApiKnowledge, config: ProjectConfig): ApiKnowledge {
  const disabled = new Set(config.disable ?? []);
  const merged: ApiKnowledge = {
    locks: byName(base.locks, config.locks?.map(normaliseLock), disabled),
    refs: byName(base.refs, config.refs?.map(normaliseRef), disabled),
    noReturn: byName(base.noReturn, config.noReturn?.map((name) => ({ name })), disabled),
    mutators: byName(base.mutators, config.mutators, disabled),
    heldAssertions: byName(base.heldAssertions ?? [], config.heldAssertions, disabled),
  };
  const ft = config.flowTable ?? base.flowTable;
  if (ft) merged.flowTable = { lookup: ft.lookup ?? [], insert: ft.insert ?? [], remove: ft.remove ?? [], free: ft.free ?? [], use: ft.use ?? [] };
  return merged;
}

/** Knowledge for a run: built-ins plus the given config file, if any. Throws ConfigError. */
export function knowledgeFromConfigFile(file: string | undefined): ApiKnowledge {
  const base = builtinKnowledge();
  return file === undefined ? base : mergeKnowledge(base, loadProjectConfig(file));
}
