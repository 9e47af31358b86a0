import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { AppError } from "@sous/contracts";
import { describe, expect, it } from "vitest";
import { engineNotes, engineProblems } from "../src/engine-support.ts";
import { type MllibTrainRequest, mllibTrainScript } from "../src/mllib-script.ts";

const python = path.resolve(import.meta.dirname, "../../../.venv/bin/python");
const paths = { input: "dbfs:/mnt/sous/projects/p/datasets/d/versions/v1", output: "dbfs:/mnt/sous/tmp/x/" };

const request = (name: string, level = "red"): MllibTrainRequest => ({
  task: "binary",
  target: "label",
  features: [
    { name, type: "numeric", impute: { method: "mean" }, rescale: "standard" },
    { name: "colour", type: "categorical", impute: { method: "constant", value: level }, maxLevels: 3 },
  ],
  validation: { kind: "random_split", testRatio: 0.2, seed: 1 },
  algorithms: [{ algorithm: "randomForest", nTrees: 5, maxDepth: null, minSamplesLeaf: 1 }],
  metric: "auc",
});

// Names written to break out of a Python string or a SQL identifier, or to smuggle code.
const NASTY = [
  'a"); import os; os.system("id"); ("',
  "b'''\n\"\"\"\\",
  "c`; DROP TABLE x; --",
  "d\u2028\u0000\t}{",
  `é 😀 $${"{x}"} %s {0}`,
];

describe("mllibTrainScript", () => {
  it("keeps the code fixed: user values change only the SPEC line", () => {
    const plain = mllibTrainScript(request("x"), paths).split("\n");
    for (const name of NASTY) {
      const lines = mllibTrainScript(request(name, name), paths).split("\n");
      expect(lines.length).toBe(plain.length);
      const differing = lines.flatMap((l, i) => (l === plain[i] ? [] : [i]));
      expect(differing).toHaveLength(1);
      expect(lines[differing[0]!]).toMatch(/^SPEC = json\.loads\(".*"\)$/);
    }
  });

  it.skipIf(!existsSync(python))(
    "gives Python the request's values unchanged (the venv's Python reads the SPEC line)",
    () => {
      for (const name of NASTY) {
        const script = mllibTrainScript(request(name, name), paths);
        // Only the header and the SPEC line: the rest needs Spark.
        const head = script.slice(0, script.indexOf("\n", script.indexOf("SPEC = ")) + 1);
        const run = spawnSync(python, ["-c", `${head}\nimport sys\nsys.stdout.write(json.dumps(SPEC))`], {
          encoding: "utf8",
        });
        expect(run.status, run.stderr).toBe(0);
        const spec = JSON.parse(run.stdout) as {
          request: MllibTrainRequest;
          input: string;
          higherIsBetter: boolean;
        };
        expect(spec.request.features[0]!.name).toBe(name);
        expect(spec.request.features[1]).toMatchObject({ impute: { value: name } });
        expect(spec).toMatchObject({ input: paths.input, higherIsBetter: true });
      }
    },
  );

  it("refuses an invalid request before anything runs", () => {
    const bad = { ...request("x"), target: "x" };
    expect(() => mllibTrainScript(bad, paths)).toThrow(AppError);
    expect(() => mllibTrainScript(bad, paths)).toThrow(/the target x cannot be a feature/);
    expect(() => mllibTrainScript({ ...request("x"), metric: "rmse" }, paths)).toThrow(
      /rmse is not a binary metric/,
    );
  });
});

describe("engine support", () => {
  it("says before training where MLlib trains differently", () => {
    const notes = engineNotes(request("x"), "databricks");
    expect(notes.map((n) => n.path)).toEqual(["validation", "algorithms.0.maxDepth"]);
    expect(notes[1]!.message).toContain("unlimited depth trains with 30");
    expect(engineNotes(request("x"), "local")).toEqual([]);
    const logistic = {
      ...request("x"),
      algorithms: [{ algorithm: "logistic" as const, C: 0.5, maxIter: 50 }],
    };
    expect(engineNotes(logistic, "databricks")[1]!.message).toMatch(/regParam = 1 \/ \(C x training rows\)/);
  });

  it("names an algorithm that does not fit the task, on either engine", () => {
    const design = {
      task: "regression" as const,
      algorithms: [{ algorithm: "logistic" as const, C: 1, maxIter: 10 }],
    };
    for (const engine of ["local", "databricks"] as const)
      expect(engineProblems(design, engine)).toEqual([
        {
          path: "algorithms.0",
          message: expect.stringContaining("logistic does not train a regression model"),
        },
      ]);
    expect(engineProblems(request("x"), "databricks")).toEqual([]);
  });
});
