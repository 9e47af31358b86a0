import { CompileError } from "../../errors.ts";
import { defineStep } from "../step.ts";

export default defineStep({
  type: "ColumnReorder",
  label: "Move columns",
  category: "columns",
  description: "Moves columns to the start, the end, or before/after another column.",
  apply(frame, p, ctx) {
    const moved = p.columns.map((name, i) => frame.get(name, [...ctx.path, "columns", i]));
    const names = new Set(moved.map((c) => c.name));
    const rest = frame.cols.filter((c) => !names.has(c.name));
    if (p.position === "start") frame.cols = [...moved, ...rest];
    else if (p.position === "end") frame.cols = [...rest, ...moved];
    else {
      if (p.reference === undefined) {
        throw new CompileError("invalid_spec", `Moving ${p.position} a column needs a reference column.`, [
          ...ctx.path,
          "reference",
        ]);
      }
      const ref = frame.get(p.reference, [...ctx.path, "reference"]);
      if (names.has(ref.name)) {
        throw new CompileError("invalid_spec", "The reference column cannot be one of the moved columns.", [
          ...ctx.path,
          "reference",
        ]);
      }
      const at = rest.findIndex((c) => c.name === ref.name) + (p.position === "after" ? 1 : 0);
      frame.cols = [...rest.slice(0, at), ...moved, ...rest.slice(at)];
    }
  },
});
