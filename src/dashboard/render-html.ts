/**
 * The dashboard as one self-contained HTML page: inline CSS and inline SVG charts, no
 * script and no network at view time. Every chart is a <figure> with a heading, the SVG
 * (role img, labelled by the heading) and the table of its numbers.
 */
import { escapeHtml, slug } from "../html/escape.js";
import type { DataTable } from "./charts.js";
import type { Panel } from "./panels.js";
import type { DashboardSpec } from "./spec.js";

export interface DashboardPage {
  spec: DashboardSpec;
  sections: { title: string; description?: string; panels: Panel[] }[];
  /** e.g. "target local (DuckDB target/c360_warehouse.duckdb)". */
  source: string;
  generatedAt: string;
}

function dataTable(table: DataTable, caption: string, open: boolean): string {
  const head = table.headings.map((heading) => `<th scope="col">${escapeHtml(heading)}</th>`).join("");
  const body = table.rows.map((row) => `<tr>${row.map((cell, index) => (index === 0 ? `<th scope="row">${escapeHtml(cell)}</th>` : `<td>${escapeHtml(cell)}</td>`)).join("")}</tr>`).join("\n");
  return `<details class="data"${open ? " open" : ""}><summary>Data table (${table.rows.length} row${table.rows.length === 1 ? "" : "s"})</summary>
<table><caption>${escapeHtml(caption)}</caption><thead><tr>${head}</tr></thead><tbody>
${body}
</tbody></table></details>`;
}

function panelHtml(panel: Panel, id: string): string {
  const { item } = panel;
  const heading = `<h3 id="${id}-title">${escapeHtml(item.title)}</h3>${item.description ? `<p class="description" id="${id}-description">${escapeHtml(item.description)}</p>` : ""}`;
  switch (panel.kind) {
    case "error":
      return `<figure class="panel error" id="${id}" data-kind="error">${heading}<p role="alert">This panel could not be drawn: ${escapeHtml(panel.message)}</p></figure>`;
    case "tiles": {
      const tiles = panel.tiles
        .map(
          (tile) =>
            `<div class="tile${tile.status ? ` ${tile.status}` : ""}"><dt>${escapeHtml(tile.label)}</dt><dd>${escapeHtml(tile.value)}</dd>${tile.description ? `<dd class="note">${escapeHtml(tile.description)}</dd>` : ""}</div>`,
        )
        .join("");
      return `<section class="panel wide" id="${id}" data-kind="tiles" aria-labelledby="${id}-title">${heading}${panel.note ? `<p class="note">${escapeHtml(panel.note)}</p>` : ""}${tiles ? `<dl class="tiles">${tiles}</dl>` : ""}${panel.table ? dataTable(panel.table, item.title, panel.table.rows.some((row) => row[1] !== "passed")) : ""}</section>`;
    }
    case "chart":
      return `<figure class="panel" id="${id}" data-kind="chart" aria-labelledby="${id}-title">${heading}<div class="chart" role="img" aria-labelledby="${id}-title"${item.description ? ` aria-describedby="${id}-description"` : ""}>${panel.chart.svg}</div>${dataTable(panel.chart.table, item.title, false)}</figure>`;
    case "table":
      return `<section class="panel wide" id="${id}" data-kind="table" aria-labelledby="${id}-title">${heading}${dataTable(panel.table, item.title, true)}</section>`;
  }
}

const STYLE = `:root{color-scheme:light;--ink:#1d2433;--muted:#5b6478;--line:#dde1ea;--panel:#fff;--bg:#f3f5f9;--accent:#5470c6}
*{box-sizing:border-box}body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--ink);background:var(--bg)}
header{background:#1d2433;color:#fff;padding:1.2rem 2rem}header h1{margin:0 0 .3rem;font-size:1.6rem}header p{margin:0;color:#c9cfdc}
nav{padding:.6rem 2rem;background:#fff;border-bottom:1px solid var(--line);position:sticky;top:0;z-index:1}nav a{margin-right:1rem;color:var(--accent);text-decoration:none}
main{padding:1rem 2rem 3rem;max-width:1400px;margin:0 auto}h2{margin:2rem 0 .2rem;font-size:1.3rem}.section-description{margin:0 0 .8rem;color:var(--muted)}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(660px,1fr));gap:1rem}
.panel{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:1rem;margin:0}.panel.wide{grid-column:1/-1}
.panel h3{margin:0 0 .2rem;font-size:1.05rem}.description{margin:0 0 .5rem;color:var(--muted);font-size:.9rem}
.chart svg{max-width:100%;height:auto;display:block}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(210px,1fr));gap:.8rem;margin:.6rem 0 0}
.tile{border:1px solid var(--line);border-left:4px solid var(--accent);border-radius:6px;padding:.6rem .8rem;background:#fafbfd}
.tile dt{font-size:.85rem;color:var(--muted)}.tile dd{margin:.2rem 0 0;font-size:1.3rem;font-weight:600;white-space:nowrap}.tile dd.note{white-space:normal}.tile dd.note{font-size:.78rem;font-weight:normal;color:var(--muted)}
.tile.good{border-left-color:#3ba272}.tile.bad{border-left-color:#ee6666}.note{color:var(--muted)}
details.data{margin-top:.5rem}details.data summary{cursor:pointer;color:var(--accent);font-size:.9rem}
table{border-collapse:collapse;width:100%;margin-top:.4rem;font-size:.85rem}caption{text-align:left;font-weight:600;padding:.2rem 0}
th,td{border-bottom:1px solid var(--line);padding:.25rem .5rem;text-align:left;vertical-align:top}td{font-variant-numeric:tabular-nums}thead th{background:#f4f6fa}
.error p{color:#a32020}footer{color:var(--muted);font-size:.8rem;padding:1rem 2rem}`;

export function renderDashboardHtml(page: DashboardPage): string {
  const nav = page.sections.map((section) => `<a href="#${slug(section.title)}">${escapeHtml(section.title)}</a>`).join("");
  const sections = page.sections
    .map((section, sectionIndex) => {
      const panels = section.panels.map((panel, index) => panelHtml(panel, `panel-${sectionIndex + 1}-${index + 1}`)).join("\n");
      return `<section class="dashboard-section" aria-labelledby="${slug(section.title)}"><h2 id="${slug(section.title)}">${escapeHtml(section.title)}</h2>${section.description ? `<p class="section-description">${escapeHtml(section.description)}</p>` : ""}<div class="grid">\n${panels}\n</div></section>`;
    })
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.spec.title)}</title><style>${STYLE}</style></head>
<body><header><h1>${escapeHtml(page.spec.title)}</h1><p>${escapeHtml(page.spec.description ?? "")} ${page.spec.description ? "· " : ""}${escapeHtml(page.source)} · generated ${escapeHtml(page.generatedAt)}</p></header>
<nav aria-label="Sections">${nav}</nav>
<main>
${sections}
</main><footer>Drawn by c360 dashboard with Apache ECharts (server-side SVG). Every chart's numbers are in its data table.</footer></body></html>
`;
}
