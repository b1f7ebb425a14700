import { writeFileSync } from 'node:fs';
import Mocha from 'mocha';
import { codeActionsSuite } from './codeActions.suite';
import { commandsSuite } from './commands.suite';
import { diagnosticsSuite } from './diagnostics.suite';
import { patchReviewSuite } from './patchReview.suite';
import { robustnessSuite } from './robustness.suite';
import { settingsSuite } from './settings.suite';
import { simulatorSuite } from './simulator.suite';

export interface SuiteCounts {
  passed: number;
  failed: number;
  skipped: number;
  failures: string[];
  /** Tests that were retried (failed once), with the first failure. */
  retried: string[];
  /** Tests that failed once and passed only on their retry: the runner counts them as failed (flaky). */
  flaky: string[];
}

/**
 * Entry point of the extension-host suite (`extensionTestsPath`): the same bundle runs inside
 * code-server through the workbench's payload URL and under @vscode/test-electron. Counts are
 * logged as one `LOCKSTEP_SUITE_RESULT` line and, when LOCKSTEP_SUITE_RESULT_FILE is set, written there.
 */
export async function run(): Promise<void> {
  // LOCKSTEP_SUITE_GREP narrows the run while debugging (passed through code-server's environment).
  const grep = process.env.LOCKSTEP_SUITE_GREP;
  // Tests wait on conditions; the timeout is a ceiling that only catches a hang, never a speed check.
  const mocha = new Mocha({ ui: 'tdd', timeout: 240_000, color: false, reporter: 'spec', retries: Number(process.env.LOCKSTEP_SUITE_RETRIES ?? 1), ...(grep ? { grep } : {}) });
  // The suites are bundled with this file: define them after mocha has set up its globals.
  mocha.suite.emit('pre-require', globalThis, 'lockstep-suite', mocha);
  diagnosticsSuite();
  codeActionsSuite();
  settingsSuite();
  commandsSuite();
  robustnessSuite();
  patchReviewSuite();
  simulatorSuite();
  const counts: SuiteCounts = { passed: 0, failed: 0, skipped: 0, failures: [], retried: [], flaky: [] };
  await new Promise<void>((resolve) => {
    const runner = mocha.run(() => resolve());
    const retriedTitles = new Set<string>();
    runner.on('pass', (t: Mocha.Test) => {
      counts.passed++;
      if (retriedTitles.has(t.fullTitle())) counts.flaky.push(t.fullTitle());
    });
    runner.on('fail', (t, err: Error) => {
      counts.failed++;
      counts.failures.push(`${t.fullTitle()}: ${err.message}`);
    });
    runner.on('pending', () => counts.skipped++);
    runner.on('retry', (t: Mocha.Test, err: Error) => {
      retriedTitles.add(t.fullTitle());
      counts.retried.push(`${t.fullTitle()}: ${err.message.split('\n')[0]}`);
      console.log(`RETRY ${t.fullTitle()}: ${err.message}`);
    });
  });
  console.log(`LOCKSTEP_SUITE_RESULT ${JSON.stringify(counts)}`);
  const out = process.env.LOCKSTEP_SUITE_RESULT_FILE;
  if (out) writeFileSync(out, JSON.stringify(counts));
  if (counts.failed > 0) throw new Error(`${counts.failed} extension-host test(s) failed`);
}
