/**
 * VS Code client: starts the bundled language server over IPC for zone files, and adds the commands,
 * the status bar item and the crash notice. Everything the user sees in the editor comes from the server.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { previewHtml } from './previewHtml';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  State,
  TransportKind,
  type DocumentSelector,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';

let client: LanguageClient | undefined;
let status: vscode.StatusBarItem | undefined;

const MAX_RESTARTS = 4;
const RESTART_WINDOW_MS = 3 * 60 * 1000;

function documentSelector(): DocumentSelector {
  const extra = vscode.workspace.getConfiguration('dmarcLens').get<string[]>('zoneFilePatterns', []);
  // YAML and JSON documents are sent too: the server reads octoDNS configs and CloudFormation templates
  // and publishes nothing for any other YAML or JSON file.
  return [
    { language: 'dns-zone' },
    { scheme: 'file', language: 'yaml' },
    { scheme: 'file', language: 'json' },
    { scheme: 'file', pattern: '**/.dmarc-lens.json' },
    { scheme: 'file', language: 'terraform' },
    { scheme: 'file', pattern: '**/*.tf' },
    { scheme: 'file', pattern: '**/dnsconfig.js' },
    ...extra.filter((p) => typeof p === 'string' && p.trim() !== '').map((pattern) => ({ scheme: 'file', pattern }))];
}

function updateStatus(): void {
  if (!status || !client) return;
  let problems = 0;
  for (const [, diags] of vscode.languages.getDiagnostics()) problems += diags.filter((d) => d.source === 'dmarc-lens' && d.severity <= vscode.DiagnosticSeverity.Warning).length;
  const state = client.state === State.Running ? '' : client.state === State.Starting ? ' (starting)' : ' (stopped)';
  status.text = `$(shield) DMARC Lens${state}: ${problems}`;
  status.tooltip = `DMARC Lens: ${problems} error${problems === 1 ? '' : 's'} and warnings in open files. Click to show the output.`;
}

export interface DmarcLensApi {
  client: LanguageClient;
  /** Time spent in activate(), in milliseconds (the server starts in the background). */
  activationMs: number;
  /** Settles when the language server is running. */
  ready: Promise<void>;
}

export function activate(context: vscode.ExtensionContext): DmarcLensApi {
  const started = performance.now();
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const restarts: number[] = [];
  const clientOptions: LanguageClientOptions = {
    documentSelector: documentSelector(),
    synchronize: { configurationSection: 'dmarcLens' },
    initializationOptions: { trusted: vscode.workspace.isTrusted },
    errorHandler: {
      error: () => ({ action: ErrorAction.Continue }),
      closed: () => {
        const now = Date.now();
        while (restarts.length && now - restarts[0] > RESTART_WINDOW_MS) restarts.shift();
        restarts.push(now);
        if (restarts.length > MAX_RESTARTS) {
          void vscode.window.showErrorMessage('DMARC Lens: the language server stopped 5 times in 3 minutes and will not be restarted. See "DMARC Lens: Show Output".');
          return { action: CloseAction.DoNotRestart, handled: true };
        }
        void vscode.window.showWarningMessage('DMARC Lens: the language server stopped unexpectedly and was restarted.');
        return { action: CloseAction.Restart, handled: true };
      },
    },
  };
  client = new LanguageClient('dmarcLens', 'DMARC Lens', serverOptions, clientOptions);

  status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 10);
  status.command = 'dmarcLens.showOutput';
  status.show();
  context.subscriptions.push(
    status,
    vscode.commands.registerCommand('dmarcLens.showOutput', () => client?.outputChannel.show(true)),
    vscode.commands.registerCommand('dmarcLens.restartServer', async () => {
      await client?.restart();
      updateStatus();
    }),
    vscode.commands.registerCommand('dmarcLens.checkWorkspace', async () => {
      const counts = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'DMARC Lens: checking the workspace' }, () =>
        client!.sendRequest<{ files: number; error: number; warning: number; information: number; hint: number }>('workspace/executeCommand', { command: 'dmarcLens.server.checkWorkspace', arguments: [] }),
      );
      void vscode.window.showInformationMessage(`DMARC Lens: ${counts.files} zone files checked: ${counts.error} errors, ${counts.warning} warnings, ${counts.information} information.`);
      return counts;
    }),
    vscode.languages.onDidChangeDiagnostics(updateStatus),
    client.onDidChangeState(updateStatus),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration('dmarcLens.zoneFilePatterns') && client) {
        client.clientOptions.documentSelector = documentSelector();
        await client.restart();
      }
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => client?.restart()),
    vscode.commands.registerCommand('dmarcLens.openReportPreview', (uri?: vscode.Uri) => openPreview(context, uri ?? vscode.window.activeTextEditor?.document.uri)),
  );
  updateStatus();
  const ready = client.start().then(updateStatus, (e: unknown) => {
    void vscode.window.showErrorMessage(`DMARC Lens: the language server did not start: ${e instanceof Error ? e.message : String(e)}`);
  });
  return { client, activationMs: performance.now() - started, ready };
}

/**
 * Opens a report file in the preview. The language server reads it (the engine's reader); the page
 * renders it and answers with what it showed, which is what the command returns (for tests).
 */
async function openPreview(context: vscode.ExtensionContext, uri: vscode.Uri | undefined): Promise<unknown> {
  if (!uri) {
    const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'DMARC reports': ['xml', 'gz', 'zip', 'eml'] } });
    uri = picked?.[0];
    if (!uri) return undefined;
  }
  if (!client) throw new Error('DMARC Lens: the language server is not running');
  const model = await client.sendRequest('dmarcLens/readReport', { uri: uri.toString() });
  const panel = vscode.window.createWebviewPanel('dmarcLens.reportPreview', `DMARC: ${path.basename(uri.fsPath)}`, vscode.ViewColumn.Active, {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist')],
  });
  const nonce = Array.from({ length: 24 }, () => Math.floor(Math.random() * 36).toString(36)).join('');
  const rendered = new Promise((resolve) => {
    const sub = panel.webview.onDidReceiveMessage((m: { type?: string }) => {
      if (m?.type === 'ready') {
        sub.dispose();
        resolve(m);
      }
    });
  });
  panel.webview.html = previewHtml({ scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview.js')).toString(), cspSource: panel.webview.cspSource, nonce, model });
  return rendered;
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
