/** The built language server over stdio, driven by a real LSP client connection. */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  CodeActionRequest,
  CompletionRequest,
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DocumentSymbolRequest,
  ExitNotification,
  FoldingRangeRequest,
  HoverRequest,
  DefinitionRequest,
  DocumentHighlightRequest,
  DocumentHighlightKind,
  InlayHintRequest,
  InitializedNotification,
  InitializeRequest,
  type ProtocolConnection,
  PublishDiagnosticsNotification,
  type PublishDiagnosticsParams,
  SemanticTokensRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  WorkDoneProgressCreateRequest,
  type CompletionItem,
  type DocumentSymbol,
  type MarkupContent,
  type TextEdit,
} from 'vscode-languageserver-protocol/node';
import { ROOT } from '../helpers';

/** Applies LSP text edits (line/character) to a text. */
function applyEdits(text: string, edits: TextEdit[]): string {
  const offset = (p: { line: number; character: number }) => text.split('\n').slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start)).reduce((t, e) => t.slice(0, offset(e.range.start)) + e.newText + t.slice(offset(e.range.end)), text);
}

describe('language server over stdio', () => {
  let proc: ChildProcess;
  let conn: ProtocolConnection;
  let dir: string;
  const latest = new Map<string, PublishDiagnosticsParams>();
  const waiters: { uri: string; pred: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }[] = [];
  const progress: string[] = [];

  /** Resolves with the first diagnostics for `uri` (already published or coming) that satisfy `pred`. */
  const diagnostics = (uri: string, pred: (p: PublishDiagnosticsParams) => boolean = () => true) =>
    new Promise<PublishDiagnosticsParams>((resolve, reject) => {
      const have = latest.get(uri);
      if (have && pred(have)) return resolve(have);
      waiters.push({ uri, pred, resolve });
      setTimeout(() => reject(new Error(`no matching diagnostics for ${uri}: last ${JSON.stringify(latest.get(uri)?.diagnostics.map((d) => d.code))}`)), 10000);
    });

  let uri: string;
  let text: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-lsp-'));
    fs.writeFileSync(path.join(dir, 'spf.example.com.zone'), '$ORIGIN example.com.\n_spf IN TXT "v=spf1 ip4:192.0.2.0/24 -all"\n');
    text = '$ORIGIN example.com.\n@ IN TXT "v=spf1 include:_spf.example.com " "+all"\n_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:d@example.com"\nsel._domainkey IN TXT ( "v=DKIM1; k=ed25519; "\n   "p=zn4MIEmBUJ8wG7mx1YQ+ODnW0mAzP+WDWfd1Xy0q3po=" )\n';
    fs.writeFileSync(path.join(dir, 'example.com.zone'), text);
    uri = pathToFileURL(path.join(dir, 'example.com.zone')).href;
    fs.mkdirSync(path.join(dir, 'reports'));
    fs.writeFileSync(
      path.join(dir, 'reports', 'google.com!example.com!1700000000!1701209599.xml'),
      `<?xml version="1.0"?><feedback><report_metadata><org_name>google.com</org_name><report_id>1</report_id><date_range><begin>${Math.floor(Date.now() / 1000) - 2 * 86400 - 1209599}</begin><end>${Math.floor(Date.now() / 1000) - 2 * 86400}</end></date_range></report_metadata><policy_published><domain>example.com</domain><p>none</p></policy_published><record><row><source_ip>192.0.2.1</source_ip><count>990</count><policy_evaluated><disposition>none</disposition><dkim>pass</dkim><spf>pass</spf></policy_evaluated></row><identifiers><header_from>example.com</header_from></identifiers></record><record><row><source_ip>203.0.113.5</source_ip><count>10</count><policy_evaluated><disposition>none</disposition><dkim>fail</dkim><spf>fail</spf></policy_evaluated></row><identifiers><header_from>example.com</header_from></identifiers></record></feedback>`,
    );

    proc = spawn(process.execPath, [path.join(ROOT, 'dist', 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    conn = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
    conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
      latest.set(p.uri, p);
      for (const w of [...waiters]) if (w.uri === p.uri && w.pred(p)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(p);
      }
    });
    conn.onRequest(WorkDoneProgressCreateRequest.type, () => null);
    conn.onNotification('$/progress', (p: { value: { kind: string; title?: string } }) => progress.push(p.value.kind));
    conn.listen();
    const init = await conn.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: pathToFileURL(dir).href,
      workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'ws' }],
      capabilities: { window: { workDoneProgress: true }, textDocument: { completion: { completionItem: { snippetSupport: true } } } },
    });
    assert.equal(init.serverInfo?.name, 'dmarc-lens');
    await conn.sendNotification(InitializedNotification.type, {});
    await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'dns-zone', version: 1, text } });
  });

  after(async () => {
    await conn.sendRequest(ShutdownRequest.type);
    await conn.sendNotification(ExitNotification.type);
    const exited = new Promise((r) => proc.once('exit', r));
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    assert.notEqual(proc.exitCode, null, 'server did not exit after shutdown/exit');
    conn.dispose();
  });

  it('indexes the workspace with progress and publishes diagnostics with source, code, docs link and exact range', async () => {
    const p = await diagnostics(uri, (x) => x.diagnostics.some((d) => d.code === 'spf/plus-all'));
    const d = p.diagnostics.find((x) => x.code === 'spf/plus-all')!;
    assert.equal(d.source, 'dmarc-lens');
    assert.match(d.codeDescription!.href, /docs\/rules\/spf\/plus-all\.md$/);
    assert.deepEqual(d.range, { start: { line: 1, character: 45 }, end: { line: 1, character: 49 } });
    for (let i = 0; i < 100 && !progress.includes('end'); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(progress.includes('begin') && progress.includes('end'), `progress: ${progress}`);
  });

  it('hovers SPF terms, DMARC tags and DKIM keys', async () => {
    const hover = async (line: number, character: number) =>
      ((await conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character } }))?.contents as MarkupContent | undefined)?.value ?? '';
    assert.match(await hover(1, 20), /SPF mechanism `include`.*RFC 7208 §5\.2/s);
    assert.match(await hover(1, 47), /Qualifier `\+`: pass/);
    assert.match(await hover(2, 27), /DMARC tag `p`.*`none`: monitor only/s);
    assert.match(await hover(4, 10), /Ed25519, 256 bits/);
  });

  it('hovers a $GENERATE line with the records it makes', async () => {
    const genText = '$ORIGIN gen.example.\n$GENERATE 1-8 host$ 300 A 192.0.2.$\n';
    const genUri = pathToFileURL(path.join(dir, 'gen.example.zone')).href;
    await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: genUri, languageId: 'dns-zone', version: 1, text: genText } });
    const h = await conn.sendRequest(HoverRequest.type, { textDocument: { uri: genUri }, position: { line: 1, character: 3 } });
    const value = (h?.contents as MarkupContent).value;
    assert.match(value, /\*\*\$GENERATE\*\* makes 8 records/);
    assert.match(value, /host1\.gen\.example\. 300 IN A 192\.0\.2\.1\n(?:.*\n){4}…\nhost8\.gen\.example\. 300 IN A 192\.0\.2\.8/);
    await conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: genUri } });
  });

  it('hovers a null MX with what it says and what a name that takes no mail publishes besides', async () => {
    const text = '$ORIGIN parked.example.\n@ IN MX 0 .\nmail IN MX 10 mx1.parked.example.\n';
    const u = pathToFileURL(path.join(dir, 'parked.example.zone')).href;
    await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: u, languageId: 'dns-zone', version: 1, text } });
    const h = await conn.sendRequest(HoverRequest.type, { textDocument: { uri: u }, position: { line: 1, character: 8 } });
    assert.match((h?.contents as MarkupContent).value, /^\*\*Null MX\*\* \(RFC 7505 §3\): `parked\.example` takes no mail\..*`v=spf1 -all`.*`p=reject`/s);
    assert.deepEqual(h?.range, { start: { line: 1, character: 0 }, end: { line: 1, character: 11 } });
    // An ordinary MX has no hover.
    assert.equal(await conn.sendRequest(HoverRequest.type, { textDocument: { uri: u }, position: { line: 2, character: 8 } }), null);
    await conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: u } });
  });

  it('hovers an owner name with what it is for mail, what is published there, who includes it and the DMARC policy that covers it', async () => {
    const text = [
      '$ORIGIN owners.example.',
      '@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300',
      '@ IN MX 10 mx1',
      '@ IN TXT "v=spf1 include:_spf.owners.example -all"',
      '_spf IN TXT "v=spf1 ip4:192.0.2.0/24 -all"',
      'news IN TXT "v=spf1 -all"',
      '     IN TXT "v=spf1 mx -all"',
      '_dmarc IN TXT "v=DMARC1; p=quarantine; rua=mailto:d@owners.example"',
      'sel._domainkey IN CNAME sel.dkim.platform.example.',
      'team IN NS ns1.other.example.',
      'x.team IN TXT "v=spf1 -all"',
    ].join('\n');
    const u = pathToFileURL(path.join(dir, 'owners.example.zone')).href;
    await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: u, languageId: 'dns-zone', version: 1, text } });
    const hover = async (line: number, character: number) => conn.sendRequest(HoverRequest.type, { textDocument: { uri: u }, position: { line, character } });
    const value = async (line: number, character: number) => ((await hover(line, character))?.contents as MarkupContent | undefined)?.value ?? '';
    // The apex, written `@`: its records by type, and the policy that covers it; the range is the word.
    const apex = await hover(2, 0);
    assert.deepEqual(apex?.range, { start: { line: 2, character: 0 }, end: { line: 2, character: 1 } });
    assert.match((apex?.contents as MarkupContent).value, /^\*\*`owners\.example`\*\*\n\n\*\*Published here\*\* in the workspace: SOA, MX, TXT \(SPF\) \(owners\.example\.zone\)\.\n\n\*\*DMARC\*\*: `p=quarantine` applies to mail from `owners\.example` by `_dmarc\.owners\.example`/);
    // An include target: the records that include it.
    assert.match(await value(4, 2), /\*\*Included by\*\* the SPF record of `owners\.example`: each counts this record's lookups/);
    // Two SPF records at one name (the second with a blank owner: the hover is on the first's word).
    const news = await value(5, 1);
    assert.match(news, /TXT \(SPF\) ×2/);
    assert.match(news, /More than one SPF record: receivers return permerror/);
    assert.match(news, /`p=quarantine` applies to mail from `news\.owners\.example`, an existing subdomain/);
    assert.equal(await hover(6, 2), null);
    // A DMARC record's name: the names it covers and the Organizational Domain.
    const dmarc = await value(7, 3);
    assert.match(dmarc, /^\*\*`_dmarc\.owners\.example`\*\*: the DMARC record of `owners\.example`/);
    assert.match(dmarc, /\*\*Covers\*\* 2 names of the workspace .*`owners\.example` \(p=quarantine\), `news\.owners\.example` \(p=quarantine\)/);
    assert.match(dmarc, /\*\*Organizational Domain\*\*: `owners\.example`/);
    // A DKIM selector delegated by CNAME.
    const sel = await value(8, 2);
    assert.match(sel, /the DKIM key of selector `sel` for `owners\.example`: signatures with `d=owners\.example; s=sel`/);
    assert.match(sel, /\*\*CNAME\*\* to `sel\.dkim\.platform\.example`/);
    // A name under a delegation of this zone: never served from this file.
    assert.match(await value(10, 1), /\*\*Never served from this file\*\*: `team\.owners\.example` is delegated to other name servers/);
    // Not on the owner: the record's own hovers (the SPF term) are unchanged.
    assert.match(await value(3, 17), /SPF mechanism `include`/);
    await conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: u } });
  });

  it('answers dmarcLens/inventory with what the workspace publishes per domain, paths relative to the folder', async () => {
    const inv = await conn.sendRequest<{ text: string; domains: number }>('dmarcLens/inventory');
    assert.ok(inv.domains >= 2, inv.text);
    assert.match(inv.text, /^example\.com\n {2}SPF {4}v=spf1 include:_spf\.example\.com \+all {2}\(example\.com\.zone:2\)$/m);
    assert.match(inv.text, /^ {2}DMARC {2}v=DMARC1; p=none; rua=mailto:d@example\.com {2}\(example\.com\.zone:3\)\n {9}stage 1\/5/m);
    assert.match(inv.text, /^ {2}DKIM {3}sel: ed25519 256 {2}\(example\.com\.zone:4\)$/m);
    assert.match(inv.text, /^_spf\.example\.com\n {2}SPF {4}v=spf1 ip4:192\.0\.2\.0\/24 -all {2}\(spf\.example\.com\.zone:2\)$/m);
    assert.ok(!inv.text.includes(dir), 'paths are relative to the workspace folder');
  });

  it('highlights a name where the document defines it and where its records point at it', async () => {
    const text = ['$ORIGIN hl.example.', '@ IN MX 10 mail', 'mail IN A 192.0.2.1', '@ IN TXT "v=spf1 mx a:mail.hl.example -all"', 'www IN CNAME mail', 'other IN A 192.0.2.2'].join('\n');
    const u = pathToFileURL(path.join(dir, 'hl.example.zone')).href;
    await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: u, languageId: 'dns-zone', version: 1, text } });
    const lines = text.split('\n');
    const at = async (line: number, character: number) =>
      ((await conn.sendRequest(DocumentHighlightRequest.type, { textDocument: { uri: u }, position: { line, character } })) ?? []).map(
        (h) => `${h.range.start.line}:${lines[h.range.start.line].slice(h.range.start.character, h.range.end.character)}:${h.kind === DocumentHighlightKind.Write ? 'owner' : 'use'}`,
      );
    const expected = ['1:mail:use', '2:mail:owner', '3:mail.hl.example:use', '4:mail:use'];
    // From the owner, from the MX target and from the SPF term alike.
    assert.deepEqual(await at(2, 1), expected);
    assert.deepEqual(await at(1, 12), expected);
    assert.deepEqual(await at(3, lines[3].indexOf('mail.hl') + 3), expected);
    // Go to definition on the MX target: its address record.
    const defs = (await conn.sendRequest(DefinitionRequest.type, { textDocument: { uri: u }, position: { line: 1, character: 12 } })) as { range: { start: { line: number } } }[];
    assert.deepEqual(defs.map((d) => d.range.start.line), [2]);
    // Not on a name: nothing.
    assert.deepEqual(await at(2, 6), []);
    assert.deepEqual(await at(3, lines[3].indexOf('-all') + 1), []);
    await conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: u } });
  });

  it('completes DMARC values and SPF provider includes', async () => {
    const complete = async (line: number, character: number) =>
      ((await conn.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line, character } })) as CompletionItem[]).map((c) => c.label);
    const atP = await complete(2, 28); // after `p=` inside `p=none`
    assert.ok(atP.includes('quarantine') && atP.includes('reject'), atP.join(','));
    const spf = await complete(1, 18); // inside `include:_spf…`
    assert.ok(spf.includes('include:_spf.google.com'), spf.join(','));
    // The workspace's own SPF records too, first, with where they are; not the record itself.
    const items = (await conn.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 1, character: 18 } })) as CompletionItem[];
    const own = items.find((c) => c.label === 'include:_spf.example.com');
    assert.equal(own?.detail, 'in the workspace: its SPF record (spf.example.com.zone:2)');
    assert.ok(own!.sortText! < items.find((c) => c.label === 'include:_spf.google.com')!.sortText!);
    assert.ok(!items.some((c) => c.label === 'include:example.com'));
  });

  it('gives an outline by owner, folding for the parenthesised record, and semantic tokens', async () => {
    const symbols = (await conn.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })) as DocumentSymbol[];
    assert.deepEqual(symbols.map((s) => s.name), ['@', '_dmarc', 'sel._domainkey']);
    assert.equal(symbols[0].children![0].name, 'TXT (SPF)');
    const folds = await conn.sendRequest(FoldingRangeRequest.type, { textDocument: { uri } });
    assert.deepEqual(folds?.map((f) => [f.startLine, f.endLine]), [[3, 4]]);
    const tokens = await conn.sendRequest(SemanticTokensRequest.type, { textDocument: { uri } });
    assert.ok(tokens && tokens.data.length >= 5 * 8);
  });

  it('offers quick fixes whose edits change only the bytes they must', async () => {
    const actions = (await conn.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: { start: { line: 1, character: 46 }, end: { line: 1, character: 46 } },
      context: { diagnostics: [] },
    })) as { title: string; isPreferred?: boolean; edit?: { changes?: Record<string, TextEdit[]> } }[];
    const fix = actions.find((a) => a.title === 'Use -all')!;
    assert.ok(fix.isPreferred);
    const fixed = applyEdits(text, fix.edit!.changes![uri]);
    assert.equal(fixed, text.replace('"+all"', '"-all"'));
  });

  it('offers the next DMARC stage with the evidence of the workspace reports', async () => {
    const actions = (await conn.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: { start: { line: 2, character: 20 }, end: { line: 2, character: 20 } },
      context: { diagnostics: [] },
    })) as { title: string; isPreferred?: boolean; edit?: { changes?: Record<string, TextEdit[]> } }[];
    const step = actions.find((a) => a.title.startsWith('DMARC: move to p=quarantine in test mode (t=y)'))!;
    assert.match(step.title, /99\.0% DMARC pass over 1,000 messages in 14 days, 1 report/);
    assert.equal(step.isPreferred, true);
    const fixed = applyEdits(text, step.edit!.changes![uri]);
    assert.equal(fixed, text.replace('p=none;', 'p=quarantine; t=y; np=reject;'));
  });

  it('re-checks after an incremental change', async () => {
    await conn.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: { line: 1, character: 45 }, end: { line: 1, character: 46 } }, text: '-' }],
    });
    const p = await diagnostics(uri, (x) => x.version === 2);
    assert.ok(!p.diagnostics.some((d) => d.code === 'spf/plus-all'));
  });

  it('shows lookup costs as inlay hints and the include tree in the hover', async () => {
    const hints = (await conn.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 10, character: 0 } } })) ?? [];
    const labels = hints.map((h) => (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join('')));
    assert.deepEqual(labels, [' +1', '1/10 DNS lookups']);
    const hover = await conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 1, character: 20 } });
    const text = (hover?.contents as MarkupContent).value;
    assert.match(text, /Lookup tree/);
    assert.match(text, /_spf\.example\.com {2}"v=spf1 ip4:192\.0\.2\.0\/24 -all"/);
    assert.match(text, /workspace file/);
    // On the version: the DMARC policy that covers mail from the name.
    const onVersion = ((await conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 1, character: 12 } }))?.contents as MarkupContent).value;
    assert.match(onVersion, /\*\*DMARC\*\*: `p=none` applies to mail from `example\.com` by `_dmarc\.example\.com`; adkim=r, aspf=r/);
    // A subdomain in another file: the parent's record, and which tag applies there.
    const sub = pathToFileURL(path.join(dir, 'news.example.com.zone')).href;
    await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: sub, languageId: 'dns-zone', version: 1, text: '$ORIGIN news.example.com.\n@ IN TXT "v=spf1 -all"\n' } });
    await diagnostics(sub, (x) => x.version === 1);
    const subHover = ((await conn.sendRequest(HoverRequest.type, { textDocument: { uri: sub }, position: { line: 1, character: 12 } }))?.contents as MarkupContent).value;
    assert.match(subHover, /`p=none` applies to mail from `news\.example\.com`, an existing subdomain, by `_dmarc\.example\.com`, its Organizational Domain.s record \(it has no `sp`, so `p` applies\)/);
    // On the DMARC record's version: the names it covers.
    const onDmarc = ((await conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 2, character: 17 } }))?.contents as MarkupContent).value;
    assert.match(onDmarc, /\*\*Covers\*\* 2 names of the workspace that send \(SPF\) or receive \(MX\) mail: `example\.com` \(p=none\), `news\.example\.com` \(p=none\)/);
    // And the Organizational Domain the tree walk finds for it.
    assert.match(onDmarc, /\*\*Organizational Domain\*\*: `example\.com` \(no name above it publishes a DMARC record; RFC 9989 §4\.10\.2\)\./);
    // A record below it: its sp and np apply to nothing.
    const subDmarc = pathToFileURL(path.join(dir, 'branch.zone')).href;
    await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: subDmarc, languageId: 'dns-zone', version: 1, text: '$ORIGIN example.com.\n_dmarc.eu IN TXT "v=DMARC1; p=reject; sp=reject"\n' } });
    await diagnostics(subDmarc, (x) => x.version === 1);
    const onSub = ((await conn.sendRequest(HoverRequest.type, { textDocument: { uri: subDmarc }, position: { line: 1, character: 20 } }))?.contents as MarkupContent).value;
    assert.match(onSub, /\*\*Organizational Domain\*\*: `example\.com` \(the name with the fewest labels that publishes a DMARC record; RFC 9989 §4\.10\.2\), so this record applies to `eu\.example\.com` alone and its `sp` and `np` to nothing\./);
    await conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: subDmarc } });
    await conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: sub } });
  });

  it('reports too many DNS lookups across files of the workspace', async () => {
    const chainUri = pathToFileURL(path.join(dir, 'chain.example.org.zone')).href;
    const lines = ['$ORIGIN example.org.', '@ IN TXT "v=spf1 include:c1.example.org -all"'];
    for (let i = 1; i <= 11; i++) lines.push(`c${i} IN TXT "v=spf1 ${i < 11 ? `include:c${i + 1}.example.org` : 'ip4:192.0.2.1'} -all"`);
    await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: chainUri, languageId: 'dns-zone', version: 1, text: lines.join('\n') + '\n' } });
    const p = await diagnostics(chainUri, (x) => x.diagnostics.some((d) => d.code === 'spf/too-many-lookups'));
    const d = p.diagnostics.find((x) => x.code === 'spf/too-many-lookups' && x.range.start.line === 1)!;
    assert.match(d.message, /needs 11 DNS lookups/);
    assert.equal(d.severity, 1);
    // The chain ends in addresses only, all in the workspace: the quick fix writes them in place.
    const actions = (await conn.sendRequest(CodeActionRequest.type, { textDocument: { uri: chainUri }, range: d.range, context: { diagnostics: [d] } })) as { title: string; edit?: { changes?: Record<string, TextEdit[]> } }[];
    const flatten = actions.find((a) => a.title.startsWith('Flatten include:c1.example.org'))!;
    assert.equal(flatten.title, 'Flatten include:c1.example.org into ip4:192.0.2.1: 11 DNS lookups fewer, and later changes to c1.example.org no longer reach this record');
    assert.equal(applyEdits(lines.join('\n') + '\n', flatten.edit!.changes![chainUri]).split('\n')[1], '@ IN TXT "v=spf1 ip4:192.0.2.1 -all"');
  });

  it('re-validates a document when the include target changes in another file', async () => {
    const other = pathToFileURL(path.join(dir, 'spf.example.com.zone')).href;
    await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: other, languageId: 'dns-zone', version: 1, text: '$ORIGIN example.com.\n_spf IN TXT "v=spf1 ip4:192.0.2.0/24 -all"\n' } });
    await conn.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: other, version: 2 },
      contentChanges: [{ text: '$ORIGIN example.com.\n_spf IN TXT "ip4:192.0.2.0/24 -all"\n' }],
    });
    const p = await diagnostics(uri, (x) => x.diagnostics.some((d) => d.code === 'spf/include-has-no-spf'));
    const d = p.diagnostics.find((x) => x.code === 'spf/include-has-no-spf')!;
    assert.equal(d.relatedInformation?.[0].location.uri, other);
  });

  it('checks an open MTA-STS policy against the MX records, again when an MX host is added in another file', async () => {
    const zone = pathToFileURL(path.join(dir, 'sts.example.net.zone')).href;
    const zoneText = '$ORIGIN sts.example.net.\n@ IN MX 10 mx1\n_mta-sts IN TXT "v=STSv1; id=1"\nmta-sts IN A 192.0.2.80\n';
    await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: zone, languageId: 'dns-zone', version: 1, text: zoneText } });
    const policy = pathToFileURL(path.join(dir, '.well-known', 'mta-sts.txt')).href;
    await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: policy, languageId: 'plaintext', version: 1, text: 'version: STSv1\nmode: enforce\nmx: mx1.sts.example.net\nmax_age: 1209600\n' } });
    await diagnostics(policy, (x) => x.diagnostics.length === 0);
    await conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: zone, version: 2 }, contentChanges: [{ text: zoneText + '@ IN MX 20 mx2\n' }] });
    const p = await diagnostics(policy, (x) => x.diagnostics.some((d) => d.code === 'mta-sts/policy-mx-mismatch'));
    const d = p.diagnostics.find((x) => x.code === 'mta-sts/policy-mx-mismatch')!;
    assert.match(d.message, /^`mx2\.sts\.example\.net`, an MX host of sts\.example\.net, matches no `mx` line/);
    assert.equal(d.relatedInformation?.[0].location.uri, zone);
  });

  it('re-validates a DMARC record when its report destination is authorised, or its Organizational Domain changes, in another file', async () => {
    const shop = pathToFileURL(path.join(dir, 'shop.zone')).href;
    const text0 = '$ORIGIN shop.example.org.\n_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:d@example.org"\n';
    await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: shop, languageId: 'dns-zone', version: 1, text: text0 } });
    // example.org's zone, held whole, publishes no DMARC record: shop.example.org is an organization of its own.
    const apex = pathToFileURL(path.join(dir, 'example.org.zone')).href;
    const apexText = '$ORIGIN example.org.\n@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n@ IN MX 10 mx\nmx IN A 192.0.2.25\n';
    await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: apex, languageId: 'dns-zone', version: 1, text: apexText } });
    await diagnostics(shop, (x) => x.diagnostics.some((d) => d.code === 'dmarc/external-reports-not-authorized'));
    // The hover on the address says why.
    const onRua = async () => ((await conn.sendRequest(HoverRequest.type, { textDocument: { uri: shop }, position: { line: 1, character: 45 } }))?.contents as MarkupContent).value;
    assert.match(await onRua(), /\*\*Report destination\*\* `d@example\.org`: another organization by the DMARC records on the way up \(RFC 9989 §4\.10\.2: `example\.org` and `shop\.example\.org`; by the public suffix list both are `example\.org`\); no `shop\.example\.org\._report\._dmarc\.example\.org` TXT "v=DMARC1" in the workspace/);
    // The authorisation appears there: the record is checked again and the finding goes.
    await conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: apex, version: 2 }, contentChanges: [{ text: apexText + 'shop.example.org._report._dmarc IN TXT "v=DMARC1"\n' }] });
    await diagnostics(shop, (x) => !x.diagnostics.some((d) => d.code === 'dmarc/external-reports-not-authorized'));
    assert.match(await onRua(), /`shop\.example\.org\._report\._dmarc\.example\.org` authorises them, so receivers send the aggregate reports/);
    // Back without it, then example.org publishes a DMARC record: one organization again, nothing to authorise.
    await conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: apex, version: 3 }, contentChanges: [{ text: apexText }] });
    await diagnostics(shop, (x) => x.diagnostics.some((d) => d.code === 'dmarc/external-reports-not-authorized'));
    await conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: apex, version: 4 }, contentChanges: [{ text: apexText + '_dmarc IN TXT "v=DMARC1; p=none"\n' }] });
    await diagnostics(shop, (x) => !x.diagnostics.some((d) => d.code === 'dmarc/external-reports-not-authorized'));
    assert.match(await onRua(), /`d@example\.org`: the same Organizational Domain as shop\.example\.org \(`example\.org`\), so receivers send there without asking/);
    await conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: apex } });
    await conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: shop } });
  });

  it('re-validates an MX record when its host gets an address, and a DKIM key when a selector CNAME to it appears, in another file', async () => {
    const SOA = '@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n';
    const mail = pathToFileURL(path.join(dir, 'mail.example.zone')).href;
    const mailText = `$ORIGIN mail.example.\n${SOA}`;
    const keys = pathToFileURL(path.join(dir, 'keys.example.zone')).href;
    const keysText = `$ORIGIN keys.example.\n${SOA}s1 IN TXT "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="\n`;
    const shop = pathToFileURL(path.join(dir, 'shop.example.zone')).href;
    const shopText = '$ORIGIN shop.example.\n@ IN MX 10 mx.mail.example.\n_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:d@shop.example"\n';
    for (const [u, t] of [[mail, mailText], [keys, keysText], [shop, shopText]]) await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: u, languageId: 'dns-zone', version: 1, text: t } });
    const has = (code: string) => (x: PublishDiagnosticsParams) => x.diagnostics.some((d) => d.code === code);
    await diagnostics(shop, has('zone/mx-target-no-address'));
    await diagnostics(keys, has('dkim/wrong-owner'));
    // The mail zone gives the host an address: the shop's MX is checked again.
    await conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: mail, version: 2 }, contentChanges: [{ text: mailText + 'mx IN A 192.0.2.25\n' }] });
    await diagnostics(shop, (x) => !has('zone/mx-target-no-address')(x));
    // The shop delegates its selector to the key: the key file is checked again.
    await conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: shop, version: 2 }, contentChanges: [{ text: shopText + 's1._domainkey IN CNAME s1.keys.example.\n' }] });
    await diagnostics(keys, (x) => !has('dkim/wrong-owner')(x));
    // And back: the CNAME goes, the key is stray again.
    await conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: shop, version: 3 }, contentChanges: [{ text: shopText }] });
    await diagnostics(keys, has('dkim/wrong-owner'));
    for (const u of [mail, keys, shop]) await conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: u } });
  });

  it('re-validates an MTA-STS record, and a _mta-sts CNAME, when another file publishes the policy host', async () => {
    const sts = pathToFileURL(path.join(dir, 'sts.example.zone')).href;
    const stsText = '$ORIGIN sts.example.\n@ IN MX 10 mx.sts.example.\n_mta-sts IN TXT "v=STSv1; id=1"\n$ORIGIN hosted.example.\n@ IN MX 10 mx.sts.example.\n_mta-sts IN CNAME _mta-sts.hosted.example.vendor.example.\n';
    const web = pathToFileURL(path.join(dir, 'sts-web.example.zone')).href;
    const webText = '$ORIGIN sts.example.\nwww IN A 192.0.2.80\n';
    const lines = (x: PublishDiagnosticsParams) => x.diagnostics.filter((d) => d.code === 'mta-sts/no-policy-host').map((d) => d.range.start.line);
    for (const [u, t] of [[sts, stsText], [web, webText]]) await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: u, languageId: 'dns-zone', version: 1, text: t } });
    await diagnostics(sts, (x) => lines(x).join() === '2,5');
    await conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: web, version: 2 }, contentChanges: [{ text: webText + 'mta-sts IN CNAME sts.vendor.example.\n$ORIGIN hosted.example.\nmta-sts IN CNAME sts.vendor.example.\n' }] });
    await diagnostics(sts, (x) => lines(x).length === 0);
    for (const u of [sts, web]) await conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: u } });
  });

  it('re-validates an NS record when another file gives its zone the SOA, and its host an address', async () => {
    const ns = pathToFileURL(path.join(dir, 'ns-records.dns.example.zone')).href;
    const nsText = '$ORIGIN dns.example.\n@ IN NS ns1\n@ IN NS ns2\nns1 IN A 192.0.2.1\n';
    const soa = pathToFileURL(path.join(dir, 'soa.dns.example.zone')).href;
    const soaText = '$ORIGIN dns.example.\n@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n';
    const refused = (x: PublishDiagnosticsParams) => x.diagnostics.some((d) => d.code === 'zone/ns-target-no-address' && d.severity === 1);
    await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: ns, languageId: 'dns-zone', version: 1, text: nsText } });
    // A snippet: nothing is known of ns2 until a file holds the zone whole.
    await diagnostics(ns, (x) => !refused(x));
    await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: soa, languageId: 'dns-zone', version: 1, text: soaText } });
    await diagnostics(ns, refused);
    await conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: soa, version: 2 }, contentChanges: [{ text: soaText + 'ns2 IN AAAA 2001:db8::53\n' }] });
    await diagnostics(ns, (x) => !refused(x));
    for (const u of [ns, soa]) await conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: u } });
  });

  it('re-validates a record when another file publishes a null MX or a DKIM selector at its name', async () => {
    const spf = pathToFileURL(path.join(dir, 'nomail.example.zone')).href;
    const spfText = '$ORIGIN nomail.example.\n@ IN TXT "v=spf1 include:_spf.google.com ~all"\n_dmarc IN TXT "v=DMARC1; p=reject;"\n$ORIGIN quiet.example.\n@ IN TXT "v=spf1 -all"\n';
    const other = pathToFileURL(path.join(dir, 'nomail-mx.example.zone')).href;
    const otherText = '$ORIGIN nomail.example.\nwww IN A 192.0.2.80\n';
    for (const [u, t] of [[spf, spfText], [other, otherText]]) await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: u, languageId: 'dns-zone', version: 1, text: t } });
    const sender = (x: PublishDiagnosticsParams) => x.diagnostics.some((d) => d.code === 'spf/null-mx-sender');
    await diagnostics(spf, (x) => x.diagnostics.length > 0 && !sender(x));
    // The other file says the apex takes no mail: its SPF, which lets Google send, is now a warning.
    await conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: other, version: 2 }, contentChanges: [{ text: otherText + '@ IN MX 0 .\n' }] });
    await diagnostics(spf, sender);
    // quiet.example sends no mail by its SPF, until the other file publishes a DKIM selector for it.
    const sendsNone = (x: PublishDiagnosticsParams) => x.diagnostics.some((d) => d.code === 'dmarc/missing-record' && /sends no mail/.test(d.message));
    await diagnostics(spf, sendsNone);
    await conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: other, version: 3 }, contentChanges: [{ text: otherText + 's1._domainkey.quiet.example. IN CNAME s1.dkim.platform.example.net.\n' }] });
    await diagnostics(spf, (x) => !sender(x) && !sendsNone(x) && x.diagnostics.some((d) => d.code === 'dmarc/missing-record'));
    for (const u of [spf, other]) await conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: u } });
  });

  it('hovers a _dmarc CNAME with the record it leads to in another file and the policy that applies', async () => {
    const pol = pathToFileURL(path.join(dir, 'policies.example.net.zone')).href;
    await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: pol, languageId: 'dns-zone', version: 1, text: '$ORIGIN policies.example.net.\n@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\nhop IN CNAME brand\nbrand IN TXT "v=DMARC1; p=quarantine; rua=mailto:d@brand.example"\n' } });
    const brand = pathToFileURL(path.join(dir, 'brand.example.zone')).href;
    const text = '$ORIGIN brand.example.\n@ IN TXT "v=spf1 -all"\n_dmarc IN CNAME hop.policies.example.net.\n_dmarc.away IN CNAME away.hosted.vendor.example.\n';
    await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: brand, languageId: 'dns-zone', version: 1, text } });
    await diagnostics(brand);
    const hover = async (line: number) => ((await conn.sendRequest(HoverRequest.type, { textDocument: { uri: brand }, position: { line, character: 3 } }))?.contents as MarkupContent | undefined)?.value;
    assert.match((await hover(2))!, /^\*\*DMARC by CNAME\*\*: receivers asking for `_dmarc\.brand\.example` follow it to `hop\.policies\.example\.net` \(a chain of 2 CNAMEs ending at `brand\.policies\.example\.net`\).*The record there \(policies\.example\.net\.zone:4\): `v=DMARC1; p=quarantine; rua=mailto:d@brand\.example`\n\n\*\*DMARC\*\*: `p=quarantine` applies to mail from `brand\.example` by `_dmarc\.brand\.example`/s);
    assert.match((await hover(3))!, /follow it to `away\.hosted\.vendor\.example`.*not in the workspace.*\*\*DMARC\*\*: hosted, `_dmarc\.away\.brand\.example` is a CNAME/s);
    // A `_dmarc` record written as an expression (Terraform): its policy is not known, and the hover says so.
    const tf = pathToFileURL(path.join(dir, 'expr.tf')).href;
    const tfText = 'variable "dmarc" {}\nresource "aws_route53_record" "spf" {\n  zone_id = "Z1"\n  name    = "expr.example"\n  type    = "TXT"\n  records = ["v=spf1 -all"]\n}\nresource "aws_route53_record" "dmarc" {\n  zone_id = "Z1"\n  name    = "_dmarc.expr.example"\n  type    = "TXT"\n  records = [var.dmarc]\n}\n';
    await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: tf, languageId: 'terraform', version: 1, text: tfText } });
    await diagnostics(tf);
    const onSpf = ((await conn.sendRequest(HoverRequest.type, { textDocument: { uri: tf }, position: { line: 5, character: 16 } }))?.contents as MarkupContent).value;
    assert.match(onSpf, /\*\*DMARC\*\*: `_dmarc\.expr\.example[^`]*` publishes a record whose value is not known statically \(an expression\)/);
    for (const u of [pol, brand, tf]) await conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: u } });
  });

  it('survives hostile input and still answers', async () => {
    const u = `${uri}.hostile`;
    await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: u, languageId: 'dns-zone', version: 1, text: '('.repeat(200000) + '"\\'.repeat(1000) } });
    const p = await diagnostics(u);
    assert.ok(p.diagnostics.some((d) => d.code === 'zone/unbalanced-parentheses'));
    const b = `${uri}.bin`;
    await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: b, languageId: 'dns-zone', version: 1, text: 'x\u0000y' } });
    assert.match((await diagnostics(b)).diagnostics[0].message, /not a text file/);
  });

  it('checks record-like string literals in any other text file (the fallback), and nothing else there', async () => {
    const py = uri.replace(/[^/]+$/, 'deploy_dns.py');
    await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: py, languageId: 'python', version: 1, text: 'SPF = "v=spf1 mx ?all"\nNAME = "example"\n' } });
    const p = await diagnostics(py);
    assert.deepEqual(p.diagnostics.map((d) => [d.code, d.range.start.line, d.range.start.character]), [['spf/neutral-all', 0, 17]]);
    const md = uri.replace(/[^/]+$/, 'NOTES.md');
    await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: md, languageId: 'markdown', version: 1, text: '# DNS notes\nNothing here.\n' } });
    assert.deepEqual((await diagnostics(md)).diagnostics, []);
  });
});
