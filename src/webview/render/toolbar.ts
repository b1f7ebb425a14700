// The debugger bar of a schedule, pinned at the top while the schedule is shown: to start, back,
// play/pause, forward, to the violation, speed, the step counter, and copy-the-schedule with a visible
// "Schedule copied" once the extension has put it on the clipboard. Each button names its shortcut
// (title and aria-keyshortcuts), the panel's own keys and the editor's F-keys alike.
import { h, icon } from '../dom';
import { SHORTCUTS, type Shortcut } from '../keyboard';
import { currentViolation, SPEEDS, type ViewState } from '../state';
import type { UiEvent } from './events';

export interface ToolbarView {
  root: HTMLElement;
  update(s: ViewState): void;
  /** The extension confirmed the copy: say so for a moment. */
  showCopied(): void;
}

/** How long "Schedule copied" stays. */
const COPIED_MS = 2500;

function control(id: string, codicon: string, label: string, sc: Shortcut, emit: (e: UiEvent) => void, editorKey?: string): HTMLButtonElement {
  const keys = editorKey ? `${sc.label}, or ${editorKey} in the editor` : sc.label;
  const b = h('button', {
    id, type: 'button', class: 'icon-button', 'aria-label': label, title: `${label} (${keys})`, 'aria-keyshortcuts': sc.aria,
  }, icon(codicon));
  b.addEventListener('click', () => emit(sc.command));
  return b;
}

export function buildToolbar(emit: (e: UiEvent) => void): ToolbarView {
  const start = control('to-start', 'debug-restart', 'To start', SHORTCUTS.start, emit, 'Ctrl+Shift+F5');
  const back = control('step-back', 'debug-step-back', 'Step back', SHORTCUTS.back, emit, 'Shift+F10');
  const play = control('play', 'play', 'Play', SHORTCUTS.play, emit);
  const forward = control('step-forward', 'debug-step-over', 'Step forward', SHORTCUTS.forward, emit, 'F10');
  const toViolation = control('to-violation', 'debug-continue', 'To the violation', SHORTCUTS.violation, emit, 'F5');
  const slower = control('slower', 'remove', 'Slower', SHORTCUTS.slower, emit);
  const faster = control('faster', 'add', 'Faster', SHORTCUTS.faster, emit);
  const speed = h('output', { id: 'speed', class: 'speed', 'aria-label': 'Playback speed' });
  const counter = h('span', { id: 'step-counter', class: 'step-counter' });
  const copy = h('button', {
    id: 'copy-schedule', type: 'button', class: 'icon-button', 'aria-label': 'Copy the schedule',
    title: `Copy the schedule string (${SHORTCUTS.copy.label}): paste it into a bug report or lockstep simulate --replay`,
    'aria-keyshortcuts': SHORTCUTS.copy.aria,
  }, icon('copy'));
  copy.addEventListener('click', () => emit({ type: 'copySchedule' }));
  const copied = h('span', { id: 'copied', class: 'copied', role: 'status', 'aria-live': 'polite' });

  const root = h('div', { class: 'debug-bar', role: 'toolbar', 'aria-label': 'Step through the schedule' },
    start, back, play, forward, toViolation,
    h('span', { class: 'separator', 'aria-hidden': 'true' }),
    slower, speed, faster,
    h('span', { class: 'separator', 'aria-hidden': 'true' }),
    copy, copied,
    counter);

  let copiedTimer: ReturnType<typeof setTimeout> | undefined;
  return {
    root,
    update(s) {
      const v = currentViolation(s);
      const n = v?.steps.length ?? 0;
      start.disabled = !v || s.position === 0;
      back.disabled = !v || s.position === 0;
      forward.disabled = !v || s.position >= n;
      toViolation.disabled = !v || s.position === v.failingStep + 1;
      play.disabled = !v;
      const playLabel = s.playing ? 'Pause' : 'Play';
      play.setAttribute('aria-label', playLabel);
      play.title = `${playLabel} (${SHORTCUTS.play.label})`;
      play.replaceChildren(icon(s.playing ? 'debug-pause' : 'play'));
      slower.disabled = s.speed === 0;
      faster.disabled = s.speed === SPEEDS.length - 1;
      speed.textContent = `${SPEEDS[s.speed]} step${SPEEDS[s.speed] === 1 ? '' : 's'}/s`;
      counter.textContent = v ? `Step ${s.position} / ${n}` : '';
      copy.disabled = !v;
    },
    showCopied() {
      copied.replaceChildren(icon('check'), ' Schedule copied');
      if (copiedTimer !== undefined) clearTimeout(copiedTimer);
      copiedTimer = setTimeout(() => copied.replaceChildren(), COPIED_MS);
    },
  };
}
