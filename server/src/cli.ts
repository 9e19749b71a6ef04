#!/usr/bin/env node
/**
 * dmarc-lens command line: `check` (text, JSON, SARIF) and `inventory`. Other tools depend on this
 * interface and its exit codes: 0 no error finding, 1 at least one error finding, 2 usage or I/O error.
 */
import { formatInventoryText, runInventory } from './inventory';
import { showNames, underStandIn } from './util/zonenames';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { allRules, rulesById } from './checks/registry';
import { AUTOFIX, applyEdits, autofixEdits, MAX_FIX_PASSES } from './checks/autofix';
import { docsUrl } from './checks/rule';
import { collectFiles, readFileBytes, readTextFile, REPORT_FILE_NAME } from './files';
import { useProviders } from './senders/catalog';
import { describe as describeRecord, orgDomain } from './senders/analyze';
import { profileJson, suggestSenders, type SuggestedSender } from './senders/suggest';
import { byDocumentOrder, checkZone, FindingSink, readZone, ruleTimings, timeRules, workspaceSenders, workspaceSetUp, type LintOptions, type ParsedZone, type ZoneAnalysis } from './service';
import { treeFindings } from './spf/findings';
import { reportsCsv } from './reports/csv';
import { dedupeReports, describeDuplicate, dmarcPasses, readReports, signingSelectors, summarize, type AggregateReport } from './reports/aggregate';
import { asideText } from './rollout';
import { folderReports } from './reports/files';
import { reportStats, type ReportStats } from './reports/stats';
import { previewModel, verdicts } from './reports/preview';
import { applyScope, describeScope, scoped, whenOf, type ReportScope } from './reports/scope';
import { sourceHosts } from './reports/hosts';
import { describeFailure, type FailureReport } from './reports/failure';
import { previewHtml } from '../../client/src/previewHtml';
import * as crypto from 'node:crypto';
import { applySuppressions, type Suppressed } from './suppress';
import { baselinePath, fingerprints, readBaseline, writeBaseline, type BaselineFile } from './baseline';
import { WorkspaceIndex } from './workspace';
import { setTerraformWorkspace, terraformRunCache } from './sources/terraform';
import { ConfigCache, includedFormat, isIgnored, parseConfig, type ProjectConfig } from './config';
import { isIP } from 'node:net';
import { bundledSnapshot, ChainResolver, MemoResolver, WorkspaceResolver } from './dns/chain';
import { workspaceSources } from './reports/sources';
import { LiveResolver } from './dns/live';
import { serverProblem } from './dns/wire';
import { mxHost } from './dns/types';
import { checkHost } from './spf/evaluator';
import { asDomain, authorDomain, dmarcLookupJson, formatDmarcLookup, lookupDmarc } from './dmarcLookup';
import { dkimLookupJson, dkimTarget, formatDkimLookup, isSelector, lookupDkim } from './dkimLookup';
import { compareWithDns, dnsLabel, DRIFT_CONCURRENCY, driftJson, formatDrift } from './drift';
import { LOOKUP_LIMIT, lookupTree, treeLines, VOID_LIMIT, type TreeDiagnostic } from './spf/tree';
import type { SpfRecord } from './records/spf';
import { SEVERITIES, type Finding, type OffsetRange, type Severity } from './types';
import { LineIndex, type Position } from './util/lines';
import { checkDestinations, externalDestinations } from './checks/reportauth';

const VERSION = '0.1.0';

class UsageError extends Error {}

/** The configuration of each file: `--config FILE` when given, else the nearest `.dmarc-lens.json`. */
const configs = new (class {
  override: ProjectConfig | undefined;
  private readonly cache = new ConfigCache();
  forFile(file: string): ProjectConfig {
    return this.override ?? this.cache.forFile(file);
  }
})();

interface Args {
  command: string;
  paths: string[];
  format: string;
  offline: boolean;
  dns?: string;
  config?: string;
  origin?: string;
  ip?: string;
  sender?: string;
  helo?: string;
  workspace?: string;
  /** `dmarc --spf-domain A,B`: domains SPF authenticated, for alignment. */
  spfDomain?: string;
  /** `dmarc --dkim-domain A,B`: `d=` domains of verified DKIM signatures, for alignment. */
  dkimDomain?: string;
  /** `dkim --selector A,B`: the selectors to ask (else the known ones are probed). */
  selector?: string;
  timeoutMs?: number;
  baseline?: string;
  suggest?: boolean;
  /** `check --fix`: apply the fixes of the rules in AUTOFIX to the files, then report what is left. */
  fix?: boolean;
  /** `check --fail-on LEVEL`: exit 1 when a finding is at this severity or above (default `error`). */
  failOn?: Severity;
  /** `dmarc-lens check --help` and the like: the usage, whatever else is on the line. */
  help?: boolean;
  /** `check -`: the name standard input is read as (its format, and the path findings are reported under). */
  stdinFilename?: string;
  /** `report --hosts`: look up the host names of the sources (PTR, forward-confirmed). */
  hosts?: boolean;
  /** `report --domain A,B`: only the reports for these policy domains. */
  domain?: string;
  /** `report --since WHEN` / `--until WHEN`: only the reports whose dates overlap this span (unix seconds). */
  since?: number;
  until?: number;
}

const USAGE = `Usage:
  dmarc-lens check PATH... [--format text|json|sarif|github|gitlab] [--offline] [--dns HOST:PORT] [--config FILE] [--origin ZONE] [--baseline FILE] [--fix] [--fail-on error|warning|information|hint] [--stdin-filename NAME]
  dmarc-lens inventory PATH... [--format text|json] [--origin ZONE]
  dmarc-lens senders PATH... [--format text|json] [--config FILE] [--suggest]
  dmarc-lens spf DOMAIN [--ip IP] [--sender ADDR] [--helo NAME] [--dns HOST:PORT] [--offline] [--workspace DIR] [--timeout MS] [--format text|json]
  dmarc-lens dmarc DOMAIN [--spf-domain NAME[,NAME]] [--dkim-domain NAME[,NAME]] [--dns HOST:PORT] [--offline] [--workspace DIR] [--timeout MS] [--format text|json]
  dmarc-lens dkim DOMAIN [--selector NAME[,NAME]] [--dns HOST:PORT] [--offline] [--workspace DIR] [--timeout MS] [--format text|json]
  dmarc-lens drift PATH... [--dns HOST:PORT] [--timeout MS] [--format text|json|github] [--origin ZONE]
  dmarc-lens report PATH... [--format text|json|html|csv] [--workspace DIR] [--domain NAME[,NAME]] [--since DATE|Nd] [--until DATE] [--hosts [--dns HOST:PORT] [--timeout MS]]
  dmarc-lens rules [--format text|json]
  dmarc-lens --version | --help

Exit status: 0 no error-severity finding (or none at the --fail-on level or above), 1 at least one, 2 usage or I/O error.`;

/** A path of `-`: standard input, read as the file `--stdin-filename` names (a zone file `<stdin>` without it). */
const STDIN = '-';
/** Standard input, read once (`check --fix` reads the workspace again after each pass of fixes, and fixes it here). */
let stdinText: string | undefined;
const stdinName = (args: Args) => args.stdinFilename ?? '<stdin>';

/** Options whose value is taken as given, by the field of `Args` they fill. */
const STRING_OPTIONS = new Map<string, 'config' | 'origin' | 'ip' | 'sender' | 'helo' | 'baseline' | 'workspace' | 'spfDomain' | 'dkimDomain' | 'selector' | 'domain' | 'stdinFilename'>([
  ['--domain', 'domain'],
  ['--stdin-filename', 'stdinFilename'],
  ['--selector', 'selector'],
  ['--spf-domain', 'spfDomain'],
  ['--dkim-domain', 'dkimDomain'],
  ['--config', 'config'],
  ['--origin', 'origin'],
  ['--ip', 'ip'],
  ['--sender', 'sender'],
  ['--helo', 'helo'],
  ['--baseline', 'baseline'],
  ['--workspace', 'workspace'],
]);

function parseArgs(argv: string[]): Args {
  const args: Args = { command: argv[0] ?? '', paths: [], format: 'text', offline: false };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const eq = a.indexOf('=');
      if (a.startsWith('--') && eq > 0) return a.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    const flag = a.startsWith('--') ? a.split('=')[0] : a;
    const field = STRING_OPTIONS.get(flag);
    if (field) {
      args[field] = value();
      continue;
    }
    switch (flag) {
      case '--format':
      case '-f':
        args.format = value();
        break;
      case '--offline':
        args.offline = true;
        break;
      case '--suggest':
        args.suggest = true;
        break;
      case '--hosts':
        args.hosts = true;
        break;
      case '--fix':
        args.fix = true;
        break;
      case '--fail-on': {
        const level = value();
        if (!SEVERITIES.includes(level as Severity)) throw new UsageError(`--fail-on wants error, warning, information or hint, got "${level}"`);
        args.failOn = level as Severity;
        break;
      }
      case '--dns':
        args.dns = value();
        {
          const problem = serverProblem(args.dns);
          if (problem) throw new UsageError(`--dns wants HOST:PORT, got "${args.dns}": ${problem}`);
        }
        break;
      case '--timeout': {
        const v = Number(value());
        if (!Number.isInteger(v) || v <= 0) throw new UsageError('--timeout wants milliseconds');
        args.timeoutMs = v;
        break;
      }
      case '--since':
      case '--until': {
        const v = value();
        const t = whenOf(v, flag === '--until');
        if (t === undefined) throw new UsageError(`${flag} wants a date (YYYY-MM-DD, UTC) or a number of days back (30d), got "${v}"`);
        if (flag === '--since') args.since = t;
        else args.until = t;
        break;
      }
      case '--help':
      case '-h':
        args.help = true;
        break;
      default:
        if (a.startsWith('-') && a !== STDIN) throw new UsageError(`unknown option ${a}`);
        args.paths.push(a);
    }
  }
  if (args.origin !== undefined && nameProblem(args.origin)) throw new UsageError(`--origin wants a domain name such as example.com, got "${args.origin}": ${nameProblem(args.origin)}`);
  return args;
}

/** Why a domain name given on the command line is not one (empty, an empty label, a label over 63 or a name over 253 octets). */
function nameProblem(name: string): string | undefined {
  if (name === '.') return undefined;
  const bare = name.endsWith('.') ? name.slice(0, -1) : name;
  if (bare === '') return 'it is empty';
  if (/\s/.test(bare)) return 'it contains white space';
  const labels = bare.split('.');
  if (labels.some((l) => l === '')) return 'it has an empty label';
  if (labels.some((l) => Buffer.byteLength(l) > 63)) return 'a label is longer than 63 octets';
  if (Buffer.byteLength(bare) > 253) return 'it is longer than 253 octets';
  return undefined;
}

/**
 * `--config FILE`: read strictly (a broken file given on the command line is a usage error). Without
 * it, each file gets the nearest `.dmarc-lens.json`, whose problems are reported in that file.
 */
function loadConfig(file: string): ProjectConfig {
  let text: string;
  try {
    text = readFileBytes(file).toString('utf8');
  } catch (e) {
    throw new UsageError(`cannot read config ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const { config, problems } = parseConfig(text, path.resolve(file));
  const first = problems.find((p) => p.severity === 'error');
  if (first) throw new UsageError(`config ${file}: ${first.message.replace(/`/g, '"')}`);
  return config;
}

interface FileResult {
  path: string;
  findings: Finding[];
  index: LineIndex;
  /** Findings silenced by inline comments (reported only in SARIF, with their justification). */
  suppressed?: Suppressed[];
  text?: string;
}

function isBinary(text: string): boolean {
  return text.slice(0, 8192).includes('\u0000');
}

function workspaceReports(paths: string[], warn: (m: string) => void): AggregateReport[] {
  const folders = paths.filter((p) => {
    try {
      return fs.statSync(p).isDirectory();
    } catch {
      return false;
    }
  });
  return folderReports(folders, (folder) => configs.forFile(folder).reports?.paths, (file, message) => warn(`${file}: report not read: ${message}`)).reports;
}

/** With DMARC_LENS_TIMING=1, where the time of a run goes (stderr): milliseconds since the previous mark. */
let lastMark = 0;
function timing(phase: string): void {
  if (process.env.DMARC_LENS_TIMING !== '1') return;
  const now = performance.now();
  process.stderr.write(`dmarc-lens timing: ${phase} ${(now - lastMark).toFixed(0)} ms\n`);
  lastMark = now;
}

/** Reads every file under the paths into the workspace model, without checking them. */
function readWorkspace(args: Args, warn: (m: string) => void): { parsed: ParsedZone[]; workspace: WorkspaceIndex } {
  const paths = args.paths.filter((p) => p !== STDIN);
  const found = collectFiles(paths, (f) => includedFormat(configs.forFile(f), f) !== undefined);
  if (found.errors.length) throw new UsageError(found.errors[0]);
  // The file standard input stands for (an editor's unsaved buffer) is read from there, not from the disk.
  const replaced = args.paths.includes(STDIN) && args.stdinFilename !== undefined ? path.resolve(args.stdinFilename) : undefined;
  const files = replaced ? found.files.filter((f) => path.resolve(f) !== replaced) : found.files;
  // Module calls among the Terraform files checked give the modules they call their inputs.
  setTerraformWorkspace(() => files);
  // A folder with nothing to read is usually a wrong path in a CI script: say so instead of a silent pass.
  for (const p of paths) {
    const dir = path.resolve(p) + path.sep;
    if (fs.statSync(p).isDirectory() && !files.some((f) => path.resolve(f).startsWith(dir)))
      warn(`${p}: no files to check in this folder (zone files *.zone, *.db, db.*; octoDNS and CloudFormation YAML/JSON; Terraform *.tf; dnsconfig.js); other names can be added with "include" in .dmarc-lens.json`);
  }
  const workspace = new WorkspaceIndex();
  const parsed: ParsedZone[] = [];
  for (const file of files) {
    if (isIgnored(configs.forFile(file), file) && !args.paths.includes(file)) continue;
    const info: Parameters<typeof readTextFile>[1] = {};
    const text = readTextFile(file, info);
    if (text === undefined) throw new UsageError(`cannot read ${file}: ${info.error}`);
    if (isBinary(text)) {
      warn(`${file}: skipped, not a text file (it holds NUL bytes)`);
      continue;
    }
    const p = readZone(text, file, { origin: args.origin, readFile: readTextFile, format: includedFormat(configs.forFile(file), file) });
    // A YAML or JSON file that is neither an octoDNS config nor a CloudFormation template is not ours.
    if (p.zone.format === undefined && !args.paths.includes(file)) continue;
    if (info.encoding) warn(`${file}: read as ${info.encoding.toUpperCase()} (it starts with that byte-order mark); name servers, Terraform and the DNS tools read UTF-8, so save it as UTF-8`);
    workspace.set(file, p.zone.records, p.sites);
    parsed.push(p);
  }
  if (args.paths.includes(STDIN)) {
    // Standard input (`dig axfr example.com | dmarc-lens check -`, an editor's unsaved buffer): read as
    // the file --stdin-filename names, whose folder its `$INCLUDE`s and configuration are found from.
    const name = stdinName(args);
    if (stdinText === undefined) {
      try {
        stdinText = fs.readFileSync(0, 'utf8');
      } catch (e) {
        throw new UsageError(`cannot read standard input: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      if (isBinary(stdinText)) throw new UsageError('standard input is not text (it holds NUL bytes)');
    }
    const p = readZone(stdinText, name, { origin: args.origin, readFile: readTextFile, format: includedFormat(configs.forFile(name), name) });
    workspace.set(name, p.zone.records, p.sites);
    parsed.push(p);
  }
  return { parsed, workspace };
}

/** Checks every file; findings are grouped by the file they are in (a `$INCLUDE`d file is its own entry). */
function runCheck(args: Args, options: LintOptions, warn: (m: string) => void): { results: FileResult[]; analyses: ZoneAnalysis[]; workspace: WorkspaceIndex } {
  const byPath = new Map<string, FileResult>();
  const analyses: ZoneAnalysis[] = [];
  const seen = new Set<string>();
  // Two passes: read every file into the workspace model, then check each file against it, so that
  // include targets and DMARC records in other files count.
  timing('start-up');
  const { parsed, workspace } = readWorkspace(args, warn);
  timing('read');
  // Aggregate reports under the folders given: evidence for the sender profiles of `.dmarc-lens.json`.
  const reports = parsed.some((p) => p.zone.format === 'config') ? workspaceReports(args.paths, warn) : [];
  for (const p of parsed) {
    const config = configs.forFile(p.zone.uri);
    const analysis = checkZone(p, { ...options, rules: { ...config.rules, ...options.rules }, workspace, reports, notOurs: config.reports?.notOurs });
    analyses.push(analysis);
    for (const [uri, t] of analysis.zone.texts) if (!byPath.has(uri)) byPath.set(uri, { path: uri, findings: [], index: new LineIndex(t), text: t });
    for (const f of analysis.findings) {
      const key = `${f.uri}\u0000${f.range.start}\u0000${f.range.end}\u0000${f.rule}\u0000${f.message}`;
      if (seen.has(key)) continue; // an included file also checked on its own
      seen.add(key);
      byPath.get(f.uri)!.findings.push(f);
    }
  }
  for (const r of byPath.values()) r.findings.sort(byDocumentOrder);
  return { results: [...byPath.values()], analyses, workspace };
}

/**
 * `check --fix`: applies the first fix of every finding of an AUTOFIX rule (not suppressed), edits that
 * overlap an earlier one waiting for the next pass, and writes the files. Only files that are UTF-8
 * byte for byte are written (a UTF-16 file, or one with bytes that are not UTF-8, would not come back
 * as it was). Says on stderr what it fixed.
 */
function applyFixes(args: Args, options: LintOptions, warn: (m: string) => void): void {
  const fixedIn = new Map<string, number>();
  const skipped = new Set<string>();
  for (let pass = 0; pass < MAX_FIX_PASSES; pass++) {
    const { results } = runCheck(args, options, () => undefined);
    let changed = false;
    for (const r of results) {
      if (skipped.has(r.path)) continue;
      // Standard input is fixed in memory, and written out once fixed (the caller prints it).
      const fromStdin = args.paths.includes(STDIN) && r.path === stdinName(args) && stdinText !== undefined;
      const bytes = fromStdin
        ? Buffer.from(stdinText!, 'utf8')
        : (() => {
            try {
              return readFileBytes(r.path);
            } catch {
              return undefined;
            }
          })();
      const text = bytes?.toString('utf8');
      const found = text === undefined ? [] : applySuppressions(text, r.path, r.findings).findings.filter((f) => AUTOFIX.has(f.rule) && f.fixes?.length);
      if (found.length === 0) continue;
      if (text === undefined || !Buffer.from(text, 'utf8').equals(bytes!)) {
        warn(`${r.path}: not fixed: the file is not UTF-8 text${bytes && (bytes[0] === 0xff || bytes[0] === 0xfe) ? ' (UTF-16; save it as UTF-8)' : ''}`);
        skipped.add(r.path);
        continue;
      }
      const { edits: taken, count } = autofixEdits(found, r.path);
      if (count === 0) continue;
      const out = applyEdits(text, taken);
      if (out === text) continue;
      if (fromStdin) stdinText = out;
      else fs.writeFileSync(r.path, out);
      fixedIn.set(r.path, (fixedIn.get(r.path) ?? 0) + count);
      changed = true;
    }
    if (!changed) break;
  }
  const total = [...fixedIn.values()].reduce((a, b) => a + b, 0);
  warn(total ? `fixed ${total} finding${total === 1 ? '' : 's'} in ${fixedIn.size} file${fixedIn.size === 1 ? '' : 's'} (${[...fixedIn].map(([f, n]) => `${f}: ${n}`).join(', ')})` : 'nothing to fix (--fix applies the fixes of the rules marked "check --fix" in docs/rules)');
}

/**
 * Adds the SPF lookup-tree findings (RFC 7208 §4.6.4) of every record with an include or redirect,
 * resolving through the workspace first and then live DNS unless --offline.
 */
async function addTreeFindings(args: Args, options: LintOptions, run: { results: FileResult[]; analyses: ZoneAnalysis[]; workspace: WorkspaceIndex }, warn: (m: string) => void): Promise<void> {
  const dns = configs.forFile(args.paths[0] ?? '.').dns;
  const offline = args.offline || (dns.mode === 'offline' && !args.dns);
  args = { ...args, offline };
  const live = offline ? undefined : new LiveResolver({ servers: args.dns ? [args.dns] : dns.servers, timeoutMs: args.timeoutMs ?? dns.timeoutMs ?? 1500 });
  const resolver = new MemoResolver(new ChainResolver(new WorkspaceResolver(run.workspace), live));
  const byPath = new Map(run.results.map((r) => [r.path, r]));
  const sink = new FindingSink(options);
  const jobs: Promise<void>[] = [];
  const outside = new Set<string>();
  const snapshot = bundledSnapshot();

  const zones = new WorkspaceResolver(run.workspace);
  // Whether the walk can say something about a target: the workspace defines it, holds its zone whole, or the snapshot has it.
  const known = new Map<string, boolean>();
  const inWorkspace = (name: string) => {
    let k = known.get(name);
    if (k === undefined) known.set(name, (k = zones.lookup(name, 'TXT') !== undefined || snapshot?.lookup(name, 'TXT') !== undefined));
    return k;
  };
  // Asked once per name and type: records share their MX hosts and `a:` names.
  const emptyAnswers = new Map<string, boolean>();
  const empty = (name: string, type: 'A' | 'AAAA' | 'MX') => {
    const key = `${type} ${name}`;
    let e = emptyAnswers.get(key);
    if (e === undefined) {
      const a = zones.lookup(name, type);
      emptyAnswers.set(key, (e = a !== undefined && (a.status === 'nxdomain' || a.status === 'nodata')));
    }
    return e;
  };
  /**
   * More void `a`/`mx`/`exists` lookups in the record itself than receivers allow (RFC 7208 §4.6.4),
   * by the workspace zones; an `mx` counts its hosts without an address too.
   */
  const voidTerm = (spf: SpfRecord, owner: string) => {
    const asking = spf.terms.filter((t) => (t.name === 'a' || t.name === 'mx' || t.name === 'exists') && !t.arg?.includes('%'));
    // Most records have too few such terms to pass the limit, and no `mx`: no lookups for them.
    if (asking.length <= VOID_LIMIT && !asking.some((t) => t.name === 'mx')) return false;
    let voids = 0;
    // `mx` first: its hosts can make it several void lookups; the other terms are looked up only
    // when, with those, they could pass the limit.
    const others = asking.filter((t) => t.name !== 'mx');
    for (const t of asking) {
      if (t.name !== 'mx') continue;
      const mx = zones.lookup((t.arg ?? owner).toLowerCase().replace(/\.$/, ''), 'MX');
      if (mx?.status === 'nxdomain' || mx?.status === 'nodata') voids++;
      else if (mx?.status === 'ok') for (const r of mx.records.slice(0, LOOKUP_LIMIT)) if (empty(mxHost(r), 'A') && empty(mxHost(r), 'AAAA')) voids++;
      if (voids > VOID_LIMIT) return true;
    }
    if (voids + others.length <= VOID_LIMIT) return false;
    for (const t of others) {
      const name = (t.arg ?? owner).toLowerCase().replace(/\.$/, '');
      if (t.name === 'exists' ? empty(name, 'A') : empty(name, 'A') && empty(name, 'AAAA')) voids++;
      if (voids > VOID_LIMIT) return true;
    }
    return false;
  };
  // Include targets defined in the files checked are walked with the parses the check already made.
  const parses = new Map<string, SpfRecord>();
  for (const a of run.analyses) for (const s of a.sites) if (s.spf && s.site.type === 'TXT') parses.set(s.site.value, s.spf);
  for (const a of run.analyses)
    for (const s of a.sites) {
      if (!s.spf || !s.site.owner || s.spf.problems.length) continue;
      const targets = s.spf.terms.filter((t) => (t.name === 'include' || t.name === 'redirect') && t.arg !== undefined).map((t) => t.arg!);
      // `a`, `mx` and `exists` lookups can be void: a record whose own terms name more that workspace
      // zones lack than receivers allow is walked for them, whatever its includes.
      const queries = voidTerm(s.spf, s.site.owner);
      if (targets.length === 0 && !queries) continue;
      // Offline, a tree whose every target is outside the workspace has nothing to walk: those
      // targets are summed up once below instead of one note per record.
      const summed = args.offline && targets.length > 0 && !targets.some(inWorkspace);
      if (summed) for (const t of targets) outside.add(t.toLowerCase());
      if (summed && !queries) continue;
      jobs.push(
        lookupTree(s.site.owner, resolver, { record: s.site.value, parsed: s.spf, parses }).then((tree) => {
          // Walked for its a/mx/exists terms: the targets it could not resolve are in the summary.
          if (summed) tree.diagnostics = tree.diagnostics.filter((d) => !(d.rule === 'spf/include-not-found' && d.severity === 'information'));
          treeFindings(s, tree, sink);
        }),
      );
    }
  // Report destinations on other domains the workspace does not hold: DNS says whether they authorise (offline, only zones held whole can).
  // Offline, only a zone the workspace holds whole can answer (a name it lacks does not exist there).
  let apexes: Set<string> | undefined;
  const answerable = (host: string) => {
    if (!args.offline) return true;
    apexes ??= new Set(run.analyses.flatMap((a) => a.zone.records.filter((r) => r.type === 'SOA' && r.owner !== undefined).map((r) => r.owner!)));
    for (let n = host; n.includes('.'); n = n.slice(n.indexOf('.') + 1)) if (apexes.has(n)) return true;
    return false;
  };
  const destinations = externalDestinations(
    run.analyses.flatMap((a) => a.sites),
    (host) => run.workspace.at(host).length > 0,
    answerable,
  );
  if (destinations.length) jobs.push(checkDestinations(destinations, resolver, sink));
  await Promise.all(jobs);
  timing(`SPF trees: ${jobs.length} walked`);
  // Offline, the same unresolvable targets would be noted on every record: keep the first note per target set.
  const noted = new Set<string>();
  for (const f of sink.findings) {
    if (f.rule === 'spf/include-not-found' && f.severity === 'information') {
      const key = f.message.replace(/; the count of \d+ .*$/, '');
      if (noted.has(key)) continue;
      noted.add(key);
    }
    byPath.get(f.uri)?.findings.push(f);
  }
  for (const r of run.results) {
    const text = r.text ?? readTextFile(r.path);
    if (text !== undefined) {
      const applied = applySuppressions(text, r.path, r.findings);
      r.findings = applied.findings;
      r.suppressed = applied.suppressed;
    }
    r.findings.sort(byDocumentOrder);
  }
  if (outside.size)
    warn(`offline: ${outside.size} include/redirect target${outside.size === 1 ? '' : 's'} outside the workspace${snapshot ? ' and the provider snapshot' : ''} not resolved (${[...outside].slice(0, 5).join(', ')}${outside.size > 5 ? ', …' : ''}); SPF lookup counts leave them out${snapshot ? '' : ' (the bundled provider snapshot is empty: `npm run snapshot` fills it where DNS works)'}`);
}

function lspRange(index: LineIndex, r: OffsetRange): { start: Position; end: Position } {
  return { start: index.positionAt(r.start), end: index.positionAt(r.end) };
}

function formatText(results: FileResult[]): string {
  const lines: string[] = [];
  for (const r of results)
    for (const f of r.findings) {
      const p = r.index.positionAt(f.range.start);
      lines.push(`${r.path}:${p.line + 1}:${p.character + 1}: ${f.severity} ${f.rule} ${f.message}`);
    }
  const count = (s: Severity) => results.reduce((n, r) => n + r.findings.filter((f) => f.severity === s).length, 0);
  const n = (severity: Severity) => `${count(severity)} ${severity}${count(severity) === 1 || severity === 'information' ? '' : 's'}`;
  lines.push(`${results.length} file${results.length === 1 ? '' : 's'} checked: ${n('error')}, ${n('warning')}, ${n('information')}, ${n('hint')}`);
  return lines.join('\n') + '\n';
}

function formatJson(results: FileResult[]): string {
  return (
    JSON.stringify({
      version: 1,
      files: results.map((r) => ({
        path: r.path,
        diagnostics: r.findings.map((f) => ({ rule: f.rule, severity: f.severity, message: f.message, range: lspRange(r.index, f.range) })),
      })),
    }, null, 2) + '\n'
  );
}

const SARIF_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

/** A checked file's path relative to the working folder, with `/`: where CI runs the check from. */
function relativePath(p: string): string {
  return (path.isAbsolute(p) ? path.relative(process.cwd(), p) : p).split(path.sep).join('/');
}

/**
 * The path as a SARIF artifact URI (a relative reference, RFC 3986): each segment percent-encoded, so
 * a space, `#`, `%` or a `:` in a file name neither breaks the URI nor turns into a fragment or scheme.
 */
function sarifUri(p: string): string {
  return relativePath(p).split('/').map(encodeURIComponent).join('/');
}

/**
 * GitHub Actions workflow commands (`::error file=…,line=…::message`): annotations on the lines of a pull
 * request straight from the job log, where uploading SARIF is not an option (code scanning on a private
 * repository needs GitHub Advanced Security). Information and hints are notices.
 */
/** GitHub Actions workflow commands: the escaping the runner undoes in a message, and also `:` and `,` in a property. */
const githubData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const githubProperty = (s: string) => githubData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

function formatGithub(results: FileResult[]): string {
  const level: Record<Severity, string> = { error: 'error', warning: 'warning', information: 'notice', hint: 'notice' };
  const lines: string[] = [];
  for (const r of results)
    for (const f of r.findings) {
      const { start, end } = lspRange(r.index, f.range);
      const where = `file=${githubProperty(relativePath(r.path))},line=${start.line + 1},col=${start.character + 1},endLine=${end.line + 1},endColumn=${end.character + 1}`;
      lines.push(`::${level[f.severity]} ${where},title=${githubProperty(`dmarc-lens ${f.rule}`)}::${githubData(`${f.message}\n${docsUrl(f.rule)}`)}`);
    }
  return lines.length ? lines.join('\n') + '\n' : '';
}

/**
 * GitLab's Code Quality report (`artifacts: reports: codequality:`, a subset of the Code Climate issue
 * format): one issue per finding, with the baseline's fingerprint (rule, file and what it is about, not
 * the line), so the merge request widget tells new findings from old ones when lines move.
 */
function formatGitlab(results: FileResult[]): string {
  const severity: Record<Severity, string> = { error: 'major', warning: 'minor', information: 'info', hint: 'info' };
  const issues = results.flatMap((r) => {
    const file = relativePath(r.path);
    const prints = fingerprints(r.findings, file, r.text ?? readTextFile(r.path));
    return r.findings.map((f, i) => {
      const { start, end } = lspRange(r.index, f.range);
      return { description: f.message, check_name: f.rule, fingerprint: prints[i], severity: severity[f.severity], location: { path: file, lines: { begin: start.line + 1, end: end.line + 1 } } };
    });
  });
  return JSON.stringify(issues, null, 2) + '\n';
}

function formatSarif(results: FileResult[]): string {
  const rules = allRules.map((r) => ({
    id: r.id,
    name: r.id.replace(/[/-](\w)/g, (_, c: string) => c.toUpperCase()),
    shortDescription: { text: r.summary.replace(/`/g, '') },
    fullDescription: { text: r.docs.what.replace(/`/g, '') },
    help: { text: r.docs.fix.replace(/`/g, ''), markdown: r.docs.fix },
    helpUri: docsUrl(r.id),
    defaultConfiguration: { level: SARIF_LEVEL[r.severity] },
    properties: { tags: [r.kind] },
  }));
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const byPath = new Map(results.map((r) => [r.path, r]));
  const region = (index: LineIndex, range: OffsetRange) => {
    const { start, end } = lspRange(index, range);
    return { startLine: start.line + 1, startColumn: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1 };
  };
  // The line index of a file a fix edits that is not among the results (a sender fix that publishes in the zone file).
  const otherIndexes = new Map<string, LineIndex | undefined>();
  const indexOf = (uri: string) => {
    const r = byPath.get(uri);
    if (r) return r.index;
    if (!otherIndexes.has(uri)) {
      const t = readTextFile(uri);
      otherIndexes.set(uri, t === undefined ? undefined : new LineIndex(t));
    }
    return otherIndexes.get(uri);
  };
  /**
   * The finding's quick fixes as SARIF proposed fixes (§3.55): the same edits the editor offers, each
   * file's replacements together; a fix that edits a file that cannot be read is left out.
   */
  const sarifFixes = (f: Finding) =>
    (f.fixes ?? []).flatMap((fix) => {
      const byFile = new Map<string, { deletedRegion: ReturnType<typeof region>; insertedContent: { text: string } }[]>();
      for (const e of fix.edits) {
        const uri = e.uri ?? f.uri;
        const index = indexOf(uri);
        if (!index) return [];
        let list = byFile.get(uri);
        if (!list) byFile.set(uri, (list = []));
        list.push({ deletedRegion: region(index, e.range), insertedContent: { text: e.newText } });
      }
      return byFile.size ? [{ description: { text: fix.title.replace(/`/g, '') }, artifactChanges: [...byFile].map(([uri, replacements]) => ({ artifactLocation: { uri: sarifUri(uri), uriBaseId: '%SRCROOT%' }, replacements })) }] : [];
    });
  // A related place in a file of this run (an $INCLUDEd file is one); elsewhere it has no line index, so it is left out.
  const related = (f: Finding) =>
    (f.related ?? []).flatMap((x, i) => {
      const r = byPath.get(x.uri);
      return r ? [{ id: i + 1, message: { text: x.message }, physicalLocation: { artifactLocation: { uri: sarifUri(r.path), uriBaseId: '%SRCROOT%' }, region: region(r.index, x.range) } }] : [];
    });
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'dmarc-lens', version: VERSION, informationUri: 'https://github.com/dmarc-lens/dmarc-lens', rules } },
        columnKind: 'utf16CodeUnits',
        results: results.flatMap((r) => {
          const all = [...r.findings, ...(r.suppressed ?? [])];
          // The baseline's fingerprints (rule, file, what the finding is about; not the line), so code
          // scanning keeps tracking an alert when lines above it move.
          const prints = fingerprints(all, relativePath(r.path), r.text ?? readTextFile(r.path));
          return all.map((f, i) => {
            const justification = 'justification' in f ? (f as Suppressed).justification : undefined;
            const suppressed = i >= r.findings.length;
            const relatedLocations = related(f);
            const fixes = suppressed ? [] : sarifFixes(f);
            return {
              ...(suppressed ? { suppressions: [{ kind: 'inSource', ...(justification ? { justification } : {}) }] } : {}),
              ruleId: f.rule,
              ruleIndex: ruleIndex.get(f.rule),
              level: SARIF_LEVEL[f.severity],
              message: { text: f.message },
              locations: [{ physicalLocation: { artifactLocation: { uri: sarifUri(r.path), uriBaseId: '%SRCROOT%' }, region: region(r.index, f.range) } }],
              ...(relatedLocations.length ? { relatedLocations } : {}),
              ...(fixes.length ? { fixes } : {}),
              partialFingerprints: { 'dmarcLens/v1': prints[i] },
            };
          });
        }),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}

function formatRules(format: string): string {
  if (format === 'json')
    return JSON.stringify(allRules.map((r) => ({ id: r.id, severity: r.severity, summary: r.summary, fixable: r.fixable, docs: docsUrl(r.id) })), null, 2) + '\n';
  return allRules.map((r) => `${r.id.padEnd(32)} ${r.severity.padEnd(11)} ${r.fixable ? 'fix ' : '    '}${r.summary.replace(/`/g, '')}`).join('\n') + '\n';
}

/** The records of the files under a --workspace folder. */
function workspaceIndexOf(dir: string): WorkspaceIndex {
  const { files, errors } = collectFiles([dir]);
  if (errors.length) throw new UsageError(errors[0]);
  const index = new WorkspaceIndex();
  for (const file of files) {
    const text = readTextFile(file);
    if (text === undefined || isBinary(text)) continue;
    const p = readZone(text, file, { readFile: readTextFile });
    index.set(file, p.zone.records, p.sites);
  }
  return index;
}

/** The resolver of the `spf` and `dmarc` commands: the --workspace folder's records first, then live DNS (--dns, unless --offline), then the bundled snapshot. */
function commandResolver(args: Args): ChainResolver {
  const workspace = args.workspace ? new WorkspaceResolver(workspaceIndexOf(args.workspace)) : undefined;
  const live = args.offline ? undefined : new LiveResolver({ servers: args.dns ? [args.dns] : undefined, timeoutMs: args.timeoutMs ?? 1500 });
  return new ChainResolver(workspace, live);
}

/**
 * `dmarc-lens dmarc`: the DMARC policy receivers apply to mail from a domain (RFC 9989 tree walk),
 * and with --spf-domain/--dkim-domain whether those identifiers align. Exit 1 when no policy applies,
 * a deciding query failed, or the record has an error-severity finding.
 */
async function dmarcCommand(args: Args, out: (s: string) => void): Promise<number> {
  if (args.paths.length !== 1) throw new UsageError('dmarc needs exactly one DOMAIN');
  if (!['text', 'json'].includes(args.format)) throw new UsageError(`--format wants text or json, got "${args.format}"`);
  const list = (v: string | undefined, flag: string) =>
    (v ?? '')
      .split(',')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => {
        if (!asDomain(d)) throw new UsageError(`${flag} wants domain names, got "${d}"`);
        return d;
      });
  const from = authorDomain(args.paths[0]);
  if (!asDomain(from)) throw new UsageError(`dmarc wants a domain name (or an address), got "${args.paths[0]}"`);
  const options = { spf: list(args.spfDomain, '--spf-domain'), dkim: list(args.dkimDomain, '--dkim-domain') };
  const r = await lookupDmarc(from, commandResolver(args), options);
  out(args.format === 'json' ? JSON.stringify(dmarcLookupJson(r), null, 2) + '\n' : formatDmarcLookup(r));
  return r.status !== 'policy' || r.findings.some((f) => f.severity === 'error') ? 1 : 0;
}

/**
 * `dmarc-lens dkim`: the DKIM keys a domain publishes at the selectors given, or at the selectors the
 * provider catalog and common practice use. Exit 1 when no key is found, a selector given has none, a
 * query failed, or a key has an error-severity finding.
 */
async function dkimCommand(args: Args, out: (s: string) => void): Promise<number> {
  if (args.paths.length !== 1) throw new UsageError('dkim needs exactly one DOMAIN');
  if (!['text', 'json'].includes(args.format)) throw new UsageError(`--format wants text or json, got "${args.format}"`);
  // `s1._domainkey.example.com`: the key's own name gives the selector too.
  const target = dkimTarget(args.paths[0]);
  if (!asDomain(target.domain)) throw new UsageError(`dkim wants a domain name, got "${args.paths[0]}"`);
  const selectors = (args.selector ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (target.selector) selectors.push(target.selector);
  for (const s of selectors) if (!isSelector(s)) throw new UsageError(`--selector wants DKIM selectors (labels such as s1 or 2024.mail), got "${s}"`);
  // With --workspace, the selectors its aggregate reports show signing for the domain are asked too.
  const seen = args.workspace ? signingSelectors(workspaceReports([args.workspace], () => undefined), target.domain) : [];
  const r = await lookupDkim(target.domain, commandResolver(args), selectors, seen);
  out(args.format === 'json' ? JSON.stringify(dkimLookupJson(r), null, 2) + '\n' : formatDkimLookup(r));
  // A selector probed is listed as missing only when something is there: a CNAME to a name without a key
  // (a platform set up to sign whose key is not published: its mail fails DKIM) fails the run like a selector
  // given; other TXT at a probed name (a wildcard's SPF record) is only said.
  const dangling = (m: (typeof r.missing)[number]) => m.cname !== undefined && m.answer.status !== 'error';
  const failed = r.found.length === 0 || r.problems.length > 0 || (!r.probed && r.missing.length > 0) || r.missing.some((m) => (m.seen || dangling(m)) && m.answer.status !== 'error') || r.found.some((f) => f.findings.some((x) => x.severity === 'error'));
  return failed ? 1 : 0;
}

/**
 * `dmarc-lens drift`: the policy records (and MX records) the files publish against what DNS serves at their names now.
 * Exit 0 when all are in sync, 1 when one differs, is not in DNS or could not be asked, 2 when DNS
 * answered none of the questions (no network, a wrong --dns).
 */
async function driftCommand(args: Args, out: (s: string) => void, warn: (m: string) => void): Promise<number> {
  if (!['text', 'json', 'github'].includes(args.format)) throw new UsageError(`--format wants text, json or github, got "${args.format}"`);
  if (args.paths.length === 0) throw new UsageError('drift needs at least one file or folder');
  if (args.offline) throw new UsageError('drift compares the files with live DNS; it cannot run --offline');
  const { parsed } = readWorkspace(args, warn);
  const texts = new Map<string, string>();
  for (const p of parsed) for (const [uri, t] of p.zone.texts) if (!texts.has(uri)) texts.set(uri, t);
  const indexes = new Map<string, LineIndex>();
  const position = (uri: string, offset: number) => {
    let index = indexes.get(uri);
    if (!index) indexes.set(uri, (index = new LineIndex(texts.get(uri) ?? '')));
    return index.positionAt(offset);
  };
  // Thousands of names, each asked once: more in flight than the SPF walks use (a resolver takes 64 at once easily).
  // The project's DNS servers and timeout (.dmarc-lens.json `dns`), as `check` asks them; its `mode` is
  // not read: drift is a question for DNS.
  const dns = configs.forFile(args.paths[0]).dns;
  const live = new LiveResolver({ servers: args.dns ? [args.dns] : dns.servers, timeoutMs: args.timeoutMs ?? dns.timeoutMs ?? 1500, maxConcurrent: DRIFT_CONCURRENCY });
  const r = await compareWithDns(
    parsed.flatMap((p) => p.sites),
    live,
    parsed.flatMap((p) => p.zone.records),
  );
  if (args.format === 'json') out(showNames(JSON.stringify(driftJson(r, position), null, 2)) + '\n');
  else if (args.format === 'github') {
    // GitHub Actions annotations at each record out of step (a warning; a notice where DNS did not answer).
    const lines: string[] = [];
    for (const e of r.entries) {
      if (e.status === 'in-sync') continue;
      for (const f of e.files) {
        const p = position(f.uri, f.start);
        const what = e.status === 'unknown' ? `DNS did not answer for ${e.owner}: ${e.answer.status === 'error' ? e.answer.message : ''}` : e.status === 'not-deployed' ? `${e.owner}: DNS does not serve this record (${e.answer.status === 'nxdomain' ? 'the name does not exist' : 'no such record there'})` : e.servedCname !== undefined ? `${e.owner}: DNS serves a CNAME to ${e.servedCname}, not what the files hold` : `${e.owner}: DNS serves ${e.served.length === 1 ? `"${e.served[0]}"` : `${e.served.length} records (${e.served.map((v) => `"${v}"`).join(', ')})`}, not what the files hold${e.files.length > 1 ? ' (they hold several)' : ''}`;
        lines.push(`::${e.status === 'unknown' ? 'notice' : 'warning'} file=${githubProperty(relativePath(f.uri))},line=${p.line + 1},col=${p.character + 1},title=${githubProperty('dmarc-lens drift')}::${githubData(showNames(what))}`);
      }
    }
    out(lines.length ? lines.join('\n') + '\n' : '');
  } else
    out(
      showNames(
        formatDrift(
          r,
          (uri, offset) => {
            const p = position(uri, offset);
            return `${uri}:${p.line + 1}:${p.character + 1}`;
          },
          dnsLabel(args.dns ? [args.dns] : dns.servers),
        ),
      ),
    );
  const unknown = r.entries.filter((e) => e.status === 'unknown');
  if (r.entries.length > 0 && unknown.length === r.entries.length) {
    warn(`DNS answered none of the ${r.entries.length} questions; nothing was compared`);
    return 2;
  }
  return r.entries.some((e) => e.status !== 'in-sync') ? 1 : 0;
}

/** `dmarc-lens spf`: the lookup tree of a domain, or check_host() for one IP. */
async function spfCommand(args: Args, out: (s: string) => void): Promise<number> {
  if (args.paths.length !== 1) throw new UsageError('spf needs exactly one DOMAIN');
  if (!['text', 'json'].includes(args.format)) throw new UsageError(`--format wants text or json, got "${args.format}"`);
  const domain = args.paths[0].toLowerCase().replace(/\.$/, '');
  const resolver = commandResolver(args);
  if (args.ip !== undefined) {
    if (isIP(args.ip) === 0) throw new UsageError(`--ip wants an IPv4 or IPv6 address, got "${args.ip}"`);
    const r = await checkHost({ ip: args.ip, sender: args.sender ?? `postmaster@${domain}`, helo: args.helo ?? domain, resolver });
    if (args.format === 'json') out(JSON.stringify({ result: r.result, explanation: r.explanation ?? null, lookups: r.lookups, voidLookups: r.voidLookups, reason: r.reason }, null, 2) + '\n');
    else out(`${r.result}  (${r.lookups} DNS lookups, ${r.voidLookups} void; ${r.reason})${r.explanation ? `\nexplanation: ${r.explanation}` : ''}\n`);
    return 0;
  }
  const t = await lookupTree(domain, resolver);
  const severity = (d: TreeDiagnostic) => d.severity ?? rulesById.get(d.rule)?.severity ?? 'error';
  const diagnostics = t.diagnostics.map((d) => ({ rule: d.rule, severity: severity(d), message: d.message, path: d.path, term: d.term ?? null }));
  if (args.format === 'json') {
    out(JSON.stringify({ domain: t.domain, record: t.tree.record ?? null, source: t.tree.source ?? null, lookups: t.lookups, voidLookups: t.voidLookups, tree: t.tree, diagnostics }, null, 2) + '\n');
  } else {
    out(treeLines(t, severity).join('\n') + '\n');
  }
  return diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
}

function runSpf(args: Args, out: (s: string) => void, warn: (m: string) => void): Promise<number> {
  void warn;
  return spfCommand(args, out);
}

/**
 * `--baseline FILE`: without the file, write every current finding to it (nothing is reported);
 * with it, drop the findings it lists and say which of its entries no longer occur.
 */
function applyBaseline(file: string, results: FileResult[], warn: (m: string) => void): 'written' | 'applied' {
  let base: BaselineFile | undefined;
  try {
    base = readBaseline(file);
  } catch (e) {
    throw new UsageError(`cannot read baseline ${file}: ${(e as Error).message}`);
  }
  const current = results.map((r) => ({ r, prints: fingerprints(r.findings, baselinePath(file, r.path), r.text ?? readTextFile(r.path)) }));
  if (!base) {
    const entries = current.flatMap(({ r, prints }) => r.findings.map((f, i) => ({ fingerprint: prints[i], rule: f.rule, path: baselinePath(file, r.path), message: f.message })));
    writeBaseline(file, entries);
    warn(`baseline written: ${entries.length} findings in ${file}; from now on only new findings are reported`);
    for (const r of results) r.findings = [];
    return 'written';
  }
  const known = new Set(base.findings.map((e) => e.fingerprint));
  const seen = new Set<string>();
  let dropped = 0;
  for (const { r, prints } of current) {
    const keep: Finding[] = [];
    r.findings.forEach((f, i) => {
      seen.add(prints[i]);
      if (known.has(prints[i])) dropped++;
      else keep.push(f);
    });
    r.findings = keep;
  }
  const stale = base.findings.filter((e) => !seen.has(e.fingerprint));
  warn(`baseline ${file}: ${dropped} known finding${dropped === 1 ? '' : 's'} not reported${stale.length ? `; ${stale.length} baseline entr${stale.length === 1 ? 'y no longer occurs' : 'ies no longer occur'} (${stale.slice(0, 3).map((e) => `${e.path} ${e.rule}`).join(', ')}${stale.length > 3 ? ', …' : ''}): rewrite the baseline to drop them` : ''}`);
  return 'applied';
}

/** Report files under the given paths: `.xml`, `.gz`, `.zip`, `.eml` (the bytes decide what they are). */
function reportFiles(paths: string[]): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch {
      throw new UsageError(`no such file or folder: ${p}`);
    }
    if (st.isDirectory()) {
      for (const e of fs.readdirSync(p).sort()) if (!e.startsWith('.') && e !== 'node_modules') {
        const q = path.join(p, e);
        if (fs.statSync(q).isDirectory() || REPORT_FILE_NAME.test(e)) walk(q);
      }
    } else out.push(p);
  };
  paths.forEach(walk);
  return out;
}

/**
 * `dmarc-lens senders`: each sender declared in `.dmarc-lens.json` with whether its SPF and DKIM align
 * and what to publish; for domains without a profile, the senders the records and reports suggest.
 * Exit 1 when a declared sender will fail DMARC.
 */
function sendersCommand(args: Args, out: (s: string) => void, warn: (m: string) => void): number {
  // The records and the reports are enough here: the files are read, not checked.
  const { parsed, workspace: ws } = readWorkspace(args, () => undefined);
  const reports = workspaceReports(args.paths, warn);
  const config = configs.override ?? configs.forFile(args.paths[0]);
  useProviders(config.providers);
  const verdicts = workspaceSenders(config.senders, ws, reports);
  // Organizational domains that publish SPF or DMARC here, and those that have no profile.
  const domains = new Set<string>();
  // A zone named by an expression has no domain to declare senders for.
  for (const p of parsed) for (const s of p.sites) if ((s.spf || s.dmarc) && s.site.owner && !underStandIn(s.site.owner)) domains.add(orgDomain(s.site.owner.replace(/^_dmarc\./, '')));
  const declared = new Set(config.domains.map((d) => orgDomain(d.domain)));
  const undeclared = [...domains].filter((d) => !declared.has(d)).sort();
  const suggestions: Record<string, SuggestedSender[]> = Object.fromEntries(undeclared.map((d) => [d, suggestSenders(d, [...ws.at(d), ...ws.under(d)], reports)] as const).filter(([, list]) => list.length));
  const fails = verdicts.filter((v) => !v.spf.aligned && !v.dkim.aligned);
  if (args.format === 'json') {
    out(
      JSON.stringify(
        {
          version: 1,
          config: config.file ?? null,
          senders: verdicts.map((v) => ({
            domain: v.profile.domain,
            provider: v.profile.provider,
            name: v.label,
            from: v.profile.from,
            dmarc: v.coverage ? { record: `_dmarc.${v.coverage.at}`, policy: v.coverage.policy, tag: v.coverage.decidedBy, testing: v.coverage.testing } : null,
            spf: { aligned: v.spf.aligned, why: v.spf.why },
            dkim: { aligned: v.dkim.aligned, why: v.dkim.why },
            passesDmarc: v.spf.aligned || v.dkim.aligned,
            publish: [...v.dkim.publish, ...v.spf.publish].map(describeRecord),
            reports: v.evidence ?? null,
            problems: v.problems.map((p) => ({ rule: p.rule, message: p.message })),
          })),
          suggestions: Object.fromEntries(Object.entries(suggestions).map(([d, list]) => [d, { senders: list }])),
        },
        null,
        2,
      ) + '\n',
    );
    return fails.length ? 1 : 0;
  }
  const lines: string[] = [];
  if (config.file) lines.push(`Senders declared in ${path.relative(process.cwd(), config.file) || config.file}:`);
  for (const v of verdicts) {
    const ok = v.spf.aligned || v.dkim.aligned;
    // The records align, but the reports show the platform's mail failing: said in the verdict, not only in the counts below it.
    const failingInReports = ok && v.problems.some((p) => p.rule === 'sender/failing-in-reports');
    lines.push(`  ${v.label} (From: ${v.profile.from}): ${ok ? (failingInReports ? 'passes DMARC by the records, but the reports show it FAILING' : 'passes DMARC') : 'WILL FAIL DMARC'}${v.coverage ? ` [${v.coverage.decidedBy}=${v.coverage.policy}${v.coverage.testing ? ', t=y' : ''} at _dmarc.${v.coverage.at}]` : ' [no DMARC record]'}`);
    lines.push(`    SPF  ${v.spf.aligned ? 'aligned' : 'not aligned'}: ${v.spf.why}`);
    lines.push(`    DKIM ${v.dkim.aligned ? 'aligned' : 'not aligned'}: ${v.dkim.why}`);
    if (!ok) for (const p of [...v.dkim.publish, ...v.spf.publish]) lines.push(`    publish ${describeRecord(p)}`);
    if (v.evidence) lines.push(`    reports: ${v.evidence.messages} message${v.evidence.messages === 1 ? '' : 's'}, ${v.evidence.failing} failing DMARC (${v.evidence.reports} report${v.evidence.reports === 1 ? '' : 's'})`);
    if (failingInReports) lines.push(`    check that ${v.label} ${v.dkim.aligned ? `signs with d=${v.profile.from} now` : 'sends with the Return-Path published now'} (reports of mail sent before that set-up show the same)`);
  }
  if (!verdicts.length) lines.push('No senders are declared (`domains` in .dmarc-lens.json).');
  for (const [d, list] of Object.entries(suggestions)) {
    lines.push(`${d} has no sender profile; the workspace suggests:`);
    for (const s of list) lines.push(`  ${s.provider} (From: ${s.from}${s.returnPath ? `, Return-Path ${s.returnPath}` : ''}${s.dkimSelectors ? `, selectors ${s.dkimSelectors.join(', ')}` : ''}) — ${s.evidence.join('; ')}`);
  }
  if (args.suggest && Object.keys(suggestions).length) lines.push('', 'Add to .dmarc-lens.json:', JSON.stringify({ domains: Object.fromEntries(Object.entries(suggestions).map(([d, list]) => [d, profileJson(list)])) }, null, 2));
  out(lines.join('\n') + '\n');
  return fails.length ? 1 : 0;
}

/** The statistics in the JSON summary: totals by day, IP (top 1000), service and header-from, and the disagreements. */
function statsJson(st: ReportStats) {
  return {
    both: st.both,
    spfOnly: st.spfOnly,
    dkimOnly: st.dkimOnly,
    neither: st.neither,
    dispositions: st.dispositions,
    overrides: st.overrides,
    byDay: st.byDay,
    byService: st.byService,
    byHeaderFrom: st.byHeaderFrom,
    byIp: st.byIp.slice(0, 1000),
    disagreementCount: st.disagreementCount,
    disagreements: st.disagreements,
  };
}

/** `dmarc-lens report`: reads aggregate reports and sums them up. */
async function reportCommand(args: Args, out: (s: string) => void): Promise<number> {
  if (args.paths.length === 0) throw new UsageError('report needs at least one file or folder');
  if (!['text', 'json', 'html', 'csv'].includes(args.format)) throw new UsageError(`--format wants text, json, html or csv, got "${args.format}"`);
  const read: AggregateReport[] = [];
  const failureReports: FailureReport[] = [];
  const failures: { origin: string; message: string }[] = [];
  const entries: Record<string, unknown>[] = [];
  const iso = (t?: number) => (t ? new Date(t * 1000).toISOString() : null);
  // --domain, --since, --until: the reports for these domains whose dates overlap the span (reports/scope).
  const scope: ReportScope = { domains: args.domain?.split(',').map((d) => d.trim().toLowerCase().replace(/\.$/, '')).filter(Boolean), since: args.since, until: args.until };
  const filtered = scoped(scope);
  let leftOut = 0;
  // What there was to choose from (the HTML page's filter bar says what it shows of it).
  const allDomains = new Set<string>();
  let first: number | undefined;
  let last: number | undefined;
  for (const f of reportFiles(args.paths)) {
    let bytes: Buffer;
    try {
      bytes = readFileBytes(f);
    } catch (e) {
      failures.push({ origin: f, message: `cannot read the file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
      continue;
    }
    const r = readReports(bytes, f);
    const { reports: kept, failureReports: keptFailures, leftOut: out, domains: here, begin, end } = applyScope(r.reports, r.failureReports, scope);
    leftOut += out;
    for (const d of here) allDomains.add(d);
    if (begin !== undefined && (first === undefined || begin < first)) first = begin;
    if (end !== undefined && (last === undefined || end > last)) last = end;
    read.push(...kept);
    failureReports.push(...keptFailures);
    failures.push(...r.failures);
    for (const rep of kept) {
      const messages = rep.records.reduce((n, x) => n + x.count, 0);
      const pass = rep.records.reduce((n, x) => n + (dmarcPasses(x) ? x.count : 0), 0);
      entries.push({ file: rep.origin, ok: true, format: rep.schema, orgName: rep.metadata.orgName, reportId: rep.metadata.reportId, begin: iso(rep.metadata.begin), end: iso(rep.metadata.end), policyDomain: rep.policy.domain, policy: rep.policy, messages, dmarcPass: pass, records: rep.records.length, warnings: rep.problems });
    }
    for (const fail of r.failures) entries.push({ file: fail.origin, ok: false, error: fail.message });
  }
  // A report read twice (the .xml beside its .zip, a reporter's resend) is counted once.
  const { reports, duplicates } = dedupeReports(read);
  const duplicateOf = new Map(duplicates.map((d) => [d.origin, d]));
  for (const e of entries) {
    const d = e.ok ? duplicateOf.get(e.file as string) : undefined;
    if (d) e.duplicateOf = d.of;
  }
  if (args.format === 'csv') {
    // One row per record of the reports counted (each report once, the --domain/--since/--until ones).
    out(reportsCsv(reports));
    return failures.length ? 1 : 0;
  }
  // The sources the configuration lists as not the owner's (reports.notOurs): shown, set aside from what holds back the next stage.
  const notOurs = configs.forFile(args.paths.find((p) => p !== STDIN) ?? '.').reports?.notOurs;
  const s = summarize(reports, { notOurs });
  // The text summary does not list every source IP: that table (133 000 entries in a big report) is built for JSON and HTML only.
  // With --workspace, a platform failing in the reports whose set-up the files now publish is said to be set up, not told to publish it.
  // And a source no platform names is said to be authorised by the From domain's SPF record there, or not.
  const index = args.workspace ? workspaceIndexOf(args.workspace) : undefined;
  // --hosts asks DNS about the sources (the workspace's records first): their host names, and what the SPF
  // record of the From domain says of those no platform names, where the files alone cannot tell; within a time budget.
  const budgetMs = Math.max(4000, args.timeoutMs ?? 0);
  const dns = args.hosts ? new ChainResolver(index ? new WorkspaceResolver(index) : undefined, args.offline ? undefined : new LiveResolver({ servers: args.dns ? [args.dns] : undefined, timeoutMs: args.timeoutMs ?? 1500 })) : undefined;
  const [sourceOf, named] = await Promise.all([
    dns && !args.offline ? workspaceSources(reports, dns, undefined, budgetMs) : index ? workspaceSources(reports, new ChainResolver(new WorkspaceResolver(index), undefined)) : undefined,
    dns ? sourceHosts(reports, dns, { budgetMs }) : undefined,
  ]);
  const workspace = { ...(index ? { setUp: workspaceSetUp(index) } : {}), ...(sourceOf ? { sourceOf } : {}) };
  const stats = reportStats(reports, { byIp: args.format !== 'text', ...workspace });
  const hostOf = (ip: string) => {
    const h = named?.hosts[ip];
    return h ? ` (${h.name}${h.platform ? `: ${h.platform}` : ''}${h.confirmed ? '' : ', unconfirmed'})` : '';
  };
  if (args.format === 'html') {
    // One self-contained page, the panel's view: the model and the panel's script inline, no network.
    const script = readTextFile(path.join(__dirname, 'webview.js'));
    if (script === undefined) throw new UsageError('the preview script (dist/webview.js) is missing; run npm run build');
    const nonce = crypto.randomBytes(16).toString('base64url');
    out(previewHtml({ scriptUri: 'inline:', script, cspSource: '', nonce, model: { ...previewModel(reports, failures, failureReports, workspace, { domains: [...allDomains].sort(), begin: first, end: last, applied: filtered ? scope : {}, leftOut }, { notOurs }), ...(named ? { hosts: named.hosts } : {}), ...(dns && !args.offline ? { verdictsFrom: 'dns' } : {}) } }));
  } else if (args.format === 'json') {
    const forensic = failureReports.map(({ arrivalDate, ...f }) => ({ file: f.origin, ...f, arrivalDate: iso(arrivalDate) }));
    out(JSON.stringify({ version: 1, reports: entries, failureReports: forensic, summary: { ...s, begin: iso(s.begin), end: iso(s.end), failureReports: failureReports.length, ...(filtered ? { leftOut } : {}), ...statsJson(stats), ...(named ? { sourceHosts: named } : {}), ...verdicts(reports, s, { notOurs }) } }, null, 2) + '\n');
  } else {
    const day = (t?: number) => (t ? new Date(t * 1000).toISOString().slice(0, 10) : '?');
    const n = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
    for (const r of read) {
      const dup = duplicateOf.get(r.origin);
      if (dup) {
        out(`${r.origin}: ${describeDuplicate(dup)}\n`);
        continue;
      }
      const m = r.records.reduce((n, x) => n + x.count, 0);
      out(`${r.origin}: ${r.metadata.orgName || '(no reporter)'} for ${r.policy.domain || '?'} ${day(r.metadata.begin)}..${day(r.metadata.end)}, ${n(r.records.length, 'record')}, ${n(m, 'message')}, p=${r.policy.p ?? '?'} (${r.schema === 'rfc9990' ? 'RFC 9990' : 'RFC 7489'})\n`);
      for (const p of r.problems) out(`  note: ${p}\n`);
    }
    for (const f of failureReports) {
      out(`${f.origin}: ${describeFailure(f)}\n`);
      for (const a of f.authenticationResults) out(`  Authentication-Results: ${a}\n`);
      for (const p of f.problems) out(`  note: ${p}\n`);
    }
    for (const f of failures) out(`${f.origin}: not read: ${f.message}\n`);
    if (filtered) out(`${n(leftOut, 'report')} outside ${describeScope(scope)} left out\n`);
    if (failureReports.length) {
      const domains = [...new Set(failureReports.flatMap((f) => f.reportedDomain))];
      out(`${n(failureReports.length, 'failure report')} for ${domains.join(', ') || '?'} from ${n(new Set(failureReports.map((f) => f.sourceIp ?? '?')).size, 'source')}\n`);
    }
    if (s.reports || !failureReports.length) out(`${n(s.reports, 'report')} from ${n(s.reporters.length, 'reporter')} for ${s.domains.join(', ') || '?'}: ${n(s.messages, 'message')}, DMARC pass ${(s.passRate * 100).toFixed(1)}%\n`);
    const p = (a: number, b: number) => (b ? `${((a / b) * 100).toFixed(1)}%` : '-');
    if (stats.messages) out(`  aligned SPF and DKIM ${p(stats.both, stats.messages)}, SPF only ${p(stats.spfOnly, stats.messages)}, DKIM only ${p(stats.dkimOnly, stats.messages)}, neither ${p(stats.neither, stats.messages)}; dispositions ${Object.entries(stats.dispositions).map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
    for (const v of stats.byService.slice(0, 10))
      out(`  service: ${v.service}${v.provider ? '' : hostOf(v.service)}${v.spf ? ` (${v.spf})` : ''}: ${n(v.messages, 'message')} from ${v.sources} source${v.sources === 1 ? '' : 's'}, DMARC pass ${p(v.pass, v.messages)} (DKIM aligned ${p(v.dkimAligned, v.messages)}, SPF aligned ${p(v.spfAligned, v.messages)})${v.publish ? `; to align, publish ${v.publish}` : v.published ? `; the workspace now publishes its set-up (${v.published}): mail sent since then should align` : ''}\n`);
    for (const d of stats.byDay.slice(-14)) out(`  day: ${d.day} ${n(d.messages, 'message')}, DMARC pass ${p(d.pass, d.messages)}\n`);
    for (const h of stats.byHeaderFrom.slice(0, 5)) out(`  header-from: ${h.domain} ${n(h.messages, 'message')}, DMARC pass ${p(h.pass, h.messages)}\n`);
    for (const f of s.failingSources.slice(0, 10))
      out(`  failing: ${f.sourceIp}${hostOf(f.sourceIp)} ${n(f.messages, 'message')} as ${f.headerFrom} (DKIM d=${f.dkimDomains.join(',') || '-'}; SPF ${f.spfDomains.join(',') || '-'})${f.aside ? `; not counted against the next stage: ${asideText(f)}` : ''}\n`);
    if (named) out(`  host names: ${named.asked - named.unnamed - named.unanswered} of the ${n(named.asked, 'source')} with most mail named by their PTR record (${Object.values(named.hosts).filter((h) => h.confirmed).length} confirmed by their own address records), ${named.unnamed} without one, ${named.unanswered} unanswered${named.error ? ` (${named.error})` : ''}\n`);
    // Whether the reports allow tightening the policy, as the preview says it (for each domain on its own reports).
    const said = verdicts(reports, s, { notOurs });
    if (said.verdict) out(`  verdict: ${said.verdict}\n`);
    for (const v of said.verdicts ?? []) out(`  verdict for ${v.domain}: ${v.text}\n`);
    if (stats.disagreementCount) out(`  ${stats.disagreementCount} record${stats.disagreementCount === 1 ? '' : 's'} where the reporter's policy_evaluated disagrees with the alignment recomputed from auth_results (first: ${stats.disagreements.slice(0, 3).map((d) => `${d.sourceIp} from ${d.reporter}`).join(', ')})\n`);
  }
  return failures.length ? 1 : 0;
}

/** Exit status of an asynchronous command: its own, or 2 with a one-line reason. */
function settle(p: Promise<number>, err: (s: string) => void): Promise<number> {
  return p.catch((e: unknown) => {
    err(e instanceof UsageError ? `dmarc-lens: ${e.message}\n` : `dmarc-lens: internal error: ${(e as Error).stack ?? e}\n`);
    return 2;
  });
}

export function main(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s), err: (s: string) => void = (s) => process.stderr.write(s)): number | Promise<number> {
  try {
    if (argv[0] === '--version' || argv[0] === '-v') {
      out(`${VERSION}\n`);
      return 0;
    }
    if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
      (argv.length === 0 ? err : out)(`${USAGE}\n`);
      return argv.length === 0 ? 2 : 0;
    }
    const args = parseArgs(argv);
    stdinText = undefined;
    if (args.help) {
      out(`${USAGE}\n`);
      return 0;
    }
    const warn = (m: string) => err(`dmarc-lens: ${m}\n`);
    // One run reads each file once: a Terraform folder's module names are gathered once for all its files.
    terraformRunCache(true);
    switch (args.command) {
      case 'check': {
        if (!['text', 'json', 'sarif', 'github', 'gitlab'].includes(args.format)) throw new UsageError(`--format wants text, json, sarif, github or gitlab, got "${args.format}"`);
        if (args.paths.length === 0) throw new UsageError('check needs at least one file or folder');
        const options: LintOptions = {};
        if (args.config) configs.override = loadConfig(args.config);
        timeRules(process.env.DMARC_LENS_TIMING === '1');
        // --fix on standard input: the fixed text is the output (an editor replaces its buffer with it), the findings left go to stderr.
        const fixingStdin = args.fix === true && args.paths.includes(STDIN);
        if (args.fix) applyFixes(args, options, warn);
        const run = runCheck(args, options, warn);
        timing(`check (slowest cross-record rules: ${[...(ruleTimings ?? [])].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([id, ms]) => `${id} ${ms.toFixed(0)} ms`).join(', ')})`);
        return settle(
          addTreeFindings(args, options, run, warn).then(() => {
            timing('suppressions and order');
            const results = run.results;
            if (args.baseline) applyBaseline(args.baseline, results, warn);
            const format = { json: formatJson, sarif: formatSarif, github: formatGithub, gitlab: formatGitlab }[args.format as 'json' | 'sarif' | 'github' | 'gitlab'] ?? formatText;
            if (fixingStdin) {
              out(stdinText ?? '');
              err(format(results));
            } else out(format(results));
            timing('output');
            // SEVERITIES runs from the most severe: a finding fails the run at the bar's index or before it.
            const bar = SEVERITIES.indexOf(args.failOn ?? 'error');
            return results.some((r) => r.findings.some((f) => SEVERITIES.indexOf(f.severity) <= bar)) ? 1 : 0;
          }),
          err,
        );
      }
      case 'inventory': {
        if (!['text', 'json'].includes(args.format)) throw new UsageError(`--format wants text or json, got "${args.format}"`);
        if (args.paths.length === 0) throw new UsageError('inventory needs at least one file or folder');
        const { analyses, workspace } = runCheck(args, {}, warn);
        // The aggregate reports under the folders given: what they say of each DMARC record, and its next step.
        const inv = runInventory(analyses, workspace, workspaceReports(args.paths, warn), (file) => configs.forFile(file).reports?.notOurs);
        // Names under the stand-in of a zone named by an expression (Terraform) are shown as that expression.
        out(showNames(args.format === 'json' ? JSON.stringify({ version: 1, domains: inv }, null, 2) + '\n' : formatInventoryText(inv)));
        return 0;
      }
      case 'senders': {
        if (!['text', 'json'].includes(args.format)) throw new UsageError(`--format wants text or json, got "${args.format}"`);
        if (args.paths.length === 0) throw new UsageError('senders needs at least one file or folder');
        if (args.config) configs.override = loadConfig(args.config);
        return sendersCommand(args, out, warn);
      }
      case 'rules':
        if (!['text', 'json'].includes(args.format)) throw new UsageError(`--format wants text or json, got "${args.format}"`);
        out(formatRules(args.format));
        return 0;
      case 'report':
        return settle(reportCommand(args, out), err);
      case 'dmarc':
        return settle(dmarcCommand(args, out), err);
      case 'dkim':
        return settle(dkimCommand(args, out), err);
      case 'drift':
        return settle(driftCommand(args, out, warn), err);
      case 'spf':
        // With --ip, check_host() itself answers `none` for a malformed domain (RFC 7208 §4.3), as the
        // test suite expects; a lookup tree of one means nothing, and an empty name is a typing slip.
        if (args.paths.length === 1 && nameProblem(args.paths[0]) && (args.ip === undefined || args.paths[0] === ''))
          throw new UsageError(`spf wants a domain name, got "${args.paths[0]}": ${nameProblem(args.paths[0])}`);
        return settle(runSpf(args, out, warn), err);
      default:
        throw new UsageError(`unknown command "${args.command}"; use check, inventory, senders, spf, dmarc, dkim, drift, report or rules`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      err(`dmarc-lens: ${e.message}\n`);
      return 2;
    }
    err(`dmarc-lens: internal error: ${(e as Error).stack ?? e}\n`);
    return 2;
  }
}

/**
 * Runs the command line of this process. Output piped into a reader that stops early (`| head`)
 * ends quietly: the rest is dropped and the exit status is still the check's.
 */
export function runProcess(): void {
  const closed = (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') throw e;
  };
  process.stdout.on('error', closed);
  process.stderr.on('error', closed);
  void Promise.resolve(main(process.argv.slice(2))).then((code) => {
    process.exitCode = code;
  });
}

if (require.main === module) runProcess();
