import { defineStep } from "../step.ts";
import { emptyMatch } from "./match.ts";

export default defineStep({
  type: "FlagOnEmpty",
  label: "Flag rows with empty cells",
  category: "rows",
  description: "A boolean column: true where any (or all) of the columns is NULL or ''.",
  apply(frame, p, ctx) {
    const cols = p.columns.map((name, i) => frame.get(name, [...ctx.path, "columns", i]));
    frame.set(p.output, emptyMatch(cols, p.mode), [...ctx.path, "output"]);
  },
});
