/**
 * Writes docs/rules/<id>.md (Ruff style: what it does, why, example, fix) from the rule metadata,
 * so docs and code cannot drift; a test checks the pages are current. Run: npm run docs
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { allRules } from '../server/src/checks/registry';
import type { Rule } from '../server/src/checks/rule';

function example(r: Rule, text: string): string {
  if (r.docs.file) return `\`${r.docs.file}\`:\n\`\`\`${/\.ya?ml$/.test(r.docs.file) ? 'yaml' : 'json'}\n${text.replace(/\n$/, '')}\n\`\`\``;
  return `\`\`\`dns\n$ORIGIN example.com.\n${text}\n\`\`\``;
}

export function renderRulePage(r: Rule): string {
  return `# ${r.id}

${r.summary}.

| default severity | fixable | applies to |
|---|---|---|
| ${r.severity} | ${r.fixable ? 'yes (quick fix)' : 'no'} | ${r.docs.file ? 'infrastructure-as-code files' : r.kind === 'zone' ? 'zone files' : `${r.kind.toUpperCase()} records`} |

## What it does
${r.docs.what}

## Why it matters
${r.docs.why}

## Example
${example(r, r.docs.bad)}

Use instead:
${example(r, r.docs.good)}

${r.docs.workspace ? `With, elsewhere in the workspace, \`${r.docs.workspace.file}\`:\n\`\`\`${r.docs.workspace.file.endsWith('.tf') ? 'hcl' : 'text'}\n${r.docs.workspace.text.replace(/\n$/, '')}\n\`\`\`\n\n` : ''}## How to fix
${r.docs.fix}

## Configuration
Turn the rule off or change its severity with \`"rules": { "${r.id}": "off" }\` in the file given to \`dmarc-lens check --config\`, or the \`dmarcLens.rules\` setting in VS Code.
`;
}

export function renderIndex(rules: readonly Rule[]): string {
  const rows = rules.map((r) => `| [\`${r.id}\`](${r.id}.md) | ${r.severity} | ${r.fixable ? 'yes' : ''} | ${r.summary} |`);
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
      include: { type: 'object', description: 'Extra glob patterns per source format.', additionalProperties: { type: 'array', items: { type: 'string' } } },
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
      reports: { type: 'object', properties: { paths: { type: 'array', items: { type: 'string' } } } },
      domains: { type: 'object', description: 'Sender profiles per domain.' },
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
  console.log(`wrote ${allRules.length} rule pages`);
}
