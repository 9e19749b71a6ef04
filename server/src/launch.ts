#!/usr/bin/env node
/**
 * The `dmarc-lens` command: loads the bundled CLI (`cli-main.js`) with the V8 code cache that
 * `npm run build` writes beside it (`cli-main.cache`), so a run does not compile the 1.3 MB bundle
 * again. This is what Node 22's module compile cache does; Node 20 has only `vm.Script`'s
 * `cachedData`. V8 checks the cache against the source and its own version and flags; a rejected or
 * missing cache only means compiling as usual.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import Module from 'node:module';

export const BUNDLE = path.join(__dirname, 'cli-main.js');
export const CACHE = path.join(__dirname, 'cli-main.cache');

export type CacheState = 'used' | 'rejected' | 'none';

export interface LoadedCli {
  main: (argv: string[], out?: (s: string) => void, err?: (s: string) => void) => number | Promise<number>;
  /** Runs this process's command line (see cli.ts). */
  runProcess: () => void;
  script: vm.Script;
  cache: CacheState;
}

/** Compiles and runs the bundle as a CommonJS module, as `require` would, with `cachedData` if given. */
export function loadCli(cachedData?: Buffer): LoadedCli {
  // A `#!` line is only valid at the very start of a file: made a comment of the same length, so
  // every position (and the source map) stays as it is.
  const source = fs.readFileSync(BUNDLE, 'utf8').replace(/^#!/, '//');
  const script = new vm.Script(Module.wrap(source), { filename: BUNDLE, cachedData });
  const cache: CacheState = !cachedData ? 'none' : script.cachedDataRejected ? 'rejected' : 'used';
  const m = new Module(BUNDLE, module);
  m.filename = BUNDLE;
  m.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(__dirname);
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeRequire, module: Module, filename: string, dirname: string) => void;
  wrapper.call(m.exports, m.exports, Module.createRequire(BUNDLE), m, BUNDLE, __dirname);
  m.loaded = true;
  const { main, runProcess } = m.exports as Pick<LoadedCli, 'main' | 'runProcess'>;
  return { main, runProcess, script, cache };
}

function readCache(): Buffer | undefined {
  try {
    return fs.readFileSync(CACHE);
  } catch {
    return undefined;
  }
}

if (require.main === module) {
  const { runProcess, cache } = loadCli(readCache());
  if (process.env.DMARC_LENS_TIMING === '1') process.stderr.write(`dmarc-lens timing: code cache ${cache}\n`);
  runProcess();
}
