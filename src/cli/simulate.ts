// `lockstep simulate`: model-check a refcount protocol on a scenario and print the verdicts, the costs
// and, for each broken invariant, the shortest schedule found as lanes (or all of it as JSON).

import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CliHost } from './check';
import { ConfigError, findProjectConfig, knowledgeFromConfigFile } from '../core/apis/config';
import { createCParser, distGrammarLocation } from '../core/c/treeSitter';
import { extractModelFromFiles } from '../core/extract/extract';
import type { CSource, FunctionRef } from '../core/extract/extract';
import { ExtractError } from '../core/extract/types';
import type { ExtractedModel, Unmodelled } from '../core/extract/types';
import { InputError, readCSource } from '../core/input';
import { findProtocol, listProtocols, resolveProtocol } from '../core/flowtable/protocols/index';
import type { ProtocolInfo } from '../core/model/types';
import { jsonEnvelope } from '../core/report/envelope';
import { writeJson } from '../core/report/jsonStream';
import { stdoutSink } from './output';
import type { OutputSink } from './output';
import { UsageError, errorLine, usageLine } from './usage';
import { ModelError } from '../core/sim/compile';
import { renderResult } from '../core/sim/lanes';
import type { ProtocolModel } from '../core/model/program';
import { ScheduleError, decodeSchedule } from '../core/sim/schedule';
import type { PathStep, Progress } from '../core/sim/explore';
import { simulationJson } from '../core/sim/json';
import { DEFAULT_TIME_LIMIT_MS, simulate, simulateReplay } from '../core/sim/simulate';
import type { SimulateOptions } from '../core/sim/simulate';
import type { SimulationResult } from '../core/sim/types';

const HELP = `Usage:
  lockstep simulate --list
  lockstep simulate --protocol <name> [--variant name=value]... [--packets N] [--puts M]
                    [--preemptions K] [--format text|json] [--no-reduction] [--max-states S]
                    [--time-limit SECONDS]
  lockstep simulate --protocol <name> --random [--seed S] [--runs R]
  lockstep simulate --replay <schedule>        (the schedule string printed with each violation)
  lockstep simulate --protocol <name> --listing  (print the protocol's listing with line numbers)
  lockstep simulate --file X.c --packet <function> --put <function> [--packets N] [--puts M]
                    [--preemptions K] [--format text|json] [--replay S] [--config lockstep.json]
                    [--loop-bound N] [--inline-depth N] [--initial-refcount N]
                    (compile two C functions of X.c into the simulator and explore them)
  lockstep simulate --packet A.c:<function> --put B.c:<function> [...]
                    (the functions may be in different files; calls between the files are inlined)

Explores every interleaving of N packet contexts (default 2) and M put/delete contexts (default 1)
on a table holding one flow, and checks use-after-free, double-free, negative-refcount, leak,
deadlock, lock-discipline and stale-lookup. --time-limit counts CPU time (default 60 s);
--max-states (default 1000000) is capped at what fits in half the machine's memory.
JSON output has formatVersion, tool and 1-based lines. Progress goes to stderr when it is a terminal.

Exit codes: 0 safe (a complete exhaustive search), 1 violated, 3 incomplete (a limit, a preemption
bound, random walks or a replay stopped short of a proof; nothing broke), 2 usage error.
`;

/** Exit code of a result: 0 safe, 1 violated, 3 incomplete. */
export function exitCodeOf(r: Pick<SimulationResult, 'verdict'>): number {
  return r.verdict === 'violated' ? 1 : r.verdict === 'safe' ? 0 : 3;
}

interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

/**
 * Progress of a long search on a terminal: one line, rewritten about once a second; `done` clears it.
 * Undefined when the stream is not a terminal (pipes and files get no progress).
 */
export function progressLine(stream: ProgressStream): { onProgress: (p: Progress) => void; done: () => void } | undefined {
  if (stream.isTTY !== true) return undefined;
  let shown = false;
  return {
    onProgress: (p) => {
      const rate = p.wallMs > 0 ? Math.round((p.states * 1000) / p.wallMs) : 0;
      stream.write(`\r\x1b[Klockstep simulate: ${p.states.toLocaleString('en-US')} states, depth ${p.depth}, ${rate.toLocaleString('en-US')} states/s, ${(p.cpuMs / 1000).toFixed(1)} s CPU`);
      shown = true;
    },
    done: () => {
      if (shown) stream.write('\r\x1b[K');
      shown = false;
    },
  };
}

export interface SimulateCliOptions {
  list: boolean;
  listing: boolean;
  protocol: string | null;
  /** `--variant name=value`, in order. */
  variants: string[];
  packets: number | null;
  puts: number | null;
  preemptions: number | null;
  format: 'text' | 'json';
  replay: string | null;
  random: boolean;
  seed: number | null;
  runs: number;
  reduction: boolean;
  maxStates: number | undefined;
  timeLimitMs: number | undefined;
  /** C mode: the file and the two functions to compile. */
  file: string | null;
  packetFn: string | null;
  putFn: string | null;
  config: string | null;
  loopBound: number | undefined;
  inlineDepth: number | undefined;
  initialRefcount: number | undefined;
  /** Called about once a second during a long search (the CLI's progress line). */
  onProgress?: (p: Progress) => void;
}

export { UsageError };

/** An input the run cannot use (an unreadable file or config, a missing function): `lockstep simulate: <message>`, exit 2. */
export class SimulateInputError extends Error {}

const MAX_PACKETS = 8;
const MAX_PUTS = 4;

function intArg(name: string, value: string | undefined, min: number, max: number): number {
  if (value === undefined || !/^\d+$/.test(value)) throw new UsageError(`${name} needs a whole number`);
  const n = Number(value);
  if (n < min || n > max) throw new UsageError(`${name} must be between ${min} and ${max}`);
  return n;
}

export function parseSimulateArgs(args: readonly string[]): SimulateCliOptions {
  const o: SimulateCliOptions = {
    list: false, listing: false, protocol: null, variants: [], packets: null, puts: null, preemptions: null, format: 'text',
    replay: null, random: false, seed: null, runs: 1000, reduction: true, maxStates: undefined, timeLimitMs: undefined,
    file: null, packetFn: null, putFn: null, config: null, loopBound: undefined, inlineDepth: undefined, initialRefcount: undefined,
  };
  const name = (flag: string, v: string | undefined): string => {
    if (v === undefined || v === '' || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string | undefined => inline ?? args[++i];
    switch (flag) {
      case '--list': o.list = true; break;
      case '--listing': o.listing = true; break;
      case '--protocol': case '-p': o.protocol = value() ?? null; if (o.protocol === null) throw new UsageError('--protocol needs a name'); break;
      case '--variant': {
        const v = value();
        if (v === undefined || !/^[\w-]+=[\w-]+$/.test(v)) throw new UsageError('--variant needs name=value (see --list)');
        o.variants.push(v);
        break;
      }
      case '--packets': o.packets = intArg('--packets', value(), 0, MAX_PACKETS); break;
      case '--puts': o.puts = intArg('--puts', value(), 0, MAX_PUTS); break;
      case '--preemptions': o.preemptions = intArg('--preemptions', value(), 0, 1000); break;
      case '--format': {
        const f = value();
        if (f !== 'text' && f !== 'json') throw new UsageError('--format is text or json');
        o.format = f;
        break;
      }
      case '--replay': o.replay = value() ?? null; if (o.replay === null) throw new UsageError('--replay needs a schedule'); break;
      case '--random': o.random = true; break;
      case '--seed': o.seed = intArg('--seed', value(), 0, 0xffffffff); break;
      case '--runs': o.runs = intArg('--runs', value(), 1, 10_000_000); break;
      case '--no-reduction': o.reduction = false; break;
      case '--max-states': o.maxStates = intArg('--max-states', value(), 1, 50_000_000); break;
      case '--time-limit': o.timeLimitMs = intArg('--time-limit', value(), 1, 86_400) * 1000; break;
      case '--file': o.file = name('--file', value()); break;
      case '--packet': o.packetFn = name('--packet', value()); break;
      case '--put': o.putFn = name('--put', value()); break;
      case '--config': o.config = name('--config', value()); break;
      case '--loop-bound': o.loopBound = intArg('--loop-bound', value(), 1, 16); break;
      case '--inline-depth': o.inlineDepth = intArg('--inline-depth', value(), 0, 8); break;
      case '--initial-refcount': o.initialRefcount = intArg('--initial-refcount', value(), 0, 100); break;
      default: throw new UsageError(`unknown option '${a.length > 80 ? `${a.slice(0, 80)}…` : a}'`); // as scanArgs says it
    }
  }
  if (o.packets !== null && o.puts !== null && o.packets + o.puts === 0) throw new UsageError('a scenario needs at least one context');
  if (o.file !== null && o.protocol !== null) throw new UsageError('--file and --protocol do not go together');
  if (o.variants.length > 0 && o.protocol === null && o.replay === null) throw new UsageError('--variant needs --protocol <name>');
  if (o.file !== null && (o.packetFn === null || o.putFn === null)) throw new UsageError('--file needs --packet <function> and --put <function>');
  if (o.file === null && (o.packetFn !== null || o.putFn !== null)) {
    if (o.packetFn === null || o.putFn === null) throw new UsageError('C mode needs --packet and --put (file.c:function, or a function of --file X.c)');
    if (functionRef(o.packetFn, null).file === null || functionRef(o.putFn, null).file === null) throw new UsageError('--packet and --put name functions of a C file: add --file X.c, or write file.c:function');
  }
  if (o.protocol !== null && (o.packetFn !== null || o.putFn !== null)) throw new UsageError('--packet/--put and --protocol do not go together');
  return o;
}

export interface RunOutput {
  write(text: string): void;
}

/**
 * Runs a model (a reference protocol's, or one built from C functions) with the CLI's options and
 * prints the report. Returns the exit code. This is the seam for simulating extracted C programs.
 */
export function runModel(model: ProtocolModel, o: SimulateCliOptions, replaySteps: PathStep[] | null, out: RunOutput): number {
  const result = simulateModel(model, o, replaySteps);
  if (o.format === 'json') writeJson(simulationJson(result), (chunk) => out.write(chunk));
  else out.write(renderResult(result, { width: process.stdout.columns ?? 140 }));
  return exitCodeOf(result);
}

/** The search (or replay) `runModel` prints. */
export function simulateModel(model: ProtocolModel, o: SimulateCliOptions, replaySteps: PathStep[] | null): SimulationResult {
  const opts: SimulateOptions = {
    packets: o.packets ?? 2,
    puts: o.puts ?? 1,
    preemptions: o.preemptions,
    reduction: o.reduction,
    maxStates: o.maxStates,
    timeLimitMs: o.timeLimitMs,
    onProgress: o.onProgress,
  };
  if (o.random) opts.random = { seed: o.seed ?? Date.now() % 0x100000000, runs: o.runs };
  return replaySteps !== null ? simulateReplay(model, opts, replaySteps) : simulate(model, opts);
}

/** What the C model could not represent, one line each (1-based lines; `file` is the listing's, other files are named). */
export function renderUnmodelled(items: readonly Unmodelled[], file: string): string {
  if (items.length === 0) return `  everything in both functions was modelled\n`;
  const where = (u: Unmodelled): string => (u.uri !== undefined ? path.basename(fileURLToPath(u.uri)) : file);
  const lines = items.map((u) => `  ${u.context.padEnd(6)} ${where(u)}:${u.line + 1}  ${u.reason}: ${u.text}${u.note ? ` — ${u.note}` : ''}`);
  return `  not modelled exactly (${items.length}):\n${lines.join('\n')}\n`;
}

/**
 * C mode: compiles --packet and --put of --file into step programs and explores them like a
 * reference protocol. The report starts with the file, the functions and what was not modelled;
 * JSON adds `extraction: { file, packet, put, unmodelled }` to the SimulationResult.
 */
export async function runFileModel(o: SimulateCliOptions, replay: string | null, host: CliHost, out: RunOutput): Promise<number> {
  const packetRef = functionRef(o.packetFn!, o.file);
  const putRef = functionRef(o.putFn!, o.file);
  const paths = [...new Set([o.file, packetRef.file, putRef.file].filter((f): f is string => f !== null).map((f) => path.resolve(f)))];
  const uriOf = (f: string): string => pathToFileURL(path.resolve(f)).href;
  let sources: CSource[];
  let knowledge;
  try {
    sources = paths.map((f) => ({ uri: uriOf(f), text: readCSource(f) }));
    knowledge = knowledgeFromConfigFile(o.config ?? findProjectConfig(paths));
  } catch (e) {
    if (e instanceof InputError || e instanceof ConfigError) throw new SimulateInputError(e instanceof ConfigError ? `config error: ${e.message}` : e.message);
    throw e;
  }
  const parser = await createCParser(distGrammarLocation(host.distDir));
  const limit = o.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS;
  const cpu0 = process.cpuUsage();
  let ex: ExtractedModel;
  try {
    const ref = (r: { file: string | null; name: string }): FunctionRef => (r.file !== null ? { name: r.name, uri: uriOf(r.file) } : { name: r.name });
    ex = extractModelFromFiles(parser, sources, ref(packetRef), ref(putRef), {
      knowledge,
      loopBound: o.loopBound,
      inlineDepth: o.inlineDepth,
      initialRefcount: o.initialRefcount,
      timeLimitMs: limit,
    });
  } catch (e) {
    if (e instanceof ExtractError) throw new SimulateInputError(e.message);
    throw e;
  } finally {
    parser.delete();
  }
  let steps: PathStep[] | null = null;
  if (replay !== null) {
    const parsed = decodeSchedule(replay);
    if (parsed.protocol !== ex.model.name) throw new UsageError(`the schedule is for ${parsed.protocol}, not ${ex.model.name}`);
    if ((o.packets !== null && o.packets !== parsed.packets) || (o.puts !== null && o.puts !== parsed.puts)) {
      throw new UsageError(`the schedule is for ${parsed.packets} packets and ${parsed.puts} puts`);
    }
    if (o.random) throw new UsageError('--replay and --random do not go together');
    o.packets = parsed.packets;
    o.puts = parsed.puts;
    steps = parsed.steps;
  }
  // The time limit is for the whole run: the search gets what the compilation left.
  const spent = process.cpuUsage(cpu0);
  const result = simulateModel(ex.model, { ...o, timeLimitMs: Math.max(1, limit - Math.round((spent.user + spent.system) / 1000)) }, steps);
  const listingFile = o.file ?? packetRef.file!;
  const fileOfUri = (uri: string | undefined): string => (uri === undefined ? listingFile : fileURLToPath(uri));
  if (o.format === 'json') {
    const extraction = {
      file: listingFile,
      files: paths,
      packet: o.packetFn,
      put: o.putFn,
      unmodelled: ex.unmodelled.map(({ uri, ...u }) => ({ ...u, line: u.line + 1, ...(uri !== undefined ? { file: fileOfUri(uri) } : {}) })),
    };
    writeJson(simulationJson(result, { extraction }), (chunk) => out.write(chunk));
  } else {
    const again = `lockstep simulate${o.file !== null ? ` --file ${o.file}` : ''} --packet ${o.packetFn} --put ${o.putFn}`;
    out.write(`packet = ${o.packetFn}, put = ${o.putFn}${o.file !== null ? ` in ${o.file}` : ''} (compiled from C; lines are 1-based)\n`);
    out.write(renderUnmodelled(ex.unmodelled, path.basename(listingFile)));
    if (result.violations.length > 0) out.write(`  replay a schedule with: ${again} --replay '<schedule>'\n`);
    out.write('\n');
    out.write(renderResult(result, { width: process.stdout.columns ?? 140 }));
  }
  return exitCodeOf(result);
}

/** `file.c:function` (the file part ends in .c or .h) or a plain function name (of --file). */
export function functionRef(text: string, file: string | null): { file: string | null; name: string } {
  const m = /^(.*\.[ch]):([A-Za-z_]\w*)$/.exec(text);
  if (m !== null) return { file: m[1]!, name: m[2]! };
  return { file, name: text };
}

/** `--protocol p --variant a=x --variant b=y` as the name `p(a=x,b=y)` (variants in the name come first). */
export function withVariants(protocol: string, variants: readonly string[]): string {
  if (variants.length === 0) return protocol;
  const m = /^(.*)\(([^()]*)\)$/.exec(protocol);
  const base = m !== null ? m[1]! : protocol;
  const inName = m !== null && m[2]!.trim() !== '' ? m[2]!.split(',') : [];
  return `${base}(${[...inName, ...variants].join(',')})`;
}

function numbered(listing: string): string {
  return listing.split('\n').map((l, i) => `${String(i + 1).padStart(4)}  ${l}`.trimEnd()).join('\n') + '\n';
}

/** `lockstep simulate`; the report goes to `sink` (default: standard output, synchronous, buffered and EPIPE-safe). */
export async function runSimulate(args: string[], host: CliHost, sink: OutputSink = stdoutSink()): Promise<number> {
  const progress = progressLine(process.stderr);
  try {
    return await simulateCommand(args, host, progress, sink);
  } finally {
    progress?.done();
    sink.close();
  }
}

async function simulateCommand(args: string[], host: CliHost, progress: ReturnType<typeof progressLine>, sink: OutputSink): Promise<number> {
  // The progress line is cleared before any result text reaches the terminal.
  const stdout: RunOutput = {
    write: (t) => {
      progress?.done();
      sink.write(t);
    },
  };
  // The one error style of every command (src/cli/usage.ts): a usage error points at --help.
  const err = (m: string): number => {
    process.stderr.write(usageLine('simulate', m));
    return 2;
  };
  const fail = (m: string): number => {
    process.stderr.write(errorLine('simulate', m));
    return 2;
  };
  if (args.includes('--help') || args.includes('-h')) {
    stdout.write(HELP);
    return 0;
  }
  let o: SimulateCliOptions;
  try {
    o = parseSimulateArgs(args);
  } catch (e) {
    if (e instanceof UsageError) return err(e.message);
    throw e;
  }
  o.onProgress = progress?.onProgress;
  const names = listProtocols().map((p) => p.name);
  if (o.list) {
    const list = listProtocols();
    const params = (p: ProtocolInfo): string =>
      (p.variants ?? []).map((v) => `${' '.repeat(27)}--variant ${v.name}=${v.values.map((x) => (x === v.default ? `${x} (default)` : x)).join('|')}\n`).join('');
    stdout.write(
      o.format === 'json'
        ? `${JSON.stringify({ ...jsonEnvelope(), protocols: list }, null, 2)}\n`
        : list.map((p) => `${p.name.padEnd(26)} ${p.title}\n${' '.repeat(27)}${p.summary}\n${params(p)}`).join(''),
    );
    return 0;
  }
  if (o.file !== null || o.packetFn !== null) {
    try {
      return await runFileModel(o, o.replay, host, stdout);
    } catch (e) {
      if (e instanceof UsageError || e instanceof ScheduleError) return err(e.message);
      if (e instanceof SimulateInputError || e instanceof ModelError) return fail(e.message);
      throw e;
    }
  }
  let replaySteps: PathStep[] | null = null;
  if (o.replay !== null) {
    try {
      const parsed = decodeSchedule(o.replay);
      const asked = o.protocol !== null ? findProtocol(withVariants(o.protocol, o.variants))?.info.name ?? o.protocol : null;
      if (asked !== null && asked !== parsed.protocol) return err(`the schedule is for ${parsed.protocol}, not ${asked}`);
      if (findProtocol(parsed.protocol) === undefined && /\.[ch]:\w+\+(\S+\.[ch]:)?\w+$/.test(parsed.protocol)) {
        return err(`the schedule is for C functions (${parsed.protocol}): add --packet file.c:function --put file.c:function`);
      }
      if ((o.packets !== null && o.packets !== parsed.packets) || (o.puts !== null && o.puts !== parsed.puts)) {
        return err(`the schedule is for ${parsed.packets} packets and ${parsed.puts} puts`);
      }
      if (o.random) return err('--replay and --random do not go together');
      o.protocol = parsed.protocol;
      o.variants = [];
      o.packets = parsed.packets;
      o.puts = parsed.puts;
      replaySteps = parsed.steps;
    } catch (e) {
      if (e instanceof ScheduleError) return err(e.message);
      throw e;
    }
  }
  if (o.protocol === null) return err(`which protocol? --protocol <name>, one of: ${names.join(', ')}`);
  const def = resolveProtocol(withVariants(o.protocol, o.variants));
  if (typeof def === 'string') return err(def);
  if (o.listing) {
    stdout.write(numbered(def.listing));
    return 0;
  }
  try {
    return runModel(def.model(), o, replaySteps, stdout);
  } catch (e) {
    if (e instanceof ScheduleError) return err(e.message);
    if (e instanceof ModelError) return fail(e.message);
    throw e;
  }
}
