// bench/split.ts: a 3-output split on DuckDB, as the worker runs it locally, in one process:
//   old: each output its own query in its own sandbox (one read of the input per output)
//   new: one sandbox, the input read once into a temporary table, each output filtered from it
//        (apps/worker/src/jobs/build/split-in-one-scan.ts)
// on a few million rows, for a split by values and a split by random ratios; min of 3 runs each.
// Run: pnpm exec tsx bench/split.ts [rows]   (default 3,000,000)
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { compilePipeline, type PipelineStep, renderWriteParquet } from "@sous/compiler";
import type { RecipeSpec } from "@sous/contracts";
import { duckString, LocalEngine } from "@sous/engine-local";
import { splitInOneScan } from "../apps/worker/src/jobs/build/split-in-one-scan.ts";

const ROWS = Number(process.argv[2] ?? 3_000_000);
const RUNS = 3;
const dir = path.join(tmpdir(), `sous-bench-split-${randomBytes(4).toString("hex")}`);
const input = path.join(dir, "input");
mkdirSync(input, { recursive: true });
const engine = await LocalEngine.create({ allowedDirectories: [dir] });

await engine.runWrite(
  `COPY (SELECT i AS id, 'customer_' || (i % 5000) AS customer, ['north','south','east','west'][1 + i % 4] AS region,
     (i % 997) * 1.25 AS amount, DATE '2024-01-01' + CAST(i % 365 AS INTEGER) AS day
   FROM range(${ROWS}) AS t(i)) TO ${duckString(path.join(input, "part-0.parquet"))} (FORMAT parquet)`,
);
const { schema } = await engine.describeParquet(input);

const splits: Record<string, RecipeSpec> = {
  values: {
    kind: "split",
    version: 1,
    params: {
      mode: "values",
      column: "region",
      outputs: [{ values: ["north"] }, { values: ["south", "east"] }],
      otherRows: true,
    },
  } as RecipeSpec,
  regex: {
    kind: "split",
    version: 1,
    params: {
      mode: "rules",
      dispatch: "firstMatch",
      outputs: [
        { combine: "and", rules: [{ column: "customer", op: "matchesRegex", value: "_1[0-9]*7$" }] },
        { combine: "and", rules: [{ column: "customer", op: "matchesRegex", value: "_2[0-9]+$" }] },
      ],
      otherRows: true,
    },
  } as RecipeSpec,
  random: {
    kind: "split",
    version: 1,
    params: { mode: "random", ratios: [0.7, 0.2], seed: 42, otherRows: true },
  } as RecipeSpec,
};

let run = 0;
const outDirs = (n: number) =>
  Array.from({ length: n }, (_, i) => {
    const d = path.join(dir, `out-${run}-${i}`);
    mkdirSync(d, { recursive: true });
    return d;
  });

for (const [name, spec] of Object.entries(splits)) {
  const steps: PipelineStep[] = [
    {
      name: "split",
      spec,
      inputs: [{ name: "orders", schema, location: { format: "parquet", path: input } }],
    },
  ];
  const perOutput = compilePipeline({ steps, dialect: "duckdb" }).sqlPerOutput!;
  const together = splitInOneScan(steps);
  if (!together) throw new Error("the split did not compile to one read");

  const old = async () => {
    const dirs = outDirs(perOutput.length);
    // As before: one activity per output, each in a sandbox of its own, two side by side (the
    // worker's default parallelism).
    const rows: number[] = [];
    const one = (i: number) =>
      engine.sandboxed({ read: [input], write: [dirs[i]!] }, (box) =>
        box.runWrite(renderWriteParquet({ selectSql: perOutput[i]!, path: dirs[i]!, dialect: "duckdb" })),
      );
    let next = 0;
    const lane = async () => {
      for (let i = next++; i < perOutput.length; i = next++) rows[i] = await one(i);
    };
    await Promise.all([lane(), lane()]);
    return rows;
  };
  const now = async () => {
    const dirs = outDirs(together.selects.length);
    return engine.sandboxed({ read: [input], write: dirs }, (box) =>
      box.withConnection(async (c) => {
        await c.run(together.setup);
        const rows: number[] = [];
        for (const [i, sql] of together.selects.entries()) {
          const w = renderWriteParquet({ selectSql: sql, path: dirs[i]!, dialect: "duckdb" });
          rows.push(Number((await c.runAndReadAll(w)).getRows()[0]?.[0] ?? 0));
        }
        return rows;
      }),
    );
  };

  const times = { old: [] as number[], new: [] as number[] };
  let counts: { old: number[]; new: number[] } = { old: [], new: [] };
  for (let r = 0; r < RUNS; r++) {
    for (const [k, fn] of [
      ["old", old],
      ["new", now],
    ] as const) {
      run++;
      const t0 = performance.now();
      counts = { ...counts, [k]: await fn() };
      times[k].push(performance.now() - t0);
    }
  }
  if (JSON.stringify(counts.old) !== JSON.stringify(counts.new))
    throw new Error(`different rows: ${counts.old} vs ${counts.new}`);
  const best = { old: Math.min(...times.old), new: Math.min(...times.new) };
  console.log(
    `split by ${name}, ${ROWS.toLocaleString("en")} rows -> ${counts.new.join(" + ")} rows: ` +
      `old (one read per output) ${best.old.toFixed(0)} ms, new (one read) ${best.new.toFixed(0)} ms, ` +
      `new/old = ${(best.new / best.old).toFixed(2)} (min of ${RUNS})`,
  );
}

engine.close();
rmSync(dir, { recursive: true, force: true });
