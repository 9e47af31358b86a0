// The "Databricks (local emulator)" connection `npm start` offers, so a newcomer can try the
// remote engine without an Azure account. Upserted at every start (the emulator's port and
// token are new each time) by @sous/server-domain's upsertDemoConnection, from these values.
import { createSecretBox } from "@sous/config";
import {
  type ConnectionConfig,
  connectionSecretContext,
  DATABRICKS_CONNECTION_KIND,
  last4,
} from "./connection-config.ts";

export const DEMO_CONNECTION_NAME = "Databricks (local emulator)";
export const DEMO_PROFILE = {
  name: "emulator",
  spec: {
    spark_version: "15.4.x-scala2.12",
    node_type_id: "Standard_DS3_v2",
    num_workers: 1,
    autotermination_minutes: 10,
  },
};

/** The connection row of the demo: its config and its token sealed for its id. */
export function demoConnectionRecord(o: {
  id: string;
  secretKey: string;
  workspaceUrl: string;
  token: string;
  /** What the emulator mounts at dbfs:/mnt/sous: the installation's own storage. */
  storagePrefix?: string;
}): { kind: string; name: string; config: ConnectionConfig; secret: string } {
  const config: ConnectionConfig = {
    workspaceUrl: o.workspaceUrl,
    isolation: "service",
    storagePrefix: o.storagePrefix ?? "dbfs:/mnt/sous",
    storage: { kind: "installation" },
    tokenLast4: last4(o.token),
  };
  const secret = createSecretBox(o.secretKey).seal(
    JSON.stringify({ token: o.token }),
    connectionSecretContext(o.id),
  );
  return { kind: DATABRICKS_CONNECTION_KIND, name: DEMO_CONNECTION_NAME, config, secret };
}
