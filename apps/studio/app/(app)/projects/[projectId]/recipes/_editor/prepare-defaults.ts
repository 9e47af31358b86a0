import { prepareStepCatalog, prepareStepEngines } from "@sous/compiler/prepare-catalog";
import { PREPARE_STEP_PARAMS, type PrepareStep, type PrepareStepType } from "@sous/contracts";
import type { TranslatabilityVerdict } from "@/shared/api/recipe-preview-schemas.ts";
import type { Col } from "@/ui/columns.tsx";
import { type AnySchema, initialValue } from "./zod-walk.ts";

// The prepare editor's catalogue and the params a new step starts with. Pure (tested by
// checking every step type's defaults against its schema and the compiler).

export type Verdicts = Record<"spark" | "duckdb", TranslatabilityVerdict>;

export const CATEGORY_LABEL: Record<string, string> = {
  columns: "Columns",
  strings: "Text",
  numbers: "Numbers",
  dates: "Dates",
  rows: "Filter & flag rows",
  reshape: "Reshape",
  web: "Web & misc.",
};

let catalogCache: ReturnType<typeof prepareStepCatalog> | null = null;
export function catalog() {
  catalogCache ??= prepareStepCatalog();
  return catalogCache;
}
export const infoOf = (type: string) => catalog().find((c) => c.type === type);

/** The column types a step type wants for its main column, to guess a good default. */
function preferredColumn(type: string, category: string, cols: Col[]): Col[] {
  const num = (c: Col) => ["integer", "bigint", "double", "decimal"].includes(c.type);
  const date = (c: Col) => c.type === "date" || c.type === "timestamp";
  const str = (c: Col) => c.type === "string";
  let pick: ((c: Col) => boolean) | null = null;
  if (type === "BooleanNot") pick = (c) => c.type === "boolean";
  else if (
    type === "DateParser" ||
    /OnValue|Regex|Json|JSON|ExtractNumbers|MatchCounter|ValueMapper|LongTail|Unfold/.test(type)
  )
    pick = str;
  else if (type === "UNIXTimestampParser") pick = num;
  else if (category === "dates" || type === "FilterOnDate") pick = date;
  else if (category === "numbers" || /NumericalRange|MinMax|Round|Binner|Currency/.test(type)) pick = num;
  else if (category === "strings" || category === "web" || /Splitter|Concat/.test(type)) pick = str;
  if (type === "UserAgentParser") {
    const ua = cols.find((c) => /agent|\bua\b/i.test(c.name));
    if (ua) return [ua, ...cols.filter((c) => c !== ua)];
  }
  if (!pick) return cols;
  return [...cols.filter(pick), ...cols.filter((c) => !pick(c))];
}

/** Hand-tuned starting params for the common steps; the schema's guess for the rest. */
export function defaultStepParams(
  type: PrepareStepType,
  cols: Col[],
  taken: Set<string>,
): Record<string, unknown> {
  const info = infoOf(type);
  const ordered = preferredColumn(type, info?.category ?? "", cols);
  const first = ordered[0]?.name ?? "";
  const fresh = (base: string) => {
    let n = base;
    for (let i = 2; taken.has(n); i++) n = `${base}_${i}`;
    return n;
  };
  switch (type) {
    case "ColumnRenamer":
      return { renamings: [{ from: first, to: fresh(`${first}_renamed`) }] };
    case "ColumnsSelector":
      return { keep: false, columns: first ? [first] : [] };
    case "FillEmptyWithValue":
      return { columns: [first], value: ordered[0] && ordered[0].type !== "string" ? 0 : "" };
    case "FindReplace":
      return { columns: [first], mode: "literal", find: "a", replace: "" };
    case "ChangeCase":
      return { columns: [first], mode: "upper" };
    case "ColumnSplitter":
      return { column: first, separator: ",", count: 2, keepOriginal: true };
    case "FilterOnNumericalRange":
      return { column: first, min: 0, action: "keep" };
    case "FilterOnValue":
      return { column: first, values: [""], action: "keep" };
    case "ColumnsConcat":
      return { columns: ordered.slice(0, 2).map((c) => c.name), separator: " ", output: fresh("concat") };
    case "DateComponentsExtractor":
      return { column: first, parts: ["year", "month"] };
    case "DateParser":
      return { column: first, formats: ["yyyy-MM-dd"] };
    case "BinnerProcessor":
      return { column: first, mode: { kind: "fixedWidth", width: 10 } };
    case "HolidaysComputer":
      return { column: first, country: "FR", output: fresh(`${first}_holiday`) };
    case "RegexpExtractor":
      return { column: first, pattern: "(\\w+)", outputs: [fresh(`${first}_match`)] };
    case "MultiColumnByPatternFold":
      return { pattern: first, keyColumn: fresh("key"), valueColumn: fresh("value") };
    case "TimezoneConverter":
      return { column: first, from: "UTC", to: "Europe/Paris" };
    case "FilterOnDate":
      return { column: first, from: "2000-01-01", action: "keep" };
    case "MinMaxProcessor":
      return { columns: [first], min: 0 };
    case "FlagOnNumericalRange":
      return { column: first, min: 0, output: fresh(`${first}_in_range`) };
    case "CurrencyConverter":
      return { column: first, currency: "EUR", rates: { EUR: 1 }, output: fresh(`${first}_converted`) };
    case "LongTailGrouper":
      return { column: first, minCount: 10 };
    // A formula that compiles on any schema, shown as a starting point to edit.
    case "CreateColumnWithGREL":
      return {
        output: fresh("formula"),
        formula: first ? `isNull(\`${first.replaceAll("`", "``")}\`)` : "true",
      };
    case "FilterOnFormula":
      return { formula: first ? `isNotNull(\`${first.replaceAll("`", "``")}\`)` : "true", action: "keep" };
    default: {
      const schema = PREPARE_STEP_PARAMS[type];
      const v = initialValue(schema as unknown as AnySchema, "", ordered, (k) =>
        fresh(
          k === "keyColumn"
            ? "key"
            : k === "valueColumn"
              ? "value"
              : `${first}_${type.toLowerCase().slice(0, 12)}`,
        ),
      );
      return (v ?? {}) as Record<string, unknown>;
    }
  }
}

const typeEngines = new Map<string, Verdicts>();
/** A step type's engines with its default params (the catalogue's hint). */
export function stepTypeEngines(type: PrepareStepType): Verdicts {
  let v = typeEngines.get(type);
  if (!v) {
    try {
      v = prepareStepEngines({
        id: "x",
        type,
        params: defaultStepParams(type, [{ name: "c", type: "string" }], new Set()),
      } as PrepareStep);
    } catch {
      v = { spark: { level: "full" }, duckdb: { level: "full" } };
    }
    typeEngines.set(type, v);
  }
  return v;
}
