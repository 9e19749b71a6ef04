/**
 * zone/occluded-record: records at or below a delegation of their own zone, or below a DNAME. Then random zones served
 * by a real authoritative server on loopback (BIND through ../shared/tools/dns-lab, skipped when it is
 * not there): the records we flag are exactly those the server does not answer with, and the only ones
 * the workspace resolver (the SPF tree's) does not answer with either.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { analyzeZone, readZone } from '../../server/src/service';
import { ChainResolver, WorkspaceResolver } from '../../server/src/dns/chain';
import type { RRType } from '../../server/src/dns/types';
import { lookupTree } from '../../server/src/spf/tree';
import { WorkspaceIndex } from '../../server/src/workspace';
import { LineIndex } from '../../server/src/util/lines';
import { covered, lint, ROOT } from '../helpers';

const RULE = 'zone/occluded-record';
const SOA = '$ORIGIN example.com.\n@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ IN NS ns1\nns1 IN A 192.0.2.1\n';
const flagged = (text: string) => {
  const index = new LineIndex(text);
  return lint(text, {}, undefined, 'example.com.zone').findings.filter((f) => f.rule === RULE).map((f) => index.positionAt(f.range.start).line + 1);
};

describe('records at or below a delegation', () => {
  it('flags an SPF record beside a delegation and a DMARC record under it, naming the servers and linking the NS record', () => {
    const text = `${SOA}news IN NS ns1.mail-platform.example.\nnews IN TXT "v=spf1 include:_spf.mail-platform.example -all"\n_dmarc.news IN TXT "v=DMARC1; p=reject; rua=mailto:d@example.com"\n`;
    const found = lint(text, {}, undefined, 'example.com.zone').findings.filter((f) => f.rule === RULE);
    assert.deepEqual(found.map((f) => covered(text, f).split(' ')[0]), ['news', '_dmarc.news']);
    assert.match(found[0].message, /^This SPF record is at `news\.example\.com`, which this zone delegates to other name servers \(`ns1\.mail-platform\.example`\).*never served \(RFC 1034 §4\.2\.1\)\. Receivers look this SPF record up on those servers/);
    assert.match(found[1].message, /^This DMARC record is below `news\.example\.com`/);
    assert.equal(found[0].related?.[0].message, 'the delegation of news.example.com');
    assert.equal(found[0].severity, 'warning');
  });

  it('a name whose SPF or MX its zone never serves is no mail domain missing a DMARC record', () => {
    // `news` is delegated: its SPF and MX are the child zone's business; `shop` is served and has no DMARC record.
    const text = `${SOA}news IN NS ns1.mail-platform.example.\nnews IN TXT "v=spf1 -all"\nmx.news IN MX 10 mx.example.net.\nshop IN TXT "v=spf1 -all"\n`;
    const index = new LineIndex(text);
    const found = lint(text, {}, undefined, 'example.com.zone').findings.filter((f) => f.rule === 'dmarc/missing-record' || f.rule === RULE);
    assert.deepEqual(found.map((f) => `${f.rule} ${index.positionAt(f.range.start).line + 1}`), [`${RULE} 6`, `${RULE} 7`, 'dmarc/missing-record 8']);
    assert.match(found[2].message, /^`shop\.example\.com` publishes SPF/);
  });

  it('leaves the delegation itself, its DS, and the glue of its name servers; flags a delegation under a delegation', () => {
    const text = `${SOA}sub IN NS ns.sub\nsub IN NS ns2.sub.example.com.\nsub IN DS 2371 13 2 1F987CC6583E92DF0890718C421EE5BC6E0AF5A2E6B5B2B3A7B1D6B4E4C4D4E4\nns.sub IN A 192.0.2.10\nns2.sub IN AAAA 2001:db8::10\nwww.sub IN A 192.0.2.11\ndeep.sub IN NS ns.other.example.\n`;
    assert.deepEqual(flagged(text), [10, 11]);
  });

  it('flags a record below a DNAME, saying where the name is redirected, and not the records at the DNAME', () => {
    const text = `${SOA}old IN DNAME new.example.net.\nold IN TXT "v=spf1 -all"\n_dmarc.old IN TXT "v=DMARC1; p=reject; rua=mailto:d@example.com"\n`;
    const found = lint(text, {}, undefined, 'example.com.zone').findings.filter((f) => f.rule === RULE);
    assert.deepEqual(found.map((f) => covered(text, f).split(' ')[0]), ['_dmarc.old']);
    assert.match(found[0].message, /^This DMARC record is below `old\.example\.com`, whose DNAME redirects every name under it to the same name under `new\.example\.net`: resolvers asking for `_dmarc\.old\.example\.com` get a CNAME to `_dmarc\.new\.example\.net`, never this record \(RFC 6672 §2\.4\)/);
  });

  it('takes a DNAME beside a delegation as the child zone\'s data: the referral wins, in the rule and in the workspace resolver alike', () => {
    const text = `${SOA}sub IN NS ns.other.example.\nsub IN DNAME else.example.net.\nx.sub IN TXT "v=spf1 -all"\n`;
    const found = lint(text, {}, undefined, 'example.com.zone').findings.filter((f) => f.rule === RULE);
    assert.deepEqual(found.map((f) => covered(text, f).split(' ')[0]), ['sub', 'x.sub']);
    assert.match(found[0].message, /^This DNAME record is at `sub\.example\.com`, which this zone delegates/);
    assert.match(found[1].message, /^This SPF record is below `sub\.example\.com`, which this zone delegates to other name servers \(`ns\.other\.example`\)/);
    const ws = new WorkspaceIndex();
    const p = readZone(text, 'example.com.zone');
    ws.set('example.com.zone', p.zone.records, p.sites);
    assert.equal(ws.occluder('example.com.zone', 'x.sub.example.com')?.by, 'delegation');
    assert.equal(new WorkspaceResolver(ws).delegation('x.sub.example.com')?.cut, 'sub.example.com');
  });

  it('reads a DNSControl D() the same way: an NS() at a subdomain and a TXT() beside it', () => {
    const js = 'D("example.com", NewRegistrar("none"), DnsProvider(NewDnsProvider("bind")),\n  A("@", "192.0.2.1"),\n  NS("news", "ns1.mail-platform.example."),\n  TXT("news", "v=spf1 include:_spf.mail-platform.example -all")\n);\n';
    const found = analyzeZone(js, 'dnsconfig.js').findings.filter((f) => f.rule === RULE);
    assert.equal(found.length, 1);
    assert.equal(js.slice(0, found[0].range.start).split('\n').length, 4);
    assert.match(found[0].message, /^This SPF record is at `news\.example\.com`/);
    // A D() that leaves other records alone (NO_PURGE) is not the whole zone, but it names the zone all the same.
    const kept = js.replace('DnsProvider(NewDnsProvider("bind")),', 'DnsProvider(NewDnsProvider("bind")), NO_PURGE,');
    assert.equal(analyzeZone(kept, 'dnsconfig.js').findings.filter((f) => f.rule === RULE).length, 1);
  });

  it('reads Terraform the same way: an NS record at a subdomain of the zone a record names, in this file or another of the module', async () => {
    const rec = (id: string, zone: string, name: string, type: string, values: string) => `resource "aws_route53_record" "${id}" {\n  zone_id = ${zone}\n  name    = "${name}"\n  type    = "${type}"\n  ttl     = 300\n  records = [${values}]\n}\n`;
    const main = `resource "aws_route53_zone" "main" {\n  name = "example.com"\n}\n${rec('ns', 'aws_route53_zone.main.zone_id', 'email', 'NS', '"ns1.exacttarget.com.", "ns2.exacttarget.com."')}${rec('spf', 'aws_route53_zone.main.zone_id', 'email.example.com', 'TXT', '"v=spf1 include:cust-spf.exacttarget.com -all"')}${rec('apex', 'aws_route53_zone.main.zone_id', 'example.com', 'TXT', '"v=spf1 include:email.example.com -all"')}`;
    const other = rec('dmarc', 'aws_route53_zone.main.zone_id', '_dmarc.email', 'TXT', '"v=DMARC1; p=reject"');
    // The child zone as its own Route 53 zone, delegated from the parent: its records are served.
    const child = `resource "aws_route53_zone" "email" {\n  name = "email.example.com"\n}\n${rec('child', 'aws_route53_zone.email.zone_id', 'bounce', 'TXT', '"v=spf1 -all"')}`;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-occ-tf-'));
    fs.writeFileSync(path.join(dir, 'main.tf'), main);
    fs.writeFileSync(path.join(dir, 'other.tf'), other);
    const ws = new WorkspaceIndex();
    const parsed = new Map<string, ReturnType<typeof readZone>>();
    for (const [file, text] of [['main.tf', main], ['other.tf', other], ['child/main.tf', child]]) {
      const p = readZone(text, path.join(dir, file));
      parsed.set(file, p);
      ws.set(path.join(dir, file), p.zone.records, p.sites);
    }
    assert.deepEqual(parsed.get('main.tf')!.zone.records.filter((r) => r.type === 'TXT').map((r) => [r.owner, r.zone]), [['email.example.com', 'example.com'], ['example.com', 'example.com']]);
    const check = (file: string, text: string) => analyzeZone(text, path.join(dir, file), { workspace: ws }).findings.filter((f) => f.rule === RULE);
    const inMain = check('main.tf', main);
    assert.deepEqual(inMain.map((f) => covered(main, f)), ['"v=spf1 include:cust-spf.exacttarget.com -all"']);
    assert.match(inMain[0].message, /^This SPF record is at `email\.example\.com`, which this zone delegates to other name servers \(`ns1\.exacttarget\.com`, `ns2\.exacttarget\.com`\)/);
    // The delegation is in main.tf, the DMARC record under it in other.tf: the module is one zone.
    const inOther = check('other.tf', other);
    assert.equal(inOther.length, 1);
    assert.match(inOther[0].message, /^This DMARC record is below `email\.example\.com`/);
    assert.equal(inOther[0].related?.[0].uri, path.join(dir, 'main.tf'));
    assert.deepEqual(check('child/main.tf', child), []);
    // The resolver agrees: what the parent zone holds under its delegation is not an answer; the child zone's is.
    const resolver = new WorkspaceResolver(ws);
    assert.equal(resolver.lookup('_dmarc.email.example.com', 'TXT'), undefined);
    assert.equal(resolver.lookup('email.example.com', 'TXT'), undefined);
    assert.equal(resolver.lookup('bounce.email.example.com', 'TXT')?.status, 'ok');
    assert.equal(resolver.delegation('email.example.com')?.cut, 'email.example.com');
    // The inventory says why the two are never served.
    const inv = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'inventory', dir, '--format', 'json'], { encoding: 'utf8' });
    const domains = JSON.parse(inv.stdout).domains as { domain: string; spf: { notServed?: string }[]; dmarc: { notServed?: string }[] }[];
    const email = domains.find((d) => d.domain === 'email.example.com')!;
    assert.match(email.spf[0].notServed ?? '', /^email\.example\.com is delegated to ns1\.exacttarget\.com, ns2\.exacttarget\.com$/);
    assert.match(email.dmarc[0].notServed ?? '', /^it is under email\.example\.com, which is delegated to/);
    assert.equal(domains.find((d) => d.domain === 'example.com')!.spf[0].notServed, undefined);
    // A zone named by its id: the same zone for both records, whose domain is not known (said as such).
    const byId = rec('ns', '"Z0123456789"', 'email', 'NS', '"ns1.exacttarget.com."') + rec('spf', '"Z0123456789"', 'email', 'TXT', '"v=spf1 -all"');
    const [f] = analyzeZone(byId, 'main.tf').findings.filter((x) => x.rule === RULE);
    assert.match(f.message, /^This SPF record is at `email\.<zone Z0123456789>`, which this zone delegates/);
    // A name written whole in a zone named by its id: which zone it is in is not known, so nothing is said.
    const whole = rec('ns', '"Z0123456789"', 'email', 'NS', '"ns1.exacttarget.com."') + rec('spf', '"Z0123456789"', 'email.example.com', 'TXT', '"v=spf1 -all"');
    assert.deepEqual(analyzeZone(whole, 'main.tf').findings.filter((x) => x.rule === RULE), []);
  });

  it('the SPF tree does not read an occluded record: the child zone\'s when the workspace holds it, else the delegation is said', async () => {
    const parent = `${SOA}@ IN TXT "v=spf1 include:news.example.com include:x.old.example.com -all"\nnews IN NS ns1.mail-platform.example.\nnews IN TXT "v=spf1 ip4:192.0.2.0/24 -all"\nold IN DNAME new.example.net.\nx.old IN TXT "v=spf1 -all"\n`;
    const ws = new WorkspaceIndex();
    const add = (text: string, file: string) => {
      const p = readZone(text, file);
      ws.set(file, p.zone.records, p.sites);
    };
    add(parent, 'example.com.zone');
    const resolver = new WorkspaceResolver(ws);
    assert.equal(resolver.lookup('news.example.com', 'TXT'), undefined);
    assert.equal(resolver.lookup('x.old.example.com', 'TXT'), undefined);
    assert.equal(resolver.lookup('example.com', 'TXT')?.status, 'ok');
    assert.deepEqual(resolver.delegation('_spf.news.example.com'), { cut: 'news.example.com', servers: ['ns1.mail-platform.example'], uri: 'example.com.zone' });
    const tree = await lookupTree('example.com', new ChainResolver(resolver, undefined, undefined));
    assert.match(JSON.stringify(tree), /news\.example\.com is delegated to ns1\.mail-platform\.example in example\.com\.zone: resolvers ask those servers, whose zone is not in the workspace/);
    // The child zone in a file of its own: its record is the one served.
    add('$ORIGIN news.example.com.\n@ IN SOA ns1.mail-platform.example. hostmaster 1 7200 3600 1209600 300\n@ IN NS ns1.mail-platform.example.\n@ IN TXT "v=spf1 ip4:198.51.100.0/24 -all"\n', 'news.example.com.zone');
    assert.deepEqual(resolver.lookup('news.example.com', 'TXT'), { status: 'ok', records: ['v=spf1 ip4:198.51.100.0/24 -all'], source: 'workspace file news.example.com.zone' });
    assert.equal(resolver.delegation('news.example.com'), undefined);
    // Nor is it a conflict between two definitions: the parent's is never served (zone/occluded-record says so).
    assert.deepEqual(analyzeZone(parent, 'example.com.zone', { workspace: ws }).findings.filter((f) => f.rule === 'zone/conflicting-definitions'), []);
    // A snippet (no SOA): its NS records may be its own apex's, and it answers for what it writes.
    const snippet = new WorkspaceIndex();
    const p = readZone('$ORIGIN example.com.\nnews IN NS ns1.mail-platform.example.\nnews IN TXT "v=spf1 -all"\n', 'snippet.zone');
    snippet.set('snippet.zone', p.zone.records, p.sites);
    assert.equal(new WorkspaceResolver(snippet).lookup('news.example.com', 'TXT')?.status, 'ok');
  });

  it('moves a TXT record into the child zone when the workspace holds it: as written, TTL kept, its lines removed here', () => {
    const parent = `${SOA.replace('$ORIGIN example.com.\n', '$ORIGIN example.com.\n$TTL 600\n')}news IN NS ns1.mail-platform.example.\nnews IN TXT ( "v=spf1 include:_spf.mail-platform.example" ; long\n  " -all" )\n_dmarc.news 300 IN TXT "v=DMARC1; p=none"\nx.news IN TXT "kept"\n  IN A 192.0.2.9\nwww IN A 192.0.2.2\n`;
    const child = '$ORIGIN news.example.com.\n@ IN SOA ns1.mail-platform.example. hostmaster 1 7200 3600 1209600 300 ; soa\n@ IN NS ns1.mail-platform.example.\n';
    const ws = new WorkspaceIndex();
    const c = readZone(child, 'news.example.com.zone');
    ws.set('news.example.com.zone', c.zone.records, c.sites);
    const findings = analyzeZone(parent, 'example.com.zone', { workspace: ws }).findings.filter((f) => f.rule === RULE);
    const fixOf = (name: string) => findings.find((f) => parent.slice(f.range.start).startsWith(name))?.fixes ?? [];
    // `x.news` is followed by a record with a blank owner, which would take the owner above it: no fix.
    assert.deepEqual(fixOf('x.news').length, 0);
    const apply = (text: string, file: string, fixes: { edits: { uri?: string; range: { start: number; end: number }; newText: string }[] }[]) => {
      const edits = fixes.flatMap((f) => f.edits).filter((e) => (e.uri ?? 'example.com.zone') === file).sort((a, b) => b.range.start - a.range.start);
      return edits.reduce((t, e) => t.slice(0, e.range.start) + e.newText + t.slice(e.range.end), text);
    };
    const fixes = [...fixOf('news IN TXT'), ...fixOf('_dmarc.news')];
    assert.deepEqual(fixes.map((f) => f.title), ['Move this record into the zone of news.example.com (news.example.com.zone)', 'Move this record into the zone of news.example.com (news.example.com.zone)']);
    const parentAfter = apply(parent, 'example.com.zone', fixes);
    const childAfter = apply(child, 'news.example.com.zone', fixes);
    assert.ok(!parentAfter.includes('v=spf1') && !parentAfter.includes('DMARC1') && parentAfter.includes('x.news IN TXT "kept"\n  IN A 192.0.2.9\nwww IN A'), parentAfter);
    assert.equal(childAfter, `${child.replace('; soa\n', '; soa\n_dmarc.news.example.com.\t300 IN TXT "v=DMARC1; p=none"\nnews.example.com.\t600\tIN TXT ( "v=spf1 include:_spf.mail-platform.example" ; long\n  " -all" )\n')}`);
    // The child's records are what it had, plus the two, with the same values and TTLs.
    const moved = readZone(childAfter, 'news.example.com.zone').zone.records.filter((r) => r.type === 'TXT').map((r) => [r.owner, r.ttl, r.rdata.join('')]);
    assert.deepEqual(moved, [['_dmarc.news.example.com', 300, 'v=DMARC1; p=none'], ['news.example.com', 600, 'v=spf1 include:_spf.mail-platform.example -all']]);
  });

  it('says nothing without the SOA (a snippet: its NS records may be its apex), nor for the child zone in a file of its own', () => {
    assert.deepEqual(flagged('$ORIGIN example.com.\nnews IN NS ns1.mail-platform.example.\nnews IN TXT "v=spf1 -all"\n'), []);
    const child = '$ORIGIN news.example.com.\n@ IN SOA ns1.mail-platform.example. hostmaster 1 7200 3600 1209600 300\n@ IN NS ns1.mail-platform.example.\n@ IN TXT "v=spf1 -all"\n';
    assert.deepEqual(lint(child, {}, undefined, 'news.example.com.zone').findings.filter((f) => f.rule === RULE), []);
  });

  const LAB = path.resolve(ROOT, '..', 'shared', 'tools', 'dns-lab');
  const SERVE = path.join(LAB, 'serve-zones.sh');
  const ready = fs.existsSync(SERVE) && fs.existsSync('/usr/sbin/named') && spawnSync('which', ['dig']).status === 0 && process.getuid?.() === 0;

  it('flags exactly the records a real server (BIND) does not answer with, on random zones', (t) => {
    if (!ready) return t.skip(`needs ${SERVE}, BIND and dig, as root (../shared/tools/dns-lab/install.sh)`);
    let seed = Number(process.env.DL_FUZZ_SEED ?? 3);
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-occluded-'));
    const port = 5390 + Math.floor(random() * 8);
    const zones: { origin: string; text: string; lines: { line: number; name: string; type: string; glue: boolean; cutNs: boolean }[] }[] = [];
    for (let z = 0; z < 4; z++) {
      const origin = `z${z}.occ.test`;
      const out = [`$ORIGIN ${origin}.`, '$TTL 300', '@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300', '@ IN NS ns1', 'ns1 IN A 192.0.2.1'];
      const lines: (typeof zones)[number]['lines'] = [];
      const cuts = ['a', 'b.c', 'mail'].filter(() => random() < 0.8);
      if (random() < 0.7) {
        out.push('old IN DNAME new.example.');
        lines.push({ line: out.length, name: 'old', type: 'DNAME', glue: false, cutNs: false });
      }
      const hosts = new Map<string, string[]>();
      for (const c of cuts) {
        const inside = random() < 0.5;
        const host = inside ? `ns.${c}` : `ns.provider${z}.example.`;
        hosts.set(c, inside ? [host] : []);
        out.push(`${c} IN NS ${host}`);
        lines.push({ line: out.length, name: c, type: 'NS', glue: false, cutNs: true });
        if (inside) {
          out.push(`${host} IN A 192.0.2.${10 + out.length}`);
          lines.push({ line: out.length, name: host, type: 'A', glue: true, cutNs: false });
        }
      }
      const names = ['@', 'www', 'a', 'x.a', '_dmarc.a', 'c', 'b.c', 'y.b.c', 'mail', '_dmarc.mail', 's1._domainkey.mail', 'deep.x.a', 'old', '_dmarc.old', 'x.old.b.c'];
      for (let k = 0; k < 14; k++) {
        const name = pick(names);
        const type = pick(['TXT', 'TXT', 'A', 'MX', 'AAAA']);
        const data = type === 'TXT' ? pick(['"v=spf1 -all"', '"v=DMARC1; p=none; rua=mailto:d@example.com"', '"hello"']) : type === 'A' ? `192.0.2.${100 + k}` : type === 'AAAA' ? `2001:db8::${k + 1}` : `10 mx${k}.example.`;
        out.push(`${name} IN ${type} ${data}`);
        lines.push({ line: out.length, name, type, glue: false, cutNs: false });
      }
      zones.push({ origin, text: `${out.join('\n')}\n`, lines });
      fs.writeFileSync(path.join(dir, `${origin}.zone`), `${out.join('\n')}\n`);
    }
    const started = spawnSync('bash', [SERVE, dir, String(port)], { encoding: 'utf8', env: { ...process.env, DNS_LAB_SERVER: 'bind', DNS_LAB_ROOT: '0' } });
    try {
      assert.equal(started.status, 0, `${started.stdout}${started.stderr}`);
      let compared = 0;
      let unserved = 0;
      // The workspace resolver (the SPF tree's) over all the zones: it answers exactly what the server answers.
      const ws = new WorkspaceIndex();
      for (const z of zones) {
        const p = readZone(z.text, path.join(dir, `${z.origin}.zone`));
        ws.set(path.join(dir, `${z.origin}.zone`), p.zone.records, p.sites);
      }
      const resolver = new WorkspaceResolver(ws);
      for (const z of zones) {
        const index = new LineIndex(z.text);
        const ours = new Set(analyzeZone(z.text, path.join(dir, `${z.origin}.zone`)).findings.filter((f) => f.rule === RULE).map((f) => index.positionAt(f.range.start).line + 1));
        for (const l of z.lines) {
          const fqdn = l.name === '@' ? z.origin : l.name.endsWith('.') ? l.name : `${l.name}.${z.origin}`;
          // +norec: what this server answers itself. A referral has no answer section; below a DNAME the answer is the DNAME and a CNAME.
          const dig = spawnSync('dig', ['+norec', '+noall', '+answer', '+time=2', '+tries=1', '-p', String(port), '@127.0.0.1', fqdn, l.type], { encoding: 'utf8' });
          const answered = dig.stdout.split('\n').some((x) => { const f = x.split(/\s+/); return f[0] === `${fqdn}.` && f[3] === l.type; });
          if (l.glue || l.cutNs) {
            // The delegation and its glue are not flagged; the server gives them in referrals, not as answers.
            assert.ok(!ours.has(l.line), `${z.origin} line ${l.line} (${l.name} ${l.type}) is the delegation or its glue, and was flagged`);
            continue;
          }
          compared++;
          if (!answered) unserved++;
          assert.equal(ours.has(l.line), !answered, `${z.origin} line ${l.line}: ${l.name} ${l.type}: the server ${answered ? 'answers' : 'does not answer'}, we ${ours.has(l.line) ? 'flag it' : 'do not'}\n${z.text}`);
          if (l.type !== 'DNAME') {
            const a = resolver.lookup(fqdn, l.type as RRType);
            assert.equal(a?.status === 'ok', answered, `${z.origin} line ${l.line}: ${l.name} ${l.type}: the server ${answered ? 'answers' : 'does not answer'}, the resolver says ${JSON.stringify(a)}\n${z.text}`);
          }
        }
      }
      t.diagnostic(`${compared} records in ${zones.length} zones served by BIND; ${unserved} not answered (referred, or redirected by the DNAME), and those are the ones flagged`);
      assert.ok(unserved > 5 && compared - unserved > 5);
    } finally {
      spawnSync('bash', [SERVE, 'stop', String(port)]);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
