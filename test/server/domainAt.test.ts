/**
 * The domain the record under the cursor is about (the default of the editor's "Show DMARC Policy" and
 * "Show DKIM Keys" input boxes): the engine over zone files and infrastructure as code, then the
 * `dmarcLens/domainAt` request over stdio with a real client.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { DidOpenTextDocumentNotification } from 'vscode-languageserver-protocol/node';
import { domainAt, domainOfOwner } from '../../server/src/features/domainAt';
import { readZone } from '../../server/src/service';
import { startServer, type TestClient } from './client';

const ZONE = ['$ORIGIN example.com.', '@ IN TXT "v=spf1 mx -all"', '_dmarc.shop IN TXT "v=DMARC1; p=reject"', 's1._domainkey IN TXT ( "v=DKIM1; k=rsa; "', '  "p=" )', '; a comment', '_mta-sts IN TXT "v=STSv1; id=1"', ''].join('\n');
const TF = ['resource "aws_route53_record" "dmarc" {', '  zone_id = var.zone_id', '  name    = "_dmarc"', '  type    = "TXT"', '  records = ["v=DMARC1; p=none"]', '}', 'resource "aws_route53_record" "spf" {', '  zone_id = "Z1"', '  name    = "news.example.org"', '  type    = "TXT"', '  records = ["v=spf1 -all"]', '}', ''].join('\n');

describe('the domain of the record under the cursor', () => {
  it('names the domain a policy record is about', () => {
    assert.deepEqual(['_dmarc.example.com', 's1._domainkey.shop.example.com', '_smtp._tls.example.com', 'example.com._report._dmarc.reports.example.net', '*.example.com', '_dmarc.zone-0123456789.invalid', 'localhost'].map(domainOfOwner), [
      'example.com',
      'shop.example.com',
      'example.com',
      'reports.example.net',
      'example.com',
      undefined,
      undefined,
    ]);
  });

  it('finds the record at an offset in a zone file, on a continuation line too, and nothing on a comment', () => {
    const z = readZone(ZONE, '/w/example.com.zone');
    const at = (needle: string, k = 1) => domainAt(z.zone.records, '/w/example.com.zone', ZONE.indexOf(needle) + k);
    assert.deepEqual(at('_dmarc.shop'), { domain: 'shop.example.com', owner: '_dmarc.shop.example.com' });
    assert.deepEqual(at('"p=" )'), { domain: 'example.com', owner: 's1._domainkey.example.com' });
    assert.deepEqual(at('@ IN TXT'), { domain: 'example.com', owner: 'example.com' });
    assert.equal(at('; a comment', 3), undefined);
    assert.deepEqual(at('_mta-sts'), { domain: 'example.com', owner: '_mta-sts.example.com' });
  });

  it('finds the record at its name or value in Terraform; a zone named by a variable has no domain to offer', () => {
    const z = readZone(TF, '/w/main.tf');
    const at = (needle: string) => domainAt(z.zone.records, '/w/main.tf', TF.indexOf(needle) + 2);
    assert.deepEqual(at('"news.example.org"'), { domain: 'news.example.org', owner: 'news.example.org' });
    assert.deepEqual(at('"v=spf1 -all"'), { domain: 'news.example.org', owner: 'news.example.org' });
    assert.equal(at('"_dmarc"'), undefined);
  });
});

describe('language server: dmarcLens/domainAt', () => {
  let client: TestClient;
  let dir: string;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-domainat-'));
    client = await startServer(dir);
  });
  after(async () => {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers the domain of the record at a position, and null where there is none', async () => {
    const uri = pathToFileURL(path.join(dir, 'example.com.zone')).href;
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'dns-zone', version: 1, text: ZONE } });
    await client.waitFor(uri, () => true);
    const ask = (line: number, character: number) => client.conn.sendRequest('dmarcLens/domainAt', { uri, position: { line, character } });
    assert.deepEqual(await ask(3, 2), { domain: 'example.com', owner: 's1._domainkey.example.com' });
    assert.deepEqual(await ask(2, 20), { domain: 'shop.example.com', owner: '_dmarc.shop.example.com' });
    assert.equal(await ask(5, 2), null);
    assert.equal(await client.conn.sendRequest('dmarcLens/domainAt', { uri: 'file:///not/open.zone', position: { line: 0, character: 0 } }), null);
  });
});

/** A folder with the example zone of northwind.example, its DKIM include and the example aggregate reports (in `reports/`). */
function northwindWorkspace(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const examples = path.resolve(__dirname, '..', '..', '..', 'examples');
  for (const f of ['northwind.example.zone', 'northwind.example.dkim.inc']) fs.copyFileSync(path.join(examples, f), path.join(dir, f));
  fs.mkdirSync(path.join(dir, 'reports'));
  for (const f of fs.readdirSync(path.join(examples, 'reports'))) if (f.endsWith('.xml')) fs.copyFileSync(path.join(examples, 'reports', f), path.join(dir, 'reports', f));
  return dir;
}

describe('language server: dmarcLens/readReport with the workspace', () => {
  let client: TestClient;
  let dir: string;
  before(async () => {
    dir = northwindWorkspace('dl-readreport-');
    // And the example failure report, found with the aggregate one.
    fs.copyFileSync(path.resolve(__dirname, '..', '..', '..', 'examples', 'reports', 'failure-report-northwind.example.eml'), path.join(dir, 'reports', 'failure-report-northwind.example.eml'));
    client = await startServer(dir);
  });
  after(async () => {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('names the domain’s own server by its SPF record, and a platform set up since as set up', async () => {
    const model = (await client.conn.sendRequest('dmarcLens/readReport', { uri: pathToFileURL(path.join(dir, 'reports')).href })) as { stats: { byService: { service: string; spf?: string; publish?: string; published?: string }[] } };
    const by = new Map(model.stats.byService.map((v) => [v.service, v]));
    assert.equal(by.get('192.0.2.25')?.spf, 'authorised by the SPF record of northwind.example');
    assert.equal(by.get('Mailchimp')?.published, 'DKIM: it signs with d=northwind.example (selectors k2, k3)');
    assert.equal(by.get('Mailchimp')?.publish, undefined);
  });

  it('shows the workspace’s reports (the rollout evidence’s) with the failure reports found beside them', async () => {
    const model = (await client.conn.sendRequest('dmarcLens/readReport', { workspace: true })) as { summary: { reports: number; messages: number }; failureReports: unknown[][]; scope: { domains: string[] } };
    assert.deepEqual([model.summary.reports, model.summary.messages, model.failureReports.length, model.scope.domains], [1, 2156, 1, ['northwind.example']]);
    assert.equal(model.failureReports[0][2], 'northwind.example');
  });

  it('reads the reports again for the domain and days the preview’s filter bar asks for, and ignores a malformed choice', async () => {
    // The example report (northwind.example, 2025-11-25) and one for another domain ten days later.
    const folder = path.join(dir, 'mixed');
    fs.mkdirSync(folder);
    const example = fs.readFileSync(path.join(dir, 'reports', 'google.com!northwind.example!1764028800!1764115199.xml'), 'utf8');
    fs.writeFileSync(path.join(folder, 'a.xml'), example);
    fs.writeFileSync(
      path.join(folder, 'b.xml'),
      example
        .replace(/<report_id>([^<]*)</, '<report_id>$1-shop<')
        .replace(/<domain>northwind\.example<\/domain>/g, '<domain>northwind-shop.example</domain>')
        .replace('<begin>1764028800</begin>', '<begin>1764892800</begin>')
        .replace('<end>1764115199</end>', '<end>1764979199</end>'),
    );
    type Model = { summary: { reports: number; domains: string[] }; scope: { domains: string[]; begin: number; end: number; applied: object; leftOut: number } };
    const read = (scope?: unknown) => client.conn.sendRequest('dmarcLens/readReport', { uri: pathToFileURL(folder).href, scope }) as Promise<Model>;
    const all = await read();
    assert.deepEqual([all.summary.reports, all.scope], [2, { domains: ['northwind-shop.example', 'northwind.example'], begin: 1764028800, end: 1764979199, applied: {}, leftOut: 0 }]);
    const shop = await read({ domains: ['Northwind-Shop.example'] });
    assert.deepEqual([shop.summary.reports, shop.summary.domains, shop.scope.leftOut, shop.scope.domains.length], [1, ['northwind-shop.example'], 1, 2]);
    const early = await read({ until: 1764115199 });
    assert.deepEqual([early.summary.domains, early.scope.applied, early.scope.leftOut], [['northwind.example'], { until: 1764115199 }, 1]);
    const none = await read({ domains: ['northwind.example'], since: 1764892800 });
    assert.deepEqual([none.summary.reports, none.scope.leftOut], [0, 2]);
    // Export CSV: the records of the reports in the scope, each report once, as `report --format csv` writes them.
    const csv = (await client.conn.sendRequest('dmarcLens/reportCsv', { uri: pathToFileURL(folder).href, scope: { domains: ['northwind-shop.example'] } })) as { csv: string; records: number; reports: number };
    assert.deepEqual([csv.reports, csv.records, csv.csv.split('\r\n').filter(Boolean).length], [1, 3, 4]);
    assert.ok(csv.csv.split('\r\n').slice(1, 4).every((l) => l.split(',')[5] === 'northwind-shop.example'), csv.csv);
    // A page's message is not trusted blindly: what is not a scope is no scope.
    for (const bad of ['all', { domains: 'northwind.example' }, { since: 'yesterday', domains: [7, ''] }, { until: Number.NaN }]) assert.equal((await read(bad)).summary.reports, 2, JSON.stringify(bad));
    // Files are read again when they change (the server keeps what it read of the last folder shown), and a file removed is gone.
    fs.writeFileSync(path.join(folder, 'b.xml'), fs.readFileSync(path.join(folder, 'b.xml'), 'utf8').replace(/northwind-shop\.example/g, 'northwind-events.example') + '\n');
    assert.deepEqual((await read()).scope.domains, ['northwind-events.example', 'northwind.example']);
    fs.rmSync(path.join(folder, 'a.xml'));
    assert.deepEqual((await read()).scope.domains, ['northwind-events.example']);
  });
});

describe('language server: dmarcLens/dkimKeys with the workspace reports', () => {
  let client: TestClient;
  let dir: string;
  before(async () => {
    // The example report, and one showing mail signed with a selector the files do not publish.
    dir = northwindWorkspace('dl-dkimkeys-');
    fs.writeFileSync(
      path.join(dir, 'reports', 'rot.xml'),
      '<feedback><report_metadata><org_name>rx</org_name><report_id>rot</report_id><date_range><begin>1764028800</begin><end>1764115199</end></date_range></report_metadata><policy_published><domain>northwind.example</domain><p>none</p></policy_published><record><row><source_ip>192.0.2.9</source_ip><count>4</count><policy_evaluated><disposition>none</disposition><dkim>fail</dkim><spf>fail</spf></policy_evaluated></row><identifiers><header_from>northwind.example</header_from></identifiers><auth_results><dkim><domain>northwind.example</domain><selector>rot2024</selector><result>fail</result></dkim></auth_results></record></feedback>',
    );
    client = await startServer(dir, { dns: { mode: 'offline' } });
  });
  after(async () => {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('asks the selectors the reports show signing too, and says so', async () => {
    const r = (await client.conn.sendRequest('dmarcLens/dkimKeys', { domain: 'northwind.example' })) as { found: number; text: string };
    assert.match(r.text, /and 1 more the aggregate reports show signing/);
    assert.match(r.text, /^ {2}google\._domainkey\.northwind\.example +RSA 2048 bits {2}\(Google Workspace, seen in the reports\)$/m);
    // The zone (with its SOA) answers for its names offline: the selector has no key there.
    assert.match(r.text, /^ {2}rot2024\._domainkey\.northwind\.example +no key \(NXDOMAIN\) {2}\(the aggregate reports show mail signed with it\)$/m);
  });
});
