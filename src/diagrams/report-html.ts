import type { ReportData } from './report-data.js';
import { REPORT_STYLE, REPORT_VIEWER } from './report-viewer.js';

/**
 * The HTML report: one self-contained file (no network at view time: the styles, the viewer
 * script, the data and the statechart drawings are all inside it). The data goes in as JSON in
 * a `<script type="application/json">` block with every `<`, `>` and `&` escaped, so no string
 * of a trace can end the block or open a tag; the viewer then builds the page with
 * `textContent` only, so a provider named `<img onerror=...>` shows as those characters.
 * The drawings are `<img>`s of data URLs: an SVG shown that way runs no script.
 */
export function reportHtml(data: ReportData): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    // No fetch of anything, from anywhere: the file must read the same offline.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeText(data.title)}</title>`,
    `<style>${REPORT_STYLE}</style>`,
    '</head>',
    '<body>',
    '<noscript>This report draws itself with JavaScript; open it in a browser with scripts on.</noscript>',
    '<div id="app"></div>',
    `<script type="application/json" id="report-data">${jsonForScript(data)}</script>`,
    `<script>${REPORT_VIEWER}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** JSON that cannot end its script block or start markup inside it. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
