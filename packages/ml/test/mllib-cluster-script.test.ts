import { describe, expect, it } from "vitest";
import { type MllibClusterRequest, mllibClusterScript } from "../src/index.ts";

const request: MllibClusterRequest = {
  features: [
    { name: "x", type: "numeric", impute: { method: "mean" }, rescale: "standard" },
    { name: "c'\"", type: "categorical", impute: { method: "most_frequent" }, maxLevels: 3 },
  ],
  algorithms: [
    { algorithm: "kmeans", k: 3, kGrid: [2, 3], maxIter: 20 },
    { algorithm: "bisectingKmeans", k: 2, maxIter: 20 },
  ],
  seed: 4,
};
const paths = { input: "dbfs:/mnt/sous/in", output: "dbfs:/mnt/sous/out" };

describe("mllibClusterScript", () => {
  it("reuses the prediction script's feature handling and runs the clustering, not the prediction training", () => {
    const script = mllibClusterScript(request, paths);
    for (const f of ["fit_preprocessing", "prep_stages", "cluster"]) expect(script).toContain(`\ndef ${f}(`);
    expect(script).toContain("RESULT = cluster()");
    expect(script).not.toContain("RESULT = train()");
    // Every user value is in the JSON documents, never in the code.
    const cluster = script.match(/^CLUSTER = json\.loads\((".*")\)$/m)?.[1];
    expect(JSON.parse(JSON.parse(cluster ?? '""'))).toMatchObject({
      seed: 4,
      algorithms: request.algorithms,
    });
  });

  it("refuses what MLlib does not train, and an invalid request, before any script exists", () => {
    expect(() =>
      mllibClusterScript(
        { ...request, algorithms: [{ algorithm: "gaussianMixture", k: 2, maxIter: 5 }] },
        paths,
      ),
    ).toThrow(/Gaussian mixture trains locally/);
    expect(() => mllibClusterScript({ ...request, features: [] }, paths)).toThrow(
      /invalid clustering request/,
    );
  });
});
