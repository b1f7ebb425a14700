/**
 * Delta debugging (ddmin): the smallest input, first by lines and then by characters, that still
 * fails the same way. `fails` runs the target; the budget bounds how many runs minimising may
 * spend, since a hang costs a whole time limit per try.
 */
export interface MinimiseBudget {
  maxTests: number;
  maxMs: number;
}

type Fails = (bytes: Uint8Array) => Promise<boolean>;

async function ddmin<T>(items: T[], join: (xs: T[]) => Uint8Array, fails: Fails, spend: () => boolean): Promise<T[]> {
  let current = items;
  let n = 2;
  while (current.length >= 2 && spend()) {
    const chunk = Math.ceil(current.length / n);
    let reduced = false;
    for (let start = 0; start < current.length && spend(); start += chunk) {
      const complement = [...current.slice(0, start), ...current.slice(start + chunk)];
      if (complement.length > 0 && (await fails(join(complement)))) {
        current = complement;
        n = Math.max(n - 1, 2);
        reduced = true;
        break;
      }
    }
    if (!reduced) {
      if (n >= current.length) break;
      n = Math.min(current.length, n * 2);
    }
  }
  return current;
}

export async function minimise(input: Uint8Array, fails: Fails, budget: MinimiseBudget): Promise<{ bytes: Uint8Array; tests: number }> {
  const t0 = Date.now();
  let tests = 0;
  const spend = (): boolean => tests < budget.maxTests && Date.now() - t0 < budget.maxMs;
  const counted: Fails = async (b) => {
    tests++;
    return fails(b);
  };
  // Work on bytes split at '\n' (keeping the newline), so invalid UTF-8 survives minimising.
  const lines: Uint8Array[] = [];
  for (let i = 0, start = 0; i <= input.length; i++) {
    if (i === input.length || input[i] === 0x0a) {
      if (i > start || i < input.length) lines.push(input.subarray(start, Math.min(i + 1, input.length)));
      start = i + 1;
    }
  }
  const joinLines = (xs: Uint8Array[]): Uint8Array => Buffer.concat(xs);
  const keptLines = await ddmin(lines, joinLines, counted, spend);
  const afterLines = joinLines(keptLines);
  const chars = [...afterLines].map((b) => Uint8Array.of(b));
  const keptChars = chars.length <= 20_000 ? await ddmin(chars, joinLines, counted, spend) : chars;
  return { bytes: new Uint8Array(joinLines(keptChars)), tests };
}
