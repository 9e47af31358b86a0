import type { ColumnType } from "@sous/contracts";
import type { FormulaScopeColumn } from "../../formula/check.ts";
import { lowerFormula } from "../../formula/index.ts";
import type { Expr } from "../../ir/expr.ts";
import type { Frame } from "../frame.ts";
import { defineStep, type Path } from "../step.ts";

/**
 * Lowers a formula over the frame's current columns. The frame is materialised first so each
 * visible column is a plain column of `frame.rel`, which is what a formula scope names.
 */
export function lowerFormulaOnFrame(
  frame: Frame,
  text: string,
  opts: { path: Path; origin: string; expect?: ColumnType },
): Expr {
  frame.materialize();
  const scope: FormulaScopeColumn[] = frame.cols.map((c) => {
    if (c.expr.kind !== "col") throw new Error("compiler bug: a materialised frame column is not a column");
    return { id: c.expr.id, name: c.name, type: c.expr.type };
  });
  return lowerFormula(text, scope, { path: opts.path, origin: opts.origin, expect: opts.expect }).expr;
}

export default defineStep({
  type: "CreateColumnWithGREL",
  label: "Formula",
  category: "columns",
  description: "Creates (or overwrites) a column with a formula, e.g. round(amount * 1.2, 2).",
  // The formula's functions are assessed by the dialects when the recipe is compiled.
  apply(frame, p, ctx) {
    const expr = lowerFormulaOnFrame(frame, p.formula, { path: [...ctx.path, "formula"], origin: ctx.id });
    frame.set(p.output, expr, [...ctx.path, "output"]);
  },
});
