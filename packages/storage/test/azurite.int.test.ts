import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { BlobServiceClient } from "@azure/storage-blob";
import { describe, expect, it } from "vitest";
import { startAzurite } from "./azurite.ts";

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

describe("startAzurite", () => {
  it("starts instances in parallel on distinct free ports, each answering the SDK, and stops them", async () => {
    const [a, b] = await Promise.all([startAzurite(), startAzurite()]);
    try {
      expect(a.port).not.toBe(b.port);
      for (const instance of [a, b]) {
        const container = BlobServiceClient.fromConnectionString(
          instance.connectionString,
        ).getContainerClient(`c-${randomUUID()}`);
        await container.create();
        await container.uploadBlockBlob("x.txt", "hello", 5);
        expect((await container.getBlobClient("x.txt").downloadToBuffer()).toString()).toBe("hello");
      }
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    expect(alive(a.pid)).toBe(false);
    expect(alive(b.pid)).toBe(false);
    await a.stop(); // idempotent
  });

  it("does not outlive a parent that was killed without running exit handlers", async () => {
    const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
    const helper = fileURLToPath(new URL("./azurite.ts", import.meta.url));
    // A parent that starts Azurite and would keep running; SIGKILL skips its exit handlers.
    const script = `import(${JSON.stringify(helper)}).then(async ({ startAzurite }) => {
      const h = await startAzurite(); console.log("PID " + h.pid); setInterval(() => {}, 1000); });`;
    // Plain node with tsx's loader (not the tsx CLI, which adds a process of its own in between).
    const parent = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "--eval", script], {
      cwd: repoRoot,
      stdio: ["ignore", "pipe", "inherit"],
    });
    const azuritePid = await new Promise<number>((resolve, reject) => {
      let out = "";
      parent.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const match = /PID (\d+)/.exec(out);
        if (match?.[1]) resolve(Number(match[1]));
      });
      parent.once("exit", (code) => reject(new Error(`parent exited early (${code}): ${out}`)));
    });
    expect(alive(azuritePid)).toBe(true);
    parent.kill("SIGKILL");
    expect(await waitFor(() => !alive(azuritePid), 5_000)).toBe(true);
  });
});
