import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contentSecurityPolicy, makeNonce, simulatorHtml } from '../../src/extension/simulator/html';

const input = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  nonce: 'abc123',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/simulator.css',
  codiconUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/codicons/codicon.css',
};

test('the CSP allows nothing by default, scripts by nonce only, styles and fonts from the webview origin', () => {
  const csp = contentSecurityPolicy(input.cspSource, input.nonce);
  const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k!, v]));
  assert.deepEqual(directives.get('default-src'), ["'none'"]);
  assert.deepEqual(directives.get('script-src'), ["'nonce-abc123'"]);
  assert.deepEqual(directives.get('style-src'), [input.cspSource]);
  assert.deepEqual(directives.get('font-src'), [input.cspSource]);
  assert.ok(!csp.includes('unsafe'), 'no unsafe-inline or unsafe-eval');
});

test('the page carries the CSP, one nonce-bearing script and no inline code', () => {
  const html = simulatorHtml(input);
  assert.ok(html.includes(`<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(input.cspSource, input.nonce)}">`));
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
  assert.equal(scripts.length, 1);
  assert.match(scripts[0]![1]!, /nonce="abc123"/);
  assert.match(scripts[0]![1]!, /src="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/ext\/dist\/webview\.js"/);
  assert.equal(scripts[0]![2], '', 'no inline script body');
  assert.doesNotMatch(html, /\son[a-z]+=/i, 'no inline event handler attributes');
  assert.doesNotMatch(html, /<style/i, 'no inline style element');
});

test('URIs are attribute-escaped; nonces are fresh and alphanumeric', () => {
  const html = simulatorHtml({ ...input, scriptUri: 'https://x/"><script>alert(1)</script>' });
  assert.doesNotMatch(html, /<script>alert/);
  const a = makeNonce();
  const b = makeNonce();
  assert.match(a, /^[A-Za-z0-9]{16,}$/);
  assert.notEqual(a, b);
});
