import { describe, expect, it } from "vitest";
import { nameSteps } from "./step-names.ts";

const steps = [
  { id: "step_1", type: "trim" },
  { id: "step_3", type: "formula", name: "Revenue" },
];
const label = (t: string) => ({ trim: "Trim whitespace", formula: "Formula" })[t];

describe("nameSteps", () => {
  it("names a step by its name or kind and its position, not its id", () => {
    expect(nameSteps("step_3: division by zero", steps, label)).toBe("Step 'Revenue' (#2): division by zero");
    expect(nameSteps("step_1 and 0/step_3", steps, label)).toBe(
      "Step 'Trim whitespace' (#1) and Step 'Revenue' (#2)",
    );
  });
  it("leaves unknown ids and other text alone", () => {
    expect(nameSteps("step_9 is gone; step_10x", steps, label)).toBe("step_9 is gone; step_10x");
  });
});
