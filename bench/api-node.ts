// bench/api-node.ts: the API node (apps/api-node) under load, next to scikit-learn in the same run.
//   - a 100-tree random forest (max depth 10) on 30 features (24 numeric, 6 categorical; NULLs in
//     both) trained by the local trainer (trainLocal) on 20k rows, deployed as a saved model version
//     behind a keyed API service, in a database of its own;
//   - the API node started as its own process (as npm start runs it), its predictions of the
//     trainer's 1,000 held-out sample rows compared with scikit-learn's predict_proba;
//   - predict-multi of those 1,000 rows, round trip, median of 30;
//   - single predictions from 100 keep-alive clients on loopback (a worker thread; at most 100
//     requests in flight): the most predictions/s for 10 s, then p50/p99 for 10 s at 3,000/s;
//   - scikit-learn on the same rows in Python: the pickled pipeline's predict_proba on one row
//     (p50/p99, rows/s, one process) and on the 1,000 rows at once.
// Run: pnpm run bench:api-node   (DATABASE_URL's server gets a database of its own, dropped after)
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import { availableParallelism, loadavg } from "node:os";
import path from "node:path";
import type { TrainRequest } from "@sous/ml";
import { defaultPython, mlLocalAvailability, repoRoot } from "@sous/ml-local";
import {
  apiNodeAdminToken,
  createService,
  createTestDatabase,
  saveModels,
  tempStorage,
  train,
} from "../apps/api-node/test/fixture.ts";
import { freePort, waitForHttp } from "../scripts/lib/net.ts";
import { runLoad } from "./lib/http-load.ts";

const TRAIN_ROWS = 20_000;
const NUMERIC = 24;
const CATEGORICAL = 6;
const CLIENTS = 100;
const SECONDS = Number(process.env.SOUS_BENCH_SECONDS ?? 10);
const RATE = 3000;

const available = mlLocalAvailability();
if (!available.ok) throw new Error(`cannot run: ${available.reason}`);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};
const f2 = (n: number) => n.toFixed(2);

// Deterministic rows: each "random" draw hashes the row number (as bench/ml-scoring.ts).
const u = (k: number) => `((hash(i * 64 + ${k}) % 1000003)::DOUBLE / 1000003)`;
const cols: string[] = [`${u(63)} * 12 AS noise`];
for (let f = 0; f < NUMERIC; f++) {
  const value = `${u(f)} * ${10 + f} - ${f}`;
  cols.push(
    f % 4 === 0 ? `CASE WHEN (i + ${f}) % 29 = 0 THEN NULL ELSE ${value} END AS n${f}` : `${value} AS n${f}`,
  );
}
for (let c = 0; c < CATEGORICAL; c++)
  cols.push(
    `CASE WHEN (i + ${c}) % 31 = 0 THEN NULL ELSE 'l' || (hash(i * 64 + ${40 + c}) % ${3 + c * 3})::VARCHAR END AS c${c}`,
  );
const signal =
  "coalesce(n0, 5) * 0.8 + n1 * 0.3 - n2 * 0.2 + CASE WHEN n3 > 5 THEN 3 ELSE -1 END + CASE c0 WHEN 'l1' THEN 4 WHEN 'l2' THEN -3 ELSE 0 END + CASE c2 WHEN 'l4' THEN 2.5 ELSE 0 END + noise";
const sql = `SELECT * EXCLUDE (noise), ${signal} > 8 AS label FROM (SELECT ${cols.join(", ")} FROM range(${TRAIN_ROWS}) AS t(i))`;
const features: TrainRequest["features"] = [
  ...Array.from({ length: NUMERIC }, (_, f) => ({
    name: `n${f}`,
    type: "numeric" as const,
    impute: { method: f % 8 === 0 ? ("median" as const) : ("mean" as const) },
    rescale: f % 3 === 0 ? ("standard" as const) : ("none" as const),
  })),
  ...Array.from({ length: CATEGORICAL }, (_, c) => ({
    name: `c${c}`,
    type: "categorical" as const,
    impute: { method: "most_frequent" as const },
    maxLevels: 8,
  })),
];

const t = await createTestDatabase(
  process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/sous",
  "bench",
);
const store = tempStorage();
let node: ChildProcess | undefined;
try {
  const start = performance.now();
  const trained = await train(store.dataDir, sql, {
    task: "binary",
    target: "label",
    metric: "auc",
    features,
    sampleRows: 1000,
    algorithms: [{ algorithm: "randomForest", nTrees: 100, maxDepth: 10, minSamplesLeaf: 2 }],
  });
  const forest = trained.portables[0]!;
  const nodes =
    forest.model.kind === "trees" ? forest.model.trees.reduce((n, tr) => n + tr.feature.length, 0) : 0;
  console.log(
    `trained a 100-tree random forest on ${NUMERIC + CATEGORICAL} features (${nodes} nodes, auc ${trained.result.models[0]!.metrics.auc?.toFixed(4)}) in ${(performance.now() - start).toFixed(0)} ms`,
  );
  const saved = await saveModels(t.db, store.storage, trained, { name: "bench" });
  const svc = await createService(t.db, {
    projectId: saved.projectId,
    name: "bench",
    endpoint: "forest",
    deployments: [{ versionId: saved.versionIds[0]!, weight: 1 }],
  });

  const port = await freePort();
  const secret = randomBytes(32).toString("base64");
  // Extra flags for the node's process, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it;
  // and its entry relative to apps/api-node (e.g. a copy of an older src/, to compare two versions
  // in the same conditions).
  const nodeFlags = (process.env.SOUS_BENCH_NODE_FLAGS ?? "").split(" ").filter(Boolean);
  const nodeMain = process.env.SOUS_BENCH_NODE_MAIN ?? "src/main.ts";
  node = spawn(process.execPath, [...nodeFlags, "--import", "tsx", nodeMain], {
    cwd: path.join(repoRoot, "apps/api-node"),
    env: {
      ...process.env,
      DATABASE_URL: t.url,
      SOUS_DATA_DIR: store.dataDir,
      SOUS_STORAGE: "local",
      SOUS_SECRET_KEY: secret,
      SOUS_API_NODE_PORT: String(port),
      SOUS_API_NODE_HOST: "127.0.0.1",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  await waitForHttp(`http://127.0.0.1:${port}/ready`, 60_000, () => node?.exitCode === null);

  const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
  const auth = `Bearer ${svc.key}`;
  /** A POST; `sent`, `head`, `end`: ms from the call to the body flushed, the answer's head, its end. */
  const post = (action: string, body: string) =>
    new Promise<{ status: number; text: string; sent: number; head: number; end: number }>(
      (resolve, reject) => {
        const t0 = performance.now();
        let sent = 0;
        const req = http.request(
          {
            host: "127.0.0.1",
            port,
            path: `/public/api/v1/bench/forest/${action}`,
            method: "POST",
            agent,
            headers: {
              "content-type": "application/json",
              authorization: auth,
              "content-length": Buffer.byteLength(body),
            },
          },
          (res) => {
            const head = performance.now() - t0;
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () => {
              const end = performance.now() - t0;
              const text = Buffer.concat(chunks).toString("utf8");
              resolve({ status: res.statusCode ?? 0, text, sent, head, end });
            });
            res.on("error", reject);
          },
        );
        req.on("error", reject);
        req.on("finish", () => {
          sent = performance.now() - t0;
        });
        req.end(body);
      },
    );

  /** The node process's CPU time (user + system, ms; Linux's /proc, clock ticks of 10 ms). */
  const nodeCpuMs = () => {
    try {
      const f = readFileSync(`/proc/${node?.pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      return (Number(f[11]) + Number(f[12])) * 10;
    } catch {
      return Number.NaN;
    }
  };
  let cpuMark = 0;
  /**
   * The node's event-loop delay and CPU time since the previous call (which starts a new window),
   * as text: the figures least bent by whatever else runs on the machine.
   */
  const nodeSince = async (predictions: number) => {
    const cpu = nodeCpuMs();
    const cpuText = `node CPU ${f2(((cpu - cpuMark) / predictions) * 1000)} us per prediction`;
    cpuMark = cpu;
    const r = await fetch(`http://127.0.0.1:${port}/admin/api/v1/event-loop/reset`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiNodeAdminToken(secret)}` },
    });
    if (r.status !== 200) throw new Error(`event-loop/reset answered ${r.status}`);
    const d = ((await r.json()) as { eventLoopDelayMs: { p50: number; p99: number; max: number } | null })
      .eventLoopDelayMs;
    return `${cpuText}, ${d ? `event loop delayed p50 ${f2(d.p50)} ms, p99 ${f2(d.p99)} ms, max ${f2(d.max)} ms` : "no event-loop samples"}`;
  };

  // Correctness: the node's answers for the 1,000 held-out rows against scikit-learn's.
  const rows = trained.result.sample;
  const multiBody = JSON.stringify({ items: rows.map((features) => ({ features })) });
  const check = await post("predict-multi", multiBody);
  if (check.status !== 200) throw new Error(`predict-multi answered ${check.status}: ${check.text}`);
  const results = (
    JSON.parse(check.text) as { results: { prediction: unknown; probas: Record<string, number> }[] }
  ).results;
  const sample = trained.result.models[0]!.sample;
  const classes = trained.result.classes!.map(String);
  let maxDiff = 0;
  let mismatches = 0;
  results.forEach((r, i) => {
    if (r.prediction !== sample.prediction[i]) mismatches++;
    classes.forEach((c, k) => {
      maxDiff = Math.max(maxDiff, Math.abs(r.probas[c]! - sample.probabilities![i]![k]!));
    });
  });
  console.log(
    `API node vs scikit-learn on ${rows.length} held-out rows: max abs probability difference ${maxDiff}, ${mismatches} label mismatches`,
  );

  // predict-multi of 1,000 rows, round trip, and where its time goes: the client's side timed
  // here (serialising the body, writing it, the answer's head and end, parsing it), the node's
  // from its answer's timing (reading and parsing the body, scoring; totalMs ends once the
  // results are serialised, before the answer is written).
  const multi: number[] = [];
  const parts = {
    stringify: [] as number[],
    sent: [] as number[],
    head: [] as number[],
    body: [] as number[],
    parse: [] as number[],
    nodeRead: [] as number[],
    nodeParse: [] as number[],
    scoring: [] as number[],
    nodeTotal: [] as number[],
    outside: [] as number[],
  };
  // Serialising the request is timed apart: done before each send, its garbage made the client
  // collect during the round trips.
  const items = rows.map((features) => ({ features }));
  for (let i = 0; i < 5; i++) {
    const s0 = performance.now();
    JSON.stringify({ items });
    parts.stringify.push(performance.now() - s0);
  }
  for (let i = 0; i < 30; i++) {
    const r = await post("predict-multi", multiBody);
    multi.push(r.end);
    if (r.status !== 200) throw new Error(`predict-multi answered ${r.status}`);
    const p0 = performance.now();
    const timing = (
      JSON.parse(r.text) as {
        timing: { scoringMs: number; totalMs: number; readMs?: number; parseMs?: number };
      }
    ).timing;
    parts.parse.push(performance.now() - p0);
    parts.sent.push(r.sent);
    parts.head.push(r.head);
    parts.body.push(r.end - r.head);
    parts.nodeRead.push(timing.readMs ?? Number.NaN);
    parts.nodeParse.push(timing.parseMs ?? Number.NaN);
    parts.scoring.push(timing.scoringMs);
    parts.nodeTotal.push(timing.totalMs);
    parts.outside.push(r.end - timing.totalMs);
  }
  const multiP50 = pct(multi, 50);
  const m50 = (xs: number[]) => f2(pct(xs, 50));
  console.log(
    `predict-multi of ${rows.length} rows (${(multiBody.length / 1024).toFixed(0)} KiB body): p50 ${f2(multiP50)} ms, p90 ${f2(pct(multi, 90))} ms round trip (30 runs); inside the node p50 ${m50(parts.nodeTotal)} ms (reading the body ${m50(parts.nodeRead)}, parsing it ${m50(parts.nodeParse)}, scoring ${m50(parts.scoring)}); outside it ${m50(parts.outside)} ms. Client side (p50 from the send): body written ${m50(parts.sent)}, answer's head ${m50(parts.head)}, its body ${m50(parts.body)}; serialising the request ${m50(parts.stringify)} and parsing the answer ${m50(parts.parse)} (not in the round trip)`,
  );

  // Single predictions under load, from a worker thread (bench/lib/http-load.ts): first as fast
  // as CLIENTS clients can go (throughput), then at RATE/s offered by the same clients (latency:
  // with 100 requests always in flight, Little's law makes any p50 100 / throughput, so a latency
  // target only means something at a given rate).
  const bodies = rows.map((features) => JSON.stringify({ features }));
  const loadOptions = {
    port,
    path: "/public/api/v1/bench/forest/predict",
    headers: { "content-type": "application/json", authorization: auth },
    bodies,
    clients: CLIENTS,
  };
  await runLoad({ ...loadOptions, seconds: 2 }); // warm-up: JIT, connections
  await nodeSince(1);
  const closed = await runLoad({ ...loadOptions, seconds: SECONDS });
  const closedLoop = await nodeSince(closed.latencies.length);
  console.log(
    `single predictions, ${CLIENTS} clients each sending when answered, ${SECONDS} s: ${closed.latencies.length} requests, ${closed.perSecond.toFixed(0)} predictions/s, p50 ${f2(pct(closed.latencies, 50))} ms, p99 ${f2(pct(closed.latencies, 99))} ms, ${closed.errors} errors; ${closedLoop}`,
  );
  const open = await runLoad({ ...loadOptions, seconds: SECONDS, rate: RATE });
  const openLoop = await nodeSince(open.latencies.length);
  const p50 = pct(open.latencies, 50);
  const p99 = pct(open.latencies, 99);
  console.log(
    `single predictions offered at ${RATE}/s by ${CLIENTS} clients, ${SECONDS} s: ${open.latencies.length} requests, p50 ${f2(p50)} ms, p99 ${f2(p99)} ms, ${open.errors} errors; ${openLoop}`,
  );
  agent.destroy();

  // scikit-learn on the same rows: the pickled pipeline, in one Python process.
  // SOUS_BENCH_SKLEARN=0 skips it (comparing two node versions: one Python process takes minutes
  // on a busy machine).
  if (process.env.SOUS_BENCH_SKLEARN === "0")
    console.log("scikit-learn baseline skipped (SOUS_BENCH_SKLEARN=0)");
  else {
    const script = `
import json, sys, time
import joblib, numpy as np
from sous_ml.train import category_text
req = json.load(sys.stdin)
model = joblib.load(req["pickle"])
feats = req["features"]
x = np.empty((len(req["rows"]), len(feats)), dtype=object)
for r, row in enumerate(req["rows"]):
    for j, f in enumerate(feats):
        v = row.get(f["name"])
        x[r, j] = np.nan if v is None else (float(v) if f["type"] == "numeric" else category_text(v))
single = []
for r in range(len(x)):
    t0 = time.perf_counter(); model.predict_proba(x[r:r + 1]); single.append((time.perf_counter() - t0) * 1000)
batch = []
for _ in range(30):
    t0 = time.perf_counter(); model.predict_proba(x); batch.append((time.perf_counter() - t0) * 1000)
print(json.dumps({"single": single, "batch": batch}))
`;
    const py = spawnSync(defaultPython, ["-c", script], {
      cwd: path.join(repoRoot, "python"),
      env: { ...process.env, PYTHONPATH: path.join(repoRoot, "python") },
      input: JSON.stringify({
        pickle: path.join(trained.outputDir, trained.result.models[0]!.pickle),
        features,
        rows,
      }),
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    if (py.status !== 0) throw new Error(`scikit-learn baseline failed: ${py.stderr}`);
    const sk = JSON.parse(py.stdout) as { single: number[]; batch: number[] };
    const skP50 = pct(sk.single, 50);
    const skBatch = pct(sk.batch, 50);
    console.log(
      `scikit-learn predict_proba, one row at a time (one process, no HTTP): p50 ${f2(skP50)} ms, p99 ${f2(pct(sk.single, 99))} ms, ${(1000 / skP50).toFixed(0)} rows/s; ${rows.length} rows at once: p50 ${f2(skBatch)} ms`,
    );
    console.log(
      `ratios: API node predictions/s over HTTP vs scikit-learn one row at a time in-process: ${(closed.perSecond / (1000 / skP50)).toFixed(2)}x; predict-multi of ${rows.length} rows (with HTTP and JSON) vs predict_proba on them: ${(skBatch / multiP50).toFixed(2)}x`,
    );
  }
  // Every figure here shares the machine with whatever else runs: say how busy it was.
  console.log(
    `machine: ${availableParallelism()} cores, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" / ")} (1/5/15 min) at the end of the run`,
  );
  // The last line, in a fixed form: p50 and p99 at RATE/s, the most predictions/s, all errors.
  console.log(
    `api-node: p50 ${f2(p50)} ms, p99 ${f2(p99)} ms, ${closed.perSecond.toFixed(0)} predictions/s, ${closed.errors + open.errors} errors`,
  );
} finally {
  if (node && node.exitCode === null) {
    node.kill("SIGTERM");
    await new Promise((r) => node?.once("exit", r));
  }
  store.remove();
  await t.drop();
}
process.exit(0);
