import {
  DECIMAL_AGGREGATES,
  DECIMAL_FORMULAS,
  DECIMAL_TYPES,
  DECIMAL_VALUES,
  type DecimalType,
} from "../../../packages/compiler/test/conformance/decimal-cases.ts";
import type { ConformanceCase, Row } from "../types.ts";
import { formulaCase } from "./formula.ts";

const PAIRS: [DecimalType, DecimalType][] = [
  ["DECIMAL(10,2)", "DECIMAL(10,2)"],
  ["DECIMAL(38,9)", "DECIMAL(38,9)"],
  ["DECIMAL(38,18)", "DECIMAL(38,18)"],
  ["DECIMAL(10,2)", "DECIMAL(38,18)"],
  ["DECIMAL(38,9)", "DECIMAL(38,18)"],
];

/** Small values and the extremes of a type apart: an overflow under ANSI on fails its whole query. */
function rowsOf(a: DecimalType, b: DecimalType, extreme: boolean): Row[] {
  const pick = (t: DecimalType) =>
    DECIMAL_VALUES[t].filter((v) => (v !== null && v.replace(/[-.]/g, "").length > 12) === extreme);
  const m = pick(a);
  const n = pick(b);
  const rows = m.flatMap((x) => n.map((y) => ({ m: x, n: y, x: 0.5 })));
  return extreme ? rows : [...rows, { m: null, n: "1.00", x: null }];
}

/** Decimal arithmetic and aggregates on DECIMAL(10,2), (38,9) and (38,18) storage. */
export function decimalCases(): ConformanceCase[] {
  const schema = [
    { name: "m", type: "decimal" as const },
    { name: "n", type: "decimal" as const },
    { name: "x", type: "double" as const },
  ];
  const out: ConformanceCase[] = [];
  for (const [a, b] of PAIRS)
    for (const extreme of [false, true])
      for (const f of DECIMAL_FORMULAS)
        out.push(
          formulaCase(
            `decimal ${f} [m ${a}, n ${b}${extreme ? ", extremes" : ""}]`,
            "decimal arithmetic",
            f,
            schema,
            rowsOf(a, b, extreme),
            { m: a, n: b },
          ),
        );
  for (const t of DECIMAL_TYPES)
    for (const extreme of [false, true]) {
      const values = DECIMAL_VALUES[t].filter(
        (v) => v === null || v.replace(/[-.]/g, "").length > 12 === extreme,
      );
      // The extremes twice: their sum leaves the type's range.
      const rows = (extreme ? [...values, ...values.filter((v) => v && !v.startsWith("-"))] : values).map(
        (m, k) => ({
          g: k % 2 === 0 ? "a" : "b",
          m,
        }),
      );
      for (const fn of DECIMAL_AGGREGATES)
        out.push({
          name: `decimal ${fn}(m) [${t}${extreme ? ", extremes" : ""}]`,
          source: "decimal arithmetic",
          spec: { kind: "group", version: 1, params: { keys: ["g"], aggregations: [{ column: "m", fn }] } },
          inputs: [
            {
              name: "t",
              schema: [
                { name: "g", type: "string" },
                { name: "m", type: "decimal" },
              ],
              rows,
              physical: { m: t },
            },
          ],
          ordered: false,
          parquet: false,
        });
    }
  return out;
}
