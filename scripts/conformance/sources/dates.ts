import { DATE_PATTERNS, FORMAT_INPUTS } from "../../../packages/compiler/test/conformance/date-patterns.ts";
import type { ConformanceCase } from "../types.ts";
import { functionsOf } from "./formula.ts";
import { formulaString } from "./regex.ts";

/** Every date-pattern letter: formatting a timestamp and parsing text, as a formula and as a step. */
export function datePatternCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  const prepare = (steps: unknown[]) => ({ kind: "prepare", version: 1, params: { steps } });
  for (const d of DATE_PATTERNS) {
    const p = formulaString(d.pattern);
    const fmtInput = {
      name: "input",
      schema: [{ name: "ts", type: "timestamp" as const }],
      rows: FORMAT_INPUTS.map((ts) => ({ ts })),
    };
    const base = { source: "date patterns", ordered: false, parquet: false };
    const format = `formatDate(ts, ${p})`;
    out.push({
      ...base,
      name: `date format '${d.pattern}' (${d.about}): formula`,
      inputs: [fmtInput],
      spec: prepare([
        { id: "formula", type: "CreateColumnWithGREL", params: { output: "v", formula: format } },
      ]),
      subjects: functionsOf(format),
      subjectStep: "formula",
    });
    out.push({
      ...base,
      name: `date format '${d.pattern}' (${d.about}): DateFormatter`,
      inputs: [fmtInput],
      spec: prepare([
        { id: "s1", type: "DateFormatter", params: { column: "ts", format: d.pattern, output: "v" } },
      ]),
    });
    if (!d.parse) continue;
    const parseInput = {
      name: "input",
      schema: [{ name: "s", type: "string" as const }],
      rows: [...d.parse, null].map((s) => ({ s })),
    };
    const parse = `parseDate(s, ${p})`;
    out.push({
      ...base,
      name: `date parse '${d.pattern}' (${d.about}): formula`,
      inputs: [parseInput],
      spec: prepare([
        { id: "formula", type: "CreateColumnWithGREL", params: { output: "v", formula: parse } },
      ]),
      subjects: functionsOf(parse),
      subjectStep: "formula",
    });
    for (const outputType of ["timestamp", "date"] as const)
      out.push({
        ...base,
        name: `date parse '${d.pattern}' (${d.about}): DateParser to ${outputType}`,
        inputs: [parseInput],
        spec: prepare([
          {
            id: "s1",
            type: "DateParser",
            params: { column: "s", formats: [d.pattern], output: "v", outputType },
          },
        ]),
      });
  }
  return out;
}
