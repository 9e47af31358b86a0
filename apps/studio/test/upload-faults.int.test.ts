import { beforeAll, describe, expect, it } from "vitest";
import { admin, type Caller, call, hasStudio, loginAs, uniqueKey, withApiKey } from "./api-client.ts";
import { zip } from "./zip-bytes.ts";

// "Bad input gets a clear error and loses nothing": uploads and imports of odd files, unknown or
// expired upload ids, and NUL characters in what reaches Postgres. The stack runs with
// SOUS_UPLOAD_MAX_BYTES = 2 MiB and the default upload expiry (24 hours).

describe.skipIf(!hasStudio)("upload and import faults", () => {
  let key: Caller;
  let projectId: string;

  beforeAll(async () => {
    key = await withApiKey(await loginAs(admin.email, admin.password));
    projectId = (
      await call("/projects", {
        method: "POST",
        json: { key: uniqueKey("UF"), name: "Upload faults" },
        as: key,
      })
    ).data.id;
  });

  const upload = (name: string, body: BodyInit) =>
    call(`/projects/${projectId}/datasets?name=${encodeURIComponent(name)}`, {
      method: "POST",
      body,
      headers: { "content-type": "application/octet-stream" },
      as: key,
    });

  it("names the line a user counts for a value over the row limit, and what to fix", async () => {
    // DuckDB reads at most 2,000,000 bytes per row; the values with newlines before it used to
    // shift the line it named ("line 4 is not valid CSV").
    const big = "y".repeat(2_050_000);
    const r = await upload("too_long", `a,b\n1,"x\ny"\n2,"p\nq"\n3,"${big}"\n4,z\n`);
    expect(r.status).toBe(400);
    expect(r.data.error.code).toBe("invalid_input");
    expect(r.data.error.message).toMatch(/line 6 starts a row of 2\.0 MB, more than the 2,000,000 bytes/);
    expect(r.data.error.message).toMatch(/Shorten or split its long values/);
  });

  it("imports a header with a quoted newline among odd names, every column and row", async () => {
    const r = await upload("odd_header", '"a\nb",c,"d,e"\n1,2,3\n');
    expect(r.status).toBe(201);
    expect(r.data.schema.map((c: { name: string }) => c.name)).toEqual(["a\nb", "c", "d,e"]);
    expect(r.data.currentVersion.rowCount).toBe(1);
  });

  describe("odd workbooks", () => {
    const ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
    const workbook = (sheets: string[]) =>
      [
        "xl/workbook.xml",
        `<workbook ${ns} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>${sheets.map((s, i) => `<sheet name="${s}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join("")}</sheets></workbook>`,
      ] as [string, string];
    const rels = (n: number) =>
      [
        "xl/_rels/workbook.xml.rels",
        `<Relationships>${Array.from({ length: n }, (_, i) => `<Relationship Id="rId${i + 1}" Target="worksheets/sheet${i + 1}.xml"/>`).join("")}</Relationships>`,
      ] as [string, string];

    it("refuses a workbook without a sheet with data, and a zip that is no workbook, with a 400", async () => {
      const noSheets = await upload("no_sheets", zip([workbook([]), rels(0)]));
      expect(noSheets.status).toBe(400);
      expect(noSheets.data.error.message).toMatch(/^This \.xlsx has no sheet with data/);
      const empty = await upload(
        "empty_sheet",
        zip([
          workbook(["Sheet1"]),
          rels(1),
          ["xl/worksheets/sheet1.xml", `<worksheet ${ns}><sheetData/></worksheet>`],
        ]),
      );
      expect(empty.status).toBe(400);
      expect(empty.data.error.message).toMatch(/^This \.xlsx has no sheet with data: Sheet1 is empty/);
      // Worksheets without xl/workbook.xml used to be "Cannot read properties of undefined
      // (reading 'sheets')".
      const notBook = await upload(
        "not_a_book",
        zip([
          rels(1),
          ["xl/sharedStrings.xml", `<sst ${ns}><si><t>a</t></si></sst>`],
          [
            "xl/worksheets/sheet1.xml",
            `<worksheet ${ns}><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>`,
          ],
        ]),
      );
      expect(notBook.status).toBe(400);
      expect(notBook.data.error.message).toMatch(/^The file is not a valid Excel workbook: /);
      expect(notBook.data.error.message).not.toMatch(/Cannot read properties/);
    });

    it("imports a workbook whose zip holds xl/workbook.xml after the worksheets", async () => {
      const r = await upload(
        "late_workbook_part",
        zip([
          [
            "xl/_rels/workbook.xml.rels",
            '<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>',
          ],
          ["xl/sharedStrings.xml", `<sst ${ns}><si><t>region</t></si><si><t>north</t></si></sst>`],
          [
            "xl/worksheets/sheet1.xml",
            `<worksheet ${ns}><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row></sheetData></worksheet>`,
          ],
          [
            "xl/workbook.xml",
            `<workbook ${ns} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sales" sheetId="1" r:id="rId1"/></sheets></workbook>`,
          ],
        ]),
      );
      expect(r.status).toBe(201);
      expect(r.data.schema).toEqual([{ name: "region", type: "string" }]);
      expect(r.data.currentVersion.rowCount).toBe(1);
    });
  });
});
