/**
 * The report preview's front end: plain DOM, no Node APIs, no innerHTML (every report field is set
 * as text). It renders the engine's preview model (posted by the extension, or embedded as JSON for
 * the CLI's HTML export and the browser tests): summary, published policy, verdict, a chart of volume
 * and pass rate by day, sending services, failing sources, a virtualised records table that sorts
 * and filters 100 000 rows, and the DMARC failure reports (RFC 9991) read beside the aggregate ones.
 * It posts `{ type: 'ready', … }` back once rendered.
 */
type Row = [string, number, string, string, string, string, string, string, string, number];
interface Tally { messages: number; pass: number }
interface Service extends Tally { service: string; provider?: string; sources: number; dkimPass: number; dkimAligned: number; spfPass: number; spfAligned: number; publish?: string; published?: string; spf?: string }
interface Stats { messages: number; dmarcPass: number; both: number; spfOnly: number; dkimOnly: number; neither: number; byDay: (Tally & { day: string })[]; byService: Service[]; byHeaderFrom: (Tally & { domain: string })[]; dispositions: Record<string, number>; overrides: Record<string, number>; disagreementCount: number; disagreements: { sourceIp: string; reporter: string; count: number; reported: { dkim: string; spf: string }; computed: { dkim: string; spf: string } }[] }
interface Summary { reports: number; messages: number; passRate: number; begin?: number; end?: number; reporters: string[]; domains: string[]; failingSources: { sourceIp: string; messages: number; headerFrom: string; dkimDomains: string[]; spfDomains: string[]; aside?: 'not ours' | 'forwarded' }[] }
interface Report { origin: string; schema: string; orgName: string; reportId: string; begin?: number; end?: number; policy: Record<string, string | number | undefined>; records: number; problems: string[] }
/** [arrival (unix s), source IP, reported domains, what failed, MAIL FROM, From, Subject, reporter, origin] */
type Failure = [number | null, string, string, string, string, string, string, string, string];
/** What the filter bar offers (every policy domain, the whole span) and what is shown (`applied`). */
interface Scope { domains: string[]; begin?: number; end?: number; applied: { domains?: string[]; since?: number; until?: number }; leftOut: number }
interface Model { /** The share of the mail above which a failing source holds back the next policy stage. */ blockingShare?: number; /** Policy domains at the last stage (p=reject, enforced). */ atLastStage?: string[]; more?: { services: number; failingSources: number }; scope?: Scope; hosts?: Record<string, { name: string; confirmed: boolean; platform?: string }>; /** Where the model's SPF verdicts on unnamed sources came from (a saved `report --hosts` page: the workspace, then DNS). */ verdictsFrom?: string; summary: Summary; stats?: Stats; reports: Report[]; rows: Row[]; failures: { origin: string; message: string }[]; failureReports?: Failure[]; verdict?: string; verdicts?: { domain: string; messages: number; text: string }[]; duplicates?: { origin: string; message: string }[] }

declare function acquireVsCodeApi(): { postMessage(m: unknown): void };
/** In VS Code the page has a host that reads the reports again for another domain or span; a saved HTML page has not. */
const hosted = typeof acquireVsCodeApi === 'function';
const vscode = hosted ? acquireVsCodeApi() : { postMessage: (m: unknown) => window.parent?.postMessage(m, '*') };

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

const SVG = 'http://www.w3.org/2000/svg';
function svg(tag: string, attrs: Record<string, string | number>, ...children: Node[]): SVGElement {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  for (const c of children) e.append(c);
  return e;
}

/** A codicon (shown when the page has VS Code's icon font; hidden otherwise, the text says it all). */
const icon = (name: string) => el('span', { class: `codicon codicon-${name}`, 'aria-hidden': 'true' });

const day = (t?: number) => (t ? new Date(t * 1000).toISOString().slice(0, 10) : '?');
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const num = (n: number) => n.toLocaleString('en-US');
/** The most domains whose verdicts are listed; the rest are counted. */
const MAX_VERDICTS = 10;
const share = (part: number, whole: number) => (whole ? pct(part / whole) : '—');

function table(id: string, head: string[], rows: (string | Node)[][], numeric: number[] = []): HTMLTableElement {
  const t = el('table', { id }, el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { scope: 'col' }, h)))));
  const body = el('tbody');
  for (const r of rows) body.append(el('tr', {}, ...r.map((c, i) => el('td', numeric.includes(i) ? { class: 'n' } : {}, c))));
  t.append(body);
  return t;
}

/** A bar of the chart: the days it covers (`from`..`to`, UTC) and their mail; `empty` when no report covers them. */
interface Bucket extends Tally {
  from: string;
  to: string;
  empty: boolean;
}

/**
 * The days of the reports as a time line: every day from the first to the last (a day no report covers
 * is a gap, not left out, so the spacing says how time went), by week over more than three months and by
 * month over more than a year and three quarters, so a span of years stays a readable chart.
 */
function timeline(days: (Tally & { day: string })[]): { unit: 'day' | 'week' | 'month'; buckets: Bucket[] } {
  const byDay = new Map(days.map((d) => [d.day, d]));
  const t = (d: string) => Date.parse(`${d}T00:00:00Z`);
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const sorted = [...byDay.keys()].sort();
  if (!sorted.length) return { unit: 'day', buckets: [] };
  const first = t(sorted[0]);
  const last = t(sorted[sorted.length - 1]);
  const n = Math.round((last - first) / 864e5) + 1;
  // Over more than thirty years (a reporter's date far in the future: the reader takes any time a date can hold), only the days with mail, side by side.
  if (n > 30 * 366) return { unit: 'day', buckets: sorted.map((d) => ({ from: d, to: d, messages: byDay.get(d)!.messages, pass: byDay.get(d)!.pass, empty: false })) };
  const unit = n <= 92 ? 'day' : n <= 644 ? 'week' : 'month';
  // Where the bucket of a day starts: the day, its week's Monday, or its month's first day.
  const start = (ms: number) => {
    if (unit === 'day') return ms;
    const d = new Date(ms);
    return unit === 'week' ? ms - ((d.getUTCDay() + 6) % 7) * 864e5 : Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  };
  const buckets: Bucket[] = [];
  let current: Bucket | undefined;
  let currentStart = Number.NaN;
  for (let ms = first; ms <= last; ms += 864e5) {
    const s0 = start(ms);
    if (s0 !== currentStart) {
      currentStart = s0;
      current = { from: iso(ms), to: iso(ms), messages: 0, pass: 0, empty: true };
      buckets.push(current);
    }
    current!.to = iso(ms);
    const d = byDay.get(iso(ms));
    if (d) {
      current!.messages += d.messages;
      current!.pass += d.pass;
      current!.empty = false;
    }
  }
  return { unit, buckets };
}

/** Volume per day (week, month) as bars, the DMARC pass rate as a line (0–100 %), broken where no report covers the time. */
function chart(days: (Tally & { day: string })[]): Element {
  const W = 720;
  const H = 160;
  const pad = 28;
  const { unit, buckets } = timeline(days);
  const max = Math.max(1, ...buckets.map((d) => d.messages));
  const bw = Math.min(56, (W - 2 * pad) / Math.max(1, buckets.length));
  const span = (d: Bucket) => (d.from === d.to ? d.from : `${d.from} to ${d.to}`);
  const tip = (d: Bucket) => svg('title', {}, document.createTextNode(d.empty ? `${span(d)}: no report` : `${span(d)}: ${num(d.messages)} messages, DMARC pass ${share(d.pass, d.messages)}`));
  const bars = buckets.flatMap((d, i) => {
    if (d.empty) return [];
    const h = ((H - 2 * pad) * d.messages) / max;
    return [svg('rect', { x: pad + i * bw + bw * 0.1, y: H - pad - h, width: Math.max(1, bw * 0.8), height: h, class: 'bar' }, tip(d))];
  });
  const y = (d: Tally) => H - pad - (H - 2 * pad) * (d.messages ? d.pass / d.messages : 0);
  // The rate line runs through the buckets with mail; a stretch with none breaks it.
  const runs: string[][] = [];
  let run: string[] | undefined;
  buckets.forEach((d, i) => {
    if (d.empty || d.messages === 0) run = undefined;
    else {
      if (!run) runs.push((run = []));
      run.push(`${pad + i * bw + bw / 2},${y(d)}`);
    }
  });
  const lines = runs.map((points) => svg('polyline', { points: points.join(' '), class: 'rate', fill: 'none' }));
  // A dot per bucket when they are few; else only where the line has no length (a bucket with mail between gaps).
  const alone = (i: number) => !(buckets[i - 1] && !buckets[i - 1].empty && buckets[i - 1].messages) && !(buckets[i + 1] && !buckets[i + 1].empty && buckets[i + 1].messages);
  const dots = buckets.flatMap((d, i) => (d.empty || d.messages === 0 || (buckets.length > 62 && !alone(i)) ? [] : [svg('circle', { cx: pad + i * bw + bw / 2, cy: y(d), r: buckets.length > 62 ? 2 : 3, class: 'ratedot' }, tip(d))]));
  const label = (x: number, y: number, text: string, anchor = 'start') => svg('text', { x, y, 'text-anchor': anchor, class: 'axis' }, document.createTextNode(text));
  const firstDay = buckets[0]?.from ?? '';
  const lastDay = buckets[buckets.length - 1]?.to ?? '';
  return svg(
    'svg',
    { id: 'chart', 'data-unit': unit, viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `Messages and DMARC pass rate per ${unit}, ${firstDay} to ${lastDay}` },
    svg('line', { x1: pad, y1: H - pad, x2: W - pad, y2: H - pad, class: 'axisline' }),
    ...bars,
    ...lines,
    ...dots,
    label(pad, H - 8, firstDay),
    label(W - pad, H - 8, lastDay, 'end'),
    label(pad, pad - 10, `${num(max)} messages${unit === 'day' ? '' : ` a ${unit}`}`),
    label(W - pad, pad - 10, 'pass rate 0–100 %', 'end'),
  );
}

/** Host names of the source addresses (PTR; confirmed when the name's A/AAAA records hold the address again), sent by the host after it renders. */
const hostNames = new Map<string, { name: string; confirmed: boolean; platform?: string }>();
const hostText = (ip: string) => {
  const h = hostNames.get(ip);
  return h ? `${h.name}${h.platform ? ` (${h.platform})` : ''}${h.confirmed ? '' : ' (unconfirmed)'}` : '';
};
/** A source address, with its host name once known (filled in place when the names arrive). */
/** Whether a failing source holds back the next policy stage, as the rollout counts it. */
function stageEffect(f: Summary['failingSources'][number], messages: number, share = 0.02, last: readonly string[] = []): string {
  if (f.aside === 'not ours') return 'not counted: not yours (reports.notOurs in .dmarc-lens.json)';
  if (f.aside === 'forwarded') return 'not counted: forwarded mail, the receivers said';
  // Its From domain's policy is already p=reject, enforced: nothing to hold back, its mail is rejected.
  const from = f.headerFrom.toLowerCase().replace(/\.$/, '');
  if (last.some((d) => from === d || from.endsWith(`.${d}`))) return 'none: at p=reject its mail is rejected (authorise it if it is yours)';
  return f.messages / messages > share ? 'holds it back' : `not counted: ${share * 100}% of the mail or less`;
}

/** The stage column's cell; in the editor, with "Not ours…" for a source not set aside, which lists it in reports.notOurs. */
function stageCell(f: Summary['failingSources'][number], messages: number, share?: number, last?: readonly string[]): string | HTMLElement {
  const text = stageEffect(f, messages, share, last);
  if (!hosted || f.aside || !f.sourceIp) return text;
  const b = el('button', { type: 'button', class: 'not-ours', 'data-not-ours': f.sourceIp, 'aria-label': `Not ours: ${f.sourceIp}`, title: `You have checked that ${f.sourceIp} is not yours (spoofing, a forwarder): add it to reports.notOurs in .dmarc-lens.json, and its failing mail no longer holds back the next policy stage` }, 'Not ours…');
  b.addEventListener('click', () => vscode.postMessage({ type: 'notOurs', ip: f.sourceIp }));
  return el('span', {}, text, ' ', b);
}

function sourceCell(ip: string): HTMLElement {
  const h = hostText(ip);
  return el('span', { 'data-ip': ip }, ip || '—', el('span', { class: 'host' }, h ? ` ${h}` : ''));
}
/** The records table of the page shown, to repaint when host names arrive. */
let shownRecords: { refreshHosts: () => void } | undefined;

const COLS = ['Source IP', 'Count', 'Disposition', 'DKIM', 'SPF', 'Header From', 'Auth results', 'Reporter', 'Service'];
const WIDTHS = [12, 7, 8, 6, 6, 13, 26, 12, 10];
const colgroup = () => el('colgroup', {}, ...WIDTHS.map((w) => el('col', { style: `width:${w}%` })));
const ROW_H = 24;

/** The records table: only the rows in view are in the DOM; sorting and filtering work on indexes. */
function recordsTable(rows: Row[]): { root: HTMLElement; count: () => number; refreshHosts: () => void } {
  const textOf = (r: Row) => `${r[0]} ${hostText(r[0])} ${r[2]} ${r[3]} ${r[4]} ${r[5]} ${r[6]} ${r[7]} ${r[8]}`.toLowerCase();
  let text = rows.map(textOf);
  let order = rows.map((_, i) => i);
  let view = order;
  let sortCol = 1;
  let desc = true;
  const filter = el('input', { id: 'filter', type: 'search', placeholder: 'Filter by IP, domain, service or result', 'aria-label': 'Filter records' });
  const shown = el('span', { id: 'shown', role: 'status' });
  const head = el('tr', {});
  const buttons = COLS.map((c, i) => {
    const b = el('button', { type: 'button', class: 'sort', 'data-col': String(i) }, c);
    b.addEventListener('click', () => {
      if (sortCol === i) desc = !desc;
      else {
        sortCol = i;
        desc = i === 1;
      }
      sort();
    });
    head.append(el('th', { scope: 'col', 'aria-sort': 'none' }, b));
    return b;
  });
  const body = el('tbody');
  const headTable = el('table', { id: 'records-head', class: 'fixed' }, colgroup(), el('thead', {}, head));
  const t = el('table', { id: 'records', class: 'fixed', role: 'grid', 'aria-rowcount': String(rows.length) }, colgroup(), body);
  const spacer = el('div', { class: 'spacer' });
  const viewport = el('div', { id: 'viewport', tabindex: '0', 'aria-label': 'Records; arrow keys and Page Up/Down scroll' }, spacer, t);
  const paint = () => {
    const first = Math.max(0, Math.floor(viewport.scrollTop / ROW_H) - 5);
    const count = Math.ceil(viewport.clientHeight / ROW_H) + 10;
    spacer.style.height = `${view.length * ROW_H + ROW_H}px`;
    viewport.style.height = `${Math.max(3 * ROW_H, Math.min(window.innerHeight * 0.6, (view.length + 1) * ROW_H + 2))}px`;
    t.style.transform = `translateY(${first * ROW_H}px)`;
    const frag = document.createDocumentFragment();
    for (let k = first; k < Math.min(view.length, first + count); k++) {
      const r = rows[view[k]];
      const tr = el('tr', { class: r[9] & 1 ? 'pass' : 'fail', 'aria-rowindex': String(k + 2) });
      if (r[9] & 2) tr.classList.add('disagree');
      for (let c = 0; c < 9; c++) tr.append(el('td', c === 1 ? { class: 'n' } : {}, c === 0 ? sourceCell(r[0]) : c === 1 ? num(r[1]) : String(r[c] || (c === 8 ? '' : '—'))));
      frag.append(tr);
    }
    body.replaceChildren(frag);
  };
  const apply = () => {
    const q = filter.value.toLowerCase().trim();
    view = q ? order.filter((i) => text[i].includes(q)) : order;
    shown.textContent = `${num(view.length)} of ${num(rows.length)} records`;
    viewport.scrollTop = 0;
    paint();
  };
  const sort = () => {
    const c = sortCol;
    const dir = desc ? -1 : 1;
    order = rows.map((_, i) => i).sort((a, b) => {
      const x = rows[a][c];
      const y = rows[b][c];
      return (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), 'en', { numeric: true })) * dir || a - b;
    });
    buttons.forEach((b, i) => b.parentElement!.setAttribute('aria-sort', i === c ? (desc ? 'descending' : 'ascending') : 'none'));
    apply();
  };
  viewport.addEventListener('scroll', () => requestAnimationFrame(paint));
  viewport.addEventListener('keydown', (e) => {
    const step = { ArrowDown: ROW_H, ArrowUp: -ROW_H, PageDown: viewport.clientHeight, PageUp: -viewport.clientHeight }[e.key];
    if (step !== undefined) {
      viewport.scrollTop += step;
      e.preventDefault();
    }
  });
  filter.addEventListener('input', apply);
  buttons[1].parentElement!.setAttribute('aria-sort', 'descending');
  const tools = el('div', { class: 'tools' }, icon('filter'), filter, shown);
  // In VS Code: the records of the reports shown (every one, not only the rows filtered here) saved as CSV, as `report --format csv` writes them.
  if (hosted) {
    const save = el('button', { id: 'export-csv', type: 'button', title: 'Save every record of the reports shown as CSV (RFC 4180)' }, icon('save'), 'Export CSV');
    save.addEventListener('click', () => vscode.postMessage({ type: 'export' }));
    tools.append(save);
  }
  const root = el('section', { id: 'records-section' }, el('h2', {}, icon('list-flat'), 'Records'), tools, headTable, viewport);
  // The first paint needs the viewport's height: done once the section is in the document.
  requestAnimationFrame(apply);
  shown.textContent = `${num(rows.length)} of ${num(rows.length)} records`;
  // Host names arrived: the filter finds rows by them too; the rows in view show them, where they are.
  const refreshHosts = () => {
    text = rows.map(textOf);
    const q = filter.value.toLowerCase().trim();
    if (q) {
      view = order.filter((i) => text[i].includes(q));
      shown.textContent = `${num(view.length)} of ${num(rows.length)} records`;
    }
    paint();
  };
  return { root, count: () => view.length, refreshHosts };
}

/** The failure reports, newest first: one message each, as the receiver saw it. */
function failureSection(rows: Failure[]): HTMLElement {
  const when = (t: number | null) => (t === null ? '?' : new Date(t * 1000).toISOString().slice(0, 16).replace('T', ' '));
  return el(
    'section',
    { id: 'failure-reports' },
    el('h2', {}, icon('mail'), `Failure reports (${num(rows.length)})`),
    table('failure', ['Arrived (UTC)', 'Source IP', 'Domain', 'Failed', 'MAIL FROM', 'From', 'Subject', 'Reporter'], rows.slice(0, 500).map((f) => [when(f[0]), f[1] || '—', f[2] || '—', f[3], f[4] || '—', f[5] || '—', f[6] || '—', f[7] || '—']), []),
  );
}

const DAY = 86400;
/** The filter bar's control that asked for the model being rendered next, to be focused again. */
let refocus: string | undefined;
/** Puts the filter bar back as the page shows it (its controls were disabled while the host was asked). */
let restoreBar: (() => void) | undefined;
const bare = (d: string) => d.trim().toLowerCase().replace(/\.$/, '');
/** A date input's value (`YYYY-MM-DD`, UTC) as unix seconds: the day's first second, or with `end` its last. */
const dayValue = (v: string, end: boolean) => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? Date.parse(`${v}T00:00:00Z`) / 1000 + (end ? DAY - 1 : 0) : undefined);

/**
 * Which reports the page shows: a domain and a span of days. In VS Code, changing them asks the host to
 * read the reports again for that choice (the engine's totals, verdict and services, not a filter of
 * rows); a saved page only says what it was made of (`report --domain --since --until`).
 * Undefined when there is nothing to choose (one domain, one day) and nothing was chosen.
 */
function scopeBar(scope: Scope | undefined, shown: number): HTMLElement | undefined {
  if (!scope) return undefined;
  const a = scope.applied;
  const chosen = (a.domains?.length ?? 0) > 0 || a.since !== undefined || a.until !== undefined;
  const spans = scope.begin !== undefined && scope.end !== undefined && day(scope.begin) !== day(scope.end);
  if (!chosen && scope.domains.length <= 1 && !spans) return undefined;
  const status = el('span', { id: 'scope-status', role: 'status' }, chosen ? `${num(shown)} report${shown === 1 ? '' : 's'} shown, ${num(scope.leftOut)} outside this choice` : `all ${num(shown)} report${shown === 1 ? '' : 's'}`);
  if (!hosted) {
    const what = [a.domains?.length ? a.domains.join(', ') : 'all domains', a.since !== undefined && a.until !== undefined ? `${day(a.since)} to ${day(a.until)}` : a.since !== undefined ? `from ${day(a.since)}` : a.until !== undefined ? `up to ${day(a.until)}` : ''].filter(Boolean).join(', ');
    return el('p', { id: 'scope', class: 'note' }, icon('filter'), chosen ? `Showing ${what}: ` : '', status, chosen ? ' (dmarc-lens report --domain/--since/--until).' : '');
  }
  const wanted = (a.domains ?? []).map(bare);
  const domain = el('select', { id: 'scope-domain', 'aria-label': 'Policy domain' });
  domain.append(el('option', { value: '' }, `All domains (${num(scope.domains.length)})`));
  // A choice of several domains (made elsewhere) stays selectable as it is.
  if (wanted.length > 1) domain.append(el('option', { value: wanted.join(',') }, wanted.join(', ')));
  for (const d of scope.domains) domain.append(el('option', { value: d }, d));
  domain.value = wanted.join(',');
  const bounds = { min: scope.begin !== undefined ? day(scope.begin) : '', max: scope.end !== undefined ? day(scope.end) : '' };
  const dateInput = (id: string, label: string, t: number | undefined) => {
    const i = el('input', { id, type: 'date', 'aria-label': label, ...(bounds.min ? { min: bounds.min } : {}), ...(bounds.max ? { max: bounds.max } : {}) });
    i.value = t !== undefined ? day(t) : '';
    return i;
  };
  const since = dateInput('scope-since', 'Reports from (UTC)', a.since);
  const until = dateInput('scope-until', 'Reports to (UTC)', a.until);
  const reset = el('button', { id: 'scope-reset', type: 'button' }, 'Show all');
  reset.disabled = !chosen;
  const controls = [domain, since, until, reset];
  const ask = (next: { domains?: string[]; since?: number; until?: number }, from: HTMLElement) => {
    if (next.since !== undefined && next.until !== undefined && next.since > next.until) {
      status.textContent = 'The first day is after the last: no report can be in that span.';
      return;
    }
    // Disabled, the control loses the focus: the next rendering gives it back (render).
    refocus = from.id;
    const before = controls.map((c) => c.disabled);
    // If the host cannot answer, the bar goes back to what the page shows.
    restoreBar = () => {
      controls.forEach((c, i) => (c.disabled = before[i]));
      domain.value = wanted.join(',');
      since.value = a.since !== undefined ? day(a.since) : '';
      until.value = a.until !== undefined ? day(a.until) : '';
      from.focus();
    };
    for (const c of controls) c.disabled = true;
    status.textContent = 'Reading the reports…';
    vscode.postMessage({ type: 'filter', scope: next });
  };
  const current = () => {
    const next: { domains?: string[]; since?: number; until?: number } = {};
    if (domain.value) next.domains = domain.value.split(',');
    const from = dayValue(since.value, false);
    const to = dayValue(until.value, true);
    if (from !== undefined) next.since = from;
    if (to !== undefined) next.until = to;
    return next;
  };
  domain.addEventListener('change', () => ask(current(), domain));
  // `change` fires once a whole date is typed or picked (not on every keystroke); a cleared field drops the bound.
  since.addEventListener('change', () => ask(current(), since));
  until.addEventListener('change', () => ask(current(), until));
  // Show all is disabled once all is shown: the focus goes to the domain list.
  reset.addEventListener('click', () => ask({}, domain));
  return el('div', { id: 'scope', class: 'tools', role: 'group', 'aria-label': 'Reports shown' }, icon('filter'), el('label', { for: 'scope-domain' }, 'Domain '), domain, el('label', { for: 'scope-since' }, ' from '), since, el('label', { for: 'scope-until' }, ' to '), until, reset, ' ', status);
}

function notes(model: Model): void {
  const problems = [...model.reports.flatMap((r) => r.problems.map((p) => `${r.origin}: ${p}`)), ...model.failures.map((f) => `${f.origin}: ${f.message}`), ...(model.duplicates ?? []).map((d) => `${d.origin}: ${d.message}`)];
  if (problems.length) document.getElementById('app')!.append(el('h2', {}, 'Notes'), el('ul', { id: 'notes' }, ...problems.slice(0, 200).map((p) => el('li', {}, p))));
}

function render(model: Model, parseMs = 0): void {
  const started = performance.now();
  const root = document.getElementById('app')!;
  // A new model for another choice of the filter bar: the control used keeps the focus.
  const focused = refocus ?? document.activeElement?.id;
  refocus = undefined;
  restoreBar = undefined;
  root.replaceChildren();
  shownRecords = undefined;
  // A saved page (`report --hosts --format html`) carries the host names it was made with.
  learnHosts(model.hosts);
  const s = model.summary;
  const forensic = model.failureReports ?? [];
  const bar = scopeBar(model.scope, s.reports + forensic.length);
  if (focused) queueMicrotask(() => document.getElementById(focused)?.focus());
  if (s.reports === 0 && forensic.length === 0 && bar && (model.scope?.leftOut ?? 0) > 0) {
    root.append(el('h1', {}, 'No DMARC report for this choice'), bar, el('p', { id: 'summary' }, `None of the ${num(model.scope!.leftOut)} reports read is for this domain and span.`));
    notes(model);
    vscode.postMessage({ type: 'ready', reports: 0, failures: model.failures.length, leftOut: model.scope!.leftOut, scope: model.scope!.applied });
    return;
  }
  if (s.reports === 0 && forensic.length === 0) {
    root.append(el('h1', {}, 'No DMARC aggregate report could be read'), ...model.failures.map((f) => el('p', { class: 'failure' }, `${f.origin}: ${f.message}`)));
    vscode.postMessage({ type: 'ready', reports: 0, failures: model.failures.length });
    return;
  }
  if (s.reports === 0) {
    const domains = [...new Set(forensic.flatMap((f) => f[2].split(', ').filter(Boolean)))];
    root.append(
      el('h1', {}, `DMARC failure report${forensic.length > 1 ? 's' : ''} for ${domains.join(', ') || 'an unnamed domain'}`),
      ...(bar ? [bar] : []),
      el('p', { id: 'summary' }, `${num(forensic.length)} failure report${forensic.length > 1 ? 's' : ''} (RFC 9991): messages that failed authentication, one each, with what the receiver saw.`),
      failureSection(forensic),
    );
    notes(model);
    vscode.postMessage({ type: 'ready', reports: 0, failureReports: forensic.length, failures: model.failures.length, scope: model.scope?.applied });
    return;
  }
  root.append(
    el('h1', {}, `DMARC aggregate report${s.reports > 1 ? 's' : ''} for ${s.domains.join(', ')}`),
    ...(bar ? [bar] : []),
    el('p', { id: 'summary' }, `${s.reports} report${s.reports > 1 ? 's' : ''} from ${s.reporters.join(', ')}, ${day(s.begin)} to ${day(s.end)}: ${num(s.messages)} messages, DMARC pass ${pct(s.passRate)}`),
  );
  const policies = [...new Set(model.reports.map((r) => Object.entries(r.policy).filter(([k, v]) => k !== 'domain' && v !== undefined && v !== '').map(([k, v]) => `${k}=${v}`).join('; ')))];
  root.append(el('p', { id: 'policy' }, `Policy published: ${policies.slice(0, 3).join(' | ') || 'not given'}${policies.length > 3 ? ` (+${policies.length - 3} more)` : ''}`));
  if (model.verdict) root.append(el('p', { id: 'verdict', class: 'verdict' }, icon(/^Reports look clean/.test(model.verdict) ? 'pass' : 'warning'), model.verdict));
  // Reports for several domains: each domain's policy moves on its own reports.
  const vs = model.verdicts ?? [];
  if (vs.length) {
    const shown = vs.slice(0, MAX_VERDICTS);
    root.append(
      el(
        'div',
        { id: 'verdicts', class: 'verdict' },
        el('p', {}, `These reports cover ${vs.length} domains; each one's policy moves on its own reports:`),
        el('ul', {}, ...shown.map((v) => el('li', {}, icon(/^Reports look clean/.test(v.text) ? 'pass' : 'warning'), `${v.domain} (${num(v.messages)} message${v.messages === 1 ? '' : 's'}): ${v.text}`))),
        ...(vs.length > shown.length ? [el('p', {}, `… and ${vs.length - shown.length} more domains with less mail.`)] : []),
      ),
    );
  }
  const st = model.stats;
  if (st) {
    root.append(
      el('p', { id: 'breakdown' }, `Aligned SPF and DKIM ${share(st.both, st.messages)}, SPF only ${share(st.spfOnly, st.messages)}, DKIM only ${share(st.dkimOnly, st.messages)}, neither ${share(st.neither, st.messages)}. Dispositions: ${Object.entries(st.dispositions).map(([k, v]) => `${k} ${num(v)}`).join(', ')}${Object.keys(st.overrides).length ? `. Overrides: ${Object.entries(st.overrides).map(([k, v]) => `${k} ${num(v)}`).join(', ')}` : ''}.`),
    );
    if (st.byDay.length) root.append(el('h2', {}, icon('graph'), `Volume and DMARC pass rate by ${timeline(st.byDay).unit}`), chart(st.byDay));
    root.append(
      el('h2', {}, icon('server-process'), 'Sending services'),
      table(
        'services',
        ['Service', 'Sources', 'Messages', 'DMARC pass', 'DKIM pass', 'DKIM aligned', 'SPF pass', 'SPF aligned', 'To align'],
        // A source no platform names is its own address: its host name, once known, says more.
        st.byService.slice(0, 100).map((v) => [
          v.provider ? v.service : sourceCell(v.service),
          num(v.sources),
          num(v.messages),
          share(v.pass, v.messages),
          share(v.dkimPass, v.messages),
          share(v.dkimAligned, v.messages),
          share(v.spfPass, v.messages),
          share(v.spfAligned, v.messages),
          v.publish
            ? `publish ${v.publish}`
            : v.published
              ? `set up in the workspace now (${v.published}): mail sent since then should align`
              : !v.provider && v.spf
                ? spfAdvice(v.spf, model.verdictsFrom === 'dns' ? 'workspace and DNS' : 'workspace', v.pass < v.messages)
                : !v.provider
                  ? // The files could not tell: the host may ask DNS after the page is shown (showVerdicts).
                    el('span', { 'data-spf-for': v.service, 'data-failing': v.pass < v.messages ? '1' : '' }, v.pass < v.messages ? 'unknown source: authorise it if it is yours' : '')
                  : '',
        ]),
        [1, 2, 3, 4, 5, 6, 7],
      ),
    );
    const moreServices = (model.more?.services ?? st.byService.length) - Math.min(100, st.byService.length);
    if (moreServices > 0) root.append(el('p', { id: 'services-more', class: 'note' }, `… and ${num(moreServices)} more with less mail (every record is in the records table below).`));
    if (st.disagreementCount)
      root.append(el('p', { id: 'disagreements', class: 'note' }, `${num(st.disagreementCount)} record${st.disagreementCount === 1 ? '' : 's'} where the reporter's policy_evaluated disagrees with the alignment recomputed from auth_results and the published adkim/aspf (marked ⚑ in the table), e.g. ${st.disagreements.slice(0, 3).map((d) => `${d.sourceIp} from ${d.reporter}: reported dkim=${d.reported.dkim} spf=${d.reported.spf}, recomputed dkim=${d.computed.dkim} spf=${d.computed.spf}`).join('; ')}.`));
  }
  if (s.failingSources.length) {
    root.append(
      el('h2', {}, icon('error'), 'Sources failing DMARC'),
      table('failing', ['Failing source', 'Messages', 'Share', 'DKIM d=', 'SPF domain', 'Next policy stage'], s.failingSources.slice(0, 50).map((f) => [sourceCell(f.sourceIp), num(f.messages), pct(f.messages / s.messages), f.dkimDomains.join(', ') || '—', f.spfDomains.join(', ') || '—', stageCell(f, s.messages, model.blockingShare, model.atLastStage)]), [1, 2]),
    );
    const moreFailing = (model.more?.failingSources ?? s.failingSources.length) - Math.min(50, s.failingSources.length);
    if (moreFailing > 0) root.append(el('p', { id: 'failing-more', class: 'note' }, `… and ${num(moreFailing)} more failing sources with less mail.`));
  }
  const records = recordsTable(model.rows);
  shownRecords = records;
  root.append(records.root);
  if (forensic.length) root.append(failureSection(forensic));
  notes(model);
  requestAnimationFrame(() => vscode.postMessage({ type: 'ready', reports: s.reports, records: model.rows.length, messages: s.messages, domains: s.domains, scope: model.scope?.applied, passRate: s.passRate, setAside: s.failingSources.filter((f) => f.aside).length, parseMs: Math.round(parseMs), renderMs: Math.round(performance.now() - started), sinceNavigationMs: Math.round(performance.now()) }));
}

/** What an SPF verdict on an unnamed source means for its owner, and where it came from (the workspace's records or DNS). */
function spfAdvice(spf: string, from: 'workspace' | 'DNS' | 'workspace and DNS', failing: boolean): string {
  return spf.startsWith('authorised') ? `${spf} (${from})${failing ? ', yet some of its mail fails DMARC: check the envelope domain and DKIM signature it sends with' : ''}` : `${spf} (${from}): authorise it if it is yours`;
}

/** SPF verdicts from DNS for the unnamed sources the files could not decide (the host asks after the page is shown). */
function showVerdicts(spf: unknown): number {
  if (typeof spf !== 'object' || spf === null) return 0;
  let shown = 0;
  for (const cell of Array.from(document.querySelectorAll<HTMLElement>('#services [data-spf-for]'))) {
    const v = (spf as Record<string, unknown>)[cell.dataset.spfFor ?? ''];
    if (typeof v !== 'string' || !v) continue;
    cell.textContent = spfAdvice(v, 'DNS', cell.dataset.failing === '1');
    shown++;
  }
  return shown;
}

/** Keeps the host names a model or a host message gives (`{ ip: { name, confirmed, platform? } }`), taking only well-formed entries. */
function learnHosts(hosts: unknown): void {
  if (typeof hosts !== 'object' || hosts === null) return;
  for (const [ip, h] of Object.entries(hosts as Record<string, { name?: unknown; confirmed?: unknown; platform?: unknown }>))
    if (typeof h?.name === 'string' && h.name) hostNames.set(ip, { name: h.name, confirmed: h.confirmed === true, ...(typeof h.platform === 'string' ? { platform: h.platform } : {}) });
}

/** Host names for the source addresses (the host looks them up after the page is shown): filled in where the addresses are. */
function showHosts(hosts: unknown, spf?: unknown): void {
  if (typeof hosts !== 'object' || hosts === null) return;
  learnHosts(hosts);
  for (const cell of Array.from(document.querySelectorAll<HTMLElement>('#failing [data-ip], #services [data-ip]'))) {
    const t = hostText(cell.dataset.ip ?? '');
    cell.querySelector('.host')!.textContent = t ? ` ${t}` : '';
  }
  shownRecords?.refreshHosts();
  const verdicts = showVerdicts(spf);
  vscode.postMessage({ type: 'hosts-shown', named: hostNames.size, verdicts });
}

window.addEventListener('message', (e: MessageEvent) => {
  if (e.data?.type === 'model') render(e.data.model as Model);
  else if (e.data?.type === 'hosts') showHosts(e.data.hosts, e.data.spf);
  else if (e.data?.type === 'error') {
    // The host could not read the reports for the filter bar's choice: the page stays as it was, and says so.
    restoreBar?.();
    restoreBar = undefined;
    const status = document.getElementById('scope-status');
    if (status) status.textContent = `The reports could not be read again: ${String(e.data.message ?? 'no answer')}`;
    refocus = undefined;
  }
});
const embedded = document.getElementById('model');
if (embedded?.textContent?.trim()) {
  const t0 = performance.now();
  const model = JSON.parse(embedded.textContent) as Model;
  render(model, performance.now() - t0);
}
