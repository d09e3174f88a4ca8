import { readFileSync } from 'node:fs';

/**
 * The console's static files: its style sheet, uPlot (served from the package as published, unmodified) and the
 * few lines that hand each chart's data to uPlot. Read once, at start.
 */
export interface StaticFile {
  readonly contentType: string;
  readonly body: string;
}

const STYLE = `
:root { color-scheme: light; font-family: system-ui, sans-serif; line-height: 1.5; color: #1a1a1a; background: #fff; }
body { margin: 0; }
header { background: #0b3d91; padding: 0.5rem 1rem; }
header a { color: #fff; margin-right: 1rem; font-weight: 600; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
a { color: #0b3d91; }
a:focus, button:focus, input:focus, select:focus, textarea:focus { outline: 3px solid #f5a623; outline-offset: 2px; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
th, td { border: 1px solid #767676; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
fieldset { border: 1px solid #767676; margin: 1rem 0; }
.field { margin: 0.75rem 0; }
.field label { display: block; font-weight: 600; }
.field select { font: inherit; padding: 0.25rem; }
.field input, .field textarea { width: 100%; box-sizing: border-box; font: inherit; padding: 0.25rem; border: 1px solid #595959; }
.field.invalid input, .field.invalid textarea { border: 2px solid #b00020; }
.help { margin: 0.25rem 0; color: #4a4a4a; font-size: 0.9rem; }
.problems { color: #b00020; margin: 0.25rem 0; }
.notice { padding: 0.5rem; border: 2px solid; }
.notice.ok { border-color: #1b5e20; color: #1b5e20; }
.notice.error { border-color: #b00020; color: #b00020; }
.check .ok { color: #1b5e20; }
.check .failed { color: #b00020; }
del { color: #b00020; } ins { color: #1b5e20; }
button { font: inherit; padding: 0.3rem 0.8rem; margin-right: 0.5rem; background: #0b3d91; color: #fff; border: 0; border-radius: 3px; cursor: pointer; }
dl.summary { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; }
dl.summary dd { margin: 0; overflow-wrap: anywhere; }
`;

/** Draws each `.chart` from its data-series attribute (the same numbers as the table under it). */
const CHARTS = `
document.querySelectorAll('.chart[data-series]').forEach(function (el) {
  if (typeof uPlot === 'undefined') return;
  var s = JSON.parse(el.getAttribute('data-series'));
  new uPlot({
    width: Math.min(el.clientWidth || 640, 900), height: 220,
    // UTC, as the table under the chart.
    tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'); },
    series: [{}, { label: 'allowed', stroke: '#1b5e20' }, { label: 'denied', stroke: '#b00020' }],
  }, [s.at, s.allowed, s.denied], el);
});
`;

export function consoleAssets(): ReadonlyMap<string, StaticFile> {
  const read = (file: string) => readFileSync(file, 'utf8');
  return new Map([
    ['/static/console.css', { contentType: 'text/css; charset=utf-8', body: STYLE }],
    ['/static/charts.js', { contentType: 'text/javascript; charset=utf-8', body: CHARTS }],
    ['/static/uPlot.iife.min.js', { contentType: 'text/javascript; charset=utf-8', body: read(require.resolve('uplot/dist/uPlot.iife.min.js')) }],
    ['/static/uPlot.min.css', { contentType: 'text/css; charset=utf-8', body: read(require.resolve('uplot/dist/uPlot.min.css')) }],
  ]);
}
