import { describe, expect, it } from "vitest";
import { BuildTimings } from "./build-timings.ts";

describe("BuildTimings", () => {
  it("sums each phase over activities and names phases in the build's order", () => {
    const t = new BuildTimings();
    t.add("query", 100);
    t.add("query", 50);
    t.add("queue", 3.25);
    t.add("publish", 7);
    const s = t.summary();
    expect(s).toMatch(/^Time spent: total [\d.]+ ms; queue pickup 3\.3 ms, /);
    expect(s).toContain("query + write 150 ms");
    expect(s.indexOf("queue pickup")).toBeLessThan(s.indexOf("query + write"));
    expect(s.indexOf("query + write")).toBeLessThan(s.indexOf("publish 7.0 ms"));
    // Not computed during builds: said so, not silently left out.
    expect(s).toContain("stats and sample 0 ms (computed when first read)");
    expect(s).not.toContain("prune");
    expect(s).toMatch(/leases and DB writes \d/);
  });

  it("counts a phase that throws", async () => {
    const t = new BuildTimings();
    await expect(
      t.time("describe", async () => {
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(t.summary()).toMatch(/describe \d/);
  });

  it("names a run on Databricks apart from the DB writes, and tells each phase's total so far", () => {
    const t = new BuildTimings();
    t.add("publish", 4);
    t.add("remote", 2500);
    t.add("publish", 6);
    expect(t.total("publish")).toBe(10);
    expect(t.total("query")).toBe(0);
    expect(t.summary()).toContain("on Databricks (cluster, copies, statements) 2500 ms");
  });
});
