import { AppError, type ErrorBody, HTTP_STATUS_BY_CODE } from "@sous/contracts";
import { isRecordNotFound, isUniqueViolation } from "@sous/db";
import { ZodError } from "zod";

type Issue = ZodError["issues"][number];

/**
 * A union that matches no option is one issue, "Invalid input": report instead the issues of the
 * option that came closest (the fewest), e.g. "rules.0.value: contains a NUL character".
 */
function closest(issues: Issue[], base: PropertyKey[] = []): Issue[] {
  return issues.flatMap((i) => {
    const at = [...base, ...i.path];
    if (i.code === "invalid_union" && i.errors.length) {
      const best = [...i.errors].sort((a, b) => a.length - b.length)[0] ?? [];
      if (best.length) return closest(best, at);
    }
    return [{ ...i, path: at }];
  });
}

function zodMessage(e: ZodError): string {
  return closest(e.issues)
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join(".") : "body"}: ${i.message}`)
    .join("; ");
}

/** The one mapping from anything thrown to an HTTP response with `{ error: { code, message } }`. */
export function errorResponse(e: unknown): Response {
  let err: AppError;
  if (e instanceof AppError) err = e;
  else if (e instanceof ZodError) err = new AppError("invalid_input", zodMessage(e));
  else if (isUniqueViolation(e)) err = new AppError("conflict", "An object with this name already exists.");
  else if (isRecordNotFound(e)) err = new AppError("not_found", "Not found.");
  else {
    console.error("[api] unexpected error", e);
    err = new AppError("internal", "Something went wrong on the server. The error has been logged.");
  }
  const body: ErrorBody = {
    error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) },
  };
  const retryAfter = err.code === "rate_limited" ? err.details?.retryAfterSeconds : undefined;
  return Response.json(body, {
    status: HTTP_STATUS_BY_CODE[err.code],
    ...(typeof retryAfter === "number" ? { headers: { "Retry-After": String(retryAfter) } } : {}),
  });
}
