import type { ColumnType } from "@sous/contracts";
import { CompileError } from "../../errors.ts";
import type { Expr } from "../../ir/expr.ts";
import { commonType } from "../../lower/types.ts";
import type { Frame, FrameColumn } from "../frame.ts";
import { asString, type Path, type StepContext, str } from "../step.ts";

/**
 * Columns to rows: one output row per input row and folded column, with the column's name in
 * `keyColumn` and its value in `valueColumn` (a common type, or text). A UNION ALL of projections.
 */
export function fold(
  frame: Frame,
  folded: readonly FrameColumn[],
  keyColumn: string,
  valueColumn: string,
  ctx: StepContext,
  path: Path,
): void {
  if (folded.length === 0) throw new CompileError("invalid_spec", "No column to fold.", path);
  let type: ColumnType | null = folded[0]!.expr.type;
  for (const c of folded) type = type === null ? null : commonType(type, c.expr.type);
  const valueType = type ?? "string";
  const names = new Set(folded.map((c) => c.name));
  const kept = frame.cols.filter((c) => !names.has(c.name));
  const check = kept.map((c) => c.name);
  for (const n of [keyColumn, valueColumn]) {
    if (
      check.some((k) => k.toLowerCase() === n.toLowerCase()) ||
      (n === valueColumn && n.toLowerCase() === keyColumn.toLowerCase())
    ) {
      throw new CompileError(
        "duplicate_output_name",
        `Column "${n}" already exists; choose another name.`,
        path,
      );
    }
  }
  frame.settle();
  const value = (c: FrameColumn): Expr =>
    c.expr.type === valueType
      ? c.expr
      : valueType === "string"
        ? asString(c.expr, ctx)
        : { kind: "cast", arg: c.expr, type: valueType };
  frame.unionOf(
    folded.map((c) => [
      ...kept.map((k) => ({ name: k.name, expr: k.expr })),
      { name: keyColumn, expr: str(c.name) },
      { name: valueColumn, expr: value(c) },
    ]),
  );
}
