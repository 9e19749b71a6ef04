/**
 * Editing a zone over a real LSP connection: after incremental edits (one character, a line break,
 * a deleted line, several changes in one notification) the server publishes exactly what a fresh
 * server publishes for the same text. This covers the edit bounds the server passes to the
 * incremental reader, the findings and diagnostics it reuses, and the caching stdio encoder.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { DidChangeTextDocumentNotification, DidCloseTextDocumentNotification, DidOpenTextDocumentNotification, type Diagnostic, type TextDocumentContentChangeEvent } from 'vscode-languageserver-protocol/node';
import { startServer, type TestClient } from './client';

function zone(n: number): string {
  // The apex publishes DMARC too: the subdomain records' sp tags apply to nothing (RFC 9989 tree walk).
  const lines = ['$ORIGIN inc.example.', '$TTL 3600', '@ IN SOA ns1 host ( 1 2 3 4 5 )', '@ IN NS ns1', 'ns1 IN A 192.0.2.1', '_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:d@inc.example"'];
  for (let i = 0; i < n; i++) {
    switch (i % 6) {
      case 0: lines.push(`h${i} IN A 192.0.2.${i % 250}`, `h${i} IN MX 10 ns1`); break;
      case 1: lines.push(`h${i - 1} IN TXT "v=spf1 ip4:192.0.2.${i % 250} ?all"`); break;
      case 2: lines.push(`_dmarc.h${i - 2} IN TXT "v=DMARC1; p=none; ${i % 12 === 2 ? 'sp=quarantine; ' : ''}pct=100; rua=mailto:d@inc.example"`); break;
      case 3: lines.push(`s${i}._domainkey.h${i - 3} IN TXT ( "v=DKIM1; k=rsa; h=sha1; "`, `   "p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDEzT7aq52MEiYBT9CIbqhufSHw585PO6fr9En7VzxnnUeqUaMDqly9/jcMx6T3WFFjraYMo4Ipzdu+5qX1AF6VJGrn8UrC0vycXHJgMuCelUde0pn5OoPk9WXukCG9V2wK3jJox2pX2rvNthdv/3dTqySy6b+YakkG8cOTpx2ZaQIDAQAB" )`); break;
      case 4:
        lines.push(`; note ${i}`, `w${i} IN AAAA 2001:db8::${i.toString(16)}`);
        // $GENERATE lines, one of them with a record BIND refuses (its diagnostic moves with the edits).
        if (i % 60 === 4) lines.push(i % 120 === 4 ? `$GENERATE 1-3 g${i}-$ CNAME h${i - 4}` : `$GENERATE 250-260 x${i}-$ A 192.0.2.$`);
        break;
      default: lines.push(`m${i} IN TXT "v=spf1 ptr a a -all"`);
    }
  }
  return lines.join('\n') + '\n';
}

const key = (d: Diagnostic) => JSON.stringify([d.range, d.severity, d.code, d.message, d.relatedInformation ?? null]);

describe('incremental editing over LSP', () => {
  let dir: string;
  let editing: TestClient;
  let fresh: TestClient;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-inc-'));
    editing = await startServer(dir, { dns: { mode: 'offline' } });
    fresh = await startServer(dir, { dns: { mode: 'offline' } });
  });
  after(async () => {
    await editing.stop();
    await fresh.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The diagnostics of `version` once no more arrive for a while (the SPF tree pass may add some). */
  async function settled(c: TestClient, uri: string, version: number): Promise<Diagnostic[]> {
    await c.waitFor(uri, (p) => p.version === version);
    let last = c.latest.get(uri);
    for (let i = 0; i < 30; i++) {
      await new Promise((r) => setTimeout(r, 300));
      const now = c.latest.get(uri);
      if (now === last) return now!.diagnostics;
      last = now;
    }
    throw new Error(`${uri}: diagnostics still being published after 9 s`);
  }

  for (const eol of ['\n', '\r\n']) it(`publishes after each edit what a fresh server publishes for the same text (${JSON.stringify(eol)} line ends)`, async () => {
    let text = zone(600).replace(/\n/g, eol);
    const uri = pathToFileURL(path.join(dir, `inc${eol.length}.example.zone`)).href;
    await editing.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'dns-zone', version: 1, text } });
    const first = await settled(editing, uri, 1);
    assert.ok(first.length > 100, `${first.length} diagnostics`);
    assert.ok(first.some((d) => d.code === 'dmarc/ignored-subdomain-policy'));
    const lines = () => text.split('\n');
    const offset = (line: number, character: number) => lines().slice(0, line).reduce((n, l) => n + l.length + 1, 0) + character;
    const apply = (c: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string }) => {
      text = text.slice(0, offset(c.range.start.line, c.range.start.character)) + c.text + text.slice(offset(c.range.end.line, c.range.end.character));
    };
    const at = (needle: string) => {
      const i = lines().findIndex((l) => l.includes(needle));
      return { line: i, character: lines()[i].indexOf(needle) };
    };
    const r = (s: { line: number; character: number }, len = 0) => ({ start: s, end: { line: s.line, character: s.character + len } });
    const edits: (() => TextDocumentContentChangeEvent[])[] = [
      () => [{ range: r(at('?all'), 1), text: '-' }], // same length, middle of the file
      () => [{ range: r(at('h300 IN A'), 0), text: 'x' }], // one character in, everything after shifts
      () => [{ range: r(at('pct=100; rua=mailto:d@inc.example"'), 8), text: '' }], // a tag removed
      () => [{ range: r(at('m41 IN TXT'), 0), text: 'extra IN TXT "v=spf1 +all"\n' }], // a new line: line numbers after it move
      () => { const p = at('; note 10'); return [{ range: { start: { line: p.line, character: 0 }, end: { line: p.line + 1, character: 0 } }, text: '' }]; }, // a line deleted
      () => [{ range: r(at('ptr a a'), 3), text: 'mx' }, { range: r(at('h594 IN A'), 0), text: 'y' }], // two changes in one notification
      () => [{ range: r(at('host ( 1 2 3 4 5 )'), 0), text: '\n' }], // a line break inside the parenthesised SOA, at the top
      () => [{ range: r(at('h300 IN A'), 0), text: 'z' }, { text: text.replace('h594 IN A', 'h594b IN A') }], // a whole-text change after a ranged one
      () => [{ range: r(at('h120 IN A'), 0), text: 'q' }], // and ranged edits again
      () => [{ range: r(at('p=none; rua=mailto:d@inc.example"'), 0), text: 'psd=y; ' }], // the apex record becomes a PSD's: each h* is an organization (findings elsewhere in the file change)
      () => [{ range: r(at('psd=y; '), 7), text: '' }], // and back
      () => { const p = at('_dmarc IN TXT'); return [{ range: { start: { line: p.line, character: 0 }, end: { line: p.line + 1, character: 0 } }, text: '' }]; }, // the apex record deleted
      // A suppression comment typed in two pieces: the second completes the word the server looks for
      // around an edit (it searches only there while the text had none), then a piece of it deleted.
      () => [{ range: r(at('m47 IN TXT'), 0), text: '; dmarc-lens-dis\n' }],
      () => [{ range: r({ ...at('; dmarc-lens-dis'), character: at('; dmarc-lens-dis').character + 16 }, 0), text: 'able-next-line spf/ptr' }],
      () => [{ range: r({ ...at('dmarc-lens-disable'), character: at('dmarc-lens-disable').character + 14 }, 4), text: '' }],
      () => [{ range: r({ ...at('dmarc-lens-dis-next'), character: at('dmarc-lens-dis-next').character + 14 }, 0), text: 'able' }],
    ];
    let version = 1;
    for (const make of edits) {
      const changes = make();
      for (const c of changes) {
        if ('range' in c) apply(c);
        else text = c.text;
      }
      version++;
      await editing.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: changes });
      const got = await settled(editing, uri, version);
      await fresh.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'dns-zone', version, text } });
      const want = await settled(fresh, uri, version);
      await fresh.conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
      assert.deepEqual(got.map(key).sort(), want.map(key).sort(), `after edit ${version - 1}`);
      if (text.includes('dmarc-lens-disable-next-line spf/ptr\n')) assert.ok(!got.some((d) => d.code === 'spf/ptr' && d.range.start.line === at('m47 IN TXT').line), `after edit ${version - 1}: the suppression applies`);
    }
    await editing.conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  });

  it('checks the documents that depend on an edited one once, even when they depend on each other', async () => {
    // a includes b's SPF record and b includes a's: each is a dependent of the other.
    const a = pathToFileURL(path.join(dir, 'a.example.zone')).href;
    const b = pathToFileURL(path.join(dir, 'b.example.zone')).href;
    const publishes = new Map<string, number>();
    editing.conn.onNotification('textDocument/publishDiagnostics', (p: { uri: string }) => {
      publishes.set(p.uri, (publishes.get(p.uri) ?? 0) + 1);
      editing.latest.set(p.uri, p as never);
    });
    await editing.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: a, languageId: 'dns-zone', version: 1, text: '$ORIGIN a.example.\n@ IN TXT "v=spf1 include:b.example ~all"\n_dmarc IN TXT "v=DMARC1; p=none"\n' } });
    await editing.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: b, languageId: 'dns-zone', version: 1, text: '$ORIGIN b.example.\n@ IN TXT "v=spf1 include:a.example ~all"\n_dmarc IN TXT "v=DMARC1; p=none"\n' } });
    await settled(editing, a, 1);
    await settled(editing, b, 1);
    publishes.clear();
    await editing.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: a, version: 2 }, contentChanges: [{ range: { start: { line: 1, character: 37 }, end: { line: 1, character: 38 } }, text: '-' }] });
    await settled(editing, a, 2);
    await new Promise((r) => setTimeout(r, 1000));
    // a: its check (and the SPF tree pass); b: one re-check (and its tree pass). Before, they re-checked each other for ever.
    assert.ok((publishes.get(a) ?? 0) <= 2 && (publishes.get(b) ?? 0) >= 1 && (publishes.get(b) ?? 0) <= 2, JSON.stringify([...publishes]));
    for (const uri of [a, b]) await editing.conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  });
});
