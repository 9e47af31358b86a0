import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeColumnStats } from "./column-stats.ts";
import { LocalEngine } from "./local-engine.ts";
import { duckString } from "./sql-literals.ts";

let dir: string;
let engine: LocalEngine;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "sous-stats-"));
  engine = await LocalEngine.create({ allowedDirectories: [dir] });
});
afterAll(() => {
  engine.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("computeColumnStats", () => {
  it("decides a text column's meaning on its first rows but counts invalid values on all of them", async () => {
    const file = path.join(dir, "late-invalid.parquet");
    // 30,000 integer-looking codes; the last 50 rows (far past the meaning probe) are not numbers.
    await engine.withConnection((c) =>
      c.run(
        `COPY (SELECT CASE WHEN i >= 29950 THEN 'n/a' ELSE CAST(i % 97 AS VARCHAR) END AS code FROM range(30000) t(i) ORDER BY i) TO ${duckString(file)} (FORMAT parquet)`,
      ),
    );
    const [code] = await computeColumnStats(engine, {
      source: file,
      schema: [{ name: "code", type: "string" }],
      rowCount: 30_000,
    });
    expect(code).toMatchObject({ meaning: "integer", invalid: 50, valid: 29_950, empty: 0 });
  });
});
