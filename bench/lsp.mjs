// Language-server benchmark over stdio with a real LSP client connection:
//  1. open a 100 000-record zone: time to the first publishDiagnostics;
//  2. 50 one-line edits (didChange, incremental): median time from didChange to the new publishDiagnostics;
//  3. a workspace of 1 000 zone files (generated): indexing time and server RSS afterwards.
// Between 2 and 3: definition/references on includes, hover and highlight on owner names, rename of hosts, completion after include:, and the code lenses of the whole document.
// Usage: npm run build && node bench/lsp.mjs [--records N] [--edits N] [--files N] [--max-problems N]
// --max-problems N answers the server's workspace/configuration with dmarcLens.maxProblemsPerFile = N
// (0: every diagnostic is sent); without it the server's default applies (1 000, VS Code's own limit).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const rpc = require('vscode-languageserver-protocol/node');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const arg = (name, def) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? Number(argv[i + 1]) : def; };
const records = arg('records', 100000);
const editsWanted = arg('edits', 50);
const filesWanted = arg('files', 1000);
const maxProblems = arg('max-problems', undefined);

const gen = [path.resolve(root, '..', 'shared', 'tools', 'bench', 'gen_zone.js')].find(existsSync);
if (!gen) { console.error('bench: ../shared/tools/bench/gen_zone.js not found'); process.exit(2); }
const dataDir = path.join(root, 'bench', '.data');
mkdirSync(dataDir, { recursive: true });
const zone = path.join(dataDir, `big-${records}.zone`);
if (!existsSync(zone)) spawnSync(process.execPath, [gen, '--records', String(records), '--seed', '1', '--origin', 'big.example.', '--out', zone], { stdio: 'inherit' });

function startServer(rootDir) {
  const proc = spawn(process.execPath, [...(process.env.DL_SERVER_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.DL_SERVER_PROF}`] : []), path.join(root, 'dist', 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = rpc.createProtocolConnection(new rpc.StreamMessageReader(proc.stdout), new rpc.StreamMessageWriter(proc.stdin));
  const waiters = new Map();
  conn.onNotification(rpc.PublishDiagnosticsNotification.type, (p) => { const w = waiters.get(p.uri); if (w && (w.version === undefined || p.version === w.version)) { waiters.delete(p.uri); w.resolve(p); } });
  conn.onRequest(rpc.WorkDoneProgressCreateRequest.type, () => null);
  conn.onRequest(rpc.ConfigurationRequest.type, (p) => p.items.map(() => ({ maxProblemsPerFile: maxProblems })));
  if (process.env.DMARC_LENS_TIMING) conn.onNotification(rpc.LogMessageNotification.type, (m) => { if (m.message.includes('timing')) console.log(`  server: ${m.message}`); });
  let indexed;
  const indexedP = new Promise((r) => (indexed = r));
  conn.onNotification('$/progress', (p) => { if (p.value.kind === 'end') indexed(); });
  conn.listen();
  const next = (uri, version) => new Promise((resolve) => waiters.set(uri, { version, resolve }));
  return { proc, conn, next, indexedP, init: () => conn.sendRequest(rpc.InitializeRequest.type, { processId: process.pid, rootUri: rootDir ? pathToFileURL(rootDir).href : null, workspaceFolders: rootDir ? [{ uri: pathToFileURL(rootDir).href, name: 'ws' }] : null, capabilities: { window: { workDoneProgress: true }, ...(maxProblems !== undefined ? { workspace: { configuration: true } } : {}) } }) };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// 1 + 2: one big document
{
  const s = startServer(null);
  await s.init();
  await s.conn.sendNotification(rpc.InitializedNotification.type, {});
  const text = readFileSync(zone, 'utf8');
  const uri = pathToFileURL(zone).href;
  let t = performance.now();
  const first = s.next(uri, 1);
  await s.conn.sendNotification(rpc.DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'dns-zone', version: 1, text } });
  const p = await first;
  const openMs = performance.now() - t;
  // Big documents get a fast first answer; the cross-record findings follow. Wait for them, so the
  // edits below carry the full set of diagnostics (the realistic, heavier case).
  const full = await s.next(uri, 1);
  const fullMs = performance.now() - t;
  console.log(`open ${records}-record zone (${(text.length / 1e6).toFixed(1)} MB): first diagnostics after ${openMs.toFixed(0)} ms (${p.diagnostics.length}), all after ${fullMs.toFixed(0)} ms (${full.diagnostics.length})`);
  const lines = text.split('\n');
  const candidates = lines.map((l, i) => [l, i]).filter(([l]) => / IN TXT "v=spf1 /.test(l) && !l.includes('('));
  const times = [];
  let sent = 0;
  for (let k = 0; k < editsWanted; k++) {
    const [line, i] = candidates[(k * 97) % candidates.length];
    const col = line.indexOf('~all') >= 0 ? line.indexOf('~all') : line.indexOf('-all');
    const version = k + 2;
    const got = s.next(uri, version);
    t = performance.now();
    await s.conn.sendNotification(rpc.DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ range: { start: { line: i, character: col }, end: { line: i, character: col + 1 } }, text: k % 2 ? '~' : '+' }] });
    sent = (await got).diagnostics.length;
    times.push(performance.now() - t);
  }
  console.log(`didChange of one line -> publishDiagnostics: median ${median(times).toFixed(0)} ms, min ${Math.min(...times).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms over ${times.length} edits (${sent} diagnostics sent each)`);
  // Typing: a character typed into a record and deleted again, so the rest of the file moves each time.
  const typing = [];
  for (let k = 0; k < editsWanted; k++) {
    const [line, i] = candidates[(Math.floor(k / 2) * 89) % candidates.length];
    const col = Math.max(line.indexOf('~all'), line.indexOf('-all'), line.indexOf('+all'), line.indexOf('?all'));
    const version = editsWanted + k + 2;
    const got = s.next(uri, version);
    t = performance.now();
    const change = k % 2 === 0 ? { range: { start: { line: i, character: col }, end: { line: i, character: col } }, text: 'x' } : { range: { start: { line: i, character: col }, end: { line: i, character: col + 1 } }, text: '' };
    await s.conn.sendNotification(rpc.DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [change] });
    await got;
    typing.push(performance.now() - t);
  }
  console.log(`typing (a character in, then out; the rest of the file moves): median ${median(typing).toFixed(0)} ms, min ${Math.min(...typing).toFixed(0)} ms, max ${Math.max(...typing).toFixed(0)} ms over ${typing.length} edits`);
  // Navigation: go to definition and find references on include names across the whole document.
  const includes = candidates.filter(([l]) => l.includes('include:')).slice(0, 400);
  const nav = { definition: [], references: [] };
  let found = 0;
  for (let k = 0; k < 20; k++) {
    const [line, i] = includes[(k * 37) % includes.length];
    const position = { line: i, character: line.indexOf('include:') + 10 };
    t = performance.now();
    await s.conn.sendRequest(rpc.DefinitionRequest.type, { textDocument: { uri }, position });
    nav.definition.push(performance.now() - t);
    t = performance.now();
    found += (await s.conn.sendRequest(rpc.ReferencesRequest.type, { textDocument: { uri }, position, context: { includeDeclaration: true } }))?.length ?? 0;
    nav.references.push(performance.now() - t);
  }
  console.log(`go to definition on an include: median ${median(nav.definition).toFixed(1)} ms; find references: median ${median(nav.references).toFixed(0)} ms, max ${Math.max(...nav.references).toFixed(0)} ms (${(found / 20).toFixed(0)} locations each on average)`);
  // Hover on owner names (what is published there, who includes it, the DMARC policy that covers it): each reads the whole workspace once.
  const owned = lines.map((l, i) => [l, i]).filter(([l]) => /^[a-z_][^ ]* /.test(l));
  const hovers = [];
  for (let k = 0; k < 20; k++) {
    const [, i] = owned[(k * 997) % owned.length];
    t = performance.now();
    await s.conn.sendRequest(rpc.HoverRequest.type, { textDocument: { uri }, position: { line: i, character: 1 } });
    hovers.push(performance.now() - t);
  }
  console.log(`hover on an owner name: median ${median(hovers).toFixed(0)} ms, max ${Math.max(...hovers).toFixed(0)} ms`);
  // Document highlight (asked as the cursor rests on a name): every place the document writes it.
  const lit = [];
  let litCount = 0;
  for (let k = 0; k < 20; k++) {
    const [, i] = owned[(k * 991) % owned.length];
    t = performance.now();
    litCount += (await s.conn.sendRequest(rpc.DocumentHighlightRequest.type, { textDocument: { uri }, position: { line: i, character: 1 } }))?.length ?? 0;
    lit.push(performance.now() - t);
  }
  console.log(`document highlight on an owner name: median ${median(lit).toFixed(0)} ms, max ${Math.max(...lit).toFixed(0)} ms (${(litCount / 20).toFixed(1)} places each on average)`);
  // Rename (F2): a host that MX records point at, and names with records under them, across the whole document.
  const hosts = lines.map((l, i) => [l, i]).filter(([l]) => /^(mx\d+|mail\d+) IN A /.test(l)).slice(0, 20);
  const renames = [];
  let renamed = 0;
  for (const [line, i] of hosts) {
    t = performance.now();
    const edit = await s.conn.sendRequest(rpc.RenameRequest.type, { textDocument: { uri }, position: { line: i, character: 1 }, newName: `${line.split(' ')[0]}-new` });
    renames.push(performance.now() - t);
    renamed += Object.values(edit?.changes ?? {}).reduce((n, e) => n + e.length, 0);
  }
  console.log(`rename a host across the document: median ${median(renames).toFixed(0)} ms, max ${Math.max(...renames).toFixed(0)} ms (${(renamed / Math.max(1, hosts.length)).toFixed(0)} edits each on average, ${hosts.length} renames)`);
  // Completion after `include:` (the workspace's SPF names, and the providers'), over the whole document's names.
  const completions = [];
  let offered = 0;
  for (let k = 0; k < 20; k++) {
    const [line, i] = includes[(k * 31) % includes.length];
    t = performance.now();
    const items = await s.conn.sendRequest(rpc.CompletionRequest.type, { textDocument: { uri }, position: { line: i, character: line.indexOf('include:') + 8 } });
    completions.push(performance.now() - t);
    offered += (Array.isArray(items) ? items : (items?.items ?? [])).length;
  }
  console.log(`completion after include:: median ${median(completions).toFixed(0)} ms, max ${Math.max(...completions).toFixed(0)} ms (${(offered / 20).toFixed(0)} items each on average)`);
  // Code lenses of the whole document (what VS Code asks on open), then the SPF counts of one screen
  // resolved (VS Code resolves the lenses it shows): each walks that record's tree.
  t = performance.now();
  const lenses = (await s.conn.sendRequest(rpc.CodeLensRequest.type, { textDocument: { uri } })) ?? [];
  const lensMs = performance.now() - t;
  const screen = lenses.filter((l) => !l.command).slice(1000, 1040);
  t = performance.now();
  await Promise.all(screen.map((l) => s.conn.sendRequest(rpc.CodeLensResolveRequest.type, l)));
  console.log(`code lenses of the whole document: ${lensMs.toFixed(0)} ms (${lenses.length} lenses); resolving ${screen.length} SPF counts: ${(performance.now() - t).toFixed(0)} ms`);
  await s.conn.sendRequest(rpc.ShutdownRequest.type);
  await s.conn.sendNotification(rpc.ExitNotification.type);
  await Promise.race([new Promise((r) => s.proc.once('exit', r)), new Promise((r) => setTimeout(r, 3000))]);
  s.proc.kill();
}

// 3: a 1000-file workspace
{
  const ws = path.join(dataDir, `ws-${filesWanted}`);
  if (!existsSync(path.join(ws, '.complete'))) {
    rmSync(ws, { recursive: true, force: true });
    mkdirSync(ws, { recursive: true });
    for (let i = 0; i < filesWanted; i++) {
      const out = path.join(ws, `d${i}.example.zone`);
      spawnSync(process.execPath, [gen, '--records', '200', '--seed', String(i + 1), '--origin', `d${i}.example.`, '--out', out]);
    }
    writeFileSync(path.join(ws, '.complete'), '');
  }
  const s = startServer(ws);
  const t = performance.now();
  await s.init();
  await s.conn.sendNotification(rpc.InitializedNotification.type, {});
  await s.indexedP;
  const ms = performance.now() - t;
  const rss = Number(readFileSync(`/proc/${s.proc.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]) / 1024;
  console.log(`index ${filesWanted} files x 200 records: ${ms.toFixed(0)} ms, server RSS afterwards ${rss.toFixed(0)} MiB`);
  await s.conn.sendRequest(rpc.ShutdownRequest.type);
  await s.conn.sendNotification(rpc.ExitNotification.type);
  await Promise.race([new Promise((r) => s.proc.once('exit', r)), new Promise((r) => setTimeout(r, 3000))]);
  s.proc.kill();
}
process.exit(0);
