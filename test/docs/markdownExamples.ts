/**
 * The examples the documentation shows, read from its Markdown so a test can run each one and
 * compare with what the page says. Three kinds of fenced block are examples:
 *
 *   ```console             a session: `$ lockstep …` lines (a trailing `\` continues one), each
 *   $ lockstep check x.c   followed by the output the page promises (stdout then stderr, as a
 *   x.c:6:9: error: …      terminal shows them); a line `...` stands for any lines.
 *   ```
 *
 *   ```c check             a whole C file: every finding must be marked on its line with
 *   …  // expect: rule-id  `// expect: rule-id` (or `/* expect: rule-id *\/`; several ids
 *   ```                    separated by commas), and nothing else may be reported. Files named
 *                          `c check file=NAME` are analysed together with the page's other named ones.
 *
 *   ```json lockstep.json  a configuration: it must load.
 *
 * Other blocks (usage synopses, fragments) are prose. Lines are 1-based in messages.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ConsoleCommand {
  /** The command as typed, continuations joined. */
  command: string;
  /** The output lines the page shows for it. */
  expected: string[];
}

export type DocExample =
  | { kind: 'console'; file: string; line: number; commands: ConsoleCommand[] }
  | { kind: 'c'; file: string; line: number; text: string; name?: string; expect: Map<number, string[]> }
  | { kind: 'config'; file: string; line: number; text: string };

const EXPECT = /(?:\/\/|\/\*)\s*expect:\s*([a-z-]+(?:\s*,\s*[a-z-]+)*)\s*(?:\*\/)?\s*$/;

function parseConsole(body: string[]): ConsoleCommand[] {
  const out: ConsoleCommand[] = [];
  for (let i = 0; i < body.length; i++) {
    const l = body[i]!;
    if (!l.startsWith('$ ')) {
      const last = out.at(-1);
      if (!last) throw new Error(`console block: output before the first "$ " line: ${l}`);
      last.expected.push(l);
      continue;
    }
    let command = l.slice(2);
    while (command.endsWith('\\') && i + 1 < body.length) command = `${command.slice(0, -1)} ${body[++i]!.trim()}`;
    out.push({ command, expected: [] });
  }
  return out;
}

export function examplesIn(file: string, text: string): DocExample[] {
  const lines = text.split('\n');
  const out: DocExample[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const [lang, info] = [open[1]!, open[2]!.trim()];
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^```\s*$/.test(lines[end]!)) end++;
    const body = lines.slice(start, end);
    i = end;
    const at = { file, line: start };
    if (lang === 'console') out.push({ kind: 'console', ...at, commands: parseConsole(body) });
    else if (lang === 'json' && /\blockstep\.json\b/.test(info)) out.push({ kind: 'config', ...at, text: body.join('\n') });
    else if (lang === 'c' && /\bcheck\b/.test(info)) {
      const expect = new Map<number, string[]>();
      body.forEach((l, k) => {
        const m = EXPECT.exec(l);
        if (m) expect.set(k + 1, m[1]!.split(',').map((s) => s.trim()));
      });
      const name = /\bfile=(\S+)/.exec(info)?.[1];
      out.push({ kind: 'c', ...at, text: `${body.join('\n')}\n`, expect, ...(name ? { name } : {}) });
    }
  }
  return out;
}

/** README.md and every Markdown page under docs/. */
export function documentationFiles(root: string): string[] {
  const out = [path.join(root, 'README.md')];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.md')) out.push(p);
    }
  };
  walk(path.join(root, 'docs'));
  return out.sort();
}

/** Compares output lines with the page's, where a `...` line matches any number of lines. */
export function matchesWithEllipsis(actual: readonly string[], expected: readonly string[]): boolean {
  const memo = new Map<string, boolean>();
  const go = (a: number, e: number): boolean => {
    const key = `${a},${e}`;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    let r: boolean;
    if (e === expected.length) r = a === actual.length;
    else if (expected[e] === '...') r = go(a, e + 1) || (a < actual.length && go(a + 1, e));
    else r = a < actual.length && actual[a] === expected[e] && go(a + 1, e + 1);
    memo.set(key, r);
    return r;
  };
  return go(0, 0);
}
