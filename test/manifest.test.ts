/**
 * The extension manifest (package.json) against the code: every contributed command is registered by
 * the client and activates the extension; every walkthrough link names a command that exists; every
 * walkthrough page is in the repository and shipped in the package; the VS Code the tests run loads it.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

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
});
