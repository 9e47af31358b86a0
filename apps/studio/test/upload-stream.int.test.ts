import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { adminKey, type Caller, call, createProject, hasStudio, studioUrl } from "./api-client.ts";

// Issue 18: a CSV upload (POST .../datasets) is read by DuckDB while it arrives, once the start
// of the file holds the sniffer's sample (1 MiB and 20,480 rows): these files are large enough
// for that. The oracle is the dialog path (stage, then import), which reads the stored file. The
// stack runs with SOUS_UPLOAD_MAX_BYTES = 2 MiB.

const dataDir = process.env.SOUS_TEST_STACK_DATA_DIR ?? "";

/** 30,000 rows of about 50 bytes: past the streamed import's head, under the 2 MiB limit. */
function csv(rows: number, value: (i: number) => string = (i) => String(i * 3)): string {
  const lines = ['id|name|amount|day|paid|n|"odd ""col"", name"'];
  for (let i = 0; i < rows; i++)
    lines.push(
      `${i}|${i % 10 === 0 ? `"name | ${i}"` : `name ${i % 97}`}|${(i * 0.37).toFixed(2)}|2024-0${1 + (i % 9)}-1${i % 10}|${i % 3 === 0}|${value(i)}|x`,
    );
  return `${lines.join("\n")}\n`;
}

describe.skipIf(!hasStudio)("streamed upload and import", () => {
  let key: Caller;
  let projectId: string;

  beforeAll(async () => {
    key = await adminKey();
    projectId = (await createProject(key, "Upload stream", "US")).id;
  });

  const upload = (name: string, body: BodyInit) =>
    call(`/projects/${projectId}/datasets?name=${encodeURIComponent(name)}`, {
      method: "POST",
      body,
      headers: { "content-type": "text/csv" },
      as: key,
    });
  /** The dialog's path for the same bytes: stored first, then imported from the stored file. */
  const viaDialog = async (name: string, body: string) => {
    const up = await call(`/projects/${projectId}/datasets/uploads?fileName=${name}.csv`, {
      method: "POST",
      body,
      headers: { "content-type": "text/csv" },
      as: key,
    });
    expect(up.status).toBe(201);
    return call(`/projects/${projectId}/datasets/import`, {
      method: "POST",
      json: { name, source: { kind: "upload", uploadId: up.data.id } },
      as: key,
    });
  };
  const rows = async (datasetId: string) => {
    const page = await call(`/projects/${projectId}/datasets/${datasetId}/sample`, {
      method: "POST",
      json: { limit: 1000, sort: { column: "id", desc: true } },
      as: key,
    });
    expect(page.status).toBe(200);
    return page.data.rows;
  };
  const names = async () =>
    (await call(`/projects/${projectId}/datasets`, { as: key })).data.map((d: { name: string }) => d.name);
  /** Nothing of an import is left in the scratch folder: head copies, pipes, sniffer samples. */
  const scratch = () => {
    const dir = path.join(dataDir, "tmp", "imports");
    return existsSync(dir) ? readdirSync(dir) : [];
  };

  it("imports what the stored-file path imports: schema, row count, rows", async () => {
    const body = csv(30_000);
    expect(Buffer.byteLength(body)).toBeGreaterThan(1024 * 1024);
    const streamed = await upload("streamed", body);
    expect(streamed.status).toBe(201);
    const stored = await viaDialog("stored", body);
    expect(stored.status).toBe(201);
    expect(streamed.data.schema).toEqual(stored.data.schema);
    expect(streamed.data.import).toEqual(stored.data.import);
    expect(streamed.data.import.rowCount).toBe(30_000);
    expect(await rows(streamed.data.id)).toEqual(await rows(stored.data.id));
    expect(scratch()).toEqual([]);
  });

  it("a value past the head that contradicts its type: the column is text, as when read stored", async () => {
    const body = csv(30_000, (i) => (i === 29_000 ? "n/a" : String(i * 3)));
    const streamed = await upload("contradicted", body);
    expect(streamed.status).toBe(201);
    const stored = await viaDialog("contradicted_stored", body);
    expect(streamed.data.schema).toEqual(stored.data.schema);
    expect(streamed.data.schema.find((c: { name: string }) => c.name === "n")?.type).toBe("string");
    expect(streamed.data.import.rowCount).toBe(30_000);
    expect(await rows(streamed.data.id)).toEqual(await rows(stored.data.id));
    expect(scratch()).toEqual([]);
  });

  it("a malformed line past the head is a 400 naming it, with nothing written", async () => {
    const body = csv(30_000).replace("\n29000|", "\n29000|extra|");
    const r = await upload("malformed", body);
    expect(r.status).toBe(400);
    expect(r.data.error.code).toBe("invalid_input");
    expect(r.data.error.message).toMatch(/29002/);
    expect(await names()).not.toContain("malformed");
    expect(scratch()).toEqual([]);
  });

  it("an upload over the limit without a Content-Length is a 413 once it passes it, nothing kept", async () => {
    const body = Buffer.from(csv(50_000)); // about 2.7 MB, past the 2 MiB limit
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < body.length; i += 65536) c.enqueue(body.subarray(i, i + 65536));
        c.close();
      },
    });
    const res = await fetch(`${studioUrl}/api/v1/projects/${projectId}/datasets?name=too_big`, {
      method: "POST",
      body: stream,
      headers: { ...key.headers, "content-type": "text/csv" },
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(await names()).not.toContain("too_big");
    expect(scratch()).toEqual([]);
  });
});
