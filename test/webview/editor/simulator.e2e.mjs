// Real-editor check of the simulator panel: the packaged .vsix in code-server (VS Code 1.100.3) driven by
// headless Chromium. Opens "Lockstep: Open simulator" on seed-workflow, checks the listing opens in the
// other column, runs the explorer, and checks that the listing's lit lines (the gutter dots of the
// contexts) follow the step shown in the panel, forward and back; clicking a listing line jumps the panel
// to a step at that line. Same calling convention as test/editor/ui.e2e.mjs, so the editor stage can run
// it: `await runSimulatorUiTests({ url, workspace, profileDir, screenshots, log })` → [{ name, ok, error?, ms }].
// Last, "Simulate this function" (Simulate with…) on a C file of the workspace: the quick picks, the run,
// and the C file's own lines lit as the panel steps.
import { copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { HANG_CEILING_MS, acceptQuickPick, frameWith, quickOpen, runCommand, tabLabels, until } from '../../editor/workbench.mjs';

const CHROMIUM = process.env.LOCKSTEP_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * 1-based line numbers that carry one of the simulator's gutter dots: in the editor showing the text
 * `marker` (the C file, not a listing), or without one in the first editor with gutter widgets.
 */
async function litLines(page, marker = null) {
  return page.evaluate((marker) => {
    const editor = [...document.querySelectorAll('.monaco-editor')].find((e) => (marker === null
      ? e.querySelector('.glyph-margin-widgets')
      : e.querySelector('.view-lines')?.textContent?.includes(marker)));
    if (!editor) return [];
    const lineAtTop = new Map();
    for (const row of editor.querySelectorAll('.margin-view-overlays > div')) {
      const n = row.querySelector('.line-numbers');
      if (n) lineAtTop.set(row.style.top, Number(n.textContent));
    }
    const lines = [];
    for (const g of editor.querySelectorAll('.glyph-margin-widgets .cgmr')) {
      const line = lineAtTop.get(g.style.top);
      if (line !== undefined) lines.push(line);
    }
    return lines.sort((a, b) => a - b);
  }, marker);
}

/** The listing line (1-based) of the step the panel shows as current, and its counter text. */
async function panelStep(frame) {
  return frame.evaluate(() => {
    const cell = document.querySelector('.step-row.current .cell.active .line-no');
    return { line: cell ? Number(cell.textContent.slice(1)) : null, counter: document.querySelector('#step-counter')?.textContent ?? '' };
  });
}

export async function runSimulatorUiTests({ url, workspace, profileDir, screenshots, log = console.log }) {
  const results = [];
  const cFile = 'sim_use_after_unlock.c';
  if (workspace) copyFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'sim', 'bug_use_after_unlock.c'), join(workspace, cFile));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1400, height: 900 },
  });
  const page = context.pages()[0] ?? await context.newPage();
  page.setDefaultTimeout(HANG_CEILING_MS);
  let broken = false;
  let frame;
  const step = async (name, fn) => {
    const t0 = Date.now();
    if (broken) {
      results.push({ name, ok: false, error: 'earlier step failed', ms: 0 });
      return;
    }
    try {
      await fn();
      results.push({ name, ok: true, ms: Date.now() - t0 });
      log(`ok   ${name}`);
    } catch (e) {
      broken = true;
      results.push({ name, ok: false, error: e instanceof Error ? e.message : String(e), ms: Date.now() - t0 });
      log(`FAIL ${name}: ${e instanceof Error ? e.message : e}`);
      await page.screenshot({ path: join(screenshots, 'simulator-editor-failure.png') }).catch(() => undefined);
    }
  };

  try {
    await step('simulator: Open simulator shows the panel and the protocol listing beside it', async () => {
      await page.goto(url);
      await page.waitForSelector('.monaco-workbench', { timeout: HANG_CEILING_MS });
      await runCommand(page, 'Lockstep: Open simulator');
      await acceptQuickPick(page, 'seed-workflow', { title: 'Lockstep: open simulator' });
      // The webview has its form and has been sent the protocols (its select lists them).
      frame = await frameWith(page, '#protocol option', 'the simulator webview with its protocols');
      await until('the seed-workflow.c listing tab', async () => (await tabLabels(page)).includes('seed-workflow.c'));
      const groups = await page.$$eval('.editor-group-container', (els) => els.length);
      if (groups < 2) throw new Error(`expected the panel and the listing in two editor groups, found ${groups}`);
    });

    await step('simulator: Run finds the violation and lights the current step\'s line', async () => {
      await frame.click('#run');
      await frame.waitForSelector('.lanes');
      const { line } = await panelStep(frame);
      if (line === null) throw new Error('no current step in the panel');
      await until(`line ${line} lit in the listing`, async () => (await litLines(page)).includes(line));
    });

    await step('simulator: the lit lines follow the panel as it steps forward and back', async () => {
      await frame.click('h1');
      await frame.press('body', 'Home');
      const seen = new Set();
      for (let i = 0; i < 9; i++) {
        await frame.press('body', 'ArrowRight');
        const { line, counter } = await panelStep(frame);
        await until(`line ${line} lit at ${counter}`, async () => (await litLines(page)).includes(line));
        seen.add(line);
      }
      if (seen.size < 3) throw new Error(`expected the lit line to move, saw only ${[...seen].join(', ')}`);
      await frame.press('body', 'ArrowLeft');
      const back = await panelStep(frame);
      await until(`line ${back.line} lit after stepping back`, async () => (await litLines(page)).includes(back.line));
      await page.screenshot({ path: join(screenshots, 'simulator-editor.png') });
    });

    await step('simulator: clicking a listing line jumps the panel to a step at that line', async () => {
      const before = await panelStep(frame);
      // The first packet's first step (row 1) is at a line the listing shows; click that line's text.
      const target = await frame.evaluate(() => Number(document.querySelector('tr[data-position="1"] .line-no')?.textContent?.slice(1)));
      const box = await page.evaluate((line) => {
        const editor = [...document.querySelectorAll('.monaco-editor')].find((e) => e.querySelector('.glyph-margin-widgets'));
        const row = [...editor.querySelectorAll('.margin-view-overlays > div')].find((r) => r.querySelector('.line-numbers')?.textContent === String(line));
        if (!row) return null;
        const text = [...editor.querySelectorAll('.view-lines > .view-line')].find((v) => v.style.top === row.style.top);
        const r = (text ?? row).getBoundingClientRect();
        return { x: r.left + 40, y: r.top + r.height / 2 };
      }, target);
      if (!box) throw new Error(`line ${target} is not on screen in the listing`);
      await page.mouse.click(box.x, box.y);
      const after = await until('the panel to move to a step at the clicked line', async () => {
        const now = await panelStep(frame);
        return now.counter !== before.counter && now.line === target ? now : undefined;
      });
      log(`     jumped from ${before.counter} to ${after.counter} (line ${target})`);
    });

    await step('simulator: a window reload restores the panel at the same step, and the lit lines with it', async () => {
      const before = await panelStep(frame);
      // As a user would: "Developer: Reload Window" (the workbench saves its state before reloading).
      await Promise.all([page.waitForNavigation({ timeout: HANG_CEILING_MS }), runCommand(page, 'Developer: Reload Window').catch(() => undefined)]);
      await page.waitForSelector('.monaco-workbench');
      frame = await frameWith(page, '.lanes', 'the restored simulator webview');
      const after = await panelStep(frame);
      if (after.counter !== before.counter) throw new Error(`restored at ${after.counter}, was at ${before.counter}`);
      await until(`line ${after.line} lit after the reload`, async () => (await litLines(page)).includes(after.line));
    });

    if (workspace) await step('simulator: Simulate with… runs two C functions and lights the C file\'s lines as it steps', async () => {
      await quickOpen(page, cFile);
      await until(`${cFile} shown in an editor`, async () => page.locator('.monaco-editor .view-lines', { hasText: 'OvsDoExecuteActions' }).first().isVisible());
      await runCommand(page, 'Lockstep: Simulate with…');
      await acceptQuickPick(page, 'OvsPacketPath', { title: 'Lockstep: Simulate with…', filter: 'OvsPacketPath' });    // 1. the function (no CodeLens argument from the palette)
      await acceptQuickPick(page, 'is the packet path', { title: '(1/3)' });                     // 2. it is the packet path
      await acceptQuickPick(page, 'OvsFlowDelete', { title: '(2/3)', filter: 'OvsFlowDelete' });                        // 3. the put to run against it
      await acceptQuickPick(page, '1 packet × 1 put', { title: '(3/3)' });                       // 4. the counts
      await until('the C model in the panel', async () => (await frame.$eval('#protocol', (e) => e.value).catch(() => '')) === `${cFile}:OvsPacketPath+OvsFlowDelete`);
      await until('the C run\'s use-after-free', async () => (await frame.$$eval('.lanes', (els) => els.length)) > 0 &&
        (await frame.evaluate(() => document.body.textContent.includes('use-after-free') && document.body.textContent.includes('OvsDoExecuteAc'))));
      await frame.click('h1');
      await frame.press('body', 'Home');
      const seen = new Set();
      for (let i = 0; i < 10; i++) {
        await frame.press('body', 'ArrowRight');
        const { line, counter } = await panelStep(frame);
        await until(`C line ${line} lit at ${counter}`, async () => (await litLines(page, 'OvsDoExecuteActions')).includes(line));
        seen.add(line);
      }
      // The breaking step is the packet's use of the flow at the OvsDoExecuteActions line (25).
      if (!seen.has(25) || seen.size < 4) throw new Error(`expected the lit C lines to move to line 25, saw ${[...seen].join(', ')}`);
      await page.screenshot({ path: join(screenshots, 'simulator-editor-c.png') });
    });
  } finally {
    await context.close();
  }
  return results;
}
