/**
 * The stdio transport: the writer's JSON encoder gives byte for byte what JSON.stringify gives, with
 * diagnostics' encodings reused, and the server keeps the library's stdio behaviour around it.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { CachingJsonEncoder } from '../../server/src/lsp/encoder';
import { ROOT } from '../helpers';

const diag = (i: number) => ({
  range: { start: { line: i, character: 0 }, end: { line: i, character: 5 } },
  severity: 2,
  source: 'dmarc-lens',
  code: 'spf/neutral-all',
  codeDescription: { href: 'https://example.invalid/docs/rules/spf/neutral-all.md' },
  message: `\`?all\` is neutral (RFC 7208 §8.2) — "quoted" \\ ${i} \u2028 ✓`,
});

describe('caching JSON encoder', () => {
  const enc = new CachingJsonEncoder();
  const options = { charset: 'utf-8' as const };

  it('encodes publishDiagnostics exactly as JSON.stringify does, and reuses unchanged diagnostics', async () => {
    const diagnostics = Array.from({ length: 200 }, (_, i) => diag(i));
    const msg = { jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri: 'file:///x/"diagnostics":[]/a.zone', version: 3, diagnostics } };
    const first = Buffer.from(await enc.encode(msg, options));
    assert.equal(first.toString('utf-8'), JSON.stringify(msg));
    // One diagnostic replaced, one dropped, one added: the bytes follow.
    diagnostics[10] = { ...diag(10), message: 'changed' };
    diagnostics.splice(20, 1);
    diagnostics.push(diag(999));
    const second = Buffer.from(await enc.encode(msg, options));
    assert.equal(second.toString('utf-8'), JSON.stringify(msg));
    assert.deepEqual(JSON.parse(second.toString('utf-8')), msg);
  });

  it('encodes every other message (and small diagnostic lists) plainly', async () => {
    for (const msg of [
      { jsonrpc: '2.0', id: 1, result: { contents: 'ünïcode §' } },
      { jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri: 'file:///a', diagnostics: [diag(1)] } },
      { jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri: 'file:///a', version: 1, diagnostics: [] } },
    ])
      assert.equal(Buffer.from(await enc.encode(msg, options)).toString('utf-8'), JSON.stringify(msg));
  });
});

describe('stdio server process', () => {
  it('exits when the client closes its stdin without a shutdown (exit code 1, as the protocol says)', async () => {
    const proc = spawn(process.execPath, [path.join(ROOT, 'dist', 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const code = await new Promise<number | null>((resolve, reject) => {
      const late = setTimeout(() => {
        proc.kill();
        reject(new Error('the server was still running 5 s after stdin closed'));
      }, 5000);
      proc.once('exit', (c) => {
        clearTimeout(late);
        resolve(c);
      });
      setTimeout(() => proc.stdin!.end(), 200);
    });
    assert.equal(code, 1);
  });
});
