// The "Databricks (local emulator)" connection `npm start` offers, so a newcomer can try the
// remote engine without an Azure account. Upserted at every start: the emulator's port and
// token are new each time.
import { createSecretBox } from "@sous/config";
import type { Db } from "@sous/db";
import {
  type ConnectionConfig,
  connectionSecretContext,
  DATABRICKS_CONNECTION_KIND,
  last4,
} from "./connection-config.ts";

export const DEMO_CONNECTION_NAME = "Databricks (local emulator)";
const DEMO_PROFILE = {
  name: "emulator",
  spec: {
    spark_version: "15.4.x-scala2.12",
    node_type_id: "Standard_DS3_v2",
    num_workers: 1,
    autotermination_minutes: 10,
  },
};

export async function upsertDemoConnection(o: {
  db: Db;
  secretKey: string;
  workspaceUrl: string;
  token: string;
  /** What the emulator mounts at dbfs:/mnt/sous: the installation's own storage. */
  storagePrefix?: string;
}): Promise<{ connectionId: string; profileId: string }> {
  const box = createSecretBox(o.secretKey);
  const existing = await o.db.connection.findUnique({ where: { name: DEMO_CONNECTION_NAME } });
  const id = existing?.id ?? "dbxlocalemulator";
  const config: ConnectionConfig = {
    workspaceUrl: o.workspaceUrl,
    isolation: "service",
    storagePrefix: o.storagePrefix ?? "dbfs:/mnt/sous",
    storage: { kind: "installation" },
    tokenLast4: last4(o.token),
  };
  const secret = box.seal(JSON.stringify({ token: o.token }), connectionSecretContext(id));
  await o.db.connection.upsert({
    where: { id },
    create: { id, kind: DATABRICKS_CONNECTION_KIND, name: DEMO_CONNECTION_NAME, config, secret },
    update: { config, secret },
  });
  const profile =
    (await o.db.computeProfile.findFirst({ where: { connectionId: id, name: DEMO_PROFILE.name } })) ??
    (await o.db.computeProfile.create({ data: { connectionId: id, ...DEMO_PROFILE } }));
  return { connectionId: id, profileId: profile.id };
}
