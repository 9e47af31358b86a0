// How a Databricks connection is stored: non-secret settings in Connection.config (JSON), the
// token and the Blob credentials sealed together in Connection.secret (AES-256-GCM, context =
// the connection id). Shared by the studio (writes) and the worker (reads).
import { z } from "zod";

export const DATABRICKS_CONNECTION_KIND = "databricks";

export const connectionConfigSchema = z.object({
  workspaceUrl: z.string(),
  isolation: z.enum(["service", "per-user"]),
  storagePrefix: z.string(),
  storage: z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("installation") }),
    z.object({
      kind: z.literal("azure-blob"),
      container: z.string(),
      blobPrefix: z.string(),
      account: z.string().nullable(),
    }),
  ]),
  tokenLast4: z.string().nullable(),
});
export type ConnectionConfig = z.infer<typeof connectionConfigSchema>;

export const connectionSecretsSchema = z.object({
  token: z.string().optional(),
  blobConnectionString: z.string().optional(),
});
export type ConnectionSecrets = z.infer<typeof connectionSecretsSchema>;

/** The account name inside an Azure Storage connection string (shown to admins; not a secret). */
export function accountOf(connectionString: string): string | null {
  return /(?:^|;)AccountName=([^;]+)/i.exec(connectionString)?.[1] ?? null;
}

export const last4 = (secret: string) => secret.slice(-4);

/** Context strings bind a ciphertext to its row: a copied ciphertext does not decrypt elsewhere. */
export const connectionSecretContext = (connectionId: string) => `databricks:${connectionId}`;
export const userTokenContext = (connectionId: string, userId: string) =>
  `databricks:${connectionId}:${userId}`;

/** The user can fix this: their connection runs on per-user tokens and they have not stored one. */
export class MissingDatabricksTokenError extends Error {
  override readonly name: string = "MissingDatabricksTokenError";
}

/** A token (or Blob credential) sealed under another SOUS_SECRET_KEY: as good as missing. */
export class UnreadableSecretError extends MissingDatabricksTokenError {
  override readonly name = "UnreadableSecretError";
}

/** Picks the token a job runs under, or says clearly what is missing. */
export function resolveRunToken(o: {
  connectionName: string;
  isolation: "service" | "per-user";
  serviceToken: string | undefined;
  userToken: string | undefined;
}): string {
  if (o.isolation === "per-user") {
    if (o.userToken) return o.userToken;
    throw new MissingDatabricksTokenError(
      `The Databricks connection "${o.connectionName}" runs jobs under each user's own token, and you have not stored one. Add your personal access token on the Account page, then run again.`,
    );
  }
  if (o.serviceToken) return o.serviceToken;
  throw new MissingDatabricksTokenError(
    `The Databricks connection "${o.connectionName}" has no token. An administrator must set one in Admin > Databricks.`,
  );
}
