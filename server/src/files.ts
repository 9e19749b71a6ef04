/** Which files DMARC Lens reads, and walking folders for them. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Minimatch } from 'minimatch';

const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', 'dist', 'out', '.terraform']);

/** Zone files by name: `*.zone`, `*.db`, `db.*` (BIND conventions). */
export function isZoneFileName(file: string): boolean {
  const base = path.basename(file).toLowerCase();
  return base.endsWith('.zone') || base.endsWith('.db') || (base.startsWith('db.') && base.length > 3) || base.endsWith('.zone.bak');
}

/** YAML and JSON files that may be octoDNS configs or CloudFormation templates (the reader decides). */
export function isYamlSourceName(file: string): boolean {
  return /\.(ya?ml|json|template)$/i.test(file) && !/(^|[\\/])(package(-lock)?|tsconfig|\.eslintrc|composer)\.json$/i.test(file);
}

/** DNSControl configurations: `dnsconfig.js` (and `*.dnsconfig.js`). */
export function isDnscontrolName(file: string): boolean {
  return /(^|[\\/.])dnsconfig\.js$/i.test(file);
}

/** JavaScript files: DNSControl configurations are split into files that `require()` each other. */
export function isJavaScriptName(file: string): boolean {
  return /\.[cm]?js$/i.test(file);
}

/** Prose and program text that is never a zone file (a zone may have any name, even `.txt`): read for record-like string literals only. */
export function isProseOrCodeName(file: string): boolean {
  return /\.(md|markdown|rst|adoc|html?|py|rb|go|java|kt|cs|php|sh|bash|ps1|ts|tsx|jsx|toml|ini|cfg|conf|env|sql|xml)$/i.test(file);
}

/** A DNSControl file by its content: it calls `D()` or `D_EXTEND()`. */
export function looksLikeDnscontrol(text: string): boolean {
  return /\bD(?:_EXTEND)?\s*\(/.test(text);
}

/**
 * The files a DNSControl file loads, as DNSControl resolves them: `require("./x")` (`.js` added when
 * missing) relative to the file, and every `.js` file under `require_glob("./dir/")` (recursively
 * unless its second argument is `false`). Only those that exist.
 */
export function dnscontrolRequires(file: string, text: string): string[] {
  const dir = path.dirname(file);
  const out: string[] = [];
  for (const m of text.matchAll(/\brequire\s*\(\s*(["'`])([^"'`]+)\1\s*\)/g)) {
    if (!m[2].startsWith('.') && !path.isAbsolute(m[2])) continue; // a package, not a file
    // Relative to the file as it was named, so a relative path stays relative (as the CLI prints it).
    const p = path.isAbsolute(m[2]) ? m[2] : path.join(dir, m[2]);
    for (const candidate of [p, `${p}.js`]) if (isFile(candidate)) {
      out.push(candidate);
      break;
    }
  }
  for (const m of text.matchAll(/\brequire_glob\s*\(\s*(["'`])([^"'`]+)\1\s*(?:,\s*(true|false)\s*)?\)/g)) {
    const root = path.isAbsolute(m[2]) ? m[2] : path.join(dir, m[2]);
    const recursive = m[3] !== 'false';
    const walk = (d: string, depth: number) => {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(d, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
        const p = path.join(d, e.name);
        if (e.isDirectory() && recursive && depth < 16 && !SKIP_DIRS.has(e.name)) walk(p, depth + 1);
        else if (e.isFile() && /\.js$/i.test(e.name)) out.push(p);
      }
    };
    walk(root, 0);
  }
  return out;
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Any file a source extractor reads. */
export function isSourceFileName(file: string): boolean {
  return isZoneFileName(file) || isYamlSourceName(file) || /\.tf$/i.test(file) || isDnscontrolName(file) || isMtaStsPolicyName(file);
}

/** An MTA-STS policy file (RFC 8461 §3.2), as served from `/.well-known/mta-sts.txt`. */
export function isMtaStsPolicyName(file: string): boolean {
  return path.basename(file).toLowerCase() === 'mta-sts.txt';
}

/**
 * Expands folders into the zone files under them (sorted, deterministic); files are kept as given.
 * Symbolic links are followed (BIND set-ups often link zone files into place), a linked folder once,
 * and a link to a folder above is not followed (a loop). A file reached twice, by a link and by its own path, is read
 * once, by its own path; else two copies of its records would look like duplicates across files.
 */
export function collectFiles(inputs: string[], extra?: (file: string) => boolean): { files: string[]; errors: string[] } {
  const files: string[] = [];
  const errors: string[] = [];
  const walked = new Set<string>();
  const walk = (dir: string) => {
    const real = realpath(dir);
    if (walked.has(real)) return;
    walked.add(real);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      errors.push(`cannot read folder ${dir}: ${(e as Error).message}`);
      return;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const p = path.join(dir, e.name);
      const kind = entryKind(e, p, real);
      if (kind === 'dir') {
        // Hidden folders are skipped, but for `.well-known`, where an MTA-STS policy is served from.
        if (!SKIP_DIRS.has(e.name) && (!e.name.startsWith('.') || e.name === '.well-known')) walk(p);
      } else if (kind === 'file' && (isSourceFileName(e.name) || e.name === '.dmarc-lens.json' || extra?.(p))) files.push(p);
    }
  };
  for (const input of inputs) {
    let st: fs.Stats;
    try {
      st = fs.statSync(input);
    } catch {
      errors.push(`no such file or folder: ${input}`);
      continue;
    }
    if (st.isDirectory()) walk(input);
    else files.push(input);
  }
  // The files a DNSControl configuration loads with require() / require_glob(), and theirs in turn.
  // Only DNSControl's: a dnsconfig.js, a file that calls D(), or one such a file loads (a script named
  // on the command line does not bring in its own modules).
  const seen = new Set(files.map((f) => path.resolve(f)));
  const loaded = new Set<string>();
  for (let i = 0; i < files.length; i++) {
    const f = files[i];
    if (!isJavaScriptName(f)) continue;
    let text: string;
    try {
      if (fs.statSync(f).size > 5 * 1024 * 1024) continue;
      text = fs.readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    if (!isDnscontrolName(f) && !loaded.has(path.resolve(f)) && !looksLikeDnscontrol(text)) continue;
    for (const r of dnscontrolRequires(f, text)) {
      const abs = path.resolve(r);
      if (seen.has(abs)) continue;
      seen.add(abs);
      loaded.add(abs);
      files.push(r);
    }
  }
  // One path per file: its own (no link in it) when the walk met it that way too, else the first met.
  const reals = files.map(realpath);
  const byReal = new Map<string, string>();
  files.forEach((f, i) => {
    const kept = byReal.get(reals[i]);
    if (kept === undefined || (path.resolve(kept) !== reals[i] && path.resolve(f) === reals[i])) byReal.set(reals[i], f);
  });
  const out = new Set<string>();
  files.forEach((f, i) => {
    if (byReal.get(reals[i]) === f) out.add(f);
  });
  return { files: [...out], errors };
}

/**
 * What a folder entry is, a symbolic link by what it points to: undefined for a dangling link, or a
 * link to the folder it is in or one above (`up -> ..`), which is a loop, not more files.
 */
function entryKind(e: fs.Dirent, p: string, realDir: string): 'dir' | 'file' | undefined {
  if (!e.isSymbolicLink()) return e.isDirectory() ? 'dir' : e.isFile() ? 'file' : undefined;
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    return undefined;
  }
  if (st.isFile()) return 'file';
  if (!st.isDirectory()) return undefined;
  const target = realpath(p);
  return realDir === target || realDir.startsWith(target + path.sep) ? undefined : 'dir';
}

function realpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/** Aggregate report files under a folder (`.xml`, `.gz`, `.zip`, `.eml`; their bytes decide the rest). */
/** The default report globs (`dmarcLens.reports.paths`, `.dmarc-lens.json` `reports.paths`). */
export const DEFAULT_REPORT_GLOBS = ['**/*.{xml,gz,zip,eml,mbox}'];

/** The names report files go by: XML, gzip, zip, one e-mail, or a mailbox of them (mbox). */
export const REPORT_FILE_NAME = /\.(xml|gz|zip|eml|mbox)$/i;

/**
 * Report files under a folder: names matching one of the globs (relative to the folder); what each
 * one is, the reader decides from its bytes.
 */
export function collectReportFiles(dir: string, limit = 5000, globs: readonly string[] = DEFAULT_REPORT_GLOBS): string[] {
  const matchers = globs.map((g) => new Minimatch(g, { dot: false, nocase: true, matchBase: !g.includes('/') }));
  const out: string[] = [];
  const walked = new Set<string>();
  const walk = (d: string) => {
    const real = realpath(d);
    if (walked.has(real)) return;
    walked.add(real);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (out.length >= limit) return;
      const p = path.join(d, e.name);
      const kind = entryKind(e, p, real);
      if (kind === 'dir') {
        if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) walk(p);
      } else if (kind === 'file' && REPORT_FILE_NAME.test(e.name)) {
        const rel = path.relative(dir, p).split(path.sep).join('/');
        if (matchers.some((m) => m.match(rel))) out.push(p);
      }
    }
  };
  walk(dir);
  // A report reached by a link and by its own path is one report, not two.
  const seen = new Set<string>();
  return out.sort().filter((f) => {
    const real = realpath(f);
    if (seen.has(real)) return false;
    seen.add(real);
    return true;
  });
}

/** The most a file read as a zone, template or report may hold. */
export const MAX_FILE_BYTES = 512 * 1024 * 1024;

/**
 * A regular file's bytes. A device, FIFO or socket is refused before reading: `$INCLUDE /dev/zero`
 * or a FIFO named like a zone file would read for ever (the CLI and the language server hung).
 * Throws an Error that says why.
 */
export function readFileBytes(file: string, maxBytes = MAX_FILE_BYTES): Buffer {
  const fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new Error(`${st.isDirectory() ? 'a folder' : st.isFIFO() ? 'a FIFO' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : 'not a regular file'}, not a file to read`);
    if (st.size > maxBytes) throw new Error(`${Math.round(st.size / 1024 / 1024)} MB, more than the ${Math.round(maxBytes / 1024 / 1024)} MB read`);
    return fs.readFileSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** A text file's contents; undefined when it cannot be read, with why in `info.error` (an error code, a FIFO, a device, too large). */
export function readTextFile(file: string, info?: { encoding?: 'utf-16le' | 'utf-16be'; error?: string }): string | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileBytes(file);
  } catch (e) {
    if (info) info.error = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    return undefined;
  }
  // Windows tools (PowerShell 5's `>`, Notepad's "Unicode") write UTF-16 with a byte-order mark: read
  // as UTF-8 it is all NULs. Decoded here, and the caller told, as BIND and Terraform want UTF-8.
  const encoding = bytes[0] === 0xff && bytes[1] === 0xfe && !(bytes[2] === 0 && bytes[3] === 0) ? 'utf-16le' : bytes[0] === 0xfe && bytes[1] === 0xff ? 'utf-16be' : undefined;
  try {
    if (encoding === undefined) return bytes.toString('utf8');
    if (info) info.encoding = encoding;
    return new TextDecoder(encoding).decode(bytes);
  } catch {
    if (info) info.error = 'longer than a JavaScript string holds';
    return undefined;
  }
}
