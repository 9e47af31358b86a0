import { z } from "zod";
import { nulFreeString } from "./common.ts";

/**
 * The SQL code recipe: ONE SparkSQL query (SELECT / WITH ... SELECT) that reads the recipe's
 * inputs as tables named like the input datasets. No DDL/DML, no second statement, no reading
 * files or other tables: the compiler refuses them.
 */
export const SqlParamsSchema = z
  .object({
    sql: nulFreeString().min(1).max(200_000).describe("One SparkSQL query; inputs are read by dataset name"),
  })
  .strict();
export type SqlParams = z.infer<typeof SqlParamsSchema>;
