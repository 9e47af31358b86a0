// bench/compiler.ts: the compiler's figures (issue 4).
//   1. compile time of a 50-recipe pipeline (goal < 50 ms), p50 over 50 runs
//   2. DuckDB run time of the compiled SQL next to hand-written SQL for the same logic on
//      10M rows, in the same process (goal <= 1.1x)
// Run: pnpm exec tsx bench/compiler.ts
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type CompileInput, compilePipeline, type PipelineStep } from "@sous/compiler";
import type { RecipeSpec } from "@sous/contracts";
import { duckString, LocalEngine } from "@sous/engine-local";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

const input = (dir: string): CompileInput => ({
  name: "events",
  schema: [
    { name: "user_id", type: "bigint" },
    { name: "country", type: "string" },
    { name: "amount", type: "double" },
    { name: "day", type: "date" },
  ],
  location: { format: "parquet", path: dir },
});

/** filter -> sync(rename) repeated, then group and sort: a long but realistic chain. */
function chain(n: number, dir: string): PipelineStep[] {
  const steps: PipelineStep[] = [];
  let amount = "amount";
  for (let i = 0; i < n - 2; i++) {
    const from: PipelineStep["inputs"][number] = i === 0 ? input(dir) : { step: i - 1 };
    if (i % 2 === 0) {
      const spec: RecipeSpec = {
        kind: "filter",
        version: 1,
        params: {
          filter: { combine: "and", rules: [{ column: amount, op: "gt", value: -1 - i }] },
          sampling: { method: "all" },
        },
      };
      steps.push({ name: `filter_${i}`, spec, inputs: [from] });
    } else {
      const next = `amount_${i}`;
      const spec: RecipeSpec = {
        kind: "sync",
        version: 1,
        params: {
          columns: [
            { column: "user_id" },
            { column: "country" },
            { column: amount, as: next },
            { column: "day" },
          ],
        },
      };
      steps.push({ name: `rename_${i}`, spec, inputs: [from] });
      amount = next;
    }
  }
  steps.push({
    name: "by_country",
    spec: {
      kind: "group",
      version: 1,
      params: {
        keys: ["country"],
        aggregations: [{ column: amount, fn: "sum", as: "total" }],
        globalCount: true,
      },
    },
    inputs: [{ step: steps.length - 1 }],
  });
  steps.push({
    name: "sorted",
    spec: { kind: "sort", version: 1, params: { keys: [{ column: "total", direction: "desc" }] } },
    inputs: [{ step: steps.length - 1 }],
  });
  return steps;
}

const dir = path.join(tmpdir(), `sous-bench-compiler-${randomBytes(4).toString("hex")}`);
mkdirSync(dir, { recursive: true });

const times: number[] = [];
let sql = "";
for (let i = 0; i < 50; i++) {
  const t0 = performance.now();
  sql = compilePipeline({ steps: chain(50, dir), dialect: "duckdb" }).sql;
  times.push(performance.now() - t0);
}
console.log(`compile a 50-recipe pipeline: p50 ${median(times).toFixed(2)} ms (goal < 50 ms)`);

const engine = await LocalEngine.create({ allowedDirectories: [dir] });
await engine.withConnection((c) =>
  c.run(
    `COPY (SELECT (i % 1000000)::BIGINT AS user_id, ['FR','DE','US','JP','BR'][1 + (i % 5)] AS country, ((i * 7919) % 100000) / 100.0 AS amount, DATE '2024-01-01' + (i % 365)::INTEGER AS day FROM range(10000000) t(i)) TO ${duckString(path.join(dir, "part-0.parquet"))} (FORMAT parquet)`,
  ),
);
const handWritten = `SELECT country, count(*) AS count, sum(amount) AS total FROM read_parquet(${duckString(path.join(dir, "*.parquet"))}) WHERE amount > -1 GROUP BY country ORDER BY total DESC NULLS LAST`;
const run = (q: string) => engine.withConnection((c) => c.runAndReadAll(q).then((r) => r.getRows()));
const compiledT: number[] = [];
const handT: number[] = [];
for (let i = 0; i < 6; i++) {
  for (const [q, out] of [
    [sql, compiledT],
    [handWritten, handT],
  ] as const) {
    const t0 = performance.now();
    await run(q);
    if (i > 0) out.push(performance.now() - t0); // first round warms caches
  }
}
const [a, b] = [await run(sql), await run(handWritten)];
// Parallel summation changes the last digits of a double sum, so compare numbers with a tolerance.
const close = (x: unknown, y: unknown): boolean =>
  typeof x === "number" || typeof x === "bigint"
    ? Math.abs(Number(x) - Number(y)) <= 1e-9 * Math.max(1, Math.abs(Number(x)))
    : Array.isArray(x) && Array.isArray(y)
      ? x.length === y.length && x.every((v, i) => close(v, y[i]))
      : x === y;
if (!close(a, b)) console.log("WARNING: compiled and hand-written results differ");
console.log(
  `10M rows, 50-recipe pipeline vs hand-written SQL on DuckDB: ${median(compiledT).toFixed(0)} ms vs ${median(handT).toFixed(0)} ms, ratio ${(median(compiledT) / median(handT)).toFixed(2)}x (goal <= 1.1x)`,
);
engine.close();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
