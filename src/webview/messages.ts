// The messages between the simulator webview and the extension, and their parsers. The extension parses
// every message from the webview with parseFromWebview before acting on it (a webview is web content and
// its messages are untrusted input); the webview parses what the extension sends with parseToWebview.
import { ShapeError, arr, bool, int, nullable, onlyKeys, rec, str } from './check';
import { checkCost, checkProgress, checkProtocolInfo, checkResult, checkScenario } from './modelCheck';
import type { CostView, ProtocolInfo, RunProgress, RunResult, Scenario } from './model';

/** Largest schedule string accepted for a replay (a schedule is a few characters per step). */
export const MAX_SCHEDULE_LENGTH = 20_000;
/** URI schemes the webview may ask the extension to highlight lines in. */
export const HIGHLIGHT_SCHEMES = ['lockstep-protocol', 'file', 'untitled', 'vscode-remote'] as const;

export interface LineMark {
  /** Context id, e.g. `P1`. */
  context: string;
  label: string;
  /** Index into the fixed palette of context colours. */
  colour: number;
  /** 0-based line. */
  line: number;
  /** True for the context that made the current step. */
  current: boolean;
}

export type FromWebview =
  | { type: 'ready' }
  | { type: 'run'; scenario: Scenario }
  | { type: 'replay'; scenario: Scenario; schedule: string }
  | { type: 'cancel' }
  | { type: 'highlight'; uri: string | null; marks: LineMark[] }
  | { type: 'copy'; text: string };

export type ToWebview =
  | { type: 'init'; protocols: ProtocolInfo[]; protocol: string | null; note: string | null }
  /** A run is in flight (sent to a webview that was recreated while it ran). */
  | { type: 'running'; replay: boolean }
  | { type: 'progress'; progress: RunProgress }
  | { type: 'result'; result: RunResult }
  | { type: 'costs'; costs: CostView[] }
  | { type: 'runFailed'; message: string }
  | { type: 'cancelled' }
  | { type: 'jumpToLine'; uri: string; line: number }
  /** A simulator command from the editor (the `lockstep.sim.*` commands and their keybindings). */
  | { type: 'command'; command: PanelCommand }
  /** The schedule is on the clipboard: say so. */
  | { type: 'copied' };

/** What the `lockstep.sim.*` commands ask the panel to do. */
export const PANEL_COMMANDS = ['stepForward', 'stepBack', 'run', 'restart', 'toEnd'] as const;
export type PanelCommand = (typeof PANEL_COMMANDS)[number];

export type Parsed<T> = { ok: true; message: T } | { ok: false; error: string };

export const PALETTE_SIZE = 6;

function checkUri(v: unknown, p: string): string {
  const s = str(v, p, 2000);
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(s)?.[1]?.toLowerCase();
  if (!scheme || !(HIGHLIGHT_SCHEMES as readonly string[]).includes(scheme)) {
    throw new ShapeError(`${p}: scheme must be one of ${HIGHLIGHT_SCHEMES.join(', ')}`);
  }
  return s;
}

function checkMark(v: unknown, p: string): LineMark {
  const r = rec(v, p);
  onlyKeys(r, p, ['context', 'label', 'colour', 'line', 'current']);
  return {
    context: str(r.context, `${p}.context`, 100),
    label: str(r.label, `${p}.label`, 200),
    colour: int(r.colour, `${p}.colour`, 0, PALETTE_SIZE - 1),
    line: int(r.line, `${p}.line`, 0, 1_000_000),
    current: bool(r.current, `${p}.current`),
  };
}

function parseFrom(v: unknown): FromWebview {
  const r = rec(v, 'message');
  switch (r.type) {
    case 'ready':
    case 'cancel':
      onlyKeys(r, 'message', ['type']);
      return { type: r.type };
    case 'run':
      onlyKeys(r, 'message', ['type', 'scenario']);
      return { type: 'run', scenario: checkScenario(r.scenario, 'message.scenario') };
    case 'replay': {
      onlyKeys(r, 'message', ['type', 'scenario', 'schedule']);
      const schedule = str(r.schedule, 'message.schedule', MAX_SCHEDULE_LENGTH).trim();
      if (schedule === '') throw new ShapeError('message.schedule: empty');
      return { type: 'replay', scenario: checkScenario(r.scenario, 'message.scenario'), schedule };
    }
    case 'highlight':
      onlyKeys(r, 'message', ['type', 'uri', 'marks']);
      return {
        type: 'highlight',
        uri: nullable(r.uri, 'message.uri', checkUri),
        marks: arr(r.marks, 'message.marks', checkMark, 64),
      };
    case 'copy':
      onlyKeys(r, 'message', ['type', 'text']);
      return { type: 'copy', text: str(r.text, 'message.text', MAX_SCHEDULE_LENGTH) };
    default:
      throw new ShapeError(`message.type: unknown type ${JSON.stringify(r.type)?.slice(0, 40) ?? typeof r.type}`);
  }
}

function parseTo(v: unknown): ToWebview {
  const r = rec(v, 'message');
  switch (r.type) {
    case 'init':
      return {
        type: 'init',
        protocols: arr(r.protocols, 'message.protocols', checkProtocolInfo, 200),
        protocol: nullable(r.protocol, 'message.protocol', (x, p) => str(x, p, 200)),
        note: nullable(r.note, 'message.note', (x, p) => str(x, p)),
      };
    case 'running':
      return { type: 'running', replay: bool(r.replay, 'message.replay') };
    case 'progress':
      return { type: 'progress', progress: checkProgress(r.progress, 'message.progress') };
    case 'result':
      return { type: 'result', result: checkResult(r.result, 'message.result') };
    case 'costs':
      return { type: 'costs', costs: arr(r.costs, 'message.costs', checkCost, 100) };
    case 'runFailed':
      return { type: 'runFailed', message: str(r.message, 'message.message') };
    case 'cancelled':
      return { type: 'cancelled' };
    case 'jumpToLine':
      return { type: 'jumpToLine', uri: str(r.uri, 'message.uri', 2000), line: int(r.line, 'message.line', 0, 1_000_000) };
    case 'command': {
      const command = str(r.command, 'message.command', 40);
      if (!(PANEL_COMMANDS as readonly string[]).includes(command)) throw new ShapeError(`message.command: unknown command ${JSON.stringify(command)}`);
      return { type: 'command', command: command as PanelCommand };
    }
    case 'copied':
      return { type: 'copied' };
    default:
      throw new ShapeError(`message.type: unknown type ${JSON.stringify(r.type)?.slice(0, 40) ?? typeof r.type}`);
  }
}

function wrap<T>(parse: (v: unknown) => T, v: unknown): Parsed<T> {
  try {
    return { ok: true, message: parse(v) };
  } catch (e) {
    if (e instanceof ShapeError) return { ok: false, error: e.message };
    throw e;
  }
}

/** Parses a message the webview posted; never throws for a bad shape. */
export function parseFromWebview(v: unknown): Parsed<FromWebview> {
  return wrap(parseFrom, v);
}

/** Parses a message the extension posted to the webview. */
export function parseToWebview(v: unknown): Parsed<ToWebview> {
  return wrap(parseTo, v);
}
