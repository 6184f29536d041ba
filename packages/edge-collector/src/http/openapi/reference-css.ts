// The reference page's whole style: inline, so the page needs nothing but itself.
export const REFERENCE_CSS = `
:root{--ink:#1a1f36;--muted:#5b6478;--line:#e3e8ee;--bg:#f7f9fc;--accent:#4f46e5;--code:#f1f3f7;
font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--ink)}
*{box-sizing:border-box}body{margin:0;display:grid;grid-template-columns:290px 1fr;min-height:100vh}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
code,pre{font:13px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
code{background:var(--code);padding:1px 5px;border-radius:4px}
pre{background:#0f172a;color:#e2e8f0;padding:14px 16px;border-radius:8px;overflow-x:auto}
pre code{background:none;padding:0;color:inherit}
.sidebar{position:sticky;top:0;height:100vh;overflow-y:auto;background:var(--bg);border-right:1px solid var(--line);padding:20px 16px}
.sidebar .brand{display:block;font-weight:700;font-size:18px;color:var(--ink);margin-bottom:14px}
.sidebar .brand span{color:var(--muted);font-weight:500}
.sidebar h2{font-size:12px;text-transform:uppercase;letter-spacing:.06em;margin:18px 0 6px}
.sidebar h2 a{color:var(--muted)}
.sidebar ul{list-style:none;margin:0;padding:0}.sidebar li a{display:block;padding:3px 6px;border-radius:5px;color:var(--ink);font-size:14px}
.sidebar li a:hover{background:#e9edf5;text-decoration:none}
main{padding:32px 48px 80px;max-width:980px}
header h1{margin:0 0 6px;font-size:30px}.meta{color:var(--muted);margin:2px 0}
section{border-top:1px solid var(--line);padding-top:12px;margin-top:28px}
section>h2{font-size:24px}
.operation,.schema{border:1px solid var(--line);border-radius:10px;padding:6px 22px 14px;margin:20px 0;background:#fff}
.operation h3,.schema h3{font-size:19px;margin:14px 0 4px}
h4{margin:18px 0 6px;font-size:13px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted)}
.endpoint code{font-size:14px;background:none;padding:0;font-weight:600}
.method{display:inline-block;min-width:44px;text-align:center;font:700 11px/18px ui-monospace,monospace;border-radius:4px;padding:0 5px;color:#fff;background:#64748b}
.method.get{background:#0e7c5a}.method.post{background:#2563eb}.method.put,.method.patch{background:#b45309}.method.delete{background:#b91c1c}
.auth{color:var(--muted);font-size:14px}
.props{list-style:none;margin:0;padding:0;border-top:1px solid var(--line)}
.props li{padding:8px 0;border-bottom:1px solid var(--line)}.props .props{margin:6px 0 0 18px;border-top:none}
.props .props li{border-bottom:1px dashed var(--line)}
.prop .name{font-weight:600;background:none;padding:0}.type{color:var(--muted);font-size:13px}
.required{color:#b91c1c;font-size:12px;font-weight:600}.in{color:var(--muted);font-size:12px;font-style:italic}
.pdesc p,.props li>p{margin:2px 0}.notes{color:var(--muted);font-size:13px}
.closed{color:var(--muted);font-size:13px;margin:4px 0}
.variants{margin:6px 0}.variant{border-left:3px solid var(--line);padding-left:12px;margin:8px 0}
.variant-title{font-weight:600;margin-bottom:4px}
.responses{list-style:none;margin:0;padding:0}.response{padding:8px 0;border-bottom:1px solid var(--line)}
.status{display:inline-block;font:700 12px/18px ui-monospace,monospace;border-radius:4px;padding:0 6px;background:#e2e8f0}
.status.s2{background:#d1fae5;color:#065f46}.status.s3{background:#e0e7ff;color:#3730a3}.status.s4{background:#fee2e2;color:#991b1b}.status.s5{background:#fef3c7;color:#92400e}
.media{margin:6px 0;font-size:13px;color:var(--muted)}
@media (max-width:860px){body{display:block}.sidebar{position:static;height:auto}main{padding:20px}}
`;
