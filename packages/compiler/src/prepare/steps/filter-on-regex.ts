import { defineStep, rowFilter, sketch, str } from "../step.ts";
import { regexMatch } from "./match.ts";

export default defineStep({
  type: "FilterOnRegex",
  label: "Filter on a regular expression",
  category: "rows",
  description: "Keeps (or removes) rows whose cell contains a match of the regex.",
  calls: (p) => [sketch.call("regexp_like", [sketch.column, str(p.pattern)], "boolean")],
  apply(frame, p, ctx) {
    const c = frame.get(p.column, [...ctx.path, "column"]);
    rowFilter(frame, regexMatch(c, p.pattern, ctx, ctx.path), p.action);
  },
});
