import { CompileError } from "../../errors.ts";
import { defineStep } from "../step.ts";

export default defineStep({
  type: "ColumnRenamer",
  label: "Rename columns",
  category: "columns",
  description: "Renames columns, all at once (a -> b and b -> a swaps them).",
  apply(frame, p, ctx) {
    const to = new Map<string, string>();
    p.renamings.forEach((r, i) => {
      const c = frame.get(r.from, [...ctx.path, "renamings", i, "from"]);
      if (to.has(c.name)) {
        throw new CompileError("invalid_spec", `Column "${c.name}" is renamed twice.`, [
          ...ctx.path,
          "renamings",
          i,
        ]);
      }
      to.set(c.name, r.to);
    });
    frame.cols = frame.cols.map((c) => {
      const name = to.get(c.name);
      return name === undefined ? c : { ...c, name };
    });
    frame.assertUnique([...ctx.path, "renamings"]);
  },
});
