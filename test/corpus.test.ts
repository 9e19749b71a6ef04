/**
 * The real-world zone files in ../shared/corpus/zone-files: read without crashes, records found.
 * Skips with a message when the corpus is not next to the repository.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { readTextFile } from '../server/src/files';
import { analyzeZone } from '../server/src/service';
import { CORPUS } from './helpers';

const DIR = path.join(CORPUS, 'zone-files');

describe('corpus zone files', () => {
  it('are all read, and their SPF, DMARC and DKIM records found', (t) => {
    if (!fs.existsSync(DIR)) return t.skip(`corpus not present at ${DIR}`);
    const found = new Map<string, string[]>();
    for (const f of fs.readdirSync(DIR).filter((x) => x !== 'MANIFEST.md').sort()) {
      const file = path.join(DIR, f);
      const a = analyzeZone(fs.readFileSync(file, 'utf8'), file, { readFile: readTextFile });
      const list = a.sites.filter((s) => s.kind).map((s) => `${s.kind} ${s.site.type} ${s.site.owner ?? '(relative)'}${s.dkim?.key?.type ? ` ${s.dkim.key.type}-${s.dkim.key.bits}` : ''}`);
      found.set(f, list);
      t.diagnostic(`${f}: ${a.zone.records.length} records; ${list.join('; ') || 'no policy records'}; findings: ${a.findings.map((x) => x.rule).join(', ')}`);
    }
    const has = (f: string, entry: string) => assert.ok(found.get(f)?.includes(entry), `${f}: expected ${entry}, found ${found.get(f)?.join('; ')}`);
    has('suhaib_db.limologix.com.bak', 'dkim TXT dkim._domainkey.limologix.com rsa-2048');
    has('suhaib_db.atmpitbull.com', 'dkim TXT dkim._domainkey.atmpitbull.com rsa-1024');
    has('mox_integration_example.zone', 'dkim TXT postfixdkim0._domainkey.postfix.example ed25519-256');
    has('nsd_bug101_spf.zone', 'spf SPF spf-test.nl');
    has('bind9_checkzone_spf-txt-vs-spf-rr.db', 'spf SPF y');
    has('bind9_checkzone_spf-txt-vs-spf-rr.db', 'spf TXT x');
    has('dnscontrol_simple.com.zone', 'spf TXT simple.com');
    assert.equal(found.size, 11);
  });
});
