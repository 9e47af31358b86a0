// The optional demo step of `npm start`: a Databricks emulator that mounts the installation's
// storage at dbfs:/mnt/sous, registered as the "Databricks (local emulator)" connection. It runs
// as a supervised process of its own (scripts/lib/emulator-process.ts): restarted on the same
// port with the same token when it crashes, so the stored connection stays valid.
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { DEMO_CONNECTION_NAME } from "@sous/databricks";
import type { MountSpec } from "@sous/databricks-emulator";
import { createDb } from "@sous/db";
// Not a dependency of the root package (scripts import it as bench/ does).
import { upsertDemoConnection } from "../../packages/server-domain/src/index.ts";
import { canConnect, freePort } from "./net.ts";
import type { Started } from "./services.ts";
import { childGuardArgs, type Supervisor, supervise } from "./supervisor.ts";

export async function startDemoDatabricks(o: {
  dataDir: string;
  databaseUrl: string;
  secretKey: string;
  /** The installation's storage settings, so the emulator mounts the same files Sous writes. */
  storage: { kind: string; connectionString?: string; container?: string };
  port?: number;
  log: (m: string) => void;
}): Promise<Started & { process: Supervisor }> {
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
  const emulator = supervise({
    name: "emulator",
    command: process.execPath,
    args: [...childGuardArgs, "--import", "tsx", path.join(import.meta.dirname, "emulator-process.ts")],
    cwd: path.resolve(import.meta.dirname, "../.."),
    env: {
      ...process.env,
      SOUS_EMULATOR_PORT: String(port),
      SOUS_EMULATOR_MOUNTS: JSON.stringify({ "dbfs:/mnt/sous": mount }),
      SOUS_EMULATOR_START_DELAY_MS: "3000",
      SOUS_EMULATOR_TOKEN: token,
    },
    log: o.log,
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    const deadline = Date.now() + 60_000;
    while (!(await canConnect("127.0.0.1", port, 500))) {
      if (emulator.restarts > 0) throw new Error("the emulator exited while starting");
      if (Date.now() > deadline) throw new Error(`the emulator did not listen on ${url} within 60 s`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const db = createDb({ databaseUrl: o.databaseUrl });
    try {
      await upsertDemoConnection({ db, secretKey: o.secretKey, workspaceUrl: url, token });
    } finally {
      await db.$disconnect();
    }
  } catch (e) {
    await emulator.stop();
    throw e;
  }
  o.log(`"${DEMO_CONNECTION_NAME}" is at ${url} (clusters start in 3 s; see Admin > Databricks)`);
  return { url, stop: () => emulator.stop(), process: emulator };
}
