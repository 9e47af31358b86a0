// bench/sandbox.ts: what the SQL recipe sandbox costs (issue 11).
//   1. a recipe preview (a group on a 10,000-row sample, first 51 rows) on the shared engine vs
//      in its sandbox (reused per set of inputs), p50 over 40 runs each, interleaved; and the
//      first preview of a new set of inputs, which opens a sandbox (a new locked DuckDB)
//   2. a 1M-row build write (COPY of a group) on the shared engine vs in a new sandbox per run
//   3. the SQL recipe checker (tokens, Spark parse, scope walk) on a 40-line query, p50 of 200
// Run: pnpm exec tsx bench/sandbox.ts
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { compileRecipe } from "@sous/compiler";
import { duckString, LocalEngine } from "@sous/engine-local";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const time = async (fn: () => Promise<unknown>) => {
  const t = performance.now();
  await fn();
  return performance.now() - t;
};

const root = mkdtempSync(path.join(tmpdir(), "sous-bench-sandbox-"));
const sample = path.join(root, "sample");
const big = path.join(root, "big");
const out = path.join(root, "out");
for (const d of [sample, big, out]) mkdirSync(d, { recursive: true });
const engine = await LocalEngine.create({ allowedDirectories: [root] });
await engine.runWrite(
  `COPY (SELECT i AS id, 'c' || (i % 97) AS customer, (i % 1000) / 10.0 AS amount FROM range(10000) t(i)) TO ${duckString(`${sample}/part-0.parquet`)}`,
);
await engine.runWrite(
  `COPY (SELECT i AS id, 'c' || (i % 9973) AS customer, (i % 1000) / 10.0 AS amount FROM range(1000000) t(i)) TO ${duckString(`${big}/part-0.parquet`)}`,
);

const input = (dir: string) => ({
  name: "orders",
  schema: [
    { name: "id", type: "bigint" as const },
    { name: "customer", type: "string" as const },
    { name: "amount", type: "double" as const },
  ],
  location: { format: "parquet" as const, path: dir },
});
const sql = (dir: string) =>
  compileRecipe({
    spec: {
      kind: "sql",
      version: 1,
      params: { sql: "SELECT customer, count(*) AS n, sum(amount) AS total FROM orders GROUP BY customer" },
    },
    inputs: [input(dir)],
    dialect: "duckdb",
  }).sql;

// 1. previews
const previewSql = `SELECT * FROM (${sql(sample)}) LIMIT 51`;
const shared: number[] = [];
const boxed: number[] = [];
for (let i = 0; i < 40; i++) {
  shared.push(await time(() => engine.withConnection((c) => c.runAndReadAll(previewSql))));
  boxed.push(
    await time(() =>
      engine.sandboxed({ read: [sample] }, (box) => box.withConnection((c) => c.runAndReadAll(previewSql))),
    ),
  );
}
// A first preview of a new set of inputs opens its sandbox (later ones reuse it).
const cold: number[] = [];
for (let i = 0; i < 20; i++) {
  const extra = path.join(root, `extra-${i}`);
  mkdirSync(extra);
  cold.push(
    await time(() =>
      engine.sandboxed({ read: [sample, extra] }, (box) =>
        box.withConnection((c) => c.runAndReadAll(previewSql)),
      ),
    ),
  );
}
console.log(`first preview of new inputs p50: ${median(cold).toFixed(1)} ms`);
console.log(
  `preview p50: shared ${median(shared).toFixed(1)} ms, sandboxed ${median(boxed).toFixed(1)} ms (${(median(boxed) / median(shared)).toFixed(2)}x, +${(median(boxed) - median(shared)).toFixed(1)} ms)`,
);

// 2. build writes
const write = `COPY (${sql(big)}) TO ${duckString(`${out}/part-0.parquet`)} (FORMAT parquet)`;
const wShared: number[] = [];
const wBoxed: number[] = [];
for (let i = 0; i < 5; i++) {
  wShared.push(await time(() => engine.runWrite(write)));
  wBoxed.push(
    await time(() => engine.sandboxed({ read: [big], write: [out] }, (box) => box.runWrite(write))),
  );
}
console.log(
  `1M-row build write p50: shared ${median(wShared).toFixed(0)} ms, sandboxed ${median(wBoxed).toFixed(0)} ms (${(median(wBoxed) / median(wShared)).toFixed(2)}x)`,
);

// 3. the checker
const query = Array.from(
  { length: 10 },
  (_v, i) =>
    `WITH c${i} AS (\n  SELECT customer, sum(amount) AS t${i}\n  FROM orders WHERE id > ${i}\n  GROUP BY customer\n)`,
)
  .join(",\n")
  .replace(/\),\nWITH /g, "),\n");
const full = `${query}\nSELECT * FROM c0 JOIN c9 USING (customer) WHERE customer IN (SELECT customer FROM c5)`;
const checks: number[] = [];
for (let i = 0; i < 200; i++)
  checks.push(
    await time(async () =>
      compileRecipe({
        spec: { kind: "sql", version: 1, params: { sql: full } },
        inputs: [input(sample)],
        dialect: "spark",
      }),
    ),
  );
console.log(
  `SQL recipe check + compile (${full.split("\n").length} lines) p50: ${median(checks).toFixed(2)} ms`,
);

engine.close();
rmSync(root, { recursive: true, force: true });
