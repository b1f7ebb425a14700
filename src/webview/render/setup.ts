// The scenario form: protocol, packets, puts, preemption bound, Run and Cancel, the run's progress, and the
// field to replay a pasted schedule. Built once; update() only changes values and states, so focus and
// typing are never disturbed.
import { h, icon, formatInt, formatMs } from '../dom';
import { SHORTCUTS } from '../keyboard';
import { MAX_PACKETS, MAX_PREEMPTIONS, MAX_PUTS } from '../modelCheck';
import type { ViewState } from '../state';
import type { UiEvent } from './events';

export interface SetupView {
  root: HTMLElement;
  replayInput: HTMLInputElement;
  update(s: ViewState): void;
}

function numberField(id: string, label: string, min: number, max: number, hint: string): { wrap: HTMLElement; input: HTMLInputElement } {
  const input = h('input', { id, type: 'number', min, max, step: 1, inputmode: 'numeric', 'aria-describedby': `${id}-hint` });
  const wrap = h('div', { class: 'field' },
    h('label', { for: id }, label),
    input,
    h('span', { id: `${id}-hint`, class: 'sr-only' }, hint));
  return { wrap, input };
}

export function buildSetup(emit: (e: UiEvent) => void): SetupView {
  const select = h('select', { id: 'protocol' });
  const packets = numberField('packets', 'Packets', 1, MAX_PACKETS, `packet contexts, 1 to ${MAX_PACKETS}`);
  const puts = numberField('puts', 'Puts', 0, MAX_PUTS, `flow put or delete contexts, 0 to ${MAX_PUTS}`);
  const bound = numberField('preemptions', 'Preemption bound', 0, MAX_PREEMPTIONS, 'empty for no bound');
  bound.input.placeholder = 'none';
  const run = h('button', { id: 'run', class: 'primary', type: 'button' }, icon('play'), ' Run');
  const cancel = h('button', { id: 'cancel', class: 'secondary', type: 'button' }, icon('debug-stop'), ' Cancel');
  const progress = h('p', { id: 'progress', class: 'progress', role: 'status', 'aria-live': 'polite' });
  const summary = h('p', { id: 'protocol-summary', class: 'summary' });
  const note = h('p', { id: 'note', class: 'note', hidden: true });

  select.addEventListener('change', () => emit({ type: 'scenario', patch: { protocol: select.value } }));
  const readInt = (input: HTMLInputElement): number | null => {
    const n = Number.parseInt(input.value, 10);
    return Number.isFinite(n) ? n : null;
  };
  packets.input.addEventListener('change', () => {
    const n = readInt(packets.input);
    if (n !== null) emit({ type: 'scenario', patch: { packets: n } });
  });
  puts.input.addEventListener('change', () => {
    const n = readInt(puts.input);
    if (n !== null) emit({ type: 'scenario', patch: { puts: n } });
  });
  bound.input.addEventListener('change', () => emit({ type: 'scenario', patch: { preemptionBound: readInt(bound.input) } }));
  run.addEventListener('click', () => emit({ type: 'run' }));
  cancel.addEventListener('click', () => emit({ type: 'cancel' }));

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

  const root = h('section', { class: 'setup', 'aria-labelledby': 'setup-title' },
    h('h2', { id: 'setup-title' }, 'Scenario'),
    note,
    h('div', { class: 'form-row' },
      h('div', { class: 'field grow' }, h('label', { for: 'protocol' }, 'Protocol'), select),
      packets.wrap, puts.wrap, bound.wrap,
      h('div', { class: 'field buttons' }, run, cancel)),
    summary,
    progress,
    h('div', { class: 'replay-row' }, h('label', { for: 'replay-input' }, `Replay a schedule (${SHORTCUTS.replay.label})`), replayInput, replay));

  let protocolsKey = '';
  return {
    root,
    replayInput,
    update(s) {
      const key = s.protocols.map((p) => `${p.id}\u0000${p.title}`).join('\u0001');
      if (key !== protocolsKey) {
        protocolsKey = key;
        select.replaceChildren(...s.protocols.map((p) => h('option', { value: p.id }, p.title === p.id ? p.id : `${p.id} — ${p.title}`)));
      }
      if (select.value !== s.scenario.protocol) select.value = s.scenario.protocol;
      const setNum = (input: HTMLInputElement, v: number | null): void => {
        const text = v === null ? '' : String(v);
        if (input.value !== text && document.activeElement !== input) input.value = text;
      };
      setNum(packets.input, s.scenario.packets);
      setNum(puts.input, s.scenario.puts);
      setNum(bound.input, s.scenario.preemptionBound);
      summary.textContent = s.protocols.find((p) => p.id === s.scenario.protocol)?.summary ?? '';
      note.hidden = s.note === null;
      note.textContent = s.note ?? '';

      const running = s.run.kind === 'running';
      run.disabled = running || s.protocols.length === 0;
      cancel.disabled = !running;
      cancel.hidden = !running;
      select.disabled = running;
      replay.disabled = running;
      switch (s.run.kind) {
        case 'running': {
          const p = s.run.progress;
          const what = s.run.replay ? 'Replaying' : 'Exploring';
          const counts = p?.states != null ? ` ${formatInt(p.states)} states${p.transitions != null ? `, ${formatInt(p.transitions)} transitions` : ''},` : '';
          progress.textContent = p ? `${what}…${counts} ${formatMs(p.ms)}` : `${what}…`;
          progress.className = 'progress busy';
          break;
        }
        case 'failed':
          progress.textContent = `Run failed: ${s.run.message}`;
          progress.className = 'progress failed';
          break;
        case 'cancelled':
          progress.textContent = 'Cancelled.';
          progress.className = 'progress';
          break;
        case 'idle':
          progress.textContent = '';
          progress.className = 'progress';
          break;
      }
    },
  };
}
