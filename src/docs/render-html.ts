/**
 * The docs site as one self-contained page: published tables first, then every layer in
 * the order data flows through it; the lineage graph as inline SVG; search over tables
 * and columns (inline script, no network); the metric definitions inlined, linked from
 * every metric column.
 */
import { escapeHtml } from "../html/escape.js";
import type { DocsSite, SiteEntry } from "./site.js";

export function anchor(name: string): string {
  return `action-${name.replace(/[^A-Za-z0-9_]/g, "-")}`;
}

function links(names: string[]): string {
  return names.length === 0 ? "—" : names.map((name) => `<a href="#${anchor(name)}">${escapeHtml(name)}</a>`).join(", ");
}

function count(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

const STATUS_CLASS: Record<string, string> = { passed: "ok", failed: "bad", skipped: "warn", "not run": "muted" };

function testsHtml(entry: SiteEntry): string {
  if (entry.tests.length === 0) return `<p class="meta">Tests: none.</p>`;
  const failed = entry.tests.filter((test) => test.status === "failed").length;
  const rows = entry.tests
    .map(
      (test) =>
        `<tr><td><code>${escapeHtml(test.name)}</code></td><td><span class="status ${STATUS_CLASS[test.status]}">${test.status}</span></td><td>${test.failingRows ? count(test.failingRows) : ""}</td></tr>`,
    )
    .join("");
  return `<details class="tests"${failed > 0 ? " open" : ""}><summary>Tests: ${entry.tests.length} (${entry.tests.filter((test) => test.status === "passed").length} passed${failed ? `, ${failed} failed` : ""} in the last run)</summary>
<table><thead><tr><th>assertion</th><th>last run</th><th>failing rows</th></tr></thead><tbody>${rows}</tbody></table></details>`;
}

/** One table's section; `documented` names every entry of the site (assertions are listed as tests instead). */
function entryHtml(entry: SiteEntry, documented: Set<string>): string {
  const columns = entry.columns
    .map((column) => {
      const metric = entry.metricLinks[column.name];
      const definition = metric ? ` <a class="metric" href="#${metric.id}" title="Definition: ${escapeHtml(metric.heading)}">definition: ${escapeHtml(metric.heading)}</a>` : "";
      return `<tr id="${anchor(entry.name)}--${escapeHtml(column.name)}"><td><code>${escapeHtml(column.name)}</code></td><td><code>${escapeHtml(column.type ?? "")}</code></td><td>${escapeHtml(column.description) || "<em>undocumented</em>"}${definition}</td></tr>`;
    })
    .join("");
  const rowCount = entry.rowCount === undefined ? (entry.kind === "view" ? "view (not counted)" : "not counted") : `${count(entry.rowCount)} rows`;
  return `<section class="entry" id="${anchor(entry.name)}" data-kind="${entry.kind}">
<h3>${escapeHtml(entry.name)} <small>${entry.kind}${entry.tags.length ? ` · ${entry.tags.map(escapeHtml).join(", ")}` : ""} · <span class="rows">${rowCount}</span></small></h3>
<p>${escapeHtml(entry.description) || "<em>No description.</em>"}</p>
<p class="meta">Built from: ${links(entry.dependsOn)} · Used by: ${links(entry.usedBy.filter((name) => documented.has(name)))} · File: <code>${escapeHtml(entry.fileName)}</code></p>
${columns ? `<table class="columns"><thead><tr><th>column</th><th>type</th><th>description</th></tr></thead><tbody>${columns}</tbody></table>` : ""}
${testsHtml(entry)}
</section>`;
}

/** What the search box looks through: every table and column, with where it links to. */
function searchIndex(entries: SiteEntry[]): string {
  const items = entries.flatMap((entry) => [
    { t: entry.name, d: entry.description, h: `#${anchor(entry.name)}`, k: entry.kind },
    ...entry.columns.map((column) => ({ t: `${entry.name}.${column.name}`, d: column.description, h: `#${anchor(entry.name)}--${column.name}`, k: "column" })),
  ]);
  // Inside <script>, "</" would end the element early.
  return JSON.stringify(items).replaceAll("</", "<\\/");
}

const SEARCH_SCRIPT = `(function(){var index=JSON.parse(document.getElementById("search-index").textContent);
var input=document.getElementById("search"),list=document.getElementById("search-results"),status=document.getElementById("search-status");
function show(){var words=input.value.toLowerCase().split(/\\s+/).filter(Boolean);list.innerHTML="";
if(!words.length){status.textContent="";return;}
var hits=index.filter(function(item){var text=(item.t+" "+item.d).toLowerCase();return words.every(function(w){return text.indexOf(w)>=0;});});
hits.sort(function(a,b){var an=a.t.toLowerCase().indexOf(words[0])>=0?0:1,bn=b.t.toLowerCase().indexOf(words[0])>=0?0:1;return an-bn||a.t.length-b.t.length;});
hits.slice(0,40).forEach(function(item){var li=document.createElement("li"),a=document.createElement("a");a.href=item.h;a.textContent=item.t;li.appendChild(a);
var kind=document.createElement("span");kind.className="kind";kind.textContent=" "+item.k+" ";li.appendChild(kind);
var d=document.createElement("span");d.className="hit-description";d.textContent=item.d.length>140?item.d.slice(0,140)+"…":item.d;li.appendChild(d);list.appendChild(li);});
status.textContent=hits.length+" match"+(hits.length===1?"":"es")+(hits.length>40?" (first 40 shown)":"");}
input.addEventListener("input",show);show();})();`;

const STYLE = `body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:0;color:#1d2433;background:#f6f7fa}
header{background:#1d2433;color:#fff;padding:1rem 2rem}header h1{margin:0 0 .3rem;font-size:1.5rem}header p{margin:0;color:#c9cfdc}
main{max-width:76rem;margin:0 auto;padding:1rem 2rem 3rem}nav.toc{background:#fff;border:1px solid #dde1ea;border-radius:8px;padding:.6rem 1rem}nav.toc ul{margin:.2rem 0;padding-left:1.2rem}
.search{background:#fff;border:1px solid #dde1ea;border-radius:8px;padding:.8rem 1rem;margin:1rem 0}.search input{width:100%;font-size:1rem;padding:.4rem .6rem;border:1px solid #b8c0d0;border-radius:6px;box-sizing:border-box}
#search-results{list-style:none;padding:0;margin:.4rem 0 0}#search-results li{padding:.15rem 0}.kind{color:#7a8296;font-size:.8rem}.hit-description{color:#5b6478;font-size:.85rem}
h2{margin-top:2.2rem;border-bottom:2px solid #dde1ea;padding-bottom:.2rem}.entry{background:#fff;border:1px solid #dde1ea;border-radius:8px;padding:.6rem 1rem;margin:1rem 0}
.entry h3{margin:.2rem 0}small{color:#6b7385;font-weight:normal}.meta{color:#4b5366;font-size:.9rem}
table{border-collapse:collapse;width:100%;margin:.4rem 0;font-size:.9rem}td,th{border:1px solid #e1e4ec;padding:.25rem .5rem;text-align:left;vertical-align:top}th{background:#f1f3f8}
a{color:#3a5bb8}a.metric{font-size:.8rem;margin-left:.3rem;white-space:nowrap}.status{padding:0 .4rem;border-radius:4px;font-size:.8rem}.ok{background:#dff3e7;color:#1c6b3c}.bad{background:#fbe0e0;color:#a32020}.warn{background:#fff1d6;color:#8a5a00}.muted{background:#eceef3;color:#5b6478}
.lineage{overflow:auto;background:#fff;border:1px solid #dde1ea;border-radius:8px;max-height:85vh;margin:0}.lineage svg{display:block;width:100%;height:auto}
#lineage-full:checked ~ .lineage svg{width:auto}.zoom{font-size:.9rem}
.metrics-doc{background:#fff;border:1px solid #dde1ea;border-radius:8px;padding:.2rem 1.2rem}.metrics-doc pre{background:#f4f6fa;padding:.6rem;overflow:auto}
:target{outline:3px solid #f2c94c;outline-offset:2px}`;

export interface RenderOptions {
  lineageSvg?: string;
}

export function renderDocsSiteHtml(site: DocsSite, options: RenderOptions = {}): string {
  const all = [...site.published, ...site.layers.flatMap((layer) => layer.entries)];
  const documented = new Set(all.map((entry) => entry.name));
  const entryOf = (entry: SiteEntry) => entryHtml(entry, documented);
  const toc = [
    site.published.length ? `<li><a href="#published">Published tables</a> (${site.published.length})</li>` : "",
    `<li>Layers, in flow order: ${site.layers.map((layer) => `<a href="#schema-${escapeHtml(layer.schema)}">${escapeHtml(layer.schema)}</a> (${layer.entries.length})`).join(", ")}</li>`,
    options.lineageSvg ? `<li><a href="#lineage">Lineage graph</a></li>` : "",
    site.metrics ? `<li><a href="#metrics">Metric definitions</a> (${escapeHtml(site.metrics.file)})</li>` : "",
  ].join("");
  const lastRun = site.lastRun ? `Test status from the last run: c360 ${escapeHtml(site.lastRun.command)}, ${escapeHtml(site.lastRun.startedAt.replace("T", " ").slice(0, 19))} UTC, target ${escapeHtml(site.lastRun.target)}.` : "No run yet: tests show as not run.";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(site.title)}</title>
<style>${STYLE}</style></head><body>
<header><h1>${escapeHtml(site.title)}</h1><p>${all.length} tables, views and sources · ${escapeHtml(lastRun)}</p></header>
<main>
<div class="search" role="search"><label for="search">Search tables and columns</label>
<input id="search" type="search" placeholder="a table or column name, or words of a description" autocomplete="off">
<p id="search-status" aria-live="polite"></p><ul id="search-results"></ul></div>
<nav class="toc" aria-label="Contents"><ul>${toc}</ul></nav>
${site.published.length ? `<h2 id="published">Published tables</h2>\n${site.published.map(entryOf).join("\n")}` : ""}
${site.layers.map((layer) => `<h2 id="schema-${escapeHtml(layer.schema)}">${escapeHtml(layer.schema)}</h2>\n${layer.entries.map(entryOf).join("\n")}`).join("\n")}
${options.lineageSvg ? `<h2 id="lineage">Lineage graph</h2><p class="meta">Every table, view and source, boxed by schema, data flowing left to right; click a node to read about it.</p><input type="checkbox" id="lineage-full"> <label class="zoom" for="lineage-full">Show at full size (scroll to pan)</label><figure class="lineage" role="group" aria-label="Lineage graph">${options.lineageSvg}</figure>` : ""}
${site.metrics ? `<h2 id="metrics">Metric definitions</h2><div class="metrics-doc">${site.metrics.html}</div>` : ""}
</main>
<script type="application/json" id="search-index">${searchIndex(all)}</script>
<script>${SEARCH_SCRIPT}</script>
</body></html>
`;
}
