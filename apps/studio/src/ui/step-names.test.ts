import { describe, expect, it } from "vitest";
import { nameParamPaths, nameSteps } from "./step-names.ts";

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

describe("nameParamPaths", () => {
  it("names a visual recipe's parameter by its row, not its path", () => {
    expect(nameParamPaths('params.aggregations.0: first of "city" picks a row in no defined order')).toBe(
      'Aggregation 1: first of "city" picks a row in no defined order',
    );
    expect(nameParamPaths("params.postFilter.rules.2: no such column")).toBe(
      "Post filter › rule 3: no such column",
    );
  });
  it("leaves other text alone", () => {
    expect(nameParamPaths("the params of step_3")).toBe("the params of step_3");
  });
});
