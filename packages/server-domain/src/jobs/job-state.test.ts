import { ActivityStateSchema, JobStateSchema } from "@sous/contracts";
import { describe, expect, it } from "vitest";
import {
  ACTIVE_JOB_STATES,
  ACTIVITY_TRANSITIONS,
  canMoveActivity,
  canMoveJob,
  initialJobState,
  isFinalActivityState,
  isFinalJobState,
  JOB_TRANSITIONS,
} from "./job-state.ts";

const jobStates = JobStateSchema.options;
const activityStates = ActivityStateSchema.options;

/** Every allowed move as "FROM>TO", computed from the predicate over all pairs. */
function moves<S extends string>(states: readonly S[], can: (a: S, b: S) => boolean): string[] {
  return states.flatMap((a) => states.filter((b) => can(a, b)).map((b) => `${a}>${b}`)).sort();
}

/** The states reachable from `start` by allowed moves. */
function reachable<S extends string>(states: readonly S[], can: (a: S, b: S) => boolean, start: S): Set<S> {
  const seen = new Set<S>([start]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const a of [...seen])
      for (const b of states)
        if (can(a, b) && !seen.has(b)) {
          seen.add(b);
          grew = true;
        }
  }
  return seen;
}

describe("job transitions", () => {
  it("are exactly these moves", () => {
    expect(moves(jobStates, canMoveJob)).toEqual(
      [
        "QUEUED>RUNNING",
        "QUEUED>CANCELLED",
        "QUEUED>FAILED",
        "RUNNING>RUNNING",
        "RUNNING>SUCCEEDED",
        "RUNNING>FAILED",
        "RUNNING>CANCELLED",
      ].sort(),
    );
  });

  it("cover every state the API knows, and nothing else", () => {
    expect(Object.keys(JOB_TRANSITIONS).sort()).toEqual([...jobStates].sort());
  });

  it("end: the final states move nowhere, and every state can reach one", () => {
    expect(jobStates.filter(isFinalJobState).sort()).toEqual(["CANCELLED", "FAILED", "SUCCEEDED"]);
    expect([...ACTIVE_JOB_STATES].sort()).toEqual(["QUEUED", "RUNNING"]);
    for (const s of jobStates) {
      const ends = [...reachable(jobStates, canMoveJob, s)].filter(isFinalJobState);
      expect(ends.length, `${s} reaches no final state`).toBeGreaterThan(0);
    }
  });

  it("let a job succeed only after it ran: a queued job is cancelled or fails, never succeeds", () => {
    expect(canMoveJob("QUEUED", "SUCCEEDED")).toBe(false);
    expect(canMoveJob("RUNNING", "QUEUED")).toBe(false);
    expect(canMoveJob("SUCCEEDED", "CANCELLED")).toBe(false);
    expect(canMoveJob("CANCELLED", "RUNNING")).toBe(false);
  });

  it("start a new job QUEUED, or SUCCEEDED at once when its plan is empty", () => {
    expect(initialJobState(3)).toEqual({ state: "QUEUED" });
    const now = new Date("2026-12-07T00:00:00Z");
    expect(initialJobState(0, now)).toEqual({ state: "SUCCEEDED", startedAt: now, finishedAt: now });
  });
});

describe("activity transitions", () => {
  it("are exactly these moves", () => {
    expect(moves(activityStates, canMoveActivity)).toEqual(
      [
        "QUEUED>RUNNING",
        "QUEUED>SKIPPED",
        "RUNNING>SUCCEEDED",
        "RUNNING>FAILED",
        "RUNNING>CANCELLED",
        "RUNNING>QUEUED",
      ].sort(),
    );
    expect(Object.keys(ACTIVITY_TRANSITIONS).sort()).toEqual([...activityStates].sort());
  });

  it("skip only what never started, and end only what ran", () => {
    for (const s of activityStates) {
      expect(canMoveActivity(s, "SKIPPED"), `${s}>SKIPPED`).toBe(s === "QUEUED");
      for (const end of ["SUCCEEDED", "FAILED", "CANCELLED"] as const)
        expect(canMoveActivity(s, end), `${s}>${end}`).toBe(s === "RUNNING");
    }
    expect(activityStates.filter(isFinalActivityState).sort()).toEqual([
      "CANCELLED",
      "FAILED",
      "SKIPPED",
      "SUCCEEDED",
    ]);
  });
});
