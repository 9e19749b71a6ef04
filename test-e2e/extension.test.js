// End-to-end tests inside a real VS Code extension host (code-server 1.139 through scripts/vscode-shim.js):
// the packaged client starts the bundled language server over IPC, and these tests use only VS Code APIs.
const assert = require('node:assert');
const fs = require('node:fs');
const vscode = require('vscode');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function waitFor(fn, ms = 30000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await sleep(100);
  }
}

suite('DMARC Lens in VS Code', () => {
  let uri;
  let doc;
  suiteSetup(async () => {
    uri = vscode.Uri.joinPath(vscode.workspace.workspaceFolders[0].uri, 'northwind.example.zone');
    const t0 = Date.now();
    doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    assert.strictEqual(doc.languageId, 'dns-zone');
    const ext = vscode.extensions.getExtension('dmarc-lens.dmarc-lens');
    await waitFor(() => ext.isActive);
    console.log(`[test] activated ${Date.now() - t0} ms after opening the zone file; activate() took ${ext.exports.activationMs.toFixed(1)} ms`);
    // The figure is printed above (the target is under 100 ms); the test only catches a gross regression
    // (the server loaded in-process, a synchronous scan), not a slow moment of a shared machine.
    assert.ok(ext.exports.activationMs < 1000, `activate() took ${ext.exports.activationMs} ms`);
    await ext.exports.ready;
  });

  test('diagnostics from the language server, with rule ids and docs links', async () => {
    const diags = await waitFor(() => {
      const d = vscode.languages.getDiagnostics(uri).filter((x) => x.source === 'dmarc-lens');
      return d.some((x) => x.code && x.code.value === 'spf/plus-all') ? d : null;
    });
    const plus = diags.find((x) => x.code.value === 'spf/plus-all');
    assert.strictEqual(plus.severity, vscode.DiagnosticSeverity.Error);
    assert.match(plus.code.target.toString(), /docs\/rules\/spf\/plus-all\.md$/);
    assert.strictEqual(doc.getText(plus.range), '+all');
    assert.ok(diags.some((x) => x.code.value === 'spf/multiple-records'));
  });

  test('hover explains the DMARC policy', async () => {
    const line = doc.lineAt([...Array(doc.lineCount).keys()].find((i) => doc.lineAt(i).text.startsWith('_dmarc ')));
    const pos = new vscode.Position(line.lineNumber, line.text.indexOf('p=none') + 1);
    const hovers = await vscode.commands.executeCommand('vscode.executeHoverProvider', uri, pos);
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /DMARC tag `p`/);
    assert.match(text, /monitor only/);
    // The BIMI record beside it: its tags explained, and why no logo shows yet.
    const bimi = doc.lineAt([...Array(doc.lineCount).keys()].find((i) => doc.lineAt(i).text.startsWith('default._bimi ')));
    const at = new vscode.Position(bimi.lineNumber, bimi.text.indexOf('l=') + 1);
    const bh = await vscode.commands.executeCommand('vscode.executeHoverProvider', uri, at);
    assert.match(bh.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n'), /BIMI tag `l`/);
    assert.ok(vscode.languages.getDiagnostics(uri).some((x) => x.code && x.code.value === 'dmarc/bimi-without-enforcement' && x.range.start.line === bimi.lineNumber));
    // On the owner name of the two SPF records of news: what is published there and the policy that covers it.
    const news = doc.lineAt([...Array(doc.lineCount).keys()].find((i) => doc.lineAt(i).text.startsWith('news ')));
    const nh = await vscode.commands.executeCommand('vscode.executeHoverProvider', uri, new vscode.Position(news.lineNumber, 1));
    const nt = nh.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(nt, /`news\.northwind\.example`/);
    assert.match(nt, /More than one SPF record/);
    assert.match(nt, /`p=none` applies to mail from `news\.northwind\.example`/);
    // The cursor on an MX host: VS Code highlights its A record's owner and the MX record's target.
    const mx = doc.lineAt([...Array(doc.lineCount).keys()].find((i) => /^@\s+IN MX\s+10 mx1/.test(doc.lineAt(i).text)));
    const lit = await vscode.commands.executeCommand('vscode.executeDocumentHighlights', uri, new vscode.Position(mx.lineNumber, mx.text.indexOf('mx1') + 1));
    assert.deepStrictEqual(lit.map((h) => `${doc.getText(h.range)}:${h.kind === vscode.DocumentHighlightKind.Write ? 'owner' : 'use'}`).sort(), ['mx1:owner', 'mx1:use']);
  });

  test('completion offers provider includes inside an SPF record', async () => {
    const line = doc.lineAt([...Array(doc.lineCount).keys()].find((i) => doc.lineAt(i).text.startsWith('shop ')));
    const pos = new vscode.Position(line.lineNumber, line.text.indexOf(' mx') + 1);
    const list = await vscode.commands.executeCommand('vscode.executeCompletionItemProvider', uri, pos);
    const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    assert.ok(labels.includes('include:_spf.google.com'), labels.slice(0, 20).join(','));
  });

  test('go to definition opens the file of an $INCLUDE line, which is also a link', async () => {
    const line = doc.lineAt([...Array(doc.lineCount).keys()].find((i) => doc.lineAt(i).text.startsWith('$INCLUDE ')));
    const pos = new vscode.Position(line.lineNumber, line.text.indexOf('northwind.example.dkim') + 2);
    const defs = await vscode.commands.executeCommand('vscode.executeDefinitionProvider', uri, pos);
    assert.strictEqual(defs.length, 1);
    assert.ok((defs[0].targetUri ?? defs[0].uri).path.endsWith('/northwind.example.dkim.inc'), JSON.stringify(defs));
    const links = await vscode.commands.executeCommand('vscode.executeLinkProvider', uri);
    assert.ok(links.some((l) => l.target && l.target.path.endsWith('/northwind.example.dkim.inc')), JSON.stringify(links));
  });

  test('fix all (source.fixAll, as on save) writes what check --fix writes', async () => {
    const root = vscode.workspace.workspaceFolders[0].uri;
    const file = vscode.Uri.joinPath(root, 'fixall.example.zone');
    fs.writeFileSync(file.fsPath, '$ORIGIN fixall.example.\n@ IN TXT \u201cv=spf1 mx mx \u2013all\u201d\n_dmarc IN TXT "v=DMARC1, p=none"\n');
    const fdoc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(fdoc);
    await waitFor(() => vscode.languages.getDiagnostics(file).some((x) => x.code && x.code.value === 'zone/typographic-quotes'));
    // Now and then (3 times in about 94 local runs, once in CI; 3 in 24 more) this fails in VS Code: the code action request is
    // canceled, comes back without the action, or applyEdit refuses the edit, with the document's version unchanged, while the
    // server, asked directly through the language client at that moment, answers with the action. The server's side never did
    // (test/server/fixes.test.ts asks 40 times, at once and later, for a file just written and opened). Say what the document's version and
    // diagnostics were, and ask again, up to three times: the text must still come out as check --fix writes it.
    let applied = false;
    // What the server itself answers, asked through the language client: it tells VS Code's side of a failure from the server's.
    const direct = async () => {
      try {
        const got = await vscode.extensions.getExtension('dmarc-lens.dmarc-lens').exports.client.sendRequest('textDocument/codeAction', { textDocument: { uri: file.toString() }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [], only: ['source.fixAll'] } });
        return JSON.stringify((got || []).map((a) => a.kind));
      } catch (e) {
        return `an error: ${e && e.message}`;
      }
    };
    for (let attempt = 1; attempt <= 3 && !applied; attempt++) {
      const v0 = fdoc.version;
      try {
        const actions = await vscode.commands.executeCommand('vscode.executeCodeActionProvider', file, new vscode.Range(0, 0, 0, 0), vscode.CodeActionKind.SourceFixAll.value);
        const fixAll = actions.find((a) => a.kind && a.kind.value === 'source.fixAll.dmarc-lens');
        if (!fixAll) {
          const shown = vscode.languages.getDiagnostics(file).map((d) => d.code && d.code.value);
          console.log(`[test] attempt ${attempt}: no fix-all action among ${actions.length} (${actions.map((a) => a.title).join(', ')}); document version ${v0} when asked, ${fdoc.version} now; diagnostics ${shown.join(', ')}; the server, asked directly, answers ${await direct()}`);
          await sleep(250);
          continue;
        }
        applied = await vscode.workspace.applyEdit(fixAll.edit);
        if (!applied) {
          const edits = [...fixAll.edit.entries()].flatMap(([u, es]) => es.map((e) => `${u.path.split('/').pop()} ${e.range.start.line}:${e.range.start.character}-${e.range.end.line}:${e.range.end.character} ${JSON.stringify(e.newText)}`));
          console.log(`[test] attempt ${attempt}: applyEdit returned false; document version ${v0} when asked, ${fdoc.version} now, dirty ${fdoc.isDirty}; edits: ${edits.join(', ') || 'none'}`);
        }
      } catch (e) {
        if (!/Canceled/.test(String(e && e.message))) throw e;
        console.log(`[test] attempt ${attempt}: the code action request was canceled; document version ${v0} when asked, ${fdoc.version} now; the server, asked directly, answers ${await direct()}`);
      }
      if (!applied) await sleep(250);
    }
    assert.ok(applied);
    assert.strictEqual(fdoc.getText(), '$ORIGIN fixall.example.\n@ IN TXT "v=spf1 mx -all"\n_dmarc IN TXT "v=DMARC1; p=none"\n');
    await fdoc.save();
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test('an unsaved edit of a Terraform module file re-checks its other open file, and closing it unsaved goes back to the disk', async () => {
    const root = vscode.workspace.workspaceFolders[0].uri;
    const dir = vscode.Uri.joinPath(root, 'tf-module');
    fs.mkdirSync(dir.fsPath, { recursive: true });
    const defs = vscode.Uri.joinPath(dir, 'defs.tf');
    const records = vscode.Uri.joinPath(dir, 'records.tf');
    fs.writeFileSync(defs.fsPath, 'resource "aws_route53_zone" "main" {\n  name = local.apex\n}\nlocals {\n  apex = "first.example"\n}\n');
    fs.writeFileSync(records.fsPath, 'resource "aws_route53_record" "spf" {\n  zone_id = aws_route53_zone.main.zone_id\n  name    = "mail"\n  type    = "TXT"\n  records = ["v=spf1 -all"]\n}\n');
    const missing = (apex) => () => vscode.languages.getDiagnostics(records).find((x) => x.code && x.code.value === 'dmarc/missing-record' && x.message.includes(`mail.${apex}.example`));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(records));
    await waitFor(missing('first'));
    const ddoc = await vscode.workspace.openTextDocument(defs);
    await vscode.window.showTextDocument(ddoc);
    const edit = new vscode.WorkspaceEdit();
    const at = ddoc.getText().indexOf('first');
    edit.replace(defs, new vscode.Range(ddoc.positionAt(at), ddoc.positionAt(at + 'first'.length)), 'second');
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(ddoc.isDirty);
    await waitFor(missing('second'));
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await waitFor(missing('first'));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.window.showTextDocument(doc);
  });

  test('outline lists records by owner', async () => {
    const symbols = await vscode.commands.executeCommand('vscode.executeDocumentSymbolProvider', uri);
    const names = symbols.map((s) => s.name);
    for (const n of ['@', '_dmarc', 'shop', 'news']) assert.ok(names.includes(n), names.join(','));
  });

  test('code lenses: the DMARC stage with the example reports, and the SPF count, which opens the include tree', async () => {
    const lenses = await waitFor(async () => {
      const l = await vscode.commands.executeCommand('vscode.executeCodeLensProvider', uri, 100);
      return l && l.some((x) => x.command && x.command.title.startsWith('DMARC stage')) ? l : null;
    });
    const titles = lenses.map((l) => l.command.title);
    // The example reports are from November 2025: the lens says how old they are.
    assert.ok(titles.some((t) => /^DMARC stage 1\/5: monitoring only \(p=none\) · 85\.3% DMARC pass over 2,156 messages in 1 day, 1 report; still failing: 198\.2\.129\.12 \(14\.5%\); old: the newest report ended \d+ days ago$/.test(t)), titles.join(' | '));
    assert.ok(titles.includes('Next: move to p=quarantine in test mode (t=y) — not yet: 1 source still fails DMARC'), titles.join(' | '));
    const spf = lenses.find((l) => /^SPF: .*\d+\/10 DNS lookups/.test(l.command.title) && l.command.arguments[0] === 'northwind.example');
    assert.ok(spf, titles.join(' | '));
    assert.strictEqual(spf.command.command, 'dmarcLens.showSpfTree');
    const editor = await vscode.commands.executeCommand(spf.command.command, ...spf.command.arguments);
    assert.strictEqual(editor.document.uri.scheme, 'dmarc-lens-spf');
    const page = editor.document.getText();
    assert.match(page, /^northwind\.example {2}"v=spf1 ip4:192\.0\.2\.25 /);
    assert.match(page, /include:_spf\.google\.com {2}\+1/);
    assert.match(page, /\d+\/10 DNS lookups/);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    // The stage's evidence opens the reports it counts, in the report preview: the domain's, over its days.
    const stage = lenses.find((l) => l.command.title.startsWith('DMARC stage'));
    assert.strictEqual(stage.command.command, 'dmarcLens.showWorkspaceReports');
    assert.deepStrictEqual(stage.command.arguments, [{ domains: ['northwind.example'], since: 1764115199 - 30 * 86400 + 1 }]);
    const shown = await vscode.commands.executeCommand(stage.command.command, ...stage.command.arguments);
    assert.deepStrictEqual({ reports: shown.reports, messages: shown.messages, passRate: shown.passRate, scope: shown.scope }, { reports: 1, messages: 2156, passRate: 1840 / 2156, scope: stage.command.arguments[0] });
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await vscode.window.showTextDocument(doc);
  });

  test('rename (F2) renames a host across the workspace, in the file that is not open too, and check-names is satisfied', async () => {
    const root = vscode.workspace.workspaceFolders[0].uri;
    const file = vscode.Uri.joinPath(root, 'rename.example.zone');
    const other = vscode.Uri.joinPath(root, 'rename-other.example.zone');
    const text = '$ORIGIN rename.example.\n@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ IN NS ns1\nns1 IN A 192.0.2.1\n@ IN MX 10 mail_host\nmail_host IN A 192.0.2.25\n@ IN TXT "v=spf1 a:mail_host.rename.example -all"\n';
    const otherText = '$ORIGIN rename-other.example.\n@ IN MX 10 mail_host.rename.example.\n';
    fs.writeFileSync(file.fsPath, text);
    fs.writeFileSync(other.fsPath, otherText);
    const rdoc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(rdoc);
    await waitFor(() => vscode.languages.getDiagnostics(file).filter((x) => x.code && x.code.value === 'zone/invalid-hostname').length === 2);
    const pos = new vscode.Position(5, 2);
    const prepared = await vscode.commands.executeCommand('vscode.prepareRename', file, pos);
    assert.strictEqual(prepared.placeholder, 'mail_host');
    // The other file is indexed from disk when the server starts or when the watcher reports it: asked until it is in the edit.
    const edit = await waitFor(async () => {
      const e = await vscode.commands.executeCommand('vscode.executeDocumentRenameProvider', file, pos, 'mail-host');
      return e && e.has(other) ? e : null;
    }, 15000);
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.strictEqual(rdoc.getText(), text.replace(/mail_host/g, 'mail-host'));
    assert.strictEqual((await vscode.workspace.openTextDocument(other)).getText(), otherText.replace('mail_host', 'mail-host'));
    await waitFor(() => !vscode.languages.getDiagnostics(file).some((x) => x.code && x.code.value === 'zone/invalid-hostname'));
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test('quick fix replaces +all and the diagnostic goes away', async () => {
    const plus = vscode.languages.getDiagnostics(uri).find((x) => x.code && x.code.value === 'spf/plus-all');
    // Asked again until it is there (for up to 10 s), as the light bulb would be: once in seven runs
    // (session 5) the first request came back with no actions at all; the cause is not found yet.
    let titles = [];
    const fix = await waitFor(async () => {
      const actions = await vscode.commands.executeCommand('vscode.executeCodeActionProvider', uri, plus.range, vscode.CodeActionKind.QuickFix.value);
      titles = actions.map((a) => a.title);
      return actions.find((a) => a.title === 'Use -all');
    }, 10000).catch(() => undefined);
    assert.ok(fix, `no "Use -all" among: ${titles.join(', ')}`);
    const before = doc.getText();
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.strictEqual(doc.getText(), before.replace('ptr +all', 'ptr -all'));
    await waitFor(() => !vscode.languages.getDiagnostics(uri).some((x) => x.code && x.code.value === 'spf/plus-all'));
  });

  test('RFC 9989 tree walk: sp below the Organizational Domain is flagged, and the psd=n quick fix clears it', async () => {
    const diag = await waitFor(() => vscode.languages.getDiagnostics(uri).find((x) => x.code && x.code.value === 'dmarc/ignored-subdomain-policy'));
    assert.strictEqual(doc.getText(diag.range), 'sp=none');
    assert.match(diag.message, /never applies: receivers take the policy for names under shop\.northwind\.example from _dmarc\.northwind\.example/);
    let titles = [];
    const fix = await waitFor(async () => {
      const actions = await vscode.commands.executeCommand('vscode.executeCodeActionProvider', uri, diag.range, vscode.CodeActionKind.QuickFix.value);
      titles = actions.map((a) => a.title);
      return actions.find((a) => a.title.startsWith('Add psd=n'));
    }, 10000).catch(() => undefined);
    assert.ok(fix, `no psd=n fix among: ${titles.join(', ')}`);
    const before = doc.getText();
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    // Only the tag is added, inside the record's quotes.
    assert.strictEqual(doc.getText(), before.replace('sp=none; rua=mailto:dmarc-reports@northwind.example"', 'sp=none; rua=mailto:dmarc-reports@northwind.example; psd=n"'));
    await waitFor(() => !vscode.languages.getDiagnostics(uri).some((x) => x.code && x.code.value === 'dmarc/ignored-subdomain-policy'));
  });

  test('a Terraform zone named by a variable: findings name it by the variable, and the quick fix adds a _dmarc resource beside the record', async () => {
    const dir = vscode.Uri.joinPath(vscode.workspace.workspaceFolders[0].uri, 'e2e-module');
    fs.mkdirSync(dir.fsPath, { recursive: true });
    const tf = vscode.Uri.joinPath(dir, 'main.tf');
    const text = 'resource "aws_route53_zone" "shop" {\n  name = var.domain\n}\n\nresource "aws_route53_record" "spf" {\n  zone_id = aws_route53_zone.shop.zone_id\n  name    = var.domain\n  type    = "TXT"\n  ttl     = 300\n  records = ["v=spf1 include:_spf.google.com -all"]\n}\n';
    fs.writeFileSync(tf.fsPath, text);
    const tfDoc = await vscode.workspace.openTextDocument(tf);
    await vscode.window.showTextDocument(tfDoc);
    const diag = await waitFor(() => vscode.languages.getDiagnostics(tf).find((x) => x.code && x.code.value === 'dmarc/missing-record'));
    assert.match(diag.message, /^`<var\.domain>` publishes SPF but has no DMARC record at `_dmarc\.<var\.domain>`/);
    assert.ok(!vscode.languages.getDiagnostics(tf).some((x) => /\.invalid/.test(x.message)));
    let titles = [];
    const fix = await waitFor(async () => {
      const actions = await vscode.commands.executeCommand('vscode.executeCodeActionProvider', tf, diag.range, vscode.CodeActionKind.QuickFix.value);
      titles = actions.map((a) => a.title);
      return actions.find((a) => a.title.startsWith('DMARC: add resource aws_route53_record.dmarc'));
    }, 10000).catch(() => undefined);
    assert.ok(fix, `no resource fix among: ${titles.join(', ')}`);
    assert.match(fix.title, /publishing _dmarc\.<var\.domain> with p=none \(monitoring\), reports to dmarc-reports@\$\{var\.domain\}$/);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.strictEqual(tfDoc.getText(), `${text}\nresource "aws_route53_record" "dmarc" {\n  zone_id = aws_route53_zone.shop.zone_id\n  name    = "_dmarc.\${var.domain}"\n  type    = "TXT"\n  ttl     = 300\n  records = ["v=DMARC1; p=none; rua=mailto:dmarc-reports@\${var.domain}"]\n}\n`);
    await waitFor(() => !vscode.languages.getDiagnostics(tf).some((x) => x.code && x.code.value === 'dmarc/missing-record'));
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test('commands are registered and Check Workspace reports totals', async () => {
    const all = await vscode.commands.getCommands(true);
    for (const c of ['dmarcLens.showOutput', 'dmarcLens.restartServer', 'dmarcLens.checkWorkspace']) assert.ok(all.includes(c), c);
    const counts = await vscode.commands.executeCommand('dmarcLens.checkWorkspace');
    assert.ok(counts.files >= 1 && counts.error >= 1, JSON.stringify(counts));
  });

  test('Show Email Inventory opens a page of what the example workspace publishes, per domain', async () => {
    const editor = await vscode.commands.executeCommand('dmarcLens.showInventory');
    const text = editor.document.getText();
    assert.strictEqual(editor.document.uri.scheme, 'dmarc-lens-inventory');
    assert.match(text, /^northwind\.example$/m);
    assert.match(text, /^northwind\.example\n {2}MX {5}10 mx1\.northwind\.example, 20 mx2\.northwind\.example {2}\(northwind\.example\.zone:16\)$/m);
    assert.match(text, /^ {2}DMARC {2}v=DMARC1; p=none; .* \(northwind\.example\.zone:\d+\)\n {9}stage 1\/5/m);
    assert.match(text, /^northwind-careers\.example\n {2}SPF {4}v=spf1 include:_spf\.google\.com \?all {2}\(terraform[\\/]main\.tf:12\)$/m);
    assert.match(text, /sends via Google Workspace/);
    // Who the workspace's reports show sending as northwind.example.
    assert.match(text, /^ {2}seen {3}Mailchimp: 312 messages in the reports, none passed DMARC$/m);
    // The page follows an edit (not saved) of a zone file.
    const zone = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(vscode.workspace.workspaceFolders[0].uri, 'northwind.example.zone'));
    const edit = new vscode.WorkspaceEdit();
    edit.insert(zone.uri, new vscode.Position(zone.lineCount, 0), '_dmarc.labs IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc-reports@northwind.example"\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const page = editor.document;
    for (let i = 0; i < 100 && !/^labs\.northwind\.example$/m.test(page.getText()); i++) await new Promise((r) => setTimeout(r, 100));
    assert.match(page.getText(), /^labs\.northwind\.example\n {2}DMARC {2}v=DMARC1; p=reject;/m);
    await vscode.window.showTextDocument(zone);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await vscode.window.showTextDocument(page);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test('Compare Records with DNS opens a page that says, whatever DNS answers here, what it compared', async () => {
    const editor = await vscode.commands.executeCommand('dmarcLens.compareWithDns');
    const text = editor.document.getText();
    assert.strictEqual(editor.document.uri.scheme, 'dmarc-lens-drift');
    assert.match(text, /^DMARC Lens: the workspace's mail records against what DNS serves now, \d+ names? out of step/);
    // The example workspace's names (fictional domains) are not in public DNS: out of step, or not answered at all.
    assert.match(text, /^\d+ names compared with DNS \(the system resolver\): /m);
    assert.match(text, /_dmarc\.northwind\.example DMARC: |DNS answered none of the questions: /);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test('Show DMARC Policy of a Domain opens a page of what receivers apply to mail from it', async () => {
    const editor = await vscode.commands.executeCommand('dmarcLens.showDmarcPolicy', 'shop.northwind.example');
    const text = editor.document.getText();
    assert.strictEqual(editor.document.uri.scheme, 'dmarc-lens-dmarc');
    assert.match(text, /^shop\.northwind\.example: p=quarantine, by p of the domain’s own record at _dmarc\.shop\.northwind\.example\n {2}record: v=DMARC1; p=quarantine; sp=none;/);
    assert.match(text, /^ {4}_dmarc\.northwind\.example +v=DMARC1; p=none;/m);
    assert.match(text, /warning dmarc\/weak-subdomain-policy/);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test('Show DKIM Keys of a Domain opens a page of the keys the workspace and DNS publish', async () => {
    const t0 = Date.now();
    const editor = await vscode.commands.executeCommand('dmarcLens.showDkimKeys', 'northwind.example');
    const text = editor.document.getText();
    console.log(`[test] DKIM page in ${Date.now() - t0} ms`);
    assert.strictEqual(editor.document.uri.scheme, 'dmarc-lens-dkim');
    assert.match(text, /^northwind\.example: 2 DKIM keys found of \d+ selectors probed/);
    // The example reports show mail signed with this selector.
    assert.match(text, /^ {2}google\._domainkey\.northwind\.example +RSA 2048 bits {2}\(Google Workspace, seen in the reports\)$/m);
    assert.match(text, /^ {2}s1\._domainkey\.northwind\.example +RSA 1024 bits\n {4}warning dkim\/rsa-key-under-2048/m);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test('the domain pages offer the domain of the record under the cursor, in infrastructure as code too', async () => {
    const tf = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(vscode.workspace.workspaceFolders[0].uri, 'terraform', 'main.tf'));
    const editor = await vscode.window.showTextDocument(tf);
    await waitFor(() => vscode.languages.getDiagnostics(tf.uri).length > 0 || undefined).catch(() => undefined);
    // On the name of the DKIM record: the DKIM page asks that selector, the DMARC page its domain.
    const at = tf.positionAt(tf.getText().indexOf('"google._domainkey"') + 3);
    editor.selection = new vscode.Selection(at, at);
    const accept = async (command) => {
      const shown = vscode.commands.executeCommand(command);
      // The input box opens with the suggestion; accepting it opens the page.
      await sleep(1500);
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      return shown;
    };
    const dkim = await accept('dmarcLens.showDkimKeys');
    assert.ok(dkim, 'the DKIM page opened');
    assert.match(dkim.document.uri.path, /^\/google\._domainkey\.northwind-careers\.example \(DKIM keys\)$/);
    assert.match(dkim.document.getText(), /^northwind-careers\.example: /);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await vscode.window.showTextDocument(tf);
    const dmarc = await accept('dmarcLens.showDmarcPolicy');
    assert.ok(dmarc, 'the DMARC page opened');
    assert.match(dmarc.document.getText(), /^northwind-careers\.example: /);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await vscode.window.showTextDocument(tf);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test('zone-file snippets insert records (the DMARC starting record, by its name)', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'dns-zone', content: '$ORIGIN example.com.\n' });
    const editor = await vscode.window.showTextDocument(doc);
    const end = doc.positionAt(doc.getText().length);
    editor.selection = new vscode.Selection(end, end);
    await vscode.commands.executeCommand('editor.action.insertSnippet', { langId: 'dns-zone', name: 'DMARC record (start: monitoring)' });
    assert.strictEqual(doc.getText(), '$ORIGIN example.com.\n_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:dmarc-reports@example.com"\n');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('the report preview opens a webview that renders the example report', async () => {
    const report = vscode.Uri.joinPath(vscode.workspace.workspaceFolders[0].uri, 'reports', 'google.com!northwind.example!1764028800!1764115199.xml');
    const shown = await vscode.commands.executeCommand('dmarcLens.openReportPreview', report);
    assert.deepStrictEqual({ type: shown.type, reports: shown.reports, records: shown.records, messages: shown.messages }, { type: 'ready', reports: 1, records: 3, messages: 2156 });
  });

  test('a double-click on a compressed report opens the custom read-only preview, and a folder previews all its reports', async () => {
    const zlib = require('node:zlib');
    const root = vscode.workspace.workspaceFolders[0].uri;
    const xml = vscode.Uri.joinPath(root, 'reports', 'google.com!northwind.example!1764028800!1764115199.xml');
    const gz = vscode.Uri.joinPath(root, 'archive', 'google.com!northwind.example!1764028800!1764115199.xml.gz');
    fs.mkdirSync(require('node:path').dirname(gz.fsPath), { recursive: true });
    fs.writeFileSync(gz.fsPath, zlib.gzipSync(fs.readFileSync(xml.fsPath)));
    const api = vscode.extensions.getExtension('dmarc-lens.dmarc-lens').exports;
    await vscode.commands.executeCommand('vscode.open', gz); // what a double-click does: the default editor for *.xml.gz is ours
    console.log('[test] opened with the custom editor');
    const shown = await waitFor(() => api.rendered.get(gz.toString()));
    assert.deepStrictEqual({ reports: shown.reports, records: shown.records, messages: shown.messages }, { reports: 1, records: 3, messages: 2156 });
    const folder = await vscode.commands.executeCommand('dmarcLens.openReportPreview', vscode.Uri.joinPath(root, 'archive'));
    assert.strictEqual(folder.messages, 2156);
    // A mailbox file of two report e-mails and the example failure report opens in it too, message by message.
    // Two reports (another report ID each: one report kept twice would count once).
    const mail = (n) => `From noreply-dmarc-support@google.com Mon Jan  1 00:00:0${n} 2024\nFrom: noreply-dmarc-support@google.com\nSubject: Report ${n}\nContent-Type: application/gzip; name=r${n}.xml.gz\nContent-Transfer-Encoding: base64\n\n${zlib.gzipSync(Buffer.from(fs.readFileSync(xml.fsPath, 'utf8').replace(/<report_id>([^<]*)</, `<report_id>$1-${n}<`))).toString('base64')}\n`;
    const failure = fs.readFileSync(vscode.Uri.joinPath(root, 'reports', 'failure-report-northwind.example.eml').fsPath, 'utf8');
    const mbox = vscode.Uri.joinPath(root, 'archive', 'Inbox.mbox');
    fs.writeFileSync(mbox.fsPath, [mail(1), 'From dmarc@receiver.example Tue Jan  2 00:00:00 2024\n' + failure, mail(2)].join('\n'));
    await vscode.commands.executeCommand('vscode.open', mbox);
    const fromMbox = await waitFor(() => api.rendered.get(mbox.toString()));
    assert.deepStrictEqual({ reports: fromMbox.reports, messages: fromMbox.messages }, { reports: 2, messages: 2 * 2156 });
  });

  test('the preview of a folder filters by domain and days: the page asks, the server reads the reports again, the page renders them', async () => {
    const root = vscode.workspace.workspaceFolders[0].uri;
    const xml = fs.readFileSync(vscode.Uri.joinPath(root, 'reports', 'google.com!northwind.example!1764028800!1764115199.xml').fsPath, 'utf8');
    const folder = vscode.Uri.joinPath(root, 'by-domain');
    fs.mkdirSync(folder.fsPath, { recursive: true });
    fs.writeFileSync(vscode.Uri.joinPath(folder, 'a.xml').fsPath, xml);
    // The same mail for another domain, ten days later.
    fs.writeFileSync(
      vscode.Uri.joinPath(folder, 'b.xml').fsPath,
      xml.replace(/<report_id>([^<]*)</, '<report_id>$1-shop<').replace(/<domain>northwind\.example<\/domain>/g, '<domain>northwind-shop.example</domain>').replace('<begin>1764028800</begin>', '<begin>1764892800</begin>').replace('<end>1764115199</end>', '<end>1764979199</end>'),
    );
    const api = vscode.extensions.getExtension('dmarc-lens.dmarc-lens').exports;
    const all = await vscode.commands.executeCommand('dmarcLens.openReportPreview', folder);
    assert.deepStrictEqual({ reports: all.reports, messages: all.messages, domains: [...all.domains].sort(), scope: all.scope }, { reports: 2, messages: 2 * 2156, domains: ['northwind-shop.example', 'northwind.example'], scope: {} });
    const shop = await api.filterPreview(folder.toString(), { domains: ['northwind-shop.example'] });
    assert.deepStrictEqual({ reports: shop.reports, messages: shop.messages, domains: shop.domains, scope: shop.scope }, { reports: 1, messages: 2156, domains: ['northwind-shop.example'], scope: { domains: ['northwind-shop.example'] } });
    // Export CSV saves the records of what the preview shows: the shop's report only.
    const csvFile = vscode.Uri.joinPath(root, 'by-domain-shop.csv');
    const saved = await vscode.commands.executeCommand('dmarcLens.exportReportCsv', folder.toString(), csvFile);
    assert.strictEqual(saved.toString(), csvFile.toString());
    const lines = fs.readFileSync(csvFile.fsPath, 'utf8').split('\r\n').filter(Boolean);
    assert.match(lines[0], /^file,reporter,report_id,begin,end,policy_domain,/);
    assert.strictEqual(lines.length, 1 + 3);
    assert.ok(lines.slice(1).every((l) => l.includes(',northwind-shop.example,')), lines.join('\n'));
    fs.rmSync(csvFile.fsPath);
    const none = await api.filterPreview(folder.toString(), { domains: ['northwind.example'], since: 1764892800 });
    assert.deepStrictEqual({ reports: none.reports, leftOut: none.leftOut }, { reports: 0, leftOut: 2 });
    const back = await api.filterPreview(folder.toString(), {});
    assert.strictEqual(back.reports, 2);
  });

  test('the preview names its sources by their PTR records once the page is shown, and says what DNS’s SPF records say of them, with the DNS server of the settings', async () => {
    // A DNS server on loopback that knows the example report's sources: Mailchimp's address by its PTR (confirmed), and the domain's own server.
    const dgram = require('node:dgram');
    const packet = require('dns-packet');
    // And the SPF records of the providers northwind.example includes, so the unnamed sources' SPF verdict (which the files alone cannot decide) comes from DNS.
    const known = { '12.129.2.198.in-addr.arpa': ['PTR', 'mail129-12.mcsv.net'], 'mail129-12.mcsv.net': ['A', '198.2.129.12'], '25.2.0.192.in-addr.arpa': ['PTR', 'mx.northwind.example'], '_spf.google.com': ['TXT', 'v=spf1 ip4:209.85.128.0/17 ~all'], 'sendgrid.net': ['TXT', 'v=spf1 ip4:167.89.0.0/17 ~all'], 'servers.mcsv.net': ['TXT', 'v=spf1 ip4:198.2.128.0/18 ~all'] };
    const udp = dgram.createSocket('udp4');
    udp.on('message', (msg, rinfo) => {
      const q = packet.decode(msg);
      const question = q.questions[0];
      const hit = known[question.name.toLowerCase()];
      const answers = hit && hit[0] === question.type ? [{ name: question.name, type: hit[0], ttl: 60, class: 'IN', data: hit[1] }] : [];
      udp.send(packet.encode({ id: q.id, type: 'response', flags: packet.AUTHORITATIVE_ANSWER | (hit ? 0 : 3), questions: q.questions, answers }), rinfo.port, rinfo.address);
    });
    await new Promise((r) => udp.bind(0, '127.0.0.1', r));
    const config = vscode.workspace.getConfiguration('dmarcLens');
    await config.update('dns.servers', [`127.0.0.1:${udp.address().port}`], vscode.ConfigurationTarget.Workspace);
    await config.update('dns.mode', 'live', vscode.ConfigurationTarget.Workspace);
    try {
      const api = vscode.extensions.getExtension('dmarc-lens.dmarc-lens').exports;
      const report = vscode.Uri.joinPath(vscode.workspace.workspaceFolders[0].uri, 'reports', 'google.com!northwind.example!1764028800!1764115199.xml');
      // The server reads the new settings (they arrive as a notification): the page names the sources once it has.
      const named = await waitFor(async () => {
        api.hostsShown.delete(report.toString());
        await vscode.commands.executeCommand('dmarcLens.openReportPreview', report);
        const m = await waitFor(() => api.hostsShown.get(report.toString()), 8000).catch(() => undefined);
        await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
        return m && m.named >= 2 && m.verdicts >= 1 ? m : undefined;
      }, 30000);
      assert.strictEqual(named.type, 'hosts-shown');
    } finally {
      await config.update('dns.servers', undefined, vscode.ConfigurationTarget.Workspace);
      await config.update('dns.mode', undefined, vscode.ConfigurationTarget.Workspace);
      udp.close();
    }
  });

  test('the example sender profiles: HubSpot will fail DMARC, SendGrid passes, and the message says what to publish', async () => {
    const cfg = vscode.Uri.joinPath(vscode.workspace.workspaceFolders[0].uri, '.dmarc-lens.json');
    const cdoc = await vscode.workspace.openTextDocument(cfg);
    await vscode.window.showTextDocument(cdoc);
    const diags = await waitFor(() => {
      const d = vscode.languages.getDiagnostics(cfg).filter((x) => x.source === 'dmarc-lens');
      return d.some((x) => x.code && x.code.value === 'sender/will-fail-dmarc') ? d : null;
    });
    const fail = diags.filter((x) => x.code.value === 'sender/will-fail-dmarc');
    assert.strictEqual(fail.length, 1);
    assert.strictEqual(cdoc.getText(fail[0].range), '"hubspot"');
    assert.match(fail[0].message, /HubSpot \(From: news\.northwind\.example\) will fail DMARC/);
    assert.match(fail[0].message, /Publish hs1-4315870\._domainkey\.news\.northwind\.example CNAME/);
    assert.ok(!diags.some((x) => /SendGrid/.test(x.message)), 'SendGrid is set up and passes');
    assert.ok(fail[0].relatedInformation.some((r) => r.location.uri.path.endsWith('northwind.example.zone')));
  });

  test('"Not ours" on a failing source of the preview lists it in .dmarc-lens.json; once saved, the preview and the code lens stop counting it', async () => {
    const root = vscode.workspace.workspaceFolders[0].uri;
    const cfg = vscode.Uri.joinPath(root, '.dmarc-lens.json');
    const original = fs.readFileSync(cfg.fsPath, 'utf8');
    const api = vscode.extensions.getExtension('dmarc-lens.dmarc-lens').exports;
    const report = vscode.Uri.joinPath(root, 'reports', 'google.com!northwind.example!1764028800!1764115199.xml');
    const zone = vscode.Uri.joinPath(root, 'northwind.example.zone');
    const stageLens = async () => ((await vscode.commands.executeCommand('vscode.executeCodeLensProvider', zone, 10)) || []).map((l) => l.command && l.command.title).find((t) => t && t.startsWith('DMARC stage'));
    try {
      const shown = await vscode.commands.executeCommand('dmarcLens.openReportPreview', report);
      assert.strictEqual(shown.setAside, 0);
      assert.match(await stageLens(), /; still failing: 198\.2\.129\.12 \(14\.5%\)/);
      // What the page's button runs: the source is added to the file, which is shown unsaved.
      const edited = await vscode.commands.executeCommand('dmarcLens.markSourceNotOurs', report.toString(), '198.2.129.12');
      assert.strictEqual(edited.toString(), cfg.toString());
      const cdoc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === cfg.toString());
      assert.ok(cdoc && cdoc.isDirty);
      // Only the reports section is added; the senders and their comments are as they were.
      assert.ok(cdoc.getText().startsWith(original.trimEnd().replace(/\n}$/, '')), cdoc.getText());
      assert.match(cdoc.getText(), /"reports": \{\n {4}"notOurs": \[\n {6}"198\.2\.129\.12"\n {4}\]\n {2}\}\n\}\n$/);
      // Saved: the open preview reads its reports again and sets the source aside; the code lens no longer counts it.
      const before = api.rendered.get(report.toString());
      assert.ok(await cdoc.save());
      const again = await waitFor(() => { const r = api.rendered.get(report.toString()); return r !== before ? r : undefined; });
      assert.strictEqual(again.setAside, 1);
      const lens = await waitFor(async () => { const t = await stageLens(); return t && t.includes('not counted') ? t : undefined; });
      assert.match(lens, /; failing, not counted: 198\.2\.129\.12 \(14\.5%, not ours by reports\.notOurs\)/);
      // Asked again, it is already listed: nothing changes.
      assert.strictEqual(await vscode.commands.executeCommand('dmarcLens.markSourceNotOurs', report.toString(), '198.2.129.12'), undefined);
    } finally {
      const cdoc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === cfg.toString());
      if (cdoc) {
        const all = new vscode.Range(cdoc.positionAt(0), cdoc.positionAt(cdoc.getText().length));
        const undo = new vscode.WorkspaceEdit();
        undo.replace(cfg, all, original);
        await vscode.workspace.applyEdit(undo);
        await cdoc.save();
      } else fs.writeFileSync(cfg.fsPath, original);
    }
  });

  test('the server restarts and checks again', async () => {
    await vscode.commands.executeCommand('dmarcLens.restartServer');
    await waitFor(() => vscode.languages.getDiagnostics(uri).some((x) => x.code && x.code.value === 'spf/multiple-records'));
    assert.ok(fs.existsSync(uri.fsPath));
  });
});
