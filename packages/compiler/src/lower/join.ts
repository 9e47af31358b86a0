import type { JoinType as SpecJoinType } from "@sous/contracts";
import { CompileError } from "../errors.ts";
import { and, call, col, compare, type Expr } from "../ir/expr.ts";
import { type DerivedColumn, derived, type JoinType, join, type OutColumn } from "../ir/rel.ts";
import { assertUniqueNames, resolveColumn } from "../validate/columns.ts";
import { requireInputCount } from "../validate/inputs.ts";
import { inputLabel, type Lowerer } from "./context.ts";
import { commonType } from "./types.ts";

type Path = (string | number)[];

const IR_TYPE: Record<SpecJoinType, JoinType> = {
  inner: "inner",
  left: "left",
  right: "right",
  full: "full",
  cross: "cross",
  leftAnti: "left_anti",
};

/**
 * Join of two inputs. Output: the first input's columns, then the second's (minus its keys when
 * `dropRightKeys`), each side optionally prefixed. NULL keys never match, on both engines.
 */
export const lowerJoin: Lowerer<"join"> = (spec, ctx) => {
  requireInputCount("join", ctx.inputs, 2);
  const [left, right] = [ctx.sources[0]!, ctx.sources[1]!];
  const { type, on, leftPrefix = "", rightPrefix = "", dropRightKeys } = spec.params;
  if (type === "cross" && on.length > 0) {
    throw new CompileError(
      "invalid_spec",
      "A cross join takes no join conditions; remove them or pick another type.",
      ["params", "on"],
    );
  }
  if (type !== "cross" && on.length === 0) {
    throw new CompileError("invalid_spec", `A ${type} join needs at least one pair of columns to match.`, [
      "params",
      "on",
    ]);
  }
  const pairs = on.map((p, i) => {
    const l = resolveColumn(left, p.left, ["params", "on", i, "left"], inputLabel(ctx, 0));
    const r = resolveColumn(right, p.right, ["params", "on", i, "right"], inputLabel(ctx, 1));
    const common = commonType(l.type, r.type);
    if (common === null) {
      throw new CompileError(
        "invalid_column_type",
        `Cannot match "${l.name}" (${l.type}) with "${r.name}" (${r.type}): convert one of them first.`,
        ["params", "on", i],
      );
    }
    return { l, r, common };
  });
  const condition: Expr | null =
    pairs.length === 0
      ? null
      : and(pairs.map(({ l, r }) => compare("=", col(l.id, l.type), col(r.id, r.type), "join")));

  const names: { name: string; path: Path }[] = [];
  const columns: DerivedColumn[] = [];
  const add = (name: string, expr: Expr, path: Path) => {
    names.push({ name, path });
    columns.push(derived(ctx.ids, name, expr));
  };
  // With USING-like key dropping, right/full joins would lose the key of unmatched right rows.
  const coalesceKeys = dropRightKeys && (type === "right" || type === "full");
  left.columns.forEach((c: OutColumn) => {
    const pair = coalesceKeys ? pairs.find((p) => p.l.id === c.id) : undefined;
    const expr: Expr = pair
      ? call("coalesce", [col(c.id, c.type), col(pair.r.id, pair.r.type)], pair.common)
      : col(c.id, c.type);
    add(leftPrefix + c.name, expr, ["params", "leftPrefix"]);
  });
  if (type !== "leftAnti") {
    const dropped = new Set(dropRightKeys ? pairs.map((p) => p.r.id) : []);
    for (const c of right.columns) {
      if (!dropped.has(c.id)) add(rightPrefix + c.name, col(c.id, c.type), ["params", "rightPrefix"]);
    }
  }
  try {
    assertUniqueNames(names);
  } catch (e) {
    if (e instanceof CompileError) {
      throw new CompileError(
        e.code,
        `${e.message} Set a left or right prefix to tell the two inputs apart.`,
        e.path,
      );
    }
    throw e;
  }
  return {
    outputs: [join(ctx.ids, left, right, IR_TYPE[type], condition, columns)],
    steps: ["join"],
    warnings: [],
  };
};
