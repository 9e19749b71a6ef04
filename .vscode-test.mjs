// @vscode/test-cli configuration: the in-host tests run in code-server's real VS Code through
// scripts/vscode-shim.js (see ../shared/recipes/vscode-e2e.md); on a laptop with desktop VS Code,
// drop `useInstallation` to use a downloaded VS Code instead.
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ws = mkdtempSync(join(tmpdir(), 'dmarc-lens-e2e-'));
// A fresh copy of the bundled examples for every run (tests edit the files).
cpSync('examples', ws, { recursive: true });

export default {
  files: 'test-e2e/**/*.test.js',
  // scripts/e2e.mjs points this at the unpacked .vsix, so the packaged files are what runs.
  ...(process.env.DMARC_LENS_EXTENSION_PATH ? { extensionDevelopmentPath: process.env.DMARC_LENS_EXTENSION_PATH } : {}),
  workspaceFolder: ws,
  useInstallation: { fromPath: new URL('./scripts/vscode-shim.js', import.meta.url).pathname },
  mocha: { ui: 'tdd', timeout: 60000, color: false, require: ['./test-e2e/log-to-file.js'] },
};
