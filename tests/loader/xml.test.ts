import { describe, expect, it } from "vitest";
import { LandingFileError } from "../../src/errors.js";
import { parseXmlRecords } from "../../src/loader/xml.js";
import { projectSource } from "../helpers/project.js";
import { chunksOf, collect, rejection } from "./helpers.js";

const MEMBERS = projectSource("members");
const FIELDS = MEMBERS.fields;

async function parse(content: string, chunkBytes?: number) {
  const warnings: string[] = [];
  const records = await collect(parseXmlRecords(chunksOf(content, chunkBytes), "loyalty/members.xml", FIELDS, MEMBERS.xml!, (message) => warnings.push(message)));
  return { records, warnings };
}

const DOCUMENT = `<?xml version="1.0" encoding="UTF-8"?>
<!-- loyalty export -->
<members exported_at='2024-06-30T23:00:00Z'>
  <member id="L000123">
    <email>Jane.Doe@Example.com </email>
    <phone>+1 415 555 0134</phone>
    <tier>gold</tier>
    <points>1520</points>
    <joined_on>2022-01-05</joined_on>
  </member>
  <member id='L2'><email><![CDATA[ann&bob@x.com]]></email><tier/><points></points><nickname>Zoë 😀</nickname></member>
  <member><email>o&apos;neil&#64;example.org</email></member>
  <member id="L4"/>
  <promo>ignored</promo>
</members>
`;

describe("parseXmlRecords", () => {
  it("reads one record per <member>: id, child texts (null omitted, '' empty), exported_at and raw XML", async () => {
    const { records, warnings } = await parse(DOCUMENT);
    // Field order: member_id, email, phone, tier, points, joined_on, exported_at.
    expect(records.map((record) => [record.recordNumber, record.lineNumber, record.fields])).toEqual([
      [1, 4, ["L000123", "Jane.Doe@Example.com ", "+1 415 555 0134", "gold", "1520", "2022-01-05", "2024-06-30T23:00:00Z"]],
      [2, 11, ["L2", "ann&bob@x.com", null, "", "", null, "2024-06-30T23:00:00Z"]],
      [3, 12, [null, "o'neil@example.org", null, null, null, null, "2024-06-30T23:00:00Z"]],
      [4, 13, ["L4", null, null, null, null, null, "2024-06-30T23:00:00Z"]],
    ]);
    expect(records[1].raw).toBe(`<member id='L2'><email><![CDATA[ann&bob@x.com]]></email><tier/><points></points><nickname>Zoë 😀</nickname></member>`);
    expect(records[0].raw).toMatch(/^<member id="L000123">\n {4}<email>[\s\S]*<\/joined_on>\n {2}<\/member>$/);
    expect(records[3].raw).toBe('<member id="L4"/>');
    expect(warnings).toEqual(["loyalty/members.xml: ignoring <promo> elements under <members> (only <member> is a record)"]);
  });

  it("gives the same records whatever the chunk boundaries", async () => {
    const whole = await parse(DOCUMENT);
    for (const size of [1, 3, 16]) expect(await parse(DOCUMENT, size)).toEqual(whole);
  });

  it("reads CRLF files with the right lines and raw text", async () => {
    const { records } = await parse(DOCUMENT.replaceAll("\n", "\r\n"), 7);
    expect(records.map((record) => record.lineNumber)).toEqual([4, 11, 12, 13]);
    expect(records[3].raw).toBe('<member id="L4"/>');
  });

  it("fails on a truncated document with its line", async () => {
    const error = (await rejection(parse(DOCUMENT.slice(0, DOCUMENT.indexOf("<member id='L2'>") + 30)))) as LandingFileError;
    expect(error).toBeInstanceOf(LandingFileError);
    expect(error.message).toMatch(/^loyalty\/members\.xml \(line 11, column \d+\): invalid XML: unclosed tag/);
  });

  it("fails on a document that is not well-formed, and on a wrong root", async () => {
    const error = (await rejection(parse('<members>\n<member id="1"><email>a</phone></member>\n</members>'))) as LandingFileError;
    expect(error.position).toMatch(/^line 2, column \d+$/);
    expect((await rejection(parse("<people><member id='1'/></people>"))).message).toContain("the root element is <people>, expected <members>");
    expect((await rejection(parse("  \n"))).message).toContain("the file is empty");
  });
});

describe("parseXmlRecords with another layout", () => {
  it("takes the root and record element names, and the attributes mapped to columns, from the source's xml layout", async () => {
    const layout = { root: "catalog", record: "item", recordAttributes: { sku: "code", kind: "type" }, rootAttributes: { region: "region" } };
    const document = `<catalog region="EU">\n  <item code="A1" type="book"><title>Dune</title><price>9.50</price></item>\n  <item code="B2"><price/></item>\n  <member id="x"/>\n</catalog>\n`;
    const warnings: string[] = [];
    const records = await collect(parseXmlRecords(chunksOf(document), "catalog.xml", ["sku", "title", "price", "kind", "region"], layout, (message) => warnings.push(message)));
    expect(records.map((record) => [record.recordNumber, record.lineNumber, record.fields])).toEqual([
      [1, 2, ["A1", "Dune", "9.50", "book", "EU"]],
      [2, 3, ["B2", null, "", null, "EU"]],
    ]);
    expect(records[1].raw).toBe('<item code="B2"><price/></item>');
    expect(warnings).toEqual(["catalog.xml: ignoring <member> elements under <catalog> (only <item> is a record)"]);
    const wrongRoot = await rejection(collect(parseXmlRecords(chunksOf("<members/>"), "catalog.xml", ["sku"], layout, () => {})));
    expect((wrongRoot as Error).message).toContain("the root element is <members>, expected <catalog>");
  });
});
