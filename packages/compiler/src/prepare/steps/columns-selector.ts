import { CompileError } from "../../errors.ts";
import { defineStep } from "../step.ts";

export default defineStep({
  type: "ColumnsSelector",
  label: "Delete or keep columns",
  category: "columns",
  description: "Deletes the selected columns, or keeps only them; by name and/or by a name pattern.",
  apply(frame, p, ctx) {
    const selected = new Set(p.columns.map((name, i) => frame.get(name, [...ctx.path, "columns", i]).name));
    if (p.pattern !== undefined) {
      let re: RegExp;
      try {
        re = new RegExp(`^(?:${p.pattern})$`, "u");
      } catch (e) {
        throw new CompileError("invalid_value", `Invalid name pattern: ${(e as Error).message}`, [
          ...ctx.path,
          "pattern",
        ]);
      }
      for (const c of frame.cols) if (re.test(c.name)) selected.add(c.name);
    }
    frame.cols = frame.cols.filter((c) => selected.has(c.name) === p.keep);
    if (frame.cols.length === 0) {
      throw new CompileError("invalid_spec", "This step would remove every column.", ctx.path);
    }
  },
});
