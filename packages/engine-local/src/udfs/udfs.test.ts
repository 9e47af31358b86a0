import { DuckDBInstance } from "@duckdb/node-api";
import { expect, it } from "vitest";
import { registerSousUdfs } from "./index.ts";

it("registers the prepare steps' JavaScript functions on a DuckDB connection", async () => {
  const instance = await DuckDBInstance.create(":memory:");
  const c = await instance.connect();
  try {
    registerSousUdfs(c);
    const r = await c.runAndReadAll(
      "SELECT sous_is_holiday(DATE '2024-12-25', 'FR') AS h, sous_is_holiday(NULL, 'FR') AS n, sous_parse_ua('curl/8.0', 'device') AS d",
    );
    expect(r.getRowObjectsJson()).toEqual([{ h: true, n: null, d: "bot" }]);
  } finally {
    c.closeSync();
    instance.closeSync();
  }
});
