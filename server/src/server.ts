#!/usr/bin/env node
/**
 * The language server: LSP wiring only. Documents come in, the service facade reads and checks them,
 * findings go out as diagnostics and code actions; hovers, completion, outline, folding and semantic
 * tokens come from server/src/features. Started over stdio (`dmarc-lens-server --stdio`) for any
 * editor, or over IPC by the VS Code client.
 */
import { showNames } from './util/zonenames';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { inspect } from 'node:util';
import { CachingJsonEncoder } from './lsp/encoder';
import { DEFAULT_MAX_PROBLEMS, mostSevere } from './lsp/limit';
import { checkDestinations, externalDestinations } from './checks/reportauth';
import {
  type CodeAction,
  CodeActionKind,
  type CodeLens,
  CodeLensRefreshRequest,
  InlayHintRefreshRequest,
  CompletionItemKind,
  createConnection,
  type Diagnostic,
  DiagnosticSeverity,
  DidChangeWatchedFilesNotification,
  type DocumentSymbol,
  FileChangeType,
  InsertTextFormat,
  MarkupKind,
  MessageType,
  ShowMessageNotification,
  ProposedFeatures,
  StreamMessageWriter,
  SymbolKind,
  TextDocuments,
  TextDocumentSyncKind,
  type TextEdit,
  type InlayHint,
  InlayHintKind,
  type DocumentLink,
  type DocumentHighlight,
  DocumentHighlightKind,
  ErrorCodes,
  ResponseError,
  type WorkspaceEdit,
  type Location,
  type LocationLink,
  type Position,
  type Range,
  type SymbolInformation,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { rulesById } from './checks/registry';
import { fixAll } from './checks/autofix';
import { docsUrl } from './checks/rule';
import { completeAt, type NameUse } from './features/completion';
import { siteAt } from './features/hover';
import { domainAt } from './features/domainAt';
import { hoverFor } from './features/policyHover';
import { formatInventoryText, runInventory } from './inventory';
import { asDomain, authorDomain, formatDmarcLookup, lookupDmarc } from './dmarcLookup';
import { dkimTarget, formatDkimLookup, isSelector, lookupDkim } from './dkimLookup';
import { compareWithDns, dnsLabel, DRIFT_CONCURRENCY, formatDrift } from './drift';
import { definitions, highlights, includeAt, includeLinks, nameAt, references, workspaceSymbols, type NameAt, type NavLocation } from './features/navigation';
import { hostNameSuggestion, newNameOf, renameEdits, renameTargetAt, type RenameTarget } from './features/rename';
import { documentSymbols, foldingRanges, semanticTokens, TOKEN_TYPES } from './features/outline';
import { collectFiles, DEFAULT_REPORT_GLOBS, isJavaScriptName, isMtaStsPolicyName, isSourceFileName, readTextFile, REPORT_FILE_NAME } from './files';
import { analyzeZone, byDocumentOrder, checkSettingSenders, checkZone, DocumentAnalyzer, FindingSink, mapFix, readZone, usableFixes, workspaceSetUp, type RuleSetting, type ZoneAnalysis } from './service';
import { SEVERITIES, type Finding, type Severity } from './types';
import { LineIndex } from './util/lines';
import { validCidr } from './util/cidr';
import { notOursHover } from './features/notOursHover';
import { referrerKey, signerKey, WorkspaceIndex, type IndexEntry } from './workspace';
import { cnameTarget, mxData, nsHost, srvTarget } from './records/cname';
import { mxHost } from './dns/types';
import { ChainResolver, WorkspaceResolver } from './dns/chain';
import { sourceVerdicts, workspaceSources } from './reports/sources';
import { LiveResolver } from './dns/live';
import { serverProblem } from './dns/wire';
import { treeFindings } from './spf/findings';
import { ConfigCache, CONFIG_NAME, findConfigFile, includedFormat, isIgnored, parseConfig, writeNotOurs, type SenderProfile, type SourceFormat } from './config';
import { orgDomain } from './senders/analyze';
import { parseReportUris } from './records/dmarc';
import { authorizationName } from './checks/walk';
import { providerById, setSettingProviders, type Provider } from './senders/catalog';
import { suggestSenders, writeProfile, type SuggestedSender } from './senders/suggest';
import { providerHover } from './features/providerHover';
import { baselinePath, fingerprints, readBaseline } from './baseline';
import { evidenceOf, nextSteps, type RolloutStep, type RolloutStyle } from './rollout';
import { confirmStep, dmarcLenses, spfLensTitle } from './features/lens';
import { holesOnlyInValuesOf } from './records/holes';
import { dedupeReports, evidenceSince, signingSelectors, type AggregateReport, type ReportSummary } from './reports/aggregate';
import { previewModelAsync } from './reports/preview';
import { applyScope, scopeFrom, type ReportScope, type ScopeOutcome } from './reports/scope';
import { reportsCsv } from './reports/csv';
import { ReportReader, WorkspaceReports } from './reports/files';
import { sourceHosts } from './reports/hosts';
import { forgetTerraformFolder, setTerraformWorkspace, terraformCallers, terraformModuleKey, terraformModuleTargets } from './sources/terraform';
import type { FailureReport } from './reports/failure';
import { applySuppressions, commentPrefix, editAddsSuppression, SUPPRESSION_WORD, suppressionFix } from './suppress';
import { LOOKUP_LIMIT, lookupTree, treeLines, type LookupTree, type TreeDiagnostic } from './spf/tree';
import { nextTurn } from './util/steps';
import type { OffsetRange, RecordSite } from './types';
import type { AnalyzedSite } from './checks/rule';

const connection = process.argv.includes('--stdio') ? stdioConnection() : createConnection(ProposedFeatures.all);

/**
 * Over stdio the writer gets the caching encoder (see lsp/encoder). Given the raw stdin stream the
 * library still exits when the client goes away; what it does for `--stdio` besides, keeping
 * console output out of the protocol stream, is done here.
 */
function stdioConnection(): ReturnType<typeof createConnection> {
  const writer = new StreamMessageWriter(process.stdout, { charset: 'utf-8', contentTypeEncoder: new CachingJsonEncoder() });
  const c = createConnection(ProposedFeatures.all, process.stdin as never, writer as never);
  const text = (args: unknown[]) => args.map((a) => (typeof a === 'string' ? a : inspect(a))).join(' ');
  console.log = console.info = console.debug = (...args: unknown[]) => c.console.log(text(args));
  console.warn = (...args: unknown[]) => c.console.warn(text(args));
  console.error = (...args: unknown[]) => c.console.error(text(args));
  return c;
}
/**
 * For each open document, how much of its start and end no edit has touched since its analyzer last
 * read it: the incremental zone reader then skips comparing megabytes of text to find the change.
 */
const untouched = new Map<string, { prefix: number; suffix: number } | 'unknown'>();
/**
 * The version of each open document whose text is known to hold no suppression comment: set by a
 * search of the whole text, and carried to the next version when the edits between them add none
 * (see editAddsSuppression), so typing in a big file does not search all of it on every keystroke.
 */
const withoutSuppressions = new Map<string, number>();
const documents = new TextDocuments<TextDocument>({
  create: (uri, languageId, version, content) => TextDocument.create(uri, languageId, version, content),
  update(doc, changes, version) {
    let u = untouched.get(doc.uri) ?? { prefix: Number.MAX_SAFE_INTEGER, suffix: Number.MAX_SAFE_INTEGER };
    for (const c of changes) {
      if (u !== 'unknown' && 'range' in c) {
        const start = doc.offsetAt(c.range.start);
        const end = doc.offsetAt(c.range.end);
        u.prefix = Math.min(u.prefix, start);
        u.suffix = Math.min(u.suffix, doc.getText().length - end);
      } else {
        // The whole text replaced: the reader compares the texts itself.
        u = 'unknown';
      }
      doc = TextDocument.update(doc, [c], version);
    }
    untouched.set(doc.uri, u);
    return doc;
  },
});
const workspace = new (class extends WorkspaceIndex {
  override set(...args: Parameters<WorkspaceIndex['set']>): void {
    generation++;
    super.set(...args);
  }
  override delete(uri: string): void {
    generation++;
    super.delete(uri);
  }
})();
// Module calls in the workspace's Terraform files give the modules they call their inputs.
setTerraformWorkspace(() => workspace.uris());

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};
/** Delay after an edit before checking: short, since an edit costs only its part of the document. */
const DEBOUNCE_MS = 5;
/** Documents above this size get a fast first answer without the cross-record rules, which follow after MODEL_DELAY_MS. */
const TWO_PHASE_CHARS = 256 * 1024;
const MODEL_DELAY_MS = 400;
/** Beyond this size a document gets one diagnostic instead of a full check. */
const MAX_DOCUMENT_CHARS = 20 * 1024 * 1024;

interface DocState {
  version: number;
  /** The cross-record rules ran for this version. */
  model: boolean;
  /** Undefined when the document was skipped (binary, too large). */
  analysis?: ZoneAnalysis;
  /** The findings last published (suppressions applied), for code actions. */
  shown?: Finding[];
  /** Names whose records in other files can change this document's findings (computed when needed). */
  references?: Set<string>;
}

const states = new Map<string, DocState>();
const configs = new ConfigCache();
const analyzers = new Map<string, DocumentAnalyzer>();
const timers = new Map<string, NodeJS.Timeout>();
/** Documents whose scheduled check follows an edit of their own (see schedule). */
const pendingEdit = new Set<string>();
let ruleSettings: Record<string, RuleSetting> = {};
let hasConfiguration = false;
let hasWorkDoneProgress = false;
let snippetSupport = false;
let definitionLinkSupport = false;
let prepareRenameSupport = false;
/** The client asks again for code lenses / inlay hints when the server says they changed. */
let lensRefresh = false;
let hintRefresh = false;
let clientCommands = new Set<string>();
let workspaceFolders: string[] = [];
/** VS Code's workspace trust, from the client; other editors are trusted. Untrusted: no DNS query. */
let trusted = true;
let dnsMode: 'live' | 'offline' = 'live';
let dnsServers: string[] = [];
/** `dmarcLens.baseline.file` (absolute) and what to do with baselined findings. */
let baselineFile: string | undefined;
let baselineMode: 'hint' | 'hide' = 'hint';
/** dmarcLens.maxProblemsPerFile: the most diagnostics sent for one file (0: no limit). */
let maxProblems = DEFAULT_MAX_PROBLEMS;
let baselineCache: { mtime: number; prints: Set<string> } | undefined;

function baselinePrints(): Set<string> | undefined {
  if (!baselineFile) return undefined;
  try {
    const mtime = fs.statSync(baselineFile).mtimeMs;
    if (baselineCache?.mtime !== mtime) baselineCache = { mtime, prints: new Set(readBaseline(baselineFile)?.findings.map((e) => e.fingerprint) ?? []) };
    return baselineCache.prints;
  } catch {
    return undefined;
  }
}
let live: LiveResolver | undefined;

/** Bumped whenever any record in the workspace changes: SPF trees computed before are stale. */
let generation = 0;
const trees = new WeakMap<RecordSite, { generation: number; tree: Promise<LookupTree> }>();
/** Lookup-tree findings per document, for the version they were computed for. */
const treeState = new Map<string, { version: number; findings: Finding[] }>();
const MAX_TREES_PER_DOCUMENT = 200;
/** SPF trees walked side by side before the server answers what came in meanwhile (checkTrees). */
const TREES_PER_SLICE = 16;

function resolver(): ChainResolver {
  const offline = !trusted || dnsMode === 'offline';
  if (!offline && !live) live = new LiveResolver({ servers: dnsServers.length ? dnsServers : undefined, timeoutMs: 1500 });
  return new ChainResolver(new WorkspaceResolver(workspace), offline ? undefined : live);
}

function treeOf(site: RecordSite): Promise<LookupTree> {
  const cached = trees.get(site);
  if (cached && cached.generation === generation) return cached.tree;
  const tree = lookupTree(site.owner ?? '', resolver());
  trees.set(site, { generation, tree });
  return tree;
}

/** Computes the SPF lookup trees of a document's records, then publishes again with their findings. */
async function checkTrees(doc: TextDocument, state: DocState): Promise<void> {
  // The diagnostics just sent are written on a later turn of the event loop (vscode-jsonrpc queues
  // writes with setImmediate): let that turn come first, so trees answered from the workspace without
  // any network wait do not hold the first diagnostics back.
  await nextTurn();
  const sites = (state.analysis?.sites ?? []).filter((a) => a.spf && a.site.owner && a.site.uri === toPath(doc.uri)).slice(0, MAX_TREES_PER_DOCUMENT);
  const sink = new FindingSink({ rules: ruleSettings });
  // The trees a slice at a time, each slice's side by side (one after another, each waited a round trip
  // for names the workspace cannot answer), their findings in document order. Between slices the server
  // answers what came in, and stops when the document has changed: these findings would be stale.
  for (let i = 0; i < sites.length; i += TREES_PER_SLICE) {
    if (i > 0) {
      await nextTurn();
      if (documents.get(doc.uri)?.version !== state.version) return;
    }
    const slice = sites.slice(i, i + TREES_PER_SLICE);
    const walked = await Promise.all(slice.map((a) => treeOf(a.site).then((tree) => ({ a, tree }), (e: Error) => ({ a, error: e }))));
    for (const w of walked) {
      if ('tree' in w) treeFindings(w.a, w.tree, sink);
      else connection.console.error(`dmarc-lens: SPF tree of ${w.a.site.owner} failed: ${w.error.message}`);
    }
  }
  // Report destinations on other domains the workspace does not hold: whether they authorise is in DNS.
  const file = toPath(doc.uri);
  const destinations = externalDestinations(
    (state.analysis?.sites ?? []).filter((a) => a.site.uri === file),
    (host) => workspace.at(host).length > 0,
  ).slice(0, MAX_TREES_PER_DOCUMENT);
  if (destinations.length) await checkDestinations(destinations, resolver(), sink).catch((e: Error) => connection.console.error(`dmarc-lens: report authorisation lookups failed: ${e.message}`));
  if (documents.get(doc.uri)?.version !== state.version) return;
  const previous = treeState.get(doc.uri);
  treeState.set(doc.uri, { version: state.version, findings: sink.findings });
  const key = (fs: Finding[]) => fs.map((f) => `${f.rule}${f.range.start}${f.message}`).join('|');
  if (!previous || previous.version !== state.version || key(previous.findings) !== key(sink.findings)) publish(doc, state.model, true);
  refreshLenses();
}

function toPath(uri: string): string {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
  } catch {
    // A file URI node cannot make a local path of (a host other than localhost on POSIX): kept as the
    // document's name, like an untitled one.
    return uri;
  }
}

/**
 * Open documents by file path. Not `documents.get(toUri(file))`: editors encode URIs their own way
 * (VS Code writes `(`, `+`, `@`, `!` and a drive's `:` as %XX, node's pathToFileURL does not), so the
 * URI made from a path is not always the key the editor opened the document under.
 */
const openByPath = new Map<string, string>();
function openDocument(file: string): TextDocument | undefined {
  const uri = openByPath.get(file);
  return uri === undefined ? undefined : documents.get(uri);
}

/** The editor's text of a file it has open: other files' `$INCLUDE`s and Terraform modules read it, not the disk. */
const openText = (file: string): string | undefined => openDocument(file)?.getText();

function toUri(file: string): string {
  return path.isAbsolute(file) ? pathToFileURL(file).href : file;
}

/** The URI to send for a file: the editor's own when it has the file open, else one made from the path. */
function uriOf(file: string): string {
  return openByPath.get(file) ?? toUri(file);
}

function skipReason(text: string): string | undefined {
  if (text.length > MAX_DOCUMENT_CHARS) return `is larger than ${MAX_DOCUMENT_CHARS / 1024 / 1024} MB`;
  if (text.slice(0, 8192).includes('\u0000')) return 'is not a text file';
  return undefined;
}

/** Names whose records in other files can change this document's findings. */
function referencesOf(state: DocState): Set<string> {
  if (state.references) return state.references;
  const p = state.analysis;
  if (!p) return (state.references = new Set());
  const refs = new Set<string>();
  for (const a of p.sites) {
    for (const t of a.spf?.terms ?? []) if ((t.name === 'include' || t.name === 'redirect') && t.arg) refs.add(t.arg.toLowerCase().replace(/\.$/, ''));
    for (let name = a.site.owner ?? ''; name.includes('.'); name = name.slice(name.indexOf('.') + 1)) refs.add(`_dmarc.${name}`);
    // Report destinations: their authorisation, and the DMARC records that place them in an organization.
    const owner = a.site.owner;
    if (a.dmarc && owner?.startsWith('_dmarc.'))
      for (const t of ['rua', 'ruf'])
        for (const u of a.dmarc.byName.has(t) ? parseReportUris(a.dmarc.byName.get(t)!) : []) {
          const host = u.address?.slice(u.address.lastIndexOf('@') + 1).toLowerCase().replace(/\.$/, '');
          if (!host || !host.includes('.')) continue;
          refs.add(host);
          refs.add(authorizationName(owner.slice(7), host));
          refs.add(`*._report._dmarc.${host}`);
          for (let name = host; name.includes('.'); name = name.slice(name.indexOf('.') + 1)) refs.add(`_dmarc.${name}`);
        }
  }
  for (const r of p.zone.records) {
    if (!r.owner) continue;
    if (r.type === 'MX') {
      refs.add(r.owner); // an SPF record or null MX of the name in another file
      for (let name = r.owner; name.includes('.'); name = name.slice(name.indexOf('.') + 1)) refs.add(`_dmarc.${name}`);
      // Its host: whether it has an address, or is a CNAME (zone/mx-target-*).
      refs.add(mxHost(mxData(r)).toLowerCase());
    } else if (r.type === 'NS') {
      // Its host (zone/ns-target-*), and an SOA of the name in another file (the apex, where BIND refuses the zone).
      refs.add(nsHost(r));
      refs.add(r.owner);
    } else if (r.type === 'SRV') refs.add(srvTarget(r)); // zone/srv-target-*
    else if (r.type === 'CNAME' && !r.flattened) {
      refs.add(cnameTarget(r)); // where a selector leads (dkim/cname-target-no-key)
      if (r.owner.startsWith('_mta-sts.')) policyHostRefs(r.owner, refs);
    }
  }
  for (const a of p.sites) {
    const owner = a.site.owner;
    if (owner === undefined) continue;
    // A record found through a CNAME to it in another file (a DKIM key rotated by CNAME, a hosted DMARC policy: the wrong-owner rules).
    refs.add(referrerKey(owner));
    // Records of the same name in another file: a null MX (spf/null-mx-sender, dmarc/parked-domain), a
    // conflicting record (zone/conflicting-definitions), a DKIM selector saying the name signs mail (dmarc/missing-record).
    refs.add(owner);
    if (a.kind === 'spf') refs.add(signerKey(owner));
    if (a.kind === 'mta-sts' && owner.startsWith('_mta-sts.')) policyHostRefs(owner, refs);
  }
  return (state.references = refs);
}

/** The names that serve the policy of the domain of `_mta-sts.<domain>` (mta-sts/no-policy-host): its host, or a wildcard beside it. */
function policyHostRefs(owner: string, refs: Set<string>): void {
  const domain = owner.slice('_mta-sts.'.length);
  refs.add(`mta-sts.${domain}`);
  refs.add(`*.${domain}`);
}

/** What each open Terraform file gave its module when last checked (ZoneFile.moduleKey). */
const moduleKeys = new Map<string, string>();

/**
 * Whether an open Terraform file's module definitions differ from when it was last checked, or, the
 * first time, from the file on disk (which the folder's other files were read with).
 */
function moduleChanged(file: string, text: string, key: string): boolean {
  const last = moduleKeys.get(file);
  moduleKeys.set(file, key);
  if (last !== undefined) return last !== key;
  const disk = readTextFile(file);
  return disk !== text && (disk === undefined || terraformModuleKey(disk) !== key);
}

/** Each open Terraform file's text when last checked: a change to it re-checks the files that call its module. */
const lastTerraformText = new Map<string, string>();

/** Checks again (or reads again from disk) the files whose module blocks call the module of `file`. */
function recheckCallers(file: string): void {
  const callers = terraformCallers(path.dirname(file), openText);
  if (callers.length === 0) return;
  forgetTerraformFolder(path.dirname(file));
  for (const caller of callers) {
    const open = openDocument(caller);
    if (open) {
      states.delete(open.uri);
      schedule(open, 0, true, false);
    } else if (fs.existsSync(caller)) setImmediate(() => !openDocument(caller) && indexFromDisk(caller));
  }
}

/** The folders each Terraform file's `module` blocks called when last read. */
const moduleCallsOf = new Map<string, string[]>();

/** The folders a Terraform file's module blocks call now (`text`) or did when last read: their inputs may have changed. */
function calledModules(file: string, text: string): string[] {
  const now = terraformModuleTargets(text, file);
  const before = moduleCallsOf.get(file) ?? [];
  moduleCallsOf.set(file, now);
  return [...new Set([...before, ...now])];
}

/**
 * The files of a Terraform module (a folder) read each other's locals, variables and zones: when one
 * changes, the open ones are checked again and the others read again into the workspace model.
 */
function revalidateModule(dir: string, exceptUri?: string, seen = new Set<string>()): void {
  if (seen.has(dir)) return;
  seen.add(dir);
  forgetTerraformFolder(dir);
  const closed: string[] = [];
  const called = new Set<string>();
  for (const file of workspace.uris()) {
    if (path.dirname(file) !== dir || !/\.tf$/i.test(file)) continue;
    const open = openDocument(file);
    // The modules this folder calls get what it passes, which may be what it is passed: check them too.
    for (const target of terraformModuleTargets(open?.getText() ?? readTextFile(file) ?? '', file)) called.add(target);
    if (!open) closed.push(file);
    else if (open.uri !== exceptUri) {
      states.delete(open.uri);
      schedule(open, 0, true, false);
    }
  }
  if (closed.length)
    setImmediate(() => {
      for (const file of closed) if (!openDocument(file) && fs.existsSync(file)) indexFromDisk(file);
    });
  for (const target of called) revalidateModule(target, undefined, seen);
}

/**
 * Reads and checks a document now (features call it when the debounced check has not run yet).
 * `model: false` allows the fast answer without the cross-record rules.
 */
function analyze(doc: TextDocument, model = true): DocState {
  const cached = states.get(doc.uri);
  if (cached && cached.version === doc.version && (cached.model || !model)) return cached;
  const text = doc.getText();
  let state: DocState;
  if (skipReason(text)) {
    analyzers.delete(doc.uri);
    untouched.delete(doc.uri);
    state = { version: doc.version, model: true };
  } else {
    const file = toPath(doc.uri);
    let analyzer = analyzers.get(doc.uri);
    if (!analyzer) analyzers.set(doc.uri, (analyzer = new DocumentAnalyzer(file, { readFile: readTextFile, openText, format: formatOf(file) ?? (doc.languageId === 'dns-zone' || isSourceFileName(file) || isJavaScriptName(file) || path.basename(file) === CONFIG_NAME ? undefined : 'text'), fallback: true })));
    // Precedence: the nearest .dmarc-lens.json, then the dmarcLens.rules setting, then the defaults.
    const project = configs.forFile(file);
    if (isIgnored(project, file)) {
      state = { version: doc.version, model: true };
      states.set(doc.uri, state);
      return state;
    }
    const edits = untouched.get(doc.uri);
    const change = edits === 'unknown' ? undefined : edits;
    untouched.delete(doc.uri);
    if (change && cached && withoutSuppressions.get(doc.uri) === cached.version && !editAddsSuppression(text, change.prefix, change.suffix)) withoutSuppressions.set(doc.uri, doc.version);
    let analysis = analyzer.update(text, { rules: { ...ruleSettings, ...project.rules }, workspace, model, reports: allReports(), notOurs: project.reports?.notOurs, change });
    if (analysis.zone.format === 'terraform' && moduleChanged(file, text, analysis.zone.moduleKey ?? '')) {
      // The locals, variables or zones this file gives its module changed: the folder is read again,
      // for this file (a definition it dropped may still be in the folder's last reading) and the others.
      forgetTerraformFolder(path.dirname(file));
      analysis = analyzer.update(text, { rules: { ...ruleSettings, ...project.rules }, workspace, model, reports: allReports(), notOurs: project.reports?.notOurs });
      revalidateModule(path.dirname(file), doc.uri);
      for (const dir of calledModules(file, text)) revalidateModule(dir);
    }
    if (documents.keys().length > 1 && !ownersBeforeEdit.has(file)) ownersBeforeEdit.set(file, workspace.ownersOf(file));
    workspace.set(file, analysis.zone.records, analysis.sites, analysis.zone.format);
    // A called module's text changed: the files that call it publish values at the names it gives them.
    if (analysis.zone.format === 'terraform' && lastTerraformText.get(file) !== text) {
      const first = !lastTerraformText.has(file);
      lastTerraformText.set(file, text);
      if (!first) recheckCallers(file);
    }
    // Profiles from the editor setting apply where no .dmarc-lens.json declares domains.
    if (model && settingSenders.length && project.domains.length === 0 && analysis.zone.format !== 'config') {
      const sink = new FindingSink({ rules: { ...ruleSettings, ...project.rules } });
      checkSettingSenders(settingSenders, file, workspace, allReports(), sink);
      if (sink.findings.length) analysis = { ...analysis, findings: [...analysis.findings, ...sink.findings].sort(byDocumentOrder) };
    }
    state = { version: doc.version, model: analyzer.modelCurrent, analysis };
  }
  states.set(doc.uri, state);
  return state;
}

/**
 * Whether `offset` is at `p` in the document, without building a position: the offset is on p's line
 * (between its start and the next line's) at p's character.
 */
function isAt(doc: TextDocument, offset: number, p: { line: number; character: number }): boolean {
  if (doc.offsetAt({ line: p.line, character: 0 }) + p.character !== offset) return false;
  return p.line + 1 >= doc.lineCount || offset < doc.offsetAt({ line: p.line + 1, character: 0 });
}

/**
 * The diagnostic last sent for a finding (kept in Finding.shown) is sent again while it still says
 * the same at the same line and character, so an edit re-sends unchanged diagnostics without
 * rebuilding or re-encoding them.
 */
function diagnosticOf(f: Finding, state: DocState, doc: TextDocument): Diagnostic {
  const sent = f.shown as Diagnostic | undefined;
  // The same offsets may sit on another line after an edit that moved a line break: compare positions.
  if (sent && !f.related?.length && sent.severity === SEVERITY[f.severity] && sent.message === f.message && isAt(doc, f.range.start, sent.range.start) && isAt(doc, f.range.end, sent.range.end)) return sent;
  const d = toDiagnostic(f, state, doc);
  f.shown = d;
  return d;
}

function toDiagnostic(f: Finding, state: DocState, index: { positionAt(o: number): { line: number; character: number } }): Diagnostic {
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
      const t = state.analysis?.zone.texts.get(r.uri) ?? openText(r.uri) ?? readTextFile(r.uri);
      if (t === undefined) return [];
      const ri = r.uri === f.uri ? index : new LineIndex(t);
      return [{ location: { uri: uriOf(r.uri), range: { start: ri.positionAt(r.range.start), end: ri.positionAt(r.range.end) } }, message: r.message }];
    });
  }
  return d;
}

const TIMING = process.env.DMARC_LENS_TIMING === '1';


/** The open files (their documents' uris) each document's reading places findings in, besides itself. */
const contributedTo = new Map<string, Set<string>>();

/**
 * The findings the readings of other open documents place in `file`: the records a DNSControl macro
 * file or a zone's `$INCLUDE`d file writes for the domains of the files that use them. Each is shown
 * once, beside what the file's own reading finds.
 */
function contributions(file: string, self: string, own: readonly Finding[]): Finding[] {
  const out: Finding[] = [];
  let seen: Set<string> | undefined;
  for (const [uri, st] of states) {
    if (uri === self || !contributedTo.get(uri)?.has(file)) continue;
    // Built only for a file others place findings in: most files have none.
    seen ??= new Set(own.map((f) => `${f.rule}\0${f.range.start}\0${f.range.end}\0${f.message}`));
    for (const f of st.analysis?.findings ?? []) {
      const key = `${f.rule}\0${f.range.start}\0${f.range.end}\0${f.message}`;
      if (f.uri === file && !seen.has(key)) {
        seen.add(key);
        out.push(f);
      }
    }
  }
  return out;
}

function publish(doc: TextDocument, model = true, treesDone = false, passOn = true): DocState {
  const t0 = TIMING ? performance.now() : 0;
  const state = analyze(doc, model);
  const t1 = TIMING ? performance.now() : 0;
  // A newer version arrived while this one was checked: its own check will publish.
  if (documents.get(doc.uri)?.version !== state.version) return state;
  const reason = skipReason(doc.getText());
  let diagnostics: Diagnostic[];
  if (reason) {
    connection.console.log(`dmarc-lens: skipped ${doc.uri}: it ${reason}`);
    diagnostics = [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: DiagnosticSeverity.Information, source: 'dmarc-lens', message: `DMARC Lens skipped this file: it ${reason}.` }];
  } else {
    const file = toPath(doc.uri);
    // The editor's document keeps its line offsets up to date across edits: use it for positions.
    const tree = treeState.get(doc.uri);
    const mine = [...(state.analysis?.findings ?? []), ...(tree && tree.version === state.version ? tree.findings : [])].filter((f) => f.uri === file);
    const theirs = contributions(file, doc.uri, mine);
    const all = theirs.length ? [...mine, ...theirs].sort(byDocumentOrder) : mine;
    // Inline suppressions apply to what is shown; the rest of the analysis keeps every finding.
    const text = doc.getText();
    if (withoutSuppressions.get(doc.uri) !== state.version && !text.includes(SUPPRESSION_WORD)) withoutSuppressions.set(doc.uri, state.version);
    let findings = withoutSuppressions.get(doc.uri) === state.version ? all : applySuppressions(text, file, all).findings;
    // Findings recorded in the baseline are shown as hints, or not at all (dmarcLens.baseline.mode).
    const known = baselinePrints();
    if (known?.size) {
      const prints = fingerprints(findings, baselinePath(baselineFile!, file), doc.getText());
      findings = findings.flatMap((f, i) => (!known.has(prints[i]) ? [f] : baselineMode === 'hide' ? [] : [{ ...f, severity: 'hint' as const, message: `${f.message} (in the baseline)` }]));
    }
    state.shown = findings;
    // Code actions and fix all still see every finding (state.shown); the editor is sent the most severe.
    const sent = maxProblems > 0 && findings.length > maxProblems ? mostSevere(findings, maxProblems) : findings;
    diagnostics = sent.map((f) => diagnosticOf(f, state, doc));
    if (sent !== findings)
      diagnostics.unshift({
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        severity: DiagnosticSeverity.Information,
        source: 'dmarc-lens',
        message: `DMARC Lens shows ${sent.length} of the ${findings.length} findings in this file, the most severe first (setting dmarcLens.maxProblemsPerFile); \`dmarc-lens check\` on the file lists them all.`,
      });
  }
  const t2 = TIMING ? performance.now() : 0;
  void connection.sendDiagnostics({ uri: doc.uri, version: state.version, diagnostics });
  if (passOn) {
    // The other open files this reading places findings in (and those it did before) show them anew.
    const file = toPath(doc.uri);
    const now = new Set<string>();
    for (const f of state.analysis?.findings ?? []) if (f.uri !== file) now.add(f.uri);
    const before = contributedTo.get(doc.uri);
    if (now.size) contributedTo.set(doc.uri, now);
    else contributedTo.delete(doc.uri);
    if (now.size || before?.size)
      for (const other of documents.all()) {
        const f = toPath(other.uri);
        if (other.uri !== doc.uri && (now.has(f) || before?.has(f))) publish(other, true, true, false);
      }
  }
  if (TIMING) connection.console.log(`dmarc-lens timing: analyze ${(t1 - t0).toFixed(1)} ms, diagnostics ${(t2 - t1).toFixed(1)} ms, send ${(performance.now() - t2).toFixed(1)} ms (${diagnostics.length}, model ${state.model})`);
  if (state.model && !treesDone && !reason) void checkTrees(doc, state);
  return state;
}

/**
 * Checks a document after `delay`. `edited`: its text changed (opened, edited), so the open documents
 * that depend on the names it defines are checked again after it; a document checked again only
 * because of another one does not pass it on (two files that include each other's names would
 * otherwise re-check each other for ever).
 */
function schedule(doc: TextDocument, delay = DEBOUNCE_MS, model = doc.getText().length <= TWO_PHASE_CHARS, edited = true): void {
  clearTimeout(timers.get(doc.uri));
  // A pending check for an edit stays one when something else asks for a check too.
  const propagate = edited || pendingEdit.has(doc.uri);
  if (propagate) pendingEdit.add(doc.uri);
  timers.set(
    doc.uri,
    setTimeout(() => {
      timers.delete(doc.uri);
      const current = documents.get(doc.uri);
      if (!current) {
        pendingEdit.delete(doc.uri);
        return;
      }
      try {
        const state = publish(current, model);
        if (!state.model) schedule(current, MODEL_DELAY_MS, true, propagate);
        else {
          pendingEdit.delete(doc.uri);
          if (propagate) revalidateDependents(toPath(doc.uri), current.uri);
        }
      } catch (e) {
        connection.console.error(`dmarc-lens: checking ${doc.uri} failed: ${(e as Error).stack ?? e}`);
      }
    }, delay),
  );
}

/**
 * What an edited file defined before the edit, while the documents depending on it have not been
 * looked for yet (kept only while another document is open).
 */
const ownersBeforeEdit = new Map<string, Set<string>>();

/** Re-checks the open documents whose findings depend on names the changed file defines (or did: `formerOwners`), or that `$INCLUDE` it. */
function revalidateDependents(file: string, exceptUri?: string, formerOwners?: ReadonlySet<string>): void {
  const others = documents.all().filter((d) => d.uri !== exceptUri && states.has(d.uri));
  if (others.length === 0) {
    ownersBeforeEdit.delete(file);
    return;
  }
  const owners = workspace.ownersOf(file);
  // Names the file no longer defines matter as much as those it does: a document that leaned on a
  // deleted `_dmarc` record is checked again too.
  const former = formerOwners ?? ownersBeforeEdit.get(file);
  ownersBeforeEdit.delete(file);
  const overlaps = (refs: ReadonlySet<string>, names: ReadonlySet<string>) => {
    if (refs.size < names.size) {
      for (const r of refs) if (names.has(r)) return true;
    } else for (const o of names) if (refs.has(o)) return true;
    return false;
  };
  for (const doc of others) {
    // Sender profiles and MTA-STS policies read names all over their domains: a few cheap checks, so re-check on any change.
    if (readsAllNames(doc.uri)) {
      states.delete(doc.uri);
      schedule(doc, 0, true, false);
      continue;
    }
    const state = states.get(doc.uri)!;
    // A zone that `$INCLUDE`s the file read it (the editor's text, saved or not); a DNSControl file used its globals.
    if (state.analysis?.zone.texts.has(file) || state.analysis?.zone.reads?.includes(file)) {
      states.delete(doc.uri);
      schedule(doc, 0, true, false);
      continue;
    }
    const refs = referencesOf(state);
    if (overlaps(refs, owners) || (former !== undefined && former !== owners && overlaps(refs, former))) {
      states.delete(doc.uri);
      schedule(doc, 0, true, false);
    }
  }
}

/** Reads `dmarcLens.*`; invalid entries are reported once in the log and ignored. */
async function loadSettings(): Promise<void> {
  if (!hasConfiguration) return;
  const raw = (await connection.workspace.getConfiguration('dmarcLens')) as { rules?: Record<string, unknown>; dns?: { mode?: unknown; servers?: unknown }; baseline?: { file?: unknown; mode?: unknown } } | null;
  const bf = raw?.baseline?.file;
  baselineFile = typeof bf === 'string' && bf !== '' ? (path.isAbsolute(bf) ? bf : path.join(workspaceFolders[0] ?? process.cwd(), bf)) : undefined;
  baselineMode = raw?.baseline?.mode === 'hide' ? 'hide' : 'hint';
  const mp = (raw as { maxProblemsPerFile?: unknown } | null)?.maxProblemsPerFile;
  if (mp !== undefined && mp !== null && !(Number.isInteger(mp) && (mp as number) >= 0)) connection.console.warn(`dmarcLens.maxProblemsPerFile: wants a whole number, 0 for no limit; using ${DEFAULT_MAX_PROBLEMS}`);
  maxProblems = Number.isInteger(mp) && (mp as number) >= 0 ? (mp as number) : DEFAULT_MAX_PROBLEMS;
  const rs = (raw as { rollout?: { style?: unknown } } | null)?.rollout?.style;
  decisionLog = (raw as { rollout?: { decisionLog?: unknown } } | null)?.rollout?.decisionLog === true;
  rolloutStyle = rs === 'compatible' || rs === 'legacy' ? rs : 'rfc9989';
  baselineCache = undefined;
  const rp = (raw as { reports?: { paths?: unknown } } | null)?.reports?.paths;
  const nextGlobs = Array.isArray(rp) && rp.length && rp.every((g) => typeof g === 'string' && g.trim() !== '') ? (rp as string[]) : DEFAULT_REPORT_GLOBS;
  if (rp !== undefined && nextGlobs === DEFAULT_REPORT_GLOBS && !(Array.isArray(rp) && rp.length === 0)) connection.console.warn('dmarcLens.reports.paths: wants an array of glob patterns; using the default');
  if (nextGlobs.join('\u0000') !== reportGlobs.join('\u0000')) {
    reportGlobs = nextGlobs;
    if (workspaceFolders.length) void indexReports();
  }
  const domains = (raw as { senders?: { domains?: unknown } } | null)?.senders?.domains;
  settingSenders = [];
  if (domains !== undefined && domains !== null) {
    const parsed = parseConfig(JSON.stringify({ domains }), 'dmarcLens.senders.domains');
    for (const p of parsed.problems) connection.console.warn(`dmarcLens.senders.domains: ${p.message.replace(/`/g, '"')}`);
    settingSenders = parsed.config.senders;
  }
  const rows = (raw as { senders?: { providers?: unknown } } | null)?.senders?.providers;
  if (rows !== undefined && !Array.isArray(rows)) connection.console.warn('dmarcLens.senders.providers: wants an array of catalog rows; ignored');
  const valid = Array.isArray(rows) ? rows.filter((r): r is Provider => typeof r === 'object' && r !== null && typeof (r as Provider).id === 'string' && /^[a-z0-9][a-z0-9-]*$/.test((r as Provider).id)) : [];
  if (Array.isArray(rows) && valid.length !== rows.length) connection.console.warn('dmarcLens.senders.providers: rows without a lower-case "id" are ignored');
  setSettingProviders(valid.map((r) => ({ ...r, confidence: r.confidence ?? 'unknown', name: r.name ?? r.id })));
  const mode = raw?.dns?.mode ?? 'live';
  if (mode !== 'live' && mode !== 'offline') connection.console.warn(`dmarcLens.dns.mode: "${String(mode)}" is neither live nor offline; using live`);
  const servers: string[] = [];
  for (const x of Array.isArray(raw?.dns?.servers) ? (raw!.dns!.servers as unknown[]) : []) {
    const problem = typeof x === 'string' ? serverProblem(x) : 'write HOST or HOST:PORT';
    if (problem) connection.console.warn(`dmarcLens.dns.servers: ${JSON.stringify(x)} is ignored: ${problem}`);
    else servers.push(x as string);
  }
  if (mode !== dnsMode || servers.join() !== dnsServers.join()) {
    live = undefined;
    generation++;
  }
  dnsMode = mode === 'offline' ? 'offline' : 'live';
  dnsServers = servers;
  const next: Record<string, RuleSetting> = {};
  for (const [id, v] of Object.entries(raw?.rules ?? {})) {
    if (!rulesById.has(id)) connection.console.warn(`dmarcLens.rules: unknown rule id "${id}" ignored`);
    else if (v !== 'off' && !SEVERITIES.includes(v as Severity)) connection.console.warn(`dmarcLens.rules: "${id}" wants off, hint, information, warning or error; ignored`);
    else next[id] = v as RuleSetting;
  }
  ruleSettings = next;
}

/** Aggregate reports found in the workspace (by the domain their policy was published for), and the failure reports found with them. */
const workspaceReports = new WorkspaceReports();
let rolloutStyle: RolloutStyle = 'rfc9989';
/** Sender profiles from the dmarcLens.senders.domains setting. */
let settingSenders: SenderProfile[] = [];
/** dmarcLens.reports.paths: where aggregate reports are looked for (globs relative to each workspace folder). */
let reportGlobs: string[] = DEFAULT_REPORT_GLOBS;
/** dmarcLens.rollout.decisionLog: each policy step also writes a dated comment beside the record. */
let decisionLog = false;

/** The format `.dmarc-lens.json` `include` assigns to a file whose name does not say it. */
/** Files whose checks read records anywhere in the workspace (sender profiles, MTA-STS policies): checked again on any change. */
function readsAllNames(uri: string): boolean {
  const file = toPath(uri);
  return path.basename(file) === CONFIG_NAME || isMtaStsPolicyName(file);
}

function formatOf(file: string): SourceFormat | undefined {
  return includedFormat(configs.forFile(file), file);
}

function allReports(): readonly AggregateReport[] {
  return workspaceReports.all();
}

/**
 * Reads the workspace's reports again, a slice at a time (the server answers meanwhile); then, when no
 * later reading began meanwhile, checks the open documents again against them (`recheck`).
 */
async function indexReports(recheck = true): Promise<void> {
  const current = await workspaceReports.index(
    workspaceFolders,
    (folder) => configs.forFile(path.join(folder, CONFIG_NAME)).reports?.paths ?? reportGlobs,
    (file, message) => connection.console.warn(`dmarc-lens: report ${file} not read: ${message}`),
  );
  if (!current || !recheck) return;
  states.clear();
  documents.all().forEach((d) => schedule(d, 0, true, false));
}

/** Reads a file from disk into the workspace model; false when it cannot be read or is skipped (binary, too large). */
function indexFromDisk(file: string): boolean {
  const text = readTextFile(file);
  if (text === undefined || skipReason(text)) return false;
  const p = readZone(text, file, { readFile: readTextFile, openText, format: formatOf(file) });
  workspace.set(file, p.zone.records, p.sites, p.zone.format);
  return true;
}

/** The first index of the workspace: definitions and references wait for it, so they see every file. */
/**
 * Settled once the first indexing of the workspace is done (failed or not). Made now, not when indexing
 * starts: `initialized` first asks the client for its settings, and a request that comes meanwhile
 * (references, the inventory, a report preview) must wait for the index, not find it empty.
 */
let indexDone: () => void = () => undefined;
const indexed: Promise<void> = new Promise((resolve) => (indexDone = resolve));

/** Reads every zone file of the workspace folders into the workspace model, with progress. */
async function indexWorkspace(): Promise<void> {
  if (workspaceFolders.length === 0) return;
  const { files } = collectFiles(workspaceFolders, (f) => formatOf(f) !== undefined);
  // Module calls are looked for in every Terraform file found, not only those indexed so far: a module
  // read before the file that calls it gets the call's inputs all the same.
  const found = files.filter((f) => /\.tf$/i.test(f));
  setTerraformWorkspace(() => new Set([...found, ...[...workspace.uris()].filter((f) => /\.tf$/i.test(f))]));
  const progress = hasWorkDoneProgress ? await connection.window.createWorkDoneProgress() : undefined;
  progress?.begin('DMARC Lens: indexing zone files', 0, `${files.length} files`, false);
  const started = Date.now();
  let done = 0;
  for (const file of files) {
    if (openDocument(file)) continue; // open documents are indexed from their editor text
    try {
      indexFromDisk(file);
    } catch (e) {
      connection.console.error(`dmarc-lens: indexing ${file} failed: ${(e as Error).message}`);
    }
    done++;
    if (done % 20 === 0) {
      progress?.report(Math.round((done / files.length) * 100), `${done}/${files.length} files`);
      await nextTurn();
    }
  }
  await indexReports(false);
  progress?.done();
  connection.console.log(`dmarc-lens: indexed ${files.length} files and ${allReports().length} aggregate reports in ${Date.now() - started} ms`);
  for (const doc of documents.all()) {
    states.delete(doc.uri);
    schedule(doc, 0, true, false);
  }
}

connection.onInitialize((params) => {
  hasConfiguration = params.capabilities.workspace?.configuration === true;
  trusted = (params.initializationOptions as { trusted?: boolean } | undefined)?.trusted !== false;
  hasWorkDoneProgress = params.capabilities.window?.workDoneProgress === true;
  snippetSupport = params.capabilities.textDocument?.completion?.completionItem?.snippetSupport === true;
  definitionLinkSupport = params.capabilities.textDocument?.definition?.linkSupport === true;
  prepareRenameSupport = params.capabilities.textDocument?.rename?.prepareSupport === true;
  lensRefresh = params.capabilities.workspace?.codeLens?.refreshSupport === true;
  hintRefresh = params.capabilities.workspace?.inlayHint?.refreshSupport === true;
  // Commands the client runs itself (the VS Code extension opens the SPF tree as a read-only page).
  const commands = (params.initializationOptions as { commands?: unknown } | undefined)?.commands;
  clientCommands = new Set(Array.isArray(commands) ? commands.filter((c): c is string => typeof c === 'string') : []);
  workspaceFolders = (params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: '' }] : []))
    .filter((f) => f.uri.startsWith('file:'))
    .map((f) => fileURLToPath(f.uri));
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite, FIX_ALL] },
      hoverProvider: true,
      completionProvider: { triggerCharacters: [' ', '=', ':', ';', '"'] },
      documentSymbolProvider: true,
      foldingRangeProvider: true,
      semanticTokensProvider: { legend: { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [] }, full: true },
      inlayHintProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      documentHighlightProvider: true,
      renameProvider: prepareRenameSupport ? { prepareProvider: true } : true,
      workspaceSymbolProvider: true,
      documentLinkProvider: { resolveProvider: false },
      codeLensProvider: { resolveProvider: true },
      executeCommandProvider: { commands: ['dmarcLens.server.checkWorkspace', 'dmarcLens.server.applyRolloutStep', 'dmarcLens.server.spfTree', 'dmarcLens.server.dmarcPolicy', 'dmarcLens.server.dkimKeys'] },
    },
    serverInfo: { name: 'dmarc-lens', version: '0.1.0' },
  };
});

connection.onInitialized(async () => {
  await loadSettings().catch((e) => connection.console.warn(`dmarc-lens: could not read settings: ${e}`));
  void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/{*.zone,*.db,db.*,*.yaml,*.yml,*.json,*.template,*.tf,*.tfvars,*.tpl,*.tftpl,*.txt,*.js,.dmarc-lens.json,*.xml,*.gz,*.zip,*.eml,*.mbox}' }] }).catch(() => undefined);
  await indexWorkspace().catch((e) => connection.console.error(`dmarc-lens: indexing failed: ${e}`));
  indexDone();
});

connection.onDidChangeConfiguration(async () => {
  await loadSettings().catch((e) => connection.console.warn(`dmarc-lens: could not read settings: ${e}`));
  states.clear();
  documents.all().forEach((d) => schedule(d, 0, true, false));
});

connection.onDidChangeWatchedFiles((params) => {
  // A report added, changed or removed: read the reports again and re-check the open documents.
  if (params.changes.some((c) => REPORT_FILE_NAME.test(c.uri))) void indexReports();
  for (const change of params.changes) {
    const file = toPath(change.uri);
    if (REPORT_FILE_NAME.test(file)) continue;
    if (path.basename(file) === CONFIG_NAME) {
      states.clear();
      documents.all().forEach((d) => schedule(d, 0, true, false));
      // Its reports.paths may name other folders: the reports are read again (only the files not read before are parsed).
      void indexReports();
      continue;
    }
    // A .js file counts when the index holds it (a file dnsconfig.js loads).
    if (documents.get(change.uri) || !(isSourceFileName(file) || formatOf(file) || (isJavaScriptName(file) && workspace.has(file)))) {
      // A file read as data (Terraform file(), templatefile()): the documents that read it are checked again.
      for (const doc of documents.all())
        if (states.get(doc.uri)?.analysis?.zone.reads?.includes(file)) {
          states.delete(doc.uri);
          schedule(doc, 0, true, false);
        }
      continue;
    }
    const before = workspace.ownersOf(file);
  ownersBeforeEdit.delete(file);
    if (change.type === FileChangeType.Deleted) workspace.delete(file);
    else indexFromDisk(file);
    const after = workspace.ownersOf(file);
    for (const doc of documents.all()) {
      const st = states.get(doc.uri);
      if (st && (readsAllNames(doc.uri) || st.analysis?.zone.reads?.includes(file) || [...referencesOf(st)].some((r) => before.has(r) || after.has(r)))) {
        states.delete(doc.uri);
        schedule(doc, 0, true, false);
      }
    }
  }
  // A Terraform module is a folder: the zones, locals and variables of one file name the records of the
  // others, so they are read (or checked) again.
  const changed = params.changes.map((c) => toPath(c.uri)).filter((f) => /\.tf$|\.tfvars$/i.test(f));
  const folders = new Set(changed.map((f) => path.dirname(f)));
  // And the modules a changed file calls, before and after: their inputs come from its module blocks.
  for (const f of changed) for (const dir of calledModules(f, readTextFile(f) ?? '')) folders.add(dir);
  for (const dir of folders) revalidateModule(dir);
});

/** The reports a preview shows: of a file or folder, or of the workspace, within the filter bar's scope. */
interface ReportSet {
  /** The sources the configuration over the reports lists as not the owner's (reports.notOurs). */
  notOurs?: readonly string[];
  reports: AggregateReport[];
  failureReports: FailureReport[];
  failures: { origin: string; message: string }[];
  scope: ScopeOutcome<AggregateReport, FailureReport>;
  applied: ReportScope;
}

async function readReportSet(params: { uri?: unknown; workspace?: unknown; scope?: unknown }): Promise<ReportSet> {
  const applied = scopeFrom(params.scope);
  // The reports of the workspace (dmarcLens.reports.paths), as read for the rollout evidence: what a DMARC record's lens counts.
  if (params.workspace === true) {
    await indexed;
    const scope = applyScope(allReports(), workspaceReports.failureReports(), applied);
    const none = workspaceFolders.length === 0 ? 'no workspace folder is open' : `no aggregate reports in the workspace (dmarcLens.reports.paths: ${reportGlobs.join(', ')})`;
    // Each folder's configuration may list sources; the workspace's reports are set aside by all of them.
    const notOurs = [...new Set(workspaceFolders.flatMap((f) => configs.forFile(f).reports?.notOurs ?? []))];
    return { notOurs, reports: scope.reports, failureReports: scope.failureReports, failures: scope.domains.length ? [] : [{ origin: 'workspace', message: none }], scope, applied: applied ?? {} };
  }
  if (typeof params.uri !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, 'wants a uri or workspace: true');
  const file = toPath(params.uri);
  const { reports, failureReports, failures } = await previewReader.read(file, reportGlobs);
  // The preview's filter bar: the reports of some policy domains, or of some days (the same choice as `report --domain --since --until`).
  const scope = applyScope(reports, failureReports, applied);
  return { notOurs: configs.forFile(file).reports?.notOurs, reports: scope.reports, failureReports: scope.failureReports, failures, scope, applied: applied ?? {} };
}

/** The report preview's data: the reader's model of a report file or folder (or the workspace's reports), its summary and the rollout verdict. */
connection.onRequest('dmarcLens/readReport', async (params: { uri?: string; workspace?: boolean; scope?: ReportScope }) => {
  const set = await readReportSet(params);
  await indexed;
  // A platform failing in the reports whose set-up the workspace now publishes is said to be set up, not told to publish it.
  // And a source no platform names is said to be authorised by the From domain's SPF record in the workspace, or not (no DNS query).
  return previewModelAsync(
    set.reports,
    set.failures,
    set.failureReports,
    { setUp: workspaceSetUp(workspace), sourceOf: await workspaceSources(set.reports, new ChainResolver(new WorkspaceResolver(workspace), undefined)) },
    { domains: set.scope.domains, begin: set.scope.begin, end: set.scope.end, applied: set.applied, leftOut: set.scope.leftOut },
    { notOurs: set.notOurs },
  );
});

/**
 * The host names of the sources the preview shows (PTR, forward-confirmed or not), most mail first, at
 * most 200 within 4 seconds: asked after the page is shown, so DNS never holds it up. The workspace's
 * reverse zones answer first; DNS only when dmarcLens.dns.mode is live and the workspace trusted.
 */
connection.onRequest('dmarcLens/sourceHosts', async (params: { uri?: string; workspace?: boolean; scope?: ReportScope }) => {
  const set = await readReportSet(params);
  await indexed;
  const dns = !trusted ? 'untrusted' : dnsMode;
  const { reports } = dedupeReports(set.reports);
  // With DNS: also what the SPF record of each unnamed source's From domain says of it, where the
  // workspace alone could not tell (readReport answered from the files only); at the same time.
  const [hosts, verdicts] = await Promise.all([sourceHosts(reports, resolver(), { budgetMs: 4000 }), dns === 'live' ? sourceVerdicts(reports, resolver(), { budgetMs: 4000 }) : undefined]);
  return { ...hosts, ...(verdicts ? { spf: verdicts.spf } : {}), dns };
});

/** The preview's Export CSV: the records of the reports it shows (each report once), as `report --format csv` writes them. */
connection.onRequest('dmarcLens/reportCsv', async (params: { uri?: string; workspace?: boolean; scope?: ReportScope }) => {
  const set = await readReportSet(params);
  const { reports } = dedupeReports(set.reports);
  return { csv: reportsCsv(reports), records: reports.reduce((n, r) => n + r.records.length, 0), reports: reports.length };
});

/** The reports of the file or folder the preview showed last, kept by file: its filter bar reads only what changed. */
const previewReader = new ReportReader();

/**
 * The next step of a DMARC record's policy ladder, from its code lens: applied with workspace/applyEdit,
 * after a question when the reports do not back it (sources still failing, or no reports at all).
 */
async function applyRolloutStep(arg: unknown): Promise<{ applied: boolean; reason?: string }> {
  const { uri, version, start } = (typeof arg === 'object' && arg !== null ? arg : {}) as { uri?: unknown; version?: unknown; start?: unknown };
  const doc = typeof uri === 'string' ? documents.get(uri) : undefined;
  if (!doc) return { applied: false, reason: 'the document is not open' };
  if (doc.version !== version) {
    void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: 'DMARC Lens: the document changed since the lens was shown; use the lens again.' });
    return { applied: false, reason: 'the document changed' };
  }
  const file = toPath(doc.uri);
  const a = analyze(doc).analysis?.sites.find((x): x is LadderSite => x.site.uri === file && x.site.range.start === start && onLadder(x));
  const evidence = a && ladderEvidence(a);
  const step = a && ladderSteps(a, file)[0];
  if (!a || !step) return { applied: false, reason: 'no DMARC record with a next step there' };
  if (!step.preferred) {
    const go = 'Apply anyway';
    const answer = await connection.window.showWarningMessage(confirmStep(step, evidence, a.site.owner!.slice('_dmarc.'.length)), { title: go });
    if (answer?.title !== go) return { applied: false, reason: 'not confirmed' };
    if (documents.get(doc.uri)?.version !== version) return { applied: false, reason: 'the document changed' };
  }
  const r = await connection.workspace.applyEdit({ label: step.title, edit: { changes: { [doc.uri]: rolloutEdits(doc, a, step) } } });
  return r.applied ? { applied: true } : { applied: false, reason: r.failureReason ?? 'the editor did not apply the edit' };
}

connection.onExecuteCommand(async (params) => {
  if (params.command === 'dmarcLens.server.applyRolloutStep') return applyRolloutStep(params.arguments?.[0]);
  if (params.command === 'dmarcLens.server.spfTree') {
    // A client without a page of its own for the tree (any editor but VS Code): shown as a message.
    const t = await spfTreeText(params.arguments?.[0]);
    if (t) void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Info, message: `SPF lookup tree of ${t.domain}:\n${t.text}` });
    return t;
  }
  if (params.command === 'dmarcLens.server.dmarcPolicy') {
    const t = await dmarcPolicyText(params.arguments?.[0]);
    if (t) void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Info, message: `DMARC policy for mail from ${t.domain}:\n${t.text}` });
    return t;
  }
  if (params.command === 'dmarcLens.server.dkimKeys') {
    const t = await dkimKeysText(params.arguments?.[0], params.arguments?.[1]);
    if (t) void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Info, message: `DKIM keys of ${t.domain}:\n${t.text}` });
    return t;
  }
  if (params.command !== 'dmarcLens.server.checkWorkspace') return undefined;
  await indexWorkspace();
  // Counts per severity over the workspace files, for the client's summary.
  const counts = { error: 0, warning: 0, information: 0, hint: 0, files: 0 };
  for (const file of workspace.uris()) {
    if (!(isSourceFileName(file) || formatOf(file) || isJavaScriptName(file)) || !fs.existsSync(file)) continue;
    const doc = openDocument(file);
    const text = doc?.getText() ?? readTextFile(file);
    if (text === undefined || skipReason(text)) continue;
    const a = checkZone(readZone(text, file, { readFile: readTextFile, openText, format: formatOf(file) }), { rules: ruleSettings, workspace });
    counts.files++;
    for (const f of a.findings) if (f.uri === file) counts[f.severity]++;
  }
  return counts;
});

documents.onDidOpen((e) => {
  openByPath.set(toPath(e.document.uri), e.document.uri);
  schedule(e.document, 0);
});
documents.onDidChangeContent((e) => schedule(e.document));
documents.onDidClose((e) => {
  clearTimeout(timers.get(e.document.uri));
  pendingEdit.delete(e.document.uri);
  states.delete(e.document.uri);
  analyzers.delete(e.document.uri);
  untouched.delete(e.document.uri);
  withoutSuppressions.delete(e.document.uri);
  // Back to the file on disk in the workspace model.
  const file = toPath(e.document.uri);
  if (openByPath.get(file) === e.document.uri) openByPath.delete(file);
  const before = workspace.ownersOf(file);
  ownersBeforeEdit.delete(file);
  if (!(fs.existsSync(file) && indexFromDisk(file))) workspace.delete(file);
  // Unsaved edits are gone with the editor's text: a Terraform module reads the disk again, and the
  // documents that read this file or its names are checked again.
  const unsaved = readTextFile(file) !== e.document.getText();
  lastTerraformText.delete(file);
  if (unsaved && /\.tf$/i.test(file)) recheckCallers(file);
  if (moduleKeys.delete(file) && unsaved) {
    revalidateModule(path.dirname(file));
    for (const dir of calledModules(file, readTextFile(file) ?? '')) revalidateModule(dir);
  }
  if (unsaved) revalidateDependents(file, undefined, before);
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  // What its reading placed in other open files goes with it.
  const placed = contributedTo.get(e.document.uri);
  contributedTo.delete(e.document.uri);
  if (placed) for (const other of documents.all()) if (placed.has(toPath(other.uri))) publish(other, true, true, false);
});

/** A fix's edits as LSP changes per document: its own document, or another file (open, or read from disk). */
function editsByDocument(doc: TextDocument, edits: readonly { range: OffsetRange; newText: string; uri?: string }[]): Record<string, TextEdit[]> | undefined {
  const changes: Record<string, TextEdit[]> = {};
  for (const e of edits) {
    let target: { uri: string; positionAt(o: number): { line: number; character: number } } = doc;
    if (e.uri !== undefined && e.uri !== toPath(doc.uri)) {
      const uri = toUri(e.uri);
      const open = openDocument(e.uri);
      const text = open ? undefined : readTextFile(e.uri);
      if (!open && text === undefined) return undefined;
      target = open ?? { uri, positionAt: (o: number) => new LineIndex(text!).positionAt(o) };
    }
    (changes[target.uri] ??= []).push({ range: { start: target.positionAt(e.range.start), end: target.positionAt(e.range.end) }, newText: e.newText });
  }
  return changes;
}

/**
 * The .dmarc-lens.json over `base` (a file or a folder): the nearest upward, with its text (the editor's
 * when it is open; undefined when it cannot be read), or where a new one goes (the workspace folder that
 * holds `base`, else `base` itself when a folder, its folder otherwise).
 */
function configOver(base: string): { uri: string; exists: boolean; text?: string; positionAt?: (offset: number) => Position } {
  const existing = configs.forFile(base).file ?? findConfigFile(base);
  if (existing) {
    const open = openDocument(existing);
    const text = open?.getText() ?? readTextFile(existing);
    const index = open ?? (text === undefined ? undefined : new LineIndex(text));
    return { uri: uriOf(existing), exists: true, text, positionAt: index && ((o) => index.positionAt(o)) };
  }
  const isDir = (() => {
    try {
      return fs.statSync(base).isDirectory();
    } catch {
      return false;
    }
  })();
  const root = workspaceFolders.find((f) => base === f || base.startsWith(f + path.sep)) ?? (isDir ? base : path.dirname(base));
  return { uri: toUri(path.join(root, CONFIG_NAME)), exists: false };
}

/** The workspace edit that applies a config edit (config.configEdits and the like) to the file `configOver` found, or creates it with the edit's text. */
function configWorkspaceEdit(target: ReturnType<typeof configOver>, change: { edits: { offset: number; length: number; content: string }[]; text: string }): WorkspaceEdit {
  const { uri, positionAt } = target;
  if (target.exists && positionAt) return { changes: { [uri]: change.edits.map((e) => ({ range: { start: positionAt(e.offset), end: positionAt(e.offset + e.length) }, newText: e.content })) } };
  return { documentChanges: [{ kind: 'create', uri, options: { ignoreIfExists: true } }, { textDocument: { uri, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: change.text }] }] };
}

/** "Declare the senders of <domain>": edits the nearest .dmarc-lens.json, or creates one at the workspace root. */
function profileAction(file: string, domain: string, senders: SuggestedSender[]): CodeAction | undefined {
  const target = configOver(file);
  if (target.exists && target.text === undefined) return undefined;
  const names = [...new Set(senders.map((s) => providerById(s.provider)?.name ?? s.provider))].join(', ');
  const title = `DMARC Lens: declare the senders of ${domain} in ${CONFIG_NAME} (${names})`;
  return { title, kind: CodeActionKind.RefactorRewrite, edit: configWorkspaceEdit(target, writeProfile(target.text, domain, senders)) };
}

/**
 * "Not ours" on a failing source of the report preview: the edit that adds its address to
 * `reports.notOurs` of the configuration over the reports (the nearest .dmarc-lens.json, else a new one
 * at the workspace folder), for the client to apply and show; or the entry that already covers it, or
 * why the file cannot take it.
 */
connection.onRequest('dmarcLens/notOurs', (params: { uri?: unknown; workspace?: unknown; ip?: unknown }) => {
  if (typeof params.ip !== 'string' || !validCidr(params.ip)) throw new ResponseError(ErrorCodes.InvalidParams, 'wants ip: an IPv4 or IPv6 address or CIDR range');
  const base = params.workspace === true ? workspaceFolders[0] : typeof params.uri === 'string' ? toPath(params.uri) : undefined;
  if (base === undefined) throw new ResponseError(ErrorCodes.InvalidParams, params.workspace === true ? 'no workspace folder is open' : 'wants a uri or workspace: true');
  const target = configOver(base);
  if (target.exists && target.text === undefined) return { uri: target.uri, error: `${CONFIG_NAME} cannot be read` };
  const r = writeNotOurs(target.text, params.ip);
  return 'edits' in r ? { uri: target.uri, edit: configWorkspaceEdit(target, r) } : { uri: target.uri, ...r };
});

/** The editor's "fix all" (and `editor.codeActionsOnSave` with `source.fixAll`): the fixes `check --fix` applies. */
const FIX_ALL = `${CodeActionKind.SourceFixAll}.dmarc-lens`;

connection.onCodeAction((params) => {
  const doc = documents.get(params.textDocument.uri);
  if (!doc) return [];
  const state = analyze(doc);
  const file = toPath(doc.uri);
  // Kinds are hierarchical: `source` and `source.fixAll` ask for ours too.
  const asked = (kind: string) => params.context.only?.some((k) => kind === k || kind.startsWith(`${k}.`));
  if (asked(FIX_ALL)) {
    // Pass after pass, as `check --fix` does: a fix can uncover another. Each pass checks the text as the editor would.
    const project = configs.forFile(file);
    const check = (t: string) =>
      applySuppressions(t, file, analyzeZone(t, file, { rules: { ...ruleSettings, ...project.rules }, workspace, readFile: readTextFile, openText, format: formatOf(file), fallback: true }).findings.filter((f) => f.uri === file)).findings;
    const { edits, count } = fixAll(doc.getText(), file, (t) => (t === doc.getText() && state.shown ? state.shown : check(t)));
    if (count === 0) return [];
    return [{ title: `DMARC Lens: fix ${count} finding${count === 1 ? '' : 's'} (as \`check --fix\` does)`, kind: FIX_ALL, edit: { changes: { [doc.uri]: edits.map((e) => ({ range: { start: doc.positionAt(e.start), end: doc.positionAt(e.end) }, newText: e.newText })) } } }];
  }
  if (params.context.only && !asked(CodeActionKind.QuickFix) && !asked(CodeActionKind.RefactorRewrite)) return [];
  const start = doc.offsetAt(params.range.start);
  const end = doc.offsetAt(params.range.end);
  const actions: CodeAction[] = [];
  const text = doc.getText();
  // The policy ladder on DMARC records in the range, with the reports' evidence in the title.
  for (const a of state.analysis?.sites ?? []) {
    if (a.site.uri !== file || a.site.range.end < start || a.site.range.start > end || !onLadder(a)) continue;
    for (const step of ladderSteps(a, file)) {
      actions.push({
        title: step.title,
        kind: CodeActionKind.QuickFix,
        isPreferred: step.preferred,
        edit: { changes: { [doc.uri]: rolloutEdits(doc, a, step) } },
      });
    }
  }
  // No sender profile for this domain yet: one that the records and reports suggest, written to .dmarc-lens.json.
  const declared = new Set(configs.forFile(file).domains.map((d) => orgDomain(d.domain)));
  const offered = new Set<string>();
  for (const a of state.analysis?.sites ?? []) {
    if (!(a.dmarc || a.spf) || a.site.uri !== file || a.site.range.end < start || a.site.range.start > end || !a.site.owner || a.site.relative) continue;
    const org = orgDomain(a.site.owner.replace(/^_dmarc\./, ''));
    if (declared.has(org) || offered.has(org)) continue;
    offered.add(org);
    const suggested = suggestSenders(org, [...workspace.at(org), ...workspace.under(org)], allReports());
    if (suggested.length === 0) continue;
    const action = profileAction(file, org, suggested);
    if (action) actions.push(action);
  }
  for (const f of state.shown ?? state.analysis?.findings ?? []) {
    if (f.uri !== file || f.range.end < start || f.range.start > end) continue;
    // The rule's own fixes first (the first one preferred), then "Suppress … for this line".
    const own = f.fixes ?? [];
    const suppress = f.rule.startsWith('meta/') ? [] : [suppressionFix(text, file, f)];
    const diagnostic = params.context.diagnostics.find((d) => d.code === f.rule && doc.offsetAt(d.range.start) === f.range.start && d.message === f.message);
    if (f.rule === 'zone/invalid-hostname' && state.analysis) {
      const action = hostNameRename(doc, state.analysis, f.range.start);
      if (action) actions.push({ ...action, diagnostics: diagnostic ? [diagnostic] : undefined });
    }
    [...own, ...suppress].forEach((fix, i) => {
      const changes = editsByDocument(doc, fix.edits);
      if (!changes) return;
      actions.push({
        title: fix.title.replace(/`/g, ''),
        kind: CodeActionKind.QuickFix,
        diagnostics: diagnostic ? [diagnostic] : undefined,
        isPreferred: i === 0 && own.length > 0,
        edit: { changes },
      });
    });
  }
  return actions;
});

/** For a name that is not a host name: renaming it to one across the workspace (features/rename.ts), when that can be done cleanly. */
function hostNameRename(doc: TextDocument, analysis: ZoneAnalysis, offset: number): CodeAction | undefined {
  const file = toPath(doc.uri);
  const target = renameTargetAt({ uri: file, format: analysis.zone.format, records: analysis.zone.records, sites: analysis.sites }, offset, doc.getText());
  if ('error' in target || target.spf) return undefined;
  const typed = hostNameSuggestion(target.text);
  const name = typed === undefined ? undefined : newNameOf(target, typed);
  if (typeof name !== 'string') return undefined;
  const result = renameChanges(target, name);
  if ('error' in result || result.count === 0) return undefined;
  const files = Object.keys(result.changes).length;
  return {
    title: `Rename ${target.name} to ${name} (${result.count} place${result.count === 1 ? '' : 's'}${files > 1 ? ` in ${files} files` : ''})`,
    kind: CodeActionKind.QuickFix,
    edit: { changes: result.changes },
  };
}

/**
 * A DMARC record the policy ladder applies to: at a `_dmarc.` name, and with every part the ladder
 * reads or sets known statically (only report addresses may be unknown).
 */
type LadderSite = AnalyzedSite & { dmarc: NonNullable<AnalyzedSite['dmarc']> };
function onLadder(a: AnalyzedSite): a is LadderSite {
  if (!a.dmarc || !a.site.owner?.startsWith('_dmarc.')) return false;
  return !a.site.holes || holesOnlyInValuesOf(a.site.value, a.dmarc.tags, (n) => n === 'rua' || n === 'ruf');
}

/** The next steps of a record on the ladder that its document can take (not a DNSControl builder's generated text). */
function ladderSteps(a: LadderSite, file: string): RolloutStep[] {
  return usableFixes(a.site, nextSteps(a.dmarc, ladderEvidence(a), ladderStyle(file)));
}

/** What the workspace's aggregate reports say about a DMARC record's domain. */
function ladderEvidence(a: AnalyzedSite): ReportSummary | undefined {
  const reports = workspaceReports.of(a.site.owner!.slice('_dmarc.'.length));
  return reports ? evidenceOf(reports, { notOurs: configs.forFile(a.site.uri).reports?.notOurs }) : undefined;
}

/** The scope of the reports a domain's evidence counts (rollout.evidenceOf): the domain, and the days of the window when they are dated. */
function evidenceScope(domain: string): ReportScope {
  const since = evidenceSince(workspaceReports.of(domain) ?? []);
  return since === undefined ? { domains: [domain] } : { domains: [domain], since };
}

function ladderStyle(file: string): RolloutStyle {
  return (configs.forFile(file).rollout as { style?: RolloutStyle } | undefined)?.style ?? rolloutStyle;
}

/** A step of the ladder as edits of the document, in its syntax, with the decision log's comment when it is on. */
function rolloutEdits(doc: TextDocument, a: AnalyzedSite, step: RolloutStep): TextEdit[] {
  const fix = mapFix(a.site, step);
  if (decisionLog) {
    // The repository keeps why the policy changed: a comment line above the record, in the file's syntax.
    const text = doc.getText();
    const before = a.site.value;
    let after = before;
    for (const e of [...step.edits].sort((x, y) => y.range.start - x.range.start)) after = after.slice(0, e.range.start) + e.newText + after.slice(e.range.end);
    const lineStart = a.site.range.start - doc.positionAt(a.site.range.start).character;
    const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
    const policy = (v: string) => v.split(';').map((x) => x.trim()).filter((x) => /^(p|sp|np|t|pct)=/.test(x)).join('; ');
    const note = `${indent}${commentPrefix(toPath(doc.uri))} ${new Date().toISOString().slice(0, 10)} ${policy(before)} -> ${policy(after)} (${step.evidence})\n`;
    fix.edits.push({ range: { start: lineStart, end: lineStart }, newText: note });
  }
  return fix.edits.map((e) => ({ range: { start: doc.positionAt(e.range.start), end: doc.positionAt(e.range.end) }, newText: e.newText }));
}

/**
 * Code lenses: above a DMARC record, its stage on the policy ladder with the reports' evidence, and
 * its next step (applied by `dmarcLens.server.applyRolloutStep`, after a question when the reports do
 * not back it); above an SPF record, its lookup count, which opens the include tree. The count needs
 * the tree walked (live DNS may be slow), so the SPF lens comes without its title and the client
 * resolves it when it shows it: only the records on screen are walked. A value that a condition
 * chooses among others (an alternative) gets none: the name's record is not known.
 */
connection.onCodeLens((params) => {
  const doc = documents.get(params.textDocument.uri);
  if (!doc) return [];
  const state = analyze(doc);
  if (!state.analysis) return [];
  const file = toPath(doc.uri);
  const lenses: CodeLens[] = [];
  for (const a of state.analysis.sites) {
    if (a.site.uri !== file || a.site.alternative || !a.site.owner) continue;
    const at = doc.positionAt(a.site.range.start);
    const range = { start: at, end: at };
    if (onLadder(a)) {
      const evidence = ladderEvidence(a);
      const l = dmarcLenses(a.dmarc, evidence, ladderSteps(a, file)[0]);
      // The evidence opens the reports behind it (a client that can show them): the domain's, over the same days.
      const reports = evidence && evidence.reports > 0 && clientCommands.has('dmarcLens.showWorkspaceReports') ? { command: 'dmarcLens.showWorkspaceReports', arguments: [evidenceScope(a.site.owner.slice('_dmarc.'.length))] } : undefined;
      lenses.push({ range, command: { title: l.status, command: reports?.command ?? '', ...(reports ? { arguments: reports.arguments, tooltip: 'Show the aggregate reports this counts' } : {}) } });
      if (l.next) lenses.push({ range, command: { title: l.next.title, command: 'dmarcLens.server.applyRolloutStep', arguments: [{ uri: doc.uri, version: doc.version, start: a.site.range.start }] } });
    } else if (a.spf) {
      const data: SpfLensData = { uri: doc.uri, start: a.site.range.start, owner: a.site.owner, holes: !!a.site.holes };
      lenses.push({ range, data });
    }
  }
  return lenses;
});

interface SpfLensData {
  uri: string;
  start: number;
  owner: string;
  holes: boolean;
}

connection.onCodeLensResolve(async (lens) => {
  const data = lens.data as SpfLensData | undefined;
  if (!data || typeof data.owner !== 'string') return lens;
  // The record's own site while the document is as it was (its tree is cached with it), else its name.
  const doc = documents.get(data.uri);
  const site = doc && analyze(doc).analysis?.sites.find((a) => a.spf && a.site.range.start === data.start && a.site.owner === data.owner)?.site;
  const t = await (site ? treeOf(site) : lookupTree(data.owner, resolver()));
  const command = clientCommands.has('dmarcLens.showSpfTree') ? 'dmarcLens.showSpfTree' : 'dmarcLens.server.spfTree';
  return { ...lens, command: { title: spfLensTitle(t, data.holes), command, arguments: [t.domain] } };
});

/** The SPF lookup tree of a domain as a text page (the VS Code client shows it read-only). */
async function spfTreeText(domain: unknown): Promise<{ domain: string; text: string } | undefined> {
  if (typeof domain !== 'string' || domain.trim() === '') return undefined;
  const t = await lookupTree(domain, resolver());
  const severity = (d: TreeDiagnostic) => d.severity ?? rulesById.get(d.rule)?.severity ?? 'error';
  return { domain: t.domain, text: treeLines(t, severity).join('\n') + '\n' };
}
connection.onRequest('dmarcLens/spfTree', (params: { domain: string }) => spfTreeText(params?.domain));

/** The DMARC policy receivers apply to mail from a domain (the CLI's `dmarc`), through the workspace's records first, as a text page. */
async function dmarcPolicyText(domain: unknown): Promise<{ domain: string; status: string; text: string } | undefined> {
  const from = typeof domain === 'string' ? authorDomain(domain) : undefined;
  if (from === undefined || !asDomain(from)) return undefined;
  const r = await lookupDmarc(from, resolver());
  return { domain: r.domain, status: r.status, text: formatDmarcLookup(r) };
}
connection.onRequest('dmarcLens/dmarcPolicy', (params: { domain: string }) => dmarcPolicyText(params?.domain));

/** The DKIM keys a domain publishes at the selectors given, or at the known ones (the CLI's `dkim`), as a text page. */
async function dkimKeysText(domain: unknown, selectors: unknown): Promise<{ domain: string; found: number; text: string } | undefined> {
  if (typeof domain !== 'string') return undefined;
  const target = dkimTarget(domain);
  if (!asDomain(target.domain)) return undefined;
  const given = Array.isArray(selectors) ? selectors.filter((s): s is string => typeof s === 'string' && isSelector(s)) : [];
  if (target.selector && isSelector(target.selector)) given.push(target.selector);
  // The selectors the workspace's aggregate reports show signing for the domain are asked too.
  await indexed;
  const r = await lookupDkim(target.domain, resolver(), given, signingSelectors(allReports(), target.domain));
  return { domain: r.domain, found: r.found.length, text: formatDkimLookup(r) };
}
connection.onRequest('dmarcLens/dkimKeys', (params: { domain: string; selectors?: string[] }) => dkimKeysText(params?.domain, params?.selectors));

/** The domain the record at a position is about (`_dmarc.example.com` → example.com), and the record's name: the default of the domain pages' input box. */
connection.onRequest('dmarcLens/domainAt', (params: { uri: string; position: Position }): { domain: string; owner: string } | null => {
  const doc = params?.uri ? documents.get(params.uri) : undefined;
  const records = doc && analyze(doc).analysis?.zone.records;
  if (!doc || !records || !params.position) return null;
  return domainAt(records, toPath(doc.uri), doc.offsetAt(params.position)) ?? null;
});

/** A file's path as the pages show it: relative to the workspace folder that holds it. */
function workspaceRelative(file: string): string {
  const folder = workspaceFolders.find((f) => file.startsWith(f + path.sep));
  return folder ? path.relative(folder, file) : file;
}

/**
 * The inventory of the workspace (what its files publish for mail, per domain), as the CLI's
 * `inventory` prints it, with paths relative to the workspace folder: the editor shows it as a page.
 */
connection.onRequest('dmarcLens/inventory', async (): Promise<{ text: string; domains: number }> => {
  await indexed;
  // Each file read once, though a file another `$INCLUDE`s is in the records of both.
  const read = new Map<string, string | undefined>();
  const textOf = (f: string) => (read.has(f) ? read.get(f) : read.set(f, openText(f) ?? readTextFile(f)).get(f));
  const sources = workspace.sources().map((s) => {
    const texts = new Map<string, string>();
    for (const r of s.records)
      if (!texts.has(r.uri)) {
        const t = textOf(r.uri);
        if (t !== undefined) texts.set(r.uri, t);
      }
    return { zone: { records: s.records, texts }, sites: s.sites };
  });
  const inv = runInventory(sources, workspace, allReports(), (file) => configs.forFile(file).reports?.notOurs).map((d) => ({
    ...d,
    ...Object.fromEntries((['spf', 'dmarc', 'dkim', 'bimi', 'tlsrpt', 'mtaSts'] as const).map((k) => [k, d[k].map((r) => ({ ...r, path: workspaceRelative(r.path) }))])),
    ...(d.nullMx ? { nullMx: { ...d.nullMx, path: workspaceRelative(d.nullMx.path) } } : {}),
    ...(d.mx ? { mx: d.mx.map((m) => ({ ...m, path: workspaceRelative(m.path) })) } : {}),
    ...(d.coveredBy ? { coveredBy: { ...d.coveredBy, path: workspaceRelative(d.coveredBy.path) } } : {}),
  }));
  return { text: showNames(formatInventoryText(inv)), domains: inv.length };
});

/**
 * The workspace's policy records against what DNS serves at their names now (the CLI's `drift`), as a
 * text page with paths relative to the workspace folder. A fresh resolver each time: answers cached
 * from before a deployment would hide it.
 */
connection.onRequest('dmarcLens/drift', async (): Promise<{ text: string; names: number; drifted: number }> => {
  await indexed;
  if (!trusted || dnsMode === 'offline')
    return { text: `DNS is off (${!trusted ? 'the workspace is not trusted' : 'dmarcLens.dns.mode is offline'}): the files cannot be compared with it.\n`, names: 0, drifted: 0 };
  const r = await compareWithDns(
    workspace.sources().flatMap((s) => s.sites),
    new LiveResolver({ servers: dnsServers.length ? dnsServers : undefined, timeoutMs: 1500, maxConcurrent: DRIFT_CONCURRENCY }),
    workspace.sources().flatMap((s) => s.records),
  );
  const indexes = new Map<string, LineIndex>();
  const where = (file: string, offset: number) => {
    let index = indexes.get(file);
    if (!index) indexes.set(file, (index = new LineIndex(openText(file) ?? readTextFile(file) ?? '')));
    const p = index.positionAt(offset);
    return `${workspaceRelative(file)}:${p.line + 1}:${p.character + 1}`;
  };
  return { text: showNames(formatDrift(r, where, dnsLabel(dnsServers))), names: r.entries.length, drifted: r.entries.filter((e) => e.status !== 'in-sync').length };
});

/** Asks the client to fetch code lenses and inlay hints again: lookup counts and report evidence moved. */
let refreshTimer: NodeJS.Timeout | undefined;
function refreshLenses(): void {
  if (!lensRefresh && !hintRefresh) return;
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => {
    if (lensRefresh) void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
    if (hintRefresh) void connection.sendRequest(InlayHintRefreshRequest.type).catch(() => undefined);
  }, 300);
}

connection.onHover(async (params) => {
  const doc = documents.get(params.textDocument.uri);
  if (!doc) return null;
  if (path.basename(toPath(doc.uri)) === CONFIG_NAME) {
    analyze(doc); // installs the project's own catalog rows
    const h = providerHover(doc.getText(), doc.offsetAt(params.position)) ?? notOursHover(doc.getText(), doc.offsetAt(params.position), allReports());
    return h ? { contents: { kind: MarkupKind.Markdown, value: h.markdown }, range: { start: doc.positionAt(h.range.start), end: doc.positionAt(h.range.end) } } : null;
  }
  const state = analyze(doc);
  if (!state.analysis) return null;
  const h = await hoverFor(state.analysis, toPath(doc.uri), doc.getText(), doc.offsetAt(params.position), params.position.line, { ws: workspace, treeOf, textOf: (f) => openText(f) ?? readTextFile(f) });
  return h ? { contents: { kind: MarkupKind.Markdown, value: h.markdown }, range: { start: doc.positionAt(h.range.start), end: doc.positionAt(h.range.end) } } : null;
});

connection.languages.inlayHint.on(async (params) => {
  const doc = documents.get(params.textDocument.uri);
  if (!doc) return [];
  const state = analyze(doc);
  if (!state.analysis) return [];
  const from = doc.offsetAt(params.range.start);
  const to = doc.offsetAt(params.range.end);
  const hints: InlayHint[] = [];
  for (const a of state.analysis.sites) {
    if (!a.spf || !a.site.owner || a.site.uri !== toPath(doc.uri) || a.site.range.end < from || a.site.range.start > to) continue;
    const t = await treeOf(a.site);
    for (const term of t.tree.terms) {
      if (term.name !== 'include' && term.name !== 'redirect') continue;
      const own = a.spf.terms.find((x) => x.text === term.text);
      if (!own) continue;
      const unresolved = term.child && term.child.error && !term.child.record;
      hints.push({ position: doc.positionAt(a.site.map.toDocEnd(own.range.end)), label: unresolved ? ' +1 (unresolved)' : ` +${term.cost}`, kind: InlayHintKind.Parameter, paddingLeft: false, tooltip: `${term.text} costs ${term.cost} DNS lookup${term.cost === 1 ? '' : 's'} (RFC 7208 §4.6.4)` });
    }
    // With parts not known statically (records/holes), the count is a floor: they may add lookups.
    hints.push({ position: doc.positionAt(a.site.range.end), label: `${a.site.holes ? 'at least ' : ''}${t.lookups}/${LOOKUP_LIMIT} DNS lookups`, kind: InlayHintKind.Type, paddingLeft: true, tooltip: t.tree.source && showNames(t.tree.source) });
  }
  return hints;
});

/** The workspace's names for SPF completion (features/completion.ts): each name once, with the file and line of its first record. */
function workspaceNames(use: NameUse): { name: string; where: () => string }[] {
  const seen = new Map<string, IndexEntry>();
  for (const e of workspace.entries()) {
    const r = e.record;
    if (r.owner === undefined || r.superseded || seen.has(r.owner) || r.owner.includes('*')) continue;
    const fits = use === 'spf' ? e.site?.kind === 'spf' : use === 'address' ? r.type === 'A' || r.type === 'AAAA' : r.type === 'MX';
    if (fits) seen.set(r.owner, e);
  }
  const locate = locator();
  return [...seen].map(([name, e]) => ({
    name,
    where: () => {
      const l = locate(e.record);
      return `${path.basename(e.record.uri)}${l ? `:${l.range.start.line + 1}` : ''}`;
    },
  }));
}

const COMPLETION_KIND = { keyword: CompletionItemKind.Keyword, value: CompletionItemKind.EnumMember, module: CompletionItemKind.Module, property: CompletionItemKind.Property };

connection.onCompletion((params) => {
  const doc = documents.get(params.textDocument.uri);
  if (!doc) return [];
  const state = analyze(doc);
  if (!state.analysis) return [];
  const offset = doc.offsetAt(params.position);
  const site = siteAt(state.analysis.sites, toPath(doc.uri), offset);
  if (!site) return [];
  return completeAt(site, offset, workspaceNames).map((c) => {
    const snippet = c.snippet && snippetSupport;
    const newText = c.snippet && !snippetSupport ? c.insertText.replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\\\}/g, '}') : c.insertText;
    return {
      label: c.label,
      kind: COMPLETION_KIND[c.kind],
      detail: c.detail,
      documentation: c.documentation ? { kind: MarkupKind.Markdown, value: c.documentation } : undefined,
      sortText: c.sortText,
      insertTextFormat: snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
      textEdit: { range: { start: doc.positionAt(c.range.start), end: doc.positionAt(c.range.end) }, newText },
    };
  });
});

connection.onDocumentSymbol((params) => {
  const doc = documents.get(params.textDocument.uri);
  if (!doc) return [];
  const state = analyze(doc);
  if (!state.analysis) return [];
  const pos = (o: number) => doc.positionAt(o);
  const { zone, sites } = state.analysis;
  return documentSymbols(zone.records, sites, toPath(doc.uri), zone.origin).map(
    (o): DocumentSymbol => ({
      name: showNames(o.name),
      kind: SymbolKind.Namespace,
      range: { start: pos(o.range.start), end: pos(o.range.end) },
      selectionRange: { start: pos(o.selectionRange.start), end: pos(o.selectionRange.end) },
      children: o.records.map((r) => ({
        name: showNames(r.name),
        detail: r.detail && showNames(r.detail),
        kind: r.kind === 'record' ? SymbolKind.Field : SymbolKind.Property,
        range: { start: pos(r.range.start), end: pos(r.range.end) },
        selectionRange: { start: pos(r.range.start), end: pos(r.range.start) },
      })),
    }),
  );
});

connection.onFoldingRanges((params) => {
  const doc = documents.get(params.textDocument.uri);
  if (!doc) return [];
  const state = analyze(doc);
  if (!state.analysis) return [];
  return foldingRanges(state.analysis.zone.records, toPath(doc.uri), (o) => doc.positionAt(o).line);
});

connection.languages.semanticTokens.on((params) => {
  const doc = documents.get(params.textDocument.uri);
  if (!doc) return { data: [] };
  const state = analyze(doc);
  if (!state.analysis) return { data: [] };
  // LSP relative encoding: deltaLine, deltaStartChar, length, type, modifiers (one line per token).
  const data: number[] = [];
  let prevLine = 0;
  let prevChar = 0;
  for (const t of semanticTokens(state.analysis.sites, toPath(doc.uri))) {
    const s = doc.positionAt(t.start);
    const e = doc.positionAt(t.end);
    if (e.line !== s.line) continue;
    data.push(s.line - prevLine, s.line === prevLine ? s.character - prevChar : s.character, e.character - s.character, TOKEN_TYPES.indexOf(t.type), 0);
    prevLine = s.line;
    prevChar = s.character;
  }
  return { data };
});

/**
 * Document ranges of workspace files as LSP ranges: an open document by its own text (it may differ
 * from the disk), another file read once per request (by `read`, the disk by default).
 */
function locator(read: (file: string) => string | undefined = readTextFile): (l: NavLocation) => { uri: string; range: Range } | undefined {
  const indexes = new Map<string, LineIndex | TextDocument | undefined>();
  return (l) => {
    if (!indexes.has(l.uri)) {
      const open = openDocument(l.uri);
      const text = open ? undefined : read(l.uri);
      indexes.set(l.uri, open ?? (text === undefined ? undefined : new LineIndex(text)));
    }
    const index = indexes.get(l.uri);
    if (!index) return undefined;
    return { uri: uriOf(l.uri), range: { start: index.positionAt(l.range.start), end: index.positionAt(l.range.end) } };
  };
}

/** For definitions and references, once the workspace is indexed: the document's analysis and the name under the cursor. */
async function navigationAt(uri: string, position: { line: number; character: number }): Promise<{ doc: TextDocument; analysis: ZoneAnalysis; file: string; offset: number; target: NameAt | undefined } | undefined> {
  await indexed;
  const doc = documents.get(uri);
  const analysis = doc && analyze(doc).analysis;
  if (!doc || !analysis) return undefined;
  const file = toPath(doc.uri);
  const offset = doc.offsetAt(position);
  return { doc, analysis, file, offset, target: nameAt({ records: analysis.zone.records, sites: analysis.sites, format: analysis.zone.format }, file, offset, doc.getText()) };
}

connection.onDefinition(async (params): Promise<Location[] | LocationLink[] | null> => {
  const at = await navigationAt(params.textDocument.uri, params.position);
  if (!at) return null;
  const { doc, analysis, target } = at;
  const origin = (r: { start: number; end: number }): Range => ({ start: doc.positionAt(r.start), end: doc.positionAt(r.end) });
  const zero: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  // `$INCLUDE file`: the file.
  const inc = analysis.zone.format === 'zone' ? includeAt(doc.getText(), at.file, at.offset) : undefined;
  if (inc) {
    if (!analysis.zone.texts.has(inc.file)) return null;
    const uri = uriOf(inc.file);
    return definitionLinkSupport ? [{ originSelectionRange: origin(inc.range), targetUri: uri, targetRange: zero, targetSelectionRange: zero }] : [{ uri, range: zero }];
  }
  if (!target) return null;
  const locate = locator();
  const found = definitions(target, workspace).flatMap((l) => locate(l) ?? []);
  if (found.length === 0) return null;
  if (!definitionLinkSupport) return found;
  return found.map((l) => ({ originSelectionRange: origin(target.range), targetUri: l.uri, targetRange: l.range, targetSelectionRange: { start: l.range.start, end: l.range.start } }));
});

connection.onReferences(async (params): Promise<Location[] | null> => {
  const target = (await navigationAt(params.textDocument.uri, params.position))?.target;
  if (!target) return null;
  const locate = locator();
  return references(target.name, workspace, { declarations: params.context.includeDeclaration }).flatMap((l) => locate(l) ?? []);
});

// The name under the cursor, wherever this document writes it: as a record's owner (write) and where records point at it (read).
connection.onDocumentHighlight(async (params): Promise<DocumentHighlight[] | null> => {
  const nav = await navigationAt(params.textDocument.uri, params.position);
  if (!nav?.target) return null;
  const { doc, analysis, file, offset } = nav;
  const found = highlights(nav.target.name, { records: analysis.zone.records, sites: analysis.sites }, file, doc.getText(), analysis.zone.format === 'zone');
  // Only on the name itself: elsewhere in a record (its value, its type) there is nothing to highlight.
  if (!found.some((h) => h.range.start <= offset && offset <= h.range.end)) return null;
  return found.map((h) => ({ range: { start: doc.positionAt(h.range.start), end: doc.positionAt(h.range.end) }, kind: h.owner ? DocumentHighlightKind.Write : DocumentHighlightKind.Read }));
});

/** The name to rename at a position, once the workspace is indexed; a ResponseError the editor shows when there is none. */
async function renameTarget(uri: string, position: { line: number; character: number }): Promise<{ doc: TextDocument; target: RenameTarget }> {
  await indexed;
  const doc = documents.get(uri);
  const analysis = doc && analyze(doc).analysis;
  if (!doc || !analysis) throw new ResponseError(ErrorCodes.InvalidRequest, 'DMARC Lens does not read this document.');
  const file = toPath(doc.uri);
  const target = renameTargetAt({ uri: file, format: analysis.zone.format, records: analysis.zone.records, sites: analysis.sites }, doc.offsetAt(position), doc.getText());
  if ('error' in target) throw new ResponseError(ErrorCodes.InvalidRequest, target.error);
  return { doc, target };
}

connection.onPrepareRename(async (params) => {
  const { doc, target } = await renameTarget(params.textDocument.uri, params.position);
  return { range: { start: doc.positionAt(target.range.start), end: doc.positionAt(target.range.end) }, placeholder: target.text };
});

connection.onRenameRequest(async (params): Promise<WorkspaceEdit> => {
  const { target } = await renameTarget(params.textDocument.uri, params.position);
  const name = newNameOf(target, params.newName);
  if (typeof name !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, name.error);
  const result = renameChanges(target, name);
  if ('error' in result) throw new ResponseError(ErrorCodes.InvalidRequest, result.error);
  return { changes: result.changes };
});

/** The workspace edit that renames `target` to `name` (absolute), or why it cannot be done. */
function renameChanges(target: RenameTarget, name: string): { changes: Record<string, TextEdit[]>; count: number } | { error: string } {
  // Every file's text once: the editor's for an open one, else the disk's.
  const texts = new Map<string, string | undefined>();
  const textOf = (file: string) => {
    if (!texts.has(file)) texts.set(file, openText(file) ?? readTextFile(file));
    return texts.get(file);
  };
  const result = renameEdits(target, name, workspace.sources(), textOf);
  if ('error' in result) return result;
  // The texts the edits were made on: each file read once.
  const locate = locator(textOf);
  const changes: Record<string, TextEdit[]> = {};
  for (const e of result.edits) {
    const l = locate(e);
    if (l) (changes[l.uri] ??= []).push({ range: l.range, newText: e.newText });
  }
  return { changes, count: result.edits.length };
}

const SYMBOL_KIND = { spf: SymbolKind.Property, dmarc: SymbolKind.Property, dkim: SymbolKind.Key, bimi: SymbolKind.Property, tlsrpt: SymbolKind.Property, 'mta-sts': SymbolKind.Property, record: SymbolKind.Field };

connection.onWorkspaceSymbol(async (params): Promise<SymbolInformation[]> => {
  await indexed;
  const locate = locator();
  return workspaceSymbols(params.query, workspace).flatMap((h) => {
    const location = locate(h.location);
    return location ? [{ name: h.name, kind: SYMBOL_KIND[h.kind], containerName: `${h.label} · ${path.basename(h.location.uri)}`, location }] : [];
  });
});

connection.onDocumentLinks((params): DocumentLink[] => {
  const doc = documents.get(params.textDocument.uri);
  if (!doc) return [];
  const state = analyze(doc);
  if (state.analysis?.zone.format !== 'zone') return [];
  const text = doc.getText();
  return includeLinks(text, toPath(doc.uri))
    .filter((l) => state.analysis!.zone.texts.has(l.file))
    .map((l) => ({ range: { start: doc.positionAt(l.range.start), end: doc.positionAt(l.range.end) }, target: uriOf(l.file), tooltip: `Open ${path.basename(l.file)}` }));
});

process.on('uncaughtException', (e) => connection.console.error(`dmarc-lens: ${e.stack ?? e}`));

documents.listen(connection);
connection.listen();
