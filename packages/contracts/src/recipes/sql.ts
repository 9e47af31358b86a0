import { z } from "zod";

/**
 * The SQL code recipe: ONE SparkSQL query (SELECT / WITH ... SELECT) that reads the recipe's
 * inputs as tables named like the input datasets. No DDL/DML, no second statement, no reading
 * files or other tables: the compiler refuses them.
 */
export const SqlParamsSchema = z
  .object({
    sql: z
      .string()
      .min(1)
      .max(200_000)
      // Neither engine nor Postgres (which stores the recipe) takes a NUL character.
      .refine((s) => !s.includes("\u0000"), "The query holds a NUL character (\\0): remove it.")
      .describe("One SparkSQL query; inputs are read by dataset name"),
  })
  .strict();
export type SqlParams = z.infer<typeof SqlParamsSchema>;
