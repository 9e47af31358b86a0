import type { ColumnType } from "@sous/contracts";
import { CompileError } from "../errors.ts";
import { cast, col, type Expr, lit } from "../ir/expr.ts";
import { type DerivedColumn, derived, project, type Rel, union } from "../ir/rel.ts";
import { assertUniqueNames } from "../validate/columns.ts";
import type { Lowerer } from "./context.ts";
import { commonType } from "./types.ts";

interface Slot {
  name: string;
  type: ColumnType;
  /** Per input: the column filling this slot, or null (NULL is used). */
  sources: ({ id: Rel["columns"][number]["id"]; type: ColumnType } | null)[];
}

/**
 * Stack (UNION ALL). Each input is projected onto the common column list, casting to the widened
 * type and filling missing columns with typed NULLs, so the union is positional on both engines
 * (no UNION BY NAME, which Spark SQL lacks).
 */
export const lowerStack: Lowerer<"stack"> = (spec, ctx) => {
  if (ctx.inputs.length < 2) {
    throw new CompileError(
      "wrong_input_count",
      `A stack recipe takes at least 2 input datasets, got ${ctx.inputs.length}.`,
      ["inputs"],
    );
  }
  const { mode, columns, originColumn } = spec.params;
  const sources = ctx.sources;
  const slots: Slot[] = [];
  if (mode === "byPosition") {
    const width = sources[0]!.columns.length;
    sources.forEach((s, i) => {
      if (s.columns.length !== width) {
        throw new CompileError(
          "invalid_schema",
          `Stacking by position needs inputs with the same number of columns: "${ctx.inputs[0]!.name}" has ${width}, "${ctx.inputs[i]!.name}" has ${s.columns.length}.`,
          ["params", "mode"],
        );
      }
    });
    sources[0]!.columns.forEach((c, pos) => {
      slots.push({ name: c.name, type: c.type, sources: sources.map((s) => s.columns[pos]!) });
    });
  } else {
    const byKey = new Map<string, Slot>();
    sources.forEach((s, i) => {
      for (const c of s.columns) {
        const key = c.name.toLowerCase();
        let slot = byKey.get(key);
        if (!slot) {
          slot = { name: c.name, type: c.type, sources: sources.map(() => null) };
          byKey.set(key, slot);
          slots.push(slot);
        }
        slot.sources[i] = c;
      }
    });
    if (columns === "intersection") {
      for (let i = slots.length - 1; i >= 0; i--) if (slots[i]!.sources.includes(null)) slots.splice(i, 1);
      if (slots.length === 0) {
        throw new CompileError(
          "invalid_schema",
          "The inputs share no column; stack by union or by position.",
          ["params", "columns"],
        );
      }
    }
  }
  for (const slot of slots) {
    let type: ColumnType | null = null;
    slot.sources.forEach((src, i) => {
      if (!src) return;
      const next: ColumnType | null = type === null ? src.type : commonType(type, src.type);
      if (next === null) {
        throw new CompileError(
          "invalid_column_type",
          `Column "${slot.name}" is ${type} in one input but ${src.type} in "${ctx.inputs[i]!.name}"; convert one of them first.`,
          ["inputs", i],
        );
      }
      type = next;
    });
    slot.type = type!;
  }
  const names = slots.map((s) => ({ name: s.name, path: ["inputs"] as (string | number)[] }));
  if (originColumn !== undefined) names.push({ name: originColumn, path: ["params", "originColumn"] });
  assertUniqueNames(names);

  const branches = sources.map((s, i) => {
    const cols: DerivedColumn[] = slots.map((slot) => {
      const src = slot.sources[i];
      const expr: Expr = !src
        ? lit(null, slot.type)
        : src.type === slot.type
          ? col(src.id, src.type)
          : cast(col(src.id, src.type), slot.type);
      return derived(ctx.ids, slot.name, expr);
    });
    if (originColumn !== undefined)
      cols.push(derived(ctx.ids, originColumn, lit(ctx.inputs[i]!.name, "string")));
    return project(ctx.ids, s, cols);
  });
  return { outputs: [union(ctx.ids, branches)], steps: ["stack"], warnings: [] };
};
