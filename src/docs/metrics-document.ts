/**
 * The project's metric definitions (a Markdown file), rendered by `marked` into the docs
 * site with an id on every heading, so that metric columns can link to their definition.
 */
import fs from "node:fs";
import path from "node:path";
import { Marked, type Tokens } from "marked";
import { ConfigError } from "../errors.js";
import { slug } from "../html/escape.js";

export interface MetricsDocument {
  /** The document's path as the settings name it. */
  file: string;
  html: string;
  sections: { id: string; text: string; depth: number }[];
}

/** A heading's text without Markdown (code spans, emphasis, links). */
function plainText(tokens: Tokens.Generic[] | undefined, fallback: string): string {
  if (!tokens) return fallback;
  return tokens.map((token) => ("tokens" in token && token.tokens ? plainText(token.tokens as Tokens.Generic[], token.text ?? "") : (token.text ?? token.raw ?? ""))).join("");
}

export function readMetricsDocument(file: string, outputDir: string, settingsFile: string): MetricsDocument {
  if (!fs.existsSync(file)) throw new ConfigError(settingsFile, [`/metrics/document: ${file} does not exist`]);
  const sections: MetricsDocument["sections"] = [];
  const used = new Set<string>();
  const documentDir = path.dirname(file);
  const marked = new Marked({
    renderer: {
      heading(token) {
        const text = plainText(token.tokens as Tokens.Generic[], token.text);
        let id = `metric-${slug(text)}`;
        for (let suffix = 2; used.has(id); suffix++) id = `metric-${slug(text)}-${suffix}`;
        used.add(id);
        sections.push({ id, text, depth: token.depth });
        return `<h${token.depth + 2} id="${id}">${this.parser.parseInline(token.tokens)}</h${token.depth + 2}>\n`;
      },
    },
    walkTokens(token) {
      // Relative links point at files beside the document: make them work from the site's folder.
      if (token.type === "link" && !/^([a-z]+:|#|\/)/i.test(token.href)) token.href = path.relative(outputDir, path.resolve(documentDir, token.href));
    },
  });
  const html = marked.parse(fs.readFileSync(file, "utf8"), { async: false });
  return { file: path.basename(file), html, sections };
}
