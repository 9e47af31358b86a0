import { beforeAll, describe, expect, it } from "vitest";
import { adminKey, type Caller, call, createProject, hasStudio } from "./api-client.ts";

// A JSON upload nested 100,000 levels deep (200 KB) used to crash the studio with SIGSEGV inside
// DuckDB's JSON reader. It is refused before any parser sees it, and the studio keeps answering.
describe.skipIf(!hasStudio)("deeply nested JSON uploads", () => {
  let key: Caller;
  let projectId: string;

  beforeAll(async () => {
    key = await adminKey();
    projectId = (await createProject(key, "Deep JSON", "JD")).id;
  });

  const deep = "[".repeat(100_000) + "]".repeat(100_000);

  it("refuses a direct upload with a 400 that says what to fix, and stays up", async () => {
    const r = await call(`/projects/${projectId}/datasets?name=deep`, {
      method: "POST",
      body: deep,
      headers: { "content-type": "application/json" },
      as: key,
    });
    expect(r.status).toBe(400);
    expect(r.data.error.code).toBe("invalid_input");
    expect(r.data.error.message).toMatch(/more than 1,000 levels deep \(line 1, byte 1,001\)/);
    expect(r.data.error.message).toMatch(/Flatten the data/);
    expect((await call("/me", { as: key })).status).toBe(200);
  });

  it("refuses the staged upload's preview the same way, objects and NDJSON included", async () => {
    const objects = `{"ok": 1}\n${'{"a":'.repeat(20_000)}1${"}".repeat(20_000)}\n`;
    const r = await call(`/projects/${projectId}/datasets/uploads?fileName=deep.ndjson`, {
      method: "POST",
      body: objects,
      headers: { "content-type": "application/octet-stream" },
      as: key,
    });
    // A failed first preview keeps the upload (other options may read it) and says why.
    expect(r.status).toBe(201);
    expect(r.data.preview).toBeNull();
    expect(r.data.previewError).toMatch(/more than 1,000 levels deep \(line 2,/);
    expect((await call("/me", { as: key })).status).toBe(200);
  });

  it("still imports nested JSON below the limit", async () => {
    const rows = [
      { id: 1, tags: [[["a"]]], s: "[[[[" },
      { id: 2, tags: [], s: "]]" },
    ];
    const r = await call(`/projects/${projectId}/datasets?name=shallow`, {
      method: "POST",
      body: JSON.stringify(rows),
      headers: { "content-type": "application/json" },
      as: key,
    });
    expect(r.status).toBe(201);
    expect(r.data.currentVersion.rowCount).toBe(2);
  });
});
