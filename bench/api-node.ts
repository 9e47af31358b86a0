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
  // Extra flags for the node's process, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it.
  const nodeFlags = (process.env.SOUS_BENCH_NODE_FLAGS ?? "").split(" ").filter(Boolean);
  node = spawn(process.execPath, [...nodeFlags, "--import", "tsx", "src/main.ts"], {
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
  const post = (action: string, body: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
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
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }),
          );
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(body);
    });

  /** The node's event-loop delay since the previous call (it starts a new window), as text. */
  const loopDelay = async () => {
    const r = await fetch(`http://127.0.0.1:${port}/admin/api/v1/event-loop/reset`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiNodeAdminToken(secret)}` },
    });
    if (r.status !== 200) throw new Error(`event-loop/reset answered ${r.status}`);
    const d = ((await r.json()) as { eventLoopDelayMs: { p50: number; p99: number; max: number } | null })
      .eventLoopDelayMs;
    return d
      ? `node's event loop delayed p50 ${f2(d.p50)} ms, p99 ${f2(d.p99)} ms, max ${f2(d.max)} ms`
      : "no event-loop samples";
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

  // predict-multi of 1,000 rows, round trip.
  const multi: number[] = [];
  const scoring: number[] = [];
  const server: number[] = [];
  for (let i = 0; i < 30; i++) {
    const t0 = performance.now();
    const r = await post("predict-multi", multiBody);
    multi.push(performance.now() - t0);
    if (r.status !== 200) throw new Error(`predict-multi answered ${r.status}`);
    const timing = (JSON.parse(r.text) as { timing: { scoringMs: number; totalMs: number } }).timing;
    scoring.push(timing.scoringMs);
    server.push(timing.totalMs);
  }
  const multiP50 = pct(multi, 50);
  console.log(
    `predict-multi of ${rows.length} rows: p50 ${f2(multiP50)} ms, p90 ${f2(pct(multi, 90))} ms round trip (30 runs); inside the node p50 ${f2(pct(server, 50))} ms from the request's arrival to the answer's serialisation, of which scoring ${f2(pct(scoring, 50))} ms`,
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
  await loopDelay();
  const closed = await runLoad({ ...loadOptions, seconds: SECONDS });
  const closedLoop = await loopDelay();
  console.log(
    `single predictions, ${CLIENTS} clients each sending when answered, ${SECONDS} s: ${closed.latencies.length} requests, ${closed.perSecond.toFixed(0)} predictions/s, p50 ${f2(pct(closed.latencies, 50))} ms, p99 ${f2(pct(closed.latencies, 99))} ms, ${closed.errors} errors; ${closedLoop}`,
  );
  const open = await runLoad({ ...loadOptions, seconds: SECONDS, rate: RATE });
  const openLoop = await loopDelay();
  const p50 = pct(open.latencies, 50);
  const p99 = pct(open.latencies, 99);
  console.log(
    `single predictions offered at ${RATE}/s by ${CLIENTS} clients, ${SECONDS} s: ${open.latencies.length} requests, p50 ${f2(p50)} ms, p99 ${f2(p99)} ms, ${open.errors} errors; ${openLoop}`,
  );
  agent.destroy();

  // scikit-learn on the same rows: the pickled pipeline, in one Python process.
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
  // Every figure here shares the machine with whatever else runs: say how busy it was.
  console.log(
    `machine: ${availableParallelism()} cores, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" / ")} (1/5/15 min) at the end of the run`,
  );
  console.log(
    `api-node: p50 ${f2(p50)} ms, p99 ${f2(p99)} ms (at ${RATE}/s), ${closed.perSecond.toFixed(0)} predictions/s (most), ${closed.errors + open.errors} errors`,
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
