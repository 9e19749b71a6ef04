/**
 * DKIM key record rules (RFC 6376 §3.6.1, RFC 8301, RFC 8463).
 */
import { createPublicKey } from 'node:crypto';
import { ED25519_SPKI_PREFIX, type DkimRecord } from '../records/dkim';
import { tagAtJoint, type Tag } from '../records/taglist';
import type { RecordSite } from '../types';
import type { DkimRule } from './rule';
import { moveToFront, removeTag, replaceInStrings } from './tagfix';

function rule(r: Omit<DkimRule, 'kind' | 'scope'>): DkimRule {
  return { ...r, kind: 'dkim', scope: 'dkim' };
}

const KEY = 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAt+Qc1RAi70uuyZBL95IbUzAuEugC67SVq/QNiLPdoJC55TbbMPyKSeCt05HayMilLjXifusAea6MYR2J4Nt67u3Fb2Bnq62yzIdxl/UwAm2tkKd1OaH+AsISGGN5jWgeCfBfU+xFHYgchILHIXIJxFhG7d451e/vopXqU9H+LcESF3IZUKCC/BJXmilJncCJ5bamz5bt5v5eE+Et40HwDYumSwXXUD86w5lKgyiT32F+IvBS1Sh5wgQASR8431bUH5fX5jh+YmV+Et4Z3N5X2ccXa/6ouDrrRF4AiYbfGTA9e4UWIhKnKb9K7ZDiT6a96o7fk01FLa2RDKO3x2vJEwIDAQAB';
const KEY_1024 = 'MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDEzT7aq52MEiYBT9CIbqhufSHw585PO6fr9En7VzxnnUeqUaMDqly9/jcMx6T3WFFjraYMo4Ipzdu+5qX1AF6VJGrn8UrC0vycXHJgMuCelUde0pn5OoPk9WXukCG9V2wK3jJox2pX2rvNthdv/3dTqySy6b+YakkG8cOTpx2ZaQIDAQAB';
const KEY_512 = 'MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAMUJRebnx9GpwvxAZIySYbkSVwI5d2+6FFgCPqWtcVef29hqUbG5d9liJOBSV2fv4pK9P5P/WTj9IUql4AdOMQUCAwEAAQ==';
const ED25519 = 'zn4MIEmBUJ8wG7mx1YQ+ODnW0mAzP+WDWfd1Xy0q3po=';
/** The same Ed25519 key wrapped in a SubjectPublicKeyInfo (RFC 8410), as `openssl pkey -pubout` writes it. */
const ED25519_SPKI = Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(ED25519, 'base64')]).toString('base64');
/** Two 255-byte-safe strings of the 2048-bit key, as examples are written in zone files. */
const split = (k: string) => `"${k.slice(0, 200)}" "${k.slice(200)}"`;

/** The tags of a DKIM key record (RFC 6376 §3.6.1). */
const DKIM_TAGS = new Set(['v', 'g', 'h', 'k', 'n', 'p', 's', 't']);

/**
 * Where another tag runs into this one's value for want of a `;` (`k=rsa p=MIIB…`): the white space
 * before it and the tag's name. Not inside `p`, whose value is the key, written last.
 */
function runsInto(t: Tag, site: RecordSite): { at: number; end: number; name: string; joint?: true } | undefined {
  if (t.name === 'p') return undefined;
  const m = /(?<![\s;])(\s+)([a-z]+)\s*=/i.exec(t.value);
  if (m && DKIM_TAGS.has(m[2].toLowerCase())) {
    const at = t.valueRange.start + m.index;
    return { at, end: at + m[0].length, name: m[2] };
  }
  // Or where two strings of the record join with nothing between them (`"k=rsa" "p=MIIB…"`).
  const j = tagAtJoint(site.strings, site.value, t, DKIM_TAGS);
  return j && { at: j.at, end: j.at + j.length, name: j.name, joint: true };
}

/** A `p=` run into another tag: the key record has one, and the rule for the missing `;` says so. */
const hiddenKey = (record: DkimRecord, site: RecordSite) => record.tags.some((t) => runsInto(t, site)?.name.toLowerCase() === 'p');

export const missingSeparator = rule({
  id: 'dkim/missing-separator',
  severity: 'error',
  summary: 'Two DKIM tags run together without `;`',
  fixable: true,
  docs: {
    what: 'Finds a tag value that holds another `tag=`, i.e. a missing `;` between two tags of the key record (`k=rsa p=MIIB…`), also where two strings of the record meet (`"k=rsa" "p=MIIB…"`, which DNS serves as one string).',
    why: 'RFC 6376 §3.2: the tags of a tag list are separated by `;`. Without it the second tag becomes part of the first one\'s value: the key type is then `rsa p=MIIB…`, which no verifier knows, and the record has no `p=`, so every signature with the selector fails.',
    bad: `sel._domainkey IN TXT "v=DKIM1; k=rsa p=" ${split(KEY)}`,
    good: `sel._domainkey IN TXT "v=DKIM1; k=rsa; p=" ${split(KEY)}`,
    fix: 'Insert `;` between the tags.',
  },
  check(record, ctx) {
    for (const t of record.tags) {
      const r = runsInto(t, ctx.site);
      if (r)
        ctx.report(
          { start: r.at, end: r.end },
          `\`${r.name}=\` runs into the \`${t.name}\` tag${r.joint ? ' where two strings of the record join with no `;` between them (DNS serves them as one string)' : ''}; separate tags with \`;\` (RFC 6376 §3.2).`,
          {
            // At a joint, the `;` goes at the start of the next string.
            fixes: [{ title: r.joint ? 'Insert `;` at the start of the next string' : 'Insert `;`', edits: [r.joint ? { range: { start: r.at, end: r.at + 1 }, newText: `;${record.value[r.at]}` } : { range: { start: r.at, end: r.at }, newText: ';' }] }],
          },
        );
    }
  },
});

const keyRange = (record: DkimRecord) => record.byName.get('p')?.valueRange ?? record.byName.get('p')?.range ?? { start: 0, end: record.value.length };

export const invalidVersion = rule({
  id: 'dkim/invalid-version',
  severity: 'error',
  summary: '`v` is not `DKIM1` or not the first tag',
  fixable: true,
  docs: {
    what: 'Finds a `v` tag that is not exactly `DKIM1` or is not the first tag of the key record.',
    why: 'RFC 6376 §3.6.1: `v` is optional, but if present it MUST be first and MUST be `DKIM1`. A record whose first tag is `v` with another value is discarded, and signatures fail (an error); a `v=DKIM1` later in the record is still read by dkimpy, Mail::DKIM and OpenDKIM (a warning).',
    bad: `sel._domainkey IN TXT "k=rsa; v=DKIM1; p=" ${split(KEY)}`,
    good: `sel._domainkey IN TXT "v=DKIM1; k=rsa; p=" ${split(KEY)}`,
    fix: 'Put `v=DKIM1;` first, or leave `v` out.',
  },
  check(record, ctx) {
    const v = record.byName.get('v');
    if (!v) return;
    if (record.tags[0] !== v)
      ctx.report(v.range, '`v=DKIM1` must be the first tag when present (RFC 6376 §3.6.1); dkimpy, Mail::DKIM and OpenDKIM still read the key, but a verifier that keeps to the letter may not.', { severity: 'warning', fixes: [moveToFront(record.value, v)] });
    else if (v.value !== 'DKIM1' && !runsInto(v, ctx.site))
      ctx.report(v.range, `\`v=${v.value}\` must be \`v=DKIM1\` (RFC 6376 §3.6.1).`, { fixes: [{ title: 'Write `v=DKIM1`', edits: [{ range: v.valueRange, newText: 'DKIM1' }] }] });
  },
});

export const syntaxError = rule({
  id: 'dkim/syntax-error',
  severity: 'error',
  summary: 'The DKIM key record is not a valid tag list',
  fixable: false,
  docs: {
    what: 'Finds parts that are not `tag=value`, empty tags (`;;`, a leading `;`), duplicate tags, and a missing `p` tag.',
    why: 'RFC 6376 §3.2: a tag list with duplicate tags is invalid; §3.6.1: `p` is required. Verifiers treat such a key as absent and fail every signature with this selector.',
    bad: `sel._domainkey IN TXT "v=DKIM1; k=rsa; k=rsa; p=" ${split(KEY)}`,
    good: `sel._domainkey IN TXT "v=DKIM1; k=rsa; p=" ${split(KEY)}`,
    fix: 'Write each tag once as `tag=value`, separated by `;`, and include `p=`.',
  },
  check(record, ctx) {
    for (const p of record.problems) ctx.report(p.range, `${p.message} DKIM key records are \`tag=value\` pairs separated by \`;\` (RFC 6376 §3.2).`);
    const seen = new Set<string>();
    for (const t of record.tags) {
      if (seen.has(t.name)) ctx.report(t.range, `Tag \`${t.name}\` appears twice; verifiers reject the key record (RFC 6376 §3.2).`);
      seen.add(t.name);
    }
    if (!record.byName.has('p') && !hiddenKey(record, ctx.site)) ctx.report({ start: 0, end: record.value.length }, 'The key record has no `p=` tag (required, RFC 6376 §3.6.1).');
    // An empty tag: `;;`, or `;` first. The grammar has none (one `;` may end the list); dkimpy and OpenDKIM refuse the record.
    const v = record.value;
    for (let i = v.indexOf(';'); i >= 0; i = v.indexOf(';', i + 1)) {
      let j = i - 1;
      while (j >= 0 && /\s/.test(v[j])) j--;
      if (j < 0 || v[j] === ';') ctx.report({ start: i, end: i + 1 }, `Empty tag: ${j < 0 ? 'the record starts with `;`' : '`;` follows `;`'}, which the tag list grammar does not allow (RFC 6376 §3.2); dkimpy and OpenDKIM refuse the whole key record. Remove it.`);
    }
  },
});

export const revoked = rule({
  id: 'dkim/revoked',
  severity: 'information',
  summary: 'Empty `p=`: the key is revoked',
  fixable: false,
  docs: {
    what: 'Finds key records with an empty `p=`.',
    why: 'RFC 6376 §3.6.1: an empty `p` means the key has been revoked; signatures with this selector fail. That is right for a retired selector, wrong for one still in use.',
    bad: 'old._domainkey IN TXT "v=DKIM1; k=rsa; p="',
    good: `sel._domainkey IN TXT "v=DKIM1; k=rsa; p=" ${split(KEY)}`,
    fix: 'Nothing, if the selector is retired. Otherwise publish the public key.',
  },
  check(record, ctx) {
    const p = record.byName.get('p');
    if (p && p.value.trim() === '') ctx.report(p.range, 'Empty `p=`: this key is revoked and every signature using the selector fails (RFC 6376 §3.6.1).');
  },
});

export const invalidKey = rule({
  id: 'dkim/invalid-key',
  severity: 'error',
  summary: '`p=` is not a public key',
  fixable: true,
  docs: {
    what: 'Finds `p=` values that are not base64, whose decoded bytes are not an RSA (SubjectPublicKeyInfo or PKCS#1) or Ed25519 public key, or that are cut short (the message says how many bytes the key declares and its size); and keys that hold PEM armour lines (`-----BEGIN PUBLIC KEY-----`) or the quotes of a zone file\'s split strings (`…\\" \\"…` in a zone file, `…" "…` in a YAML or HCL value), which are published as part of the key.',
    why: 'RFC 6376 §3.6.1 and RFC 8463 §4.2: verifiers must decode the key; a truncated or mistyped key (often a string cut when pasted) fails every signature.',
    bad: `sel._domainkey IN TXT "v=DKIM1; k=rsa; p=${KEY.slice(0, 200)}\\" \\"" "${KEY.slice(200)}"`,
    good: `sel._domainkey IN TXT "v=DKIM1; k=rsa; p=" ${split(KEY)}`,
    fix: 'Copy the public key again from the signing system, as one base64 string split only between quoted strings. Quotes or PEM armour lines (`-----BEGIN PUBLIC KEY-----`) pasted into the key: the quick fix removes them.',
  },
  check(record, ctx) {
    const key = record.key;
    if (!key?.error) return;
    const strays = key.strays;
    ctx.report(keyRange(record), `\`p=\` is not a usable public key: ${key.error} (RFC 6376 §3.6.1).`, {
      fixes: strays ? [{ title: strays.what === 'quotes' ? 'Remove the quotes from the key' : 'Remove the PEM armour lines from the key', edits: strays.ranges.map((q) => ({ range: q, newText: '' })) }] : [],
    });
  },
});

export const rsaKeyTooShort = rule({
  id: 'dkim/rsa-key-too-short',
  severity: 'error',
  summary: 'RSA key shorter than 1024 bits',
  fixable: false,
  docs: {
    what: 'Finds RSA keys under 1024 bits.',
    why: 'RFC 8301 §3.2: verifiers MUST NOT consider signatures with keys under 1024 bits valid; such keys are also factorable in practice.',
    bad: `sel._domainkey IN TXT "v=DKIM1; k=rsa; p=${KEY_512}"`,
    good: `sel._domainkey IN TXT "v=DKIM1; k=rsa; p=" ${split(KEY)}`,
    fix: 'Generate a 2048-bit key, publish it under a new selector, switch signing to it, then revoke the old one.',
  },
  check(record, ctx) {
    const k = record.key;
    if (k?.type === 'rsa' && k.bits !== undefined && k.bits < 1024)
      ctx.report(keyRange(record), `The RSA key is ${k.bits} bits; verifiers must reject signatures with keys under 1024 bits (RFC 8301 §3.2).`);
  },
});

export const rsaKeyUnder2048 = rule({
  id: 'dkim/rsa-key-under-2048',
  severity: 'warning',
  summary: 'RSA key shorter than 2048 bits',
  fixable: false,
  docs: {
    what: 'Finds RSA keys of 1024 to 2047 bits.',
    why: 'RFC 8301 §3.2: signers SHOULD use at least 2048 bits; 1024-bit keys are within reach of well-funded attackers and some receivers already distrust them.',
    bad: `sel._domainkey IN TXT "v=DKIM1; k=rsa; p=${KEY_1024}"`,
    good: `sel._domainkey IN TXT "v=DKIM1; k=rsa; p=" ${split(KEY)}`,
    fix: 'Rotate to a 2048-bit key under a new selector.',
  },
  check(record, ctx) {
    const k = record.key;
    if (k?.type === 'rsa' && k.bits !== undefined && k.bits >= 1024 && k.bits < 2048)
      ctx.report(keyRange(record), `The RSA key is ${k.bits} bits; use at least 2048 (RFC 8301 §3.2).`);
  },
});

export const keyTypeMismatch = rule({
  id: 'dkim/key-type-mismatch',
  wholeRecord: true,
  severity: 'error',
  summary: '`k=` does not match the key in `p=`',
  fixable: true,
  docs: {
    what: 'Finds records whose `k` tag (default `rsa`) names another algorithm than the key in `p`, such as an Ed25519 key without `k=ed25519`.',
    why: 'RFC 6376 §3.6.1 and RFC 8463 §4.2: verifiers decode `p` as the type `k` names; a mismatch fails every signature.',
    bad: `sel._domainkey IN TXT "v=DKIM1; k=rsa; p=${ED25519}"`,
    good: `sel._domainkey IN TXT "v=DKIM1; k=ed25519; p=${ED25519}"`,
    fix: 'Set `k` to the key type the signer uses.',
  },
  check(record, ctx) {
    const k = record.key;
    if (!k?.type) return;
    const kTag = record.byName.get('k');
    const declared = (kTag?.value ?? 'rsa').toLowerCase();
    if (declared !== 'rsa' && declared !== 'ed25519') return;
    if (declared === k.type) return;
    const fix = kTag
      ? { title: `Write \`k=${k.type}\``, edits: [{ range: kTag.valueRange, newText: k.type }] }
      : { title: `Add \`k=${k.type}\``, edits: [{ range: { start: record.byName.get('p')!.range.start, end: record.byName.get('p')!.range.start }, newText: `k=${k.type}; ` }] };
    ctx.report(kTag?.range ?? keyRange(record), `The key is ${k.type === 'rsa' ? `an RSA key` : 'an Ed25519 key'} but \`k\` ${kTag ? `says \`${kTag.value}\`` : 'defaults to `rsa`'} (RFC 6376 §3.6.1, RFC 8463 §4.2).`, { fixes: [fix] });
  },
});

export const unknownKeyType = rule({
  id: 'dkim/unknown-key-type',
  severity: 'error',
  summary: '`k=` names an unknown key type',
  fixable: false,
  docs: {
    what: 'Finds `k` values other than `rsa` and `ed25519`.',
    why: 'RFC 6376 §3.6.1: verifiers ignore keys of unknown types, so signatures with this selector cannot be verified.',
    bad: `sel._domainkey IN TXT "v=DKIM1; k=dsa; p=" ${split(KEY)}`,
    good: `sel._domainkey IN TXT "v=DKIM1; k=rsa; p=" ${split(KEY)}`,
    fix: 'Use `k=rsa` or `k=ed25519`.',
  },
  check(record, ctx) {
    const k = record.byName.get('k');
    if (k && !['rsa', 'ed25519'].includes(k.value.toLowerCase()) && !runsInto(k, ctx.site))
      ctx.report(k.range, `Unknown key type \`${k.value}\`; DKIM keys are \`rsa\` (RFC 6376 §3.6.1) or \`ed25519\` (RFC 8463).`);
  },
});

export const sha1 = rule({
  id: 'dkim/sha1',
  severity: 'warning',
  summary: '`h=` allows SHA-1',
  fixable: true,
  docs: {
    what: 'Finds `h` tags that list `sha1`.',
    why: 'RFC 8301 §3.1: SHA-1 MUST NOT be used for signing or verifying. With `h=sha1` alone, no signature with this key can be valid at a current verifier.',
    bad: `sel._domainkey IN TXT "v=DKIM1; h=sha1; k=rsa; p=" ${split(KEY)}`,
    good: `sel._domainkey IN TXT "v=DKIM1; h=sha256; k=rsa; p=" ${split(KEY)}`,
    fix: 'Write `h=sha256`, or leave `h` out.',
  },
  check(record, ctx) {
    const h = record.byName.get('h');
    if (!h) return;
    const algs = h.value.split(':').map((s) => s.trim().toLowerCase());
    if (!algs.includes('sha1')) return;
    const only = algs.every((a) => a === 'sha1');
    ctx.report(h.range, only ? '`h=sha1` allows only SHA-1, which verifiers must not accept, so every signature with this key fails (RFC 8301 §3.1).' : '`h` still lists `sha1`, which must not be used (RFC 8301 §3.1); keep `sha256` only.', {
      severity: only ? 'error' : undefined,
      fixes: [{ title: 'Write `h=sha256`', edits: [{ range: h.valueRange, newText: 'sha256' }] }],
    });
  },
});

export const testingMode = rule({
  id: 'dkim/testing-mode',
  severity: 'warning',
  summary: '`t=y` testing mode is left on',
  fixable: true,
  docs: {
    what: 'Finds `t=y` in the key record flags.',
    why: 'RFC 6376 §3.6.1: `t=y` tells verifiers the domain is testing DKIM and not to treat signed mail differently from unsigned; left on, it weakens what the signature is worth.',
    bad: `sel._domainkey IN TXT "v=DKIM1; t=y; k=rsa; p=" ${split(KEY)}`,
    good: `sel._domainkey IN TXT "v=DKIM1; k=rsa; p=" ${split(KEY)}`,
    fix: 'Remove `y` from `t` once signing works.',
  },
  check(record, ctx) {
    const t = record.byName.get('t');
    if (!t) return;
    const flags = t.value.split(':').map((s) => s.trim());
    if (!flags.includes('y')) return;
    const rest = flags.filter((f) => f !== 'y');
    ctx.report(t.range, '`t=y` marks the key as in testing, so verifiers may treat signed mail like unsigned (RFC 6376 §3.6.1); remove it once signing works.', {
      fixes: rest.length ? [{ title: `Write \`t=${rest.join(':')}\``, edits: [{ range: t.valueRange, newText: rest.join(':') }] }] : [removeTag(record.value, t)],
    });
  },
});

export const invalidValue = rule({
  id: 'dkim/invalid-value',
  severity: 'warning',
  summary: 'A DKIM tag has a value outside its allowed set',
  fixable: false,
  docs: {
    what: 'Finds `h` hash algorithms other than sha1/sha256, `s` service types other than `*` and `email`, and `t` flags other than `y` and `s`.',
    why: 'RFC 6376 §3.6.1: verifiers ignore unknown hash algorithms and flags (OpenDKIM refuses the whole record over an unknown hash); a key whose `h` leaves no algorithm to sign with, or whose `s` does not list `email` or `*` exactly, cannot be used for mail at all (errors).',
    bad: `sel._domainkey IN TXT "v=DKIM1; s=mail; k=rsa; p=" ${split(KEY)}`,
    good: `sel._domainkey IN TXT "v=DKIM1; s=email; k=rsa; p=" ${split(KEY)}`,
    fix: 'Use the documented values or leave the tag out.',
  },
  check(record, ctx) {
    const h = record.byName.get('h');
    // A value with another tag run into it is dkim/missing-separator's.
    if (h && !runsInto(h, ctx.site)) {
      const items = h.value.split(':').map((x) => x.trim().toLowerCase());
      const bad = items.filter((i) => i !== 'sha1' && i !== 'sha256');
      // No algorithm a signature can use: every signature fails (sha1 alone is dkim/sha1's).
      const none = !items.includes('sha256') && !items.includes('sha1');
      if (bad.length)
        ctx.report(
          h.range,
          `\`h\` has ${bad.map((b) => `\`${b}\``).join(', ')}, not among \`sha1\`, \`sha256\`; ${none ? 'no signature can use this key, since DKIM signs with SHA-256' : 'verifiers should ignore unknown algorithms, but OpenDKIM refuses the whole key record'} (RFC 6376 §3.6.1).`,
          { severity: none ? 'error' : undefined },
        );
    }
    // Service types are compared exactly (dkimpy, Mail::DKIM): `Email` is not `email`.
    const sTag = record.byName.get('s');
    if (sTag && !runsInto(sTag, ctx.site)) {
      const items = sTag.value.split(':').map((x) => x.trim());
      if (!items.includes('email') && !items.includes('*')) {
        const cased = items.find((i) => i.toLowerCase() === 'email' || i === '*');
        ctx.report(
          sTag.range,
          cased
            ? `Verifiers compare service types exactly: dkimpy and Mail::DKIM do not read \`s=${sTag.value}\` as \`email\`, so they ignore this key for mail and every signature fails (RFC 6376 §3.6.1); write \`s=email\` or leave \`s\` out.`
            : `\`s=${sTag.value}\` does not list \`email\` or \`*\`, so verifiers ignore this key for mail and every signature fails (RFC 6376 §3.6.1); write \`s=email\` or leave \`s\` out.`,
          { severity: 'error' },
        );
      }
    }
    const t = record.byName.get('t');
    if (t && !runsInto(t, ctx.site)) {
      const bad = t.value.split(':').map((x) => x.trim().toLowerCase()).filter((i) => i !== 'y' && i !== 's');
      if (bad.length) ctx.report(t.range, `\`t\` has ${bad.map((b) => `\`${b}\``).join(', ')}, not among \`y\`, \`s\`; unknown flags are ignored (RFC 6376 §3.6.1).`);
    }
  },
});

export const whitespaceInKey = rule({
  id: 'dkim/whitespace-in-key',
  severity: 'warning',
  summary: 'White space inside the key data',
  fixable: true,
  docs: {
    what: 'Finds spaces or tabs inside the joined `p=` value, usually from splitting the key into strings with a space at the joint.',
    why: 'RFC 6376 §3.6.1 lets verifiers ignore white space in `p`, but several do not, and a space at a string joint also shows the key was split by hand and may have lost characters.',
    bad: `sel._domainkey IN TXT "v=DKIM1; k=rsa; p=${KEY.slice(0, 200)} " "${KEY.slice(200)}"`,
    good: `sel._domainkey IN TXT "v=DKIM1; k=rsa; p=" ${split(KEY)}`,
    fix: 'Remove the white space so the strings join into one unbroken base64 string.',
  },
  check(record, ctx) {
    const p = record.byName.get('p');
    // Spaces in pasted PEM armour (`-----BEGIN PUBLIC KEY-----`) go with it: dkim/invalid-key's fix.
    if (!p || record.key?.whitespaceAt === undefined || record.key.strays?.what === 'pem') return;
    const edits = [];
    const re = /\s+/g;
    for (let m = re.exec(p.value); m; m = re.exec(p.value)) {
      const at = p.valueRange.start + m.index;
      edits.push({ range: { start: at, end: at + m[0].length }, newText: '' });
    }
    const first = edits[0].range;
    ctx.report(first, 'White space inside the key data; some verifiers do not strip it and fail to decode the key (RFC 6376 §3.6.1).', {
      fixes: [{ title: 'Remove white space from the key', edits }],
    });
  },
});

/** What a verifier loses when it does not read an upper-case tag name as the tag (it ignores an unknown tag). */
const LOST: Record<string, string> = {
  p: 'the record has no key, and every signature with this selector fails',
  k: 'the key type is taken as `rsa`',
  h: 'the hash restriction is lost',
  t: 'the flags are lost',
  s: 'the service restriction is lost',
  v: 'the tag is ignored',
  n: 'the note is ignored',
};

export const tagCase = rule({
  id: 'dkim/tag-case',
  severity: 'error',
  summary: 'A DKIM tag name or key type is not in lower case',
  fixable: true,
  docs: {
    what: 'Finds DKIM tag names written in upper case (`P=`, `K=`) and key types other than exactly `rsa` or `ed25519` (`k=RSA`).',
    why: 'RFC 6376 §3.2: tag names are case-sensitive, so a verifier does not read `P=` as `p=`; it ignores the unknown tag and finds no key. Key types are compared exactly too: dkimpy and Mail::DKIM refuse `k=RSA` as an unsupported key type. Either way, every signature with this selector fails.',
    bad: `sel._domainkey IN TXT "v=DKIM1; K=rsa; P=" ${split(KEY)}`,
    good: `sel._domainkey IN TXT "v=DKIM1; k=rsa; p=" ${split(KEY)}`,
    fix: 'Write tag names and the key type in lower case (the quick fix does).',
  },
  check(record, ctx) {
    for (const t of record.tags) {
      if (t.nameRaw === t.name || !(t.name in LOST)) continue;
      const fatal = t.name === 'p' || (t.name === 'k' && t.value.toLowerCase() === 'ed25519');
      ctx.report(t.nameRange, `Tag names are case-sensitive (RFC 6376 §3.2): verifiers do not read \`${t.nameRaw}=\` as \`${t.name}=\`, so ${t.name === 'k' && fatal ? 'the Ed25519 key is taken as an RSA key and every signature with this selector fails' : LOST[t.name]}.`, {
        severity: fatal ? undefined : 'warning',
        fixes: [{ title: `Write \`${t.name}=\``, edits: [{ range: t.nameRange, newText: t.name }] }],
      });
    }
    const k = record.byName.get('k');
    const lower = k?.value.toLowerCase();
    if (k && lower !== k.value && (lower === 'rsa' || lower === 'ed25519'))
      ctx.report(k.valueRange, `Verifiers compare the key type exactly: dkimpy and Mail::DKIM refuse \`k=${k.value}\` as an unsupported key type, so every signature with this selector fails (RFC 6376 §3.6.1); write \`k=${lower}\`.`, {
        fixes: [{ title: `Write \`k=${lower}\``, edits: [{ range: k.valueRange, newText: lower! }] }],
      });
  },
});

/** The key re-encoded as DKIM verifiers read it: SubjectPublicKeyInfo for RSA, the raw 32 bytes for Ed25519. */
function reencoded(record: DkimRecord): string | undefined {
  const key = record.key;
  if (!key?.type) return undefined;
  try {
    const der = Buffer.from(key.base64, 'base64');
    if (key.type === 'rsa' && key.encoding === 'pkcs1') return createPublicKey({ key: der, format: 'der', type: 'pkcs1' }).export({ type: 'spki', format: 'der' }).toString('base64');
    if (key.type === 'ed25519' && key.encoding === 'spki') return der.subarray(der.length - 32).toString('base64');
  } catch {
    // not re-encodable: no fix
  }
  return undefined;
}

export const keyEncoding = rule({
  id: 'dkim/key-encoding',
  severity: 'warning',
  summary: 'The key in `p=` is in an encoding many verifiers refuse',
  fixable: true,
  docs: {
    what: 'Finds RSA keys published as a bare PKCS#1 RSAPublicKey (`MIIBCgKCAQEA…`) instead of a SubjectPublicKeyInfo (`MIIBIjANBgkq…`), and Ed25519 keys published as a SubjectPublicKeyInfo (`MCowBQYDK2VwAyEA…`) instead of the raw 32 bytes.',
    why: 'RFC 6376 §3.6.1 names RSAPublicKey, but what every key generator writes, and Appendix C shows, is a SubjectPublicKeyInfo (erratum 3017). dkimpy reads both; Mail::DKIM (SpamAssassin, Amavis) refuses the bare form ("wrong tag") and OpenDKIM cannot load it, so signatures fail at their receivers (a warning). RFC 8463 §4.2 publishes Ed25519 keys as the raw 32 bytes: dkimpy refuses the wrapped form, as a verifier that follows RFC 8463 must, and no signature verifies (an error).',
    bad: `sel._domainkey IN TXT "v=DKIM1; k=ed25519; p=${ED25519_SPKI}"`,
    good: `sel._domainkey IN TXT "v=DKIM1; k=ed25519; p=${ED25519}"`,
    fix: 'Publish the same key re-encoded (the quick fix does it): `openssl rsa -RSAPublicKey_in -pubout` for RSA; the last 32 bytes of the wrapped Ed25519 key.',
  },
  check(record, ctx) {
    const key = record.key;
    const p = record.byName.get('p');
    if (!key?.type || !p || key.error) return;
    const ed = key.type === 'ed25519' && key.encoding === 'spki';
    if (!ed && !(key.type === 'rsa' && key.encoding === 'pkcs1')) return;
    const value = reencoded(record);
    const edits = value && !key.whitespaceAt ? replaceInStrings(ctx.site.strings, p.valueRange, value) : undefined;
    ctx.report(
      keyRange(record),
      ed
        ? 'The Ed25519 key is wrapped in a SubjectPublicKeyInfo; RFC 8463 §4.2 publishes the raw 32 bytes, and verifiers that follow it (dkimpy) refuse the wrapped form, so no signature with this selector verifies.'
        : 'The RSA key is a bare PKCS#1 RSAPublicKey: dkimpy reads it, but Mail::DKIM (SpamAssassin, Amavis) and OpenDKIM expect the SubjectPublicKeyInfo every key generator writes (RFC 6376 Appendix C, erratum 3017), so signatures fail at their receivers.',
      { severity: ed ? 'error' : undefined, fixes: edits ? [{ title: ed ? 'Publish the raw 32-byte Ed25519 key' : 'Publish the key as a SubjectPublicKeyInfo', edits }] : [] },
    );
  },
});

export const dkimRules: DkimRule[] = [
  missingSeparator,
  tagCase,
  keyEncoding,
  invalidVersion,
  syntaxError,
  revoked,
  invalidKey,
  rsaKeyTooShort,
  rsaKeyUnder2048,
  keyTypeMismatch,
  unknownKeyType,
  sha1,
  testingMode,
  invalidValue,
  whitespaceInKey,
];

export const EXAMPLE_KEYS = { KEY, KEY_1024, KEY_512, ED25519 };
