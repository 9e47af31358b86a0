import { describe, expect, it } from "vitest";
import { scanForTokens } from "./token-scan.ts";

describe("scanForTokens", () => {
  it("finds a token in any line, through colour codes, and masks it in the report", () => {
    const token = `dapi${"0123456789abcdef".repeat(2)}`;
    const log = [
      "[worker] ready",
      `\u001b[31merror\u001b[39m connecting with ${token} failed`,
      "token set, ends in …cdef",
    ].join("\n");
    const found = scanForTokens(log);
    expect(found).toEqual(["error connecting with dapi01…(36 chars) failed"]);
    expect(found.join("")).not.toContain(token);
  });

  it("ignores the word dapi and short fragments", () => {
    expect(scanForTokens("dapi token missing\nlast 4: a1b2\ndapi-wrong")).toEqual([]);
  });
});
