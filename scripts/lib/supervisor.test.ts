// The supervisor with real child processes (tiny `node -e` scripts): crashes, backoff, stop(),
// process groups, and child-guard.mjs making an orphan exit.
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { groupAlive, isAlive, procStat } from "./proc.ts";
import { childGuardArgs, type Supervisor, seconds, supervise } from "./supervisor.ts";

const running: Supervisor[] = [];
const extra: ChildProcess[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop(500)));
  for (const c of extra.splice(0)) if (c.pid && isAlive(c.pid)) process.kill(c.pid, "SIGKILL");
});

function start(script: string, o: Partial<Parameters<typeof supervise>[0]> = {}) {
  const lines: string[] = [];
  let printed = "";
  const s = supervise({
    name: "crasher",
    command: process.execPath,
    args: ["-e", script],
    log: (m) => lines.push(m),
    output: (c) => {
      printed += String(c);
    },
    ...o,
  });
  running.push(s);
  const spawns: number[] = [];
  s.on("spawn", () => spawns.push(Date.now()));
  spawns.push(Date.now());
  return { s, lines, spawns, printed: () => printed };
}

async function until<T>(
  what: string,
  fn: () => T | undefined | false | null,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("seconds", () => {
  it("prints delays the way the restart line shows them", () => {
    expect([500, 1000, 2000, 30_000, 100].map(seconds)).toEqual(["0.5 s", "1 s", "2 s", "30 s", "0.1 s"]);
  });
});

describe("supervise", () => {
  it("restarts a crashing child with exponential backoff, capped, and says so", async () => {
    const { s, lines, spawns } = start("setTimeout(() => process.exit(3), 50)", {
      initialDelayMs: 100,
      maxDelayMs: 400,
    });
    await until("five restarts", () => s.restarts >= 5 && spawns.length >= 6);
    expect(lines.filter((l) => l.includes("exited")).slice(0, 5)).toEqual([
      "crasher exited (code 3); restarting in 0.1 s (restart 1)",
      "crasher exited (code 3); restarting in 0.2 s (restart 2)",
      "crasher exited (code 3); restarting in 0.4 s (restart 3)",
      "crasher exited (code 3); restarting in 0.4 s (restart 4)",
      "crasher exited (code 3); restarting in 0.4 s (restart 5)",
    ]);
    expect(lines.filter((l) => /^crasher started again \(pid \d+\)$/.test(l)).length).toBeGreaterThanOrEqual(
      4,
    );
    // Spawn to spawn: 50 ms of life plus the delay (and node's start-up).
    const gaps = spawns.slice(1, 5).map((t, i) => t - (spawns[i] ?? 0));
    expect(gaps[0]).toBeGreaterThanOrEqual(150);
    expect(gaps[1]).toBeGreaterThanOrEqual(250);
    expect(gaps[2]).toBeGreaterThanOrEqual(450);
    expect(gaps[3]).toBeGreaterThanOrEqual(450);
    expect(gaps[3]).toBeLessThan(2500);
  });

  it("names the signal of a child killed with -9 and restarts it with a new pid", async () => {
    const { s, lines } = start("setInterval(() => {}, 1000)", { name: "worker" });
    const first = await until("the child", () => s.pid);
    process.kill(first, "SIGKILL");
    await until("the restart line", () => lines.find((l) => l.includes("exited")));
    expect(lines[0]).toBe("worker exited (signal SIGKILL); restarting in 1 s (restart 1)");
    const second = await until("a new child", () => s.pid, 5000);
    expect(second).not.toBe(first);
    expect(isAlive(second)).toBe(true);
  });

  it("starts from the first delay again after the child stayed up long enough", async () => {
    const { s, lines } = start("setTimeout(() => process.exit(1), 400)", {
      initialDelayMs: 50,
      resetAfterMs: 200,
    });
    await until("three restarts", () => s.restarts >= 3, 15_000);
    expect(lines.filter((l) => l.includes("exited"))).toEqual([
      "crasher exited (code 1); restarting in 0.05 s (restart 1)",
      "crasher exited (code 1); restarting in 0.05 s (restart 2)",
      "crasher exited (code 1); restarting in 0.05 s (restart 3)",
    ]);
  });

  it("stop(): no more restarts, and the child's whole process group is gone", async () => {
    // A child that ignores SIGTERM and started a grandchild (same process group), which prints
    // its pid.
    const grandchild = `require("child_process").spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" })`;
    const { s, lines, printed } = start(
      `process.on("SIGTERM", () => {}); const g = ${grandchild}; console.log("grandchild " + g.pid); setInterval(() => {}, 1000)`,
      { stopTimeoutMs: 500 },
    );
    const pid = await until("the child", () => s.pid);
    const g = Number(await until("the grandchild's pid", () => /grandchild (\d+)/.exec(printed())?.[1]));
    expect(procStat(g)?.pgrp).toBe(pid);
    expect(groupAlive(pid)).toBe(true);
    const t0 = Date.now();
    await s.stop();
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(lines).toContain("crasher did not stop within 0.5 s; killing it");
    expect(isAlive(pid)).toBe(false);
    expect(isAlive(g)).toBe(false);
    expect(groupAlive(pid)).toBe(false);
    await new Promise((r) => setTimeout(r, 1500));
    expect(s.pid).toBeUndefined();
    expect(lines.filter((l) => l.includes("restarting"))).toEqual([]);
  });

  it("stop() while a restart is pending cancels it", async () => {
    const { s, spawns } = start("process.exit(1)", { initialDelayMs: 300 });
    await until("the first exit", () => s.restarts === 1);
    await s.stop();
    await new Promise((r) => setTimeout(r, 600));
    expect(spawns).toHaveLength(1);
    expect(s.pid).toBeUndefined();
  });

  it("kills what a crashed child left in its process group before restarting it", async () => {
    const grandchild = `require("child_process").spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" })`;
    const { s, printed } = start(
      `const g = ${grandchild}; console.log("grandchild " + g.pid); setTimeout(() => process.exit(2), 300)`,
      { initialDelayMs: 5000 },
    );
    const g = Number(await until("the grandchild's pid", () => /grandchild (\d+)/.exec(printed())?.[1]));
    await until("the crash", () => s.restarts === 1);
    await until("the grandchild to be killed", () => !isAlive(g), 3000);
  });
});

describe("child-guard.mjs", () => {
  const guarded = (script: string, env: Record<string, string> = {}) => {
    const c = spawn(process.execPath, [...childGuardArgs, "-e", script], {
      env: { ...process.env, SOUS_SUPERVISOR_PID: String(process.pid), ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    extra.push(c);
    return c;
  };

  it("a child whose stdout pipe breaks exits instead of spinning on EPIPE (what next start did)", async () => {
    // Like Next's router server: every uncaught exception is logged, to the same broken pipe.
    const c = guarded(`
      process.on("uncaughtException", (e) => console.error("uncaughtException:", e));
      setInterval(() => console.log("tick"), 20);`);
    await new Promise<void>((r) => c.stdout?.once("data", () => r()));
    const exited = new Promise((r) => c.once("exit", (_code, signal) => r(signal)));
    const t0 = Date.now();
    c.stdout?.destroy();
    c.stderr?.destroy();
    // Its own SIGTERM (no handler here, so that ends it), sent by the guard.
    expect(await exited).toBe("SIGTERM");
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  it("a child whose supervisor was killed with -9 notices and exits within seconds", async () => {
    // A supervisor of its own that starts a silent, guarded child, then gets SIGKILLed.
    const supervisorScript = `
      const { spawn } = require("child_process");
      const c = spawn(process.execPath, ${JSON.stringify([...childGuardArgs, "-e", "setInterval(() => {}, 1000)"])}, {
        detached: true, stdio: "ignore", env: { ...process.env, SOUS_SUPERVISOR_PID: String(process.pid) },
      });
      console.log("child " + c.pid);
      setInterval(() => {}, 1000);`;
    const sup = spawn(process.execPath, ["-e", supervisorScript], { stdio: ["ignore", "pipe", "inherit"] });
    extra.push(sup);
    let out = "";
    sup.stdout?.on("data", (b) => {
      out += String(b);
    });
    const child = Number(await until("the child's pid", () => /child (\d+)/.exec(out)?.[1]));
    await new Promise((r) => setTimeout(r, 700)); // the guard polls twice a second
    expect(isAlive(child)).toBe(true);
    const t0 = Date.now();
    process.kill(sup.pid ?? 0, "SIGKILL");
    await until("the orphan to exit", () => !isAlive(child), 5000);
    expect(Date.now() - t0).toBeLessThan(3500);
  });

  it("stays out of processes the supervisor did not start itself", async () => {
    // Not our child (its parent is not SOUS_SUPERVISOR_PID): the EPIPE stays node's own business,
    // an uncaught error (exit code 1), and no guard sends SIGTERM.
    const c = guarded("setInterval(() => console.log('tick'), 20)", { SOUS_SUPERVISOR_PID: "1" });
    await new Promise<void>((r) => c.stdout?.once("data", () => r()));
    const exited = new Promise((r) => c.once("exit", (code, signal) => r({ code, signal })));
    c.stdout?.destroy();
    expect(await exited).toEqual({ code: 1, signal: null });
  });
});

// The guard's path must stay next to the supervisor.
it("childGuardArgs point at scripts/lib/child-guard.mjs", () => {
  expect(childGuardArgs[1]).toMatch(
    new RegExp(`${path.sep}scripts${path.sep}lib${path.sep}child-guard\\.mjs$`),
  );
});
