// The simulator webview in a real browser: Debian's Chromium driven by playwright-core loads the panel's
// own HTML (same CSP, nonce and bundle as in VS Code) from a localhost server, with a stub acquireVsCodeApi
// standing in for the extension. It runs a violated result through the UI, steps with the keyboard,
// checks lanes and state text, reloads to check the saved state, and saves light/dark/high-contrast
// screenshots to out/screenshots/. Skips (with the reason) where no Chromium is installed.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import * as esbuild from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { costView, protocolView, resultView } from '../../src/extension/simulator/adapt';
import { simulatorCore } from '../../src/extension/simulator/coreSeam';
import { simulatorHtml } from '../../src/extension/simulator/html';
import type { FromWebview, ToWebview } from '../../src/webview/messages';
import { LISTING_URI, seedWorkflowResult } from './fixtures/seedWorkflowResult';
import { themeCss, type ThemeName } from './themes';

const CHROMIUM = process.env.LOCKSTEP_CHROMIUM ?? '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set LOCKSTEP_CHROMIUM)`;
const ROOT = join(__dirname, '..', '..');
const SHOTS = join(ROOT, 'out', 'screenshots');

let server: Server | undefined;
let browser: Browser | undefined;
let base = '';

async function startServer(): Promise<void> {
  const bundle = await esbuild.build({
    entryPoints: [join(ROOT, 'src/webview/main.ts')], bundle: true, write: false, format: 'iife', platform: 'browser', target: 'es2022', logLevel: 'silent',
  });
  const js = bundle.outputFiles[0]!.text;
  const codicons = join(dirname(createRequire(__filename).resolve('@vscode/codicons/package.json')), 'dist');
  const files: Record<string, [string, Buffer | string]> = {
    '/webview.js': ['text/javascript', js],
    '/simulator.css': ['text/css', readFileSync(join(ROOT, 'media/simulator.css'))],
    '/codicons/codicon.css': ['text/css', readFileSync(join(codicons, 'codicon.css'))],
    '/codicons/codicon.ttf': ['font/ttf', readFileSync(join(codicons, 'codicon.ttf'))],
  };
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', base);
    if (url.pathname === '/') {
      const theme = (url.searchParams.get('theme') ?? 'light') as ThemeName;
      const html = simulatorHtml({ cspSource: base, nonce: 'testnonce123', scriptUri: '/webview.js', styleUri: '/simulator.css', codiconUri: '/codicons/codicon.css' })
        // VS Code injects its theme's --vscode-* variables; here a same-origin stylesheet stands in for them.
        .replace('</head>', `<link rel="stylesheet" href="/theme.css?name=${encodeURIComponent(theme)}">\n</head>`);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
      return;
    }
    if (url.pathname === '/theme.css') {
      res.writeHead(200, { 'content-type': 'text/css' }).end(themeCss((url.searchParams.get('name') ?? 'light') as ThemeName));
      return;
    }
    const f = files[url.pathname];
    if (f) res.writeHead(200, { 'content-type': f[0] }).end(f[1]);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The stub VS Code API: posted messages and CSP violations collected on window; state in sessionStorage so a reload keeps it. */
const STUB = `
  window.__posted = [];
  window.__csp = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))),
    getState: () => { const s = sessionStorage.getItem('vscode-state'); return s ? JSON.parse(s) : undefined; },
    setState: (s) => { sessionStorage.setItem('vscode-state', JSON.stringify(s)); return s; },
  });
`;

async function posted(page: Page): Promise<FromWebview[]> {
  return page.evaluate(() => (window as unknown as { __posted: FromWebview[] }).__posted);
}

async function send(page: Page, m: ToWebview): Promise<void> {
  await page.evaluate((msg) => window.postMessage(msg, '*'), m);
}

async function text(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).innerText()).replace(/\s+/g, ' ').trim();
}

/**
 * The step counter reads `expected`, waited for: a message posted to the webview is handled after
 * `send` returns, so reading the counter at once races the panel on a busy machine.
 */
async function expectCounter(page: Page, expected: string, message?: string): Promise<void> {
  const until = Date.now() + 15_000;
  let seen = await text(page, '#step-counter');
  while (seen !== expected && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    seen = await text(page, '#step-counter');
  }
  assert.equal(seen, expected, message);
}

const protocols = [
  { id: 'seed-workflow', title: 'the reply\'s workflow as written', summary: 'Packet: read-lock, lookup + increment, unlock, process, write-lock, decrement, unlock. Put: write-lock, decrement, mark INACTIVE at 1, unlock.', listingUri: LISTING_URI },
  { id: 'seed-workflow-fixed', title: 'the workflow, corrected', summary: 'Atomic increment; the put unlinks the flow and drops the table\'s reference.', listingUri: 'lockstep-protocol:/seed-workflow-fixed.c' },
  { id: 'ovs-windows', title: 'what OVS shipped', summary: 'Read lock held across lookup and actions; put frees under the write lock.', listingUri: 'lockstep-protocol:/ovs-windows.c' },
];

before(async () => {
  if (skip) return;
  await startServer();
  browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

test('the simulator panel runs a violated result through the UI and steps to the violation with the keyboard', { skip, timeout: 120_000 }, async () => {
  const context = await browser!.newContext({ viewport: { width: 980, height: 900 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript(STUB);
  await page.goto(`${base}/?theme=light`);
  await page.waitForSelector('#run');
  assert.ok((await posted(page)).some((m) => m.type === 'ready'), 'the webview says it is ready');

  // The extension answers with the protocols; the listing of the chosen one is asked for at once.
  await send(page, { type: 'init', protocols, protocol: 'seed-workflow', note: null });
  await page.waitForFunction(() => document.querySelectorAll('#protocol option').length === 3);
  assert.deepEqual((await posted(page)).at(-1), { type: 'highlight', uri: LISTING_URI, marks: [] });
  assert.equal(await page.inputValue('#packets'), '2');
  assert.equal(await page.inputValue('#puts'), '1');

  // The form's fields become the scenario; out-of-range input is clamped, an empty bound means none.
  await page.fill('#packets', '3');
  await page.fill('#puts', '99');
  await page.fill('#preemptions', '2');
  await page.locator('h1').click();
  assert.equal(await page.inputValue('#puts'), '8');
  await page.click('#run');
  assert.deepEqual((await posted(page)).find((m) => m.type === 'run'), {
    type: 'run', scenario: { protocol: 'seed-workflow', packets: 3, puts: 8, preemptionBound: 2 },
  });
  assert.equal(await page.isDisabled('#run'), true);
  assert.equal(await page.isVisible('#cancel'), true);
  await send(page, { type: 'progress', progress: { states: null, transitions: null, ms: 750 } });
  assert.equal(await text(page, '#progress'), 'Exploring… 750 ms');

  const core = seedWorkflowResult();
  const result = resultView(core);
  await send(page, { type: 'result', result });
  // The form now shows the scenario of the result it is looking at.
  assert.deepEqual([await page.inputValue('#packets'), await page.inputValue('#puts'), await page.inputValue('#preemptions')], ['2', '1', '']);
  await send(page, { type: 'costs', costs: [
    costView('seed-workflow-fixed', { ...core.costs, perPacket: { ...core.costs.perPacket, steps: 11, writeLockAcquisitions: 1 }, roundRobinWaits: 4 }),
    costView('ovs-windows', { ...core.costs, perPacket: { steps: 6, lockAcquisitions: 1, writeLockAcquisitions: 0, rcuReadSections: 0 }, roundRobinWaits: 1, blockedStateShare: 0.12 }),
  ] });
  await page.waitForSelector('.lanes');

  // Verdicts per invariant.
  assert.match(await text(page, '.headline'), /Violated: 1 of 7 invariants break/);
  assert.equal(await page.locator('.invariant.violated').count(), 1);
  assert.equal(await page.locator('.invariant.safe').count(), 6);
  assert.match(await text(page, '.stats'), /seed-workflow, 2 packets × 1 put — 1,873 states, 4,410 transitions, 38 ms \(exhaustive\)/);

  // Lanes: one per context, one row per step plus the initial state; opened at the failing step.
  const lanes = await page.locator('.lanes thead th.lane-head .lane-label').allInnerTexts();
  assert.deepEqual(lanes, ['packet 1', 'packet 2', 'put 1']);
  assert.equal(await page.locator('.lanes tbody tr').count(), 22);
  await expectCounter(page, 'Step 21 / 21');
  assert.match(await text(page, '#failure'), /^use after free: packet 2 reads flow F after packet 1 freed it$/);

  // To the start, then three steps forward, with the keyboard.
  await page.locator('h1').click();
  await page.keyboard.press('Home');
  await expectCounter(page, 'Step 0 / 21');
  assert.match(await text(page, '#step-description'), /^Initial state/);
  assert.match(await text(page, '.lock'), /mode free/);
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  await expectCounter(page, 'Step 3 / 21');
  assert.equal(await text(page, '#step-description'), 'Step 3 of 21: packet 1, line 14 — lookup F -> pFlow (ACTIVE only).');
  assert.equal(await page.locator('.lanes tr.current th.step-no').innerText(), '3');
  assert.match(await text(page, '.lock'), /mode read-held owner packet 1, packet 2/);
  await page.keyboard.press('ArrowLeft');
  await expectCounter(page, 'Step 2 / 21');

  // The put blocked behind the two readers says why, in its lane and in the state.
  await page.keyboard.press('n');
  for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowRight');
  await expectCounter(page, 'Step 7 / 21');
  assert.match(await text(page, '.lane-head.lane-blocked .lane-status'), /blocked: write lock table, held for reading by packet 1, packet 2/);
  assert.match(await text(page, '#step-description'), /Put 1 waits: write lock table, held for reading by packet 1, packet 2\./);

  // To the violation: the failing row is current, the flow is freed and the change is marked.
  await page.keyboard.press('End');
  await expectCounter(page, 'Step 21 / 21');
  assert.match(await text(page, '#step-description'), /^Step 21 of 21: packet 2, line 21 — use F \(process the packet\)\. Violation — use after free/);
  assert.equal(await page.locator('.lanes tr.current.failing').count(), 1);
  assert.equal(await text(page, '.flow'), 'flow F refcount 0 flag INACTIVE memory freed table unlinked deleting put finished yes');
  assert.equal(await page.locator('.flow .val.changed').count(), 0, 'the use changes nothing in the flow');
  // One step back is packet 1's free: that is the change marked.
  await page.keyboard.press('ArrowLeft');
  assert.deepEqual(await page.locator('.val.changed').evaluateAll((els) => els.map((e) => e.getAttribute('data-key'))),
    ['flow F.freed']);
  assert.equal(await text(page, '.flow .val.changed'), '●freed (changed)');
  await page.keyboard.press('End');
  // Each lane's latest step is outlined: packet 2's failing use, packet 1's free, put 1's release.
  assert.deepEqual(await page.locator('.cell.lane-current .instr').allInnerTexts(), ['release table', 'free F', 'use F (process the packet)']);

  // The listing is told where every context stands, in the context's colour.
  const hl = (await posted(page)).filter((m) => m.type === 'highlight').at(-1);
  assert.deepEqual(hl, { type: 'highlight', uri: LISTING_URI, marks: [
    { context: 'c0', label: 'packet 1', colour: 0, line: 25, current: false },
    { context: 'c1', label: 'packet 2', colour: 1, line: 20, current: true },
    { context: 'c2', label: 'put 1', colour: 2, line: 38, current: false },
  ] });

  // Clicking a listing line in the editor arrives as jumpToLine: the next step at that line.
  await send(page, { type: 'jumpToLine', uri: LISTING_URI, line: 16 });
  await expectCounter(page, 'Step 8 / 21');

  // Copy and replay go to the extension.
  await page.locator('h1').click();
  await page.keyboard.press('c');
  assert.deepEqual((await posted(page)).at(-1), { type: 'copy', text: core.violations[0]!.schedule });
  await page.fill('#replay-input', '  seed-workflow/2x1:0.1.2 ');
  await page.press('#replay-input', 'Enter');
  assert.deepEqual((await posted(page)).filter((m) => m.type === 'replay').at(-1), {
    type: 'replay', scenario: { protocol: 'seed-workflow', packets: 2, puts: 1, preemptionBound: null }, schedule: 'seed-workflow/2x1:0.1.2',
  });
  await send(page, { type: 'result', result: { ...result, replayOf: 'seed-workflow/2x1:0.1.2', stats: { ...result.stats, mode: 'replay', exhaustive: false } } });

  // A replayed schedule is not a search, and a search that stopped early proves nothing: both say so.
  assert.match(await text(page, '.stats'), /\(one schedule replayed: not a proof\)$/);
  const partial = { ...result, verdict: 'safe' as const, violations: [], stats: { ...result.stats, exhaustive: false, stoppedBecause: 'state limit reached' },
    invariants: result.invariants.map((i) => ({ ...i, verdict: 'unknown' as const, violation: null })) };
  await send(page, { type: 'result', result: partial });
  assert.equal(await text(page, '.headline'), 'No violation found in the part of the search that ran');
  assert.equal(await page.locator('.invariant.unknown').count(), 7);
  assert.match(await text(page, '.stats'), /\(state limit reached: not a proof\)$/);
  await send(page, { type: 'result', result: { ...result, replayOf: 'seed-workflow/2x1:0.1.2' } });

  // Costs compact: one row per protocol in the order of the protocol list, one column per group of counters.
  assert.deepEqual(await page.locator('.costs-table tbody th').allInnerTexts(), ['seed-workflow', 'seed-workflow-fixed', 'ovs-windows']);
  assert.deepEqual(await page.locator('.costs-table thead tr:first-child th').allInnerTexts(), ['protocol', 'per packet', 'per put', 'round-robin run', 'explored states']);
  assert.deepEqual(await page.locator('.costs-table thead tr.legend th').allInnerTexts(), ['steps · locks · write locks · RCU sections', 'steps · locks · write locks', 'waits · steps per packet', '% waiting']);
  assert.equal(await page.locator('.costs-table tbody tr:nth-child(3) td:nth-child(2)').innerText(), '6 · 1 · 0 · 0');
  // It fits the panel: nothing scrolls sideways.
  assert.ok(await page.locator('.costs').evaluate((e) => e.scrollWidth <= e.clientWidth), 'the costs table fits');
  await page.locator('.costs').screenshot({ path: join(SHOTS, 'simulator-costs.png') });
  // And in a beside-the-code panel (~480 px): headers wrap, numbers do not, nothing scrolls sideways.
  const wide = page.viewportSize()!;
  await page.setViewportSize({ width: 480, height: wide.height });
  assert.ok(await page.locator('.costs').evaluate((e) => e.scrollWidth <= e.clientWidth), 'the costs table fits 480 px');
  await page.locator('.costs').screenshot({ path: join(SHOTS, 'simulator-costs-480px.png') });
  await page.setViewportSize(wide);

  // A malformed message is ignored, not fatal.
  await send(page, { type: 'result', result: { protocol: 'x' } } as unknown as ToWebview);
  await expectCounter(page, 'Step 21 / 21');

  // Play advances on its own; P pauses. (Keys typed in the replay field stay in the field.)
  assert.equal(await page.inputValue('#replay-input'), '  seed-workflow/2x1:0.1.2 ');
  await page.locator('h1').click();
  await page.keyboard.press('Home');
  await page.keyboard.press(']');
  await page.keyboard.press(']');
  await page.keyboard.press('p');
  await page.waitForFunction(() => document.querySelector('#step-counter')?.textContent === 'Step 2 / 21');
  await page.keyboard.press('p');
  assert.equal(await page.getAttribute('#play', 'aria-label'), 'Play');

  // Accessibility basics: every button has a name, the description is live, no inline handlers anywhere.
  const unnamed = await page.$$eval('button', (bs) => bs.filter((b) => !(b.getAttribute('aria-label') ?? b.textContent ?? '').trim()).length);
  assert.equal(unnamed, 0);
  assert.equal(await page.getAttribute('#step-description', 'aria-live'), 'polite');
  const inline = await page.$$eval('*', (els) => els.flatMap((e) => [...e.attributes].filter((a) => a.name.startsWith('on')).map((a) => a.name)));
  assert.deepEqual(inline, []);

  // A reload (here into the dark theme) restores protocol, scenario, result and step from setState.
  await page.keyboard.press('End');
  await page.goto(`${base}/?theme=dark`);
  await page.waitForSelector('.lanes tr.current');
  await expectCounter(page, 'Step 21 / 21');
  assert.equal(await page.inputValue('#packets'), '2');
  assert.equal(await page.inputValue('#protocol'), 'seed-workflow');
  assert.match(await text(page, '.headline'), /Violated/);

  assert.deepEqual(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp), [], 'no CSP violations');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the core\'s own seed-workflow result (2 packets, 1 put) in light, dark and high-contrast themes', { skip, timeout: 120_000 }, async () => {
  const scenario = { protocol: 'seed-workflow', packets: 2, puts: 1, preemptionBound: null };
  const core = simulatorCore.simulate(scenario);
  const result = resultView(core);
  const others = simulatorCore.listProtocols().filter((p) => p.name !== scenario.protocol)
    .map((p) => costView(p.name, simulatorCore.simulate({ ...scenario, protocol: p.name }, { maxStates: 300_000, timeLimitMs: 15_000 }).costs));
  const v = result.violations[0]!;
  const n = v.steps.length;

  const context = await browser!.newContext({ viewport: { width: 980, height: 1000 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript(STUB);
  await page.goto(`${base}/?theme=light`);
  await page.waitForSelector('#run');
  await send(page, { type: 'init', protocols: simulatorCore.listProtocols().map(protocolView), protocol: 'seed-workflow', note: null });
  await page.click('#run');
  await send(page, { type: 'result', result });
  await send(page, { type: 'costs', costs: others });
  await page.waitForSelector('.lanes');

  assert.deepEqual(await page.locator('.lanes thead th.lane-head .lane-label').allInnerTexts(), v.contexts.map((c) => c.label));
  assert.equal(await page.locator('.lanes tbody tr').count(), n + 1);
  assert.equal(await text(page, '#failure'), v.message);

  // From the start to the violation, one key press per step.
  await page.locator('h1').click();
  await page.keyboard.press('Home');
  for (let i = 0; i <= v.failingStep; i++) await page.keyboard.press('ArrowRight');
  await expectCounter(page, `Step ${v.failingStep + 1} / ${n}`);
  const failing = v.steps[v.failingStep]!;
  assert.ok((await text(page, '#step-description')).startsWith(`Step ${v.failingStep + 1} of ${n}: ${v.contexts[failing.context]!.label}, line ${failing.line + 1} — ${failing.instruction}.`));
  assert.ok((await text(page, '#step-description')).endsWith(`Violation — ${v.message}`));
  assert.equal(await page.locator('.lanes tr.current.failing').count(), 1);
  const flow = result.violations[0]!.steps[v.failingStep]!.state.flows[0]!;
  assert.match(await text(page, '.flow'), new RegExp(`refcount ${flow.refcount} flag ${flow.flag} memory ${flow.freed ? 'freed' : 'live'}`));
  assert.equal(await page.locator('.costs-table tbody tr').count(), simulatorCore.listProtocols().length);

  mkdirSync(SHOTS, { recursive: true });
  for (const theme of ['light', 'dark', 'high-contrast'] as const) {
    await page.goto(`${base}/?theme=${theme}`);
    await page.waitForSelector('.lanes tr.current');
    await page.evaluate(() => document.fonts.ready);
    await expectCounter(page, `Step ${v.failingStep + 1} / ${n}`, `restored after reload (${theme})`);
    // What a reviewer sees when the result arrives: the page scrolled to the schedule, one screen high.
    await page.locator('.trace').evaluate((e) => e.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: join(SHOTS, `simulator-${theme}.png`) });
  }
  // The step that frees the flow, with its changes marked.
  const free = v.steps.findIndex((st) => st.effect.startsWith('frees'));
  await page.goto(`${base}/?theme=dark`);
  await page.waitForSelector('.lanes tr.current');
  await page.evaluate(() => document.fonts.ready);
  await page.locator('h1').click();
  await page.keyboard.press('Home');
  for (let i = 0; i <= free; i++) await page.keyboard.press('n');
  assert.ok((await page.locator('.val.changed').count()) > 0);
  await page.locator('.trace').evaluate((e) => e.scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: join(SHOTS, 'simulator-dark-free-step.png') });

  // A safe protocol on the same scenario: verdicts only, no schedule, and its costs beside the others.
  await page.selectOption('#protocol', 'seed-workflow-fixed');
  await page.click('#run');
  assert.deepEqual((await posted(page)).filter((m) => m.type === 'run').at(-1), { type: 'run', scenario: { ...scenario, protocol: 'seed-workflow-fixed' } });
  const fixed = simulatorCore.simulate({ ...scenario, protocol: 'seed-workflow-fixed' });
  await send(page, { type: 'result', result: resultView(fixed) });
  await page.waitForSelector('.headline.safe');
  assert.equal(await text(page, '.headline'), 'Safe: all 7 invariants hold');
  assert.equal(await page.isVisible('.trace'), false);
  assert.deepEqual((await posted(page)).at(-1), { type: 'highlight', uri: 'lockstep-protocol:/seed-workflow-fixed.c', marks: [] });
  assert.equal(await text(page, '.costs-table tr.selected th'), 'seed-workflow-fixed');

  assert.deepEqual(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('laid out like a debugger: bar, lanes with the current row, and state in one view, wide and narrow; editor commands step it', { skip, timeout: 120_000 }, async () => {
  const core = seedWorkflowResult();
  const result = resultView(core);
  const v = result.violations[0]!;
  const inView = async (page: Page, selector: string): Promise<boolean> => page.locator(selector).first().evaluate((e) => {
    const r = e.getBoundingClientRect();
    // Inside the window, and inside every scrolling box around it.
    if (r.top < 0 || r.bottom > window.innerHeight + 1 || r.height === 0) return false;
    for (let p = e.parentElement; p; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (!/(auto|scroll)/.test(s.overflowY)) continue;
      const b = p.getBoundingClientRect();
      if (r.top < b.top - 1 || r.bottom > b.bottom + 1) return false;
    }
    return true;
  });
  for (const [width, height, sideBySide] of [[1000, 820, true], [480, 820, false]] as const) {
    const context = await browser!.newContext({ viewport: { width, height }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    await page.addInitScript(STUB);
    await page.goto(`${base}/?theme=light`);
    await page.waitForSelector('#run');
    await send(page, { type: 'init', protocols, protocol: 'seed-workflow', note: null });
    await page.click('#run');
    await send(page, { type: 'result', result });
    await page.waitForSelector('.lanes tr.current');
    const lanes = await page.locator('.lanes-wrap').boundingBox();
    const state = await page.locator('#state').boundingBox();
    assert.ok(lanes && state);
    assert.equal(state.x > lanes.x + lanes.width - 1, sideBySide, `${width} px: state ${sideBySide ? 'beside' : 'under'} the lanes`);
    // The result arrives at the failing step: bar, failing row and state are all on screen.
    for (const sel of ['.debug-bar', '#step-counter', '.lanes tr.current', '#state h3']) assert.ok(await inView(page, sel), `${width} px: ${sel} in view at the failure`);
    assert.equal(await page.locator('.lanes tr.current.failing').count(), 1);
    // The step text keeps all its lines (only lanes and state give up height to fit the screen).
    assert.ok(await page.locator('#step-description').evaluate((e) => e.scrollHeight <= e.clientHeight + 1), `${width} px: the step text is not cut`);
    await page.screenshot({ path: join(SHOTS, `simulator-${width}px.png`) });
    // To the start and back to the end: the current row follows, inside the lanes only.
    await page.locator('#step-counter').click();
    await page.keyboard.press('Home');
    assert.ok(await inView(page, '.lanes tr.current'), `${width} px: the initial row in view`);
    await page.keyboard.press('End');
    assert.ok(await inView(page, '.lanes tr.current'), `${width} px: the failing row in view after End`);
    assert.ok(await inView(page, '.debug-bar'), `${width} px: the bar stays pinned`);
    // The editor's lockstep.sim.* commands arrive as messages and step the panel like its own keys.
    await send(page, { type: 'command', command: 'restart' });
    await expectCounter(page, `Step 0 / ${v.steps.length}`);
    await send(page, { type: 'command', command: 'stepForward' });
    await send(page, { type: 'command', command: 'stepForward' });
    await send(page, { type: 'command', command: 'stepBack' });
    await expectCounter(page, `Step 1 / ${v.steps.length}`);
    await send(page, { type: 'command', command: 'toEnd' });
    await expectCounter(page, `Step ${v.failingStep + 1} / ${v.steps.length}`);
    assert.ok(await inView(page, '.lanes tr.current'));
    const runs = (await posted(page)).filter((m) => m.type === 'run').length;
    await send(page, { type: 'command', command: 'run' });
    assert.equal((await posted(page)).filter((m) => m.type === 'run').length, runs + 1, 'run starts the explorer');
    await send(page, { type: 'result', result });
    await send(page, { type: 'command', command: 'nonsense' } as unknown as ToWebview);
    // Copy, then the extension's confirmation is shown.
    await page.locator('#copy-schedule').click();
    assert.deepEqual((await posted(page)).at(-1), { type: 'copy', text: v.schedule });
    assert.equal(await page.isVisible('#copied'), false);
    await send(page, { type: 'copied' });
    assert.equal(await text(page, '#copied'), 'Schedule copied');
    await context.close();
  }
});
