/**
 * The report preview page: a strict Content-Security-Policy, the bundled script, and the model as
 * embedded JSON (so the page renders without a round trip). No VS Code API here, so the browser tests
 * build the same page.
 */
export interface PreviewPage {
  scriptUri: string;
  cspSource: string;
  nonce: string;
  model: unknown;
}

const STYLE = `
body { font-family: var(--vscode-font-family, system-ui, sans-serif); color: var(--vscode-foreground, #222); background: var(--vscode-editor-background, #fff); padding: 0 1.5em 2em; }
h1 { font-size: 1.4em; } h2 { font-size: 1.1em; margin-top: 1.6em; }
table { border-collapse: collapse; width: 100%; font-size: 0.92em; margin-top: 0.5em; }
th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid var(--vscode-panel-border, #ddd); vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.fail td:first-child { border-left: 3px solid var(--vscode-errorForeground, #c33); }
tr.pass td:first-child { border-left: 3px solid var(--vscode-testing-iconPassed, #393); }
.verdict { padding: 0.5em 0.8em; border-left: 4px solid var(--vscode-textLink-foreground, #36c); background: var(--vscode-textBlockQuote-background, #f3f6fa); }
input { margin: 0.3em 0.8em 0.3em 0; padding: 3px 6px; min-width: 22em; }
.failure { color: var(--vscode-errorForeground, #c33); }`;

export function previewHtml(p: PreviewPage): string {
  const json = JSON.stringify(p.model).replace(/</g, '\\u003c');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline' ${p.cspSource}; script-src 'nonce-${p.nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>DMARC report preview</title><style>${STYLE}</style></head>
<body><div id="app"><p>Reading the report…</p></div>
<script type="application/json" id="model">${json}</script>
<script nonce="${p.nonce}" src="${p.scriptUri}"></script></body></html>`;
}
