import type { JobActivity } from "@sous/contracts";
import { describe, expect, it } from "vitest";
import { formatRows, plural } from "./format.ts";
import { activitySummary, engineLabel, runOutcome, statusLine } from "./job-summary.ts";

const act = (over: Partial<JobActivity>): JobActivity => ({
  id: "a",
  position: 0,
  recipeId: "r",
  recipeIds: ["r"],
  outputDatasetId: "d",
  virtualDatasetIds: [],
  dependsOn: [],
  engine: "local",
  state: "SUCCEEDED",
  sparkSql: null,
  duckdbSql: "COPY …",
  rowsWritten: 10,
  attempts: 1,
  error: null,
  startedAt: null,
  finishedAt: null,
  durationMs: null,
  upToDate: false,
  remote: null,
  ...over,
});
const upToDate = act({ upToDate: true, duckdbSql: null, rowsWritten: 0 });

describe("plural", () => {
  it("says 1 row, 0 rows, 1,234 rows", () => {
    expect(plural(1, "row")).toBe("1 row");
    expect(plural(0, "row")).toBe("0 rows");
    expect(plural(1234, "row")).toBe("1,234 rows");
    expect(plural(1, "activity", "activities")).toBe("1 activity");
    expect(plural(2, "activity", "activities")).toBe("2 activities");
    expect(formatRows(1)).toBe("1 row");
  });
});

describe("activitySummary", () => {
  it("says 1 built, 8 up to date instead of 9/9", () => {
    const job = { state: "SUCCEEDED", activities: [act({}), ...Array.from({ length: 8 }, () => upToDate)] };
    expect(activitySummary(job)).toBe("1 built, 8 up to date");
  });
  it("counts failures and the activities a failure stopped", () => {
    const job = {
      state: "FAILED",
      activities: [act({}), act({ state: "FAILED" }), act({ state: "SKIPPED" })],
    };
    expect(activitySummary(job)).toBe("1 built, 1 failed, 1 not run");
  });
  it("shows progress while the job runs, and an empty plan as nothing to build", () => {
    expect(activitySummary({ state: "RUNNING", activities: [act({}), act({ state: "QUEUED" })] })).toBe(
      "1 of 2 activities done",
    );
    expect(activitySummary({ state: "SUCCEEDED", activities: [] })).toBe("Nothing to build");
  });
});

describe("runOutcome", () => {
  it("says a run that found its outputs up to date was skipped, not 'Done: 0 rows'", () => {
    expect(runOutcome({ state: "SUCCEEDED", error: null, activities: [upToDate] })).toEqual({
      kind: "up-to-date",
      text: "Skipped: already up to date",
    });
    expect(runOutcome({ state: "SUCCEEDED", error: null, activities: [] }).kind).toBe("up-to-date");
  });
  it("counts the rows of the activities that ran, with 1 row in the singular", () => {
    expect(
      runOutcome({ state: "SUCCEEDED", error: null, activities: [act({ rowsWritten: 1 }), upToDate] }).text,
    ).toBe("Done: 1 row written (1 up to date)");
  });
  it("does not repeat the label: Cancelled, not 'Cancelled: Cancelled.'", () => {
    expect(runOutcome({ state: "CANCELLED", error: "Cancelled.", activities: [] }).text).toBe("Cancelled.");
    expect(runOutcome({ state: "FAILED", error: "Out of memory", activities: [] }).text).toBe(
      "Failed: Out of memory",
    );
    expect(statusLine("Cancelled", null)).toBe("Cancelled");
  });
});

describe("engineLabel", () => {
  it("names the engines a job ran on", () => {
    expect(engineLabel([act({}), act({ engine: "databricks:c:p" })])).toBe("Local + Databricks");
    expect(engineLabel([])).toBe("—");
  });
});
