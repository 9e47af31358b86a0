// What the job log says when a remote activity fails, and whether trying again may help.
import { MissingDatabricksTokenError } from "./connection-config.ts";
import { DatabricksApiError, DatabricksSqlError } from "./errors.ts";

export type RemoteFailure = { message: string; retryable: boolean };

export function describeRemoteFailure(e: unknown): RemoteFailure {
  if (e instanceof MissingDatabricksTokenError) return { message: e.message, retryable: false };
  if (e instanceof DatabricksApiError) {
    const code = e.errorCode;
    if (e.status === 0) return { message: e.message, retryable: true };
    if (e.status === 429 || e.status === 503 || e.status === 502 || e.status === 504) {
      return { message: e.message, retryable: true };
    }
    if (code === "QUOTA_EXCEEDED" || code === "RESOURCE_EXHAUSTED" || /quota/i.test(e.message)) {
      return {
        message: `The workspace has no capacity for this cluster (quota): ${e.message} Lower the profile's workers or ask an Azure admin for more quota.`,
        retryable: false,
      };
    }
    if (/node type/i.test(e.message)) {
      return {
        message: `${e.message} Pick a node type this workspace offers in the compute profile.`,
        retryable: false,
      };
    }
    return { message: e.message, retryable: false };
  }
  if (e instanceof DatabricksSqlError) {
    return { message: e.message, retryable: e.status === 0 || e.status === 503 || e.status === 429 };
  }
  return { message: e instanceof Error ? e.message : String(e), retryable: false };
}
