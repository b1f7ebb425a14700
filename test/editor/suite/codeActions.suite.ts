import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { LEAK, LEAK_FIXED, closeAll, lockstepApi, openScratch, waitFor, waitForNone, waitForRule } from './helpers';

async function actionsAt(uri: vscode.Uri, d: vscode.Diagnostic): Promise<vscode.CodeAction[]> {
  const all = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', uri, d.range, vscode.CodeActionKind.QuickFix.value);
  return all.filter((a): a is vscode.CodeAction => 'kind' in a || 'edit' in a || 'isPreferred' in a);
}

export function codeActionsSuite(): void {
  suite('quick fixes', () => {
    suiteSetup(async () => {
      await lockstepApi();
    });
    teardown(closeAll);

    test('the preferred fix inserts the matching release; one undo restores the leak', async () => {
      const editor = await openScratch('fix.c', LEAK);
      const uri = editor.document.uri;
      const d = await waitForRule(uri, 'lock-leak');
      const actions = await actionsAt(uri, d);
      const preferred = actions.filter((a) => a.isPreferred);
      assert.equal(preferred.length, 1, actions.map((a) => a.title).join(' | '));
      assert.equal(preferred[0]!.title, 'Insert spin_unlock(l); before the exit on line 5');
      assert.ok(preferred[0]!.edit);
      assert.ok(await vscode.workspace.applyEdit(preferred[0]!.edit));
      assert.equal(editor.document.getText(), LEAK_FIXED);
      await waitForNone(uri, 'lock-leak');
      await vscode.commands.executeCommand('undo');
      await waitFor('undo to restore the text', () => editor.document.getText() === LEAK);
      await waitForRule(uri, 'lock-leak');
    });

    test('a ref leak gets the missing put before the leaking return', async () => {
      const text = 'int use_dev(struct net *net, const char *name)\n{\n\tstruct net_device *dev = dev_get_by_name(net, name);\n\n\tif (!dev)\n\t\treturn -ENODEV;\n\tif (dev->mtu < 68) {\n\t\treturn -EINVAL;\n\t}\n\tdev_put(dev);\n\treturn 0;\n}\n';
      const editor = await openScratch('ref.c', text);
      const d = await waitForRule(editor.document.uri, 'ref-leak');
      const fix = (await actionsAt(editor.document.uri, d)).find((a) => a.isPreferred);
      assert.ok(fix?.edit, 'a preferred fix');
      assert.equal(fix.title, 'Insert dev_put(dev); before the exit on line 8', `diagnostic at line ${d.range.start.line + 1}: ${d.message}`);
      assert.ok(await vscode.workspace.applyEdit(fix.edit));
      assert.equal(editor.document.getText(), text.replace('\t\treturn -EINVAL;', '\t\tdev_put(dev);\n\t\treturn -EINVAL;'));
      await waitForNone(editor.document.uri, 'ref-leak');
    });

    test('a release that does not match its acquire is replaced by the one that does', async () => {
      const text = 'void bump(struct tbl *t)\n{\n\tunsigned long flags;\n\n\tspin_lock_irqsave(&t->lock, flags);\n\tt->n++;\n\tspin_unlock(&t->lock);\n}\n';
      const editor = await openScratch('mismatch.c', text);
      const d = await waitForRule(editor.document.uri, 'release-mismatch');
      const fix = (await actionsAt(editor.document.uri, d)).find((a) => a.isPreferred);
      assert.ok(fix?.edit, 'a preferred fix');
      assert.equal(fix.title, 'Replace with spin_unlock_irqrestore(&t->lock, flags) (matches the acquire on line 5)');
      assert.ok(await vscode.workspace.applyEdit(fix.edit));
      assert.equal(editor.document.getText(), text.replace('spin_unlock(&t->lock);', 'spin_unlock_irqrestore(&t->lock, flags);'));
      await waitForNone(editor.document.uri, 'release-mismatch');
    });

    test('a plain spin_lock in process context on a lock softirqs take gets the _bh form, with its release', async () => {
      const text = [
        'struct stats { spinlock_t lock; u64 n; };',
        'void stats_read(struct stats *s, u64 *n)',
        '{',
        '\tspin_lock_bh(&s->lock);',
        '\t*n = s->n;',
        '\tspin_unlock_bh(&s->lock);',
        '}',
        'void stats_reset(struct stats *s)',
        '{',
        '\tmutex_lock(&cfg_mutex);',
        '\tspin_lock(&s->lock);',
        '\ts->n = 0;',
        '\tspin_unlock(&s->lock);',
        '\tmutex_unlock(&cfg_mutex);',
        '}',
        '',
      ].join('\n');
      const editor = await openScratch('variant.c', text);
      const d = await waitForRule(editor.document.uri, 'context-mismatch');
      const fix = (await actionsAt(editor.document.uri, d)).find((a) => a.isPreferred);
      assert.ok(fix?.edit, 'a preferred fix');
      assert.equal(fix.title, 'Take &s->lock with spin_lock_bh (and release it with spin_unlock_bh)');
      assert.ok(await vscode.workspace.applyEdit(fix.edit));
      assert.equal(editor.document.getText(), text.replace('\tspin_lock(&s->lock);', '\tspin_lock_bh(&s->lock);').replace('\tspin_unlock(&s->lock);', '\tspin_unlock_bh(&s->lock);'));
      await waitForNone(editor.document.uri, 'context-mismatch');
    });

    test('the suppression fix adds a lockstep-ignore comment with a reason placeholder', async () => {
      const editor = await openScratch('suppress.c', LEAK);
      const uri = editor.document.uri;
      const d = await waitForRule(uri, 'lock-leak');
      const suppress = (await actionsAt(uri, d)).find((a) => /^Suppress lock-leak/.test(a.title));
      assert.ok(suppress?.edit);
      assert.equal(suppress.isPreferred, false);
      assert.ok(await vscode.workspace.applyEdit(suppress.edit));
      assert.equal(editor.document.lineAt(4).text, '\t\t/* lockstep-ignore lock-leak: <reason> */');
      await waitForNone(uri, 'lock-leak');
      // The placeholder is not a reason: the engine asks for one.
      const note = await waitForRule(uri, 'suppression-without-reason');
      assert.equal(note.range.start.line, 4);
    });

    test('"Show documentation for lock-leak" opens the shipped rule page inside the editor', async () => {
      const editor = await openScratch('docs.c', LEAK);
      const d = await waitForRule(editor.document.uri, 'lock-leak');
      const show = (await actionsAt(editor.document.uri, d)).find((a) => a.title === 'Show documentation for lock-leak');
      assert.ok(show?.command, 'a documentation action');
      await vscode.commands.executeCommand(show.command.command, ...(show.command.arguments ?? []));
      await waitFor('the rule page to open', () => {
        const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => /lock-leak/.test(t.label));
        return tab;
      });
    });

    test('a use-after-unlock offers "Simulate this": the function as the packet path', async () => {
      const text = 'typedef struct _OVS_FLOW { LONG refCount; UINT64 packetCount; } OVS_FLOW, *POVS_FLOW;\n'
        + 'VOID\nPacketPath(POVS_DATAPATH datapath, POVS_FLOW_KEY key)\n{\n\tLOCK_STATE_EX ls;\n\tPOVS_FLOW flow;\n\n'
        + '\tNdisAcquireRWLockRead(datapath->lock, &ls, 0);\n\tflow = OvsLookupFlow(datapath, key);\n\tNdisReleaseRWLock(datapath->lock, &ls);\n'
        + '\tif (flow != NULL)\n\t\tflow->packetCount++;\n}\n';
      const editor = await openScratch('uau.c', text);
      const d = await waitForRule(editor.document.uri, 'use-after-unlock');
      assert.equal(d.range.start.line, 11);
      const simulate = (await actionsAt(editor.document.uri, d)).find((a) => /^Simulate this/.test(a.title));
      assert.ok(simulate?.command, 'a Simulate this action');
      assert.equal(simulate.command.command, 'lockstep.simulateFunction');
      assert.deepEqual(simulate.command.arguments?.slice(1), ['PacketPath', 'packet']);
    });

    test('a use after the unlock: the unlock moves below the last use (one undoable edit)', async () => {
      const text = 'struct port { struct hmap_node node; struct ovs_refcount ref_cnt; int rx; };\n'
        + 'void\nport_rx(struct hmap *ports, struct ovs_mutex *m, int no)\n{\n\tstruct port *port;\n\n'
        + '\tovs_mutex_lock(m);\n\tport = port_lookup(ports, no);\n\tovs_mutex_unlock(m);\n\tif (port)\n\t\tport->rx++;\n}\n';
      const editor = await openScratch('move-unlock.c', text);
      const uri = editor.document.uri;
      const d = await waitForRule(uri, 'use-after-unlock');
      const fix = (await actionsAt(uri, d)).find((a) => a.isPreferred);
      assert.ok(fix?.edit, 'a preferred fix');
      assert.equal(fix.title, 'Move the unlock down to after line 11, past the last use of port');
      assert.ok(await vscode.workspace.applyEdit(fix.edit));
      const moved = text.replace('\tovs_mutex_unlock(m);\n', '').replace('\t\tport->rx++;\n', '\t\tport->rx++;\n\tovs_mutex_unlock(m);\n');
      assert.equal(editor.document.getText(), moved);
      await waitForNone(uri, 'use-after-unlock');
      await vscode.commands.executeCommand('undo');
      await waitFor('undo to restore the text', () => editor.document.getText() === text);
      await waitForRule(uri, 'use-after-unlock');
    });

    test('a free right after an RCU unlink is deferred with the grace-period API the file uses', async () => {
      const text = 'struct rule { struct cmap_node node; uint32_t id; };\n'
        + 'static void stats_free(struct stats *s)\n{\n\tovsrcu_postpone(free, s);\n}\n'
        + 'void\nrule_remove(struct cmap *rules, struct rule *rule)\n{\n\tcmap_remove(rules, &rule->node, rule->id);\n\tfree(rule);\n}\n';
      const editor = await openScratch('rcu-free.c', text);
      const d = await waitForRule(editor.document.uri, 'rcu-free');
      const fix = (await actionsAt(editor.document.uri, d)).find((a) => a.isPreferred);
      assert.ok(fix?.edit, 'a preferred fix');
      assert.equal(fix.title, 'Defer the free until readers are done: ovsrcu_postpone(free, rule) (ovsrcu_postpone instead of free)');
      assert.ok(await vscode.workspace.applyEdit(fix.edit));
      assert.equal(editor.document.getText(), text.replace('\tfree(rule);', '\tovsrcu_postpone(free, rule);'));
      await waitForNone(editor.document.uri, 'rcu-free');
    });

    test('no quick fix is offered away from a lockstep diagnostic', async () => {
      const editor = await openScratch('away.c', LEAK);
      const uri = editor.document.uri;
      await waitForRule(uri, 'lock-leak');
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, new vscode.Range(0, 0, 0, 1));
      assert.ok(!actions.some((a) => /spin_unlock|lockstep-ignore|lock-leak/.test(a.title)), actions.map((a) => a.title).join(' | '));
    });
  });
}
