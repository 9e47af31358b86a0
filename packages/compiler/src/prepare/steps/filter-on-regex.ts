import { re2Problem } from "../sql/regex.ts";
import { BOTH_FULL, defineStep, none, rowFilter } from "../step.ts";
import { regexMatch } from "./match.ts";

export default defineStep({
  type: "FilterOnRegex",
  label: "Filter on a regular expression",
  category: "rows",
  description: "Keeps (or removes) rows whose cell contains a match of the regex.",
  engines: (p) => {
    const problem = re2Problem(p.pattern);
    return problem ? { spark: BOTH_FULL.spark, duckdb: none(problem) } : BOTH_FULL;
  },
  apply(frame, p, ctx) {
    const c = frame.get(p.column, [...ctx.path, "column"]);
    rowFilter(frame, regexMatch(c, p.pattern, ctx, ctx.path), p.action);
  },
});
