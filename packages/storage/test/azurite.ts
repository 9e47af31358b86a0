import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * Starts an in-memory Azurite blob service for tests, on a free port, and resolves once it
 * answers. Shared by other suites (studio e2e, Databricks emulator), so it must never leak a
 * process: it is killed on stop(), on this process's exit, and (through a preloaded watchdog)
 * when this process dies without running exit handlers.
 */

// Azurite's well-known development account (public, documented by Microsoft).
const ACCOUNT = "devstoreaccount1";
const ACCOUNT_KEY =
  "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
const HOST = "127.0.0.1";
const START_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 3_000;

const BIN = fileURLToPath(new URL("../node_modules/.bin/azurite-blob", import.meta.url));
const WATCHDOG = fileURLToPath(new URL("./azurite-watchdog.cjs", import.meta.url));

export interface AzuriteHandle {
  connectionString: string;
  /** Blob endpoint, e.g. http://127.0.0.1:41234/devstoreaccount1 */
  blobEndpoint: string;
  port: number;
  /** Process id of the Azurite child (for diagnostics). */
  pid: number;
  stop(): Promise<void>;
}

export async function startAzurite(): Promise<AzuriteHandle> {
  if (!existsSync(BIN)) throw new Error(`azurite-blob not found at ${BIN}; run pnpm install`);
  const child = spawn(
    BIN,
    [
      "--blobHost",
      HOST,
      // Port 0: the OS picks a free port and Azurite prints it; no probe-then-bind race.
      "--blobPort",
      "0",
      "--inMemoryPersistence",
      "--disableTelemetry",
      "--skipApiVersionCheck",
      "--loose",
      "--silent",
    ],
    {
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        // Replace, not extend: the runner's own NODE_OPTIONS (loaders, inspectors) are not for Azurite.
        NODE_OPTIONS: `--require ${JSON.stringify(WATCHDOG)}`,
        SOUS_AZURITE_PARENT_PID: String(process.pid),
      },
    },
  );
  const killOnExit = () => {
    child.kill("SIGKILL");
  };
  process.once("exit", killOnExit);

  let port: number;
  try {
    port = await waitForPort(child);
    await waitUntilAnswering(`http://${HOST}:${port}/${ACCOUNT}?comp=list`);
  } catch (error) {
    process.removeListener("exit", killOnExit);
    await terminate(child);
    throw error;
  }

  const blobEndpoint = `http://${HOST}:${port}/${ACCOUNT}`;
  let stopping: Promise<void> | undefined;
  return {
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${ACCOUNT_KEY};BlobEndpoint=${blobEndpoint};`,
    blobEndpoint,
    port,
    pid: child.pid ?? -1,
    stop() {
      stopping ??= terminate(child).finally(() => process.removeListener("exit", killOnExit));
      return stopping;
    },
  };
}

function waitForPort(child: ChildProcess): Promise<number> {
  return new Promise((resolvePort, reject) => {
    let output = "";
    const timer = setTimeout(
      () => fail(new Error(`Azurite did not start within ${START_TIMEOUT_MS} ms:\n${output}`)),
      START_TIMEOUT_MS,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /successfully listens on https?:\/\/[^:\s]+:(\d+)/.exec(output);
      if (match?.[1]) done(Number(match[1]));
    };
    const onExit = (code: number | null, signal: string | null) =>
      fail(new Error(`Azurite exited before it was ready (code ${code}, signal ${signal}):\n${output}`));
    const onError = (error: Error) => fail(error);
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      child.stderr?.off("data", onData);
      child.off("exit", onExit);
      child.off("error", onError);
      // Keep draining output so a chatty child never blocks on a full pipe.
      child.stdout?.resume();
      child.stderr?.resume();
    };
    const done = (port: number) => {
      cleanup();
      resolvePort(port);
    };
    const fail = (error: Error) => {
      cleanup();
      reject(error);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", onExit);
    child.once("error", onError);
  });
}

async function waitUntilAnswering(url: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    try {
      // Any HTTP answer (even 403 for an unsigned request) means the service is up.
      await fetch(url, { signal: AbortSignal.timeout(2_000) });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`Azurite is not answering at ${url}`, { cause: error });
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}
