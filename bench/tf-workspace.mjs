// Terraform workspace benchmark: 2 000 .tf files with 20 000 record resources (a zone resource per
// file, SPF/DMARC/DKIM TXT records and A records), indexed in one process into the workspace model;
// then one file edited and checked again; and one module called 500 times (see below). Usage: npm run bench:tf
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { readZone, checkZone, DocumentAnalyzer } = require(path.join(root, 'out/server/src/service.js'));
const { WorkspaceIndex } = require(path.join(root, 'out/server/src/workspace.js'));
const FILES = 2000;
const PER = 10;
const dir = path.join(root, 'bench', '.data', `tf-${FILES}`);
if (!existsSync(path.join(dir, '.complete'))) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (let f = 0; f < FILES; f++) {
    const zone = `d${f}.example`;
    const parts = [`resource "aws_route53_zone" "z" {\n  name = "${zone}"\n}\n`];
    for (let r = 0; r < PER; r++) {
      const kind = r % 5;
      const body =
        kind === 0 ? `name = "${zone}"\n  type = "TXT"\n  records = ["v=spf1 include:_spf.${zone} include:_spf.google.com ~all"]`
        : kind === 1 ? `name = "_dmarc"\n  type = "TXT"\n  records = ["v=DMARC1; p=quarantine; rua=mailto:dmarc@${zone}"]`
        : kind === 2 ? `name = "s${r}._domainkey"\n  type = "TXT"\n  records = ["v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDEzT7aq52MEiYBT9CIbqhufSHw585PO6fr9En7VzxnnUeqUaMDqly9/jcMx6T3WFFjraYMo4Ipzdu+5qX1AF6VJGrn8UrC0vycXHJgMuCelUde0pn5OoPk9WXukCG9V2wK3jJox2pX2rvNthdv/3dTqySy6b+YakkG8cOTpx2ZaQIDAQAB"]`
        : kind === 3 ? `name = "_spf"\n  type = "TXT"\n  records = ["v=spf1 ip4:192.0.2.${r}/32 -all"]`
        : `name = "www${r}"\n  type = "A"\n  records = ["192.0.2.${r}"]`;
      parts.push(`resource "aws_route53_record" "r${r}" {\n  zone_id = aws_route53_zone.z.zone_id\n  ttl = 300\n  ${body}\n}\n`);
    }
    writeFileSync(path.join(dir, `d${f}.tf`), parts.join('\n'));
  }
  writeFileSync(path.join(dir, '.complete'), '');
}
const tf = require(path.join(root, 'out/server/src/sources/terraform.js'));
/**
 * Reads the files into a new workspace model, as the language server indexes a workspace (whose
 * Terraform files are where module calls are looked for): the model, its records and the time taken.
 */
function index(list) {
  tf.setTerraformWorkspace(() => list);
  const t = performance.now();
  const ws = new WorkspaceIndex();
  let records = 0;
  for (const f of list) {
    const p = readZone(readFileSync(f, 'utf8'), f);
    ws.set(f, p.zone.records, p.sites);
    records += p.zone.records.length;
  }
  ws.at('warm.example');
  return { ws, records, ms: performance.now() - t };
}
const files = readdirSync(dir).filter((f) => f.endsWith('.tf')).map((f) => path.join(dir, f));
const { ws, records, ms: indexMs } = index(files);
console.log(`indexed ${files.length} files, ${records} records in ${indexMs.toFixed(0)} ms (RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB)`);
const file = files[0];
const text = readFileSync(file, 'utf8');
const doc = new DocumentAnalyzer(file);
doc.update(text, { workspace: ws, model: true });
const times = [];
for (let i = 0; i < 30; i++) {
  const edited = text.replace('~all', i % 2 ? '-all' : '~all');
  const t = performance.now();
  const a = doc.update(edited + ' '.repeat(i % 3), { workspace: ws, model: true });
  ws.set(file, a.zone.records, a.sites);
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
console.log(`re-check of one edited file (workspace of ${files.length}): median ${times[15].toFixed(1)} ms, max ${times[29].toFixed(1)} ms over 30 edits`);
void checkZone;

// Module calls: one module of 10 record resources (names and values from its variables) called 500
// times from a root module, each call with its own domain. Indexed as above (the module is read once
// per call: 5 000 records), then the module file edited and checked again with every call.
const CALLS = 500;
const mdir = path.join(root, 'bench', '.data', `tf-calls-${CALLS}`);
if (!existsSync(path.join(mdir, '.complete'))) {
  rmSync(mdir, { recursive: true, force: true });
  mkdirSync(path.join(mdir, 'modules', 'mail'), { recursive: true });
  const rec = (label, name, value) => `resource "aws_route53_record" "${label}" {\n  zone_id = var.zone_id\n  name    = ${name}\n  type    = "TXT"\n  ttl     = 300\n  records = [${value}]\n}\n`;
  const parts = ['variable "domain" {}\nvariable "zone_id" {}\nvariable "rua" {\n  default = "mailto:dmarc@example.org"\n}\n'];
  parts.push(rec('spf', 'var.domain', '"v=spf1 include:_spf.${var.domain} include:_spf.google.com ~all"'));
  parts.push(rec('spf_inner', '"_spf.${var.domain}"', '"v=spf1 ip4:192.0.2.0/24 -all"'));
  parts.push(rec('dmarc', '"_dmarc.${var.domain}"', '"v=DMARC1; p=quarantine; rua=${var.rua}"'));
  for (let s = 0; s < 7; s++) parts.push(rec(`news${s}`, `"news${s}.\${var.domain}"`, '"v=spf1 -all"'));
  writeFileSync(path.join(mdir, 'modules', 'mail', 'main.tf'), parts.join('\n'));
  const calls = [];
  for (let c = 0; c < CALLS; c++) calls.push(`resource "aws_route53_zone" "z${c}" {\n  name = "c${c}.example.com"\n}\nmodule "mail${c}" {\n  source  = "./modules/mail"\n  domain  = "c${c}.example.com"\n  zone_id = aws_route53_zone.z${c}.zone_id\n}\n`);
  writeFileSync(path.join(mdir, 'main.tf'), calls.join('\n'));
  writeFileSync(path.join(mdir, '.complete'), '');
}
const mfiles = [path.join(mdir, 'main.tf'), path.join(mdir, 'modules', 'mail', 'main.tf')];
tf.forgetTerraformFolder(path.join(mdir, 'modules', 'mail'));
const { ws: mws, records: mrecords, ms: mIndex } = index(mfiles);
const mfile = mfiles[1];
const mtext = readFileSync(mfile, 'utf8');
const mdoc = new DocumentAnalyzer(mfile);
let findings = 0;
const mtimes = [];
for (let i = 0; i < 10; i++) {
  const t = performance.now();
  const a = mdoc.update(mtext.replace('~all', i % 2 ? '+all' : '~all'), { workspace: mws, model: true });
  mws.set(mfile, a.zone.records, a.sites);
  mtimes.push(performance.now() - t);
  findings = a.findings.length;
}
mtimes.sort((a, b) => a - b);
console.log(`module called ${CALLS} times: indexed ${mrecords} records in ${mIndex.toFixed(0)} ms; re-check of the edited module with every call: median ${mtimes[5].toFixed(0)} ms, max ${mtimes[9].toFixed(0)} ms over 10 edits (+all in and out; ${findings} finding after the last, said once for all calls)`);
