// UI end-to-end: the packaged .vsix inside code-server (VS Code 1.100.3) in headless Chromium.
// Opens a C file with a known lock leak, checks the Problems panel, applies the quick fix from the
// editor's lightbulb menu, checks the file on disk and that the diagnostic is gone. Screenshots go
// to out/screenshots/.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { HANG_CEILING_MS, runCommand as paletteCommand, until } from './workbench.mjs';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export const FIXED_LEAK = [
  '/* Lockstep e2e fixture: the early return leaks the spin lock. */',
  '#include <linux/spinlock.h>',
  '',
  'int f(spinlock_t *l, int x)',
  '{',
  '\tspin_lock(l);',
  '\tif (x) {',
  '\t\tspin_unlock(l);',
  '\t\treturn -1;',
  '\t}',
  '\tspin_unlock(l);',
  '\treturn 0;',
  '}',
  '',
].join('\n');

/**
 * Runs the UI checks; returns [{ name, ok, error?, ms }]. Each check depends on the one before it:
 * after a failure the remaining ones are reported as failed with the reason "earlier step failed".
 */
export async function runUiTests({ url, workspace, profileDir, screenshots, log = console.log }) {
  const results = [];
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1400, height: 900 },
  });
  const page = context.pages()[0] ?? await context.newPage();
  page.setDefaultTimeout(HANG_CEILING_MS);
  const shot = async (name) => {
    const file = join(screenshots, name);
    await page.screenshot({ path: file });
    log(`screenshot ${file}`);
  };
  let broken = false;
  const step = async (name, fn) => {
    const t0 = Date.now();
    if (broken) {
      results.push({ name, ok: false, error: 'earlier step failed', ms: 0 });
      return;
    }
    try {
      await fn();
      results.push({ name, ok: true, ms: Date.now() - t0 });
      log(`  ok   ${name} (${Date.now() - t0} ms)`);
    } catch (e) {
      broken = true;
      results.push({ name, ok: false, error: e instanceof Error ? e.message : String(e), ms: Date.now() - t0 });
      log(`  FAIL ${name}: ${e instanceof Error ? e.stack : e}`);
      await shot(`fail-${name.replace(/\W+/g, '-')}.png`).catch(() => undefined);
    }
  };

  const runCommand = (label) => paletteCommand(page, label);
  const leakRow = () => page.locator('.markers-panel .monaco-list-row', { hasText: "'l' taken at line 6" });

  try {
    await step('workbench opens the fixture workspace', async () => {
      await page.goto(`${url}/?folder=${encodeURIComponent(workspace)}`);
      await page.locator('.monaco-workbench').waitFor();
      await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor();
    });

    await step('leak.c opens from the Explorer', async () => {
      await page.locator('.explorer-folders-view .monaco-list-row[aria-label="leak.c"]').click();
      await page.locator('.monaco-editor .view-lines', { hasText: 'spin_lock' }).first().waitFor();
    });

    await step('Problems panel shows the lock-leak diagnostic with its rule id', async () => {
      await runCommand('Problems: Focus on Problems View');
      await leakRow().first().waitFor();
      const text = await leakRow().first().innerText();
      if (!/lock-leak/.test(text)) throw new Error(`row has no rule id: ${text}`);
      if (!/lockstep/.test(text)) throw new Error(`row has no source: ${text}`);
      await shot('01-problems-lock-leak.png');
    });

    await step('the C language status shows the Lockstep finding count and analysis time', async () => {
      await page.locator('[id="status.languageStatus"]').first().click();
      const hover = page.locator('.monaco-hover', { hasText: 'Lockstep: 1 finding' });
      await hover.first().waitFor();
      const text = await hover.first().innerText();
      if (!/analysed .+ in \d+ ms/.test(text)) throw new Error(`status text: ${text}`);
      await shot('02-language-status.png');
      await page.keyboard.press('Escape');
    });

    await step('the quick fix menu offers the release as the preferred fix', async () => {
      await page.locator('.monaco-editor .view-lines', { hasText: 'return -1' }).first().click();
      // Line 8, column 4: inside the diagnostic's range (`return -1;`), where Ctrl+. looks for fixes.
      await page.keyboard.press('Control+g');
      const goTo = page.locator('.quick-input-widget input');
      await goTo.waitFor({ state: 'visible' });
      await goTo.fill(':8:4');
      await page.keyboard.press('Enter');
      // Column 4 is the fourth character (after two tabs): the status bar shows it as a visual column.
      await until('the cursor on line 8, Go to Line closed', async () => !(await goTo.isVisible())
        && /Ln 8, Col \d+/.test(await page.locator('.statusbar').innerText()));
      await page.keyboard.press('Control+.');
      const item = page.locator('.action-widget .monaco-list-row', { hasText: 'spin_unlock(l)' });
      await item.first().waitFor();
      await page.locator('.action-widget .monaco-list-row', { hasText: 'Suppress lock-leak' }).first().waitFor();
      await page.locator('.action-widget .monaco-list-row', { hasText: 'Show documentation for lock-leak' }).first().waitFor();
      await shot('03-quick-fix-menu.png');
      // The menu sits under a pointer block: choose with the keyboard, as a user would.
      for (let i = 0; i < 8 && !/\bfocused\b/.test((await item.first().getAttribute('class')) ?? ''); i++) {
        await page.keyboard.press('ArrowDown');
      }
      await page.keyboard.press('Enter');
    });

    await step('the fixed file has the unlock before the early return', async () => {
      await page.locator('.monaco-editor .view-lines', { hasText: 'if (x) {' }).first().waitFor();
      await page.keyboard.press('Control+s');
      const file = join(workspace, 'leak.c');
      await until('leak.c saved with the fix', () => readFileSync(file, 'utf8') === FIXED_LEAK)
        .catch((e) => { throw new Error(`${e.message}; leak.c now:\n${readFileSync(file, 'utf8')}`); });
    });

    await step('the lock-leak diagnostic is gone from the Problems panel', async () => {
      await leakRow().first().waitFor({ state: 'detached' });
      // The index still reports the other fixture files' findings: the panel is live, not empty.
      await page.locator('.markers-panel .monaco-list-row', { hasText: 'closed_leak.c' }).first().waitFor();
      await shot('04-after-fix.png');
    });
  } finally {
    await context.close();
  }
  return results;
}
