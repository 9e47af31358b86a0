import { CompileError } from "../../errors.ts";
import { caseWhen, compare, type Expr } from "../../ir/expr.ts";
import { dbl, defineStep, int, NUMERIC, requireType, str } from "../step.ts";

const text = (n: number) => String(n);

export default defineStep({
  type: "BinnerProcessor",
  label: "Bin numbers",
  category: "numbers",
  description: "Fixed-width bins (the bin's lower bound, a double) or custom edges (a text label per range).",
  apply(frame, p, ctx) {
    const c = frame.get(p.column, [...ctx.path, "column"]);
    requireType(c, NUMERIC, "number", [...ctx.path, "column"]);
    const x = c.expr.type === "double" ? c.expr : ctx.fn("try_cast", [c.expr], "double");
    let expr: Expr;
    const m = p.mode;
    if (m.kind === "fixedWidth") {
      const k = ctx.fn(
        "floor",
        [ctx.fn("div", [ctx.fn("sub", [x, dbl(m.origin)], "double"), dbl(m.width)], "double"), int(0)],
        "double",
      );
      expr = ctx.fn("add", [dbl(m.origin), ctx.fn("mul", [dbl(m.width), k], "double")], "double");
    } else {
      const edges = m.edges;
      for (let i = 1; i < edges.length; i++) {
        if (!(edges[i]! > edges[i - 1]!)) {
          throw new CompileError("invalid_value", "Bin edges must be strictly ascending.", [
            ...ctx.path,
            "mode",
            "edges",
            i,
          ]);
        }
      }
      const labels = m.labels ?? [
        `<${text(edges[0]!)}`,
        ...edges.slice(1).map((e, i) => `${text(edges[i]!)}-${text(e)}`),
        `>=${text(edges[edges.length - 1]!)}`,
      ];
      if (labels.length !== edges.length + 1) {
        throw new CompileError("invalid_value", `${edges.length} edges need ${edges.length + 1} labels.`, [
          ...ctx.path,
          "mode",
          "labels",
        ]);
      }
      expr = caseWhen(
        edges.map((e, i) => ({ when: compare("<", x, dbl(e)), result: str(labels[i]!) })),
        caseWhen(
          [{ when: compare(">=", x, dbl(edges[edges.length - 1]!)), result: str(labels[edges.length]!) }],
          null,
          "string",
        ),
        "string",
      );
    }
    frame.insertAfter(c.name, p.output ?? `${c.name}_bin`, expr, [...ctx.path, "output"]);
  },
});
