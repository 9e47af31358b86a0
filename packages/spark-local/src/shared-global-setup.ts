// Vitest global setup of the integration and e2e projects: every Databricks emulator of the run
// attaches to one Spark process (SOUS_SPARK_SOCKET) instead of starting its own, so the JVM's
// cold start (~10 s) is paid once per run, and only by a run that starts an emulator: the
// process is spawned by the first emulator that needs it. Teardown shuts it down; if teardown
// never runs, it exits by itself once no client has been connected for two minutes.
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { shutdownSharedSpark } from "./index.ts";

export default function setup(): () => Promise<void> {
  if (process.env.SOUS_SPARK_SOCKET) return async () => undefined; // someone above owns it
  const socketPath = path.join(tmpdir(), `sous-spark-${process.pid}.sock`);
  process.env.SOUS_SPARK_SOCKET = socketPath;
  return async () => {
    await shutdownSharedSpark(socketPath);
    rmSync(`${socketPath}.log`, { force: true });
    delete process.env.SOUS_SPARK_SOCKET;
  };
}
