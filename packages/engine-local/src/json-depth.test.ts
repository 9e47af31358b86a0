import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { AppError } from "@sous/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importToParquet, previewImport } from "./import-file.ts";
import { checkJsonDepth, findTooDeep, JsonDepthScanner, MAX_JSON_DEPTH } from "./json-depth.ts";
import { LocalEngine } from "./local-engine.ts";

const nested = (depth: number, open = "[", close = "]") => open.repeat(depth) + close.repeat(depth);
const objects = (depth: number) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;

describe("findTooDeep", () => {
  it("accepts nesting up to the limit and names the bracket past it", () => {
    expect(findTooDeep(nested(10), 10)).toBeNull();
    expect(findTooDeep(nested(11), 10)).toEqual({ line: 1, offset: 10 });
    expect(findTooDeep(objects(MAX_JSON_DEPTH))).toBeNull();
    expect(findTooDeep(objects(MAX_JSON_DEPTH + 1))).not.toBeNull();
    expect(findTooDeep("[{".repeat(6), 11)).toEqual({ line: 1, offset: 11 });
  });

  it("does not count brackets inside strings, escaped quotes included", () => {
    const text = JSON.stringify([{ s: "[".repeat(50), t: '\\"[[[[[[[[[[[["', u: "{{{{{{{{{{{{" }]);
    expect(findTooDeep(text, 3)).toBeNull();
    expect(findTooDeep(`["\\\\", [[[]]]]`, 3)).toEqual({ line: 1, offset: 9 });
  });

  it("counts NDJSON lines one after the other, and ends an unterminated string at the newline", () => {
    expect(findTooDeep(`${nested(5)}\n${nested(5)}\n`, 5)).toBeNull();
    // A raw newline cannot be in a JSON string: the brackets on the next line count.
    expect(findTooDeep(`{"a": "open\n${"[".repeat(6)}`, 5)).toEqual({ line: 2, offset: 16 });
    // Extra closers never make room for more openers.
    expect(findTooDeep(`${"]".repeat(10)}${"[".repeat(6)}`, 5)).toEqual({ line: 1, offset: 15 });
  });

  it("keeps its state across chunk boundaries", () => {
    const s = new JsonDepthScanner(4);
    expect(s.feed(Buffer.from('["a\\'))).toBeNull();
    expect(s.feed(Buffer.from('"[[[[[", [['))).toBeNull();
    expect(s.feed(Buffer.from("[["))).toEqual({ line: 1, offset: 16 });
  });
});

describe("JSON imports", () => {
  let dir: string;
  let engine: LocalEngine;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "sous-json-depth-"));
    engine = await LocalEngine.create({ allowedDirectories: [dir] });
  });
  afterAll(() => {
    engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses a deeply nested file with a 400 before DuckDB reads it (it would crash the process)", async () => {
    const file = path.join(dir, "deep.json");
    writeFileSync(file, `[{"a": ${"[".repeat(100_000)}`);
    const outDir = path.join(dir, "out-deep");
    mkdirSync(outDir);
    for (const attempt of [
      () => importToParquet(engine, { file, outDir, fileName: "deep.json" }),
      () => previewImport(engine, { file, fileName: "deep.json" }),
      () => checkJsonDepth(file),
    ]) {
      const e = await attempt().catch((err: unknown) => err);
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).code).toBe("invalid_input");
      expect((e as AppError).message).toMatch(
        /more than 1,000 levels deep \(line 1, byte 1,006\); Sous reads at most 1,000\. Flatten the data/,
      );
    }
  });

  it("still imports nested JSON below the limit", async () => {
    const file = path.join(dir, "ok.ndjson");
    writeFileSync(file, `{"id": 1, "deep": ${nested(50)}, "s": "[[[["}\n{"id": 2, "deep": [], "s": "]"}\n`);
    const outDir = path.join(dir, "out-ok");
    mkdirSync(outDir);
    const r = await importToParquet(engine, { file, outDir, fileName: "ok.ndjson" });
    expect(r.rowCount).toBe(2);
    expect(r.schema.map((c) => c.name)).toEqual(["id", "deep", "s"]);
  });
});
