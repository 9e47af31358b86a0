import { CompileError } from "@sous/compiler";
import { AppError } from "@sous/contracts";
import { QueryCancelledError } from "@sous/engine-local";

/**
 * A failure the user must fix (bad recipe, missing input, SQL the data rejects): retrying cannot
 * help, so the activity fails at once with this message. Anything else is treated as transient.
 */
export function permanentFailureMessage(e: unknown): string | null {
  if (e instanceof AppError || e instanceof CompileError) return e.message;
  if (e instanceof QueryCancelledError) return "Cancelled.";
  if (
    e instanceof Error &&
    /^(Binder|Conversion|Invalid Input|Parser|Catalog|Out of Range|Constraint) Error/.test(e.message)
  ) {
    return `The query failed on the data: ${e.message.split("\n")[0]}`;
  }
  return null;
}
