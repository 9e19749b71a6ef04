// Runs the real-VS-Code end-to-end tests (test-e2e/) when code-server is installed
// (scripts/install-e2e.sh); otherwise says so and skips, unless DMARC_LENS_E2E=required (CI).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const home = process.env.VSCODE_E2E_HOME || '/var/cache/vscode-e2e';
const ready = existsSync(join(home, 'cs/node_modules/.bin/code-server')) && existsSync(process.env.CHROMIUM_BIN || '/usr/bin/chromium');
if (!ready) {
  const msg = `e2e: skipped, code-server or chromium not installed (run: bash scripts/install-e2e.sh; VSCODE_E2E_HOME=${home})`;
  if (process.env.DMARC_LENS_E2E === 'required') {
    console.error(msg);
    process.exit(1);
  }
  console.log(msg);
  process.exit(0);
}
const t0 = Date.now();
// Test the packaged artefact: build the .vsix, unpack it, and load exactly those files.
const tmp = mkdtempSync(join(tmpdir(), 'dmarc-lens-vsix-'));
const vsix = join(tmp, 'dmarc-lens.vsix');
const pack = spawnSync('npx', ['--no-install', 'vsce', 'package', '--no-dependencies', '-o', vsix], { encoding: 'utf8' });
if (pack.status !== 0) {
  console.error(`e2e: vsce package failed:\n${pack.stdout}${pack.stderr}`);
  process.exit(1);
}
const unzip = spawnSync('python3', ['-m', 'zipfile', '-e', vsix, join(tmp, 'unpacked')], { stdio: 'inherit' });
if (unzip.status !== 0) process.exit(1);
console.log(`e2e: testing the packaged ${vsix}`);
const r = spawnSync('npx', ['--no-install', 'vscode-test'], { stdio: 'inherit', env: { ...process.env, DMARC_LENS_EXTENSION_PATH: join(tmp, 'unpacked', 'extension') } });
rmSync(tmp, { recursive: true, force: true });
console.log(`e2e: ${r.status === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
process.exit(r.status ?? 1);
