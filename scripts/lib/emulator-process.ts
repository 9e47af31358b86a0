// The demo Databricks emulator of `npm start` as a process of its own, so the supervisor can
// restart it like the studio and the worker (scripts/lib/demo-databricks.ts starts it).
// Run with node --import tsx (dt-sql-parser needs tsx). Its settings come from the environment:
//   SOUS_EMULATOR_PORT, SOUS_EMULATOR_MOUNTS (JSON: prefix -> folder or { blob }),
//   SOUS_EMULATOR_START_DELAY_MS, and SOUS_EMULATOR_TOKEN (never printed).
import {
  type MountSpec,
  sparkProcessOptionsFromEnv,
  startDatabricksEmulator,
} from "@sous/databricks-emulator";

const token = process.env.SOUS_EMULATOR_TOKEN;
if (!token) throw new Error("SOUS_EMULATOR_TOKEN is required");
delete process.env.SOUS_EMULATOR_TOKEN;
const emulator = await startDatabricksEmulator({
  port: Number(process.env.SOUS_EMULATOR_PORT ?? 0),
  token,
  mounts: JSON.parse(process.env.SOUS_EMULATOR_MOUNTS ?? "{}") as Record<string, MountSpec>,
  clusterStartDelayMs: Number(process.env.SOUS_EMULATOR_START_DELAY_MS ?? 0),
  spark: sparkProcessOptionsFromEnv(process.env),
});
console.log(`[emulator] listening on ${emulator.url}`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  emulator.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
