import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import { INITIAL, Registry, parseRawGrammar, type IGrammar } from 'vscode-textmate';
import { builtinKnowledge } from '../../src/core/apis/builtin';
import { repoRoot } from '../helpers/grammar';

// The real C grammar VS Code uses (jeff-hykin's, as shipped in VS Code's cpp extension), from the
// tm-grammars package, with our injection on top: the same engine VS Code runs.
const cGrammarFile = path.join(repoRoot, 'node_modules', 'tm-grammars', 'grammars', 'c.json');
const injectionFile = path.join(repoRoot, 'syntaxes', 'lockstep-c.injection.tmLanguage.json');

let grammar: Promise<IGrammar> | undefined;

function loadGrammar(): Promise<IGrammar> {
  grammar ??= (async () => {
    const wasm = readFileSync(path.join(repoRoot, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const registry = new Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (sources) => new oniguruma.OnigScanner(sources),
        createOnigString: (s) => new oniguruma.OnigString(s),
      }),
      loadGrammar: async (scopeName) => {
        const file = scopeName === 'source.c' ? cGrammarFile : scopeName === 'lockstep.c.injection' ? injectionFile : undefined;
        return file ? parseRawGrammar(readFileSync(file, 'utf8'), file) : null;
      },
      getInjections: (scopeName) => (scopeName === 'source.c' ? ['lockstep.c.injection'] : undefined),
    });
    const g = await registry.loadGrammar('source.c');
    if (!g) throw new Error('C grammar did not load');
    return g;
  })();
  return grammar;
}

/** Scopes of the token that covers `word` on a one-line snippet (after the given prefix lines). */
async function scopesOf(code: string, word: string, occurrence = 1): Promise<string[]> {
  const g = await loadGrammar();
  let state = INITIAL;
  const lines = code.split('\n');
  let seen = 0;
  for (const line of lines) {
    const r = g.tokenizeLine(line, state);
    state = r.ruleStack;
    for (let from = line.indexOf(word); from !== -1; from = line.indexOf(word, from + 1)) {
      if (++seen !== occurrence) continue;
      const tok = r.tokens.find((t) => t.startIndex <= from && from < t.endIndex)!;
      // A marked call is its own token; an unmarked one may sit inside a larger token (a comment).
      const ours = tok.scopes.some((sc) => sc.endsWith('.lockstep'));
      if (ours) assert.equal(line.slice(tok.startIndex, tok.endIndex), word, `token boundaries of ${word} in ${line}`);
      return tok.scopes;
    }
  }
  throw new Error(`${word} not in snippet`);
}

const fn = (body: string): string => `static int f(struct dp *dp)\n{\n    ${body}\n}\n`;

test('lock acquire and release calls get their own scopes inside function bodies', async () => {
  assert.ok((await scopesOf(fn('spin_lock_irqsave(&dp->lock, flags);'), 'spin_lock_irqsave')).includes('support.function.lock.acquire.lockstep'));
  assert.ok((await scopesOf(fn('spin_unlock_irqrestore(&dp->lock, flags);'), 'spin_unlock_irqrestore')).includes('support.function.lock.release.lockstep'));
  assert.ok((await scopesOf(fn('NdisAcquireRWLockWrite(dp->lock, &lockState, 0);'), 'NdisAcquireRWLockWrite')).includes('support.function.lock.acquire.lockstep'));
  assert.ok((await scopesOf(fn('if (mutex_trylock(&dp->m)) return 1;'), 'mutex_trylock')).includes('support.function.lock.acquire.lockstep'));
  assert.ok((await scopesOf(fn('NdisReleaseRWLock(dp->lock, &lockState);'), 'NdisReleaseRWLock')).includes('support.function.lock.release.lockstep'));
});

test('refcount get and put calls get their own scopes, also nested in expressions', async () => {
  assert.ok((await scopesOf(fn('dev = dev_get_by_name(net, name);'), 'dev_get_by_name')).includes('support.function.ref.get.lockstep'));
  assert.ok((await scopesOf(fn('OVS_REFCOUNT_REFERENCE(flow);'), 'OVS_REFCOUNT_REFERENCE')).includes('support.function.ref.get.lockstep'));
  assert.ok((await scopesOf(fn('if (ovs_refcount_unref(&flow->ref_cnt) == 1) free(flow);'), 'ovs_refcount_unref')).includes('support.function.ref.put.lockstep'));
  assert.ok((await scopesOf(fn('return foo(dev_put(d));'), 'dev_put')).includes('support.function.ref.put.lockstep'));
});

test('look-alikes, comments, strings and non-calls are left alone', async () => {
  const none = (scopes: string[]): boolean => !scopes.some((s) => s.endsWith('.lockstep'));
  assert.ok(none(await scopesOf(fn('my_spin_lock(&dp->lock);'), 'my_spin_lock')));
  assert.ok(none(await scopesOf(fn('/* spin_lock(&dp->lock) */ x = 1;'), 'spin_lock')));
  assert.ok(none(await scopesOf(fn('log("spin_lock(x) failed");'), 'spin_lock')));
  assert.ok(none(await scopesOf(fn('int spin_lock = 3; use(spin_lock);'), 'spin_lock', 2)));
  // A counter that is not a reference count: the grammar cannot see arguments, so it marks none.
  assert.ok(none(await scopesOf(fn('InterlockedIncrement(&stats->packets);'), 'InterlockedIncrement')));
  // The C grammar's own scoping is kept underneath ours.
  assert.ok((await scopesOf(fn('spin_lock(&dp->lock);'), 'spin_lock'))[0] === 'source.c');
});

test('the committed grammar is the one generated from the built-in knowledge', async () => {
  const { injectionGrammar } = await import('../../syntaxes/generate.mjs');
  const committed: unknown = JSON.parse(readFileSync(injectionFile, 'utf8'));
  assert.deepEqual(committed, injectionGrammar(builtinKnowledge()), 'run: node --import tsx syntaxes/generate.mjs');
});

test('package.json contributes the injection into source.c', () => {
  const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { contributes: { grammars: { scopeName: string; path: string; injectTo: string[] }[] } };
  const g = pkg.contributes.grammars.find((x) => x.scopeName === 'lockstep.c.injection');
  assert.ok(g);
  assert.ok(g.injectTo.includes('source.c'));
  assert.equal(path.resolve(repoRoot, g.path), injectionFile);
});
