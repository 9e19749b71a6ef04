/**
 * Completion of the workspace's own names in SPF records (features/completion.ts): after `include:`
 * and `redirect=` the names that publish SPF, after `a:` those with addresses, after `mx:` those with
 * MX records, the record's own domain first; in a word being typed, `include:` items beside the
 * providers'. The names come from the caller (the server: the workspace index).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
// The service first: completion.ts reaches the rule registry through checks/model, which needs it loaded.
import { readZone } from '../../server/src/service';
import { completeAt, type NameUse } from '../../server/src/features/completion';

const NAMES: Record<NameUse, string[]> = {
  spf: ['_spf.example.com', 'example.com', '_spf.other.test', 'mail.example.com'],
  address: ['mail.example.com', 'web.other.test'],
  mx: ['example.com'],
};
const names = (use: NameUse) => NAMES[use].map((name) => ({ name, where: () => `${use}.zone:1` }));

function at(value: string, cursorAfter: string) {
  const text = `$ORIGIN example.com.\n@ IN TXT "${value}"\n`;
  const a = readZone(text, 'example.com.zone', {}).sites[0];
  const offset = text.indexOf(cursorAfter) + cursorAfter.length;
  return completeAt(a, offset, names);
}
const ours = (items: ReturnType<typeof at>) => items.filter((c) => c.detail?.startsWith('in the workspace'));

describe('completion of workspace names in SPF records', () => {
  it('after include: and redirect=, the names with SPF records, the domain\'s own first, not the record itself', () => {
    const items = ours(at('v=spf1 include:_s -all', 'include:_s'));
    assert.deepEqual(items.map((c) => c.label), ['include:_spf.example.com', 'include:mail.example.com', 'include:_spf.other.test']);
    assert.equal(items[0].detail, 'in the workspace: its SPF record (spf.zone:1)');
    assert.deepEqual(ours(at('v=spf1 ~include: -all', '~include:')).map((c) => c.label)[0], '~include:_spf.example.com');
    assert.deepEqual(ours(at('v=spf1 mx redirect=', 'redirect=')).map((c) => c.label)[0], 'redirect=_spf.example.com');
  });

  it('after a: the names with addresses, after mx: those with MX records', () => {
    assert.deepEqual(ours(at('v=spf1 a: -all', 'a:')).map((c) => c.label), ['a:mail.example.com', 'a:web.other.test']);
    assert.equal(ours(at('v=spf1 a: -all', 'a:'))[0].detail, 'in the workspace: its A/AAAA records (address.zone:1)');
    assert.deepEqual(ours(at('v=spf1 mx: -all', 'mx:')).map((c) => c.label), ['mx:example.com']);
  });

  it('in a word being typed, include: items after the mechanisms and before the providers\'; nothing inside ip4:', () => {
    const items = at('v=spf1 in -all', 'v=spf1 in');
    const own = items.find((c) => c.label === 'include:_spf.example.com')!;
    const mechanism = items.find((c) => c.label === 'include:')!;
    const provider = items.find((c) => c.label === 'include:_spf.google.com')!;
    assert.ok(mechanism.sortText! < own.sortText! && own.sortText! < provider.sortText!, [mechanism, own, provider].map((c) => c.sortText).join(' '));
    assert.deepEqual(ours(at('v=spf1 ip4:19 -all', 'ip4:19')), []);
    // Without a workspace (the CLI, a test), no such items.
    const text = '$ORIGIN example.com.\n@ IN TXT "v=spf1 include: -all"\n';
    assert.deepEqual(completeAt(readZone(text, 'x.zone', {}).sites[0], text.indexOf('include:') + 8).filter((c) => c.detail?.startsWith('in the workspace')), []);
  });
});
