import { type RecipeSpec, RecipeSpecSchema } from "@sous/contracts";
import { CompileError } from "../errors.ts";

/** Parses untrusted recipe JSON; the first zod issue becomes a CompileError pointing into the spec. */
export function parseSpec(spec: unknown): RecipeSpec {
  const parsed = RecipeSpecSchema.safeParse(spec);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = (issue?.path ?? []).map((p) => (typeof p === "number" ? p : String(p)));
  const where = path.length > 0 ? ` at ${path.join(".")}` : "";
  throw new CompileError(
    "invalid_spec",
    `Invalid recipe${where}: ${issue?.message ?? "unknown error"}`,
    path,
  );
}
