import { z } from "zod";

/** Every error Sous reports to a user or a script has one of these codes. */
export const ErrorCodeSchema = z.enum([
  "unauthenticated",
  "forbidden",
  "not_found",
  "invalid_input",
  "conflict",
  "payload_too_large",
  "unsupported_media_type",
  "rate_limited",
  "setup_required",
  "compile_error",
  "engine_error",
  "unavailable",
  "internal",
]);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

/** The one HTTP mapping of the error model. */
export const HTTP_STATUS_BY_CODE: Record<ErrorCode, number> = {
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  invalid_input: 400,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  setup_required: 409,
  compile_error: 422,
  engine_error: 500,
  unavailable: 503,
  internal: 500,
};

/**
 * An error whose message is safe to show to the user and says what to fix.
 * Anything that is not an AppError is reported as a generic internal error.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;
  constructor(
    code: ErrorCode,
    message: string,
    opts?: { details?: Record<string, unknown>; cause?: unknown },
  ) {
    super(message, opts?.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "AppError";
    this.code = code;
    this.details = opts?.details;
  }
}

export const ErrorBodySchema = z
  .object({
    error: z
      .object({
        code: ErrorCodeSchema,
        message: z.string(),
        details: z.record(z.string(), z.unknown()).optional(),
      })
      .strict(),
  })
  .strict();
export type ErrorBody = z.infer<typeof ErrorBodySchema>;
