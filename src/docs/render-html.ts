/** Renders the catalog as one self-contained HTML page (no scripts, no network). */
import type { CatalogEntry } from "./catalog.js";

function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
}

function anchor(name: string): string {
  return `action-${name.replace(/[^A-Za-z0-9_]/g, "-")}`;
}

function links(names: string[]): string {
  return names.length === 0 ? "—" : names.map((name) => `<a href="#${anchor(name)}">${escapeHtml(name)}</a>`).join(", ");
}

function renderEntry(entry: CatalogEntry): string {
  const rows = entry.columns
    .map((column) => `<tr><td><code>${escapeHtml(column.name)}</code></td><td>${escapeHtml(column.type ?? "")}</td><td>${escapeHtml(column.description) || "<em>undocumented</em>"}</td></tr>`)
    .join("");
  return `<section id="${anchor(entry.name)}">
<h3>${escapeHtml(entry.name)} <small>${entry.kind}${entry.tags.length ? ` · ${entry.tags.map(escapeHtml).join(", ")}` : ""}</small></h3>
<p>${escapeHtml(entry.description) || "<em>No description.</em>"}</p>
<p class="meta">File: <code>${escapeHtml(entry.fileName)}</code> · Reads: ${links(entry.dependsOn)} · Used by: ${links(entry.usedBy)}</p>
${rows ? `<table><thead><tr><th>column</th><th>type</th><th>description</th></tr></thead><tbody>${rows}</tbody></table>` : ""}
</section>`;
}

export function renderCatalogHtml(entries: CatalogEntry[], title: string): string {
  const groups = new Map<string, CatalogEntry[]>();
  for (const entry of entries) {
    const schema = entry.name.split(".")[0];
    groups.set(schema, [...(groups.get(schema) ?? []), entry]);
  }
  const toc = [...groups.keys()].map((schema) => `<li><a href="#schema-${escapeHtml(schema)}">${escapeHtml(schema)}</a> (${groups.get(schema)!.length})</li>`).join("");
  const body = [...groups]
    .map(([schema, group]) => `<h2 id="schema-${escapeHtml(schema)}">${escapeHtml(schema)}</h2>${group.map(renderEntry).join("\n")}`)
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%;margin-bottom:1rem}td,th{border:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f4f4}small{color:#777;font-weight:normal}.meta{color:#555;font-size:.9rem}section{margin-bottom:2rem}</style>
</head><body><h1>${escapeHtml(title)}</h1><ul>${toc}</ul>
${body}
</body></html>
`;
}
