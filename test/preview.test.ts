/** The report preview page in headless Chromium (Debian chromium, driven by playwright-core). */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { previewHtml } from '../client/src/previewHtml';
import { readReports, summarize } from '../server/src/reports/aggregate';
import { verdict } from '../server/src/rollout';
import { ROOT } from './helpers';

const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

describe('report preview in Chromium', () => {
  let server: http.Server;
  let base = '';
  const pages = new Map<string, string>();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let browser: any;

  before(async () => {
    if (!fs.existsSync(CHROMIUM)) return;
    server = http.createServer((req, res) => {
      if (req.url === '/webview.js') {
        res.setHeader('content-type', 'text/javascript');
        res.end(fs.readFileSync(path.join(ROOT, 'dist', 'webview.js')));
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

  const page = (name: string, model: unknown) => {
    pages.set(`/${name}.html`, previewHtml({ scriptUri: `${base}/webview.js`, cspSource: base, nonce: 'n0nce', model }));
    return `${base}/${name}.html`;
  };

  it('renders the summary, the verdict, failing sources and records, and filters them', async (t) => {
    if (!browser) return t.skip(`chromium not installed at ${CHROMIUM} (bash scripts/install-e2e.sh)`);
    const file = path.join(ROOT, 'examples', 'reports', 'google.com!northwind.example!1764028800!1764115199.xml');
    const { reports, failures } = readReports(fs.readFileSync(file), path.basename(file));
    const summary = summarize(reports);
    const p = await browser.newPage();
    const errors: string[] = [];
    p.on('pageerror', (e: Error) => errors.push(e.message));
    await p.goto(page('example', { summary, reports, failures, verdict: verdict(summary) }));
    await p.waitForSelector('#records');
    assert.match(await p.textContent('#summary'), /1 report from google\.com, 2025-11-25 to 2025-11-25: 2,156 messages, DMARC pass 85\.3%/);
    assert.match(await p.textContent('#verdict'), /Not yet: 1 source still fails DMARC .*198\.2\.129\.12/);
    assert.equal(await p.locator('#failing tr').count(), 3);
    assert.equal(await p.textContent('#shown'), '3 of 3 records');
    await p.fill('#filter', 'mcsv');
    assert.equal(await p.textContent('#shown'), '1 of 3 records');
    assert.equal(await p.locator('#records tr.fail:visible').count(), 1);
    assert.deepEqual(errors, []);
    await p.screenshot({ path: path.join(ROOT, 'bench', '.data', 'preview.png') }).catch(() => undefined);
  });

  it('treats every report field as data: injection payloads execute nothing', async (t) => {
    if (!browser) return t.skip(`chromium not installed at ${CHROMIUM}`);
    const evil = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
    const esc = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
    const xml = `<?xml version="1.0"?><feedback><report_metadata><org_name>${esc(evil)}</org_name><report_id>${esc(evil)}</report_id></report_metadata><policy_published><domain>${esc(evil)}</domain><p>none</p></policy_published><record><row><source_ip>192.0.2.1</source_ip><count>1</count><policy_evaluated><disposition>none</disposition><dkim>fail</dkim><spf>fail</spf></policy_evaluated></row><identifiers><header_from>${esc(evil)}</header_from></identifiers><auth_results><dkim><domain>${esc(evil)}</domain><selector>${esc(evil)}</selector><result>fail</result><human_result>${esc(evil)}</human_result></dkim></auth_results></record></feedback>`;
    const { reports, failures } = readReports(Buffer.from(xml), 'evil.xml');
    const p = await browser.newPage();
    await p.goto(page('evil', { summary: summarize(reports), reports, failures, verdict: evil }));
    await p.waitForSelector('#records');
    await p.waitForTimeout(200);
    assert.equal(await p.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned), undefined);
    assert.equal(await p.locator('#app img, #app script').count(), 0);
    assert.match(await p.textContent('#summary'), /<img src=x onerror/);
  });

  it('says why nothing could be shown instead of a blank panel', async (t) => {
    if (!browser) return t.skip(`chromium not installed at ${CHROMIUM}`);
    const { reports, failures } = readReports(Buffer.from('<html/>'), 'page.xml');
    const p = await browser.newPage();
    await p.goto(page('empty', { summary: summarize(reports), reports, failures }));
    await p.waitForSelector('.failure');
    assert.match(await p.textContent('.failure'), /page\.xml: not a DMARC aggregate report: the root element is <html>/);
  });
});
