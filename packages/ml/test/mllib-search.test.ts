import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { type MllibTrainRequest, mllibTrainScript } from "../src/mllib-script.ts";

// The MLlib script's validation, search and class weights: the SPEC it carries, Python that
// compiles, and the same combinations as the local trainer draws (so a random search tries the
// same settings on both engines).

const repo = path.resolve(import.meta.dirname, "../../..");
const python = path.join(repo, ".venv/bin/python");
const paths = { input: "dbfs:/mnt/sous/in", output: "dbfs:/mnt/sous/out" };

const request: MllibTrainRequest = {
  task: "binary",
  target: "label",
  features: [{ name: "x", type: "numeric", impute: { method: "mean" }, rescale: "standard" }],
  validation: { kind: "kfold", k: 4, seed: 8 },
  algorithms: [
    {
      algorithm: "randomForest",
      nTrees: 10,
      maxDepth: 4,
      minSamplesLeaf: 1,
      grid: { maxDepth: [2, null, 6], nTrees: [5, 10], minSamplesLeaf: [1, 3] },
    },
  ],
  metric: "auc",
  search: { kind: "random", budget: 5, seed: 21 },
  classWeights: "balanced",
};

const specOf = (script: string) => {
  const line = script.split("\n").find((l) => l.startsWith("SPEC = json.loads("))!;
  return JSON.parse(JSON.parse(line.slice("SPEC = json.loads(".length, -1))) as {
    request: MllibTrainRequest;
  };
};

describe("the MLlib script's validation and search", () => {
  it("carries the validation, the grid, the search and the class weights in its SPEC", () => {
    const spec = specOf(mllibTrainScript(request, paths));
    expect(spec.request.validation).toEqual({ kind: "kfold", k: 4, seed: 8 });
    expect(spec.request.search).toEqual({ kind: "random", budget: 5, seed: 21 });
    expect(spec.request.classWeights).toBe("balanced");
    expect(spec.request.algorithms[0]!.grid).toEqual({
      maxDepth: [2, null, 6],
      nTrees: [5, 10],
      minSamplesLeaf: [1, 3],
    });
    // Defaults for requests without them.
    const plain = specOf(
      mllibTrainScript(
        {
          ...request,
          search: undefined,
          classWeights: undefined,
          algorithms: [{ algorithm: "logistic", C: 1, maxIter: 10 }],
        },
        paths,
      ),
    );
    expect(plain.request).toMatchObject({ search: { kind: "grid" }, classWeights: "none" });
    const script = mllibTrainScript(request, paths);
    expect(script).toContain("weightCol=WEIGHT");
    expect(script).toContain("Window.orderBy(F.col(ident(TIME_COLUMN)), F.col(ID))");
  });

  it.skipIf(!existsSync(python))(
    "compiles, and draws the same combinations as the local trainer",
    // Importing the trainer imports scikit-learn: seconds on a busy machine.
    { timeout: 90_000 },
    () => {
      const script = mllibTrainScript(request, paths);
      const from = script.indexOf("SETTINGS = (");
      const block = script.slice(from, script.indexOf("def weighted(", from));
      const cases = [
        [
          { maxDepth: [2, null, 6], nTrees: [5, 10], minSamplesLeaf: [1, 3] },
          { kind: "random", budget: 5, seed: 21 },
        ],
        [{ nTrees: [5, 10], maxDepth: [3] }, { kind: "grid" }],
        [{ C: [0.1, 1, 10, 100] }, { kind: "random", budget: 2, seed: 0 }],
        [{ C: [0.1, 1] }, { kind: "random", budget: 9, seed: 4 }],
      ];
      const code = [
        "import ast, itertools, json, random, sys",
        "sys.path.insert(0, 'python')",
        "from sous_ml.train import combinations as local",
        `ast.parse(${JSON.stringify(script)})`,
        `CASES = json.loads(${JSON.stringify(JSON.stringify(cases))})`,
        "out = []",
        "for grid, search in CASES:",
        "    a = {'algorithm': 'x', 'C': 1, 'nTrees': 1, 'maxDepth': 1, 'minSamplesLeaf': 1, 'grid': grid}",
        "    scope = {'itertools': itertools, 'random': random, 'SEARCH': search}",
        `    exec(${JSON.stringify(block)}, scope)`,
        "    out.append([local(a, search), list(scope['combinations'](a))])",
        "sys.stdout.write(json.dumps(out))",
      ].join("\n");
      const run = spawnSync(python, ["-c", code], { cwd: repo, encoding: "utf8" });
      expect(run.status, run.stderr).toBe(0);
      const out = JSON.parse(run.stdout) as [unknown[], unknown[]][];
      for (const [local, mllib] of out) expect(mllib).toEqual(local);
      const [combos, keys, total] = out[0]![0] as [Record<string, unknown>[], string[], number];
      expect(keys).toEqual(["nTrees", "maxDepth", "minSamplesLeaf"]);
      expect(total).toBe(12);
      expect(combos).toHaveLength(5);
      expect(new Set(combos.map((c) => JSON.stringify(c))).size).toBe(5);
      expect(out[1]![0]![0]).toEqual([
        { algorithm: "x", C: 1, nTrees: 5, maxDepth: 3, minSamplesLeaf: 1 },
        { algorithm: "x", C: 1, nTrees: 10, maxDepth: 3, minSamplesLeaf: 1 },
      ]);
      expect((out[3]![0]![0] as unknown[]).length).toBe(2);
    },
  );
});
