// Turns whatever @databricks/sql throws into a DatabricksSqlError. The driver's errors are a
// mix of classes (THTTPException, OperationStateError, and StatusError, which is not even an
// Error), so they are recognised by shape rather than by instanceof.
import { DatabricksSqlError, redact, safeMessageForStatus } from "./errors.ts";
import { transportFailureOf } from "./http-transport.ts";
import { noAnswerMessage, unreachableMessage } from "./timeouts.ts";

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

/**
 * A failure to talk to the workspace at all, which the driver reports in three shapes: node-fetch's
 * FetchError with the socket's errno (calls it does not retry, like OpenSession), "Request timed
 * out" (its socket timeout), and "Hive driver: Error when connecting to resource. Max retry count
 * exceeded." (calls it retried until giving up, the errno lost; "Error" stands where an HTTP
 * status would be). Status 0 in the result, like DatabricksApiError: the workspace did not answer.
 */
function connectionFailureOf(
  e: object,
  message: string,
  where: { workspace: string; rpcMs: number },
): DatabricksSqlError | undefined {
  const transport = transportFailureOf(e);
  if (transport?.kind === "unreachable")
    return new DatabricksSqlError(unreachableMessage(where.workspace, transport.reason), 0);
  if (
    /^Request timed out$|network timeout at/i.test(message) ||
    (e as { type?: unknown }).type === "request-timeout"
  )
    return new DatabricksSqlError(noAnswerMessage(where.workspace, where.rpcMs), 0);
  const gaveUp = GAVE_UP.exec(message);
  if (gaveUp) {
    const status = Number(gaveUp[1]);
    if (Number.isInteger(status))
      return new DatabricksSqlError(
        safeMessageForStatus(status) ?? `The Databricks SQL endpoint kept answering HTTP ${status}.`,
        status,
      );
    return new DatabricksSqlError(
      `Could not reach the Databricks SQL endpoint at ${where.workspace}: the connection failed on every retry. Check that the workspace and the cluster are up, then run again.`,
      0,
    );
  }
  if (transport)
    return new DatabricksSqlError(
      `Could not reach the Databricks workspace at ${where.workspace}: ${transport.reason}.`,
      0,
    );
  return undefined;
}

const GAVE_UP =
  /^Hive driver: (\S+) when connecting to resource\. (?:Max retry count|Retry timeout) exceeded/;

/**
 * The connection broke without saying why: a reset or hang-up, or the driver's retries ran out
 * on connection errors (it drops the errno then). Only a new connection attempt can tell a dead
 * workspace from a flaky network.
 */
export function lostConnection(e: unknown): boolean {
  if (typeof e !== "object" || e === null) return false;
  if (transportFailureOf(e)?.kind === "network") return true;
  const message = (e as { message?: unknown }).message;
  return typeof message === "string" && GAVE_UP.exec(message)?.[1] === "Error";
}

export function toSqlError(
  e: unknown,
  token: string,
  /** The workspace's URL and the per-RPC timeout, for connection failures' messages. */
  where?: { workspace: string; rpcMs: number },
): DatabricksSqlError {
  if (e instanceof DatabricksSqlError) return e;
  if (where && typeof e === "object" && e !== null) {
    const message = (e as { message?: unknown }).message;
    const failure = connectionFailureOf(e, typeof message === "string" ? message : "", where);
    if (failure) return new DatabricksSqlError(redact(failure.message, token), failure.status);
  }
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
