// The cost counters of every protocol run so far, side by side (one column per protocol), so the price of
// a safe design — more lock acquisitions, more waiting — is next to the unsafe one's.
import { h, replaceChildren } from '../dom';
import type { CostView } from '../model';
import type { ViewState } from '../state';

export interface CostsView {
  root: HTMLElement;
  update(s: ViewState): void;
}

function fmt(n: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

export function buildCosts(): CostsView {
  const body = h('div', {});
  const root = h('section', { class: 'costs', 'aria-labelledby': 'costs-title', hidden: true },
    h('h2', { id: 'costs-title' }, 'Costs per protocol'), body);
  let shown: CostView[] | null = null;
  let shownProtocol = '';
  let shownProtocols: ViewState['protocols'] | null = null;
  return {
    root,
    update(s) {
      if (s.costs === shown && s.scenario.protocol === shownProtocol && s.protocols === shownProtocols) return;
      shown = s.costs;
      shownProtocols = s.protocols;
      shownProtocol = s.scenario.protocol;
      root.hidden = s.costs.length === 0;
      const names: string[] = [];
      for (const c of s.costs) for (const k of c.counters) if (!names.includes(k.name)) names.push(k.name);
      // The protocol list's order (the seed's proposals first), then any others by name.
      const rank = (p: string): number => {
        const i = s.protocols.findIndex((x) => x.id === p);
        return i < 0 ? s.protocols.length : i;
      };
      const cols = [...s.costs].sort((a, b) => rank(a.protocol) - rank(b.protocol) || a.protocol.localeCompare(b.protocol));
      replaceChildren(body, h('div', { class: 'costs-scroll' }, h('table', { class: 'costs-table' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'counter'),
          cols.map((c) => h('th', { scope: 'col', class: c.protocol === s.scenario.protocol ? 'selected' : '' }, c.protocol)))),
        h('tbody', {}, names.map((n) => h('tr', {},
          h('th', { scope: 'row' }, n),
          cols.map((c) => {
            const v = c.counters.find((k) => k.name === n)?.value;
            return h('td', { class: c.protocol === s.scenario.protocol ? 'selected' : '' }, v === undefined ? '—' : fmt(v));
          })))))));
    },
  };
}
