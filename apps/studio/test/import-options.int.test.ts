import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { adminKey, type Caller, call, createProject, hasStudio } from "./api-client.ts";

// Issue 13 "Data in", through /api/v1 on the test stack: a headerless .tbl with a trailing `|`
// imports by every path (the dialog's staged upload, the direct upload, the storage folder) with
// the same options, a failed preview or import keeps the staged upload, bad lines can be skipped
// and are reported, and a value that does not fit a chosen type is a 400 naming column and line.
const dataDir = process.env.SOUS_TEST_STACK_DATA_DIR ?? "";

const TBL = `${[
  "1|Customer#000000001|IVhzIApeRb ot,c,E|15|711.56|BUILDING|",
  "2|Customer#000000002|XSTf4,NCwDVaWNe6tE|13|121.65|AUTOMOBILE|",
  "3|Customer#000000003|MG9kdTD2WBHm|1|7498.12|AUTOMOBILE|",
].join("\n")}\n`;

/** The options every path is given: names for the headerless columns, the balance as decimal. */
const NAMES = ["custkey", "name", "address", "nationkey", "acctbal", "segment"];
const columns = NAMES.map((name) => (name === "acctbal" ? { name, type: "decimal" } : { name }));
const tblOptions = (extra: Record<string, unknown> = {}) => ({
  format: "csv",
  csv: {
    delimiter: "|",
    quote: '"',
    escape: '"',
    encoding: "utf-8",
    header: false,
    skipLines: 0,
    trailingDelimiter: true,
    decimalSeparator: ".",
    skipBadLines: false,
    columns,
    ...extra,
  },
});
const EXPECTED_SCHEMA = [
  ["custkey", "bigint"],
  ["name", "string"],
  ["address", "string"],
  ["nationkey", "bigint"],
  ["acctbal", "decimal"],
  ["segment", "string"],
];
const schemaOf = (d: { schema: { name: string; type: string }[] }) => d.schema.map((c) => [c.name, c.type]);

describe.skipIf(!hasStudio)("imports take real files, with the same options on every path", () => {
  let key: Caller;
  let projectId: string;
  const base = () => `/projects/${projectId}`;
  const stage = (body: BodyInit, fileName: string) =>
    call(`${base()}/datasets/uploads?fileName=${encodeURIComponent(fileName)}`, {
      method: "POST",
      body,
      headers: { "content-type": "application/octet-stream" },
      as: key,
    });
  const names = async () => {
    const listed = (await call(`${base()}/datasets`, { as: key })).data;
    const list: { name: string }[] = listed.items ?? listed;
    expect(list.length).toBeGreaterThan(0);
    return list.map((d) => d.name);
  };

  beforeAll(async () => {
    key = await adminKey();
    projectId = (await createProject(key, "Imports", "IMP")).id;
  });

  it("dialog path: a headerless .tbl is detected, previewed as col_1..col_n, renamed and typed, imported", async () => {
    const up = await stage(TBL, "customer.tbl");
    expect(up.status).toBe(201);
    expect(up.data.options).toMatchObject({
      format: "csv",
      csv: { delimiter: "|", header: false, trailingDelimiter: true },
    });
    expect(up.data.preview.columns.map((c: { name: string }) => c.name)).toEqual([
      "col_1",
      "col_2",
      "col_3",
      "col_4",
      "col_5",
      "col_6",
    ]);
    const preview = await call(`${base()}/datasets/uploads/${up.data.id}/preview`, {
      method: "POST",
      json: { options: tblOptions() },
      as: key,
    });
    expect(preview.status).toBe(200);
    expect(preview.data.columns.map((c: { name: string; type: string }) => [c.name, c.type])).toEqual(
      EXPECTED_SCHEMA,
    );
    const imported = await call(`${base()}/datasets/import`, {
      method: "POST",
      json: { name: "customer", source: { kind: "upload", uploadId: up.data.id, options: tblOptions() } },
      as: key,
    });
    expect(imported.status).toBe(201);
    expect(schemaOf(imported.data)).toEqual(EXPECTED_SCHEMA);
    expect(imported.data.import).toEqual({ rowCount: 3 });
  });

  it("a failed preview keeps the upload: other options preview and import it", async () => {
    // The first row repeats a value: read with a header, the names collide.
    const up = await stage("1|A|A|\n2|B|B|\n", "dupes.tbl");
    expect(up.status).toBe(201);
    const withHeader = { format: "csv", csv: { ...up.data.options.csv, header: true } };
    const bad = await call(`${base()}/datasets/uploads/${up.data.id}/preview`, {
      method: "POST",
      json: { options: withHeader },
      as: key,
    });
    expect(bad.status).toBe(400);
    expect(bad.data.error.message).toMatch(/Duplicate column names/);
    const failedImport = await call(`${base()}/datasets/import`, {
      method: "POST",
      json: { name: "dupes", source: { kind: "upload", uploadId: up.data.id, options: withHeader } },
      as: key,
    });
    expect(failedImport.status).toBe(400);
    expect(await names()).not.toContain("dupes");
    // Still there: header off previews and imports.
    const ok = await call(`${base()}/datasets/uploads/${up.data.id}/preview`, {
      method: "POST",
      json: { options: up.data.options },
      as: key,
    });
    expect(ok.status).toBe(200);
    const imported = await call(`${base()}/datasets/import`, {
      method: "POST",
      json: { name: "dupes", source: { kind: "upload", uploadId: up.data.id, options: up.data.options } },
      as: key,
    });
    expect(imported.status).toBe(201);
    expect(imported.data.schema.map((c: { name: string }) => c.name)).toEqual(["col_1", "col_2", "col_3"]);
  });

  it("a staged file whose first preview fails is kept, with the detected options and why", async () => {
    const up = await stage("a,b\n1,2\n", "x.csv");
    const options = { format: "csv", csv: { ...up.data.options.csv, delimiter: ";", columns: [{}, {}] } };
    const staged = await call(
      `${base()}/datasets/uploads?fileName=y.csv&options=${encodeURIComponent(JSON.stringify(options))}`,
      { method: "POST", body: "a,b\n1,2\n", headers: { "content-type": "text/csv" }, as: key },
    );
    expect(staged.status).toBe(201);
    expect(staged.data.preview).toBeNull();
    expect(staged.data.previewError).toMatch(/name 2 columns, but .* the file has 1/);
    const again = await call(`${base()}/datasets/uploads/${staged.data.id}/preview`, {
      method: "POST",
      json: { options: up.data.options },
      as: key,
    });
    expect(again.status).toBe(200);
  });

  it("skip bad lines: off, the error names the line and the option; on, the import reports the lines", async () => {
    const lines = ["id,v,w"];
    for (let i = 0; i < 30_000; i++) lines.push(i === 29_998 ? `${i},short` : `${i},${i},z`);
    const up = await stage(`${lines.join("\n")}\n`, "events.csv");
    expect(up.status).toBe(201);
    const refused = await call(`${base()}/datasets/import`, {
      method: "POST",
      json: { name: "events", source: { kind: "upload", uploadId: up.data.id, options: up.data.options } },
      as: key,
    });
    expect(refused.status).toBe(400);
    expect(refused.data.error.message).toMatch(/line 30000 does not have the 3 columns/);
    expect(refused.data.error.message).toMatch(/Skip bad lines/);
    expect(await names()).not.toContain("events");
    const skip = { format: "csv", csv: { ...up.data.options.csv, skipBadLines: true } };
    const preview = await call(`${base()}/datasets/uploads/${up.data.id}/preview`, {
      method: "POST",
      json: { options: skip },
      as: key,
    });
    expect(preview.data.skippedLines).toEqual({ count: 1, lines: [30000] });
    const imported = await call(`${base()}/datasets/import`, {
      method: "POST",
      json: { name: "events", source: { kind: "upload", uploadId: up.data.id, options: skip } },
      as: key,
    });
    expect(imported.status).toBe(201);
    expect(imported.data.import).toEqual({ rowCount: 29_999, skippedLines: { count: 1, lines: [30000] } });
    const versions = await call(`${base()}/datasets/${imported.data.id}/versions`, { as: key });
    expect(versions.data[0].origin).toBe("upload events.csv (skipped 1 bad line: 30000)");
  });

  it("direct upload: the same options as JSON in the query; a value that does not fit is a 400, nothing written", async () => {
    const q = (options: unknown) => encodeURIComponent(JSON.stringify(options));
    const ok = await call(`${base()}/datasets?name=customer_direct&options=${q(tblOptions())}`, {
      method: "POST",
      body: TBL,
      headers: { "content-type": "text/csv" },
      as: key,
    });
    expect(ok.status).toBe(201);
    expect(schemaOf(ok.data)).toEqual(EXPECTED_SCHEMA);
    const version = await call(
      `${base()}/datasets/${ok.data.id}/versions?fileName=c.tbl&options=${q(tblOptions())}`,
      {
        method: "POST",
        body: TBL,
        headers: { "content-type": "application/octet-stream" },
        as: key,
      },
    );
    expect(version.status).toBe(201);
    expect(version.data.currentVersion.number).toBe(2);
    const bad = await call(`${base()}/datasets?name=customer_bad&options=${q(tblOptions())}`, {
      method: "POST",
      body: TBL.replace("7498.12", "n/a"),
      headers: { "content-type": "text/csv" },
      as: key,
    });
    expect(bad.status).toBe(400);
    expect(bad.data.error.message).toMatch(
      /line 3: the value "n\/a" of column acctbal cannot be read as decimal/,
    );
    const notJson = await call(`${base()}/datasets?name=customer_bad&options=%7Bnope`, {
      method: "POST",
      body: TBL,
      headers: { "content-type": "text/csv" },
      as: key,
    });
    expect(notJson.status).toBe(400);
    expect(notJson.data.error.message).toMatch(/options must be JSON/);
    expect(await names()).not.toContain("customer_bad");
  });

  it.skipIf(!dataDir)("storage folder: lists .tbl/.dat files and takes the same options", async () => {
    const folder = `imports/tbl-${randomBytes(4).toString("hex")}`;
    const dir = path.join(dataDir, "storage", folder);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "part-1.tbl"), TBL);
    writeFileSync(path.join(dir, "part-2.dat"), "4|Customer#000000004|XxVSJsLAGtn|4|2866.83|MACHINERY|\n");
    writeFileSync(path.join(dir, "notes.md"), "not data");
    const r = await call(`${base()}/datasets/import`, {
      method: "POST",
      json: {
        name: "customer_folder",
        source: { kind: "blob", folder, format: "csv", options: tblOptions() },
      },
      as: key,
    });
    expect(r.status).toBe(201);
    expect(schemaOf(r.data)).toEqual(EXPECTED_SCHEMA);
    expect(r.data.import).toEqual({ rowCount: 4 });
    // Detected without options: headerless, trailing delimiter dropped.
    const detected = await call(`${base()}/datasets/import`, {
      method: "POST",
      json: { name: "customer_folder2", source: { kind: "blob", folder, format: "csv" } },
      as: key,
    });
    expect(detected.status).toBe(201);
    expect(detected.data.schema.map((c: { name: string }) => c.name)).toEqual([
      "col_1",
      "col_2",
      "col_3",
      "col_4",
      "col_5",
      "col_6",
    ]);
    const mismatch = await call(`${base()}/datasets/import`, {
      method: "POST",
      json: { name: "x", source: { kind: "blob", folder, format: "csv", options: { format: "parquet" } } },
      as: key,
    });
    expect(mismatch.status).toBe(400);
  });
});
