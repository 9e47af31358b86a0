// Errors that leave this package are shown to users and written to logs, so they carry only
// user-safe text: never the token, never raw driver objects (which hold request details).

const SAFE_MESSAGES: Record<number, string> = {
  401: "The Databricks token was rejected. Check that the personal access token is valid and has not expired.",
  403: "The Databricks token is not allowed to do this. Ask a workspace admin for the needed permissions.",
  429: "Databricks is rate limiting requests. Wait a moment and try again.",
  503: "Databricks is temporarily unavailable; the workspace or cluster may still be starting. Try again shortly.",
};

export function safeMessageForStatus(status: number): string | undefined {
  return SAFE_MESSAGES[status];
}

/** Removes every occurrence of the secret from a string (defence in depth for server echoes). */
export function redact(text: string, secret: string): string {
  return secret.length > 0 ? text.split(secret).join("[REDACTED]") : text;
}

/** A failed Databricks REST call. `status` is 0 when the workspace could not be reached. */
export class DatabricksApiError extends Error {
  override readonly name = "DatabricksApiError";
  constructor(
    message: string,
    readonly status: number,
    readonly errorCode: string,
  ) {
    super(message);
  }

  toJSON() {
    return { name: this.name, message: this.message, status: this.status, errorCode: this.errorCode };
  }
}

/** A failed SQL statement or connection over Thrift. */
export class DatabricksSqlError extends Error {
  override readonly name = "DatabricksSqlError";
  constructor(
    message: string,
    /**
     * HTTP status of the failing Thrift call, when the failure was at the HTTP level; 0 when the
     * workspace was unreachable or did not answer in time.
     */
    readonly status?: number,
    /** SQLSTATE reported by Databricks for statement errors (e.g. 42601 for a syntax error). */
    readonly sqlState?: string,
  ) {
    super(message);
  }

  toJSON() {
    return { name: this.name, message: this.message, status: this.status, sqlState: this.sqlState };
  }
}
