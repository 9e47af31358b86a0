// Jobs through the REST API of the studio + worker that `npm test` starts: build modes, dry runs,
// pipelines, outdated detection, SSE progress, paginated logs, filters, cancel, and a studio
// restarted while a job runs.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../../scripts/lib/net.ts";
import { type Proc, spawnWorker, startRedis, stop } from "../../../scripts/lib/test-processes.ts";
import {
  admin,
  type Caller,
  call,
  hasStudio,
  loginAs,
  studioUrl,
  uniqueKey,
  uploadCsv,
  waitForJob,
  withApiKey,
} from "./api-client.ts";

const ORDERS =
  "customer,amount,day\nann,10.5,2024-01-01\nbob,3,2024-01-02\nann,4.5,2024-01-03\ncid,,2024-01-04\n";
/** n rows of integers: its self cross join writes n² rows, slow enough to watch and to cancel. */
const numbers = (n: number) => `id,v\n${Array.from({ length: n }, (_, i) => `${i},${i * 3}`).join("\n")}\n`;
const syncAll = { kind: "sync", version: 1, params: {} };
const groupSpec = {
  kind: "group",
  version: 1,
  params: {
    keys: ["customer"],
    aggregations: [{ column: "amount", fn: "sum", as: "total" }],
    globalCount: true,
  },
};
const selfCross = { kind: "join", version: 1, params: { type: "cross", on: [], rightPrefix: "r_" } };

interface SseEvent {
  event: string;
  id?: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read loosely typed JSON and assert on it
  data: any;
}

/** Reads an SSE stream until `until` says stop (or the timeout), returning every event. */
async function readEvents(
  url: string,
  as: Caller,
  until: (e: SseEvent, all: SseEvent[]) => boolean,
  opts: { timeoutMs?: number; base?: string; headers?: Record<string, string> } = {},
): Promise<SseEvent[]> {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), opts.timeoutMs ?? 30_000);
  const events: SseEvent[] = [];
  try {
    const res = await fetch(`${opts.base ?? studioUrl}/api/v1${url}`, {
      headers: { ...as.headers, ...opts.headers },
      signal: ctl.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buf = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += value;
      let cut = buf.indexOf("\n\n");
      while (cut >= 0) {
        const block = buf.slice(0, cut);
        buf = buf.slice(cut + 2);
        cut = buf.indexOf("\n\n");
        const e: Partial<SseEvent> = {};
        for (const line of block.split("\n")) {
          if (line.startsWith("event: ")) e.event = line.slice(7);
          else if (line.startsWith("id: ")) e.id = line.slice(4);
          else if (line.startsWith("data: ")) e.data = JSON.parse(line.slice(6));
        }
        if (!e.event) continue;
        events.push(e as SseEvent);
        if (until(e as SseEvent, events)) {
          await reader.cancel();
          return events;
        }
      }
    }
    return events;
  } catch (e) {
    if (ctl.signal.aborted) return events;
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

describe.skipIf(!hasStudio)("jobs API", () => {
  let key: Caller;
  let me: { id: string };
  let projectId: string;
  let ordersId: string;
  const recipes: Record<string, { id: string; output: string; revision: number }> = {};

  const post = (p: string, json: unknown) => call(p, { method: "POST", json, as: key });
  const upload = (name: string, csv: string) => uploadCsv(key, projectId, name, csv);
  const addRecipe = async (name: string, spec: unknown, inputs: string[], output: string) => {
    const r = await post(`/projects/${projectId}/recipes`, { name, inputs, output: { name: output }, spec });
    expect(r.status).toBe(201);
    recipes[name] = { id: r.data.id, output: r.data.outputs[0], revision: r.data.revision };
    return recipes[name]!;
  };
  const flowNode = async (id: string) =>
    (await call(`/projects/${projectId}/flow`, { as: key })).data.nodes.find(
      (n: { id: string }) => n.id === id,
    );

  beforeAll(async () => {
    const session = await loginAs(admin.email, admin.password);
    key = await withApiKey(session);
    me = (await call("/me", { as: key })).data;
    projectId = (await post("/projects", { key: uniqueKey("JOB"), name: "Jobs" })).data.id;
    ordersId = await upload("orders", ORDERS);
    const a = await addRecipe("to_a", syncAll, [ordersId], "a");
    const b = await addRecipe("to_b", syncAll, [a.output], "b");
    await addRecipe("to_c", groupSpec, [b.output], "c");
  });

  it("a dry run shows the plan (one pipeline, intermediates not written) and creates no job", async () => {
    const before = (await call(`/projects/${projectId}/jobs`, { as: key })).data.length;
    const r = await post(`/projects/${projectId}/jobs`, {
      targets: [recipes.to_c!.output],
      mode: "smart",
      dryRun: true,
    });
    expect(r.status).toBe(200);
    expect(r.data.job).toBeNull();
    expect(r.data.plan.activities).toHaveLength(1);
    const [act] = r.data.plan.activities;
    expect(act.recipeNames).toEqual(["to_a", "to_b", "to_c"]);
    expect(act.virtualDatasetNames).toEqual(["a", "b"]);
    expect(act.engine).toBe("local");
    expect(act.reason).toBe("missing");
    expect((await call(`/projects/${projectId}/jobs`, { as: key })).data.length).toBe(before);
  });

  it("runs a smart build with live progress and logs over SSE, then finds nothing outdated", async () => {
    const target = recipes.to_c!.output;
    const r = await post(`/projects/${projectId}/jobs`, { targets: [target], mode: "smart" });
    expect(r.status).toBe(201);
    expect(r.data.plan.activities).toHaveLength(1);
    const events = await readEvents(
      `/projects/${projectId}/jobs/${r.data.id}/events`,
      key,
      (e) => e.event === "end",
    );
    const end = events.at(-1)!;
    expect(end.event).toBe("end");
    expect(end.data.state).toBe("SUCCEEDED");
    const progress = events.filter((e) => e.event === "progress").map((e) => e.data.progress);
    expect(progress.at(-1)).toMatchObject({ total: 1, done: 1, succeeded: 1, rowsWritten: 3, building: [] });
    const lines = events
      .filter((e) => e.event === "log")
      .flatMap((e) => e.data.lines.map((l: { message: string }) => l.message));
    expect(lines.join("\n")).toMatch(/pipeline of 3 recipes \(to_a → to_b → to_c\) as one statement/);
    // The job's last line; only the "Time spent" summary, written once the job has ended, may follow
    // it (whether the stream still carries it depends on timing).
    const rest = lines.slice(lines.indexOf("Job succeeded") + 1);
    expect(lines).toContain("Job succeeded");
    expect(rest.every((l: string) => l.startsWith("Time spent"))).toBe(true);
    // The stream's lines are the stored ones, field for field (ids, times to the millisecond, levels).
    const streamed = events.filter((e) => e.event === "log").flatMap((e) => e.data.lines);
    const stored = await call(`/projects/${projectId}/jobs/${r.data.id}/logs`, { as: key });
    expect(streamed).toEqual(stored.data.slice(0, streamed.length));
    expect(streamed[0].at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    const job = (await call(`/projects/${projectId}/jobs/${r.data.id}`, { as: key })).data;
    expect(job.activities[0].recipeIds).toHaveLength(3);
    expect(job.activities[0].durationMs).toBeGreaterThan(0);
    expect(job.progress.elapsedMs).toBeGreaterThan(0);
    expect((await flowNode(target)).outdated).toBe(false);
    expect((await flowNode(recipes.to_a!.output)).state).toBe("never-built");

    const again = await post(`/projects/${projectId}/jobs`, { targets: [target], mode: "smart" });
    expect(again.status).toBe(201);
    expect(again.data.state).toBe("SUCCEEDED");
    expect(again.data.activities).toEqual([]);
    expect(again.data.plan.upToDate).toEqual([target]);
  });

  it("editing a recipe outdates what it builds, shown on the flow; smart rebuilds it", async () => {
    const target = recipes.to_c!.output;
    const upd = await call(`/projects/${projectId}/recipes/${recipes.to_b!.id}`, {
      method: "PUT",
      json: {
        revision: recipes.to_b!.revision,
        spec: {
          kind: "sync",
          version: 1,
          params: { columns: [{ column: "customer" }, { column: "amount" }] },
        },
      },
      as: key,
    });
    expect(upd.status).toBe(200);
    expect((await flowNode(target)).outdated).toBe(true);
    const r = await post(`/projects/${projectId}/jobs`, { targets: [target], mode: "smart" });
    expect(r.data.plan.activities[0].reason).toBe("outdated");
    expect((await waitForJob(projectId, r.data.id, key)).state).toBe("SUCCEEDED");
    expect((await flowNode(target)).outdated).toBe(false);
  });

  it("pages the log and filters the history by state, dataset and user", async () => {
    const target = recipes.to_c!.output;
    const r = await post(`/projects/${projectId}/jobs`, {
      targets: [target],
      mode: "forced-recursive",
      pipelines: false,
    });
    expect(r.data.plan.activities).toHaveLength(3);
    const done = await waitForJob(projectId, r.data.id, key);
    expect(done.state).toBe("SUCCEEDED");
    expect(done.activities.map((a: { rowsWritten: number }) => a.rowsWritten)).toEqual([4, 4, 3]);

    const all = (await call(`/projects/${projectId}/jobs/${r.data.id}/logs`, { as: key })).data;
    expect(all.length).toBeGreaterThan(4);
    const first = (await call(`/projects/${projectId}/jobs/${r.data.id}/logs?limit=2`, { as: key })).data;
    const next = (
      await call(`/projects/${projectId}/jobs/${r.data.id}/logs?limit=2&after=${first[1].id}`, { as: key })
    ).data;
    expect(first.map((l: { id: string }) => l.id)).toEqual(all.slice(0, 2).map((l: { id: string }) => l.id));
    expect(next.map((l: { id: string }) => l.id)).toEqual(all.slice(2, 4).map((l: { id: string }) => l.id));

    const ids = async (q: string) =>
      (await call(`/projects/${projectId}/jobs?${q}`, { as: key })).data.map((j: { id: string }) => j.id);
    expect(await ids("state=SUCCEEDED")).toContain(r.data.id);
    expect(await ids("state=FAILED")).not.toContain(r.data.id);
    expect(await ids(`dataset=${recipes.to_a!.output}`)).toContain(r.data.id);
    expect(await ids(`dataset=${ordersId}`)).not.toContain(r.data.id);
    expect(await ids(`user=${me.id}`)).toContain(r.data.id);
    expect((await call(`/projects/${projectId}/jobs?state=nope`, { as: key })).status).toBe(400);
  });

  it("cancels a running job from the API: the query stops, nothing is published, the job ends CANCELLED", async () => {
    const numbersId = await upload("numbers", numbers(5000));
    const slow = await addRecipe("slow_cross", selfCross, [numbersId, numbersId], "crossed");
    // The project stream shows the job building the dataset.
    const seen = readEvents(
      `/projects/${projectId}/jobs/events`,
      key,
      (e) => e.event === "progress" && e.data.progress.building.includes(slow.output),
      { timeoutMs: 20_000 },
    );
    const r = await post(`/projects/${projectId}/jobs`, { targets: [slow.output], mode: "build-only-this" });
    expect((await seen).at(-1)?.data.progress.building).toContain(slow.output);
    for (let i = 0; i < 200; i++) {
      const j = (await call(`/projects/${projectId}/jobs/${r.data.id}`, { as: key })).data;
      if (j.activities[0].state === "RUNNING" && j.activities[0].duckdbSql) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    const t0 = Date.now();
    const c = await post(`/projects/${projectId}/jobs/${r.data.id}/cancel`, {});
    expect(c.status).toBe(200);
    expect(c.data.cancelRequestedAt).not.toBeNull();
    const done = await waitForJob(projectId, r.data.id, key, 20_000);
    expect(done.state).toBe("CANCELLED");
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(done.activities[0].state).toBe("CANCELLED");
    expect(
      (await call(`/projects/${projectId}/datasets/${slow.output}`, { as: key })).data.currentVersion,
    ).toBeNull();
    const again = await post(`/projects/${projectId}/jobs/${r.data.id}/cancel`, {});
    expect(again.status).toBe(409);
  });

  it("refuses unknown targets and documents the job endpoints in OpenAPI", async () => {
    const r = await post(`/projects/${projectId}/jobs`, { targets: ["nope"], mode: "smart" });
    expect(r.status).toBe(404);
    const bad = await post(`/projects/${projectId}/jobs`, { targets: [ordersId], mode: "smarter" });
    expect(bad.status).toBe(400);
    const doc = (await call("/openapi.json")).data;
    expect(doc.paths["/projects/{projectId}/jobs/{jobId}/cancel"].post).toBeDefined();
    expect(doc.paths["/projects/{projectId}/jobs/{jobId}/events"].get).toBeDefined();
    expect(
      doc.paths["/projects/{projectId}/jobs/{jobId}/logs"].get.parameters.map(
        (p: { name: string }) => p.name,
      ),
    ).toEqual(expect.arrayContaining(["after", "limit"]));
  });

  describe("a studio restarted while a job runs", () => {
    const studioDir = path.resolve(import.meta.dirname, "..");
    let studio: ChildProcess | undefined;

    /**
     * The build of the stack under test: stacks build into their own `.next-<name>` folder
     * (scripts/lib/stack.ts), so take the one named by the env, else the newest complete build.
     */
    function distDir(): string {
      if (process.env.SOUS_TEST_NEXT_DIST_DIR) return process.env.SOUS_TEST_NEXT_DIST_DIR;
      const builds = readdirSync(studioDir)
        .filter((d) => d.startsWith(".next") && existsSync(path.join(studioDir, d, "BUILD_ID")))
        .map((d) => ({ d, at: statSync(path.join(studioDir, d, "BUILD_ID")).mtimeMs }))
        .sort((a, b) => b.at - a.at);
      return builds[0]?.d ?? ".next";
    }

    async function startStudio(port: number, extraEnv: Record<string, string> = {}) {
      const nextBin = path.join(studioDir, "node_modules/next/dist/bin/next");
      // Its own process group, so the kill reaches every process `next start` runs.
      const child = spawn(process.execPath, [nextBin, "start", "-p", String(port), "-H", "127.0.0.1"], {
        cwd: studioDir,
        detached: true,
        stdio: "ignore",
        env: {
          ...process.env,
          NODE_ENV: "production",
          SOUS_NEXT_DIST_DIR: distDir(),
          DATABASE_URL: process.env.SOUS_TEST_DATABASE_URL,
          REDIS_URL: process.env.SOUS_TEST_REDIS_URL,
          SOUS_QUEUE_PREFIX: process.env.SOUS_TEST_QUEUE_PREFIX,
          SOUS_DATA_DIR: process.env.SOUS_TEST_STACK_DATA_DIR,
          SOUS_SECRET_KEY: randomBytes(32).toString("base64"),
          SOUS_SEED_DEMO: "0",
          ...extraEnv,
        },
      });
      const url = `http://127.0.0.1:${port}`;
      for (let i = 0; i < 300; i++) {
        const ok = await fetch(`${url}/api/v1/openapi.json`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) return { child, url };
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error("second studio did not start");
    }
    const kill = (c: ChildProcess | undefined) =>
      new Promise<void>((resolve) => {
        if (!c?.pid || c.exitCode !== null) return resolve();
        c.once("exit", () => resolve());
        process.kill(-c.pid, "SIGKILL");
      });

    it("takes a build while Redis is down and runs it once Redis is back", async () => {
      const redisPort = await freePort();
      const redisUrl = `redis://127.0.0.1:${redisPort}`;
      const prefix = `sous-down-${randomBytes(4).toString("hex")}`;
      let redis: Proc | undefined;
      let worker: Proc | undefined;
      try {
        // A studio whose Redis is not running (yet).
        const s = await startStudio(await freePort(), { REDIS_URL: redisUrl, SOUS_QUEUE_PREFIX: prefix });
        studio = s.child;
        const t0 = Date.now();
        const res = await fetch(`${s.url}/api/v1/projects/${projectId}/jobs`, {
          method: "POST",
          headers: { ...key.headers, "content-type": "application/json" },
          body: JSON.stringify({ targets: [recipes.to_a!.output], mode: "build-only-this" }),
        });
        expect(res.status).toBe(201);
        expect(Date.now() - t0).toBeLessThan(10_000);
        const job = await res.json();
        expect(job.state).toBe("QUEUED");
        const logs = (await call(`/projects/${projectId}/jobs/${job.id}/logs`, { as: key })).data;
        expect(logs.map((l: { message: string }) => l.message).join("\n")).toMatch(/did not answer/);

        redis = await startRedis(
          redisPort,
          path.join(process.env.SOUS_TEST_STACK_DATA_DIR ?? "/tmp", `redis-${prefix}`),
        );
        worker = await spawnWorker({
          DATABASE_URL: process.env.SOUS_TEST_DATABASE_URL ?? "",
          REDIS_URL: redisUrl,
          SOUS_QUEUE_PREFIX: prefix,
          SOUS_DATA_DIR: process.env.SOUS_TEST_STACK_DATA_DIR ?? "",
          SOUS_RECONCILE_INTERVAL_MS: "1000",
        });
        const done = await waitForJob(projectId, job.id, key, 60_000);
        expect(done.state).toBe("SUCCEEDED");
        expect(done.activities[0].rowsWritten).toBe(4);
      } finally {
        await kill(studio);
        await stop(worker);
        await stop(redis);
      }
    });

    it("keeps the history and the running job's progress", async () => {
      const port = await freePort();
      try {
        let s = await startStudio(port);
        studio = s.child;
        const numbersId = await upload("numbers_restart", numbers(4500));
        const slow = await addRecipe("slow_restart", selfCross, [numbersId, numbersId], "crossed_restart");
        const r = await call(`/projects/${projectId}/jobs`, {
          method: "POST",
          json: { targets: [slow.output], mode: "build-only-this" },
          as: key,
        });
        const before = await readEvents(
          `/projects/${projectId}/jobs/${r.data.id}/events`,
          key,
          (e) => e.event === "progress" && e.data.progress.current.length > 0,
          { base: s.url, timeoutMs: 20_000 },
        );
        expect(before.at(-1)?.data.progress.state).toBe("RUNNING");
        const history = (await call(`/projects/${projectId}/jobs`, { as: key })).data.length;
        const beforeJob = (await call(`/projects/${projectId}/jobs/${r.data.id}`, { as: key })).data;

        await kill(studio);
        s = await startStudio(port);
        studio = s.child;
        // Same rows, read by a fresh process: the job is still running, with its start time.
        const afterRestart = await fetch(`${s.url}/api/v1/projects/${projectId}/jobs/${r.data.id}`, {
          headers: key.headers,
        }).then((x) => x.json());
        expect(afterRestart.queuedAt).toBe(beforeJob.queuedAt);
        expect(afterRestart.startedAt).toBe(beforeJob.startedAt);
        expect(["RUNNING", "SUCCEEDED"]).toContain(afterRestart.state);
        expect(afterRestart.activities[0].startedAt).not.toBeNull();
        // The stream on the restarted studio resumes and sees the job to its end.
        const after = await readEvents(
          `/projects/${projectId}/jobs/${r.data.id}/events`,
          key,
          (e) => e.event === "end",
          {
            base: s.url,
            timeoutMs: 60_000,
          },
        );
        expect(after.at(-1)?.data.state).toBe("SUCCEEDED");
        expect(after.filter((e) => e.event === "progress").at(-1)?.data.progress.rowsWritten).toBe(
          4500 * 4500,
        );
        const list = await fetch(`${s.url}/api/v1/projects/${projectId}/jobs`, { headers: key.headers }).then(
          (x) => x.json(),
        );
        expect(list.length).toBe(history);
        expect(list[0].id).toBe(r.data.id);
      } finally {
        await kill(studio);
      }
    });
  });
});
