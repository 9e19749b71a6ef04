/**
 * The report preview's front end: plain DOM, no Node APIs. It renders the model the language server
 * read (posted by the extension, or embedded as JSON for the browser tests) and filters it as the
 * user types. It posts `{ type: 'ready', … }` back once rendered, so tests can see what was shown.
 */
interface Dkim { domain: string; selector?: string; result: string }
interface Spf { domain: string; result: string }
interface RecordRow { sourceIp: string; count: number; disposition: string; dkim: string; spf: string; headerFrom: string; dkimResults: Dkim[]; spfResults: Spf[] }
interface Report { origin: string; schema: string; metadata: { orgName: string; reportId: string; begin?: number; end?: number }; policy: { domain: string; p?: string }; records: RecordRow[]; problems: string[] }
interface Summary { reports: number; messages: number; passRate: number; begin?: number; end?: number; reporters: string[]; domains: string[]; failingSources: { sourceIp: string; messages: number; headerFrom: string; dkimDomains: string[]; spfDomains: string[] }[] }
interface Model { summary: Summary; reports: Report[]; failures: { origin: string; message: string }[]; verdict?: string }

declare function acquireVsCodeApi(): { postMessage(m: unknown): void };
const vscode = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : { postMessage: (m: unknown) => window.parent?.postMessage(m, '*') };

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

const day = (t?: number) => (t ? new Date(t * 1000).toISOString().slice(0, 10) : '?');
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function render(model: Model): void {
  const root = document.getElementById('app')!;
  root.replaceChildren();
  const s = model.summary;
  if (s.reports === 0) {
    root.append(el('h1', {}, 'No DMARC aggregate report could be read'), ...model.failures.map((f) => el('p', { class: 'failure' }, `${f.origin}: ${f.message}`)));
    vscode.postMessage({ type: 'ready', reports: 0, failures: model.failures.length });
    return;
  }
  root.append(
    el('h1', {}, `DMARC aggregate report${s.reports > 1 ? 's' : ''} for ${s.domains.join(', ')}`),
    el('p', { id: 'summary' }, `${s.reports} report${s.reports > 1 ? 's' : ''} from ${s.reporters.join(', ')}, ${day(s.begin)} to ${day(s.end)}: ${s.messages.toLocaleString('en-US')} messages, DMARC pass ${pct(s.passRate)}`),
  );
  if (model.verdict) root.append(el('p', { id: 'verdict', class: 'verdict' }, model.verdict));
  if (s.failingSources.length) {
    const t = el('table', { id: 'failing' }, el('tr', {}, el('th', {}, 'Failing source'), el('th', {}, 'Messages'), el('th', {}, 'Share'), el('th', {}, 'DKIM d='), el('th', {}, 'SPF domain')));
    for (const f of s.failingSources.slice(0, 50)) t.append(el('tr', {}, el('td', {}, f.sourceIp), el('td', { class: 'n' }, String(f.messages)), el('td', { class: 'n' }, pct(f.messages / s.messages)), el('td', {}, f.dkimDomains.join(', ') || '—'), el('td', {}, f.spfDomains.join(', ') || '—')));
    root.append(el('h2', {}, 'Sources failing DMARC'), t);
  }
  const filter = el('input', { id: 'filter', type: 'search', placeholder: 'Filter by IP, domain or result' });
  const table = el('table', { id: 'records' }, el('tr', {}, el('th', {}, 'Source IP'), el('th', {}, 'Count'), el('th', {}, 'Disposition'), el('th', {}, 'DKIM'), el('th', {}, 'SPF'), el('th', {}, 'Header From'), el('th', {}, 'Auth results'), el('th', {}, 'Reporter')));
  const rows: { tr: HTMLTableRowElement; text: string }[] = [];
  for (const r of model.reports)
    for (const rec of [...r.records].sort((a, b) => b.count - a.count)) {
      const auth = [...rec.dkimResults.map((d) => `dkim ${d.domain}${d.selector ? `/${d.selector}` : ''} ${d.result}`), ...rec.spfResults.map((x) => `spf ${x.domain} ${x.result}`)].join('; ');
      const tr = el('tr', { class: rec.dkim === 'pass' || rec.spf === 'pass' ? 'pass' : 'fail' }, el('td', {}, rec.sourceIp), el('td', { class: 'n' }, String(rec.count)), el('td', {}, rec.disposition), el('td', {}, rec.dkim), el('td', {}, rec.spf), el('td', {}, rec.headerFrom), el('td', {}, auth), el('td', {}, r.metadata.orgName));
      rows.push({ tr, text: tr.textContent!.toLowerCase() });
      table.append(tr);
    }
  filter.addEventListener('input', () => {
    const q = filter.value.toLowerCase().trim();
    let shown = 0;
    for (const r of rows) {
      const on = q === '' || r.text.includes(q);
      r.tr.style.display = on ? '' : 'none';
      if (on) shown++;
    }
    document.getElementById('shown')!.textContent = `${shown} of ${rows.length} records`;
  });
  root.append(el('h2', {}, 'Records'), filter, el('span', { id: 'shown' }, `${rows.length} of ${rows.length} records`), table);
  const problems = [...model.reports.flatMap((r) => r.problems.map((p) => `${r.origin}: ${p}`)), ...model.failures.map((f) => `${f.origin}: ${f.message}`)];
  if (problems.length) root.append(el('h2', {}, 'Notes'), el('ul', { id: 'notes' }, ...problems.map((p) => el('li', {}, p))));
  vscode.postMessage({ type: 'ready', reports: s.reports, records: rows.length, messages: s.messages, passRate: s.passRate });
}

window.addEventListener('message', (e: MessageEvent) => {
  if (e.data?.type === 'model') render(e.data.model as Model);
});
const embedded = document.getElementById('model');
if (embedded?.textContent?.trim()) render(JSON.parse(embedded.textContent) as Model);
