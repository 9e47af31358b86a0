// The remote path on real Spark for what golden-remote does not cover: every output of every
// split fixture (the statement the worker sends for that output, `sqlPerOutput[k]`) and every
// SQL code recipe of the conformance corpus, compiled for Spark over DuckDB-written Parquet on
// the mount, run through the emulator over Thrift with the unmodified @databricks/sql driver.
// Rows, names and types must be those of the same SQL run directly on Spark, ANSI on and off.
import { compileRecipe } from "@sous/compiler";
import { sparkLocalAvailability } from "@sous/spark-local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { splitCases } from "../../../scripts/conformance/sources/fixtures.ts";
import { sqlRecipeCases } from "../../../scripts/conformance/sources/sql-recipe.ts";
import type { ConformanceCase } from "../../../scripts/conformance/types.ts";
import { ANSI, expectSameAsSpark, type RemoteHarness, startRemoteHarness } from "./remote-compare.ts";

const available = sparkLocalAvailability();
const title = available.ok
  ? "split outputs and SQL code recipes through the emulator equal Spark"
  : `split outputs and SQL code recipes through the emulator equal Spark: SKIPPED, ${available.reason}`;

const splits = splitCases();
const sqlRecipes = sqlRecipeCases();
const cases: ConformanceCase[] = [...splits, ...sqlRecipes];

describe.skipIf(!available.ok)(title, () => {
  let h: RemoteHarness;
  const sql = new Map<string, string>();
  const refused = new Map<string, string>();

  beforeAll(async () => {
    h = await startRemoteHarness("split-sql-remote");
    // Inputs are written once per distinct input (every SQL case reads the same `t`).
    const written = new Map<string, string>();
    for (const [n, c] of cases.entries()) {
      const paths: string[] = [];
      for (const input of c.inputs) {
        const key = JSON.stringify(input);
        let at = written.get(key);
        if (!at) {
          at = await h.writeInput(`in/${written.size}`, input);
          written.set(key, at);
        }
        paths.push(at);
      }
      try {
        const compiled = compileRecipe({
          spec: c.spec as never,
          inputs: c.inputs.map((input, i) => ({
            name: input.name,
            schema: input.schema,
            location: { format: "parquet" as const, path: paths[i]! },
          })),
          dialect: "spark",
          ...(c.context ? { context: c.context as never } : {}),
        });
        if (compiled.blocking) refused.set(c.name, compiled.blocking.reason);
        // A split sends one statement per output, as the worker's activity for that output does.
        else
          sql.set(c.name, c.output === undefined ? compiled.sql : (compiled.sqlPerOutput?.[c.output] ?? ""));
      } catch (e) {
        refused.set(`${n} ${c.name}`, (e as Error).message);
      }
    }
  }, 300_000);

  afterAll(async () => {
    await h?.stop();
  });

  it("compiles every split output and SQL recipe for Spark", () => {
    expect(splits.length).toBeGreaterThanOrEqual(8);
    expect(sqlRecipes.length).toBeGreaterThan(50);
    // The corpus holds no query the compiler refuses for Spark: each one runs remotely.
    expect(refused).toEqual(new Map());
    for (const c of splits) expect(sql.get(c.name), c.name).toBeTruthy();
  });

  for (const ansi of ANSI) {
    // Concurrently (vitest's maxConcurrency): Spark plans one statement while it runs another.
    // A statement takes well under a second alone; the margin is for a loaded 2-core machine.
    it.concurrent.each(cases.map((c) => [c.name, c] as const))(
      `ANSI ${ansi}: %s`,
      async (name, c) => {
        const statement = sql.get(name);
        if (statement === undefined) return;
        // Both at once: the driver's polling leaves Spark idle otherwise.
        const pending = h.remote(statement, ansi);
        const want = await h.direct(statement, ansi);
        expectSameAsSpark(want, await pending, c.ordered);
      },
      180_000,
    );
  }
});
