// How long Sous waits on a Databricks workspace. Every REST call and every SQL (Thrift) RPC is
// bounded by these, so a workspace that accepts connections and never answers cannot hold a
// studio request, a build or a worker shutdown. The apps read them from their env and pass them.

export type DatabricksTimeouts = {
  /** Opening the connection (TCP and TLS handshake). Default 10 s. */
  connectMs?: number;
  /** Waiting for one answer once connected: a REST response, or one SQL RPC. Default 30 s. */
  readMs?: number;
};

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_READ_TIMEOUT_MS = 30_000;

export function resolveTimeouts(t: DatabricksTimeouts | undefined): Required<DatabricksTimeouts> {
  return {
    connectMs: t?.connectMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    readMs: t?.readMs ?? DEFAULT_READ_TIMEOUT_MS,
  };
}

/** "10 s", "0.5 s": a timeout as the messages show it. */
export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) || s >= 10 ? Math.round(s) : Number(s.toFixed(1))} s`;
}

/** What the user reads when the workspace cannot be reached at all. */
export function unreachableMessage(url: string, reason: string): string {
  return `The Databricks workspace at ${url} is unreachable (${reason}). Check the workspace URL, that the workspace is running, and that this server can reach it.`;
}

/** What the user reads when the workspace took the connection but never answered. */
export function noAnswerMessage(url: string, readMs: number): string {
  return `The Databricks workspace at ${url} did not answer within ${formatSeconds(readMs)}. Check the workspace URL and that the workspace is up (a proxy or firewall may be holding the connection), then try again.`;
}
