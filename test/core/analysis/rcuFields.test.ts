import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { rcuFieldScope, rcuFieldTable, rcuFieldsSeenBy, type RcuFieldSource } from '../../../src/core/analysis/rcuFields';

/** The file-level table of RCU-published fields, read from function texts (the fixtures check the rule end to end). */
function fn(name: string, params: string[], text: string, line = 0): RcuFieldSource {
  return { name, params, text, start: { line, column: 0 } };
}

const writer = fn('set_cfg', ['p', 'n'], `void set_cfg(struct port *p, struct cfg *n)
{
    struct cfg *old = rcu_dereference(p->cfg);

    rcu_assign_pointer(p->cfg, n);
    call_rcu(&old->rcu, cfg_free_rcu);
}`, 10);

test('a field published and retired after a grace period is in the table, with both sites', () => {
  const t = rcuFieldTable([writer]);
  const [e, ...more] = t.fields.get('cfg') ?? [];
  assert.ok(e);
  assert.equal(more.length, 0);
  assert.equal(e.type, 'port');
  assert.equal(e.publishApi, 'rcu_assign_pointer');
  assert.equal(e.publishSite.start.line, 14);
  assert.equal(e.deferApi, 'call_rcu');
  assert.equal(e.deferSite.start.line, 15);
  assert.deepEqual([...t.callbacks], ['cfg_free_rcu']);
});

test('published but never retired after a grace period, or retired but never published: not in the table', () => {
  const onlyPublished = fn('set', ['p', 'n'], 'void set(struct port *p, struct cfg *n) { struct cfg *old = p->cfg; rcu_assign_pointer(p->cfg, n); kfree(old); }');
  assert.equal(rcuFieldTable([onlyPublished]).fields.size, 0);
  const onlyDeferred = fn('drop', ['p'], 'void drop(struct port *p) { kfree_rcu(p->cfg, rcu); }');
  assert.equal(rcuFieldTable([onlyDeferred]).fields.size, 0);
});

test('an accessor that returns a reader-side load of a parameter field stands for the field', () => {
  const acc = fn('impl_of', ['m'], 'static struct impl *impl_of(const struct map *m) { return ovsrcu_get(struct impl *, &m->impl); }');
  const grow = fn('grow', ['m'], 'void grow(struct map *m) { struct impl *old = impl_of(m); ovsrcu_set(&m->impl, make(old)); ovsrcu_postpone(free_cacheline, old); }');
  const t = rcuFieldTable([acc, grow]);
  assert.deepEqual(t.accessors.get('impl_of'), { param: 0, field: 'impl', side: 'reader' });
  assert.ok(t.fields.has('impl'));
  const destroy = 'void destroy(struct map *m) { free_cacheline(impl_of(m)); }';
  const scope = rcuFieldScope(t, 'destroy', destroy);
  assert.equal(scope?.freed('impl_of(m)')?.place, 'm->impl');
  assert.notEqual(rcuFieldsSeenBy(t, 'destroy', destroy), '');
});

test('what a function frees: reader-side and plain loads count, writer-side loads and its own values do not', () => {
  const t = rcuFieldTable([writer]);
  const body = `void f(struct port *p, struct port *q)
{
    struct cfg *cur = p->cfg;
    struct cfg *mine;

    mine = rcu_dereference_protected(q->cfg, 1);
    q->cfg = kmalloc(8, GFP_KERNEL);
    kfree(cur);
}`;
  const scope = rcuFieldScope(t, 'f', body);
  assert.ok(scope);
  assert.equal(scope.freed('p->cfg')?.place, 'p->cfg');
  assert.equal(scope.freed('rcu_dereference(p->cfg)')?.place, 'p->cfg');
  assert.deepEqual({ ...scope.freed('cur') }, { field: 'cfg', base: 'p', place: 'p->cfg', local: 'cur', evidence: t.fields.get('cfg')?.[0] });
  assert.equal(scope.freed('mine'), undefined);
  assert.equal(scope.freed('rcu_dereference_raw(p->cfg)'), undefined);
  assert.equal(scope.freed('q->cfg'), undefined);
  assert.equal(scope.freed('p->other'), undefined);
});

test('a function handed to call_rcu runs after a grace period: no scope', () => {
  const t = rcuFieldTable([writer]);
  assert.equal(rcuFieldScope(t, 'cfg_free_rcu', 'static void cfg_free_rcu(struct rcu_head *h) { kfree(p->cfg); }'), undefined);
  assert.equal(rcuFieldScope(t, 'g', 'int g(int x) { return x; }'), undefined);
});

test('a waited-for grace period before a plain free retires old values too; fields are told apart by their owner type', () => {
  const set = fn('set_filter', ['br', 'f'], `void set_filter(struct bridge *br, struct filter *f)
{
    struct filter *old = rcu_dereference_protected(br->filter, 1);

    rcu_assign_pointer(br->filter, f);
    synchronize_rcu();
    kfree(old);
}`);
  const other = fn('port_set', ['p', 'f'], 'void port_set(struct port *p, struct filter *f) { rcu_assign_pointer(p->filter, f); }');
  assert.equal(rcuFieldTable([set, other]).fields.size, 0, 'without knowing kfree is a free');
  const t = rcuFieldTable([set, other], new Set(['kfree']));
  const [e, ...more] = t.fields.get('filter') ?? [];
  assert.equal(e?.type, 'bridge');
  assert.equal(e?.deferApi, 'synchronize_rcu then kfree');
  assert.equal(more.length, 0);
  const scope = rcuFieldScope(t, 'destroy', 'void destroy(struct bridge *br, struct port *p) { kfree(br->filter); kfree(p->filter); }');
  assert.equal(scope?.freed('br->filter')?.place, 'br->filter');
  assert.equal(scope?.freed('p->filter'), undefined);
});
