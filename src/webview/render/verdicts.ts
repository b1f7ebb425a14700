// The result of a run: one row per invariant (safe or violated), the states explored and the time, and a
// button per violation that opens its schedule. Re-rendered only when the result or the selection changes.
import { h, icon, formatInt, formatMs, replaceChildren } from '../dom';
import type { RunResult } from '../model';
import type { ViewState } from '../state';
import type { UiEvent } from './events';

export interface VerdictsView {
  root: HTMLElement;
  update(s: ViewState): void;
}

function scenarioText(r: RunResult): string {
  const sc = r.scenario;
  const bound = sc.preemptionBound === null ? '' : `, at most ${sc.preemptionBound} preemptions`;
  return `${sc.packets} packet${sc.packets === 1 ? '' : 's'} × ${sc.puts} put${sc.puts === 1 ? '' : 's'}${bound}`;
}

const VERDICT_ICON = { safe: 'pass', violated: 'error', unknown: 'question' } as const;

export function buildVerdicts(emit: (e: UiEvent) => void): VerdictsView {
  const body = h('div', { class: 'verdicts-body' });
  const root = h('section', { class: 'verdicts', 'aria-labelledby': 'verdicts-title', hidden: true },
    h('h2', { id: 'verdicts-title' }, 'Result'), body);
  let shown: RunResult | null = null;
  let shownViolation = -1;

  body.addEventListener('click', (ev) => {
    const btn = (ev.target as Element).closest('button[data-violation]');
    if (btn) emit({ type: 'selectViolation', index: Number(btn.getAttribute('data-violation')) });
  });

  return {
    root,
    update(s) {
      if (s.result === shown && s.violation === shownViolation) return;
      shown = s.result;
      shownViolation = s.violation;
      const r = s.result;
      root.hidden = r === null;
      if (!r) return;
      const violated = r.invariants.filter((i) => i.verdict === 'violated').length;
      // "Safe" only when the search covered every state; a partial search that found nothing proves nothing.
      const headline = r.verdict === 'violated'
        ? h('p', { class: 'headline violated' }, icon('error'), ` Violated: ${violated} of ${r.invariants.length} invariants break`)
        : r.verdict === 'safe' && r.stats.exhaustive
          ? h('p', { class: 'headline safe' }, icon('pass'), ` Safe: all ${r.invariants.length} invariants hold`)
          : h('p', { class: 'headline unknown' }, icon('warning'), ' No violation found in the part of the search that ran');
      const stats = h('p', { class: 'stats' },
        `${r.protocol}, ${scenarioText(r)}${r.replayOf ? ', replayed schedule' : ''} — `,
        `${formatInt(r.stats.states)} states, ${formatInt(r.stats.transitions)} transitions, ${formatMs(r.stats.ms)}`,
        r.stats.exhaustive ? ' (exhaustive)' : ` (${r.stats.stoppedBecause ?? (r.stats.mode === 'replay' ? 'one schedule replayed' : 'search stopped early')}: not a proof)`);
      const rows = r.invariants.map((inv) => {
        const isShown = inv.violation !== null && inv.violation === s.violation;
        return h('li', { class: `invariant ${inv.verdict}${isShown ? ' selected' : ''}` },
          icon(VERDICT_ICON[inv.verdict]),
          h('span', { class: 'inv-verdict' }, inv.verdict),
          h('code', { class: 'inv-id' }, inv.id),
          inv.violation === null ? null
            : h('button', { type: 'button', class: 'link', 'data-violation': inv.violation, 'aria-pressed': isShown ? 'true' : 'false',
              'aria-label': `${isShown ? 'Shown below' : 'Show'}: the schedule that breaks ${inv.id}` }, isShown ? 'shown' : 'show'));
      });
      const hadFocus = body.contains(document.activeElement);
      replaceChildren(body, headline, stats, h('ul', { class: 'invariant-list', 'aria-label': 'Invariants' }, rows));
      // Re-rendering replaced the button that had focus: give it to its successor, not to the page.
      if (hadFocus) body.querySelector<HTMLButtonElement>(`button[data-violation="${s.violation}"]`)?.focus();
    },
  };
}
