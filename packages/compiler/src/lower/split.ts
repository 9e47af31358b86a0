import type { FilterCondition, SplitParams } from "@sous/contracts";
import { CompileError } from "../errors.ts";
import { and, call, col, compare, type Expr, isNull, lit, not, or } from "../ir/expr.ts";
import { filter, type Rel } from "../ir/rel.ts";
import { resolveColumn } from "../validate/columns.ts";
import { requireInputCount } from "../validate/inputs.ts";
import { inputLabel, type LowerContext, type Lowerer } from "./context.ts";
import { lowerFilter } from "./filter.ts";
import { literalFor } from "./literals.ts";

type Path = (string | number)[];

/**
 * Rewrites the step ids (`origin`) inside an IR tree. The IR is plain JSON, so a structural copy
 * is enough; used to re-anchor what the filter lowerer produced under the split's own step ids.
 */
function reorigin<T>(node: T, rename: (origin: string) => string): T {
  if (Array.isArray(node)) return node.map((n) => reorigin(n, rename)) as T;
  if (node === null || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    out[k] = k === "origin" && typeof v === "string" ? rename(v) : reorigin(v, rename);
  }
  return out as T;
}

/** Runs `fn`, moving a CompileError's spec path from the synthetic filter spec to the split's. */
function anchored<T>(from: Path, to: Path, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof CompileError) {
      const path = e.path ?? [];
      const inside = from.every((p, i) => path[i] === p) ? path.slice(from.length) : [];
      // Mutated rather than re-created: a FormulaCompileError also carries every formula error.
      (e as { path?: Path }).path = [...to, ...inside];
    }
    throw e;
  }
}

/**
 * The filter recipe's lowering of one condition (same operators, same types, same formula rules),
 * returned as a predicate. Reusing the filter lowerer keeps the two recipes' rules identical.
 */
function conditionPredicate(ctx: LowerContext, cond: FilterCondition, k: number): Expr {
  const prefix = `params.outputs.${k}`;
  const lowered = anchored(["params", "filter"], ["params", "outputs", k], () =>
    lowerFilter({ kind: "filter", version: 1, params: { filter: cond, sampling: { method: "all" } } }, ctx),
  );
  const rel = lowered.outputs[0];
  if (rel?.kind !== "filter") throw new Error("compiler bug: a filter condition lowered to no filter");
  return reorigin(rel.predicate, (o) => o.replace(/^params\.filter/, prefix));
}

/**
 * The portable row hash of the filter recipe's ratio sampling (md5('seed|v1|v2...')'s first 32
 * bits), taken from the filter lowerer itself so both recipes keep exactly the same rows.
 */
function rowHash(ctx: LowerContext, p: Extract<SplitParams, { mode: "random" }>): Expr {
  const sampling = {
    method: "randomRatio" as const,
    ratio: 1,
    seed: p.seed,
    ...(p.columns ? { columns: p.columns } : {}),
  };
  const lowered = anchored(["params", "sampling"], ["params"], () =>
    lowerFilter({ kind: "filter", version: 1, params: { sampling } }, ctx),
  );
  const rel = lowered.outputs[0];
  if (rel?.kind !== "filter" || rel.predicate.kind !== "compare")
    throw new Error("compiler bug: the ratio sample did not lower to a hash comparison");
  return reorigin(rel.predicate.left, () => "params.ratios");
}

const FALSE = lit(false, "boolean");
/** true only when the predicate is true (NULL counts as no match, as in WHERE). */
const isTrue = (p: Expr): Expr => call("coalesce", [p, FALSE], "boolean");

/**
 * Split: one filter per output over the same input, so each output is its own SELECT (the worker
 * writes each). Outputs: one per rule set / value list / ratio, then "other rows" when asked.
 */
export const lowerSplit: Lowerer<"split"> = (spec, ctx) => {
  requireInputCount("split", ctx.inputs, 1);
  const src: Rel = ctx.sources[0]!;
  const p = spec.params;
  const steps = ["split"];
  const predicates: Expr[] = [];
  let other: Expr;

  if (p.mode === "rules") {
    const matches = p.outputs.map((cond, k) => {
      steps.push(`params.outputs.${k}`);
      cond.rules.forEach((_r, i) => {
        steps.push(`params.outputs.${k}.rules.${i}`);
      });
      return conditionPredicate(ctx, cond, k);
    });
    matches.forEach((m, k) => {
      const earlier = matches.slice(0, k);
      predicates.push(
        p.dispatch === "firstMatch" && earlier.length > 0 ? and([m, not(isTrue(or(earlier)))]) : m,
      );
    });
    other = not(isTrue(or(matches)));
  } else if (p.mode === "values") {
    const label = inputLabel(ctx, 0);
    const c = resolveColumn(src, p.column, ["params", "column"], label);
    const ref = col(c.id, c.type);
    const owner = new Map<string, number>();
    const matches = p.outputs.map((o, k) => {
      steps.push(`params.outputs.${k}`);
      const tests = o.values.map((v, i) => {
        const path = ["params", "outputs", k, "values", i];
        const key = v === null ? "null" : JSON.stringify(literalFor(c.type, v, c.name, path).value);
        const previous = owner.get(key);
        if (previous !== undefined) {
          throw new CompileError(
            "invalid_value",
            `The value ${JSON.stringify(v)} already goes to output ${previous + 1}; a value can go to one output only.`,
            path,
          );
        }
        owner.set(key, k);
        return v === null ? isNull(ref) : compare("=", ref, literalFor(c.type, v, c.name, path));
      });
      return or(tests);
    });
    predicates.push(...matches);
    other = not(isTrue(or(matches)));
  } else {
    steps.push("params.ratios");
    const total = p.ratios.reduce((a, b) => a + b, 0);
    if (total > 1 + 1e-9) {
      throw new CompileError(
        "invalid_value",
        `The ratios add up to ${total}; they must add up to 1 at most (the rest are the other rows).`,
        ["params", "ratios"],
      );
    }
    const hash = rowHash(ctx, p);
    // Same thresholds as the filter recipe: a row is in [lo, hi) of the 2^32 hash range.
    const bound = (cum: number) => lit(BigInt(Math.floor(Math.min(cum, 1) * 2 ** 32)).toString(), "bigint");
    let cum = 0;
    let lo: Expr | null = null;
    for (const r of p.ratios) {
      cum += r;
      const hi = bound(cum);
      const below = compare("<", hash, hi, "params.ratios");
      predicates.push(lo ? and([compare(">=", hash, lo, "params.ratios"), below]) : below);
      lo = hi;
    }
    other = compare(">=", hash, lo!, "params.ratios");
  }

  if (p.otherRows) predicates.push(other);
  const outputs = predicates.map((pred) => filter(ctx.ids, src, pred));
  return { outputs, steps, warnings: [] };
};
