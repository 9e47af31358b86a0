// CLI for demos: `pnpm exec tsx packages/databricks-emulator/src/main.ts --mount dbfs:/mnt/sous=/tmp/sous`
// Must run under tsx (dt-sql-parser cannot be loaded by plain node). Flags win over env vars.
// Statements run on real Spark (the venv's pyspark), started by the first cluster start.
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { sqlHttpPath } from "./clusters.ts";
import { startDatabricksEmulator } from "./server.ts";
import { sparkProcessOptionsFromEnv } from "./spark-engine.ts";

const USAGE = `Usage: tsx src/main.ts [options]
  --port <n>              listen port (env DATABRICKS_EMULATOR_PORT, default 8787; 0 = any free port)
  --token <t>             accepted bearer token (env DATABRICKS_EMULATOR_TOKEN, required)
  --mount <prefix=dir>    cluster path prefix -> local folder, repeatable
                          (env DATABRICKS_EMULATOR_MOUNTS="dbfs:/mnt/sous=/tmp/sous;...")
  --tls                   serve HTTPS with a self-signed certificate (env DATABRICKS_EMULATOR_TLS=1)
  --start-delay-ms <n>    PENDING time of a starting cluster (env DATABRICKS_EMULATOR_START_DELAY_MS, default 0)
  --no-cluster            do not create a cluster at start-up
`;

function parseMounts(entries: string[]): Record<string, string> {
  const mounts: Record<string, string> = {};
  for (const entry of entries) {
    const eq = entry.lastIndexOf("=");
    if (eq <= 0) throw new Error(`--mount needs prefix=dir, got "${entry}"`);
    mounts[entry.slice(0, eq)] = path.resolve(entry.slice(eq + 1));
  }
  return mounts;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      token: { type: "string" },
      mount: { type: "string", multiple: true },
      tls: { type: "boolean" },
      "start-delay-ms": { type: "string" },
      "no-cluster": { type: "boolean" },
      help: { type: "boolean" },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const env = process.env;
  const token = values.token ?? env.DATABRICKS_EMULATOR_TOKEN;
  if (!token) {
    process.stderr.write(`A token is required.\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const mountEntries =
    values.mount ?? (env.DATABRICKS_EMULATOR_MOUNTS ?? "").split(";").filter((s) => s.trim() !== "");
  const mounts = parseMounts(mountEntries);
  for (const dir of Object.values(mounts)) await mkdir(dir, { recursive: true });

  const emulator = await startDatabricksEmulator({
    port: Number(values.port ?? env.DATABRICKS_EMULATOR_PORT ?? 8787),
    token,
    tls: values.tls ?? env.DATABRICKS_EMULATOR_TLS === "1",
    mounts,
    clusterStartDelayMs: Number(values["start-delay-ms"] ?? env.DATABRICKS_EMULATOR_START_DELAY_MS ?? 0),
    spark: sparkProcessOptionsFromEnv(env),
  });

  // The token is deliberately not printed: whoever started the emulator already has it.
  const lines = [`Databricks emulator listening on ${emulator.url}`];
  for (const [prefix, dir] of Object.entries(mounts)) lines.push(`  mount ${prefix} -> ${dir}`);
  if (!values["no-cluster"]) {
    const clusterId = emulator.createCluster({ cluster_name: "sous-demo", num_workers: 1 });
    lines.push(`  cluster ${clusterId}, SQL HTTP path: ${sqlHttpPath(clusterId)}`);
  }
  if (emulator.caCert) lines.push("  TLS certificate (pass as customCaCert):", emulator.caCert.trim());
  process.stdout.write(`${lines.join("\n")}\n`);

  const shutdown = () => {
    emulator.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
