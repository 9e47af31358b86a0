// `npm run conformance`: real Apache Spark is the oracle for the compiler. Each case is one
// compiled recipe (golden, prepare-step and split fixtures; every formula case; every recipe
// kind and step type on edge inputs; the edge-value corpus, regex table, date patterns, decimal
// arithmetic, NULL ordering and NULL join keys) run on Spark under ANSI on and ANSI off with
// Sous' pinned session settings, and on DuckDB; rows and types are compared. A difference on a
// recipe whose DuckDB verdicts are all `full` is unflagged (a wrong verdict or a compiler bug);
// with a `partial` verdict it is flagged; `none` is not run on DuckDB.
//
//   npm run conformance [-- -u] [--strict] [--spark 3.5] [--only <text>] [--quiet] [--cold]
//
// -u rewrites the recorded expectations (fixture rows, formula `expect`) from Spark's output.
// --strict exits 1 when there are unflagged differences or a record disagrees with Spark.
// --cold ignores the cached Spark results (to time a cold run). --spark 3.5 runs the Spark 3.5 profile (DBR 15.4/16.4: ANSI off), building .venv-spark35.
// Exit 2 when there is no Python environment or Java, 3 when Spark cannot start.
import path from "node:path";
import { SPARK_SESSION_SETTINGS } from "@sous/compiler";
import { type SparkResult, sparkLocalAvailability } from "@sous/spark-local";
import { ensurePythonEnv } from "../lib/python-env.mjs";
import { difference, sparkOutcome } from "./compare.ts";
import { type CompiledCase, compileCase } from "./compile-case.ts";
import { openDuck } from "./duck.ts";
import { checkRecorded, type RecordedCheck } from "./recorded.ts";
import { Report } from "./report.ts";
import { datePatternCases } from "./sources/dates.ts";
import { decimalCases } from "./sources/decimal.ts";
import { edgeValueCases, edgeVariantCases } from "./sources/edge.ts";
import { goldenCases, prepareFixtureCases, splitCases } from "./sources/fixtures.ts";
import { formulaCases } from "./sources/formula.ts";
import { orderingCases } from "./sources/ordering.ts";
import { regexCases } from "./sources/regex.ts";
import { sqlRecipeCases } from "./sources/sql-recipe.ts";
import { pysparkVersion, type SparkJob, sparkRunner } from "./spark-cache.ts";
import type { Outcome } from "./types.ts";
import { updateRecorded } from "./update.ts";

const root = path.resolve(import.meta.dirname, "../..");
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const update = flag("-u") || flag("--update");
const strict = flag("--strict");
const quiet = flag("--quiet");
const cold = flag("--cold");
const only = option("--only");
const profile = option("--spark") === "3.5" ? "spark3.5" : "default";
const started = Date.now();

// Spark 4 runtimes (DBR 17.3+) default to ANSI on and users may turn it off: both must hold.
// Spark 3.5 runtimes (DBR 15.4/16.4) run with ANSI off, Spark 3.5's default.
const SETTINGS =
  profile === "default"
    ? [
        { label: "ANSI on", ansi: "true" },
        { label: "ANSI off", ansi: "false" },
      ]
    : [{ label: "ANSI off", ansi: "false" }];

const venv = path.join(root, profile === "default" ? ".venv" : ".venv-spark35");
if (
  profile !== "default" &&
  !ensurePythonEnv(root, (m: string) => console.log(`[conformance] ${m}`), profile)
) {
  console.error("conformance: cannot build the Spark 3.5 environment (.venv-spark35)");
  process.exit(2);
}
const python = path.join(venv, "bin", "python");
const availability = sparkLocalAvailability(python);
if (!availability.ok) {
  console.error(`conformance: cannot run, ${availability.reason}`);
  process.exit(2);
}
const version = pysparkVersion(venv);
const cacheDir = path.join(root, ".cache/conformance");

const sources = [
  goldenCases(),
  prepareFixtureCases(),
  splitCases(),
  formulaCases(),
  edgeVariantCases(),
  edgeValueCases(),
  regexCases(),
  datePatternCases(),
  decimalCases(),
  orderingCases(),
  sqlRecipeCases(),
];
const cases = sources.flat().filter((c) => !only || c.name.includes(only) || c.source.includes(only));

const duck = await openDuck(cacheDir);
const compiled: CompiledCase[] = [];
for (const c of cases) compiled.push(await compileCase(c, duck));
const runnable = compiled.filter((cc) => !cc.skipped);
const duckOutcomes = new Map<CompiledCase, Outcome>();
for (const cc of runnable)
  duckOutcomes.set(
    cc,
    cc.duckNone ? { error: "not run", message: cc.duckNone } : await duck.run(cc.duckSql, cc.c.ordered),
  );
duck.close();

const spark = sparkRunner({ python, version, cacheDir: path.join(cacheDir, profile), cold });
const results = new Map<string, SparkResult[]>();
try {
  for (const s of SETTINGS) {
    const conf = { ...SPARK_SESSION_SETTINGS, "spark.sql.ansi.enabled": s.ansi };
    const jobs: SparkJob[] = runnable.map((cc) => ({
      sql: cc.sparkSql,
      source: cc.c.source,
      inputsHash: cc.inputsHash,
      conf,
    }));
    results.set(s.label, await spark.run(jobs));
  }
} catch (e) {
  console.error(`conformance: local Spark failed: ${(e as Error).message}`);
  await spark.stop();
  process.exit(3);
}
await spark.stop();

const report = new Report();
for (const cc of compiled) if (cc.skipped) report.skip(cc);
const recordedChecks: RecordedCheck[] = [];
for (const [i, cc] of runnable.entries()) {
  for (const s of SETTINGS) {
    const onSpark = sparkOutcome(results.get(s.label)![i]!, cc.c.ordered);
    report.add(cc, s.label, difference(onSpark, duckOutcomes.get(cc)!));
  }
  if (cc.c.recorded && profile === "default")
    recordedChecks.push(checkRecorded(cc.c, results.get("ANSI on")![i]!, results.get("ANSI off")![i]!));
}

const log = (line: string) => console.log(line);
if (!quiet) for (const line of report.flaggedLines) log(line);
report.printSubjects(log);
report.printSources(log);
const disagreeing = recordedChecks.filter((k) => k.disagreement);
for (const k of disagreeing) log(`recorded   ${k.c.name}: Spark vs recorded: ${k.disagreement}`);
if (update) {
  // --formula-cases <file>: rewrite that copy of formula-cases.ts instead (to commit the rewrite alone).
  const written = await updateRecorded(
    disagreeing,
    option("--formula-cases") ? path.resolve(option("--formula-cases")!) : undefined,
  );
  log(
    `[conformance] -u: ${disagreeing.filter((k) => k.rows).length} recorded expectations rewritten from Spark ${version} in ${written.length} files`,
  );
}
for (const line of report.unflaggedLines) log(line);
const st = spark.stats();
if (st.runs > 0)
  log(
    `[conformance] Spark time per source: ${[...st.perSource]
      .map(([source, ms]) => `${source} ${(ms / 1000).toFixed(1)} s`)
      .join(", ")}`,
  );
log(
  `[conformance] ${cases.length} recipes (${runnable.length} run), ${st.runs} Spark runs, ${st.cached} cached; ` +
    `Spark time ${((st.sparkMs + st.startupMs) / 1000).toFixed(1)} s (startup ${(st.startupMs / 1000).toFixed(1)} s); ` +
    `${disagreeing.length} recorded expectations disagree with Spark; total ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
const total = report.equal + report.flagged + report.unflagged;
const settings = SETTINGS.length === 2 ? "ANSI on and off" : "ANSI off";
log(
  `conformance: ${total} cases on Spark ${version.split(".").slice(0, 2).join(".")} (${settings}): ` +
    `${report.equal} equal, ${report.flagged} flagged, ${report.unflagged} unflagged differences`,
);
process.exit(strict && (report.unflagged > 0 || (!update && disagreeing.length > 0)) ? 1 : 0);
