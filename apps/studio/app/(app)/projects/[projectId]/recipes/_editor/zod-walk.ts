import { RecipeColumnNameSchema } from "@sous/contracts";
import type { z } from "zod";
import type { Col } from "@/ui/columns.tsx";

// Walking a step's zod params schema: what wraps a field (optional, default, nullable), whether
// a string is a column name, and a first value for a new step. Pure, so it can be tested.

// biome-ignore lint/suspicious/noExplicitAny: zod's internals are walked generically
type Loose = any;
export type AnySchema = z.ZodType & {
  _zod: { def: Loose };
  description?: string;
  options?: Loose;
  minValue?: number | null;
};

export interface Unwrapped {
  base: AnySchema;
  optional: boolean;
  nullable: boolean;
  defaultValue: unknown;
  description: string | undefined;
}

/** Peels optional / default / nullable off a schema, keeping what they said. */
export function unwrap(s: AnySchema): Unwrapped {
  let cur = s;
  let optional = false;
  let nullable = false;
  let defaultValue: unknown;
  let description = s.description;
  for (let i = 0; i < 10; i++) {
    const d = cur._zod.def;
    if (d.type === "optional") optional = true;
    else if (d.type === "nullable") nullable = true;
    else if (d.type === "default" || d.type === "prefault") {
      const v = d.defaultValue;
      defaultValue = typeof v === "function" ? v() : v;
    } else break;
    cur = d.innerType as AnySchema;
    description ??= cur.description;
  }
  return { base: cur, optional, nullable, defaultValue, description };
}

const COLUMN_KEYS = /^(column|start|end|reference|currencyColumn|from)$/;
const COLUMNS_KEYS = /^(columns|partitionBy)$/;

export function isColumnField(key: string, s: AnySchema): boolean {
  return s === (RecipeColumnNameSchema as unknown) || (COLUMN_KEYS.test(key) && s._zod.def.type === "string");
}

/**
 * Whether an array field lists columns: its key says so, or its elements are column names by
 * schema. A plain string element is not enough: Parse dates' formats, regex output names and
 * binner labels are lists of strings that are not columns.
 */
export function isColumnListField(key: string, element: AnySchema): boolean {
  return COLUMNS_KEYS.test(key) || unwrap(element).base === (RecipeColumnNameSchema as unknown);
}

/** A first entry for a list of text that is not columns (a new Parse dates step tries ISO dates). */
const LIST_DEFAULTS: Record<string, string> = { formats: "yyyy-MM-dd" };

/** "keyColumn" -> "Key column" */
export function labelOf(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export const enumOptions = (s: AnySchema): string[] =>
  Array.isArray(s.options) ? s.options.map(String) : Object.values(s._zod.def.entries ?? {}).map(String);

/** Required text fields that cannot be empty: a harmless start the user edits. */
const STRING_DEFAULTS: Record<string, string> = {
  pattern: ".+",
  search: "a",
  find: "a",
  format: "yyyy-MM-dd",
  path: "key",
  separator: ",",
  country: "FR",
};

/** A value to start a new step with: required fields filled with a guess, defaults left to the server. */
export function initialValue(s: AnySchema, key: string, cols: Col[], out: (key: string) => string): unknown {
  const u = unwrap(s);
  if (u.optional || u.defaultValue !== undefined) return undefined;
  if (u.nullable) return null;
  const d = u.base._zod.def;
  const first = cols[0]?.name ?? "";
  switch (d.type) {
    case "object": {
      const o: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(d.shape as Record<string, AnySchema>)) {
        const x = initialValue(v, k, cols, out);
        if (x !== undefined) o[k] = x;
      }
      return o;
    }
    case "string":
      if (isColumnField(key, u.base)) return first;
      if (/^(output|to|keyColumn|valueColumn|prefix)$/.test(key)) return out(key);
      return STRING_DEFAULTS[key] ?? "";
    case "number":
      return typeof u.base.minValue === "number" && Number.isFinite(u.base.minValue)
        ? Math.max(0, u.base.minValue)
        : 1;
    case "boolean":
      return false;
    case "enum":
      return enumOptions(u.base)[0];
    case "literal":
      return (d.values as unknown[])[0];
    case "array": {
      const el = d.element as AnySchema;
      if (isColumnListField(key, el)) return first ? [first] : [];
      const ue = unwrap(el);
      if (ue.base._zod.def.type === "enum") return [enumOptions(ue.base)[0]];
      if (ue.base._zod.def.type === "object") return [initialValue(el, key, cols, out)];
      if (key === "outputs") return [out(key)];
      if (ue.base._zod.def.type === "number") return [0];
      return [LIST_DEFAULTS[key] ?? ""];
    }
    case "union": {
      const opts = d.options as AnySchema[];
      return initialValue(opts[0]!, key, cols, out);
    }
    case "record":
      return {};
    default:
      return undefined;
  }
}
