import { CompileError } from "../../errors.ts";
import { checkRegex, groupCount, re2Problem } from "../sql/regex.ts";
import { BOTH_FULL, defineStep, int, none, requireType, str } from "../step.ts";

export default defineStep({
  type: "RegexpExtractor",
  label: "Extract with a regular expression",
  category: "strings",
  description: "Puts the groups of the first match into new columns; '' when nothing matches (Spark).",
  engines: (p) => {
    const problem = re2Problem(p.pattern);
    return problem ? { spark: BOTH_FULL.spark, duckdb: none(problem) } : BOTH_FULL;
  },
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
