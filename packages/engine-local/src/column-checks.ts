import { AppError } from "@sous/contracts";
import { headerProblems } from "./csv-header.ts";

/**
 * Every format ends in a list of column names: none, empty or colliding (Spark resolves names
 * case-insensitively) are refused here, with a message that says which and where.
 */
export function checkColumnNames(names: string[], where = "header"): void {
  if (names.length === 0)
    throw new AppError("invalid_input", `The file has no columns: the ${where} is empty.`);
  const { duplicates, emptyPositions } = headerProblems(names);
  if (duplicates.length) {
    throw new AppError(
      "invalid_input",
      `Duplicate column names in the ${where}: ${duplicates.join(", ")}. Column names must be unique (ignoring case); rename them and upload again.`,
      { details: { duplicates } },
    );
  }
  const nul = names.findIndex((n) => n.includes("\u0000"));
  if (nul !== -1)
    throw new AppError(
      "invalid_input",
      `The column name at position ${nul + 1} in the ${where} contains a NUL character (\\u0000), which cannot be stored. Rename the column and upload again.`,
    );
  if (emptyPositions.length) {
    throw new AppError(
      "invalid_input",
      `Empty column name in the ${where} at position ${emptyPositions.join(", ")}. Give every column a name and upload again.`,
    );
  }
}
