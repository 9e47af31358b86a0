import { defineStep, rowFilter } from "../step.ts";
import { badTypeMatch } from "./match.ts";

export default defineStep({
  type: "FilterOnBadType",
  label: "Filter rows invalid for a type",
  category: "rows",
  description: "Keeps (or removes) rows whose non-empty cell does not convert to a type.",
  apply(frame, p, ctx) {
    const c = frame.get(p.column, [...ctx.path, "column"]);
    rowFilter(frame, badTypeMatch(c, p.type, ctx, ctx.path), p.action);
  },
});
