import type { CallExpr, Expr, ExtExpr } from "../ir/expr.ts";
import type { SqlDialect } from "../render/dialect.ts";
import type { Dialect, Translatability } from "../types.ts";

/**
 * One entry of the function catalog, in the style of PRQL's standard library with Malloy's
 * per-dialect overrides: what a function computes (always Spark's semantics, the same under both
 * ANSI settings), and per dialect either its SQL or nothing. The engine verdicts are derived from
 * the entry, never declared elsewhere:
 * - no rendering for a dialect: `none` there (`unavailable` says why);
 * - a rendering whose result can differ from Spark's: `partial`, with the condition `differs`
 *   names for that call (it may read the call's literal arguments and types);
 * - otherwise `full`, which the conformance suite holds against real Spark.
 */
export type FnExpr = CallExpr | ExtExpr;

/** SQL of a call whose arguments are already rendered; `d` quotes literals and names types. */
export type Render<E extends FnExpr = FnExpr> = (args: readonly string[], e: E, d: SqlDialect) => string;

export type NotFull = Exclude<Translatability, { level: "full" }>;

export interface CatalogFunction<E extends FnExpr = FnExpr> {
  /** null: the dialect has no form for it. */
  readonly render: Record<Dialect, Render<E> | null>;
  /** Why a dialect has no rendering (the `none` verdict's reason). */
  readonly unavailable?: string;
  /** Where a dialect's rendering can give other rows than Spark for this call; undefined: it cannot. */
  readonly differs?: Partial<Record<Dialect, (e: E) => NotFull | undefined>>;
}

/** The same SQL on every dialect (a standard rendering). */
export const same = <E extends FnExpr>(render: Render<E>): Record<Dialect, Render<E>> => ({
  spark: render,
  duckdb: render,
});

export const partial = (condition: string): NotFull => ({ level: "partial", condition });

/** A condition that holds for every call of the function on that dialect. */
export const always = (condition: string) => (): NotFull => partial(condition);

/** The value of a string-literal argument the front-end put there (units, patterns, regexes). */
export function literalArg(e: FnExpr, index: number): string {
  const a: Expr | undefined = e.args[index];
  if (a?.kind !== "lit" || typeof a.value !== "string") {
    throw new Error(`compiler bug: argument ${index} of ${e.fn} must be a string literal`);
  }
  return a.value;
}

/** The value of an integer-literal argument the front-end put there (digits, amounts). */
export function literalInt(e: FnExpr, index: number): number {
  const a: Expr | undefined = e.args[index];
  if (a?.kind !== "lit" || typeof a.value !== "number" || !Number.isSafeInteger(a.value)) {
    throw new Error(`compiler bug: argument ${index} of ${e.fn} must be an integer literal`);
  }
  return a.value;
}

/** The verdict the catalog derives for one call on one dialect; undefined: full. */
export function assessEntry<E extends FnExpr>(
  entry: CatalogFunction<E>,
  e: E,
  dialect: Dialect,
): NotFull | undefined {
  if (!entry.render[dialect]) {
    return { level: "none", reason: entry.unavailable ?? `${e.fn} has no ${dialect} form` };
  }
  return entry.differs?.[dialect]?.(e);
}

const RANK: Record<Translatability["level"], number> = { full: 0, partial: 1, none: 2 };

/** The worse of two verdicts; equal partials accumulate their conditions (the first one first). */
export function worseVerdict(a: Translatability, b: Translatability): Translatability {
  if (RANK[b.level] > RANK[a.level]) return b;
  if (a.level === "partial" && b.level === "partial" && !a.condition.includes(b.condition)) {
    return { level: "partial", condition: `${a.condition}; ${b.condition}` };
  }
  return a;
}
