// The optional demo step of `npm start`: a Databricks emulator that mounts the installation's
// storage at dbfs:/mnt/sous, registered as the "Databricks (local emulator)" connection.
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { DEMO_CONNECTION_NAME, upsertDemoConnection } from "@sous/databricks";
import { type MountSpec, startDatabricksEmulator } from "@sous/databricks-emulator";
import { createDb } from "@sous/db";
import { canConnect, freePort } from "./net.ts";
import type { Started } from "./services.ts";

export async function startDemoDatabricks(o: {
  dataDir: string;
  databaseUrl: string;
  secretKey: string;
  /** The installation's storage settings, so the emulator mounts the same files Sous writes. */
  storage: { kind: string; connectionString?: string; container?: string };
  port?: number;
  log: (m: string) => void;
}): Promise<Started> {
  let mount: MountSpec;
  if (o.storage.kind === "azure-blob" && o.storage.connectionString) {
    mount = {
      blob: { connectionString: o.storage.connectionString, container: o.storage.container ?? "sous" },
    };
  } else {
    mount = path.join(o.dataDir, "storage");
    mkdirSync(mount, { recursive: true });
  }
  const wanted = o.port ?? 8787;
  const port = (await canConnect("127.0.0.1", wanted)) ? await freePort() : wanted;
  // A fresh token each start; only its ciphertext is stored, it is never printed.
  const token = `dapi${randomBytes(16).toString("hex")}`;
  const emulator = await startDatabricksEmulator({
    port,
    token,
    mounts: { "dbfs:/mnt/sous": mount },
    clusterStartDelayMs: 3_000,
  });
  const db = createDb({ databaseUrl: o.databaseUrl });
  try {
    await upsertDemoConnection({ db, secretKey: o.secretKey, workspaceUrl: emulator.url, token });
  } finally {
    await db.$disconnect();
  }
  o.log(`"${DEMO_CONNECTION_NAME}" is at ${emulator.url} (clusters start in 3 s; see Admin > Databricks)`);
  return { url: emulator.url, stop: () => emulator.stop() };
}
