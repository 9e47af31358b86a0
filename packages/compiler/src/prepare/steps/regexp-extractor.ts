import { CompileError } from "../../errors.ts";
import { checkRegex, groupCount } from "../sql/regex.ts";
import { defineStep, int, requireType, sketch, str } from "../step.ts";

export default defineStep({
  type: "RegexpExtractor",
  label: "Extract with a regular expression",
  category: "strings",
  description: "Puts the groups of the first match into new columns; '' when nothing matches (Spark).",
  calls: (p) => [sketch.ext("regexp_extract", [sketch.column, str(p.pattern), int(1)])],
  apply(frame, p, ctx) {
    checkRegex(p.pattern, [...ctx.path, "pattern"]);
    const c = frame.get(p.column, [...ctx.path, "column"]);
    requireType(c, "string", "string", [...ctx.path, "column"]);
    const groups = groupCount(p.pattern);
    if (groups < p.outputs.length) {
      throw new CompileError(
        "invalid_value",
        `The regex has ${groups} capturing groups but ${p.outputs.length} output columns are named.`,
        [...ctx.path, "outputs"],
      );
    }
    let after = c.name;
    p.outputs.forEach((name, i) => {
      frame.insertAfter(
        after,
        name,
        ctx.fn("regexp_extract", [c.expr, str(p.pattern), int(i + 1)], "string"),
        [...ctx.path, "outputs", i],
      );
      after = name;
    });
  },
});
