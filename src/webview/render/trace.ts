// The schedule, laid out like a debugger: the bar of step controls pinned at the top, the failure in
// one line, the step description (an aria-live region, so a screen reader hears each step), then the
// lanes beside the state when the panel is wide, or above it when narrow — the section is one screen
// high and each part scrolls inside it, so bar, lanes with the current row, and state are in view
// together. The schedule string closes it.
import { h, icon } from '../dom';
import { describePosition } from '../derive';
import { currentViolation, type ViewState } from '../state';
import type { UiEvent } from './events';
import { buildLanes } from './lanes';
import { buildStatePanel } from './statePanel';
import { buildToolbar } from './toolbar';

export interface TraceView {
  root: HTMLElement;
  update(s: ViewState): void;
  showCopied(): void;
}

/** "use after free: packet 2 …" with the failure's name in bold; the invariant id leads if the words lack it. */
function failureText(invariant: string, message: string): HTMLElement {
  const colon = message.indexOf(':');
  const head = colon > 0 ? message.slice(0, colon) : '';
  if (head !== '' && head.replace(/[\s-]+/g, '-').toLowerCase() === invariant) {
    return h('span', {}, h('strong', {}, head), message.slice(colon));
  }
  return h('span', {}, h('strong', {}, invariant), ': ', message);
}

export function buildTrace(emit: (e: UiEvent) => void): TraceView {
  const title = h('h2', { id: 'trace-title', class: 'sr-only' }, 'Breaking schedule');
  const failure = h('p', { id: 'failure', class: 'failure' });
  const toolbar = buildToolbar(emit);
  const description = h('p', { id: 'step-description', class: 'step-description', 'aria-live': 'polite', 'aria-atomic': 'true' });
  const lanes = buildLanes(emit);
  const state = buildStatePanel();
  const schedule = h('code', { id: 'schedule', class: 'schedule', title: 'The schedule string: Copy puts it on the clipboard; paste it into Replay or give it to lockstep simulate --replay' });
  const root = h('section', { class: 'trace', 'aria-labelledby': 'trace-title', hidden: true },
    title, toolbar.root, failure, description,
    h('div', { class: 'trace-grid' }, lanes.root, state.root),
    h('p', { class: 'schedule-line' }, h('span', { class: 'key' }, 'schedule '), schedule));

  let shownViolation: unknown = null;
  let shownPosition = -1;
  return {
    root,
    showCopied: () => toolbar.showCopied(),
    update(s) {
      toolbar.update(s);
      const v = currentViolation(s);
      root.hidden = v === null;
      if (v === shownViolation && s.position === shownPosition) return;
      shownViolation = v;
      shownPosition = s.position;
      lanes.update(v, s.position);
      state.update(v, s.position);
      if (v) {
        title.textContent = `Breaking schedule: ${v.invariant}`;
        failure.replaceChildren(icon('error'), failureText(v.invariant, v.message));
        description.textContent = describePosition(v, s.position);
        description.classList.toggle('at-failure', s.position === v.failingStep + 1);
        schedule.textContent = v.schedule;
      }
    },
  };
}
