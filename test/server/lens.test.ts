/**
 * Code lenses over stdio with a real client: above a DMARC record its stage on the policy ladder with
 * the reports' evidence and its next step, which workspace/applyEdit applies (after a question when
 * the reports do not back it); above an SPF record its lookup count, which opens the include tree.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  ApplyWorkspaceEditRequest,
  CodeActionRequest,
  type ApplyWorkspaceEditParams,
  CodeLensRefreshRequest,
  CodeLensRequest,
  CodeLensResolveRequest,
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  HoverRequest,
  DidOpenTextDocumentNotification,
  ExecuteCommandRequest,
  type MessageActionItem,
  ShowMessageNotification,
  ShowMessageRequest,
  type ShowMessageRequestParams,
  type CodeLens,
} from 'vscode-languageserver-protocol/node';
import { applyEdits, startServer, type TestClient } from './client';

/** Two days ago and 14 days before it: recent reports, which the evidence does not call old. */
const END = Math.floor(Date.now() / 1000) - 2 * 86400;
const BEGIN = END - 1209599;

/** An aggregate report for `domain` over 14 days: `pass` messages from 192.0.2.1 pass DMARC, `fail` from 203.0.113.5 fail it. */
function report(domain: string, pass: number, fail: number): string {
  const row = (ip: string, n: number, r: string) =>
    `<record><row><source_ip>${ip}</source_ip><count>${n}</count><policy_evaluated><disposition>none</disposition><dkim>${r}</dkim><spf>${r}</spf></policy_evaluated></row><identifiers><header_from>${domain}</header_from></identifiers></record>`;
  return `<?xml version="1.0"?><feedback><report_metadata><org_name>google.com</org_name><report_id>${domain}</report_id><date_range><begin>${BEGIN}</begin><end>${END}</end></date_range></report_metadata><policy_published><domain>${domain}</domain><p>none</p></policy_published>${row('192.0.2.1', pass, 'pass')}${row('203.0.113.5', fail, 'fail')}</feedback>`;
}

describe('language server: code lenses', () => {
  let client: TestClient;
  let dir: string;
  const text = '$ORIGIN example.com.\n@ IN TXT "v=spf1 include:_spf.example.com -all"\n_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:d@example.com"\n';
  const netText = '$ORIGIN example.net.\n_dmarc IN TXT ( "v=DMARC1; p=quarantine; t=y; "\n  "rua=mailto:d@example.net" )\n_dmarc.shop IN TXT "v=DMARC1; p=reject"\n';
  let uri: string;
  let netUri: string;
  const edits: ApplyWorkspaceEditParams[] = [];
  const questions: ShowMessageRequestParams[] = [];
  const messages: string[] = [];
  let answer: MessageActionItem | null = null;
  let refreshes = 0;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-lens-'));
    fs.writeFileSync(path.join(dir, 'spf.zone'), '$ORIGIN example.com.\n_spf IN TXT "v=spf1 include:_spf2.example.com a -all"\n_spf2 IN TXT "v=spf1 ip4:192.0.2.0/24 -all"\n');
    fs.writeFileSync(path.join(dir, 'example.com.zone'), text);
    fs.writeFileSync(path.join(dir, 'example.net.zone'), netText);
    fs.mkdirSync(path.join(dir, 'reports'));
    // example.com: 1% failing, under the 2% that blocks a step; example.net: 10% failing.
    fs.writeFileSync(path.join(dir, 'reports', 'google.com!example.com!1700000000!1701209599.xml'), report('example.com', 990, 10));
    fs.writeFileSync(path.join(dir, 'reports', 'google.com!example.net!1700000000!1701209599.xml'), report('example.net', 900, 100));
    uri = pathToFileURL(path.join(dir, 'example.com.zone')).href;
    netUri = pathToFileURL(path.join(dir, 'example.net.zone')).href;
    client = await startServer(dir, { dns: { mode: 'offline' } }, { workspace: { configuration: true, codeLens: { refreshSupport: true } } });
    client.conn.onRequest(ApplyWorkspaceEditRequest.type, (p) => {
      edits.push(p);
      return { applied: true };
    });
    client.conn.onRequest(ShowMessageRequest.type, (p) => {
      questions.push(p);
      return answer;
    });
    client.conn.onNotification(ShowMessageNotification.type, (p) => messages.push(p.message));
    client.conn.onRequest(CodeLensRefreshRequest.type, () => {
      refreshes++;
      return null;
    });
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'dns-zone', version: 1, text } });
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: netUri, languageId: 'dns-zone', version: 1, text: netText } });
    await client.waitFor(uri, (p) => p.version === 1);
    await client.waitFor(netUri, (p) => p.version === 1);
  });

  after(() => client.stop());

  /** The document's lenses, resolved as an editor resolves those it shows (the SPF count walks the tree). */
  const lenses = async (u: string, c: TestClient = client) => {
    const got = ((await c.conn.sendRequest(CodeLensRequest.type, { textDocument: { uri: u } })) ?? []) as CodeLens[];
    return Promise.all(got.map((l) => (l.command ? l : c.conn.sendRequest(CodeLensResolveRequest.type, l))));
  };

  it('shows the SPF lookup count and the DMARC stage, with the reports, above each record', async () => {
    const got = (await lenses(uri)).map((l) => ({ line: l.range.start.line, title: l.command!.title, command: l.command!.command }));
    assert.deepEqual(got, [
      { line: 1, title: 'SPF: 3/10 DNS lookups, 1 void · show tree', command: 'dmarcLens.server.spfTree' },
      { line: 2, title: 'DMARC stage 1/5: monitoring only (p=none) · 99.0% DMARC pass over 1,000 messages in 14 days, 1 report', command: '' },
      { line: 2, title: 'Next: move to p=quarantine in test mode (t=y)', command: 'dmarcLens.server.applyRolloutStep' },
    ]);
    const net = (await lenses(netUri)).map((l) => ({ line: l.range.start.line, title: l.command!.title }));
    assert.deepEqual(net, [
      { line: 1, title: 'DMARC stage 2/5: p=quarantine in test mode (t=y) · 90.0% DMARC pass over 1,000 messages in 14 days, 1 report; still failing: 203.0.113.5 (10.0%)' },
      { line: 1, title: 'Next: enforce p=quarantine (drop t=y) — not yet: 1 source still fails DMARC' },
      // At p=reject, enforced: no next step.
      { line: 3, title: 'DMARC stage 5/5: p=reject, enforced · no aggregate reports for this domain in the workspace' },
    ]);
  });

  it('sends the SPF lens without its count, for the editor to resolve when it shows it', async () => {
    const raw = ((await client.conn.sendRequest(CodeLensRequest.type, { textDocument: { uri } })) ?? []) as CodeLens[];
    assert.equal(raw[0].command, undefined);
    assert.deepEqual(raw[0].data, { uri, start: text.indexOf('@ IN TXT'), owner: 'example.com', holes: false });
    // A lens of a record edited away since still resolves, by the name it was for.
    const stale = await client.conn.sendRequest(CodeLensResolveRequest.type, { ...raw[0], data: { ...raw[0].data, start: 1 } });
    assert.equal(stale.command?.title, 'SPF: 3/10 DNS lookups, 1 void · show tree');
  });

  it('applies the next step through workspace/applyEdit, changing only the policy tags', async () => {
    const next = (await lenses(uri)).find((l) => l.command!.command === 'dmarcLens.server.applyRolloutStep')!;
    const r = await client.conn.sendRequest(ExecuteCommandRequest.type, { command: next.command!.command, arguments: next.command!.arguments });
    assert.deepEqual(r, { applied: true });
    assert.equal(questions.length, 0, 'the reports back the step: no question');
    const edit = edits.pop()!;
    assert.match(edit.label!, /^DMARC: move to p=quarantine in test mode \(t=y\) — 99\.0% DMARC pass/);
    assert.equal(applyEdits(text, edit.edit.changes![uri]), text.replace('p=none;', 'p=quarantine; t=y; np=reject;'));
  });

  it('asks before a step the reports do not back, and applies it only when told to', async () => {
    const next = (await lenses(netUri)).find((l) => l.command!.command === 'dmarcLens.server.applyRolloutStep')!;
    answer = null;
    const no = await client.conn.sendRequest(ExecuteCommandRequest.type, { command: next.command!.command, arguments: next.command!.arguments });
    assert.deepEqual(no, { applied: false, reason: 'not confirmed' });
    assert.equal(edits.length, 0);
    assert.match(questions[0].message, /the aggregate reports for example\.net show 1 source failing DMARC with more than 2% of the messages \(203\.0\.113\.5\); at p=quarantine their mail would be lost if they are your own senders\. Enforce p=quarantine \(drop t=y\) anyway\?/);
    assert.deepEqual(questions[0].actions, [{ title: 'Apply anyway' }]);
    answer = { title: 'Apply anyway' };
    const yes = await client.conn.sendRequest(ExecuteCommandRequest.type, { command: next.command!.command, arguments: next.command!.arguments });
    assert.deepEqual(yes, { applied: true });
    // The split record keeps its two strings; only `t=y; ` goes.
    assert.equal(applyEdits(netText, edits.pop()!.edit.changes![netUri]), netText.replace('t=y; ', ''));
  });

  it('refuses a lens from an older version of the document', async () => {
    const next = (await lenses(uri)).find((l) => l.command!.command === 'dmarcLens.server.applyRolloutStep')!;
    await client.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 2 }, contentChanges: [{ text: text + '; a comment\n' }] });
    await client.waitFor(uri, (p) => p.version === 2);
    const r = await client.conn.sendRequest(ExecuteCommandRequest.type, { command: next.command!.command, arguments: next.command!.arguments });
    assert.deepEqual(r, { applied: false, reason: 'the document changed' });
    assert.ok(messages.some((m) => /the document changed since the lens was shown/.test(m)));
    // Arguments that are not a lens's: an answer, no crash.
    const bad = await client.conn.sendRequest(ExecuteCommandRequest.type, { command: 'dmarcLens.server.applyRolloutStep', arguments: [42] });
    assert.deepEqual(bad, { applied: false, reason: 'the document is not open' });
  });

  it('opens the include tree from the SPF lens, and asks for lenses again when an include target changes', async () => {
    const spf = (await lenses(uri)).find((l) => l.command!.command === 'dmarcLens.server.spfTree')!;
    const page = (await client.conn.sendRequest(ExecuteCommandRequest.type, { command: spf.command!.command, arguments: spf.command!.arguments })) as { domain: string; text: string };
    assert.equal(page.domain, 'example.com');
    assert.deepEqual(page.text.split('\n'), [
      'example.com  "v=spf1 include:_spf.example.com -all"  (3 lookups)',
      '  include:_spf.example.com  +3',
      '    _spf.example.com  "v=spf1 include:_spf2.example.com a -all"  (2 lookups)',
      '      include:_spf2.example.com  +1',
      '        _spf2.example.com  "v=spf1 ip4:192.0.2.0/24 -all"  (0 lookups)',
      '      a  +1  [void]',
      '3/10 DNS lookups, 1 void lookup',
      '',
    ]);
    // Any editor without a page of its own gets the tree as a message.
    assert.ok(messages.some((m) => m.startsWith('SPF lookup tree of example.com:\nexample.com  "v=spf1')));
    const none = await client.conn.sendRequest(ExecuteCommandRequest.type, { command: 'dmarcLens.server.spfTree', arguments: [''] });
    assert.equal(none, null);

    const before = refreshes;
    const spfUri = pathToFileURL(path.join(dir, 'spf.zone')).href;
    const edited = '$ORIGIN example.com.\n_spf IN TXT "v=spf1 include:_spf2.example.com -all"\n_spf2 IN TXT "v=spf1 ip4:192.0.2.0/24 -all"\n';
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: spfUri, languageId: 'dns-zone', version: 1, text: edited } });
    for (let i = 0; i < 200 && refreshes === before; i++) await new Promise((r) => setTimeout(r, 25));
    assert.ok(refreshes > before, 'no workspace/codeLens/refresh');
    assert.equal((await lenses(uri))[0].command!.title, 'SPF: 2/10 DNS lookups · show tree');
  });

  it('offers no step where the record is generated (a DNSControl builder), and steps inside a TXT string beside it', async () => {
    const js = 'D("example.org", REG, DnsProvider(DNS),\n  DMARC_BUILDER({ policy: "none", rua: ["mailto:d@example.org"] }),\n  TXT("_dmarc.shop", "v=DMARC1; p=none; rua=mailto:d@example.org"),\nEND);\n';
    const jsUri = pathToFileURL(path.join(dir, 'dnsconfig.js')).href;
    await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: jsUri, languageId: 'javascript', version: 1, text: js } });
    await client.waitFor(jsUri, (p) => p.version === 1);
    const got = (await lenses(jsUri)).map((l) => [l.range.start.line, l.command!.title.replace(/ · .*/, ''), l.command!.command]);
    assert.deepEqual(got, [
      [1, 'DMARC stage 1/5: monitoring only (p=none)', ''],
      [2, 'DMARC stage 1/5: monitoring only (p=none)', ''],
      [2, 'Next: move to p=quarantine in test mode (t=y) — no reports yet', 'dmarcLens.server.applyRolloutStep'],
    ]);
    // The quick fixes agree: `; t=y` written into the builder's options would break the file.
    const titles = async (line: number) => ((await client.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri: jsUri }, range: { start: { line, character: 30 }, end: { line, character: 30 } }, context: { diagnostics: [] } })) ?? []).map((a) => a.title);
    assert.ok(!(await titles(1)).some((t) => t.startsWith('DMARC: move')), 'no ladder step on the builder');
    assert.ok((await titles(2)).some((t) => t.startsWith('DMARC: move to p=quarantine')));
  });

  it('tells the DMARC policy for mail from a domain, from the workspace offline (request and command)', async () => {
    const page = (await client.conn.sendRequest('dmarcLens/dmarcPolicy', { domain: 'Shop.Example.NET.' })) as { domain: string; status: string; text: string };
    assert.equal(page.domain, 'shop.example.net');
    assert.equal(page.status, 'policy');
    assert.match(page.text, /^shop\.example\.net: p=reject, by p of the domain’s own record at _dmarc\.shop\.example\.net\n/);
    // A name the files do not define: the Organizational Domain's record applies; whether the name exists is not known offline.
    const sub = (await client.conn.sendRequest(ExecuteCommandRequest.type, { command: 'dmarcLens.server.dmarcPolicy', arguments: ['news.example.net'] })) as { text: string };
    assert.match(sub.text, /^news\.example\.net: p=quarantine in test mode \(t=y\), by sp \(not set: p applies\) of the Organizational Domain’s record at _dmarc\.example\.net/);
    assert.match(sub.text, /news\.example\.net may or may not exist \(not known\)/);
    assert.match(sub.text, /_dmarc\.news\.example\.net\s+not known offline/);
    assert.ok(messages.some((m) => m.startsWith('DMARC policy for mail from news.example.net:\nnews.example.net: p=quarantine')));
    assert.equal(await client.conn.sendRequest('dmarcLens/dmarcPolicy', { domain: 'not a domain' }), null);
  });

  it('lists the DKIM keys of a domain at given selectors (request and command)', async () => {
    const keys = (await client.conn.sendRequest('dmarcLens/dkimKeys', { domain: 'example.com', selectors: ['s1', 'not a selector'] })) as { found: number; text: string };
    assert.equal(keys.found, 0);
    assert.equal(keys.text, 'example.com: 0 DKIM keys found of 1 selector asked\n  s1._domainkey.example.com  not known (offline, and not defined in the workspace)\n');
    const probed = (await client.conn.sendRequest(ExecuteCommandRequest.type, { command: 'dmarcLens.server.dkimKeys', arguments: ['example.com'] })) as { text: string };
    assert.match(probed.text, /^example\.com: 0 DKIM keys found of \d+ selectors probed/);
    assert.ok(messages.some((m) => m.startsWith('DKIM keys of example.com:\n')));
  });

  it('does not hold the step back for sources .dmarc-lens.json lists as not ours, and follows the file when it changes', async () => {
    const own = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-lens-notours-'));
    fs.cpSync(dir, own, { recursive: true });
    const config = path.join(own, '.dmarc-lens.json');
    fs.writeFileSync(config, '{ "reports": { "notOurs": ["203.0.113.0/28"] } }\n');
    const other = await startServer(own, { dns: { mode: 'offline' } });
    const u = pathToFileURL(path.join(own, 'example.net.zone')).href;
    try {
      await other.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: u, languageId: 'dns-zone', version: 1, text: netText } });
      await other.waitFor(u, (p) => p.version === 1);
      const titles = async () => (await lenses(u, other)).filter((l) => l.range.start.line === 1).map((l) => l.command!.title);
      assert.deepEqual(await titles(), [
        'DMARC stage 2/5: p=quarantine in test mode (t=y) · 90.0% DMARC pass over 1,000 messages in 14 days, 1 report; failing, not counted: 203.0.113.5 (10.0%, not ours by reports.notOurs)',
        'Next: enforce p=quarantine (drop t=y)',
      ]);
      // The preview shows the source, marked, and its verdict lets the domain move on.
      const shown = (await other.conn.sendRequest('dmarcLens/readReport', { workspace: true, scope: { domains: ['example.net'] } })) as { summary: { failingSources: { sourceIp: string; aside?: string }[] }; verdict: string };
      assert.deepEqual(shown.summary.failingSources.map((f) => [f.sourceIp, f.aside]), [['203.0.113.5', 'not ours']]);
      assert.match(shown.verdict, /^No source of yours fails DMARC with more than 2% of the messages .*: the domain can move to the next DMARC stage\.$/);
      // The list emptied: the source holds the step back again.
      fs.writeFileSync(config, '{ "reports": { "notOurs": [] } }\n');
      await other.conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(config).href, type: FileChangeType.Changed }] });
      const deadline = Date.now() + 5000;
      while (!(await titles()).some((t) => t.includes('not yet')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(await titles(), [
        'DMARC stage 2/5: p=quarantine in test mode (t=y) · 90.0% DMARC pass over 1,000 messages in 14 days, 1 report; still failing: 203.0.113.5 (10.0%)',
        'Next: enforce p=quarantine (drop t=y) — not yet: 1 source still fails DMARC',
      ]);
      // The preview's "Not ours…": the edit that lists a source in the configuration over the reports.
      type Answer = { uri: string; edit?: { changes?: Record<string, { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[]> }; covered?: string; error?: string };
      const mark = (params: object) => other.conn.sendRequest('dmarcLens/notOurs', params) as Promise<Answer>;
      const listed = await mark({ workspace: true, ip: '203.0.113.5' });
      assert.equal(listed.uri, pathToFileURL(config).href);
      const written = fs.readFileSync(config, 'utf8');
      assert.equal(applyEdits(written, listed.edit!.changes![listed.uri]), '{ "reports": { "notOurs": ["203.0.113.5"] } }\n');
      fs.writeFileSync(config, '{ "reports": { "notOurs": ["203.0.113.0/28"] } }\n');
      assert.deepEqual(await mark({ uri: pathToFileURL(path.join(own, 'reports')).href, ip: '203.0.113.5' }), { uri: listed.uri, covered: '203.0.113.0/28' });
      await assert.rejects(mark({ workspace: true, ip: 'mail.example.net' }), /wants ip: an IPv4 or IPv6 address or CIDR range/);
      // The editor's text of the file, unsaved: an entry the SPF record authorises (192.0.2.1 passes DMARC through aligned SPF) is flagged where it is written.
      const configUri = pathToFileURL(config).href;
      const edited = '{ "reports": { "notOurs": ["203.0.113.0/28", "192.0.2.0/24"] } }\n';
      await other.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: configUri, languageId: 'jsonc', version: 1, text: edited } });
      const flagged = await other.waitFor(configUri, (p) => p.version === 1 && p.diagnostics.some((d) => d.code === 'meta/not-ours-authorised'));
      const d = flagged.diagnostics.find((x) => x.code === 'meta/not-ours-authorised')!;
      assert.deepEqual([d.range.start.character, d.range.end.character], [edited.indexOf('"192.0.2.0/24"'), edited.indexOf('"192.0.2.0/24"') + '"192.0.2.0/24"'.length]);
      assert.match(d.message, /^192\.0\.2\.0\/24 is listed as not yours, yet the reports show 1,890 messages from 192\.0\.2\.1 passing DMARC through aligned SPF as example\.(com|net), example\.(com|net): the SPF record authorises it\./);
      // Its quick fix removes the entry, and nothing else.
      const actions = (await other.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri: configUri }, range: d.range, context: { diagnostics: [d] } })) as { title: string; edit?: { changes?: Record<string, { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[]> } }[];
      const remove = actions.find((a) => a.title === 'Remove 192.0.2.0/24 from reports.notOurs')!;
      assert.equal(applyEdits(edited, remove.edit!.changes![configUri]), '{ "reports": { "notOurs": ["203.0.113.0/28"] } }\n');
      // A hover on an entry says what the reports show of it.
      const hover = async (needle: string) => other.conn.sendRequest(HoverRequest.type, { textDocument: { uri: configUri }, position: { line: 0, character: edited.indexOf(needle) + 3 } }) as Promise<{ contents: { value: string } } | null>;
      const spoofer = (await hover('"203.0.113.0/28"'))!.contents.value;
      assert.match(spoofer, /^\*\*203\.0\.113\.0\/28\*\*, listed as not yours: its failing mail does not hold back the next DMARC policy stage/);
      assert.match(spoofer, /- In the workspace's aggregate reports: 110 messages from 203\.0\.113\.5, \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d\n- Failing DMARC: 110 \(100\.0%\)\n- As: example\.(com|net), example\.(com|net)$/);
      assert.match((await hover('"192.0.2.0/24"'))!.contents.value, /- Failing DMARC: 0 \(0\.0%\); 1,890 passed through aligned SPF, so the SPF record authorises it/);
      assert.equal(await hover('"reports"'), null);
      // No configuration yet: a new file at the workspace folder.
      fs.rmSync(config);
      const made = (await mark({ workspace: true, ip: '2001:db8::7' })) as unknown as { uri: string; edit: { documentChanges: [{ kind: string; uri: string }, { edits: { newText: string }[] }] } };
      assert.equal(made.uri, pathToFileURL(config).href);
      assert.deepEqual(made.edit.documentChanges[0], { kind: 'create', uri: made.uri, options: { ignoreIfExists: true } });
      assert.match(made.edit.documentChanges[1].edits[0].newText, /"notOurs": \[\n\s+"2001:db8::7"\n\s+\]/);
    } finally {
      await other.stop();
      fs.rmSync(own, { recursive: true, force: true });
    }
  });

  it('names the client-side tree command when the client says it has one', async () => {
    const other = await startServer(dir, { dns: { mode: 'offline' } }, {}, { commands: ['dmarcLens.showSpfTree', 'dmarcLens.showWorkspaceReports'] });
    try {
      await other.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'dns-zone', version: 1, text } });
      await other.waitFor(uri, (p) => p.version === 1);
      const spf = (await lenses(uri, other))[0];
      assert.deepEqual(spf.command, { title: 'SPF: 3/10 DNS lookups, 1 void · show tree', command: 'dmarcLens.showSpfTree', arguments: ['example.com'] });
      // The DMARC stage's evidence opens the reports it counts: the domain's, over the days of its window.
      const stage = (await lenses(uri, other))[1];
      const scope = { domains: ['example.com'], since: END - 30 * 86400 + 1 };
      assert.deepEqual(stage.command, { title: 'DMARC stage 1/5: monitoring only (p=none) · 99.0% DMARC pass over 1,000 messages in 14 days, 1 report', command: 'dmarcLens.showWorkspaceReports', arguments: [scope], tooltip: 'Show the aggregate reports this counts' });
      const shown = (await other.conn.sendRequest('dmarcLens/readReport', { workspace: true, scope })) as { summary: { reports: number; messages: number; passRate: number; domains: string[] }; scope: { domains: string[]; leftOut: number } };
      assert.deepEqual([shown.summary.reports, shown.summary.messages, shown.summary.passRate, shown.summary.domains, shown.scope.domains, shown.scope.leftOut], [1, 1000, 0.99, ['example.com'], ['example.com', 'example.net'], 1]);
      // No reports for the domain: nothing to open.
      await other.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: netUri, languageId: 'dns-zone', version: 1, text: netText } });
      await other.waitFor(netUri, (p) => p.version === 1);
      assert.equal((await lenses(netUri, other)).find((l) => /no aggregate reports/.test(l.command!.title))!.command!.command, '');
      const page = (await other.conn.sendRequest('dmarcLens/spfTree', { domain: 'example.com' })) as { text: string };
      assert.match(page.text, /^example\.com {2}"v=spf1 include:_spf\.example\.com -all" {2}\(3 lookups\)\n/);
    } finally {
      await other.stop();
    }
  });
});
