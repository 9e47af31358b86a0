import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalEngine } from "./local-engine.ts";

let dir: string;
let engine: LocalEngine;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "sous-engine-"));
  engine = await LocalEngine.create({ allowedDirectories: [dir] });
});
afterAll(() => {
  engine.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("LocalEngine connections", () => {
  it("offer the prepare steps' JS functions despite the locked configuration", async () => {
    const rows = await engine.withConnection(async (c) =>
      (await c.runAndReadAll("SELECT sous_is_holiday(DATE '2025-07-14', 'FR') AS h")).getRowObjectsJS(),
    );
    expect(rows).toEqual([{ h: true }]);
  });

  it("interrupts a running query when the signal aborts", async () => {
    const ac = new AbortController();
    const run = engine.withConnection(
      (c) => c.runAndReadAll("SELECT count(*) FROM range(10000000000) a, range(10) b"),
      ac.signal,
    );
    setTimeout(() => ac.abort(), 100);
    await expect(run).rejects.toThrow(/cancelled/);
  });

  it("pins its time zone to UTC, as Sous's Spark sessions are, instead of the host's", async () => {
    // DuckDB's default is the host's zone (TZ), read once per process, so assert the setting itself.
    const rows = await engine.sandboxed({ read: [dir] }, (box) =>
      box.withConnection(async (c) =>
        (
          await c.runAndReadAll(
            "SELECT current_setting('TimeZone') AS zone, CAST(TIMESTAMPTZ '2024-03-10 03:30:00+00' AS DATE)::VARCHAR AS day",
          )
        ).getRowObjectsJS(),
      ),
    );
    expect(rows).toEqual([{ zone: "UTC", day: "2024-03-10" }]);
  });
});

describe("LocalEngine write sandboxes", () => {
  it("each get a DuckDB no other run used, locked to their own folders, though opened ahead of time", async () => {
    const a = mkdtempSync(path.join(dir, "a-"));
    const b = mkdtempSync(path.join(dir, "b-"));
    // A macro left behind in one sandbox is unknown in the next: a fresh instance, not a reused one.
    await engine.sandboxed({ read: [a], write: [a] }, (box) =>
      box.withConnection((c) => c.run("CREATE MACRO left_behind() AS 42")),
    );
    for (let i = 0; i < 3; i++) {
      const out = path.join(b, `o${i}.parquet`);
      await engine.sandboxed({ read: [a], write: [b] }, (box) =>
        box.withConnection(async (c) => {
          await expect(c.run("SELECT left_behind()")).rejects.toThrow(/left_behind/);
          await expect(c.run("SET allowed_directories = ['/']")).rejects.toThrow(/locked/i);
          await c.run(`COPY (SELECT ${i} AS x) TO '${out}' (FORMAT parquet)`);
          await expect(c.run(`COPY (SELECT 1) TO '${path.join(dir, "outside.parquet")}'`)).rejects.toThrow(
            /Permission Error|not allowed|disabled/i,
          );
        }),
      );
    }
  });

  it("are closed once retired: by closeRetired(), or a second later at the latest", async () => {
    const a = mkdtempSync(path.join(dir, "r-"));
    const used = async () => {
      let box: LocalEngine | null = null;
      await engine.sandboxed({ read: [a], write: [a] }, async (b) => {
        box = b;
        await b.withConnection((c) => c.run("SELECT 1"));
      });
      return box as unknown as LocalEngine;
    };
    const answer = (box: LocalEngine) =>
      box.withConnection((c) => c.runAndReadAll("SELECT 42 AS x")).then((r) => r.getRows()[0]?.[0]);
    // The caller has its result before the instance closes (closing it blocks this thread).
    const first = await used();
    await expect(answer(first)).resolves.toBe(42);
    engine.closeRetired();
    await expect(answer(first)).rejects.toThrow();
    // Nobody calls closeRetired(): the timer closes it.
    const second = await used();
    await expect(answer(second)).resolves.toBe(42);
    await new Promise((r) => setTimeout(r, 1300));
    await expect(answer(second)).rejects.toThrow();
  });
});
