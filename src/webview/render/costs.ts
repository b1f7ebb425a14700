// The cost counters of every protocol run so far, compact: one row per protocol, one column per group of
// counters (`per packet` shows `steps · locks · write locks · RCU sections` as `13 · 2 · 1 · 0`, named once
// in the header), so the price of a safe design — more lock acquisitions, more waiting — sits next to the
// unsafe one's in a beside-the-code column without scrolling sideways.
import { h, replaceChildren } from '../dom';
import type { CostView } from '../model';
import type { ViewState } from '../state';

export interface CostsView {
  root: HTMLElement;
  update(s: ViewState): void;
}

function fmt(n: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: 1 });
}

interface Group {
  name: string;
  counters: string[];
}

/** Counters named `group: counter` grouped in first-seen order; a name without a group is its own group. */
export function costGroups(costs: readonly CostView[]): Group[] {
  const groups: Group[] = [];
  for (const c of costs) {
    for (const k of c.counters) {
      const colon = k.name.indexOf(': ');
      const group = colon > 0 ? k.name.slice(0, colon) : k.name;
      let g = groups.find((x) => x.name === group);
      if (!g) groups.push((g = { name: group, counters: [] }));
      if (!g.counters.includes(k.name)) g.counters.push(k.name);
    }
  }
  return groups;
}

function counterLabel(group: Group, name: string): string {
  return name.startsWith(`${group.name}: `) ? name.slice(group.name.length + 2) : '';
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
      const groups = costGroups(s.costs);
      // The protocol list's order (the seed's proposals first), then any others by name.
      const rank = (p: string): number => {
        const i = s.protocols.findIndex((x) => x.id === p);
        return i < 0 ? s.protocols.length : i;
      };
      const rows = [...s.costs].sort((a, b) => rank(a.protocol) - rank(b.protocol) || a.protocol.localeCompare(b.protocol));
      replaceChildren(body, h('table', { class: 'costs-table' },
        h('thead', {},
          h('tr', {}, h('th', { scope: 'col', rowspan: 2 }, 'protocol'), groups.map((g) => h('th', { scope: 'colgroup' }, g.name))),
          h('tr', { class: 'legend' }, groups.map((g) => h('th', { scope: 'col' }, g.counters.map((n) => counterLabel(g, n)).filter((x) => x !== '').join(' · '))))),
        h('tbody', {}, rows.map((c) => {
          const selected = c.protocol === s.scenario.protocol;
          return h('tr', { class: selected ? 'selected' : '' },
            h('th', { scope: 'row' }, c.protocol),
            groups.map((g) => h('td', {}, g.counters.map((n) => {
              const v = c.counters.find((k) => k.name === n)?.value;
              return v === undefined ? '—' : fmt(v);
            }).join(' · '))));
        }))));
    },
  };
}
