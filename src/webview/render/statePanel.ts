// The model state at the current position, compact enough to stand beside (or under) the lanes: one
// block per lock (mode, holders, waiters), per flow (refcount, flag, memory, table, whether the put
// that deleted it has finished), the table's contents and one line per context (status, what it runs
// next or why it waits, its registers). Values that changed at this step are marked with a colour, a
// glyph and words for screen readers, as the TLA+ trace view does.
import { h, icon, srOnly } from '../dom';
import { changedKeys, colourOf, stateAt, waitParts } from '../derive';
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

/** One `name value` pair of a lock or flow block. */
function field(name: string, v: HTMLElement, title?: string): HTMLElement {
  return h('span', { class: 'field-pair' }, h('span', { class: 'k', title: title ?? null }, name), ' ', v);
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

      const locks = s.locks.map((l) => h('div', { class: 'obj lock' },
        h('h4', {}, icon(l.mode === 'free' ? 'unlock' : 'lock'), ` ${l.name}`, h('span', { class: 'lock-kind' }, ` (${KIND_TEXT[l.kind]})`)),
        h('p', { class: 'fields' },
          field('mode', value(modeText(l.kind, l.mode), `lock ${l.name}.mode`, changed, `mode-${l.mode}`)),
          field(l.kind === 'rcu' ? 'readers' : 'owner', value(l.holders.map(labelOf).join(', '), `lock ${l.name}.holders`, changed)),
          field('waiters', value(l.waiters.map((w) => `${labelOf(w.context)} (${w.mode})`).join(', '), `lock ${l.name}.waiters`, changed)))));

      const flows = s.flows.map((f) => h('div', { class: `obj flow${f.freed ? ' freed' : ''}` },
        h('h4', {}, icon('symbol-field'), ` flow ${f.name}`),
        h('p', { class: 'fields' },
          field('refcount', value(String(f.refcount), `flow ${f.name}.refcount`, changed, f.refcount < 0 ? 'bad' : '')),
          field('flag', value(f.flag, `flow ${f.name}.flag`, changed)),
          field('memory', value(f.freed ? 'freed' : 'live', `flow ${f.name}.freed`, changed, f.freed ? 'bad' : '')),
          field('table', value(f.linked ? 'linked' : 'unlinked', `flow ${f.name}.linked`, changed)),
          // Not "deleted": the put frees the flow before it finishes; this turns yes when it has finished.
          field('deleting put finished', value(f.retired ? 'yes' : 'no', `flow ${f.name}.retired`, changed),
            'a put that deleted this flow has finished: from then on a lookup must not find it'))));

      const table = h('p', { class: 'table-line' }, h('span', { class: 'k' }, 'table '), value(s.table.join(', '), 'table', changed));

      const contexts = h('ul', { class: 'contexts' }, s.contexts.map((c) => {
        const i = ctxIndex(c.context);
        const wait = c.waitsFor ? waitParts(c.waitsFor) : null;
        return h('li', { class: `ctx lane-${colourOf(Math.max(0, i))}${c.status === 'blocked' ? ' blocked' : ''}` },
          h('span', { class: 'lane-swatch', 'aria-hidden': 'true' }),
          h('span', { class: 'ctx-label' }, labelOf(c.context)), ' ',
          value(c.status, `context ${c.context}.status`, changed, `status-${c.status}`),
          c.status === 'ready' && c.nextLine !== null ? h('span', { class: 'next' }, ` next, line ${c.nextLine + 1}: ${c.next}`) : null,
          wait ? h('span', { class: 'waits' }, ` ${wait.verb} `, value(wait.what, `context ${c.context}.waitsFor`, changed)) : null,
          c.locals.length === 0 ? null : h('span', { class: 'locals' }, c.locals.map((l) =>
            h('span', { class: 'local' }, h('code', {}, l.name), ' = ', value(l.value, `context ${c.context}.${l.name}`, changed)))));
      }));

      root.replaceChildren(
        h('h3', {}, position === 0 ? 'Initial state' : `State after step ${position}`),
        h('div', { class: 'objects' }, locks, flows),
        table,
        h('h3', {}, 'Contexts'),
        contexts);
    },
  };
}
