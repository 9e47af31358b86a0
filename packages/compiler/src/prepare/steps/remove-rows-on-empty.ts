import { defineStep, rowFilter } from "../step.ts";
import { emptyMatch } from "./match.ts";

export default defineStep({
  type: "RemoveRowsOnEmpty",
  label: "Remove rows with empty cells",
  category: "rows",
  description: "Removes rows where any (or all) of the columns is NULL or ''.",
  apply(frame, p, ctx) {
    const cols = p.columns.map((name, i) => frame.get(name, [...ctx.path, "columns", i]));
    rowFilter(frame, emptyMatch(cols, p.mode), "remove");
  },
});
