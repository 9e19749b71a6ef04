/**
 * The extension manifest (package.json) against the code: every contributed command is registered by
 * the client and activates the extension; every walkthrough link names a command that exists; every
 * walkthrough page is in the repository and shipped in the package; the VS Code the tests run loads it.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { analyzeZone } from '../server/src/service';

const ROOT = path.resolve(__dirname, '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const client = fs.readFileSync(path.join(ROOT, 'client', 'src', 'extension.ts'), 'utf8');

describe('extension manifest', () => {
  const commands: string[] = manifest.contributes.commands.map((c: { command: string }) => c.command);

  it('registers every contributed command in the client, and activates on each', () => {
    for (const c of commands) {
      assert.ok(client.includes(`registerCommand('${c}'`), `${c} is contributed but the client does not register it`);
      assert.ok(manifest.activationEvents.includes(`onCommand:${c}`), `${c} does not activate the extension`);
    }
    // And the other way: no command registered that the palette does not list.
    for (const m of client.matchAll(/registerCommand\('([^']+)'/g)) assert.ok(commands.includes(m[1]), `${m[1]} is registered but not contributed`);
  });

  it('links walkthrough steps to commands that exist and to pages that ship', () => {
    const shipped = fs.readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8');
    for (const w of manifest.contributes.walkthroughs)
      for (const step of w.steps) {
        for (const m of String(step.description).matchAll(/\(command:([\w.]+)/g)) assert.ok(commands.includes(m[1]) || m[1].startsWith('workbench.'), `${step.id} links ${m[1]}`);
        for (const e of step.completionEvents ?? []) if (e.startsWith('onCommand:')) assert.ok(commands.includes(e.slice(10)) || e.slice(10).startsWith('workbench.'), `${step.id} completes on ${e}`);
        const media = step.media?.markdown;
        if (media) {
          assert.ok(fs.existsSync(path.join(ROOT, media)), `${step.id}: ${media} is missing`);
          assert.ok(shipped.includes(`!${path.dirname(media)}/**`), `${media} is not in the package (.vscodeignore)`);
        }
      }
  });

  it('asks for a VS Code no newer than 1.139, which the end-to-end tests run', () => {
    const m = /^\^?(\d+)\.(\d+)/.exec(manifest.engines.vscode);
    assert.ok(m && (Number(m[1]) < 1 || (Number(m[1]) === 1 && Number(m[2]) <= 139)), manifest.engines.vscode);
  });
  it('ships zone-file snippets whose records, as inserted with their defaults, are clean', () => {
    const shipped = fs.readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8');
    const contributed: { language: string; path: string }[] = manifest.contributes.snippets;
    assert.ok(contributed.length > 0);
    // A real key where the DKIM snippet says to paste one.
    const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    const vars: Record<string, string> = { CURRENT_YEAR: '2026', CURRENT_MONTH: '11', CURRENT_DATE: '29' };
    // A snippet body with each placeholder at its default: a choice's first option, a placeholder's text, a variable's value.
    const expand = (body: string): string => {
      let out = body;
      for (let before = ''; before !== out; ) {
        before = out;
        out = out
          .replace(/\$\{\d+\|([^,|]*)[^}]*\|\}/g, '$1')
          .replace(/\$\{(\d+):([^${}]*)\}/g, '$2')
          .replace(/\$\{([A-Z_]+)\}/g, (_, v: string) => vars[v] ?? '')
          .replace(/\$\{\d+\}|\$\d+/g, '');
      }
      return out;
    };
    for (const c of contributed) {
      assert.equal(c.language, 'dns-zone');
      assert.ok(shipped.includes(`!${path.dirname(c.path.replace(/^\.\//, ''))}/**`), `${c.path} is not in the package (.vscodeignore)`);
      const snippets: Record<string, { prefix: string | string[]; body: string[]; description: string }> = JSON.parse(fs.readFileSync(path.join(ROOT, c.path), 'utf8'));
      for (const [name, sn] of Object.entries(snippets)) {
        assert.ok(sn.description && sn.prefix.length, `${name}: a prefix and a description`);
        const text = expand(sn.body.join('\n')).replace('paste the base64 public key here', key);
        assert.ok(!/\$\{|\$\d/.test(text), `${name}: placeholders left in ${JSON.stringify(text)}`);
        // A zone the records go into: its SOA, its name server, the MX host the SPF record's `mx` names
        const head = '$ORIGIN example.com.\n$TTL 3600\n@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ IN NS ns1\nns1 IN A 192.0.2.1\n';
        // (and its DMARC record, unless the snippet writes it).
        const zone = `${head}${/\bMX 0 \.$/m.test(text) ? '' : '@ IN MX 10 mail\nmail IN A 192.0.2.25\n'}${/^_dmarc /m.test(text) ? '' : '_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@example.com"\n'}${text}`;
        let a = analyzeZone(zone, '/w/example.com.zone', { rules: {} });
        const at = zone.indexOf(text);
        // A pasted 2048-bit key is one string too long: the fix the snippet's description names splits it.
        const split = a.findings.find((f) => f.rule === 'zone/string-too-long');
        if (split) {
          const e = split.fixes![0].edits[0];
          a = analyzeZone(zone.slice(0, e.range.start) + e.newText + zone.slice(e.range.end), '/w/example.com.zone', { rules: {} });
        }
        const found = a.findings.filter((f) => f.range.end > at && (f.severity === 'error' || f.severity === 'warning'));
        assert.deepEqual(found.map((f) => `${f.rule}: ${f.message}`), [], `${name} inserts records with findings:\n${text}`);
        assert.ok(a.zone.records.length > 5, `${name}: its records are read`);
      }
    }
  });
});
