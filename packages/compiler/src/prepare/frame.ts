import type { ColumnType } from "@sous/contracts";
import { CompileError } from "../errors.ts";
import { col, type Expr, exprChildren } from "../ir/expr.ts";
import type { IdGen } from "../ir/ids.ts";
import { derived, distinct, filter, project, type Rel, union, window } from "../ir/rel.ts";

type Path = (string | number)[];

/** A column of the frame: its current value as an expression over `Frame.rel`'s columns. */
export interface FrameColumn {
  readonly name: string;
  readonly expr: Expr;
  /** Changes whenever a step rewrites the column (for the per-step "changed columns"). */
  readonly rev: number;
}

/** Expressions bigger than this are computed once in a projection instead of being inlined further. */
const MAX_INLINE_NODES = 24;

function size(e: Expr, limit: number): number {
  let n = 1;
  for (const c of exprChildren(e)) {
    n += size(c, limit - n);
    if (n > limit) return n;
  }
  return n;
}

/**
 * The state a prepare script threads through its steps: a relation plus, per visible column,
 * an expression over that relation. Scalar steps only rewrite expressions (so a chain of them
 * becomes one SELECT); steps that need rows (filters, windows, folds, dedup) add relational ops,
 * and expressions grown past a size limit are materialised by a projection.
 */
export class Frame {
  rel: Rel;
  cols: FrameColumn[];
  private revs = 0;
  private settled = 0;

  constructor(
    readonly ids: IdGen,
    rel: Rel,
  ) {
    this.rel = rel;
    this.cols = rel.columns.map((c) => ({ name: c.name, expr: col(c.id, c.type), rev: 0 }));
  }

  nextRev(): number {
    return ++this.revs;
  }

  find(name: string): FrameColumn | undefined {
    return this.cols.find((c) => c.name === name);
  }

  /** The column named exactly `name`, or a CompileError suggesting a near miss. */
  get(name: string, path: Path): FrameColumn {
    const exact = this.find(name);
    if (exact) return exact;
    const folded = this.cols.find((c) => c.name.toLowerCase() === name.toLowerCase());
    const hint = folded ? ` Did you mean "${folded.name}"?` : "";
    throw new CompileError(
      "unknown_column",
      `Column "${name}" does not exist at this step.${hint} Columns: ${this.cols
        .slice(0, 20)
        .map((c) => `"${c.name}"`)
        .join(", ")}${this.cols.length > 20 ? ", ..." : ""}`,
      path,
    );
  }

  /** Replaces a column's value in place (same name and position) or appends a new column. */
  set(name: string, expr: Expr, path: Path): void {
    const i = this.cols.findIndex((c) => c.name === name);
    const column = { name, expr, rev: this.nextRev() };
    if (i >= 0) {
      this.cols[i] = column;
      return;
    }
    this.assertFree(name, path);
    this.cols.push(column);
  }

  /** Output names must be unique ignoring case (both engines resolve names case-insensitively). */
  assertFree(name: string, path: Path, except?: string): void {
    const clash = this.cols.find((c) => c.name !== except && c.name.toLowerCase() === name.toLowerCase());
    if (clash) {
      throw new CompileError(
        "duplicate_output_name",
        `Column "${name}" ${clash.name === name ? "already exists" : `clashes with "${clash.name}"`} (names are case-insensitive); choose another name.`,
        path,
      );
    }
  }

  /** Throws when two visible columns share a name, ignoring case. */
  assertUnique(path: Path): void {
    const seen = new Map<string, string>();
    for (const c of this.cols) {
      const prev = seen.get(c.name.toLowerCase());
      if (prev !== undefined) {
        throw new CompileError(
          "duplicate_output_name",
          `Two columns would be named "${c.name}"${prev === c.name ? "" : ` and "${prev}"`} (names are case-insensitive).`,
          path,
        );
      }
      seen.set(c.name.toLowerCase(), c.name);
    }
  }

  /** Inserts a new column right after `after` (or at the end). */
  insertAfter(after: string | null, name: string, expr: Expr, path: Path): void {
    this.assertFree(name, path);
    const column = { name, expr, rev: this.nextRev() };
    const i = after === null ? -1 : this.cols.findIndex((c) => c.name === after);
    if (i < 0) this.cols.push(column);
    else this.cols.splice(i + 1, 0, column);
  }

  remove(name: string): void {
    this.cols = this.cols.filter((c) => c.name !== name);
  }

  /** True when the frame's columns are exactly the relation's, in order. */
  private isIdentity(): boolean {
    const rc = this.rel.columns;
    return (
      rc.length === this.cols.length &&
      this.cols.every((c, i) => c.expr.kind === "col" && c.expr.id === rc[i]!.id && c.name === rc[i]!.name)
    );
  }

  /** Computes every column in a projection; afterwards each column is a plain reference. */
  materialize(): void {
    if (this.isIdentity()) return;
    if (this.cols.length === 0) {
      throw new CompileError("invalid_spec", "A prepare script cannot remove every column.", [
        "params",
        "steps",
      ]);
    }
    const out = this.cols.map((c) => derived(this.ids, c.name, c.expr));
    this.rel = project(this.ids, this.rel, out);
    this.cols = this.cols.map((c, i) => ({ ...c, expr: col(out[i]!.id, out[i]!.type) }));
  }

  /** Materialises when some expression grew too big to keep inlining (bounds SQL size). */
  settle(): void {
    // Only columns rewritten since the last check can have grown.
    const since = this.settled;
    this.settled = this.revs;
    if (this.cols.some((c) => c.rev > since && size(c.expr, MAX_INLINE_NODES) > MAX_INLINE_NODES))
      this.materialize();
  }

  /** Keeps the rows where `predicate` (over the frame's expressions) is true. */
  filter(predicate: Expr): void {
    this.rel = filter(this.ids, this.rel, predicate);
  }

  /** Adds window columns under the frame (not visible until a step `set`s them); returns references. */
  window(added: readonly { name: string; expr: Expr }[]): Expr[] {
    // Hidden columns are named after their unique id: two steps' helpers never clash.
    const cols = added.map((a) => {
      const id = this.ids.column();
      return derived(this.ids, `_${a.name}_${id}`, a.expr, id);
    });
    this.rel = window(this.ids, this.rel, cols);
    return cols.map((c) => col(c.id, c.type));
  }

  /** Distinct rows of the visible columns. */
  distinct(): void {
    this.materialize();
    this.rel = distinct(this.ids, this.rel);
  }

  /** UNION ALL of several projections of the current relation (each a full list of output columns). */
  unionOf(branches: readonly (readonly { name: string; expr: Expr }[])[]): void {
    const rels = branches.map((b) =>
      project(
        this.ids,
        this.rel,
        b.map((c) => derived(this.ids, c.name, c.expr)),
      ),
    );
    this.rel = union(this.ids, rels);
    const revs = new Map(this.cols.map((c) => [c.name, c.rev]));
    this.cols = this.rel.columns.map((c) => ({
      name: c.name,
      expr: col(c.id, c.type),
      rev: revs.get(c.name) ?? this.nextRev(),
    }));
  }

  /** The relation with exactly the visible columns. */
  finish(): Rel {
    this.materialize();
    return this.rel;
  }

  schema(): { name: string; type: ColumnType }[] {
    return this.cols.map((c) => ({ name: c.name, type: c.expr.type }));
  }
}
