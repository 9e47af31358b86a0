import { checkFormula, type FormulaFunctionInfo, formulaFunctions } from "@sous/compiler/formula";
import type { ColumnType } from "@sous/contracts";
import type { Col } from "./columns.tsx";

// The formula checker the editors run, apart from the editor itself: forms that check formulas
// without showing one do not load CodeMirror (see code-editors.tsx).

let catalog: FormulaFunctionInfo[] | null = null;
/** The function catalogue, built once (the same one the compiler checks against). */
export function formulaCatalog(): FormulaFunctionInfo[] {
  catalog ??= formulaFunctions();
  return catalog;
}

export interface FormulaCheck {
  type: ColumnType | null;
  errors: { message: string; start: number; end: number }[];
}

/** Checks a formula as the compiler will: its type, and every error with its position. */
export function checkFormulaText(
  text: string,
  columns: Col[],
  options: { groupKeys?: string[]; expect?: ColumnType } = {},
): FormulaCheck {
  if (!text.trim()) return { type: null, errors: [] };
  const schema = columns.map((c) => ({ name: c.name, type: c.type as ColumnType }));
  const r = checkFormula(text, schema, options.groupKeys ? { groupKeys: options.groupKeys } : {});
  const errors = r.errors.map((e) => ({ message: e.message, start: e.start, end: e.end }));
  if (!errors.length && options.expect && r.type && r.type !== options.expect) {
    errors.push({
      message: `This formula gives a ${r.type}; it must give a ${options.expect}${
        options.expect === "boolean" ? " (a test such as amount > 10)" : ""
      }.`,
      start: 0,
      end: text.length,
    });
  }
  return { type: errors.length ? null : r.type, errors };
}
