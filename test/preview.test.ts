/// <reference lib="dom" />
/** The report preview page in headless Chromium (Debian chromium, driven by playwright-core). */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { previewHtml } from '../client/src/previewHtml';
import { readReports } from '../server/src/reports/aggregate';
import { previewModel } from '../server/src/reports/preview';
import { applyScope, type ReportScope } from '../server/src/reports/scope';
import { readZone, workspaceSetUp } from '../server/src/service';
import { workspaceSources } from '../server/src/reports/sources';
import { ChainResolver, WorkspaceResolver } from '../server/src/dns/chain';
import { WorkspaceIndex } from '../server/src/workspace';
import { spawnSync } from 'node:child_process';
import { ROOT } from './helpers';

const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

/** The example workspace's aggregate report (Google's, for northwind.example), read. */
const EXAMPLE_REPORT = path.join(ROOT, 'examples', 'reports', 'google.com!northwind.example!1764028800!1764115199.xml');
const exampleReport = () => readReports(fs.readFileSync(EXAMPLE_REPORT), path.basename(EXAMPLE_REPORT));

describe('report preview in Chromium', () => {
  let server: http.Server;
  let base = '';
  const pages = new Map<string, string>();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let browser: any;

  before(async () => {
    if (!fs.existsSync(CHROMIUM)) return;
    server = http.createServer((req, res) => {
      const file = (req.url ?? '').replace(/\?.*$/, '');
      if (file === '/webview.js' || file === '/codicon.css' || file === '/codicon.ttf') {
        res.setHeader('content-type', file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : 'font/ttf');
        res.end(fs.readFileSync(path.join(ROOT, 'dist', file.slice(1))));
      } else if (pages.has(req.url ?? '')) {
        res.setHeader('content-type', 'text/html');
        res.end(pages.get(req.url!));
      } else {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'] });
  });

  after(async () => {
    await browser?.close();
    server?.close();
  });

  const page = (name: string, model: unknown, codicons = true) => {
    pages.set(`/${name}.html`, previewHtml({ scriptUri: `${base}/webview.js`, codiconsUri: codicons ? `${base}/codicon.css` : undefined, cspSource: base, nonce: 'n0nce', model }));
    return `${base}/${name}.html`;
  };

  /** A page as VS Code shows it: it has acquireVsCodeApi, whose messages go to `window.posted` (the host's side is the test's); page errors collected. */
  const hostedPage = async () => {
    const p = await browser.newPage();
    const errors: string[] = [];
    p.on('pageerror', (e: Error) => errors.push(e.message));
    await p.addInitScript(() => {
      const w = window as unknown as { posted: unknown[]; acquireVsCodeApi: () => unknown };
      w.posted = [];
      w.acquireVsCodeApi = () => ({ postMessage: (m: unknown) => w.posted.push(m) });
    });
    return { p, errors };
  };

  it('says of each failing source whether it holds back the next stage: over 2%, under, or set aside by reports.notOurs', async (t) => {
    if (!browser) return t.skip(`chromium not installed at ${CHROMIUM} (bash scripts/install-e2e.sh)`);
    const { reports, failures } = exampleReport();
    const p = await browser.newPage();
    const errors: string[] = [];
    p.on('pageerror', (e: Error) => errors.push(e.message));
    const column = async () => p.$$eval('#failing tbody tr', (trs: Element[]) => trs.map((tr) => [tr.querySelector('td')!.textContent, tr.querySelector('td:last-child')!.textContent]));
    await p.goto(page('not-ours-none', previewModel(reports, failures)));
    await p.waitForSelector('#failing tbody tr');
    assert.equal(await p.textContent('#failing thead th:last-child'), 'Next policy stage');
    assert.deepEqual(await column(), [['198.2.129.12', 'holds it back'], ['203.0.113.66', 'not counted: 2% of the mail or less']]);
    await p.goto(page('not-ours', previewModel(reports, failures, [], {}, undefined, { notOurs: ['198.2.129.0/24'] })));
    await p.waitForSelector('#failing tbody tr');
    assert.deepEqual(await column(), [['198.2.129.12', 'not counted: not yours (reports.notOurs in .dmarc-lens.json)'], ['203.0.113.66', 'not counted: 2% of the mail or less']]);
    assert.match(await p.textContent('#verdict'), /^No source of yours fails DMARC with more than 2% of the messages \(85\.3% DMARC pass; failing, not counted: 198\.2\.129\.12 \(14\.5%, not ours by reports\.notOurs\)\): the domain can move to the next DMARC stage\.$/);
    // At p=reject (enforced) there is no next stage: the column says the mail is rejected.
    const atReject = readReports(Buffer.from(fs.readFileSync(EXAMPLE_REPORT, 'utf8').replace(/<p>none<\/p>/, '<p>reject</p>').replace(/<pct>\d+<\/pct>/, '<pct>100</pct>')), 'reject.xml').reports;
    await p.goto(page('not-ours-reject', previewModel(atReject, [])));
    await p.waitForSelector('#failing tbody tr');
    assert.deepEqual(await column(), [['198.2.129.12', 'none: at p=reject its mail is rejected (authorise it if it is yours)'], ['203.0.113.66', 'none: at p=reject its mail is rejected (authorise it if it is yours)']]);
    assert.deepEqual(errors, []);
    await p.close();
    // In the editor, "Not ours…" beside each source not set aside asks the host to list it.
    const hosted = await hostedPage();
    await hosted.p.goto(page('not-ours-hosted', previewModel(reports, failures, [], {}, undefined, { notOurs: ['198.2.129.0/24'] })));
    await hosted.p.waitForSelector('#failing tbody tr');
    assert.deepEqual(await hosted.p.$$eval('#failing button.not-ours', (bs: Element[]) => bs.map((b) => (b as HTMLElement).dataset.notOurs)), ['203.0.113.66']);
    await hosted.p.click('#failing button.not-ours');
    const posted = ((await hosted.p.evaluate(() => (window as unknown as { posted: unknown[] }).posted)) as { type: string }[]).filter((m) => m.type === 'notOurs');
    assert.deepEqual(posted, [{ type: 'notOurs', ip: '203.0.113.66' }]);
    assert.deepEqual(hosted.errors, []);
    await hosted.p.close();
  });

  it('renders the summary, policy, verdict, chart, services, failing sources and records, and sorts and filters them', async (t) => {
    if (!browser) return t.skip(`chromium not installed at ${CHROMIUM} (bash scripts/install-e2e.sh)`);
    const { reports, failures } = exampleReport();
    const p = await browser.newPage();
    const errors: string[] = [];
    p.on('pageerror', (e: Error) => errors.push(e.message));
    await p.goto(page('example', previewModel(reports, failures)));
    await p.waitForSelector('#records tbody tr');
    assert.match(await p.textContent('#summary'), /1 report from google\.com, 2025-11-25 to 2025-11-25: 2,156 messages, DMARC pass 85\.3%/);
    assert.match(await p.textContent('#policy'), /Policy published: adkim=r; aspf=r; p=none; sp=none; pct=100/);
    assert.match(await p.textContent('#verdict'), /Not yet: 1 source still fails DMARC .*198\.2\.129\.12/);
    assert.equal(await p.locator('#chart rect.bar').count(), 1);
    assert.match(await p.textContent('#services'), /Mailchimp.*publish CNAME `k2\._domainkey`/s);
    // With the example workspace, which now publishes Mailchimp's k2/k3 CNAMEs: set up, not to publish again.
    const ws = new WorkspaceIndex();
    const zone = path.join(ROOT, 'examples', 'northwind.example.zone');
    const parsed = readZone(fs.readFileSync(zone, 'utf8'), zone, { readFile: (f) => fs.readFileSync(f, 'utf8') });
    ws.set(zone, parsed.zone.records, parsed.sites);
    const withWs = await browser.newPage();
    const sourceOf = await workspaceSources(reports, new ChainResolver(new WorkspaceResolver(ws), undefined));
    await withWs.goto(page('example-ws', previewModel(reports, failures, [], { setUp: workspaceSetUp(ws), sourceOf })));
    await withWs.waitForSelector('#services tbody tr');
    const services = await withWs.textContent('#services');
    assert.match(services, /Mailchimp.*set up in the workspace now \(DKIM: it signs with d=northwind\.example \(selectors k2, k3\)\): mail sent since then should align/s);
    assert.doesNotMatch(services, /publish CNAME `k2/);
    // The domain's own server, by its SPF record in the workspace.
    assert.match(services, /192\.0\.2\.25.*authorised by the SPF record of northwind\.example \(workspace\)/s);
    await withWs.close();
    assert.equal(await p.locator('#failing tbody tr').count(), 2);
    assert.equal(await p.textContent('#shown'), '3 of 3 records');
    const ips = async () => p.$$eval('#records tbody tr td:first-child', (tds: Element[]) => tds.map((td) => td.textContent));
    assert.deepEqual(await ips(), ['192.0.2.25', '198.2.129.12', '203.0.113.66']);
    await p.click('button.sort[data-col="1"]'); // count, ascending now
    assert.deepEqual(await ips(), ['203.0.113.66', '198.2.129.12', '192.0.2.25']);
    await p.fill('#filter', 'mailchimp');
    assert.equal(await p.textContent('#shown'), '1 of 3 records');
    assert.equal(await p.locator('#records tbody tr.fail').count(), 1);
    assert.deepEqual(errors, []);
    // VS Code's icon font loads under the page's CSP and draws the section icons.
    await p.waitForFunction(() => document.fonts.status === 'loaded' && Array.from(document.fonts as unknown as Iterable<FontFace>).some((f) => f.family.replace(/"/g, '') === 'codicon' && f.status === 'loaded'));
    assert.equal(await p.evaluate(() => getComputedStyle(document.querySelector('#verdict .codicon')!, '::before').fontFamily), 'codicon');
    await p.fill('#filter', '');
    fs.mkdirSync(path.join(ROOT, 'bench', '.data'), { recursive: true });
    await p.screenshot({ path: path.join(ROOT, 'bench', '.data', 'preview-light.png'), fullPage: true });
  });

  it('reports for several domains: a verdict for each on its own reports, most mail first, instead of one over all', async (t) => {
    if (!browser) return t.skip(`chromium not installed at ${CHROMIUM} (bash scripts/install-e2e.sh)`);
    const report = (domain: string, rows: [string, number, string][]) =>
      `<feedback><report_metadata><org_name>rx</org_name><report_id>${domain}</report_id><date_range><begin>1767225600</begin><end>1767311999</end></date_range></report_metadata><policy_published><domain>${domain}</domain><p>none</p></policy_published>${rows.map(([ip, n, r]) => `<record><row><source_ip>${ip}</source_ip><count>${n}</count><policy_evaluated><disposition>none</disposition><dkim>${r}</dkim><spf>${r}</spf></policy_evaluated></row><identifiers><header_from>${domain}</header_from></identifiers><auth_results><spf><domain>${domain}</domain><result>${r}</result></spf></auth_results></record>`).join('')}</feedback>`;
    const all = [
      ...readReports(Buffer.from(report('clean.example', [['192.0.2.1', 500, 'pass']])), 'a.xml').reports,
      ...readReports(Buffer.from(report('failing.example', [['192.0.2.2', 40, 'pass'], ['198.51.100.9', 10, 'fail']])), 'b.xml').reports,
      ...readReports(Buffer.from(report('quiet.example', [['192.0.2.3', 1, 'pass']])), 'c.xml').reports,
    ];
    const model = previewModel(all, []);
    assert.equal(model.verdict, undefined);
    assert.deepEqual(model.verdicts!.map((v) => [v.domain, v.messages]), [['clean.example', 500], ['failing.example', 50], ['quiet.example', 1]]);
    const p = await browser.newPage();
    await p.goto(page('domains', model));
    await p.waitForSelector('#verdicts li');
    assert.equal(await p.locator('#verdict').count(), 0);
    const items = await p.$$eval('#verdicts li', (lis: Element[]) => lis.map((li) => li.textContent));
    assert.match(items[0], /^clean\.example \(500 messages\): Reports look clean \(100\.0% DMARC pass\)/);
    assert.match(items[1], /^failing\.example \(50 messages\): Not yet: 1 source still fails DMARC .*198\.51\.100\.9/);
    assert.match(items[2], /^quiet\.example \(1 message\): Reports look clean/);
    assert.match(await p.textContent('#verdicts'), /These reports cover 3 domains/);
    await p.close();
    // The same report kept twice (its .xml beside its .gz): counted once, and said so under Notes.
    const twice = previewModel([...all, ...readReports(Buffer.from(report('clean.example', [['192.0.2.1', 500, 'pass']])), 'a-copy.xml').reports], []);
    assert.equal(twice.verdicts![0].messages, 500);
    const q = await browser.newPage();
    await q.goto(page('twice', twice));
    await q.waitForSelector('#notes li');
    assert.deepEqual(await q.$$eval('#notes li', (lis: Element[]) => lis.map((li) => li.textContent)), ['a-copy.xml: the same report as a.xml (rx, report ID clean.example): counted once']);
    await q.close();
  });

  it('filters by domain and days in VS Code: the page asks its host, which reads the reports again; a saved page says what it shows', async (t) => {
    if (!browser) return t.skip(`chromium not installed at ${CHROMIUM} (bash scripts/install-e2e.sh)`);
    // Three days of reports: clean.example on 2026-01-01 and 2026-01-03, failing.example on 2026-01-02.
    const report = (domain: string, id: string, begin: number, ip: string, r: string) =>
      `<feedback><report_metadata><org_name>rx</org_name><report_id>${id}</report_id><date_range><begin>${begin}</begin><end>${begin + 86399}</end></date_range></report_metadata><policy_published><domain>${domain}</domain><p>none</p></policy_published><record><row><source_ip>${ip}</source_ip><count>10</count><policy_evaluated><disposition>none</disposition><dkim>${r}</dkim><spf>${r}</spf></policy_evaluated></row><identifiers><header_from>${domain}</header_from></identifiers><auth_results><spf><domain>${domain}</domain><result>${r}</result></spf></auth_results></record></feedback>`;
    const all = [report('clean.example', 'c1', 1767225600, '192.0.2.1', 'pass'), report('failing.example', 'f1', 1767312000, '198.51.100.9', 'fail'), report('clean.example', 'c2', 1767398400, '192.0.2.1', 'pass')].flatMap((x, i) => readReports(Buffer.from(x), `${i}.xml`).reports);
    // The host's side, as the server does it (dmarcLens/readReport with a scope).
    const modelFor = (scope?: ReportScope) => {
      const o = applyScope(all, [], scope);
      return previewModel(o.reports, [], o.failureReports, {}, { domains: o.domains, begin: o.begin, end: o.end, applied: scope ?? {}, leftOut: o.leftOut });
    };
    const { p, errors } = await hostedPage();
    await p.goto(page('scoped', modelFor()));
    await p.waitForSelector('#scope-domain');
    assert.equal(await p.textContent('#scope-status'), 'all 3 reports');
    assert.deepEqual(await p.$$eval('#scope-domain option', (os: Element[]) => os.map((o) => o.textContent)), ['All domains (2)', 'clean.example', 'failing.example']);
    assert.deepEqual([await p.getAttribute('#scope-since', 'min'), await p.getAttribute('#scope-until', 'max')], ['2026-01-01', '2026-01-03']);
    assert.equal(await p.isDisabled('#scope-reset'), true);
    // Export CSV asks the host for the records of the reports shown.
    await p.click('#export-csv');
    assert.deepEqual(await p.evaluate(() => (window as unknown as { posted: { type: string }[] }).posted.filter((m) => m.type === 'export')), [{ type: 'export' }]);
    /** The page's next filter message, answered as the host would: the model for that scope. */
    const answer = async () => {
      const msg = (await p.waitForFunction(() => (window as unknown as { posted: { type: string }[] }).posted.find((m) => m.type === 'filter'))).jsonValue() as Promise<{ scope: ReportScope }>;
      const { scope } = await msg;
      await p.evaluate(() => {
        const w = window as unknown as { posted: { type: string }[] };
        w.posted = w.posted.filter((m) => m.type !== 'filter');
      });
      await p.evaluate((model: unknown) => window.postMessage({ type: 'model', model }, '*'), modelFor(scope) as unknown);
      return scope;
    };
    await p.selectOption('#scope-domain', 'failing.example');
    assert.equal(await p.isDisabled('#scope-since'), true, 'the controls wait for the host');
    assert.deepEqual(await answer(), { domains: ['failing.example'] });
    await p.waitForFunction(() => document.querySelector('#scope-status')?.textContent === '1 report shown, 2 outside this choice');
    assert.match(await p.textContent('#summary'), /^1 report from rx, 2026-01-02 to 2026-01-02: 10 messages, DMARC pass 0\.0%/);
    assert.match(await p.textContent('#verdict'), /Not yet: 1 source still fails DMARC/);
    assert.equal(await p.evaluate(() => document.activeElement?.id), 'scope-domain', 'the control used keeps the focus');
    assert.equal(await p.inputValue('#scope-domain'), 'failing.example');
    // A day with no report of that domain: said so, with the bar to choose again (not a blank page, nor "could not be read").
    await p.fill('#scope-since', '2026-01-03');
    assert.deepEqual(await answer(), { domains: ['failing.example'], since: 1767398400 });
    await p.waitForSelector('text=No DMARC report for this choice');
    assert.match(await p.textContent('#summary'), /None of the 3 reports read is for this domain and span/);
    await p.selectOption('#scope-domain', '');
    assert.deepEqual(await answer(), { since: 1767398400 });
    await p.waitForFunction(() => /^1 report from rx, 2026-01-03/.test(document.querySelector('#summary')?.textContent ?? ''));
    assert.equal(await p.inputValue('#scope-since'), '2026-01-03');
    // An end before the start asks nothing of the host.
    await p.fill('#scope-until', '2026-01-01');
    assert.match(await p.textContent('#scope-status'), /The first day is after the last/);
    await p.fill('#scope-until', '');
    assert.deepEqual(await answer(), { since: 1767398400 });
    // A host that cannot answer: the page says so and gives the controls back.
    await p.selectOption('#scope-domain', 'clean.example');
    await p.waitForFunction(() => (window as unknown as { posted: { type: string }[] }).posted.some((m) => m.type === 'filter'));
    await p.evaluate(() => {
      const w = window as unknown as { posted: { type: string }[] };
      w.posted = w.posted.filter((m) => m.type !== 'filter');
      window.postMessage({ type: 'error', message: 'the language server is not running' }, '*');
    });
    await p.waitForFunction(() => /could not be read again: the language server is not running/.test(document.querySelector('#scope-status')?.textContent ?? ''));
    assert.equal(await p.isDisabled('#scope-domain'), false);
    assert.equal(await p.inputValue('#scope-domain'), '', 'the bar shows what the page shows again');
    await p.click('#scope-reset');
    assert.deepEqual(await answer(), {});
    await p.waitForFunction(() => document.querySelector('#scope-status')?.textContent === 'all 3 reports');
    assert.match(await p.textContent('#verdicts'), /These reports cover 2 domains/);
    const ready = await p.evaluate(() => (window as unknown as { posted: { type: string; scope?: unknown }[] }).posted.filter((m) => m.type === 'ready').map((m) => m.scope));
    assert.deepEqual(ready, [{}, { domains: ['failing.example'] }, { domains: ['failing.example'], since: 1767398400 }, { since: 1767398400 }, { since: 1767398400 }, {}]);
    assert.deepEqual(errors, []);
    await p.close();
    // A saved page (the CLI's --format html) has no host: it says what it shows, with no controls.
    const saved = await browser.newPage();
    await saved.goto(page('scoped-saved', modelFor({ domains: ['clean.example'], until: 1767311999 })));
    await saved.waitForSelector('#scope');
    assert.equal(await saved.textContent('#scope'), 'Showing clean.example, up to 2026-01-01: 1 report shown, 2 outside this choice (dmarc-lens report --domain/--since/--until).');
    assert.equal(await saved.locator('#scope select, #scope input, #export-csv').count(), 0);
    await saved.close();
    // One domain, one day: nothing to choose, no bar.
    const one = await browser.newPage();
    await one.goto(page('scoped-one', previewModel(all.slice(0, 1), [], [], {}, { domains: ['clean.example'], begin: 1767225600, end: 1767311999, applied: {}, leftOut: 0 })));
    await one.waitForSelector('#summary');
    assert.equal(await one.locator('#scope').count(), 0);
    await one.close();
  });

  it('fills in the host names of the sources when the host sends them, where the addresses are, and the records filter finds them', async (t) => {
    if (!browser) return t.skip(`chromium not installed at ${CHROMIUM} (bash scripts/install-e2e.sh)`);
    const { reports, failures } = exampleReport();
    const { p, errors } = await hostedPage();
    await p.goto(page('hosts', previewModel(reports, failures)));
    await p.waitForSelector('#records tbody tr');
    assert.equal(await p.textContent('#failing tbody tr:first-child td:first-child'), '198.2.129.12');
    // What the host sends (dmarcLens/sourceHosts): one name confirmed, one not; HTML in a name is text.
    await p.evaluate(() => window.postMessage({ type: 'hosts', hosts: { '198.2.129.12': { name: 'mail129-12.mcsv.net', confirmed: true, platform: 'Mailchimp' }, '192.0.2.25': { name: '<b>mx</b>.northwind.example', confirmed: false } } }, '*'));
    await p.waitForFunction(() => (window as unknown as { posted: { type: string }[] }).posted.some((m) => m.type === 'hosts-shown'));
    assert.equal(await p.textContent('#failing tbody tr:first-child td:first-child'), '198.2.129.12 mail129-12.mcsv.net (Mailchimp)');
    const cells = await p.$$eval('#records tbody td:first-child', (tds: Element[]) => tds.map((td) => td.textContent));
    assert.ok(cells.includes('192.0.2.25 <b>mx</b>.northwind.example (unconfirmed)'), cells.join(' | '));
    assert.equal(await p.locator('#app b').count(), 0);
    assert.match(await p.textContent('#services'), /192\.0\.2\.25 <b>mx<\/b>\.northwind\.example \(unconfirmed\)/);
    await p.fill('#filter', 'mcsv.net');
    await p.waitForFunction(() => document.querySelector('#shown')?.textContent === '1 of 3 records');
    assert.deepEqual(await p.evaluate(() => (window as unknown as { posted: { type: string; named?: number }[] }).posted.filter((m) => m.type === 'hosts-shown')), [{ type: 'hosts-shown', named: 2, verdicts: 0 }]);
    // With DNS, the host also sends what the From domain's SPF record says of the unnamed sources the files could not decide.
    const toAlign = (): Promise<string[]> => p.$$eval('#services tbody tr', (trs: Element[]) => trs.map((tr) => `${tr.querySelector('td')?.textContent?.split(' ')[0]}: ${tr.lastElementChild?.textContent}`));
    assert.ok((await toAlign()).includes('203.0.113.66: unknown source: authorise it if it is yours'), (await toAlign()).join(' | '));
    await p.evaluate(() => window.postMessage({ type: 'hosts', hosts: {}, spf: { '203.0.113.66': 'not authorised by the SPF record of northwind.example (fail)', '192.0.2.25': 'authorised by the SPF record of northwind.example', 'Mailchimp': 'x' } }, '*'));
    await p.waitForFunction(() => (window as unknown as { posted: { type: string }[] }).posted.filter((m) => m.type === 'hosts-shown').length === 2);
    const after = await toAlign();
    assert.ok(after.includes('203.0.113.66: not authorised by the SPF record of northwind.example (fail) (DNS): authorise it if it is yours'), after.join(' | '));
    assert.ok(after.includes('192.0.2.25: authorised by the SPF record of northwind.example (DNS)'), after.join(' | '));
    assert.ok(!after.some((r: string) => r.startsWith('Mailchimp') && r.includes('x')), 'a platform row takes no verdict');
    assert.deepEqual(errors, []);
    await p.close();
    // A saved page (report --hosts --format html) carries its names in the model.
    const saved = await browser.newPage();
    await saved.goto(page('hosts-saved', { ...previewModel(reports, failures), hosts: { '198.2.129.12': { name: 'mail129-12.mcsv.net', confirmed: true, platform: 'Mailchimp' } } }));
    await saved.waitForSelector('#failing tbody tr');
    assert.equal(await saved.textContent('#failing tbody tr:first-child td:first-child'), '198.2.129.12 mail129-12.mcsv.net (Mailchimp)');
    await saved.close();
  });

  it('draws time as it went: days no report covers are gaps in the chart, and years are drawn by month', async (t) => {
    if (!browser) return t.skip(`chromium not installed at ${CHROMIUM} (bash scripts/install-e2e.sh)`);
    const day = (id: string, begin: number, r: string) =>
      `<feedback><report_metadata><org_name>rx</org_name><report_id>${id}</report_id><date_range><begin>${begin}</begin><end>${begin + 86399}</end></date_range></report_metadata><policy_published><domain>example.com</domain><p>none</p></policy_published><record><row><source_ip>192.0.2.1</source_ip><count>10</count><policy_evaluated><disposition>none</disposition><dkim>${r}</dkim><spf>${r}</spf></policy_evaluated></row><identifiers><header_from>example.com</header_from></identifiers></record></feedback>`;
    const read = (xs: [string, number, string][]) => xs.flatMap(([id, b, r], i) => readReports(Buffer.from(day(id, b, r)), `${i}.xml`).reports);
    const p = await browser.newPage();
    // 2026-01-01 and 2026-01-05: five days, three of them without a report.
    await p.goto(page('gaps', previewModel(read([['a', 1767225600, 'pass'], ['b', 1767225600 + 4 * 86400, 'fail']]), [])));
    await p.waitForSelector('#chart');
    assert.equal(await p.getAttribute('#chart', 'data-unit'), 'day');
    assert.equal(await p.locator('#chart rect.bar').count(), 2);
    assert.equal(await p.locator('#chart polyline.rate').count(), 2, 'the rate line is broken where no report covers the days');
    const bars = await p.$$eval('#chart rect.bar', (rs: Element[]) => rs.map((r) => Number(r.getAttribute('x'))));
    const width = Number(await p.getAttribute('#chart rect.bar', 'width'));
    assert.ok(bars[1] - bars[0] > 3.5 * width, `the second bar is four days along: ${bars.join(', ')}`);
    assert.match(await p.getAttribute('#chart', 'aria-label'), /per day, 2026-01-01 to 2026-01-05/);
    // Three years: by month, each month's mail summed.
    await p.goto(page('years', previewModel(read([['a', 1704067200, 'pass'], ['b', 1704067200 + 86400, 'pass'], ['c', 1767225600, 'fail']]), [])));
    await p.waitForSelector('#chart');
    assert.equal(await p.getAttribute('#chart', 'data-unit'), 'month');
    assert.match(await p.textContent('h2:has(+ #chart)'), /by month$/);
    assert.deepEqual(await p.$$eval('#chart rect.bar title', (ts: Element[]) => ts.map((x) => x.textContent)), ['2024-01-01 to 2024-01-31: 20 messages, DMARC pass 100.0%', '2026-01-01: 10 messages, DMARC pass 0.0%']);
    // A reporter's date thousands of years ahead (the last day the reader takes, 9999-12-31): the chart does not walk every day in between.
    const t0 = Date.now();
    await p.goto(page('far', previewModel(read([['a', 1767225600, 'pass'], ['z', 253402300799 - 86399, 'pass']]), [])));
    await p.waitForSelector('#chart');
    assert.equal(await p.locator('#chart rect.bar').count(), 2);
    assert.ok(Date.now() - t0 < 5000, `rendered in ${Date.now() - t0} ms`);
    await p.close();
  });

  it('follows the VS Code theme: dark and high-contrast colours come from --vscode-* variables', async (t) => {
    if (!browser) return t.skip(`chromium not installed at ${CHROMIUM}`);
    const { reports, failures } = exampleReport();
    const url = page('dark', previewModel(reports, failures));
    for (const [name, vars, cls] of [
      ['dark', '--vscode-editor-background:#1e1e1e;--vscode-foreground:#cccccc;--vscode-panel-border:#3c3c3c;--vscode-charts-blue:#3794ff;--vscode-textBlockQuote-background:#2b2b2b', 'vscode-dark'],
      ['high-contrast', '--vscode-editor-background:#000000;--vscode-foreground:#ffffff;--vscode-contrastBorder:#6fc3df;--vscode-charts-blue:#3794ff', 'vscode-high-contrast'],
    ]) {
      const p = await browser.newPage();
      await p.goto(url);
      await p.waitForSelector('#records tbody tr');
      await p.evaluate(([v, c]: string[]) => {
        document.body.setAttribute('style', v);
        document.body.classList.add(c);
      }, [vars, cls]);
      const bg = await p.evaluate(() => getComputedStyle(document.body).backgroundColor);
      const fg = await p.evaluate(() => getComputedStyle(document.body).color);
      assert.equal(bg, name === 'dark' ? 'rgb(30, 30, 30)' : 'rgb(0, 0, 0)');
      assert.equal(fg, name === 'dark' ? 'rgb(204, 204, 204)' : 'rgb(255, 255, 255)');
      await p.screenshot({ path: path.join(ROOT, 'bench', '.data', `preview-${name}.png`), fullPage: true });
      await p.close();
    }
  });

  it('renders 100 000 rows virtualised: the first render stays under a second and scrolling shows later rows', async (t) => {
    if (!browser) return t.skip(`chromium not installed at ${CHROMIUM}`);
    const rows = Array.from({ length: 100000 }, (_, i) => `<record><row><source_ip>10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}</source_ip><count>${(i % 97) + 1}</count><policy_evaluated><disposition>none</disposition><dkim>${i % 5 ? 'pass' : 'fail'}</dkim><spf>fail</spf></policy_evaluated></row><identifiers><header_from>example.com</header_from></identifiers><auth_results><dkim><domain>example.com</domain><result>${i % 5 ? 'pass' : 'fail'}</result></dkim></auth_results></record>`);
    const xml = `<feedback><report_metadata><org_name>big</org_name><report_id>1</report_id><date_range><begin>1767225600</begin><end>1767311999</end></date_range></report_metadata><policy_published><domain>example.com</domain><p>none</p></policy_published>${rows.join('')}</feedback>`;
    const { reports, failures } = readReports(Buffer.from(xml), 'big.xml');
    const p = await browser.newPage();
    await p.addInitScript(() => window.addEventListener('message', (e: MessageEvent) => e.data?.type === 'ready' && ((window as unknown as { __ready: unknown }).__ready = e.data)));
    const t0 = Date.now();
    const url = page('big', previewModel(reports, failures));
    const html = pages.get('/big.html')!;
    await p.goto(url);
    const msg = (await (await p.waitForFunction(() => (window as unknown as { __ready?: unknown }).__ready)).jsonValue()) as { records: number; renderMs: number; parseMs: number; sinceNavigationMs: number };
    const wall = Date.now() - t0;
    assert.equal(msg.records, 100000);
    assert.ok(await p.locator('#records tbody tr').count() < 200, 'only the rows in view are in the DOM');
    console.log(`[preview] 100 000 rows (${(html.length / 1e6).toFixed(1)} MB page): model parse ${msg.parseMs} ms + render ${msg.renderMs} ms; ${msg.sinceNavigationMs} ms after navigation start (page load included), ${wall} ms seen by the test`);
    assert.ok(msg.renderMs < 1000, `render took ${msg.renderMs} ms`);
    // 100 000 sources: the first 100 services and 50 failing sources are listed, the others counted.
    assert.equal(await p.locator('#services tbody tr').count(), 100);
    assert.equal(await p.textContent('#services-more'), '… and 99,900 more with less mail (every record is in the records table below).');
    assert.equal(await p.textContent('#failing-more'), '… and 19,950 more failing sources with less mail.');
    await p.evaluate(() => {
      const v = document.getElementById('viewport')!;
      v.scrollTop = 24 * 50000;
      v.dispatchEvent(new Event('scroll'));
    });
    await p.waitForTimeout(100);
    const first = Number(await p.getAttribute('#records tbody tr:first-child', 'aria-rowindex'));
    assert.ok(first > 49000 && first < 50100, `first visible row ${first}`);
    await p.fill('#filter', '10.1.134.');
    assert.equal(await p.textContent('#shown'), '160 of 100,000 records');
  });

  it('the CLI writes one self-contained HTML file that renders with no network request', async (t) => {
    if (!browser) return t.skip(`chromium not installed at ${CHROMIUM}`);
    const r = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'report', path.join(ROOT, 'examples', 'reports'), '--format', 'html'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    pages.set('/export.html', r.stdout);
    const p = await browser.newPage();
    const requests: string[] = [];
    p.on('request', (req: { url(): string }) => requests.push(req.url()));
    await p.goto(`${base}/export.html`);
    await p.waitForSelector('#records tbody tr');
    assert.match(await p.textContent('#summary'), /2,156 messages, DMARC pass 85\.3%/);
    assert.deepEqual(requests, [`${base}/export.html`]);
  });

  it('treats every report field as data: injection payloads execute nothing', async (t) => {
    if (!browser) return t.skip(`chromium not installed at ${CHROMIUM}`);
    const evil = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
    const esc = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
    const xml = `<?xml version="1.0"?><feedback><report_metadata><org_name>${esc(evil)}</org_name><report_id>${esc(evil)}</report_id></report_metadata><policy_published><domain>${esc(evil)}</domain><p>none</p></policy_published><record><row><source_ip>192.0.2.1</source_ip><count>1</count><policy_evaluated><disposition>none</disposition><dkim>fail</dkim><spf>fail</spf></policy_evaluated></row><identifiers><header_from>${esc(evil)}</header_from></identifiers><auth_results><dkim><domain>${esc(evil)}</domain><selector>${esc(evil)}</selector><result>fail</result><human_result>${esc(evil)}</human_result></dkim></auth_results></record></feedback>`;
    const { reports, failures } = readReports(Buffer.from(xml), 'evil.xml');
    const p = await browser.newPage();
    await p.goto(page('evil', { ...previewModel(reports, failures), verdict: evil }));
    await p.waitForSelector('#records tbody tr');
    await p.waitForTimeout(200);
    assert.equal(await p.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned), undefined);
    assert.equal(await p.locator('#app img, #app script').count(), 0);
    assert.match(await p.textContent('#summary'), /<img src=x onerror/);
  });

  it('says why nothing could be shown instead of a blank panel', async (t) => {
    if (!browser) return t.skip(`chromium not installed at ${CHROMIUM}`);
    const { reports, failures } = readReports(Buffer.from('<html/>'), 'page.xml');
    const p = await browser.newPage();
    await p.goto(page('empty', previewModel(reports, failures)));
    await p.waitForSelector('.failure');
    assert.match(await p.textContent('.failure'), /page\.xml: not a DMARC aggregate report: the root element is <html>/);
  });

  it('shows failure reports: alone, as the page, and below the aggregate ones', async (t) => {
    if (!browser) return t.skip(`chromium not installed at ${CHROMIUM}`);
    const ruf = (ip: string, subject: string) =>
      `From: dmarc@receiver.example\nContent-Type: multipart/report; report-type=feedback-report; boundary="b"\n\n--b\nContent-Type: message/feedback-report\n\nFeedback-Type: auth-failure\nUser-Agent: Receiver/2.0\nAuth-Failure: dmarc\nArrival-Date: Tue, 5 Oct 2021 06:36:52 +0000\nSource-IP: ${ip}\nReported-Domain: northwind.example\n--b\nContent-Type: text/rfc822-headers\n\nFrom: Billing <billing@northwind.example>\nSubject: ${subject}\n--b--\n`;
    const forensic = [ruf('203.0.113.9', 'Invoice <b>overdue</b>'), ruf('198.51.100.4', 'Your account')].flatMap((m, i) => readReports(Buffer.from(m), `ruf${i}.eml`).failureReports);
    const p = await browser.newPage();
    const errors: string[] = [];
    p.on('pageerror', (e: Error) => errors.push(e.message));
    await p.goto(page('ruf', previewModel([], [], forensic)));
    await p.waitForSelector('#failure tbody tr');
    assert.equal(await p.textContent('h1'), 'DMARC failure reports for northwind.example');
    const cells = await p.$$eval('#failure tbody tr:first-child td', (tds: Element[]) => tds.map((td) => td.textContent));
    assert.deepEqual(cells, ['2021-10-05 06:36', '203.0.113.9', 'northwind.example', 'dmarc', '—', 'Billing <billing@northwind.example>', 'Invoice <b>overdue</b>', 'Receiver/2.0']);
    assert.equal(await p.locator('#app b').count(), 0);
    // Beside an aggregate report: its own section, after the records.
    const { reports, failures } = exampleReport();
    await p.goto(page('mixed', previewModel(reports, failures, forensic)));
    await p.waitForSelector('#failure-reports');
    assert.match(await p.textContent('#failure-reports h2'), /Failure reports \(2\)/);
    assert.match(await p.textContent('#summary'), /2,156 messages/);
    assert.deepEqual(errors, []);
  });
});
