import { DatasetSchemaSchema } from "@sous/contracts";
import { CompileError } from "../errors.ts";
import type { CompileInput } from "../types.ts";
import { assertUniqueNames } from "./columns.ts";
import { assertSafePath } from "./paths.ts";

/** Checks what the compiler trusts about its inputs: schema shape, unique names, safe paths. */
export function validateInputs(inputs: readonly CompileInput[]): void {
  inputs.forEach((input, i) => {
    const parsed = DatasetSchemaSchema.safeParse(input.schema);
    if (!parsed.success) {
      throw new CompileError(
        "invalid_schema",
        `Input "${input.name}" has an invalid schema: ${parsed.error.message}`,
        ["inputs", i],
      );
    }
    try {
      assertUniqueNames(input.schema.map((c) => ({ name: c.name, path: ["inputs", i] })));
    } catch (e) {
      if (e instanceof CompileError) {
        throw new CompileError("invalid_schema", `Input "${input.name}": ${e.message}`, ["inputs", i]);
      }
      throw e;
    }
    if (input.location.format !== "parquet") {
      throw new CompileError("invalid_schema", `Input "${input.name}" is not stored as Parquet.`, [
        "inputs",
        i,
      ]);
    }
    assertSafePath(input.location.path, `The path of input "${input.name}"`, ["inputs", i]);
  });
}

export function requireInputCount(kind: string, inputs: readonly unknown[], expected: number): void {
  if (inputs.length !== expected) {
    throw new CompileError(
      "wrong_input_count",
      `A ${kind} recipe takes ${expected} input dataset${expected === 1 ? "" : "s"}, got ${inputs.length}.`,
      ["inputs"],
    );
  }
}
