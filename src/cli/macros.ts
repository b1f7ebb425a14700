import * as path from 'node:path';
import { InputError, readBoundedFile } from '../core/input';
import { UsageError } from './usage';

/**
 * Feature macros for `#ifdef` / `#if`: `lockstep.json` `defines`, `--compile-commands FILE` (the
 * `-D` / `-U` of each file's compile command, GCC/Clang `-DX`, `-D X`, `-DX=1`, and MSVC `/DX`),
 * then `-D` / `-U` on the command line — a later one wins, `-U` removes.
 */
export interface MacroSetting {
  name: string;
  /** The value of `-DNAME=VALUE`; `1` for `-DNAME`, as a compiler does. */
  value?: string;
  defined: boolean;
}

const MAX_COMPILE_COMMANDS_BYTES = 64 * 1024 * 1024;

/** `NAME` or `NAME=VALUE` with NAME a C identifier. Throws UsageError naming the option. */
export function macroArg(option: string, text: string): { name: string; value?: string } {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:=([\s\S]*))?$/.exec(text);
  if (!m) throw new UsageError(`${option} needs NAME or NAME=VALUE with NAME a C identifier (got '${text}')`);
  return m[2] === undefined ? { name: m[1]! } : { name: m[1]!, value: m[2] };
}

/** One `-D NAME[=VALUE]` or `-U NAME` of a command line, as a setting. Throws UsageError naming the option. */
export function macroOption(option: '-D' | '-U', text: string): MacroSetting {
  const m = macroArg(option, text);
  if (option === '-D') return { ...m, defined: true };
  if (m.value !== undefined) throw new UsageError(`-U takes a macro name only (got '${text}')`);
  return { name: m.name, defined: false };
}

/** A compile command's words, as a POSIX shell splits them (quotes, backslashes); no expansion. */
export function splitCommand(command: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else cur += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < command.length && '"\\$`'.includes(command[i + 1]!)) cur += command[++i];
      else cur += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < command.length) {
      cur += command[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

/** The `-D` / `-U` (and, for MSVC's cl and clang-cl, `/D` / `/U`) of one compile command, in order. */
export function macrosOfCommand(words: readonly string[]): MacroSetting[] {
  const out: MacroSetting[] = [];
  const msvc = /^(?:cl|clang-cl)(?:\.exe)?$/i.test(path.basename(words[0] ?? '').replace(/\\/g, '/').split('/').pop() ?? '');
  const flag = msvc ? /^[-/]([DU])(.*)$/ : /^-([DU])(.*)$/;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const m = flag.exec(w);
    if (!m) continue;
    const text = m[2] === '' ? words[++i] : m[2];
    if (text === undefined) break;
    const parsed = /^([A-Za-z_][A-Za-z0-9_]*)(?:=([\s\S]*))?$/.exec(text);
    if (!parsed) continue; // not a macro (a path starting with /D…): not ours to judge
    out.push(m[1] === 'D' ? { name: parsed[1]!, value: parsed[2] ?? '1', defined: true } : { name: parsed[1]!, defined: false });
  }
  return out;
}

interface CompileCommand {
  directory?: unknown;
  file?: unknown;
  command?: unknown;
  arguments?: unknown;
}

/** compile_commands.json: each file (absolute, resolved against its entry's directory) to its macros. */
export function readCompileCommands(file: string): Map<string, MacroSetting[]> {
  let doc: unknown;
  try {
    doc = JSON.parse(readBoundedFile(file, MAX_COMPILE_COMMANDS_BYTES).toString('utf8').replace(/^\ufeff/, ''));
  } catch (e) {
    if (e instanceof InputError) throw new InputError(`--compile-commands ${e.message}`);
    throw new InputError(`--compile-commands ${file}: not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!Array.isArray(doc)) throw new InputError(`--compile-commands ${file}: not a compilation database (expected a JSON array)`);
  const out = new Map<string, MacroSetting[]>();
  doc.forEach((raw: unknown, i) => {
    const e = (raw ?? {}) as CompileCommand;
    if (typeof e.file !== 'string' || typeof e.directory !== 'string') throw new InputError(`--compile-commands ${file}: entry ${i} has no "file" and "directory"`);
    const words = Array.isArray(e.arguments) ? e.arguments.filter((w): w is string => typeof w === 'string')
      : typeof e.command === 'string' ? splitCommand(e.command) : undefined;
    if (words === undefined) throw new InputError(`--compile-commands ${file}: entry ${i} has neither "arguments" nor "command"`);
    out.set(path.resolve(e.directory, e.file), macrosOfCommand(words));
  });
  return out;
}

/** The macros in force: layers in order, a later setting of a name replacing an earlier one. */
export function resolveMacros(...layers: readonly (readonly MacroSetting[])[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const layer of layers) {
    for (const m of layer) {
      if (m.defined) out.set(m.name, m.value ?? '1');
      else out.delete(m.name);
    }
  }
  return out;
}
