import { describe, expect, it } from "vitest";
import { planBuildOnlyThis } from "./plan-build.ts";

describe("planBuildOnlyThis", () => {
  const producers = [
    { datasetId: "out1", recipeId: "r1" },
    { datasetId: "out2", recipeId: "r2" },
  ];

  it("runs each target's own recipe once, in the order asked", () => {
    expect(planBuildOnlyThis(["out2", "out1", "out2"], producers)).toEqual({
      ok: true,
      activities: [
        { position: 0, recipeId: "r2", outputDatasetId: "out2" },
        { position: 1, recipeId: "r1", outputDatasetId: "out1" },
      ],
    });
  });

  it("names every target that no recipe writes", () => {
    expect(planBuildOnlyThis(["src", "out1", "raw"], producers)).toEqual({
      ok: false,
      unbuildable: ["src", "raw"],
    });
  });
});
