/** A real LSP client for the bundled server over stdio (dist/server.js), shared by the server tests. */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ConfigurationRequest,
  createProtocolConnection,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  type ProtocolConnection,
  PublishDiagnosticsNotification,
  type PublishDiagnosticsParams,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import { ROOT } from '../helpers';

export interface TestClient {
  conn: ProtocolConnection;
  /** The last diagnostics published per document uri. */
  latest: Map<string, PublishDiagnosticsParams>;
  waitFor(uri: string, pred: (p: PublishDiagnosticsParams) => boolean): Promise<PublishDiagnosticsParams>;
  stop(): Promise<void>;
}

/** Starts the server on a workspace folder, answering `workspace/configuration` with `settings`. */
export async function startServer(dir: string, settings: object = {}, capabilities: object = {}, initializationOptions?: object): Promise<TestClient> {
  const proc = spawn(process.execPath, [path.join(ROOT, 'dist', 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  const latest = new Map<string, PublishDiagnosticsParams>();
  conn.onNotification(PublishDiagnosticsNotification.type, (p) => latest.set(p.uri, p));
  conn.onRequest(ConfigurationRequest.type, (params) => params.items.map(() => settings));
  conn.listen();
  const root = pathToFileURL(dir).href;
  await conn.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: root, workspaceFolders: [{ uri: root, name: 'ws' }], capabilities: { workspace: { configuration: true }, ...capabilities }, initializationOptions });
  await conn.sendNotification(InitializedNotification.type, {});
  return {
    conn,
    latest,
    // Up to 10 s: a loaded machine (CI, the mutation test running beside) can take seconds to start the server.
    async waitFor(uri, pred) {
      for (let i = 0; i < 400; i++) {
        const p = latest.get(uri);
        if (p && pred(p)) return p;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`no matching diagnostics for ${uri}: ${JSON.stringify(latest.get(uri)?.diagnostics.map((d) => d.code))}`);
    },
    async stop() {
      await conn.sendRequest(ShutdownRequest.type);
      await conn.sendNotification(ExitNotification.type);
      conn.dispose();
      proc.kill();
    },
  };
}

type Position = { line: number; character: number };
/** Applies LSP text edits (line/character, `\n` lines) to a text, as an editor would. */
export function applyEdits(text: string, edits: { range: { start: Position; end: Position }; newText: string }[]): string {
  const lines = text.split('\n');
  const offset = (p: Position) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  let out = text;
  for (const e of [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start))) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}
