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
    // Any other text file: string literals that start like a record are checked (the fallback).
    { scheme: 'file' },
    { scheme: 'untitled' },
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
  /** What each report preview rendered, by URI (the page's `ready` message). */
  rendered: Map<string, unknown>;
  /** What each preview did with the host names of its sources (the page's `hosts-shown` message), by URI. */
  hostsShown: Map<string, unknown>;
  /** What the preview's filter bar does: shows the reports of `uri`'s open preview for another domain and span; resolves with what the page then showed. */
  filterPreview(uri: string, scope: unknown): Promise<unknown>;
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
    // The commands this client runs itself, for the server's code lenses (see SpfTreePages).
    initializationOptions: { trusted: vscode.workspace.isTrusted, commands: ['dmarcLens.showSpfTree', 'dmarcLens.showWorkspaceReports'] },
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
    vscode.languages.onDidChangeDiagnostics(() => inventory.followEdits()),
    client.onDidChangeState(updateStatus),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration('dmarcLens.zoneFilePatterns') && client) {
        client.clientOptions.documentSelector = documentSelector();
        await client.restart();
      }
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => client?.restart()),
    vscode.workspace.registerTextDocumentContentProvider(spfTrees.scheme, spfTrees),
    vscode.commands.registerCommand('dmarcLens.showSpfTree', (domain?: string) => spfTrees.show(domain)),
    vscode.workspace.registerTextDocumentContentProvider(dmarcPages.scheme, dmarcPages),
    vscode.commands.registerCommand('dmarcLens.showDmarcPolicy', (domain?: string) => dmarcPages.show(domain)),
    vscode.workspace.registerTextDocumentContentProvider(dkimPages.scheme, dkimPages),
    vscode.commands.registerCommand('dmarcLens.showDkimKeys', (domain?: string) => dkimPages.show(domain)),
    vscode.workspace.registerTextDocumentContentProvider(inventory.scheme, inventory),
    vscode.commands.registerCommand('dmarcLens.showInventory', () => inventory.show()),
    vscode.workspace.registerTextDocumentContentProvider(drift.scheme, drift),
    vscode.commands.registerCommand('dmarcLens.compareWithDns', () => drift.show()),
    vscode.commands.registerCommand('dmarcLens.openReportPreview', (uri?: vscode.Uri) => openPreview(context, uri ?? vscode.window.activeTextEditor?.document.uri)),
    vscode.commands.registerCommand('dmarcLens.showWorkspaceReports', (scope?: unknown) => openWorkspaceReports(context, scope)),
    // The preview's Export CSV button; with a preview's key (a report URI, or that of the workspace's reports) and a file, no dialog.
    vscode.commands.registerCommand('dmarcLens.exportReportCsv', (key?: string, target?: vscode.Uri) => {
      const k = key ?? [...previews.keys()].pop();
      if (!k) return void vscode.window.showInformationMessage('DMARC Lens: open a report preview first');
      return exportCsv(k, previews.get(k)?.scope, target);
    }),
    // The preview's "Not ours" on a failing source; from the palette, for the last preview opened, asking the address.
    vscode.commands.registerCommand('dmarcLens.markSourceNotOurs', async (key?: string, ip?: string) => {
      const k = key ?? [...previews.keys()].pop() ?? WORKSPACE_REPORTS;
      const source =
        ip ??
        (await vscode.window.showInputBox({
          title: 'DMARC Lens: a source of the aggregate reports that is not yours',
          prompt: 'An address or CIDR range you have checked is not yours (spoofing, a forwarder): its failing mail stops holding back the next policy stage',
          placeHolder: '203.0.113.66 or 203.0.113.0/24',
        }));
      return source ? markNotOurs(k, source.trim()) : undefined;
    }),
    // A saved .dmarc-lens.json (reports.notOurs, reports.paths): the open previews read their reports again.
    vscode.workspace.onDidSaveTextDocument((d) => {
      if (d.uri.path.endsWith('/.dmarc-lens.json')) for (const p of previews.values()) void p.filter(p.scope).catch(() => undefined);
    }),
    vscode.window.registerCustomEditorProvider('dmarcLens.reportViewer', new ReportEditorProvider(context), { supportsMultipleEditorsPerDocument: true }),
    vscode.window.onDidChangeActiveTextEditor(updateReportContext),
  );
  updateReportContext(vscode.window.activeTextEditor);
  updateStatus();
  const ready = client.start().then(updateStatus, (e: unknown) => {
    void vscode.window.showErrorMessage(`DMARC Lens: the language server did not start: ${e instanceof Error ? e.message : String(e)}`);
  });
  return { client, activationMs: performance.now() - started, ready, rendered, hostsShown, filterPreview: async (uri, scope) => previews.get(uri)?.filter(scope) };
}

/**
 * A read-only page about one domain that the server writes (the SPF lookup tree, the DMARC policy
 * that applies, the DKIM keys): its URI is `<scheme>:/<domain> (<title>)`; the server answers
 * `request` with `{ text }`, through the workspace's records first.
 */
class DomainPages implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(
    readonly scheme: string,
    private readonly title: string,
    private readonly request: string,
    private readonly prompt: string,
    /** The input box's default: the domain of the record under the cursor. */
    private readonly suggest: () => Promise<string | undefined> = async () => undefined,
  ) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const path = uri.path.replace(/^\//, '');
    const suffix = ` (${this.title})`;
    const domain = path.endsWith(suffix) ? path.slice(0, -suffix.length) : path;
    if (!client) return 'DMARC Lens: the language server is not running.\n';
    try {
      const page = await client.sendRequest<{ text: string } | undefined>(this.request, { domain });
      return page?.text ?? `DMARC Lens: ${domain} is not a domain name.\n`;
    } catch (e) {
      // Never a blank page: say what went wrong (the server's log has the rest).
      return `DMARC Lens: the language server could not answer for ${domain}: ${e instanceof Error ? e.message : String(e)}\n`;
    }
  }

  /** Opens the page of `domain` (asked for when not given), asking the server again if it is open. */
  async show(domain?: string): Promise<vscode.TextEditor | undefined> {
    domain ??= await vscode.window.showInputBox({ prompt: this.prompt, placeHolder: 'example.com', value: await this.suggest() });
    if (!domain?.trim()) return undefined;
    const uri = vscode.Uri.from({ scheme: this.scheme, path: `/${domain.trim().toLowerCase().replace(/\.$/, '')} (${this.title})` });
    this.changed.fire(uri);
    return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true, viewColumn: vscode.ViewColumn.Beside });
  }
}
const spfTrees = new DomainPages('dmarc-lens-spf', 'SPF lookup tree', 'dmarcLens/spfTree', 'SPF lookup tree of which domain?');
const dmarcPages = new DomainPages('dmarc-lens-dmarc', 'DMARC policy', 'dmarcLens/dmarcPolicy', 'DMARC policy for mail from which domain?', () => domainAtCursor());
const dkimPages = new DomainPages('dmarc-lens-dkim', 'DKIM keys', 'dmarcLens/dkimKeys', 'DKIM keys of which domain?', () => domainAtCursor(true));

/**
 * The domain the record under the cursor is about, as the server reads the file (any format it reads:
 * `_dmarc.example.com` → example.com, an SPF record's own name); for the DKIM page a `<selector>._domainkey`
 * name whole, so that selector is asked. Nothing when there is no record there or the server does not answer.
 */
async function domainAtCursor(selector = false): Promise<string | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || !client) return undefined;
  try {
    const at = await client.sendRequest<{ domain: string; owner: string } | null>('dmarcLens/domainAt', { uri: editor.document.uri.toString(), position: editor.selection.active });
    if (!at) return undefined;
    return selector && /^[^.]+\._domainkey\./.test(at.owner) ? at.owner : at.domain;
  } catch {
    return undefined;
  }
}

/**
 * A read-only page about the whole workspace that the server writes: what it publishes for mail (the
 * CLI's `inventory`, the first step of a DMARC rollout) or how its records compare with DNS (`drift`).
 * Written again each time its command runs; the inventory also, while it is open, after each edit the
 * server has checked.
 */
class WorkspacePage implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly uri: vscode.Uri;

  constructor(
    readonly scheme: string,
    title: string,
    private readonly request: string,
    /** The page: a heading line made from the server's answer, then its text. */
    private readonly page: (answer: { text: string } & Record<string, unknown>) => string,
    private readonly failed: string,
  ) {
    this.uri = vscode.Uri.from({ scheme, path: `/${title}` });
  }

  async provideTextDocumentContent(): Promise<string> {
    if (!client) return 'DMARC Lens: the language server is not running.\n';
    try {
      return this.page(await client.sendRequest<{ text: string } & Record<string, unknown>>(this.request));
    } catch (e) {
      return `DMARC Lens: the language server could not ${this.failed}: ${e instanceof Error ? e.message : String(e)}\n`;
    }
  }

  async show(): Promise<vscode.TextEditor> {
    this.changed.fire(this.uri);
    return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(this.uri), { preview: true });
  }

  private timer: ReturnType<typeof setTimeout> | undefined;
  /**
   * Writes the page again, when it is open, a moment after the server has checked an edit (its
   * diagnostics changed): the page follows the files as they are typed, not only when the command runs.
   */
  followEdits(): void {
    if (!vscode.workspace.textDocuments.some((d) => d.uri.toString() === this.uri.toString())) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.changed.fire(this.uri), 300);
  }
}
const plural = (n: unknown, word: string) => `${String(n)} ${word}${n === 1 ? '' : 's'}`;
const inventory = new WorkspacePage(
  'dmarc-lens-inventory',
  'Email inventory',
  'dmarcLens/inventory',
  (a) => `DMARC Lens: what this workspace publishes for mail, ${plural(a.domains, 'domain')} (as \`dmarc-lens inventory\` prints it)\n\n${a.text}`,
  'list the workspace',
);
const drift = new WorkspacePage(
  'dmarc-lens-drift',
  'Records compared with DNS',
  'dmarcLens/drift',
  (a) => `DMARC Lens: the workspace's mail records against what DNS serves now, ${plural(a.drifted, 'name')} out of step (as \`dmarc-lens drift\` prints it)\n\n${a.text}`,
  'compare the workspace with DNS',
);

/** What each preview rendered (the page's `ready` message), by report URI: the e2e tests read it. */
const rendered = new Map<string, unknown>();

/** The key of the workspace's reports among the previews (report URIs otherwise). */
export const WORKSPACE_REPORTS = 'dmarc-lens:workspace-reports';

/**
 * Fills a webview with the preview of a report file, a folder of reports, or (`WORKSPACE_REPORTS`) the
 * reports of the workspace the rollout evidence counts. The language server reads them (the engine's
 * reader); the page renders them and answers with what it showed. `scope`: the domains and days shown first.
 */
async function showReport(context: vscode.ExtensionContext, key: string, panel: vscode.WebviewPanel, scope?: unknown): Promise<unknown> {
  if (!client) throw new Error('DMARC Lens: the language server is not running');
  const lsp = client;
  panel.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist')] };
  const nonce = Array.from({ length: 24 }, () => Math.floor(Math.random() * 36).toString(36)).join('');
  let first: ((m: unknown) => void) | undefined;
  const shown = new Promise((resolve) => (first = resolve));
  // For the panel's life: what each rendering showed, and the filter bar's choices (another domain or span of days).
  const sub = panel.webview.onDidReceiveMessage((m: unknown) => {
    if (typeof m !== 'object' || m === null) return;
    const msg = m as { type?: unknown; reports?: unknown; scope?: unknown };
    // Only the page's own message shapes are accepted.
    if (msg.type === 'ready' && typeof msg.reports === 'number') {
      rendered.set(key, m);
      first?.(m);
      first = undefined;
      nextRender.get(key)?.(m);
      nextRender.delete(key);
    } else if (msg.type === 'filter')
      // A server that cannot answer (restarting, a folder gone): the page says so and gives its controls back.
      refilter(key, panel, msg.scope).catch((e: unknown) => void panel.webview.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) }).then(undefined, () => undefined));
    else if (msg.type === 'hosts-shown') hostsShown.set(key, m);
    else if (msg.type === 'notOurs' && typeof (m as { ip?: unknown }).ip === 'string')
      void markNotOurs(key, (m as { ip: string }).ip).catch((e: unknown) => void vscode.window.showErrorMessage(`DMARC Lens: the source was not marked: ${e instanceof Error ? e.message : String(e)}`));
    else if (msg.type === 'export') void exportCsv(key, previews.get(key)?.scope).catch((e: unknown) => void vscode.window.showErrorMessage(`DMARC Lens: the records could not be saved: ${e instanceof Error ? e.message : String(e)}`));
  });
  panel.onDidDispose(() => {
    sub.dispose();
    if (previews.get(key)?.panel === panel) previews.delete(key);
  });
  previews.set(key, { panel, scope, filter: (next) => refilter(key, panel, next) });
  const model = await lsp.sendRequest('dmarcLens/readReport', { ...readParams(key), scope });
  const dist = (f: string) => panel.webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'dist', f)).toString();
  panel.webview.html = previewHtml({ scriptUri: dist('webview.js'), codiconsUri: dist('codicon.css'), cspSource: panel.webview.cspSource, nonce, model });
  void shown.then(() => sendHosts(key, panel, scope));
  return shown;
}

/** What the page did with the host names last sent (`hosts-shown`), by key: the e2e tests read it. */
const hostsShown = new Map<string, unknown>();

/** After the page is shown: the host names of its sources and, with DNS, their SPF verdicts (DNS may be slow or absent; the page does not wait for them). */
async function sendHosts(key: string, panel: vscode.WebviewPanel, scope: unknown): Promise<void> {
  try {
    const r = await client?.sendRequest<{ hosts: Record<string, unknown>; spf?: Record<string, string> }>('dmarcLens/sourceHosts', { ...readParams(key), scope });
    // With DNS, also what the SPF record of each unnamed source's From domain says of it, where the files alone could not tell.
    if (r && (Object.keys(r.hosts).length || Object.keys(r.spf ?? {}).length)) await panel.webview.postMessage({ type: 'hosts', hosts: r.hosts, spf: r.spf });
  } catch {
    // A panel closed meanwhile, or a server restarting: the addresses stay as they are.
  }
}

const readParams = (key: string) => (key === WORKSPACE_REPORTS ? { workspace: true } : { uri: key });

/** The open previews by key: each shows its reports again for another choice of domain and span (the e2e tests call it as the page does). */
const previews = new Map<string, { panel: vscode.WebviewPanel; scope: unknown; filter: (scope: unknown) => Promise<unknown> }>();

/**
 * The filter bar's choice: the server reads the reports again for those domains and days (the scope is
 * checked there) and the page renders the new model; resolves with what the page then showed.
 */
async function refilter(key: string, panel: vscode.WebviewPanel, scope: unknown): Promise<unknown> {
  if (!client) return undefined;
  const model = await client.sendRequest('dmarcLens/readReport', { ...readParams(key), scope });
  const open = previews.get(key);
  if (open?.panel === panel) open.scope = scope;
  const next = new Promise((resolve) => nextRender.set(key, resolve));
  // A panel closed meanwhile takes no message: nothing more is rendered.
  if (!(await panel.webview.postMessage({ type: 'model', model }))) return undefined;
  void next.then(() => sendHosts(key, panel, scope));
  return next;
}

/**
 * "Not ours" for a failing source of a preview (`key`): adds it to `reports.notOurs` of the
 * configuration over those reports, through the editor (undoable), and shows the file, unsaved: on save
 * the previews read their reports again and the rollout stops counting the source. Resolves with the
 * configuration's URI, or undefined when nothing was changed (already listed, or the file cannot take it).
 */
async function markNotOurs(key: string, ip: string): Promise<vscode.Uri | undefined> {
  if (!client) throw new Error('the language server is not running');
  const lsp = client;
  const r = await lsp.sendRequest<{ uri: string; edit?: unknown; covered?: string; error?: string }>('dmarcLens/notOurs', { ...readParams(key), ip });
  const uri = vscode.Uri.parse(r.uri);
  const where = vscode.workspace.asRelativePath(uri);
  if (r.covered !== undefined) {
    void vscode.window.showInformationMessage(`DMARC Lens: ${ip} is already listed as not yours (${r.covered}) in ${where}.`);
    return undefined;
  }
  if (r.error !== undefined || !r.edit) {
    void vscode.window.showErrorMessage(`DMARC Lens: ${ip} was not added to ${where}: ${r.error ?? 'no edit'}.`);
    return undefined;
  }
  const edit = await lsp.protocol2CodeConverter.asWorkspaceEdit(r.edit as Parameters<typeof lsp.protocol2CodeConverter.asWorkspaceEdit>[0]);
  if (!edit || !(await vscode.workspace.applyEdit(edit))) throw new Error(`the edit of ${where} was not applied`);
  await vscode.window.showTextDocument(uri, { preview: false, viewColumn: vscode.ViewColumn.Beside, preserveFocus: true });
  void vscode.window.showInformationMessage(`DMARC Lens: ${ip} added to reports.notOurs in ${where}; save it, and its failing mail no longer holds back the next policy stage.`);
  return uri;
}

/**
 * The preview's Export CSV: every record of the reports it shows (its filter bar's scope, each report
 * once), as `dmarc-lens report --format csv` writes them, to a file the user picks (or `target`).
 * Resolves with the file written, or undefined when the dialog is cancelled.
 */
async function exportCsv(key: string, scope: unknown, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
  if (!client) throw new Error('the language server is not running');
  // Beside the report file or folder, or in the first workspace folder.
  const base = key === WORKSPACE_REPORTS ? vscode.workspace.workspaceFolders?.[0]?.uri : vscode.Uri.joinPath(vscode.Uri.parse(key), '..');
  target ??= await vscode.window.showSaveDialog({ defaultUri: base ? vscode.Uri.joinPath(base, 'dmarc-records.csv') : undefined, filters: { CSV: ['csv'] }, saveLabel: 'Export' });
  if (!target) return undefined;
  const r = await client.sendRequest<{ csv: string; records: number; reports: number }>('dmarcLens/reportCsv', { ...readParams(key), scope });
  await vscode.workspace.fs.writeFile(target, Buffer.from(r.csv, 'utf8'));
  void vscode.window.showInformationMessage(`DMARC Lens: ${r.records.toLocaleString('en-US')} records of ${r.reports.toLocaleString('en-US')} report${r.reports === 1 ? '' : 's'} saved to ${vscode.workspace.asRelativePath(target)}`);
  return target;
}

/** Who waits for the next rendering of a preview (refilter), by key. */
const nextRender = new Map<string, (m: unknown) => void>();

/** Opens a report file or folder in a preview panel; returns what the page showed (for tests). */
async function openPreview(context: vscode.ExtensionContext, uri: vscode.Uri | undefined): Promise<unknown> {
  if (!uri) {
    const picked = await vscode.window.showOpenDialog({ canSelectMany: false, canSelectFolders: true, filters: { 'DMARC reports': ['xml', 'gz', 'zip', 'eml', 'mbox'] } });
    uri = picked?.[0];
    if (!uri) return undefined;
  }
  const panel = vscode.window.createWebviewPanel('dmarcLens.reportPreview', `DMARC: ${path.basename(uri.fsPath)}`, vscode.ViewColumn.Active, { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist')] });
  return showReport(context, uri.toString(), panel);
}

/**
 * The aggregate reports of the workspace (dmarcLens.reports.paths) in one preview, as the rollout evidence
 * counts them; from a DMARC record's code lens, those of its domain over the days its evidence covers.
 * An open preview of them shows the new choice instead of opening another.
 */
async function openWorkspaceReports(context: vscode.ExtensionContext, scope?: unknown): Promise<unknown> {
  const open = previews.get(WORKSPACE_REPORTS);
  if (open) {
    open.panel.reveal();
    return open.filter(scope ?? {});
  }
  const panel = vscode.window.createWebviewPanel('dmarcLens.reportPreview', 'DMARC: workspace reports', vscode.ViewColumn.Beside, { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist')] });
  return showReport(context, WORKSPACE_REPORTS, panel, scope);
}

/** A double-click on a compressed report or a report e-mail shows the report, not binary noise. */
class ReportEditorProvider implements vscode.CustomReadonlyEditorProvider {
  constructor(private readonly context: vscode.ExtensionContext) {}
  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }
  async resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): Promise<void> {
    // The editor opens as soon as the page is set; what it rendered is recorded when the page answers.
    const shown = showReport(this.context, document.uri.toString(), panel);
    shown.catch((e: unknown) => void vscode.window.showErrorMessage(`DMARC Lens: ${e instanceof Error ? e.message : String(e)}`));
    await Promise.race([shown, new Promise((r) => setTimeout(r, 0))]);
  }
}

/** Sets `dmarcLens.isAggregateReport` for the editor-title button: an XML document whose root is `feedback`. */
function updateReportContext(editor: vscode.TextEditor | undefined): void {
  const doc = editor?.document;
  const isReport = !!doc && /\.xml$/i.test(doc.uri.path) && /<(\w+:)?feedback[\s>]/.test(doc.getText(new vscode.Range(0, 0, 40, 0)));
  void vscode.commands.executeCommand('setContext', 'dmarcLens.isAggregateReport', isReport);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
