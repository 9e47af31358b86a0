import { coalesceFalse, defineStep, sketch, str } from "../step.ts";
import { regexMatch } from "./match.ts";

export default defineStep({
  type: "FlagOnRegex",
  label: "Flag rows on a regular expression",
  category: "rows",
  description: "A boolean column: true where the cell contains a match of the regex.",
  calls: (p) => [sketch.call("regexp_like", [sketch.column, str(p.pattern)], "boolean")],
  apply(frame, p, ctx) {
    const c = frame.get(p.column, [...ctx.path, "column"]);
    frame.set(p.output, coalesceFalse(regexMatch(c, p.pattern, ctx, ctx.path)), [...ctx.path, "output"]);
  },
});
