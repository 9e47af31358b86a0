// The kernel manager on a real jupyter-server + ipykernel from the project's venv (.venv): a cell's
// outputs come back as nbformat outputs (stream, execute_result with text/html for a DataFrame,
// display_data PNG, error with traceback); a kernel keeps its variables; another user's handle is
// not found; interrupt stops a running cell; restart forgets variables; idle kernels and servers
// are stopped. Skipped when .venv has no jupyter_server.
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { KernelManager } from "./jupyter-kernels.ts";

const repo = path.resolve(import.meta.dirname, "../../../../..");
const python = path.join(repo, ".venv", "bin", "python");
const hasJupyter = existsSync(
  path.join(repo, ".venv", "lib", "python3.11", "site-packages", "jupyter_server"),
);

// Starting and restarting kernels takes tens of seconds on a busy two-core machine.
describe.skipIf(!hasJupyter)("KernelManager on real Jupyter", { timeout: 240_000 }, () => {
  const km = new KernelManager({
    python,
    pythonPath: path.join(repo, "python"),
    workDir: mkdtempSync(path.join(tmpdir(), "sous-kernels-")),
    idleMs: 60 * 60_000,
    inheritEnv: process.env,
  });
  afterAll(() => km.stopAll());
  const init = () => ({ init: () => "import os\nos.environ['SOUS_TEST_INIT'] = 'yes'" });

  it("runs cells and returns their outputs as an .ipynb stores them", async () => {
    const k = await km.kernelFor("alice", "nb1", init);
    const a = await km.execute(
      "alice",
      k.id,
      "x = 41\nprint('hello')\nimport os\nos.environ['SOUS_TEST_INIT']",
    );
    expect(a.status).toBe("ok");
    expect(a.outputs[0]).toEqual({ output_type: "stream", name: "stdout", text: "hello\n" });
    expect(a.outputs[1]).toMatchObject({ output_type: "execute_result", data: { "text/plain": "'yes'" } });
    const b = await km.execute("alice", k.id, "x + 1");
    expect(b.outputs).toEqual([
      { output_type: "execute_result", execution_count: 2, data: { "text/plain": "42" }, metadata: {} },
    ]);
    const df = await km.execute("alice", k.id, "import pandas as pd\npd.DataFrame({'a': [1, 2]})");
    const html =
      df.outputs[0]!.output_type === "execute_result" ? df.outputs[0]!.data["text/html"] : undefined;
    expect(String(html)).toContain("<table");
    const png = await km.execute(
      "alice",
      k.id,
      [
        "import base64",
        "from IPython.display import Image, display",
        "display(Image(data=base64.b64decode('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==')))",
      ].join("\n"),
    );
    expect(png.outputs[0]).toMatchObject({ output_type: "display_data" });
    expect(png.outputs[0]!.output_type === "display_data" && png.outputs[0]!.data["image/png"]).toBeTruthy();
    const err = await km.execute("alice", k.id, "1 / 0");
    expect(err.status).toBe("error");
    expect(err.outputs[0]).toMatchObject({ output_type: "error", ename: "ZeroDivisionError" });
    // The same notebook gives the same kernel.
    expect((await km.kernelFor("alice", "nb1", init)).id).toBe(k.id);
  });

  it("refuses another user's kernel as not found", async () => {
    const k = await km.kernelFor("alice", "nb1", init);
    await expect(km.execute("bob", k.id, "print(1)")).rejects.toMatchObject({ code: "not_found" });
    await expect(km.interrupt("bob", k.id)).rejects.toMatchObject({ code: "not_found" });
    expect(km.list("bob")).toEqual([]);
    // Bob's own kernel for the same notebook is another one, in his own server.
    const b = await km.kernelFor("bob", "nb1", init);
    expect(b.id).not.toBe(k.id);
    expect(km.serverCount()).toBe(2);
    const r = await km.execute("bob", b.id, "'x' in dir()");
    expect(r.outputs[0]).toMatchObject({ data: { "text/plain": "False" } });
  });

  it("interrupts a running cell and restarts into a fresh process", async () => {
    const k = await km.kernelFor("alice", "nb2", init);
    await km.execute("alice", k.id, "y = 1");
    const ac = new AbortController();
    // The cell marks that it runs: an interrupt sent before the kernel executes it would hit an
    // idle kernel instead (on a busy machine the send can take seconds), which is not what this tests.
    const marker = path.join(mkdtempSync(path.join(tmpdir(), "sous-cell-")), "running");
    const running = km.execute(
      "alice",
      k.id,
      `import time, pathlib\npathlib.Path(${JSON.stringify(marker)}).touch()\ntime.sleep(60)`,
      ac.signal,
    );
    for (let waited = 0; !existsSync(marker); waited += 100) {
      if (waited > 60_000) throw new Error("the cell did not start within 60 s");
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 200)); // from the touch into the sleep
    const t0 = Date.now();
    ac.abort();
    const r = await running;
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(r.outputs.at(-1)).toMatchObject({ output_type: "error", ename: "KeyboardInterrupt" });
    await km.restart("alice", k.id);
    const after = await km.execute(
      "alice",
      k.id,
      "import os\n('y' in dir(), os.environ.get('SOUS_TEST_INIT'))",
    );
    expect(after.outputs[0]).toMatchObject({ data: { "text/plain": "(False, 'yes')" } });
  });

  it("stops idle kernels, then their server", async () => {
    const stopped: string[] = [];
    const k = await km.kernelFor("carol", "nb1", () => ({
      ...init(),
      onStopped: () => stopped.push("carol"),
    }));
    await km.reapIdle(Date.now() + 2 * 60 * 60_000);
    expect(stopped).toEqual(["carol"]);
    expect(() => km.get("carol", k.id)).toThrow(/not found/);
    expect(km.serverCount()).toBe(0);
  });
});
