import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { adminKey, type Caller, call, createProject, hasStudio } from "./api-client.ts";

// Import from Blob through /api/v1 on the test stack (local storage: the container is the
// storage folder, so files are dropped there as an operator would upload them to the container).
// The Azure client itself is exercised in src/server/services/blob-import.int.test.ts (Azurite).
const dataDir = process.env.SOUS_TEST_STACK_DATA_DIR ?? "";

describe.skipIf(!hasStudio || !dataDir)("import from Blob (API)", () => {
  let key: Caller;
  let projectId: string;
  const folder = `imports/e2e-${randomBytes(4).toString("hex")}`;

  beforeAll(async () => {
    key = await adminKey();
    projectId = (await createProject(key, "Blob import", "BL")).id;
    const dir = path.join(dataDir, "storage", folder);
    mkdirSync(path.join(dir, "2024"), { recursive: true });
    writeFileSync(path.join(dir, "jan.csv"), "store,sales\nparis,10\nlyon,4\n");
    writeFileSync(path.join(dir, "2024", "feb.csv"), "store,sales\nparis,7\n");
  });

  const importBlob = (name: string, source: Record<string, unknown>) =>
    call(`/projects/${projectId}/datasets/import`, {
      method: "POST",
      json: { name, source: { kind: "blob", ...source } },
      as: key,
    });

  it("imports every CSV of a folder as one dataset, and re-imports it as a new version", async () => {
    const r = await importBlob("stores", { folder, format: "csv" });
    expect(r.status).toBe(201);
    expect(r.data.currentVersion.rowCount).toBe(3);
    expect(r.data.schema.map((c: { name: string; type: string }) => [c.name, c.type])).toEqual([
      ["store", "string"],
      ["sales", "bigint"],
    ]);
    writeFileSync(path.join(dataDir, "storage", folder, "mar.csv"), "store,sales\nnice,1\n");
    const again = await call(`/projects/${projectId}/datasets/${r.data.id}/import`, {
      method: "POST",
      json: { source: { kind: "blob", folder, format: "csv" } },
      as: key,
    });
    expect(again.status).toBe(200);
    expect(again.data.id).toBe(r.data.id);
    expect(again.data.currentVersion).toMatchObject({ number: 2, rowCount: 4 });
  });

  it("refuses folders outside imports/ and folders without files of the format, registering nothing", async () => {
    const outside = await importBlob("nope1", { folder: `projects/${projectId}`, format: "parquet" });
    expect(outside.status).toBe(400);
    expect(outside.data.error.message).toMatch(/under imports\/ only/);
    const traversal = await importBlob("nope2", { folder: `${folder}/../../projects`, format: "csv" });
    expect(traversal.status).toBe(400);
    const none = await importBlob("nope3", { folder, format: "parquet" });
    expect(none.status).toBe(400);
    expect(none.data.error.message).toBe(`Folder ${folder}/ holds no .parquet file.`);
    const list = await call(`/projects/${projectId}/datasets`, { as: key });
    const names = (list.data.items ?? list.data).map((d: { name: string }) => d.name);
    expect(names).toEqual(["stores"]);
  });
});
