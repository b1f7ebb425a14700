import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Finding } from '../../src/core/findings';

/**
 * Fixture expectations are written on the line they concern:
 *   `return -ENOENT;  // expect: lock-leak`   or   `/* expect: lock-leak, release-unheld *\/`.
 * A line may expect the same rule twice (`expect: lock-leak x2`).
 */
export interface Expectation {
  file: string;
  line: number; // 1-based
  rule: string;
}

const EXPECT = /expect:\s*([a-z][a-z-]*(?:\s*x\d+)?(?:\s*,\s*[a-z][a-z-]*(?:\s*x\d+)?)*)/;

export function expectationsOf(file: string, text: string): Expectation[] {
  const out: Expectation[] = [];
  text.split('\n').forEach((lineText, i) => {
    const m = EXPECT.exec(lineText);
    if (!m) return;
    for (const part of m[1]!.split(',')) {
      // `lock-leak x2`; a rule id may itself contain an x (`inconsistent-exit`).
      const [, rule, times] = /^([a-z][a-z-]*?)(?:\s*x(\d+))?$/.exec(part.trim()) ?? [];
      if (!rule) continue;
      for (let k = 0; k < Number(times ?? 1); k++) out.push({ file, line: i + 1, rule });
    }
  });
  return out;
}

export function listFixtureFiles(dir: string): string[] {
  const out: string[] = [];
  for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, ent.name);
    if (ent.isDirectory()) out.push(...listFixtureFiles(p));
    else if (/\.[ch]$/.test(ent.name)) out.push(p);
  }
  return out.sort();
}

/** Compares findings with expectations as multisets of `file:line rule`; returns human-readable differences. */
export function diffFindings(expected: Expectation[], findings: Finding[]): { missing: string[]; unexpected: string[] } {
  const want = expected.map((e) => `${e.file}:${e.line} ${e.rule}`);
  const got = findings.map((f) => `${f.uri}:${f.range.start.line + 1} ${f.ruleId}`);
  const missing: string[] = [];
  const rest = [...got];
  for (const w of want) {
    const i = rest.indexOf(w);
    if (i >= 0) rest.splice(i, 1);
    else missing.push(w);
  }
  const unexpected = rest.map((u) => {
    const f = findings.find((x) => `${x.uri}:${x.range.start.line + 1} ${x.ruleId}` === u);
    return f ? `${u}: ${f.message}` : u;
  });
  return { missing, unexpected };
}
