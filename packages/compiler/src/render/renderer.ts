import { renderFunction } from "../catalog/index.ts";
import { UnsupportedError } from "../errors.ts";
import type {
  AggExpr,
  AggFn,
  Expr,
  ExprKind,
  FrameBound,
  LiteralExpr,
  SortKey,
  WindowExpr,
  WindowFn,
} from "../ir/expr.ts";
import type { ColumnId } from "../ir/ids.ts";
import { type OutColumn, type Rel, type RelKind, relInputs } from "../ir/rel.ts";
import type { SqlDialect } from "./dialect.ts";

/**
 * One SELECT under construction. Ops merge into the current block while SQL's clause order
 * allows it (WHERE before GROUP BY before ORDER BY before LIMIT); otherwise the block becomes a
 * CTE and a fresh block reads from it. `scope` says how to reference the *input* columns.
 */
interface Block {
  readonly from: string;
  readonly scope: ReadonlyMap<ColumnId, string>;
  /** null: the input columns pass through unchanged (still listed explicitly, never `*`). */
  readonly select: readonly { sql: string; name: string }[] | null;
  readonly where: readonly string[];
  readonly groupBy: readonly string[] | null;
  readonly orderBy: readonly string[];
  readonly limit: number | null;
  readonly distinct: boolean;
  readonly outputs: readonly OutColumn[];
}

type RelHandlers = { [K in RelKind]: (rel: Extract<Rel, { kind: K }>) => Block };
type ExprHandlers = {
  [K in ExprKind]: (e: Extract<Expr, { kind: K }>, scope: ReadonlyMap<ColumnId, string>) => string;
};

const STANDARD_AGGREGATES: Record<AggFn, ((args: readonly string[], e: AggExpr) => string) | null> = {
  count_star: () => "count(*)",
  count: ([x]) => `count(${x})`,
  count_distinct: ([x]) => `count(DISTINCT ${x})`,
  sum: ([x]) => `sum(${x})`,
  avg: ([x]) => `avg(${x})`,
  min: ([x]) => `min(${x})`,
  max: ([x]) => `max(${x})`,
  stddev_samp: ([x]) => `stddev_samp(${x})`,
  var_samp: ([x]) => `var_samp(${x})`,
  first: ([x]) => `first(${x})`,
  last: ([x]) => `last(${x})`,
  // No portable form: each dialect must provide one or the renderer refuses.
  concat_sorted: null,
};

const STANDARD_WINDOW: Record<WindowFn, (args: readonly string[], e: WindowExpr) => string> = {
  row_number: () => "row_number()",
  rank: () => "rank()",
  dense_rank: () => "dense_rank()",
  lag: (args) => `lag(${args.join(", ")})`,
  lead: (args) => `lead(${args.join(", ")})`,
  sum: ([x]) => `sum(${x})`,
  avg: ([x]) => `avg(${x})`,
  min: ([x]) => `min(${x})`,
  max: ([x]) => `max(${x})`,
  count: (args) => (args.length === 0 ? "count(*)" : `count(${args[0]})`),
  first_value: ([x]) => `first_value(${x})`,
  last_value: ([x]) => `last_value(${x})`,
};

const DECIMAL_TEXT = /^-?\d+(\.\d+)?$/;
const DATE_TEXT = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP_TEXT = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?$/;

/** Renders a relational IR tree into one SELECT statement for a dialect. Single-use. */
class SqlRenderer {
  private readonly ctes: { name: string; sql: string }[] = [];

  constructor(private readonly d: SqlDialect) {}

  /** Relations reached more than once (a pipeline step read by two later steps): rendered once, as a CTE. */
  private readonly shared = new Set<string>();
  private readonly materialised = new Map<string, Block>();

  render(rel: Rel): string {
    const seen = new Set<string>();
    const count = (r: Rel): void => {
      if (seen.has(r.id)) {
        this.shared.add(r.id);
        return;
      }
      seen.add(r.id);
      for (const child of relInputs(r)) count(child);
    };
    count(rel);
    const block = this.visit(rel);
    const body = this.blockSql(block);
    if (this.ctes.length === 0) return body;
    // No indentation of CTE bodies: quoted names and literals may contain newlines, and
    // re-indenting would change them.
    const withs = this.ctes.map((c) => `${this.d.quoteIdent(c.name)} AS (\n${c.sql}\n)`).join(",\n");
    return `WITH ${withs}\n${body}`;
  }

  private visit(rel: Rel): Block {
    const done = this.materialised.get(rel.id);
    if (done) return done;
    const handler = this.rels[rel.kind] as (r: Rel) => Block;
    const block = handler(rel);
    if (!this.shared.has(rel.id) || rel.kind === "source") return block;
    const cte = this.mergeable(block, () => false);
    this.materialised.set(rel.id, cte);
    return cte;
  }

  private readonly rels: RelHandlers = {
    source: (rel) => freshBlock(this.d.parquetSource(rel.path), rel.columns, this.d),
    project: (rel) => {
      const b = this.mergeable(this.visit(rel.input), (x) => x.select === null && isPlain(x));
      return {
        ...b,
        select: rel.columns.map((c) => ({ sql: this.expr(c.expr, b.scope), name: c.name })),
        outputs: rel.columns,
      };
    },
    filter: (rel) => {
      const b = this.mergeable(this.visit(rel.input), (x) => x.select === null && isPlain(x));
      return { ...b, where: [...b.where, this.expr(rel.predicate, b.scope)] };
    },
    aggregate: (rel) => {
      const b = this.mergeable(this.visit(rel.input), (x) => x.select === null && isPlain(x));
      return {
        ...b,
        groupBy: rel.groupBy.map((c) => this.expr(c.expr, b.scope)),
        select: [...rel.groupBy, ...rel.aggregates].map((c) => ({
          sql: this.expr(c.expr, b.scope),
          name: c.name,
        })),
        outputs: rel.columns,
      };
    },
    join: (rel) => {
      const side = (r: Rel, alias: string) => {
        const b = this.mergeable(
          this.visit(r),
          (x) => x.select === null && isPlain(x) && x.where.length === 0,
        );
        const a = this.d.quoteIdent(alias);
        return {
          from: `${b.from} AS ${a}`,
          scope: b.outputs.map((c) => [c.id, `${a}.${this.d.quoteIdent(c.name)}`] as const),
        };
      };
      const l = side(rel.left, "_l");
      const r = side(rel.right, "_r");
      const scope = new Map([...l.scope, ...r.scope]);
      if (scope.size !== l.scope.length + r.scope.length)
        throw new Error("compiler bug: join sides share column ids");
      const on = rel.on ? ` ON ${this.expr(rel.on, scope)}` : "";
      return {
        ...freshBlock(`${l.from}\n${this.d.joinKeyword(rel.type)} ${r.from}${on}`, [], this.d),
        scope,
        select: rel.columns.map((c) => ({ sql: this.expr(c.expr, scope), name: c.name })),
        outputs: rel.columns,
      };
    },
    union: (rel) => {
      // Each branch is a complete SELECT (its own CTEs are hoisted); the union becomes a CTE.
      const branches = rel.inputs.map((r) => this.blockSql(this.visit(r)));
      const name = `_s${this.ctes.length + 1}`;
      this.ctes.push({ name, sql: branches.join("\nUNION ALL\n") });
      return freshBlock(this.d.quoteIdent(name), rel.columns, this.d);
    },
    window: (rel) => {
      const b = this.mergeable(this.visit(rel.input), (x) => x.select === null && isPlain(x));
      const passThrough = rel.input.columns.map((c) => ({
        sql: b.scope.get(c.id) ?? missing(c.id),
        name: c.name,
      }));
      const added = rel.added.map((c) => ({ sql: this.expr(c.expr, b.scope), name: c.name }));
      return { ...b, select: [...passThrough, ...added], outputs: rel.columns };
    },
    sort: (rel) => {
      // ORDER BY may only reference the block's input scope when nothing was projected.
      const b = this.mergeable(
        this.visit(rel.input),
        (x) => x.select === null && x.groupBy === null && isUnordered(x),
      );
      return { ...b, orderBy: rel.keys.map((k) => this.sortKey(k, b.scope)) };
    },
    limit: (rel) => {
      const b = this.mergeable(this.visit(rel.input), (x) => x.limit === null);
      return { ...b, limit: rel.count };
    },
    distinct: (rel) => {
      const b = this.mergeable(this.visit(rel.input), (x) => isUnordered(x) && !x.distinct);
      return { ...b, distinct: true };
    },
  };

  /** Returns the block itself when `canMerge`, else turns it into a CTE and reads from that. */
  private mergeable(b: Block, canMerge: (b: Block) => boolean): Block {
    if (canMerge(b)) return b;
    const name = `_s${this.ctes.length + 1}`;
    this.ctes.push({ name, sql: this.blockSql(b) });
    return freshBlock(this.d.quoteIdent(name), b.outputs, this.d);
  }

  private blockSql(b: Block): string {
    const q = (n: string) => this.d.quoteIdent(n);
    const items =
      b.select ?? b.outputs.map((c) => ({ sql: b.scope.get(c.id) ?? missing(c.id), name: c.name }));
    if (items.length === 0) throw new Error("compiler bug: a SELECT with no columns");
    const list = items.map((i) => (i.sql === q(i.name) ? i.sql : `${i.sql} AS ${q(i.name)}`));
    const oneLine = list.join(", ");
    const selectList =
      oneLine.length <= 80 && !oneLine.includes("\n") ? ` ${oneLine}` : `\n  ${list.join(",\n  ")}`;
    const lines = [`SELECT${b.distinct ? " DISTINCT" : ""}${selectList}`, `FROM ${b.from}`];
    if (b.where.length > 0) lines.push(`WHERE ${b.where.join(" AND ")}`);
    if (b.groupBy !== null && b.groupBy.length > 0) lines.push(`GROUP BY ${b.groupBy.join(", ")}`);
    if (b.orderBy.length > 0) lines.push(`ORDER BY ${b.orderBy.join(", ")}`);
    if (b.limit !== null) lines.push(`LIMIT ${b.limit}`);
    return lines.join("\n");
  }

  private sortKey(k: SortKey, scope: ReadonlyMap<ColumnId, string>): string {
    return `${this.expr(k.expr, scope)} ${k.direction.toUpperCase()} NULLS ${k.nulls.toUpperCase()}`;
  }

  expr(e: Expr, scope: ReadonlyMap<ColumnId, string>): string {
    const handler = this.exprs[e.kind] as (x: Expr, s: ReadonlyMap<ColumnId, string>) => string;
    return handler(e, scope);
  }

  private readonly exprs: ExprHandlers = {
    col: (e, scope) => scope.get(e.id) ?? missing(e.id),
    lit: (e) => this.literal(e),
    agg: (e, scope) => {
      const args = e.args.map((a) => this.expr(a, scope));
      const render = this.d.aggregates[e.fn] ?? STANDARD_AGGREGATES[e.fn];
      if (!render) throw new UnsupportedError(this.d.name, `aggregate ${e.fn}`);
      return render(args, e);
    },
    // Functions: the catalog holds every rendering (catalog/).
    call: (e, scope) =>
      renderFunction(
        e,
        e.args.map((a) => this.expr(a, scope)),
        this.d,
      ),
    ext: (e, scope) =>
      renderFunction(
        e,
        e.args.map((a) => this.expr(a, scope)),
        this.d,
      ),
    cast: (e, scope) => this.d.cast(this.expr(e.arg, scope), e.arg.type, e.type),
    compare: (e, scope) => `(${this.expr(e.left, scope)} ${e.op} ${this.expr(e.right, scope)})`,
    and: (e, scope) => `(${e.args.map((a) => this.expr(a, scope)).join(" AND ")})`,
    or: (e, scope) => `(${e.args.map((a) => this.expr(a, scope)).join(" OR ")})`,
    not: (e, scope) => `(NOT ${this.expr(e.arg, scope)})`,
    is_null: (e, scope) => `(${this.expr(e.arg, scope)} IS NULL)`,
    case: (e, scope) => {
      const whens = e.whens.map((w) => `WHEN ${this.expr(w.when, scope)} THEN ${this.expr(w.result, scope)}`);
      const otherwise = e.else ? ` ELSE ${this.expr(e.else, scope)}` : "";
      return `CASE ${whens.join(" ")}${otherwise} END`;
    },
    window: (e, scope) => {
      const call = STANDARD_WINDOW[e.fn](
        e.args.map((a) => this.expr(a, scope)),
        e,
      );
      const over: string[] = [];
      if (e.partitionBy.length > 0)
        over.push(`PARTITION BY ${e.partitionBy.map((p) => this.expr(p, scope)).join(", ")}`);
      if (e.orderBy.length > 0)
        over.push(`ORDER BY ${e.orderBy.map((k) => this.sortKey(k, scope)).join(", ")}`);
      if (e.frame) {
        over.push(
          `${e.frame.unit.toUpperCase()} BETWEEN ${bound(e.frame.start, "PRECEDING")} AND ${bound(e.frame.end, "FOLLOWING")}`,
        );
      }
      return this.d.windowResult(`${call} OVER (${over.join(" ")})`, e);
    },
  };

  /** Literals are validated against their type's text form so nothing but data can get through. */
  private literal(e: LiteralExpr): string {
    const { value, type } = e;
    if (value === null) return `CAST(NULL AS ${this.d.typeName(type)})`;
    const bad = (): never => {
      throw new Error(`compiler bug: ${JSON.stringify(value)} is not a ${type} literal`);
    };
    switch (type) {
      case "string":
        return this.d.stringLiteral(String(value));
      case "boolean":
        return typeof value === "boolean" ? (value ? "TRUE" : "FALSE") : bad();
      // A bare integer literal is INT on both engines; bigger types need a cast.
      case "integer":
        return /^-?\d+$/.test(String(value)) ? String(value) : bad();
      case "bigint":
        return /^-?\d+$/.test(String(value)) ? `CAST(${value} AS ${this.d.typeName(type)})` : bad();
      case "double":
        if (typeof value !== "number") return bad();
        return Number.isFinite(value)
          ? `CAST(${String(value)} AS DOUBLE)`
          : `CAST(${this.d.stringLiteral(String(value))} AS DOUBLE)`;
      case "decimal":
        return DECIMAL_TEXT.test(String(value)) ? `${value}` : bad();
      case "date":
        return DATE_TEXT.test(String(value)) ? `DATE ${this.d.stringLiteral(String(value))}` : bad();
      case "timestamp":
        return TIMESTAMP_TEXT.test(String(value))
          ? `TIMESTAMP ${this.d.stringLiteral(String(value))}`
          : bad();
    }
  }
}

function freshBlock(from: string, columns: readonly OutColumn[], d: SqlDialect): Block {
  return {
    from,
    scope: new Map(columns.map((c) => [c.id, d.quoteIdent(c.name)])),
    select: null,
    where: [],
    groupBy: null,
    orderBy: [],
    limit: null,
    distinct: false,
    outputs: columns,
  };
}

const isUnordered = (b: Block): boolean => b.orderBy.length === 0 && b.limit === null;
const isPlain = (b: Block): boolean => b.groupBy === null && isUnordered(b) && !b.distinct;

function bound(b: FrameBound, unbounded: "PRECEDING" | "FOLLOWING"): string {
  if (b === "unbounded") return `UNBOUNDED ${unbounded}`;
  if (!Number.isSafeInteger(b)) throw new Error(`compiler bug: frame bound ${b}`);
  if (b === 0) return "CURRENT ROW";
  return b < 0 ? `${-b} PRECEDING` : `${b} FOLLOWING`;
}

function missing(id: ColumnId): never {
  throw new Error(`compiler bug: column ${id} is not in scope`);
}

export function renderSql(rel: Rel, dialect: SqlDialect): string {
  return new SqlRenderer(dialect).render(rel);
}
