import { CompileError } from "@sous/compiler";
import { AppError } from "@sous/contracts";
import { QueryCancelledError } from "@sous/engine-local";
import { describe, expect, it } from "vitest";
import { isCancelled, permanentFailureMessage } from "./activity-error.ts";

describe("permanentFailureMessage", () => {
  it("fails at once on what the user must fix, with the message that says what", () => {
    expect(permanentFailureMessage(new AppError("conflict", "Input dataset a has no data yet."))).toBe(
      "Input dataset a has no data yet.",
    );
    expect(permanentFailureMessage(new CompileError("unknown_column", "No column nope", ["params"]))).toBe(
      "No column nope",
    );
    expect(
      permanentFailureMessage(new Error('Conversion Error: Could not convert string "x" to INT32\nLINE 1')),
    ).toBe('The query failed on the data: Conversion Error: Could not convert string "x" to INT32');
  });

  it("treats connection resets, Redis and Postgres blips as transient (retried with backoff)", () => {
    const reset = Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });
    expect(permanentFailureMessage(reset)).toBeNull();
    expect(permanentFailureMessage(new Error("Connection is closed."))).toBeNull();
    expect(permanentFailureMessage(new Error("Can't reach database server"))).toBeNull();
  });

  it("recognises an interrupted query", () => {
    expect(isCancelled(new QueryCancelledError())).toBe(true);
    expect(isCancelled(new Error("x"))).toBe(false);
  });
});
