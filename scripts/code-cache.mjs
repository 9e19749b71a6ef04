// Writes dist/cli-main.cache: the V8 code cache of the bundled CLI, taken after it has checked the
// bundled examples (offline, output discarded), so the functions a run needs are in it compiled.
// Run by scripts/build.mjs; dist/cli.js (server/src/launch.ts) reads it. Same node binary, same flags.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { loadCli, CACHE } = require(path.join(root, 'dist', 'cli.js'));
const { main, script } = loadCli();
const quiet = () => {};
const examples = path.join(root, 'examples');
for (const argv of [
  ['check', examples, '--offline'],
  ['check', examples, '--offline', '--format', 'json'],
  ['check', examples, '--offline', '--format', 'sarif'],
  ['inventory', examples],
]) await main(argv, quiet, quiet);
writeFileSync(CACHE, script.createCachedData());
