// Playback controls for a schedule: to start, back, play/pause, forward, to the violation, speed, copy the
// schedule and replay a pasted one. Each button names its shortcut (title and aria-keyshortcuts).
import { h, icon } from '../dom';
import { SHORTCUTS, type Shortcut } from '../keyboard';
import { currentViolation, SPEEDS, type ViewState } from '../state';
import type { UiEvent } from './events';

export interface ToolbarView {
  root: HTMLElement;
  replayInput: HTMLInputElement;
  update(s: ViewState): void;
}

function control(id: string, codicon: string, label: string, sc: Shortcut, emit: (e: UiEvent) => void): HTMLButtonElement {
  const b = h('button', {
    id, type: 'button', class: 'icon-button', 'aria-label': label, title: `${label} (${sc.label})`, 'aria-keyshortcuts': sc.aria,
  }, icon(codicon));
  b.addEventListener('click', () => emit(sc.command));
  return b;
}

export function buildToolbar(emit: (e: UiEvent) => void): ToolbarView {
  const start = control('to-start', 'debug-restart', 'To start', SHORTCUTS.start, emit);
  const back = control('step-back', 'debug-step-back', 'Step back', SHORTCUTS.back, emit);
  const play = control('play', 'play', 'Play', SHORTCUTS.play, emit);
  const forward = control('step-forward', 'debug-step-over', 'Step forward', SHORTCUTS.forward, emit);
  const toViolation = control('to-violation', 'debug-continue', 'To the violation', SHORTCUTS.violation, emit);
  const slower = control('slower', 'remove', 'Slower', SHORTCUTS.slower, emit);
  const faster = control('faster', 'add', 'Faster', SHORTCUTS.faster, emit);
  const speed = h('output', { id: 'speed', class: 'speed', 'aria-label': 'Playback speed' });
  const counter = h('span', { id: 'step-counter', class: 'step-counter' });

  const copy = h('button', { id: 'copy-schedule', type: 'button', class: 'secondary', title: `Copy the schedule string (${SHORTCUTS.copy.label})`, 'aria-keyshortcuts': SHORTCUTS.copy.aria },
    icon('copy'), ' Copy schedule');
  copy.addEventListener('click', () => emit({ type: 'copySchedule' }));
  const schedule = h('code', { id: 'schedule', class: 'schedule', title: 'The schedule string: paste it below (or give it to lockstep simulate --replay) to reproduce this run' });

  const replayInput = h('input', {
    id: 'replay-input', type: 'text', spellcheck: 'false', autocomplete: 'off', placeholder: 'paste a schedule string',
    'aria-keyshortcuts': SHORTCUTS.replay.aria,
  });
  const replay = h('button', { id: 'replay', type: 'button', class: 'secondary' }, icon('debug-rerun'), ' Replay');
  const doReplay = (): void => {
    const text = replayInput.value.trim();
    if (text !== '') emit({ type: 'replay', schedule: text });
  };
  replay.addEventListener('click', doReplay);
  replayInput.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') doReplay();
  });

  const root = h('div', { class: 'toolbar' },
    h('div', { class: 'transport', role: 'toolbar', 'aria-label': 'Step through the schedule' },
      start, back, play, forward, toViolation,
      h('span', { class: 'separator', 'aria-hidden': 'true' }),
      slower, speed, faster,
      counter),
    h('div', { class: 'schedule-row' },
      copy, schedule),
    h('div', { class: 'schedule-row' },
      h('label', { for: 'replay-input' }, 'Replay a schedule'), replayInput, replay));

  return {
    root,
    replayInput,
    update(s) {
      const v = currentViolation(s);
      const n = v?.steps.length ?? 0;
      const busy = s.run.kind === 'running';
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
      schedule.textContent = v?.schedule ?? '';
      replay.disabled = busy;
    },
  };
}
