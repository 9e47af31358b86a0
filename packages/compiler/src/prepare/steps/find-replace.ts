import { caseWhen, compare } from "../../ir/expr.ts";
import { checkRegex, groupCount, re2Replacement } from "../sql/regex.ts";
import { defineStep, requireType, sketch, str } from "../step.ts";

export default defineStep({
  type: "FindReplace",
  label: "Find and replace",
  category: "strings",
  description:
    "Replaces text: every literal occurrence, every regex match ($1 inserts a group), or whole cells.",
  calls: (p) =>
    p.mode === "regex" ? [sketch.ext("regexp_replace", [sketch.column, str(p.find), str(p.replace)])] : [],
  apply(frame, p, ctx) {
    if (p.mode === "regex") {
      checkRegex(p.find, [...ctx.path, "find"]);
      re2Replacement(p.replace, groupCount(p.find), [...ctx.path, "replace"]);
    }
    p.columns.forEach((name, i) => {
      const c = frame.get(name, [...ctx.path, "columns", i]);
      requireType(c, "string", "string", [...ctx.path, "columns", i]);
      const x = c.expr;
      const expr =
        p.mode === "literal"
          ? ctx.fn("replace", [x, str(p.find), str(p.replace)], "string")
          : p.mode === "regex"
            ? ctx.fn("regexp_replace", [x, str(p.find), str(p.replace)], "string")
            : caseWhen([{ when: compare("=", x, str(p.find)), result: str(p.replace) }], x, "string");
      frame.set(c.name, expr, [...ctx.path, "columns", i]);
    });
  },
});
