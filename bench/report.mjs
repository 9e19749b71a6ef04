// Aggregate report benchmark: a 100 MB report (133 158 records, ../shared/tools/bench/gen_report.js)
// read and summed by `dmarc-lens report`; whole-process wall time and peak RSS, median of 3 runs.
// Reference figures on the same workload (bench README): saxes count-only 1.7 s / 150 MB,
// dmarc-cat 6.2 s / 424 MiB, fast-xml-parser whole document 11.1 s / 1.2 GiB, Mail::DMARC 27.6 s.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const gen = path.resolve(root, '..', 'shared', 'tools', 'bench', 'gen_report.js');
const dir = path.join(root, 'bench', '.data');
mkdirSync(dir, { recursive: true });
const file = path.join(dir, 'r100m.xml');
if (!existsSync(file)) spawnSync(process.execPath, [gen, '--records', '133158', '--seed', '1', '--out', file], { stdio: 'inherit' });
const runs = [];
for (let i = 0; i < 3; i++) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, path.join(root, 'dist', 'cli.js'), 'report', file], { encoding: 'utf8' });
  const [s, kb] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  runs.push({ s, mib: kb / 1024 });
}
runs.sort((a, b) => a.s - b.s);
console.log(`dmarc-lens report on a 100 MB report: median ${runs[1].s.toFixed(2)} s, peak RSS ${runs[1].mib.toFixed(0)} MiB (3 runs)`);

// The editor's preview over the language server (stdio, a real LSP connection): the first reading of
// the report, then the filter bar's choices (a domain, a span of days), which read the reports again
// from what the server kept of the files (they are unchanged) and build the model for that choice.
{
  const { spawn } = await import('node:child_process');
  const { createRequire } = await import('node:module');
  const { pathToFileURL } = await import('node:url');
  const rpc = createRequire(import.meta.url)('vscode-languageserver-protocol/node');
  const proc = spawn(process.execPath, [path.join(root, 'dist', 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = rpc.createProtocolConnection(new rpc.StreamMessageReader(proc.stdout), new rpc.StreamMessageWriter(proc.stdin));
  conn.onRequest(rpc.WorkDoneProgressCreateRequest.type, () => null);
  conn.listen();
  await conn.sendRequest(rpc.InitializeRequest.type, { processId: process.pid, rootUri: null, workspaceFolders: null, capabilities: {} });
  conn.sendNotification(rpc.InitializedNotification.type, {});
  const uri = pathToFileURL(file).href;
  const timed = async (scope) => {
    const t0 = performance.now();
    const model = await conn.sendRequest('dmarcLens/readReport', { uri, scope });
    return { ms: performance.now() - t0, model };
  };
  // While the first reading runs, another request every 50 ms (the outline of an open zone file, as an
  // editor asks while the user types): how long the server keeps it waiting.
  const zoneUri = 'untitled:bench.zone';
  conn.sendNotification(rpc.DidOpenTextDocumentNotification.type, { textDocument: { uri: zoneUri, languageId: 'dns-zone', version: 1, text: '$ORIGIN example.com.\n@ IN TXT "v=spf1 -all"\n' } });
  await conn.sendRequest(rpc.DocumentSymbolRequest.type, { textDocument: { uri: zoneUri } });
  /** Runs `work` while another request is sent every 50 ms; what `work` gave, and how long those requests waited. */
  const probed = async (work) => {
    const waits = [];
    let busy = true;
    const probe = (async () => {
      while (busy) {
        const t0 = performance.now();
        await conn.sendRequest(rpc.DocumentSymbolRequest.type, { textDocument: { uri: zoneUri } });
        waits.push(performance.now() - t0);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const result = await work();
    busy = false;
    await probe;
    waits.sort((a, b) => a - b);
    return { result, said: `${waits.length} outline requests answered, median ${waits[waits.length >> 1].toFixed(0)} ms, slowest ${waits[waits.length - 1].toFixed(0)} ms` };
  };
  const { result: first, said } = await probed(() => timed());
  console.log(`during the first reading: ${said}`);
  const domain = first.model.scope.domains[0];
  const { result: byDomain, said: whileFiltering } = await probed(() => timed({ domains: [domain] }));
  console.log(`during the domain filter: ${whileFiltering}`);
  const byDay = await timed({ since: first.model.scope.begin, until: first.model.scope.begin + 86399 });
  const all = await timed({});
  console.log(`preview over the language server: first reading ${first.ms.toFixed(0)} ms (${first.model.rows.length} rows); filter bar: domain ${domain} ${byDomain.ms.toFixed(0)} ms (${byDomain.model.rows.length} rows), first day ${byDay.ms.toFixed(0)} ms (${byDay.model.rows.length} rows), all again ${all.ms.toFixed(0)} ms`);
  await conn.sendRequest(rpc.ShutdownRequest.type);
  conn.sendNotification(rpc.ExitNotification.type);
  conn.dispose();
}

// A long reports.notOurs list (200 entries: 100 addresses, 100 /24 ranges, taken from the report's own
// sources) over the same report, in-process: the summary that sets their failing mail aside (the preview,
// the code lens) and what the reports show of each entry (meta/not-ours-authorised, the hover on an
// entry). Best of 3 runs each.
{
  const { buildSync } = await import('esbuild');
  const probe = path.join(dir, 'not-ours-probe.js');
  buildSync({
    stdin: {
      contents: `import { readFileSync } from 'node:fs';
import { readReports, summarize } from './server/src/reports/aggregate';
import { listedMail } from './server/src/reports/listed';
const { reports } = readReports(readFileSync(process.argv[2]), process.argv[2]);
const ips = [...new Set(reports.flatMap((r) => r.records.map((x) => x.sourceIp)))].filter((ip) => ip.includes('.'));
const list = Array.from({ length: 200 }, (_, i) => (i % 2 ? ips[i * 50] : ips[i * 50].replace(/\\.\\d+$/, '.0/24')));
const best = (f) => { let ms = Infinity; let out; for (let k = 0; k < 3; k++) { const t0 = performance.now(); out = f(); ms = Math.min(ms, performance.now() - t0); } return { ms, out }; };
const plain = best(() => summarize(reports));
const listed = best(() => summarize(reports, { notOurs: list }));
const mail = best(() => listedMail(reports, list));
console.log(\`reports.notOurs of 200 entries on it (in-process, best of 3): summary \${listed.ms.toFixed(0)} ms (\${plain.ms.toFixed(0)} ms without the list; \${listed.out.failingSources.filter((f) => f.aside).length} failing sources set aside), the mail of each entry \${mail.ms.toFixed(0)} ms (\${mail.out.reduce((n, e) => n + e.byIp.size, 0)} addresses)\`);
`,
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile: probe,
    logLevel: 'error',
  });
  const r = spawnSync(process.execPath, [probe, file], { encoding: 'utf8', maxBuffer: 1 << 26 });
  process.stdout.write(r.stdout || r.stderr);
}
