import type { SparkResult } from "@sous/spark-local";
import { canon, sousType } from "./compare.ts";
import type { ConformanceCase, Row } from "./types.ts";

/**
 * The recorded expectations (fixture rows, formula `expect`) against Spark: ANSI off values are
 * the expectation, and an ANSI-on error is recorded by its error class.
 */
export interface RecordedCheck {
  c: ConformanceCase;
  /** Why the record disagrees with Spark, or null. */
  disagreement: string | null;
  /** Spark's ANSI-off rows in the fixtures' value format (absent when Spark errored). */
  rows?: Row[];
  ansiOnError?: string;
}

/** A Spark value as the DuckDB test helper returns it, which is how fixtures write values. */
function fixtureValue(v: unknown, sparkType: string): unknown {
  if (v === null || v === undefined) return null;
  const t = sousType(sparkType, "spark");
  if (t.startsWith("timestamp"))
    return String(v)
      .replace("T", " ")
      .replace(/(\.\d*?)0+$/, "$1")
      .replace(/\.$/, "");
  return v;
}

const logical = (t: string) => (t.startsWith("decimal") ? "decimal" : t);

export function checkRecorded(c: ConformanceCase, ansiOn: SparkResult, ansiOff: SparkResult): RecordedCheck {
  const rec = c.recorded!;
  const onError = ansiOn.ok ? undefined : ansiOn.errorClass;
  if (!ansiOff.ok)
    return {
      c,
      disagreement: `Spark (ANSI off) fails: ${ansiOff.errorClass}: ${ansiOff.message.split("\n")[0]}`,
    };
  const rows = ansiOff.rows.map((r) =>
    Object.fromEntries(ansiOff.columns.map((col, i) => [col.name, fixtureValue(r[i], col.type)])),
  );
  const problems: string[] = [];
  const sparkTypes = ansiOff.columns.map((col) => logical(sousType(col.type, "spark")));
  const names = ansiOff.columns.map((col) => col.name);
  if (JSON.stringify(names) !== JSON.stringify(rec.columns.map((x) => x.name)))
    problems.push(`columns [${names.join(", ")}] vs recorded [${rec.columns.map((x) => x.name).join(", ")}]`);
  const recTypes = rec.columns.map((x) => x.type);
  if (recTypes.every((t) => t) && JSON.stringify(sparkTypes) !== JSON.stringify(recTypes))
    problems.push(`types [${sparkTypes.join(", ")}] vs recorded [${recTypes.join(", ")}]`);
  const canonical = (rs: Row[]) => {
    const out = rs.map((r) =>
      JSON.stringify(ansiOff.columns.map((col) => canon(r[col.name] ?? null, sousType(col.type, "spark")))),
    );
    return c.ordered ? out : out.sort();
  };
  const a = canonical(rows);
  const b = canonical(rec.rows);
  if (a.length !== b.length) problems.push(`${a.length} rows vs ${b.length} recorded`);
  const i = a.findIndex((x, k) => !sameJson(x, b[k]));
  if (i >= 0) problems.push(`row ${i}: Spark ${a[i]} vs recorded ${b[i] ?? "(none)"}`);
  if ((rec.ansiOnError ?? null) !== (onError ?? null))
    problems.push(`ANSI on: Spark ${onError ?? "succeeds"} vs recorded ${rec.ansiOnError ?? "success"}`);
  return {
    c,
    disagreement: problems.length > 0 ? problems.join("; ") : null,
    rows,
    ...(onError ? { ansiOnError: onError } : {}),
  };
}

/** Canonical rows as JSON text, doubles within a relative 1e-9. */
function sameJson(x: string, y: string | undefined): boolean {
  if (x === y) return true;
  if (y === undefined) return false;
  const a = JSON.parse(x) as unknown[];
  const b = JSON.parse(y) as unknown[];
  return (
    a.length === b.length &&
    a.every((v, k) => {
      const w = b[k];
      if (typeof v === "number" && typeof w === "number")
        return Math.abs(v - w) <= 1e-9 * Math.max(Math.abs(v), Math.abs(w));
      return JSON.stringify(v) === JSON.stringify(w);
    })
  );
}
