/**
 * The report preview page: a strict Content-Security-Policy, the bundled script, and the model as
 * embedded JSON (so the page renders without a round trip). No VS Code API here, so the browser tests
 * build the same page.
 */
export interface PreviewPage {
  /** The bundled script's URI, or (for a standalone HTML file) `inline:` with the script text in `script`. */
  scriptUri: string;
  script?: string;
  /** The codicon stylesheet (VS Code's icon font); without it the page shows text symbols. */
  codiconsUri?: string;
  cspSource: string;
  nonce: string;
  model: unknown;
}

const STYLE = `
body { font-family: var(--vscode-font-family, system-ui, sans-serif); font-size: var(--vscode-font-size, 13px); color: var(--vscode-foreground, #222); background: var(--vscode-editor-background, #fff); padding: 0 1.5em 2em; }
h1 { font-size: 1.4em; } h2 { font-size: 1.1em; margin-top: 1.6em; }
table { border-collapse: collapse; width: 100%; font-size: 0.92em; margin-top: 0.5em; }
th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid var(--vscode-panel-border, #ddd); vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
table.fixed { table-layout: fixed; margin: 0; }
table.fixed td { height: 17px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; vertical-align: middle; }
#viewport { position: relative; height: 60vh; overflow: auto; border: 1px solid var(--vscode-panel-border, #ddd); }
#viewport:focus-visible, button:focus-visible, input:focus-visible { outline: 1px solid var(--vscode-focusBorder, #0090f1); outline-offset: -1px; }
#viewport .spacer { position: absolute; top: 0; left: 0; width: 1px; }
#records { position: absolute; top: 0; left: 0; }
tr.fail td:first-child { border-left: 3px solid var(--vscode-errorForeground, #c33); }
tr.pass td:first-child { border-left: 3px solid var(--vscode-testing-iconPassed, #393); }
tr.disagree td:first-child::after { content: " \\2691"; color: var(--vscode-editorWarning-foreground, #b80); }
button.sort { background: none; border: none; color: inherit; font: inherit; font-weight: 600; cursor: pointer; padding: 0; }
th[aria-sort="ascending"] button::after { content: " \\25B2"; } th[aria-sort="descending"] button::after { content: " \\25BC"; }
.verdict { padding: 0.5em 0.8em; border-left: 4px solid var(--vscode-textLink-foreground, #36c); background: var(--vscode-textBlockQuote-background, rgba(127, 127, 127, 0.1)); }
body.vscode-high-contrast .verdict { background: transparent; outline: 1px solid var(--vscode-contrastBorder, #6fc3df); }
.note { color: var(--vscode-descriptionForeground, #555); }
.host { color: var(--vscode-descriptionForeground, #555); }
input { margin: 0.3em 0.8em 0.3em 0; padding: 3px 6px; min-width: 22em; color: var(--vscode-input-foreground, inherit); background: var(--vscode-input-background, transparent); border: 1px solid var(--vscode-input-border, #bbb); }
#scope { margin: 0.4em 0; }
#scope select, #scope input { min-width: 0; margin: 0.3em 0.4em 0.3em 0; padding: 2px 4px; color: var(--vscode-dropdown-foreground, inherit); background: var(--vscode-dropdown-background, transparent); border: 1px solid var(--vscode-dropdown-border, #bbb); font: inherit; }
#scope button { margin: 0.3em 0.6em 0.3em 0.2em; padding: 2px 10px; color: var(--vscode-button-secondaryForeground, inherit); background: var(--vscode-button-secondaryBackground, rgba(127, 127, 127, 0.15)); border: 1px solid var(--vscode-button-border, transparent); font: inherit; cursor: pointer; }
button.not-ours { margin-left: 0.4em; padding: 0 6px; color: var(--vscode-button-secondaryForeground, inherit); background: var(--vscode-button-secondaryBackground, rgba(127, 127, 127, 0.15)); border: 1px solid var(--vscode-button-border, transparent); font: inherit; font-size: 0.9em; cursor: pointer; }
#export-csv { margin-left: 1em; padding: 2px 10px; color: var(--vscode-button-secondaryForeground, inherit); background: var(--vscode-button-secondaryBackground, rgba(127, 127, 127, 0.15)); border: 1px solid var(--vscode-button-border, transparent); font: inherit; cursor: pointer; }
#scope button:disabled { opacity: 0.5; cursor: default; }
select:focus-visible { outline: 1px solid var(--vscode-focusBorder, #0090f1); outline-offset: -1px; }
#chart { width: 100%; max-width: 760px; height: auto; display: block; }
#chart .bar { fill: var(--vscode-charts-blue, #4a86c8); }
#chart .rate { stroke: var(--vscode-charts-green, #2e8b57); stroke-width: 2; }
#chart .ratedot { fill: var(--vscode-charts-green, #2e8b57); }
#chart .axis { fill: var(--vscode-descriptionForeground, #666); font-size: 11px; }
#chart .axisline { stroke: var(--vscode-panel-border, #bbb); }
body.vscode-high-contrast th, body.vscode-high-contrast td { border-bottom-color: var(--vscode-contrastBorder, #6fc3df); }
.failure { color: var(--vscode-errorForeground, #c33); }
.codicon { vertical-align: text-bottom; margin-right: 0.3em; }
body:not(.has-codicons) .codicon { display: none; }
.codicon-pass { color: var(--vscode-testing-iconPassed, #393); } .codicon-warning { color: var(--vscode-editorWarning-foreground, #b80); } .codicon-error { color: var(--vscode-errorForeground, #c33); }`;

export function previewHtml(p: PreviewPage): string {
  const json = JSON.stringify(p.model).replace(/</g, '\\u003c');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline' ${p.cspSource}; font-src ${p.cspSource || "'none'"}; script-src 'nonce-${p.nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>DMARC report preview</title>${p.codiconsUri ? `<link rel="stylesheet" href="${p.codiconsUri}">` : ''}<style>${STYLE}</style></head>
<body${p.codiconsUri ? ' class="has-codicons"' : ''}><div id="app"><p>Reading the report…</p></div>
<script type="application/json" id="model">${json}</script>
${p.script !== undefined ? `<script nonce="${p.nonce}">${p.script.replace(/<\/script/gi, '<\\/script')}</script>` : `<script nonce="${p.nonce}" src="${p.scriptUri}"></script>`}</body></html>`;
}
