// Runs the extension-host suite inside code-server. code-server refuses --extensionTestsPath, but
// the web workbench takes it from the URL's `payload` (as VS Code's own browser integration tests
// do); the suite's exit code comes back through `codeAutomationExit`, its console through
// `codeAutomationLog`.
import { format } from 'node:util';
import { chromium } from 'playwright-core';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function runHostSuiteInCodeServer({ url, port, extensionPath, testsPath, workspace, profileDir, log = console.log, timeoutMs = 25 * 60_000 }) {
  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
  const payload = [
    ['extensionDevelopmentPath', remote(extensionPath)],
    ['extensionTestsPath', remote(testsPath)],
    ['skipWelcome', 'true'],
  ];
  const context = await chromium.launchPersistentContext(profileDir, { executablePath: '/usr/bin/chromium', headless: true, args: ARGS });
  const page = context.pages()[0] ?? await context.newPage();
  let counts;
  try {
    const exited = new Promise((resolve) => {
      void page.exposeFunction('codeAutomationExit', (code) => resolve(Number(code)));
    });
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const line = format(...(Array.isArray(args) ? args : [args]));
      const m = /LOCKSTEP_SUITE_RESULT (\{.*\})/.exec(line);
      if (m) counts = JSON.parse(m[1]);
      log(`  [host] ${line}`);
    });
    await page.goto(`${url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    let timer;
    const timeout = new Promise((resolve) => { timer = setTimeout(() => resolve('timeout'), timeoutMs); });
    const exitCode = await Promise.race([exited, timeout]);
    clearTimeout(timer);
    if (exitCode === 'timeout') {
      log(`extension-host suite did not finish in ${timeoutMs / 1000} s`);
      return { exitCode: -1, counts };
    }
    return { exitCode, counts };
  } finally {
    await context.close();
  }
}
