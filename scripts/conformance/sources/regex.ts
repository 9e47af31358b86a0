import { REGEX_CASES } from "../../../packages/compiler/test/conformance/regex-table.ts";
import type { ConformanceCase } from "../types.ts";
import { functionsOf } from "./formula.ts";

/** A text as a formula string literal: backslashes and quotes escaped, the rest as is. */
export const formulaString = (s: string) =>
  `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(/\t/g, "\\t")}"`;

/** Each regex of the table through each regex-using formula function and prepare step. */
export function regexCases(): ConformanceCase[] {
  const schema = [{ name: "s", type: "string" as const }];
  const out: ConformanceCase[] = [];
  for (const [k, r] of REGEX_CASES.entries()) {
    const rows = r.inputs.map((s) => ({ s }));
    const p = formulaString(r.pattern);
    const formulas = [`regexMatch(s, ${p})`, `regexExtract(s, ${p}, 0)`, `regexReplace(s, ${p}, "<$0>")`];
    const steps: [string, Record<string, unknown>][] = [
      ["FilterOnRegex", { column: "s", pattern: r.pattern, action: "keep" }],
      ["FlagOnRegex", { column: "s", pattern: r.pattern, output: "flag" }],
      ["FindReplace", { columns: ["s"], mode: "regex", find: r.pattern, replace: "_" }],
    ];
    if (/\((?!\?)/.test(r.pattern))
      steps.push(["RegexpExtractor", { column: "s", pattern: r.pattern, outputs: ["g1"] }]);
    const base = {
      source: "regex table",
      inputs: [{ name: "input", schema, rows }],
      ordered: false,
      parquet: false,
    };
    for (const f of formulas)
      out.push({
        ...base,
        name: `regex #${k} ${r.about}: ${f}`,
        spec: {
          kind: "prepare",
          version: 1,
          params: {
            steps: [{ id: "formula", type: "CreateColumnWithGREL", params: { output: "v", formula: f } }],
          },
        },
        subjects: functionsOf(f),
        subjectStep: "formula",
      });
    for (const [type, params] of steps)
      out.push({
        ...base,
        name: `regex #${k} ${r.about}: ${type} /${r.pattern}/`,
        spec: { kind: "prepare", version: 1, params: { steps: [{ id: "s1", type, params }] } },
      });
  }
  return out;
}
