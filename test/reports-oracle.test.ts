/**
 * Differential test of the aggregate report reader against dmarc-cat (Debian `dmarc-cat`, a Go
 * decoder written independently): for every report it can read (XML, gzip), the same reporter, policy
 * domain, number of records and number of messages. Runs on examples/reports and, when present, the
 * corpus reports; skips when dmarc-cat is not installed (`apt-get install dmarc-cat`).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { readReports } from '../server/src/reports/aggregate';
import { CORPUS, ROOT } from './helpers';

const DMARC_CAT = ['/usr/bin/dmarc-cat', '/usr/local/bin/dmarc-cat'].find((p) => fs.existsSync(p));

/** dmarc-cat's reading of a report: reporter, policy domain, records and the sum of their counts. */
function dmarcCat(file: string): { org: string; domain: string; records: number; messages: number } | undefined {
  // dmarc-cat wants a report-style file name (org!domain!begin!end.ext).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-dmarccat-'));
  const ext = /\.xml\.gz$|\.gz$/.test(file) ? '.xml.gz' : '.xml';
  const copy = path.join(dir, `lab!report.invalid!0!0${ext}`);
  fs.copyFileSync(file, copy);
  const r = spawnSync(DMARC_CAT!, ['-N', copy], { encoding: 'utf8', timeout: 30000 });
  fs.rmSync(dir, { recursive: true, force: true });
  const out = r.stdout ?? '';
  const n = /^Reports\((\d+)\):/m.exec(out);
  if (r.status !== 0 || !n) return undefined;
  const rows = out.slice(out.indexOf('\n', n.index + 1) + 1).split('\n').slice(1).filter((l) => /^\S+\s+\d+\s/.test(l));
  return {
    org: /^Reporting by: (.*?) —/m.exec(out)?.[1] ?? '',
    domain: /^Domain: (.*)$/m.exec(out)?.[1] ?? '',
    records: Number(n[1]),
    messages: rows.reduce((sum, l) => sum + Number(l.split(/\s+/)[1]), 0),
  };
}

describe('aggregate reports read as dmarc-cat reads them', () => {
  it('the same reporter, domain, records and messages for every report dmarc-cat can read', (t) => {
    if (!DMARC_CAT) return t.skip('dmarc-cat not installed (apt-get install dmarc-cat)');
    const dirs = [path.join(ROOT, 'examples', 'reports'), path.join(CORPUS, 'dmarc-aggregate')].filter((d) => fs.existsSync(d));
    const files = dirs.flatMap((d) => fs.readdirSync(d).filter((f) => /\.(xml|gz)$/.test(f)).map((f) => path.join(d, f)));
    let compared = 0;
    for (const file of files) {
      const theirs = dmarcCat(file);
      const ours = readReports(fs.readFileSync(file), path.basename(file)).reports;
      if (!theirs) {
        t.diagnostic(`${path.basename(file)}: dmarc-cat reads no report; we read ${ours.length}`);
        continue;
      }
      compared++;
      assert.equal(ours.length, 1, path.basename(file));
      const r = ours[0];
      const mine = { org: r.metadata.orgName, domain: r.policy.domain, records: r.records.length, messages: r.records.reduce((n, x) => n + x.count, 0) };
      assert.deepEqual(mine, theirs, path.basename(file));
    }
    t.diagnostic(`${compared} of ${files.length} reports compared with dmarc-cat`);
    assert.ok(compared >= 1);
  });
});
