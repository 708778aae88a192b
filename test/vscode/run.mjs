// VS Code suites inside code-server: (1) mocha in the real extension host, (2) Playwright UI checks.
// Prints "N passed, N failed" last; exit code 1 on any failure.
import '../../scripts/node24.mjs';
import fs from 'node:fs';
import { format } from 'node:util';
import os from 'node:os';
import path from 'node:path';
import { setup, seedWorkspace, startCodeServer, launchBrowser, ROOT } from './codeServer.mjs';
import { uiSuite } from './ui.mjs';

const t0 = Date.now();
const lap = m => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);
let passed = 0;
let failed = 0;
const record = (name, ok) => { ok ? passed++ : failed++; console.log(`  ${ok ? '✔' : '✖'} ${name}`); };

setup();
fs.mkdirSync(path.join(ROOT, 'test-results'), { recursive: true });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-vscode-'));
let cs;
let browser;
try {
  const hostWs = path.join(tmp, 'ws-host');
  seedWorkspace(hostWs);
  const uiWs = path.join(tmp, 'ws-ui');
  seedWorkspace(uiWs);
  lap('workspaces seeded');
  cs = await startCodeServer(hostWs, { tmp });
  lap(`code-server up on ${cs.base}`);
  browser = await launchBrowser();

  // (1) extension-host suite
  {
    const page = await browser.newPage();
    let done;
    const exit = new Promise(r => (done = r));
    let result;
    await page.exposeFunction('codeAutomationExit', code => done(code));
    await page.exposeFunction('codeAutomationLog', (_type, args) => {
      const line = format(...args);
      if (/Unable to read file|^\s+at |Canceled|ENOPRO|vsda|open-vsx|telemetry|^\[(AgentHost|ChatModelSelection|lifecycle)/.test(line)) return; // offline workbench noise
      const m = /MOCHA-RESULT passed=(\d+) failed=(\d+)/.exec(line);
      if (m) result = { passed: Number(m[1]), failed: Number(m[2]) }; else console.log(line);
    });
    await page.goto(cs.devUrl([['extensionTestsPath', cs.remote(path.join(ROOT, 'test/vscode/suite/index.js'))]]));
    const code = await Promise.race([exit, new Promise(r => setTimeout(() => r('timeout'), 300000))]);
    lap(`extension-host suite exit code ${code}`);
    await page.screenshot({ path: path.join(ROOT, 'test-results', 'extension-host.png') }).catch(() => undefined);
    if (result) { passed += result.passed; failed += result.failed; } else failed++;
    if (code !== 0 && result && result.failed === 0) failed++;
    await page.close();
  }
  // (2) UI suite on its own workspace (a fresh window of the same server)
  cs.kill();
  cs = await startCodeServer(uiWs, { tmp: fs.mkdtempSync(path.join(tmp, 'cs2-')) });
  await uiSuite(browser, cs, uiWs, record);
  lap('UI suite done');
} catch (e) {
  console.error(e);
  failed++;
} finally {
  await browser?.close().catch(() => undefined);
  cs?.kill();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
