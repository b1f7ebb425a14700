// Driving the VS Code workbench from Playwright without fixed pauses: every helper waits for the
// condition it needs (the quick input shows the expected title and the row to pick is the focused one;
// a webview frame has the element it needs) and only then acts. Typing into a quick input that is
// not there yet sends the keys to whatever has focus instead, which is how fixed pauses flake.

/** A ceiling for every wait: it only catches a hang (a loaded 2-core machine is slow, never wrong). */
export const HANG_CEILING_MS = 120_000;

/** Polls `fn` until it returns something truthy; throws naming `what` after `timeoutMs`. */
export async function until(what, fn, timeoutMs = HANG_CEILING_MS) {
  const t0 = Date.now();
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function widget(page) {
  return page.locator('.quick-input-widget');
}

/**
 * Picks the row containing `text` in the open quick input: waits until the quick input shows `title`
 * (when given) and lists the row, moves the focus onto it, presses Enter, and waits until that quick
 * input has closed or moved on (a new title), so the next keystroke cannot land in it.
 */
export async function acceptQuickPick(page, text, { title, filter } = {}) {
  const w = widget(page);
  if (title) await w.locator('.quick-input-title', { hasText: title }).first().waitFor({ state: 'visible', timeout: HANG_CEILING_MS });
  // A long list renders only the rows in view: filter it down first.
  if (filter) await w.locator('input').fill(filter);
  const rows = w.locator('.quick-input-list .monaco-list-row');
  await rows.filter({ hasText: text }).first().waitFor({ state: 'visible', timeout: HANG_CEILING_MS });
  // The list focuses its first row; walk down to ours (bounded by the list's length).
  const n = await rows.count();
  for (let i = 0; i <= n; i++) {
    if (await w.locator('.quick-input-list .monaco-list-row.focused').filter({ hasText: text }).count() > 0) break;
    if (i === n) throw new Error(`could not focus the quick pick row "${text}"`);
    await page.keyboard.press('ArrowDown');
  }
  const before = await signature(page);
  await page.keyboard.press('Enter');
  // The workbench reuses one quick input widget: "moved on" is a new title, text or placeholder.
  await until(`the quick pick "${title ?? text}" to close`, async () => !(await w.isVisible()) || (await signature(page)) !== before);
}

async function signature(page) {
  return page.evaluate(() => {
    const w = document.querySelector('.quick-input-widget');
    const input = w?.querySelector('input');
    return `${w?.querySelector('.quick-input-title')?.textContent ?? ''}|${input?.value ?? ''}|${input?.getAttribute('placeholder') ?? ''}`;
  }).catch(() => 'navigated');
}

/** Runs a command from the palette by its label ("Lockstep: Open simulator"), once the palette lists it. */
export async function runCommand(page, label) {
  // The palette takes its command list when it opens: one opened before the extension's contributions
  // were registered never lists them. Until it does, close it and open it again.
  const row = widget(page).locator('.quick-input-list .monaco-list-row').filter({ hasText: label }).first();
  await until(`the palette to list "${label}"`, async () => {
    await openQuickInput(page, 'F1');
    await widget(page).locator('input').fill(`>${label}`);
    if (await row.waitFor({ state: 'visible', timeout: 5000 }).then(() => true, () => false)) return true;
    await page.keyboard.press('Escape');
    return false;
  });
  await acceptQuickPick(page, label);
}

/**
 * Presses `key` until the quick input shows: a workbench that is still starting drops keys it has no
 * binding for yet, so one press is not enough; each press waits for the widget before trying again.
 */
async function openQuickInput(page, key) {
  const input = widget(page).locator('input');
  await until(`the quick input (${key})`, async () => {
    if (await input.isVisible()) return true;
    await page.keyboard.press(key);
    return input.waitFor({ state: 'visible', timeout: 5000 }).then(() => true, () => false);
  });
}

/**
 * Opens a file at the workspace's top level by clicking it in the Explorer, once the Explorer lists it.
 * (Not Quick Open: its file search runs ripgrep on the server, which on a loaded machine could list
 * nothing for minutes.)
 */
export async function openFromExplorer(page, fileName) {
  const row = page.locator(`.explorer-folders-view .monaco-list-row[aria-label="${fileName}"]`);
  await row.waitFor({ state: 'visible', timeout: HANG_CEILING_MS });
  await row.click();
  await until(`the ${fileName} tab`, async () => (await tabLabels(page)).includes(fileName));
}

/** Labels of the editor tabs, in every group. */
export async function tabLabels(page) {
  return page.$$eval('.tab .label-name', (els) => els.map((e) => e.textContent));
}

/** The first frame (webview content frames are nested iframes) that has `selector`, once there is one. */
export async function frameWith(page, selector, what) {
  return until(what, async () => {
    for (const f of page.frames()) {
      try {
        if (await f.$(selector)) return f;
      } catch {
        // frames come and go while the workbench loads
      }
    }
    return undefined;
  });
}
