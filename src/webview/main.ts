// Simulator panel (browser side): builds the page, keeps the one ViewState, turns clicks, keys and the
// extension's messages into reducer actions, saves the state with setState, and tells the extension which
// listing lines to light for the current step.
import { byId, h } from './dom';
import { lineMarks } from './derive';
import { commandForKey } from './keyboard';
import { parseToWebview, type FromWebview, type PanelCommand, type ToWebview } from './messages';
import { restoreState, toSaved } from './persist';
import { buildCosts } from './render/costs';
import type { UiEvent } from './render/events';
import { buildSetup } from './render/setup';
import { buildTrace } from './render/trace';
import { buildVerdicts } from './render/verdicts';
import { currentViolation, reduce, SPEEDS, type Action, type ViewState } from './state';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const post = (m: FromWebview): void => vscode.postMessage(m);

const restored = restoreState(vscode.getState());
for (const p of restored.problems) console.warn(`lockstep simulator: dropped saved state part: ${p}`);
let state: ViewState = restored.state;

const setup = buildSetup(emit);
const verdicts = buildVerdicts(emit);
const trace = buildTrace(emit);
const costs = buildCosts();
byId('app').replaceChildren(
  h('h1', { class: 'title' }, 'Lockstep simulator'),
  setup.root, verdicts.root, trace.root, costs.root);

let playTimer: ReturnType<typeof setTimeout> | undefined;
let lastHighlight = '';

function dispatch(a: Action): void {
  state = reduce(state, a);
  render();
}

function render(): void {
  setup.update(state);
  verdicts.update(state);
  trace.update(state);
  costs.update(state);
  vscode.setState(toSaved(state));
  syncHighlight();
  schedulePlay();
}

function syncHighlight(): void {
  const v = currentViolation(state);
  // With no schedule to step through, still show the chosen protocol's listing beside the panel.
  const listing = state.protocols.find((p) => p.id === state.scenario.protocol)?.listingUri ?? null;
  const msg: FromWebview = v ? { type: 'highlight', ...lineMarks(v, state.position) } : { type: 'highlight', uri: listing, marks: [] };
  const key = JSON.stringify(msg);
  if (key === lastHighlight) return;
  lastHighlight = key;
  post(msg);
}

function schedulePlay(): void {
  if (playTimer !== undefined) clearTimeout(playTimer);
  playTimer = undefined;
  if (state.playing) playTimer = setTimeout(() => dispatch({ type: 'tick' }), 1000 / SPEEDS[state.speed]!);
}

function emit(e: UiEvent): void {
  switch (e.type) {
    case 'run':
      if (state.run.kind === 'running' || state.protocols.length === 0) return;
      post({ type: 'run', scenario: state.scenario });
      dispatch({ type: 'runStarted', replay: false });
      return;
    case 'replay':
      if (state.run.kind === 'running') return;
      post({ type: 'replay', scenario: state.scenario, schedule: e.schedule });
      dispatch({ type: 'runStarted', replay: true });
      return;
    case 'cancel':
      if (state.run.kind === 'running') post({ type: 'cancel' });
      return;
    case 'copySchedule': {
      const v = currentViolation(state);
      if (v) post({ type: 'copy', text: v.schedule });
      return;
    }
    case 'focusReplay':
      setup.replayInput.focus();
      return;
    default:
      dispatch(e);
  }
}

function onMessage(m: ToWebview): void {
  switch (m.type) {
    case 'init':
      dispatch({ type: 'init', protocols: m.protocols, protocol: m.protocol, note: m.note });
      return;
    case 'running':
      dispatch({ type: 'runStarted', replay: m.replay });
      return;
    case 'progress':
      dispatch({ type: 'progress', progress: m.progress });
      return;
    case 'result':
      dispatch({ type: 'result', result: m.result });
      // In a narrow column the schedule starts below the fold: bring a fresh one into view.
      if (m.result.violations.length > 0) trace.root.scrollIntoView({ block: 'start' });
      return;
    case 'costs':
      dispatch({ type: 'costs', costs: m.costs });
      return;
    case 'runFailed':
      dispatch({ type: 'runFailed', message: m.message });
      return;
    case 'cancelled':
      dispatch({ type: 'cancelled' });
      return;
    case 'jumpToLine':
      dispatch({ type: 'jumpToLine', uri: m.uri, line: m.line });
      return;
    case 'command':
      emit(PANEL_COMMAND_EVENTS[m.command]);
      // Stepping from the editor: the schedule comes into view if the panel was scrolled to the form.
      if (m.command !== 'run' && !trace.root.hidden && trace.root.getBoundingClientRect().top > 0) trace.root.scrollIntoView({ block: 'start' });
      return;
    case 'copied':
      trace.showCopied();
      return;
  }
}

/** The editor's `lockstep.sim.*` commands, as the panel's own buttons and keys do them. */
const PANEL_COMMAND_EVENTS: Record<PanelCommand, UiEvent> = {
  stepForward: { type: 'step', delta: 1 },
  stepBack: { type: 'step', delta: -1 },
  restart: { type: 'toStart' },
  toEnd: { type: 'toViolation' },
  run: { type: 'run' },
};

window.addEventListener('message', (ev: MessageEvent<unknown>) => {
  const parsed = parseToWebview(ev.data);
  if (parsed.ok) onMessage(parsed.message);
  else console.warn(`lockstep simulator: ignored a message: ${parsed.error}`);
});

// Shift+F10 is the editor's "step back" (a lockstep.sim keybinding VS Code resolves for the panel), but
// Chromium also turns it into a context-menu event: the panel has no menu to offer there, so drop it.
let shiftF10At = -Infinity;
document.addEventListener('contextmenu', (ev) => {
  if (performance.now() - shiftF10At < 1000) ev.preventDefault();
}, true);

document.addEventListener('keydown', (ev) => {
  if (ev.key === 'F10' && ev.shiftKey) shiftF10At = performance.now();
  const t = ev.target as HTMLElement | null;
  const inField = t !== null && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA');
  // Space and Enter on a focused button press that button; do not also run a shortcut.
  if (t?.tagName === 'BUTTON' && (ev.key === ' ' || ev.key === 'Enter')) return;
  const cmd = commandForKey({ key: ev.key, ctrlKey: ev.ctrlKey, metaKey: ev.metaKey, altKey: ev.altKey, inField });
  if (!cmd) return;
  ev.preventDefault();
  emit(cmd);
});

render();
post({ type: 'ready' });
