// Real-editor check of the simulator panel: the packaged .vsix in code-server (VS Code 1.100.3) driven by
// headless Chromium at 1400×900. With a C file open, "Lockstep: Open simulator" on seed-workflow opens the
// panel beside it and the protocol listing in a group of its own (never over the C file); Run finds the
// violation; the listing's lit lines follow the panel forward and back, from the panel's keys and from the
// editor's F10 / Shift+F10 / F5 / Ctrl+Shift+F5 with the listing focused; clicking a listing line jumps the
// panel; a window reload restores it. Last, "Simulate with…" on the C file: the quick picks, the run, the
// C file's own lines lit as the panel steps, and screenshots in the light and dark themes.
// Same calling convention as test/editor/ui.e2e.mjs:
// `await runSimulatorUiTests({ url, workspace, profileDir, screenshots, log })` → [{ name, ok, error?, ms }].
// LOCKSTEP_DOCS_SCREENSHOTS=1 also copies the two screenshots into docs/images/.
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { HANG_CEILING_MS, acceptQuickPick, frameWith, openFromExplorer, runCommand, tabLabels, until } from '../../editor/workbench.mjs';

const CHROMIUM = process.env.LOCKSTEP_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const HERE = dirname(fileURLToPath(import.meta.url));
const DOCS_IMAGES = join(HERE, '..', '..', '..', 'docs', 'images');

/**
 * 1-based line numbers that carry one of the simulator's gutter marks: in the editor showing the text
 * `marker` (the C file, not a listing), or without one in the first editor with gutter marks.
 */
async function litLines(page, marker = null) {
  return page.evaluate((marker) => {
    const editor = [...document.querySelectorAll('.monaco-editor')].find((e) => (marker === null
      ? e.querySelector('.glyph-margin-widgets .cgmr')
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

/** "Step 7 / 27" → 7. */
function stepNumber(counter) {
  return Number(/Step (\d+)/.exec(counter)?.[1] ?? NaN);
}

/** The editor groups, left to right: each group's active tab label and whether it shows a webview. */
async function groups(page) {
  return page.$$eval('.editor-group-container', (els) => els.map((g) => ({
    active: g.querySelector('.tab.active .label-name')?.textContent ?? null,
    webview: g.querySelector('.tab.active')?.getAttribute('aria-label')?.includes('Lockstep simulator') ?? false,
  })));
}

/**
 * Focuses the editor of group `n` (0-based) by clicking its active tab, as a user would: a click in the
 * text would move the cursor, and a click on a listing line is a jump request.
 */
async function focusGroup(page, n) {
  await page.locator('.editor-group-container').nth(n).locator('.tab.active').click();
  await until(`focus in editor group ${n + 1}`, () => page.evaluate((n) => {
    const g = document.querySelectorAll('.editor-group-container')[n];
    return !!g && g.contains(document.activeElement) && !!document.activeElement?.closest('.monaco-editor');
  }, n));
}

export async function runSimulatorUiTests({ url, workspace, profileDir, screenshots, log = console.log }) {
  const results = [];
  const cFile = 'sim_use_after_unlock.c';
  if (workspace) copyFileSync(join(HERE, '..', '..', 'fixtures', 'sim', 'bug_use_after_unlock.c'), join(workspace, cFile));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1400, height: 900 },
  });
  const page = context.pages()[0] ?? await context.newPage();
  page.setDefaultTimeout(HANG_CEILING_MS);
  if (process.env.LOCKSTEP_DEBUG_SIM) page.on('console', (m) => { if (m.text().includes('LOCKSTEPDBG')) log(`CONSOLE ${m.text()}`); });
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
  /** Waits until the panel's counter reads `n` (the keys go through the editor, then a message). */
  const atStep = (n, what) => until(`${what}: step ${n}`, async () => stepNumber((await panelStep(frame)).counter) === n);

  try {
    await step('simulator: opens beside the C file, never over it; the protocol listing gets a group of its own', async () => {
      await page.goto(url);
      await page.waitForSelector('.monaco-workbench', { timeout: HANG_CEILING_MS });
      await openFromExplorer(page, cFile);
      await runCommand(page, 'Lockstep: Open simulator');
      await acceptQuickPick(page, 'seed-workflow', { title: 'Lockstep: open simulator' });
      // The webview has its form and has been sent the protocols (its select lists them).
      frame = await frameWith(page, '#protocol option', 'the simulator webview with its protocols');
      await until('the seed-workflow.c listing tab', async () => (await tabLabels(page)).includes('seed-workflow.c'));
      const g = await until('three groups: the C file, the panel, the listing', async () => {
        const now = await groups(page);
        return now.length === 3 ? now : undefined;
      });
      if (g[0].active !== cFile) throw new Error(`the C file's group now shows ${g[0].active}`);
      if (!g[1].webview) throw new Error(`the panel is not in the group beside the C file: ${JSON.stringify(g)}`);
      if (g[2].active !== 'seed-workflow.c') throw new Error(`the listing is not in a group of its own: ${JSON.stringify(g)}`);
    });

    await step('simulator: Run finds the violation and lights the current step\'s line', async () => {
      await frame.click('#run');
      await frame.waitForSelector('.lanes');
      const { line } = await panelStep(frame);
      if (line === null) throw new Error('no current step in the panel');
      await until(`line ${line} lit in the listing`, async () => (await litLines(page)).includes(line));
    });

    await step('simulator: the lit lines follow the panel as it steps forward and back', async () => {
      await frame.click('#step-counter');
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
    });

    await step('simulator: F10, Shift+F10, F5 and Ctrl+Shift+F5 step the panel from the listing and from the panel; N and B from the listing', async () => {
      await focusGroup(page, 2); // the listing
      const start = stepNumber((await panelStep(frame)).counter);
      await page.keyboard.press('F10');
      await atStep(start + 1, 'F10 in the listing');
      await page.keyboard.press('F10');
      await atStep(start + 2, 'F10 again');
      await page.keyboard.press('Shift+F10');
      await atStep(start + 1, 'Shift+F10 in the listing');
      // The read-only listing also takes the panel's own letter keys: N forward, B back.
      await page.keyboard.press('n');
      await atStep(start + 2, 'N in the listing');
      await page.keyboard.press('b');
      await atStep(start + 1, 'B in the listing');
      const { line } = await panelStep(frame);
      await until(`line ${line} lit after F10`, async () => (await litLines(page)).includes(line));
      await page.keyboard.press('Control+Shift+F5');
      await atStep(0, 'Ctrl+Shift+F5 (to the start)');
      // The listing keeps its arrow keys for the cursor: they do not step.
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('F5');
      const failing = await frame.evaluate(() => Number(document.querySelector('tr.failing')?.getAttribute('data-position')));
      await atStep(failing, 'F5 (to the violation)');
      // With the panel focused, the same keys.
      await frame.click('#step-counter');
      await page.keyboard.press('Shift+F10');
      await atStep(failing - 1, 'Shift+F10 in the panel');
      await page.keyboard.press('F10');
      await atStep(failing, 'F10 in the panel');
      await page.screenshot({ path: join(screenshots, 'simulator-editor.png') });
    });

    await step('simulator: clicking a listing line jumps the panel to a step at that line', async () => {
      const before = await panelStep(frame);
      // The first packet's first step (row 1) is at a line the listing shows; click that line's text.
      const target = await frame.evaluate(() => Number(document.querySelector('tr[data-position="1"] .line-no')?.textContent?.slice(1)));
      const box = await page.evaluate((line) => {
        const editor = document.querySelectorAll('.editor-group-container')[2]?.querySelector('.monaco-editor');
        if (!editor) return null;
        const row = [...editor.querySelectorAll('.margin-view-overlays > div')].find((r) => r.querySelector('.line-numbers')?.textContent === String(line));
        if (!row) return null;
        const text = [...editor.querySelectorAll('.view-lines > .view-line')].find((v) => v.style.top === row.style.top);
        const r = (text ?? row).getBoundingClientRect();
        // Inside the text area even if the listing is scrolled sideways.
        const area = editor.querySelector('.editor-scrollable')?.getBoundingClientRect();
        return { x: Math.max(r.left, area?.left ?? r.left) + 40, y: r.top + r.height / 2 };
      }, target);
      if (!box) throw new Error(`line ${target} is not on screen in the listing`);
      if (process.env.LOCKSTEP_DEBUG_SIM) log(`DEBUG at point: ${await page.evaluate(({ x, y }) => { const e = document.elementFromPoint(x, y); return `${e?.tagName}.${e?.className} ${e?.textContent?.slice(0, 60)}`; }, box)}`);
      await page.mouse.click(box.x, box.y);
      if (process.env.LOCKSTEP_DEBUG_SIM) {
        log(`DEBUG target ${target} box ${JSON.stringify(box)} status ${(await page.locator('.statusbar').innerText()).replace(/\s+/g, ' ')} panel ${JSON.stringify(await panelStep(frame))} before ${JSON.stringify(before)}`);
        await page.screenshot({ path: join(screenshots, 'debug-click.png') });
      }
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
      // Back to the C file, still in its own group (the simulator never opened anything over it).
      await focusGroup(page, 0);
      await until(`${cFile} shown in the first group`, async () => (await groups(page))[0]?.active === cFile);
      await runCommand(page, 'Lockstep: Simulate with…');
      await acceptQuickPick(page, 'OvsPacketPath', { title: 'Lockstep: Simulate with…', filter: 'OvsPacketPath' }); // 1. the function (no CodeLens argument from the palette)
      await acceptQuickPick(page, 'is the packet path', { title: '(1/3)' }); //                                        2. it is the packet path
      await acceptQuickPick(page, 'OvsFlowDelete', { title: '(2/3)', filter: 'OvsFlowDelete' }); //                  3. the put to run against it
      await acceptQuickPick(page, '1 packet × 1 put', { title: '(3/3)' }); //                                         4. the counts
      await until('the C model in the panel', async () => (await frame.$eval('#protocol', (e) => e.value).catch(() => '')) === `${cFile}:OvsPacketPath+OvsFlowDelete`);
      await until('the C run\'s use-after-free', async () => (await frame.$$eval('.lanes', (els) => els.length)) > 0 &&
        (await frame.evaluate(() => document.body.textContent.includes('use-after-free') && document.body.textContent.includes('OvsDoExecuteAc'))));
      await frame.click('#step-counter');
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
      // The protocol listing the panel opened is closed now that it steps through the C file: [C file | panel].
      const g = await until('two groups: the C file and the panel', async () => {
        const now = await groups(page);
        return now.length === 2 ? now : undefined;
      });
      if (g[0].active !== cFile || !g[1].webview) throw new Error(`groups: ${JSON.stringify(g)}`);
    });

    if (workspace) await step('simulator: screenshots at the violation, C file beside the panel, light and dark', async () => {
      // F5 from the C file (the document the panel steps through): to the violation.
      await focusGroup(page, 0);
      // The C file takes the simulator's keys once the extension has marked it as the stepped document
      // (its title bar then shows the step buttons): wait for that, as a user sees it.
      await page.locator('.editor-group-container').nth(0).locator('.editor-actions [aria-label*="to the violation"]').first().waitFor();
      await page.keyboard.press('F5');
      const failing = await frame.evaluate(() => Number(document.querySelector('tr.failing')?.getAttribute('data-position')));
      await atStep(failing, 'F5 in the C file');
      for (const theme of ['light', 'dark']) {
        if (theme === 'dark') {
          // As a user would: Preferences: Color Theme, then the theme (a settings.json written behind the
          // workbench's back was not always picked up).
          await runCommand(page, 'Preferences: Color Theme');
          await acceptQuickPick(page, 'Dark Modern', { filter: 'Dark Modern' });
          await focusGroup(page, 0);
        }
        await until(`the ${theme} theme`, async () => (await page.$eval('.monaco-workbench', (e) => e.classList.contains('vs-dark'))) === (theme === 'dark'));
        // The webview follows the theme too (its body class), and has its debugger view on screen.
        await until(`the panel in the ${theme} theme`, async () => (await frame.evaluate(() => document.body.className)).includes(theme === 'dark' ? 'vscode-dark' : 'vscode-light'));
        await frame.evaluate(() => document.querySelector('.trace')?.scrollIntoView({ block: 'start' }));
        await until('the failing row in view', () => frame.evaluate(() => {
          const row = document.querySelector('.lanes tr.current')?.getBoundingClientRect();
          const box = document.querySelector('.lanes-wrap')?.getBoundingClientRect();
          return !!row && !!box && row.top >= box.top && row.bottom <= box.bottom + 1;
        }));
        await page.evaluate(() => document.fonts.ready);
        const file = join(screenshots, `simulator-editor-c-${theme}.png`);
        await page.screenshot({ path: file });
        log(`     screenshot ${file}`);
        if (process.env.LOCKSTEP_DOCS_SCREENSHOTS === '1') {
          mkdirSync(DOCS_IMAGES, { recursive: true });
          copyFileSync(file, join(DOCS_IMAGES, `simulator-${theme}.png`));
        }
      }
    });
  } finally {
    await context.close();
  }
  return results;
}
