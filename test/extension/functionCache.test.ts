import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkFile, summarizeFile } from '../../src/core/analysis/engine';
import type { SummaryTable } from '../../src/core/analysis/project';
import { builtinKnowledge } from '../../src/core/apis/builtin';
import { parseC } from '../../src/core/c/parse';
import { compareFindings, type Finding } from '../../src/core/findings';
import { FunctionCache } from '../../src/extension/functionCache';
import { generateDatapathCorpus, prng } from '../../bench/genDatapath';
import { testParser } from '../helpers/grammar';

const options = { knowledge: builtinKnowledge() };

function norm(findings: Finding[]): string[] {
  return [...findings].sort(compareFindings).map((f) => JSON.stringify({ ...f, fixes: undefined }));
}

const EDITS = ['+1', ' ', 'x', ';', '\n', 'return 0;', 'spin_unlock(&dp->lock);', 'goto out;', '{', '}', ''];

test('reusing per-function results gives exactly the whole-file analysis, edit after edit', async () => {
  const parser = await testParser();
  const [file] = generateDatapathCorpus({ lines: 900, linesPerFile: 1200, seed: 3 });
  let text = file!.text;
  const uri = 'file:///gen.c';
  const cache = new FunctionCache();
  const random = prng(11);
  let partial = 0;
  try {
    for (let i = 0; i < 80; i++) {
      if (i > 0) {
        // Mostly small edits inside statements, sometimes structural ones.
        const semis: number[] = [];
        for (let k = text.indexOf(';'); k !== -1; k = text.indexOf(';', k + 1)) semis.push(k);
        const at = random() < 0.85 ? semis[Math.floor(random() * semis.length)]! : Math.floor(random() * text.length);
        const del = random() < 0.3 ? Math.floor(random() * 8) : 0;
        const ins = EDITS[Math.floor(random() * EDITS.length)]!;
        text = text.slice(0, at) + ins + text.slice(at + del);
      }
      const parsed = parseC(parser, text);
      const got = cache.check({ whole: parser, view: parser }, parsed, { uri, text }, {}, options);
      parsed.tree.delete();
      if (got.analysed < got.stats.functions) partial++;
      const own = summarizeFile(parser, { uri, text }, options);
      const table: SummaryTable = {};
      for (const s of own) table[s.name] = s;
      const want = checkFile(parser, { uri, text }, table, options);
      assert.deepEqual(norm(got.findings), norm(want.findings), `findings after edit ${i}`);
      assert.deepEqual(got.functions, want.functions, `function counts after edit ${i}`);
      assert.deepEqual(got.lockOrderEdges, want.lockOrderEdges, `lock-order edges after edit ${i}`);
    }
    // Most keystrokes reuse: only the edited function is analysed again.
    assert.ok(partial > 40, `partial checks: ${partial} of 79`);
  } finally {
    parser.delete();
  }
});

test('a change outside functions or to a summary falls back to the whole file', async () => {
  const parser = await testParser();
  const cache = new FunctionCache();
  const a = 'static void tbl_lock(struct tbl *t)\n{\n\tspin_lock(&t->lock);\n}\n\nint g(struct tbl *t)\n{\n\ttbl_lock(t);\n\tspin_unlock(&t->lock);\n\treturn 0;\n}\n\nint f(struct tbl *t, int x)\n{\n\ttbl_lock(t);\n\tif (x)\n\t\treturn 1;\n\tspin_unlock(&t->lock);\n\treturn 0;\n}\n';
  const run = (text: string): ReturnType<FunctionCache['check']> => {
    const parsed = parseC(parser, text);
    try {
      return cache.check({ whole: parser, view: parser }, parsed, { uri: 'file:///w.c', text }, {}, options);
    } finally {
      parsed.tree.delete();
    }
  };
  try {
    const first = run(a);
    assert.equal(first.analysed, 3);
    assert.equal(first.findings.filter((f) => f.ruleId === 'lock-leak').length, 1, 'the wrapper is seen');
    const edited = run(a.replace('return 1;', 'return 2;'));
    assert.equal(edited.analysed, 2, 'f and the wrapper it calls');
    assert.equal(edited.reused, 1, 'g is reused');
    assert.equal(edited.findings.filter((f) => f.ruleId === 'lock-leak').length, 1);
    // The wrapper stops locking: its summary changes, so f is analysed again too.
    const unwrapped = run(a.replace('return 1;', 'return 2;').replace('\tspin_lock(&t->lock);\n', '\t(void)t;\n'));
    assert.equal(unwrapped.analysed, 3);
    // A new top-level declaration changes the text outside functions.
    const outside = run(`#define X 1\n${a}`);
    assert.equal(outside.analysed, 3);
    // Findings of a reused function move with it, messages included.
    const shifted = run(`#define X 1\n\n\n${a}`);
    const moved = run(`#define X 1\n\n\n${a}`.replace('return 0;', 'return  0;'));
    assert.equal(moved.analysed, 2);
    assert.deepEqual(norm(moved.findings), norm(shifted.findings));
  } finally {
    parser.delete();
  }
});
