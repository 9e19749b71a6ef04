/** Which files DMARC Lens reads, and walking folders for them. */
import * as fs from 'node:fs';
import * as path from 'node:path';

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

/** Any file a source extractor reads. */
export function isSourceFileName(file: string): boolean {
  return isZoneFileName(file) || isYamlSourceName(file) || /\.tf$/i.test(file) || isDnscontrolName(file);
}

/** Expands folders into the zone files under them (sorted, deterministic); files are kept as given. */
export function collectFiles(inputs: string[]): { files: string[]; errors: string[] } {
  const files: string[] = [];
  const errors: string[] = [];
  const walk = (dir: string) => {
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
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) walk(p);
      } else if (e.isFile() && (isSourceFileName(e.name) || e.name === '.dmarc-lens.json')) files.push(p);
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
  return { files, errors };
}

/** Aggregate report files under a folder (`.xml`, `.gz`, `.zip`, `.eml`; their bytes decide the rest). */
export function collectReportFiles(dir: string, limit = 5000): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (out.length >= limit) return;
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) walk(p);
      } else if (e.isFile() && /\.(xml|xml\.gz|gz|zip|eml)$/i.test(e.name)) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

/** Reads a text file for the engine; undefined when it does not exist or cannot be read. */
export function readTextFile(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
