import { randomBytes } from "node:crypto";
import path from "node:path";
import { type DatabricksEmulator, startDatabricksEmulator } from "@sous/databricks-emulator";
import { type Caller, call, uniqueKey } from "./api-client.ts";

/** A Databricks emulator and the studio connection (with one compute profile) that reaches it. */
export interface EmulatedWorkspace {
  emu: DatabricksEmulator;
  connectionId: string;
  profileId: string;
  /** The engine choice of a recipe or a Lab design that runs on it. */
  engine: { kind: "databricks"; connectionId: string; profileId: string };
  /** Deletes the connection (with what uses it) and stops the emulator. */
  close(): Promise<void>;
}

/**
 * Starts a Databricks emulator whose mount is the test stack's own storage folder (so the
 * connection reads the installation's storage: nothing to upload) and makes, as `admin` (a
 * session of an admin), a connection named `name` to it and a one-node profile.
 */
export async function emulatedWorkspace(
  admin: Caller,
  name: string,
  o: { clusterStartDelayMs?: number } = {},
): Promise<EmulatedWorkspace> {
  const token = `dapi${randomBytes(12).toString("hex")}`;
  const emu = await startDatabricksEmulator({
    token,
    mounts: { "dbfs:/mnt/sous": path.join(process.env.SOUS_TEST_STACK_DATA_DIR ?? "", "storage") },
    clusterStartDelayMs: o.clusterStartDelayMs ?? 100,
  });
  try {
    const post = async (p: string, json: unknown) => {
      const r = await call(p, { method: "POST", json, as: admin });
      if (r.status !== 201) throw new Error(`POST ${p}: ${r.status} ${JSON.stringify(r.data)}`);
      return r.data as { id: string };
    };
    const c = await post("/admin/databricks/connections", {
      name: `${name} ${uniqueKey("C")}`,
      workspaceUrl: emu.url,
      token,
      storagePrefix: "dbfs:/mnt/sous",
      storage: { kind: "installation" },
    });
    const p = await post(`/admin/databricks/connections/${c.id}/profiles`, {
      name: "small",
      spec: { spark_version: "15.4.x-scala2.12", num_workers: 1 },
    });
    return {
      emu,
      connectionId: c.id,
      profileId: p.id,
      engine: { kind: "databricks", connectionId: c.id, profileId: p.id },
      async close() {
        try {
          await call(`/admin/databricks/connections/${c.id}?force=true`, { method: "DELETE", as: admin });
        } finally {
          await emu.stop();
        }
      },
    };
  } catch (e) {
    await emu.stop();
    throw e;
  }
}
