import type {
  ColumnType,
  JoinColumnChoice,
  JoinComputedColumn,
  JoinCondition,
  JoinType as SpecJoinType,
} from "@sous/contracts";
import { CompileError } from "../errors.ts";
import { lowerFormula } from "../formula/index.ts";
import { and, call, cast, col, compare, type Expr, lit, or } from "../ir/expr.ts";
import type { ColumnId } from "../ir/ids.ts";
import { type DerivedColumn, derived, filter, type JoinType, join, type Rel } from "../ir/rel.ts";
import { requireInputCount } from "../validate/inputs.ts";
import { inputLabel, type LowerContext, type Lowerer } from "./context.ts";
import { lowerRule } from "./filter.ts";
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

const COMPARE = { equals: "=", notEquals: "<>", lt: "<", lte: "<=", gt: ">", gte: ">=" } as const;
const ORDERED: ReadonlySet<ColumnType> = new Set([
  "string",
  "integer",
  "bigint",
  "double",
  "decimal",
  "date",
  "timestamp",
]);
const TEMPORAL: ReadonlySet<ColumnType> = new Set(["date", "timestamp"]);

/** A column of one side as the join sees it: an input column, or one computed before the join. */
interface SideColumn {
  readonly id: ColumnId;
  readonly name: string;
  readonly type: ColumnType;
  /** Over the side's source columns only (computed columns are inlined, not projected first). */
  readonly expr: Expr;
}

interface Side {
  readonly index: 0 | 1;
  readonly key: "left" | "right";
  readonly label: string;
  readonly inputName: string;
  readonly columns: readonly SideColumn[];
}

/**
 * Replaces column references by expressions. Computed columns are inlined rather than projected
 * in a subquery, so a join with computed columns stays one SELECT and its ON clause can use them.
 * IR nodes are plain JSON, so a structural walk reaches every reference whatever the node kind.
 */
function inline(e: Expr, values: ReadonlyMap<ColumnId, Expr>): Expr {
  if (values.size === 0) return e;
  const walk = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(walk);
    if (x === null || typeof x !== "object") return x;
    const node = x as { kind?: unknown; id?: unknown };
    if (node.kind === "col" && typeof node.id === "string") return values.get(node.id as ColumnId) ?? x;
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, walk(v)]));
  };
  return walk(e) as Expr;
}

function findColumn(cols: readonly SideColumn[], name: string, path: Path, label: string): SideColumn {
  const exact = cols.find((c) => c.name === name);
  if (exact) return exact;
  const folded = cols.find((c) => c.name.toLowerCase() === name.toLowerCase());
  const hint = folded ? ` Did you mean "${folded.name}"?` : "";
  throw new CompileError("unknown_column", `Column "${name}" does not exist in ${label}.${hint}`, path);
}

/** Formula columns in order, each seeing the columns before it; returns every column, inlined. */
function addComputed(
  ctx: LowerContext,
  base: readonly SideColumn[],
  computed: readonly JoinComputedColumn[],
  key: string,
  steps: string[],
): SideColumn[] {
  const out = [...base];
  const values = new Map<ColumnId, Expr>();
  computed.forEach((c, i) => {
    const stepId = `params.${key}.${i}`;
    steps.push(stepId);
    const path = ["params", key, i];
    const clash = out.find((x) => x.name.toLowerCase() === c.name.toLowerCase());
    if (clash) {
      throw new CompileError(
        "duplicate_output_name",
        `Computed column "${c.name}" clashes with the column "${clash.name}" it is computed next to; give it another name.`,
        [...path, "name"],
      );
    }
    const scope = out.map(({ id, name, type }) => ({ id, name, type }));
    const { expr, type } = lowerFormula(c.formula, scope, { origin: stepId, path: [...path, "formula"] });
    const id = ctx.ids.column();
    const value = inline(expr, values);
    values.set(id, value);
    out.push({ id, name: c.name, type, expr: value });
  });
  return out;
}

function describeType(t: ColumnType): string {
  return t === "integer" ? "an integer" : `a ${t}`;
}

/** One condition as a predicate. Every operator is NULL when either side is, so NULLs never match. */
function lowerCondition(c: JoinCondition, i: number, l: SideColumn, r: SideColumn): Expr {
  const path = ["params", "on", i];
  const op = c.op ?? "equals";
  // Equalities keep the recipe's own step (stored joins report as before); others are steps.
  const origin = op === "equals" ? "join" : `params.on.${i}`;
  const L = l.expr;
  const R = r.expr;
  const refuse = (what: string): never => {
    throw new CompileError(
      "invalid_column_type",
      `Condition ${i + 1} (${op}) needs ${what}; "${l.name}" is ${describeType(l.type)} and "${r.name}" is ${describeType(r.type)}.`,
      [...path, "op"],
    );
  };
  switch (op) {
    case "equals":
    case "notEquals":
    case "lt":
    case "lte":
    case "gt":
    case "gte": {
      const common = commonType(l.type, r.type);
      if (common === null) {
        throw new CompileError(
          "invalid_column_type",
          `Cannot match "${l.name}" (${l.type}) with "${r.name}" (${r.type}): convert one of them first.`,
          path,
        );
      }
      if (op !== "equals" && op !== "notEquals" && !ORDERED.has(common))
        refuse("columns that can be ordered (numbers, texts, dates)");
      return compare(COMPARE[op], L, R, origin);
    }
    case "contains":
      if (l.type !== "string" || r.type !== "string") refuse("two text columns");
      return call("contains", [L, R], "boolean", origin);
    case "startsWith":
      if (l.type !== "string" || r.type !== "string") refuse("two text columns");
      return call("starts_with", [L, R], "boolean", origin);
    case "withinDays": {
      if (!TEMPORAL.has(l.type) || !TEMPORAL.has(r.type)) refuse("two date or timestamp columns");
      const days = c.days ?? 0;
      // Dates move by whole days; as soon as one side has a time of day both are timestamps
      // (a date is its midnight, in the session's UTC) and the window is days * 24 hours.
      const dates = l.type === "date" && r.type === "date";
      const asTs = (e: Expr) => (e.type === "timestamp" ? e : cast(e, "timestamp"));
      const left = dates ? L : asTs(L);
      const right = dates ? R : asTs(R);
      const shifted = (n: number): Expr =>
        n === 0
          ? right
          : dates
            ? call("date_add", [lit("day", "string"), right, lit(n, "integer")], "date", origin)
            : call("date_add", [lit("hour", "string"), right, lit(n * 24, "integer")], "timestamp", origin);
      const direction = c.direction ?? "either";
      const lo = direction === "after" ? right : shifted(-days);
      const hi = direction === "before" ? right : shifted(days);
      return and([compare(">=", left, lo, origin), compare("<=", left, hi, origin)]);
    }
  }
}

interface Named {
  name: string;
  path: Path;
  /** Where the column comes from, for the duplicate message: `orders.id`, `computed "total"`. */
  from: string;
}

/** Output names are unique ignoring case; the error names both columns and how to fix it. */
function assertUniqueOutput(names: readonly Named[]): void {
  const seen = new Map<string, Named>();
  for (const n of names) {
    const key = n.name.toLowerCase();
    const previous = seen.get(key);
    if (previous) {
      const what = previous.name === n.name ? `"${n.name}"` : `"${previous.name}" / "${n.name}"`;
      throw new CompileError(
        "duplicate_output_name",
        `Output column ${what} would come from both ${previous.from} and ${n.from} (names are case-insensitive). Set a left or right prefix to tell the two inputs apart, or rename or deselect one of them.`,
        n.path,
      );
    }
    seen.set(key, n);
  }
}

function choicesOf(
  side: Side,
  choices: readonly JoinColumnChoice[],
): Map<string, { c: JoinColumnChoice; j: number }> {
  const key = side.key === "left" ? "leftColumns" : "rightColumns";
  const byName = new Map<string, { c: JoinColumnChoice; j: number }>();
  choices.forEach((c, j) => {
    findColumn(side.columns, c.column, ["params", key, j, "column"], side.label);
    if (byName.has(c.column)) {
      throw new CompileError("invalid_spec", `Column "${c.column}" is listed twice in ${key}.`, [
        "params",
        key,
        j,
      ]);
    }
    byName.set(c.column, { c, j });
  });
  return byName;
}

/**
 * Join of two inputs on conditions combined with AND (equalities, comparisons, text containment,
 * date windows). Computed columns before the join are inlined into the ON clause and the
 * output; the output is the first input's columns then the second's (minus equality keys when
 * `dropRightKeys`), each kept/renamed/prefixed, then columns computed after the join; a
 * post-join filter applies last. NULLs never match, on both engines.
 */
export const lowerJoin: Lowerer<"join"> = (spec, ctx) => {
  requireInputCount("join", ctx.inputs, 2);
  const p = spec.params;
  const { type, on, leftPrefix = "", rightPrefix = "", dropRightKeys } = p;
  if (type === "cross" && on.length > 0) {
    throw new CompileError(
      "invalid_spec",
      "A cross join takes no join conditions; remove them or pick another type.",
      ["params", "on"],
    );
  }
  if (type !== "cross" && on.length === 0) {
    throw new CompileError("invalid_spec", `A ${type} join needs at least one condition.`, ["params", "on"]);
  }
  const steps = ["join"];
  const warnings: string[] = [];
  const sources = [ctx.sources[0]!, ctx.sources[1]!] as const;
  const side = (index: 0 | 1): Side => {
    const key = index === 0 ? "left" : "right";
    const base = sources[index].columns.map((c) => ({
      id: c.id,
      name: c.name,
      type: c.type,
      expr: col(c.id, c.type),
    }));
    const computed = (index === 0 ? p.leftComputed : p.rightComputed) ?? [];
    return {
      index,
      key,
      label: inputLabel(ctx, index),
      inputName: ctx.inputs[index]?.name ?? key,
      columns: addComputed(ctx, base, computed, `${key}Computed`, steps),
    };
  };
  const left = side(0);
  const right = side(1);

  const conditions = on.map((c, i) => {
    const l = findColumn(left.columns, c.left, ["params", "on", i, "left"], left.label);
    const r = findColumn(right.columns, c.right, ["params", "on", i, "right"], right.label);
    const equality = (c.op ?? "equals") === "equals";
    if (!equality) steps.push(`params.on.${i}`);
    return { l, r, equality, predicate: lowerCondition(c, i, l, r) };
  });
  if (type !== "cross" && !conditions.some((x) => x.equality)) {
    warnings.push(
      "params.on: no condition is an equality, so both engines compare every row of one input with every row of the other (a nested loop join): quick on samples, slow on large inputs.",
    );
  }
  const condition: Expr | null = conditions.length === 0 ? null : and(conditions.map((x) => x.predicate));
  const equalities = conditions.filter((x) => x.equality);

  const names: Named[] = [];
  const columns: DerivedColumn[] = [];
  const add = (n: Named, expr: Expr) => {
    names.push(n);
    columns.push(derived(ctx.ids, n.name, expr));
  };
  // With USING-like key dropping, right/full joins would lose the key of unmatched right rows.
  const coalesceKeys = dropRightKeys && (type === "right" || type === "full");
  const output = (s: Side, prefix: string, dropped: ReadonlySet<ColumnId>) => {
    const key = s.key === "left" ? "leftColumns" : "rightColumns";
    const choices = choicesOf(s, (s.key === "left" ? p.leftColumns : p.rightColumns) ?? []);
    for (const c of s.columns) {
      const chosen = choices.get(c.name);
      const keep = chosen ? chosen.c.keep : !dropped.has(c.id);
      if (!keep) continue;
      const pair = s.key === "left" && coalesceKeys ? equalities.find((x) => x.l.id === c.id) : undefined;
      const common = pair ? commonType(pair.l.type, pair.r.type) : null;
      const expr: Expr = pair && common ? call("coalesce", [c.expr, pair.r.expr], common) : c.expr;
      const as = chosen?.c.as;
      add(
        {
          name: as ?? prefix + c.name,
          path: as !== undefined && chosen ? ["params", key, chosen.j, "as"] : ["params", `${s.key}Prefix`],
          from: `${s.inputName}.${c.name}`,
        },
        expr,
      );
    }
  };
  output(left, leftPrefix, new Set());
  if (type !== "leftAnti")
    output(right, rightPrefix, new Set(dropRightKeys ? equalities.map((x) => x.r.id) : []));

  // Columns computed after the join see the output columns by their output names.
  const values = new Map<ColumnId, Expr>(columns.map((c) => [c.id, c.expr]));
  (p.computed ?? []).forEach((c, i) => {
    const stepId = `params.computed.${i}`;
    steps.push(stepId);
    const scope = columns.map(({ id, name, type }) => ({ id, name, type }));
    const { expr } = lowerFormula(c.formula, scope, {
      origin: stepId,
      path: ["params", "computed", i, "formula"],
    });
    const value = inline(expr, values);
    add(
      { name: c.name, path: ["params", "computed", i, "name"], from: `computed column "${c.name}"` },
      value,
    );
    const last = columns[columns.length - 1]!;
    values.set(last.id, value);
  });
  assertUniqueOutput(names);

  let rel: Rel = join(ctx.ids, sources[0], sources[1], IR_TYPE[type], condition, columns);
  const post = p.postFilter;
  if (post) {
    const joined = rel;
    const rules = post.rules.map((r, i) => {
      const stepId = `params.postFilter.rules.${i}`;
      steps.push(stepId);
      const path = ["params", "postFilter", "rules", i];
      if ("kind" in r)
        return lowerFormula(r.formula, joined.columns, {
          expect: "boolean",
          origin: stepId,
          path: [...path, "formula"],
        }).expr;
      return lowerRule(joined, r, path, "the joined output", stepId);
    });
    rel = filter(ctx.ids, rel, post.combine === "and" ? and(rules) : or(rules));
  }
  return { outputs: [rel], steps, warnings };
};
