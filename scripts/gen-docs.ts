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

if (require.main === module) {
  const root = path.resolve(__dirname, '..', '..');
  for (const r of allRules) {
    const file = path.join(root, 'docs', 'rules', `${r.id}.md`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, renderRulePage(r));
  }
  fs.writeFileSync(path.join(root, 'docs', 'rules', 'README.md'), renderIndex(allRules));
  console.log(`wrote ${allRules.length} rule pages`);
}
