#!/usr/bin/env node
/**
 * The language server: LSP wiring only. Documents come in, the service facade checks them, findings
 * go out as diagnostics and code actions. Started over stdio (`dmarc-lens-server --stdio`) for any
 * editor, or over IPC by the VS Code client.
 */
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CodeAction,
  CodeActionKind,
  createConnection,
  type Diagnostic,
  DiagnosticSeverity,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type TextEdit,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { rulesById } from './checks/registry';
import { docsUrl } from './checks/rule';
import { readTextFile } from './files';
import { analyzeZone, type RuleSetting } from './service';
import { SEVERITIES, type Finding, type Severity } from './types';
import { LineIndex } from './util/lines';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};
const DEBOUNCE_MS = 150;
/** Beyond this size a document gets one diagnostic instead of a full check. */
const MAX_DOCUMENT_CHARS = 20 * 1024 * 1024;

interface Checked {
  version: number;
  /** Findings in this document, with the document's line index for mapping. */
  findings: Finding[];
}

const checked = new Map<string, Checked>();
const timers = new Map<string, NodeJS.Timeout>();
let ruleSettings: Record<string, RuleSetting> = {};
let hasConfiguration = false;

function toPath(uri: string): string {
  return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
}

function toUri(file: string): string {
  return path.isAbsolute(file) ? pathToFileURL(file).href : file;
}

function toDiagnostic(f: Finding, index: LineIndex, indexes: (uri: string) => LineIndex | undefined): Diagnostic {
  const d: Diagnostic = {
    range: { start: index.positionAt(f.range.start), end: index.positionAt(f.range.end) },
    severity: SEVERITY[f.severity],
    source: 'dmarc-lens',
    code: f.rule,
    codeDescription: { href: docsUrl(f.rule) },
    message: f.message,
  };
  if (f.related?.length) {
    d.relatedInformation = f.related.flatMap((r) => {
      const ri = indexes(r.uri);
      return ri ? [{ location: { uri: toUri(r.uri), range: { start: ri.positionAt(r.range.start), end: ri.positionAt(r.range.end) } }, message: r.message }] : [];
    });
  }
  return d;
}

function validate(doc: TextDocument): void {
  const uri = doc.uri;
  const text = doc.getText();
  const version = doc.version;
  let diagnostics: Diagnostic[];
  let findings: Finding[] = [];
  if (text.length > MAX_DOCUMENT_CHARS || text.slice(0, 8192).includes('\u0000')) {
    const why = text.length > MAX_DOCUMENT_CHARS ? `is larger than ${MAX_DOCUMENT_CHARS / 1024 / 1024} MB` : 'is not a text file';
    connection.console.log(`dmarc-lens: skipped ${uri}: it ${why}`);
    diagnostics = [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: DiagnosticSeverity.Information, source: 'dmarc-lens', message: `DMARC Lens skipped this file: it ${why}.` }];
  } else {
    const file = toPath(uri);
    const analysis = analyzeZone(text, file, { rules: ruleSettings, readFile: readTextFile });
    const index = new LineIndex(text);
    const indexes = new Map<string, LineIndex>();
    const indexOf = (u: string) => {
      let i = indexes.get(u);
      const t = analysis.zone.texts.get(u);
      if (!i && t !== undefined) indexes.set(u, (i = new LineIndex(t)));
      return i;
    };
    findings = analysis.findings.filter((f) => f.uri === file);
    diagnostics = findings.map((f) => toDiagnostic(f, index, indexOf));
  }
  // A newer version arrived while this one was checked: drop the stale result.
  if (documents.get(uri)?.version !== version) return;
  checked.set(uri, { version, findings });
  void connection.sendDiagnostics({ uri, version, diagnostics });
}

function schedule(doc: TextDocument): void {
  clearTimeout(timers.get(doc.uri));
  timers.set(
    doc.uri,
    setTimeout(() => {
      timers.delete(doc.uri);
      const current = documents.get(doc.uri);
      if (!current) return;
      try {
        validate(current);
      } catch (e) {
        connection.console.error(`dmarc-lens: checking ${doc.uri} failed: ${(e as Error).stack ?? e}`);
      }
    }, DEBOUNCE_MS),
  );
}

/** Reads `dmarcLens.rules`; invalid entries are reported once in the log and ignored. */
async function loadSettings(): Promise<void> {
  if (!hasConfiguration) return;
  const raw = (await connection.workspace.getConfiguration('dmarcLens')) as { rules?: Record<string, unknown> } | null;
  const next: Record<string, RuleSetting> = {};
  for (const [id, v] of Object.entries(raw?.rules ?? {})) {
    if (!rulesById.has(id)) connection.console.warn(`dmarcLens.rules: unknown rule id "${id}" ignored`);
    else if (v !== 'off' && !SEVERITIES.includes(v as Severity)) connection.console.warn(`dmarcLens.rules: "${id}" wants off, hint, information, warning or error; ignored`);
    else next[id] = v as RuleSetting;
  }
  ruleSettings = next;
}

connection.onInitialize((params) => {
  hasConfiguration = params.capabilities.workspace?.configuration === true;
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
    },
    serverInfo: { name: 'dmarc-lens', version: '0.1.0' },
  };
});

connection.onInitialized(async () => {
  await loadSettings().catch((e) => connection.console.warn(`dmarc-lens: could not read settings: ${e}`));
  documents.all().forEach(schedule);
});

connection.onDidChangeConfiguration(async () => {
  await loadSettings().catch((e) => connection.console.warn(`dmarc-lens: could not read settings: ${e}`));
  documents.all().forEach(schedule);
});

documents.onDidOpen((e) => schedule(e.document));
documents.onDidChangeContent((e) => schedule(e.document));
documents.onDidClose((e) => {
  clearTimeout(timers.get(e.document.uri));
  checked.delete(e.document.uri);
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

connection.onCodeAction((params) => {
  const doc = documents.get(params.textDocument.uri);
  const state = checked.get(params.textDocument.uri);
  if (!doc || !state || state.version !== doc.version) return [];
  const start = doc.offsetAt(params.range.start);
  const end = doc.offsetAt(params.range.end);
  const actions: CodeAction[] = [];
  for (const f of state.findings) {
    if (!f.fixes?.length || f.range.end < start || f.range.start > end) continue;
    const diagnostic = params.context.diagnostics.find((d) => d.code === f.rule && doc.offsetAt(d.range.start) === f.range.start);
    f.fixes.forEach((fix, i) => {
      const edits: TextEdit[] = fix.edits.map((e) => ({ range: { start: doc.positionAt(e.range.start), end: doc.positionAt(e.range.end) }, newText: e.newText }));
      actions.push({
        title: fix.title.replace(/`/g, ''),
        kind: CodeActionKind.QuickFix,
        diagnostics: diagnostic ? [diagnostic] : undefined,
        isPreferred: i === 0,
        edit: { changes: { [doc.uri]: edits } },
      });
    });
  }
  return actions;
});

process.on('uncaughtException', (e) => connection.console.error(`dmarc-lens: ${e.stack ?? e}`));

documents.listen(connection);
connection.listen();
