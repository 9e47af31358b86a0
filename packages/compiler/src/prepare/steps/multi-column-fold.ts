import { defineStep } from "../step.ts";
import { fold } from "./fold.ts";

export default defineStep({
  type: "MultiColumnFold",
  label: "Fold columns",
  category: "reshape",
  description: "Turns columns into rows: a key column (the column name) and a value column.",
  apply(frame, p, ctx) {
    const cols = p.columns.map((name, i) => frame.get(name, [...ctx.path, "columns", i]));
    fold(frame, cols, p.keyColumn, p.valueColumn, ctx, ctx.path);
  },
});
