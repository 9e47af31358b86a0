import { UnsupportedError } from "../errors.ts";
import type { Expr } from "../ir/expr.ts";
import type { SqlDialect } from "../render/dialect.ts";
import type { Dialect } from "../types.ts";
import { assessEntry, type CatalogFunction, type FnExpr, type NotFull } from "./function.ts";
import { type ExtFunction, PREPARE_FUNCTIONS } from "./prepare-functions.ts";
import { SCALAR_FUNCTIONS } from "./scalars.ts";

export { type FnExpr, type NotFull, worseVerdict } from "./function.ts";
/**
 * The one function catalog: the IR's scalar functions (`call` nodes, the core and the formula
 * language's) and the prepare steps' extension functions (`ext` nodes), each with its SQL per
 * dialect and the conditions under which a dialect differs from Spark. The renderer draws its
 * SQL from here and `translatability.ts` (and the prepare lowering) its verdicts, so a rendering
 * and its badge cannot drift apart.
 */
export type { ExtFunctionName } from "./prepare-functions.ts";

function catalogEntry(e: FnExpr): CatalogFunction<FnExpr> {
  if (e.kind === "call") return SCALAR_FUNCTIONS[e.fn] as CatalogFunction<FnExpr>;
  const entry: ExtFunction | undefined = Object.hasOwn(PREPARE_FUNCTIONS, e.fn)
    ? (PREPARE_FUNCTIONS as Record<string, ExtFunction>)[e.fn]
    : undefined;
  if (!entry) throw new Error(`compiler bug: unknown extension function ${e.fn}`);
  return entry as CatalogFunction<FnExpr>;
}

/** A call's SQL on a dialect, its arguments already rendered; refuses where the dialect has none. */
export function renderFunction(e: FnExpr, args: readonly string[], d: SqlDialect): string {
  const entry = catalogEntry(e);
  const render = entry.render[d.name];
  if (!render) {
    throw new UnsupportedError(
      d.name,
      `function ${e.fn}`,
      e.kind === "ext" ? "it only runs on the local engine" : entry.unavailable,
    );
  }
  return render(args, e, d);
}

/** The catalog's verdict for one expression node on a dialect (undefined: full, or not a function call). */
export function assessFunction(e: Expr, dialect: Dialect): NotFull | undefined {
  return e.kind === "call" || e.kind === "ext" ? assessEntry(catalogEntry(e), e, dialect) : undefined;
}
