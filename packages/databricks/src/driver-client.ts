// Construction of the real @databricks/sql client, with the two adjustments Sous needs.
import { DBSQLClient } from "@databricks/sql";

export type TlsOptions = { caCert?: string | Buffer; insecure?: boolean } | false;

/** The private DBSQLClient method that builds transport options (see plain-HTTP note below). */
type ConnectionOptionsBuilder = { getConnectionOptions: (options: unknown) => Record<string, unknown> };

function hasConnectionOptionsBuilder(client: unknown): client is ConnectionOptionsBuilder {
  return (
    typeof client === "object" &&
    client !== null &&
    typeof (client as { getConnectionOptions?: unknown }).getConnectionOptions === "function"
  );
}

// The driver logs JSON lines to the console by default; the worker has its own logging and the
// driver's debug lines can include connection details.
const silentLogger = { log() {} };

export function createDriverClient(tls: TlsOptions): DBSQLClient {
  const client = new DBSQLClient({ logger: silentLogger });
  if (tls === false) {
    // DBSQLClient hard-codes `https: true` in a private method. The emulator serves plain HTTP,
    // so this one instance gets the method wrapped. Checked at runtime so a driver upgrade that
    // renames it fails loudly instead of silently talking TLS to a plain socket.
    const patchable: unknown = client;
    if (!hasConnectionOptionsBuilder(patchable)) {
      throw new Error("This @databricks/sql version cannot be switched to plain HTTP");
    }
    const build = patchable.getConnectionOptions.bind(client);
    patchable.getConnectionOptions = (options) => ({ ...build(options), https: false });
  }
  return client;
}

export function tlsConnectOptions(tls: TlsOptions | undefined): {
  checkServerCertificate?: boolean;
  customCaCert?: string | Buffer;
} {
  if (!tls) return {};
  return {
    ...(tls.caCert !== undefined ? { customCaCert: tls.caCert } : {}),
    ...(tls.insecure ? { checkServerCertificate: false } : {}),
  };
}
