import { CompileError } from "../../errors.ts";
import { defineStep } from "../step.ts";
import { fold } from "./fold.ts";

export default defineStep({
  type: "MultiColumnByPatternFold",
  label: "Fold columns by pattern",
  category: "reshape",
  description: "Folds every column whose name matches a pattern into key/value rows.",
  apply(frame, p, ctx) {
    let re: RegExp;
    try {
      re = new RegExp(`^(?:${p.pattern})$`, "u");
    } catch (e) {
      throw new CompileError("invalid_value", `Invalid name pattern: ${(e as Error).message}`, [
        ...ctx.path,
        "pattern",
      ]);
    }
    const cols = frame.cols.filter((c) => re.test(c.name));
    if (cols.length === 0) {
      throw new CompileError("invalid_value", `No column name matches "${p.pattern}".`, [
        ...ctx.path,
        "pattern",
      ]);
    }
    fold(frame, cols, p.keyColumn, p.valueColumn, ctx, ctx.path);
  },
});
