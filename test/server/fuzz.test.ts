/**
 * The language server under random documents and requests, over stdio: every bundled example, mutated
 * with pieces of its own syntax, opened and then edited; hover, completion, code actions, symbols,
 * folding, semantic tokens, inlay hints and rename at random positions. No request may fail, every position the
 * server gives must lie in the document, and the diagnostics after the edits must be what a fresh open
 * of the same text gives.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import {
  CodeActionRequest,
  CodeLensRequest,
  CodeLensResolveRequest,
  CompletionRequest,
  DefinitionRequest,
  DocumentLinkRequest,
  ReferencesRequest,
  PrepareRenameRequest,
  RenameRequest,
  ErrorCodes,
  ResponseError,
  type Location,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DocumentSymbolRequest,
  FoldingRangeRequest,
  HoverRequest,
  InlayHintRequest,
  SemanticTokensRequest,
  type CompletionItem,
  type CompletionList,
  type Position,
  type Range,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ROOT } from '../helpers';
import { startServer, type TestClient } from './client';

const RUNS = Number(process.env.DL_LSP_FUZZ_RUNS ?? 25);
const EXAMPLES: [string, string][] = [
  ['northwind.example.zone', 'dns-zone'],
  ['db.northwind-labs.example', 'dns-zone'],
  ['terraform/main.tf', 'terraform'],
  ['cloudformation/mail-records.yaml', 'yaml'],
  ['octodns/northwind-shop.example.yaml', 'yaml'],
  ['dnscontrol/dnsconfig.js', 'javascript'],
];
const PIECES = ['"', "'", '\\', '\n', '\r\n', ' ', ';', '(', ')', '[', ']', '{', '}', '${', '$', '#', 'v=spf1 ', 'include:', '+all', 'v=DMARC1; ', 'p=', 't=y', 'pct=', 'psd=n', 'psd=y', 'sp=reject', '_dmarc.', 'v=DKIM1; p=', '@', '.', 'é', '😀', '\u0000', '$GENERATE 1-3 h$ TXT "v=spf1 +all"\n', 'var.zone_id', 'each.value.name', 'module "m" {\n  source = "../terraform"\n  domain = "x.example.com"\n}\n', 'proxied = true'];

/** The lines of a text as LSP counts them (\n, \r\n and \r end a line), in UTF-16 code units. */
function lines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** The diagnostics of `version` once no new publish has come for a while (the SPF tree pass publishes again). */
async function settled(client: TestClient, uri: string, version: number) {
  let last = await client.waitFor(uri, (p) => p.version === version);
  for (let quiet = 0; quiet < 6; ) {
    await new Promise((r) => setTimeout(r, 25));
    const now = client.latest.get(uri)!;
    if (now === last) quiet++;
    else {
      last = now;
      quiet = 0;
    }
  }
  return last;
}

function assertIn(text: string, p: Position, what: string): void {
  const ls = lines(text);
  assert.ok(p.line >= 0 && p.line < ls.length, `${what}: line ${p.line} of ${ls.length}`);
  assert.ok(p.character >= 0 && p.character <= ls[p.line].length, `${what}: character ${p.character} on a line of ${ls.length > p.line ? ls[p.line].length : '?'}`);
}

function assertRange(text: string, r: Range, what: string): void {
  assertIn(text, r.start, what);
  assertIn(text, r.end, what);
  assert.ok(r.start.line < r.end.line || (r.start.line === r.end.line && r.start.character <= r.end.character), `${what}: range ends before it starts`);
}

describe('language server: random documents and requests over stdio', () => {
  let dir: string;
  let client: TestClient;
  let n = 0;
  const seen = { diagnostics: 0, hovers: 0, completions: 0, actions: 0, symbols: 0, hints: 0, lenses: 0, locations: 0, renames: 0 };
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-fuzz-'));
    // Offline: SPF trees are answered from the workspace on the next turn, not after network timeouts.
    client = await startServer(dir, { dns: { mode: 'offline' } });
  });
  after(() => client.stop());

  it(`answers every request inside the document (${RUNS} sessions)`, async (t) => {
    const edit = fc.record({ at: fc.nat(), del: fc.nat({ max: 10 }), ins: fc.array(fc.constantFrom(...PIECES), { maxLength: 3 }).map((a) => a.join('')) });
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: EXAMPLES.length - 1 }), fc.array(edit, { minLength: 1, maxLength: 3 }), fc.array(edit, { maxLength: 3 }), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 200 })), { minLength: 1, maxLength: 4 }), async (k, first, later, spots) => {
        const [file, languageId] = EXAMPLES[k];
        const mutate = (text: string, es: { at: number; del: number; ins: string }[]) => {
          for (const e of es) {
            const at = e.at % (text.length + 1);
            text = text.slice(0, at) + e.ins + text.slice(at + e.del);
          }
          return text;
        };
        let text = mutate(fs.readFileSync(path.join(ROOT, 'examples', file), 'utf8'), first);
        // Each session has a document of its own, named as the example (the name picks the reader).
        const target = path.join(dir, String(++n), file);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        const uri = pathToFileURL(target).href;
        const { conn } = client;
        await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version: 1, text } });
        const open = new Set([uri]);
        try {
        // Then whole-text changes, as a client without incremental sync sends them, or range changes.
        let version = 1;
        // The client's copy, updated as an editor does: an offset between \r and \n has no position of its
        // own, so the text the change makes is the one the position says.
        let mirror = TextDocument.create(uri, languageId, 1, text);
        for (const e of later) {
          const at = e.at % (text.length + 1);
          const range = { start: mirror.positionAt(at), end: mirror.positionAt(at + e.del) };
          mirror = TextDocument.update(mirror, [{ range, text: e.ins }], ++version);
          text = mirror.getText();
          await conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ range, text: e.ins }] });
        }
        const published = await settled(client, uri, version);
        for (const d of published.diagnostics) assertRange(text, d.range, `diagnostic ${d.code}`);
        seen.diagnostics += published.diagnostics.length;
        const ls = lines(text);
        // Half the spots on lines that hold a record value, where hover and completion have something to say.
        const valued = ls.map((x, i) => (/v=|"/.test(x) ? i : -1)).filter((i) => i >= 0);
        for (const [l, c] of spots) {
          const line = l % 2 === 0 && valued.length ? valued[(l >> 1) % valued.length] : l % ls.length;
          const position = { line, character: Math.min(c, ls[line].length) };
          const td = { uri };
          const hover = await conn.sendRequest(HoverRequest.type, { textDocument: td, position });
          if (hover?.range) assertRange(text, hover.range, 'hover');
          if (hover) seen.hovers++;
          const completion = (await conn.sendRequest(CompletionRequest.type, { textDocument: td, position })) as CompletionItem[] | CompletionList | null;
          const items = Array.isArray(completion) ? completion : (completion?.items ?? []);
          seen.completions += items.length;
          for (const item of items)
            if (item.textEdit && 'range' in item.textEdit) assertRange(text, item.textEdit.range, `completion ${item.label}`);
          const actions = await conn.sendRequest(CodeActionRequest.type, { textDocument: td, range: { start: position, end: position }, context: { diagnostics: published.diagnostics.filter((d) => d.range.start.line <= line && line <= d.range.end.line) } });
          seen.actions += actions?.length ?? 0;
          for (const a of actions ?? [])
            if ('edit' in a && a.edit?.changes?.[uri]) for (const e of a.edit.changes[uri]) assertRange(text, e.range, `code action ${a.title}`);
          // Definitions and references in this document lie inside it (the others are files of their own).
          const defs = ((await conn.sendRequest(DefinitionRequest.type, { textDocument: td, position })) ?? []) as Location[];
          const used = (await conn.sendRequest(ReferencesRequest.type, { textDocument: td, position, context: { includeDeclaration: true } })) ?? [];
          for (const d of [...defs, ...used]) if (d.uri === uri) assertRange(text, d.range, 'definition or reference');
          seen.locations += defs.length + used.length;
          // Rename: a name here, or an error the editor shows (never an internal one); its edits lie in their documents and do not overlap.
          const refused = (e: unknown) => {
            assert.ok(e instanceof ResponseError && (e.code === ErrorCodes.InvalidRequest || e.code === ErrorCodes.InvalidParams) && e.message.length > 0, `rename failed: ${e}`);
            return null;
          };
          const prepared = await conn.sendRequest(PrepareRenameRequest.type, { textDocument: td, position }).catch(refused);
          if (prepared && 'range' in prepared) {
            assertRange(text, prepared.range, 'prepareRename');
            const edit = await conn.sendRequest(RenameRequest.type, { textDocument: td, position, newName: 'renamed-1' }).catch(refused);
            const mine = edit?.changes?.[uri] ?? [];
            for (const e of mine) assertRange(text, e.range, 'rename edit');
            const offsets = mine.map((e) => [mirror.offsetAt(e.range.start), mirror.offsetAt(e.range.end)]).sort((a, b) => a[0] - b[0]);
            for (let i = 1; i < offsets.length; i++) assert.ok(offsets[i][0] >= offsets[i - 1][1], 'rename edits overlap');
            seen.renames += mine.length;
          }
        }
        for (const l of (await conn.sendRequest(DocumentLinkRequest.type, { textDocument: { uri } })) ?? []) assertRange(text, l.range, 'document link');
        const symbols = (await conn.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })) ?? [];
        for (const s of symbols) if ('range' in s) assertRange(text, s.range, `symbol ${s.name}`);
        seen.symbols += symbols.length;
        for (const f of (await conn.sendRequest(FoldingRangeRequest.type, { textDocument: { uri } })) ?? []) assert.ok(f.startLine <= f.endLine && f.endLine < ls.length, 'folding');
        const tokens = await conn.sendRequest(SemanticTokensRequest.type, { textDocument: { uri } });
        assert.equal((tokens?.data.length ?? 0) % 5, 0);
        const hints = await conn.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: ls.length - 1, character: ls[ls.length - 1].length } } });
        for (const h of hints ?? []) assertIn(text, h.position, 'inlay hint');
        seen.hints += hints?.length ?? 0;
        // Code lenses, resolved as an editor resolves those it shows: in range, and each with a title.
        for (const l of (await conn.sendRequest(CodeLensRequest.type, { textDocument: { uri } })) ?? []) {
          assertRange(text, l.range, 'code lens');
          const shown = l.command ? l : await conn.sendRequest(CodeLensResolveRequest.type, l);
          assert.ok(shown.command && shown.command.title.length > 0, `code lens without a title: ${JSON.stringify(shown)}`);
          seen.lenses++;
        }
        await conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
        open.delete(uri);
        // The same text opened fresh gets the same diagnostics as the edited document got.
        const fresh = pathToFileURL(path.join(dir, `${n}-fresh`, file)).href;
        await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: fresh, languageId, version: 1, text } });
        open.add(fresh);
        const again = await settled(client, fresh, 1);
        // Messages that name a file ($INCLUDE not found) name each document's own folder.
        const key = (ds: typeof published.diagnostics, folder: string) => ds.map((d) => `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.code} ${d.message.split(folder).join('<dir>')}`).sort();
        assert.deepEqual(key(again.diagnostics, path.join(dir, `${n}-fresh`)), key(published.diagnostics, path.join(dir, String(n))), JSON.stringify(text));
        } finally {
          // A failed session closes its documents, so the next one sees a workspace without them.
          for (const u of open) await conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: u } });
        }
      }),
      { numRuns: RUNS },
    );
    // The sessions reached the features: random spots land on records often enough.
    assert.ok(seen.diagnostics > 0 && seen.symbols > 0 && seen.hovers + seen.completions + seen.actions > 0, JSON.stringify(seen));
    t.diagnostic(JSON.stringify(seen));
  });
});
