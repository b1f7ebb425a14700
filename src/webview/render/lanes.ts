// The schedule as lanes: one column per context, one row per step, each step in its context's column.
// The current step's row is lit, later rows are dimmed, the failing step is marked; each lane's header
// says where that context stands (running, blocked and why, done). Clicking a row goes to that step.
import { h, icon, replaceChildren, srOnly } from '../dom';
import { colourOf, lastStepOf, stateAt, waitParts } from '../derive';
import type { ContextStateView, ViolationView } from '../model';
import type { UiEvent } from './events';

export interface LanesView {
  root: HTMLElement;
  update(v: ViolationView | null, position: number): void;
}

function statusLine(c: ContextStateView | undefined): (Node | string)[] {
  if (!c) return [];
  switch (c.status) {
    case 'blocked': {
      if (!c.waitsFor) return [icon('watch'), ' blocked'];
      const w = waitParts(c.waitsFor);
      return [icon('watch'), w.verb === 'waits:' ? ` blocked: ${w.what}` : ` blocked, ${w.verb} ${w.what}`];
    }
    case 'done':
      return [icon('pass'), ' done'];
    case 'ready':
      return [icon('arrow-right'), c.nextLine === null ? ' ready' : ` next, line ${c.nextLine + 1}: ${c.next}`];
  }
}

/**
 * Scrolls the lanes (only the lanes: never the page around them) so `row` is in view below the sticky
 * header, with a row of context above it when there is room, as a debugger keeps the current line.
 */
function keepInView(scroller: HTMLElement, row: HTMLElement, head: HTMLElement | null): void {
  const headHeight = head?.offsetHeight ?? 0;
  const at = row.getBoundingClientRect().top - scroller.getBoundingClientRect().top + scroller.scrollTop;
  const height = row.offsetHeight;
  const view = scroller.clientHeight - headHeight;
  const visibleFrom = scroller.scrollTop + headHeight;
  if (at < visibleFrom) scroller.scrollTop = Math.max(0, at - headHeight - height);
  else if (at + height > visibleFrom + view) scroller.scrollTop = Math.min(at - headHeight - height, at + 2 * height - view - headHeight);
}

export function buildLanes(emit: (e: UiEvent) => void): LanesView {
  const root = h('div', { class: 'lanes-wrap', id: 'lanes' });
  root.addEventListener('click', (ev) => {
    const row = (ev.target as Element).closest('tr[data-position]');
    if (row) emit({ type: 'goTo', position: Number(row.getAttribute('data-position')) });
  });
  let shownViolation: ViolationView | null = null;
  let rows: HTMLTableRowElement[] = [];
  let heads: HTMLElement[] = [];
  let stepCells: HTMLElement[] = [];
  let table: HTMLTableElement | null = null;
  let current: HTMLElement | null = null;
  // Rows change height after the first layout (fonts arrive, the panel is resized, a narrow panel
  // wraps): keep the current row in view then too. Only size changes fire this, never the user's scrolling.
  const resizes = new ResizeObserver(() => {
    if (current && !root.hidden) keepInView(root, current, table?.tHead ?? null);
  });
  resizes.observe(root);

  function build(v: ViolationView): void {
    heads = v.contexts.map((c, i) => h('th', { scope: 'col', class: `lane-head lane-${colourOf(i)}` },
      h('span', { class: 'lane-swatch', 'aria-hidden': 'true' }),
      h('span', { class: 'lane-label' }, c.label),
      h('div', { class: 'lane-status' })));
    const startRow = h('tr', { class: 'step-row initial', 'data-position': 0 },
      h('th', { scope: 'row', class: 'step-no' }, '0'),
      h('td', { colspan: v.contexts.length, class: 'initial-cell' }, 'initial state'));
    rows = [startRow, ...v.steps.map((st, i) => {
      const cells = v.contexts.map((_c, ci) => ci === st.context
        ? h('td', { class: `cell lane-${colourOf(ci)} active` },
          i === v.failingStep ? h('span', { class: 'fail-mark' }, icon('error'), srOnly('invariant breaks here: '), ' ') : null,
          h('span', { class: 'line-no' }, `L${st.line + 1}`), ' ', h('span', { class: 'instr' }, st.instruction),
          st.effect && st.effect !== st.instruction ? h('span', { class: 'effect' }, st.effect) : null)
        : h('td', { class: 'cell' }));
      return h('tr', { class: `step-row${i === v.failingStep ? ' failing' : ''}`, 'data-position': i + 1 },
        h('th', { scope: 'row', class: 'step-no' }, String(i + 1)), cells);
    })];
    stepCells = rows.slice(1).map((r, i) => r.children[v.steps[i]!.context + 1] as HTMLElement);
    table = h('table', { class: 'lanes', 'aria-label': 'Schedule: one lane per context' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col', class: 'step-no' }, '#'), heads)),
      h('tbody', {}, rows));
    // Lanes keep a readable width; with many contexts the schedule scrolls sideways instead of squeezing.
    table.style.minWidth = `${3 + v.contexts.length * 10}em`;
    replaceChildren(root, table);
    resizes.disconnect();
    resizes.observe(root);
    resizes.observe(table);
  }

  return {
    root,
    update(v, position) {
      root.hidden = v === null;
      if (!v) return;
      if (v !== shownViolation) {
        shownViolation = v;
        build(v);
      }
      const state = stateAt(v, position);
      for (const cell of stepCells) cell.classList.remove('lane-current');
      v.contexts.forEach((c, i) => {
        const status = heads[i]?.querySelector('.lane-status');
        if (status) replaceChildren(status, statusLine(state.contexts.find((x) => x.context === c.id)));
        // The lane's latest step, so each lane shows where its context is.
        const last = lastStepOf(v, i, position);
        heads[i]?.classList.toggle('lane-blocked', state.contexts.find((x) => x.context === c.id)?.status === 'blocked');
        if (last >= 0) stepCells[last]?.classList.add('lane-current');
      });
      rows.forEach((r, idx) => {
        r.classList.toggle('current', idx === position);
        r.classList.toggle('future', idx > position);
        if (idx === position) r.setAttribute('aria-current', 'step');
        else r.removeAttribute('aria-current');
      });
      current = rows[position] ?? null;
      if (current) keepInView(root, current, table?.tHead ?? null);
    },
  };
}
