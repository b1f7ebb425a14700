// The model state at the current position: each lock (mode, holders, waiters), each flow (refcount, flag,
// freed, linked), the table's contents and each context's status and locals. Values that changed at this
// step are marked with a colour, a glyph and words for screen readers, as the TLA+ trace view does.
import { h, icon, srOnly } from '../dom';
import { changedKeys, colourOf, stateAt } from '../derive';
import type { LockView, ViolationView } from '../model';

export interface StatePanelView {
  root: HTMLElement;
  update(v: ViolationView | null, position: number): void;
}

function value(text: string, key: string, changed: Set<string>, extraClass = ''): HTMLElement {
  const isChanged = changed.has(key);
  return h('span', { class: `val${isChanged ? ' changed' : ''}${extraClass ? ` ${extraClass}` : ''}`, 'data-key': key, title: isChanged ? 'changed at this step' : null },
    isChanged ? h('span', { class: 'change-mark', 'aria-hidden': 'true' }, '●') : null,
    text === '' ? '—' : text,
    isChanged ? srOnly(' (changed)') : null);
}

const KIND_TEXT = { rw: 'reader-writer lock', mutex: 'mutex', rcu: 'RCU' } as const;

function modeText(kind: LockView['kind'], mode: LockView['mode']): string {
  if (mode === 'free') return 'free';
  if (kind === 'rcu') return 'read-side section';
  return kind === 'mutex' ? 'held' : `${mode}-held`;
}

export function buildStatePanel(): StatePanelView {
  const root = h('div', { class: 'state', id: 'state', 'aria-label': 'State after this step', role: 'region' });
  return {
    root,
    update(v, position) {
      root.hidden = v === null;
      if (!v) return;
      const s = stateAt(v, position);
      const changed = changedKeys(v, position);
      const labelOf = (id: string): string => v.contexts.find((c) => c.id === id)?.label ?? id;
      const ctxIndex = (id: string): number => v.contexts.findIndex((c) => c.id === id);

      const locks = s.locks.map((l) => h('div', { class: 'lock' },
        h('h4', {}, icon(l.mode === 'free' ? 'unlock' : 'lock'), ` ${l.name}`, h('span', { class: 'lock-kind' }, ` (${KIND_TEXT[l.kind]})`)),
        h('dl', {},
          h('dt', {}, 'mode'), h('dd', {}, value(modeText(l.kind, l.mode), `lock ${l.name}.mode`, changed, `mode-${l.mode}`)),
          h('dt', {}, l.kind === 'rcu' ? 'readers' : 'owner'), h('dd', {}, value(l.holders.map(labelOf).join(', '), `lock ${l.name}.holders`, changed)),
          h('dt', {}, 'waiters'), h('dd', {}, value(l.waiters.map((w) => `${labelOf(w.context)} (${w.mode})`).join(', '), `lock ${l.name}.waiters`, changed)))));

      // One block per flow, like the locks: narrow enough for a side column, every value labelled.
      const flows = h('div', { class: 'flows' }, s.flows.map((f) => h('div', { class: `flow${f.freed ? ' freed' : ''}` },
        h('h4', {}, icon('symbol-field'), ` flow ${f.name}`),
        h('dl', {},
          h('dt', {}, 'refcount'), h('dd', {}, value(String(f.refcount), `flow ${f.name}.refcount`, changed, f.refcount < 0 ? 'bad' : '')),
          h('dt', {}, 'flag'), h('dd', {}, value(f.flag, `flow ${f.name}.flag`, changed)),
          h('dt', {}, 'memory'), h('dd', {}, value(f.freed ? 'freed' : 'live', `flow ${f.name}.freed`, changed, f.freed ? 'bad' : '')),
          h('dt', {}, 'in table'), h('dd', {}, value(f.linked ? 'linked' : 'unlinked', `flow ${f.name}.linked`, changed)),
          h('dt', { title: 'a put that targeted this flow has completed: later lookups must not find it' }, 'deleted by a put'),
          h('dd', {}, value(f.retired ? 'yes' : 'no', `flow ${f.name}.retired`, changed))))));

      const table = h('p', { class: 'table-line' }, h('span', { class: 'key' }, 'table: '), value(s.table.join(', '), 'table', changed));

      const contexts = h('ul', { class: 'contexts' }, s.contexts.map((c) => {
        const i = ctxIndex(c.context);
        return h('li', { class: `ctx lane-${colourOf(Math.max(0, i))}${c.status === 'blocked' ? ' blocked' : ''}` },
          h('span', { class: 'lane-swatch', 'aria-hidden': 'true' }),
          h('span', { class: 'ctx-label' }, labelOf(c.context)), ' ',
          value(c.status, `context ${c.context}.status`, changed, `status-${c.status}`),
          c.status === 'ready' && c.nextLine !== null ? h('span', { class: 'next' }, ` next L${c.nextLine + 1}: ${c.next}`) : null,
          c.waitsFor ? h('span', { class: 'waits' }, ' — waits for ', value(c.waitsFor, `context ${c.context}.waitsFor`, changed)) : null,
          c.locals.length === 0 ? null : h('span', { class: 'locals' }, c.locals.map((l) =>
            h('span', { class: 'local' }, h('code', {}, l.name), ' = ', value(l.value, `context ${c.context}.${l.name}`, changed)))));
      }));

      root.replaceChildren(
        h('h3', {}, position === 0 ? 'Initial state' : `State after step ${position}`),
        h('div', { class: 'locks' }, locks, flows),
        table,
        h('h3', {}, 'Contexts'),
        contexts);
    },
  };
}
