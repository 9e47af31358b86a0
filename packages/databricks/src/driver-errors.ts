// Turns whatever @databricks/sql throws into a DatabricksSqlError. The driver's errors are a
// mix of classes (THTTPException, OperationStateError, and StatusError, which is not even an
// Error), so they are recognised by shape rather than by instanceof.
import { DatabricksSqlError, redact, safeMessageForStatus } from "./errors.ts";

type HttpFailure = { statusCode: number; retryAfterMs?: number };

/** The HTTP status of a THTTPException (non-200 Thrift response), if that is what `e` is. */
export function httpFailureOf(e: unknown): HttpFailure | undefined {
  if (typeof e !== "object" || e === null) return undefined;
  const statusCode = (e as { statusCode?: unknown }).statusCode;
  if (typeof statusCode !== "number") return undefined;
  const headers = (e as { response?: { headers?: { get?: unknown } } }).response?.headers;
  let retryAfterMs: number | undefined;
  if (headers && typeof headers.get === "function") {
    const value: unknown = headers.get.call(headers, "retry-after");
    const seconds = typeof value === "string" ? Number(value) : Number.NaN;
    if (Number.isFinite(seconds) && seconds >= 0) retryAfterMs = seconds * 1000;
  }
  return { statusCode, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
}

function sqlStateOf(e: object, message: string): string | undefined {
  const fromResponse = (e as { response?: { sqlState?: unknown } }).response?.sqlState;
  if (typeof fromResponse === "string" && fromResponse !== "") return fromResponse;
  return /SQLSTATE: ?([0-9A-Z]{5})/.exec(message)?.[1];
}

export function toSqlError(e: unknown, token: string): DatabricksSqlError {
  if (e instanceof DatabricksSqlError) return e;
  const http = httpFailureOf(e);
  if (http) {
    const safe = safeMessageForStatus(http.statusCode);
    return new DatabricksSqlError(
      safe ?? `The Databricks SQL endpoint answered HTTP ${http.statusCode}.`,
      http.statusCode,
    );
  }
  if (typeof e === "object" && e !== null && typeof (e as { message?: unknown }).message === "string") {
    const message = (e as { message: string }).message;
    const text = message === "" ? "The Databricks statement failed" : message;
    return new DatabricksSqlError(redact(text, token), undefined, sqlStateOf(e, message));
  }
  return new DatabricksSqlError(redact(`The Databricks statement failed: ${String(e)}`, token));
}
