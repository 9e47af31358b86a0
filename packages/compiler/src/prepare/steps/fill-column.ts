import type { ColumnType } from "@sous/contracts";
import { lit } from "../../ir/expr.ts";
import { literalFor } from "../../lower/literals.ts";
import { defineStep } from "../step.ts";

export default defineStep({
  type: "FillColumn",
  label: "Fill column with a value",
  category: "columns",
  description: "Sets every cell of a column (new or existing) to one value.",
  apply(frame, p, ctx) {
    const v = p.value;
    const type: ColumnType =
      p.type ??
      (typeof v === "boolean"
        ? "boolean"
        : typeof v === "number"
          ? Number.isInteger(v) && Math.abs(v) < 2 ** 31
            ? "integer"
            : "double"
          : "string");
    const expr = v === null ? lit(null, type) : literalFor(type, v, p.output, [...ctx.path, "value"]);
    frame.set(p.output, expr, [...ctx.path, "output"]);
  },
});
