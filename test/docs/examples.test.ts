import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Parser } from 'web-tree-sitter';
import { builtinKnowledge } from '../../src/core/apis/builtin';
import { parseProjectConfig } from '../../src/core/apis/config';
import { analyzeFiles } from '../../src/core/project';
import { ensureBuilt } from '../helpers/build';
import { repoRoot, testParser } from '../helpers/grammar';
import { documentationFiles, examplesIn, matchesWithEllipsis, type DocExample } from './markdownExamples';

/**
 * Issue 21 item 8: examples in the README and docs/**.md that did not do what the page said. Every
 * `console` session is run and its output compared with the page's, every `c check` block is
 * analysed and must give exactly the findings its `// expect:` comments mark, every
 * `json lockstep.json` block must load. See markdownExamples.ts for the conventions.
 */
const shimDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lockstep-docs-'));
let parser: Parser;

before(async () => {
  ensureBuilt();
  // `lockstep` on PATH is the bundle, as after the documented install.
  fs.writeFileSync(path.join(shimDir, 'lockstep'), `#!/bin/sh\nexec "${process.execPath}" "${path.join(repoRoot, 'dist', 'cli.js')}" "$@"\n`, { mode: 0o755 });
  parser = await testParser();
});
after(() => parser.delete());

const pages = documentationFiles(repoRoot).map((file) => ({ file, rel: path.relative(repoRoot, file), examples: examplesIn(path.relative(repoRoot, file), fs.readFileSync(file, 'utf8')) }));

function where(e: DocExample): string {
  return `${e.file}:${e.line}`;
}

function runSession(command: string): string[] {
  const r = spawnSync('/bin/sh', ['-c', `${command} 2>&1`], {
    cwd: repoRoot, encoding: 'utf8', timeout: 300_000,
    env: { ...process.env, PATH: `${shimDir}${path.delimiter}${process.env.PATH ?? ''}`, NO_COLOR: '1', FORCE_COLOR: '', COLUMNS: '100' },
  });
  assert.equal(r.signal, null, `${command}: killed (${r.signal})`);
  const lines = r.stdout.replace(/\n$/, '').split('\n');
  return lines.length === 1 && lines[0] === '' ? [] : lines.map((l) => l.replace(/\s+$/, ''));
}

test('the conventions are in use: the pages hold checked examples of every kind', () => {
  const kinds = new Set(pages.flatMap((p) => p.examples.map((e) => e.kind)));
  assert.deepEqual([...kinds].sort(), ['c', 'config', 'console']);
});

for (const page of pages.filter((p) => p.examples.length > 0)) {
  describe(page.rel, () => {
    const named = page.examples.filter((e): e is Extract<DocExample, { kind: 'c' }> => e.kind === 'c' && e.name !== undefined);
    for (const e of page.examples) {
      if (e.kind === 'console') {
        for (const c of e.commands) {
          test(`${where(e)}: $ ${c.command}`, { skip: process.platform === 'win32' && 'sh sessions' }, () => {
            const actual = runSession(c.command);
            assert.ok(matchesWithEllipsis(actual, c.expected.map((l) => l.replace(/\s+$/, ''))),
              `the page shows:\n${c.expected.join('\n')}\n\nthe command prints:\n${actual.join('\n')}`);
          });
        }
      } else if (e.kind === 'config') {
        test(`${where(e)}: the lockstep.json example loads`, () => {
          parseProjectConfig(e.text, where(e));
        });
      } else if (e.name === undefined || e === named[0]) {
        const group = e.name === undefined ? [e] : named;
        test(`${where(e)}: the C example gives exactly the findings it marks${group.length > 1 ? ` (with ${group.length - 1} more files of the page)` : ''}`, () => {
          const files = group.map((g) => ({ uri: g.name ?? `${g.file}#L${g.line}.c`, text: g.text }));
          const result = analyzeFiles(parser, files, { knowledge: builtinKnowledge() });
          const got = result.findings.map((f) => `${f.uri}:${f.range.start.line + 1} ${f.ruleId}`).sort();
          const want = group.flatMap((g, i) => [...g.expect].flatMap(([line, rules]) => rules.map((r) => `${files[i]!.uri}:${line} ${r}`))).sort();
          assert.deepEqual(got, want, result.findings.map((f) => `${f.uri}:${f.range.start.line + 1}: ${f.ruleId}: ${f.message}`).join('\n'));
        });
      }
    }
  });
}
