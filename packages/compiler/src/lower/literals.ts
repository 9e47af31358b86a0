import type { ColumnType, FilterValue } from "@sous/contracts";
import { CompileError } from "../errors.ts";
import { type LiteralExpr, lit } from "../ir/expr.ts";

type Path = (string | number)[];

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;
const INT_RANGE: Record<"integer" | "bigint", [bigint, bigint]> = {
  integer: [-(2n ** 31n), 2n ** 31n - 1n],
  bigint: [-(2n ** 63n), 2n ** 63n - 1n],
};

/** A rule's operand as a literal of the column's type, or a CompileError saying what is expected. */
export function literalFor(
  type: ColumnType,
  value: FilterValue | undefined,
  column: string,
  path: Path,
): LiteralExpr {
  const fail = (expected: string): never => {
    throw new CompileError(
      "invalid_value",
      `The value ${JSON.stringify(value)} does not fit column "${column}" (${type}): expected ${expected}.`,
      path,
    );
  };
  switch (type) {
    case "string":
      return typeof value === "string" ? lit(value, type) : fail("a text value");
    case "boolean":
      return typeof value === "boolean" ? lit(value, type) : fail("true or false");
    case "integer":
    case "bigint": {
      const text = typeof value === "number" && Number.isSafeInteger(value) ? String(value) : value;
      if (typeof text !== "string" || !/^-?\d+$/.test(text)) return fail("a whole number");
      const [lo, hi] = INT_RANGE[type];
      const n = BigInt(text);
      return n < lo || n > hi ? fail(`a whole number between ${lo} and ${hi}`) : lit(text, type);
    }
    case "double":
      return typeof value === "number" && Number.isFinite(value) ? lit(value, type) : fail("a number");
    case "decimal": {
      const text = typeof value === "number" && Number.isFinite(value) ? String(value) : value;
      return typeof text === "string" && DECIMAL.test(text)
        ? lit(text, type)
        : fail("a decimal number like 12.50");
    }
    case "date":
      return typeof value === "string" && DATE.test(value)
        ? lit(value, type)
        : fail("a date like 2024-01-31");
    case "timestamp":
      return typeof value === "string" && TIMESTAMP.test(value)
        ? lit(value.replace("T", " "), type)
        : fail("a timestamp like 2024-01-31 13:45:00");
  }
}
