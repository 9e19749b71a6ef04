// Bundles the CLI, the language server and the VS Code client into dist/ with esbuild.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';

// mainFields: jsonc-parser's "main" is a UMD build with dynamic requires; its ES module build bundles cleanly.
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning', mainFields: ['module', 'main'] };
const entries = [
  // dist/cli.js is a small launcher that loads the CLI bundle with its V8 code cache (see launch.ts).
  { entryPoints: ['server/src/cli.ts'], outfile: 'dist/cli-main.js' },
  { entryPoints: ['server/src/launch.ts'], outfile: 'dist/cli.js' },
  { entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js' },
  { entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'], minify: true },
  { entryPoints: ['client/webview/preview.ts'], outfile: 'dist/webview.js', platform: 'browser', format: 'iife', target: 'es2020', minify: true },
].filter((e) => existsSync(e.entryPoints[0]));

await Promise.all(entries.map((e) => build({ ...common, ...e })));

// The code cache belongs to this exact bundle: drop the old one first, so a failed run leaves none.
rmSync('dist/cli-main.cache', { force: true });
const cache = spawnSync(process.execPath, ['scripts/code-cache.mjs'], { stdio: 'inherit' });
if (cache.status !== 0) console.warn('build: no CLI code cache written (the CLI still works, it compiles on each start)');

// The report preview uses VS Code's icon font (codicons), shipped next to its script.
mkdirSync('dist', { recursive: true });
for (const f of ['codicon.css', 'codicon.ttf']) copyFileSync(`node_modules/@vscode/codicons/dist/${f}`, `dist/${f}`);
