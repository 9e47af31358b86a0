import type { ColumnType } from "@sous/contracts";
import { type Expr, referencedColumns, type SortKey } from "./expr.ts";

export type { SortKey } from "./expr.ts";

import type { ColumnId, IdGen, RelId } from "./ids.ts";

/**
 * Relational IR: a readonly, JSON-serialisable tree of ops. Every node lists its output columns
 * with the ids of the input columns each one derives from (`from`), which is what column-level
 * lineage is computed from. Names are output hints; expressions reference columns by id.
 */
export interface OutColumn {
  readonly id: ColumnId;
  readonly name: string;
  readonly type: ColumnType;
  readonly from: readonly ColumnId[];
}

/** An output column computed by an expression over the input relation's columns. */
export interface DerivedColumn extends OutColumn {
  readonly expr: Expr;
}

interface RelBase {
  readonly id: RelId;
  readonly columns: readonly OutColumn[];
}

export interface SourceRel extends RelBase {
  readonly kind: "source";
  /** Index into the compile inputs. */
  readonly input: number;
  readonly path: string;
}

export interface ProjectRel extends RelBase {
  readonly kind: "project";
  readonly input: Rel;
  readonly columns: readonly DerivedColumn[];
}

export interface FilterRel extends RelBase {
  readonly kind: "filter";
  readonly input: Rel;
  readonly predicate: Expr;
}

export interface AggregateRel extends RelBase {
  readonly kind: "aggregate";
  readonly input: Rel;
  readonly groupBy: readonly DerivedColumn[];
  readonly aggregates: readonly DerivedColumn[];
}

export interface SortRel extends RelBase {
  readonly kind: "sort";
  readonly input: Rel;
  readonly keys: readonly SortKey[];
}

export interface LimitRel extends RelBase {
  readonly kind: "limit";
  readonly input: Rel;
  readonly count: number;
}

export interface DistinctRel extends RelBase {
  readonly kind: "distinct";
  readonly input: Rel;
}

/** Appends window-function columns to every input row. */
export interface WindowRel extends RelBase {
  readonly kind: "window";
  readonly input: Rel;
  readonly added: readonly DerivedColumn[];
}

export type JoinType = "inner" | "left" | "right" | "full" | "cross" | "left_anti";

/**
 * Joins two relations and projects the result in the same op: `columns` are expressions over
 * both sides' column ids (so key columns can be coalesced, sides prefixed, anti joins narrowed).
 */
export interface JoinRel extends RelBase {
  readonly kind: "join";
  readonly left: Rel;
  readonly right: Rel;
  readonly type: JoinType;
  /** null only for cross joins. */
  readonly on: Expr | null;
  readonly columns: readonly DerivedColumn[];
}

/** UNION ALL of inputs that all have the output's column count and types, in order. */
export interface UnionRel extends RelBase {
  readonly kind: "union";
  readonly inputs: readonly Rel[];
}

export type Rel =
  | UnionRel
  | JoinRel
  | SourceRel
  | ProjectRel
  | FilterRel
  | AggregateRel
  | SortRel
  | LimitRel
  | DistinctRel
  | WindowRel;
export type RelKind = Rel["kind"];

/** Direct inputs of a relation. */
export function relInputs(rel: Rel): readonly Rel[] {
  switch (rel.kind) {
    case "source":
      return [];
    case "project":
    case "filter":
    case "aggregate":
    case "sort":
    case "limit":
    case "distinct":
    case "window":
      return [rel.input];
    case "join":
      return [rel.left, rel.right];
    case "union":
      return rel.inputs;
  }
}

const passThrough = (input: Rel): OutColumn[] =>
  input.columns.map((c) => ({ id: c.id, name: c.name, type: c.type, from: [c.id] }));

export function derived(ids: IdGen, name: string, expr: Expr, id?: ColumnId): DerivedColumn {
  return { id: id ?? ids.column(), name, type: expr.type, from: referencedColumns(expr), expr };
}

export function source(
  ids: IdGen,
  input: number,
  path: string,
  schema: readonly { name: string; type: ColumnType }[],
): SourceRel {
  return {
    kind: "source",
    id: ids.rel(),
    input,
    path,
    columns: schema.map((c) => ({ id: ids.column(), name: c.name, type: c.type, from: [] })),
  };
}

export function project(ids: IdGen, input: Rel, columns: readonly DerivedColumn[]): ProjectRel {
  return { kind: "project", id: ids.rel(), input, columns };
}

export function filter(ids: IdGen, input: Rel, predicate: Expr): FilterRel {
  return { kind: "filter", id: ids.rel(), input, predicate, columns: passThrough(input) };
}

export function aggregate(
  ids: IdGen,
  input: Rel,
  groupBy: readonly DerivedColumn[],
  aggregates: readonly DerivedColumn[],
): AggregateRel {
  return {
    kind: "aggregate",
    id: ids.rel(),
    input,
    groupBy,
    aggregates,
    columns: [...groupBy, ...aggregates].map(({ id, name, type, from }) => ({ id, name, type, from })),
  };
}

export function sort(ids: IdGen, input: Rel, keys: readonly SortKey[]): SortRel {
  return { kind: "sort", id: ids.rel(), input, keys, columns: passThrough(input) };
}

export function limit(ids: IdGen, input: Rel, count: number): LimitRel {
  return { kind: "limit", id: ids.rel(), input, count, columns: passThrough(input) };
}

export function distinct(ids: IdGen, input: Rel): DistinctRel {
  return { kind: "distinct", id: ids.rel(), input, columns: passThrough(input) };
}

export function window(ids: IdGen, input: Rel, added: readonly DerivedColumn[]): WindowRel {
  const columns = [
    ...passThrough(input),
    ...added.map(({ id, name, type, from }) => ({ id, name, type, from })),
  ];
  return { kind: "window", id: ids.rel(), input, added, columns };
}

export function join(
  ids: IdGen,
  left: Rel,
  right: Rel,
  type: JoinType,
  on: Expr | null,
  columns: readonly DerivedColumn[],
): JoinRel {
  return { kind: "join", id: ids.rel(), left, right, type, on, columns };
}

/** Output column i derives from column i of every input; names and types come from the first. */
export function union(ids: IdGen, inputs: readonly Rel[]): UnionRel {
  const [first] = inputs;
  if (!first) throw new Error("compiler bug: union of nothing");
  const columns = first.columns.map((c, i) => ({
    id: ids.column(),
    name: c.name,
    type: c.type,
    from: inputs.map((r) => {
      const same = r.columns[i];
      if (!same || same.type !== c.type) throw new Error("compiler bug: union inputs differ in shape");
      return same.id;
    }),
  }));
  return { kind: "union", id: ids.rel(), inputs, columns };
}
