import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinKnowledge } from '../../../src/core/apis/builtin';
import type { Finding } from '../../../src/core/findings';
import { applyEdits } from '../../../src/core/fixes/applyEdits';
import { analyzeFiles } from '../../../src/core/project';
import { testParser } from '../../helpers/grammar';

const knowledge = builtinKnowledge();

async function rcuFrees(text: string): Promise<Finding[]> {
  return analyzeFiles(await testParser(), [{ uri: 'file:///t.c', text }], { knowledge, fixes: true }).findings.filter((f) => f.ruleId === 'rcu-free');
}

// OVS userspace: a rule removed from a cmap that the packet path reads under RCU; the file already
// postpones another free, so that is the grace-period API to use.
const USERSPACE = [
  'struct rule { struct cmap_node node; uint32_t id; };',
  'struct table { struct ovs_mutex mutex; struct cmap rules; };',
  '',
  'static void',
  'table_clear_stats(struct table *t, struct stats *s)',
  '{',
  '    ovsrcu_postpone(free, s);',
  '}',
  '',
  'void',
  'table_remove_rule(struct table *t, struct rule *rule)',
  '{',
  '    ovs_mutex_lock(&t->mutex);',
  '    cmap_remove(&t->rules, &rule->node, rule->id);',
  '    ovs_mutex_unlock(&t->mutex);',
  '    free(rule);',
  '}',
  '',
].join('\n');

test('rcu-free: ovsrcu_postpone(free, p) where the file already postpones frees; the finding is gone after', async () => {
  const [f, ...more] = await rcuFrees(USERSPACE);
  assert.ok(f);
  assert.equal(more.length, 0);
  const fix = f.fixes?.[0];
  assert.ok(fix);
  assert.equal(fix.title, 'Defer the free until readers are done: `ovsrcu_postpone(free, rule)` (ovsrcu_postpone instead of free)');
  const fixed = applyEdits(USERSPACE, fix.edits);
  assert.equal(fixed, USERSPACE.replace('    free(rule);', '    ovsrcu_postpone(free, rule);'));
  assert.deepEqual(await rcuFrees(fixed), []);
});

// Linux: a vport unlinked from an RCU hash chain; the struct has its rcu_head and the file uses kfree_rcu.
const LINUX = [
  'struct vport { struct hlist_node hash_node; struct rcu_head rcu; int port_no; };',
  'struct dev_entry { struct list_head list; struct rcu_head rcu_head; };',
  '',
  'static void dev_entry_del(struct dev_entry *e)',
  '{',
  '\tlist_del_rcu(&e->list);',
  '\tkfree_rcu(e, rcu_head);',
  '}',
  '',
  'void vport_del(struct vport *vport)',
  '{',
  '\thlist_del_rcu(&vport->hash_node);',
  '\tkfree(vport);',
  '}',
  '',
].join('\n');

test('rcu-free: kfree_rcu(p, <the struct\'s rcu_head>) for a kfree in a file that uses kfree_rcu', async () => {
  const [f] = await rcuFrees(LINUX);
  assert.ok(f?.fixes?.[0]);
  const fixed = applyEdits(LINUX, f.fixes[0].edits);
  assert.equal(fixed, LINUX.replace('\tkfree(vport);', '\tkfree_rcu(vport, rcu);'));
  assert.deepEqual(await rcuFrees(fixed), []);
});

test('rcu-free: no fix when the file calls no grace-period API of that shape, or the struct has no rcu_head', async () => {
  const cases: [string, string][] = [
    // Only call_rcu (needs a callback the fix cannot write) and synchronize_rcu elsewhere: nothing to copy.
    ['call_rcu only', LINUX.replace('\tkfree_rcu(e, rcu_head);', '\tcall_rcu(&e->rcu_head, dev_entry_free_rcu);')],
    // kfree_rcu is used, but struct vport has no rcu_head to name.
    ['no rcu_head', LINUX.replace(' struct rcu_head rcu; int port_no;', ' int port_no;')],
    // No grace-period API anywhere in the file.
    ['nothing to copy', USERSPACE.replace('    ovsrcu_postpone(free, s);\n', '    memset(s, 0, sizeof *s);\n')],
    // A free that takes more than the object (the pool's tag): no callback form can carry it.
    ['two-argument free', USERSPACE.replace('    free(rule);', '    ExFreePoolWithTag(rule, RULE_TAG);')],
  ];
  for (const [name, text] of cases) {
    const found = await rcuFrees(text);
    assert.equal(found.length, 1, `${name}: the finding is still there`);
    assert.deepEqual(found[0]!.fixes ?? [], [], name);
  }
});

// OVS userspace, the RCU-published field shape: the table's current array freed through its reader
// accessor, in a file that retires old arrays with ovsrcu_postpone.
const FIELD = [
  'struct slots { size_t n; };',
  'struct table { OVSRCU_TYPE(struct slots *) slots; };',
  '',
  'static struct slots *',
  'table_slots(const struct table *t)',
  '{',
  '    return ovsrcu_get(struct slots *, &t->slots);',
  '}',
  '',
  'void',
  'table_replace(struct table *t, struct slots *new)',
  '{',
  '    struct slots *old = table_slots(t);',
  '',
  '    ovsrcu_set(&t->slots, new);',
  '    ovsrcu_postpone(free, old);',
  '}',
  '',
  'void',
  'table_destroy(struct table *t)',
  '{',
  '    free(table_slots(t));',
  '}',
  '',
].join('\n');

test('rcu-free: a published field\'s value freed through an accessor gets ovsrcu_postpone(free, accessor(t)); quiet after', async () => {
  const [f, ...more] = await rcuFrees(FIELD);
  assert.ok(f);
  assert.equal(more.length, 0);
  assert.equal(f.functionName, 'table_destroy');
  const fix = f.fixes?.[0];
  assert.ok(fix);
  const fixed = applyEdits(FIELD, fix.edits);
  assert.equal(fixed, FIELD.replace('    free(table_slots(t));', '    ovsrcu_postpone(free, table_slots(t));'));
  assert.deepEqual(await rcuFrees(fixed), []);
});
