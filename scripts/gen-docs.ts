/**
 * Writes docs/rules/<id>.md (Ruff style: what it does, why, example, fix) from the rule metadata,
 * so docs and code cannot drift; a test checks the pages are current. Run: npm run docs
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { allRules } from '../server/src/checks/registry';
import { AUTOFIX } from '../server/src/checks/autofix';
import { isZoneFileName } from '../server/src/files';
import { KIND_NAMES, type Rule } from '../server/src/checks/rule';
import catalog from '../server/src/senders/catalog.json';

function example(r: Rule, text: string): string {
  if (r.docs.file) return `\`${r.docs.file}\`:\n\`\`\`${fenceOf(r.docs.file)}\n${text.replace(/\n$/, '')}\n\`\`\``;
  return `${r.docs.origin ? `Checked with \`--origin ${r.docs.origin}\`:\n` : ''}\`\`\`dns\n$ORIGIN example.com.\n${text}\n\`\`\``;
}

function fileBlock(f: { file: string; text: string }): string {
  return `\`${f.file}\`:\n\`\`\`${f.file.endsWith('.tf') ? 'hcl' : f.file.endsWith('.zone') ? 'dns' : 'text'}\n${f.text.replace(/\n$/, '')}\n\`\`\``;
}

function workspaceBlock(r: Rule): string {
  const d = r.docs;
  let out = !d.workspace ? '' : d.goodWorkspace ? `With the bad example, elsewhere in the workspace, ${fileBlock(d.workspace)}\n\nWith the good one, ${fileBlock(d.goodWorkspace)}\n\n` : `With, elsewhere in the workspace, ${fileBlock(d.workspace)}\n\n`;
  if (d.report) out += `And an aggregate report in the workspace (bad example):\n\`\`\`xml\n${d.report.replace(/\n$/, '')}\n\`\`\`\n\n`;
  if (d.goodReport) out += `(good example: the same report with \`<dkim>pass</dkim>\` in \`policy_evaluated\`.)\n\n`;
  return out;
}

/** The code fence language of an example file. */
function fenceOf(file: string): string {
  if (isZoneFileName(file)) return 'dns';
  if (/\.ya?ml$/.test(file)) return 'yaml';
  if (/\.tf$/.test(file)) return 'hcl';
  if (/\.js$/.test(file)) return 'js';
  if (/\.txt$/.test(file)) return 'text';
  return 'json';
}

export function renderRulePage(r: Rule): string {
  return `# ${r.id}

${r.summary}.

| default severity | fixable | applies to |
|---|---|---|
| ${r.severity} | ${r.fixable ? (AUTOFIX.has(r.id) ? 'yes (quick fix; applied by `dmarc-lens check --fix`)' : 'yes (quick fix)') : 'no'} | ${r.kind === 'sender' ? 'sender profiles in `.dmarc-lens.json`' : r.docs.file === 'mta-sts.txt' ? 'MTA-STS policy files (`mta-sts.txt`)' : r.docs.file && !isZoneFileName(r.docs.file) ? 'infrastructure-as-code files' : r.kind === 'zone' ? 'zone files' : `${r.kind in KIND_NAMES ? KIND_NAMES[r.kind as keyof typeof KIND_NAMES] : r.kind.toUpperCase()} records`} |

## What it does
${r.docs.what}${r.wholeRecord ? '\n\nIt judges the record as a whole, so it is not reported on a value with parts not known statically (a Terraform `${var.x}`, a CloudFormation `${AWS::Region}`): those parts could change the verdict.' : ''}

## Why it matters
${r.docs.why}

## Example
${example(r, r.docs.bad)}

Use instead:
${example(r, r.docs.good)}

${workspaceBlock(r)}## How to fix
${r.docs.fix}

## Configuration
Turn the rule off or change its severity with \`"rules": { "${r.id}": "off" }\` in the file given to \`dmarc-lens check --config\`, or the \`dmarcLens.rules\` setting in VS Code.
`;
}

export function renderIndex(rules: readonly Rule[]): string {
  const rows = rules.map((r) => `| [\`${r.id}\`](${r.id}.md) | ${r.severity} | ${r.fixable ? (AUTOFIX.has(r.id) ? 'yes, `--fix`' : 'yes') : ''} | ${r.summary} |`);
  return `# Rules

Every finding DMARC Lens reports has one of these stable ids. Severities: error = receivers treat the record as invalid or ignore it; warning = works but harms delivery or security; information = advice; hint = style.

| rule | default severity | fix | summary |
|---|---|---|---|
${rows.join('\n')}
`;
}

/** JSON schema of `.dmarc-lens.json`, with every rule id, for VS Code's completion and validation. */
export function renderSchema(rules: readonly Rule[]): string {
  const severity = { enum: ['off', 'hint', 'information', 'warning', 'error'] };
  const schema = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'DMARC Lens project configuration (.dmarc-lens.json)',
    type: 'object',
    additionalProperties: false,
    properties: {
      $schema: { type: 'string' },
      rules: {
        type: 'object',
        description: 'Severity per rule id, or "off".',
        properties: Object.fromEntries(rules.map((r) => [r.id, { ...severity, markdownDescription: `${r.summary} (default: ${r.severity}). [docs](https://github.com/dmarc-lens/dmarc-lens/blob/main/docs/rules/${r.id}.md)` }])),
        additionalProperties: false,
      },
      ignore: { type: 'array', items: { type: 'string' }, description: 'Glob patterns (relative to this file) of files not to check.' },
      include: {
        type: 'object',
        description: 'Extra files to read, by format: glob patterns relative to this file, for files whose names do not say their format.',
        additionalProperties: false,
        properties: Object.fromEntries(['zone', 'terraform', 'cloudformation', 'octodns', 'dnscontrol'].map((f) => [f, { type: 'array', items: { type: 'string' }, description: `Files read as ${f}.` }])),
      },
      dns: {
        type: 'object',
        additionalProperties: false,
        properties: {
          mode: { enum: ['live', 'offline'] },
          servers: { type: 'array', items: { type: 'string', pattern: '^(\\[[0-9a-fA-F:]+\\]|[^:\\s]+)(:\\d{1,5})?$' } },
          timeoutMs: { type: 'integer', minimum: 1 },
        },
      },
      rollout: { type: 'object', properties: { style: { enum: ['rfc9989', 'compatible', 'legacy'] } } },
      reports: {
        type: 'object',
        additionalProperties: false,
        properties: {
          paths: { type: 'array', description: "Where the aggregate reports are: globs relative to this file's folder.", items: { type: 'string' } },
          notOurs: {
            type: 'array',
            description: 'Sources in the aggregate reports you have checked and that are not yours (spoofing, a forwarder): IPv4/IPv6 addresses or CIDR ranges. The preview and the report still show them; their failing mail no longer holds back the next policy stage.',
            items: { type: 'string', pattern: '^[0-9A-Fa-f:.]+(/[0-9]{1,3})?$' },
          },
        },
      },
      domains: {
        type: 'object',
        description: 'Sender profiles per domain: the services that send mail as it (checked for DMARC alignment against the workspace records and reports).',
        additionalProperties: {
          type: 'object',
          additionalProperties: false,
          properties: {
            senders: {
              type: 'array',
              items: {
                type: 'object',
                required: ['provider'],
                additionalProperties: false,
                properties: {
                  provider: { type: 'string', description: 'A catalog id, or "custom" (declare `ips`).', anyOf: [{ enum: [...catalog.providers.map((p) => p.id), 'custom'] }, { type: 'string' }] },
                  name: { type: 'string', description: 'A label for messages (default: the provider\'s name).' },
                  from: { type: 'string', description: 'The RFC5322.From domain it sends with (default: the domain).' },
                  returnPath: { type: 'string', description: 'The envelope (Return-Path / MAIL FROM) domain, when the platform uses one of yours.' },
                  dkimSelectors: { type: 'array', items: { type: 'string' }, description: 'DKIM selectors it signs with, under `dkimDomain`.' },
                  dkimDomain: { type: 'string', description: 'The d= domain it signs with (default: `from`).' },
                  ips: { type: 'array', items: { type: 'string' }, description: 'Source addresses or CIDR ranges (custom senders).' },
                },
              },
            },
          },
        },
      },
      providers: { type: 'array', description: 'Catalog rows to add, or to override by id.', items: { $ref: 'provider-catalog.schema.json#/definitions/provider' } },
    },
  };
  return JSON.stringify(schema, null, 2) + '\n';
}

/** JSON schema of the provider catalog (server/src/senders/catalog.json) and of user rows. */
export function renderCatalogSchema(): string {
  const str = { type: 'string' };
  const list = { type: 'array', items: str };
  const record = { type: 'object', required: ['name', 'type', 'value'], additionalProperties: false, properties: { name: str, type: { enum: ['CNAME', 'TXT', 'MX', 'NS'] }, value: str } };
  const schema = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'DMARC Lens provider catalog',
    type: 'object',
    required: ['providers'],
    properties: { $schema: str, $comment: str, providers: { type: 'array', items: { $ref: '#/definitions/provider' } } },
    definitions: {
      record,
      provider: {
        type: 'object',
        required: ['id', 'name', 'confidence'],
        additionalProperties: false,
        properties: {
          id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$' },
          name: str,
          category: { enum: ['mailbox', 'marketing', 'transactional', 'crm', 'helpdesk', 'other'] },
          spfIncludes: { ...list, description: 'Exact SPF include targets.' },
          spfIncludeSuffixes: { ...list, description: 'Include targets ending in one of these (account-specific includes).' },
          spfLookups: { type: ['integer', 'null'], description: 'DNS lookups the include usually costs; null when no source says.' },
          spfWhere: { enum: ['from', 'return-path', 'none'], description: 'Where its SPF belongs.' },
          spfNote: str,
          returnPath: { enum: ['provider', 'custom', 'customer', 'unknown'], description: 'provider: always its own Return-Path; custom: its own unless a customer Return-Path is set up; customer: the customer domain.' },
          returnPathNote: str,
          returnPathRecords: { type: 'array', items: { $ref: '#/definitions/record' } },
          returnPathTargetSuffixes: list,
          returnPathMxSuffixes: list,
          dkimSelectors: list,
          dkimSelectorPrefixes: list,
          dkimSelectorSuffixes: list,
          dkimCnameSuffixes: list,
          dkimRecords: { type: 'array', items: { $ref: '#/definitions/record' } },
          dkimSetup: str,
          dkimSharedKey: { type: 'boolean' },
          dkimDomains: list,
          envelopeDomains: list,
          rdnsDomains: list,
          docs: { type: 'string', pattern: '^https://' },
          confidence: { enum: ['confirmed-official', 'confirmed-template', 'secondary-only', 'unknown'] },
          confidenceNote: str,
          sources: list,
          checked: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
        },
      },
    },
  };
  return JSON.stringify(schema, null, 2) + '\n';
}

if (require.main === module) {
  const root = path.resolve(__dirname, '..', '..');
  for (const r of allRules) {
    const file = path.join(root, 'docs', 'rules', `${r.id}.md`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, renderRulePage(r));
  }
  fs.writeFileSync(path.join(root, 'docs', 'rules', 'README.md'), renderIndex(allRules));
  fs.mkdirSync(path.join(root, 'schemas'), { recursive: true });
  fs.writeFileSync(path.join(root, 'schemas', 'dmarc-lens.schema.json'), renderSchema(allRules));
  fs.writeFileSync(path.join(root, 'schemas', 'provider-catalog.schema.json'), renderCatalogSchema());
  console.log(`wrote ${allRules.length} rule pages`);
}
