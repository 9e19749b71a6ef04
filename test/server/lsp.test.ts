/** The built language server over stdio, driven by a real LSP client connection. */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  CodeActionRequest,
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  type PublishDiagnosticsParams,
  type ProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  ShutdownRequest,
  ExitNotification,
} from 'vscode-languageserver-protocol/node';
import { ROOT } from '../helpers';

describe('language server over stdio', () => {
  let proc: ChildProcess;
  let conn: ProtocolConnection;
  const waiters = new Map<string, (p: PublishDiagnosticsParams) => void>();
  const uri = pathToFileURL(path.join(ROOT, 'examples', 'lsp-test.example.zone')).href;

  const nextDiagnostics = (u: string) => new Promise<PublishDiagnosticsParams>((resolve) => waiters.set(u, resolve));

  before(async () => {
    proc = spawn(process.execPath, [path.join(ROOT, 'dist', 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    conn = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
    conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
      const w = waiters.get(p.uri);
      waiters.delete(p.uri);
      w?.(p);
    });
    conn.listen();
    const init = await conn.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: pathToFileURL(ROOT).href, capabilities: {}, workspaceFolders: null });
    assert.equal(init.serverInfo?.name, 'dmarc-lens');
    await conn.sendNotification(InitializedNotification.type, {});
  });

  after(async () => {
    await conn.sendRequest(ShutdownRequest.type);
    await conn.sendNotification(ExitNotification.type);
    conn.dispose();
    proc.kill();
  });

  it('publishes diagnostics with source, code, docs link and exact range', async () => {
    const text = '$ORIGIN lsp-test.example.\n@ IN TXT "v=spf1 mx " "+all"\n';
    const got = nextDiagnostics(uri);
    await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'dns-zone', version: 1, text } });
    const p = await got;
    const d = p.diagnostics.find((x) => x.code === 'spf/plus-all')!;
    assert.equal(d.source, 'dmarc-lens');
    assert.match(d.codeDescription!.href, /docs\/rules\/spf\/plus-all\.md$/);
    assert.deepEqual(d.range, { start: { line: 1, character: 23 }, end: { line: 1, character: 27 } });
  });

  it('offers the rule fixes as quick fixes that edit only the qualifier', async () => {
    const actions = (await conn.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: { start: { line: 1, character: 24 }, end: { line: 1, character: 24 } },
      context: { diagnostics: [] },
    })) as { title: string; isPreferred?: boolean; edit?: { changes?: Record<string, { range: unknown; newText: string }[]> } }[];
    const fix = actions.find((a) => a.title === 'Use -all')!;
    assert.ok(fix.isPreferred);
    assert.deepEqual(fix.edit!.changes![uri], [{ range: { start: { line: 1, character: 23 }, end: { line: 1, character: 24 } }, newText: '-' }]);
  });

  it('re-checks after an incremental change', async () => {
    const got = nextDiagnostics(uri);
    await conn.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: { line: 1, character: 23 }, end: { line: 1, character: 24 } }, text: '-' }],
    });
    const p = await got;
    assert.equal(p.version, 2);
    assert.ok(!p.diagnostics.some((d) => d.code === 'spf/plus-all'));
  });

  it('survives hostile input and still answers', async () => {
    const u = `${uri}.hostile`;
    const got = nextDiagnostics(u);
    await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: u, languageId: 'dns-zone', version: 1, text: '('.repeat(200000) + '"\\'.repeat(1000) } });
    const p = await got;
    assert.ok(p.diagnostics.some((d) => d.code === 'zone/unbalanced-parentheses'));
  });
});
