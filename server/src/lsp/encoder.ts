/**
 * JSON-RPC content encoder for the stdio transport that keeps the UTF-8 encoding of each diagnostic
 * it has sent. A big zone has thousands of diagnostics and an edit changes a handful, yet
 * `publishDiagnostics` must carry them all: re-encoding 2 MB of JSON on every keystroke costs more
 * than checking the edit. The server reuses a Diagnostic object while it is unchanged, so its bytes
 * are reused too; every other message is encoded as vscode-jsonrpc's own encoder does.
 */
import type { Message } from 'vscode-languageserver/node';

/** Below this many diagnostics the plain encoder is as fast. */
const MIN_CACHED = 64;
const PLACEHOLDER = '"diagnostics":[]';

export class CachingJsonEncoder {
  readonly name = 'application/json';
  private readonly encoded = new WeakMap<object, Buffer>();

  encode(msg: Message, options: { charset: BufferEncoding }): Promise<Uint8Array> {
    try {
      const m = msg as Message & { method?: string; params?: { diagnostics?: unknown } };
      const diagnostics = m.method === 'textDocument/publishDiagnostics' ? m.params?.diagnostics : undefined;
      if (!Array.isArray(diagnostics) || diagnostics.length < MIN_CACHED) return Promise.resolve(Buffer.from(JSON.stringify(msg, undefined, 0), options.charset));
      // `diagnostics` is written last in params, so the placeholder is the last occurrence.
      const { diagnostics: _, ...rest } = m.params!;
      const head = JSON.stringify({ ...msg, params: { ...rest, diagnostics: [] } });
      const at = head.lastIndexOf(PLACEHOLDER) + PLACEHOLDER.length - 1;
      const parts: Buffer[] = [Buffer.from(head.slice(0, at), options.charset)];
      const comma = Buffer.from(',');
      for (let i = 0; i < diagnostics.length; i++) {
        const d = diagnostics[i] as object;
        let b = this.encoded.get(d);
        if (!b) this.encoded.set(d, (b = Buffer.from(JSON.stringify(d), options.charset)));
        if (i > 0) parts.push(comma);
        parts.push(b);
      }
      parts.push(Buffer.from(head.slice(at), options.charset));
      return Promise.resolve(Buffer.concat(parts));
    } catch (e) {
      return Promise.reject(e);
    }
  }
}
