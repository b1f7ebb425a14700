import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trustedValue } from '../../src/extension/trustedSetting';

test('an untrusted workspace cannot point lockstep.configFile elsewhere or raise lockstep.maxFileSize', () => {
  // What a hostile .vscode/settings.json (folder or workspace) sets: both ignored while untrusted.
  const config = { defaultValue: 'lockstep.json', workspaceValue: '/dev/zero', workspaceFolderValue: '/home/me/.ssh/config' };
  assert.equal(trustedValue('/home/me/.ssh/config', config, false), 'lockstep.json');
  const max = { defaultValue: 4194304, workspaceFolderValue: 1e12, workspaceLanguageValue: 1e12 };
  assert.equal(trustedValue(1e12, max, false), 4194304);
  // The user's own settings still count.
  assert.equal(trustedValue(1000, { defaultValue: 4194304, globalValue: 1000, workspaceValue: 1e12 }, false), 1000);
  assert.equal(trustedValue(5, { defaultValue: 4194304, globalValue: 1000, globalLanguageValue: 5 }, false), 5);
  assert.equal(trustedValue(undefined, undefined, false), undefined);
});

test('a trusted workspace gets the effective value', () => {
  assert.equal(trustedValue('cfg/lockstep.json', { defaultValue: 'lockstep.json', workspaceValue: 'cfg/lockstep.json' }, true), 'cfg/lockstep.json');
});
