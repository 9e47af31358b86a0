import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { adminKey, type Caller, call, createProject, hasStudio, uniqueKey } from "./api-client.ts";
import { zip } from "./zip-bytes.ts";

// "Bad input gets a clear error and loses nothing": uploads and imports of odd files, unknown or
// expired upload ids, and NUL characters in what reaches Postgres. The stack runs with
// SOUS_UPLOAD_MAX_BYTES = 2 MiB and the default upload expiry (24 hours).

const dataDir = process.env.SOUS_TEST_STACK_DATA_DIR ?? "";

describe.skipIf(!hasStudio)("upload and import faults", () => {
  let key: Caller;
  let projectId: string;

  beforeAll(async () => {
    key = await adminKey();
    projectId = (await createProject(key, "Upload faults", "UF")).id;
  });

  const upload = (name: string, body: BodyInit) =>
    call(`/projects/${projectId}/datasets?name=${encodeURIComponent(name)}`, {
      method: "POST",
      body,
      headers: { "content-type": "application/octet-stream" },
      as: key,
    });
  const stage = async (body: BodyInit, fileName = "data.csv") => {
    const r = await call(`/projects/${projectId}/datasets/uploads?fileName=${encodeURIComponent(fileName)}`, {
      method: "POST",
      body,
      headers: { "content-type": "application/octet-stream" },
      as: key,
    });
    expect(r.status).toBe(201);
    return r.data.id as string;
  };
  const importUpload = (name: string, uploadId: string) =>
    call(`/projects/${projectId}/datasets/import`, {
      method: "POST",
      json: { name, source: { kind: "upload", uploadId } },
      as: key,
    });
  const uploadDir = (id: string) => path.join(dataDir, "storage", "projects", projectId, "uploads", id);

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

  describe("upload ids with no upload behind them", () => {
    it("answers 404 with what to do, for every route that takes one", async () => {
      const id = "x0123456789abcdef0123456789abcdef";
      const routes = [
        importUpload("nope", id),
        call(`/projects/${projectId}/datasets/uploads/${id}/preview`, {
          method: "POST",
          json: { options: { format: "parquet" } },
          as: key,
        }),
        call(`/projects/${projectId}/datasets/uploads/${id}`, { method: "DELETE", as: key }),
      ];
      for (const r of await Promise.all(routes)) {
        expect(r.status).toBe(404);
        expect(r.data.error.message).toMatch(/^Upload not found: .*Upload the file again\.$/);
      }
    });

    it.skipIf(!dataDir)("answers 404, not 500, for an upload whose meta.json is damaged", async () => {
      const id = await stage("a,b\n1,2\n");
      writeFileSync(path.join(uploadDir(id), "meta.json"), "");
      const r = await importUpload("damaged", id);
      expect(r.status).toBe(404);
      expect(r.data.error.code).toBe("not_found");
    });
  });

  describe.skipIf(!dataDir)("staged uploads expire", () => {
    const age = (id: string, hours: number) => {
      const file = path.join(uploadDir(id), "meta.json");
      const meta = JSON.parse(readFileSync(file, "utf8"));
      meta.createdAt = new Date(Date.now() - hours * 3600_000).toISOString();
      writeFileSync(file, JSON.stringify(meta));
    };

    it("an import of an expired upload answers 404 and removes it", async () => {
      const id = await stage("a,b\n1,2\n");
      age(id, 25);
      const r = await importUpload("expired", id);
      expect(r.status).toBe(404);
      expect(r.data.error.message).toMatch(/expired \(uploads are kept 24 hours\)/);
      expect(existsSync(path.join(uploadDir(id), "data"))).toBe(false);
      const names = (await call(`/projects/${projectId}/datasets`, { as: key })).data.map(
        (d: { name: string }) => d.name,
      );
      expect(names).not.toContain("expired");
    });

    it("a new upload sweeps the project's expired uploads, and keeps the others", async () => {
      const old = await stage("a,b\n1,2\n");
      const recent = await stage("a,b\n3,4\n");
      age(old, 25);
      age(recent, 23);
      await stage("a,b\n5,6\n");
      const deadline = Date.now() + 10_000;
      while (existsSync(path.join(uploadDir(old), "data")) && Date.now() < deadline)
        await new Promise((res) => setTimeout(res, 100));
      expect(existsSync(path.join(uploadDir(old), "data"))).toBe(false);
      expect(existsSync(path.join(uploadDir(recent), "data"))).toBe(true);
      expect((await importUpload("recent", recent)).status).toBe(201);
    });
  });

  describe("NUL characters get a 400 from validation, not a 500 from Postgres", () => {
    const nul = "a\u0000b";

    it("in project names and descriptions", async () => {
      for (const json of [
        { key: uniqueKey("NL"), name: nul },
        { key: uniqueKey("NL"), name: "ok", description: nul },
      ]) {
        const r = await call("/projects", { method: "POST", json, as: key });
        expect(r.status).toBe(400);
        expect(r.data.error.message).toMatch(/contains a NUL character/);
      }
    });

    it("in dataset names and descriptions, file names and imported column names", async () => {
      const ds = await upload("nul_base", "a,b\n1,2\n");
      expect(ds.status).toBe(201);
      const patch = await call(`/projects/${projectId}/datasets/${ds.data.id}`, {
        method: "PATCH",
        json: { description: nul },
        as: key,
      });
      expect(patch.status).toBe(400);
      expect(patch.data.error.message).toMatch(/description: contains a NUL character/);
      expect((await upload(nul, "a,b\n1,2\n")).status).toBe(400);
      const staged = await call(
        `/projects/${projectId}/datasets/uploads?fileName=${encodeURIComponent(nul)}`,
        {
          method: "POST",
          body: "a,b\n1,2\n",
          headers: { "content-type": "text/csv" },
          as: key,
        },
      );
      expect(staged.status).toBe(400);
      const column = await upload("nul_column", JSON.stringify([{ [nul]: 1 }]));
      expect(column.status).toBe(400);
      expect(column.data.error.message).toMatch(/column name at position 1 .*contains a NUL character/);
    });

    it("in recipe names, formulas and filter values", async () => {
      const ds = await upload("nul_input", "a,b\n1,x\n");
      const recipe = (name: string, spec: unknown) =>
        call(`/projects/${projectId}/recipes`, {
          method: "POST",
          json: { name, inputs: [ds.data.id], output: { name: `${name}_out` }, spec },
          as: key,
        });
      const filter = await recipe("nul_filter", {
        kind: "filter",
        params: { filter: { rules: [{ column: "b", op: "equals", value: nul }] } },
      });
      expect(filter.status).toBe(400);
      expect(filter.data.error.message).toMatch(
        /spec\.params\.filter\.rules\.0\.value: contains a NUL character/,
      );
      const formula = await recipe("nul_formula", {
        kind: "prepare",
        params: {
          steps: [{ id: "s1", type: "CreateColumnWithGREL", params: { output: "c", formula: `"${nul}"` } }],
        },
      });
      expect(formula.status).toBe(400);
      expect(formula.data.error.message).toMatch(/formula: contains a NUL character/);
      expect((await recipe(nul, { kind: "sync", params: {} })).status).toBe(400);
    });
  });
});
