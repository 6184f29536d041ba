// The report page's style: the palette and type of the API reference (reference-css.ts), cards
// instead of a sidebar, and one column on a phone. Tables scroll inside their card, never the page.
export const REPORT_CSS = `
:root{--ink:#1a1f36;--muted:#5b6478;--line:#e3e8ee;--bg:#f7f9fc;--accent:#4f46e5;--accent-soft:#e0e7ff;
--good:#0e7c5a;--bad:#b91c1c;--code:#f1f3f7;
font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--ink)}
*{box-sizing:border-box}html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);min-height:100vh;overflow-x:hidden}
[hidden]{display:none!important}
a{color:var(--accent)}
code{font:13px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--code);padding:1px 5px;border-radius:4px}
.topbar{display:flex;align-items:center;gap:12px;padding:12px 24px;background:#fff;border-bottom:1px solid var(--line)}
.brand{font-weight:700;font-size:18px;color:var(--ink);text-decoration:none}.brand span{color:var(--muted);font-weight:500}
.topbar .spacer{flex:1}.topbar .docs{font-size:14px;white-space:nowrap}
main{max-width:1180px;margin:0 auto;padding:20px 24px 64px}
h1{font-size:26px;margin:4px 0 4px}h2{font-size:18px;margin:0 0 4px}
.lede,.meta,.hint{color:var(--muted);margin:2px 0 12px;font-size:14px}
.card{background:#fff;border:1px solid var(--line);border-radius:10px;padding:16px 20px;margin:16px 0;min-width:0}
.login{max-width:460px;margin:48px auto}
label{display:block;font-size:12px;font-weight:600;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);margin-bottom:4px}
input,select,button{font:inherit;color:inherit}
input,select{width:100%;min-height:38px;padding:6px 10px;border:1px solid #cbd2dc;border-radius:7px;background:#fff}
input:focus,select:focus,button:focus-visible{outline:2px solid var(--accent);outline-offset:1px}
button{min-height:38px;padding:6px 14px;border-radius:7px;border:1px solid var(--accent);background:var(--accent);color:#fff;font-weight:600;cursor:pointer;white-space:nowrap}
button.secondary{background:#fff;color:var(--accent)}button:disabled{opacity:.6;cursor:wait}
.login form{display:grid;gap:12px}
.error{color:var(--bad);font-weight:500;margin:8px 0 0;min-height:1.5em}
.controls{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px;align-items:end}
.controls .actions{display:flex;gap:8px}
.status{color:var(--muted);font-size:13px;min-height:1.5em;margin:8px 0 0}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));gap:10px;margin:12px 0}
.tile{border:1px solid var(--line);border-radius:8px;padding:8px 12px;background:var(--bg)}
.tile .figure{font-size:22px;font-weight:700;font-variant-numeric:tabular-nums}.tile .caption{font-size:12px;color:var(--muted)}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(280px,1fr));gap:16px;margin:8px 0 12px}
.chart h3{font-size:13px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);margin:0 0 6px}
svg{display:block;width:100%;height:auto;max-width:100%}
svg text{font:12px system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;fill:var(--ink)}
svg .bar{fill:var(--accent)}svg .bar.revenue{fill:var(--good)}svg .track{fill:#eef1f6}svg .value{fill:var(--muted)}
svg .stage{fill:var(--accent)}svg .figure{font-weight:700}svg .axis{fill:var(--muted);font-size:11px}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;max-width:100%;border:1px solid var(--line);border-radius:8px}
table{border-collapse:collapse;width:100%;font-size:14px;font-variant-numeric:tabular-nums}
th,td{padding:7px 10px;border-bottom:1px solid var(--line);text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left;position:sticky;left:0;background:#fff;max-width:260px;overflow:hidden;text-overflow:ellipsis}
thead th{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);background:var(--bg)}
thead th:first-child{background:var(--bg)}
tfoot td{font-weight:700;border-bottom:none;background:var(--bg)}tfoot td:first-child{background:var(--bg)}
td.current,th.current{background:var(--accent-soft)}
.empty{color:var(--muted);font-style:italic;padding:8px 0}
.section-error{color:var(--bad)}
.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:0 16px}
.grid2>.card{margin:16px 0 0}
details summary{cursor:pointer;font-weight:700;font-size:18px}
details[open] summary{margin-bottom:8px}
.legend{display:flex;align-items:center;gap:6px;font-size:12px;color:var(--muted);margin-top:6px}
.legend svg{width:120px}
.heatmap-wrap{overflow-x:auto}.heatmap-wrap svg{min-width:560px;max-width:760px}
.inline-field{display:flex;align-items:center;gap:8px;margin:4px 0 10px}.inline-field label{margin:0}.inline-field select{width:auto}
.chart{margin:0}
@media (max-width:640px){.topbar{padding:10px 14px}main{padding:12px 12px 48px}.card{padding:12px 14px}
.login{margin:16px auto}h1{font-size:22px}.grid2{grid-template-columns:minmax(0,1fr)}.charts{grid-template-columns:minmax(0,1fr)}
.controls{grid-template-columns:1fr 1fr}th:first-child,td:first-child{max-width:130px}.controls .actions{grid-column:1/-1}.controls .actions button{flex:1}}
`;
