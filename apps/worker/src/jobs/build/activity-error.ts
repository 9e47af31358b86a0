import { CompileError } from "@sous/compiler";
import { AppError } from "@sous/contracts";
import { QueryCancelledError } from "@sous/engine-local";

/**
 * A failure the user must fix (bad recipe, missing input, SQL the data rejects): retrying cannot
 * help, so the activity fails at once with this message. Anything else (a connection reset, a
 * Redis or Postgres blip, a killed worker) is transient and the job is retried with backoff.
 */
export function permanentFailureMessage(e: unknown): string | null {
  if (e instanceof AppError || e instanceof CompileError) return e.message;
  if (
    e instanceof Error &&
    /^(Binder|Conversion|Invalid Input|Parser|Catalog|Out of Range|Constraint|Not implemented) Error/.test(
      e.message,
    )
  ) {
    return `The query failed on the data: ${e.message.split("\n")[0]}`;
  }
  return null;
}

export const isCancelled = (e: unknown) => e instanceof QueryCancelledError;
