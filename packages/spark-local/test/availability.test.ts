import { expect, it } from "vitest";
import { sparkLocalAvailability, startSparkLocal } from "../src/index.ts";

it("refuses to start without a Python environment, saying how to make one", async () => {
  const python = "/nonexistent/.venv/bin/python";
  expect(sparkLocalAvailability(python)).toEqual({
    ok: false,
    reason: expect.stringContaining("run `node scripts/bootstrap.mjs`"),
  });
  await expect(startSparkLocal({ python })).rejects.toThrow(
    /cannot start local Spark: no Python environment/,
  );
});
